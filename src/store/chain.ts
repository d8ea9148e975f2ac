// The incident event log's hash chain, shared by both stores: canonical JSON (keys sorted, the
// same values JSON.stringify keeps) and sha256(prevHash + canonical JSON of {seq, at, type, data}).

import { createHash } from 'node:crypto';
import type { StoredEvent } from './port.js';

/** A JSON-safe deep copy: what a value looks like after a trip through JSON (Dates become strings). */
export function jsonCopy<T>(value: T): T {
  const text = JSON.stringify(value);
  return (text === undefined ? null : JSON.parse(text)) as T;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** JSON with object keys sorted at every depth, so equal data always gives equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(jsonCopy(value)));
}

/** sha256 hex of prevHash + canonical JSON of {seq, at, type, data}. */
export function eventHash(prevHash: string, seq: number, at: string, type: string, data: Record<string, unknown>): string {
  return createHash('sha256').update(prevHash + canonicalJson({ seq, at, type, data })).digest('hex');
}

/**
 * Check a whole log: seq runs 1, 2, 3…, each prevHash is the hash before it ("" first) and each
 * hash recomputes. Returns the seq of the first bad event, or null when the chain is whole.
 */
export function firstBrokenLink(events: StoredEvent[]): number | null {
  let prev = '';
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.seq !== i + 1 || e.prevHash !== prev || e.hash !== eventHash(prev, e.seq, e.at, e.type, e.data)) {
      return e.seq;
    }
    prev = e.hash;
  }
  return null;
}
