// RedisStore: the Store port on Redis (ioredis 6). Compare-and-set writes and the event-log
// append are Lua scripts, so racing writers never lose an update or fork a hash chain. Every key
// comes from storeKey(), which hash-tags keys that one script touches together (Cluster-safe):
//
//   <p>{ns:<ns>}:doc:<id>    HASH v=<version> d=<JSON>       documents (PEXPIRE when put with a ttl)
//   <p>{ns:<ns>}:ids         SET of ids in the namespace     kept by the put/del scripts
//   <p>{stream:<s>}:events   STREAM seq at type data prev hash   the incident event log
//   <p>{stream:<s>}:head     HASH seq hash                   last event, checked by the append script
//   <p>streams               SET of stream names
//   <p>counter:<name>        INCR counter
//   <p>dedupe:<eventId>      SET NX EX marker
//
// The tag for documents is the namespace (not the id) because the put/del scripts update the
// namespace's id set in the same step; a Cluster runs a script only when all its keys share a slot.
// Unreachable Redis → StoreUnavailableError within about 2 s; the client reconnects by itself.

import type { Cluster, Redis } from 'ioredis';
import { StoreUnavailableError, type NewEvent, type Store, type StoredEvent, type Versioned } from './port.js';
import { eventHash, jsonCopy } from './chain.js';
import { createRedisClient } from './redis-url.js';

export type RedisClient = Redis | Cluster;

export interface RedisStoreOptions {
  /** Redis URL (see redis-url.ts); used when no client is given. */
  url?: string;
  /** An existing client; the store will not close it. Give it small retry limits (see STORE_TUNING). */
  client?: RedisClient;
  /** Key prefix; default "ea:". */
  prefix?: string;
  /** How many times append retries after losing a race for the chain head; default 200. */
  maxAppendRetries?: number;
}

/** Client settings so a caller hears about an outage within ~2 s instead of hanging. */
export const STORE_TUNING = {
  maxRetriesPerRequest: 1,
  enableOfflineQueue: true,
  connectTimeout: 2000,
  commandTimeout: 2000,
  retryDelay: (times: number) => Math.min(100 * times, 2000),
} as const;

export type StoreKey =
  | { kind: 'doc'; ns: string; id: string }
  | { kind: 'ids'; ns: string }
  | { kind: 'events'; stream: string }
  | { kind: 'head'; stream: string }
  | { kind: 'streams' }
  | { kind: 'counter'; name: string }
  | { kind: 'dedupe'; eventId: string };

/** The one place Redis keys are built. */
export function storeKey(prefix: string, key: StoreKey): string {
  switch (key.kind) {
    case 'doc':
      return `${prefix}{ns:${key.ns}}:doc:${key.id}`;
    case 'ids':
      return `${prefix}{ns:${key.ns}}:ids`;
    case 'events':
      return `${prefix}{stream:${key.stream}}:events`;
    case 'head':
      return `${prefix}{stream:${key.stream}}:head`;
    case 'streams':
      return `${prefix}streams`;
    case 'counter':
      return `${prefix}counter:${key.name}`;
    case 'dedupe':
      return `${prefix}dedupe:${key.eventId}`;
  }
}

// KEYS: doc, ids. ARGV: expected version ("" = must not exist), JSON, ttl ms ("0" = none), id.
const PUT_LUA = `
local cur = redis.call('HGET', KEYS[1], 'v')
if ARGV[1] == '' then
  if cur then return -1 end
elseif (not cur) or cur ~= ARGV[1] then
  return -1
end
local nv = (cur and tonumber(cur) or 0) + 1
redis.call('HSET', KEYS[1], 'v', nv, 'd', ARGV[2])
if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) else redis.call('PERSIST', KEYS[1]) end
redis.call('SADD', KEYS[2], ARGV[4])
return nv`;

// KEYS: doc, ids. ARGV: expected version ("" = any), id.
const DEL_LUA = `
local cur = redis.call('HGET', KEYS[1], 'v')
if not cur then
  redis.call('SREM', KEYS[2], ARGV[2])
  return 0
end
if ARGV[1] ~= '' and cur ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[2])
return 1`;

// KEYS: doc, ids. ARGV: id. Drops an expired document's id from the set (only if still gone).
const PRUNE_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.call('SREM', KEYS[2], ARGV[1]) end
return 0`;

// KEYS: events, head. ARGV: expected seq, expected hash, then five per event: seq, at, type, data
// JSON, hash. Writes every event or none. Returns {1}, or {0, seq, hash}: the real head, when the
// expected one was out of date (another writer appended first).
const APPEND_LUA = `
local head = redis.call('HMGET', KEYS[2], 'seq', 'hash')
local seq = head[1] or '0'
local hash = head[2] or ''
if tonumber(seq) ~= tonumber(ARGV[1]) or hash ~= ARGV[2] then return {0, seq, hash} end
local prev = ARGV[2]
for i = 3, #ARGV, 5 do
  redis.call('XADD', KEYS[1], '*', 'seq', ARGV[i], 'at', ARGV[i + 1], 'type', ARGV[i + 2], 'data', ARGV[i + 3], 'prev', prev, 'hash', ARGV[i + 4])
  prev = ARGV[i + 4]
  seq = ARGV[i]
