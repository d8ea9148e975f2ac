// The Scheduler port: durable timers. bullmq.ts uses BullMQ delayed jobs with deterministic job
// ids, so a job fires once across instances and survives a crash; memory.ts is for the local
// chat and unit tests. Handlers must re-read state and do nothing when the work is already done.

export interface Job {
  /** Deterministic id, e.g. "page:RH-2026-0042:t1:a2". Scheduling the same id twice is a no-op. */
  id: string;
  /** Handler name, e.g. "page", "repage", "reminder", "recheck", "intake-idle". */
  kind: string;
  /** When it should run (past or now = as soon as possible). */
  at: Date;
  data: Record<string, unknown>;
  /** Pages: run before any other due job (record updates, reminders) so they never wait behind them. */
  urgent?: boolean;
}

export type JobHandler = (job: Job) => Promise<void>;

export interface Scheduler {
  /** Queue a job durably. Resolves only once the job is stored. */
  schedule(job: Job): Promise<void>;
  /** Remove a pending job; no error when it is gone already. */
  cancel(id: string): Promise<void>;
  /** Start running due jobs with `handler`. A failed handler is retried with back-off. */
  start(handler: JobHandler): Promise<void>;
  /** Stop taking jobs and wait for running ones to finish. */
  stop(): Promise<void>;
  /** Jobs waiting or delayed. */
  pending(): Promise<number>;
  /** Jobs whose time passed more than `graceMs` ago and that have not started (for /metrics). */
  overdue?(graceMs?: number): Promise<number>;
  /** True while the worker is running (for /readyz). */
  running(): boolean;
}
