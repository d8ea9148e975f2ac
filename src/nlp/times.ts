// Reads a time the reporter typed in words ("about 10 mins ago", "last night around 11",
// "yesterday at 2pm", "02:40", "at 7.30pm") with chrono-node's British English parser, in the
// organisation's time zone (BST or GMT as the date requires), and writes it back in plain words
// for the reporter to confirm ("Yesterday at 23:00"). An incident is never in the future: an
// hour without am/pm is the most recent one that has passed, and a time more than a few minutes
// ahead returns null.

import * as chrono from 'chrono-node';
import { TZDate, tzOffset } from '@date-fns/tz';
import { format } from 'date-fns';

export interface ParsedWhen {
  at: Date;
  /** Plain UK English for confirmation: "Today at 14:05", "Yesterday at about 23:00", "Tue 24 Nov at 09:15". */
  readBack: string;
}

/** How far ahead of `now` a reported time may be (clocks differ a little). */
const FUTURE_SLACK_MS = 5 * 60_000;

type Part = 'morning' | 'afternoon' | 'evening' | 'night' | undefined;

const PART_DEFAULT_HOUR: Record<Exclude<Part, undefined>, number> = { morning: 8, afternoon: 14, evening: 19, night: 22 };

export function parseWhen(text: string, now: Date, timeZone: string): ParsedWhen | null {
  let t = ` ${text.toLowerCase().replace(/[’‘]/g, "'")} `;
  const approx = /\b(about|around|approx\.?|approximately|roughly|circa|ish|abt|arnd)\b|~|\d(ish)\b/.test(t);
  t = t
    .replace(/\b(at\s+)?(about|around|approx\.?|approximately|roughly|circa|abt|arnd)\b/g, ' at ')
    .replace(/~/g, ' ')
    .replace(/(\d)\s*ish\b/g, '$1')
    .replace(/\b(\d{1,2})\.(\d{2})\b/g, '$1:$2') // UK dot times: 7.30pm
    .replace(/\bmins?\b/g, 'minutes')
    .replace(/\bhrs?\b/g, 'hours');

  if (/\bjust now\b|\bright now\b|\bjust happened\b/.test(t)) return result(now, now, timeZone, false);

  let part: Part;
  let dayWord: 'today' | 'yesterday' | undefined;
  const swap = (re: RegExp, p: Part, d: 'today' | 'yesterday') => {
    if (re.test(t)) {
      part = p;
      dayWord = d;
      t = t.replace(re, ` ${d} `);
    }
  };
  swap(/\blast night\b|\bovernight\b|\bin the night\b/, 'night', 'yesterday');
  swap(/\blast evening\b|\byesterday evening\b/, 'evening', 'yesterday');
  swap(/\byesterday morning\b/, 'morning', 'yesterday');
  swap(/\byesterday afternoon\b/, 'afternoon', 'yesterday');
  swap(/\bthis morning\b/, 'morning', 'today');
  swap(/\bthis afternoon\b/, 'afternoon', 'today');
  swap(/\bthis evening\b|\btonight\b/, 'evening', 'today');
  t = t.replace(/\s+/g, ' ').replace(/\bat( at)+\b/g, 'at').trim();
  // A bare hour ("11", "11:30", "7pm"): chrono wants "at 11".
  if (/^\d{1,2}(:\d\d)?\s*(am|pm)?$/.test(t)) t = `at ${t}`;

  const ref = { instant: now, timezone: tzOffset(timeZone, now) };
  const r = chrono.en.GB.parse(t, ref)[0];

  // "10 minutes ago": chrono counts back from now.
  if (r && /\bago\b/.test(t)) return check(r.start.date(), now, timeZone, approx);

  const today = new TZDate(now.getTime(), timeZone);
  let y = today.getFullYear();
  let mo = today.getMonth();
  let d = today.getDate();
  let dayCertain = dayWord !== undefined;
  if (dayWord === 'yesterday') d -= 1;
  let weekdayOnly = false;
  if (r && (r.start.isCertain('day') || r.start.isCertain('weekday'))) {
    y = r.start.get('year') ?? y;
    mo = (r.start.get('month') ?? mo + 1) - 1;
    d = r.start.get('day') ?? d;
    dayCertain = true;
    weekdayOnly = !r.start.isCertain('day') && r.start.isCertain('weekday');
  }

  const hourKnown = r?.start.isCertain('hour') ?? false;
  if (!hourKnown) {
    if (!part) return null;
    // "this morning" with no time: a rough default, never later than now.
    const at = new TZDate(y, mo, d, PART_DEFAULT_HOUR[part], 0, 0, timeZone);
    const capped = at.getTime() > now.getTime() && dayWord === 'today' ? now : new Date(at.getTime());
    return check(capped, now, timeZone, true);
  }

  const hour = r!.start.get('hour') ?? 0;
  const minute = r!.start.get('minute') ?? 0;
  const twentyFour = /\b0\d[:.]\d\d\b|\b(1[3-9]|2[0-3])[:.]\d\d\b/.test(r!.text) || hour > 12 || hour === 0;
  const meridiemKnown = r!.start.isCertain('meridiem') || twentyFour;

  // Candidate (day offset, hour) pairs; the latest one not in the future wins.
  const candidates: Array<{ dayOffset: number; hour: number }> = [];
  const hours = meridiemKnown ? [hour] : ampmCandidates(hour, part);
  for (const h of hours) {
    if (dayCertain) {
      // "last night at 2" is the early hours of the day after "yesterday".
      const early = part === 'night' && h < 6;
      candidates.push({ dayOffset: early ? 1 : 0, hour: h });
      if (weekdayOnly) candidates.push({ dayOffset: -7, hour: h });
    } else {
      candidates.push({ dayOffset: 0, hour: h }, { dayOffset: -1, hour: h });
    }
  }
  const limit = now.getTime() + FUTURE_SLACK_MS;
  const past = candidates
    .map((c) => ({ hour: c.hour, ms: new TZDate(y, mo, d + c.dayOffset, c.hour, minute, 0, timeZone).getTime() }))
    .filter((c) => c.ms <= limit)
    .sort((a, b) => b.ms - a.ms);
  if (past.length === 0) return null;
  // On a named day ("yesterday at 9") both 09:00 and 21:00 have passed: take the daytime reading
  // (7 to 11 is morning, 12 to 6 afternoon). Otherwise the most recent time that has passed.
  const daytime = dayCertain && !meridiemKnown ? past.find((c) => c.hour >= 7 && c.hour <= 18) : undefined;
  return check(new Date((daytime ?? past[0]!).ms), now, timeZone, approx);
}

