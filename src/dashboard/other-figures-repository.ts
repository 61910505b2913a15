// The dashboard's assistance, incentive and voice figures (issue 16): the hardship registry and its May/November
// verification, relief due and paid this month, the quarter's self-evaluations, the year's excellent members,
// announcement recipients and reads, suggestions awaiting a reply. One grouped query per family for all the
// scope's branches at once (group by branch), each counting exactly the rows its export would list for those
// branches (FIGURE_DEFINITIONS in figures.ts; the exports' branchIds option applies the same branch rule):
// - hardship, relief, self-evaluations, excellent members: the member's current branch (as the exports join it);
// - announcements and suggestions: the branch recorded when sent / filed (announcement_recipients.branch_id,
//   suggestions.branch_id), as their exports report them.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../db/schema.ts';
import { addDays, localDayRange } from '../domain/dates.ts';
import { currentVerificationRound } from '../domain/hardship-verification.ts';
import { reportingQuarter } from '../domain/incentive.ts';
import { addMonths } from '../domain/subsidy.ts';
import type { FigureKey, FigurePeriod, Figures } from './figures.ts';
import type { BranchSet, FigureReader } from './figure-repository.ts';

const OTHER_KEYS = [
  'hardshipRegistered',
  'hardshipVerified',
  'hardshipAwaitingVerification',
  'reliefDue',
  'reliefPaid',
  'selfEvaluationsSubmitted',
  'selfEvaluationsExpected',
  'excellentCount',
  'announcementRecipients',
  'announcementReads',
  'suggestionsAwaiting',
  'suggestionsOverdue',
] as const satisfies readonly FigureKey[];

type Counted = { branch_id: string } & Record<string, string | number | null>;

/** `and <column> = any(branches)`, or nothing when every branch of the committee is counted. */
function inBranches(column: RawBuilder<unknown>, b: BranchSet): RawBuilder<unknown> {
  return b.all ? sql`` : sql`and ${column} = any(${[...b.branchIds]}::bigint[])`;
}

export class OtherFigures implements FigureReader {
  readonly keys: readonly FigureKey[] = OTHER_KEYS;

