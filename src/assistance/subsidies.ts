// Fixed monthly subsidies (定额补助, MECHANISM 1.2), the steps the chat and the admin API share: the OD proposes one
// for a member in hardship with a long-term cause, confirms the good record (一贯表现良好) or withdraws it, records
// each month's payment exactly once, and at the end of a term renews it (续期) or lets it end (到期终止). Each step
// checks the access rule (mayApprove 'subsidy': the OD, never about oneself) — a card key can be forged and an
// admin call names its actor — and runs in the caller's transaction with the subsidy's row locked, so two clicks
// decide once. A step answers with a stable code, the Chinese words for the chat and the English for the API,
// and the messages to send others (the member is told when a subsidy starts, is renewed or ends).
import type { Kysely, Transaction } from 'kysely';
import { mayApprove, type AccessPerson, type MemberPlace } from '../domain/access.ts';
import { formatYuan, LONG_TERM_CAUSES } from '../domain/assistance.ts';
import { localDate, type IsoDate } from '../domain/dates.ts';
import {
  budgetExcess,
  chineseMonth,
  chineseMonths,
  chineseTerm,
  commitmentsByYear,
  covers,
  monthOf,
  nextTerm,
  overlaps,
  parseYearMonth,
  paymentDue,
  yearsOf,
  type BudgetExcess,
  type Commitment,
  termLength,
  MAX_TERM_MONTHS,
  type Term,
  type TermProblem,
  type YearMonth,
} from '../domain/subsidy.ts';
import { AssistanceTaskRepository } from '../db/assistance-task-repository.ts';
import { HardshipRegistryRepository } from '../db/hardship-registry-repository.ts';
import type { Database } from '../db/schema.ts';
import { SettingsRepository } from '../db/settings-repository.ts';
import { SubsidyRepository, type PayableSubsidy, type SubsidyRow } from '../db/subsidy-repository.ts';
import type { OutboundMessage } from '../platforms/types.ts';
import { whoAnswersFor } from '../roster/responsibility.ts';
import { causesText, forSecretary, MEMBER_TEXT, paidOn, type PaymentListItem, type SubsidyFacts } from './subsidy-text.ts';

type Trx = Transaction<Database>;
type Db = Kysely<Database> | Transaction<Database>;

/** A message to someone other than the actor, sent once (onceKey). */
export interface SubsidyNotice {
  recipient: string;
  onceKey: string;
  message: OutboundMessage;
}

/** Why a step was refused: a stable code (the API maps it to a status), the chat's words and the API's. */
export type RefusalCode =
  | 'not_allowed'
  | 'not_found'
  | 'not_in_registry'
  | 'no_long_term_cause'
  | 'bad_term'
  | 'overlap'
  | 'already_done'
  | 'withdrawn'
  | 'ended'
  | 'renewed_already'
  | 'not_proposed';

export interface Refusal {
  ok: false;
  code: RefusalCode;
  zh: string;
  en: string;
}

export interface Done<T> {
  ok: true;
  value: T;
  zh: string;
  notices: SubsidyNotice[];
  warnings: BudgetExcess[];
}

export type Outcome<T> = Done<T> | Refusal;

const refuse = (code: RefusalCode, zh: string, en: string): Refusal => ({ ok: false, code, zh, en });

export const placeOf = (s: Pick<SubsidyRow, 'member_id' | 'branch_id' | 'gb_id' | 'committee_id'>): MemberPlace => ({
  memberId: s.member_id,
  branchId: s.branch_id,
  generalBranchId: s.gb_id,
  committeeId: s.committee_id,
});

export const termOf = (s: Pick<SubsidyRow, 'start_month' | 'end_month'>): Term => ({ start: s.start_month, end: s.end_month });

export const factsOf = (s: SubsidyRow): SubsidyFacts => ({
  id: s.id,
  memberName: s.member_name,
  branch: s.branch,
  generalBranch: s.general_branch,
  amountFen: s.amount_fen,
  causes: s.causes,
  start: s.start_month,
  end: s.end_month,
});

