// A fast fake Slack Web API on loopback for the benchmark: answers every call at once and hands
// each call (method, channel, raw params, arrival time) to `onCall`. Unlike the test helper's
// fake it keeps no history, so it costs the same at the 1st call and the 100,000th.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface ApiCall {
  method: string;
  channel: string;
  /** Form fields as sent by the WebClient (blocks arrive as a JSON string). */
  params: URLSearchParams;
  /** performance.now() when the request body had arrived. */
  at: number;
  /** The ts the fake gave a posted message. */
  ts?: string;
}

export interface BenchSlackApi {
  url: string;
  close(): Promise<void>;
}

let ts = 0;
const nextTs = () => `${1_700_000_000 + (ts += 1)}.000100`;

function answer(method: string, p: URLSearchParams): Record<string, unknown> {
  switch (method) {
    case 'conversations.open':
      return { ok: true, channel: { id: `D${String(p.get('users') ?? '').replace(/^[UW]/, '')}` } };
    case 'chat.postMessage':
      return { ok: true, channel: p.get('channel'), ts: nextTs() };
    case 'chat.update':
      return { ok: true, channel: p.get('channel'), ts: p.get('ts') };
    case 'chat.postEphemeral':
      return { ok: true, message_ts: nextTs() };
    case 'auth.test':
      return { ok: true, user_id: 'UBOT0001', bot_id: 'BBOT0001', team_id: 'T0TEST001' };
    default:
      return { ok: true };
  }
}

export async function startBenchSlackApi(onCall: (call: ApiCall) => void): Promise<BenchSlackApi> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      const method = (req.url ?? '/').split('?')[0]!.replace(/^\/api\//, '');
      const raw = Buffer.concat(chunks).toString('utf8');
      const params = String(req.headers['content-type'] ?? '').startsWith('application/json')
        ? new URLSearchParams(Object.entries(JSON.parse(raw || '{}') as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]))
        : new URLSearchParams(raw);
      const result = answer(method, params);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(result));
      onCall({ method, channel: params.get('channel') ?? '', params, at, ...(typeof result.ts === 'string' ? { ts: result.ts } : {}) });
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    async close() {
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
