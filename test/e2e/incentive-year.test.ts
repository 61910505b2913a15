// Issue 13, "Done when": a whole year of the "168" cycle (2027) in one walk, end to end through the daily sweep,
// signed WeCom callbacks, card clicks, the fake WeCom API and the admin export route. A running clock moves through
// the year at 10:00 in Shanghai on working days (2027 and 2028 have no official holiday data yet: weekends only):
// January — the goals nudge reaches the secretaries and the OD gets the 光荣在党50年 list; goals and commitments
// recorded. March — the Q1 window's nudge, submissions (one for 冯无号 by his secretary), the reminder a week
// later only to those who have not submitted. June, September, December — the other quarters. July — the
// half-year nudge and grades. December — the year-end nudge, the GB's cap, the leadership review opened from the
// OD's card, rated and commented, the year-end grades, the excellent list refused over the cap with its numbers and
// then recorded with its certificate; after the review closes, totals without names. January 2028 — the committee's
// picks (a reason asked for the one on no GB list), a commendation with its certificate number, the 50-year
// certificate recorded. Then the five incentive exports, CSV and JSON, row by row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSweep } from '../../src/notices/sweep.ts';
import { sweepDeps } from '../../workers/sweep.ts';
import { runningClock, startStack, waitForAllDelivered, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { CARE_ROWS, importCareRoster } from '../helpers/care-roster.ts';
import type { SentMessage } from '../helpers/fake-wecom.ts';

const TOKEN = 'incentive-year-admin-token-0123456789abcdef';
type Card = { task_id: string; button_list: Array<{ key: string; text: string }>; main_title: { title: string } };

// Two more members of 教工第一党支部: the GB (计算机学院党总支) then has 8 active members, a cap of ⌊15% × 8⌋ = 1.
const ROWS = [
  ...CARE_ROWS,
  '王芳,wangfang,女,1970-01-01,1995-01-01,1996-01-01,计算机学院党总支,教工第一党支部,,,',
  '张伟,zhangwei,男,1972-01-01,1996-01-01,1997-01-01,计算机学院党总支,教工第一党支部,,,',
];
/** Who rates the leadership in December: never to be found beside a rating. */
const RATERS = ['吴生日', '王芳', '张伟', '郑老党员', '周支书', 'wushengri', 'wangfang', 'zhangwei', 'zhenglao', 'zhouzhishu'];
const COMMENT = '希望支部委员会多听取青年教师意见';

describe('issue 13: a whole year of the "168" cycle in chat and exports', () => {
  let stack: Stack;
  const time = runningClock('2027-01-01T02:00:00Z'); // 10:00 on Friday 1 January 2027 in Shanghai

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, env: { ADMIN_TOKEN: TOKEN }, overrides: { clock: time.clock } });
    await importCareRoster(stack.deps.db.db, ROWS);
  });
  afterAll(() => stack.close());

  const { say, click } = wecomChat(() => stack, time.clock, 9_500_000_000n);
  /** 10:00 in Shanghai on a local date. */
  const at = (date: string) => time.set(`${date}T02:00:00Z`);
  // The sweep of a day, at 10:00 that day (its notices are due from 09:00): what it sent.
  const sweep = async (date: string) => {
    at(date);
    const start = stack.fake!.sent.length;
    await runSweep(sweepDeps(stack.deps), date);
    await waitForAllDelivered(stack);
    return stack.fake!.sent.slice(start);
  };
  const textsTo = (sent: SentMessage[], who: string) => sent.filter((m) => m.touser.split('|').includes(who) && m.msgtype !== 'template_card').map(textOf);
  const cardsTo = (sent: SentMessage[], who: string): Card[] => sent.filter((m) => m.touser.split('|').includes(who) && m.msgtype === 'template_card').map((m) => m.body.template_card as Card);
  /** The writer's one text answer (notices of a sweep are markdown and were waited for before). */
  const reply = async (who: string, content: string, expectAtLeast = 1) => {
    const start = stack.fake!.sent.length;
    await say(who, content, expectAtLeast);
    const sent = stack.fake!.sent.slice(start);
    const mine = sent.filter((m) => m.touser.split('|').includes(who) && m.msgtype === 'text').map(textOf);
    expect(mine.length, `${content}: ${mine.join(' / ')}`).toBe(1);
    return { answer: mine[0]!, sent };
  };
  const answer = async (who: string, content: string, expectAtLeast = 1) => (await reply(who, content, expectAtLeast)).answer;
  const clickAnswer = async (who: string, card: Card, button: string) => {
    const start = stack.fake!.sent.length;
    await click(who, card, button);
    const mine = stack.fake!.sent.slice(start).filter((m) => m.touser.split('|').includes(who) && m.msgtype === 'text');
    expect(mine.length, button).toBe(1);
    return textOf(mine[0]!);
  };
  const admin = (path: string) => fetch(`${stack.baseUrl}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const csvOf = async (what: string) => {
    const res = await admin(`/admin/export/${what}?format=csv`);
    expect(res.status, what).toBe(200);
    return (await res.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
  };
  const jsonOf = async (what: string) => {
    const res = await admin(`/admin/export/${what}?format=json`);
    expect(res.status, what).toBe(200);
    return (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  };

  it('January: the goals nudge reaches the secretaries, the OD gets the 50-year list; goals and commitments recorded', async () => {
    const sent = await sweep('2027-01-01');
    expect(textsTo(sent, 'zhouzhishu').join('\n')).toContain('发送“本支部2027年目标：……”登记');
    expect(textsTo(sent, 'sunzongzhi').join('\n')).toContain('发送“本总支2027年目标：……”登记');
    expect(textsTo(sent, 'wushengri').join('\n')).toContain('发送“亮岗承诺：……”登记');
    // 郑老党员 (a full member since 1967) is in the backlog of the OD's list.
    expect(textsTo(sent, 'zhaozuzhi').find((t) => t.includes('纪念证书名单'))).toContain('郑老党员');

    expect(await answer('zhouzhishu', '本支部2027年目标：\n一、每月开展一次主题党日\n二、谈心谈话全覆盖')).toContain('已登记教工第一党支部2027年目标');
    expect(await answer('sunzongzhi', '本总支目标：做好困难党员帮扶')).toContain('已登记计算机学院党总支2027年目标');
    for (const [who, text] of [
      ['wushengri', '立足岗位，带好每一堂课'],
      ['wangfang', '带好科研团队，帮扶一名困难学生'],
      ['zhangwei', '做好实验室安全工作'],
    ]) {
      expect(await answer(who!, `亮岗承诺：${text}`)).toContain('已登记您的2027年亮岗承诺');
    }
  });

  it('March: the Q1 window opens with a nudge to every member; the reminder a week later only to those who have not submitted', async () => {
    const nudge = await sweep('2027-03-18');
    for (const who of ['wushengri', 'zhenglao', 'wangfang']) expect(textsTo(nudge, who).join('\n'), who).toContain('2027年第1季度党员自评');
    expect(textsTo(nudge, 'zhouzhishu').join('\n')).toContain('2027年第1季度党员自评');

    expect(await answer('wushengri', '季度自评：本季度完成两门课的教学\n参加主题党日3次')).toContain('已提交您的2027年第1季度自评');
    expect(await answer('wangfang', '季度自评：本季度申报课题一项')).toContain('已提交您的2027年第1季度自评');
    expect(await answer('zhangwei', '季度自评：本季度完成实验室安全检查')).toContain('已提交您的2027年第1季度自评');
    expect(await answer('zhouzhishu', '季度自评：本季度组织主题党日3次')).toContain('已提交您的2027年第1季度自评');
    expect(await answer('zhouzhishu', '代冯无号提交季度自评：本季度按时参加组织生活')).toContain('已代为提交冯无号同志2027年第1季度自评');

    const reminder = await sweep('2027-03-25');
    const about = (who: string) => textsTo(reminder, who).filter((t) => t.includes('第1季度党员自评'));
    for (const who of ['wushengri', 'wangfang', 'zhangwei']) expect(about(who), who).toEqual([]);
    for (const who of ['zhenglao', 'wangjinnian', 'sunzongzhi']) {
      expect(about(who).length, who).toBe(1);
      expect(about(who)[0], who).toContain('您尚未提交本季度自评');
    }
    // The branch secretary submitted: no reminder of her own, but the branch's count.
    expect(about('zhouzhishu').join('\n')).not.toContain('您尚未提交本季度自评');
    expect(textsTo(reminder, 'zhouzhishu').join('\n')).toContain('教工第一党支部在册8人，已提交5人，尚有3人未提交，发送“本季度未自评名单”查看');
    const missing = await answer('zhouzhishu', '本季度未自评名单');
    expect(missing).toContain('郑老党员');
    expect(missing).not.toContain('吴生日');
  });

  it('June: the Q2 self-evaluations', async () => {
    at('2027-06-21');
    expect(await answer('wushengri', '季度自评：本季度指导学生完成毕业设计')).toContain('已提交您的2027年第2季度自评');
    expect(await answer('wangfang', '季度自评：本季度发表论文一篇')).toContain('已提交您的2027年第2季度自评');
  });

  it('July: the half-year nudge reaches the branch secretary, who records the grades in one message', async () => {
    const sent = await sweep('2027-07-01');
    expect(textsTo(sent, 'zhouzhishu').join('\n')).toContain('2027年上半年党员考评');
    const recorded = await answer('zhouzhishu', '半年考评：全体合格，其中王芳优秀');
    expect(recorded).toContain('已登记教工第一党支部2027年半年考评');
    expect(recorded).toContain('王芳：优秀');
  });

  it('September: the Q3 self-evaluation', async () => {
    at('2027-09-20');
    expect(await answer('wushengri', '季度自评：本季度承担新生入学教育')).toContain('已提交您的2027年第3季度自评');
  });

  let opened: SentMessage[] = [];
  const cardOf = (who: string, committee: '党支部' | '党总支') => cardsTo(opened, who).find((c) => c.main_title.title.includes(committee))!;

  it('December: the year-end nudge, the GB cap, and the leadership review opened from the OD’s card and rated', async () => {
    const sent = await sweep('2027-12-01');
    expect(textsTo(sent, 'zhouzhishu').join('\n')).toContain('2027年度党员总评');
    expect(textsTo(sent, 'sunzongzhi').join('\n')).toContain('本总支在册党员8人，今年可评优秀党员不超过1人');
    // The branch secretary is not asked to apply a proportion.
    expect(textsTo(sent, 'zhouzhishu').join('\n')).not.toContain('可评优秀党员');
    const nudge = cardsTo(sent, 'zhaozuzhi').find((c) => c.main_title.title.includes('党员评议领导班子'))!;
    expect(nudge.main_title.title).toBe('开启2027年度党员评议领导班子');

    // 12 members with an account get two cards each; 冯无号 none.
    opened = await click('zhaozuzhi', nudge, '开启评议', 25);
    expect(textsTo(opened, 'zhaozuzhi').join('\n')).toContain('已开启2027年度党员评议领导班子：12月1日至12月14日，已向12名党员发送评议卡片');
    expect(cardsTo(opened, 'wushengri').map((c) => c.main_title.title).sort()).toEqual(['评议教工第一党支部委员会', '评议计算机学院党总支委员会']);

    expect(await clickAnswer('wushengri', cardOf('wushengri', '党支部'), '满意')).toContain('评议匿名统计，不记录评议人');
    await clickAnswer('wushengri', cardOf('wushengri', '党总支'), '满意');
    await clickAnswer('wangfang', cardOf('wangfang', '党支部'), '满意');
    await clickAnswer('zhangwei', cardOf('zhangwei', '党支部'), '基本满意');
    await clickAnswer('zhenglao', cardOf('zhenglao', '党支部'), '不满意');
    await clickAnswer('zhouzhishu', cardOf('zhouzhishu', '党总支'), '满意');
    expect(await answer('zhenglao', `支部评议意见：${COMMENT}`)).toContain('已匿名记录您对教工第一党支部委员会的评议意见');
    // While open, results are only how many answered.
    const progress = await answer('zhaozuzhi', '领导班子评议结果');
    expect(progress).toContain('截止后公布结果');
    expect(progress).not.toMatch(/满意/);
  });

  it('December: the year-end grades; the excellent list refused over the cap with its numbers, then recorded with its certificate', async () => {
    at('2027-12-10');
    const grades = await answer('zhouzhishu', '年底总评：全体合格，其中王芳、张伟优秀');
    expect(grades).toContain('已登记教工第一党支部2027年年底总评（2027年12月10日召开）');
    expect(grades).toContain('张伟：优秀');

    expect(await answer('sunzongzhi', '评选优秀党员：王芳、张伟')).toBe('未作登记。本总支在册党员8人，优秀党员最多1人，名单有2人。请调整名单后重新发送。');
    expect(await stack.deps.db.db.selectFrom('commendations').select('id').execute()).toEqual([]);
    const { answer: listed, sent } = await reply('sunzongzhi', '评选优秀党员：王芳', 2);
    expect(listed).toContain('已登记计算机学院党总支2027年度优秀党员1人（本总支在册党员8人，最多1人）');
    expect(listed).toContain('计算机学院党总支〔2027〕第1号');
    expect(textsTo(sent, 'wangfang').join('\n')).toContain('祝贺您被计算机学院党总支评为2027年度优秀党员');
  });

  it('the leadership review closed: totals without names for the OD and the GB secretary; a late click refused', async () => {
    at('2027-12-15');
    expect(await clickAnswer('wangjinnian', cardOf('wangjinnian', '党支部'), '满意')).toContain('2027年度领导班子评议已于12月14日截止');
    const od = await answer('zhaozuzhi', '领导班子评议结果');
    expect(od).toContain('教工第一党支部委员会：参评7人，评议4人；满意2、基本满意1、不满意1');
    expect(od).toContain('计算机学院党总支委员会：参评7人，评议2人；满意2、基本满意0、不满意0');
    expect(od).toContain(COMMENT);
    const gb = await answer('sunzongzhi', '领导班子评议结果');
    expect(gb).toContain('教工第一党支部委员会：参评7人，评议4人；满意2、基本满意1、不满意1');
    expect(gb).not.toContain(COMMENT);
    for (const text of [od, gb]) for (const n of RATERS) expect(text, n).not.toContain(n);
    expect(await answer('zhouzhishu', '领导班子评议结果')).toContain('由党委组织部和党总支书记查看');
  });

  it('December: the Q4 self-evaluation', async () => {
    at('2027-12-20');
    expect(await answer('wushengri', '季度自评：本季度完成年度教学考核')).toContain('已提交您的2027年第4季度自评');
  });

  it('January 2028: the committee’s picks with a reason off-list, a commendation with its number, the 50-year certificate', async () => {
    const sent = await sweep('2028-01-03');
    // The branch recorded its year-end evaluation and the GB its list: no reminder to either.
    expect(textsTo(sent, 'zhouzhishu').join('\n')).not.toContain('2027年度党员总评');
    expect(textsTo(sent, 'sunzongzhi').join('\n')).not.toContain('2027年度优秀党员尚未评选');
    // 褚支书's branch and GB (数学学院) recorded neither: both reminders reach him.
    expect(textsTo(sent, 'chuzhishu').join('\n')).toContain('本支部尚未登记，请于1月底前完成');
    expect(textsTo(sent, 'chuzhishu').join('\n')).toContain('提醒：2027年度优秀党员尚未评选');
    expect(textsTo(sent, 'zhaozuzhi').find((t) => t.includes('纪念证书名单'))).toContain('郑老党员');

    const onList = await reply('zhaozuzhi', '校党委优秀共产党员：王芳', 2);
    expect(onList.answer).toContain('已登记校党委2027年度优秀共产党员：王芳（党委〔2027〕第1号）');
    expect(textsTo(onList.sent, 'wangfang').join('\n')).toContain('祝贺您被评为党委2027年度优秀共产党员');
    const asked = await answer('zhaozuzhi', '校党委优秀党务工作者：周支书');
    expect(asked).toContain('周支书（计算机学院党总支）不在2027年度各党总支优秀党员名单中');
    expect(asked).toContain('请在下一条消息中写明推选理由');
    const picked = await reply('zhaozuzhi', '长期从事党务工作，组织生活开展扎实', 2);
    expect(picked.answer).toContain('周支书（党委〔2027〕第2号；名单外推选理由：长期从事党务工作，组织生活开展扎实）');
    expect(textsTo(picked.sent, 'zhouzhishu').join('\n')).toContain('优秀党务工作者');

    const special = await reply('zhaozuzhi', '表彰：吴生日 专项表彰 抢险抗灾 2027年 校党委 证书编号QZ2027-001', 2);
    expect(special.answer).toBe('已登记表彰：吴生日，党委2027年度专项表彰（抢险抗灾），校党委级，证书编号QZ2027-001。已通知获表彰的同志。');
    expect(await answer('wangfang', '我的表彰')).toContain('您获得的表彰（2项）');

    const certificate = await reply('zhaozuzhi', '已颁发纪念证书：郑老党员，2028-01-03，编号2028-001', 3);
    expect(certificate.answer).toContain('已登记：郑老党员同志“光荣在党50年”纪念证书，颁发日期2028年1月3日，编号2028-001');
    expect(textsTo(certificate.sent, 'zhouzhishu').join('\n')).toContain('郑老党员');
    // In January "我的考评" shows the year just ended, beside the commitment.
    const mine = await answer('wangfang', '我的考评');
    expect(mine).toContain('亮岗承诺：带好科研团队，帮扶一名困难学生');
    expect(mine).toContain('半年考评：优秀');
    expect(mine).toContain('年底总评：优秀');
  });

  it('the exports: evaluations, excellent, commendations, certificates and leadership, CSV and JSON', async () => {
    // evaluations: goals, commitments, four quarters, half-year and year-end grades — canonical codes.
    const evaluations = await jsonOf('evaluations');
    const kinds = (member: string) =>
      evaluations
        .filter((r) => r.member_account === member)
        .map((r) => `${String(r.kind)}/${String(r.period ?? '')}/${String(r.grade ?? '')}`)
        .sort();
    expect(kinds('wushengri')).toEqual(['commitment//', 'half_year/H1/competent', 'quarterly_self/Q1/', 'quarterly_self/Q2/', 'quarterly_self/Q3/', 'quarterly_self/Q4/', 'year_end//competent']);
    expect(kinds('wangfang')).toEqual(['commitment//', 'half_year/H1/excellent', 'quarterly_self/Q1/', 'quarterly_self/Q2/', 'year_end//excellent']);
    expect(evaluations.filter((r) => r.kind === 'goals').map((r) => r.organisation).sort()).toEqual(['教工第一党支部', '计算机学院党总支']);
    expect(evaluations.filter((r) => r.year !== 2027)).toEqual([]);
    const fengQ1 = evaluations.find((r) => r.kind === 'quarterly_self' && r.member_name === '冯无号');
    expect(fengQ1).toMatchObject({ period: 'Q1', member_account: null, recorded_by_account: 'zhouzhishu', text: '本季度按时参加组织生活' });
    const evalCsv = await csvOf('evaluations');
    expect(evalCsv[0]).toBe('kind,year,period,general_branch,branch,organisation,member_account,member_name,grade,text,recorded_by_account,recorded_by_name,recorded_at');
    expect(evalCsv.some((l) => l.startsWith('year_end,2027,,计算机学院党总支,教工第一党支部,,zhangwei,张伟,excellent,'))).toBe(true);
    expect(evalCsv.some((l) => l.startsWith('quarterly_self,2027,Q4,计算机学院党总支,教工第一党支部,,wushengri,吴生日,,本季度完成年度教学考核,'))).toBe(true);

    // excellent: the GB's list and the committee's picks, the off-list one with its reason.
    const excellent = await jsonOf('excellent');
    expect(excellent.map((r) => [r.list, r.kind, r.member_account, r.on_gb_list, r.reason, r.certificate_no])).toEqual(
      expect.arrayContaining([
        ['gb', 'excellent_member', 'wangfang', true, null, '计算机学院党总支〔2027〕第1号'],
        ['committee', 'excellent_member', 'wangfang', true, null, '党委〔2027〕第1号'],
        ['committee', 'excellent_worker', 'zhouzhishu', false, '长期从事党务工作，组织生活开展扎实', '党委〔2027〕第2号'],
      ]),
    );
    expect(excellent).toHaveLength(3);
    expect((await csvOf('excellent')).some((l) => l.includes('zhouzhishu,周支书,committee,excellent_worker,false,长期从事党务工作，组织生活开展扎实,党委〔2027〕第2号'))).toBe(true);

    // commendations: every one recorded, with its certificate number.
    const commendations = await jsonOf('commendations');
    expect(commendations.map((r) => `${String(r.kind)}/${String(r.level)}/${String(r.member_account)}/${String(r.certificate_no)}`).sort()).toEqual([
      'excellent_member/committee/wangfang/党委〔2027〕第1号',
      'excellent_member/general_branch/wangfang/计算机学院党总支〔2027〕第1号',
      'excellent_worker/committee/zhouzhishu/党委〔2027〕第2号',
      'special/committee/wushengri/QZ2027-001',
    ]);
    expect((await csvOf('commendations')).some((l) => l.startsWith('2027,special,committee,抢险抗灾,wushengri,吴生日,,计算机学院党总支,教工第一党支部,QZ2027-001,zhaozuzhi,赵组织,2028-01-03T'))).toBe(true);

    // certificates: 郑老党员's, issued with its number.
    const certificates = await jsonOf('certificates');
    expect(certificates.find((r) => r.member_account === 'zhenglao')).toMatchObject({ state: 'issued', issued_on: '2028-01-03', certificate_no: '2028-001', recorded_by_account: 'zhaozuzhi' });
    expect((await csvOf('certificates')).some((l) => l.startsWith('zhenglao,郑老党员,计算机学院党总支,教工第一党支部,') && l.includes(',issued,') && l.includes('2028-001'))).toBe(true);

    // leadership: totals and the comment, never a person.
    const leadership = await csvOf('leadership');
    expect(leadership[0]).toBe('year,kind,general_branch,branch,organisation_rated,satisfied,basically_satisfied,dissatisfied,answered,members,comment');
    expect(leadership).toContain('2027,total,计算机学院党总支,教工第一党支部,branch,2,1,1,4,7,');
    expect(leadership).toContain('2027,total,计算机学院党总支,,general_branch,2,0,0,2,7,');
    expect(leadership).toContain(`2027,comment,计算机学院党总支,教工第一党支部,branch,,,,,,${COMMENT}`);
    const leadershipJson = await jsonOf('leadership');
    expect(new Set(leadershipJson.map((r) => r.kind))).toEqual(new Set(['total', 'comment']));
    const everything = JSON.stringify(leadershipJson) + leadership.join('\n');
    for (const n of RATERS) expect(everything, n).not.toContain(n);
  });
});