const NOT_ALLOWED = refuse('not_allowed', '定额补助由党委组织部办理，您无法操作。', 'only the Organisation Department may act on fixed monthly subsidies, and never about themself');
const NOT_FOUND = refuse('not_found', '没有找到这项定额补助，可能已被撤回。', 'no such subsidy');

/** The settings the steps read. */
export async function subsidySettings(trx: Db): Promise<{ termMonths: number; renewalMonthsBefore: number; budgetYuan: number }> {
  const s = await new SettingsRepository(trx).read(['subsidy_term_months', 'subsidy_renewal_months_before', 'subsidy_budget_yuan']);
  return { termMonths: s.subsidy_term_months, renewalMonthsBefore: s.subsidy_renewal_months_before, budgetYuan: s.subsidy_budget_yuan };
}

/**
 * The years a new term would take past the yearly budget: the other live subsidies' commitments, the payments
 * already made on subsidies no longer live, and the new term (setting subsidy_budget_yuan; 0 = not tracked).
 */
export async function budgetCheck(trx: Db, candidate: Commitment, budgetYuan: number): Promise<BudgetExcess[]> {
  if (budgetYuan <= 0) return [];
  const repo = new SubsidyRepository(trx);
  const years = yearsOf(candidate);
  const live = (await repo.liveCommitments()).map((c) => ({ amountFen: c.amount_fen, start: c.start_month, end: c.end_month }));
  const committed = commitmentsByYear(live, years);
  for (const [year, fen] of await repo.paidOnEndedByYear(years)) committed.set(year, (committed.get(year) ?? 0) + fen);
  return budgetExcess({ budgetYuan, committedFen: committed, candidate });
}

/** The entry a subsidy needs: approved, with a long-term cause (老弱病残); a refusal saying why not otherwise. */
async function eligibleEntry(trx: Trx, memberId: string, name: string): Promise<{ entryId: string } | Refusal> {
  const registry = new HardshipRegistryRepository(trx);
  const live = await registry.liveEntryOf(memberId);
  // Locked: a second subsidy for the same member (another officer, a retried message) waits for this one.
  const entry = live ? await registry.entry(live.id, true) : undefined;
  if (!entry || entry.status !== 'approved') {
    const pending = entry && (entry.status === 'applied' || entry.status === 'awaiting_consent');
    return refuse(
      'not_in_registry',
      pending
        ? `${name}同志的生活困难党员申报尚未经党总支审核确定，暂不能设定定额补助。`
        : `${name}同志不在生活困难党员信息库中（须经党总支审核确定），不能设定定额补助。`,
      'the member has no approved hardship registry entry',
    );
  }
  if (!entry.causes.some((c) => LONG_TERM_CAUSES.includes(c))) {
    return refuse(
      'no_long_term_cause',
      `${name}同志登记的困难类型为${causesText(entry.causes)}。定额补助仅适用于因老、弱、病、残导致长期生活困难的党员；遇突发困难可申请突发困难补助。`,
      'the hardship entry has no long-term cause (old_age, frailty, illness, disability)',
    );
  }
  return { entryId: entry.id };
}

/** A live subsidy of the member overlapping the term, named; undefined when there is none. */
async function overlapping(trx: Trx, memberId: string, term: Term, except?: string): Promise<Refusal | undefined> {
  const clash = (await new SubsidyRepository(trx).liveOf(memberId)).find((s) => s.id !== except && overlaps(termOf(s), term));
  if (!clash) return undefined;
  const what = `${clash.status === 'proposed' ? '待确认的' : ''}定额补助（${chineseTerm(termOf(clash))}，每月${formatYuan(clash.amount_fen)}）`;
  return refuse(
    'overlap',
    `${clash.member_name}同志已有${what}，与${chineseTerm(term)}重叠，未作设定。${clash.status === 'proposed' ? '请先确认或撤回该项。' : '如需调整，请待其期满或选择到期终止后再设定。'}`,
    `the member already has a ${clash.status} subsidy (${clash.start_month}..${clash.end_month}, id ${clash.id}) overlapping ${term.start}..${term.end}`,
  );
}

