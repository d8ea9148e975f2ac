// Three-valued evaluation of the rule file's condition language.
// A "not sure" answer that a test does not name explicitly could be any of the key's other values:
// the test is true if it holds for all of them, false if for none, else 'unknown'. all/any/not
// follow Kleene logic, so a rule that hinges on a "not sure" answer comes out 'unknown' and the
// engine never takes the less protective branch on it.

import type { EscalationCode, Level, Timing } from '../types.js';
import type { Condition, CurrentTest, QuestionDef, ValueTest } from './rule-types.js';

export type Tri = true | false | 'unknown';

export interface CurrentEntry {
  level: Level;
  timing: Timing;
}

export interface EvalContext {
  answers: Record<string, string | string[] | undefined>;
  questions: ReadonlyMap<string, QuestionDef>;
  named: Readonly<Record<string, Condition>>;
  /** Results of the main rules evaluated so far (for {fired: [...]}). */
  fired: ReadonlyMap<string, Tri>;
  /** What is decided so far; undefined while the main rules run. */
  current?: ReadonlyMap<EscalationCode, CurrentEntry>;
}

export function and(results: Tri[]): Tri {
  if (results.includes(false)) return false;
  return results.includes('unknown') ? 'unknown' : true;
}

export function or(results: Tri[]): Tri {
  if (results.includes(true)) return true;
  return results.includes('unknown') ? 'unknown' : false;
}

export function not(r: Tri): Tri {
  return r === 'unknown' ? 'unknown' : !r;
}

export function evaluate(cond: Condition, ctx: EvalContext): Tri {
  const [key, test] = Object.entries(cond)[0] as [string, unknown];
  switch (key) {
    case 'all':
      return and((test as Condition[]).map((c) => evaluate(c, ctx)));
    case 'any':
      return or((test as Condition[]).map((c) => evaluate(c, ctx)));
    case 'not':
      return not(evaluate(test as Condition, ctx));
    case 'certain':
      // True only when the inner condition is definitely true: an exception to a protective rule
      // never applies on a "not sure" answer.
      return evaluate(test as Condition, ctx) === true;
    case 'ref': {
      const named = ctx.named[test as string];
      if (!named) throw new Error(`unknown named condition "${String(test)}"`);
      return evaluate(named, ctx);
    }
    case 'fired':
      return or(
        (test as string[]).map((id) => {
          const r = ctx.fired.get(id);
          if (r === undefined) throw new Error(`rule "${id}" has not run yet`);
          return r;
        }),
      );
    case 'current':
      if (!ctx.current) throw new Error('{current: ...} can only be used after the main rules');
      return matchesCurrent(test as CurrentTest, ctx.current);
    default:
      return evaluateKey(key, test as ValueTest, ctx);
  }
}

function matchesCurrent(t: CurrentTest, current: ReadonlyMap<EscalationCode, CurrentEntry>): boolean {
  const levels = t.levels ?? ['required'];
  for (const [code, e] of current) {
    if (t.codes && !t.codes.includes(code)) continue;
    if (t.exclude?.includes(code)) continue;
    if (!levels.includes(e.level)) continue;
    if (t.timings && !t.timings.includes(e.timing)) continue;
    return true;
  }
  return false;
}

/** The values a test names (used to decide whether it names a "not sure" value outright). */
function named(test: ValueTest): string[] {
  if (typeof test === 'string') return [test];
  if ('in' in test) return test.in;
  if ('not_in' in test) return test.not_in;
  if ('only' in test) return test.only;
  return [];
}

function holds(test: ValueTest, value: string): boolean {
  if (typeof test === 'string') return value === test;
  if ('in' in test) return test.in.includes(value);
  if ('not_in' in test) return !test.not_in.includes(value);
  if ('only' in test) return test.only.includes(value);
  return false;
}

function evaluateKey(key: string, test: ValueTest, ctx: EvalContext): Tri {
  const q = ctx.questions.get(key);
  if (!q) throw new Error(`unknown answer key "${key}"`);
  const raw = ctx.answers[key];
  if (q.multi) {
    const list = (raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]).filter((v) => v !== 'none');
    if (typeof test === 'string') return list.includes(test);
    if ('in' in test) return list.some((v) => test.in.includes(v));
    if ('not_in' in test) return !list.some((v) => test.not_in.includes(v));
    if ('only' in test) return list.length > 0 && list.every((v) => test.only.includes(v));
    return (list.length === 0) === test.empty;
  }
  if (raw === undefined) return typeof test === 'object' && 'not_in' in test;
  const value = Array.isArray(raw) ? (raw[0] ?? '') : raw;
  if (q.unsure.includes(value) && !named(test).includes(value)) {
    const results = q.values.filter((v) => !q.unsure.includes(v)).map((v) => holds(test, v));
    if (results.every(Boolean)) return true;
    if (!results.some(Boolean)) return false;
    return 'unknown';
  }
  return holds(test, value);
}
