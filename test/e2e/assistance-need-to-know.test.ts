// Issue 12 §5 (need to know), end to end on PostgreSQL through signed WeCom callbacks and the fake WeCom API:
// every role of one organisation, against every assistance surface, proves that nobody sees hardship causes,
// relief amounts, aid applications or decisions they should not. The rule (MECHANISM "Rules for every
// reminder"; domain/access.ts): a member's own, their branch secretary, their general branch's leaders
// (gb_secretary, gb_member, unit_leader) and the OD see everything; a paired helper sees the causes, never an
// amount; nobody else anything — not the committee secretary, not a committee member linked to the GB, not
// another branch's secretary, not a plain member of the same branch.
//
// The organisation: 计算机学院党总支 (GB1: 教工第一党支部 — the members in hardship — and 教工第二党支部),
// 数学学院党总支 (GB2), 机关党总支 (the OD and the committee). Three subjects: 王芳 (approved entry, an
// emergency aid taken from application to payment in this test, helped by 李明 of GB2), 张伟 (his own
// application, approved on the way), 刘洋 (recommended by his branch, his consent pending).
//
// The surfaces are tables, one row per surface (read: what a role asks; command: a name in a command the role
// may not give; click: a forged card key; admin: a route with an actor who may not act), so fixed subsidies and
// the May/November verification add rows, not code. Whatever the surface, the final scan reads every message
// the fake WeCom delivered during the whole file and proves no role received a name, cause, note or amount it
// is not entitled to. One stack for the file; the roster and the approved entry and pairing are direct inserts,
// the steps whose notices matter go through the chat.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningClock, startStack, waitFor, waitForQuiet, WECOM, type Stack } from '../helpers/stack.ts';
import { eventXml, makeCallback, textMessageXml, toQueryString } from '../helpers/wecom-signer.ts';
import { textOf } from '../helpers/wecom-chat.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import type { SentMessage } from '../helpers/fake-wecom.ts';
import { HardshipRegistryRepository } from '../../src/db/hardship-registry-repository.ts';
import { PairingRepository } from '../../src/db/pairing-repository.ts';
import { accessPersonOf, findMemberById, loadMemberPlace } from '../../src/roster/responsibility.ts';
import { canSeeHardshipCauses, canSeeReliefAmounts, canSeeSensitive, viewerOf, type AccessPerson } from '../../src/domain/access.ts';
import { collectAssistance, type AssistanceExportKind } from '../../src/assistance/export.ts';
import { exportBytes, exportChunks } from '../../src/export/exports.ts';
import { decideNotices } from '../../src/notices/sweep.ts';
import { addDays } from '../../src/domain/dates.ts';

const ADMIN_TOKEN = 'need-to-know-admin-token-0123456789abcdef';

// ---- who is who ----

/** Every role the rule knows, and the members in hardship themselves. */
const ROLES = {
  od: ['赵组织', 'zhaozuzhi', '机关党总支,组织人事党支部,组织部,正科级,'],
  committeeSecretary: ['李书记', 'lishuji', '机关党总支,组织人事党支部,党委书记,正厅级,'],
  linkedCommitteeMember: ['钱委员', 'qianweiyuan', '机关党总支,党政办公室党支部,党委委员,副厅级,计算机学院党总支'],
  gbSecretary: ['孙总支', 'sunzongzhi', '计算机学院党总支,教工第二党支部,党总支书记,正处级,'],
  gbMember: ['周委员', 'zhouweiyuan', '计算机学院党总支,教工第二党支部,党总支委员,,'],
  unitLeader: ['吴院长', 'wuyuanzhang', '计算机学院党总支,教工第二党支部,单位党员主要领导,正处级,'],
  branchSecretary: ['郑支书', 'zhengzhishu', '计算机学院党总支,教工第一党支部,支部书记,,'],
  otherBranchSecretary: ['冯支书', 'fengzhishu', '计算机学院党总支,教工第二党支部,支部书记,,'],
  otherGbSecretary: ['褚总支', 'chuzongzhi', '数学学院党总支,教工党支部,党总支书记,正处级,'],
  helper: ['李明', 'liming', '数学学院党总支,教工党支部,,,'],
  sameBranchMember: ['陈同支', 'chentongzhi', '计算机学院党总支,教工第一党支部,,,'],
  wangfang: ['王芳', 'wangfang', '计算机学院党总支,教工第一党支部,,,'],
  zhangwei: ['张伟', 'zhangwei', '计算机学院党总支,教工第一党支部,,,'],
  liuyang: ['刘洋', 'liuyang', '计算机学院党总支,教工第一党支部,,,'],
  noAccount: ['冯无号', '', '计算机学院党总支,教工第一党支部,,,'],
} as const;
type Role = keyof typeof ROLES;
const ALL_ROLES = Object.keys(ROLES) as Role[];
const userOf = (r: Role): string => ROLES[r][1];
/** The roles that can write to the bot (a member without an account gets nothing and says nothing). */
const CHATTING = ALL_ROLES.filter((r) => userOf(r) !== '');
const ROSTER = ALL_ROLES.map((r, i) => `${ROLES[r][0]},${ROLES[r][1]},${i % 2 ? '男' : '女'},19${60 + i}-03-0${(i % 9) + 1},19${85 + (i % 10)}-07-01,19${86 + (i % 10)}-07-01,${ROLES[r][2]}`);

/**
 * What is secret about each subject: the name; the causes (with the application's own words), which a paired
 * helper sees too; and what only those who see everything see — the relief (its cause, words and any amount) and
 * the reasons of decisions (an archive's).
 */
