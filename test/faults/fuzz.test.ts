// Fault: malformed, oversized and random requests on every endpoint (/slack/events, /api/messages,
// /healthz, /readyz, /metrics and unknown paths), from a fixed seed. The app (a child process, as
// in production) answers each with a 4xx (200 for the health and metrics GETs), never a 5xx, and
// never crashes: afterwards it still answers /healthz.

import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireRedis, uniquePrefix } from '../helpers/redis.js';
import { signSlackRequest, SIGNING_SECRET, startFakeSlackApi, type FakeSlackApi } from '../helpers/slack.js';
import { cleanupApp, slackEnv, spawnApp, type ChildApp } from './support.js';

const prefix = uniquePrefix('fault-fuzz');
let api: FakeSlackApi;
let child: ChildApp | undefined;

beforeAll(async () => {
  await requireRedis();
  api = await startFakeSlackApi();
});
afterAll(async () => {
  if (child && child.proc.exitCode === null) child.proc.kill('SIGKILL');
  await api?.close();
  await cleanupApp(prefix);
});

/** mulberry32: a small seeded PRNG, so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** Signed correctly for Slack and well-formed JSON: may be accepted (200). */
  maybeAccepted: boolean;
  oversized: boolean;
}

function makeCases(n: number, seed: number): Case[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (max: number) => Math.floor(rnd() * max);
  const word = () => Array.from({ length: 1 + int(12) }, () => String.fromCharCode(32 + int(95))).join('');
  const value = (depth: number): unknown => {
    switch (depth > 3 ? int(4) : int(7)) {
      case 0:
        return word();
      case 1:
        return rnd() * 1e6 - 5e5;
      case 2:
        return pick([true, false, null]);
      case 3:
        return pick(['message', 'event_callback', 'block_actions', 'url_verification', 'conversationUpdate', 'invoke', '']);
      case 4:
        return Array.from({ length: int(4) }, () => value(depth + 1));
      default: {
        const keys = ['type', 'event', 'payload', 'actions', 'user', 'text', 'channel', 'challenge', 'command', 'from', 'conversation', 'value', 'id', 'channelId', 'recipient', 'view', word()];
        return Object.fromEntries(Array.from({ length: int(6) }, () => [pick(keys), value(depth + 1)]));
      }
    }
  };
  const endpoints = [
    ['POST', '/slack/events'],
    ['POST', '/slack/events'],
    ['POST', '/slack/events'],
    ['POST', '/api/messages'],
    ['POST', '/api/messages'],
    ['GET', '/healthz'],
    ['GET', '/readyz'],
    ['GET', '/metrics'],
    ['POST', '/healthz'],
    ['GET', '/slack/events'],
    ['PUT', '/api/messages'],
    ['POST', '/unknown'],
    ['GET', '/../../etc/passwd'],
    ['DELETE', '/metrics?x=1'],
  ] as const;
  const contentTypes = ['application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/json; charset=utf-8', 'multipart/form-data; boundary=x', ''];
  const cases: Case[] = [];
  for (let i = 0; i < n; i++) {
    const [method, path] = pick(endpoints);
    let body: Buffer;
    let json = false;
    let oversized = false;
    switch (int(7)) {
      case 0:
        body = Buffer.from(Array.from({ length: int(2000) }, () => int(256)));
        break;
      case 1:
        body = Buffer.from(JSON.stringify(value(0)));
        json = true;
        break;
      case 2:
        body = Buffer.from(JSON.stringify(value(0)).slice(0, int(40)));
        break;
      case 3:
        body = Buffer.from(`payload=${encodeURIComponent(pick([JSON.stringify(value(0)), word(), '{"type":"block_actions"']))}&command=${encodeURIComponent(word())}`);
        break;
      case 4:
        body = Buffer.alloc(0);
        break;
      case 5:
        body = i % 25 === 0 ? Buffer.alloc(1_200_000, 0x61) : Buffer.from(word().repeat(int(50)));
        oversized = body.length > 1_000_000;
        break;
      default:
        body = Buffer.from(`{"type":"event_callback","event":{"type":"message","channel_type":"im","user":${JSON.stringify(value(2))},"text":${JSON.stringify(word())}},"event_id":"Ev${i}"}`);
        json = true;
    }
    const headers: Record<string, string> = {};
    const ct = pick(contentTypes);
    if (ct) headers['content-type'] = ct;
    const signing = int(3);
    if (path === '/slack/events' && signing > 0) {
      const ts = signing === 2 ? Math.floor(Date.now() / 1000) : pick([0, 1, Math.floor(Date.now() / 1000) - 3600]);
      Object.assign(headers, signSlackRequest(signing === 2 ? SIGNING_SECRET : word(), body.toString('utf8'), ts));
    }
    if (path === '/api/messages' && rnd() < 0.5) headers['authorization'] = pick(['Bearer ' + word(), 'Bearer a.b.c', 'Basic Zm9vOmJhcg==', word()]);
    if (rnd() < 0.2) headers[`x-${word().replace(/[^a-z]/gi, 'a') || 'a'}`] = word().replace(/[^\x20-\x7e]/g, '');
    const maybeAccepted = path === '/slack/events' && signing === 2 && json && (ct.startsWith('application/json'));
    cases.push({ method, path, headers, body, maybeAccepted, oversized });
  }
  return cases;
}

function send(port: number, c: Case): Promise<number | 'reset'> {
  return new Promise((resolve) => {
    // A connection per request, and an explicit length (Node sends a GET body with neither length nor chunking).
    const headers = { ...c.headers, 'content-length': String(c.body.length) };
    const req = request({ host: '127.0.0.1', port, method: c.method, path: c.path, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve('reset'));
    });
    req.on('error', () => resolve('reset'));
    req.setTimeout(10_000, () => req.destroy());
    req.end(c.body);
  });
}

describe('malformed, oversized and random requests', () => {
  it('300 random requests on every endpoint: no 5xx, no crash, /healthz still answers', async () => {
    // Teams as in production: an app id and password, so every activity must carry a valid token.
    child = await spawnApp({ ...slackEnv(api.url, prefix), CHANNELS: 'slack,teams', MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001', MICROSOFT_APP_PASSWORD: 'fuzz-password' });
    const problems: string[] = [];
    const cases = makeCases(300, 20261126);
    for (const [i, c] of cases.entries()) {
      const status = await send(child.port, c);
      const path = c.path.split('?')[0];
      const health = c.method === 'GET' && (path === '/healthz' || path === '/readyz' || path === '/metrics');
      const ok =
        status === 'reset'
          ? c.oversized // the server may cut off a body past the limit
          : health
            ? status === 200 || (c.oversized && status === 413)
            : c.maybeAccepted
              ? status < 500
              : status >= 400 && status < 500;
      if (!ok) problems.push(`#${i} ${c.method} ${c.path} ${JSON.stringify(c.headers['content-type'] ?? '')} ${c.body.length}B → ${status}`);
    }
    expect(problems).toEqual([]);
    expect(child.proc.exitCode).toBeNull();
    const res = await fetch(`http://127.0.0.1:${child.port}/healthz`);
    expect(res.status).toBe(200);
  }, 90_000);
});
