// Issue 14 as a whole, end to end through signed WeCom callbacks and card clicks on the care roster, at a pinned
// clock: the OD reports work down the chain (向各支部通报), the GB secretary and the branch secretary report to their
// members; read receipts from 已阅 clicks, 通报阅读情况, the sweep's one reminder to the unread; a member's suggestion
// to the branch secretary answered, another to the GB secretary left unanswered until the sweep escalates it (the
// member told), an anonymous one to the OD (no name on the card, the name in 建议N for the OD); a delegate's
// proposal registered, assigned and answered; then every voice export, row by row, for the OD and for the branch
// secretary — who gets only what the access rule lets them see, and never an anonymous writer's name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningClock, startStack, waitForAllDelivered, waitForQuiet, WECOM, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { eventXml } from '../helpers/wecom-signer.ts';
import { CARE_HEADER, CARE_ROWS } from '../helpers/care-roster.ts';
import type { SentMessage } from '../helpers/fake-wecom.ts';
import { importRosterFile } from '../../src/roster/import.ts';
import { runSweep } from '../../src/notices/sweep.ts';
import { sweepDeps } from '../../workers/sweep.ts';
import { collectVoice, type VoiceExportKind } from '../../src/voice/export.ts';
import { loadAccessPerson } from '../../src/roster/responsibility.ts';
import { viewerOf } from '../../src/domain/access.ts';

const TOKEN = 'voice-year-e2e-admin-token-0123456789abcdef';
type Card = { task_id: string; button_list: Array<{ key: string; text: string }>; main_title: { title: string } };

/** Whether a message went to `who` (a broadcast names many recipients in one call, `a|b|c`). */
const reaches = (m: SentMessage, who: string) => m.touser.split('|').includes(who);
const cardsTo = (sent: SentMessage[], who: string): Card[] => sent.filter((m) => reaches(m, who) && m.msgtype === 'template_card').map((m) => m.body.template_card as Card);
const textsTo = (sent: SentMessage[], who: string): string[] => sent.filter((m) => reaches(m, who) && m.msgtype !== 'template_card').map(textOf);

