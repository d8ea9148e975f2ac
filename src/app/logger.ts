// pino JSON logs. Personal data and secrets never reach a log line: the redact list below covers
// the fields that could carry them, and code logs ids, codes and counts, never narratives.

import { pino, type Logger } from 'pino';
import { logContext } from './log-context.js';

export const REDACT_PATHS = [
  'text',
  'narrative',
  'subject',
  'answers',
  'who',
  'reason',
  'reference',
  'user.name',
  'token',
  'password',
  'authorization',
  'headers.authorization',
  'headers["x-slack-signature"]',
  '*.text',
  '*.narrative',
  '*.subject',
  '*.token',
  '*.password',
];

export function createLogger(level = 'info', destination?: NodeJS.WritableStream): Logger {
  // mixin: every line carries the request id and incident ref it belongs to (see log-context.ts).
  const options = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'escalation-assistant' }, mixin: () => ({ ...logContext() }) };
  return destination ? pino(options, destination as never) : pino(options);
}
