// The small logger the Slack adapter writes to (pino-compatible: `logger.warn({ ...fields }, 'msg')`)
// and an adapter that gives Bolt a logger without letting it print payloads. Nothing here logs
// message text, names or tokens: only event kinds, error codes and ids.

import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';

export interface SlackLogger {
  debug(obj: Record<string, unknown>, msg?: string): void;
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
}

export const silentLogger: SlackLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

/** Bolt's logger interface over ours. Bolt's debug output (which may include payloads) is dropped. */
export function boltLogger(logger: SlackLogger): BoltLogger {
  let level = LogLevel.WARN;
  const text = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : '')).join(' ').slice(0, 300);
  return {
    debug: () => {},
    info: () => {},
    warn: (...msg: unknown[]) => logger.warn({ component: 'bolt' }, text(msg)),
    error: (...msg: unknown[]) => logger.error({ component: 'bolt' }, text(msg)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

/** A short, non-personal description of an error for logs: its code or name. */
export function errorCode(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown; data?: { error?: unknown } } | undefined;
  if (typeof e?.data?.error === 'string') return e.data.error;
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.name === 'string') return e.name;
  return 'unknown';
}
