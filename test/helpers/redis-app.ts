// The whole app on the real Redis and BullMQ, for paging and timer tests: a unique key prefix,
// the terminal channel capturing what it prints, and an organisation file whose acknowledgement
// timeouts are shortened so a whole escalation runs in seconds.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createApp, type App } from '../../src/app/compose.js';
import { loadConfig } from '../../src/config.js';
import { DEFAULT_ORGANISATION_FILE } from '../../src/conversations/organisation.js';
import type { Incident, UserRef } from '../../src/core/types.js';
import { cleanupPrefix, testRedisUrl, uniquePrefix } from './redis.js';
import { silentLogger } from './app.js';

/** A copy of the example organisation with every acknowledgement timeout set to `minutes`. */
export function fastOrgFile(minutes: number): string {
  const text = readFileSync(DEFAULT_ORGANISATION_FILE, 'utf8').replace(/ackTimeoutMinutes: \d+/g, `ackTimeoutMinutes: ${minutes}`);
  const dir = mkdtempSync(join(tmpdir(), 'ea-org-'));
  const file = join(dir, 'organisation.yaml');
  writeFileSync(file, text);
  return file;
}

export interface RedisApp {
  app: App;
  out: string[];
  text(): string;
}

export async function startRedisApp(prefix: string, orgFile: string, now?: () => Date): Promise<RedisApp> {
  const out: string[] = [];
  const app = createApp({
    ...(now ? { now } : {}),
    config: loadConfig({ CHANNELS: 'terminal', REDIS_URL: testRedisUrl(), REDIS_PREFIX: prefix, ESCALATION_ORG_FILE: orgFile }),
    logger: silentLogger,
    terminal: { write: (t) => out.push(t), reporterId: 'reporter' },
  });
  await app.start(null);
  return { app, out, text: () => out.join('') };
}

export const reporter: UserRef = { platform: 'terminal', id: 'reporter', name: 'Test reporter' };

/** Start an intake and answer the first safety question "yes": an emergency that pages at once. */
export async function reportEmergency(app: App): Promise<string> {
  await app.assistant.handle({ type: 'start', user: reporter });
  await app.assistant.handle({ type: 'message', user: reporter, text: 'yes' });
  const s = await app.ctx.store.get<{ ref?: string }>('session', 'terminal:reporter');
  if (!s?.value.ref) throw new Error('no incident was made');
  return s.value.ref;
}

export async function incident(app: App, ref: string): Promise<Incident> {
  return (await app.ctx.store.get<Incident>('incident', ref))!.value;
}

export function newPrefix(label: string): string {
  return uniquePrefix(label);
}

export async function cleanup(prefix: string): Promise<void> {
  const redis = new Redis(testRedisUrl());
  try {
    await cleanupPrefix(redis, prefix);
    const tag = `{${prefix.replace(/:+$/, '')}}`;
    await cleanupPrefix(redis, tag);
  } finally {
    redis.disconnect();
  }
}

export const count = (text: string, re: RegExp) => (text.match(new RegExp(re.source, 'g')) ?? []).length;
