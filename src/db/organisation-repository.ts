// Organisations (the committee, its general branches and branches): lookups by name.
import { sql, type Kysely } from 'kysely';
import type { Database, OrganisationKind } from './schema.ts';

export interface NamedOrganisation {
  id: string;
  name: string;
  /** The parent organisation's name; null for the committee. */
  parent: string | null;
}

export class OrganisationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Every organisation of `kind` named exactly `name`, with its parent's name, by parent name then id. */
  async byKindAndName(kind: OrganisationKind, name: string): Promise<NamedOrganisation[]> {
    const rows = await sql<NamedOrganisation>`
    select o.id::text as id, o.name, p.name as parent
      from organisations o left join organisations p on p.id = o.parent_id
     where o.kind = ${kind} and o.name = ${name}
     order by p.name, o.id`.execute(this.db);
    return rows.rows;
  }

  /** The branches of these general branches, each with its general branch's name, by name then id. */
  async branchesOf(generalBranchIds: readonly string[]): Promise<{ id: string; name: string; gb: string }[]> {
    if (generalBranchIds.length === 0) return [];
    const rows = await sql<{ id: string; name: string; gb: string }>`
      select b.id::text as id, b.name, g.name as gb from organisations b join organisations g on g.id = b.parent_id
       where b.kind = 'branch' and b.parent_id = any(${generalBranchIds}::bigint[]) order by b.name, b.id`.execute(this.db);
    return rows.rows;
  }
}
