// Excellent members and commendations (MECHANISM 3.2–3.3, issue 13 sections 4–5): the rules, shared by the chat
// (honours-conversation.ts) and the admin API (src/admin/commendation-routes.ts). Each step checks, then records
// everything or nothing, and returns the answer with the messages to the people concerned:
// - a GB's list of excellent members: the GB secretary's, for the year being evaluated (December: this year;
//   January: the year just ended), at most excellentMemberCap(active members, setting) — members who died or
//   transferred out are not counted. A new list replaces the old one until the committee has recorded its picks
//   for the year: members kept keep their certificates, members dropped lose theirs, members added get the next
//   numbers. Each listed member gets the GB's honour certificate (以党总支的名义), numbered "<GB>〔year〕第N号".
// - the committee's picks (excellent members, excellent Party workers): the OD's; a person on no GB list of the
//   year is recorded only with a reason (the caller asks for it: the bot warns, it does not refuse).
// - any other commendation: the OD's, with a given certificate number or a generated one in the issuer's name.
// Recipients are told directly; a member without a chat account through their branch secretary.
import type { Kysely, Transaction } from 'kysely';
import { CommendationRepository, type CommendationView } from '../db/commendation-repository.ts';
import { OrganisationRepository, type MemberPlace } from '../db/organisation-repository.ts';
import type { Database } from '../db/schema.ts';
import { SettingsRepository } from '../db/settings-repository.ts';
import {
  certificateNumber,
  COMMENDATION_KIND_LABELS,
  COMMENDATION_LEVEL_LABELS,
  defaultHonourYear,
  excellentMemberCap,
  excellentSelectionYear,
  type CommendationKind,
  type CommendationLevel,
} from '../domain/incentive.ts';
import { OfficeDirectory } from '../notices/offices.ts';
import type { OutboundMessage } from '../platforms/types.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface HonourEnv {
  db: Db;
  now: Date;
  today: string;
}

/** A message to someone other than the writer. */
export interface HonourNotice {
  to: string;
  memberId: string;
  onceKey: string;
  message: OutboundMessage;
}

export type HonourRefusal = 'not_allowed' | 'not_found' | 'ambiguous' | 'closed' | 'bad_request' | 'over_cap' | 'final' | 'duplicate' | 'needs_reason';

export type HonourOutcome = { ok: true; zh: string; notices: HonourNotice[]; ids: string[] } | { ok: false; code: HonourRefusal; zh: string };

export type ResolvedMember = MemberPlace & { userid: string | null };

const refuse = (code: HonourRefusal, zh: string): HonourOutcome => ({ ok: false, code, zh });
const text = (content: string): OutboundMessage => ({ type: 'text', content });

/**
 * The members named in a list, among the active members `within` allows: all of them, or an answer naming every
 * problem (names nobody bears, or borne by several — to write as accounts). A name outside `within` reads like a
 * name nobody bears. "王芳同志" means 王芳 unless someone is named so.
 */
export async function resolveMembers(
  db: Db,
  committeeId: string,
  names: readonly string[],
  within: (m: ResolvedMember) => boolean,
  scopeZh: string,
): Promise<{ ok: true; members: ResolvedMember[] } | { ok: false; code: 'not_found' | 'ambiguous'; zh: string }> {
  const stripped = names.map((n) => n.replace(/(?:同志|党员)$/u, ''));
  const found = (await new OrganisationRepository(db as Kysely<Database>).activeNamed(committeeId, [...new Set([...names, ...stripped])])).filter(within);
  const members: ResolvedMember[] = [];
  const unknown: string[] = [];
  const ambiguous: string[] = [];
  names.forEach((written, i) => {
    const bears = (n: string) => {
      const byAccount = found.filter((m) => m.userid?.toLowerCase() === n.toLowerCase());
      return byAccount.length > 0 ? byAccount : found.filter((m) => m.name === n);
    };
    let bearers = bears(written);
    if (bearers.length === 0 && stripped[i] !== written) bearers = bears(stripped[i]!);
    if (bearers.length === 0) unknown.push(written);
    else if (bearers.length > 1) ambiguous.push(`${written}（${bearers.map((b) => `${b.gb}${b.branch}，${b.userid ? `账号 ${b.userid}` : '无账号'}`).join('；')}）`);
    else if (!members.some((m) => m.id === bearers[0]!.id)) members.push(bearers[0]!);
  });
  if (unknown.length === 0 && ambiguous.length === 0) return { ok: true, members };
  const parts: string[] = [];
  if (unknown.length > 0) parts.push(`${scopeZh}在册党员中没有：${unknown.join('、')}，请核对姓名`);
  if (ambiguous.length > 0) parts.push(`有同名同志：${ambiguous.join('；')}，请改用账号`);
  return { ok: false, code: unknown.length > 0 ? 'not_found' : 'ambiguous', zh: `未作登记。${parts.join('。')}。` };
}

