// Slack test helpers: payload factories following Slack's documented shapes (Events API
// event_callback, slash command form bodies, `payload=` interactivity bodies), request signing,
// a poster for signed requests, and a fake Slack Web API on loopback that records every call and
// can be told to answer 429 (with Retry-After) or 500 for the next N calls of a method.

import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parse as parseQuery, stringify as stringifyQuery } from 'node:querystring';
import { fileURLToPath } from 'node:url';
import { testRedisUrl } from './redis.js';

export const TEAM_ID = 'T0TEST001';
export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-test-token';

/** The example organisation file that ships under conversations/. */
export const EXAMPLE_ORG_FILE = fileURLToPath(new URL('../../conversations/organisation.example.yaml', import.meta.url));

/** Environment for the app serving Slack over HTTP against the Web API at `apiUrl`, its state under `prefix`. */
export function slackEnv(apiUrl: string, prefix: string, redisUrl = testRedisUrl()): Record<string, string> {
  return {
    CHANNELS: 'slack',
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: apiUrl,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    ESCALATION_ORG_FILE: EXAMPLE_ORG_FILE,
  };
}

let counter = 0;
const nextId = (prefix: string) => `${prefix}${Date.now().toString(36).toUpperCase()}${(counter += 1)}`;
const nowTs = () => `${Math.floor(Date.now() / 1000)}.${String(counter += 1).padStart(6, '0')}`;

// ---------------------------------------------------------------------------------------------
// Signing and posting

/** Slack's v0 signature headers for `body` at `timestamp` (seconds). */
export function signSlackRequest(secret: string, body: string, timestamp: number | string): Record<string, string> {
  const sig = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'x-slack-signature': `v0=${sig}`, 'x-slack-request-timestamp': String(timestamp) };
}

export interface SlackRequest {
  body: string;
  contentType: 'application/json' | 'application/x-www-form-urlencoded';
}

export interface PostOptions {
  secret?: string;
  /** Seconds; default now. */
  timestamp?: number;
  /** Leave the signature headers off. */
  unsigned?: boolean;
  headers?: Record<string, string>;
}

/** POST a (signed) request to `url` and return status and text. */
export async function postSlack(url: string, req: SlackRequest, opts: PostOptions = {}): Promise<{ status: number; text: string }> {
  const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': req.contentType,
    ...(opts.unsigned ? {} : signSlackRequest(opts.secret ?? SIGNING_SECRET, req.body, ts)),
    ...opts.headers,
  };
  const res = await fetch(url, { method: 'POST', headers, body: req.body });
  return { status: res.status, text: await res.text() };
}

// ---------------------------------------------------------------------------------------------
// Payload factories

const json = (value: unknown): SlackRequest => ({ body: JSON.stringify(value), contentType: 'application/json' });
const form = (fields: Record<string, string>): SlackRequest => ({
  body: stringifyQuery(fields),
  contentType: 'application/x-www-form-urlencoded',
});
const payloadForm = (payload: unknown): SlackRequest => form({ payload: JSON.stringify(payload) });

