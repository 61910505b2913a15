// The admin routes of fixed monthly subsidies (定额补助), the chat's steps over HTTP (src/assistance/subsidies.ts):
//   POST /admin/assistance/subsidies                      {actor, member, amountYuan, startMonth?, endMonth?, months?}
//   POST /admin/assistance/subsidies/:id/confirm|withdraw|renew|end      {actor}
//   POST /admin/assistance/subsidies/payments             {actor, month, subsidyIds? | all: true}
//   GET  /admin/assistance/subsidies?month=YYYY-MM        the month's payment list (every committee)
// A fastify plugin inside adminRoutes' scope (bearer ADMIN_TOKEN, audit). Every POST names its `actor` — the
// member id or chat account of the OD officer acting — and the same access rule as the chat decides (mayApprove
// 'subsidy'); a refusal is a 4xx with a stable `code`, the English `message` and the chat's Chinese words
// (details.message_zh). The JSON schemas below refuse a missing actor or member, a month not YYYY-MM, months not a
// whole number from 1, subsidy ids not digits (400 invalid_request) before the handler runs. What the member is
// told is recorded as deliveries in the step's transaction (quiet hours respected) and enqueued after.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import { BadRequestError } from '../errors.ts';
import { accessPersonOf, findMemberById, findMemberByUserid, type RosterIdentity } from '../roster/responsibility.ts';
import { localDate } from '../domain/dates.ts';
import { parseYuan, yuanString } from '../domain/assistance.ts';
import { monthOf, parseYearMonth, resolveTerm, type MonthRef, type YearMonth } from '../domain/subsidy.ts';
import { replyDelivery } from '../domain/quiet-hours.ts';
import type { Database } from '../db/schema.ts';
import type { SubsidyRow } from '../db/subsidy-repository.ts';
import {
  confirmSubsidy,
  endSubsidyAtTerm,
  paymentList,
  proposeSubsidy,
  recordPayments,
  renewSubsidy,
  subsidySettings,
  TERM_PROBLEM_ZH,
  withdrawSubsidy,
  type Outcome,
  type RefusalCode,
  type SubsidyNotice,
} from '../assistance/subsidies.ts';
import { ADMIN_ACTOR, auditActor, auditRows } from './audit.ts';
import type { AdminDeps } from './deps.ts';
import { recordNotices } from '../services/outbox.ts';
import { answer, any, idString, list, memberRef, object, responses, yearMonth } from './schemas.ts';

/** A step refused: its code, the English message and the Chinese one the chat gives. */
class SubsidyRefusedError extends BadRequestError {
  constructor(
    code: string,
    message: string,
    httpStatus: number,
    private readonly zh: string,
  ) {
    super(code, message, httpStatus);
  }

  override get details() {
    return { message_zh: this.zh };
  }
}

const STATUS: Record<RefusalCode, number> = {
  not_allowed: 403,
  not_found: 404,
  bad_term: 400,
  not_in_registry: 409,
  no_long_term_cause: 409,
  overlap: 409,
  already_done: 409,
  withdrawn: 409,
  ended: 409,
  renewed_already: 409,
  not_proposed: 409,
};

const bad = (code: string, message: string) => new SubsidyRefusedError(code, message, 400, '');

const ACTOR = memberRef('the OD officer acting');
const SUBSIDY = answer({ id: { type: 'string' }, amount_yuan: { type: 'string' }, start_month: { type: 'string' }, end_month: { type: 'string' }, status: { type: 'string' } });
const STEP_ANSWER = answer({ subsidy: SUBSIDY, budget_warnings: list(any('a commitment past subsidy_budget_yuan: warned, not refused')) });
const PROPOSE = {
  summary: 'Propose a fixed monthly subsidy (定额补助) for a member in the registry',
  tags: ['assistance'],
  body: object(
    {
      actor: ACTOR,
      member: memberRef('the member: a member id or chat account'),
      amountYuan: { type: 'string', minLength: 1, maxLength: 30, description: 'the monthly amount in yuan, at most two decimals ("300", "300.50"; a JSON number is taken too)' },
      amount: { type: 'string', minLength: 1, maxLength: 30, description: 'the same as amountYuan (an older name)' },
      startMonth: yearMonth('default: as the term setting says'),
      endMonth: yearMonth(),
      months: { type: 'integer', minimum: 1, maximum: 1200, description: 'the term in months' },
    },
    ['actor', 'member'],
  ),
  response: responses({ 201: STEP_ANSWER }, 400, 403, 404, 409),
};
const STEP_PARAMS = object({ id: idString('the subsidy id') }, ['id']);
const PAYMENTS = {
  summary: "Record a month's payments: every subsidy due (all) or those listed",
  tags: ['assistance'],
  body: object(
    {
      actor: ACTOR,
      month: yearMonth('default: this month'),
      subsidyIds: { type: 'array', items: idString('a subsidy id'), minItems: 1, maxItems: 10_000 },
      all: { type: 'boolean', description: 'true: every subsidy due this month' },
    },
    ['actor'],
  ),
  response: responses({ 200: answer({ month: { type: 'string' }, recorded: list(answer({})), already_recorded: list(answer({})), not_covered: list(answer({})) }) }, 400, 403, 404, 409),
};
const LIST = {
  summary: "The month's payment list (every committee, amounts included)",
  tags: ['assistance'],
  querystring: object({ month: yearMonth('default: this month') }),
  response: responses({ 200: answer({ month: { type: 'string' }, total_yuan: { type: 'string' }, subsidies: list(SUBSIDY) }) }, 400),
};

