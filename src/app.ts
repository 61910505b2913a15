// buildApp(deps): the HTTP application — routes and ONE error handler. It never listens (server.ts does),
// so tests build the very same app and drive it with inject() or a real socket.
import Fastify, { LogController, type FastifyInstance, type RouteOptions } from 'fastify';
import type { Deps } from './deps.ts';
import { HealthRepository } from './db/health-repository.ts';
import { answerError, answerNotFound } from './error-handler.ts';
import swagger from '@fastify/swagger';
import { OPENAPI_OPTIONS } from './admin/openapi.ts';
import { adminRoutes } from './admin/routes.ts';
import { dashboardRoutes } from './dashboard/routes.ts';
import { withTimeout } from './redis.ts';
import { readDeliveryBacklog } from './ops/backlog.ts';
import { opsRoutes } from './ops/routes.ts';

/** The largest request body outside routes that set their own (the admin file uploads). */
const BODY_LIMIT = 64 * 1024;

async function deliveryBacklog(deps: Deps) {
  return readDeliveryBacklog(deps.repos.deliveries, deps.clock()).catch(() => undefined);
}

/** `onRoute`: told of every route as it is added (a test compares the admin routes with the OpenAPI document). */
export async function buildApp(deps: Deps, opts: { onRoute?: (route: RouteOptions) => void } = {}): Promise<FastifyInstance> {
  // Fastify's own logger type is narrower than pino's; they are the same object at run time.
  const app = Fastify({
    loggerInstance: deps.log,
    // Per-request logs would dominate a busy webhook; refusals and failures are logged where they happen.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    // A slow client must not hold a connection long past WeCom's own 5 s retry window.
    requestTimeout: deps.config.requestTimeoutMs,
    // Node checks request timeouts only every connectionsCheckingInterval (30 s by default), and with its
    // default 60 s headersTimeout above requestTimeout the latter never fires: set both. The idle-socket
    // timeout must not fire first.
    http: { connectionsCheckingInterval: Math.min(1_000, deps.config.requestTimeoutMs), headersTimeout: deps.config.requestTimeoutMs },
    connectionTimeout: deps.config.requestTimeoutMs + 5_000,
    return503OnClosing: true,
    // Behind nginx (docs/deploy.md) the client's address comes from X-Forwarded-For, believed only from TRUST_PROXY.
    trustProxy: deps.config.trustProxy.length > 0 ? deps.config.trustProxy : false,
  });

  app.setErrorHandler(answerError);
  app.setNotFoundHandler(answerNotFound);
  if (opts.onRoute) app.addHook('onRoute', opts.onRoute);
  // Before any route: it collects the admin routes' schemas into /admin/openapi.json as they are added.
  await app.register(swagger, OPENAPI_OPTIONS);

  // Adapters first, then routes: the order here is the architecture.
  app.get('/healthz', async () => ({ ok: true }));
  // Ready = this process can do its work. The delivery backlog is shown beside it: deliveries for a platform
  // no running process serves stay pending and show here as overdue (they do not make this process unready).
  app.get('/readyz', async (_req, reply) => {
    const [dbOk, redisOk, backlog] = await Promise.all([
      withTimeout(new HealthRepository(deps.db.db).ping(), 2_000, 'db timeout').then(() => true, () => false),
      withTimeout(deps.redis.ping(), 2_000, 'redis timeout').then(() => true, () => false),
      deliveryBacklog(deps),
    ]);
    return reply.code(dbOk && redisOk ? 200 : 503).send({
      database: dbOk ? 'ok' : 'unreachable',
      redis: redisOk ? 'ok' : 'unreachable',
      platform: deps.platform.name,
      platforms: [...deps.platforms.keys()],
      ...(backlog ? { deliveries: Object.fromEntries(backlog.map((b) => [b.platform, { unfinished: b.unfinished, overdue: b.overdue }])) } : {}),
      ...(backlog ? { overduePlatforms: backlog.filter((b) => b.overdue > 0).map((b) => b.platform) } : {}),
    });
  });
  // /metrics (ADMIN_TOKEN), the callback counters and the queue board (/admin/queues): src/ops/.
  await app.register(opsRoutes, { deps });

  // Admin endpoints (roster import/export): bearer ADMIN_TOKEN; absent without a token. Own scope: its file
  // parsers and larger body limit apply to it alone.
  await app.register(adminRoutes, { deps });
  // The dashboard for people (signed in from chat; never with ADMIN_TOKEN), in a scope of its own.
  await app.register(dashboardRoutes, { deps });
  // Each platform's receive routes (platforms/<name>/callback.ts), each in a scope of its own.
  for (const platform of deps.platforms.values()) await app.register(platform.routes, { deps });
  // Connections a platform keeps open to push to us (DingTalk Stream mode): opened with the server, closed with it.
  const receivers: Array<{ close(): Promise<void> }> = [];
  app.addHook('onReady', async () => {
    for (const platform of deps.platforms.values()) if (platform.receive) receivers.push(await platform.receive(deps));
  });
  app.addHook('onClose', async () => {
    await Promise.allSettled(receivers.map((r) => r.close()));
  });
  return app as unknown as FastifyInstance;
}
