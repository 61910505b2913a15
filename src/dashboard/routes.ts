// The dashboard's HTTP side (issue 16): signing in with a one-time link, the session cookie, CSRF on every
// change, and the signed-in area where the pages live (src/dashboard/pages.ts). People only: ADMIN_TOKEN opens
// nothing here, and nothing here opens the admin API.
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { answerError } from '../error-handler.ts';
import { securityHeaders } from '../security-headers.ts';
import { messagePage } from './html.ts';
import { dashboardPages } from './pages.ts';
import { viewerOfRequest, type DashboardDeps } from './request.ts';
import { DASHBOARD_PATH, DashboardSignIn, SESSION_COOKIE, SESSION_HOURS, type LinkRefusal } from './sign-in.ts';
import type { FigureSource } from './source.ts';
import { registerWebSignIn, WebSignInFlow } from './web-sign-in.ts';

const REFUSED_LINK: Record<LinkRefusal | 'not_member', string> = {
  unknown: '登录链接无效。',
  used: '该登录链接已经使用过，每个链接只能使用一次。',
  expired: '该登录链接已过期（有效期10分钟）。',
  not_member: '该链接对应的党员已不在册，无法登录。',
};
const ASK_AGAIN = '请在企业微信或钉钉中向机器人发送"后台"，获取新的登录链接。';

function sendPage(reply: FastifyReply, status: number, body: string) {
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);
}

export async function dashboardRoutes(app: FastifyInstance, opts: { deps: DashboardDeps; figures?: FigureSource | undefined; childRowsPerPage?: number | undefined }): Promise<void> {
  const { deps } = opts;
  const signIn = new DashboardSignIn(deps.db.db, deps.clock, deps.config.sessionSecret);
  const secure = deps.config.publicUrl?.startsWith('https://') === true;
  // A person's browser gets a page, not the API's JSON: a failure says only to try again (the log has the rest).
  app.setErrorHandler((err: Error, req, reply) => {
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status < 500) return answerError(err, req, reply);
    const away = isDatabaseUnavailable(err);
    req.log[away ? 'warn' : 'error']({ err: { message: err.message, code: (err as { code?: string }).code } }, 'dashboard page failed');
    return sendPage(reply, away ? 503 : 500, messagePage('暂时无法显示', ['页面暂时无法显示，请稍后刷新重试。', '如多次出现，请联系党委组织部。']));
  });
  // Security headers on every page of this scope, error pages included (security-headers.ts).
  await app.register(helmet, securityHeaders(deps.config.publicUrl));
  // Cookies parsed and written by @fastify/cookie; signed by DashboardSignIn (its key may live in the database).
  await app.register(cookie);
  // Forms post url-encoded bodies (sign out, settings): small, parsed here only.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4_096 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  const startSession = async (reply: FastifyReply, memberId: string, via: Parameters<DashboardSignIn['startSession']>[1]) => {
    const session = await signIn.startSession(memberId, via);
    reply.setCookie(SESSION_COOKIE, await signIn.signCookie(session.token), {
      path: DASHBOARD_PATH,
      httpOnly: true,
      sameSite: 'lax',
      secure,
      maxAge: SESSION_HOURS * 3_600,
    });
  };

  // The platforms' own web sign-in (WeCom, DingTalk): its start and way back, outside the signed-in area.
  const webSignIn = new WebSignInFlow(deps, signIn);
  registerWebSignIn(app, webSignIn, startSession);

  // The address as people type it, without the slash (the cookie's path and every page are below /dashboard/).
  app.get(DASHBOARD_PATH, async (_req, reply) => reply.code(308).header('cache-control', 'no-store').redirect(`${DASHBOARD_PATH}/`, 308));

  // GET only: a HEAD (a link checker, a preview) must not use the link up.
  app.get(`${DASHBOARD_PATH}/login`, { exposeHeadRoute: false }, async (req, reply) => {
    const token = (req.query as Record<string, unknown>)['t'];
    const used = typeof token === 'string' ? await signIn.useLink(token) : ({ refused: 'unknown' } as const);
    if ('refused' in used) {
      req.log.info({ dashboard: 'link_refused', reason: used.refused }, 'dashboard link refused');
      return sendPage(reply, 403, messagePage('无法登录', [REFUSED_LINK[used.refused], ASK_AGAIN]));
    }
    await startSession(reply, used.memberId, 'link');
    req.log.info({ dashboard: 'signed_in', via: 'link', memberId: used.memberId }, 'dashboard sign-in');
    // 303: the link leaves the address bar (and the history) at once.
    return reply.code(303).header('cache-control', 'no-store').redirect(`${DASHBOARD_PATH}/`, 303);
  });

  // The signed-in area: a session or nothing; a change must carry the session's CSRF token.
  await app.register(async (area) => {
    area.addHook('preHandler', async (req, reply) => {
      const raw = req.cookies[SESSION_COOKIE];
      const token = raw ? await signIn.unsignCookie(raw) : undefined;
      const viewer = token ? await signIn.viewerOf(token) : undefined;
      if (!viewer) {
        // Inside the WeCom or DingTalk client the platform says who this is: no link needed.
        const inApp = webSignIn.inAppFor(req);
        if (inApp) return webSignIn.start(reply, inApp, 'in_app', req.url);
        return webSignIn.signInPage(reply, req.method === 'GET' ? req.url : `${DASHBOARD_PATH}/`);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        const sent = (req.body as Record<string, unknown> | undefined)?.['_csrf'] ?? req.headers['x-csrf-token'];
        if (sent !== viewer.csrfToken) return sendPage(reply, 403, messagePage('操作未执行', ['页面已过期，请刷新后重试。']));
      }
      req.dashboardViewer = viewer;
    });

    area.post(`${DASHBOARD_PATH}/logout`, async (req, reply) => {
      await signIn.endSession(viewerOfRequest(req).sessionHash);
      reply.clearCookie(SESSION_COOKIE, { path: DASHBOARD_PATH });
      return sendPage(reply, 200, messagePage('已退出', ['您已退出工作台。', '如需再次查看，请在企业微信或钉钉中向机器人发送"后台"。']));
    });

    await area.register(dashboardPages, { deps, figures: opts.figures, childRowsPerPage: opts.childRowsPerPage });
  });
}