const SUBJECTS = {
  wangfang: { name: '王芳', causes: ['患病', '长期透析'], detail: ['重大疾病', '住院手术', /\d[\d,]*(?:\.\d+)?元/u, '家庭收入已恢复'] },
  zhangwei: { name: '张伟', causes: ['残疾', '重大变故', '车祸致残'], detail: [] },
  liuyang: { name: '刘洋', causes: ['年老', '体弱', '无人照料'], detail: [] },
} as const;
type Subject = keyof typeof SUBJECTS;
const SUBJECT_KEYS = Object.keys(SUBJECTS) as Subject[];

/** MECHANISM's rule written out: who sees each subject in full, and who sees the causes only (a paired helper). */
const LEADERS: Role[] = ['od', 'gbSecretary', 'gbMember', 'unitLeader', 'branchSecretary'];
type Level = 'full' | 'causes' | 'none';
function level(role: Role, subject: Subject): Level {
  if (role === subject || LEADERS.includes(role)) return 'full';
  if (subject === 'wangfang' && role === 'helper') return 'causes';
  return 'none';
}

/** What a role must never receive: names, causes and words, amounts of the subjects it may not see. */
function forbiddenFor(role: Role): Array<string | RegExp> {
  return SUBJECT_KEYS.flatMap((s) => {
    const l = level(role, s);
    const { name, causes, detail } = SUBJECTS[s];
    return l === 'full' ? [] : l === 'causes' ? [...detail] : [name, ...causes, ...detail];
  });
}
const leaksIn = (text: string, forbidden: ReadonlyArray<string | RegExp>) => forbidden.filter((f) => (typeof f === 'string' ? text.includes(f) : f.test(text))).map(String);

/** A name nobody bears: a refusal about a member one may not see must read exactly as about this one. */
const NOBODY = '李不存在';

// ---- the surfaces ----

type Phase = 'pending' | 'settled';
type Expected = string[] | ((phase: Phase) => string[]);

/** What a role asks; what each role must find in the answer (the rest: `others`). Leaks are the scan's. */
interface ReadSurface {
  surface: string;
  say: string;
  sees: Partial<Record<Role, Expected>>;
  others: string[];
}

const LIST_REFUSAL = '生活困难党员名单涉及个人隐私';
const GB1_LIST = (phase: Phase) => ['王芳（教工第一党支部）：患病', phase === 'pending' ? '张伟（教工第一党支部）：残疾、重大变故，待党总支审核' : '张伟（教工第一党支部）：残疾、重大变故', '刘洋（教工第一党支部）：年老、体弱，待本人同意'];
const READ_SURFACES: ReadSurface[] = [
  {
    surface: '我的帮扶',
    say: '我的帮扶',
    sees: {
      wangfang: (p) => ['您已列入生活困难党员信息库', '患病', p === 'pending' ? '申请2,000元（重大疾病）；待党总支提出意见' : '申请2,000元（重大疾病），批准金额1,500元；已发放', '结对帮扶：李明'],
      zhangwei: (p) => [p === 'pending' ? '您的生活困难党员申报' : '您已列入生活困难党员信息库', '残疾'],
      liuyang: ['推荐您为生活困难党员，正等待您的意见'],
    },
    others: ['您目前没有生活困难党员登记、补助或结对帮扶记录'],
  },
  {
    surface: '困难党员名单',
    say: '困难党员名单',
    sees: {
      od: (p) => [`全校生活困难党员名单（${p === 'pending' ? 1 : 2}人）`, '计算机学院党总支', '王芳（教工第一党支部）：患病'],
      gbSecretary: (p) => [`计算机学院党总支生活困难党员名单（${p === 'pending' ? 1 : 2}人）`, ...GB1_LIST(p)],
      gbMember: (p) => [`计算机学院党总支生活困难党员名单（${p === 'pending' ? 1 : 2}人）`, ...GB1_LIST(p)],
      unitLeader: (p) => [`计算机学院党总支生活困难党员名单（${p === 'pending' ? 1 : 2}人）`, ...GB1_LIST(p)],
      branchSecretary: (p) => [`教工第一党支部生活困难党员名单（${p === 'pending' ? 1 : 2}人）`, '- 王芳：患病'],
      otherBranchSecretary: ['教工第二党支部目前没有生活困难党员'],
      otherGbSecretary: ['数学学院党总支目前没有生活困难党员'],
    },
    others: [LIST_REFUSAL],
  },
  {
    surface: '本支部困难党员',
    say: '本支部困难党员',
    sees: {
      branchSecretary: ['教工第一党支部生活困难党员名单', '- 王芳：患病'],
      od: ['组织人事党支部目前没有生活困难党员'],
      gbSecretary: ['教工第二党支部目前没有生活困难党员'],
      gbMember: ['教工第二党支部目前没有生活困难党员'],
      unitLeader: ['教工第二党支部目前没有生活困难党员'],
      otherBranchSecretary: ['教工第二党支部目前没有生活困难党员'],
      otherGbSecretary: ['教工党支部目前没有生活困难党员'],
    },
    others: [LIST_REFUSAL],
  },
  {
    surface: '本总支困难党员',
    say: '本总支困难党员',
    sees: {
      od: ['机关党总支目前没有生活困难党员'],
      gbSecretary: GB1_LIST,
      gbMember: GB1_LIST,
      unitLeader: GB1_LIST,
      otherGbSecretary: ['数学学院党总支目前没有生活困难党员'],
    },
    // A branch secretary's list is their branch's, not the general branch's.
    others: [LIST_REFUSAL],
  },
  {
    surface: '我的结对对象',
    say: '我的结对对象',
    sees: { helper: ['我的结对对象（1人）', '王芳（计算机学院党总支教工第一党支部），患病'] },
    others: ['您目前没有结对帮扶对象'],
  },
  {
    surface: '结对情况',
    say: '结对情况',
    sees: { od: (p) => ['结对帮扶情况（截至', `尚无帮扶人的生活困难党员（${p === 'pending' ? 0 : 1}人）`] },
    others: ['结对帮扶情况由党委组织部掌握'],
  },
  {
    surface: '待办',
    say: '我的待办',
    sees: {
      gbSecretary: (p) => (p === 'pending' ? ['审核生活困难党员申报 张伟（教工第一党支部）', '对突发困难补助申请提出意见 王芳（教工第一党支部）'] : ['您目前没有待办的谈心、走访事项']),
      liuyang: ['确认是否同意推荐为生活困难党员 刘洋（教工第一党支部）'],
    },
    others: ['您目前没有待办的谈心、走访事项'],
  },
];

