// Fault: Redis goes away in the middle of an intake (a loopback TCP proxy in front of the real
// Redis is cut) and comes back. The reporter is told plainly to phone the on-call manager; no
// answer already given is lost; once Redis is back the intake carries on from the same question.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionKey, type Session } from '../../src/core/intake/session.js';
import { RedisStore } from '../../src/store/redis.js';
import { dmOf } from '../e2e/slack-driver.js';
import { eventually, RedisProxy, requireRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.js';
import { slashCommand, startFakeSlackApi, type FakeSlackApi } from '../helpers/slack.js';
import { cleanupApp, clickReq, nextQuestion, posted, REPORTER, startSlackApp, waitFor, type InProcessApp } from './support.js';

const prefix = uniquePrefix('fault-redis');
let api: FakeSlackApi;
let proxy: RedisProxy;
let a: InProcessApp | undefined;

beforeAll(async () => {
  await requireRedis();
  api = await startFakeSlackApi();
  proxy = new RedisProxy();
  await proxy.start();
});

afterAll(async () => {
  await a?.app.stop().catch(() => {});
  await proxy?.stop();
  await api?.close();
  await cleanupApp(prefix);
});

describe('Redis restarting mid-intake', () => {
  it('tells the reporter to phone, loses no answer, and carries on when Redis is back', async () => {
    a = await startSlackApp({ apiUrl: api.url, prefix, redisUrl: proxy.url });
    await a.send(slashCommand({ command: '/incident', text: 'Fall in the lounge, resident on the floor', user: REPORTER }));
    const life = await nextQuestion(api, REPORTER, 0, 'the life question');
    let from = api.calls.length;
    await a.send(clickReq(REPORTER, life, 'no'));
    const danger = await nextQuestion(api, REPORTER, from, 'the danger question');
    from = api.calls.length;
    await a.send(clickReq(REPORTER, danger, 'no'));
    const service = await nextQuestion(api, REPORTER, from, 'the service question');
    expect(service.stepId).toBe('service');

    await proxy.stop(); // Redis is gone
    from = api.calls.length;
    await a.send(clickReq(REPORTER, service, 'riverside-house'));
    const told = await waitFor('the message to phone', () => posted(api, dmOf(REPORTER), from).find((m) => /phone the on-call manager/i.test(m.all)));
    expect(told.all).toMatch(/cannot save anything right now/i);
    expect(told.all).toContain('07700 900101'); // the on-call manager's number, so they can act at once
    expect(told.all).toMatch(/earlier answers are kept/i);
    expect(latestStep(from)).toBeNull(); // no new question was asked while Redis was down
    const ready = await fetch(`${a.base}/readyz`);
    expect(ready.status).toBe(503);

    await proxy.start(); // Redis is back (same port)
    await eventually(async () => {
      const r = await fetch(`${a!.base}/readyz`);
      if (r.status !== 200) throw new Error(`readyz ${r.status}`);
    });
    from = api.calls.length;
    await a.send(clickReq(REPORTER, service, 'riverside-house')); // the reporter tries again
    const next = await nextQuestion(api, REPORTER, from, 'the question after the service');
    expect(next.stepId).toBe('subject');

    const store = new RedisStore({ url: testRedisUrl(), prefix });
    try {
      const s = (await store.get<Session>('session', sessionKey({ platform: 'slack', id: REPORTER })))!.value;
      expect(s.answers).toMatchObject({ immediate_life_risk: 'no', ongoing_danger: 'no' });
      expect(s.fields.serviceId).toBe('riverside-house');
      expect(s.fields.narrative).toBe('Fall in the lounge, resident on the floor');
      expect(s.history).toEqual(['life', 'danger', 'service']);
    } finally {
      await store.close();
    }
  }, 60_000);
});

function latestStep(from: number): string | null {
  return posted(api, dmOf(REPORTER), from).find((m) => m.buttons.some((b) => b.action_id.startsWith('choice'))) ? 'asked' : null;
}
