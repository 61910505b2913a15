// Signing in to the dashboard with a chat platform's own web authorisation (issue 16 section 1): inside the WeCom
// or DingTalk client an unauthenticated page is sent through the platform's OAuth2 page and comes back signed in;
// on a desktop the sign-in page offers the platform's QR login. The wire format is the adapter's
// (Platform.webSignIn); here are the state (random, bound to a short signed HttpOnly cookie: no login CSRF), the
// way back (a same-site /dashboard path only: no open redirect) and the roster (an active member only).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DashboardSignInVia } from '../db/schema.ts';
import { MemberAddressRepository } from '../db/member-address-repository.ts';
import type { WebSignIn, WebSignInMode } from '../platforms/platform.ts';
import type { PlatformName } from '../platforms/types.ts';
import { findMemberByUserid } from '../roster/responsibility.ts';
import { html, layout } from './html.ts';
import type { DashboardDeps } from './request.ts';
import { DASHBOARD_PATH, dashboardBaseUrl, type DashboardSignIn } from './sign-in.ts';

export const OAUTH_STATE_COOKIE = 'pc_oauth';
export const OAUTH_PATH = `${DASHBOARD_PATH}/oauth`;
/** How long the round trip through the platform may take. */
const STATE_MINUTES = 10;

const PLATFORM_LABEL: Record<PlatformName, string> = { wecom: '企业微信', dingtalk: '钉钉', local: '本地' };
const QR_LABEL: Partial<Record<PlatformName, string>> = { wecom: '企业微信扫码登录', dingtalk: '钉钉扫码登录' };

type Refusal = 'bad_state' | 'denied' | 'bad_code' | 'not_in_org' | 'platform_error' | 'unavailable' | 'unknown_user' | 'left';

const REFUSED: Record<Refusal, (platform: string) => string> = {
  bad_state: () => '登录请求已失效或并非由本页面发起（请在10分钟内完成登录），请重新打开工作台。',
  denied: (p) => `您未在${p}中同意授权，无法登录。`,
  bad_code: (p) => `${p}授权码无效或已过期，请重新打开工作台。`,
  not_in_org: (p) => `当前${p}账号不是本单位成员，无法登录工作台。`,
  platform_error: (p) => `${p}未能确认您的身份，请稍后再试。`,
  unavailable: (p) => `暂时无法连接${p}确认您的身份，请稍后再试。`,
  unknown_user: (p) => `您的${p}账号不在党员名册中，无法登录工作台。如有疑问，请联系党委组织部。`,
  left: () => '该账号对应的党员已不在册，无法登录。',
};
const OR_LINK = '也可以在企业微信或钉钉中向机器人发送"后台"，获取一次性登录链接。';

/** The platforms whose web sign-in is usable: configured in the adapter, and a public address to come back to. */
export function webSignIns(deps: DashboardDeps): Array<[PlatformName, WebSignIn]> {
  // WeCom and DingTalk send the browser back only to a registered domain: without PUBLIC_URL there is none.
  if (!deps.config.publicUrl || !deps.platforms) return [];
  const out: Array<[PlatformName, WebSignIn]> = [];
  for (const [name, platform] of deps.platforms) if (platform.webSignIn && platform.webSignIn.modes.length > 0) out.push([name, platform.webSignIn]);
  return out;
}

/** A path below /dashboard on this site to return to, else the home page (never another site: no open redirect). */
export function safeNext(next: unknown): string {
  const home = `${DASHBOARD_PATH}/`;
  if (typeof next !== 'string' || next.length > 1_000 || !next.startsWith('/') || next.startsWith('//') || /[\\\s]/.test(next)) return home;
  let url: URL;
  try {
    url = new URL(next, 'http://dashboard.invalid');
  } catch {
    return home;
  }
  if (url.origin !== 'http://dashboard.invalid') return home;
  const path = url.pathname;
  if (path !== DASHBOARD_PATH && !path.startsWith(`${DASHBOARD_PATH}/`)) return home;
  // Signing in again on the way back would loop.
  if (path.startsWith(`${OAUTH_PATH}/`) || path === OAUTH_PATH || path === `${DASHBOARD_PATH}/login` || path === `${DASHBOARD_PATH}/logout`) return home;
  return `${path}${url.search}`;
}