/**
 * The member told directly, or — without a chat account — whoever answers for their branch secretary office (a
 * vacant office passes up: GB secretary, then the OD), asked to pass it on.
 */
async function tellMember(db: Db, m: { id: string; name: string; userid: string | null; branch_id: string }, onceKey: string, words: string): Promise<HonourNotice[]> {
  if (m.userid) return [{ to: m.userid, memberId: m.id, onceKey, message: text(`${m.name}同志：${words}`) }];
  const answering = (await OfficeDirectory.load(db)).answering('branch_secretary', m.branch_id);
  return answering.holders.map((s) => ({
    to: s.userid,
    memberId: s.member_id,
    onceKey: `${onceKey}-via-${s.member_id}`,
    message: text(`${s.name}同志：${m.name}同志没有企业微信/钉钉账号，请转告本人——${words}`),
  }));
}

async function capPercent(db: Db): Promise<number> {
  return (await new SettingsRepository(db as Kysely<Database>).read(['excellent_member_cap_percent'])).excellent_member_cap_percent;
}

// ---- a GB's list ----

export interface GbSecretary {
  memberId: string;
  committeeId: string;
  gb: { id: string; name: string };
}

/** The window in words, for a refusal outside it. */
export const SELECTION_WINDOW_ZH = '党总支评选优秀党员在每年12月至次年1月进行（12月评选当年，1月评选上一年）';

/** "评选优秀党员：…": the list checked against the cap and recorded (replacing an earlier one while allowed). */
export async function recordGbList(env: HonourEnv, actor: GbSecretary, names: readonly string[], writtenYear: number | null): Promise<HonourOutcome> {
  const year = excellentSelectionYear(env.today);
  if (year === undefined) return refuse('closed', `未作登记。${SELECTION_WINDOW_ZH}，现在不在评选期内。`);
  if (writtenYear !== null && writtenYear !== year) return refuse('closed', `未作登记。现在评选的是${year}年度优秀党员，不能登记${writtenYear}年的名单（${SELECTION_WINDOW_ZH}）。`);
  if (names.length === 0) return refuse('bad_request', '未作登记：名单为空。请在冒号后写出姓名，用顿号分隔，例如“评选优秀党员：张伟、王芳”。');
  // The cap first: a list too long is refused with the numbers whatever its names (names are distinct: namesOf).
  const repo = new CommendationRepository(env.db);
  const active = await repo.activeMembersOfGb(actor.gb.id);
  const cap = excellentMemberCap(active, await capPercent(env.db));
  if (names.length > cap) return refuse('over_cap', `未作登记。本总支在册党员${active}人，优秀党员最多${cap}人，名单有${names.length}人。请调整名单后重新发送。`);
  const found = await resolveMembers(env.db, actor.committeeId, names, (m) => m.gb_id === actor.gb.id, '本总支');
  if (!found.ok) return found;
  const old = await repo.gbList(actor.gb.id, year);
  if (old.length > 0 && (await repo.committeePicked(actor.committeeId, year))) {
    return refuse('final', `未作修改。校党委已登记${year}年度优秀共产党员、优秀党务工作者，本总支${year}年度名单不能再修改；如需调整，请联系党委组织部。`);
  }
  const wanted = new Set(found.members.map((m) => m.id));
  const dropped = old.filter((o) => !wanted.has(o.member_id));
  const kept = new Set(old.filter((o) => wanted.has(o.member_id)).map((o) => o.member_id));
  const added = found.members.filter((m) => !kept.has(m.id));
  let seq = await repo.nextCertificateSeq(actor.gb.id, year);
  await repo.remove(dropped.map((d) => d.id));
  const rows = added.map((m) => {
    const s = seq++;
    return { year, kind: 'excellent_member' as const, level: 'general_branch' as const, cause: null, memberId: m.id, organisationId: null, issuerId: actor.gb.id, reason: null, certificateNo: certificateNumber(actor.gb.name, year, s), certificateSeq: s, recordedBy: actor.memberId, at: env.now };
  });
  const ids = await repo.insert(rows);
  const notices: HonourNotice[] = [];
  for (const [i, m] of added.entries()) {
    notices.push(...(await tellMember(env.db, { ...m }, `excellent-gb-${ids[i]}`, `祝贺您被${actor.gb.name}评为${year}年度优秀党员！党总支将为您颁发荣誉证书（${rows[i]!.certificateNo}）。希望您珍惜荣誉，继续发挥先锋模范作用。`)));
  }
  const list = await repo.gbList(actor.gb.id, year);
  const byId = new Map(found.members.map((m) => [m.id, m]));
  const lines = [
    `已${old.length > 0 ? '更新' : '登记'}${actor.gb.name}${year}年度优秀党员${list.length}人（本总支在册党员${active}人，最多${cap}人），以党总支名义颁发荣誉证书：`,
    ...list.map((e) => `${byId.get(e.member_id)?.name ?? ''}：${e.certificate_no}`),
  ];
  if (old.length > 0) lines.push(`原名单已替换（移出${dropped.length}人，新增${added.length}人；保留的同志证书编号不变）。`);
  if (added.length > 0) lines.push(`已通知${added.map((a) => a.name).join('、')}${added.some((a) => !a.userid) ? '（无账号的同志由所在支部书记转告）' : ''}。`);
  return { ok: true, zh: lines.join('\n'), notices, ids };
}

