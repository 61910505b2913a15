// The leadership review (党员定期评议基层党组织领导班子, MECHANISM 3.1). Anonymity by construction
// (migrations/2026120405_leadership_review.ts): participation — who may answer and whether they have — is kept apart
// from the ratings and comments, which hold no member, no time and no row per answer. An answer is recorded in one
// transaction as "this member has answered the branch committee" (participants) and "one more 满意 for that
// committee" (a counter in tallies): nothing links the two once it commits. Nothing here can list who answered what.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { LeadershipRating, LeadershipTarget } from '../domain/incentive.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface LeadershipReview {
  id: string;
  year: number;
  opened_on: string;
  last_day: string;
  opened_by_member_id: string | null;
  opened_at: Date;
}

/** A member carded at the opening, with the committees they rate and what they have done (never what they said). */
export interface LeadershipParticipant {
  member_id: string;
  userid: string;
  name: string;
  branch_id: string;
  branch: string;
  general_branch_id: string;
  general_branch: string;
  branch_answered: boolean;
  gb_answered: boolean;
  branch_commented: boolean;
  gb_commented: boolean;
}

/** One committee's totals: the counters and, from participation, how many were carded and how many answered. */
export interface LeadershipTotal {
  organisation_id: string;
  kind: LeadershipTarget;
  general_branch_id: string;
  general_branch: string;
  /** Null for a GB committee's row. */
  branch: string | null;
  satisfied: number;
  basically_satisfied: number;
  dissatisfied: number;
  answered: number;
  members: number;
}

export interface LeadershipComment {
  kind: LeadershipTarget;
  general_branch_id: string;
  general_branch: string;
  branch: string | null;
  text: string;
}

export type RecordOutcome = 'recorded' | 'already' | 'not_participant';

const REVIEW_COLUMNS = ['id', 'year', sql<string>`to_char(opened_on, 'YYYY-MM-DD')`.as('opened_on'), sql<string>`to_char(last_day, 'YYYY-MM-DD')`.as('last_day'), 'opened_by_member_id', 'opened_at'] as const;

export class LeadershipReviewRepository {
  constructor(private readonly db: Db) {}

  async reviewOfYear(year: number): Promise<LeadershipReview | undefined> {
    return this.db.selectFrom('leadership_reviews').select(REVIEW_COLUMNS).where('year', '=', year).executeTakeFirst();
  }

