// Exports of incident records for authorised people (they include the narrative): which incidents
// (one ref, or a date range in the organisation's local time, optionally one service), each with
// its events in order and the result of the hash-chain check; written as JSON or CSV. The
// printable HTML evidence pack is in evidence-pack.ts.

import type { Organisation } from '../conversations/organisation.js';
import { localInstant, shiftDate } from '../core/calendar.js';
import type { Incident } from '../core/types.js';
import type { Store, StoredEvent } from '../store/port.js';
import type { EventLog } from './event-log.js';
import { eventSummary, localStamp } from './timeline.js';
import { verifyEvents, type VerifyResult } from './verify.js';

export const EXPORT_FORMATS = ['json', 'csv', 'html'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface IncidentRecord {
  ref: string;
  /** The incident document; null if only its event log is left. */
  incident: Incident | null;
  events: StoredEvent[];
  /** The hash-chain check of `events` (with the store's head when it keeps one). */
  chain: VerifyResult;
}

export interface ExportMeta {
  /** Person id of whoever exported. */
  by: string;
  at: Date;
}

/** A local date range, both ends included, "YYYY-MM-DD". */
export interface DateRange {
  from: string;
  to: string;
}

/** [start, end) instants of a local date range in `timeZone`. */
export function rangeInstants(range: DateRange, timeZone: string): { start: Date; end: Date } {
  return { start: localInstant(range.from, '00:00', timeZone), end: localInstant(shiftDate(range.to, 1), '00:00', timeZone) };
}

export function inRange(iso: string, range: DateRange, timeZone: string): boolean {
  const { start, end } = rangeInstants(range, timeZone);
  const t = new Date(iso).getTime();
  return t >= start.getTime() && t < end.getTime();
}

/** One incident's record. `log` (when given) supplies the stored head for the chain check. */
export async function loadRecord(store: Store, ref: string, log?: EventLog): Promise<IncidentRecord> {
  const incident = (await store.get<Incident>('incident', ref))?.value ?? null;
  const events = log ? await log.read(ref) : await store.read(ref);
  const head = log ? await log.head(ref) : null;
  return { ref, incident, events, chain: verifyEvents(ref, events, head, log?.keepsHead ?? false) };
}

/** Incidents reported within the range (local dates), optionally for one service, oldest first. */
export async function loadRecords(
  store: Store,
  range: DateRange,
  timeZone: string,
  serviceId?: string,
  log?: EventLog,
): Promise<IncidentRecord[]> {
  const refs = await store.list('incident');
  const out: IncidentRecord[] = [];
  for (const ref of refs) {
    const inc = (await store.get<Incident>('incident', ref))?.value;
    if (!inc || !inRange(inc.createdAt, range, timeZone)) continue;
    if (serviceId && inc.serviceId !== serviceId) continue;
    out.push(await loadRecord(store, ref, log));
  }
  return out.sort((a, b) => (a.incident?.createdAt ?? '').localeCompare(b.incident?.createdAt ?? '') || a.ref.localeCompare(b.ref));
}

/** JSON: every incident with its events in order and its chain check. */
export function exportJson(records: IncidentRecord[], meta: ExportMeta, timeZone: string): string {
  return JSON.stringify(
    {
      exportedAt: meta.at.toISOString(),
      exportedBy: meta.by,
      timeZone,
      incidents: records.map((r) => ({
        ref: r.ref,
        incident: r.incident,
        events: r.events.map((e) => ({ ...e, localTime: localStamp(e.at, timeZone) })),
        chain: { intact: r.chain.ok, problems: r.chain.problems.map((p) => p.message), redacted: r.chain.redacted },
      })),
    },
    null,
    2,
  );
}

/**
 * One CSV cell: quoted when it holds a comma, quote or line break (quotes doubled, RFC 4180), and
 * prefixed with ' when it starts with = + - @ (or a tab / carriage return) so a spreadsheet never
 * runs it as a formula.
 */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_HEADER = ['ref', 'seq', 'local_time', 'utc_time', 'type', 'summary'] as const;

/**
 * CSV: one row per event (ref, seq, local time, UTC time, type, summary), CRLF line ends, UTF-8
 * with a byte-order mark so Excel shows names and punctuation correctly.
 */
export function exportCsv(records: IncidentRecord[], org: Pick<Organisation, 'people' | 'services' | 'timezone'>): string {
  const rows: unknown[][] = [[...CSV_HEADER]];
  for (const r of records) {
    for (const e of r.events) rows.push([r.ref, e.seq, localStamp(e.at, org.timezone), e.at, e.type, eventSummary(e, org)]);
  }
  return '\uFEFF' + rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
