// The May/November verification (核实更新并上报) through the admin API, for the OD's tools:
//   GET  /admin/assistance/verification?period=YYYY-MM[&generalBranch=ID|NAME]   each GB's list, marks and report
//   POST /admin/assistance/verification/changes {generalBranch, period, actor, changes}         mark, archive, add
//   POST /admin/assistance/verification/submit  {generalBranch, period, actor, changes?, note?} (apply, then) submit
// `actor` is the member acting (member id or chat account), checked by the access rule as in chat: the GB's
// secretary or the OD. `changes` is the chat's own message ("王芳 已好转；张伟 仍困难 病；新增 冯无号 残") or a
// list of {action: confirm|archive|add, member: id|account|name, branch?, causes?: [codes], reason?}. All or
// nothing: a change that cannot be applied is a 400 naming it, and nothing is written. A period is May or
// November of this year or before (a late submission is the OD's to record). A fastify plugin registered from
// adminRoutes, inside its scope: the bearer check and the audit apply. The JSON schemas below refuse a missing
// generalBranch, period or actor, a period not YYYY-MM, changes neither text nor a list, and a listed change
// without action or member or with an unknown cause (400 invalid_request) before the handler runs; a month other
// than May or November stays bad_period, with the chat's words.
import type { FastifyPluginAsync } from 'fastify';
import type { Transaction } from 'kysely';
import { HARDSHIP_CAUSES, type HardshipCause } from '../domain/assistance.ts';
import { mayVerifyGeneralBranch } from '../domain/access.ts';
import { localDate } from '../domain/dates.ts';
import { changesFrom, isVerificationPeriod, summariseVerification } from '../domain/hardship-verification.ts';
import { HardshipVerificationRepository, type GeneralBranchReport } from '../db/hardship-verification-repository.ts';
import { OrganisationRepository } from '../db/organisation-repository.ts';
import type { Database } from '../db/schema.ts';
import { matchVerification, type VerificationLine } from '../assistance/verification-phrases.ts';
import { applyChanges, noticeDeliveries, resolveLines, submitVerification, verifierNamed, type AppliedChange, type Verifier } from '../assistance/verification.ts';
import { loadOrganisationPlace } from '../roster/responsibility.ts';
import { BadRequestError } from '../errors.ts';
import type { Reply } from '../conversation/router.ts';
import { ADMIN_ACTOR, auditActor } from './audit.ts';
import type { AdminDeps } from './deps.ts';
import { recordNotices } from '../services/outbox.ts';
import { answer, list, memberRef, object, oneOf, responses, text as textField, yearMonth } from './schemas.ts';

const ACTOR = memberRef('the member acting');
const GENERAL_BRANCH = { type: 'string', minLength: 1, maxLength: 100, description: 'a general branch: its id or exact name' };
const PERIOD = yearMonth('May or November: YYYY-05 or YYYY-11');
const CHANGE = object(
  {
    action: oneOf(['confirm', 'archive', 'add']),
    member: { type: 'string', minLength: 1, maxLength: 100, description: 'a member id, chat account or name' },
    branch: textField(100, 'the branch, when the name is borne by several'),
    causes: { type: 'array', items: oneOf(HARDSHIP_CAUSES), maxItems: HARDSHIP_CAUSES.length * 2, description: 'confirm: the causes now (none: unchanged); add: needed' },
    reason: textField(500, 'archive: why'),
  },
  ['action', 'member'],
);
// The list first: Ajv coerces ('array' mode) a list of one into its item when a string is tried first.
const CHANGES = {
  anyOf: [
    { type: 'array', items: CHANGE, maxItems: 1_000 },
    { type: 'string', maxLength: 10_000, description: 'the chat\'s own message: "王芳 已好转；张伟 仍困难 病；新增 冯无号 残"' },
  ],
};
const STEP_ANSWER = answer({ generalBranch: answer({}), period: { type: 'string' }, applied: list(answer({})), submitted: { type: 'boolean' }, verifiedCount: { type: 'integer' }, unmarked: { type: 'integer' }, told: { type: 'integer' } });
const LIST = {
  summary: "Each general branch's verification for the period: marks, report, entries",
  tags: ['assistance'],
  querystring: object({ period: PERIOD, generalBranch: GENERAL_BRANCH }, ['period']),
  response: responses({ 200: answer({ period: { type: 'string' }, generalBranches: list(answer({})) }) }, 400, 404),
};
const CHANGES_STEP = {
  summary: 'Apply changes (mark, archive, add), all or nothing',
  tags: ['assistance'],
  body: object({ generalBranch: GENERAL_BRANCH, period: PERIOD, actor: ACTOR, changes: CHANGES }, ['generalBranch', 'period', 'actor', 'changes']),
  response: responses({ 200: STEP_ANSWER }, 400, 403, 404, 409),
};
const SUBMIT = {
  summary: "Apply the changes given, then submit the general branch's verification to the OD",
  tags: ['assistance'],
  body: object({ generalBranch: GENERAL_BRANCH, period: PERIOD, actor: ACTOR, changes: CHANGES, note: textField(500) }, ['generalBranch', 'period', 'actor']),
  response: responses({ 200: STEP_ANSWER }, 400, 403, 404, 409),
};

