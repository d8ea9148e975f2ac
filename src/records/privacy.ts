// Privacy operations on the records: the daily retention purge and the erasure of one person's
// identifier across incidents.
//
// purge: per kind of data, as the organisation file's `retention` says.
//   - sessions (intake conversations, ns "session") untouched for `sessionsDays` are deleted;
//   - CLOSED incidents (ns "incident") closed more than `incidentsYears` ago are deleted, each
//     first counted in an anonymous statistic (ns "stats", one document per local month of the
//     report × service × category: {month, serviceId, category, count}); open incidents are kept;
//   - event logs (the audit trail) whose last event is older than `auditEventsYears` are dropped,
//     unless their incident is still open or kept.
// Each incident is counted exactly once: only the purge that deletes the document counts it.
//
// eraseIdentifier: replaces every whole-word occurrence of the identifier with "[erased]" in the
// incident documents (subject, narrative, answers and other free text), in the intake sessions,
// and in the events of each incident's log; the events are rewritten in place and a `redaction`
// event is appended listing what changed, so `verify` still passes (see redaction.ts for why
// this is sound and for its limit). The erasure itself is recorded in the "erasures" log. Neither
// record repeats the identifier: only an HMAC of it, keyed with ERASURE_SECRET when given (so
// the organisation can later confirm "was X erased?"), else with a one-off key that is thrown away.

import { createHmac, randomBytes } from 'node:crypto';
import { subDays, subYears } from 'date-fns';
import type { Organisation } from '../conversations/organisation.js';
import { localParts } from '../core/calendar.js';
import type { Incident } from '../core/types.js';
import type { Store, StoredEvent } from '../store/port.js';
import { eventLogFor, type EventLog } from './event-log.js';
import { contentDigest, REDACTION_TYPE, scrub, type RedactionData, type RedactionEntry } from './redaction.js';
import { categoriesOf } from './report.js';

export const STATS_NS = 'stats';
export const ERASURES_STREAM = 'erasures';
export const ERASED = '[erased]';
const INCIDENT_NS = 'incident';
const OPEN_NS = 'incident-open';
const SESSION_NS = 'session';
const CAS_TRIES = 10;

type PrivacyOrg = Pick<Organisation, 'retention' | 'timezone' | 'intake'>;

export interface MonthlyCount {
  /** Local month of the report, "YYYY-MM". */
  month: string;
  serviceId: string;
  category: string;
  count: number;
}

export interface PurgeResult {
  sessions: number;
  incidents: string[];
  eventLogs: string[];
  /** Stats documents added to. */
  stats: string[];
  /** Incidents reported longer ago than the incident retention, kept because they are still open. */
  keptOpen: string[];
}

/** Add one incident to the anonymous monthly counts (compare-and-set, so concurrent purges add up). */
async function countIncident(store: Store, inc: Incident, timeZone: string): Promise<string[]> {
  const month = localParts(new Date(inc.createdAt), timeZone).date.slice(0, 7);
  const ids: string[] = [];
  for (const category of categoriesOf(inc)) {
    const id = `${month}|${inc.serviceId}|${category}`;
    for (let i = 0; ; i++) {
      const got = await store.get<MonthlyCount>(STATS_NS, id);
      const next: MonthlyCount = { month, serviceId: inc.serviceId, category, count: (got?.value.count ?? 0) + 1 };
      if ((await store.put(STATS_NS, id, next, got?.version ?? null)) !== null) break;
      if (i >= CAS_TRIES) throw new Error(`stats ${id} kept changing under us`);
    }
    ids.push(id);
  }
  return ids;
}

/** When an incident was closed: its last `closed` event, else its last update. */
function closedAt(inc: Incident, events: StoredEvent[]): string {
  return events.filter((e) => e.type === 'closed').at(-1)?.at ?? inc.updatedAt ?? inc.createdAt;
}

export async function purge(store: Store, org: PrivacyOrg, now: Date, log: EventLog = eventLogFor(store)): Promise<PurgeResult> {
  const result: PurgeResult = { sessions: 0, incidents: [], eventLogs: [], stats: [], keptOpen: [] };
  const { sessionsDays, incidentsYears, auditEventsYears } = org.retention;

  const sessionCutoff = subDays(now, sessionsDays).getTime();
  for (const id of await store.list(SESSION_NS)) {
    const got = await store.get<{ updatedAt?: string; startedAt?: string }>(SESSION_NS, id);
    const touched = Date.parse(got?.value.updatedAt ?? got?.value.startedAt ?? '');
    if (got && Number.isFinite(touched) && touched < sessionCutoff && (await store.del(SESSION_NS, id, got.version))) result.sessions++;
  }

  const incidentCutoff = subYears(now, incidentsYears).getTime();
  const open = new Set<string>();
  for (const ref of await store.list(INCIDENT_NS)) {
    const got = await store.get<Incident>(INCIDENT_NS, ref);
    if (!got) continue;
    const inc = got.value;
    if (inc.status !== 'closed') {
      open.add(ref);
      if (Date.parse(inc.createdAt) < incidentCutoff) result.keptOpen.push(ref);
      continue;
    }
    if (Date.parse(closedAt(inc, await log.read(ref))) >= incidentCutoff) continue;
    // Only the purge that deletes the document counts it (a racing purge gets false here).
    if (!(await store.del(INCIDENT_NS, ref, got.version))) continue;
    await store.del(OPEN_NS, ref);
    result.incidents.push(ref);
    for (const id of await countIncident(store, inc, org.timezone)) if (!result.stats.includes(id)) result.stats.push(id);
  }

  const auditCutoff = subYears(now, auditEventsYears).getTime();
  for (const ref of await log.streams()) {
    if (open.has(ref)) continue; // an open incident keeps its whole trail
    const events = await log.read(ref);
    const last = events.at(-1);
    if (last && Date.parse(last.at) >= auditCutoff) continue;
    await log.drop(ref);
    result.eventLogs.push(ref);
  }
  return result;
}

