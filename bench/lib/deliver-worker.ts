// One outbound worker process for bench:deliver: the real outbound worker (workers/outbound.ts, batches through
// outbound-batch.ts) and the relay (workers/relay.ts), as `npm start -- worker` runs them, against the fake WeCom
// API named by WECOM_API_BASE. Its clock runs at the real pace from BENCH_CLOCK_START (an ISO instant: the day's
// pushes are due then), so the sweep's 09:00 of a day in the future is now. Every line on stdout is JSON for
// the bench: {"ready":true} once the worker runs. SIGTERM: close as a deployment does; SIGKILL: the bench's test.
import { loadConfig } from '../../src/config.ts';
import { buildDeps } from '../../src/deps.ts';
import { createLogger } from '../../src/logger.ts';
import { startOutboundWorker } from '../../workers/outbound.ts';
import { startRelay } from '../../workers/relay.ts';

const startAt = Date.parse(process.env.BENCH_CLOCK_START ?? '');
if (Number.isNaN(startAt)) throw new Error('BENCH_CLOCK_START must be an ISO instant');
const offsetMs = startAt - Date.now();
const prefix = process.env.BENCH_QUEUE_PREFIX;
if (!prefix) throw new Error('BENCH_QUEUE_PREFIX is required');

const config = loadConfig(process.env);
const deps = await buildDeps(config, { log: createLogger(config.logLevel), queuePrefix: prefix, clock: () => new Date(Date.now() + offsetMs) });
const worker = startOutboundWorker(deps);
// The relay's default pace (every 5 s): what enqueues the day's batches as they come due, and what hands out
// again the work of a worker that died.
const relay = startRelay(deps);
await worker.waitUntilReady();
process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid })}\n`);

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  void (async () => {
    await relay.stop();
    await worker.close();
    await deps.close();
    process.exit(0);
  })();
});
