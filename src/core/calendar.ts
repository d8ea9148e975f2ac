// Working days and escalation deadlines, in the organisation's time zone (pure).
// Time is UTC inside; local dates and clock times (working hours, bank holidays, handovers) are
// turned into instants here with @date-fns/tz, so the clock changes in March and October are right.

import { TZDate } from '@date-fns/tz';
import { addDays } from 'date-fns';
import type { Organisation } from '../conversations/organisation.js';
import type { Timing } from './types.js';

/** What the calendar needs from the organisation file. */
export type CalendarOrg = Pick<Organisation, 'timezone' | 'bankHolidays' | 'workingHours'> &
  Partial<Pick<Organisation, 'withoutDelayReminderHours'>>;

/** A local calendar date, "YYYY-MM-DD". */
export type LocalDate = string;

export interface LocalParts {
  date: LocalDate;
  /** 0 = Monday ... 6 = Sunday. */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
}

/** The local date, weekday and clock time of an instant in `timezone`. */
export function localParts(at: Date, timezone: string): LocalParts {
  const t = new TZDate(at.getTime(), timezone);
  const date = `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}`;
  return { date, weekday: (t.getDay() + 6) % 7, minutes: t.getHours() * 60 + t.getMinutes() };
}

/**
 * The instant of a local date and clock time ("HH:MM") in `timezone`. A time that does not exist
 * (01:30 on the night the clocks go forward) moves forward an hour; a time that happens twice
 * (01:30 on the night they go back) is its later occurrence.
 */
export function localInstant(date: LocalDate, time: string, timezone: string): Date {
  const key = `${date} ${time} ${timezone}`;
  let ms = instantCache.get(key);
  if (ms === undefined) {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    const [h, min] = time.split(':').map(Number) as [number, number];
    ms = new TZDate(y, m - 1, d, h, min, timezone).getTime();
    if (instantCache.size >= 50_000) instantCache.clear();
    instantCache.set(key, ms);
  }
  return new Date(ms);
}

/** Rotas ask for the same few local times again and again; TZDate is slow to build. */
const instantCache = new Map<string, number>();

/** The local date `n` calendar days after `date` (n may be negative). */
export function shiftDate(date: LocalDate, n: number): LocalDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** 0 = Monday ... 6 = Sunday, for a local date. */
export function weekdayOf(date: LocalDate): number {
  return (new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7;
}

/** Monday to Friday and not a bank holiday, in the organisation's time zone. */
export function isWorkingDay(date: Date | LocalDate, org: CalendarOrg): boolean {
  const local = typeof date === 'string' ? date : localParts(date, org.timezone).date;
  return weekdayOf(local) < 5 && !org.bankHolidays.includes(local);
}

/** The first working day strictly after a local date. */
export function nextWorkingDay(date: LocalDate, org: CalendarOrg): LocalDate {
  let d = shiftDate(date, 1);
  while (!isWorkingDay(d, org)) d = shiftDate(d, 1);
  return d;
}

/**
 * `n` working days after `date`, at the same local clock time (n = 0 gives `date`; negative n
 * counts back). Weekends and bank holidays are skipped.
 */
export function addWorkingDays(date: Date, n: number, org: CalendarOrg): Date {
  const { date: start, minutes } = localParts(date, org.timezone);
  let d = start;
  const step = n >= 0 ? 1 : -1;
  for (let left = Math.abs(n); left > 0; ) {
    d = shiftDate(d, step);
    if (isWorkingDay(d, org)) left--;
  }
  if (d === start) return new Date(date.getTime());
  return localInstant(d, `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`, org.timezone);
}

/** The end of working hours on a local date. */
export function endOfWorkingDay(date: LocalDate, org: CalendarOrg): Date {
  return localInstant(date, org.workingHours.end, org.timezone);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * The deadline for an escalation with this timing, counted from `from` (usually when the incident
 * was reported). Timing tags and their meaning: shared/domain/threshold-rules.md section 0; the
 * time scales behind them: shared/domain/reference.md, summary table. `undefined` = no deadline.
 */
export function dueAt(timing: Timing, from: Date, org: CalendarOrg): Date | undefined {
  const t = from.getTime();
  const local = localParts(from, org.timezone);
  switch (timing) {
    case 'now':
      // NOW: "immediately, while still talking to the bot". 15 minutes is the point at which an
      // immediate action still not recorded is flagged as overdue.
      return new Date(t + 15 * MINUTE);
    case 'urgent_hours':
      // URGENT_HOURS: "within the shift or a few hours". We take 4 hours.
      return new Date(t + 4 * HOUR);
    case 'without_delay_statutory':
      // WITHOUT_DELAY_STATUTORY: CQC "without delay"; the regulation sets no hours
      // (reference.md: CQC regs 16 and 18). A reminder after withoutDelayReminderHours (default 24).
      return new Date(t + (org.withoutDelayReminderHours ?? 24) * HOUR);
    case 'same_working_day': {
      // SAME_WORKING_DAY: the end of working hours today when today is a working day and working
      // hours have not ended (before opening counts as today: earlier is the safer reading);
      // otherwise the end of the next working day (reference.md: "same working day, and no later
      // than the next working day").
      const end = endOfWorkingDay(local.date, org);
      if (isWorkingDay(local.date, org) && t < end.getTime()) return end;
      return endOfWorkingDay(nextWorkingDay(local.date, org), org);
    }
    case 'one_working_day':
      // 1_WORKING_DAY: e.g. LADO "within one working day" (reference.md): the end of working hours
      // on the next working day.
      return endOfWorkingDay(nextWorkingDay(local.date, org), org);
    case 'candour_asap': {
      // CANDOUR_ASAP_~10WD: "as soon as reasonably practicable"; CQC expects about 10 working days
      // (reference.md section 4, marked uncertain). The end of the 10th working day after today.
      let d = local.date;
      for (let i = 0; i < 10; i++) d = nextWorkingDay(d, org);
      return endOfWorkingDay(d, org);
    }
    case 'riddor_10d':
      // RIDDOR_10D: notify without delay, report within 10 days (reference.md section 5):
      // 10 calendar days, same local clock time.
      return calendarDaysLater(from, 10, org.timezone);
    case 'riddor_15d':
      // RIDDOR_15D: over-7-day injuries, report within 15 days of the accident (reference.md).
      return calendarDaysLater(from, 15, org.timezone);
    case 'routine':
      return undefined;
  }
}

/** `n` calendar days later at the same local clock time (not n × 24 hours across a clock change). */
function calendarDaysLater(from: Date, n: number, timezone: string): Date {
  return new Date(addDays(new TZDate(from.getTime(), timezone), n).getTime());
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * "YYYY-MM-DD" or "YYYY-MM-DD HH:MM" (also "YYYY-MM-DDTHH:MM") typed in chat, read in the
 * organisation's time zone; the time defaults to `defaultTime`. Null when it is not a real date.
 */
export function parseLocalDateTime(text: string, defaultTime: string, timezone: string): Date | null {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T]([01]\d|2[0-3])[:.]([0-5]\d))?$/.exec(text.trim());
  if (!m) return null;
  const [y, mo, d] = m[1]!.split('-').map(Number) as [number, number, number];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) return null;
  return localInstant(m[1]!, m[2] ? `${m[2]}:${m[3]}` : defaultTime, timezone);
}
