// Environment variables (see ../shared/contract.md and the README), validated with zod so a bad
// value stops start-up with one clear line instead of a strange failure later.

import { z } from 'zod';

const CHANNEL_NAMES = ['slack', 'teams', 'terminal'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

const EnvSchema = z.object({
  NODE_ENV: z.string().optional(),
  CHANNELS: z.string().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  REDIS_URL: z.string().optional(),
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_{}-]*$/, 'letters, digits, : _ { } - only').default('ea:'),
  SLACK_BOT_TOKEN: z.string().optional(),
  SLACK_SIGNING_SECRET: z.string().optional(),
  SLACK_APP_TOKEN: z.string().optional(),
  SLACK_API_URL: z.url().optional(),
  MICROSOFT_APP_ID: z.string().optional(),
  MICROSOFT_APP_PASSWORD: z.string().optional(),
  MICROSOFT_APP_TENANT_ID: z.string().optional(),
  MICROSOFT_APP_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional(),
  ESCALATION_ORG_FILE: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  production: boolean;
  channels: ChannelName[];
  port: number;
  redisUrl?: string;
  redisPrefix: string;
  slack?: { botToken: string; signingSecret: string; appToken?: string; apiUrl?: string };
  teams?: { appId: string; appPassword: string; tenantId: string; appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI' };
  orgFile?: string;
  logLevel: string;
}

export class ConfigEnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigEnvError';
  }
}

const blank = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new ConfigEnvError(`${i.path.join('.')}: ${i.message}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const slackSet = Boolean(blank(e.SLACK_BOT_TOKEN) && (blank(e.SLACK_SIGNING_SECRET) || blank(e.SLACK_APP_TOKEN)));
  const teamsSet = Boolean(blank(e.MICROSOFT_APP_ID));
  let channels: ChannelName[];
  if (e.CHANNELS) {
    channels = e.CHANNELS.split(',').map((c) => c.trim()).filter(Boolean) as ChannelName[];
    const bad = channels.find((c) => !CHANNEL_NAMES.includes(c));
    if (bad) throw new ConfigEnvError(`CHANNELS: unknown channel "${bad}" (use slack, teams, terminal)`);
  } else {
    channels = [...(slackSet ? (['slack'] as const) : []), ...(teamsSet ? (['teams'] as const) : [])];
    if (!channels.length) channels = ['terminal'];
  }
  if (production && !e.REDIS_URL) throw new ConfigEnvError('REDIS_URL is required when NODE_ENV=production');
  const cfg: Config = { production, channels, port: e.PORT, redisPrefix: e.REDIS_PREFIX, logLevel: e.LOG_LEVEL };
  if (e.REDIS_URL) cfg.redisUrl = e.REDIS_URL;
  if (e.ESCALATION_ORG_FILE) cfg.orgFile = e.ESCALATION_ORG_FILE;
  if (channels.includes('slack')) {
    if (!blank(e.SLACK_BOT_TOKEN)) throw new ConfigEnvError('SLACK_BOT_TOKEN is needed to serve Slack');
    if (!blank(e.SLACK_SIGNING_SECRET) && !blank(e.SLACK_APP_TOKEN))
      throw new ConfigEnvError('SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode) is needed to serve Slack');
    cfg.slack = { botToken: e.SLACK_BOT_TOKEN!, signingSecret: e.SLACK_SIGNING_SECRET ?? '' };
    if (e.SLACK_APP_TOKEN) cfg.slack.appToken = e.SLACK_APP_TOKEN;
    if (e.SLACK_API_URL) cfg.slack.apiUrl = e.SLACK_API_URL;
  }
  if (channels.includes('teams')) {
    if (!blank(e.MICROSOFT_APP_ID) && production)
      throw new ConfigEnvError('MICROSOFT_APP_ID is required for Teams when NODE_ENV=production (unauthenticated Bot Framework is for local testing only)');
    cfg.teams = {
      appId: e.MICROSOFT_APP_ID ?? '',
      appPassword: e.MICROSOFT_APP_PASSWORD ?? '',
      tenantId: e.MICROSOFT_APP_TENANT_ID ?? '',
      appType: e.MICROSOFT_APP_TYPE ?? (e.MICROSOFT_APP_TENANT_ID ? 'SingleTenant' : 'MultiTenant'),
    };
  }
  return cfg;
}
