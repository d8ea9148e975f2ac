// A RedisStore recovers by itself when Redis comes back: Redis is reached through a TCP proxy
// on loopback that the test takes down and brings back on the same port.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RedisStore } from '../../src/store/redis.js';
import { StoreUnavailableError } from '../../src/store/port.js';
import { RedisProxy, cleanupPrefix, eventually, requireRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.js';

describe('RedisStore after an outage', () => {
  const proxy = new RedisProxy();
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
