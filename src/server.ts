// One HTTP server for every endpoint: /slack/events, /api/messages, /healthz, /readyz, /metrics.
// Channels register their handlers; the server itself knows nothing about Slack or Teams.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { requestId, withLogContext } from './app/log-context.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/** Largest request body any endpoint accepts; bigger bodies get 413 before they are read. */
export const MAX_BODY_BYTES = 1_000_000;

export class HttpServer {
  private readonly routes = new Map<string, RouteHandler>();
  private server?: Server;

  /** Register `handler` for `METHOD /path` (exact path match, query string ignored). */
  route(method: string, path: string, handler: RouteHandler): void {
    this.routes.set(`${method.toUpperCase()} ${path}`, handler);
  }

  /** The node request listener, exported for tests that want an ephemeral port. */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    // A request id for the logs of everything this request starts (X-Request-Id in and out).
    const reqId = requestId(req.headers['x-request-id']);
    res.setHeader('x-request-id', reqId);
    withLogContext({ reqId }, () => this.dispatch(req, res));
  };

  private dispatch(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const handler = this.routes.get(`${req.method ?? 'GET'} ${path}`);
    if (!handler) {
      const known = [...this.routes.keys()].some((k) => k.endsWith(` ${path}`));
      sendText(res, known ? 405 : 404, known ? 'Method not allowed' : 'Not found');
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      sendText(res, 413, 'Request body too large');
      req.resume();
      return;
    }
    Promise.resolve()
      .then(() => handler(req, res))
      .catch(() => {
        if (!res.headersSent) sendText(res, 500, 'Internal error');
        else res.end();
      });
  }

  async listen(port: number, host = '0.0.0.0'): Promise<number> {
    this.server = createServer(this.listener);
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    const addr = this.server.address();
    return typeof addr === 'object' && addr ? addr.port : port;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    s.closeAllConnections?.();
  }
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Read a request body up to `limit` bytes; rejects with status 413 beyond it. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(Object.assign(new Error('Request body too large'), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
