// Checks an incident's event log: each event's hash recomputes (or was rewritten by a recorded
// erasure, see redaction.ts), seq numbers run 1, 2, 3… with no gap, each event follows the one
// before (prevHash), and the last event matches the head the store keeps. One plain line per
// problem, naming the seq, so an auditor can see what was edited, deleted or inserted.

import { createHash } from 'node:crypto';
import { eventHash } from '../store/chain.js';
import type { StoredEvent } from '../store/port.js';
import type { EventLog, LogHead } from './event-log.js';
import { contentDigest, redactionsBySeq } from './redaction.js';

export type ProblemKind = 'edited' | 'missing' | 'inserted' | 'broken_link' | 'head' | 'no_log';

export interface ChainProblem {
  kind: ProblemKind;
  seq?: number;
  message: string;
}

export interface VerifyResult {
  ref: string;
  events: number;
  ok: boolean;
  problems: ChainProblem[];
  /** Seqs rewritten by a recorded erasure (accepted). */
  redacted: number[];
}

/**
 * Check one log. `head` is the head the store keeps; pass `keepsHead: false` for stores without
 * one (MemoryStore), where a missing last event cannot be detected.
 */
export function verifyEvents(ref: string, events: StoredEvent[], head: LogHead | null, keepsHead = true): VerifyResult {
  const problems: ChainProblem[] = [];
  const redacted: number[] = [];
  const redactions = redactionsBySeq(events);
  let prev: StoredEvent | null = null;
  for (const e of events) {
    const expected = (prev?.seq ?? 0) + 1;
    let gap = false;
    if (!Number.isInteger(e.seq) || e.seq < expected) {
      problems.push({ kind: 'inserted', seq: e.seq, message: `seq ${e.seq}: an extra event was inserted (expected seq ${expected})` });
      gap = true;
    } else if (e.seq > expected) {
      const which = e.seq - 1 === expected ? `seq ${expected} is missing` : `seq ${expected} to ${e.seq - 1} are missing`;
      problems.push({ kind: 'missing', seq: expected, message: `${which} (deleted event)` });
      gap = true;
    }
    if (!gap && e.prevHash !== (prev?.hash ?? '')) {
      problems.push({ kind: 'broken_link', seq: e.seq, message: `seq ${e.seq}: does not follow seq ${prev?.seq ?? 0} (event before it changed, replaced or inserted)` });
    }
    if (e.hash !== eventHash(e.prevHash, e.seq, e.at, e.type, e.data)) {
      const r = redactions.get(e.seq);
      if (r && r.hash === e.hash && r.digest === contentDigest(e)) redacted.push(e.seq);
      else problems.push({ kind: 'edited', seq: e.seq, message: `seq ${e.seq}: hash mismatch (event ${e.type || '?'} was edited)` });
    }
    prev = e;
  }
  if (keepsHead) {
    const last = events[events.length - 1];
    if (!head && last) problems.push({ kind: 'head', message: `no head is kept for this log (last event seq ${last.seq})` });
    else if (head && !last) problems.push({ kind: 'missing', seq: 1, message: `every event is missing (head says seq ${head.seq})` });
    else if (head && last) {
      if (head.seq > last.seq) {
        const which = head.seq === last.seq + 1 ? `seq ${head.seq} is missing` : `seq ${last.seq + 1} to ${head.seq} are missing`;
        problems.push({ kind: 'missing', seq: last.seq + 1, message: `${which} (deleted from the end; head says seq ${head.seq})` });
      } else if (head.seq < last.seq) {
        const which = head.seq + 1 === last.seq ? `seq ${last.seq} was` : `seq ${head.seq + 1} to ${last.seq} were`;
        problems.push({ kind: 'inserted', seq: head.seq + 1, message: `${which} added outside the store (head says seq ${head.seq})` });
      } else if (head.hash !== last.hash) {
        problems.push({ kind: 'head', seq: last.seq, message: `seq ${last.seq}: does not match the head (last event replaced)` });
      }
    }
  }
  return { ref, events: events.length, ok: problems.length === 0, problems, redacted };
}

/** Verify one incident's log as stored. A ref with no log at all is a problem too. */
export async function verifyStream(log: EventLog, ref: string): Promise<VerifyResult> {
  const [events, head] = await Promise.all([log.read(ref), log.head(ref)]);
  if (events.length === 0 && !head) {
    return { ref, events: 0, ok: false, problems: [{ kind: 'no_log', message: 'no event log for this incident' }], redacted: [] };
  }
  return verifyEvents(ref, events, head, log.keepsHead);
}

/** Verify every log, and every incident document's log (`incidentRefs`), in ref order. */
export async function verifyAll(log: EventLog, incidentRefs: string[]): Promise<VerifyResult[]> {
  const refs = [...new Set([...(await log.streams()), ...incidentRefs])].sort();
  const out: VerifyResult[] = [];
  for (const ref of refs) out.push(await verifyStream(log, ref));
  return out;
}

/** One line per problem, "REF: message"; nothing when intact. */
export function problemLines(results: VerifyResult[]): string[] {
  return results.flatMap((r) => r.problems.map((p) => `${r.ref}: ${p.message}`));
}

/**
 * A fingerprint of every log as it stood at `at`: sha256 over "ref seq hash" of each log's last
 * event at or before `at`, refs in order. Posted in the weekly digest (a record outside Redis),
 * it lets anyone check later, with `npm run verify -- --fingerprint ISO-TIME`, that no log was
 * rewritten wholesale since (which the chain alone cannot show: a rewrite can re-chain every
 * hash). Erasure keeps stored hashes, so it does not change a fingerprint; purging a log does.
 */
export async function fingerprintAt(log: EventLog, at: Date): Promise<{ logs: number; fingerprint: string }> {
  const lines: string[] = [];
  for (const ref of (await log.streams()).sort()) {
    const last = (await log.read(ref)).filter((e) => Date.parse(e.at) <= at.getTime()).at(-1);
    if (last) lines.push(`${ref} ${last.seq} ${last.hash}`);
  }
  return { logs: lines.length, fingerprint: createHash('sha256').update(lines.join('\n')).digest('hex') };
}
