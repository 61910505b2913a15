// The message interpreter (issue 5 "One message does it"): the whole corpus (test/fixtures/interpret-corpus.jsonl,
// one test per line, named by writer and text), then one block per rule. Pure: a fixed fictional roster, a fixed
// instant (Thursday 2026-11-26 10:00 in Shanghai) and writers of every scope.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scanDates, smallNumber, weekdayOf, dayNumber } from '../../src/conversation/interpret/dates.ts';
import {
  interpret,
  interpretDetailed,
  normalizeMessage,
  resolveName,
  visibilityOf,
  type InterpretContext,
  type InterpretWriter,
  type Problem,
} from '../../src/conversation/interpret/interpret.ts';
import { lexAt } from '../../src/conversation/interpret/lexicon.ts';
import { buildRosterIndex, memberKey, normalizeName, placeForms, type RosterIndexInput } from '../../src/conversation/interpret/roster-index.ts';
import type { RoleCode } from '../../src/domain/roster.ts';

// ---- the roster ----
// Committee G0 → general branches G1 机关, G2 数学与统计学院, G3 文学院, G4 离退休工作处; branches B11, B12 | B21, B22 |
// B31, B32 | B41 (two 教工第一党支部 and two 学生党支部 in different general branches).
// Hard cases: 张伟 ×3 in three general branches, 张伟民 (a longer name with 张伟 as prefix), 王芳 ×2 and 王芳芳,
// 李明 ×2 in the same branch, 李娜/李娜娜, 刘洋/刘洋洋, compound surnames 欧阳/司马/诸葛, names that are words
// (高兴, 安全, 文明, 田野, 马力, 白雪, 方圆, 高峰, 黄海, 杨帆, 周一), a deceased member, members without an account
// (孙强, 冯无号, and a 赵磊 namesake of one who has one).
const GB: Record<string, string> = { B11: 'G1', B12: 'G1', B21: 'G2', B22: 'G2', B31: 'G3', B32: 'G3', B41: 'G4' };
const GB_NAME: Record<string, string> = { G1: '机关党总支', G2: '数学与统计学院党总支', G3: '文学院党总支', G4: '离退休工作处党总支' };
const BRANCH_NAME: Record<string, string> = {
  B11: '组织人事党支部',
  B12: '党政办公室党支部',
  B21: '教工第一党支部',
  B22: '学生党支部',
  B31: '教工第一党支部',
  B32: '学生党支部',
  B41: '离退休第一党支部',
};
const ROSTER: Array<[memberId: string, userid: string | null, name: string, branch: string, status?: string]> = [
  ['1', 'chenjianguo', '陈建国', 'B11'],
  ['2', 'linxiao', '林晓', 'B11'],
  ['3', 'fengtao', '冯涛', 'B12'],
  ['4', 'hezhiqiang', '何志强', 'B21'],
  ['5', 'songjia', '宋佳', 'B21'],
  ['6', 'tanglei', '唐磊', 'B31'],
  ['7', 'hanmei', '韩梅', 'B41'],
  ['8', 'zhengmin', '郑敏', 'B21'],
  ['10', 'zhangwei01', '张伟', 'B21'],
  ['11', 'zhangwei02', '张伟', 'B31'],
  ['12', 'zhangwei03', '张伟', 'B41'],
  ['13', 'zhangweimin', '张伟民', 'B22'],
  ['14', 'wangfang01', '王芳', 'B21'],
  ['15', 'wangfang02', '王芳', 'B32'],
  ['16', 'wangfangfang', '王芳芳', 'B21'],
  ['17', 'gaoxing', '高兴', 'B31'],
  ['18', 'ouyangming', '欧阳明', 'B41'],
  ['19', 'ouyangnana', '欧阳娜娜', 'B22'],
  ['20', 'lina', '李娜', 'B22'],
  ['21', 'linana', '李娜娜', 'B31'],
  ['22', 'liuyang', '刘洋', 'B12'],
  ['23', 'liuyangyang', '刘洋洋', 'B21'],
  ['24', 'anquan', '安全', 'B32'],
  ['25', 'wenming', '文明', 'B41'],
  ['26', 'tianye', '田野', 'B21'],
  ['27', 'mali', '马力', 'B22'],
  ['28', 'baixue', '白雪', 'B31'],
  ['29', 'fangyuan', '方圆', 'B12'],
  ['30', 'gaofeng', '高峰', 'B41'],
  ['31', 'simaguang', '司马光', 'B31'],
  ['32', 'zhugeming', '诸葛明', 'B12'],
  ['33', 'chenjing', '陈静', 'B21'],
  ['34', 'liming01', '李明', 'B21'],
  ['35', 'liming02', '李明', 'B21'],
  ['36', 'zhaolei', '赵磊', 'B22'],
  ['37', 'sunli', '孙丽', 'B32'],
  ['38', 'zhoujie', '周杰', 'B41'],
  ['39', 'wugang', '吴刚', 'B31'],
  ['40', 'huanghai', '黄海', 'B12'],
  ['41', 'yangfan', '杨帆', 'B31'],
  ['42', 'zhouyi', '周一', 'B22'],
  ['43', 'qianjin', '钱进', 'B21', 'deceased'],
  ['44', null, '孙强', 'B21'],
  ['45', 'jinxin', '金鑫', 'B21'],
  ['46', 'liuwei', '刘伟', 'B41'],
  ['47', 'wangjun', '王军', 'B32'],
  ['48', 'chenli', '陈丽', 'B22'],
  ['49', 'zhoujing', '周静', 'B41'],
  ['50', 'xuming', '徐明', 'B12'],
  ['51', null, '冯无号', 'B41'],
  ['52', null, '赵磊', 'B41'],
];
const ROWS: RosterIndexInput[] = ROSTER.map(([memberId, userid, name, branch, status]) => ({
  memberId,
  userid,
  name,
  branchId: branch,
  generalBranchId: GB[branch]!,
  branchName: BRANCH_NAME[branch]!,
  generalBranchName: GB_NAME[GB[branch]!]!,
  status: status ?? 'active',
}));
const index = buildRosterIndex(ROWS);

