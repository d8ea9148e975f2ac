// Fault: the Slack API fails the page to the on-call manager (HTTP 500, or 429 with Retry-After)
// several times in a row. The page is delayed, never dropped, and arrives exactly once; the
// failures show in /metrics. A failed first record post is tried again at once, not after its claim lapses.

import { describe, expect, it } from 'vitest';
import { dmOf } from '../e2e/slack-driver.js';
import { apiField, slashCommand, type FakeSlackApi } from '../helpers/slack.js';
import { cleanupAfterEach, clickReq, nextQuestion, ONCALL, pagesTo, posted, REPORTER, sleep, startProxiedApp, waitFor, type InProcessApp } from './support.js';

const toManager = (path: string, body: string) => path.endsWith('chat.postMessage') && apiField(body, 'channel') === dmOf(ONCALL);

const cleanup = cleanupAfterEach();

const setUp = (label: string) => startProxiedApp(label, cleanup);

/** An emergency report: the page job is queued as soon as the reporter answers "yes" to the first question. */
async function emergency(api: FakeSlackApi, a: InProcessApp): Promise<void> {
  await a.send(slashCommand({ command: '/incident', text: 'Resident collapsed, not breathing', user: REPORTER }));
  const life = await nextQuestion(api, REPORTER, 0, 'the life question');
  await a.send(clickReq(REPORTER, life, 'yes'));
}

async function metric(a: InProcessApp, name: string): Promise<number> {
  const text = await (await fetch(`${a.base}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

describe('the Slack API failing a page or a record post', () => {
  it('HTTP 500 five times: the page arrives later, once', async () => {
    const { api, proxy, a } = await setUp('fault-slack-500');
    proxy.failNext(toManager, { status: 500 }, 5);
    await emergency(api, a);
    const page = await waitFor('the page after the failures', () => pagesTo(api, ONCALL)[0], 25_000);
    expect(proxy.failed()).toBe(5);
    expect(page.all).toMatch(/URGENT/);
    await sleep(1500); // room for a wrong second delivery
    expect(pagesTo(api, ONCALL)).toHaveLength(1);
    expect(await metric(a, 'escalation_pages_failed_total')).toBeGreaterThanOrEqual(1);
    expect(await metric(a, 'escalation_pages_sent_total')).toBe(1);
  }, 40_000);

  it('HTTP 429 with Retry-After five times: the page waits as asked, then arrives once', async () => {
    const { api, proxy, a } = await setUp('fault-slack-429');
    proxy.failNext(toManager, { status: 429, retryAfter: 1 }, 5);
    await emergency(api, a);
    await waitFor('the page after the rate limits', () => pagesTo(api, ONCALL)[0], 25_000);
    expect(proxy.failed()).toBe(5);
    await sleep(1500);
    expect(pagesTo(api, ONCALL)).toHaveLength(1);
    expect(await metric(a, 'escalation_platform_errors_total')).toBeGreaterThanOrEqual(1);
  }, 40_000);

  it('HTTP 500 on the first record post: the next try posts it (a failed post gives back its claim)', async () => {
    const { api, proxy, a } = await setUp('fault-slack-record');
    const toChannel = (path: string, body: string) => path.endsWith('chat.postMessage') && apiField(body, 'channel') === 'CESCALATIONS' && !apiField(body, 'thread_ts');
    proxy.failNext(toChannel, { status: 500 }, 3); // the client tries three times: the whole first attempt fails
    await emergency(api, a);
    // A claim kept after the failure would hold the record back for five minutes.
    await waitFor('the record after the failure', () => posted(api, 'CESCALATIONS').find((m) => !m.threadTs), 15_000);
    expect(proxy.failed()).toBe(3);
    await sleep(1000);
    expect(posted(api, 'CESCALATIONS').filter((m) => !m.threadTs)).toHaveLength(1);
  }, 30_000);

  it("counts a failed call in the reporter's turn in /metrics, not only in timer jobs", async () => {
    const { api, proxy, a } = await setUp('fault-slack-turn');
    const toReporter = (path: string, body: string) => path.endsWith('chat.postMessage') && apiField(body, 'channel') === dmOf(REPORTER);
    proxy.failNext(toReporter, { status: 500 }, 3); // every try of the first message to the reporter
    expect(await metric(a, 'escalation_platform_errors_total{platform="slack",kind="http_error"}')).toBe(0);
    await a.send(slashCommand({ command: '/incident', text: 'Resident fell in the lounge', user: REPORTER }));
    await waitFor('the failure counted', async () => (await metric(a, 'escalation_platform_errors_total{platform="slack",kind="http_error"}')) >= 1);
    expect(proxy.failed()).toBe(3);
    // The reporter is still told what to do.
    await waitFor('a message to the reporter', () => posted(api, dmOf(REPORTER))[0]);
  }, 30_000);
});
