// The admin routes of fixed monthly subsidies (定额补助), the chat's steps over HTTP (src/assistance/subsidies.ts):
//   POST /admin/assistance/subsidies                      {actor, member, amountYuan, startMonth?, endMonth?, months?}
//   POST /admin/assistance/subsidies/:id/confirm|withdraw|renew|end      {actor}
//   POST /admin/assistance/subsidies/payments             {actor, month, subsidyIds? | all: true}
//   GET  /admin/assistance/subsidies?month=YYYY-MM        the month's payment list (every committee)
// A fastify plugin inside adminRoutes' scope (bearer ADMIN_TOKEN, audit). Every POST names its `actor` — the
// member id or chat account of the OD officer acting — and the same access rule as the chat decides (mayApprove
// 'subsidy'); a refusal is a 4xx with a stable `code`, the English `error` and the chat's Chinese words. What the
// member is told is recorded as deliveries in the step's transaction (quiet hours respected) and enqueued after.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import { BadRequestError } from '../errors.ts';
import { accessPersonOf, findMemberById, findMemberByUserid, type RosterIdentity } from '../roster/responsibility.ts';
import { localDate } from '../domain/dates.ts';
import { parseYuan, yuanString } from '../domain/assistance.ts';
import { isYearMonth, monthOf, parseYearMonth, resolveTerm, type MonthRef, type YearMonth } from '../domain/subsidy.ts';
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

function body(req: FastifyRequest): Record<string, unknown> {
  const b = req.body;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) throw bad('no_body', 'send a JSON object body');
  return b as Record<string, unknown>;
}

/** A member by id (digits) or chat account; undefined when there is none (or they are not active). */
async function member(deps: AdminDeps, written: unknown): Promise<RosterIdentity | undefined> {
  if (typeof written !== 'string' && typeof written !== 'number') return undefined;
  const s = String(written).trim();
  const found = /^\d{1,18}$/.test(s) ? await findMemberById(deps.db.db, s) : s ? await findMemberByUserid(deps.db.db, s) : undefined;
  return found?.status === 'active' ? found : undefined;
}

async function actorOf(deps: AdminDeps, req: FastifyRequest, b: Record<string, unknown>): Promise<RosterIdentity> {
  if (b.actor === undefined) throw bad('no_actor', 'actor (the acting member id or chat account) is required');
  const who = await member(deps, b.actor);
  if (!who) throw bad('unknown_actor', 'actor is not an active member (give a member id or chat account)');
  auditActor(req, `${ADMIN_ACTOR} acting as member ${who.memberId}`);
  return who;
}

function month(v: unknown, name: string): YearMonth {
  if (typeof v !== 'string' || !isYearMonth(v)) throw bad('bad_month', `${name} must be a month YYYY-MM`);
  return v;
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

  app.post('/admin/assistance/subsidies', async (req, reply) => {
    const b = body(req);
    const actor = await actorOf(deps, req, b);
    const who = await member(deps, b.member);
    if (!who) throw new SubsidyRefusedError('not_found', 'member is not an active member (give a member id or chat account)', 404, '名册中没有该党员。');
    const written = b.amountYuan ?? b.amount;
    const amountFen = typeof written === 'number' || typeof written === 'string' ? parseYuan(`${String(written).replace(/元$/u, '')}元`) : undefined;
    if (amountFen === undefined) throw bad('bad_amount', 'amountYuan must be a positive amount in yuan, at most two decimals');
    const start = b.startMonth === undefined ? null : ref(month(b.startMonth, 'startMonth'));
    const end = b.endMonth === undefined ? null : ref(month(b.endMonth, 'endMonth'));
    const months = b.months === undefined ? null : Number(b.months);
    if (months !== null && (!Number.isInteger(months) || months < 1)) throw bad('bad_term', 'months must be a whole number of months, at least 1');
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
  app.post('/admin/assistance/subsidies/:id/:step', async (req, reply) => {
    const { id, step } = req.params as { id: string; step: string };
    if (!Object.hasOwn(steps, step)) throw new SubsidyRefusedError('not_found', 'step must be confirm, withdraw, renew or end', 404, '');
    const actor = await actorOf(deps, req, body(req));
    const { value, warnings } = await run((trx) => steps[step as keyof typeof steps](trx, { actor: accessPersonOf(actor), subsidyId: id, now: deps.clock(), today: today() }));
    return reply.send({ subsidy: subsidyView(value), budget_warnings: warnings });
  });

  app.post('/admin/assistance/subsidies/payments', async (req, reply) => {
    const b = body(req);
    const actor = await actorOf(deps, req, b);
    const m = b.month === undefined ? monthOf(today()) : month(b.month, 'month');
    const ids = b.subsidyIds;
    const all = b.all === true;
    if (all === (ids !== undefined)) throw bad('bad_selection', 'give either "all": true or "subsidyIds": [...]');
    if (ids !== undefined && (!Array.isArray(ids) || ids.length === 0 || !ids.every((x) => typeof x === 'string' || typeof x === 'number'))) {
      throw bad('bad_selection', 'subsidyIds must be a non-empty list of subsidy ids');
    }
    const od = actor.roles.find((r) => r.role === 'od_staff');
    if (!od) throw new SubsidyRefusedError('not_allowed', 'only the Organisation Department records subsidy payments', 403, '定额补助的发放由党委组织部登记。');
    const { value } = await run((trx) =>
      recordPayments(trx, {
        actor: accessPersonOf(actor),
        committeeId: od.organisation.id,
        which: all ? { all: true } : { subsidyIds: (ids as Array<string | number>).map(String) },
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

  app.get('/admin/assistance/subsidies', async (req, reply) => {
    const q = (req.query ?? {}) as Record<string, unknown>;
    const m = q.month === undefined || q.month === '' ? monthOf(today()) : month(q.month, 'month');
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