interface StateCookie {
  /** The state sent to the platform. */
  s: string;
  p: PlatformName;
  m: WebSignInMode;
  /** Where to go once signed in. */
  n: string;
  /** Expiry, ms since the epoch. */
  e: number;
}

export class WebSignInFlow {
  private readonly secure: boolean;

  constructor(
    private readonly deps: DashboardDeps,
    private readonly signIn: DashboardSignIn,
  ) {
    this.secure = deps.config.publicUrl?.startsWith('https://') === true;
  }

  /** The platform's in-app sign-in for a browser that is its own client (WeCom's, DingTalk's); undefined otherwise. */
  inAppFor(req: FastifyRequest): PlatformName | undefined {
    if (req.method !== 'GET') return undefined;
    const ua = req.headers['user-agent'] ?? '';
    return webSignIns(this.deps).find(([, w]) => w.modes.includes('in_app') && w.isOwnClient(ua))?.[0];
  }

  /** Sends the browser to the platform's authorisation page, with a fresh state bound to a short cookie. */
  async start(reply: FastifyReply, platform: PlatformName, mode: WebSignInMode, next: string): Promise<FastifyReply> {
    const web = webSignIns(this.deps).find(([name]) => name === platform)?.[1];
    if (!web || !web.modes.includes(mode)) return this.page(reply, 404, '无法登录', [`未配置${PLATFORM_LABEL[platform]}登录。`, OR_LINK]);
    const state = randomBytes(24).toString('base64url');
    const cookie: StateCookie = { s: state, p: platform, m: mode, n: safeNext(next), e: this.deps.clock().getTime() + STATE_MINUTES * 60_000 };
    reply.setCookie(OAUTH_STATE_COOKIE, await this.signIn.signCookie(Buffer.from(JSON.stringify(cookie)).toString('base64url')), {
      path: OAUTH_PATH,
      httpOnly: true,
      sameSite: 'lax',
      secure: this.secure,
      maxAge: STATE_MINUTES * 60,
    });
    const redirectUri = `${dashboardBaseUrl(this.deps.config)}${OAUTH_PATH}/${platform}`;
    return reply.code(302).header('cache-control', 'no-store').redirect(web.authorizeUrl(mode, redirectUri, state), 302);
  }

  /** The platform's way back: the state checked against the cookie, the code exchanged, a session for an active member. */
  async callback(req: FastifyRequest, reply: FastifyReply, platform: PlatformName, startSession: (memberId: string, via: DashboardSignInVia) => Promise<void>): Promise<FastifyReply> {
    const label = PLATFORM_LABEL[platform];
    const web = webSignIns(this.deps).find(([name]) => name === platform)?.[1];
    if (!web) return this.page(reply, 404, '无法登录', [`未配置${label}登录。`, OR_LINK]);
    const query = req.query as Record<string, unknown>;
    const raw = req.cookies[OAUTH_STATE_COOKIE];
    // Used once, whatever happens next.
    reply.clearCookie(OAUTH_STATE_COOKIE, { path: OAUTH_PATH });
    const cookie = raw ? await this.readCookie(raw) : undefined;
    const refuse = (reason: Refusal, detail?: string) => {
      const warn = reason === 'platform_error' || reason === 'unavailable';
      req.log[warn ? 'warn' : 'info']({ dashboard: 'web_sign_in_refused', platform, reason, ...(detail ? { detail } : {}) }, 'dashboard web sign-in refused');
      return this.page(reply, reason === 'unavailable' ? 502 : 403, '无法登录', [REFUSED[reason](label), OR_LINK]);
    };
    const state = query['state'];
    if (!cookie || cookie.p !== platform || cookie.e <= this.deps.clock().getTime() || typeof state !== 'string' || !sameText(state, cookie.s)) return refuse('bad_state');
    const code = query[web.codeParam];
    if (typeof code !== 'string' || code === '') return refuse('denied');
    if (code.length > 512 || !/^[\x21-\x7e]+$/.test(code)) return refuse('bad_code', 'code malformed');
    const who = await web.userOfCode(code);
    if ('refused' in who) return refuse(who.refused, who.detail);
    const db = this.deps.db.db;
    const account = await new MemberAddressRepository(db).accountOf(platform, who.userId);
    const member = account === undefined ? undefined : await findMemberByUserid(db, account);
    // The platform's id is no secret, and the operator needs it to mend the roster's 账号 / 钉钉账号.
    if (!member) return refuse('unknown_user', `platform user ${who.userId} not in the roster`);
    if (member.status !== 'active') return refuse('left');
    const via: DashboardSignInVia = platform === 'dingtalk' ? 'dingtalk_oauth' : cookie.m === 'qr' ? 'wecom_qr' : 'wecom_oauth';
    await startSession(member.memberId, via);
    req.log.info({ dashboard: 'signed_in', via, memberId: member.memberId }, 'dashboard sign-in');
    return reply.code(303).header('cache-control', 'no-store').redirect(safeNext(cookie.n), 303);
  }