/** A POST body as the schemas let it through (numbers coerced to strings). */
interface Body {
  actor: string;
  member?: string;
  amountYuan?: string;
  amount?: string;
  startMonth?: YearMonth;
  endMonth?: YearMonth;
  months?: number;
  month?: YearMonth;
  subsidyIds?: string[];
  all?: boolean;
}

/** A member by id (digits) or chat account; undefined when there is none (or they are not active). */
async function member(deps: AdminDeps, written: string): Promise<RosterIdentity | undefined> {
  const s = written.trim();
  const found = /^\d{1,18}$/.test(s) ? await findMemberById(deps.db.db, s) : s ? await findMemberByUserid(deps.db.db, s) : undefined;
  return found?.status === 'active' ? found : undefined;
}

async function actorOf(deps: AdminDeps, req: FastifyRequest, b: Body): Promise<RosterIdentity> {
  const who = await member(deps, b.actor);
  if (!who) throw bad('unknown_actor', 'actor is not an active member (give a member id or chat account)');
  auditActor(req, `${ADMIN_ACTOR} acting as member ${who.memberId}`);
  return who;
}

const ref = (ym: YearMonth): MonthRef => parseYearMonth(ym);

export function subsidyView(s: SubsidyRow) {
  return {
    id: s.id,
    member: { id: s.member_id, account: s.member_userid ?? '', name: s.member_name },
    general_branch: s.general_branch,
    branch: s.branch,
    amount_fen: s.amount_fen,
    amount_yuan: yuanString(s.amount_fen),
    start_month: s.start_month,
    end_month: s.end_month,
    status: s.status,
    ended_reason: s.ended_reason,
    end_decided: s.end_decided_at !== null,
    renewed_from_id: s.renewed_from_id,
    renewal_id: s.renewal_id,
  };
}

