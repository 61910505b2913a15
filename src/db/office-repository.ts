// Offices and their holders (MECHANISM "Offices, not only people"): who holds each office, the organisation tree
// the rule of domain/offices.ts walks up, the offices a vacancy passes to a holder, and the record of vacancies
// the OD is told of once.
import { sql, type Kysely } from 'kysely';
import type { IsoDate } from '../domain/dates.ts';
import type { Database } from './schema.ts';

/** An active holder of an office who can receive messages. */
export interface OfficeHolder {
  role: string;
  org_id: string;
  member_id: string;
  userid: string;
  name: string;
}

export interface OrganisationNode {
  id: string;
  kind: string;
  name: string;
  parent_id: string | null;
}

export interface OpenVacancy {
  organisation_id: string;
  role: 'branch_secretary' | 'gb_secretary';
  since: IsoDate;
  name: string;
  parent_name: string | null;
  /** Someone holds the office but has no chat account (so it passes up all the same); null when nobody does. */
  unreachable_holder: string | null;
}

/** Holds the office: active, with a chat account (an office nobody can be told of passes up like a vacant one). */
const HELD = (role: string) => sql<boolean>`exists (select 1 from member_roles r join members s on s.id = r.member_id
    where r.role = ${role} and r.organisation_id = o.id and s.status = 'active' and s.userid is not null)`;

export class OfficeRepository {
  /** `db` is the executor the statements run on: the database, or a transaction. */
  constructor(private readonly db: Kysely<Database>) {}

  /** Every active holder, who can receive messages, of the offices that owe and of the committee secretary. */
  async holders(): Promise<OfficeHolder[]> {
    const r = await sql<OfficeHolder>`
    select r.role, r.organisation_id::text as org_id, s.id::text as member_id, s.userid, s.name
      from member_roles r join members s on s.id = r.member_id
     where r.role in ('branch_secretary', 'gb_secretary', 'od_staff', 'committee_secretary', 'unit_leader')
       and s.status = 'active' and s.userid is not null
     order by r.organisation_id, s.id`.execute(this.db);
    return r.rows;
  }

  /** Every organisation with its parent: the tree a vacancy passes up. */
  async organisations(): Promise<OrganisationNode[]> {
    const r = await sql<OrganisationNode>`select id::text as id, kind, name, parent_id::text as parent_id from organisations order by id`.execute(this.db);
    return r.rows;
  }

  /**
   * Records the vacancies found on `date`: a branch with active members and no secretary, a GB with active
   * members and no secretary, opened from `date`; vacancies no longer found are closed on `date`.
   */
  async syncVacancies(date: IsoDate): Promise<void> {
    await sql`
    with offices as (
      select o.id as organisation_id, 'branch_secretary' as role from organisations o
       where o.kind = 'branch' and not ${HELD('branch_secretary')}
         and exists (select 1 from members m where m.branch_id = o.id and m.status = 'active')
      union all
      select o.id, 'gb_secretary' from organisations o
       where o.kind = 'general_branch' and not ${HELD('gb_secretary')}
         and exists (select 1 from organisations b join members m on m.branch_id = b.id where b.parent_id = o.id and m.status = 'active')
    ), filled as (
      update office_vacancies v set filled_on = ${date}::date
       where v.filled_on is null
         and not exists (select 1 from offices f where f.organisation_id = v.organisation_id and f.role = v.role)
      returning 1
    )
    insert into office_vacancies (organisation_id, role, since)
    select organisation_id, role, ${date}::date from offices
    on conflict (organisation_id, role) where filled_on is null do nothing`.execute(this.db);
  }

  /** The vacancies not yet filled, with the office's name and its parent's, branches before GBs. */
  async openVacancies(): Promise<OpenVacancy[]> {
    const r = await sql<OpenVacancy>`
    select v.organisation_id::text as organisation_id, v.role, to_char(v.since, 'YYYY-MM-DD') as since,
           o.name, p.name as parent_name,
           (select s.name from member_roles r join members s on s.id = r.member_id
             where r.role = v.role and r.organisation_id = v.organisation_id and s.status = 'active'
             order by s.id limit 1) as unreachable_holder
      from office_vacancies v join organisations o on o.id = v.organisation_id left join organisations p on p.id = o.parent_id
     where v.filled_on is null
     order by v.since desc, v.role desc, p.name, o.name, v.organisation_id`.execute(this.db);
    return r.rows;
  }

  /**
   * The vacant offices whose work passes to the holder of `offices` (`role|organisation id`): for a GB
   * secretary, the GB's branches without a secretary; for the OD, the GBs without one and their branches without
   * one. Read live, so a 待办 follows the roster at once.
   */
  async officesPassedTo(offices: readonly string[]): Promise<string[]> {
    if (offices.length === 0) return [];
    const r = await sql<{ office: string }>`
    with held as (
      select split_part(x, '|', 1) as role, split_part(x, '|', 2)::bigint as org from unnest(${[...offices]}::text[]) as x
    ), vacant_gb as (
      select o.id from organisations o join held h on h.role = 'od_staff' and o.parent_id = h.org
       where o.kind = 'general_branch' and not ${HELD('gb_secretary')}
    ), gbs as (
      select org as id from held where role = 'gb_secretary' union select id from vacant_gb
    )
    select 'gb_secretary|' || id::text as office from vacant_gb
    union all
    select 'branch_secretary|' || o.id::text from organisations o join gbs g on o.parent_id = g.id
     where o.kind = 'branch' and not ${HELD('branch_secretary')}`.execute(this.db);
    return r.rows.map((x) => x.office);
  }
}
