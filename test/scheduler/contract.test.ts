// One Scheduler contract, run against MemoryScheduler (manual clock) and BullMQScheduler (real
// Redis, fresh BullMQ prefix per test), plus BullMQ cases: two workers, and a timer that fell due
// while no worker ran.

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { Job, JobHandler, Scheduler } from '../../src/scheduler/port.js';
import { MemoryScheduler } from '../../src/scheduler/memory.js';
import { BullMQScheduler, decodeJobId, encodeJobId } from '../../src/scheduler/bullmq.js';
import { cleanupPrefix, requireRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Harness {
  scheduler: Scheduler;
  now(): number;
  /** Let `ms` of scheduler time pass (manual clock: advance; BullMQ: real wait). */
  pass(ms: number): Promise<void>;
  done(): Promise<void>;
}

interface Fired {
  job: Job;
  at: number;
}

const RETRY = { attempts: 3, backoffMs: 100 };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function bullHarness(prefix: string): Harness {
  const scheduler = new BullMQScheduler({ url: testRedisUrl(), prefix, ...RETRY });
  return {
    scheduler,
    now: Date.now,
    pass: sleep,
    done: () => scheduler.stop(),
  };
}

async function removeKeys(prefix: string): Promise<void> {
  const admin = new Redis(testRedisUrl());
  await cleanupPrefix(admin, prefix);
  admin.disconnect();
}

const backends: { name: string; make: () => Harness }[] = [
  {
    name: 'MemoryScheduler',
    make: () => {
      const scheduler = new MemoryScheduler(RETRY);
      return { scheduler, now: () => scheduler.now(), pass: (ms) => scheduler.advance(ms), done: () => scheduler.stop() };
    },
  },
  {
    name: 'BullMQScheduler',
    make: () => {
      const prefix = `{${uniquePrefix('sched')}}`;
      const h = bullHarness(prefix);
      return { ...h, done: async () => { await h.done(); await removeKeys(prefix); } };
    },
  },
];

/** Let time pass in small steps until `cond` holds (fails after ~10 s of scheduler time). */
async function until(h: Harness, cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (cond()) return;
    await h.pass(50);
  }
  throw new Error(`timed out waiting for: ${what}`);
}

function recorder(h: Harness, fail?: (job: Job, calls: number) => boolean): { fired: Fired[]; handler: JobHandler } {
  const fired: Fired[] = [];
  return {
    fired,
    handler: async (job) => {
      fired.push({ job, at: h.now() });
      if (fail?.(job, fired.filter((f) => f.job.id === job.id).length)) throw new Error('handler failed on purpose');
    },
  };
}

beforeAll(async () => {
  await requireRedis();
});