/** A command naming a member: only `entitled` may give it; everyone else is answered as for a name nobody bears. */
interface CommandSurface {
  surface: string;
  say: (name: string) => string;
  entitled: Role[];
  /** Roles for whom the name is their own (answered as their own case, not a refusal). */
  own?: Role[];
}

const COMMAND_SURFACES: CommandSurface[] = [
  { surface: '推荐…为生活困难党员', say: (n) => `推荐${n}为生活困难党员，因病`, entitled: ['branchSecretary', 'gbSecretary', 'od'], own: ['wangfang'] },
  { surface: '归档困难党员', say: (n) => `归档困难党员：${n}，原因：家庭收入已恢复`, entitled: ['gbSecretary', 'od'] },
  { surface: '结对', say: (n) => `结对：李明 帮扶 ${n}`, entitled: ['gbSecretary', 'od'] },
  { surface: '结束结对', say: (n) => `结束结对：李明 ${n}`, entitled: ['gbSecretary', 'od'] },
  { surface: '为…申请突发困难补助', say: (n) => `为${n}申请突发困难补助：因病住院手术，申请2000元`, entitled: ['branchSecretary', 'od'], own: ['wangfang'] },
  { surface: '批准…突发困难补助', say: (n) => `批准${n}突发困难补助1500元`, entitled: ['od'] },
  { surface: '…突发困难补助已发放', say: (n) => `${n}突发困难补助已发放`, entitled: ['od'] },
  // There is no search by name: asking about someone reads alike for everyone, whoever the name is.
  { surface: '查询…的帮扶情况', say: (n) => `查询${n}的帮扶情况`, entitled: [] },
  { surface: '…的补助', say: (n) => `${n}的补助`, entitled: [] },
];

/** A card button pressed by someone it was not sent to, with a real subject's id and with an id nobody has. */
interface ClickSurface {
  surface: string;
  action: string;
  subject: 'zhangweiEntry' | 'liuyangEntry' | 'aid';
  entitled: Role[];
}

const CLICKS_WHILE_PENDING: ClickSurface[] = [
  { surface: '通过 (GB review)', action: 'hsapprove', subject: 'zhangweiEntry', entitled: ['gbSecretary', 'od'] },
  { surface: '不通过 (GB review)', action: 'hsreject', subject: 'zhangweiEntry', entitled: ['gbSecretary', 'od'] },
  { surface: '同意 (consent to a recommendation)', action: 'hsconsent', subject: 'liuyangEntry', entitled: ['liuyang'] },
  { surface: '不同意 (consent to a recommendation)', action: 'hsdecline', subject: 'liuyangEntry', entitled: ['liuyang'] },
  { surface: '同意 (consent to an aid applied for by the branch)', action: 'aidconsent', subject: 'aid', entitled: ['wangfang'] },
  { surface: '不同意 (consent to an aid applied for by the branch)', action: 'aiddecline', subject: 'aid', entitled: ['wangfang'] },
  { surface: '同意 (the GB\'s opinion on an aid)', action: 'aidagree', subject: 'aid', entitled: ['gbSecretary', 'od'] },
  { surface: '不同意 (the GB\'s opinion on an aid)', action: 'aiddisagree', subject: 'aid', entitled: ['gbSecretary', 'od'] },
];
const CLICKS_WHILE_DECIDING: ClickSurface[] = [
  { surface: '按申请额批准 (the OD\'s decision)', action: 'aidapprove', subject: 'aid', entitled: ['od'] },
  { surface: '不批准 (the OD\'s decision)', action: 'aidreject', subject: 'aid', entitled: ['od'] },
];
const CLICKS_WHILE_PAYING: ClickSurface[] = [{ surface: '已发放 (the payment)', action: 'aidpaid', subject: 'aid', entitled: ['od'] }];

/** An admin route acting for `actor`: with a real subject, and with one that does not exist. */
interface AdminSurface {
  surface: string;
  method: 'GET' | 'POST';
  /** The request about the real subject, and about nobody. */
  request: (ids: Ids, actor: string, real: boolean) => { path: string; body?: Record<string, unknown> };
  entitled: Role[];
}

interface Ids {
  member: Record<Role, string>;
  zhangweiEntry: string;
  liuyangEntry: string;
  wangfangEntry: string;
  aid: string;
  pairing: string;
  gb1: string;
}

