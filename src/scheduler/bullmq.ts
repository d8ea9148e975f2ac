// BullMQScheduler: the Scheduler port on BullMQ 6 delayed jobs: durable timers that survive a
// restart and fire once across instances. One Queue + one Worker on the queue "escalation-timers".
//
// - Job ids: BullMQ's jobId is derived from Job.id (':' and '%' percent-encoded, "j_" in front,
//   because BullMQ refuses custom ids with ':' or that look like integers). Scheduling an id that
//   BullMQ still knows (waiting, delayed, running, or finished and still retained) is a no-op, so
//   two instances scheduling the same timer make one job. Finished jobs are kept for a while
//   (keepCompleted/keepFailed), so callers must make ids unique per attempt, e.g.
//   "repage:RH-2026-0042:t1:a2", never reuse "repage:RH-2026-0042" for a second page.
// - Cluster: BullMQ keys are "<prefix>:escalation-timers:…". The default prefix "{ea}" is a hash
//   tag, so every queue key lands in one slot, as BullMQ's Lua scripts need on Redis Cluster.
//   Any custom prefix must keep a {…} tag for Cluster (plain Redis does not care).
// - Connections: the worker's connection uses maxRetriesPerRequest: null (BullMQ requires it for
//   blocking commands) and reconnects forever; the queue's connection fails fast, so schedule(),
//   cancel() and pending() reject with StoreUnavailableError within ~2 s when Redis is down.
// - Failed handlers are retried `attempts` times with exponential back-off from `backoffMs`.
//   Job data should hold references (incident ref, tier), not personal data: failed jobs are kept.

import { Queue, Worker, type Job as BullJob } from 'bullmq';
import { StoreUnavailableError } from '../store/port.js';
import { STORE_TUNING, type RedisClient } from '../store/redis.js';
import { createRedisClient } from '../store/redis-url.js';
import type { Job, JobHandler, Scheduler } from './port.js';

export const TIMER_QUEUE = 'escalation-timers';

export interface BullMQSchedulerOptions {
  /** Redis URL (see src/store/redis-url.ts). */
  url: string;
  /** BullMQ key prefix; default "{ea}" (hash-tagged for Redis Cluster). */
  prefix?: string;
  /** Tries per job including the first; default 10. */
  attempts?: number;
  /** First retry delay, doubling each time; default 1000 ms (1 s, 2 s, 4 s … about 8.5 min in all). */
  backoffMs?: number;
  /** Jobs run at once by this instance; default 4. */
  concurrency?: number;
  /** Finished jobs kept (and so ids still taken): completed up to this many / this age. Defaults 1000 / 7 days. */
  keepCompleted?: number;
  keepCompletedSeconds?: number;
  /** Failed jobs (all attempts used) kept for investigation; default 5000. */
  keepFailed?: number;
  /** Told about failed attempts and worker errors (never log job data: it may be sensitive). */
  onError?: (err: unknown, job?: Job) => void;
  /** The app's clock (epoch ms), so a job's delay is measured from the same "now" that set `at`. */
  now?: () => number;
}

interface TimerData {
  id: string;
  at: string;
  data: Record<string, unknown>;
}

/** BullMQ job id for a Job.id: reversible, no ':' and never an integer. */
export function encodeJobId(id: string): string {
  return `j_${id.replace(/%/g, '%25').replace(/:/g, '%3A')}`;
}

export function decodeJobId(jobId: string): string {
  return jobId.replace(/^j_/, '').replace(/%3A/g, ':').replace(/%25/g, '%');
}

const PENDING_STATES = ['waiting', 'delayed', 'prioritized'] as const;

const CONNECTION_TROUBLE = /max ?retries|timed out|connection is closed|isn't writeable|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND/i;

/** Redis unreachable → StoreUnavailableError; anything else (a bad job, a Redis reply error) as it was. */
function unavailable(err: unknown): unknown {
  if (!(err instanceof Error) || err.name === 'ReplyError') return err;
  return err.name === 'MaxRetriesPerRequestError' || CONNECTION_TROUBLE.test(err.message) ? new StoreUnavailableError(err) : err;
}

function toJob(bjob: BullJob<TimerData>): Job {
  return { id: bjob.data.id, kind: bjob.name, at: new Date(bjob.data.at), data: bjob.data.data };
}

export class BullMQScheduler implements Scheduler {
  readonly prefix: string;
  private readonly options: BullMQSchedulerOptions;
  private readonly queueConnection: RedisClient;
  private readonly queue: Queue<TimerData>;
  private worker: Worker<TimerData> | null = null;
  private workerConnection: RedisClient | null = null;
  private stopped = false;

