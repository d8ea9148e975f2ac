// Scale-out: two app instances (two ports, one Redis prefix, both BullMQ workers running) share
// nothing but Redis. One intake moves between them, each answer going to the other instance; the
// on-call manager is paged exactly once and the record is posted once.

import { walkIntake } from '../e2e/intake-walker.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ESCALATIONS_CHANNEL, type Answers } from '../e2e/slack-driver.js';
import { cleanupApp, posted, clickReq, latestQuestion, ONCALL, pagesTo, REPORTER, sleep, startSlackApp, waitFor, type InProcessApp } from '../faults/support.js';
import { requireRedis, uniquePrefix } from '../helpers/redis.js';
import { appMention, dmMessage, slashCommand, startFakeSlackApi, type FakeSlackApi } from '../helpers/slack.js';
import { dmOf } from '../e2e/slack-driver.js';
import { SUICIDAL_CHAT_NARRATIVE, SUICIDAL_CLICKS } from '../helpers/seed-answers.js';

const prefix = uniquePrefix('scale-two');
let api: FakeSlackApi;
const apps: InProcessApp[] = [];

beforeAll(async () => {
  await requireRedis();
  api = await startFakeSlackApi();
  apps.push(await startSlackApp({ apiUrl: api.url, prefix }), await startSlackApp({ apiUrl: api.url, prefix }));
});
afterAll(async () => {
  for (const a of apps) await a.app.stop().catch(() => {});
  await api?.close();
  await cleanupApp(prefix);
});

// The suicidal-intent example at Riverside House, every step answered by the walker.
const answers: Answers = { life: ['no'], danger: ['no'], when: ['1 hour ago', 'yes'], ...SUICIDAL_CLICKS, service: ['riverside-house'], confirm: ['yes'] };

describe('two instances behind one Redis', () => {
  it('an intake alternates between instances answer by answer; the page fires once', async () => {
    expect(apps[0]!.port).not.toBe(apps[1]!.port);
    expect(apps.every((a) => a.app.ctx.scheduler.running())).toBe(true);
    await apps[0]!.send(slashCommand({ command: '/incident', text: SUICIDAL_CHAT_NARRATIVE, user: REPORTER }));

    const served: number[] = [];
    const instance = (turn: number) => {
      const target = (turn + 1) % 2; // instance 1, 0, 1, 0, ...
      served.push(target);
      return apps[target]!;
    };
    await walkIntake({
      plan: answers,
      latest: (since) => latestQuestion(api, REPORTER, since),
      calls: () => api.calls.length,
      click: (q, _button, turn, choiceId) => instance(turn).send(clickReq(REPORTER, q, choiceId)),
      type: (text, turn) => instance(turn).send(dmMessage({ user: REPORTER, text, channel: dmOf(REPORTER) })),
      after: (q, since) => waitFor(`an answer to ${q.stepId}`, () => api.calls.length > since),
    });
    expect(served.length).toBeGreaterThan(8);
    expect(new Set(served)).toEqual(new Set([0, 1]));
    await waitFor('the decision', () => posted(api, dmOf(REPORTER)).find((m) => /what happens next/.test(m.text)));

    await waitFor('the page', () => pagesTo(api, ONCALL)[0]);
    await waitFor('the record', () => posted(api, ESCALATIONS_CHANNEL).find((m) => !m.threadTs));
    await sleep(1500); // room for a wrong second page from the other instance
    expect(pagesTo(api, ONCALL)).toHaveLength(1);
    expect(posted(api, ESCALATIONS_CHANNEL).filter((m) => !m.threadTs)).toHaveLength(1);
    expect(await apps[1]!.app.ctx.store.list('incident')).toHaveLength(1);
  }, 60_000);

  it('a mention delivered to both instances (a Slack retry) gets one thread reply and one intake', async () => {
    const user = 'UMENTION1';
    const mention = appMention({ user, channel: 'C0CARE001', text: '<@UBOT0001> can someone help', ts: '1700000000.000777', eventId: 'EvMENTION2X' });
    await Promise.all([apps[0]!.send(mention), apps[1]!.send(mention, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } })]);
    await waitFor('the first question', () => latestQuestion(api, user));
    await sleep(500);
    const threadReplies = api.calls.filter((c) => c.method === 'chat.postMessage' && c.params.channel === 'C0CARE001' && c.params.thread_ts === '1700000000.000777');
    expect(threadReplies).toHaveLength(1);
    expect(posted(api, dmOf(user)).filter((m) => /call 999 first/.test(m.text))).toHaveLength(1);
  }, 30_000);
});