/** A change as the schema lets it through. */
interface Change {
  action: 'confirm' | 'archive' | 'add';
  member: string;
  branch?: string;
  causes?: HardshipCause[];
  reason?: string;
}

/** A body as the schemas let it through. */
interface Body {
  generalBranch: string;
  period: string;
  actor: string;
  changes?: string | Change[];
  note?: string;
}

/** The period: May or November (the schema has checked YYYY-MM), not after this month. */
function periodIn(value: string, today: string): string {
  if (!isVerificationPeriod(value)) throw new Refusal('bad_period', 'period must be YYYY-05 or YYYY-11. 核实在每年5月和11月进行。');
  if (value > today.slice(0, 7)) throw new Refusal('future_period', `period ${value} has not begun. 该核实期尚未开始。`);
  return value;
}

/** The general branch by id or exact name (a unique one). */
async function generalBranchIn(db: AdminDeps['db']['db'], value: string): Promise<string> {
  const written = value.trim();
  if (written === '') throw new Refusal('bad_general_branch', 'generalBranch (an id or a name) is required. 请写明党总支。');
  if (/^\d{1,18}$/.test(written)) {
    const place = await loadOrganisationPlace(db, written);
    if (place?.kind === 'general_branch') return written;
  }
  const named = await new OrganisationRepository(db).byKindAndName('general_branch', written);
  if (named.length === 0) throw new Refusal('unknown_general_branch', `no general branch ${JSON.stringify(written)}. 没有这个党总支。`, 404);
  if (named.length > 1) throw new Refusal('ambiguous_general_branch', `${named.length} general branches are named ${JSON.stringify(written)}; use the id (${named.map((n) => n.id).join(', ')}).`);
  return named[0]!.id;
}

/** The changes as verification lines: the chat's message, or a list of objects with canonical codes. */
function linesIn(value: string | Change[] | undefined): VerificationLine[] {
  if (value === undefined) return [];
  if (typeof value === 'string') {
    const read = matchVerification(value);
    if (!read || read.kind !== 'batch') throw new Refusal('bad_changes', 'changes: write lines such as "王芳 已好转；张伟 仍困难 病；新增 冯无号 残". 看不懂这些变化。');
    return read.lines;
  }
  return value.map((c, i): VerificationLine => {
    const line = i + 1;
    const member = c.member.trim();
    const branch = c.branch !== undefined && c.branch.trim() !== '' ? { branch: c.branch.trim() } : {};
    const causes = c.causes ?? [];
    // A name of blanks is the one thing the schema lets through that names nobody: answered per line, as in chat.
    if (member === '') return { kind: 'unclear', line, text: JSON.stringify(c), why: 'member (id, account or name) is required' };
    switch (c.action) {
      case 'confirm':
        return { kind: 'confirm', line, name: member, ...branch, causes };
      case 'archive':
        return { kind: 'archive', line, name: member, ...branch, reason: (c.reason ?? '').trim() };
      case 'add':
        return causes.length > 0 ? { kind: 'add', line, name: member, ...branch, causes } : { kind: 'unclear', line, text: JSON.stringify(c), why: 'an added entry needs its causes' };
    }
  });
}

const reportOf = (g: GeneralBranchReport) => ({
  submitted: g.submittedAt !== null,
  submittedAt: g.submittedAt,
  submittedBy: g.submittedById ? { memberId: g.submittedById, name: g.submittedByName } : null,
});

