// The HTTP transport under the Slack Web API clients (web-clients.ts): a POST of a text body over
// keep-alive node:http(s) connections, read back as the status, Retry-After and the body text.
// That is all a client needs; Node's built-in fetch and its web-streams machinery cost about as
// much CPU per call as everything else in a turn (see the Performance section of the README).

import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** Give up on a call after this long with no answer (the client then retries it). */
export const SLACK_CALL_TIMEOUT_MS = 10_000;
/** Largest response body read (Slack's answers are a few kB; this only bounds a broken peer). */
const MAX_BODY_BYTES = 16 * 2 ** 20;

/** What came back: the status, the Retry-After header (sent with a 429) and the body. */
export interface SlackReply {
  status: number;
  retryAfter?: string;
  body: string;
}

export type SlackPost = (url: string, headers: Record<string, string>, body: string) => Promise<SlackReply>;

/**
 * A POST for one Slack client, with its own pool of up to 64 connections (so a page never waits
 * for a socket behind record updates). Rejects on a network error, a timeout or an oversized answer.
 */
export function createSlackPost(timeoutMs = SLACK_CALL_TIMEOUT_MS): SlackPost {
  const agents = {
    http: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
    https: new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
  };
  return (url, headers, body) =>
    new Promise<SlackReply>((resolve, reject) => {
      const target = new URL(url);
      const payload = Buffer.from(body, 'utf8');
      const https = target.protocol === 'https:';
      const send = https ? httpsRequest : httpRequest;
      const req = send(target, { method: 'POST', headers: { ...headers, 'content-length': String(payload.length) }, agent: https ? agents.https : agents.http }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY_BYTES) return req.destroy(new Error('Slack API response too large'));
          chunks.push(c);
        });
        res.on('end', () => {
          const retryAfter = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, ...(retryAfter ? { retryAfter } : {}), body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`Slack API call timed out after ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
}