function writer(userid: string, roles: RoleCode[]): InterpretWriter {
  const r = ROWS.find((x) => x.userid === userid)!;
  return { memberId: r.memberId, userid, branchId: r.branchId, generalBranchId: r.generalBranchId, roleCodes: [...roles, 'member'] };
}
/** Writers of every scope. */
const WRITERS: Record<string, InterpretWriter> = {
  chenjianguo: writer('chenjianguo', ['committee_secretary']), // everyone
  linxiao: writer('linxiao', ['od_staff']), // everyone
  fengtao: writer('fengtao', ['committee_member']), // everyone (own branch B12 first)
  hezhiqiang: writer('hezhiqiang', ['gb_secretary']), // G2
  songjia: writer('songjia', ['branch_secretary']), // B21
  tanglei: writer('tanglei', ['gb_member']), // G3
  hanmei: writer('hanmei', ['branch_secretary']), // B41
  zhengmin: writer('zhengmin', []), // only themself
};
const NOW = new Date('2026-11-26T10:00:00+08:00'); // a Thursday
const ctx = (as: string, now: Date = NOW): InterpretContext => ({ writer: WRITERS[as]!, now, timeZone: 'Asia/Shanghai', index });
const run = (as: string, text: string, now?: Date) => interpretDetailed(text, ctx(as, now));

// ---- the corpus ----