export const assistanceVerificationRoutes: FastifyPluginAsync<{ deps: AdminDeps }> = async (app, { deps }) => {
  const db = () => deps.db.db;
  const today = () => localDate(deps.clock(), deps.config.timezone);

  app.get('/admin/assistance/verification', { schema: LIST }, async (req, reply) => {
    const q = req.query as { period: string; generalBranch?: string };
    const period = periodIn(q.period, today());
    const only = q.generalBranch === undefined ? undefined : await generalBranchIn(db(), q.generalBranch);
    const repo = new HardshipVerificationRepository(db());
    const gbs = (await repo.generalBranches(period)).filter((g) => only === undefined || g.id === only);
    const out = [];
    for (const g of gbs) {
      const rows = await repo.list(g.id, period);
      const live = summariseVerification(rows);
      out.push({
        generalBranch: { id: g.id, name: g.name },
        ...reportOf(g),
        // Submitted: the report as sent to the OD; not yet: the verification as it stands.
        verifiedCount: g.submittedAt ? g.verifiedCount : live.verifiedCount,
        changes: g.submittedAt ? changesFrom(g.changes) : live.changes,
        unmarked: live.unmarked,
        confirmedByDefault: live.confirmedByDefault,
        note: g.note,
        entries: rows.map((r) => ({
          entryId: r.entryId,
          member: { id: r.memberId, account: r.userid ?? '', name: r.name },
          branch: r.branch,
          state: r.status,
          causes: r.causes,
          action: r.action,
          causesBefore: r.action ? r.causesBefore : null,
          causesAfter: r.action ? r.causesAfter : null,
          byDefault: r.byDefault,
          archiveReason: r.status === 'archived' ? r.archiveReason : null,
        })),
      });
    }
    return reply.header('cache-control', 'no-store').send({ period, generalBranches: out });
  });

  /** Applies `changes` (and submits when asked) for the actor, in one transaction; sends what it tells people. */
  async function act(body: Body, submit: boolean, audit: (actor: string) => void) {
    const period = periodIn(body.period, today());
    const gbId = await generalBranchIn(db(), body.generalBranch);
    const lines = linesIn(body.changes);
    if (!submit && lines.length === 0) throw new Refusal('no_changes', 'changes are required. 请写明变化。');
    const note = body.note ?? '';
    const now = deps.clock();
    const c = { now, today: today(), timeZone: deps.config.timezone };
    const result = await db()
      .transaction()
      .execute(async (trx: Transaction<Database>) => {
        const verifier: Verifier | undefined = await verifierNamed(trx, body.actor);
        if (!verifier) throw new Refusal('unknown_actor', 'actor is not an active member (member id or chat account). 办理人不在党员名册中。');
        audit(`${ADMIN_ACTOR} for member ${verifier.person.memberId}`);
        const place = (await loadOrganisationPlace(trx, gbId))!;
        if (!mayVerifyGeneralBranch(verifier.person, place)) {
          throw new Refusal('not_allowed', "the actor may not verify this general branch (its secretary or the OD). 办理人无权核实该党总支。", 403);
        }
        const repo = new HardshipVerificationRepository(trx);
        await repo.lockGeneralBranch(gbId);
        const gb = (await repo.generalBranch(gbId, period))!;
        if (gb.submittedAt) {
          throw new Refusal('already_submitted', `${gb.name} submitted its ${period} verification on ${localDate(gb.submittedAt, deps.config.timezone)}. 本期核实已上报。`, 409);
        }
        let applied: AppliedChange[] = [];
        const notices: Reply[] = [];
        if (lines.length > 0) {
          const { changes, problems } = await resolveLines(trx, { lines, generalBranches: [gb], period, verifier });
          if (problems.length > 0) throw new UnclearChanges(problems);
          const done = await applyChanges({ trx, ...c }, { changes, period, verifier });
          applied = done.applied;
          notices.push(...done.notices);
        }
        let submitted: Awaited<ReturnType<typeof submitVerification>> | undefined;
        if (submit) {
          submitted = await submitVerification({ trx, ...c }, { gbId, period, verifier, note });
          if (submitted.ok) notices.push(...submitted.notices);
        }
        const deliveries = await recordNotices(
          deps.outbox,
          deps.config.platforms,
          noticeDeliveries(notices, { platform: deps.config.platform, now, timeZone: deps.config.timezone, quietHours: deps.config.quietHours }),
          trx,
        );
        const summary = summariseVerification(await repo.list(gbId, period));
        return { gb, applied, submitted, summary, deliveries };
      });
    await deps.outbox?.enqueue(result.deliveries);
    return {
      generalBranch: { id: result.gb.id, name: result.gb.name },
      period,
      applied: result.applied.map((a) => ({ line: a.line, member: a.name, branch: a.branch, what: a.what })),
      submitted: result.submitted?.ok === true,
      verifiedCount: result.summary.verifiedCount,
      unmarked: result.summary.unmarked,
      confirmedByDefault: result.submitted?.ok ? result.submitted.confirmedNow : 0,
      changes: result.summary.changes,
      told: result.deliveries.length,
    };
  }

  app.post('/admin/assistance/verification/changes', { schema: CHANGES_STEP }, async (req, reply) => reply.send(await act(req.body as Body, false, (a) => auditActor(req, a))));
  app.post('/admin/assistance/verification/submit', { schema: SUBMIT }, async (req, reply) => reply.send(await act(req.body as Body, true, (a) => auditActor(req, a))));
};

/** A refusal with its stable code: { error: { code, message } }. */
class Refusal extends BadRequestError {}

/** Lines that cannot be applied: 400, each with why (nothing was written). */
class UnclearChanges extends Refusal {
  constructor(private readonly problems: ReadonlyArray<{ line: number; text: string; why: string }>) {
    super('unclear_changes', 'Some changes cannot be applied; nothing was written. 以下变化需要核对，未作修改。');
  }

  override get details() {
    return { problems: this.problems };
  }
}