describe.each(backends)('Scheduler contract: $name', ({ make }) => {
  function setup(): Harness {
    const h = make();
    cleanups.push(() => h.done());
    return h;
  }

  it('fires a job once, not before its time, with its id, kind, time and data intact', async () => {
    const h = setup();
    const { fired, handler } = recorder(h);
    await h.scheduler.start(handler);
    expect(h.scheduler.running()).toBe(true);
    const at = new Date(h.now() + 300);
    await h.scheduler.schedule({ id: 'page:RH-2026-0042:t1:a1', kind: 'page', at, data: { ref: 'RH-2026-0042', tier: 1 } });
    await until(h, () => fired.length > 0, 'the job to fire');
    await h.pass(400);
    expect(fired).toHaveLength(1);
    expect(fired[0]!.at).toBeGreaterThanOrEqual(at.getTime());
    expect(fired[0]!.job).toEqual({ id: 'page:RH-2026-0042:t1:a1', kind: 'page', at, data: { ref: 'RH-2026-0042', tier: 1 } });
  });

  it('runs a job whose time has already passed', async () => {
    const h = setup();
    const { fired, handler } = recorder(h);
    await h.scheduler.start(handler);
    await h.scheduler.schedule({ id: 'late', kind: 'reminder', at: new Date(h.now() - 60_000), data: {} });
    await until(h, () => fired.length > 0, 'the overdue job to fire');
    expect(fired.map((f) => f.job.id)).toEqual(['late']);
  });

  it('fires a twice-scheduled id once, with the first schedule', async () => {
    const h = setup();
    const { fired, handler } = recorder(h);
    await h.scheduler.schedule({ id: 'dup:1', kind: 'page', at: new Date(h.now() + 200), data: { n: 1 } });
    await h.scheduler.schedule({ id: 'dup:1', kind: 'page', at: new Date(h.now() + 100), data: { n: 2 } });
    expect(await h.scheduler.pending()).toBe(1);
    await h.scheduler.start(handler);
    await until(h, () => fired.length > 0, 'the job to fire');
    await h.pass(400);
    expect(fired.map((f) => f.job.data)).toEqual([{ n: 1 }]);
  });

  it('does not run a finished id again when it is scheduled again', async () => {
    const h = setup();
    const { fired, handler } = recorder(h);
    await h.scheduler.start(handler);
    await h.scheduler.schedule({ id: 'once', kind: 'page', at: new Date(h.now()), data: {} });
    await until(h, () => fired.length > 0, 'the job to fire');
    await h.scheduler.schedule({ id: 'once', kind: 'page', at: new Date(h.now()), data: {} });
    await h.scheduler.schedule({ id: 'marker', kind: 'page', at: new Date(h.now() + 100), data: {} });
    await until(h, () => fired.some((f) => f.job.id === 'marker'), 'the marker job to fire');
    expect(fired.filter((f) => f.job.id === 'once')).toHaveLength(1);
  });

  it('cancel stops a pending job from firing, and cancelling an unknown id is fine', async () => {
    const h = setup();
    const { fired, handler } = recorder(h);
    await h.scheduler.start(handler);
    await h.scheduler.schedule({ id: 'keep', kind: 'page', at: new Date(h.now() + 300), data: {} });
    await h.scheduler.schedule({ id: 'drop', kind: 'page', at: new Date(h.now() + 200), data: {} });
    await h.scheduler.cancel('drop');
    await h.scheduler.cancel('never-existed');
    await until(h, () => fired.length > 0, 'the kept job to fire');
    await h.pass(300);
    expect(fired.map((f) => f.job.id)).toEqual(['keep']);
  });

  it('retries a failed handler until it succeeds, not earlier than the back-off', async () => {
    const h = setup();
    const { fired, handler } = recorder(h, (job, calls) => job.id === 'flaky' && calls < 3);
    await h.scheduler.start(handler);
    await h.scheduler.schedule({ id: 'flaky', kind: 'page', at: new Date(h.now()), data: {} });
    await until(h, () => fired.length >= 3, 'three attempts');
    await h.pass(500);
    expect(fired).toHaveLength(3);
    expect(fired[1]!.at - fired[0]!.at).toBeGreaterThanOrEqual(RETRY.backoffMs);
    expect(await h.scheduler.pending()).toBe(0);
  });

  it('gives up after the configured attempts', async () => {
    const h = setup();
    const { fired, handler } = recorder(h, () => true);
    await h.scheduler.start(handler);
    await h.scheduler.schedule({ id: 'broken', kind: 'page', at: new Date(h.now()), data: {} });
    await until(h, () => fired.length >= RETRY.attempts, 'every attempt');
    await h.pass(1000);
    expect(fired).toHaveLength(RETRY.attempts);
    expect(await h.scheduler.pending()).toBe(0);
  });

  it('counts pending jobs', async () => {
    const h = setup();
    const { fired, handler } = recorder(h);
    expect(await h.scheduler.pending()).toBe(0);
    await h.scheduler.schedule({ id: 'p1', kind: 'reminder', at: new Date(h.now() + 200), data: {} });
    await h.scheduler.schedule({ id: 'p2', kind: 'reminder', at: new Date(h.now() + 60_000), data: {} });
    await h.scheduler.schedule({ id: 'p3', kind: 'reminder', at: new Date(h.now() + 60_000), data: {} });
    expect(await h.scheduler.pending()).toBe(3);
    await h.scheduler.cancel('p3');
    expect(await h.scheduler.pending()).toBe(2);
    await h.scheduler.start(handler);
    await until(h, () => fired.length > 0, 'p1 to fire');
    expect(fired.map((f) => f.job.id)).toEqual(['p1']);
    expect(await h.scheduler.pending()).toBe(1);
  });

  it('is not running after stop', async () => {
    const h = setup();
    expect(h.scheduler.running()).toBe(false);
    await h.scheduler.start(async () => {});
    expect(h.scheduler.running()).toBe(true);
    await h.scheduler.stop();
    expect(h.scheduler.running()).toBe(false);
  });
});

