// Removing a test's keys from the shared Redis: every key under its prefix, scanned (never KEYS).
import { Redis } from 'ioredis';
import { TEST_REDIS_URL } from './env.ts';

export async function cleanRedisPrefix(prefix: string): Promise<void> {
  const r = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await r.connect();
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}