const UNKNOWN_ID = '987654321';
const ADMIN_SURFACES: AdminSurface[] = [
  {
    surface: 'POST /admin/assistance/hardship/recommend',
    method: 'POST',
    request: (ids, actor, real) => ({ path: '/admin/assistance/hardship/recommend', body: { actor, member: real ? ids.member.wangfang : UNKNOWN_ID, causes: ['illness'] } }),
    // 王芳 herself: her own case ("a member cannot recommend themself").
    entitled: ['branchSecretary', 'gbSecretary', 'od', 'wangfang'],
  },
  {
    surface: 'POST /admin/assistance/hardship/decide',
    method: 'POST',
    request: (ids, actor, real) => ({ path: '/admin/assistance/hardship/decide', body: { actor, entry: real ? ids.zhangweiEntry : UNKNOWN_ID, outcome: 'approved' } }),
    entitled: ['gbSecretary', 'od'],
  },
  {
    surface: 'POST /admin/assistance/hardship/consent',
    method: 'POST',
    request: (ids, actor, real) => ({ path: '/admin/assistance/hardship/consent', body: { actor, entry: real ? ids.liuyangEntry : UNKNOWN_ID, agree: true } }),
    entitled: ['liuyang'],
  },
  {
    surface: 'POST /admin/assistance/hardship/archive (member)',
    method: 'POST',
    request: (ids, actor, real) => ({ path: '/admin/assistance/hardship/archive', body: { actor, member: real ? ids.member.wangfang : UNKNOWN_ID, reason: '已好转' } }),
    entitled: ['gbSecretary', 'od'],
  },
  {
    surface: 'POST /admin/assistance/hardship/archive (entry)',
    method: 'POST',
    request: (ids, actor, real) => ({ path: '/admin/assistance/hardship/archive', body: { actor, entry: real ? ids.wangfangEntry : UNKNOWN_ID, reason: '已好转' } }),
    entitled: ['gbSecretary', 'od'],
  },
  {
    surface: 'GET /admin/assistance/hardship',
    method: 'GET',
    request: (ids, actor, real) => ({ path: `/admin/assistance/hardship?org=${real ? ids.gb1 : UNKNOWN_ID}&actor=${actor}&state=approved,applied,awaiting_consent` }),
    entitled: ['gbSecretary', 'gbMember', 'unitLeader', 'od'],
  },
  {
    surface: 'POST /admin/assistance/aid',
    method: 'POST',
    request: (ids, actor, real) => ({ path: '/admin/assistance/aid', body: { actor, member: real ? ids.member.wangfang : UNKNOWN_ID, cause: 'serious_illness', amount_yuan: '2000' } }),
    entitled: ['branchSecretary', 'od', 'wangfang'],
  },
  ...(['opinion', 'decision', 'paid'] as const).map(
    (step): AdminSurface => ({
      surface: `POST /admin/assistance/aid/:id/${step}`,
      method: 'POST',
      request: (ids, actor, real) => ({ path: `/admin/assistance/aid/${real ? ids.aid : UNKNOWN_ID}/${step}`, body: { actor, agree: true, approve: true } }),
      entitled: step === 'opinion' ? ['gbSecretary', 'od'] : ['od'],
    }),
  ),
  {
    surface: 'POST /admin/assistance/aid/:id/consent',
    method: 'POST',
    request: (ids, actor, real) => ({ path: `/admin/assistance/aid/${real ? ids.aid : UNKNOWN_ID}/consent`, body: { actor, agree: true } }),
    // Her own aid (told it needs no consent).
    entitled: ['wangfang'],
  },
  {
    surface: 'POST /admin/assistance/pairings',
    method: 'POST',
    request: (ids, actor, real) => ({ path: '/admin/assistance/pairings', body: { actor, helper: 'chentongzhi', member: real ? ids.member.wangfang : UNKNOWN_ID } }),
    entitled: ['gbSecretary', 'od'],
  },
  {
    surface: 'POST /admin/assistance/pairings/:id/end',
    method: 'POST',
    request: (ids, actor, real) => ({ path: `/admin/assistance/pairings/${real ? ids.pairing : UNKNOWN_ID}/end`, body: { actor } }),
    entitled: ['gbSecretary', 'od'],
  },
];

/** The exports with a member as viewer: whose rows each role gets (by subject). */
const EXPORT_SURFACES: Array<{ what: AssistanceExportKind; subjects: (role: Role) => Subject[] }> = [
  // The registry's rows carry the application's words and the decisions: sensitive in full, not a helper's.
  { what: 'hardship', subjects: (role) => SUBJECT_KEYS.filter((s) => level(role, s) === 'full') },
  // Relief is 王芳's emergency aid: amounts, never a helper's.
  { what: 'relief', subjects: (role) => (level(role, 'wangfang') === 'full' ? ['wangfang'] : []) },
  // A pairing says who is helped (and so in hardship): whoever sees the causes, the helper included.
  { what: 'pairings', subjects: (role) => (level(role, 'wangfang') === 'none' ? [] : ['wangfang']) },
];

// ---- the test ----

