// A BullMQScheduler without Redis rejects with StoreUnavailableError instead of hanging, and
// works once Redis is back, even when Redis was already down when it was created.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { Job } from '../../src/scheduler/port.js';
import { BullMQScheduler } from '../../src/scheduler/bullmq.js';
import { StoreUnavailableError } from '../../src/store/port.js';
import { RedisProxy, cleanupPrefix, eventually, requireRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.js';

describe('BullMQScheduler when Redis is down', () => {
  it('schedule, cancel and pending reject with StoreUnavailableError', async () => {
    const scheduler = new BullMQScheduler({ url: 'redis://127.0.0.1:1', prefix: '{down}' });
    try {
      const errors = await Promise.all([
        scheduler.schedule({ id: 'page:RH-1:t1:a1', kind: 'page', at: new Date(), data: {} }).catch((e: unknown) => e),
        scheduler.cancel('page:RH-1:t1:a1').catch((e: unknown) => e),
        scheduler.pending().catch((e: unknown) => e),
      ]);
      for (const err of errors) expect(err).toBeInstanceOf(StoreUnavailableError);
    } finally {
      await scheduler.stop();
    }
  });
});

describe('BullMQScheduler created while Redis is away', () => {
  const proxy = new RedisProxy();
  const prefix = `{${uniquePrefix('sched-down')}}`;

  beforeAll(async () => {
    await requireRedis();
    await proxy.start();
    await proxy.stop(); // keep the port, drop Redis
  });
  afterAll(async () => {
    await proxy.stop();
    const admin = new Redis(testRedisUrl());
    await cleanupPrefix(admin, prefix);
    admin.disconnect();
  });

  it('queues and fires timers once Redis comes back', async () => {
    const scheduler = new BullMQScheduler({ url: proxy.url, prefix });
    try {
      const job: Job = { id: 'page:RH-9:t1:a1', kind: 'page', at: new Date(), data: { ref: 'RH-9' } };
      await expect(scheduler.schedule(job)).rejects.toBeInstanceOf(StoreUnavailableError);

      await proxy.start();
      await eventually(() => scheduler.schedule(job));
      expect(await scheduler.pending()).toBe(1);

      const fired: Job[] = [];
      await scheduler.start(async (j) => void fired.push(j));
      await eventually(async () => {
        if (fired.length === 0) throw new Error('not fired yet');
      });
      expect(fired.map((j) => j.id)).toEqual(['page:RH-9:t1:a1']);
    } finally {
      await scheduler.stop();
    }
  });
});
