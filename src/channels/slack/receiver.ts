// A Bolt Receiver mounted on our one HttpServer at `POST /slack/events`. It reads the body (413
// past the limit), verifies Slack's signature (401 for unsigned, wrongly signed or stale requests),
// parses JSON or form bodies (400 when malformed), answers url_verification and ssl_check, and
// hands everything else to the Bolt App with an ack that answers the HTTP request as soon as a
// listener acks (processBeforeResponse false: the work runs after the response).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { HTTPResponseAck, type App, type BufferedIncomingMessage, type Receiver } from '@slack/bolt';
import { MAX_BODY_BYTES, readBody, sendJson, sendText } from '../../server.js';
import { errorCode, silentLogger, type SlackLogger } from './logger.js';
import { verifySlackSignature } from './verify.js';

export interface HttpRouteReceiverOptions {
  signingSecret: string;
  logger?: SlackLogger;
  /** Injectable clock for the staleness check (milliseconds since the epoch). */
  now?: () => number;
  bodyLimit?: number;
}

export class HttpRouteReceiver implements Receiver {
  private app?: App;
  private readonly logger: SlackLogger;
  private readonly now: () => number;

  constructor(private readonly options: HttpRouteReceiverOptions) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
  }

  init(app: App): void {
    this.app = app;
  }

  /** Nothing to start: the HttpServer listens. */
  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  /** The route handler for `POST /slack/events`. Never throws. */
  readonly handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let raw: string;
    try {
      raw = await readBody(req, this.options.bodyLimit ?? MAX_BODY_BYTES);
    } catch (err) {
      const status = (err as { status?: number }).status === 413 ? 413 : 400;
      if (!res.headersSent) sendText(res, status, status === 413 ? 'Request body too large' : 'Bad request');
      return;
    }

    const contentType = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (contentType === 'application/x-www-form-urlencoded' && isSslCheck(raw)) {
      // Slack's SSL check is unsigned; answer it and process nothing.
      sendText(res, 200, '');
      return;
    }

    const verified = verifySlackSignature({
      secret: this.options.signingSecret,
      body: raw,
      signature: req.headers['x-slack-signature'],
      timestamp: req.headers['x-slack-request-timestamp'],
      nowSeconds: Math.floor(this.now() / 1000),
    });
    if (!verified.ok) {
      this.logger.warn({ reason: verified.reason }, 'Refused a Slack request that failed verification');
      sendText(res, 401, 'Unauthorised');
      return;
    }

    const body = parseBody(raw, contentType);
    if (!body || !isWellFormed(body)) {
      this.logger.warn({ contentType }, 'Refused a malformed Slack request');
      sendText(res, 400, 'Bad request');
      return;
    }
    if (body.type === 'url_verification') {
      sendJson(res, 200, { challenge: body.challenge });
      return;
    }

    const buffered = Object.assign(req, { rawBody: Buffer.from(raw) }) as BufferedIncomingMessage;
    const ack = new HTTPResponseAck({
      logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, setLevel: () => {}, getLevel: () => 'error' as never, setName: () => {} },
      processBeforeResponse: false,
      httpRequest: buffered,
      httpRequestBody: body,
      httpResponse: res,
    });
    const retry = req.headers['x-slack-retry-num'];
    const retryReason = req.headers['x-slack-retry-reason'];
    try {
      await this.app?.processEvent({
        body,
        ack: ack.bind(),
        retryNum: typeof retry === 'string' ? Number.parseInt(retry, 10) : undefined,
        retryReason: typeof retryReason === 'string' ? retryReason : undefined,
      });
      if (!res.headersSent) {
        // No listener took it (an event or action we do not use): acknowledge so Slack does not retry.
        ack.ack();
        sendText(res, 200, '');
      }
    } catch (err) {
      this.logger.error({ err: errorCode(err) }, 'Slack event processing failed');
      if (!res.headersSent) {
        ack.ack();
        sendText(res, 500, 'Internal error');
      }
    }
  };
}

const INTERACTIONS = ['block_actions', 'view_submission', 'view_closed', 'message_action', 'shortcut', 'block_suggestion', 'interactive_message'];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The minimum each kind of payload must have before Bolt sees it (who, and what). */
function isWellFormed(body: Record<string, unknown>): boolean {
  if (typeof body.command === 'string') return typeof body.user_id === 'string';
  if (typeof body.type !== 'string') return false;
  if (body.type === 'event_callback') return isObject(body.event) && typeof body.event.type === 'string';
  if (!INTERACTIONS.includes(body.type)) return true;
  if (!isObject(body.user) || typeof body.user.id !== 'string') return false;
  if (body.type.startsWith('view_')) return isObject(body.view);
  if (body.type === 'block_actions') return Array.isArray(body.actions);
  return true;
}

function isSslCheck(raw: string): boolean {
  if (!raw.includes('ssl_check=')) return false; // (most form bodies: not parsed twice)
  const q = parseQuery(raw);
  return q.ssl_check === '1' && q.payload === undefined && q.command === undefined;
}

/** JSON (Events API) or form (slash commands; `payload=` for interactivity). Null when malformed. */
export function parseBody(raw: string, contentType: string): Record<string, unknown> | null {
  try {
    let value: unknown;
    if (contentType === 'application/json') {
      value = JSON.parse(raw);
    } else if (contentType === 'application/x-www-form-urlencoded') {
      const q = parseQuery(raw);
      if (typeof q.payload === 'string') value = JSON.parse(q.payload);
      else if (typeof q.command === 'string') value = q;
      else return null;
    } else {
      return null;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
    return value as Record<string, unknown>;
  } catch {
    return null;
  }
}
