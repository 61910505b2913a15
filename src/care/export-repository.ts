// The rows of the care exports (src/care/export.ts): talks, visits and obligations with the people and
// organisations they name, one keyset page (ids after `after`, in id order) at a time. Each row carries the
// member's place (member, branch, general branch, committee ids) so the export can apply the access rule.
// Ids are text (bigint, exact), dates YYYY-MM-DD.
import { sql, type Kysely } from 'kysely';
import type { CareKind, Database, ObligationStatus } from '../db/schema.ts';
import { SettingsRepository } from '../db/settings-repository.ts';

/** Inclusive bounds as YYYY-MM-DD: talks and visits by happened_on, obligations by due_on. */
export interface ExportRange {
  from?: string | undefined;
  to?: string | undefined;
  /** Only rows about members whose CURRENT branch (members.branch_id) is one of these; undefined: every branch. */
  branchIds?: readonly string[] | undefined;
}

/**
 * The one branch filter of the care exports and the dashboard's care figures: a row counts in the member's
 * current branch (members.branch_id), the branch the export's member_branch names.
 */
export function inBranches(memberAlias: string, branchIds: readonly string[] | undefined) {
  return branchIds === undefined ? sql<boolean>`true` : sql<boolean>`${sql.ref(`${memberAlias}.branch_id`)} = any(${[...branchIds]}::bigint[])`;
}

/** Where the member a row is about sits, as ids. */
export interface PlaceColumns {
  member_place_id: string;
  branch_id: string;
  general_branch_id: string;
  committee_id: string;
}

export interface CareRecordPageRow extends PlaceColumns {
  id: string;
  happened_on: string;
  leader_userid: string | null;
  leader_name: string;
  /** 派人: who sent the visitor (the leader); null when the leader went themself. */
  sent_by_userid: string | null;
  sent_by_name: string | null;
  member_userid: string | null;
  member_name: string;
  member_branch: string;
  member_general_branch: string;
  reason: string;
  note: string;
  obligation_id: string | null;
  recorded_by_userid: string | null;
  recorded_by_name: string;
  recorded_at: Date;
  undone_at: Date | null;
}

export interface ObligationPageRow extends PlaceColumns {
  id: string;
  kind: CareKind;
  member_userid: string | null;
  member_name: string;
  member_branch: string;
  member_general_branch: string;
  /** The person who owes it, when a person does. */
  owner_userid: string | null;
  owner_name: string | null;
  /** The office that owes it, when an organisation does (the branch, the general branch, the committee for the OD). */
  owner_organisation: string | null;
  /** Party role code of the owner (e.g. branch_secretary, gb_secretary, od_staff), as stored. */
  owner_role: string | null;
  reason: string;
  source: 'trigger' | 'quota' | 'holiday';
  period: string | null;
  due_on: string;
  status: ObligationStatus;
  closed_at: Date | null;
  /** Why a cancelled obligation was cancelled: member_deceased, member_transferred_out, roster_changed (empty otherwise). */
  cancelled_reason: string | null;
  record_id: string | null;
}

