// Correlation ids for log lines: the id of the HTTP request being handled and the incident ref
// (and kind) of the durable job being run. AsyncLocalStorage carries them through the work a
// request or job starts, and logger.ts adds them to every pino line. Ids only, never content.

import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export interface LogContext {
  reqId?: string;
  ref?: string;
  job?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Run `fn` with `ctx` added to the current log context. */
export function withLogContext<T>(ctx: LogContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...ctx }, fn);
}

/** The current log context ({} outside any request or job). */
export function logContext(): LogContext {
  return storage.getStore() ?? {};
}

const SAFE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The caller's X-Request-Id when it is a plain short id (from a load balancer), else a new one. */
export function requestId(header: unknown): string {
  return typeof header === 'string' && SAFE_ID.test(header) ? header : randomUUID();
}