// ---------------------------------------------------------------------------
// Erasure

/** Keys whose values are structure, not free text: never rewritten (refs, codes, person ids, times). */
const STRUCTURAL_KEYS: ReadonlySet<string> = new Set([
  'ref', 'serviceId', 'code', 'codes', 'by', 'from', 'to', 'owner', 'id', 'level', 'timing', 'rules', 'sources', 'flow',
  'platform', 'status', 'itemStatus', 'type', 'tier', 'tiers', 'attempt', 'at', 'due', 'dueAt', 'createdAt', 'updatedAt',
  'startedAt', 'occurredAt', 'people', 'reporter', 'user', 'paging', 'versions', 'messages', 'questionRef', 'key', 'stepId',
  'history', 'policy',
]);

export interface ErasureOptions {
  /** ERASURE_SECRET: keys the stored hash so the erasure can be confirmed later. */
  secret?: string;
  log?: EventLog;
}

export interface ErasureResult {
  identifierHash: string;
  keyed: 'secret' | 'one_off';
  /** Refs whose document or events changed. */
  incidents: string[];
  /** Per ref, the event seqs rewritten. */
  events: Record<string, number[]>;
  sessions: number;
}

export function identifierHash(identifier: string, secret: string): string {
  return createHmac('sha256', secret).update(identifier.trim()).digest('hex');
}

async function rewriteDoc<T>(store: Store, ns: string, id: string, change: (v: T) => T | null, ttlSeconds?: number): Promise<boolean> {
  for (let i = 0; i < CAS_TRIES; i++) {
    const got = await store.get<T>(ns, id);
    if (!got) return false;
    const next = change(got.value);
    if (next === null) return false;
    if ((await store.put(ns, id, next, got.version, ttlSeconds)) !== null) return true;
  }
  throw new Error(`${ns} ${id} kept changing under us`);
}

/**
 * Erase `identifier` (initials or a local id; at least 2 characters) from every incident, its
 * event log and every intake session. `by` is the person id asking (checked by the caller).
 */
export async function eraseIdentifier(
  store: Store,
  org: PrivacyOrg,
  identifier: string,
  by: string,
  now: Date,
  options: ErasureOptions = {},
): Promise<ErasureResult> {
  const id = identifier.trim();
  if (id.length < 2) throw new Error('The identifier to erase must be at least 2 characters.');
  const log = options.log ?? eventLogFor(store);
  const keyed = options.secret ? 'secret' : 'one_off';
  const hash = identifierHash(id, options.secret ?? randomBytes(32).toString('hex'));
  const result: ErasureResult = { identifierHash: hash, keyed, incidents: [], events: {}, sessions: 0 };

  const refs = [...new Set([...(await store.list(INCIDENT_NS)), ...(await log.streams())])].filter((r) => r !== ERASURES_STREAM).sort();
  for (const ref of refs) {
    let docFields: string[] = [];
    await rewriteDoc<Incident>(store, INCIDENT_NS, ref, (inc) => {
      const s = scrub(inc, id, ERASED, STRUCTURAL_KEYS);
      docFields = s.paths;
      return s.paths.length ? (s.value as Incident) : null;
    });
    const changes = new Map<number, Record<string, unknown>>();
    const entries: RedactionEntry[] = [];
    for (const e of await log.read(ref)) {
      if (e.type === REDACTION_TYPE) continue;
      const s = scrub(e.data, id, ERASED, STRUCTURAL_KEYS);
      if (!s.paths.length) continue;
      const data = JSON.parse(JSON.stringify(s.value)) as Record<string, unknown>;
      changes.set(e.seq, data);
      entries.push({ seq: e.seq, hash: e.hash, digest: contentDigest({ ...e, data }) });
    }
    if (!docFields.length && !entries.length) continue;
    await log.replaceData(ref, changes);
    const record: RedactionData = { by, identifierHash: hash, keyed, events: entries, documentFields: docFields };
    await store.append(ref, REDACTION_TYPE, record as unknown as Record<string, unknown>, now);
    result.incidents.push(ref);
    result.events[ref] = entries.map((x) => x.seq);
  }

  const sessionTtl = Math.max(org.intake.idleExpiryMinutes * 60 * 2, 3600); // as the app sets it
  for (const key of await store.list(SESSION_NS)) {
    const changed = await rewriteDoc<unknown>(
      store,
      SESSION_NS,
      key,
      (s) => {
        const x = scrub(s, id, ERASED, STRUCTURAL_KEYS);
        return x.paths.length ? x.value : null;
      },
      sessionTtl,
    );
    if (changed) result.sessions++;
  }

  await store.append(ERASURES_STREAM, 'erasure', { by, identifierHash: hash, keyed, incidents: result.incidents, sessions: result.sessions }, now);
  return result;
}
