// Fault: Slack delivers the same thing more than once (its retries, a double click, two copies
// racing each other). Each delivery after the first changes nothing: one incident, one page, one
// decision message.

import { BRUISING_CLICKS } from '../helpers/seed-answers.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dmOf, SlackE2E } from '../e2e/slack-driver.js';
import { requireRedis, uniquePrefix } from '../helpers/redis.js';
import { blockActions, dmMessage, postSlack, slashCommand, startFakeSlackApi, type FakeSlackApi } from '../helpers/slack.js';
import { cleanupApp, ONCALL, pagesTo, REPORTER, sleep } from './support.js';

let api: FakeSlackApi;
let e: SlackE2E;

beforeAll(async () => {
  await requireRedis();
  api = await startFakeSlackApi();
  e = await new SlackE2E(api, uniquePrefix('fault-dupes')).start();
});
afterAll(async () => {
  await e?.stop().catch(() => {});
  await e?.cleanup();
  await cleanupApp(e.prefix);
  await api?.close();
});

const answers: Record<string, string[]> = {
  life: ['no'],
  danger: ['no'],
  service: ['riverside-house'],
  when: ['1 hour ago', 'yes'],
  ...BRUISING_CLICKS,
};

describe('duplicate deliveries', () => {
  it('the same /incident twice, then the confirm delivered three times at once: one incident, one page', async () => {
    const start = slashCommand({ command: '/incident', text: 'Unexplained bruising on both forearms found during personal care.', user: REPORTER, triggerId: 'trig.dupe' });
    await e.send(start);
    const afterStart = api.calls.length;
    await e.send(start);
    expect(api.calls.length).toBe(afterStart);

    await e.answerIntake(REPORTER, answers, 0, 'confirm');
    const confirm = e.latestQuestion(REPORTER)!;
    expect(confirm.stepId).toBe('confirm');
    const yes = confirm.choices.get('yes')!;
    const click = blockActions({ user: REPORTER, actionId: yes.action_id, value: yes.value, channel: confirm.message.channel, messageTs: confirm.message.ts, actionTs: '1700000000.123456' });
    const results = await Promise.all([
      postSlack(e.eventsUrl, click),
      postSlack(e.eventsUrl, click),
      postSlack(e.eventsUrl, click, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } }),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    await e.app.slack!.idle();
    await e.waitFor('the page', () => pagesTo(api, ONCALL)[0]);
    await sleep(1000); // room for a wrong second page
    expect(pagesTo(api, ONCALL)).toHaveLength(1);
    expect(await e.app.ctx.store.list('incident')).toHaveLength(1);
    const decisions = e.messages({ channel: dmOf(REPORTER), methods: ['chat.postMessage'] }).filter((m) => /what happens next/.test(m.text));
    expect(decisions).toHaveLength(1);

    // A DM retried by Slack after the intake ended: answered once. (Only the reporter's DM is
    // counted: record and timeline jobs may still be writing to the escalations channel.)
    const toReporter = () => e.messages({ channel: dmOf(REPORTER) }).length;
    const before = toReporter();
    const dm = dmMessage({ user: REPORTER, text: 'hello', channel: dmOf(REPORTER), eventId: 'EvDUPE0001' });
    await e.send(dm);
    const once = toReporter();
    expect(once).toBeGreaterThan(before);
    await e.send(dm, { headers: { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_error' } });
    await e.app.slack!.idle();
    expect(toReporter()).toBe(once);
  }, 60_000);
});