export class CareExportRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Up to `limit` talks or visits with id > `after` (a decimal bigint), in id order. */
  async recordPage(kind: CareKind, range: ExportRange, after: string, limit: number): Promise<CareRecordPageRow[]> {
    let q = this.db
      .selectFrom('care_records as r')
      .innerJoin('members as l', 'l.id', 'r.leader_member_id')
      .innerJoin('members as m', 'm.id', 'r.member_id')
      .innerJoin('organisations as b', 'b.id', 'm.branch_id')
      .innerJoin('organisations as gb', 'gb.id', 'b.parent_id')
      .innerJoin('members as rb', 'rb.id', 'r.recorded_by_member_id')
      .leftJoin('members as sb', 'sb.id', 'r.sent_by_member_id')
      .select([
        sql<string>`r.id::text`.as('id'),
        sql<string>`to_char(r.happened_on, 'YYYY-MM-DD')`.as('happened_on'),
        'l.userid as leader_userid',
        'l.name as leader_name',
        'sb.userid as sent_by_userid',
        'sb.name as sent_by_name',
        'm.userid as member_userid',
        'm.name as member_name',
        'b.name as member_branch',
        'gb.name as member_general_branch',
        'r.reason',
        'r.note',
        sql<string | null>`r.obligation_id::text`.as('obligation_id'),
        'rb.userid as recorded_by_userid',
        'rb.name as recorded_by_name',
        'r.recorded_at',
        'r.undone_at',
        sql<string>`m.id::text`.as('member_place_id'),
        sql<string>`b.id::text`.as('branch_id'),
        sql<string>`gb.id::text`.as('general_branch_id'),
        sql<string>`gb.parent_id::text`.as('committee_id'),
      ])
      .where('r.kind', '=', kind)
      .where(sql<boolean>`r.id > ${after}::bigint`);
    if (range.from) q = q.where(sql<boolean>`r.happened_on >= ${range.from}::date`);
    if (range.to) q = q.where(sql<boolean>`r.happened_on <= ${range.to}::date`);
    if (range.branchIds) q = q.where(inBranches('m', range.branchIds));
    return q.orderBy('r.id').limit(limit).execute();
  }

  /** Up to `limit` obligations with id > `after` (a decimal bigint), in id order. */
  async obligationPage(range: ExportRange, after: string, limit: number): Promise<ObligationPageRow[]> {
    let q = this.db
      .selectFrom('care_obligations as o')
      .innerJoin('members as m', 'm.id', 'o.member_id')
      .innerJoin('organisations as b', 'b.id', 'm.branch_id')
      .innerJoin('organisations as gb', 'gb.id', 'b.parent_id')
      .leftJoin('members as ow', 'ow.id', 'o.owner_member_id')
      .leftJoin('organisations as oo', 'oo.id', 'o.owner_organisation_id')
      .select([
        sql<string>`o.id::text`.as('id'),
        'o.kind',
        'm.userid as member_userid',
        'm.name as member_name',
        'b.name as member_branch',
        'gb.name as member_general_branch',
        'ow.userid as owner_userid',
        'ow.name as owner_name',
        'oo.name as owner_organisation',
        'o.owner_role',
        'o.reason',
        'o.source',
        'o.period',
        sql<string>`to_char(o.due_on, 'YYYY-MM-DD')`.as('due_on'),
        'o.status',
        'o.closed_at',
        'o.cancelled_reason',
        sql<string | null>`o.record_id::text`.as('record_id'),
        sql<string>`m.id::text`.as('member_place_id'),
        sql<string>`b.id::text`.as('branch_id'),
        sql<string>`gb.id::text`.as('general_branch_id'),
        sql<string>`gb.parent_id::text`.as('committee_id'),
      ])
      .where(sql<boolean>`o.id > ${after}::bigint`);
    if (range.from) q = q.where(sql<boolean>`o.due_on >= ${range.from}::date`);
    if (range.to) q = q.where(sql<boolean>`o.due_on <= ${range.to}::date`);
    if (range.branchIds) q = q.where(inBranches('m', range.branchIds));
    return q.orderBy('o.id').limit(limit).execute();
  }
}

// ---- political-birthday greetings (MECHANISM 2.3) ----

/** How a greeting stands: its delivery sent or failed, not yet gone, or nowhere to send it (no chat account). */
export type GreetingState = 'sent' | 'failed' | 'pending' | 'no_account';

/** The settings that say when a member's political birthday falls (src/notices/settings.ts). */
export interface GreetingRule {
  basis: 'join_date' | 'full_member_date';
  leapDayRule: 'feb28' | 'mar1';
}

/** Where the greetings are read: a date range (inclusive, YYYY-MM-DD), optionally some branches, optionally after a key. */
export interface GreetingQuery {
  from: string;
  to: string;
  branchIds?: readonly string[] | undefined;
  /** Keyset paging: (member id, year) strictly after this. */
  after?: { memberId: string; year: number } | undefined;
}

/**
 * The greetings owed in a range, one row per member and political birthday falling in it (the observed date, a
 * 29 February anniversary moved by the leap-day rule; never the join year itself), as the sweep greets them: a
 * `birthday_greeting` notice (period = the year, subject member-<id>) with its delivery. A member counts while
 * active, or when a greeting was recorded for them (greeted, then left). The state: the delivery's (sent, failed,
 * pending while queued); a notice addressed to nobody, or no notice and no chat account, is no_account; no notice
 * yet for a member with an account is pending (the morning's sweep has not run, or a day is being caught up).
 * Columns: member_id, branch_id, year, birthday_on (date), state, sent_at. Shared by the export and the
 * dashboard's figures so both count the same rows.
 */