end
redis.call('HSET', KEYS[2], 'seq', seq, 'hash', prev)
return {1}`;

/** How many chain heads this process remembers (so an append usually costs one round trip). */
const HEADS_KEPT = 10_000;

interface StoreScripts {
  eaStorePut(doc: string, ids: string, expected: string, json: string, ttlMs: string, id: string): Promise<number>;
  eaStoreDel(doc: string, ids: string, expected: string, id: string): Promise<number>;
  eaStorePrune(doc: string, ids: string, id: string): Promise<number>;
  eaStoreAppend(events: string, head: string, ...args: string[]): Promise<[number, string?, string?]>;
}

function isRedisReplyError(err: unknown): boolean {
  return err instanceof Error && err.name === 'ReplyError';
}

export class RedisStore implements Store {
  readonly prefix: string;
  private readonly redis: RedisClient;
  private readonly scripts: StoreScripts;
  private readonly owned: boolean;
  private readonly maxAppendRetries: number;
  /** Last known head of each event log (a guess: the append script checks it). */
  private readonly heads = new Map<string, { seq: number; hash: string }>();
  /** Appends to one log from this process go one after another, so they never race each other. */
  private readonly appending = new Map<string, Promise<unknown>>();

  constructor(options: RedisStoreOptions) {
    this.prefix = options.prefix ?? 'ea:';
    this.maxAppendRetries = options.maxAppendRetries ?? 200;
    if (options.client) {
      this.redis = options.client;
      this.owned = false;
    } else {
      if (!options.url) throw new Error('RedisStore needs a url or a client');
      this.redis = createRedisClient(options.url, STORE_TUNING);
      this.owned = true;
      // Connection errors surface on each call as StoreUnavailableError; the client keeps reconnecting.
      this.redis.on('error', () => {});
    }
    this.redis.defineCommand('eaStorePut', { numberOfKeys: 2, lua: PUT_LUA });
    this.redis.defineCommand('eaStoreDel', { numberOfKeys: 2, lua: DEL_LUA });
    this.redis.defineCommand('eaStorePrune', { numberOfKeys: 2, lua: PRUNE_LUA });
    this.redis.defineCommand('eaStoreAppend', { numberOfKeys: 2, lua: APPEND_LUA });
    this.scripts = this.redis as unknown as StoreScripts;
  }

  private key(key: StoreKey): string {
    return storeKey(this.prefix, key);
  }

  /** Run one Redis call; anything but a Redis reply error means Redis is unreachable. */
  private async call<R>(fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } catch (err) {
      if (isRedisReplyError(err)) throw err;
      throw new StoreUnavailableError(err);
    }
  }

  async get<T>(ns: string, id: string): Promise<Versioned<T> | null> {
    const [v, d] = await this.call(() => this.redis.hmget(this.key({ kind: 'doc', ns, id }), 'v', 'd'));
    if (v === null || v === undefined || d === null || d === undefined) return null;
    return { value: JSON.parse(d) as T, version: Number(v) };
  }

  /** Every put sets the ttl afresh: with ttlSeconds it expires then, without it never expires. */
  async put<T>(ns: string, id: string, value: T, expectedVersion: number | null, ttlSeconds?: number): Promise<number | null> {
    const json = JSON.stringify(value) ?? 'null'; // (the same text as a JSON copy would give, in one pass)
    const ttlMs = ttlSeconds !== undefined && ttlSeconds > 0 ? Math.max(1, Math.round(ttlSeconds * 1000)) : 0;
    const result = await this.call(() =>
      this.scripts.eaStorePut(
        this.key({ kind: 'doc', ns, id }),
        this.key({ kind: 'ids', ns }),
        expectedVersion === null ? '' : String(expectedVersion),
        json,
        String(ttlMs),
        id,
      ),
    );
    return Number(result) < 0 ? null : Number(result);
  }

  async del(ns: string, id: string, expectedVersion?: number): Promise<boolean> {
    const result = await this.call(() =>
      this.scripts.eaStoreDel(
        this.key({ kind: 'doc', ns, id }),
        this.key({ kind: 'ids', ns }),
        expectedVersion === undefined ? '' : String(expectedVersion),
        id,
      ),
    );
    return Number(result) === 1;
  }

  /** Ids whose documents still exist; ids of expired documents are dropped from the set on the way. */
  async list(ns: string): Promise<string[]> {
    const idsKey = this.key({ kind: 'ids', ns });
    const ids = await this.call(() => this.redis.smembers(idsKey));
    const checked = await Promise.all(
      ids.map(async (id) => {
        const docKey = this.key({ kind: 'doc', ns, id });
        if ((await this.call(() => this.redis.exists(docKey))) === 1) return id;
        await this.call(() => this.scripts.eaStorePrune(docKey, idsKey, id));
        return null;
      }),
    );
    return checked.filter((id): id is string => id !== null).sort();
  }

  async incr(counter: string): Promise<number> {
    return this.call(() => this.redis.incr(this.key({ kind: 'counter', name: counter })));
  }

  async dedupe(eventId: string, ttlSeconds: number): Promise<boolean> {
    const ttl = Math.max(1, Math.ceil(ttlSeconds));
    const result = await this.call(() => this.redis.set(this.key({ kind: 'dedupe', eventId }), '1', 'EX', ttl, 'NX'));
    return result === 'OK';
  }

  async append(stream: string, type: string, data: Record<string, unknown>, at?: Date): Promise<StoredEvent> {
    return (await this.appendMany(stream, [{ type, data }], at))[0]!;
  }

  appendMany(stream: string, events: ReadonlyArray<NewEvent>, at?: Date): Promise<StoredEvent[]> {
    const before = this.appending.get(stream) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(() => this.appendNow(stream, events, at));
    this.appending.set(stream, mine);
    const forget = () => {
      if (this.appending.get(stream) === mine) this.appending.delete(stream);
    };
    mine.then(forget, forget);
    return mine;
  }

  private async appendNow(stream: string, events: ReadonlyArray<NewEvent>, at?: Date): Promise<StoredEvent[]> {
    if (!events.length) return [];
    const eventsKey = this.key({ kind: 'events', stream });
    const headKey = this.key({ kind: 'head', stream });
    const clean = events.map((e) => ({ type: e.type, data: jsonCopy(e.data), json: '' }));
    for (const c of clean) c.json = JSON.stringify(c.data);
    // Register the stream (sent first on the same connection, so a crash never leaves a hidden log).
    const registered = this.call(() => this.redis.sadd(this.key({ kind: 'streams' }), stream));
    registered.catch(() => undefined); // its failure is reported below, or by the append itself
    // A log this process has not seen is guessed empty (a new incident's usually is); when it is
    // not, the script answers with the real head and the next try uses it.
    let head = this.heads.get(stream) ?? { seq: 0, hash: '' };
    for (let attempt = 0; attempt <= this.maxAppendRetries; attempt++) {
      const iso = (at ?? new Date()).toISOString();
      const written: StoredEvent[] = [];
      const args: string[] = [String(head.seq), head.hash];
      let prev = head;
      for (const c of clean) {
        const seq = prev.seq + 1;
        const hash = eventHash(prev.hash, seq, iso, c.type, c.data);
        written.push({ seq, at: iso, type: c.type, data: c.data, prevHash: prev.hash, hash });
        args.push(String(seq), iso, c.type, c.json, hash);
        prev = { seq, hash };
      }
      const [ok, realSeq, realHash] = await this.call(() => this.scripts.eaStoreAppend(eventsKey, headKey, ...args));
      if (Number(ok) === 1) {
        await registered;
        this.remember(stream, prev);
        return written;
      }
      head = { seq: Number(realSeq ?? 0), hash: realHash ?? '' };
      // Another instance appended first: back off a little (with jitter) before the next try.
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 + attempt * 2)));
    }
    this.heads.delete(stream);
    throw new Error(`Could not append to event log ${stream}: too much contention`);
  }

  private remember(stream: string, head: { seq: number; hash: string }): void {
    this.heads.delete(stream);
    this.heads.set(stream, head);
    if (this.heads.size > HEADS_KEPT) this.heads.delete(this.heads.keys().next().value!);
  }

  async read(stream: string): Promise<StoredEvent[]> {
    const entries = await this.call(() => this.redis.xrange(this.key({ kind: 'events', stream }), '-', '+'));
    return entries.map(([, fields]) => {
      const f: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
      return {
        seq: Number(f.seq),
        at: f.at ?? '',
        type: f.type ?? '',
        data: JSON.parse(f.data ?? '{}') as Record<string, unknown>,
        prevHash: f.prev ?? '',
        hash: f.hash ?? '',
      };
    });
  }

  async streams(): Promise<string[]> {
    const names = await this.call(() => this.redis.smembers(this.key({ kind: 'streams' })));
    return names.sort();
  }

  async ping(): Promise<void> {
    await this.call(() => this.redis.ping());
  }

  async close(): Promise<void> {
    if (!this.owned) return;
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }
}