interface CorpusLine {
  as: string;
  text: string;
  now?: string;
  expect: ReturnType<typeof interpret>;
  problems: Problem[];
  reply?: boolean;
}
const CORPUS: CorpusLine[] = readFileSync(new URL('../fixtures/interpret-corpus.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as CorpusLine);

describe('the corpus', () => {
  it('has at least 150 messages, each by a known writer, with unique (writer, text, now)', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(150);
    for (const c of CORPUS) expect(WRITERS[c.as], c.as).toBeDefined();
    expect(new Set(CORPUS.map((c) => `${c.as}\u0000${c.text}\u0000${c.now ?? ''}`)).size).toBe(CORPUS.length);
  });

  it.each(CORPUS.map((c) => [`${c.as}: ${JSON.stringify(c.text)}${c.now ? ` @ ${c.now}` : ''}`, c] as const))('%s', (_name, c) => {
    const d = run(c.as, c.text, c.now ? new Date(c.now) : undefined);
    expect(d.result).toEqual(c.expect);
    expect([...d.problems].sort()).toEqual([...c.problems].sort());
    expect(d.reply).toBe(c.reply ?? false);
  });
});

// ---- the rules ----

describe('the JSON', () => {
  it('has exactly the keys of the issue, in order', () => {
    const r = interpret('今天和张伟谈心了，他岗位变动，情绪稳定', ctx('songjia'));
    expect(Object.keys(r)).toEqual(['intent', 'members', 'ambiguous', 'date', 'reason', 'note']);
    expect(JSON.stringify(r)).toBe(
      '{"intent":"log_talk","members":["zhangwei01"],"ambiguous":[],"date":"2026-11-26","reason":"job_change","note":"情绪稳定"}',
    );
  });

  it('派人: `visitor` (the userid of the person sent) follows `note`, only when the writer sent someone (issue 11 point 4)', () => {
    const r = interpret('派陈静走访了王芳，患病住院，送慰问金300元', ctx('songjia'));
    expect(Object.keys(r)).toEqual(['intent', 'members', 'ambiguous', 'date', 'reason', 'note', 'visitor']);
    expect(r).toMatchObject({ members: ['wangfang01'], visitor: 'chenjing' });
    expect(run('songjia', '派陈静走访了王芳，住院').visitorId).toBe('33');
    // The one sent is never the one visited, and a name not after 派 is the member as before.
    expect(interpret('走访了王芳和陈静，住院', ctx('songjia'))).toMatchObject({ members: ['wangfang01', 'chenjing'] });
    expect('visitor' in interpret('走访了王芳和陈静，住院', ctx('songjia'))).toBe(false);
  });

  it('the detail gives memberIds parallel to members, the tier of every mention, and the normalised text', () => {
    const d = run('tanglei', '谈心：张伟、王芳，李明');
    expect(d.result.members).toEqual(['zhangwei02', 'wangfang02']);
    expect(d.memberIds).toEqual(['11', '15']);
    expect(d.mentions.map((m) => [m.mention, m.status, m.tier])).toEqual([
      ['张伟', 'resolved', 'branch'],
      ['王芳', 'resolved', 'general_branch'],
      ['李明', 'out_of_scope', null],
    ]);
    expect(d.problems).toContain('not_allowed_scope');
    expect(d.normalizedText).toBe('谈心:张伟、王芳,李明');
  });
});

describe('roster index', () => {
  it('holds every active member, with or without a chat account, and knows the longest name per first character', () => {
    expect(index.size).toBe(ROWS.length - 1); // 钱进 deceased
    expect(index.byName.has('钱进')).toBe(false);
    expect(index.byName.get('孙强')!.map((m) => m.userid)).toEqual([null]); // issue 11 point 11: no account, still named
    expect(index.byUserid.size).toBe(ROWS.length - 4); // 钱进, 孙强, 冯无号 and the second 赵磊 have none in it
    expect(index.byName.get('张伟')!.map((m) => m.userid)).toEqual(['zhangwei01', 'zhangwei02', 'zhangwei03']);
    expect(index.longestFrom.get('欧')).toBe(4); // 欧阳娜娜
    expect(index.longestFrom.get('张')).toBe(3); // 张伟民
  });

  it('keeps as word-names only the common words present in the roster', () => {
    expect(index.wordNames.has('高兴')).toBe(true);
    expect(index.wordNames.has('周一')).toBe(true);
    expect(index.wordNames.has('白天')).toBe(false); // a word, but nobody is called so
    expect(index.wordNames.has('张伟')).toBe(false);
    const custom = buildRosterIndex(ROWS, { wordNames: ['张伟'] });
    expect([...custom.wordNames]).toEqual(['张伟']);
  });

  it('normalises names: full-width characters, spaces', () => {
    expect(normalizeName(' 王 芳 ')).toBe('王芳');
    expect(normalizeName('ＡＢ'.concat('伟'))).toBe('AB伟');
    const i = buildRosterIndex([{ memberId: '1', userid: 'x', name: '王 芳', branchId: 'b', generalBranchId: 'g', status: 'active' }]);
    expect(i.byName.has('王芳')).toBe(true);
  });

  it('builds 100,000 members quickly', () => {
    const many: RosterIndexInput[] = Array.from({ length: 100_000 }, (_, k) => ({
      memberId: String(k),
      userid: `u${k}`,
      name: `${'王李张刘陈'[k % 5]}${String.fromCharCode(0x4e00 + (k % 2000))}${k % 3 ? String.fromCharCode(0x4e00 + ((k >> 3) % 500)) : ''}`,
      branchId: `b${k % 4000}`,
      generalBranchId: `g${k % 20}`,
      status: 'active',
    }));
    const t0 = performance.now();
    const big = buildRosterIndex(many);
    // A ceiling against runaway (quadratic) building, generous for a loaded machine; speed is bench:interpret's.
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(big.size).toBe(100_000);
  });
});

describe('names', () => {
  it('prefers the longest name at a position: 王芳芳 is not 王芳, 张伟民 is not 张伟', () => {
    expect(run('songjia', '和王芳芳谈心').result.members).toEqual(['wangfangfang']);
    expect(run('hezhiqiang', '和张伟民谈心').result.members).toEqual(['zhangweimin']);
    expect(run('songjia', '和王芳王芳芳谈心').result.members).toEqual(['wangfang01', 'wangfangfang']);
    // 李娜娜 is written: not 李娜, even though 李娜 is the one the writer may see
    const d = run('hezhiqiang', '和李娜娜谈心');
    expect(d.result.members).toEqual([]);
    expect(d.mentions.map((m) => [m.mention, m.status])).toEqual([['李娜娜', 'out_of_scope']]);
  });

  it('matches compound surnames', () => {
    expect(run('chenjianguo', '和欧阳明、诸葛明、司马光谈心').result.members).toEqual(['ouyangming', 'zhugeming', 'simaguang']);
    expect(run('chenjianguo', '看望欧阳娜娜').result.members).toEqual(['ouyangnana']);
  });

  it('strips titles, 本人 and 家/家中/家里 after a name', () => {
    for (const text of ['和王芳同志谈心', '和王芳老师谈心', '和王芳书记谈心', '和王芳主任谈心', '到王芳家中谈心', '和王芳本人谈心']) {
      const r = run('songjia', text).result;
      expect(r.members, text).toEqual(['wangfang01']);
      expect(r.note, text).toBe('');
    }
  });

  describe('a name that is also a word counts only in a name position', () => {
    const named = (as: string, text: string) => run(as, text).result.members.includes('gaoxing');
    it.each([
      ['after 和/与/跟/同', '今天和高兴谈心'],
      ['after 与, with spaces', '与 高兴 谈心'],
      ['after a command word', '走访高兴'],
      ['after a command word and a list separator', '谈心：高兴'],
      ['in a list after another name', '谈心 张伟 高兴 岗位变动'],
      ['in a list with 、', '和张伟、高兴谈心'],
      ['followed by a title', '高兴同志住院了'],
      ['followed by 的 + family word', '高兴的母亲去世了'],
      ['opening a clause, followed by a trigger', '报告：高兴住院了'],
      ['after 老党员', '看望老党员高兴'],
    ])('%s: %s', (_rule, text) => expect(named('tanglei', text)).toBe(true));
    it.each([
      ['an adverb before it', '今天很高兴'],
      ['an adverb, then a real name', '很高兴地和吴刚谈了心'],
      ['as a verb complement', '大家都高兴'],
      ['at the start, followed by no trigger', '高兴地说情绪稳定'],
    ])('not %s: %s', (_rule, text) => expect(named('tanglei', text)).toBe(false));

    it('周一 is a weekday unless it is in a name position', () => {
      expect(run('hezhiqiang', '周一和马力谈心').result).toMatchObject({ members: ['mali'], date: '2026-11-23' });
      expect(run('hezhiqiang', '和周一谈心').result).toMatchObject({ members: ['zhouyi'], date: '2026-11-26' });
      expect(run('hezhiqiang', '周一住院了').result).toMatchObject({ members: ['zhouyi'], intent: 'report_event' });
    });

    it('other names match anywhere', () => {
      expect(run('songjia', '张伟住院了').result.members).toEqual(['zhangwei01']);
      expect(run('songjia', '昨天张伟来办公室谈心').result.members).toEqual(['zhangwei01']);
    });
  });

  describe('resolution in the writer\'s scope', () => {
    const bearers = index.byName.get('张伟')!;
    it('derives the visibility from the roles', () => {
      expect(visibilityOf(['committee_secretary', 'member'])).toBe('everyone');
      expect(visibilityOf(['committee_member', 'member'])).toBe('everyone');
      expect(visibilityOf(['od_staff', 'member'])).toBe('everyone');
      expect(visibilityOf(['gb_secretary', 'member'])).toBe('general_branch');
      expect(visibilityOf(['gb_member', 'branch_secretary', 'member'])).toBe('general_branch');
      expect(visibilityOf(['branch_secretary', 'member'])).toBe('branch');
      expect(visibilityOf(['member'])).toBe('self');
    });

    it('own branch first, then own general branch, then all the writer may see', () => {
      expect(resolveName(bearers, WRITERS.songjia!)).toEqual({ status: 'resolved', tier: 'branch', candidates: [{ memberId: '10', userid: 'zhangwei01' }] });
      expect(resolveName(bearers, WRITERS.tanglei!)).toMatchObject({ status: 'resolved', tier: 'branch', candidates: [{ userid: 'zhangwei02' }] });
      expect(resolveName(index.byName.get('王芳')!, WRITERS.tanglei!)).toMatchObject({
        status: 'resolved',
        tier: 'general_branch',
        candidates: [{ userid: 'wangfang02' }],
      });
      expect(resolveName(index.byName.get('欧阳明')!, WRITERS.chenjianguo!)).toMatchObject({ status: 'resolved', tier: 'visible' });
    });

    it('several in the first tier that has any: ambiguous with every one of them, never a guess', () => {
      expect(resolveName(bearers, WRITERS.chenjianguo!)).toMatchObject({ status: 'ambiguous', tier: 'visible' });
      expect(resolveName(bearers, WRITERS.chenjianguo!).candidates.map((c) => c.userid)).toEqual(['zhangwei01', 'zhangwei02', 'zhangwei03']);
      expect(run('songjia', '和李明谈心').result).toMatchObject({ members: [], ambiguous: [{ mention: '李明', candidates: ['liming01', 'liming02'] }] });
      expect(run('songjia', '和李明谈心').problems).toContain('ambiguous_member');
    });

    it('nobody the writer may see: out of scope, not a member', () => {
      expect(resolveName(bearers, WRITERS.zhengmin!)).toEqual({ status: 'out_of_scope', tier: null, candidates: [] });
      const d = run('songjia', '和张伟民谈心');
      expect(d.result.members).toEqual([]);
      expect(d.problems).toEqual(['not_allowed_scope']);
    });

    it('a plain member sees only themself, reports about themself, and may not log talks or visits', () => {
      expect(run('zhengmin', '报告：我住院了').result).toMatchObject({ intent: 'report_event', members: ['zhengmin'], reason: 'hospitalised' });
      expect(run('zhengmin', '报告：我住院了').mentions[0]).toMatchObject({ mention: '我', tier: 'self' });
      expect(run('zhengmin', '郑敏本人生病住院').result.members).toEqual(['zhengmin']);
      expect(run('zhengmin', '和张伟谈心').problems.sort()).toEqual(['not_allowed_role', 'not_allowed_scope']);
    });

    it('我/本人 is the writer in a report only; in a talk or visit the writer is never the other party', () => {
      expect(run('songjia', '我和张伟谈心了').result.members).toEqual(['zhangwei01']);
      expect(run('songjia', '我和宋佳谈心').result.members).toEqual([]);
      expect(run('songjia', '宋佳住院了').result.members).toEqual(['songjia']);
      expect(run('songjia', '我们支部张伟住院了').result.members).toEqual(['zhangwei01']);
    });
  });
});

describe('dates', () => {
  const today = '2026-11-26'; // Thursday
  const date = (text: string, on = today) => scanDates(text, on);

  it('relative days', () => {
    expect(date('今天').date).toBe('2026-11-26');
    expect(date('昨天').date).toBe('2026-11-25');
    expect(date('前天').date).toBe('2026-11-24');
    expect(date('大前天').date).toBe('2026-11-23');
    expect(date('明天')).toMatchObject({ date: '2026-11-27', problems: ['date_in_future'] });
  });

  it('weeks run Monday to Sunday: 上周五 is the Friday of the previous Monday–Sunday week', () => {
    expect(weekdayOf(dayNumber(2026, 11, 26))).toBe(3); // Thursday (Monday = 0)
    expect(date('上周五').date).toBe('2026-11-20');
    expect(date('上周一').date).toBe('2026-11-16');
    expect(date('上周日').date).toBe('2026-11-22');
    expect(date('上星期三').date).toBe('2026-11-18');
    expect(date('上上周五').date).toBe('2026-11-13');
    expect(date('本周三').date).toBe('2026-11-25');
    expect(date('这周一').date).toBe('2026-11-23');
    expect(date('本周五')).toMatchObject({ date: '2026-11-27', problems: ['date_in_future'] });
    // On a Monday, 上周五 is three days before; on a Sunday, 上周五 is nine days before (Sunday ends the week).
    expect(date('上周五', '2026-11-23').date).toBe('2026-11-20');
    expect(date('上周五', '2026-11-29').date).toBe('2026-11-20');
    expect(date('本周六', '2026-11-29').date).toBe('2026-11-28');
  });

  it('a bare weekday is the most recent one, today included', () => {
    expect(date('周三').date).toBe('2026-11-25');
    expect(date('周四').date).toBe('2026-11-26');
    expect(date('周五').date).toBe('2026-11-20');
    expect(date('星期天').date).toBe('2026-11-22');
  });

  it('written dates in every common form', () => {
    for (const text of ['11月20日', '11月20号', '11月20', '十一月二十日', '11.20', '11/20', '11-20', '2026-11-20', '2026/11/20', '2026.11.20', '2026年11月20日', '20261120', '20日', '20号']) {
      expect(date(`${text}走访`).date, text).toBe('2026-11-20');
    }
    expect(date('上月28号').date).toBe('2026-10-28');
    expect(date('上个月3日', '2026-01-10').date).toBe('2025-12-03');
    expect(date('去年12月30日').date).toBe('2025-12-30');
  });

  it('a month and day more than 31 days ahead means last year; closer ahead is kept and flagged', () => {
    expect(date('12月30日')).toMatchObject({ date: '2025-12-30', problems: [] });
    expect(date('12月20日')).toMatchObject({ date: '2026-12-20', problems: ['date_in_future'] });
    expect(date('12月28日', '2027-01-03')).toMatchObject({ date: '2026-12-28', problems: [] });
    expect(date('30号')).toMatchObject({ date: '2026-11-30', problems: ['date_in_future'] });
  });

  it('impossible dates are refused, amounts and counts are not dates', () => {
    expect(date('2月30日')).toMatchObject({ date: null, problems: ['invalid_date'] });
    expect(date('31号')).toMatchObject({ date: null, problems: ['invalid_date'] });
    expect(date('送慰问金1.5万元').date).toBeNull();
    expect(date('3-5人参加').date).toBeNull();
    expect(date('送慰问金500元').date).toBeNull();
    expect(date('住院第3日').date).toBeNull();
  });

  it('vague words give no date and are reported', () => {
    expect(date('上周').vague).toHaveLength(1);
    expect(date('上周五').vague).toHaveLength(0);
    expect(run('songjia', '上周和王芳谈了').result.date).toBeNull();
    expect(run('songjia', '上周和王芳谈了').problems).toEqual(['date_unclear']);
    // 最近 in another clause describes the situation: the talk is today
    expect(run('songjia', '和王芳谈心，最近压力大').result.date).toBe('2026-11-26');
    // a report is dated today
    expect(run('songjia', '王芳最近住院了').result.date).toBe('2026-11-26');
  });

  it('today is the local date in the organisation\'s time zone', () => {
    const lateUtc = new Date('2026-11-26T17:30:00Z'); // 01:30 on the 27th in Shanghai
    expect(interpret('今天和王芳谈心', { ...ctx('songjia'), now: lateUtc }).date).toBe('2026-11-27');
    expect(interpret('今天和王芳谈心', { ...ctx('songjia'), now: lateUtc, timeZone: 'UTC' }).date).toBe('2026-11-26');
  });

  it('reads small Chinese numbers', () => {
    expect([smallNumber('一'), smallNumber('十'), smallNumber('十一'), smallNumber('二十'), smallNumber('三十一'), smallNumber('12')]).toEqual([1, 10, 11, 20, 31, 12]);
    expect(smallNumber('十十')).toBeNull();
  });
});

describe('reasons', () => {
  const reason = (as: string, text: string) => run(as, text).result.reason;
  it.each([
    ['hospitalised', ['住院', '医院', '生病', '病了', '手术', '看病', '患病住院', '骨折']],
    ['disaster', ['台风', '洪水', '受灾', '地震', '火灾', '灾害']],
    ['hardship', ['生活困难', '特殊困难', '经济困难', '困难']],
    ['holiday', ['春节', '七一', '节日', '中秋']],
  ] as const)('visit %s from its wordings', (code, wordings) => {
    for (const w of wordings) expect(reason('hanmei', `走访欧阳明，${w}`), w).toBe(code);
  });

  it.each([
    ['setback', ['困难挫折', '挫折', '受挫', '情绪低落', '遇到困难']],
    ['job_change', ['岗位变动', '岗位调整', '调岗', '换岗', '转岗', '调动']],
    ['mistake', ['工作失误', '差错', '失误', '出错']],
    ['dispute', ['矛盾', '纠纷', '争执', '吵架']],
    ['complaint', ['不良反映', '投诉', '群众反映']],
  ] as const)('talk %s from its wordings', (code, wordings) => {
    for (const w of wordings) expect(reason('songjia', `和张伟谈心，${w}`), w).toBe(code);
  });

  it('a talk without a reason is routine; a visit without one has none and asks', () => {
    expect(reason('songjia', '和张伟谈心')).toBe('routine');
    const v = run('hanmei', '走访欧阳明');
    expect(v.result.reason).toBeNull();
    expect(v.problems).toEqual(['no_reason']);
  });

  it('death words: a family member before them in the clause is a bereavement, otherwise the member died', () => {
    for (const w of ['去世', '逝世', '病故', '过世']) {
      expect(reason('songjia', `王芳的母亲${w}了`), w).toBe('bereavement');
      expect(reason('songjia', `王芳${w}了`), w).toBe('death');
    }
    for (const f of ['父亲', '母亲', '爱人', '配偶', '子女', '家属', '老伴']) expect(reason('songjia', `张伟${f}去世`), f).toBe('bereavement');
    expect(reason('songjia', '张伟本人去世')).toBe('death');
    expect(reason('songjia', '张伟去世了，他母亲很伤心')).toBe('death');
  });

  it('several reasons: fixed priorities', () => {
    expect(reason('songjia', '和张伟谈心，岗位变动后情绪低落')).toBe('job_change'); // job_change > setback
    expect(reason('songjia', '和张伟谈心，工作失误被投诉')).toBe('mistake'); // mistake > complaint
    expect(reason('hanmei', '走访欧阳明，生活困难，春节慰问')).toBe('holiday'); // holiday > hardship
    expect(reason('hanmei', '走访欧阳明，住院，生活困难')).toBe('hospitalised');
    expect(reason('songjia', '张伟生活困难，情绪低落')).toBe('hardship'); // a report: visit triggers first
  });
});

describe('intents', () => {
  const intent = (text: string, as = 'songjia') => run(as, text).result.intent;
  it('chat commands', () => {
    expect(['待办', '我的待办', '待办事项', '查看待办'].map((t) => intent(t))).toEqual(Array(4).fill('todo'));
    expect(['本月政治生日', '政治生日', '这个月谁过政治生日'].map((t) => intent(t))).toEqual(Array(3).fill('birthdays'));
    expect(['谈心进度', '走访完成情况', '我这个月还有几个人没谈'].map((t) => intent(t))).toEqual(Array(3).fill('progress'));
    expect(['撤销', '撤回刚才的记录', '删除上一条', '撤销刚才和张伟的谈心记录'].map((t) => intent(t))).toEqual(Array(4).fill('undo'));
    expect(['帮助', 'help', 'HELP', '?', '？', '菜单', '怎么用', '谈心怎么记录？'].map((t) => intent(t))).toEqual(Array(8).fill('help'));
  });

  it('talks, visits, reports, and unknown', () => {
    expect(intent('今天和张伟谈心了')).toBe('log_talk');
    expect(intent('11月20日走访张伟')).toBe('log_visit');
    expect(intent('报告：张伟住院了')).toBe('report_event');
    expect(intent('张伟住院了')).toBe('report_event');
    expect(intent('送慰问金500元给张伟')).toBe('log_visit');
    expect(intent('你好')).toBe('unknown');
  });

  it('a verb after an intention is not done yet: a report when a trigger is named, otherwise unknown', () => {
    expect(intent('张伟住院了，需要看望')).toBe('report_event');
    expect(intent('张伟岗位调整，请安排谈心')).toBe('report_event');
    expect(intent('请于本月底前完成谈心')).toBe('unknown');
  });

  it('a talk and a visit in different clauses are flagged', () => {
    expect(run('songjia', '昨天和张伟谈心，今天走访了王芳').problems).toEqual(['mixed_records']);
    expect(run('songjia', '走访张伟并谈心').problems).toEqual(['no_reason']);
  });

  it('a reply to a reminder: no name, worded as done; no no_member problem (and no no_reason for a visit)', () => {
    for (const text of ['已谈，情绪稳定', '谈过了', '刚谈完', '今天谈心了']) {
      const d = run('songjia', text);
      expect(d.reply, text).toBe(true);
      expect(d.result).toMatchObject({ intent: 'log_talk', members: [] });
      expect(d.problems, text).toEqual([]);
    }
    const v = run('hanmei', '已走访，送慰问金300元');
    expect(v).toMatchObject({ reply: true, problems: [], result: { intent: 'log_visit', members: [], reason: null, note: '送慰问金300元' } });
    // not a reply: no completion word, or a name is written
    expect(run('songjia', '谈心 岗位变动')).toMatchObject({ reply: false, problems: ['no_member'] });
    expect(run('songjia', '已和张伟谈心').reply).toBe(false);
  });
});

describe('note', () => {
  const note = (as: string, text: string) => run(as, text).result.note;
  it('keeps details and amounts, drops command words, names, dates and the reason when it is all its clause says', () => {
    expect(note('songjia', '今天和张伟谈心了，他岗位变动，情绪稳定')).toBe('情绪稳定');
    expect(note('hanmei', '11月20日走访欧阳明，患病住院，送慰问金500元')).toBe('送慰问金500元');
    expect(note('hanmei', '走访欧阳明，送慰问金1.5万元和米、面、油')).toBe('送慰问金1.5万元和米、面、油');
  });

  it('keeps reason words that belong to a longer detail', () => {
    expect(note('hezhiqiang', '看望赵磊，他做了阑尾炎手术，恢复良好')).toBe('他做了阑尾炎手术，恢复良好');
    expect(note('songjia', '和张伟谈心，两人因工作分工闹矛盾')).toBe('两人因工作分工闹矛盾');
  });

  it('normalises what people type: full-width, emojis, WeCom [表情], line breaks, spaces', () => {
    expect(normalizeMessage('今天和张伟谈心了！！😂\n情绪稳定[微笑]　')).toBe('今天和张伟谈心了!!,情绪稳定');
    expect(note('songjia', '今天和张伟谈心了！！😂\n情绪稳定[微笑]')).toBe('情绪稳定');
    expect(note('hanmei', '走访欧阳明：送慰问金５００元')).toBe('送慰问金500元');
  });

  it('chat commands carry no note', () => {
    expect(note('songjia', '撤销，日期写错了')).toBe('');
  });
});

describe('lexicon', () => {
  it('finds the longest word at a position', () => {
    expect(lexAt('患病住院', 0)?.word).toBe('患病住院');
    expect(lexAt('住院了', 0)?.lex).toEqual({ kind: 'reason', visit: 'hospitalised', talk: null });
    expect(lexAt('慰问金', 0)?.lex.kind).toBe('keep');
    expect(lexAt('慰问金', 0, 2)?.lex.kind).toBe('visit');
  });
});

describe('robustness', () => {
  it('the note is linear in the message: filler words that parse many ways do not make it backtrack (issue 9)', () => {
    // 发生了 is both one filler word and 发生 + 了: a backtracking regular expression tries every split.
    const t0 = performance.now();
    expect(run('songjia', `和张伟谈心，${'发生了'.repeat(40)}事情`).result.note).toBe(`${'发生了'.repeat(40)}事情`);
    expect(run('songjia', `和张伟谈心，${'了'.repeat(2_000)}x`).result.note).toBe(`${'了'.repeat(2_000)}x`);
    expect(performance.now() - t0).toBeLessThan(2_000);
  });

  it('never throws, whatever is written, and stays fast on the longest messages WeCom allows', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const alphabet = '张伟王芳高兴欧阳明周一谈心走访住院去世母亲岗位变动，。:、 \n😀[微笑]11.18月日号上周五今天我本人的了和报告撤销待办?0123456789-/';
    for (let k = 0; k < 2_000; k += 1) {
      const text = Array.from({ length: Math.floor(random() * 40) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const d = run(k % 2 ? 'chenjianguo' : 'zhengmin', text);
      expect(d.result.members.length).toBe(d.memberIds.length);
    }
    const long = '今天和张伟谈心了，他岗位变动，情绪稳定。'.repeat(100); // 2,000 characters
    const t0 = performance.now();
    const r = run('songjia', long).result;
    // A ceiling against runaway (backtracking) scans, generous for a loaded machine; speed is bench:interpret's.
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(r).toMatchObject({ intent: 'log_talk', members: ['zhangwei01'], reason: 'job_change' });
  });
});

describe('members without a chat account (issue 11 point 11)', () => {
  it('are named like anyone else and listed as member:<id>', () => {
    expect(memberKey({ memberId: '44', userid: null })).toBe('member:44');
    expect(memberKey({ memberId: '10', userid: 'zhangwei01' })).toBe('zhangwei01');
    expect(run('songjia', '今天和孙强谈心了').result).toMatchObject({ intent: 'log_talk', members: ['member:44'] });
    expect(run('songjia', '今天和孙强谈心了').memberIds).toEqual(['44']);
    expect(run('hanmei', '走访冯无号，患病住院').result).toMatchObject({ intent: 'log_visit', members: ['member:51'], reason: 'hospitalised' });
  });

  it('a namesake without an account is asked about like any other, sorted by memberKey', () => {
    expect(run('chenjianguo', '今天和赵磊谈心了').result.ambiguous).toEqual([{ mention: '赵磊', candidates: ['member:52', 'zhaolei'] }]);
  });

  it('a deceased member is still not named', () => {
    expect(run('songjia', '今天和钱进谈心了').result.members).toEqual([]);
  });
});

describe('a college or branch named with the name (issue 11 point 16)', () => {
  it('what a college or branch may be called', () => {
    expect(placeForms('文学院党总支', 'general_branch')).toEqual(['文学院党总支', '文学院']);
    expect(placeForms('数学与统计学院党总支', 'general_branch')).toEqual(['数学与统计学院党总支', '数学与统计学院', '数学学院']);
    expect(placeForms('计算机科学与技术学院党总支', 'general_branch')).toEqual(['计算机科学与技术学院党总支', '计算机科学与技术学院', '计算机科学学院', '计算机学院']);
    expect(placeForms('教工第一党支部', 'branch')).toEqual(['教工第一党支部', '教工第一', '教工第一支部']);
  });

  it('settles which of several namesakes is meant, before the name or in brackets after it', () => {
    expect(run('chenjianguo', '走访张伟（文学院），住院').result).toEqual({ intent: 'log_visit', members: ['zhangwei02'], ambiguous: [], date: '2026-11-26', reason: 'hospitalised', note: '' });
    expect(run('chenjianguo', '数学学院张伟岗位变动，今天已谈心').result).toEqual({ intent: 'log_talk', members: ['zhangwei01'], ambiguous: [], date: '2026-11-26', reason: 'job_change', note: '' });
    expect(run('chenjianguo', '走访文学院的张伟，生病住院').result.members).toEqual(['zhangwei02']);
    expect(run('chenjianguo', '走访张伟(离退休工作处)，节日慰问').result.members).toEqual(['zhangwei03']);
    expect(run('chenjianguo', '今天和数学与统计学院教工第一党支部的张伟谈心了').result.members).toEqual(['zhangwei01']);
    const d = run('chenjianguo', '走访张伟（文学院），住院');
    expect(d.mentions[0]!.place).toMatchObject({ written: '(文学院)', bearers: [{ userid: 'zhangwei02' }] });
  });

  it('without a hint that narrows, namesakes are asked about as before: never a guess', () => {
    expect(run('chenjianguo', '今天和张伟谈心了').result.ambiguous[0]!.candidates).toEqual(['zhangwei01', 'zhangwei02', 'zhangwei03']);
    // a branch name two general branches share narrows to both
    expect(run('chenjianguo', '今天和教工第一党支部的张伟谈心了').result.ambiguous[0]!.candidates).toEqual(['zhangwei01', 'zhangwei02']);
    // a college no 张伟 belongs to is no hint; brackets that are no place are none either
    expect(run('chenjianguo', '今天和张伟（机关）谈心了').result).toMatchObject({ members: [], note: '机关' });
    expect(run('chenjianguo', '今天和张伟（住院）谈心了').result.members).toEqual([]);
  });

  it('the hint can point outside the writer\'s reach: that is said, not replaced by their own namesake', () => {
    // 唐磊 (G3) alone would get 王芳 of G3; 数学学院王芳 is G2's
    expect(run('tanglei', '谈心：数学学院王芳').problems).toContain('not_allowed_scope');
    expect(run('tanglei', '谈心：王芳').result.members).toEqual(['wangfang02']);
    expect(run('hezhiqiang', '走访张伟（文学院），住院').problems).toContain('not_allowed_scope');
  });
});