  async reviewById(id: string): Promise<LeadershipReview | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    return this.db.selectFrom('leadership_reviews').select(REVIEW_COLUMNS).where('id', '=', id).executeTakeFirst();
  }

  /** The review taking answers on `today`, if any (one a year, so at most one). */
  async reviewOpenOn(today: string): Promise<LeadershipReview | undefined> {
    return this.db
      .selectFrom('leadership_reviews')
      .select(REVIEW_COLUMNS)
      .where('opened_on', '<=', today)
      .where('last_day', '>=', today)
      .orderBy('opened_on', 'desc')
      .executeTakeFirst();
  }

  /** The latest review opened on or before `today` (open or closed). */
  async latestReview(today: string): Promise<LeadershipReview | undefined> {
    return this.db.selectFrom('leadership_reviews').select(REVIEW_COLUMNS).where('opened_on', '<=', today).orderBy('opened_on', 'desc').executeTakeFirst();
  }

  /** Reviews opened between the dates (inclusive, either optional), oldest first. */
  async reviews(from: string | undefined, to: string | undefined): Promise<LeadershipReview[]> {
    let q = this.db.selectFrom('leadership_reviews').select(REVIEW_COLUMNS);
    if (from) q = q.where('opened_on', '>=', from);
    if (to) q = q.where('opened_on', '<=', to);
    return q.orderBy('year').execute();
  }

  /**
   * Opens the year's review: the row, then every active member with a chat account as a participant (with the
   * branch and GB they sit in now), then a zero counter per committee and rating. `created` false: the year
   * already had one (a second opening, even at the same instant, changes nothing).
   */
  async open(p: { year: number; openedOn: string; lastDay: string; byMemberId: string | null; at: Date }): Promise<{ review: LeadershipReview; created: boolean }> {
    const inserted = await this.db
      .insertInto('leadership_reviews')
      .values({ year: p.year, opened_on: p.openedOn, last_day: p.lastDay, opened_by_member_id: p.byMemberId, opened_at: p.at })
      .onConflict((oc) => oc.column('year').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return { review: (await this.reviewOfYear(p.year))!, created: false };
    await sql`
      insert into leadership_review_participants (review_id, member_id, branch_id, general_branch_id)
      select ${inserted.id}::bigint, m.id, m.branch_id, b.parent_id
        from members m join organisations b on b.id = m.branch_id
       where m.status = 'active' and m.userid is not null and b.parent_id is not null`.execute(this.db);
    await sql`
      insert into leadership_review_tallies (review_id, organisation_id, rating)
      select ${inserted.id}::bigint, o.organisation_id, r.rating
        from (select distinct branch_id as organisation_id from leadership_review_participants where review_id = ${inserted.id}::bigint
              union select distinct general_branch_id from leadership_review_participants where review_id = ${inserted.id}::bigint) o
       cross join (values ('satisfied'), ('basically_satisfied'), ('dissatisfied')) as r(rating)`.execute(this.db);
    return { review: (await this.reviewById(inserted.id))!, created: true };
  }

  /** Active members with no chat account now (not carded: nobody may answer for them). */
  async membersWithoutAccount(): Promise<number> {
    const r = await sql<{ n: string }>`select count(*)::text as n from members where status = 'active' and userid is null`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0);
  }

  private participantQuery(reviewId: string) {
    return this.db
      .selectFrom('leadership_review_participants as p')
      .innerJoin('members as m', 'm.id', 'p.member_id')
      .innerJoin('organisations as b', 'b.id', 'p.branch_id')
      .innerJoin('organisations as g', 'g.id', 'p.general_branch_id')
      .select([
        'p.member_id',
        sql<string>`m.userid`.as('userid'),
        'm.name',
        'p.branch_id',
        'b.name as branch',
        'p.general_branch_id',
        'g.name as general_branch',
        'p.branch_answered',
        'p.gb_answered',
        'p.branch_commented',
        'p.gb_commented',
      ])
      .where('p.review_id', '=', reviewId);
  }

  /** The member's participation, if they were carded. */
  async participant(reviewId: string, memberId: string): Promise<LeadershipParticipant | undefined> {
    return this.participantQuery(reviewId).where('p.member_id', '=', memberId).executeTakeFirst();
  }

  /**
   * Participants still active with a chat account; `unansweredOnly`: those who have not rated both committees
   * (the reminders' list). By member id.
   */
  async participants(reviewId: string, opts: { unansweredOnly?: boolean } = {}): Promise<LeadershipParticipant[]> {
    let q = this.participantQuery(reviewId).where('m.status', '=', 'active').where('m.userid', 'is not', null);
    if (opts.unansweredOnly) q = q.where((eb) => eb.or([eb('p.branch_answered', '=', false), eb('p.gb_answered', '=', false)]));
    return q.orderBy('p.member_id').execute();
  }

  /**
   * Records one rating: marks the member as having answered that committee (once: a second rating finds the mark
   * and changes nothing) and adds one to the committee's counter. Both in the caller's transaction.
   */
  async recordRating(reviewId: string, memberId: string, target: LeadershipTarget, rating: LeadershipRating): Promise<RecordOutcome> {
    const answered = target === 'branch' ? 'branch_answered' : 'gb_answered';
    const marked = await this.db
      .updateTable('leadership_review_participants')
      .set({ [answered]: true })
      .where('review_id', '=', reviewId)
      .where('member_id', '=', memberId)
      .where(answered, '=', false)
      .returning(['branch_id', 'general_branch_id'])
      .executeTakeFirst();
    if (!marked) return (await this.participant(reviewId, memberId)) ? 'already' : 'not_participant';
    const organisationId = target === 'branch' ? marked.branch_id : marked.general_branch_id;
    await this.db
      .updateTable('leadership_review_tallies')
      .set((eb) => ({ answers: eb('answers', '+', 1) }))
      .where('review_id', '=', reviewId)
      .where('organisation_id', '=', organisationId)
      .where('rating', '=', rating)
      .executeTakeFirstOrThrow();
    return 'recorded';
  }

  /** Records one comment on a committee: once per member and committee; the text is stored without the member. */
  async recordComment(reviewId: string, memberId: string, target: LeadershipTarget, text: string): Promise<RecordOutcome> {
    const commented = target === 'branch' ? 'branch_commented' : 'gb_commented';
    const marked = await this.db
      .updateTable('leadership_review_participants')
      .set({ [commented]: true })
      .where('review_id', '=', reviewId)
      .where('member_id', '=', memberId)
      .where(commented, '=', false)
      .returning(['branch_id', 'general_branch_id'])
      .executeTakeFirst();
    if (!marked) return (await this.participant(reviewId, memberId)) ? 'already' : 'not_participant';
    await this.db
      .insertInto('leadership_review_comments')
      .values({ review_id: reviewId, organisation_id: target === 'branch' ? marked.branch_id : marked.general_branch_id, text })
      .execute();
    return 'recorded';
  }

  /** Participation per general branch (carded, answered both, answered neither fully): counts only. */
  async progress(reviewId: string): Promise<Array<{ general_branch_id: string; general_branch: string; members: number; answered: number }>> {
    const r = await sql<{ general_branch_id: string; general_branch: string; members: number; answered: number }>`
      select p.general_branch_id::text as general_branch_id, g.name as general_branch, count(*)::int as members,
             (count(*) filter (where p.branch_answered and p.gb_answered))::int as answered
        from leadership_review_participants p join organisations g on g.id = p.general_branch_id
       where p.review_id = ${reviewId}::bigint
       group by p.general_branch_id, g.name
       order by g.name, p.general_branch_id`.execute(this.db);
    return r.rows;
  }

  /**
   * Every committee's totals, GB committee first within each general branch, then its branches by name. `members`
   * and `answered` come from participation (counts), the ratings from the counters.
   */
  async totals(reviewId: string, generalBranchIds?: readonly string[]): Promise<LeadershipTotal[]> {
    if (generalBranchIds && generalBranchIds.length === 0) return [];
    const only = generalBranchIds ? sql`and g.id in (${sql.join(generalBranchIds.map((id) => sql`${id}::bigint`))})` : sql``;
    const r = await sql<LeadershipTotal>`
      select o.id::text as organisation_id,
             case when o.kind = 'branch' then 'branch' else 'general_branch' end as kind,
             g.id::text as general_branch_id, g.name as general_branch,
             case when o.kind = 'branch' then o.name end as branch,
             (sum(t.answers) filter (where t.rating = 'satisfied'))::int as satisfied,
             (sum(t.answers) filter (where t.rating = 'basically_satisfied'))::int as basically_satisfied,
             (sum(t.answers) filter (where t.rating = 'dissatisfied'))::int as dissatisfied,
             (select count(*) from leadership_review_participants p
               where p.review_id = t.review_id
                 and case when o.kind = 'branch' then p.branch_id = o.id and p.branch_answered else p.general_branch_id = o.id and p.gb_answered end)::int as answered,
             (select count(*) from leadership_review_participants p
               where p.review_id = t.review_id
                 and case when o.kind = 'branch' then p.branch_id = o.id else p.general_branch_id = o.id end)::int as members
        from leadership_review_tallies t
        join organisations o on o.id = t.organisation_id
        join organisations g on g.id = coalesce(case when o.kind = 'branch' then o.parent_id end, o.id)
       where t.review_id = ${reviewId}::bigint ${only}
       group by t.review_id, o.id, o.kind, o.name, g.id, g.name
       order by g.name, g.id, (o.kind = 'branch'), o.name, o.id`.execute(this.db);
    return r.rows;
  }

  /** Every comment of the review, with the committee it is about — never who wrote it; in text order. */
  async comments(reviewId: string): Promise<LeadershipComment[]> {
    const r = await sql<LeadershipComment>`
      select case when o.kind = 'branch' then 'branch' else 'general_branch' end as kind,
             g.id::text as general_branch_id, g.name as general_branch,
             case when o.kind = 'branch' then o.name end as branch, c.text
        from leadership_review_comments c
        join organisations o on o.id = c.organisation_id
        join organisations g on g.id = coalesce(case when o.kind = 'branch' then o.parent_id end, o.id)
       where c.review_id = ${reviewId}::bigint
       order by g.name, g.id, (o.kind = 'branch'), o.name, c.text`.execute(this.db);
    return r.rows;
  }

  /**
   * Forgets what a member sent with an answer (a rating click's button key, a comment's text) from the stored
   * inbound event: the event row stays (done, with its user and time) but no longer says what was answered. A
   * card click's dedupe key is a hash over the button key too — with three buttons a hash is easily reversed — so
   * it is replaced by one naming only the event (a platform retry of that click then comes in as a new event and
   * is answered "已评议", recording nothing: participation allows one answer).
   */
  async forgetInboundContent(eventId: string): Promise<void> {
    await sql`
      update inbound_events
         set payload = case
               when payload ? 'eventKey' then jsonb_set(payload, '{eventKey}', '"leadership-review"')
               else jsonb_set(payload, '{text}', '""') end,
             dedupe_key = case when kind = 'card_click' then 'leadership-review-answer-' || id::text else dedupe_key end
       where id = ${eventId}::bigint`.execute(this.db);
  }
}
