// The HTTP transport under the Slack Web API clients (web-clients.ts): a small `fetch` on
// node:http(s) with keep-alive connections. The clients only POST JSON or form text and read the
// status, a few headers and the body, so this needs none of the web-streams machinery of Node's
// built-in fetch, which cost about as much CPU per call as everything else in a turn (see the
// Performance section of the README). Anything else (a file upload's FormData) goes to the
// built-in fetch.

import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** Give up on a call after this long with no answer (the client then retries it). */
export const SLACK_CALL_TIMEOUT_MS = 10_000;
/** Largest response body read (Slack's answers are a few kB; this only bounds a broken peer). */
const MAX_BODY_BYTES = 16 * 2 ** 20;

/** The part of a fetch Response the Slack clients read. */
class LeanResponse {
  readonly ok: boolean;
  readonly statusText: string;
  readonly headers: Headers;
  constructor(
    readonly status: number,
    statusText: string | undefined,
    headers: IncomingMessage['headers'],
    private readonly body: Buffer,
    readonly url: string,
  ) {
    this.ok = status >= 200 && status < 300;
    this.statusText = statusText ?? '';
    const h = new Headers();
    for (const [k, v] of Object.entries(headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
    this.headers = h;
  }
  async text(): Promise<string> {
    return this.body.toString('utf8');
  }
  async json(): Promise<unknown> {
    return JSON.parse(this.body.toString('utf8'));
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.body.buffer.slice(this.body.byteOffset, this.body.byteOffset + this.body.byteLength) as ArrayBuffer;
  }
}

function headersOf(init: RequestInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const h = init?.headers;
  if (!h) return out;
  if (h instanceof Headers) h.forEach((v, k) => (out[k] = v));
  else if (Array.isArray(h)) for (const [k, v] of h) out[k!] = v!;
  else Object.assign(out, h);
  return out;
}

/**
 * A `fetch` for one Slack client, with its own pool of up to 64 connections (so a page never waits for
 * a socket behind record updates): text bodies over keep-alive node:http(s), anything else to the
 * built-in fetch.
 */
export function createSlackFetch(timeoutMs = SLACK_CALL_TIMEOUT_MS): typeof fetch {
  const agents = {
    http: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
    https: new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
  };
  return ((input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const body = init?.body;
    if (input instanceof Request || (body !== undefined && body !== null && typeof body !== 'string')) return fetch(input, init);
    const url = new URL(String(input));
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return fetch(input, init);
    const payload = body ? Buffer.from(body, 'utf8') : undefined;
    const headers = { ...headersOf(init), ...(payload ? { 'content-length': String(payload.length) } : {}) };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Response>((resolve, reject) => {
      const signal = init?.signal;
      if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
      const onAbort = () => req.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      const settle = <T>(fn: (v: T) => void) => (v: T) => {
        signal?.removeEventListener('abort', onAbort);
        fn(v);
      };
      const ok = settle(resolve);
      const fail = settle(reject);
      const req = send(url, { method: init?.method ?? 'GET', headers, agent: url.protocol === 'https:' ? agents.https : agents.http }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY_BYTES) return req.destroy(new Error('Slack API response too large'));
          chunks.push(c);
        });
        res.on('end', () => ok(new LeanResponse(res.statusCode ?? 0, res.statusMessage, res.headers, Buffer.concat(chunks), url.href) as unknown as Response));
        res.on('error', fail);
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`Slack API call timed out after ${timeoutMs} ms`)));
      req.on('error', fail);
      signal?.addEventListener('abort', onAbort, { once: true });
      req.end(payload);
    });
  }) as typeof fetch;
}
