// Runs work after Slack has been acknowledged, so no request waits for it, and keeps track of it
// so that `stop()` (and tests) can wait until everything started has finished. Errors are logged
// by kind and code only, never with message content.

import { errorCode, type SlackLogger } from './logger.js';

export class WorkTracker {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly logger: SlackLogger) {}

  /** Start `fn` now without waiting for it. */
  run(kind: string, fn: () => Promise<unknown>): void {
    const p: Promise<void> = Promise.resolve()
      .then(fn)
      .then(
        () => undefined,
        (err: unknown) => this.logger.error({ kind, err: errorCode(err) }, 'Slack work failed'),
      )
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }

  /** Resolves when no work is running (including work started while waiting). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
