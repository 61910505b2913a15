// The relay: PostgreSQL is the record, Redis the transport. Every few seconds, whatever is stored but not
// finished — never enqueued because Redis was down, lost in a Redis restart, or held by a worker that died —
// is enqueued again; and scheduled pushes (the sweep's notices) are enqueued as their hour comes. Deterministic job ids make a re-add of a job still in Redis a no-op.
import type { Deps } from '../src/deps.ts';
import { batchJobs, inboundJobs, outboundJobs } from '../src/jobs/queues.ts';

export interface RelayOptions {
  intervalMs?: number;
  /** How long a fresh row is left to the path that stored it before the relay steps in. */
  graceSeconds?: number;
  batch?: number;
}

export async function relayOnce(deps: Deps, opts: RelayOptions = {}): Promise<{ inbound: number; outbound: number }> {
  const grace = opts.graceSeconds ?? 10;
  const batch = opts.batch ?? 1_000;
  const inboundIds = await deps.repos.inbound.findUnfinished(batch, grace, deps.clock());
  if (inboundIds.length > 0) {
    await deps.queues.inbound.addBulk(inboundJobs(deps.instanceId, inboundIds));
  }
  // Scheduled pushes come due in bulk (a morning's greetings): drain a few batches per pass.
  let outbound = 0;
  for (let round = 0; round < 5; round++) {
    const outboundIds = await deps.repos.deliveries.findUnfinished(batch, grace, deps.clock(), [...deps.platforms.keys()]);
    if (outboundIds.length === 0) break;
    await deps.queues.outbound.addBulk(outboundJobs(deps.instanceId, outboundIds));
    outbound += outboundIds.length;
    if (outboundIds.length < batch) break;
  }
  // Batches: one job per batch, never one per row (their rows are theirs to send).
  for (let round = 0; round < 5; round++) {
    const batchIds = await deps.repos.deliveries.batches.findUnfinished(batch, grace, deps.clock(), [...deps.platforms.keys()]);
    if (batchIds.length === 0) break;
    await deps.queues.outbound.addBulk(batchJobs(deps.instanceId, batchIds));
    outbound += batchIds.length;
    if (batchIds.length < batch) break;
  }
  return { inbound: inboundIds.length, outbound };
}

export function startRelay(deps: Deps, opts: RelayOptions = {}): { stop(): Promise<void> } {
  const interval = opts.intervalMs ?? 5_000;
  let running: Promise<unknown> | undefined;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = relayOnce(deps, opts)
      .then((n) => {
        deps.metrics.relayReenqueued('inbound', n.inbound);
        deps.metrics.relayReenqueued('outbound', n.outbound);
        if (n.inbound + n.outbound > 0) deps.log.info(n, 'relay re-enqueued unfinished work');
      })
      .catch((err) => deps.log.warn({ err: { message: (err as Error).message } }, 'relay pass failed; will try again'))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, interval);
  timer.unref();
  tick();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
