// Who may get a dashboard digest (issue 16 section 4): the active holders of the digest's roles who have a chat
// account, each with every role they hold (the access rule decides what of the figures they see) and their
// committee. One query, whatever the roster's size.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { StoredRole } from '../domain/roster.ts';
import type { DigestRecipient } from './digests.ts';

interface Row {
  member_id: string;
  userid: string;
  name: string;
  committee_id: string;
  role: StoredRole;
  org_id: string;
}

export class DigestRepository {
  constructor(private readonly db: Kysely<Database> | Transaction<Database>) {}

  /** Active members with a chat account holding any of `roles`, with all their roles, in member order. */
  async recipients(roles: readonly string[]): Promise<DigestRecipient[]> {
    if (roles.length === 0) return [];
    const r = await sql<Row>`
      select s.id::text as member_id, s.userid, s.name, g.parent_id::text as committee_id, r.role, r.organisation_id::text as org_id
        from members s
        join organisations b on b.id = s.branch_id
        join organisations g on g.id = b.parent_id
        join member_roles r on r.member_id = s.id
       where s.status = 'active' and s.userid is not null
         and exists (select 1 from member_roles x where x.member_id = s.id and x.role = any(${[...roles]}::text[]))
       order by s.id, r.role, r.organisation_id`.execute(this.db);
    const out = new Map<string, DigestRecipient & { roles: Array<{ role: StoredRole; organisationId: string }> }>();
    for (const row of r.rows) {
      let person = out.get(row.member_id);
      if (!person) out.set(row.member_id, (person = { memberId: row.member_id, userid: row.userid, name: row.name, committeeId: row.committee_id, roles: [] }));
      person.roles.push({ role: row.role, organisationId: row.org_id });
    }
    return [...out.values()];
  }
}
