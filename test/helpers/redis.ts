// Test helpers for the real Redis every Redis-backed test uses (never a mock): the URL, a unique
// key prefix per test, a check that Redis is up (tests fail, never skip, when it is down), and a
// cleanup that deletes a test's keys; a loopback proxy to simulate Redis going away and coming back.

import { randomBytes } from 'node:crypto';
import net from 'node:net';
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

/** A loopback TCP proxy to the test Redis that can be stopped and started on one port. */
export class RedisProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  /** redis://127.0.0.1:<port> (the proxy forwards to testRedisUrl()'s host and port). */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const target = new URL(testRedisUrl());
    const server = net.createServer((client) => {
      const upstream = net.connect(Number(target.port || 6379), target.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Retry `fn` until it resolves (default: 50 tries, 200 ms apart); rethrows the last error. */
export async function eventually<T>(fn: () => Promise<T>, tries = 50, gapMs = 200): Promise<T> {
  let last: unknown;
  for (let i = 0; i < tries; i++) {
    try {
      return await fn();
    } catch (err) {
      last = err;
      await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
  }
  throw last;
}
