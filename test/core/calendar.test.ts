// Working days and deadlines in Europe/London: weekends, bank holidays, clock changes, each timing.

import { describe, expect, it } from 'vitest';
import { loadOrganisation } from '../../src/conversations/organisation.js';
import {
  addWorkingDays,
  dueAt,
  isWorkingDay,
  localInstant,
  localParts,
  nextWorkingDay,
} from '../../src/core/calendar.js';
import { TIMINGS } from '../../src/core/types.js';

const org = loadOrganisation();
const at = (iso: string) => new Date(iso);
const due = (timing: Parameters<typeof dueAt>[0], iso: string) => dueAt(timing, at(iso), org)?.toISOString();

describe('working days', () => {
  it('skips weekends and bank holidays, in local time', () => {
    expect(isWorkingDay('2026-08-28', org)).toBe(true); // Friday
    expect(isWorkingDay('2026-08-29', org)).toBe(false); // Saturday
    expect(isWorkingDay('2026-08-30', org)).toBe(false); // Sunday
    expect(isWorkingDay('2026-08-31', org)).toBe(false); // Summer bank holiday
    expect(isWorkingDay('2026-09-01', org)).toBe(true);
    // 23:30 UTC on Sunday 30 August is 00:30 BST on the bank holiday Monday.
    expect(isWorkingDay(at('2026-08-30T23:30:00Z'), org)).toBe(false);
    // 23:30 UTC on Monday 31 August is already Tuesday in London.
    expect(isWorkingDay(at('2026-08-31T23:30:00Z'), org)).toBe(true);
  });

  it('finds the next working day over Christmas 2026', () => {
    expect(nextWorkingDay('2026-12-24', org)).toBe('2026-12-29'); // Fri 25 and Mon 28 are bank holidays
  });

  it('adds working days keeping the local clock time', () => {
    // Friday 28 August 2026 10:00 BST + 1 working day = Tuesday 1 September 10:00 BST.
    expect(addWorkingDays(at('2026-08-28T09:00:00Z'), 1, org).toISOString()).toBe('2026-09-01T09:00:00.000Z');
    // Across the October clock change: Fri 23 Oct 10:00 BST + 1 = Mon 26 Oct 10:00 GMT.
    expect(addWorkingDays(at('2026-10-23T09:00:00Z'), 1, org).toISOString()).toBe('2026-10-26T10:00:00.000Z');
    expect(addWorkingDays(at('2026-10-23T09:00:00Z'), 0, org).toISOString()).toBe('2026-10-23T09:00:00.000Z');
    expect(addWorkingDays(at('2026-09-01T09:00:00Z'), -1, org).toISOString()).toBe('2026-08-28T09:00:00.000Z');
  });

  it('converts local times to UTC on both sides of a clock change', () => {
    expect(localInstant('2026-03-28', '08:00', 'Europe/London').toISOString()).toBe('2026-03-28T08:00:00.000Z');
    expect(localInstant('2026-03-29', '08:00', 'Europe/London').toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(localParts(at('2026-10-25T00:30:00Z'), 'Europe/London')).toEqual({ date: '2026-10-25', weekday: 6, minutes: 90 });
  });
});

describe('deadlines', () => {
  it('same working day, set on Friday evening before a bank holiday Monday, falls on Tuesday', () => {
    // Friday 2026-08-28 19:00 BST = 18:00 UTC; Monday 31 August is a bank holiday.
    expect(due('same_working_day', '2026-08-28T18:00:00Z')).toBe('2026-09-01T16:00:00.000Z'); // Tue 17:00 BST
  });

  it('same working day within working hours is today; before opening is today too', () => {
    expect(due('same_working_day', '2026-09-01T10:00:00Z')).toBe('2026-09-01T16:00:00.000Z'); // Tue 11:00 BST
    expect(due('same_working_day', '2026-09-01T06:00:00Z')).toBe('2026-09-01T16:00:00.000Z'); // Tue 07:00 BST
    expect(due('same_working_day', '2026-09-01T16:00:00Z')).toBe('2026-09-02T16:00:00.000Z'); // at 17:00: tomorrow
  });

  it('same working day at the weekend is the end of Monday', () => {
    expect(due('same_working_day', '2026-11-28T12:00:00Z')).toBe('2026-11-30T17:00:00.000Z'); // Sat → Mon 17:00 GMT
  });

  it('one working day is the end of the next working day', () => {
    expect(due('one_working_day', '2026-08-28T10:00:00Z')).toBe('2026-09-01T16:00:00.000Z');
    expect(due('one_working_day', '2026-11-24T10:00:00Z')).toBe('2026-11-25T17:00:00.000Z');
  });

  it('now, within hours and "without delay" count from the report', () => {
    expect(due('now', '2026-11-24T10:00:00Z')).toBe('2026-11-24T10:15:00.000Z');
    expect(due('urgent_hours', '2026-11-24T10:00:00Z')).toBe('2026-11-24T14:00:00.000Z');
    expect(due('without_delay_statutory', '2026-11-24T10:00:00Z')).toBe('2026-11-25T10:00:00.000Z');
    const quicker = { ...org, withoutDelayReminderHours: 6 };
    expect(dueAt('without_delay_statutory', at('2026-11-24T10:00:00Z'), quicker)?.toISOString()).toBe('2026-11-24T16:00:00.000Z');
    const { withoutDelayReminderHours: _, ...noSetting } = org;
    expect(dueAt('without_delay_statutory', at('2026-11-24T10:00:00Z'), noSetting)?.toISOString()).toBe('2026-11-25T10:00:00.000Z');
  });

  it('duty of candour: the end of the 10th working day', () => {
    // From Thu 17 Dec 2026: 18, 21, 22, 23, 24, 29, 30, 31 Dec, 4, 5 Jan (25, 28 Dec and 1 Jan are bank holidays).
    expect(due('candour_asap', '2026-12-17T10:00:00Z')).toBe('2027-01-05T17:00:00.000Z');
  });

  it('RIDDOR: 10 and 15 calendar days at the same local time, across a clock change', () => {
    // Fri 16 Oct 2026 10:00 BST (09:00 UTC) + 10 days = Mon 26 Oct 10:00 GMT (10:00 UTC).
    expect(due('riddor_10d', '2026-10-16T09:00:00Z')).toBe('2026-10-26T10:00:00.000Z');
    expect(due('riddor_15d', '2026-10-16T09:00:00Z')).toBe('2026-10-31T10:00:00.000Z');
  });

  it('routine has no deadline; every other timing has one after `from`', () => {
    expect(dueAt('routine', at('2026-11-24T10:00:00Z'), org)).toBeUndefined();
    for (const timing of TIMINGS.filter((t) => t !== 'routine')) {
      const d = dueAt(timing, at('2026-11-24T10:00:00Z'), org);
      expect(d, timing).toBeInstanceOf(Date);
      expect(d!.getTime(), timing).toBeGreaterThan(Date.parse('2026-11-24T10:00:00Z'));
    }
  });
});
