// The talk quotas (MECHANISM 2.2) as one set-based query: the year's quota obligations are opened from it.
import { sql, type RawBuilder } from 'kysely';

/**
 * The yearly talk quotas (MECHANISM 2.2) as (owner_id, member_id, done) rows: committee secretary ↔ every GB
 * secretary; committee member ↔ the GB committee (secretary and members) of each GB linked to them; branch
 * secretary ↔ every branch member. `done`: a talk between the two is recorded this year (either may have
 * recorded it). The one definition of the quotas; the obligations are opened from it.
 */
export function quotaPairsQuery(year: number, ownerIds?: readonly string[]): RawBuilder<{ owner_id: string; member_id: string; done: boolean }> {
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  return sql<{ owner_id: string; member_id: string; done: boolean }>`
    with owners as (
      select r.role, r.organisation_id, s.id
        from member_roles r join members s on s.id = r.member_id
       where s.status = 'active' and r.role in ('committee_secretary', 'committee_member', 'branch_secretary')
         ${ownerIds ? sql`and s.id = any(${ownerIds}::bigint[])` : sql``}
    ), pairs as (
      select o.id as owner_id, g.id as member_id
        from owners o join member_roles rg on rg.role = 'gb_secretary' join members g on g.id = rg.member_id
       where o.role = 'committee_secretary' and g.status = 'active' and g.id <> o.id
      union
      select o.id, g.id
        from owners o join committee_links l on l.member_id = o.id
        join member_roles rg on rg.organisation_id = l.general_branch_id and rg.role in ('gb_secretary', 'gb_member')
        join members g on g.id = rg.member_id
       where o.role = 'committee_member' and g.status = 'active' and g.id <> o.id
      union
      select o.id, m.id
        from owners o join members m on m.branch_id = o.organisation_id
       where o.role = 'branch_secretary' and m.status = 'active' and m.id <> o.id
    ), talked as (
      select distinct least(leader_member_id, member_id) as a, greatest(leader_member_id, member_id) as b
        from care_records
       where kind = 'talk' and undone_at is null and happened_on between ${from}::date and ${to}::date
    )
    select p.owner_id, p.member_id, (t.a is not null) as done
      from pairs p
      left join talked t on t.a = least(p.owner_id, p.member_id) and t.b = greatest(p.owner_id, p.member_id)`;
}
