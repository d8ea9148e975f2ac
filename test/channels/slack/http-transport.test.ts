// The lean Slack API transport: what the WebClient sends arrives intact, what it reads comes back,
// and a silent peer or an abort ends the call instead of hanging it.

import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { webApi } from '@slack/bolt';
import { createSlackFetch } from '../../../src/channels/slack/http-transport.js';
import { CLIENT_HEADER, createSlackClients } from '../../../src/channels/slack/web-clients.js';
import { serve } from './loopback-api.js';

describe('the Slack API transport', () => {
  it('carries a WebClient call: method, path, headers and form body out; status, headers and JSON back', async () => {
    const { url, seen } = await serve((_s, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-oauth-scopes': 'chat:write' });
      res.end(JSON.stringify({ ok: true, channel: 'D1', ts: '1700000000.000100' }));
    });
    const client = new webApi.WebClient('xoxb-test', { slackApiUrl: url, fetch: createSlackFetch(), timeout: 0, logLevel: webApi.LogLevel.ERROR });
    const result = await client.chat.postMessage({ channel: 'D1', text: 'Hello £ and “quotes”', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x' } }] });
    expect(result).toMatchObject({ ok: true, ts: '1700000000.000100' });
    expect(result.response_metadata?.scopes).toEqual(['chat:write']);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.url).toBe('/api/chat.postMessage');
    expect(seen[0]!.headers['authorization']).toBe('Bearer xoxb-test');
    expect(Number(seen[0]!.headers['content-length'])).toBe(Buffer.byteLength(seen[0]!.body));
    const form = new URLSearchParams(seen[0]!.body);
    expect(form.get('text')).toBe('Hello £ and “quotes”');
    expect(JSON.parse(form.get('blocks')!)).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: 'x' } }]);
  });

  it('hands a 429 and its Retry-After to the WebClient, which reports it as rate limited', async () => {
    const { url } = await serve((_s, res) => {
      res.writeHead(429, { 'retry-after': '7' });
      res.end();
    });
    const client = new webApi.WebClient('xoxb-test', { slackApiUrl: url, fetch: createSlackFetch(), timeout: 0, rejectRateLimitedCalls: true, logLevel: webApi.LogLevel.ERROR });
    await expect(client.chat.postMessage({ channel: 'D1', text: 'x' })).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 });
  });

  it('reads a non-200 answer as text', async () => {
    const { url } = await serve((_s, res) => {
      res.writeHead(500, 'Internal Server Error', { 'content-type': 'text/plain' });
      res.end('broken');
    });
    const res = await createSlackFetch()(`${url}chat.postMessage`, { method: 'POST', body: 'a=1' });
    expect(res.status).toBe(500);
    expect(res.statusText).toBe('Internal Server Error');
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(await res.text()).toBe('broken');
  });

  it('gives up on a peer that never answers', async () => {
    const { url } = await serve(() => undefined);
    await expect(createSlackFetch(200)(`${url}chat.postMessage`, { method: 'POST', body: 'a=1' })).rejects.toThrow(/timed out after 200 ms/);
  });

  it('stops when the caller aborts', async () => {
    const { url } = await serve(() => undefined);
    const abort = new AbortController();
    const call = createSlackFetch()(`${url}chat.postMessage`, { method: 'POST', body: 'a=1', signal: abort.signal });
    setTimeout(() => abort.abort(new Error('caller gave up')), 50);
    await expect(call).rejects.toThrow(/caller gave up/);
  });

  it('passes a binary body (a file upload form) to the built-in fetch', async () => {
    const { url, seen } = await serve((_s, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array([1, 2, 3])]), 'a.bin');
    const res = await createSlackFetch()(`${url}files.upload`, { method: 'POST', body: form });
    expect(await res.json()).toEqual({ ok: true });
    expect(seen[0]!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
  });

  it('gives each client its own connections: a page goes out while every record connection is stuck', async () => {
    const held: ServerResponse[] = [];
    const answer = (res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, channel: 'DONCALL01', ts: '1700000000.000200' }));
    };
    const { url, seen } = await serve((s, res) => (s.headers[CLIENT_HEADER] === 'records' && held.length < 64 ? held.push(res) : answer(res)));
    const clients = createSlackClients('xoxb-test', url);
    const records = Array.from({ length: 70 }, () => clients.records.call('chat.update', { channel: 'CESCALATIONS', ts: '1.1', text: 'record' }));
    await new Promise((r) => setTimeout(r, 200));
    expect(held).toHaveLength(64); // every record connection is in use; six more wait for one
    expect(seen).toHaveLength(64);
    const page = await clients.direct.call('chat.postMessage', { channel: 'DONCALL01', text: 'PAGE' });
    expect(page.ok).toBe(true);
    for (const res of held) answer(res);
    expect((await Promise.all(records)).every((r) => r.ok)).toBe(true);
  });
});
