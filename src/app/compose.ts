// The composition root: configuration → store → scheduler → channels → assistant → HTTP server.
// Everything outside this file gets what it needs passed in, so tests can build the same app
// with a loopback Slack API, a loopback Bot Framework connector and a unique Redis prefix.

import type { Logger } from 'pino';
import type { Channel } from '../channels/port.js';
import { createSlack, type SlackAdapter } from '../channels/slack/index.js';
import { createTeams, type Teams } from '../channels/teams/index.js';
import { TerminalChannel, type Write } from '../channels/terminal/channel.js';
import type { Config } from '../config.js';
import { loadFlow } from '../conversations/flow-schema.js';
import { loadOrganisation } from '../conversations/organisation.js';
import { loadRules } from '../conversations/rules-schema.js';
import { decide } from '../core/rules/engine.js';
import type { Platform } from '../core/types.js';
import { loadLanguage } from './language.js';
import { BullMQScheduler } from '../scheduler/bullmq.js';
import { MemoryScheduler } from '../scheduler/memory.js';
import type { Scheduler } from '../scheduler/port.js';
import { HttpServer, sendJson, sendText } from '../server.js';
import { MemoryStore } from '../store/memory.js';
import type { Store } from '../store/port.js';
import { RedisStore } from '../store/redis.js';
import { Assistant } from './assistant.js';
import type { AppContext } from './context.js';
import { JobRunner } from './jobs.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';

export interface AppOptions {
  config: Config;
  logger?: Logger;
  /** Injectable clock (tests). */
  now?: () => Date;
  /** Overrides for tests: a store or scheduler built elsewhere. */
  store?: Store;
  scheduler?: Scheduler;
  /** Terminal channel output and the terminal user ids. */
  terminal?: { write: Write; reporterId: string };
}

export interface App {
  ctx: AppContext;
  assistant: Assistant;
  server: HttpServer;
  slack?: SlackAdapter;
  teams?: Teams;
  jobs: JobRunner;
  /** Start the timer worker and (unless port is null) the HTTP server; returns the bound port. */
  start(port?: number | null): Promise<number | null>;
  stop(): Promise<void>;
}

export function createApp(o: AppOptions): App {
  const cfg = o.config;
  const logger = o.logger ?? createLogger(cfg.logLevel);
  const now = o.now ?? (() => new Date());

  const org = loadOrganisation(cfg.orgFile);
  const rules = loadRules();
  const questions = rules.value.questions.map((q) => ({ key: q.key, values: q.values }));
  const flow = loadFlow(undefined, questions);

  if (!cfg.redisUrl && !o.store) logger.warn('REDIS_URL is not set: state is IN MEMORY and is lost when the app stops. Do not use this for real incidents.');
  const store = o.store ?? (cfg.redisUrl ? new RedisStore({ url: cfg.redisUrl, prefix: cfg.redisPrefix }) : new MemoryStore());
  const onJobError = (err: unknown, job?: { kind: string; data: Record<string, unknown> }) =>
    logger.warn({ err: String((err as Error)?.message ?? err), job: job?.kind, ref: job?.data['ref'] }, 'job failed; it will be retried');
  const scheduler =
    o.scheduler ??
    (cfg.redisUrl
      ? new BullMQScheduler({ url: cfg.redisUrl, prefix: `{${cfg.redisPrefix.replace(/:+$/, '')}}`, onError: onJobError, now: () => now().getTime() })
      : new MemoryScheduler({ mode: 'timers', onError: onJobError, backoffMs: 500 }));

  const metrics = createMetrics();
  const server = new HttpServer();
  const channels: Partial<Record<Platform, Channel>> = {};
  const ctx: AppContext = {
    store,
    scheduler,
    org,
    flow,
    rulesHash: rules.hash,
    decide: (answers) => decide(answers, rules.value),
    thresholdKeys: new Set(rules.value.questions.map((q) => q.key)),
    answerDefaults: Object.fromEntries(rules.value.questions.filter((q) => q.default !== null).map((q) => [q.key, q.default as string | string[]])),
    channels,
    now,
    logger,
    language: loadLanguage(org.timezone),
    metrics,
  };
  const assistant = new Assistant(ctx);
  const jobs = new JobRunner(ctx, assistant.incidents, assistant);
  ctx.runNow = (job) => jobs.run(job);

  let slack: SlackAdapter | undefined;
  let teams: Teams | undefined;
  if (cfg.channels.includes('slack') && cfg.slack) {
    slack = createSlack({
      botToken: cfg.slack.botToken,
      logger,
      ...(cfg.slack.signingSecret ? { signingSecret: cfg.slack.signingSecret } : {}),
      ...(cfg.slack.appToken ? { appToken: cfg.slack.appToken } : {}),
      ...(cfg.slack.apiUrl ? { apiUrl: cfg.slack.apiUrl } : {}),
      assistant,
      server,
      now: () => now().getTime(),
      onApiError: (kind) => metrics.platformErrors.inc({ platform: 'slack', kind }),
    });
    channels.slack = slack.channel;
  }
  if (cfg.channels.includes('teams') && cfg.teams) {
    teams = createTeams({
      ...cfg.teams,
      nodeEnv: cfg.production ? 'production' : 'development',
      store,
      assistant,
      server,
      now,
      timeZone: org.timezone,
      onApiError: (kind) => metrics.platformErrors.inc({ platform: 'teams', kind }),
    });
    channels.teams = teams.channel;
  }
  if (cfg.channels.includes('terminal') && o.terminal) {
    const names = new Map(org.people.map((p) => [p.id, p.name]));
    channels.terminal = new TerminalChannel(o.terminal.write, o.terminal.reporterId, (id) => names.get(id) ?? id);
  }

  server.route('GET', '/healthz', (_req, res) => sendText(res, 200, 'ok'));
  server.route('GET', '/readyz', async (_req, res) => {
    try {
      await store.ping();
      if (!scheduler.running()) return sendJson(res, 503, { ready: false, reason: 'timer worker not running' });
      sendJson(res, 200, { ready: true });
    } catch {
      sendJson(res, 503, { ready: false, reason: 'store unavailable' });
    }
  });
  server.route('GET', '/metrics', async (_req, res) => {
    metrics.timersPending.set(await scheduler.pending().catch(() => 0));
    if (scheduler.overdue) metrics.timersOverdue.set(await scheduler.overdue().catch(() => 0));
    res.writeHead(200, { 'content-type': metrics.registry.contentType });
    res.end(await metrics.registry.metrics());
  });

  let port: number | null = null;
  return {
    ctx,
    assistant,
    server,
    ...(slack ? { slack } : {}),
    ...(teams ? { teams } : {}),
    jobs,
    async start(p = cfg.port) {
      await scheduler.start((job) => jobs.run(job));
      await jobs.scheduleHousekeeping();
      if (slack?.mode === 'socket') await slack.start();
      if (p !== null) port = await server.listen(p);
      return port;
    },
    async stop() {
      await server.close();
      await slack?.stop();
      await teams?.stop();
      await scheduler.stop();
      await store.close();
    },
  };
}