  /** The sign-in page (401): how to get a link, and the QR logins configured, each returning to `next`. */
  signInPage(reply: FastifyReply, next: string): FastifyReply {
    const qr = webSignIns(this.deps).filter(([, w]) => w.modes.includes('qr'));
    const back = encodeURIComponent(safeNext(next));
    const links = qr.map(([name]) => html`<p><a class="button" href="${OAUTH_PATH}/${name}/start?mode=qr&amp;next=${back}">${QR_LABEL[name] ?? `${PLATFORM_LABEL[name]}登录`}</a></p>`);
    const body = html`<section><h2>请先登录</h2><p>登录已失效或尚未登录。</p><p>请在企业微信或钉钉中向机器人发送"后台"，获取新的登录链接。</p>${links}</section>`;
    return reply.code(401).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(layout({ title: '请先登录', body }));
  }

  private page(reply: FastifyReply, status: number, title: string, lines: string[]): FastifyReply {
    const body = html`<section><h2>${title}</h2>${lines.map((l) => html`<p>${l}</p>`)}</section>`;
    return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(layout({ title, body }));
  }

  private async readCookie(raw: string): Promise<StateCookie | undefined> {
    const payload = await this.signIn.unsignCookie(raw);
    if (!payload) return undefined;
    try {
      const c = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<StateCookie>;
      if (typeof c.s !== 'string' || typeof c.p !== 'string' || (c.m !== 'in_app' && c.m !== 'qr') || typeof c.n !== 'string' || typeof c.e !== 'number') return undefined;
      return c as StateCookie;
    } catch {
      return undefined;
    }
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The routes of the flow: start (the sign-in page's QR links) and each platform's way back. */
export function registerWebSignIn(app: FastifyInstance, flow: WebSignInFlow, startSession: (reply: FastifyReply, memberId: string, via: DashboardSignInVia) => Promise<void>): void {
  const platformOf = (req: FastifyRequest): PlatformName | undefined => {
    const name = (req.params as { platform?: string }).platform;
    return name === 'wecom' || name === 'dingtalk' ? name : undefined;
  };
  app.get(`${OAUTH_PATH}/:platform/start`, async (req, reply) => {
    const platform = platformOf(req);
    const q = req.query as Record<string, unknown>;
    if (!platform) return reply.code(404).type('text/plain; charset=utf-8').send('未找到');
    return flow.start(reply, platform, q['mode'] === 'qr' ? 'qr' : 'in_app', typeof q['next'] === 'string' ? q['next'] : `${DASHBOARD_PATH}/`);
  });
  app.get(`${OAUTH_PATH}/:platform`, async (req, reply) => {
    const platform = platformOf(req);
    if (!platform) return reply.code(404).type('text/plain; charset=utf-8').send('未找到');
    return flow.callback(req, reply, platform, (memberId, via) => startSession(reply, memberId, via));
  });
}