describe('issue 14: members’ voice through a year’s steps', () => {
  let stack: Stack;
  // 10:00 on Tuesday 1 December 2026 in Shanghai, a working day.
  const time = runningClock('2026-12-01T02:00:00Z');

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, env: { ADMIN_TOKEN: TOKEN }, overrides: { clock: time.clock } });
    // 吴生日 is a Party congress delegate (党代会代表); nobody else is.
    const rows = CARE_ROWS.map((r) => `${r},${r.split(',')[1] === 'wushengri' ? '是' : ''}`);
    const out = await importRosterFile(stack.deps.db.db, Buffer.from([`${CARE_HEADER},党代会代表`, ...rows].join('\n'), 'utf8'), { today: '2026-12-01' });
    if (!out.ok) throw new Error(JSON.stringify(out.errors));
  });
  afterAll(() => stack.close());

  const chat = wecomChat(() => stack, time.clock, 9_800_000_000n);
  /** Everything that reached anyone after `who` said `content` (at least `expectAtLeast` messages). */
  const say = async (who: string, content: string, expectAtLeast = 1) => {
    const start = stack.fake!.sent.length;
    await chat.say(who, content, expectAtLeast);
    await waitForQuiet(stack);
    return stack.fake!.sent.slice(start);
  };
  /** The one text answer `who` got. */
  const reply = async (who: string, content: string, expectAtLeast = 1) => {
    const sent = await say(who, content, expectAtLeast);
    const mine = textsTo(sent, who);
    expect(mine, content).toHaveLength(1);
    return { text: mine[0]!, sent };
  };
  let createTime = 1_900_000_000;
  /** A click as its own callback (the fake WeCom drops an identical text within 30 minutes: no count awaited). */
  const click = async (who: string, card: Card, button: string) => {
    const key = card.button_list.find((b) => b.text === button)!.key;
    const start = stack.fake!.sent.length;
    await chat.post(eventXml({ from: who, event: 'template_card_event', eventKey: key, createTime: ++createTime, corpId: WECOM.corpId, TaskId: card.task_id, CardType: 'button_interaction', ResponseCode: 'none' }));
    await waitForQuiet(stack);
    await waitForAllDelivered(stack);
    return stack.fake!.sent.slice(start);
  };
  const sweep = async (date: string) => {
    time.set(`${date}T02:00:00Z`);
    const start = stack.fake!.sent.length;
    await runSweep(sweepDeps(stack.deps), date);
    await waitForAllDelivered(stack);
    return stack.fake!.sent.slice(start);
  };
  const db = () => stack.deps.db.db;
  const memberId = async (userid: string) => String((await db().selectFrom('members').select('id').where('userid', '=', userid).executeTakeFirstOrThrow()).id);
  const readers = async (id: string) =>
    (await db().selectFrom('announcement_recipients as r').innerJoin('members as m', 'm.id', 'r.member_id').select('m.name').where('r.announcement_id', '=', id).where('r.read_at', 'is not', null).orderBy('m.name').execute()).map((r) => r.name);

  /** A 通报 written, previewed and sent: its id and the card its recipients got. */
  const announce = async (who: string, content: string, audience: string) => {
    const preview = await say(who, content, 2);
    const text = textsTo(preview, who)[0]!;
    expect(text, content).toContain(audience);
    const id = /^通报(\d+)预览/u.exec(text)![1]!;
    const sent = await click(who, cardsTo(preview, who)[0]!, '发送');
    expect(textsTo(sent, who)[0]).toContain(`通报${id}已发给`);
    await waitForAllDelivered(stack);
    const cards = stack.fake!.sent.filter((m) => m.msgtype === 'template_card' && String((m.body.template_card as Card).task_id).startsWith(`ann${id}p`));
    return { id, cards, card: cards[0]!.body.template_card as Card, to: cards.flatMap((m) => m.touser.split('|')).sort() };
  };

  const ids = { od: '', gb: '', branch: '', answered: '', escalated: '', anonymousOd: '', anonymousBranch: '', proposal: '' };

  it('the OD, a GB secretary and a branch secretary report their work down the chain, each to their own audience', async () => {
    const od = await announce('zhaozuzhi', '向各支部通报：请各支部于12月20日前完成年度组织生活会', '发送对象：各党总支、党支部书记3人。');
    ids.od = od.id;
    expect(od.to).toEqual(['chuzhishu', 'sunzongzhi', 'zhouzhishu']);
    const gb = await announce('sunzongzhi', '向本总支党员通报：学院党总支下周三开展主题党日活动', '发送对象：本总支党员5人，其中1人无企业微信/钉钉账号，需另行告知。');
    ids.gb = gb.id;
    expect(gb.to).toEqual(['wangjinnian', 'wushengri', 'zhenglao', 'zhouzhishu']);
    const branch = await announce('zhouzhishu', '向本支部党员通报典型事迹：郑老党员坚持义务辅导学生三十年', '发送对象：本支部党员5人，其中1人无企业微信/钉钉账号，需另行告知。');
    ids.branch = branch.id;
    expect(branch.to).toEqual(['sunzongzhi', 'wangjinnian', 'wushengri', 'zhenglao']);

    // 已阅, each from the reader's own click; a click on another's card counts nothing.
    await click('zhouzhishu', od.card, '已阅');
    await click('chuzhishu', od.card, '已阅');
    await click('wushengri', gb.card, '已阅');
    await click('zhouzhishu', gb.card, '已阅');
    await click('wushengri', branch.card, '已阅');
    await click('zhenglao', branch.card, '已阅');
    await click('sunzongzhi', branch.card, '已阅');
    await click('chenbiezhi', branch.card, '已阅');
    expect(await readers(ids.od)).toEqual(['周支书', '褚支书']);
    expect(await readers(ids.gb)).toEqual(['吴生日', '周支书']);
    expect(await readers(ids.branch)).toEqual(['吴生日', '孙总支', '郑老党员']);

    expect((await reply('zhaozuzhi', `通报阅读情况${ids.od}`)).text).toContain('应发3人，已送达3人，已阅2人，未阅1人。');
    expect((await reply('zhaozuzhi', `通报${ids.od}未读名单`)).text).toContain('未阅1人：孙总支。');
    const gbReads = (await reply('sunzongzhi', '通报阅读情况')).text;
    expect(gbReads).toContain('应发4人，已送达4人，已阅2人，未阅2人。');
    expect(gbReads).toContain('另有1人无企业微信/钉钉账号，需另行告知。');
    expect((await reply('zhouzhishu', '通报阅读情况')).text).toContain('应发4人，已送达4人，已阅3人，未阅1人。');
    // The GB secretary above the branch does not see the branch's figures.
    expect((await reply('sunzongzhi', `通报${ids.branch}未读名单`)).text).toBe(`没有找到通报${ids.branch}，或它不在您可查看的范围内。`);
  });

  it('members write suggestions: to the branch secretary (answered), the GB secretary, anonymously to the OD and the branch', async () => {
    const filed = await reply('wushengri', '意见建议：希望支部活动安排在周末', 2);
    ids.answered = /（建议(\d+)）/u.exec(filed.text)![1]!;
    expect(filed.text).toContain(`将送教工第一党支部书记周支书同志，请其于12月8日前答复`);
    const [card] = cardsTo(filed.sent, 'zhouzhishu');
    expect(card!.main_title.title).toBe(`党员意见建议（建议${ids.answered}）`);
    await click('zhouzhishu', card!, '回复');
    const replied = await say('zhouzhishu', '已调整到每月第一个周六上午', 2);
    expect(textsTo(replied, 'wushengri')[0]).toContain(`您的意见建议（建议${ids.answered}）已收到答复：\n已调整到每月第一个周六上午\n—— 周支书`);

    const toGb = await reply('zhenglao', '向党总支书记提意见：希望为老党员安排学习资料', 2);
    ids.escalated = /（建议(\d+)）/u.exec(toGb.text)![1]!;
    expect(toGb.text).toContain('将送计算机学院党总支书记孙总支同志');

    const toOd = await reply('wangjinnian', '匿名向组织部反映：支部会议记录不够规范', 2);
    ids.anonymousOd = /（建议(\d+)）/u.exec(toOd.text)![1]!;
    const [odCard] = cardsTo(toOd.sent, 'zhaozuzhi');
    expect(JSON.stringify(odCard)).toContain('一名党员');
    expect(JSON.stringify(toOd.sent.filter((m) => m.touser !== 'wangjinnian'))).not.toContain('王今年');
    // The OD reads the name in 建议N; the branch secretary does not see it at all.
    expect((await reply('zhaozuzhi', `建议${ids.anonymousOd}`)).text).toContain('王今年');
    expect((await reply('zhouzhishu', `建议${ids.anonymousOd}`)).text).toBe((await reply('zhouzhishu', '建议99999')).text.replace('99999', ids.anonymousOd));
    const odReply = await say('zhaozuzhi', `回复建议${ids.anonymousOd}：已要求各支部规范会议记录`, 2);
    expect(textsTo(odReply, 'wangjinnian')[0]).toContain('已要求各支部规范会议记录');

    const anonymous = await reply('zhenglao', '匿名意见建议：支部学习形式可以更多样', 2);
    ids.anonymousBranch = /（建议(\d+)）/u.exec(anonymous.text)![1]!;
    expect(JSON.stringify(cardsTo(anonymous.sent, 'zhouzhishu'))).toContain('一名党员');
    expect((await say('zhouzhishu', `回复建议${ids.anonymousBranch}：下月起增加现场教学`, 2)).filter((m) => m.touser === 'zhenglao').map(textOf)[0]).toContain('下月起增加现场教学');
  });

  it('a delegate’s proposal: registered on the card, assigned, answered; the delegate told each step', async () => {
    const filed = await reply('wushengri', '提案：关于加强青年教师思想政治工作的建议', 3);
    ids.proposal = /已提交提案(\d+)/u.exec(filed.text)![1]!;
    const [card] = cardsTo(filed.sent, 'zhaozuzhi');
    const registered = await click('zhaozuzhi', card!, '立案');
    expect(textsTo(registered, 'wushengri')).toEqual([`您的提案${ids.proposal}（关于加强青年教师思想政治工作的建议）已由党委组织部立案，答复期限为12月31日。交办后将告诉您承办单位。`]);
    const assigned = await reply('zhaozuzhi', `提案${ids.proposal}交由郑老党员办理`, 3);
    expect(textsTo(assigned.sent, 'wushengri')[0]).toBe(`您的提案${ids.proposal}（关于加强青年教师思想政治工作的建议）已交由郑老党员办理，答复期限为12月31日。`);
    const answered = await say('zhenglao', `提案${ids.proposal}答复：已纳入明年工作要点`, 3);
    expect(textsTo(answered, 'wushengri')[0]).toBe(`您的提案${ids.proposal}（关于加强青年教师思想政治工作的建议）已答复（承办：郑老党员）：\n已纳入明年工作要点`);
    // The delegate's branch secretary does not see it.
    expect((await reply('zhouzhishu', `提案${ids.proposal}`)).text).toContain(`没有找到提案${ids.proposal}。`);
  });

  it('the sweep: one reminder to the unread on the third day; the unanswered suggestion escalated, the member told once', async () => {
    expect((await sweep('2026-12-03')).filter((m) => m.msgtype === 'template_card' && (m.body.template_card as Card).main_title.title.startsWith('【提醒】'))).toEqual([]);
    const third = await sweep('2026-12-04');
    const reminders = third.filter((m) => m.msgtype === 'template_card' && (m.body.template_card as Card).main_title.title.startsWith('【提醒】'));
    const reminded = reminders.flatMap((m) => m.touser.split('|').map((u) => `${u}:${(m.body.template_card as Card).task_id.replace(/^ann(\d+)\D.*$/u, '$1')}`)).sort();
    expect(reminded).toEqual([`sunzongzhi:${ids.od}`, `wangjinnian:${ids.branch}`, `wangjinnian:${ids.gb}`, `zhenglao:${ids.gb}`].sort());
    // A reminder's 已阅 counts like the card's; no second reminder.
    const sunReminder = reminders.find((m) => reaches(m, 'sunzongzhi'))!.body.template_card as Card;
    await click('sunzongzhi', sunReminder, '已阅');
    expect(await readers(ids.od)).toEqual(['周支书', '孙总支', '褚支书']);
    expect((await sweep('2026-12-07')).filter((m) => m.msgtype === 'template_card' && (m.body.template_card as Card).main_title.title.startsWith('【提醒】'))).toEqual([]);

    // Filed 1 December, due 8 December; 3 days overdue on Friday 11 December: a GB secretary's goes to the OD.
    const due = await sweep('2026-12-08');
    expect(cardsTo(due, 'sunzongzhi').map((c) => c.main_title.title)).toContain(`意见建议今天到期：建议${ids.escalated}`);
    expect(textsTo(await sweep('2026-12-10'), 'zhenglao')).toEqual([]);
    const escalated = await sweep('2026-12-11');
    expect(textsTo(escalated, 'zhaozuzhi').filter((t) => t.includes(`建议${ids.escalated}`))).toHaveLength(1);
    const told = textsTo(escalated, 'zhenglao');
    expect(told).toHaveLength(1);
    expect(told[0]).toContain(`您的意见建议（建议${ids.escalated}）应于12月8日前答复，目前已逾期，已报党委组织部督办`);
    expect(textsTo(await sweep('2026-12-11'), 'zhenglao')).toEqual([]);
    // +7 days (Tuesday 15 December, as every obligation's second escalation): the OD once more, the member not again.
    const seventh = await sweep('2026-12-15');
    expect(textsTo(seventh, 'zhaozuzhi').filter((t) => t.includes(`建议${ids.escalated}`))).toHaveLength(1);
    expect(textsTo(seventh, 'zhenglao')).toEqual([]);
    expect(textsTo(await sweep('2026-12-16'), 'zhaozuzhi').filter((t) => t.includes(`建议${ids.escalated}`))).toEqual([]);
    // Nothing about the answered ones.
    expect(JSON.stringify(escalated)).not.toContain(`建议${ids.answered}`);
  });

  const exportOf = async (kind: VoiceExportKind, userid: string) => collectVoice(db(), kind, { today: '2026-12-11', viewer: viewerOf((await loadAccessPerson(db(), await memberId(userid)))!) });

  it('the exports, row by row: the OD sees every row, the branch secretary only what the access rule allows', async () => {
    const at = (day: string) => expect.stringMatching(new RegExp(`^2026-12-${day}T\\d\\d:\\d\\d:\\d\\d\\+08:00$`, 'u')) as unknown;
    const announcement = (id: string, kind: string, category: string | null, audience: string, sender: [string, string, string], gb: string, branch: string, n: [number, number, number, number]) => ({
      id, kind, category, audience, sender_account: sender[0], sender_name: sender[1], sender_office: sender[2], created_at: at('01'), sent_at: at('01'),
      general_branch: gb, branch, addressed: n[0], received: n[1], read: n[2], no_account: n[3],
    });
    const odRows = [
      announcement(ids.od, 'report_work', null, 'all_secretaries', ['zhaozuzhi', '赵组织', '党委组织部'], '计算机学院党总支', '教工第一党支部', [2, 2, 2, 0]),
      announcement(ids.od, 'report_work', null, 'all_secretaries', ['zhaozuzhi', '赵组织', '党委组织部'], '数学学院党总支', '教工党支部', [1, 1, 1, 0]),
      announcement(ids.gb, 'report_work', null, 'gb_members', ['sunzongzhi', '孙总支', '计算机学院党总支'], '计算机学院党总支', '教工第一党支部', [5, 4, 2, 1]),
      announcement(ids.branch, 'report_work', 'exemplary_deeds', 'branch_members', ['zhouzhishu', '周支书', '教工第一党支部'], '计算机学院党总支', '教工第一党支部', [5, 4, 3, 1]),
    ];
    const sortRows = (rows: Array<Record<string, unknown>>) => [...rows].sort((a, b) => `${String(a.id)}/${String(a.branch)}`.localeCompare(`${String(b.id)}/${String(b.branch)}`));
    expect(sortRows(await exportOf('announcements', 'zhaozuzhi'))).toEqual(sortRows(odRows));
    // The branch secretary: the rows of their branch, whoever sent them; not the other GB's branch.
    expect(sortRows(await exportOf('announcements', 'zhouzhishu'))).toEqual(sortRows(odRows.filter((r) => r.branch === '教工第一党支部')));

    const suggestion = (id: string, writer: [string, string], anonymous: boolean, office: string, addressee: [string, string], text: string, state: string, reply: string, by: string, escalated: string[], due: string, replied: boolean) => ({
      id, writer_account: writer[0], writer_name: writer[1], general_branch: '计算机学院党总支', branch: '教工第一党支部', anonymous, addressee_office: office,
      addressee_account: addressee[0], addressee_name: addressee[1], text, filed_at: at('01'), due_on: due, replied_at: replied ? at('01') : null, state, reply: reply || null, replied_by_name: by || null, escalated_to: escalated,
    });
    const suggestions = [
      suggestion(ids.answered, ['wushengri', '吴生日'], false, 'branch_secretary', ['zhouzhishu', '周支书'], '希望支部活动安排在周末', 'replied', '已调整到每月第一个周六上午', '周支书', [], '2026-12-08', true),
      suggestion(ids.escalated, ['zhenglao', '郑老党员'], false, 'gb_secretary', ['sunzongzhi', '孙总支'], '希望为老党员安排学习资料', 'overdue', '', '', ['od'], '2026-12-08', false),
      suggestion(ids.anonymousOd, ['wangjinnian', '王今年'], true, 'od', ['zhaozuzhi', '赵组织'], '支部会议记录不够规范', 'replied', '已要求各支部规范会议记录', '赵组织', [], '2026-12-08', true),
      suggestion(ids.anonymousBranch, ['zhenglao', '郑老党员'], true, 'branch_secretary', ['zhouzhishu', '周支书'], '支部学习形式可以更多样', 'replied', '下月起增加现场教学', '周支书', [], '2026-12-08', true),
    ];
    expect(await exportOf('suggestions', 'zhaozuzhi')).toEqual(suggestions);
    // Only those addressed to them; for the anonymous one no writer and no branch (which in a small branch all but
    // names them; the card and the chat lists show neither).
    const hidden = { ...suggestions[3]!, writer_account: '', writer_name: '', general_branch: '', branch: '' };
    expect(await exportOf('suggestions', 'zhouzhishu')).toEqual([suggestions[0], hidden]);
    // The admin API with the branch secretary as actor: the same rows, the same blanks.
    const api = (await (await fetch(`${stack.baseUrl}/admin/voice/suggestions?actor=zhouzhishu`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { suggestions: Array<Record<string, unknown>> };
    expect(api.suggestions.map((r) => [r.id, r.writer, r.general_branch, r.branch])).toEqual([
      [ids.answered, { account: 'wushengri', name: '吴生日' }, '计算机学院党总支', '教工第一党支部'],
      [ids.anonymousBranch, null, null, null],
    ]);

    const proposals = await exportOf('proposals', 'zhaozuzhi');
    expect(proposals).toEqual([
      {
        id: ids.proposal, delegate_account: 'wushengri', delegate_name: '吴生日', general_branch: '计算机学院党总支', branch: '教工第一党支部',
        title: '关于加强青年教师思想政治工作的建议', text: '关于加强青年教师思想政治工作的建议', state: 'answered', overdue: false,
        filed_at: at('01'), registered_at: at('01'), due_on: '2026-12-31', declined_at: null, decline_reason: null,
        assignee_account: 'zhenglao', assignee_name: '郑老党员', assignee_office: null, assigned_at: at('01'), answered_at: at('01'), answer: '已纳入明年工作要点',
      },
    ]);
    // The delegate's branch secretary sees no proposal; the assignee sees the one assigned to them.
    expect(await exportOf('proposals', 'zhouzhishu')).toEqual([]);
    expect(await exportOf('proposals', 'sunzongzhi')).toEqual([]);
    // A plain member of another GB: nothing of any kind.
    for (const kind of ['announcements', 'suggestions', 'proposals'] as const) expect(await exportOf(kind, 'chenbiezhi'), kind).toEqual([]);
    expect((await exportOf('proposals', 'zhenglao')).map((r) => r.id)).toEqual([ids.proposal]);
  });
});
