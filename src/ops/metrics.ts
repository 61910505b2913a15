// The process's Prometheus metrics (issue 17 §3), in one place: a prom-client Registry per Deps (never the
// global default registry: tests build many apps in one process), and the few methods code calls to move a
// counter. Metrics are per process: a server counts callbacks, a worker counts deliveries; each exposes its own
// (the main server's /metrics, or METRICS_PORT: src/ops/metrics-routes.ts). Queue depths and the delivery
// backlog are read at scrape time, each read bounded by a timeout, so a scrape never hangs on Redis or PostgreSQL.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Queue } from 'bullmq';
import type { Logger } from '../logger.ts';
import { withTimeout } from '../redis.ts';
import { OVERDUE_SECONDS } from './backlog.ts';

/** How long one scrape-time read (a queue's counts, the backlog query) may take before it is left out. */
export const SCRAPE_READ_TIMEOUT_MS = 2_000;

/** The platform API latency buckets, in seconds: WeCom answers in tens of ms, a slow gettoken in seconds. */
const API_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** The daily sweep: seconds on a small organisation, tens of seconds at a million members. */
const SWEEP_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 320];

/** What a platform adapter reports (platforms/platform.ts PlatformContext.metrics): API latency and token refreshes. */
export interface PlatformMetrics {
  /** One platform API call: its name (the API path), seconds, and whether it gave an HTTP answer. */
  apiCall(platform: string, api: string, seconds: number, outcome: 'answered' | 'timeout' | 'network'): void;
  /** An access token fetched from the platform (not taken from the shared cache). */
  tokenRefreshed(platform: string, api: string): void;
}

export interface BacklogRow {
  platform: string;
  unfinished: number;
  overdue: number;
}

export class Metrics implements PlatformMetrics {
  readonly registry = new Registry();
  private readonly callbacksReceived: Counter<'platform' | 'route'>;
  private readonly callbacksRefused: Counter<'platform' | 'route' | 'code'>;
  private readonly deliveriesSent: Counter<'platform'>;
  private readonly deliveriesFailed: Counter<'platform' | 'code'>;
  private readonly deliveryAttemptsFailed: Counter<'platform' | 'code'>;
  private readonly deliveriesParked: Counter<'platform' | 'reason'>;
  private readonly apiLatency: Histogram<'platform' | 'api' | 'outcome'>;
  private readonly tokenRefreshes: Counter<'platform' | 'api'>;
  private readonly sweepDuration: Histogram<never>;
  private readonly sweepNotices: Gauge<'kind'>;
  private readonly relayReenqueues: Counter<'queue'>;
  private queues: Record<string, Queue> = {};
  private backlog: (() => Promise<BacklogRow[]>) | undefined;

