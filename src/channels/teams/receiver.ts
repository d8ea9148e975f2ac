// POST /api/messages on the project's one HTTP server: a tiny express-like shim over node's
// request and response, so botbuilder's CloudAdapter.process can authenticate and run the turn.
// Malformed JSON → 400, oversized → 413; errors never crash the server or reach the caller.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CloudAdapter, TurnContext } from 'botbuilder';
import { MAX_BODY_BYTES, readBody, sendText } from '../../server.js';
import type { TeamsLogger } from './logger.js';

export const MESSAGES_PATH = '/api/messages';

/** What CloudAdapter.process reads from a request. */
interface ShimRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/** What CloudAdapter.process writes to a response (express-style). */
class ShimResponse {
  private statusCode = 200;
  private readonly headers: Record<string, string> = {};
  private readonly chunks: string[] = [];
  private ended = false;

  constructor(private readonly res: ServerResponse) {}

  get socket(): unknown {
    return this.res.socket;
  }

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  header(name: string, value: unknown): this {
    this.headers[name.toLowerCase()] = String(value);
    return this;
  }

  send(body?: unknown): this {
    if (body === undefined || body === null) return this;
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      this.chunks.push(body.toString());
    } else {
      this.headers['content-type'] ??= 'application/json';
      this.chunks.push(JSON.stringify(body));
    }
    return this;
  }

  end(): this {
    if (this.ended || this.res.headersSent) return this;
    this.ended = true;
    const body = this.chunks.join('');
    if (body && !this.headers['content-type']) this.headers['content-type'] = 'text/plain; charset=utf-8';
    this.res.writeHead(this.statusCode, this.headers);
    this.res.end(body);
    return this;
  }

  get finished(): boolean {
    return this.ended || this.res.headersSent;
  }
}

export function messagesHandler(
  adapter: CloudAdapter,
  logic: (ctx: TurnContext) => Promise<void>,
  logger: TeamsLogger,
  limit = MAX_BODY_BYTES,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    let raw: string;
    try {
      raw = await readBody(req, limit);
    } catch (err) {
      const status = (err as { status?: number }).status === 413 ? 413 : 400;
      if (!res.headersSent) sendText(res, status, status === 413 ? 'Request body too large' : 'Bad request');
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      sendText(res, 400, 'Malformed JSON');
      return;
    }
    if (!looksLikeActivity(body)) {
      sendText(res, 400, 'Not a Bot Framework activity');
      return;
    }
    const shimReq: ShimRequest = { method: 'POST', headers: req.headers, body: body as Record<string, unknown> };
    const shimRes = new ShimResponse(res);
    // Errors inside the turn are logged here by name only (botbuilder would print whole requests).
    const safeLogic = async (ctx: TurnContext): Promise<void> => {
      try {
        await logic(ctx);
      } catch (err) {
        logger.error({ activityId: ctx.activity.id, err: (err as Error).name }, 'teams turn failed');
      }
    };
    try {
      await adapter.process(shimReq as never, shimRes as never, safeLogic);
    } catch (err) {
      // botbuilder validates the activity shape with zod before authenticating.
      const bad = (err as Error).name === 'ZodError';
      if (!bad) logger.error({ err: (err as Error).name }, 'teams activity failed');
      if (!shimRes.finished) shimRes.status(bad ? 400 : 500).send(bad ? 'Not a valid activity' : 'Internal error').end();
    }
    if (!shimRes.finished) shimRes.status(500).end();
  };
}

/** The minimum the turn logic relies on: a type, and objects where ids are read. */
function looksLikeActivity(body: unknown): boolean {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const a = body as Record<string, unknown>;
  if (typeof a.type !== 'string') return false;
  for (const key of ['from', 'recipient', 'conversation']) {
    const v = a[key];
    if (v !== undefined && (typeof v !== 'object' || v === null || Array.isArray(v))) return false;
  }
  const conv = a.conversation as { id?: unknown } | undefined;
  if (conv && typeof conv.id !== 'string') return false;
  return a.serviceUrl === undefined || typeof a.serviceUrl === 'string';
}