/** The member is told (their own amount is theirs); for a member without a chat account, their branch secretary. */
async function tellMember(trx: Trx, s: Pick<SubsidyRow, 'member_id' | 'member_name' | 'member_userid'>, key: string, text: string): Promise<SubsidyNotice[]> {
  if (s.member_userid) return [{ recipient: s.member_userid, onceKey: `${key}-${s.member_id}`, message: { type: 'text', content: text } }];
  const who = await whoAnswersFor(trx, s.member_id);
  return (who?.branchSecretaries ?? [])
    .filter((p) => p.userid && p.memberId !== s.member_id)
    .map((p) => ({ recipient: p.userid!, onceKey: `${key}-${p.memberId}`, message: { type: 'text' as const, content: forSecretary(s.member_name, text) } }));
}

// ---- propose, confirm, withdraw ----

export interface Proposal {
  actor: AccessPerson;
  member: MemberPlace;
  memberName: string;
  amountFen: number;
  term: Term;
  now: Date;
  today: IsoDate;
}

/** The OD proposes a subsidy: stored `proposed`, to be confirmed on the card (一贯表现良好). */
export async function proposeSubsidy(trx: Trx, p: Proposal): Promise<Outcome<SubsidyRow>> {
  if (p.actor.memberId === p.member.memberId) {
    return refuse('not_allowed', '定额补助不能由本人为自己设定，请由党委组织部其他同志办理。', 'nobody sets a subsidy for themself');
  }
  if (!mayApprove(p.actor, 'subsidy', p.member)) return NOT_ALLOWED;
  if (!Number.isSafeInteger(p.amountFen) || p.amountFen <= 0 || p.amountFen > 2_147_483_647) {
    return refuse('bad_term', '每月金额须为大于0的金额，例如“每月300元”。', 'amount must be a positive number of fen');
  }
  if (p.term.start < monthOf(p.today)) return refuse('bad_term', '起始月份不能早于本月。', 'the term may not start before the current month');
  const eligible = await eligibleEntry(trx, p.member.memberId, p.memberName);
  if ('ok' in eligible) return eligible;
  // The same sentence again while its card waits (the card was lost or scrolled away): the card again, nothing new.
  const waiting = (await new SubsidyRepository(trx).liveOf(p.member.memberId)).find(
    (s) => s.status === 'proposed' && s.amount_fen === p.amountFen && s.start_month === p.term.start && s.end_month === p.term.end,
  );
  if (waiting) {
    return {
      ok: true,
      value: waiting,
      zh: `${waiting.member_name}同志的定额补助（每月${formatYuan(waiting.amount_fen)}，${chineseTerm(termOf(waiting))}）已拟定，尚待确认，现重新发送确认卡片。`,
      notices: [],
      warnings: [],
    };
  }
  const clash = await overlapping(trx, p.member.memberId, p.term);
  if (clash) return clash;
  const { budgetYuan } = await subsidySettings(trx);
  const warnings = await budgetCheck(trx, { ...p.term, amountFen: p.amountFen }, budgetYuan);
  const repo = new SubsidyRepository(trx);
  const id = await repo.insert({ memberId: p.member.memberId, entryId: eligible.entryId, amountFen: p.amountFen, start: p.term.start, end: p.term.end, status: 'proposed', createdByMemberId: p.actor.memberId, at: p.now });
  const row = (await repo.subsidy(id!))!;
  return {
    ok: true,
    value: row,
    zh: `已拟定${row.member_name}同志的定额补助：每月${formatYuan(row.amount_fen)}，${chineseTerm(termOf(row))}（${monthsText(termOf(row))}）。请在卡片上确认该同志一贯表现良好后点“确认发放”。`,
    notices: [],
    warnings,
  };
}

const monthsText = (t: Term) => `共${termLength(t)}个月`;

/** Why a written term was refused, in the chat's words. */
export const TERM_PROBLEM_ZH: Record<TermProblem, string> = {
  end_before_start: '结束月份早于起始月份',
  start_in_past: '起始月份不能早于本月',
  too_long: `一次设定最长${MAX_TERM_MONTHS}个月`,
};

interface Decision {
  actor: AccessPerson;
  subsidyId: string;
  now: Date;
  today: IsoDate;
}

