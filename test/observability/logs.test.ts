// Logs: pino JSON, every line of a request's work carrying its request id (also returned as
// X-Request-Id), job lines carrying the incident ref, and no personal data: a real narrative and
// the person's name go through the whole app and appear in no log line.

import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/app/logger.js';
import { dmOf } from '../e2e/slack-driver.js';
import { startHoldProxy, type HoldProxy } from '../faults/hold-proxy.js';
import { cleanupApp, clickReq, nextQuestion, ONCALL, pagesTo, REPORTER, startSlackApp, waitFor, type InProcessApp } from '../faults/support.js';
import { requireRedis, uniquePrefix } from '../helpers/redis.js';
import { apiField, dmMessage, postSlack, slashCommand, startFakeSlackApi, type FakeSlackApi } from '../helpers/slack.js';

const NARRATIVE = 'Quillon Brackenridge slipped by the conservatory doors and says his hip hurts badly';
const SECRET_WORDS = ['Quillon', 'Brackenridge', 'conservatory', 'hip hurts'];

class Lines extends Writable {
  readonly lines: Array<Record<string, unknown>> = [];
  readonly raw: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      this.raw.push(line);
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    done();
  }
}

const prefix = uniquePrefix('obs-logs');
const sink = new Lines();
let api: FakeSlackApi;
let proxy: HoldProxy;
let a: InProcessApp;

beforeAll(async () => {
  await requireRedis();
  api = await startFakeSlackApi();
  proxy = await startHoldProxy(api.url);
  a = await startSlackApp({ apiUrl: proxy.url, prefix, logger: createLogger('debug', sink) });
});
afterAll(async () => {
  await a?.app.stop().catch(() => {});
  await proxy?.close();
  await api?.close();
  await cleanupApp(prefix);
});

describe('logs', () => {
  it('carry a request id and an incident ref, and never the narrative or names', async () => {
    // A page that fails in the reporter's turn and in its queued copy (each use up the Web API
    // client's own retries on three 500s): a job log line, then the retry sends it.
    proxy.failNext((path, body) => path.endsWith('chat.postMessage') && apiField(body, 'channel') === dmOf(ONCALL), { status: 500 }, 6);
    await a.send(slashCommand({ command: '/incident', text: NARRATIVE, user: REPORTER }));
    const life = await nextQuestion(a ? api : api, REPORTER, 0, 'the life question');
    await a.send(clickReq(REPORTER, life, 'yes')); // an emergency: the page is queued at once
    await a.send(dmMessage({ user: REPORTER, text: `Subject is ${SECRET_WORDS[0]} ${SECRET_WORDS[1]}`, channel: dmOf(REPORTER) }));
    await waitFor('the page after the failure', () => pagesTo(api, ONCALL)[0], 20_000);

    // A refused request (bad signature) is logged with the request id the response carries.
    const refused = await fetch(a.eventsUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'lb-req-0001' }, body: JSON.stringify({ type: 'event_callback', text: NARRATIVE }) });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-request-id')).toBe('lb-req-0001');
    const unsafeId = await fetch(a.base + '/healthz', { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(unsafeId.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/); // a fresh id, not the caller's text

    const verification = await waitFor('the refusal log line', () => sink.lines.find((l) => l['reqId'] === 'lb-req-0001'));
    expect(verification['level']).toBe(40);
    const jobFailed = await waitFor('the job failure line', () => sink.lines.find((l) => l['msg'] === 'job failed; it will be retried'));
    expect(jobFailed['job']).toBe('page');
    expect(String(jobFailed['ref'])).toMatch(/^[A-Z]+-\d{4}-\d+$/);

    for (const word of SECRET_WORDS) expect(sink.raw.filter((l) => l.includes(word))).toEqual([]);
    expect(sink.lines.length).toBeGreaterThan(1);
    expect(sink.lines.every((l) => typeof l['time'] === 'number' && typeof l['level'] === 'number')).toBe(true);
  }, 45_000);

  it('redacts fields that could carry personal data', () => {
    const out = new Lines();
    const log = createLogger('info', out);
    log.info({ text: NARRATIVE, narrative: NARRATIVE, event: { text: NARRATIVE, subject: 'Q.B.' }, answers: { subject: 'Q.B.' }, token: 'xoxb-secret' }, 'x');
    expect(out.raw).toHaveLength(1);
    for (const word of [...SECRET_WORDS, 'Q.B.', 'xoxb-secret']) expect(out.raw[0]).not.toContain(word);
    expect(out.lines[0]!['text']).toBe('[redacted]');
  });

  it('a line logged while handling a request that posts nothing still has its request id', async () => {
    const res = await postSlack(a.eventsUrl, slashCommand({ command: '/incident', text: NARRATIVE, user: REPORTER }), { secret: 'wrong-secret', headers: { 'x-request-id': 'lb-req-0002' } });
    expect(res.status).toBe(401);
    await waitFor('the line', () => sink.lines.find((l) => l['reqId'] === 'lb-req-0002'));
  });
});
