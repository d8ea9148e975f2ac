// MemoryScheduler specifics: an injected clock with runDue(), real-timer mode for the terminal
// chat, retries inside one advance(), and stop() waiting for a running job.

import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/scheduler/port.js';
import { MemoryScheduler } from '../../src/scheduler/memory.js';

const job = (id: string, at: number, data: Record<string, unknown> = {}): Job => ({ id, kind: 'reminder', at: new Date(at), data });

describe('MemoryScheduler', () => {
  it('runs due jobs on runDue() with an injected clock, oldest first', async () => {
    let now = Date.parse('2026-10-25T00:59:00Z');
    const s = new MemoryScheduler({ now: () => now });
    const ran: string[] = [];
    await s.start(async (j) => void ran.push(j.id));
    await s.schedule(job('b', now + 2000));
    await s.schedule(job('a', now + 1000));
    await s.schedule(job('c', now + 5000));
    await s.runDue();
    expect(ran).toEqual([]);
    now += 2000;
    await s.runDue();
    expect(ran).toEqual(['a', 'b']);
    expect(await s.pending()).toBe(1);
    await expect(s.advance(1000)).rejects.toThrow(/built-in manual clock/);
  });

  it('runs a job scheduled by a handler in the same pass when it is already due', async () => {
    const s = new MemoryScheduler();
    const ran: string[] = [];
    await s.start(async (j) => {
      ran.push(j.id);
      if (j.id === 'first') await s.schedule(job('follow-up', s.now()));
    });
    await s.schedule(job('first', s.now()));
    await s.runDue();
    expect(ran).toEqual(['first', 'follow-up']);
  });

  it('runs each retry at its back-off time within one advance()', async () => {
    const s = new MemoryScheduler({ attempts: 4, backoffMs: 1000 });
    const times: number[] = [];
    const t0 = s.now();
    await s.start(async () => {
      times.push(s.now() - t0);
      throw new Error('always fails');
    });
    await s.schedule(job('x', t0));
    await s.advance(60_000);
    expect(times).toEqual([0, 1000, 3000, 7000]);
    expect(await s.pending()).toBe(0);
  });

  it('does not run jobs before start() or after stop()', async () => {
    const s = new MemoryScheduler();
    const ran: string[] = [];
    await s.schedule(job('early', s.now()));
    await s.advance(1000);
    expect(ran).toEqual([]);
    await s.start(async (j) => void ran.push(j.id));
    await s.runDue();
    expect(ran).toEqual(['early']);
    await s.stop();
    await s.schedule(job('late', s.now()));
    await s.advance(1000);
    expect(ran).toEqual(['early']);
    expect(await s.pending()).toBe(1);
  });

  it('stop() waits for the running job to finish', async () => {
    const s = new MemoryScheduler();
    let release!: () => void;
    let finished = false;
    await s.start(async () => {
      await new Promise<void>((resolve) => (release = resolve));
      finished = true;
    });
    await s.schedule(job('slow', s.now()));
    const running = s.runDue();
    await Promise.resolve();
    const stopping = s.stop().then(() => finished);
    release();
    expect(await stopping).toBe(true);
    await running;
  });

  it('fires by itself in timers mode', async () => {
    const s = new MemoryScheduler({ mode: 'timers' });
    const ran: Job[] = [];
    await s.start(async (j) => void ran.push(j));
    await s.schedule(job('soon', Date.now() + 30, { ref: 'RH-1' }));
    await s.schedule(job('cancelled', Date.now() + 20));
    await s.cancel('cancelled');
    for (let i = 0; i < 100 && ran.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await s.stop();
    expect(ran.map((j) => [j.id, j.data])).toEqual([['soon', { ref: 'RH-1' }]]);
  });

  it('keeps its own copy of job data', async () => {
    const s = new MemoryScheduler();
    const data = { tier: 1 };
    let seen: unknown;
    await s.start(async (j) => void (seen = j.data));
    await s.schedule(job('copy', s.now(), data));
    data.tier = 2;
    await s.runDue();
    expect(seen).toEqual({ tier: 1 });
  });
});
