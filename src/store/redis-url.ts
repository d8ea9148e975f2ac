// Redis connection URLs → ioredis options and clients. One place that understands REDIS_URL:
//
//   redis://[user:password@]host[:port][/db]              a single Redis (port 6379, db 0 by default)
//   rediss://[user:password@]host[:port][/db]             the same over TLS
//   redis-sentinel://[user:password@]host:port,host:port/mastername[?db=N&tls=true&sentinelPassword=…]
//                                                         Sentinel (sentinel port 26379 by default);
//                                                         user/password are for the master
//   redis-cluster://[user:password@]host:port,host:port[?tls=true]
//                                                         Redis Cluster seed nodes
//
// Passwords may be percent-encoded. Error messages never repeat the password.

import { Cluster, Redis } from 'ioredis';
import type { ClusterOptions, RedisOptions } from 'ioredis';

export interface HostPort {
  host: string;
  port: number;
}

export type RedisConnectionSpec =
  | { mode: 'standalone'; options: RedisOptions }
  | { mode: 'sentinel'; options: RedisOptions }
  | { mode: 'cluster'; nodes: HostPort[]; options: ClusterOptions };

const URL_SHAPE = /^([a-z-]+):\/\/(?:([^@/?#]*)@)?([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?$/i;

function redact(url: string): string {
  return url.replace(/\/\/[^@/?#]*@/, '//***@');
}

function fail(url: string, why: string): never {
  throw new Error(`Cannot use Redis URL ${redact(url)}: ${why}`);
}

function parseHosts(url: string, text: string, defaultPort: number): HostPort[] {
  if (text === '') fail(url, 'no host');
  return text.split(',').map((part) => {
    const m = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d+))?$/.exec(part.trim());
    if (!m) fail(url, `bad host "${part}"`);
    const host = m[1]!.replace(/^\[|\]$/g, '');
    const port = m[2] === undefined ? defaultPort : Number(m[2]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) fail(url, `bad port in "${part}"`);
    return { host, port };
  });
}

function parseAuth(auth: string | undefined): { username?: string; password?: string } {
  if (auth === undefined || auth === '') return {};
  const colon = auth.indexOf(':');
  if (colon < 0) return { password: decodeURIComponent(auth) };
  const username = decodeURIComponent(auth.slice(0, colon));
  const password = decodeURIComponent(auth.slice(colon + 1));
  return { ...(username ? { username } : {}), ...(password ? { password } : {}) };
}

function parseDb(url: string, text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text)) fail(url, `bad database number "${text}"`);
  return Number(text);
}

function parseQuery(url: string, query: string | undefined, allowed: string[]): Map<string, string> {
  const params = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(query ?? '')) {
    if (!allowed.includes(key)) fail(url, `unknown option "${key}" (allowed: ${allowed.join(', ') || 'none'})`);
    params.set(key, value);
  }
  return params;
}

function flag(url: string, params: Map<string, string>, key: string): boolean {
  const v = params.get(key);
  if (v === undefined) return false;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return fail(url, `option "${key}" must be true or false`);
}

/** Parse a Redis URL (see the top of this file) into ioredis options. Throws a clear error on a bad URL. */
export function redisOptionsFromUrl(url: string): RedisConnectionSpec {
  const m = URL_SHAPE.exec(url.trim());
  if (!m) fail(url, 'expected redis://, rediss://, redis-sentinel:// or redis-cluster://');
  const scheme = m[1]!.toLowerCase();
  const auth = parseAuth(m[2]);
  const path = (m[4] ?? '').replace(/^\//, '');

  switch (scheme) {
    case 'redis':
    case 'rediss': {
      parseQuery(url, m[5], []);
      const hosts = parseHosts(url, m[3]!, 6379);
      if (hosts.length !== 1) fail(url, `${scheme}:// takes one host; use redis-sentinel:// or redis-cluster:// for several`);
      const db = parseDb(url, path);
      const options: RedisOptions = { host: hosts[0]!.host, port: hosts[0]!.port, ...auth };
      if (db !== undefined) options.db = db;
      if (scheme === 'rediss') options.tls = { servername: hosts[0]!.host };
      return { mode: 'standalone', options };
    }
    case 'redis-sentinel': {
      const params = parseQuery(url, m[5], ['db', 'tls', 'sentinelPassword', 'sentinelUsername']);
      const sentinels = parseHosts(url, m[3]!, 26379);
      if (path === '' || path.includes('/')) fail(url, 'expected /mastername after the sentinel hosts');
      const options: RedisOptions = { sentinels, name: decodeURIComponent(path), ...auth };
      const db = parseDb(url, params.get('db'));
      if (db !== undefined) options.db = db;
      if (params.has('sentinelPassword')) options.sentinelPassword = params.get('sentinelPassword')!;
      if (params.has('sentinelUsername')) options.sentinelUsername = params.get('sentinelUsername')!;
      if (flag(url, params, 'tls')) {
        options.tls = {};
        options.enableTLSForSentinelMode = true;
      }
      return { mode: 'sentinel', options };
    }
    case 'redis-cluster': {
      const params = parseQuery(url, m[5], ['tls']);
      const nodes = parseHosts(url, m[3]!, 6379);
      if (path !== '') fail(url, 'Redis Cluster has no database number or path');
      const redisOptions: NonNullable<ClusterOptions['redisOptions']> = { ...auth };
      if (flag(url, params, 'tls')) redisOptions.tls = {};
      return { mode: 'cluster', nodes, options: { redisOptions } };
    }
    default:
      return fail(url, `unknown scheme "${scheme}://"`);
  }
}

/** Connection behaviour shared by every client we make (timeouts, retries, offline queue). */
export interface ClientTuning {
  maxRetriesPerRequest?: number | null;
  enableOfflineQueue?: boolean;
  connectTimeout?: number;
  commandTimeout?: number;
  /** Delay before reconnect attempt `times`; never null (we always reconnect). */
  retryDelay?: (times: number) => number;
  lazyConnect?: boolean;
}

/** An ioredis client for `url`: a Redis (standalone or via Sentinel) or a Cluster. */
export function createRedisClient(url: string, tuning: ClientTuning = {}): Redis | Cluster {
  const spec = redisOptionsFromUrl(url);
  const common: RedisOptions = {};
  if (tuning.maxRetriesPerRequest !== undefined) common.maxRetriesPerRequest = tuning.maxRetriesPerRequest;
  if (tuning.connectTimeout !== undefined) common.connectTimeout = tuning.connectTimeout;
  if (tuning.commandTimeout !== undefined) common.commandTimeout = tuning.commandTimeout;
  if (tuning.lazyConnect !== undefined) common.lazyConnect = tuning.lazyConnect;
  if (spec.mode === 'cluster') {
    const options: ClusterOptions = { ...spec.options, redisOptions: { ...spec.options.redisOptions, ...common } };
    if (tuning.enableOfflineQueue !== undefined) options.enableOfflineQueue = tuning.enableOfflineQueue;
    if (tuning.retryDelay) options.clusterRetryStrategy = tuning.retryDelay;
    if (tuning.lazyConnect !== undefined) options.lazyConnect = tuning.lazyConnect;
    return new Cluster(spec.nodes, options);
  }
  const options: RedisOptions = { ...spec.options, ...common };
  if (tuning.enableOfflineQueue !== undefined) options.enableOfflineQueue = tuning.enableOfflineQueue;
  if (tuning.retryDelay) options.retryStrategy = tuning.retryDelay;
  return new Redis(options);
}
