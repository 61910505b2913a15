// Builds the app on the given deps and listens; the only place that calls listen().
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { Deps } from './deps.ts';

export async function startServer(deps: Deps): Promise<FastifyInstance> {
  const app = await buildApp(deps);
  await app.listen({ host: deps.config.host, port: deps.config.port });
  return app;
}
