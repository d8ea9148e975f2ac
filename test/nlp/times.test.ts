// Times in words, read in Europe/London with a fixed clock: a BST (summer) and a GMT (winter) date.

import { describe, expect, it } from 'vitest';
import { parseWhen } from '../../src/nlp/times.js';

const TZ = 'Europe/London';
// Wednesday 15 July 2026, 16:00 BST (UTC+1).
const SUMMER = new Date('2026-07-15T15:00:00Z');
// Thursday 26 November 2026, 09:30 GMT (UTC+0).
const WINTER = new Date('2026-11-26T09:30:00Z');
// Thursday 26 November 2026, 02:00 GMT: a night shift.
const NIGHT = new Date('2026-11-26T02:00:00Z');

function at(text: string, now: Date): string | undefined {
  return parseWhen(text, now, TZ)?.at.toISOString();
}

describe('in summer (BST)', () => {
  it.each([
    ['about 10 mins ago', '2026-07-15T14:50:00.000Z', 'Today at about 15:50'],
    ['last night around 11', '2026-07-14T22:00:00.000Z', 'Yesterday at about 23:00'],
    ['yesterday at 2pm', '2026-07-14T13:00:00.000Z', 'Yesterday at 14:00'],
    ['02:40', '2026-07-15T01:40:00.000Z', 'Today at 02:40'],
    ['at 7.30pm', '2026-07-14T18:30:00.000Z', 'Yesterday at 19:30'],
    ['at 14:05', '2026-07-15T13:05:00.000Z', 'Today at 14:05'],
    ['half an hour ago', '2026-07-15T14:30:00.000Z', 'Today at 15:30'],
    ['at 11', '2026-07-15T10:00:00.000Z', 'Today at 11:00'],
    ['11ish', '2026-07-15T10:00:00.000Z', 'Today at about 11:00'],
    ['last night at 2', '2026-07-15T01:00:00.000Z', 'Today at 02:00'],
  ])('"%s"', (text, iso, readBack) => {
    const r = parseWhen(text, SUMMER, TZ);
    expect(r?.at.toISOString()).toBe(iso);
    expect(r?.readBack).toBe(readBack);
  });

  it('"yesterday at 2pm" in July is 13:00Z', () => {
    expect(at('yesterday at 2pm', SUMMER)).toBe('2026-07-14T13:00:00.000Z');
  });

  it('"this morning" is a rough time this morning, read back as "about"', () => {
    const r = parseWhen('this morning', SUMMER, TZ);
    expect(r?.readBack).toMatch(/^Today at about 0\d:\d\d$/);
    expect(r!.at.getTime()).toBeLessThan(SUMMER.getTime());
  });
});

describe('in winter (GMT)', () => {
  it.each([
    ['about 10 mins ago', '2026-11-26T09:20:00.000Z', 'Today at about 09:20'],
    ['last night around 11', '2026-11-25T23:00:00.000Z', 'Yesterday at about 23:00'],
    ['yesterday at 2pm', '2026-11-25T14:00:00.000Z', 'Yesterday at 14:00'],
    ['02:40', '2026-11-26T02:40:00.000Z', 'Today at 02:40'],
    ['this morning', '2026-11-26T08:00:00.000Z', 'Today at about 08:00'],
    ['at 7.30pm', '2026-11-25T19:30:00.000Z', 'Yesterday at 19:30'],
    ['Tue at 9.15', '2026-11-24T09:15:00.000Z', 'Tue 24 Nov at 09:15'],
    ['at 11', '2026-11-25T23:00:00.000Z', 'Yesterday at 23:00'],
  ])('"%s"', (text, iso, readBack) => {
    const r = parseWhen(text, WINTER, TZ);
    expect(r?.at.toISOString()).toBe(iso);
    expect(r?.readBack).toBe(readBack);
  });
});

describe('never in the future', () => {
  it('"last night around 11" on a night shift is 23:00 of the evening before', () => {
    expect(at('last night around 11', NIGHT)).toBe('2026-11-25T23:00:00.000Z');
  });

  it('a clock time later than now is yesterday', () => {
    expect(at('02:40', NIGHT)).toBe('2026-11-25T02:40:00.000Z');
  });

  it('refuses a time that can only be in the future', () => {
    expect(parseWhen('tomorrow at 3', WINTER, TZ)).toBeNull();
    expect(parseWhen('today at 11pm', WINTER, TZ)).toBeNull();
  });

  it('allows a few minutes of clock difference', () => {
    expect(at('09:33', WINTER)).toBe('2026-11-26T09:33:00.000Z');
  });
});

describe('not a time', () => {
  it.each(['', 'banana', 'she fell', 'dunno'])('"%s" is null', (text) => {
    expect(parseWhen(text, WINTER, TZ)).toBeNull();
  });
});

describe('read-back for older dates', () => {
  it('names the weekday and date, and the year when it differs', () => {
    expect(parseWhen('Monday at 08:00', WINTER, TZ)?.readBack).toBe('Mon 23 Nov at 08:00');
    expect(parseWhen('29 December 2025 at 08:00', WINTER, TZ)?.readBack).toBe('Mon 29 Dec 2025 at 08:00');
  });
});
