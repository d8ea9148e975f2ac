// MemoryScheduler: the Scheduler port in process memory, for the local terminal chat and unit
// tests. Not durable: jobs are lost when the process ends. Two modes:
//   - manual (default): nothing runs by itself; tests call advance(ms) or runDue();
//   - timers: a real setTimeout fires the next due job (for the terminal chat).
// Same rules as BullMQScheduler: one job per id (a repeat schedule is ignored while the job is
// pending or running, and while its id is among the last `keepFinished` finished ids), retries
// with exponential back-off, cancel removes a pending job.

import type { Job, JobHandler, Scheduler } from './port.js';

export interface MemorySchedulerOptions {
  /** Clock in epoch ms. Without it, manual mode keeps its own clock (starting at Date.now()) that advance() moves. */
  now?: () => number;
  /** 'manual' (default) or 'timers'. */
  mode?: 'manual' | 'timers';
  /** Tries per job including the first; default 10. */
  attempts?: number;
  /** First retry delay; doubles each time. Default 1000 ms. */
  backoffMs?: number;
  /** How many finished ids to remember so a late repeat schedule stays a no-op; default 1000. */
  keepFinished?: number;
  /** Told about each failed attempt (no personal data is added here). */
  onError?: (err: unknown, job: Job, attempt: number) => void;
}

interface Entry {
  job: Job;
  due: number;
  attempt: number;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

export class MemoryScheduler implements Scheduler {
  private readonly pendingJobs = new Map<string, Entry>();
  private readonly runningIds = new Set<string>();
  private readonly finished: string[] = [];
  private readonly finishedSet = new Set<string>();
  private readonly clock: () => number;
  private readonly ownClock: boolean;
  private manualNow: number;
  private handler: JobHandler | null = null;
  private timer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  private readonly mode: 'manual' | 'timers';
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly keepFinished: number;
  private readonly onError: MemorySchedulerOptions['onError'];

  constructor(options: MemorySchedulerOptions = {}) {
    this.mode = options.mode ?? 'manual';
    this.ownClock = options.now === undefined && this.mode === 'manual';
    this.manualNow = Date.now();
    this.clock = options.now ?? (this.ownClock ? () => this.manualNow : Date.now);
    this.attempts = Math.max(1, options.attempts ?? 10);
    this.backoffMs = Math.max(1, options.backoffMs ?? 1000);
    this.keepFinished = options.keepFinished ?? 1000;
    this.onError = options.onError;
  }

  /** The scheduler's current time in epoch ms. */
  now(): number {
    return this.clock();
  }

  async schedule(job: Job): Promise<void> {
    if (this.pendingJobs.has(job.id) || this.runningIds.has(job.id) || this.finishedSet.has(job.id)) return;
    const copy: Job = { id: job.id, kind: job.kind, at: new Date(job.at.getTime()), data: structuredClone(job.data) };
    this.pendingJobs.set(job.id, { job: copy, due: job.at.getTime(), attempt: 1 });
    this.arm();
  }

  async cancel(id: string): Promise<void> {
    this.pendingJobs.delete(id);
    this.arm();
  }

  async start(handler: JobHandler): Promise<void> {
    this.handler = handler;
    this.arm();
  }

  async stop(): Promise<void> {
    this.handler = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.draining;
  }

  async pending(): Promise<number> {
    return this.pendingJobs.size;
  }

  /** Pending jobs more than `graceMs` past their time. */
  async overdue(graceMs = 5000): Promise<number> {
    const limit = this.clock() - graceMs;
    let n = 0;
    for (const entry of this.pendingJobs.values()) if (entry.due < limit) n += 1;
    return n;
  }

  running(): boolean {
    return this.handler !== null;
  }

  /**
   * Run every job that is due now, oldest first, one at a time, including retries and new jobs
   * that fall due meanwhile. Resolves when none is due. Needs start() first.
   */
  runDue(): Promise<void> {
    if (!this.draining) {
      this.draining = this.drain().finally(() => {
        this.draining = null;
        this.arm();
      });
    }
    return this.draining;
  }

  /**
   * Manual mode with the built-in clock: move time forward by `ms`, running each job at its due
   * time on the way (so a retry due within the window runs too).
   */
  async advance(ms: number): Promise<void> {
    if (!this.ownClock) throw new Error('advance() needs the built-in manual clock; move your own clock and call runDue()');
    const target = this.manualNow + ms;
    for (;;) {
      const next = this.nextDue();
      if (next === null || next > target || !this.handler) break;
      this.manualNow = Math.max(this.manualNow, next);
      await this.runDue();
    }
    this.manualNow = target;
    await this.runDue();
  }

  private nextDue(): number | null {
    let min: number | null = null;
    for (const entry of this.pendingJobs.values()) if (min === null || entry.due < min) min = entry.due;
    return min;
  }

  private takeDue(): Entry | null {
    const now = this.clock();
    let best: Entry | null = null;
    for (const entry of this.pendingJobs.values()) {
      if (entry.due <= now && (best === null || entry.due < best.due)) best = entry;
    }
    if (best) this.pendingJobs.delete(best.job.id);
    return best;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const handler = this.handler;
      if (!handler) return;
      const entry = this.takeDue();
      if (!entry) return;
      this.runningIds.add(entry.job.id);
      try {
        await handler({ ...entry.job, data: structuredClone(entry.job.data) });
        this.remember(entry.job.id);
      } catch (err) {
        this.onError?.(err, entry.job, entry.attempt);
        if (entry.attempt < this.attempts) {
          const delay = this.backoffMs * 2 ** (entry.attempt - 1);
          this.pendingJobs.set(entry.job.id, { job: entry.job, due: this.clock() + delay, attempt: entry.attempt + 1 });
        } else {
          this.remember(entry.job.id);
        }
      } finally {
        this.runningIds.delete(entry.job.id);
      }
    }
  }

  private remember(id: string): void {
    if (this.keepFinished <= 0) return;
    this.finished.push(id);
    this.finishedSet.add(id);
    while (this.finished.length > this.keepFinished) this.finishedSet.delete(this.finished.shift()!);
  }

  /** Timers mode: set one timer for the earliest job. */
  private arm(): void {
    if (this.mode !== 'timers') return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.handler || this.draining) return;
    const next = this.nextDue();
    if (next === null) return;
    const delay = Math.min(Math.max(0, next - this.clock()), MAX_TIMER_MS);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runDue();
    }, delay);
    this.timer.unref?.();
  }
}
