// The two Slack Web API clients and the rate-limit policy they share.
//
// Pages and direct messages use one WebClient, channel record updates another, so each has its
// own request queue and a burst of record updates can never hold up a page.
//
// Rate limits (HTTP 429): the clients are built with `rejectRateLimitedCalls: true`, and `callSlack`
// honours `Retry-After` itself: it waits the time Slack asks for and tries again (up to
// `maxRateLimitRetries` times) when that wait is at most `maxRateLimitWaitMs`; otherwise it throws
// RateLimitedError(retryAfterMs) so the caller's durable job can retry later. Other failures
// (5xx, network) are retried a few times by the WebClient with a short back-off, then thrown.

import { webApi } from '@slack/bolt';
import { RateLimitedError } from '../port.js';
import { createSlackFetch } from './http-transport.js';

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

/** Ensure the API base URL ends with exactly one '/'. */
export function normaliseApiUrl(url: string | undefined): string {
  const u = (url ?? '').trim() || DEFAULT_SLACK_API_URL;
  return u.endsWith('/') ? u : `${u}/`;
}

/** Request header naming the client (queue) a call went through. */
export const CLIENT_HEADER = 'x-assistant-client';

export interface RateLimitPolicy {
  /** Longest Retry-After we wait for in-process before handing back a RateLimitedError. */
  maxRateLimitWaitMs: number;
  /** How many 429s in a row we wait through for one call. */
  maxRateLimitRetries: number;
  /** Injectable for tests. */
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RATE_LIMIT_POLICY: RateLimitPolicy = {
  maxRateLimitWaitMs: 30_000,
  maxRateLimitRetries: 3,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

type WebClient = webApi.WebClient;
type WebAPICallResult = webApi.WebAPICallResult;

export interface SlackClients {
  /** DMs, pages, notices, modals: never queued behind record updates. */
  direct: WebClient;
  /** The escalation record and its thread in the escalations channel. */
  records: WebClient;
}

export function createSlackClients(botToken: string, apiUrl?: string): SlackClients {
  const options = {
    slackApiUrl: normaliseApiUrl(apiUrl),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000 },
    // A lean keep-alive transport (http-transport.ts); it times calls out itself after 10 s.
    timeout: 0,
    // The WebClient's own logger would print request bodies at debug level: keep it quiet.
    logLevel: webApi.LogLevel.ERROR,
  };
  // The header only labels which queue a request came from (visible in tests and proxies).
  return {
    direct: new webApi.WebClient(botToken, { ...options, fetch: createSlackFetch(), headers: { [CLIENT_HEADER]: 'direct' } }),
    records: new webApi.WebClient(botToken, { ...options, fetch: createSlackFetch(), headers: { [CLIENT_HEADER]: 'records' } }),
  };
}

/** Told of every failed Web API call, with its kind (for the platform-errors metric). */
export type ApiErrorHook = (kind: string) => void;

/** "rate_limited", "platform_error" (ok:false), "http_error", "request_error" (network), or "other". */
export function slackErrorKind(err: unknown): string {
  if (isRateLimited(err)) return 'rate_limited';
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('slack_webapi_') ? code.slice('slack_webapi_'.length) : 'other';
}

interface RateLimitedLike {
  code?: string;
  retryAfter?: number;
}

function isRateLimited(err: unknown): err is RateLimitedLike & Error {
  return typeof err === 'object' && err !== null && (err as RateLimitedLike).code === 'slack_webapi_rate_limited_error';
}

/** Call a Web API method, honouring Retry-After as described at the top of this file. */
export async function callSlack<T extends WebAPICallResult>(
  call: () => Promise<T>,
  policy: RateLimitPolicy = DEFAULT_RATE_LIMIT_POLICY,
  onError?: ApiErrorHook,
): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call();
    } catch (err) {
      onError?.(slackErrorKind(err));
      if (!isRateLimited(err)) throw err;
      const waitMs = Math.max(0, (err.retryAfter ?? 1) * 1000);
      if (attempt >= policy.maxRateLimitRetries || waitMs > policy.maxRateLimitWaitMs) {
        throw new RateLimitedError(waitMs);
      }
      await policy.sleep(waitMs);
    }
  }
}
