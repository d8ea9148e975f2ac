// The Store port: everything the assistant keeps. Two implementations share one contract test
// suite (test/store/contract.test.ts): memory.ts for the local chat and unit tests, redis.ts for
// everything else. Every write that can race is a compare-and-set on a version.

export interface Versioned<T> {
  value: T;
  /** Starts at 1 on first write and goes up by one on every write. */
  version: number;
}

export interface StoredEvent {
  /** Position in the stream, from 1. */
  seq: number;
  /** ISO UTC time the event was appended. */
  at: string;
  type: string;
  data: Record<string, unknown>;
  /** sha256 hex of (prevHash + canonical JSON of {seq, at, type, data}); "" before the first event. */
  prevHash: string;
  hash: string;
}

/** An event to append: its type and data (the store adds seq, time and hashes). */
export interface NewEvent {
  type: string;
  data: Record<string, unknown>;
}

export interface Store {
  /** Read a document. `ns` is a namespace such as "session" or "incident". */
  get<T>(ns: string, id: string): Promise<Versioned<T> | null>;
  /**
   * Compare-and-set write. `expectedVersion` null means "must not exist yet".
   * Returns the new version, or null when the version did not match (someone else wrote first).
   */
  put<T>(ns: string, id: string, value: T, expectedVersion: number | null, ttlSeconds?: number): Promise<number | null>;
  /** Delete; with `expectedVersion`, only if it still matches. Returns whether it was deleted. */
  del(ns: string, id: string, expectedVersion?: number): Promise<boolean>;
  /** Ids in a namespace (small namespaces only: open incidents, conversation references). */
  list(ns: string): Promise<string[]>;
  /** Atomic counter, e.g. incident reference sequences. Returns the new value. */
  incr(counter: string): Promise<number>;
  /** First sighting of an inbound event id within ttl → true; a repeat → false. */
  dedupe(eventId: string, ttlSeconds: number): Promise<boolean>;
  /** Append to an incident's hash-chained event log. Atomic: concurrent appends never fork the chain. */
  append(stream: string, type: string, data: Record<string, unknown>, at?: Date): Promise<StoredEvent>;
  /** Append several events, in order, as one atomic step (one round trip on Redis). */
  appendMany(stream: string, events: ReadonlyArray<NewEvent>, at?: Date): Promise<StoredEvent[]>;
  /** The whole event log of a stream, oldest first. */
  read(stream: string): Promise<StoredEvent[]>;
  /** Streams (incident refs) that have an event log. */
  streams(): Promise<string[]>;
  /** Round-trip check for /readyz. Throws when the backend is down. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Thrown by a Redis store when Redis cannot be reached; channels turn it into a "phone your manager" message. */
export class StoreUnavailableError extends Error {
  constructor(cause?: unknown) {
    super('The record store cannot be reached.');
    this.name = 'StoreUnavailableError';
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}