/** The greeting rule as the settings say (political_birthday_basis, leap_day_rule): the sweep reads the same. */
export async function loadGreetingRule(db: Kysely<Database>): Promise<GreetingRule> {
  const s = await new SettingsRepository(db).read(['political_birthday_basis', 'leap_day_rule']);
  return { basis: s.political_birthday_basis, leapDayRule: s.leap_day_rule };
}

export function greetingsOwed(rule: GreetingRule, q: GreetingQuery) {
  const col = sql.ref(`m.${rule.basis}`);
  const fromYear = Number(q.from.slice(0, 4));
  const toYear = Number(q.to.slice(0, 4));
  const moved = rule.leapDayRule === 'mar1' ? sql`make_date(y.y, 3, 1)` : sql`make_date(y.y, 2, 28)`;
  return sql<{ member_id: string; branch_id: string; year: number; birthday_on: string; state: GreetingState; sent_at: Date | null }>`
    select m.id as member_id, m.branch_id, g.year, g.birthday_on,
           case when d.status = 'sent' then 'sent'
                when d.status = 'failed' then 'failed'
                when n.id is not null and d.id is null then 'no_account'
                when n.id is not null then 'pending'
                when m.userid is null then 'no_account'
                else 'pending' end as state,
           d.sent_at
      from members m
      cross join lateral (
        select y.y as year,
               case when extract(month from ${col}) = 2 and extract(day from ${col}) = 29
                         and not (y.y % 4 = 0 and (y.y % 100 <> 0 or y.y % 400 = 0))
                    then ${moved}
                    else make_date(y.y, extract(month from ${col})::int, extract(day from ${col})::int) end as birthday_on
          from generate_series(${fromYear}::int, ${toYear}::int) as y(y)
         where extract(year from ${col}) < y.y
      ) g
      left join notices n on n.kind = 'birthday_greeting' and n.recipient_member_id = m.id
                         and n.subject = 'member-' || m.id::text and n.period = g.year::text
      left join deliveries d on d.idempotency_key = 'notice-' || n.id::text
     where ${col} is not null
       and g.birthday_on between ${q.from}::date and ${q.to}::date
       and (m.status = 'active' or n.id is not null)
       and ${inBranches('m', q.branchIds)}
       ${q.after ? sql`and (m.id, g.year) > (${q.after.memberId}::bigint, ${q.after.year}::int)` : sql``}`;
}

export interface GreetingPageRow extends PlaceColumns {
  member_id: string;
  year: number;
  member_userid: string | null;
  member_name: string;
  member_branch: string;
  member_general_branch: string;
  birthday_on: string;
  /** 入党N周年: whole years on the observed birthday. */
  party_years: number;
  state: GreetingState;
  sent_at: Date | null;
}

export class GreetingExportRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Up to `limit` greetings after the key (member id, year), in that order. */
  async greetingPage(rule: GreetingRule, q: GreetingQuery, limit: number): Promise<GreetingPageRow[]> {
    const r = await sql<GreetingPageRow>`
      select g.member_id::text as member_id, g.year, m.userid as member_userid, m.name as member_name,
             b.name as member_branch, gb.name as member_general_branch,
             to_char(g.birthday_on, 'YYYY-MM-DD') as birthday_on,
             g.year - extract(year from ${sql.ref(`m.${rule.basis}`)})::int as party_years,
             g.state, g.sent_at,
             m.id::text as member_place_id, b.id::text as branch_id, gb.id::text as general_branch_id, gb.parent_id::text as committee_id
        from (${greetingsOwed(rule, q)} order by m.id, g.year limit ${limit}) g
        join members m on m.id = g.member_id
        join organisations b on b.id = m.branch_id
        join organisations gb on gb.id = b.parent_id
       order by g.member_id, g.year`.execute(this.db);
    return r.rows;
  }
}
