// Support for the fault and scale-out tests: run the real app as a child process (`src/main.ts`,
// configured only by environment, as in production), read what it posted from the fake Slack
// API, and wait (bounded) for things to happen. No timed assertions: waits only bound a test.

import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { createApp, type App } from '../../src/app/compose.js';
import { loadConfig } from '../../src/config.js';
import { asQuestion, dmOf, SlackE2E, toPosted, type Posted, type Question } from '../e2e/slack-driver.js';
import { Redis } from 'ioredis';
import { afterEach, beforeAll } from 'vitest';
import { cleanupPrefix, requireRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.js';
import { blockActions, postSlack, slackEnv, startFakeSlackApi, type FakeSlackApi, type PostOptions, type SlackRequest } from '../helpers/slack.js';
import { startHoldProxy, type HoldProxy } from './hold-proxy.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const REPORTER = 'UREPORTER1';
export const ONCALL = 'UONCALL01'; // tier 1 at every hour in the example organisation

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll `find` until it returns something (bounded); throws naming `what` on time-out. */
export async function waitFor<T>(what: string, find: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await find();
    if (got) return got;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(25);
  }
}

export { slackEnv } from '../helpers/slack.js';

export interface ChildApp {
  proc: ChildProcess;
  port: number;
  eventsUrl: string;
  /** Every stdout line (pino JSON) so far. */
  lines: string[];
  exited: Promise<number | null>;
}

/** Start `npx tsx src/main.ts` (as `node --import tsx`) with `env`; resolves once it listens. */
export async function spawnApp(env: Record<string, string>): Promise<ChildApp> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'main.ts')], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let errText = '';
  let buffered = '';
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    proc.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        const m = /"port":(\d+)/.exec(line);
        if (m && line.includes('listening')) resolve(Number(m[1]));
      }
    });
    proc.stderr!.on('data', (chunk: Buffer) => (errText += chunk.toString('utf8')));
    void exited.then((code) => reject(new Error(`app exited (${code}) before listening: ${errText.slice(0, 500)}`)));
    setTimeout(() => reject(new Error(`app did not start in time: ${errText.slice(0, 500)}`)), 25_000).unref();
  });
  return { proc, port, eventsUrl: `http://127.0.0.1:${port}/slack/events`, lines, exited };
}

/** Messages posted (not updated) to `channel` from call index `from`. */
export function posted(api: FakeSlackApi, channel: string, from = 0): Posted[] {
  return api.calls
    .map((c, i) => ({ c, i }))
    .filter(({ c, i }) => i >= from && c.status === 200 && c.method === 'chat.postMessage' && c.params.channel === channel)
    .map(({ c, i }) => toPosted(c, i));
}

/** The newest question in `user`'s DM at or after call index `from` (posted, or re-drawn in place with its buttons). */
export function latestQuestion(api: FakeSlackApi, user: string, from = 0): Question | null {
  const channel = dmOf(user);
  const msgs = api.calls
    .map((c, i) => ({ c, i }))
    .filter(({ c, i }) => i >= from && c.status === 200 && (c.method === 'chat.postMessage' || c.method === 'chat.update') && c.params.channel === channel)
    .map(({ c, i }) => toPosted(c, i))
    .filter((m) => m.method === 'chat.postMessage' || m.buttons.some((b) => b.action_id.startsWith('choice')));
  for (let i = msgs.length - 1; i >= 0; i--) {
    const q = asQuestion(msgs[i]!);
    if (q) return q;
  }
  return null;
}

/** Wait for a question in `user`'s DM at or after `from`. */
export const nextQuestion = (api: FakeSlackApi, user: string, from: number, what = 'the next question') =>
  waitFor(what, () => latestQuestion(api, user, from));

/** Pages (messages with an Acknowledge button) in `user`'s DM. */
export const pagesTo = (api: FakeSlackApi, user: string) =>
  posted(api, dmOf(user)).filter((m) => m.buttons.some((b) => b.action_id.startsWith('ack')));

