// Builds the whole app for tests: the real composition root with a manual MemoryScheduler clock,
// and a driver for the terminal chat that types one line at a time and waits for the effects.

import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { createApp, type App } from '../../src/app/compose.js';
import { runRepl } from '../../src/channels/terminal/repl.js';
import { loadConfig } from '../../src/config.js';
import type { Session } from '../../src/core/intake/session.js';
import type { Incident } from '../../src/core/types.js';
import { MemoryScheduler } from '../../src/scheduler/memory.js';
import type { Store } from '../../src/store/port.js';

export const silentLogger = pino({ level: 'silent' });

export interface TerminalHarness {
  app: App;
  scheduler: MemoryScheduler;
  out: string[];
  /** Everything printed since the last call. */
  take(): string;
  /** Type one line and wait until it and every job due now have run. */
  type(line: string): Promise<void>;
  /** Answer questions from a map of step id → typed answer until the report is sent. */
  answer(answers: Record<string, string | string[]>, until?: string): Promise<void>;
  session(): Promise<Session | null>;
  incident(ref: string): Promise<Incident | null>;
  lastRef(): Promise<string>;
  stop(): Promise<void>;
}

export async function terminalHarness(opts: { store?: Store; env?: Record<string, string> } = {}): Promise<TerminalHarness> {
  const scheduler = new MemoryScheduler();
  const out: string[] = [];
  let taken = 0;
  const app = createApp({
    config: loadConfig({ CHANNELS: 'terminal', ...(opts.env ?? {}) }),
    logger: silentLogger,
    now: () => new Date(scheduler.now()),
    scheduler,
    ...(opts.store ? { store: opts.store } : {}),
    terminal: { write: (t) => out.push(t), reporterId: 'reporter' },
  });
  await app.start(null);
  const input = new PassThrough();
  let settled: (() => void) | null = null;
  const waitSettled = () => new Promise<void>((r) => (settled = r));
  const first = waitSettled();
  const manager = app.ctx.org.people.find((p) => p.slackUserId === 'UONCALL01')!.id;
  const done = runRepl({
    assistant: app.assistant,
    reporter: { platform: 'terminal', id: 'reporter', name: 'Test reporter' },
    manager: () => manager,
    write: (t) => out.push(t),
    input,
    settle: async () => {
      await scheduler.runDue();
      const s = settled;
      settled = null;
      s?.();
    },
  });
  await first;
  const h: TerminalHarness = {
    app,
    scheduler,
    out,
    take() {
      const text = out.slice(taken).join('');
      taken = out.length;
      return text;
    },
    async type(line) {
      const w = waitSettled();
      input.write(`${line}\n`);
      await w;
    },
    async session() {
      return (await app.ctx.store.get<Session>('session', 'terminal:reporter'))?.value ?? null;
    },
    async answer(answers, until) {
      for (let i = 0; i < 80; i++) {
        const s = await h.session();
        if (!s || s.status !== 'active' || s.stepId === until) return;
        const given = answers[s.stepId];
        const a = Array.isArray(given) ? given.shift() : given;
        if (a === undefined) throw new Error(`test gave no answer for step "${s.stepId}"`);
        await h.type(a);
      }
      throw new Error('intake did not finish');
    },
    async incident(ref) {
      return (await app.ctx.store.get<Incident>('incident', ref))?.value ?? null;
    },
    async lastRef() {
      const s = await h.session();
      if (!s?.ref) throw new Error('no incident yet');
      return s.ref;
    },
    async stop() {
      input.end();
      await done;
      await app.stop();
    },
  };
  return h;
}
