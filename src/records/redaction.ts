// Erasure inside a hash-chained log, and how the verifier accepts it.
//
// Design (the simplest sound one that works on logs already written):
//   - Erasure rewrites the data of the events that held the identifier IN PLACE, keeping each
//     event's seq, time, type, prevHash and stored hash as they were. So every link in the chain
//     (next.prevHash === this.hash) still holds and the head still matches.
//   - It then APPENDS a `redaction` event (itself chained like any other) listing, for each
//     rewritten event: its seq, its stored (original) hash, and `digest`, the sha256 of the
//     canonical JSON of the event as it now reads ({seq, at, type, data}).
//   - The verifier accepts an event whose hash no longer recomputes only when a LATER redaction
//     event names that seq with the same stored hash and a digest of exactly what is there now.
//     Any other change (to the redacted event, or to the redaction event, which would break the
//     chain after it) is still reported.
// The redaction event never repeats the identifier: it keeps only a keyed hash (see privacy.ts).
//
// Known limit: an original event hash is a fixed function of the text it covered, so someone who
// holds the redacted log and guesses the erased text (very short identifiers such as initials are
// easy to guess) could confirm a guess against it. Closing that needs personal fields kept outside
// the chain behind salted commitments at the time of writing: a possible later change to append().

import { createHash } from 'node:crypto';
import { canonicalJson } from '../store/chain.js';
import type { StoredEvent } from '../store/port.js';

export const REDACTION_TYPE = 'redaction';

export interface RedactionEntry {
  seq: number;
  /** The event's stored hash (the hash of its original content). */
  hash: string;
  /** sha256 of the canonical JSON of {seq, at, type, data} as rewritten. */
  digest: string;
}

export interface RedactionData {
  /** Person id of whoever asked for the erasure. */
  by: string;
  /** Keyed hash of the erased identifier (never the identifier itself). */
  identifierHash: string;
  /** How the hash was keyed: 'secret' (ERASURE_SECRET, can confirm later) or 'one_off' (cannot). */
  keyed: 'secret' | 'one_off';
  events: RedactionEntry[];
  /** Fields changed in the incident document (paths), for the record. */
  documentFields: string[];
}

/** sha256 of an event's canonical content as it now reads. */
export function contentDigest(e: Pick<StoredEvent, 'seq' | 'at' | 'type' | 'data'>): string {
  return createHash('sha256').update(canonicalJson({ seq: e.seq, at: e.at, type: e.type, data: e.data })).digest('hex');
}

/** The latest redaction entry per seq, taken only from redaction events that come after it. */
export function redactionsBySeq(events: StoredEvent[]): Map<number, RedactionEntry> {
  const out = new Map<number, RedactionEntry>();
  for (const e of events) {
    if (e.type !== REDACTION_TYPE) continue;
    const entries = (e.data as Partial<RedactionData>).events;
    if (!Array.isArray(entries)) continue;
    for (const r of entries) {
      if (r && typeof r.seq === 'number' && r.seq < e.seq && typeof r.hash === 'string' && typeof r.digest === 'string') out.set(r.seq, r);
    }
  }
  return out;
}

/**
 * Replace every whole-word occurrence of `identifier` in every string inside `value` with
 * `replacement`, leaving values under `skipKeys` (structural fields: refs, codes, person ids,
 * times) alone. Returns the new value and the paths that changed. Short all-capital identifiers
 * (initials such as "AB") match case-sensitively so ordinary words are not erased; others match
 * in any case.
 */
export function scrub(
  value: unknown,
  identifier: string,
  replacement: string,
  skipKeys: ReadonlySet<string> = new Set(),
  path = '',
): { value: unknown; paths: string[] } {
  const pattern = identifierPattern(identifier);
  const paths: string[] = [];
  const walk = (v: unknown, p: string): unknown => {
    if (typeof v === 'string') {
      const next = v.replace(pattern, replacement);
      if (next !== v) paths.push(p || '.');
      return next;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${p}[${i}]`));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = skipKeys.has(k) ? x : walk(x, p ? `${p}.${k}` : k);
      return out;
    }
    return v;
  };
  return { value: walk(value, path), paths };
}

export function identifierPattern(identifier: string): RegExp {
  const escaped = identifier.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const caseSensitive = identifier.trim().length <= 4 && identifier.trim() === identifier.trim().toUpperCase();
  // Word boundaries that work for identifiers starting or ending with punctuation ("A.B.").
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, caseSensitive ? 'gu' : 'giu');
}