  constructor(private readonly log?: Logger) {
    const registers = [this.registry];
    this.callbacksReceived = new Counter({ name: 'partycare_callbacks_received_total', help: 'Platform callbacks received (HTTP POSTs to a receive route), by platform and route.', labelNames: ['platform', 'route'], registers });
    this.callbacksRefused = new Counter({ name: 'partycare_callbacks_refused_total', help: 'Platform callbacks answered with an error, by platform, route and reason code (the code logged with "request refused").', labelNames: ['platform', 'route', 'code'], registers });
    this.deliveriesSent = new Counter({ name: 'partycare_deliveries_sent_total', help: 'Deliveries the platform accepted, by platform (each recipient of a batch counts once).', labelNames: ['platform'], registers });
    this.deliveriesFailed = new Counter({ name: 'partycare_deliveries_failed_total', help: 'Deliveries failed for good, by platform and the platform error code (or the failure kind where it gave none).', labelNames: ['platform', 'code'], registers });
    this.deliveryAttemptsFailed = new Counter({ name: 'partycare_delivery_attempts_failed_total', help: 'Send attempts that failed and will be retried, by platform and code.', labelNames: ['platform', 'code'], registers });
    this.deliveriesParked = new Counter({ name: 'partycare_deliveries_parked_total', help: 'Deliveries or batches set aside by a rate limit without spending an attempt: recipient_limit (our per-member slot), platform_limit (45009 / HTTP 429).', labelNames: ['platform', 'reason'], registers });
    this.apiLatency = new Histogram({ name: 'partycare_platform_api_seconds', help: 'Platform API calls: seconds until the answer (or the failure), by platform, API and outcome.', labelNames: ['platform', 'api', 'outcome'], buckets: API_BUCKETS, registers });
    this.tokenRefreshes = new Counter({ name: 'partycare_access_token_refreshes_total', help: 'Access tokens fetched from the platform (the shared cache had none), by platform and API.', labelNames: ['platform', 'api'], registers });
    this.sweepDuration = new Histogram({ name: 'partycare_sweep_duration_seconds', help: 'The daily sweep job (every due day, then the inbound-text purge), seconds.', buckets: SWEEP_BUCKETS, registers });
    this.sweepNotices = new Gauge({ name: 'partycare_sweep_day_notices', help: 'Notices recorded for the day the sweep last swept (all its runs together), by kind.', labelNames: ['kind'], registers });
    this.relayReenqueues = new Counter({ name: 'partycare_relay_reenqueued_total', help: 'Jobs the relay enqueued again from PostgreSQL (unfinished work, scheduled pushes come due), by queue.', labelNames: ['queue'], registers });

    // Read at scrape time; a queue that does not answer in time is left out of this scrape (and logged).
    const depth: Gauge<'queue' | 'state'> = new Gauge({
      name: 'partycare_queue_depth',
      help: 'Jobs in a queue: waiting, delayed and active, by queue and state.',
      labelNames: ['queue', 'state'],
      registers,
      collect: async () => {
        depth.reset();
        await Promise.all(
          Object.entries(this.queues).map(async ([name, queue]) => {
            const counts = await this.read(`queue ${name} counts`, queue.getJobCounts('waiting', 'delayed', 'active'));
            if (counts) for (const state of ['waiting', 'delayed', 'active']) depth.set({ queue: name, state }, counts[state] ?? 0);
          }),
        );
      },
    });
    const oldest: Gauge<'queue'> = new Gauge({
      name: 'partycare_queue_oldest_waiting_seconds',
      help: 'Age of the oldest job waiting in a queue (0 when none waits), by queue.',
      labelNames: ['queue'],
      registers,
      collect: async () => {
        oldest.reset();
        await Promise.all(
          Object.entries(this.queues).map(async ([name, queue]) => {
            // asc: the waiting list's oldest end. Job timestamps are Redis-side wall time, so this is too.
            const jobs = await this.read(`queue ${name} oldest`, queue.getJobs(['waiting'], 0, 0, true));
            if (jobs) oldest.set({ queue: name }, jobs[0] ? Math.max(0, (Date.now() - jobs[0].timestamp) / 1_000) : 0);
          }),
        );
      },
    });
    // The delivery backlog (PostgreSQL, all processes): one query feeds both gauges of a scrape.
    let pending: Promise<BacklogRow[] | undefined> | undefined;
    const backlogOnce = () => {
      pending ??= (this.backlog ? this.read('delivery backlog', this.backlog()) : Promise.resolve(undefined)).finally(() => {
        setImmediate(() => (pending = undefined));
      });
      return pending;
    };
    for (const [field, help] of [
      ['unfinished', 'Deliveries pending or being sent, by platform.'],
      ['overdue', `Deliveries due for over ${OVERDUE_SECONDS} s and not sent (e.g. no process serves the platform), by platform.`],
    ] as const) {
      const gauge: Gauge<'platform'> = new Gauge({
        name: `partycare_deliveries_${field}`,
        help,
        labelNames: ['platform'],
        registers,
        collect: async () => {
          gauge.reset();
          for (const row of (await backlogOnce()) ?? []) gauge.set({ platform: row.platform }, row[field]);
        },
      });
    }
  }

  /** The queues whose depth and oldest job a scrape reads. */
  watchQueues(queues: Record<string, Queue>): void {
    this.queues = queues;
  }

  /** Where the delivery backlog gauges come from (the deliveries table). */
  watchBacklog(read: () => Promise<BacklogRow[]>): void {
    this.backlog = read;
  }

  /** The text format, for /metrics. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  callbackReceived(platform: string, route: string): void {
    this.callbacksReceived.inc({ platform, route });
  }

  callbackRefused(platform: string, route: string, code: string): void {
    this.callbacksRefused.inc({ platform, route, code });
  }

  deliverySent(platform: string, count = 1): void {
    if (count > 0) this.deliveriesSent.inc({ platform }, count);
  }

  deliveryFailed(platform: string, code: string, count = 1): void {
    if (count > 0) this.deliveriesFailed.inc({ platform, code }, count);
  }

  deliveryAttemptFailed(platform: string, code: string): void {
    this.deliveryAttemptsFailed.inc({ platform, code });
  }

  deliveryParked(platform: string, reason: 'recipient_limit' | 'platform_limit', count = 1): void {
    if (count > 0) this.deliveriesParked.inc({ platform, reason }, count);
  }

  apiCall(platform: string, api: string, seconds: number, outcome: 'answered' | 'timeout' | 'network'): void {
    this.apiLatency.observe({ platform, api, outcome }, seconds);
  }

  tokenRefreshed(platform: string, api: string): void {
    this.tokenRefreshes.inc({ platform, api });
  }

  sweepRan(seconds: number): void {
    this.sweepDuration.observe(seconds);
  }

  /** The day last swept, its notices by kind (a gauge: a re-run of the day sets the same figures again). */
  sweptDay(noticesByKind: Readonly<Record<string, number>>): void {
    this.sweepNotices.reset();
    for (const [kind, n] of Object.entries(noticesByKind)) this.sweepNotices.set({ kind }, n);
  }

  relayReenqueued(queue: string, count: number): void {
    if (count > 0) this.relayReenqueues.inc({ queue }, count);
  }

  private async read<T>(what: string, p: Promise<T>): Promise<T | undefined> {
    try {
      return await withTimeout(p, SCRAPE_READ_TIMEOUT_MS, `${what}: no answer within ${SCRAPE_READ_TIMEOUT_MS} ms`);
    } catch (err) {
      this.log?.warn({ err: { message: (err as Error).message } }, 'metrics: a scrape-time read failed; left out of this scrape');
      return undefined;
    }
  }
}