  constructor(options: BullMQSchedulerOptions) {
    this.options = options;
    this.prefix = options.prefix ?? '{ea}';
    this.queueConnection = createRedisClient(options.url, STORE_TUNING);
    this.queueConnection.on('error', () => {});
    // No start-up round trip on the queue connection: BullMQ never retries a failed start-up, so a
    // Redis that is down at boot would break the queue for good. Commands fail fast instead and
    // ioredis reconnects by itself. (The worker does check the Redis version when it starts.)
    this.queue = new Queue<TimerData>(TIMER_QUEUE, {
      connection: this.queueConnection,
      prefix: this.prefix,
      skipVersionCheck: true,
      skipWaitingForReady: true,
    });
    this.queue.on('error', (err) => this.options.onError?.(err));
  }

  async schedule(job: Job): Promise<void> {
    if (this.stopped) throw new Error('Scheduler is stopped');
    const delay = Math.max(0, job.at.getTime() - (this.options.now ?? Date.now)());
    try {
      await this.queue.add(
        job.kind,
        { id: job.id, at: job.at.toISOString(), data: job.data },
        {
          jobId: encodeJobId(job.id),
          delay,
          // BullMQ runs jobs without a priority before prioritised ones: only pages go without.
          ...(job.urgent ? {} : { priority: 10 }),
          attempts: Math.max(1, this.options.attempts ?? 10),
          backoff: { type: 'exponential', delay: this.options.backoffMs ?? 1000 },
          removeOnComplete: { count: this.options.keepCompleted ?? 1000, age: this.options.keepCompletedSeconds ?? 7 * 24 * 3600 },
          removeOnFail: { count: this.options.keepFailed ?? 5000 },
        },
      );
    } catch (err) {
      throw unavailable(err);
    }
  }

  /** Removes the job if it is still waiting or delayed (including between retries); a running or finished job is left alone. */
  async cancel(id: string): Promise<void> {
    try {
      const bjob = await this.queue.getJob(encodeJobId(id));
      if (!bjob) return;
      const state = await bjob.getState();
      if ((PENDING_STATES as readonly string[]).includes(state)) await this.queue.remove(encodeJobId(id));
    } catch (err) {
      throw unavailable(err);
    }
  }

  /** Starts the worker; resolves once it has connected to Redis (it waits for Redis to be up). */
  async start(handler: JobHandler): Promise<void> {
    if (this.worker) throw new Error('Scheduler already started');
    if (this.stopped) throw new Error('Scheduler is stopped');
    this.workerConnection = createRedisClient(this.options.url, {
      maxRetriesPerRequest: null,
      retryDelay: STORE_TUNING.retryDelay,
    });
    this.workerConnection.on('error', () => {});
    const worker = new Worker<TimerData>(TIMER_QUEUE, async (bjob) => handler(toJob(bjob)), {
      connection: this.workerConnection,
      prefix: this.prefix,
      concurrency: this.options.concurrency ?? 4,
    });
    worker.on('error', (err) => this.options.onError?.(err));
    worker.on('failed', (bjob, err) => this.options.onError?.(err, bjob ? toJob(bjob) : undefined));
    this.worker = worker;
    await worker.waitUntilReady();
  }

  /** Stops the worker (waiting for running jobs), closes the queue and both connections. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.close();
    await this.queue.close();
    for (const client of [this.workerConnection, this.queueConnection]) {
      if (!client) continue;
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    }
  }

  async pending(): Promise<number> {
    try {
      const counts = await this.queue.getJobCounts(...PENDING_STATES);
      return Object.values(counts).reduce((sum, n) => sum + n, 0);
    } catch (err) {
      throw unavailable(err);
    }
  }

  /**
   * Due but not started: jobs waiting for a worker, plus delayed jobs more than `graceMs` past
   * their time (they stay delayed while no worker runs). Delayed scores are timestamp × 0x1000.
   */
  async overdue(graceMs = 5000): Promise<number> {
    try {
      const counts = await this.queue.getJobCounts('waiting', 'prioritized');
      const late = await this.queueConnection.zcount(`${this.prefix}:${TIMER_QUEUE}:delayed`, 0, (Date.now() - graceMs) * 0x1000);
      return Object.values(counts).reduce((sum, n) => sum + n, 0) + late;
    } catch (err) {
      throw unavailable(err);
    }
  }

  running(): boolean {
    return this.worker !== null && this.worker.isRunning();
  }
}