  /** timeZone: the organisation's (APP_TIMEZONE): the local month of an aid's payment, the local year of an announcement. */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly timeZone = 'Asia/Shanghai',
  ) {}

  async read(branches: BranchSet, period: FigurePeriod): Promise<Map<string, Partial<Figures>>> {
    const out = new Map<string, Partial<Figures>>();
    if (!branches.all && branches.branchIds.length === 0) return out;
    const put = (rows: Counted[], keys: Record<string, FigureKey>) => {
      for (const r of rows) {
        const f = out.get(r.branch_id) ?? {};
        for (const [column, key] of Object.entries(keys)) f[key] = Number(r[column] ?? 0);
        out.set(r.branch_id, f);
      }
    };
    const [hardship, relief, evaluations, excellent, announcements, suggestions] = await Promise.all([
      this.hardship(branches, period),
      this.relief(branches, period),
      this.selfEvaluations(branches, period),
      this.excellent(branches, period),
      this.announcements(branches, period),
      this.suggestions(branches, period),
    ]);
    put(hardship, { registered: 'hardshipRegistered', verified: 'hardshipVerified', awaiting: 'hardshipAwaitingVerification' });
    put(relief, { due: 'reliefDue', paid: 'reliefPaid' });
    put(evaluations, { submitted: 'selfEvaluationsSubmitted', expected: 'selfEvaluationsExpected' });
    put(excellent, { excellent: 'excellentCount' });
    put(announcements, { recipients: 'announcementRecipients', reads: 'announcementReads' });
    put(suggestions, { awaiting: 'suggestionsAwaiting', overdue: 'suggestionsOverdue' });
    return out;
  }

  /**
   * Approved entries (the registry), and of those the ones verified in the current round: an item confirming or
   * adding the entry in that period, in a GB report that was submitted (the hardship export's verified_in).
   */
  private async hardship(b: BranchSet, p: FigurePeriod): Promise<Counted[]> {
    const round = currentVerificationRound(p.today);
    const r = await sql<Counted>`
      select x.branch_id, count(*)::int as registered, count(*) filter (where x.verified)::int as verified, count(*) filter (where not x.verified)::int as awaiting
        from (select m.branch_id::text as branch_id,
                     exists (select 1 from hardship_review_items i
                               join hardship_reviews rv on rv.general_branch_id = i.general_branch_id and rv.period = i.period
                              where i.entry_id = h.id and i.period = ${round} and i.action in ('confirmed', 'added')) as verified
                from hardship_registry h join members m on m.id = h.member_id
               where h.status = 'approved' ${inBranches(sql`m.branch_id`, b)}) x
       group by x.branch_id`.execute(this.db);
    return r.rows;
  }

  /**
   * Relief due this month: a subsidy whose term covers the month, active (or ended after the month was paid); an
   * emergency aid approved and awaiting payment, or paid this month. Paid: the month's subsidy payment is
   * recorded; the aid was paid this month (local time).
   */
  private async relief(b: BranchSet, p: FigurePeriod): Promise<Counted[]> {
    const month = p.month;
    const { fromAt, toBefore } = localDayRange(`${month}-01`, addDays(`${addMonths(month, 1)}-01`, -1), this.timeZone);
    const r = await sql<Counted>`
      select x.branch_id, count(*) filter (where x.due)::int as due, count(*) filter (where x.paid)::int as paid
        from (select m.branch_id::text as branch_id, true as due, exists (select 1 from subsidy_payments sp where sp.subsidy_id = s.id and sp.month = ${month}) as paid
                from subsidies s join members m on m.id = s.member_id
               where s.start_month <= ${month} and s.end_month >= ${month}
                 and (s.status = 'active' or exists (select 1 from subsidy_payments sp where sp.subsidy_id = s.id and sp.month = ${month}))
                 ${inBranches(sql`m.branch_id`, b)}
              union all
              select m.branch_id::text, true, a.paid_at is not null
                from emergency_aids a join members m on m.id = a.member_id
               where ((a.status = 'approved' and a.paid_at is null) or (a.paid_at >= ${fromAt!} and a.paid_at < ${toBefore!}))
                 ${inBranches(sql`m.branch_id`, b)}) x
       group by x.branch_id`.execute(this.db);
    return r.rows;
  }

  /**
   * The quarter "本季度未自评名单" follows (reportingQuarter: the open window's, else the one that closed last):
   * submitted = its self-evaluations (by the member's current branch, as the evaluations export lists them);
   * expected = the branch's active members, with or without a chat account (SelfEvaluationRepository.branchCounts).
   */
  private async selfEvaluations(b: BranchSet, p: FigurePeriod): Promise<Counted[]> {
    const { year, quarter } = reportingQuarter(p.today);
    const r = await sql<Counted>`
      select x.branch_id, sum(x.submitted)::int as submitted, sum(x.expected)::int as expected
        from (select m.branch_id::text as branch_id, count(*) as submitted, 0 as expected
                from self_evaluations s join members m on m.id = s.member_id
               where s.year = ${year} and s.quarter = ${quarter} ${inBranches(sql`m.branch_id`, b)}
               group by m.branch_id
              union all
              select m.branch_id::text, 0, count(*)
                from members m
               where m.status = 'active' ${inBranches(sql`m.branch_id`, b)}
               group by m.branch_id) x
       group by x.branch_id`.execute(this.db);
    return r.rows;
  }

  /** The GBs' excellent-member lists of the year (the excellent export's rows list gb, kind excellent_member), by the member's current branch. */
  private async excellent(b: BranchSet, p: FigurePeriod): Promise<Counted[]> {
    const r = await sql<Counted>`
      select m.branch_id::text as branch_id, count(*)::int as excellent
        from commendations c join members m on m.id = c.member_id
       where c.year = ${p.year} and c.kind = 'excellent_member' and c.level = 'general_branch' ${inBranches(sql`m.branch_id`, b)}
       group by m.branch_id`.execute(this.db);
    return r.rows;
  }

  /** Recipients of the announcements sent this year (local), by the branch recorded for each recipient when sent; reads among them. */
  private async announcements(b: BranchSet, p: FigurePeriod): Promise<Counted[]> {
    const { fromAt, toBefore } = localDayRange(`${p.year}-01-01`, `${p.year}-12-31`, this.timeZone);
    const r = await sql<Counted>`
      select r.branch_id::text as branch_id, count(*)::int as recipients, count(*) filter (where r.read_at is not null)::int as reads
        from announcement_recipients r join announcements a on a.id = r.announcement_id
       where a.state = 'sent' and a.sent_at >= ${fromAt!} and a.sent_at < ${toBefore!} ${inBranches(sql`r.branch_id`, b)}
       group by r.branch_id`.execute(this.db);
    return r.rows;
  }

  /** Suggestions not yet replied to (export states awaiting_reply and overdue), by the branch recorded when filed; overdue: past the due day. */
  private async suggestions(b: BranchSet, p: FigurePeriod): Promise<Counted[]> {
    const r = await sql<Counted>`
      select s.branch_id::text as branch_id, count(*)::int as awaiting, count(*) filter (where s.due_on < ${p.today}::date)::int as overdue
        from suggestions s
       where s.state = 'awaiting_reply' ${inBranches(sql`s.branch_id`, b)}
       group by s.branch_id`.execute(this.db);
    return r.rows;
  }
}