/** Loads and locks the subsidy and checks the actor; a refusal when either fails (no leak: one answer for both). */
async function lockFor(trx: Trx, d: Decision): Promise<SubsidyRow | Refusal> {
  const repo = new SubsidyRepository(trx);
  // Locked, then read again: a statement that waited for the lock sees the row's new version, but not what
  // the transaction that held it added beside it (a renewal) — the second read does.
  if (!(await repo.subsidy(d.subsidyId, true))) return NOT_FOUND;
  const s = (await repo.subsidy(d.subsidyId))!;
  if (!mayApprove(d.actor, 'subsidy', placeOf(s))) return NOT_ALLOWED;
  return s;
}

const isRefusal = (x: unknown): x is Refusal => typeof x === 'object' && x !== null && (x as Refusal).ok === false;

function stateRefusal(s: SubsidyRow): Refusal {
  const who = `${s.member_name}同志的定额补助`;
  if (s.status === 'withdrawn') return refuse('withdrawn', `${who}已撤回。`, 'the subsidy was withdrawn');
  if (s.status === 'ended') return refuse('ended', `${who}已于${chineseMonth(s.end_month)}前终止。`, 'the subsidy has ended');
  if (s.status === 'active') return refuse('already_done', `${who}已确认发放（${chineseTerm(termOf(s))}），无需重复操作。`, 'the subsidy is already confirmed');
  return refuse('not_proposed', `${who}尚未确认发放。`, 'the subsidy is not confirmed yet');
}

/** 确认发放: proposed → active; the member is told. */
export async function confirmSubsidy(trx: Trx, d: Decision): Promise<Outcome<SubsidyRow>> {
  const s = await lockFor(trx, d);
  if (isRefusal(s)) return s;
  if (s.status !== 'proposed') return stateRefusal(s);
  const clash = await overlapping(trx, s.member_id, termOf(s), s.id);
  if (clash) return clash;
  const repo = new SubsidyRepository(trx);
  await repo.confirm(s.id, d.actor.memberId, d.now);
  const row = (await repo.subsidy(s.id))!;
  return {
    ok: true,
    value: row,
    zh: `已确认发放：${row.member_name}同志定额补助每月${formatYuan(row.amount_fen)}，${chineseTerm(termOf(row))}。每月第一个工作日将列入发放名单${row.member_userid ? '；已告知本人' : '；本人没有企业微信/钉钉，已请所在党支部书记转告'}。`,
    notices: await tellMember(trx, row, `subsidy-started-${row.id}`, MEMBER_TEXT.started({ ...termOf(row), amountFen: row.amount_fen })),
    warnings: [],
  };
}

/** 撤回: a proposed subsidy is withdrawn (never a confirmed one: that ends by 到期终止). */
export async function withdrawSubsidy(trx: Trx, d: Decision): Promise<Outcome<SubsidyRow>> {
  const s = await lockFor(trx, d);
  if (isRefusal(s)) return s;
  if (s.status !== 'proposed') {
    return s.status === 'active' ? refuse('already_done', `${s.member_name}同志的定额补助已确认发放，不能撤回；如不再续期，请在到期前选择“到期终止”。`, 'a confirmed subsidy cannot be withdrawn') : stateRefusal(s);
  }
  const repo = new SubsidyRepository(trx);
  await repo.withdraw(s.id, d.now);
  return { ok: true, value: (await repo.subsidy(s.id))!, zh: `已撤回${s.member_name}同志的定额补助（${chineseTerm(termOf(s))}）。`, notices: [], warnings: [] };
}

// ---- renewal ----

