// Three processes upserting the daily scheduler at boot leave one scheduler (RELIABILITY.md).
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { QUEUE, DAILY_SWEEP_SCHEDULER, DASHBOARD_REFRESH_SCHEDULER } from '../../src/jobs/queues.ts';
import { upsertDailySweep, upsertDashboardRefresh } from '../../workers/sweep.ts';
import { TEST_REDIS_URL } from '../helpers/env.ts';
import { cleanRedisPrefix } from '../helpers/stack.ts';

const prefix = `pcs${randomBytes(4).toString('hex')}`;
afterAll(() => cleanRedisPrefix(prefix));

describe('daily sweep scheduler', () => {
  it('is one scheduler however many processes upsert it, at 08:50 in the organisation time zone', async () => {
    const queues = [1, 2, 3].map(() => new Queue(QUEUE.sweep, { connection: new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null }), prefix }));
    try {
      await Promise.all(queues.map((q) => upsertDailySweep(q, 'Asia/Shanghai')));
      await Promise.all(queues.map((q) => upsertDailySweep(q, 'Asia/Shanghai')));
      const schedulers = await queues[0]!.getJobSchedulers();
      expect(schedulers).toHaveLength(1);
      expect(schedulers[0]).toMatchObject({ key: DAILY_SWEEP_SCHEDULER, pattern: '50 8 * * *', tz: 'Asia/Shanghai' });
      const delayed = await queues[0]!.getDelayed();
      expect(delayed).toHaveLength(1);
      // The next run is at 08:50 Shanghai time (00:50 UTC).
      const next = new Date(delayed[0]!.timestamp + (delayed[0]!.opts.delay ?? 0));
      expect(next.getUTCHours() * 60 + next.getUTCMinutes()).toBe(50);
    } finally {
      await Promise.all(queues.map(async (q) => { await q.close(); }));
    }
  });

  it('the dashboard snapshot refresh is one scheduler too, every 10 minutes, beside the daily sweep', async () => {
    const queues = [1, 2, 3].map(() => new Queue(QUEUE.sweep, { connection: new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null }), prefix: `${prefix}r` }));
    try {
      await Promise.all(queues.map(async (q) => { await upsertDailySweep(q, 'Asia/Shanghai'); await upsertDashboardRefresh(q); }));
      await Promise.all(queues.map((q) => upsertDashboardRefresh(q)));
      const schedulers = await queues[0]!.getJobSchedulers();
      expect(schedulers.map((s) => s.key).sort()).toEqual([DAILY_SWEEP_SCHEDULER, DASHBOARD_REFRESH_SCHEDULER].sort());
      expect(schedulers.find((s) => s.key === DASHBOARD_REFRESH_SCHEDULER)).toMatchObject({ every: 600_000 });
    } finally {
      await Promise.all(queues.map(async (q) => { await q.close(); }));
      await cleanRedisPrefix(`${prefix}r`);
    }
  });
});
