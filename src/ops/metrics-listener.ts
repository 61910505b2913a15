// METRICS_PORT: /metrics on a listener of its own, in any process — a worker has no other HTTP server. Bound to
// METRICS_HOST (127.0.0.1 unless set; beyond loopback config.ts insists on ADMIN_TOKEN). With ADMIN_TOKEN set
// it asks for the same bearer as the main server's /metrics (and counts wrong ones in the same throttle);
// without, whoever reaches the loopback address may read it, as a local Prometheus agent does.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Deps } from '../deps.ts';
import { bearerMatches } from '../admin/routes.ts';
import { adminThrottle } from './routes.ts';

export interface MetricsListener {
  port: number;
  close(): Promise<void>;
}

export async function startMetricsListener(deps: Deps, port = deps.config.metricsPort ?? 0, host = deps.config.metricsHost): Promise<MetricsListener> {
  const throttle = adminThrottle(deps);
  const token = deps.config.adminToken;

  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers }).end(body);
    };
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) return send(404, 'not found\n');
    if (token !== undefined) {
      const ip = req.socket.remoteAddress ?? 'unknown';
      const blockedMs = await throttle.blockedFor(ip);
      if (blockedMs > 0) return send(429, 'too many invalid admin tokens from this address; try again later\n', { 'retry-after': String(Math.ceil(blockedMs / 1_000)) });
      if (!bearerMatches(req.headers.authorization, token)) {
        await throttle.recordFailure(ip);
        deps.log.warn({ code: 'unauthorized', status: 401, listener: 'metrics' }, 'request refused');
        return send(401, 'unauthorized\n', { 'www-authenticate': 'Bearer' });
      }
    }
    const { contentType, body } = await deps.metrics.scrape();
    res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : body);
  };

  const server: Server = createServer((req, res) => {
    answer(req, res).catch((err: Error) => {
      deps.log.error({ err: { message: err.message } }, 'metrics listener failed to answer');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error\n');
      else res.end();
    });
  });
  // A scrape is one short request: nothing may hold the socket open.
  server.requestTimeout = 10_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  deps.log.info({ host, port: bound }, 'metrics listening');
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