/** 续期: a new active subsidy for the next term (same amount), after the eligibility and budget checks. */
export async function renewSubsidy(trx: Trx, d: Decision): Promise<Outcome<SubsidyRow>> {
  const s = await lockFor(trx, d);
  if (isRefusal(s)) return s;
  const repo = new SubsidyRepository(trx);
  if (s.renewal_id) {
    const next = await repo.subsidy(s.renewal_id);
    return refuse('renewed_already', `${s.member_name}同志的定额补助已续期（${next ? chineseTerm(termOf(next)) : ''}），无需重复操作。`, `already renewed (subsidy ${s.renewal_id})`);
  }
  // A term that ran out may still be renewed, continuing from the month after it (its months then show as overdue).
  const renewable = s.status === 'active' || (s.status === 'ended' && (s.ended_reason === 'term_ended' || s.ended_reason === 'not_renewed'));
  if (!renewable) return stateRefusal(s);
  const eligible = await eligibleEntry(trx, s.member_id, s.member_name);
  if ('ok' in eligible) return eligible;
  const { termMonths, budgetYuan } = await subsidySettings(trx);
  const term = nextTerm(termOf(s), termMonths);
  const clash = await overlapping(trx, s.member_id, term, s.id);
  if (clash) return clash;
  const warnings = await budgetCheck(trx, { ...term, amountFen: s.amount_fen }, budgetYuan);
  const id = await repo.insert({ memberId: s.member_id, entryId: eligible.entryId, amountFen: s.amount_fen, start: term.start, end: term.end, status: 'active', createdByMemberId: d.actor.memberId, renewedFromId: s.id, at: d.now });
  if (!id) return refuse('renewed_already', `${s.member_name}同志的定额补助已续期，无需重复操作。`, 'already renewed');
  if (s.end_decided_at) await repo.clearEndDecision(s.id);
  await new AssistanceTaskRepository(trx).close('subsidy_renewal', s.id, 'done', d.now, d.actor.memberId);
  const row = (await repo.subsidy(id))!;
  return {
    ok: true,
    value: row,
    zh: `已续期：${row.member_name}同志定额补助每月${formatYuan(row.amount_fen)}，${chineseTerm(term)}${row.member_userid ? '；已告知本人' : '；本人没有企业微信/钉钉，已请所在党支部书记转告'}。`,
    notices: await tellMember(trx, row, `subsidy-renewed-${row.id}`, MEMBER_TEXT.renewed({ ...term, amountFen: row.amount_fen })),
    warnings,
  };
}

/** 到期终止: the subsidy stops after its end month (ended not_renewed once past); the member is told then. */
export async function endSubsidyAtTerm(trx: Trx, d: Decision): Promise<Outcome<SubsidyRow>> {
  const s = await lockFor(trx, d);
  if (isRefusal(s)) return s;
  const repo = new SubsidyRepository(trx);
  if (s.renewal_id) return refuse('renewed_already', `${s.member_name}同志的定额补助已续期，不能再选择到期终止。`, `already renewed (subsidy ${s.renewal_id})`);
  if (s.status !== 'active') return stateRefusal(s);
  if (!(await repo.decideEnd(s.id, d.actor.memberId, d.now))) {
    return refuse('already_done', `${s.member_name}同志的定额补助已确定到期终止（${chineseMonth(s.end_month)}期满），无需重复操作。`, 'the end is already decided');
  }
  await new AssistanceTaskRepository(trx).close('subsidy_renewal', s.id, 'done', d.now, d.actor.memberId);
  return {
    ok: true,
    value: (await repo.subsidy(s.id))!,
    zh: `已确定：${s.member_name}同志的定额补助${chineseMonth(s.end_month)}期满后终止，不再续期。期满后将告知本人。`,
    notices: [],
    warnings: [],
  };
}

// ---- payments ----

export interface PaymentSelection {
  actor: AccessPerson;
  /** The actor's committee (the OD's): "all" means the subsidies of this committee. */
  committeeId: string;
  /** Every subsidy, these members' or these subsidies'. */
  which: { all: true } | { memberIds: readonly string[] } | { subsidyIds: readonly string[] };
  months: readonly YearMonth[];
  now: Date;
  today: IsoDate;
  timeZone: string;
}

export interface PaymentLine {
  subsidyId: string;
  memberId: string;
  memberName: string;
  month: YearMonth;
  amountFen: number;
  /** For one recorded before: when and by whom. */
  paidOn?: IsoDate;
  recordedBy?: string | null;
}

