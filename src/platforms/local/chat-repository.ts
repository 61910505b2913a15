// The web chat's reads (local mode): the people to talk as, and one person's conversation — what they sent
// and what the bot delivered to them.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Card } from '../types.ts';

export interface LocalChatUser {
  userid: string;
  name: string;
  branch: string;
  gb: string;
  roles: string | null;
}

export interface LocalChatMessage {
  dir: 'in' | 'out';
  at: Date;
  body: Record<string, unknown> | null;
  status: string;
}

export class LocalChatRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Active members with a chat account whose name or account contains `q` (lower case; '' = everyone): exact
   * matches first, then names that start with it, then those holding roles; at most `limit`.
   */
  async users(q: string, limit: number): Promise<LocalChatUser[]> {
    const rows = await sql<LocalChatUser>`
      select m.userid, m.name, b.name as branch, g.name as gb,
             (select string_agg(r.role, ',' order by r.role) from member_roles r where r.member_id = m.id) as roles
        from members m join organisations b on b.id = m.branch_id join organisations g on g.id = b.parent_id
       where m.status = 'active' and m.userid is not null
         and (${q} = '' or strpos(lower(m.name), ${q}) > 0 or strpos(lower(m.userid), ${q}) > 0)
       order by (lower(m.name) = ${q} or lower(m.userid) = ${q}) desc,
                (strpos(lower(m.name), ${q}) = 1) desc,
                (select count(*) from member_roles r where r.member_id = m.id) desc, m.id
       limit ${limit}`.execute(this.db);
    return rows.rows;
  }

  /** The last 200 messages of both sides, the latest first. */
  async conversation(userId: string): Promise<LocalChatMessage[]> {
    const rows = await sql<LocalChatMessage>`
      select t.dir, t.at, t.body, t.status
        from (
          select 'in' as dir, received_at as at, payload as body, status from inbound_events
           where platform = 'local' and user_id = ${userId}
          union all
          select 'out' as dir, coalesce(sent_at, created_at) as at, message as body, status from deliveries
           where platform = 'local' and recipient = ${userId}
          order by at desc limit 200
        ) t
       order by t.at desc`.execute(this.db);
    return rows.rows;
  }

  /** The cards delivered to `userId` whose taskId is one of `taskIds` (to name a clicked button by its text). */
  async cardsClicked(userId: string, taskIds: readonly string[]): Promise<Card[]> {
    const found = await sql<{ card: Card }>`
        select message->'card' as card from deliveries
         where recipient = ${userId} and platform = 'local' and message->>'type' = 'card'
           and message->'card'->>'taskId' = any(${taskIds}::text[])`.execute(this.db);
    return found.rows.map((f) => f.card);
  }
}