export interface InProcessApp {
  app: App;
  port: number;
  eventsUrl: string;
  base: string;
  /** POST a signed request and wait for the work it started (not for durable jobs). */
  send(req: SlackRequest, opts?: PostOptions): Promise<{ status: number; text: string }>;
}

/** createApp in this process (Slack over HTTP, real Redis or `redisUrl`), started on an ephemeral port. */
export async function startSlackApp(o: { apiUrl: string; prefix: string; redisUrl?: string; logger?: Logger; extraEnv?: Record<string, string> }): Promise<InProcessApp> {
  const config = loadConfig({ ...slackEnv(o.apiUrl, o.prefix, o.redisUrl), LOG_LEVEL: 'silent', ...o.extraEnv });
  const app = createApp({ config, ...(o.logger ? { logger: o.logger } : {}) });
  const port = (await app.start(0))!;
  const base = `http://127.0.0.1:${port}`;
  const eventsUrl = `${base}/slack/events`;
  return {
    app,
    port,
    base,
    eventsUrl,
    async send(req, opts) {
      const res = await postSlack(eventsUrl, req, opts);
      await app.slack!.idle();
      return res;
    },
  };
}

/** Click `button` on question `q` as `user`. */
export const clickReq = (user: string, q: Question, choiceId: string) => {
  const b = q.choices.get(choiceId);
  if (!b) throw new Error(`no choice ${choiceId} at step ${q.stepId}`);
  return blockActions({ user, actionId: b.action_id, value: b.value, channel: q.message.channel, messageTs: q.message.ts });
};

/** Delete a test's keys: the store's (`prefix…`) and BullMQ's (`{prefix}…`, as compose.ts names them). */
export async function cleanupApp(prefix: string): Promise<void> {
  const redis = new Redis(testRedisUrl());
  try {
    await cleanupPrefix(redis, prefix);
    await cleanupPrefix(redis, `{${prefix.replace(/:+$/, '')}}`);
  } finally {
    redis.disconnect();
  }
}

/**
 * The app in this process behind a hold-and-fail proxy in front of the fake Slack API (see
 * hold-proxy.ts). Everything it started is added to `cleanup`, to run (in reverse) after the test.
 */
export async function startProxiedApp(
  label: string,
  cleanup: Array<() => Promise<unknown>>,
  hold?: (path: string, body: string) => boolean,
): Promise<{ api: FakeSlackApi; proxy: HoldProxy; a: InProcessApp }> {
  const prefix = uniquePrefix(label);
  const api = await startFakeSlackApi();
  const proxy = await startHoldProxy(api.url, hold);
  const a = await startSlackApp({ apiUrl: proxy.url, prefix });
  cleanup.push(
    () => api.close(),
    () => proxy.close(),
    () => cleanupApp(prefix),
    () => a.app.stop(),
  );
  return { api, proxy, a };
}

/** Every durable job `app` runs from now on (by the scheduler or at once in a turn), and whether it threw. */
export function watchJobRuns(app: App): Array<{ kind: string; failed: boolean }> {
  const runs: Array<{ kind: string; failed: boolean }> = [];
  const run = app.jobs.run.bind(app.jobs);
  app.jobs.run = async (job) => {
    try {
      await run(job);
      runs.push({ kind: job.kind, failed: false });
    } catch (err) {
      runs.push({ kind: job.kind, failed: true });
      throw err;
    }
  };
  return runs;
}

/** The Slack end-to-end driver (answerIntake and the rest) on its own app and fake Slack API, undone after the test. */
export async function startSlackE2E(label: string, cleanup: Array<() => Promise<unknown>>): Promise<SlackE2E> {
  const api = await startFakeSlackApi();
  const e = await new SlackE2E(api, uniquePrefix(label)).start();
  cleanup.push(
    () => api.close(),
    () => cleanupApp(e.prefix),
    () => e.stop(),
  );
  return e;
}

/** For a test file: Redis must answer, and what a test pushes onto the list is undone after it, last first. */
export function cleanupAfterEach(): Array<() => Promise<unknown>> {
  const cleanup: Array<() => Promise<unknown>> = [];
  beforeAll(async () => {
    await requireRedis();
  });
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f().catch(() => {});
  });
  return cleanup;
}
