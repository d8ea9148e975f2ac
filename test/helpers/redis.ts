// Test helpers for the real Redis every Redis-backed test uses (never a mock): the URL, a unique
// key prefix per test, a check that Redis is up (tests fail, never skip, when it is down), and a
// cleanup that deletes a test's keys.

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** REDIS_URL, or the local default. */
export function testRedisUrl(): string {
  return process.env.REDIS_URL || 'redis://127.0.0.1:6379';
}

/** A fresh key prefix for one test, e.g. "t:store:3fa9c1d2e4b5:". */
export function uniquePrefix(label: string): string {
  const safe = label.replace(/[^A-Za-z0-9_-]/g, '-');
  return `t:${safe}:${randomBytes(6).toString('hex')}:`;
}

/**
 * Ping Redis at `url` (default testRedisUrl()). Throws a clear error when it cannot be reached, in
 * CI and locally alike, so Redis-backed tests fail instead of silently skipping.
 */
export async function requireRedis(url: string = testRedisUrl()): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: 2000,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    const pong = await client.ping();
    if (pong !== 'PONG') throw new Error(`unexpected PING reply: ${pong}`);
  } catch (err) {
    const where = process.env.CI === 'true' ? 'CI' : 'this machine';
    throw new Error(
      `Redis is required for this test but is not reachable at ${url} on ${where} ` +
        `(${(err as Error).message}). Start Redis or set REDIS_URL.`,
    );
  } finally {
    client.disconnect();
  }
}

/** Delete every key that starts with `prefix` (SCAN + UNLINK). Returns how many were deleted. */
export async function cleanupPrefix(redis: Redis, prefix: string): Promise<number> {
  const pattern = `${prefix.replace(/([*?[\]\\])/g, '\\$1')}*`;
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