/** "本总支优秀党员名单": the GB's list of a year with its cap. */
export async function readGbList(env: HonourEnv, gb: { id: string; name: string }, writtenYear: number | null): Promise<string> {
  const year = writtenYear ?? excellentSelectionYear(env.today) ?? defaultHonourYear(env.today);
  const repo = new CommendationRepository(env.db);
  const active = await repo.activeMembersOfGb(gb.id);
  const cap = excellentMemberCap(active, await capPercent(env.db));
  const list = await repo.gbList(gb.id, year);
  const head = `${gb.name}${year}年度优秀党员（本总支在册党员${active}人，最多${cap}人）`;
  if (list.length === 0) return `${head}：尚未登记。${SELECTION_WINDOW_ZH}，党总支书记发送“评选优秀党员：张伟、王芳”登记。`;
  const views = await repo.byIds(list.map((e) => e.id));
  return [`${head}，共${list.length}人：`, ...views.map((v) => `${v.member_name}：${v.certificate_no}`)].join('\n');
}

// ---- the committee's picks ----

export interface OdActor {
  memberId: string | null;
  committeeId: string;
}

/** What a pick came to: recorded, already on record, and those waiting for a reason (not recorded). */
export interface PickResult {
  outcome: HonourOutcome;
  waiting: ResolvedMember[];
}

async function committeeName(db: Db, committeeId: string): Promise<string> {
  return (await new CommendationRepository(db).organisationName(committeeId)) ?? '校党委';
}

/**
 * The committee's excellent members or workers of a year: those on a GB list of the year are recorded; the others
 * only when `reason` is given (otherwise they come back in `waiting`, for the caller to ask the reason).
 */