/** An Events API envelope (https://docs.slack.dev/apis/events-api/#callback-field). */
export function eventCallback(event: Record<string, unknown>, eventId = nextId('Ev')): SlackRequest {
  return json({
    token: 'deprecated-verification-token',
    team_id: TEAM_ID,
    api_app_id: 'A0TEST001',
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: TEAM_ID, user_id: 'UBOT0001', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${eventId}`,
  });
}

/** message.im: a person writing in their DM with the assistant. */
export function dmMessage(args: { user: string; text: string; channel?: string; eventId?: string }): SlackRequest {
  return eventCallback(
    {
      type: 'message',
      channel: args.channel ?? `D${args.user.slice(1)}`,
      user: args.user,
      text: args.text,
      ts: nowTs(),
      event_ts: nowTs(),
      channel_type: 'im',
      team: TEAM_ID,
    },
    args.eventId,
  );
}

/** A message the bot itself posted in a DM (must be ignored). */
export function botDmMessage(args: { text: string; channel: string }): SlackRequest {
  return eventCallback({
    type: 'message',
    subtype: 'bot_message',
    bot_id: 'BBOT0001',
    channel: args.channel,
    text: args.text,
    ts: nowTs(),
    channel_type: 'im',
  });
}

/** app_mention in a channel. */
export function appMention(args: { user: string; channel: string; text: string; ts?: string; threadTs?: string; eventId?: string }): SlackRequest {
  return eventCallback(
    {
      type: 'app_mention',
      user: args.user,
      text: args.text,
      ts: args.ts ?? nowTs(),
      channel: args.channel,
      event_ts: args.ts ?? nowTs(),
      team: TEAM_ID,
      ...(args.threadTs ? { thread_ts: args.threadTs } : {}),
    },
    args.eventId,
  );
}

/** A slash command form body (https://docs.slack.dev/interactivity/implementing-slash-commands). */
export function slashCommand(args: {
  command: string;
  text?: string;
  user: string;
  channel?: string;
  channelName?: string;
  triggerId?: string;
  responseUrl?: string;
}): SlackRequest {
  return form({
    token: 'deprecated-verification-token',
    team_id: TEAM_ID,
    team_domain: 'example',
    channel_id: args.channel ?? 'C0GENERAL1',
    channel_name: args.channelName ?? 'general',
    user_id: args.user,
    user_name: 'someone',
    command: args.command,
    text: args.text ?? '',
    api_app_id: 'A0TEST001',
    response_url: args.responseUrl ?? 'https://hooks.slack.com/commands/T0TEST001/1/abc',
    trigger_id: args.triggerId ?? nextId('trig.'),
  });
}

/** block_actions for one button click (https://docs.slack.dev/reference/interaction-payloads/block_actions-payload). */
export function blockActions(args: {
  user: string;
  actionId: string;
  value: string;
  channel: string;
  messageTs: string;
  triggerId?: string;
  actionTs?: string;
}): SlackRequest {
  return payloadForm({
    type: 'block_actions',
    user: { id: args.user, username: 'someone', team_id: TEAM_ID },
    api_app_id: 'A0TEST001',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: args.messageTs, channel_id: args.channel, is_ephemeral: false },
    trigger_id: args.triggerId ?? nextId('trig.'),
    team: { id: TEAM_ID, domain: 'example' },
    channel: { id: args.channel, name: 'channel' },
    message: { type: 'message', ts: args.messageTs, text: 'question', user: 'UBOT0001', bot_id: 'BBOT0001' },
    response_url: 'https://hooks.slack.com/actions/T0TEST001/1/abc',
    actions: [
      {
        type: 'button',
        action_id: args.actionId,
        block_id: 'b1',
        text: { type: 'plain_text', text: 'label', emoji: true },
        value: args.value,
        action_ts: args.actionTs ?? `${Math.floor(Date.now() / 1000)}.${String(counter += 1).padStart(6, '0')}`,
      },
    ],
  });
}

type InputValue = { type: 'plain_text_input'; value: string | null } | { type: 'datetimepicker'; selected_date_time: number | null };

/** view_submission of a modal (https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload). */
export function viewSubmission(args: {
  user: string;
  callbackId: string;
  privateMetadata: string;
  values: Record<string, InputValue>;
  viewId?: string;
  hash?: string;
}): SlackRequest {
  const values: Record<string, Record<string, InputValue>> = {};
  for (const [block, v] of Object.entries(args.values)) values[block] = { value: v };
  return payloadForm({
    type: 'view_submission',
    team: { id: TEAM_ID, domain: 'example' },
    user: { id: args.user, username: 'someone', team_id: TEAM_ID },
    api_app_id: 'A0TEST001',
    token: 'deprecated-verification-token',
    trigger_id: nextId('trig.'),
    view: {
      id: args.viewId ?? nextId('V'),
      team_id: TEAM_ID,
      type: 'modal',
      callback_id: args.callbackId,
      private_metadata: args.privateMetadata,
      state: { values },
      hash: args.hash ?? `${Date.now()}.${randomBytes(4).toString('hex')}`,
      title: { type: 'plain_text', text: 'Form' },
      blocks: [],
    },
    response_urls: [],
  });
}

/** message_action: the "Report as incident" message shortcut. */
export function messageShortcut(args: { user: string; channel: string; text: string; messageTs?: string; callbackId?: string }): SlackRequest {
  const ts = args.messageTs ?? nowTs();
  return payloadForm({
    type: 'message_action',
    callback_id: args.callbackId ?? 'report_incident',
    trigger_id: nextId('trig.'),
    message_ts: ts,
    response_url: 'https://hooks.slack.com/app/T0TEST001/1/abc',
    team: { id: TEAM_ID, domain: 'example' },
    channel: { id: args.channel, name: 'care-team' },
    user: { id: args.user, name: 'someone' },
    message: { type: 'message', user: 'UOTHER001', ts, text: args.text },
    token: 'deprecated-verification-token',
  });
}

// ---------------------------------------------------------------------------------------------
// Fake Slack Web API

export interface RecordedCall {
  method: string;
  params: Record<string, unknown>;
  /** HTTP status the fake answered. */
  status: number;
  /** Which SlackChannel client (queue) sent it: 'direct' or 'records' (x-assistant-client header). */
  client?: string;
  /** What the fake answered (for a successful call), e.g. the `ts` of a posted message. */
  result?: Record<string, unknown>;
}

type Failure = { status: 429; retryAfter: number } | { status: 500 } | { status: 200; error: string };

export interface FakeSlackApi {
  /** Base URL ending in '/api/' (give it as SLACK_API_URL). */
  url: string;
  /** URL for slash-command response_url posts; recorded as method 'response_url'. */
  responseUrl: string;
  calls: RecordedCall[];
  callsOf(method: string): RecordedCall[];
  /** Answer the next `times` calls of `method` with a failure. */
  failNext(method: string, failure: Failure, times?: number): void;
  close(): Promise<void>;
}

/** One field of a Web API request body, JSON (messages) or form (other methods): for proxies that pick calls by channel. */
export function apiField(body: string, name: string): string | undefined {
  const v = decodeParams(body, body.trimStart().startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded')[name];
  return v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v);
}

/** Decode a Web API request body: JSON, or a form whose nested values (blocks, view) arrive as JSON strings. */
function decodeParams(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.startsWith('application/json')) return (JSON.parse(raw || '{}') as Record<string, unknown>) ?? {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parseQuery(raw))) {
    const s = Array.isArray(v) ? v[0] : v;
    if (typeof s === 'string' && /^[[{]/.test(s)) {
      try {
        out[k] = JSON.parse(s);
        continue;
      } catch {
        // keep as text
      }
    }
    out[k] = s;
  }
  return out;
}

export async function startFakeSlackApi(): Promise<FakeSlackApi> {
  const calls: RecordedCall[] = [];
  const failures = new Map<string, Failure[]>();
  let tsCounter = 0;
  const nextTs = () => `${1_700_000_000 + (tsCounter += 1)}.000100`;

  const answer = (method: string, p: Record<string, unknown>): Record<string, unknown> => {
    switch (method) {
      case 'auth.test':
        return { ok: true, user_id: 'UBOT0001', bot_id: 'BBOT0001', team_id: TEAM_ID };
      case 'conversations.open': {
        const users = String(p.users ?? '');
        return { ok: true, channel: { id: `D${users.replace(/^[UW]/, '')}` } };
      }
      case 'chat.postMessage':
        return { ok: true, channel: p.channel, ts: nextTs(), message: { text: p.text } };
      case 'chat.update':
        return { ok: true, channel: p.channel, ts: p.ts, text: p.text };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs() };
      case 'views.open':
        return { ok: true, view: { id: `V${tsCounter}`, hash: 'h' } };
      default:
        return { ok: true };
    }
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0]!;
      const contentType = String(req.headers['content-type'] ?? '');
      if (path.startsWith('/response/')) {
        calls.push({ method: 'response_url', params: decodeParams(raw, contentType), status: 200 });
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
        return;
      }
      const method = path.replace(/^\/api\//, '');
      const params = decodeParams(raw, contentType);
      const client = typeof req.headers['x-assistant-client'] === 'string' ? req.headers['x-assistant-client'] : undefined;
      const queue = failures.get(method);
      const failure = queue?.shift();
      if (failure) {
        calls.push({ method, params, status: failure.status, client });
        if (failure.status === 429) {
          res.writeHead(429, { 'retry-after': String(failure.retryAfter), 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
        } else if (failure.status === 500) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('Internal error');
        } else {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: false, error: failure.error }));
        }
        return;
      }
      const result = answer(method, params);
      calls.push({ method, params, status: 200, client, result });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(result));
    });
  };

  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    responseUrl: `http://127.0.0.1:${port}/response/${randomBytes(4).toString('hex')}`,
    calls,
    callsOf: (method) => calls.filter((c) => c.method === method && c.status === 200),
    failNext(method, failure, times = 1) {
      const q = failures.get(method) ?? [];
      for (let i = 0; i < times; i += 1) q.push(failure);
      failures.set(method, q);
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
    },
  };
}
