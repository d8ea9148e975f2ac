// /healthz, /readyz and /metrics as in shared/contract.md: readiness needs Redis and a running
// timer worker; /metrics serves every figure the issue names, including overdue timers.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/compose.js';
import { loadConfig } from '../../src/config.js';
import { eventually, RedisProxy, requireRedis, testRedisUrl, uniquePrefix, cleanupPrefix } from '../helpers/redis.js';
import { startFakeSlackApi, type FakeSlackApi } from '../helpers/slack.js';
import { slackEnv, startSlackApp } from '../faults/support.js';

const prefixes: string[] = [];
let api: FakeSlackApi;
beforeAll(async () => {
  await requireRedis();
  api = await startFakeSlackApi();
});
afterAll(async () => {
  await api?.close();
  const redis = new Redis(testRedisUrl());
  for (const p of prefixes) {
    await cleanupPrefix(redis, p);
    await cleanupPrefix(redis, `{${p.replace(/:+$/, '')}}`);
  }
  redis.disconnect();
});
const newPrefix = (label: string) => {
  const p = uniquePrefix(label);
  prefixes.push(p);
  return p;
};

describe('health endpoints', () => {
  it('/readyz is 200 with Redis and the worker running, 503 while the store is down, 200 again after', async () => {
    const proxy = new RedisProxy();
    await proxy.start();
    const a = await startSlackApp({ apiUrl: api.url, prefix: newPrefix('obs-ready'), redisUrl: proxy.url });
    try {
      const ok = await fetch(`${a.base}/readyz`);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ ready: true });
      await proxy.stop();
      const down = await fetch(`${a.base}/readyz`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ ready: false, reason: 'store unavailable' });
      expect((await fetch(`${a.base}/healthz`)).status).toBe(200); // alive, just not ready
      await proxy.start();
      await eventually(async () => {
        const r = await fetch(`${a.base}/readyz`);
        if (r.status !== 200) throw new Error(String(r.status));
      });
    } finally {
      await a.app.stop();
      await proxy.stop();
    }
  }, 30_000);

  it('/readyz is 503 while the timer worker is not running; /metrics counts an overdue timer', async () => {
    const config = loadConfig({ ...slackEnv(api.url, newPrefix('obs-worker')), LOG_LEVEL: 'silent' });
    const app = createApp({ config });
    const port = await app.server.listen(0, '127.0.0.1'); // HTTP only: the worker is not started
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ ready: false, reason: 'timer worker not running' });
      await app.ctx.scheduler.schedule({ id: 'obs-test:overdue', kind: 'noop', at: new Date(Date.now() - 60_000), data: {} });
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(text).toMatch(/^escalation_timers_overdue 1$/m);
      expect(text).toMatch(/^escalation_timers_pending 1$/m);
    } finally {
      await app.stop();
    }
  }, 30_000);

  it('/metrics names every figure: turns, pages sent and failed, time to acknowledge, timers, platform errors', async () => {
    const a = await startSlackApp({ apiUrl: api.url, prefix: newPrefix('obs-metrics') });
    try {
      const res = await fetch(`${a.base}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/plain/);
      const text = await res.text();
      for (const name of [
        'escalation_turn_seconds',
        'escalation_pages_sent_total',
        'escalation_pages_failed_total',
        'escalation_time_to_acknowledge_seconds',
        'escalation_timers_pending',
        'escalation_timers_overdue',
        'escalation_platform_errors_total',
      ])
        expect(text).toContain(`# TYPE ${name} `);
    } finally {
      await a.app.stop();
    }
  });
});