export async function recordCommitteePicks(
  env: HonourEnv,
  actor: OdActor,
  year: number,
  honour: 'excellent_member' | 'excellent_worker',
  members: readonly ResolvedMember[],
  reason: string | null,
  certificateNo: string | null = null,
): Promise<PickResult> {
  const repo = new CommendationRepository(env.db);
  const held = await repo.heldByMembers(actor.committeeId, year, honour, members.map((m) => m.id));
  const fresh = members.filter((m) => !held.has(m.id));
  const onList = await repo.onGbLists(fresh.map((m) => m.id), year);
  const waiting = reason ? [] : fresh.filter((m) => !onList.has(m.id));
  const recording = fresh.filter((m) => onList.has(m.id) || reason);
  if (certificateNo !== null && recording.length > 0 && (recording.length > 1 || (await repo.certificateTaken(certificateNo)))) {
    return { outcome: refuse('duplicate', `未作登记：证书编号${certificateNo}${recording.length > 1 ? '只能用于一人' : '已被使用'}。`), waiting: [] };
  }
  const label = COMMENDATION_KIND_LABELS[honour];
  const issuer = await committeeName(env.db, actor.committeeId);
  let seq = await repo.nextCertificateSeq(actor.committeeId, year);
  const rows = recording.map((m) => {
    const s = certificateNo === null ? seq++ : null;
    return {
      year,
      kind: honour,
      level: 'committee' as const,
      cause: null,
      memberId: m.id,
      organisationId: null,
      issuerId: actor.committeeId,
      reason: onList.has(m.id) ? null : reason,
      certificateNo: certificateNo ?? certificateNumber(issuer, year, s!),
      certificateSeq: s,
      recordedBy: actor.memberId,
      at: env.now,
    };
  });
  const ids = await repo.insert(rows);
  const notices: HonourNotice[] = [];
  for (const [i, m] of recording.entries()) {
    notices.push(...(await tellMember(env.db, m, `commendation-${ids[i]}`, `祝贺您被评为${issuer}${year}年度${label}（荣誉证书：${rows[i]!.certificateNo}）！希望您珍惜荣誉，再接再厉。`)));
  }
  const lines: string[] = [];
  if (recording.length > 0) lines.push(`已登记校党委${year}年度${label}：${recording.map((m, i) => `${m.name}（${rows[i]!.certificateNo}${rows[i]!.reason ? `；名单外推选理由：${rows[i]!.reason}` : ''}）`).join('、')}，已通知本人。`);
  // With a reason (the answer to the question), the on-list ones recorded a message earlier are not repeated.
  if (held.size > 0 && (reason === null || recording.length === 0)) lines.push(`${members.filter((m) => held.has(m.id)).map((m) => m.name).join('、')}已是${year}年度${label}，未重复登记。`);
  if (waiting.length > 0) {
    lines.push(
      `请注意：${waiting.map((m) => `${m.name}（${m.gb}）`).join('、')}不在${year}年度各党总支优秀党员名单中。${label}原则上从党总支名单中产生，名单外推选须登记理由。请在下一条消息中写明推选理由（适用于以上${waiting.length}人），将与评选结果一并登记；回复“取消”则不登记。`,
    );
  }
  return { outcome: { ok: true, zh: lines.join('\n'), notices, ids }, waiting };
}

// ---- any commendation ----

export interface CommendationSpec {
  year: number;
  kind: CommendationKind;
  level: CommendationLevel;
  cause: string | null;
  member: ResolvedMember | null;
  organisation: { id: string; name: string; kind: 'committee' | 'general_branch' | 'branch'; gb_id: string | null } | null;
  certificateNo: string | null;
}

/** A year a commendation may be recorded for: not in the future (past ones are the backlog). */
export function honourYearProblem(year: number, today: string): string | undefined {
  const current = Number(today.slice(0, 4));
  return year > current || year < 1921 ? `年份${year}年有误（不能晚于今年${current}年）。` : undefined;
}

