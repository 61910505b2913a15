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
}
