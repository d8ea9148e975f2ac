import { describe, expect, it } from 'vitest';
import { localTime } from '../../src/core/messages.js';

describe('localTime', () => {
  it('shows the time in the given zone, the same each time it is asked (it is remembered)', () => {
    const iso = '2026-07-01T09:30:00.000Z';
    expect(localTime(iso, 'Europe/London')).toBe('Wed 1 Jul 2026, 10:30');
    expect(localTime(iso, 'UTC')).toBe('Wed 1 Jul 2026, 09:30'); // the zone is part of what is remembered
    expect(localTime(iso, 'Europe/London')).toBe('Wed 1 Jul 2026, 10:30');
    expect(localTime('2026-12-01T09:30:00.000Z', 'Europe/London')).toBe('Tue 1 Dec 2026, 09:30');
    expect(localTime(undefined, 'Europe/London')).toBe('not known');
  });

  it('keeps working past the size of its memory', () => {
    const start = Date.parse('2027-01-01T00:00:00.000Z');
    for (let i = 0; i < 6000; i++) localTime(new Date(start + i * 60_000).toISOString(), 'UTC');
    expect(localTime(new Date(start + 5999 * 60_000).toISOString(), 'UTC')).toBe('Tue 5 Jan 2027, 03:59');
    expect(localTime(new Date(start).toISOString(), 'UTC')).toBe('Fri 1 Jan 2027, 00:00');
  });
});
