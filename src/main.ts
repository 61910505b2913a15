// Process entry: `npm start` runs server and workers together; `npm start -- server` or `-- worker` runs one,
// so a deployment scales each out on a shared PostgreSQL and Redis. SIGTERM: stop accepting, finish
// in-flight jobs, close pools, exit 0.
import { boot, BootError } from './boot.ts';
import { startServer } from './server.ts';
import { startWorkers } from '../workers/index.ts';
import { startMetricsListener } from './ops/metrics-listener.ts';

const mode = process.argv[2] ?? 'all';

async function main(): Promise<void> {
  if (!['all', 'server', 'worker'].includes(mode)) throw new BootError(`unknown mode "${mode}": use server, worker, or nothing for both`);
  const deps = await boot();
  if (mode !== 'all' && deps.db.kind === 'pglite') {
    await deps.close();
    throw new BootError('Running server and worker as separate processes needs a shared PostgreSQL: set DATABASE_URL (the embedded database belongs to one process).');
  }
  const app = mode === 'worker' ? undefined : await startServer(deps);
  const workers = mode === 'server' ? undefined : await startWorkers(deps);
  // Each process's own metrics on METRICS_PORT (ops/metrics-listener.ts): how a worker is scraped.
  const metricsListener = deps.config.metricsPort === undefined ? undefined : await startMetricsListener(deps);
  if (!app) deps.log.info('worker running');
  // Where the platform can be reached, when it has something to say (the local web chat: its address).
  if (app) for (const platform of deps.platforms.values()) platform.announce?.(deps);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    deps.log.info({ signal }, 'shutting down');
    try {
      await app?.close();
      await metricsListener?.close();
      await workers?.close();
      await deps.close();
      process.exit(0);
    } catch (err) {
      deps.log.error({ err }, 'unclean shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`partycare: ${err instanceof BootError ? err.message : (err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
