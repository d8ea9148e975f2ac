// A RedisStore recovers by itself when Redis comes back: Redis is reached through a TCP proxy
// on loopback that the test takes down and brings back on the same port.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { Redis } from 'ioredis';
import { RedisStore } from '../../src/store/redis.js';
import { StoreUnavailableError } from '../../src/store/port.js';
import { cleanupPrefix, requireRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.js';

/** A loopback TCP proxy to the test Redis that can be stopped and started on one port. */
class Proxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

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

async function eventually<T>(fn: () => Promise<T>, tries = 50, gapMs = 200): Promise<T> {
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

describe('RedisStore after an outage', () => {
  const proxy = new Proxy();
  const prefix = uniquePrefix('reconnect');

  beforeAll(async () => {
    await requireRedis();
    await proxy.start();
  });
  afterAll(async () => {
    await proxy.stop();
    const admin = new Redis(testRedisUrl());
    await cleanupPrefix(admin, prefix);
    admin.disconnect();
  });

  it('fails with StoreUnavailableError while Redis is away and works again when it is back', async () => {
    const store = new RedisStore({ url: `redis://127.0.0.1:${proxy.port}`, prefix });
    try {
      expect(await store.put('incident', 'RH-1', { n: 1 }, null)).toBe(1);

      await proxy.stop();
      await expect(store.get('incident', 'RH-1')).rejects.toBeInstanceOf(StoreUnavailableError);

      await proxy.start();
      const back = await eventually(() => store.get('incident', 'RH-1'));
      expect(back).toEqual({ value: { n: 1 }, version: 1 });
      expect(await store.put('incident', 'RH-1', { n: 2 }, 1)).toBe(2);
    } finally {
      await store.close();
    }
  });
});