describe('issue 12 §5: need to know, every role against every assistance surface', () => {
  let stack: Stack;
  // 10:00 on Wednesday 25 November 2026 in Shanghai.
  const time = runningClock('2026-11-25T02:00:00Z');
  const ids = { member: {} } as Ids;
  const persons = {} as Record<Role, AccessPerson>;
  /** Replies proven identical to those about a name nobody bears: the name in them is only the writer's own echo. */
  const echoes = new Map<string, Set<string>>();

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, env: { ADMIN_TOKEN }, overrides: { clock: time.clock } });
    // Each role gets some sixty answers within seconds here, beyond WeCom's 30 a minute to one member: the limiter
    // (tested in its own files) would spread them over minutes. The outbound worker reads it per job.
    stack.deps.rateLimiter = undefined;
    const db = stack.deps.db.db;
    await importCareRoster(db, ROSTER);
    for (const r of ALL_ROLES) {
      const row = await db.selectFrom('members').select('id').where('name', '=', ROLES[r][0]).executeTakeFirstOrThrow();
      ids.member[r] = String(row.id);
      persons[r] = accessPersonOf((await findMemberById(db, String(row.id)))!);
    }
    ids.gb1 = String((await db.selectFrom('organisations').select('id').where('name', '=', '计算机学院党总支').executeTakeFirstOrThrow()).id);
    // 王芳 is in hardship, helped by 李明 (the registry's and pairing's own flows are tested apart).
    ids.wangfangEntry = (await new HardshipRegistryRepository(db).insert({
      memberId: ids.member.wangfang,
      causes: ['illness'],
      source: 'self',
      status: 'approved',
      appliedByMemberId: ids.member.wangfang,
      note: '长期透析',
      at: time.clock(),
    }))!;
    ids.pairing = (await new PairingRepository(db).insert({
      memberId: ids.member.wangfang,
      entryId: ids.wangfangEntry,
      helper: { kind: 'member', memberId: ids.member.helper },
      startedOn: '2026-11-20',
      createdByMemberId: ids.member.od,
      at: time.clock(),
    }))!;
  });
  afterAll(() => stack.close());

  // ---- talking to the bot: many people at once, one event each ----

  let msgId = 9_700_000_000n;
  let taskSeq = 0;
  const ts = () => Math.floor(time.clock().getTime() / 1000);
  const post = async (xml: string) => {
    const cb = makeCallback({ ...WECOM, plaintextXml: xml, timestamp: String(ts()) });
    const res = await fetch(`${stack.baseUrl}/wecom/callback?${toQueryString(cb.query)}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: cb.body });
    expect(res.status).toBe(200);
  };
  type Event = { from: string; text: string } | { from: string; key: string };
  /** Posts the events at once (one per sender), waits for every sender's answer and for the stack to settle. */
  async function batch(events: Event[]): Promise<{ to: (userid: string) => string[]; updates: (userid: string) => string[]; sent: SentMessage[] }> {
    const fake = stack.fake!;
    const start = fake.sent.length;
    const db = stack.deps.db.db;
    const lastDelivery = (await db.selectFrom('deliveries').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst())?.id ?? '0';
    expect(new Set(events.map((e) => e.from)).size).toBe(events.length);
    await Promise.all(
      events.map((e) =>
        post(
          'text' in e
            ? textMessageXml({ from: e.from, content: e.text, msgId: String(++msgId), createTime: ts(), corpId: WECOM.corpId, agentId: WECOM.agentId })
            : eventXml({ from: e.from, event: 'template_card_event', eventKey: e.key, createTime: ts(), corpId: WECOM.corpId, TaskId: `ntk-${++taskSeq}`, CardType: 'button_interaction', ResponseCode: 'none' }),
        ),
      ),
    );
    await waitFor(() => events.every((e) => fake.sent.slice(start).some((m) => m.touser === e.from)), 60_000, 'every answer');
    await waitForQuiet(stack);
    const sent = fake.sent.slice(start);
    // A button's relabelling (card_update) answers on the pressed card itself: compared too, without its single-use code.
    const updates = (await db.selectFrom('deliveries').select(['recipient', 'message']).where('id', '>', lastDelivery).orderBy('id').execute())
      .filter((d) => (d.message as { type?: string }).type === 'card_update')
      .map((d) => ({ to: d.recipient, update: JSON.stringify({ ...(d.message as object), responseCode: undefined }) }));
    return { sent, to: (u) => sent.filter((m) => m.touser === u).map(textOf), updates: (u) => updates.filter((x) => x.to === u).map((x) => x.update) };
  }
  const say = (from: Role, text: string) => batch([{ from: userOf(from), text }]);
  const card = (sent: SentMessage[], to: Role, title: string) => sent.find((m) => m.touser === userOf(to) && m.msgtype === 'template_card' && m.body.template_card.main_title.title === title)?.body.template_card;
  const keyOf = (c: { button_list: Array<{ key: string; text: string }> }, text: string) => c.button_list.find((b) => b.text === text)!.key;
  const recipients = (sent: SentMessage[]) => [...new Set(sent.map((m) => m.touser))].sort();
  const fullFor = (s: Subject) => ALL_ROLES.filter((r) => level(r, s) === 'full' && userOf(r) !== '').map(userOf);

  /** Everything a refused step could have changed. */
  const fingerprint = async () => {
    const db = stack.deps.db.db;
    return JSON.stringify([
      await db.selectFrom('hardship_registry').select(['id', 'status', 'causes', 'decided_by_member_id', 'reason', 'archived_at']).orderBy('id').execute(),
      await db.selectFrom('emergency_aids').select(['id', 'status', 'gb_agrees', 'approved_fen', 'paid_at']).orderBy('id').execute(),
      await db.selectFrom('pairings').select(['id', 'ended_on']).orderBy('id').execute(),
      await db.selectFrom('assistance_tasks').select(['id', 'status']).orderBy('id').execute(),
      await db.selectFrom('conversation_memory').select(['member_id', 'topic', 'ref']).where('topic', 'not in', ['obligation']).orderBy(['member_id', 'topic', 'ref']).execute(),
    ]);
  };

  // ---- the tables, run ----

  async function readTable(phase: Phase) {
    for (const s of READ_SURFACES) {
      const { to } = await batch(CHATTING.map((r) => ({ from: userOf(r), text: s.say })));
      for (const r of CHATTING) {
        const answer = to(userOf(r)).join('\n');
        const seen = s.sees[r];
        const expected = seen === undefined ? s.others : typeof seen === 'function' ? seen(phase) : seen;
        for (const e of expected) expect(answer, `${s.surface} (${phase}) for ${r}`).toContain(e);
        expect(leaksIn(answer, forbiddenFor(r)), `${s.surface} (${phase}) for ${r}`).toEqual([]);
      }
    }
  }

  /** Each role not entitled to a click presses it with the real id and with an id nobody has: the same answer, nothing changed. */
  async function forgedClicks(table: ClickSurface[], subjectIds: Record<ClickSurface['subject'], string>) {
    for (const c of table) {
      const outsiders = CHATTING.filter((r) => !c.entitled.includes(r));
      const before = await fingerprint();
      const real = await batch(outsiders.map((r) => ({ from: userOf(r), key: `${c.action}-${subjectIds[c.subject]}` })));
      const made = await batch(outsiders.map((r) => ({ from: userOf(r), key: `${c.action}-${UNKNOWN_ID}` })));
      for (const r of outsiders) {
        expect(real.to(userOf(r)), `${c.surface} pressed by ${r}`).toEqual(made.to(userOf(r)));
        expect(real.updates(userOf(r)), `${c.surface} pressed by ${r}: the card`).toEqual(made.updates(userOf(r)));
        expect(leaksIn(real.to(userOf(r)).join('\n'), forbiddenFor(r)), `${c.surface} pressed by ${r}`).toEqual([]);
      }
      // Nobody else hears of it.
      expect(recipients([...real.sent, ...made.sent])).toEqual(outsiders.map(userOf).sort());
      expect(await fingerprint(), c.surface).toBe(before);
    }
  }

  /**
   * The daily sweep's notices over `days` days from `from` (planned, not sent): those of the assistance steps, with
   * whom they are about. Every notice of every family is scanned on the way, so a planner added later (the
   * May/November lists, the month's subsidy list) is held to the same rule without a row of its own.
   */
  async function plannerRecipients(from: string, days: number): Promise<Array<{ role: Role; subject: Subject; kind: string }>> {
    const db = stack.deps.db.db;
    const tasks = new Map((await db.selectFrom('assistance_tasks').select(['id', 'member_id']).execute()).map((t) => [`assistance-${t.id}`, String(t.member_id)]));
    const roleOfMember = new Map(ALL_ROLES.map((r) => [ids.member[r], r]));
    const out: Array<{ role: Role; subject: Subject; kind: string }> = [];
    const leaks: string[] = [];
    for (let i = 0; i <= days; i += 1) {
      for (const n of await decideNotices({ db }, addDays(from, i), false)) {
        const role = roleOfMember.get(n.recipientMemberId)!;
        for (const f of leaksIn(JSON.stringify(n.message), forbiddenFor(role))) leaks.push(`${n.kind} to ${role}: ${f}`);
        const memberId = tasks.get(n.subject);
        if (memberId) out.push({ role, subject: roleOfMember.get(memberId) as Subject, kind: n.kind });
      }
    }
    expect(leaks).toEqual([]);
    return out;
  }

  // ---- the flow ----

  const cards: Record<string, { button_list: Array<{ key: string; text: string }> }> = {};

  it('the steps that start things tell only those entitled: an application, a recommendation, an emergency aid', async () => {
    const applied = await say('zhangwei', '申请困难帮扶：车祸致残，行动不便');
    cards.review = card(applied.sent, 'gbSecretary', '请审核：张伟生活困难党员申报')!;
    expect(cards.review).toBeDefined();
    expect(recipients(applied.sent)).toEqual(['sunzongzhi', 'zhangwei']);

    const recommended = await say('branchSecretary', '推荐刘洋为生活困难党员，年老体弱，无人照料');
    expect(card(recommended.sent, 'liuyang', '征求意见：推荐您为生活困难党员')).toBeDefined();
    expect(recipients(recommended.sent)).toEqual(['liuyang', 'zhengzhishu']);

    const aid = await say('wangfang', '申请突发困难补助：因病住院手术，费用较高，申请2000元');
    cards.opinion = card(aid.sent, 'gbSecretary', '突发困难补助申请：王芳')!;
    expect(cards.opinion).toBeDefined();
    expect(aid.to('wangfang').join()).toContain('重大疾病，2,000元');
    expect(recipients(aid.sent)).toEqual(['sunzongzhi', 'wangfang']);

    const db = stack.deps.db.db;
    ids.zhangweiEntry = String((await db.selectFrom('hardship_registry').select('id').where('member_id', '=', ids.member.zhangwei).executeTakeFirstOrThrow()).id);
    ids.liuyangEntry = String((await db.selectFrom('hardship_registry').select('id').where('member_id', '=', ids.member.liuyang).executeTakeFirstOrThrow()).id);
    ids.aid = String((await db.selectFrom('emergency_aids').select('id').where('member_id', '=', ids.member.wangfang).executeTakeFirstOrThrow()).id);
  });

  it('the access rule itself agrees with the table: who sees each subject in full, its causes, its amounts', async () => {
    for (const s of SUBJECT_KEYS) {
      const place = (await loadMemberPlace(stack.deps.db.db, ids.member[s]))!;
      for (const r of ALL_ROLES) {
        const viewer = viewerOf(persons[r]);
        const helper = s === 'wangfang' && r === 'helper';
        expect(canSeeSensitive(viewer, place), `${r} on ${s}`).toBe(level(r, s) === 'full');
        expect(canSeeHardshipCauses(viewer, place, helper), `${r} on ${s}`).toBe(level(r, s) !== 'none');
        expect(canSeeReliefAmounts(viewer, place), `${r} on ${s}`).toBe(level(r, s) === 'full');
      }
    }
  });

  it('every role asks every read surface (an aid and two entries pending): each sees what is theirs, nobody more', async () => {
    await readTable('pending');
  });

  it('a name in a command one may not give is answered exactly as a name nobody bears, and changes nothing', async () => {
    for (const c of COMMAND_SURFACES) {
      const outsiders = CHATTING.filter((r) => !c.entitled.includes(r) && !(c.own ?? []).includes(r));
      const before = await fingerprint();
      const named = await batch(outsiders.map((r) => ({ from: userOf(r), text: c.say('王芳') })));
      const nobody = await batch(outsiders.map((r) => ({ from: userOf(r), text: c.say(NOBODY) })));
      for (const r of outsiders) {
        const about = named.to(userOf(r));
        expect(about.map((t) => t.replaceAll('王芳', '〇')), `${c.surface} by ${r}`).toEqual(nobody.to(userOf(r)).map((t) => t.replaceAll(NOBODY, '〇')));
        const seen = echoes.get(userOf(r)) ?? new Set<string>();
        for (const t of about) seen.add(t);
        echoes.set(userOf(r), seen);
      }
      expect(recipients([...named.sent, ...nobody.sent]), c.surface).toEqual(outsiders.map(userOf).sort());
      expect(await fingerprint(), c.surface).toBe(before);
    }
  });

  it('forged card keys (review, consent, the GB\'s opinion) read as keys nobody has, and change nothing', async () => {
    await forgedClicks(CLICKS_WHILE_PENDING, { zhangweiEntry: ids.zhangweiEntry, liuyangEntry: ids.liuyangEntry, aid: ids.aid });
  });

  it('the admin routes: an actor who may not act gets the very answer of an unknown subject, and nothing changes', async () => {
    const call = async (method: 'GET' | 'POST', r: { path: string; body?: Record<string, unknown> }) => {
      const res = await fetch(`${stack.baseUrl}${r.path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(r.body ? { 'content-type': 'application/json' } : {}) },
        ...(r.body ? { body: JSON.stringify(r.body) } : {}),
      });
      return { status: res.status, body: await res.text() };
    };
    const deliveries = async () => (await stack.deps.db.db.selectFrom('deliveries').select('id').execute()).length;
    for (const s of ADMIN_SURFACES) {
      const before = [await fingerprint(), await deliveries()];
      const outsiders = ALL_ROLES.filter((x) => !s.entitled.includes(x));
      // By member id: the member without a chat account is an actor too.
      const answers = await Promise.all(outsiders.map(async (r) => [await call(s.method, s.request(ids, ids.member[r], true)), await call(s.method, s.request(ids, ids.member[r], false))] as const));
      outsiders.forEach((r, i) => {
        const [real, unknown] = answers[i]!;
        expect(real.status, `${s.surface} as ${r}`).toBeGreaterThanOrEqual(400);
        expect(real, `${s.surface} as ${r}`).toEqual(unknown);
        expect(leaksIn(real.body, forbiddenFor(r)), `${s.surface} as ${r}`).toEqual([]);
      });
      expect([await fingerprint(), await deliveries()], s.surface).toEqual(before);
    }
  });

  it('reminders and escalations of the pending steps go only to those who see the subject (never the committee secretary)', async () => {
    const planned = await plannerRecipients('2026-11-25', 20);
    for (const p of planned) expect(level(p.role, p.subject), `${p.kind} about ${p.subject} to ${p.role}`).toBe('full');
    expect(planned.map((p) => p.role)).not.toContain('committeeSecretary');
    expect(planned.map((p) => p.role)).not.toContain('linkedCommitteeMember');
    // The consent is 刘洋's own, escalated to his branch secretary; the GB's steps to the GB secretary, then the OD.
    const got = (subject: Subject) => [...new Set(planned.filter((p) => p.subject === subject).map((p) => `${p.kind}:${p.role}`))].sort();
    expect(got('liuyang')).toEqual(['assistance_due_soon:liuyang', 'assistance_due_today:liuyang', 'assistance_overdue_3:branchSecretary', 'assistance_overdue_7:od']);
    expect(got('zhangwei')).toEqual(['assistance_due_soon:gbSecretary', 'assistance_due_today:gbSecretary', 'assistance_overdue_3:od', 'assistance_overdue_7:od']);
    expect(got('wangfang').some((x) => x.endsWith(':gbSecretary'))).toBe(true);
  });

  it('the GB\'s opinion on the aid: told the member and the OD only; forged decision keys change nothing', async () => {
    time.set('2026-11-26T02:00:00Z');
    const opinion = await batch([{ from: userOf('gbSecretary'), key: keyOf(cards.opinion!, '同意') }]);
    cards.decision = card(opinion.sent, 'od', '突发困难补助待审批：王芳')!;
    expect(cards.decision).toBeDefined();
    expect(recipients(opinion.sent)).toEqual(['sunzongzhi', 'wangfang', 'zhaozuzhi']);
    // Past the half hour in which the secretary may add a line to the opinion.
    time.set('2026-11-26T03:00:00Z');
    await forgedClicks(CLICKS_WHILE_DECIDING, { zhangweiEntry: ids.zhangweiEntry, liuyangEntry: ids.liuyangEntry, aid: ids.aid });
    for (const p of await plannerRecipients('2026-11-26', 14)) expect(level(p.role, p.subject), `${p.kind} about ${p.subject} to ${p.role}`).toBe('full');
  });

  it('the OD decides and pays: the member, and the GB secretary who gave the opinion, hear the amount; nobody else', async () => {
    time.set('2026-11-27T02:00:00Z');
    const approved = await say('od', '批准王芳突发困难补助1500元');
    expect(approved.to('zhaozuzhi').join()).toContain('已批准王芳同志突发困难补助1,500元');
    expect(recipients(approved.sent)).toEqual(['sunzongzhi', 'wangfang', 'zhaozuzhi']);
    await forgedClicks(CLICKS_WHILE_PAYING, { zhangweiEntry: ids.zhangweiEntry, liuyangEntry: ids.liuyangEntry, aid: ids.aid });
    for (const p of await plannerRecipients('2026-11-27', 14)) expect(level(p.role, p.subject), `${p.kind} about ${p.subject} to ${p.role}`).toBe('full');
    const paid = await say('od', '王芳突发困难补助已发放');
    expect(paid.to('wangfang').join()).toContain('1,500元已发放');
    expect(recipients(paid.sent)).toEqual(['wangfang', 'zhaozuzhi']);
  });

  it('the GB approves 张伟: he and his branch secretary are told, nobody else', async () => {
    const approved = await batch([{ from: userOf('gbSecretary'), key: keyOf(cards.review!, '通过') }]);
    expect(recipients(approved.sent)).toEqual(['sunzongzhi', 'zhangwei', 'zhengzhishu']);
    expect(recipients(approved.sent).every((u) => fullFor('zhangwei').includes(u))).toBe(true);
  });

  it('every role asks every read surface again (the aid paid, 张伟 approved)', async () => {
    await readTable('settled');
  });

  it('the exports with a member as viewer: each role gets the rows of the members it may see, nothing more', async () => {
    const db = stack.deps.db.db;
    for (const e of EXPORT_SURFACES) {
      for (const r of ALL_ROLES) {
        const viewer = viewerOf(persons[r]);
        const rows = (await collectAssistance(db, e.what, { viewer })) as Array<{ member_name: string }>;
        const names = [...new Set(rows.map((x) => x.member_name))].sort();
        expect(names, `${e.what} for ${r}`).toEqual(e.subjects(r).map((s) => SUBJECTS[s].name).sort());
        // The dispatch the CLI and GET /admin/export/:what use, written as CSV: no one else's name, account or amount.
        let csv = '';
        for await (const chunk of exportBytes(e.what, 'csv', exportChunks(db, e.what, { viewer }))) csv += chunk.toString('utf8');
        for (const s of SUBJECT_KEYS.filter((x) => !e.subjects(r).includes(x))) {
          expect(csv.includes(SUBJECTS[s].name) || csv.includes(userOf(s)), `${e.what} CSV for ${r} names ${s}`).toBe(false);
        }
        if (!e.subjects(r).includes('wangfang')) expect(csv, `${e.what} CSV for ${r}`).not.toMatch(/2000\.00|1500\.00/u);
      }
    }
    // The OD's own tools (no viewer) see every row; the amounts are the real ones.
    const relief = (await collectAssistance(db, 'relief')) as Array<{ requested_yuan: string | null; approved_yuan: string | null; paid_yuan: string }>;
    expect(relief.map((x) => [x.requested_yuan, x.approved_yuan, x.paid_yuan])).toEqual([['2000.00', '1500.00', '1500.00']]);
  });

  it('the GB archives 王芳: she and her branch secretary hear the reason, her helper only that the pairing ended', async () => {
    const archived = await say('gbSecretary', '归档困难党员：王芳，原因：家庭收入已恢复');
    expect(recipients(archived.sent)).toEqual(['liming', 'sunzongzhi', 'wangfang', 'zhengzhishu']);
    expect(archived.to('wangfang').join()).toContain('家庭收入已恢复');
    expect(archived.to('zhengzhishu').join()).toContain('家庭收入已恢复');
    expect(archived.to('liming').join()).toContain('与王芳同志（教工第一党支部）的结对帮扶已结束：其生活困难情况已好转');
  });

  it('the scan: nothing any role received during the whole file names, describes or prices a member it may not see', async () => {
    const byUser = new Map<string, string[]>();
    for (const m of stack.fake!.sent) byUser.set(m.touser, [...(byUser.get(m.touser) ?? []), textOf(m)]);
    // Every role that chats received something (the scan is not vacuous), and the member without an account nothing.
    for (const r of CHATTING) expect((byUser.get(userOf(r)) ?? []).length, r).toBeGreaterThan(10);
    expect([...byUser.keys()].every((u) => CHATTING.map(userOf).includes(u))).toBe(true);
    const leaks: string[] = [];
    for (const r of CHATTING) {
      const forbidden = forbiddenFor(r);
      const echoed = echoes.get(userOf(r)) ?? new Set<string>();
      for (const text of byUser.get(userOf(r)) ?? []) {
        // A refusal proven identical to the one about a name nobody bears only repeats what the writer wrote.
        const t = echoed.has(text) ? text.replaceAll('王芳', '〇') : text;
        for (const f of leaksIn(t, forbidden)) leaks.push(`${r} got ${f}: ${text.slice(0, 160)}`);
      }
    }
    expect(leaks).toEqual([]);
  });
});
