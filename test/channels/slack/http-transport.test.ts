// The lean Slack API transport: what a client sends arrives intact, what comes back is read,
// and a silent peer ends the call instead of hanging it.

import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createSlackPost } from '../../../src/channels/slack/http-transport.js';
import { CLIENT_HEADER, createSlackClients } from '../../../src/channels/slack/web-clients.js';
import { serve } from './loopback-api.js';

describe('the Slack API transport', () => {
  it('carries a POST out (path, headers, body and its length in bytes) and reads the answer back', async () => {
    const { url, seen } = await serve((_s, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, ts: '1700000000.000100' }));
    });
    const body = JSON.stringify({ channel: 'D1', text: 'Hello £ and “quotes”' });
    const reply = await createSlackPost()(`${url}chat.postMessage`, { authorization: 'Bearer xoxb-test', 'content-type': 'application/json; charset=utf-8' }, body);
    expect(reply).toEqual({ status: 200, body: JSON.stringify({ ok: true, ts: '1700000000.000100' }) });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.url).toBe('/api/chat.postMessage');
    expect(seen[0]!.headers['authorization']).toBe('Bearer xoxb-test');
    expect(Number(seen[0]!.headers['content-length'])).toBe(Buffer.byteLength(body));
    expect(seen[0]!.body).toBe(body);
  });

  it('reads a 429 with its Retry-After, and any other status with its body', async () => {
    const { url } = await serve((_s, res, n) => {
      if (n === 1) res.writeHead(429, { 'retry-after': '7' }).end();
      else res.writeHead(500, { 'content-type': 'text/plain' }).end('broken');
    });
    const post = createSlackPost();
    expect(await post(`${url}chat.postMessage`, {}, 'a=1')).toEqual({ status: 429, retryAfter: '7', body: '' });
    expect(await post(`${url}chat.postMessage`, {}, 'a=1')).toEqual({ status: 500, body: 'broken' });
  });

  it('gives up on a peer that never answers', async () => {
    const { url } = await serve(() => undefined);
    await expect(createSlackPost(200)(`${url}chat.postMessage`, {}, 'a=1')).rejects.toThrow(/timed out after 200 ms/);
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
