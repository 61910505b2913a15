// Watching the service over HTTP (issue 17 §3), registered by app.ts in one line:
//  - the callback counters: every POST to a platform's receive route, and its refusals by reason code;
//  - GET /metrics on the main server, with `Authorization: Bearer <ADMIN_TOKEN>` (absent, 404, without a token),
//    sharing the admin API's wrong-token throttle;
//  - the queue board (bull-board) at /admin/queues: ADMIN_TOKEN as a bearer (curl), or the dashboard session of
//    an OD member (a browser: GET /dashboard/queues hands the session to the board's path, see boardSession).
import cookie from '@fastify/cookie';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { bearerMatches } from '../admin/routes.ts';
import { AdminAuthThrottle } from '../admin/auth-throttle.ts';
import { answerError } from '../error-handler.ts';
import { AppError, NotFoundError, TooManyRequestsError, UnauthorizedError } from '../errors.ts';
import { DASHBOARD_PATH, DashboardSignIn, SESSION_COOKIE, SESSION_HOURS } from '../dashboard/sign-in.ts';
import { mayWatchQueues } from '../domain/access.ts';

export const QUEUE_BOARD_PATH = '/admin/queues';
/** The dashboard session, copied for the board's path (the session cookie itself is sent only below /dashboard). */
export const BOARD_COOKIE = 'pc_board';

/** 403 for a signed-in member who is not the OD. */
class NotTheOdError extends AppError {
  constructor() {
    super('not_allowed', 'the queue board is for the Organisation Department', 403);
  }
}

/** The bearer check of the admin API, with its throttle (shared through Redis): undefined when the token holds. */
export async function adminBearerRefusal(req: FastifyRequest, token: string | undefined, throttle: AdminAuthThrottle): Promise<AppError | undefined> {
  if (token === undefined) return new NotFoundError('not found');
  const blockedMs = await throttle.blockedFor(req.ip);
  if (blockedMs > 0) return new TooManyRequestsError('too many invalid admin tokens from this address; try again later', blockedMs);
  if (!bearerMatches(req.headers.authorization, token)) {
    await throttle.recordFailure(req.ip);
    return new UnauthorizedError('invalid or missing admin token');
  }
  return undefined;
}

export function adminThrottle(deps: Deps): AdminAuthThrottle {
  // The admin API's key prefix: wrong tokens count together wherever they are tried.
  return new AdminAuthThrottle(deps.redis, deps.clock, deps.log, { keyPrefix: `${deps.queuePrefix}:admin-auth:` });
}

async function opsRoutesPlugin(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  countCallbacks(app, deps);
  const throttle = adminThrottle(deps);

  await app.register(async (scope) => {
    scope.get('/metrics', async (req, reply) => {
      const refused = await adminBearerRefusal(req, deps.config.adminToken, throttle);
      if (refused) throw refused;
      const { contentType, body } = await deps.metrics.scrape();
      return reply.header('cache-control', 'no-store').type(contentType).send(body);
    });
  });

  await app.register(async (scope) => queueBoard(scope, deps, throttle));
}
// Not encapsulated (what fastify-plugin does): the callback hooks must see the platforms' routes, registered after.
(opsRoutesPlugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
export const opsRoutes = opsRoutesPlugin;

/**
 * POSTs to a served platform's routes (/wecom/callback, /dingtalk/robot, /dingtalk/events, /local/messages) are
 * callbacks; an answer ≥ 400 is a refusal, counted by the error's code (what the error handler logs with
 * "request refused"), else by the status. DingTalk's Stream mode arrives on a socket, not here.
 */
function countCallbacks(app: FastifyInstance, deps: Deps): void {
  const platforms = [...deps.platforms.keys()];
  const callbackOf = (req: FastifyRequest) => {
    if (req.method !== 'POST') return undefined;
    const route = req.routeOptions.url;
    const platform = route === undefined ? undefined : platforms.find((p) => route.startsWith(`/${p}/`));
    return platform && route ? { platform, route } : undefined;
  };
  const codes = new WeakMap<FastifyRequest, string>();
  app.addHook('onError', async (req, _reply, err) => {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') codes.set(req, code);
  });
  app.addHook('onResponse', async (req, reply) => {
    const callback = callbackOf(req);
    if (!callback) return;
    deps.metrics.callbackReceived(callback.platform, callback.route);
    if (reply.statusCode >= 400) deps.metrics.callbackRefused(callback.platform, callback.route, codes.get(req) ?? `http_${reply.statusCode}`);
  });
}

async function queueBoard(app: FastifyInstance, deps: Deps, throttle: AdminAuthThrottle): Promise<void> {
  const signIn = new DashboardSignIn(deps.db.db, deps.clock, deps.config.sessionSecret);
  const secure = deps.config.publicUrl?.startsWith('https://') === true;
  await app.register(cookie);

  /** The OD's dashboard session of this request's board cookie: 'od', 'other' (signed in, not OD), or none. */
  const boardSession = async (req: FastifyRequest, name: string): Promise<'od' | 'other' | undefined> => {
    const raw = req.cookies[name];
    const token = raw ? await signIn.unsignCookie(raw) : undefined;
    const viewer = token ? await signIn.viewerOf(token) : undefined;
    if (!viewer) return undefined;
    return mayWatchQueues(viewer.person) ? 'od' : 'other';
  };

  // A browser signed in to the dashboard comes here: its session, if the OD's, is handed to the board's path in a
  // Strict cookie (the board's actions are POSTs: no other site can make a browser send it).
  app.get(`${DASHBOARD_PATH}/queues`, async (req, reply) => {
    const who = await boardSession(req, SESSION_COOKIE);
    if (who === undefined) return reply.code(303).header('cache-control', 'no-store').redirect(`${DASHBOARD_PATH}/`, 303);
    if (who !== 'od') throw new NotTheOdError();
    reply.setCookie(BOARD_COOKIE, req.cookies[SESSION_COOKIE]!, { path: QUEUE_BOARD_PATH, httpOnly: true, sameSite: 'strict', secure, maxAge: SESSION_HOURS * 3_600 });
    return reply.code(303).header('cache-control', 'no-store').redirect(`${QUEUE_BOARD_PATH}/`, 303);
  });

  await app.register(async (board) => {
    // Everything below the path, the page and its scripts too, needs one of the two. Answered here rather than
    // thrown: the board's own error handler would turn a refusal into its 500.
    board.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      const refusal = await boardRefusal(req);
      if (refusal) return answerError(refusal, req, reply);
      req.log.info({ actor: req.headers.authorization ? 'admin_token' : 'od_session', method: req.method, url: req.url.split('?')[0] }, 'queue board');
    });
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath(QUEUE_BOARD_PATH);
    createBullBoard({
      queues: [new BullMQAdapter(deps.queues.inbound), new BullMQAdapter(deps.queues.outbound), new BullMQAdapter(deps.queues.sweep)],
      serverAdapter,
    });
    await board.register(serverAdapter.registerPlugin(), { prefix: QUEUE_BOARD_PATH });
  });

  async function boardRefusal(req: FastifyRequest): Promise<AppError | undefined> {
    // A bearer says which way in is meant: the token (curl, scripts), checked and throttled as the admin API's.
    if (req.headers.authorization !== undefined) return adminBearerRefusal(req, deps.config.adminToken, throttle);
    const who = await boardSession(req, BOARD_COOKIE);
    if (who === 'od') return undefined;
    if (who === 'other') return new NotTheOdError();
    return new UnauthorizedError('sign in to the dashboard as the Organisation Department, or send the admin token');
  }
}
