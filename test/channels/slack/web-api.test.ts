// The Slack Web API client: what it sends (JSON with a bearer token for messages, a form for the
// rest), and each way a call can fail, with the WebClient's error codes that callers rely on.

import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { CLIENT_HEADER, SlackApi, SlackApiError, slackErrorKind } from '../../../src/channels/slack/web-clients.js';
import { closeLoopbackApi, serve } from './loopback-api.js';

const ok = (res: ServerResponse, body: Record<string, unknown>) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const failure = (p: Promise<unknown>) => p.then(() => null, (err: unknown) => err as SlackApiError);

describe('the Slack Web API client', () => {
  it('posts a message as JSON with the token in the Authorization header and returns the answer', async () => {
    const { url, seen } = await serve((_s, res) => ok(res, { ok: true, channel: 'D1', ts: '1700000000.000100' }));
    const api = new SlackApi('xoxb-test', url, 'direct');
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'Hello £ and “quotes”' } }];
    const result = await api.call('chat.postMessage', { channel: 'D1', text: 'Hello', blocks, unfurl_links: false });
    expect(result).toEqual({ ok: true, channel: 'D1', ts: '1700000000.000100' });
    expect(seen[0]!.url).toBe('/api/chat.postMessage');
    expect(seen[0]!.headers['authorization']).toBe('Bearer xoxb-test');
    expect(seen[0]!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(seen[0]!.headers[CLIENT_HEADER]).toBe('direct');
    expect(JSON.parse(seen[0]!.body)).toEqual({ channel: 'D1', text: 'Hello', blocks, unfurl_links: false });
  });

  it('sends other methods as a form, with nested values as JSON text', async () => {
    const { url, seen } = await serve((_s, res) => ok(res, { ok: true, channel: { id: 'D9' } }));
    const result = await new SlackApi('xoxb-test', url, 'direct').call('conversations.open', { users: 'U9', extra: { a: 1 }, skipped: undefined });
    expect(result['channel']).toEqual({ id: 'D9' });
    expect(seen[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(seen[0]!.body))).toEqual({ users: 'U9', extra: '{"a":1}' });
  });

  it('an ok:false answer is a platform error carrying the answer, and is not retried', async () => {
    const { url, seen } = await serve((_s, res) => ok(res, { ok: false, error: 'channel_not_found' }));
    const err = await failure(new SlackApi('xoxb-test', url, 'direct', [1, 1]).call('chat.postMessage', { channel: 'DX', text: 'x' }));
    expect(err).toBeInstanceOf(SlackApiError);
    expect(err).toMatchObject({ code: 'slack_webapi_platform_error', data: { ok: false, error: 'channel_not_found' } });
    expect(slackErrorKind(err)).toBe('platform_error');
    expect(seen).toHaveLength(1);
  });

  it('a 429 is a rate-limited error with Retry-After in seconds, and is left to the caller to retry', async () => {
    const { url, seen } = await serve((_s, res) => {
      res.writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
    });
    const err = await failure(new SlackApi('xoxb-test', url, 'direct', [1, 1]).call('chat.postMessage', { channel: 'D1', text: 'x' }));
    expect(err).toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 });
    expect(slackErrorKind(err)).toBe('rate_limited');
    expect(seen).toHaveLength(1);
  });

  it('a 5xx is retried after each wait, and the call succeeds when Slack recovers', async () => {
    const { url, seen } = await serve((_s, res, n) => {
      if (n < 3) {
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('Service unavailable');
        return;
      }
      ok(res, { ok: true, ts: '1.2' });
    });
    const result = await new SlackApi('xoxb-test', url, 'records', [5, 5]).call('chat.update', { channel: 'C1', ts: '1.2', text: 'x' });
    expect(result.ok).toBe(true);
    expect(seen).toHaveLength(3);
  });

  it('a 5xx that lasts is an HTTP error with its status after the retries', async () => {
    const { url, seen } = await serve((_s, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal error');
    });
    const err = await failure(new SlackApi('xoxb-test', url, 'direct', [5, 5]).call('chat.postMessage', { channel: 'D1', text: 'x' }));
    expect(err).toMatchObject({ code: 'slack_webapi_http_error', statusCode: 500 });
    expect(seen).toHaveLength(3);
  });

  it('a peer that cannot be reached is a request error after the retries', async () => {
    const { url } = await serve((_s, res) => ok(res, { ok: true }));
    await closeLoopbackApi();
    const err = await failure(new SlackApi('xoxb-test', url, 'direct', [5, 5]).call('chat.postMessage', { channel: 'D1', text: 'x' }));
    expect(err).toMatchObject({ code: 'slack_webapi_request_error' });
    expect(slackErrorKind(err)).toBe('request_error');
  });

  it('an answer that is not JSON is an HTTP error, not a crash', async () => {
    const { url } = await serve((_s, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>proxy error</html>');
    });
    const err = await failure(new SlackApi('xoxb-test', url, 'direct', [5, 5]).call('chat.postMessage', { channel: 'D1', text: 'x' }));
    expect(err).toMatchObject({ code: 'slack_webapi_http_error', statusCode: 200 });
  });
});