export interface PaymentsResult {
  recorded: PaymentLine[];
  alreadyRecorded: PaymentLine[];
  /** Named but without a subsidy for the month (or a month not yet come). */
  notCovered: Array<{ memberId: string; memberName: string; month: YearMonth; terms: Term[] }>;
  /** Overdue months still unpaid after this (for "本月补助已发放": the OD is reminded of them). */
  stillOverdue: Array<{ memberName: string; months: YearMonth[] }>;
}

/** The last month of a subsidy that may still be paid: its end, or the month it was stopped in (archived, left). */
function payableThrough(s: SubsidyRow, timeZone: string): YearMonth | undefined {
  if (s.status === 'active' || (s.status === 'ended' && (s.ended_reason === 'term_ended' || s.ended_reason === 'not_renewed'))) return s.end_month;
  if (s.status === 'ended' && s.ended_at) {
    const stopped = monthOf(localDate(s.ended_at, timeZone));
    return stopped < s.end_month ? stopped : s.end_month;
  }
  return undefined;
}

/**
 * Records payments (本月补助已发放 / 张伟11月补助已发放 / 补发张伟10月补助 / the admin route): each month of each
 * subsidy at most once — one recorded before is reported with when and by whom, not recorded again. Months not
 * yet come and months outside a subsidy's term are named, not recorded.
 */
export async function recordPayments(trx: Trx, p: PaymentSelection): Promise<Outcome<PaymentsResult>> {
  const repo = new SubsidyRepository(trx);
  const current = monthOf(p.today);
  const months = [...new Set(p.months)].sort();
  const latest = months.at(-1) ?? current;
  let subsidies: SubsidyRow[];
  if ('all' in p.which) subsidies = await repo.payable(latest, { committeeId: p.committeeId }, p.timeZone);
  else if ('memberIds' in p.which) subsidies = (await Promise.all(p.which.memberIds.map((id) => repo.subsidiesOf(id)))).flat();
  else subsidies = (await Promise.all(p.which.subsidyIds.map((id) => repo.subsidy(id)))).filter((s): s is SubsidyRow => s !== undefined);
  if ('subsidyIds' in p.which && subsidies.length < p.which.subsidyIds.length) return NOT_FOUND;
  // Every subsidy must be the actor's to record (a forged id, another committee's member, the actor's own).
  if (subsidies.some((s) => !mayApprove(p.actor, 'subsidy', placeOf(s)))) return NOT_ALLOWED;
  const result: PaymentsResult = { recorded: [], alreadyRecorded: [], notCovered: [], stillOverdue: [] };
  const line = (s: SubsidyRow, month: YearMonth): PaymentLine => ({ subsidyId: s.id, memberId: s.member_id, memberName: s.member_name, month, amountFen: s.amount_fen });
  for (const month of months) {
    const named = 'memberIds' in p.which ? p.which.memberIds : [];
    for (const memberId of named) {
      const own = subsidies.filter((s) => s.member_id === memberId && s.status !== 'proposed' && s.status !== 'withdrawn');
      const through = (s: SubsidyRow) => payableThrough(s, p.timeZone);
      if (month > current || !own.some((s) => covers(termOf(s), month) && month <= (through(s) ?? ''))) {
        const name = (await whoAnswersFor(trx, memberId))?.member.name ?? '';
        result.notCovered.push({ memberId, memberName: name, month, terms: own.map(termOf) });
      }
    }
    for (const s of subsidies) {
      if (s.status === 'proposed' || s.status === 'withdrawn') continue;
      if (month > current || !covers(termOf(s), month) || month > (payableThrough(s, p.timeZone) ?? '')) continue;
      if (await repo.recordPayment({ subsidyId: s.id, month, amountFen: s.amount_fen, paidAt: p.now, byMemberId: p.actor.memberId })) {
        result.recorded.push(line(s, month));
      } else {
        const before = (await repo.paymentsOf(s.id)).find((x) => x.month === month);
        result.alreadyRecorded.push({ ...line(s, month), amountFen: before?.amount_fen ?? s.amount_fen, paidOn: before ? localDate(before.paid_at, p.timeZone) : undefined, recordedBy: before?.recorded_by_name ?? null });
      }
    }
  }
  if ('all' in p.which) {
    for (const e of listEntries(await repo.payable(current, { committeeId: p.committeeId }, p.timeZone), current)) {
      if (e.due.overdue.length > 0) result.stillOverdue.push({ memberName: e.memberName, months: e.due.overdue });
    }
  }
  return { ok: true, value: result, zh: paymentsText(result, months, current, 'all' in p.which), notices: [], warnings: [] };
}

