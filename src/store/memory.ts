// MemoryStore: the Store port in process memory, for the local terminal chat and unit tests.
// Same semantics as RedisStore (CAS versions, ttl, dedupe, hash-chained event logs), with an
// injectable clock so tests can expire things without waiting. Values are stored as JSON copies.

import type { NewEvent, Store, StoredEvent, Versioned } from './port.js';
import { eventHash, jsonCopy } from './chain.js';

export interface MemoryStoreOptions {
  /** Milliseconds since the epoch; defaults to Date.now. Drives ttl expiry and default event times. */
  now?: () => number;
}

interface Doc {
  value: unknown;
  version: number;
  /** Epoch ms after which the document is gone; null = never. */
  expiresAt: number | null;
}

export class MemoryStore implements Store {
  private readonly now: () => number;
  private readonly docs = new Map<string, Map<string, Doc>>();
  private readonly counters = new Map<string, number>();
  private readonly seen = new Map<string, number>();
  private readonly logs = new Map<string, StoredEvent[]>();

  constructor(options: MemoryStoreOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  private live(ns: string, id: string): Doc | null {
    const space = this.docs.get(ns);
    const doc = space?.get(id);
    if (!space || !doc) return null;
    if (doc.expiresAt !== null && doc.expiresAt <= this.now()) {
      space.delete(id);
      return null;
    }
    return doc;
  }

  async get<T>(ns: string, id: string): Promise<Versioned<T> | null> {
    const doc = this.live(ns, id);
    return doc ? { value: jsonCopy(doc.value) as T, version: doc.version } : null;
  }

  /** Every put sets the ttl afresh: with ttlSeconds it expires then, without it never expires. */
  async put<T>(ns: string, id: string, value: T, expectedVersion: number | null, ttlSeconds?: number): Promise<number | null> {
    const current = this.live(ns, id);
    if (expectedVersion === null ? current !== null : current?.version !== expectedVersion) return null;
    const version = (current?.version ?? 0) + 1;
    const expiresAt = ttlSeconds !== undefined && ttlSeconds > 0 ? this.now() + ttlSeconds * 1000 : null;
    let space = this.docs.get(ns);
    if (!space) this.docs.set(ns, (space = new Map()));
    space.set(id, { value: jsonCopy(value), version, expiresAt });
    return version;
  }

  async del(ns: string, id: string, expectedVersion?: number): Promise<boolean> {
    const current = this.live(ns, id);
    if (!current) return false;
    if (expectedVersion !== undefined && current.version !== expectedVersion) return false;
    this.docs.get(ns)!.delete(id);
    return true;
  }

  async list(ns: string): Promise<string[]> {
    const ids = [...(this.docs.get(ns)?.keys() ?? [])];
    return ids.filter((id) => this.live(ns, id) !== null).sort();
  }

  async incr(counter: string): Promise<number> {
    const next = (this.counters.get(counter) ?? 0) + 1;
    this.counters.set(counter, next);
    return next;
  }

  async dedupe(eventId: string, ttlSeconds: number): Promise<boolean> {
    const until = this.seen.get(eventId);
    if (until !== undefined && until > this.now()) return false;
    this.seen.set(eventId, this.now() + ttlSeconds * 1000);
    return true;
  }

  async append(stream: string, type: string, data: Record<string, unknown>, at?: Date): Promise<StoredEvent> {
    return (await this.appendMany(stream, [{ type, data }], at))[0]!;
  }

  async appendMany(stream: string, events: ReadonlyArray<NewEvent>, at?: Date): Promise<StoredEvent[]> {
    let log = this.logs.get(stream);
    if (!log) this.logs.set(stream, (log = []));
    const iso = (at ?? new Date(this.now())).toISOString();
    const added: StoredEvent[] = [];
    for (const { type, data } of events) {
      const last = log[log.length - 1];
      const seq = (last?.seq ?? 0) + 1;
      const prevHash = last?.hash ?? '';
      const clean = jsonCopy(data);
      const event: StoredEvent = { seq, at: iso, type, data: clean, prevHash, hash: eventHash(prevHash, seq, iso, type, clean) };
      log.push(event);
      added.push(jsonCopy(event));
    }
    return added;
  }

  async read(stream: string): Promise<StoredEvent[]> {
    return jsonCopy(this.logs.get(stream) ?? []);
  }

  async streams(): Promise<string[]> {
    return [...this.logs.keys()].sort();
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}
