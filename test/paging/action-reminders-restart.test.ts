// Reminders for agreed actions are durable timers: they fire on time even when the app that set
// them has stopped and another instance starts (real Redis and BullMQ).

import { format } from 'date-fns';
import { tz } from '@date-fns/tz';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { DEFAULT_ORGANISATION_FILE } from '../../src/conversations/organisation.js';
import { eventually, requireRedis } from '../helpers/redis.js';
import { cleanup, newPrefix, reportEmergency, startRedisApp, type RedisApp } from '../helpers/redis-app.js';

let apps: RedisApp[] = [];
let prefix = '';
beforeAll(async () => {
  await requireRedis();
});
afterEach(async () => {
  for (const a of apps) await a.app.stop().catch(() => undefined);
  apps = [];
  await cleanup(prefix);
});

it('reminds the owner before and when an action is due, after a restart in between', async () => {
  prefix = newPrefix('action-restart');
  // Due dates are typed to the minute: run the app's clock so the due minute is 8 s away (the
  // reminder before it falls due at 4 s): time enough to stop the first app under any load.
  const realNow = Date.now();
  const due = Math.ceil((realNow + 120_000) / 60_000) * 60_000;
  const offset = due - 8000 - realNow;
  const clock = () => new Date(Date.now() + offset);
  const dueText = format(new Date(due), 'yyyy-MM-dd HH:mm', { in: tz('Europe/London') });

  const first = await startRedisApp(prefix, DEFAULT_ORGANISATION_FILE, clock);
  apps.push(first);
  const ref = await reportEmergency(first.app);
  const manager = { platform: 'terminal' as const, id: 'sam-okafor' };
  await first.app.assistant.handle({ type: 'ack', user: manager, ref });
  await first.app.assistant.handle({ type: 'message', user: manager, text: `action ${ref} Share CCTV stills with the police | priya-desai | ${dueText} | police_101` });
  expect(first.text()).toMatch(/Action added/);
  await first.app.stop();
  apps = [];
  expect(first.text()).not.toMatch(/Reminder: action A1/);

  await new Promise((r) => setTimeout(r, Math.max(0, realNow + 8500 - Date.now()))); // both fall due while no app runs
  const second = await startRedisApp(prefix, DEFAULT_ORGANISATION_FILE, clock);
  apps.push(second);
  await eventually(async () => {
    expect(second.text()).toMatch(/Message to Priya Desai[\s\S]*Reminder: action A1/);
    expect(second.text()).toMatch(/Message to Priya Desai[\s\S]*Overdue: action A1/);
  }, 60, 200);
  const types = (await second.app.ctx.store.read(ref)).map((e) => e.type);
  expect(types).toContain('action_overdue');
});
