// Graceful shutdown: SIGTERM while a page job is in flight (its chat.postMessage to the on-call
// manager held by a proxy). The process finishes the job, closes its workers and exits 0; the
// incident in Redis shows the page as sent.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../src/core/types.js';
import { RedisStore } from '../../src/store/redis.js';
import { dmOf } from '../e2e/slack-driver.js';
import { startHoldProxy, type HoldProxy } from '../faults/hold-proxy.js';
import { cleanupApp, nextQuestion, ONCALL, REPORTER, slackEnv, spawnApp, waitFor, type ChildApp } from '../faults/support.js';
import { requireRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.js';
import { apiField, blockActions, postSlack, slashCommand, startFakeSlackApi, type FakeSlackApi } from '../helpers/slack.js';

const prefix = uniquePrefix('obs-shutdown');
let api: FakeSlackApi;
let proxy: HoldProxy;
let child: ChildApp | undefined;

beforeAll(async () => {
  await requireRedis();
  api = await startFakeSlackApi();
  proxy = await startHoldProxy(api.url, (path, body) => path.endsWith('chat.postMessage') && apiField(body, 'channel') === dmOf(ONCALL));
});

afterAll(async () => {
  if (child && child.proc.exitCode === null) child.proc.kill('SIGKILL');
  await proxy?.close();
  await api?.close();
  await cleanupApp(prefix);
});

describe('graceful shutdown', () => {
  it('SIGTERM with a page in flight: the page completes, then the process exits 0', async () => {
    child = await spawnApp(slackEnv(proxy.url, prefix));
    await postSlack(child.eventsUrl, slashCommand({ command: '/incident', text: 'Resident collapsed, not breathing', user: REPORTER }));
    const life = await nextQuestion(api, REPORTER, 0, 'the life question');
    const yes = life.choices.get('yes')!;
    await postSlack(child.eventsUrl, blockActions({ user: REPORTER, actionId: yes.action_id, value: yes.value, channel: life.message.channel, messageTs: life.message.ts }));
    // The emergency page job is now running, waiting on the Slack API.
    await waitFor('the page to be in flight', () => proxy.held() > 0);
    const before = api.calls.length;

    child.proc.kill('SIGTERM');
    // Still running: it is waiting for the job. Let the Slack API answer.
    await new Promise((r) => setTimeout(r, 300));
    expect(child.proc.exitCode).toBeNull();
    proxy.release();

    expect(await child.exited).toBe(0);
    const pages = api.calls.slice(before).filter((c) => c.method === 'chat.postMessage' && c.params.channel === dmOf(ONCALL) && c.status === 200);
    expect(pages).toHaveLength(1);
    const store = new RedisStore({ url: testRedisUrl(), prefix });
    try {
      const refs = await store.list('incident');
      expect(refs).toHaveLength(1);
      const inc = (await store.get<Incident>('incident', refs[0]!))!.value;
      expect(inc.paging.state).toBe('paging');
      expect(Object.values(inc.messages.pages ?? {}).flat()).toHaveLength(1);
    } finally {
      await store.close();
    }
    expect(child.lines.some((l) => l.includes('shutting down'))).toBe(true);
  }, 90_000);
});
