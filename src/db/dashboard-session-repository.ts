// The dashboard's sign-in records (issue 16 section 1): one-time links, sessions and the shared cookie signing
// key. Tokens arrive here already hashed (src/dashboard/sign-in.ts); using a link is one conditional update, so
// two tabs opening the same link at once get one session between them.
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database, DashboardSignInVia } from './schema.ts';

export type LinkRefusal = 'unknown' | 'used' | 'expired';

export interface SessionRow {
  memberId: string;
  csrfToken: string;
  via: DashboardSignInVia;
  expiresAt: Date;
}

export class DashboardSessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insertLink(tokenHash: string, memberId: string, now: Date, expiresAt: Date): Promise<void> {
    await this.db.insertInto('dashboard_links').values({ token_hash: tokenHash, member_id: memberId, created_at: now, expires_at: expiresAt, used_at: null }).execute();
  }

  /** Marks the link used and answers whose it was; a used, expired or unknown link answers why not. */
  async useLink(tokenHash: string, now: Date): Promise<{ memberId: string } | { refused: LinkRefusal }> {
    const used = await this.db
      .updateTable('dashboard_links')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('member_id')
      .executeTakeFirst();
    if (used) return { memberId: String(used.member_id) };
    const row = await this.db.selectFrom('dashboard_links').select(['used_at', 'expires_at']).where('token_hash', '=', tokenHash).executeTakeFirst();
    if (!row) return { refused: 'unknown' };
    return { refused: row.used_at !== null ? 'used' : 'expired' };
  }

  async insertSession(s: { tokenHash: string; memberId: string; via: DashboardSignInVia; csrfToken: string; now: Date; expiresAt: Date }): Promise<void> {
    await this.db
      .insertInto('dashboard_sessions')
      .values({ token_hash: s.tokenHash, member_id: s.memberId, via: s.via, csrf_token: s.csrfToken, created_at: s.now, expires_at: s.expiresAt, ended_at: null })
      .execute();
  }

  /** A live session (not ended, not expired at `now`). */
  async session(tokenHash: string, now: Date): Promise<SessionRow | undefined> {
    const row = await this.db
      .selectFrom('dashboard_sessions')
      .select(['member_id', 'csrf_token', 'via', 'expires_at'])
      .where('token_hash', '=', tokenHash)
      .where('ended_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return row ? { memberId: String(row.member_id), csrfToken: row.csrf_token, via: row.via, expiresAt: new Date(row.expires_at) } : undefined;
  }

  async endSession(tokenHash: string, now: Date): Promise<void> {
    await this.db.updateTable('dashboard_sessions').set({ ended_at: now }).where('token_hash', '=', tokenHash).where('ended_at', 'is', null).execute();
  }

  /** Forgets links and sessions that ended or expired before `before` (kept a while for the record). */
  async purge(before: Date): Promise<void> {
    await this.db.deleteFrom('dashboard_links').where('expires_at', '<', before).execute();
    await this.db.deleteFrom('dashboard_sessions').where('expires_at', '<', before).execute();
  }

  /** The named key, created once: the first process to ask creates it, every other reads the same. */
  async key(name: string, now: Date): Promise<string> {
    await sql`insert into dashboard_keys (name, secret, created_at) values (${name}, ${randomBytes(32).toString('base64url')}, ${now}) on conflict (name) do nothing`.execute(this.db);
    const row = await this.db.selectFrom('dashboard_keys').select('secret').where('name', '=', name).executeTakeFirstOrThrow();
    return row.secret;
  }
}