export const subsidyRoutes: FastifyPluginAsync<{ deps: AdminDeps }> = async (app, { deps }) => {
  const today = () => localDate(deps.clock(), deps.config.timezone);

  /** Runs a step in one transaction with its notices recorded; throws its refusal; enqueues after the commit. */
  async function run<T>(step: (trx: Transaction<Database>) => Promise<Outcome<T>>): Promise<{ value: T; warnings: unknown[] }> {
    const now = deps.clock();
    const { out, ids } = await deps.db.db.transaction().execute(async (trx) => {
      const out = await step(trx);
      const ids = out.ok ? await record(trx, out.notices, now) : [];
      return { out, ids };
    });
    if (!out.ok) throw new SubsidyRefusedError(out.code, out.en, STATUS[out.code], out.zh);
    await deps.outbox?.enqueue(ids);
    return { value: out.value, warnings: out.warnings };
  }

  async function record(trx: Transaction<Database>, notices: readonly SubsidyNotice[], now: Date): Promise<string[]> {
    const platform = deps.config.platform;
    // Routed to the platform each member is on, in the step's transaction.
    return recordNotices(
      deps.outbox,
      deps.config.platforms,
      notices.map((n) => ({
        idempotencyKey: `${platform}-${n.onceKey}`,
        platform,
        recipient: n.recipient,
        message: n.message,
        ...replyDelivery(n.recipient, '', now, deps.config.timezone, deps.config.quietHours ?? null),
      })),
      trx,
    );
  }

  app.post('/admin/assistance/subsidies', { schema: PROPOSE }, async (req, reply) => {
    const b = req.body as Body;
    const actor = await actorOf(deps, req, b);
    const who = await member(deps, b.member!);
    if (!who) throw new SubsidyRefusedError('not_found', 'member is not an active member (give a member id or chat account)', 404, '名册中没有该党员。');
    const written = b.amountYuan ?? b.amount;
    // The amount is read as the chat reads it ("300", "300.50", "1,200元"): a zero or what is no amount is bad_amount.
    const amountFen = written !== undefined ? parseYuan(`${written.replace(/元$/u, '')}元`) : undefined;
    if (amountFen === undefined) throw bad('bad_amount', 'amountYuan must be a positive amount in yuan, at most two decimals');
    const start = b.startMonth === undefined ? null : ref(b.startMonth);
    const end = b.endMonth === undefined ? null : ref(b.endMonth);
    const months = b.months ?? null;
    const { value, warnings } = await run(async (trx) => {
      const { termMonths } = await subsidySettings(trx);
      const term = resolveTerm({ start, end, months }, today(), termMonths);
      if ('problem' in term) return { ok: false as const, code: 'bad_term' as const, en: `bad term: ${term.problem}`, zh: `${TERM_PROBLEM_ZH[term.problem]}。` };
      return proposeSubsidy(trx, {
        actor: accessPersonOf(actor),
        member: { memberId: who.memberId, branchId: who.branch.id, generalBranchId: who.generalBranch.id, committeeId: who.committeeId },
        memberName: who.name,
        amountFen,
        term,
        now: deps.clock(),
        today: today(),
      });
    });
    return reply.code(201).send({ subsidy: subsidyView(value), budget_warnings: warnings });
  });

  const steps = { confirm: confirmSubsidy, withdraw: withdrawSubsidy, renew: renewSubsidy, end: endSubsidyAtTerm } as const;
  const stepSummaries: Record<keyof typeof steps, string> = {
    confirm: 'Confirm a proposed subsidy (the OD)',
    withdraw: 'Withdraw a proposed subsidy',
    renew: 'Renew a subsidy for another term',
    end: 'End a subsidy at the end of its term',
  };
  // One route a step (an unknown step is 404, no such route), each in the OpenAPI document.
  for (const step of Object.keys(steps) as Array<keyof typeof steps>) {
    const schema = { summary: stepSummaries[step], tags: ['assistance'], params: STEP_PARAMS, body: object({ actor: ACTOR }, ['actor']), response: responses({ 200: STEP_ANSWER }, 400, 403, 404, 409) };
    app.post(`/admin/assistance/subsidies/:id/${step}`, { schema }, async (req, reply) => {
      const { id } = req.params as { id: string };
      const actor = await actorOf(deps, req, req.body as Body);
      const { value, warnings } = await run((trx) => steps[step](trx, { actor: accessPersonOf(actor), subsidyId: id, now: deps.clock(), today: today() }));
      return reply.send({ subsidy: subsidyView(value), budget_warnings: warnings });
    });
  }

  app.post('/admin/assistance/subsidies/payments', { schema: PAYMENTS }, async (req, reply) => {
    const b = req.body as Body;
    const actor = await actorOf(deps, req, b);
    const m = b.month ?? monthOf(today());
    const ids = b.subsidyIds;
    const all = b.all === true;
    if (all === (ids !== undefined)) throw bad('bad_selection', 'give either "all": true or "subsidyIds": [...]');
    const od = actor.roles.find((r) => r.role === 'od_staff');
    if (!od) throw new SubsidyRefusedError('not_allowed', 'only the Organisation Department records subsidy payments', 403, '定额补助的发放由党委组织部登记。');
    const { value } = await run((trx) =>
      recordPayments(trx, {
        actor: accessPersonOf(actor),
        committeeId: od.organisation.id,
        which: all ? { all: true } : { subsidyIds: ids! },
        months: [m],
        now: deps.clock(),
        today: today(),
        timeZone: deps.config.timezone,
      }),
    );
    auditRows(req, value.recorded.length);
    const view = (l: { subsidyId: string; memberId: string; memberName: string; month: string; amountFen: number }) => ({
      subsidy_id: l.subsidyId,
      member: { id: l.memberId, name: l.memberName },
      month: l.month,
      amount_yuan: yuanString(l.amountFen),
    });
    return reply.send({
      month: m,
      recorded: value.recorded.map(view),
      already_recorded: value.alreadyRecorded.map((l) => ({ ...view(l), paid_on: l.paidOn ?? null, recorded_by: l.recordedBy ?? null })),
      not_covered: value.notCovered.map((n) => ({ member: { id: n.memberId, name: n.memberName }, month: n.month })),
    });
  });

  app.get('/admin/assistance/subsidies', { schema: LIST }, async (req, reply) => {
    const q = req.query as { month?: YearMonth };
    const m = q.month ?? monthOf(today());
    // The OD's API (the holder of ADMIN_TOKEN): every committee's list, amounts included.
    const entries = await paymentList(deps.db.db, m, { timeZone: deps.config.timezone });
    auditRows(req, entries.length);
    return reply.header('cache-control', 'no-store').send({
      month: m,
      total_yuan: yuanString(entries.reduce((s, e) => s + e.due.totalFen, 0)),
      subsidies: entries.map((e) => ({
        ...subsidyView(e.subsidy),
        paid_months: e.subsidy.paid_months,
        due_this_month: e.due.current,
        overdue_months: e.due.overdue,
        due_yuan: yuanString(e.due.totalFen),
      })),
    });
  });
};
