// Small statistics for the governance report. Percentiles use the NEAREST-RANK method: sort the N
// values ascending; the P-th percentile is the value at 1-based rank ceil(P/100 × N). So the
// median (P50) of an even count is the lower of the two middle values (no averaging), and every
// figure reported is a time that really happened. Empty input gives null.

export function nearestRank(values: number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export interface Spread {
  count: number;
  /** Minutes; null when count is 0. */
  median: number | null;
  p90: number | null;
}

export function spread(minutes: number[]): Spread {
  return { count: minutes.length, median: nearestRank(minutes, 50), p90: nearestRank(minutes, 90) };
}

/** "45 min", "2 h 5 min", "3 days 4 h". */
export function duration(minutes: number | null): string {
  if (minutes === null) return '-';
  const m = Math.round(minutes);
  if (m < 60) return `${m} min`;
  if (m < 48 * 60) return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
  const h = Math.round(m / 60);
  return `${Math.floor(h / 24)} days${h % 24 ? ` ${h % 24} h` : ''}`;
}
