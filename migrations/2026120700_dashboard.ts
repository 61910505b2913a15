// Issue 16 section 1, signing in to the dashboard without passwords: a one-time link asked for in chat ("后台"),
// valid 10 minutes and used once, opens a session of 8 hours held in an HttpOnly cookie. Only hashes of the link
// and session tokens are kept in these tables (the chat reply that carries a link stays in deliveries like every
// reply, which is why a link lives 10 minutes and opens once). The cookie signing key is kept here so
// every server process signs and checks with the same one (unless SESSION_SECRET is configured).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('dashboard_links')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();
  await db.schema
    .createTable('dashboard_sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'bigint', (c) => c.notNull().references('members.id'))
    // How the person signed in: link (the one-time link), wecom_oauth, wecom_qr, dingtalk_oauth.
    .addColumn('via', 'text', (c) => c.notNull())
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ended_at', 'timestamptz')
    .execute();
  await sql`create index dashboard_sessions_member on dashboard_sessions (member_id)`.execute(db);
  await db.schema
    .createTable('dashboard_keys')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('dashboard_keys').ifExists().execute();
  await db.schema.dropTable('dashboard_sessions').ifExists().execute();
  await db.schema.dropTable('dashboard_links').ifExists().execute();
}
