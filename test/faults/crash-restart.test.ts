// Fault: the app is killed (SIGKILL, no chance to tidy up) in the middle of an intake. A new
// process on the same Redis carries on at the same question, with every earlier answer kept.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionKey, type Session } from '../../src/core/intake/session.js';
import { RedisStore } from '../../src/store/redis.js';
import { dmOf } from '../e2e/slack-driver.js';
import { requireRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.js';
import { blockActions, postSlack, slashCommand, startFakeSlackApi, type FakeSlackApi } from '../helpers/slack.js';
import { cleanupApp, nextQuestion, REPORTER, slackEnv, spawnApp, waitFor, type ChildApp } from './support.js';

const prefix = uniquePrefix('fault-crash');
let api: FakeSlackApi;
const children: ChildApp[] = [];

beforeAll(async () => {
  await requireRedis();
  api = await startFakeSlackApi();
});

afterAll(async () => {
  for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
  await api?.close();
  await cleanupApp(prefix);
});

describe('crash mid-intake', () => {
  it('SIGKILL after two answers; a new process resumes at the same question with the answers kept', async () => {
    const first = await spawnApp(slackEnv(api.url, prefix));
    children.push(first);
    const click = (app: ChildApp, q: { message: { channel: string; ts: string } }, button: { action_id: string; value: string }) =>
      postSlack(app.eventsUrl, blockActions({ user: REPORTER, actionId: button.action_id, value: button.value, channel: q.message.channel, messageTs: q.message.ts }));

    expect((await postSlack(first.eventsUrl, slashCommand({ command: '/incident', text: 'Medication given twice by mistake', user: REPORTER }))).status).toBe(200);
    const life = await nextQuestion(api, REPORTER, 0, 'the life question');
    expect(life.stepId).toBe('life');
    let from = api.calls.length;
    await click(first, life, life.choices.get('no')!);
    const danger = await nextQuestion(api, REPORTER, from, 'the danger question');
    expect(danger.stepId).toBe('danger');
    from = api.calls.length;
    await click(first, danger, danger.choices.get('no')!);
    const service = await nextQuestion(api, REPORTER, from, 'the service question');
    expect(service.stepId).toBe('service');

    first.proc.kill('SIGKILL');
    expect(await first.exited).toBeNull(); // killed by the signal, no exit code

    const second = await spawnApp(slackEnv(api.url, prefix));
    children.push(second);
    from = api.calls.length;
    const res = await click(second, service, service.choices.get('riverside-house')!);
    expect(res.status).toBe(200);
    const after = await nextQuestion(api, REPORTER, from, 'the question after the service');
    expect(after.stepId).toBe('subject');
    // The service question is answered in place by the new process (just after it asks the next one).
    await waitFor('the answered service question', () => api.calls.slice(from).some((c) => c.method === 'chat.update' && c.params.ts === service.message.ts && c.params.channel === dmOf(REPORTER)));

    const store = new RedisStore({ url: testRedisUrl(), prefix });
    try {
      const got = await store.get<Session>('session', sessionKey({ platform: 'slack', id: REPORTER }));
      expect(got?.value.status).toBe('active');
      expect(got?.value.answers).toMatchObject({ immediate_life_risk: 'no', ongoing_danger: 'no' });
      expect(got?.value.fields.serviceId).toBe('riverside-house');
      expect(got?.value.fields.narrative).toBe('Medication given twice by mistake');
      expect(got?.value.stepId).toBe('subject');
    } finally {
      await store.close();
    }
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 90_000);
});