/** One commendation recorded by the OD (excellent members and workers of the committee go through the picks). */
export async function recordCommendation(env: HonourEnv, actor: OdActor, spec: CommendationSpec): Promise<HonourOutcome> {
  const yearProblem = honourYearProblem(spec.year, env.today);
  if (yearProblem) return refuse('bad_request', `未作登记。${yearProblem}`);
  if (spec.kind === 'special' && !spec.cause) return refuse('bad_request', '未作登记：专项表彰须写明事由，例如“表彰：王芳 专项表彰 抢险抗灾 2026年”。');
  if (spec.kind === 'advanced_organisation' && !spec.organisation) return refuse('bad_request', '未作登记：先进基层党组织须是党组织，例如“表彰：教工第一党支部 先进基层党组织 2026年”。');
  if ((spec.kind === 'excellent_member' || spec.kind === 'excellent_worker') && !spec.member) return refuse('bad_request', `未作登记：${COMMENDATION_KIND_LABELS[spec.kind]}须是党员个人。`);
  if (spec.kind === 'excellent_member' && spec.level === 'general_branch') return refuse('bad_request', '未作登记：党总支优秀党员由党总支书记发送“评选优秀党员：……”评选（受比例限制）。');
  const gbId = spec.member ? spec.member.gb_id : spec.organisation!.gb_id;
  if (spec.level === 'general_branch' && (gbId === null || spec.organisation?.kind === 'general_branch')) return refuse('bad_request', '未作登记：党总支一级的表彰只能颁给党总支内的党员或党支部。');
  const repo = new CommendationRepository(env.db);
  const issuerId = spec.level === 'committee' ? actor.committeeId : gbId!;
  const cause = spec.kind === 'special' ? spec.cause : null;
  if (await repo.sameOnRecord({ year: spec.year, kind: spec.kind, level: spec.level, cause, memberId: spec.member?.id ?? null, organisationId: spec.organisation?.id ?? null, issuerId })) {
    return refuse('duplicate', '未作登记：已有相同的表彰记录。');
  }
  if (spec.certificateNo !== null && (await repo.certificateTaken(spec.certificateNo))) return refuse('duplicate', `未作登记：证书编号${spec.certificateNo}已被使用。`);
  const issuer = (await repo.organisationName(issuerId)) ?? '';
  const seq = spec.certificateNo === null ? await repo.nextCertificateSeq(issuerId, spec.year) : null;
  const certificateNo = spec.certificateNo ?? certificateNumber(issuer, spec.year, seq!);
  const [id] = await repo.insert([
    { year: spec.year, kind: spec.kind, level: spec.level, cause, memberId: spec.member?.id ?? null, organisationId: spec.organisation?.id ?? null, issuerId, reason: null, certificateNo, certificateSeq: seq, recordedBy: actor.memberId, at: env.now },
  ]);
  const what = `${issuer}${spec.year}年度${COMMENDATION_KIND_LABELS[spec.kind]}${cause ? `（${cause}）` : ''}`;
  const recipient = spec.member?.name ?? spec.organisation!.name;
  const notices: HonourNotice[] = [];
  if (spec.member) {
    notices.push(...(await tellMember(env.db, spec.member, `commendation-${id}`, `祝贺您获得${what}（荣誉证书：${certificateNo}）！希望您珍惜荣誉，再接再厉。`)));
  } else {
    const org = spec.organisation!;
    // A branch's or a GB's secretary (a vacant office: whoever answers for it); the committee's secretary.
    const told =
      org.kind === 'committee'
        ? (await new OrganisationRepository(env.db).holdersOf('committee_secretary', org.id)).map((h) => ({ member_id: h.memberId, userid: h.userid, name: h.name }))
        : (await OfficeDirectory.load(env.db)).answering(org.kind === 'branch' ? 'branch_secretary' : 'gb_secretary', org.id).holders;
    for (const h of told) {
      notices.push({ to: h.userid, memberId: h.member_id, onceKey: `commendation-${id}-${h.member_id}`, message: text(`${h.name}同志：祝贺${org.name}获得${what}（荣誉证书：${certificateNo}）！请向全体党员传达。`) });
    }
  }
  return { ok: true, zh: `已登记表彰：${recipient}，${what}，${COMMENDATION_LEVEL_LABELS[spec.level]}级，证书编号${certificateNo}。${notices.length > 0 ? '已通知获表彰的同志。' : ''}`, notices, ids: [id!] };
}

// ---- lists ----

/** A person's commendations as lines ("2026年度 校党委 优秀共产党员 证书…"). */
export function commendationLines(views: readonly CommendationView[]): string[] {
  return views.map((v) => `${v.year}年度 ${v.issuer_name} ${COMMENDATION_KIND_LABELS[v.kind]}${v.cause ? `（${v.cause}）` : ''}，证书编号${v.certificate_no}${v.reason ? `；名单外推选理由：${v.reason}` : ''}`);
}
