// Low-level access to incident event logs for the records tools (verify, purge, erasure): read a
// log together with the head the store keeps, rewrite a log's entries in place (only erasure does
// this, see redaction.ts), and drop a whole log (only the retention purge does this).
//
// The Store port has no such operations on purpose: the app only ever appends. These tools work
// below it: on Redis through the key layout of storeKey() (src/store/redis.ts); on a MemoryStore
// (tests, the local terminal chat) by reaching into its private log map.

import type { Redis, Cluster } from 'ioredis';
import { MemoryStore } from '../store/memory.js';
import type { StoredEvent } from '../store/port.js';
import { RedisStore, storeKey } from '../store/redis.js';

export interface LogHead {
  seq: number;
  hash: string;
}

export interface EventLog {
  /** Every stream (incident ref) with an event log. */
  streams(): Promise<string[]>;
  /** The events as stored, oldest first (seq, prevHash and hash exactly as kept). */
  read(stream: string): Promise<StoredEvent[]>;
  /** The head the store keeps (last seq and hash), or null when it keeps none / there is none. */
  head(stream: string): Promise<LogHead | null>;
  /** Does this backend keep a separate head? (Redis does; MemoryStore does not.) */
  readonly keepsHead: boolean;
  /** Replace the data of some events, keeping seq, at, type, prevHash and hash as they are. */
  replaceData(stream: string, changes: Map<number, Record<string, unknown>>): Promise<void>;
  /** Delete a stream's events and head and forget the stream. */
  drop(stream: string): Promise<void>;
}

type RedisClient = Redis | Cluster;

function fieldsOf(raw: string[]): Record<string, string> {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) f[raw[i]!] = raw[i + 1]!;
  return f;
}

function toEvent(f: Record<string, string>): StoredEvent {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(f.data ?? '{}') as Record<string, unknown>;
  } catch {
    data = { unreadable: f.data ?? '' };
  }
  return { seq: Number(f.seq), at: f.at ?? '', type: f.type ?? '', data, prevHash: f.prev ?? '', hash: f.hash ?? '' };
}

// KEYS: events. ARGV: pairs of (entry id, data JSON). Rebuilds the stream with the same entry ids,
// changing only the data field of the given entries, atomically.
const REPLACE_LUA = `
local entries = redis.call('XRANGE', KEYS[1], '-', '+')
local changes = {}
for i = 1, #ARGV, 2 do changes[ARGV[i]] = ARGV[i + 1] end
redis.call('DEL', KEYS[1])
for _, e in ipairs(entries) do
  local id, f = e[1], e[2]
  local args = {}
  for j = 1, #f, 2 do
    local v = f[j + 1]
    if f[j] == 'data' and changes[id] then v = changes[id] end
    table.insert(args, f[j]); table.insert(args, v)
  end
  redis.call('XADD', KEYS[1], id, unpack(args))
end
return #entries`;

/** The event logs of a RedisStore: `client` and `prefix` must be the store's (REDIS_PREFIX). */
export function redisEventLog(client: RedisClient, prefix: string): EventLog {
  const key = (kind: 'events' | 'head', stream: string) => storeKey(prefix, { kind, stream });
  return {
    keepsHead: true,
    async streams() {
      return (await client.smembers(storeKey(prefix, { kind: 'streams' }))).sort();
    },
    async read(stream) {
      const entries = await client.xrange(key('events', stream), '-', '+');
      return entries.map(([, raw]) => toEvent(fieldsOf(raw)));
    },
    async head(stream) {
      const [seq, hash] = await client.hmget(key('head', stream), 'seq', 'hash');
      return seq === null || seq === undefined ? null : { seq: Number(seq), hash: hash ?? '' };
    },
    async replaceData(stream, changes) {
      if (changes.size === 0) return;
      const entries = await client.xrange(key('events', stream), '-', '+');
      const args: string[] = [];
      for (const [id, raw] of entries) {
        const seq = Number(fieldsOf(raw).seq);
        const data = changes.get(seq);
        if (data) args.push(id, JSON.stringify(data));
      }
      await client.eval(REPLACE_LUA, 1, key('events', stream), ...args);
    },
    async drop(stream) {
      await client.del(key('events', stream));
      await client.del(key('head', stream));
      await client.srem(storeKey(prefix, { kind: 'streams' }), stream);
    },
  };
}

/** The event logs of a MemoryStore (its private `logs` map: see the note at the top). */
export function memoryEventLog(store: MemoryStore): EventLog {
  const logs = (store as unknown as { logs: Map<string, StoredEvent[]> }).logs;
  if (!(logs instanceof Map)) throw new Error('memoryEventLog: this MemoryStore has no log map');
  return {
    keepsHead: false,
    async streams() {
      return store.streams();
    },
    async read(stream) {
      return store.read(stream);
    },
    async head() {
      return null;
    },
    async replaceData(stream, changes) {
      const log = logs.get(stream) ?? [];
      for (const e of log) {
        const data = changes.get(e.seq);
        if (data) e.data = JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
      }
    },
    async drop(stream) {
      logs.delete(stream);
    },
  };
}

/**
 * The event logs behind a Store the app made: a MemoryStore, or a RedisStore (through its own
 * client and prefix, reached by a cast: the Store port does not expose them).
 */
export function eventLogFor(store: unknown): EventLog {
  if (store instanceof MemoryStore) return memoryEventLog(store);
  if (store instanceof RedisStore) {
    const client = (store as unknown as { redis?: RedisClient }).redis;
    if (client) return redisEventLog(client, store.prefix);
  }
  throw new Error('No event-log access for this kind of store');
}
