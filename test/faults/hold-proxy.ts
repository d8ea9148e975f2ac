// A loopback HTTP proxy in front of the fake Slack API that can hold chosen calls (e.g. the page's
// chat.postMessage to the on-call manager) until the test releases them: a way to have a job
// "in flight" at a chosen moment.

import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface HoldProxy {
  /** Base URL ending in '/api/' (give it as SLACK_API_URL). */
  url: string;
  /** How many calls are being held now. */
  held(): number;
  /** Let every held call (and all later ones) through. */
  release(): void;
  close(): Promise<void>;
}

/** Forward everything to `target` (a base URL ending in '/api/'); hold calls for which `hold(path, body)` is true. */
export async function startHoldProxy(target: string, hold: (path: string, body: string) => boolean): Promise<HoldProxy> {
  const base = new URL(target);
  let releasing = false;
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
      if (!releasing && hold(req.url ?? '', body.toString('utf8'))) waiting.push(() => forward(req, body, res));
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
    async close() {
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
