// Small statistics helpers for the benchmark: percentiles and a one-line summary.

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarise(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
}

export const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : 'n/a');

/** Phases of one kind pooled into one result: counts added, percentiles over every sample. */
export function pool<R extends { samples: { turns: number[]; acks: number[]; toPage: number[] } }>(results: R[], sum: Array<keyof R>): R {
  const out = { ...results[0]! };
  for (const key of sum) (out[key] as number) = results.reduce((a, r) => a + (r[key] as number), 0);
  const all = (k: 'turns' | 'acks' | 'toPage') => results.flatMap((r) => r.samples[k]);
  out.samples = { turns: all('turns'), acks: all('acks'), toPage: all('toPage') };
  Object.assign(out, { turns: summarise(out.samples.turns), acks: summarise(out.samples.acks), toPage: summarise(out.samples.toPage) });
  return out;
}