function paymentsText(r: PaymentsResult, months: readonly YearMonth[], current: YearMonth, all: boolean): string {
  const { year } = parseYearMonth(current);
  const monthWords = (ms: readonly YearMonth[]) => chineseMonths([...new Set(ms)].sort(), year);
  const sum = (lines: readonly PaymentLine[]) => formatYuan(lines.reduce((s, l) => s + l.amountFen, 0));
  const out: string[] = [];
  if (all && r.recorded.length === 0 && r.alreadyRecorded.length === 0) out.push(`${monthWords(months)}没有需要发放的定额补助。`);
  if (r.recorded.length > 0) {
    const people = new Set(r.recorded.map((l) => l.memberId)).size;
    out.push(
      all
        ? `已登记${monthWords(months)}定额补助发放：${people}人，合计${sum(r.recorded)}。`
        : `已登记发放：${r.recorded.map((l) => `${l.memberName}${monthWords([l.month])}${formatYuan(l.amountFen)}`).join('、')}，合计${sum(r.recorded)}。`,
    );
  }
  if (r.alreadyRecorded.length > 0) {
    const lines = r.alreadyRecorded.map((l) => `${l.memberName}${monthWords([l.month])}${l.paidOn ? `（${paidOn(l.paidOn)}${l.recordedBy ? `由${l.recordedBy}` : ''}登记）` : ''}`);
    out.push(all ? `另有${r.alreadyRecorded.length}笔此前已登记，未重复登记。` : `已登记过，无需重复登记：${lines.join('、')}。`);
  }
  for (const n of r.notCovered) {
    const terms = n.terms.length > 0 ? `（补助期限${n.terms.map(chineseTerm).join('、')}）` : '';
    out.push(n.month > current ? `${n.memberName}${chineseMonth(n.month)}尚未到，不能登记。` : `${n.memberName}同志没有${chineseMonth(n.month)}的定额补助${terms}，未登记。`);
  }
  if (r.stillOverdue.length > 0) {
    out.push(`尚有逾期未发：${r.stillOverdue.map((o) => `${o.memberName}（${chineseMonths(o.months, year)}）`).join('、')}。发放后请逐人登记，如“${r.stillOverdue[0]!.memberName}${parseYearMonth(r.stillOverdue[0]!.months[0]!).month}月补助已发放”。`);
  }
  return out.join('\n');
}

// ---- the month's list ----

export interface PaymentListEntry extends PaymentListItem {
  subsidy: PayableSubsidy;
}

/** What is to be paid by the end of a month, in a committee (or everywhere): subsidies with something due. */
export async function paymentList(db: Db, month: YearMonth, opts: { committeeId?: string; timeZone?: string } = {}): Promise<PaymentListEntry[]> {
  const timeZone = opts.timeZone ?? (await new SettingsRepository(db).read(['time_zone'])).time_zone;
  const rows = await new SubsidyRepository(db).payable(month, opts.committeeId !== undefined ? { committeeId: opts.committeeId } : {}, timeZone);
  return listEntries(rows, month);
}

/** The payable rows as list entries: each with what is due this month and overdue; nothing due, no line. */
export function listEntries(rows: readonly PayableSubsidy[], month: YearMonth): PaymentListEntry[] {
  return rows
    .map((s) => ({
      subsidy: s,
      memberName: s.member_name,
      branch: s.branch,
      generalBranch: s.general_branch,
      amountFen: s.amount_fen,
      // A subsidy stopped early (the entry archived) is due up to the month it stopped in.
      due: paymentDue({ start: s.start_month, end: s.payable_through, amountFen: s.amount_fen }, s.paid_months, month),
    }))
    .filter((e) => e.due.totalFen > 0);
}
