// Starts every queue's worker and the relay in this process; close() lets in-flight jobs finish first.
import type { Deps } from '../src/deps.ts';
import { startInboundWorker } from './inbound.ts';
import { startOutboundWorker } from './outbound.ts';
import { startRelay, type RelayOptions } from './relay.ts';
import { startSweepWorker } from './sweep.ts';
import { ensureQuotaObligations } from '../src/notices/sweep.ts';
import { localDate } from '../src/domain/dates.ts';

export interface RunningWorkers {
  close(deadlineMs?: number): Promise<void>;
}

export async function startWorkers(deps: Deps, opts: { relay?: RelayOptions; sweep?: boolean } = {}): Promise<RunningWorkers> {
  // The year's talk quotas exist from the first start, not only after the first 08:50 sweep.
  await ensureQuotaObligations(deps.db.db, Number(localDate(deps.clock(), deps.config.timezone).slice(0, 4)), deps.clock()).catch((err: Error) =>
    deps.log.warn({ err: { message: err.message } }, 'could not open the year\'s quota obligations at start; the sweep will'),
  );
  const inbound = startInboundWorker(deps);
  const outbound = startOutboundWorker(deps);
  const relay = startRelay(deps, opts.relay);
  const sweep = opts.sweep === false ? undefined : await startSweepWorker(deps);
  return {
    async close(deadlineMs = 20_000) {
      await relay.stop();
      // worker.close() waits for active jobs but has no deadline of its own (RELIABILITY.md): give it one,
      // then force — an unfinished job's row stays leased and the relay hands it out again later.
      const graceful = Promise.all([inbound.close(), outbound.close(), sweep?.close()]);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        graceful.then(() => false),
        new Promise<boolean>((r) => {
          timer = setTimeout(() => r(true), deadlineMs);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        deps.log.warn({ deadlineMs }, 'workers did not finish in time; forcing close');
        await Promise.all([inbound.close(true), outbound.close(true), sweep?.close(true)]);
      }
    },
  };
}
