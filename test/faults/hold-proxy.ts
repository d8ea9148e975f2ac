// A loopback HTTP proxy in front of the fake Slack API that can hold chosen calls (e.g. the page's
// chat.postMessage to the on-call manager) until the test releases them, a way to have a job
// "in flight" at a chosen moment; and can fail chosen calls (500, or 429 with Retry-After) N times.

import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface HoldProxy {
  /** Base URL ending in '/api/' (give it as SLACK_API_URL). */
  url: string;
  /** How many calls are being held now. */
  held(): number;
  /** Let every held call (and all later ones) through. */
  release(): void;
  /** Answer the next `times` calls for which `match(path, body)` is true with `failure`. */
  failNext(match: Match, failure: { status: 500 } | { status: 429; retryAfter: number }, times: number): void;
  /** Failures answered so far. */
  failed(): number;
  close(): Promise<void>;
}

/** Forward everything to `target` (a base URL ending in '/api/'); hold calls for which `hold(path, body)` is true. */
type Match = (path: string, body: string) => boolean;

export async function startHoldProxy(target: string, hold: Match = () => false): Promise<HoldProxy> {
  const base = new URL(target);
  let releasing = false;
  let failedCount = 0;
  const failures: Array<{ match: Match; failure: { status: 500 } | { status: 429; retryAfter: number }; left: number }> = [];
  const waiting: Array<() => void> = [];
  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    const up = request(
      { host: base.hostname, port: base.port, path: req.url, method: req.method, headers: { ...req.headers, host: base.host } },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    up.end(body);
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = body.toString('utf8');
      const f = failures.find((x) => x.left > 0 && x.match(req.url ?? '', text));
      if (f) {
        f.left -= 1;
        failedCount += 1;
        if (f.failure.status === 429) res.writeHead(429, { 'retry-after': String(f.failure.retryAfter), 'content-type': 'application/json' });
        else res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(f.failure.status === 429 ? JSON.stringify({ ok: false, error: 'ratelimited' }) : 'Internal error');
        return;
      }
      if (!releasing && hold(req.url ?? '', text)) waiting.push(() => forward(req, body, res));
      else forward(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}${base.pathname}`,
    held: () => waiting.length,
    release() {
      releasing = true;
      for (const go of waiting.splice(0)) go();
    },
    failNext(match, failure, times) {
      failures.push({ match, failure, left: times });
    },
    failed: () => failedCount,
    async close() {
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