describe('BullMQScheduler on a shared Redis prefix', () => {
  it('fires each job exactly once with two workers', async () => {
    const prefix = `{${uniquePrefix('sched2')}}`;
    const a = bullHarness(prefix);
    const b = bullHarness(prefix);
    cleanups.push(async () => {
      await a.done();
      await b.done();
      await removeKeys(prefix);
    });
    const fired: { by: string; id: string }[] = [];
    await a.scheduler.start(async (job) => void fired.push({ by: 'a', id: job.id }));
    await b.scheduler.start(async (job) => void fired.push({ by: 'b', id: job.id }));
    const ids = Array.from({ length: 6 }, (_, i) => `page:RH-1:t1:a${i}`);
    for (const [i, id] of ids.entries()) {
      // Both instances schedule every timer, as two app instances handling one incident would.
      await a.scheduler.schedule({ id, kind: 'page', at: new Date(Date.now() + 100 + i * 20), data: {} });
      await b.scheduler.schedule({ id, kind: 'page', at: new Date(Date.now() + 100 + i * 20), data: {} });
    }
    await until(a, () => fired.length >= ids.length, 'all jobs to fire');
    await sleep(500);
    expect(fired.map((f) => f.id).sort()).toEqual([...ids].sort());
  });

  it('fires a timer that fell due while no worker ran once a worker starts', async () => {
    const prefix = `{${uniquePrefix('sched3')}}`;
    const app1 = bullHarness(prefix);
    const app2 = bullHarness(prefix);
    cleanups.push(async () => {
      await app1.done();
      await app2.done();
      await removeKeys(prefix);
    });
    await app1.scheduler.schedule({ id: 'repage:RH-7:t1:a2', kind: 'repage', at: new Date(Date.now() + 200), data: { ref: 'RH-7' } });
    await app1.scheduler.stop(); // the app stops with the timer still queued
    await sleep(1000);
    const fired: { job: Job; at: number }[] = [];
    const startedAt = Date.now();
    await app2.scheduler.start(async (job) => void fired.push({ job, at: Date.now() }));
    await until(app2, () => fired.length > 0, 'the overdue timer to fire');
    expect(fired).toHaveLength(1);
    expect(fired[0]!.job).toMatchObject({ id: 'repage:RH-7:t1:a2', kind: 'repage', data: { ref: 'RH-7' } });
    expect(fired[0]!.at).toBeGreaterThanOrEqual(startedAt);
  });
});

describe('BullMQ job ids', () => {
  it('encode reversibly without ":" and never as an integer', () => {
    for (const id of ['page:RH-2026-0042:t1:a2', '42', 'a%3Ab', '%', '']) {
      const encoded = encodeJobId(id);
      expect(encoded).not.toContain(':');
      expect(`${parseInt(encoded, 10)}`).not.toBe(encoded);
      expect(decodeJobId(encoded)).toBe(id);
    }
    expect(encodeJobId('a:b')).not.toBe(encodeJobId('a%3Ab'));
  });
});