function ampmCandidates(hour: number, part: Part): number[] {
  const am = hour % 12;
  const pm = am + 12;
  if (part === 'morning') return [am];
  if (part === 'afternoon' || part === 'evening') return [pm];
  if (part === 'night') return am < 6 ? [am] : [pm];
  return [am, pm];
}

function check(at: Date, now: Date, timeZone: string, approx: boolean): ParsedWhen | null {
  if (Number.isNaN(at.getTime()) || at.getTime() > now.getTime() + FUTURE_SLACK_MS) return null;
  return result(at, now, timeZone, approx);
}

function result(at: Date, now: Date, timeZone: string, approx: boolean): ParsedWhen {
  return { at: new Date(at.getTime()), readBack: readBack(at, now, timeZone, approx) };
}

/** "Today at 14:05", "Yesterday at about 23:00", "Tue 24 Nov at 09:15", "Mon 29 Dec 2025 at 08:00". */
export function readBack(at: Date, now: Date, timeZone: string, approx = false): string {
  const a = new TZDate(at.getTime(), timeZone);
  const n = new TZDate(now.getTime(), timeZone);
  const dayKey = (x: Date) => format(x, 'yyyy-MM-dd');
  const yesterday = new TZDate(n.getFullYear(), n.getMonth(), n.getDate() - 1, 12, 0, 0, timeZone);
  const day =
    dayKey(a) === dayKey(n)
      ? 'Today'
      : dayKey(a) === dayKey(yesterday)
        ? 'Yesterday'
        : format(a, a.getFullYear() === n.getFullYear() ? 'EEE d MMM' : 'EEE d MMM yyyy');
  return `${day} at ${approx ? 'about ' : ''}${format(a, 'HH:mm')}`;
}
