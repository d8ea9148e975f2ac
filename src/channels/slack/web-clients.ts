// The two Slack Web API clients and the rate-limit policy they share.
//
// Pages and direct messages use one client, channel record updates another, so each has its own
// connections and a burst of record updates can never hold up a page.
//
// A client is a small caller of Slack's documented HTTP API rather than the SDK's WebClient: it
// sends the few methods we use as JSON (as Slack recommends for chat.postMessage and the like,
// with the token in the Authorization header) and reads the answer. The WebClient form-encodes
// every call and walks and copies every argument for its debug log even when nothing is logged:
// for a question or a record with its blocks, that was most of the CPU of a call (README,
// Performance). Errors carry the WebClient's codes (slack_webapi_platform_error and so on), so
// both read alike to callers, metrics and tests.
//
// Rate limits (HTTP 429) are not retried by the client: `callSlack` honours `Retry-After` itself:
// it waits the time Slack asks for and tries again (up to `maxRateLimitRetries` times) when that
// wait is at most `maxRateLimitWaitMs`; otherwise it throws RateLimitedError(retryAfterMs) so the
// caller's durable job can retry later. Other failures (5xx, network) are retried twice by the
// client with a short back-off (0.2 s, then 0.4 s), then thrown.

import { RateLimitedError } from '../port.js';
import { createSlackPost, type SlackReply } from './http-transport.js';

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

/** What a Web API method answers: `ok`, and the fields of that method (ts, channel, …). */
export interface SlackResult {
  ok: boolean;
  error?: string;
  [field: string]: unknown;
}

type SlackErrorCode = 'slack_webapi_platform_error' | 'slack_webapi_rate_limited_error' | 'slack_webapi_http_error' | 'slack_webapi_request_error';

/** A failed Web API call, with the WebClient's error codes and fields (data, retryAfter, statusCode). */
export class SlackApiError extends Error {
  /** The answer of a platform error (ok:false), e.g. `{ ok: false, error: 'channel_not_found' }`. */
  readonly data?: SlackResult;
  /** Seconds Slack asked us to wait (rate limited). */
  readonly retryAfter?: number;
  readonly statusCode?: number;

  constructor(
    readonly code: SlackErrorCode,
    message: string,
    extra: { data?: SlackResult; retryAfter?: number; statusCode?: number; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'SlackApiError';
    if (extra.data) this.data = extra.data;
    if (extra.retryAfter !== undefined) this.retryAfter = extra.retryAfter;
    if (extra.statusCode !== undefined) this.statusCode = extra.statusCode;
  }
}

/** Methods sent as JSON (Slack accepts JSON for these; see "Using the Web API", POST bodies); any other goes form-encoded. */
const JSON_METHODS = new Set(['chat.postMessage', 'chat.postEphemeral', 'chat.update', 'views.open']);
/** Retries of a call that failed with a 5xx or a network error, and the wait before each. */
const RETRY_WAITS_MS = [200, 400];

/** One Slack Web API client: a token, a base URL and its own pool of connections. */
export class SlackApi {
  private readonly post = createSlackPost();

  constructor(
    private readonly token: string,
    private readonly apiUrl: string,
    /** Sent in CLIENT_HEADER: which client a call came through. */
    private readonly label: string,
    private readonly retryWaitsMs: number[] = RETRY_WAITS_MS,
  ) {}

  /** Call `method` with `args`; resolves with the answer when it says ok, else throws a SlackApiError. */
  async call<T extends SlackResult = SlackResult>(method: string, args: Record<string, unknown>): Promise<T> {
    const asJson = JSON_METHODS.has(method);
    const body = asJson ? JSON.stringify(args) : formBody(args);
    const headers = {
      authorization: `Bearer ${this.token}`,
      'content-type': asJson ? 'application/json; charset=utf-8' : 'application/x-www-form-urlencoded',
      [CLIENT_HEADER]: this.label,
    };
    for (let attempt = 0; ; attempt += 1) {
      let reply: SlackReply | undefined;
      let cause: unknown;
      try {
        reply = await this.post(`${this.apiUrl}${method}`, headers, body);
      } catch (err) {
        cause = err;
      }
      if (reply?.status === 200) return answerOf<T>(reply.body);
      if (reply?.status === 429) {
        const retryAfter = Number(reply.retryAfter);
        const seconds = reply.retryAfter !== undefined && Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : 1;
        throw new SlackApiError('slack_webapi_rate_limited_error', `A rate limit was reached: retry in ${seconds} s`, { retryAfter: seconds });
      }
      // A 5xx or a network error: try again after a short wait, a few times.
      if (attempt < this.retryWaitsMs.length) {
        await sleep(this.retryWaitsMs[attempt]!);
        continue;
      }
      throw reply
        ? new SlackApiError('slack_webapi_http_error', `An HTTP protocol error occurred: statusCode = ${reply.status}`, { statusCode: reply.status })
        : new SlackApiError('slack_webapi_request_error', `A request error occurred: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    }
  }
}

/** A 200 answer: the result when it says ok, else a platform error carrying it (not retried). */
function answerOf<T extends SlackResult>(body: string): T {
  let result: unknown;
  try {
    result = JSON.parse(body);
  } catch (err) {
    throw new SlackApiError('slack_webapi_http_error', 'The Slack API answered with something other than JSON', { statusCode: 200, cause: err });
  }
  const data = (typeof result === 'object' && result !== null ? result : { ok: false }) as SlackResult;
  if (data.ok !== true) throw new SlackApiError('slack_webapi_platform_error', `An API error occurred: ${data.error ?? 'unknown'}`, { data });
  return data as T;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Form fields: strings, numbers and booleans as they are, anything else as JSON text. */
function formBody(args: Record<string, unknown>): string {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(args)) {
    if (v === undefined || v === null) continue;
    form.set(k, typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v));
  }
  return form.toString();
}

export interface SlackClients {
  /** DMs, pages, notices, modals: never queued behind record updates. */
  direct: SlackApi;
  /** The escalation record and its thread in the escalations channel. */
  records: SlackApi;
}

export function createSlackClients(botToken: string, apiUrl?: string): SlackClients {
  const url = normaliseApiUrl(apiUrl);
  return { direct: new SlackApi(botToken, url, 'direct'), records: new SlackApi(botToken, url, 'records') };
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
export async function callSlack<T extends SlackResult>(
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
