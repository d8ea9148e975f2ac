// The small condition language of the intake flow's `ask_if`:
//   {key: value}  {key: {in: [...]}}  {key: {not_in: [...]}}  {all: [...]}  {any: [...]}  {not: {...}}
// For a multi-valued answer (a list), {key: value} and `in` are true when any listed value matches;
// `not_in` is true when none does. An unanswered key matches nothing in `in` and everything in `not_in`.

import { z } from 'zod';

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | Record<string, string | { in: string[] } | { not_in: string[] }>;

const valueTest = z.union([
  z.string(),
  z.strictObject({ in: z.array(z.string()).min(1) }),
  z.strictObject({ not_in: z.array(z.string()).min(1) }),
]);

export const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(ConditionSchema).min(1) }),
    z.strictObject({ any: z.array(ConditionSchema).min(1) }),
    z.strictObject({ not: ConditionSchema }),
    z
      .record(z.string(), valueTest)
      .refine((o) => Object.keys(o).length === 1, 'a test names exactly one key')
      .refine((o) => !['all', 'any', 'not'].some((k) => k in o), 'all/any/not take a list or a condition'),
  ]),
);

export type Facts = Record<string, string | string[] | undefined>;

export function matches(cond: Condition, facts: Facts): boolean {
  if ('all' in cond && Array.isArray(cond.all)) return (cond.all as Condition[]).every((c) => matches(c, facts));
  if ('any' in cond && Array.isArray(cond.any)) return (cond.any as Condition[]).some((c) => matches(c, facts));
  if ('not' in cond && typeof cond.not === 'object' && !Array.isArray(cond.not)) return !matches(cond.not as Condition, facts);
  const [key, test] = Object.entries(cond)[0] as [string, string | { in?: string[]; not_in?: string[] }];
  const raw = facts[key];
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (typeof test === 'string') return values.includes(test);
  if (test.in) return values.some((v) => test.in!.includes(v));
  return !values.some((v) => test.not_in!.includes(v));
}

/** Every (key, value) a condition mentions, for cross-checking a flow against the rule file. */
export function mentions(cond: Condition): Array<{ key: string; value: string }> {
  if ('all' in cond && Array.isArray(cond.all)) return (cond.all as Condition[]).flatMap(mentions);
  if ('any' in cond && Array.isArray(cond.any)) return (cond.any as Condition[]).flatMap(mentions);
  if ('not' in cond && typeof cond.not === 'object' && !Array.isArray(cond.not)) return mentions(cond.not as Condition);
  const [key, test] = Object.entries(cond)[0] as [string, string | { in?: string[]; not_in?: string[] }];
  const vals = typeof test === 'string' ? [test] : (test.in ?? test.not_in ?? []);
  return vals.map((value) => ({ key, value }));
}
