// Small entry points for the app to call (the lead wires them into commands and jobs): the
// governance report in chat ("/escalations report [FROM TO]"), the weekly digest and the daily
// purge as scheduled jobs, with the times of their next runs in the organisation's time zone.
// Each loads what it needs from the Store and returns a neutral OutMessage or a result.

import type { Organisation } from '../conversations/organisation.js';
import { localInstant, localParts, shiftDate, weekdayOf } from '../core/calendar.js';
import { can } from '../core/people.js';
import type { Incident, OutMessage, UserRef } from '../core/types.js';
import type { Store, StoredEvent } from '../store/port.js';
import { weeklyDigest } from './digest.js';
import { eventLogFor, type EventLog } from './event-log.js';
import { inRange, type DateRange } from './export.js';
import { governanceReport, reportMessage, type GovernanceReport } from './report.js';
import { fingerprintAt } from './verify.js';

type Org = Organisation;

async function allIncidents(store: Store): Promise<Incident[]> {
  const out: Incident[] = [];
  for (const ref of await store.list('incident')) {
    const inc = (await store.get<Incident>('incident', ref))?.value;
    if (inc) out.push(inc);
  }
  return out;
}

/** Load the incidents reported in `range` and their logs, and build the report. */
export async function governanceReportFor(store: Store, org: Pick<Org, 'timezone'>, range: DateRange, now: Date): Promise<GovernanceReport> {
  const incidents = (await allIncidents(store)).filter((i) => inRange(i.createdAt, range, org.timezone));
  const events: Record<string, StoredEvent[]> = {};
  for (const i of incidents) events[i.ref] = await store.read(i.ref);
  return governanceReport(incidents, events, { ...range, timeZone: org.timezone }, now);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The chat reply to "/escalations report [FROM TO]" (dates YYYY-MM-DD, local; default: the last
 * 28 days up to today). Only people who may see every incident get figures.
 */
export async function reportReply(store: Store, org: Org, user: UserRef, args: string, now: Date): Promise<OutMessage> {
  const say = (text: string): OutMessage => ({ kind: 'say', text, blocks: [{ type: 'text', text }] });
  if (!can(org, user, 'see_all')) return say('The governance report is for managers, safeguarding leads and admins.');
  const words = args.trim().split(/\s+/).filter(Boolean);
  const today = localParts(now, org.timezone).date;
  let range: DateRange = { from: shiftDate(today, -27), to: today };
  if (words.length) {
    if (words.length !== 2 || !words.every((w) => DATE.test(w)) || words[0]! > words[1]!) {
      return say('Give two dates, first then last, like: /escalations report 2026-03-01 2026-03-31');
    }
    range = { from: words[0]!, to: words[1]! };
  }
  const report = await governanceReportFor(store, org, range, now);
  return reportMessage(report, (id) => org.services.find((s) => s.id === id)?.name ?? id);
}

/** The weekly digest for the escalations channel, from every incident in the store, with the record fingerprint. */
export async function weeklyDigestFor(store: Store, org: Org, now: Date): Promise<OutMessage> {
  let log: EventLog | null = null;
  try {
    log = eventLogFor(store);
  } catch {
    log = null; // a store without event-log access: the digest goes out without a fingerprint
  }
  return weeklyDigest(await allIncidents(store), now, org, log ? await fingerprintAt(log, now) : undefined);
}

/** The next Monday 09:00 local time strictly after `now` (when the weekly digest goes out). */
export function nextWeeklyDigestAt(now: Date, org: Pick<Org, 'timezone'>, time = '09:00'): Date {
  let date = localParts(now, org.timezone).date;
  for (let i = 0; i < 15; i++) {
    if (weekdayOf(date) === 0) {
      const at = localInstant(date, time, org.timezone);
      if (at > now) return at;
    }
    date = shiftDate(date, 1);
  }
  throw new Error('no Monday found');
}

/** The next 02:30 local time strictly after `now` (when the daily purge runs). */
export function nextDailyPurgeAt(now: Date, org: Pick<Org, 'timezone'>, time = '02:30'): Date {
  let date = localParts(now, org.timezone).date;
  for (let i = 0; i < 3; i++) {
    const at = localInstant(date, time, org.timezone);
    if (at > now) return at;
    date = shiftDate(date, 1);
  }
  throw new Error('no purge time found');
}
