// Signing in to the dashboard without passwords (issue 16 section 1). A person asks in chat ("后台") and gets a
// link for them alone, valid LINK_MINUTES and used once; opening it starts a session of SESSION_HOURS held in a
// signed HttpOnly cookie, with a CSRF token for every change. Tokens are random (32 bytes) and only their
// SHA-256 hashes are stored. Who the session is, and what they may see, is read from the roster on every
// request: a member who left or lost a role sees the change at once.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Database, DashboardSignInVia } from '../db/schema.ts';
import { DashboardSessionRepository, type LinkRefusal } from '../db/dashboard-session-repository.ts';
import type { AccessPerson } from '../domain/access.ts';
import { accessPersonOf, findMemberById, type RosterIdentity } from '../roster/responsibility.ts';

export const LINK_MINUTES = 10;
export const SESSION_HOURS = 8;
export const SESSION_COOKIE = 'pc_session';
/** Where the dashboard lives; the cookie is sent only below it. */
export const DASHBOARD_PATH = '/dashboard';

export type { LinkRefusal };

/** The signed-in person as a page sees them: who, what the access rule knows of them, and the form token. */
export interface DashboardViewer {
  memberId: string;
  name: string;
  identity: RosterIdentity;
  person: AccessPerson;
  csrfToken: string;
  /** The session's token hash (to end it). */
  sessionHash: string;
}

const hash = (token: string) => createHash('sha256').update(token).digest('base64url');
const newToken = () => randomBytes(32).toString('base64url');

/** The server's own address for links: PUBLIC_URL, else this host and port (local mode and tests). */
export function dashboardBaseUrl(config: Pick<Config, 'publicUrl' | 'host' | 'port'>): string {
  if (config.publicUrl) return config.publicUrl;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

export class DashboardSignIn {
  private readonly repo: DashboardSessionRepository;
  private key: Promise<string> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: () => Date,
    private readonly sessionSecret: string | undefined = undefined,
  ) {
    this.repo = new DashboardSessionRepository(db);
  }

  /** The cookie signing key: SESSION_SECRET, else the one kept in the database for every process (read once). */
  private signingKey(): Promise<string> {
    if (this.sessionSecret) return Promise.resolve(this.sessionSecret);
    this.key ??= this.repo.key('session_cookie', this.clock()).catch((err: unknown) => {
      this.key = undefined;
      throw err;
    });
    return this.key;
  }

  /** The cookie's value for a session token: the token and its HMAC-SHA256 under the signing key. */
  async signCookie(token: string): Promise<string> {
    return `${token}.${createHmac('sha256', await this.signingKey()).update(token).digest('base64url')}`;
  }

  /** The session token of a cookie whose signature holds; undefined otherwise. */
  async unsignCookie(value: string): Promise<string | undefined> {
    const dot = value.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const token = value.slice(0, dot);
    const given = Buffer.from(value.slice(dot + 1));
    const expected = Buffer.from(createHmac('sha256', await this.signingKey()).update(token).digest('base64url'));
    return given.length === expected.length && timingSafeEqual(given, expected) ? token : undefined;
  }

  /** A one-time link for this member: the token to put in the URL (only its hash is kept). */
  async issueLink(memberId: string): Promise<{ token: string; expiresAt: Date }> {
    const now = this.clock();
    const token = newToken();
    const expiresAt = new Date(now.getTime() + LINK_MINUTES * 60_000);
    await this.repo.insertLink(hash(token), memberId, now, expiresAt);
    return { token, expiresAt };
  }

  /** Uses a link: whose it was, or why it opens nothing. Only an active member signs in. */
  async useLink(token: string): Promise<{ memberId: string } | { refused: LinkRefusal | 'not_member' }> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return { refused: 'unknown' };
    const used = await this.repo.useLink(hash(token), this.clock());
    if ('refused' in used) return used;
    const who = await findMemberById(this.db, used.memberId);
    return who && who.status === 'active' ? used : { refused: 'not_member' };
  }

  /** Starts a session: the cookie's token (to be signed by the caller's cookie layer). */
  async startSession(memberId: string, via: DashboardSignInVia): Promise<{ token: string; expiresAt: Date }> {
    const now = this.clock();
    const token = newToken();
    const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3_600_000);
    await this.repo.insertSession({ tokenHash: hash(token), memberId, via, csrfToken: newToken(), now, expiresAt });
    return { token, expiresAt };
  }

  /** The viewer of a live session whose member is still active; undefined otherwise. */
  async viewerOf(token: string): Promise<DashboardViewer | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const sessionHash = hash(token);
    const session = await this.repo.session(sessionHash, this.clock());
    if (!session) return undefined;
    const identity = await findMemberById(this.db, session.memberId);
    if (!identity || identity.status !== 'active') return undefined;
    return { memberId: identity.memberId, name: identity.name, identity, person: accessPersonOf(identity), csrfToken: session.csrfToken, sessionHash };
  }

  async endSession(sessionHash: string): Promise<void> {
    await this.repo.endSession(sessionHash, this.clock());
  }
}
