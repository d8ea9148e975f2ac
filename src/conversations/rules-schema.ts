// The threshold rule file (conversations/threshold-rules.yaml): zod schema, cross-checks and loader.
// Strict: an unknown code, level, timing, answer key or value, advice id, link or rule id is an
// error reported with file, path and line, so a reviewer's edit cannot silently change a decision.

import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ESCALATION_CODES, LEVELS, TIMINGS } from '../core/types.js';
import type { Condition, RuleSet } from '../core/rules/rule-types.js';
import { loadYamlFile, type Loaded } from './load.js';

export const DEFAULT_RULES_FILE = fileURLToPath(new URL('../../conversations/threshold-rules.yaml', import.meta.url));

const Code = z.enum(ESCALATION_CODES);
const Level = z.enum(LEVELS);
const Timing = z.enum(TIMINGS);
const OnUnsure = z.enum(['consult', 'conditional', 'skip']);
const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'use letters, digits, - and _');
/** Conditions are checked by hand in `checkCondition` below, for precise messages. */
const ConditionField = z.custom<Condition>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
  message: 'a condition must be a mapping such as {key: value}',
});
const Reason = z.string().min(1).max(300);

const Sources = z.strictObject({
  dr: z.array(z.string().regex(/^\d+(\.\d+)?$/, 'a reference.md section such as "6.2"')).min(1),
  links: z.array(z.string()).default([]),
});

const Question = z.strictObject({
  id: z.string().regex(/^(Q|X)\d+$/, 'Q1..Q37, or X1.. for extensions'),
  key: z.string().regex(/^[a-z][a-z0-9_]*$/),
  text: z.string().min(1).max(400),
  values: z.array(z.string().min(1)).min(1),
  default: z.union([z.string(), z.array(z.string()), z.null()]),
  multi: z.boolean().default(false),
  unsure: z.array(z.string()).default([]),
  extension: z.boolean().default(false),
});

const Output = z.strictObject({
  code: Code,
  level: Level,
  timing: Timing.default('routine'),
  reason: Reason.optional(),
  when: ConditionField.optional(),
  condition: z.string().min(1).max(200).optional(),
  on_unsure: OnUnsure.optional(),
});

const RuleSchema = z.strictObject({
  id: Id,
  title: z.string().min(1).max(120),
  stage: z.enum(['main', 'final']).default('main'),
  when: ConditionField,
  on_unsure: OnUnsure.default('consult'),
  unsure_condition: z.string().min(1).max(200).optional(),
  reason: Reason.optional(),
  outputs: z.array(Output),
  advice: z.array(z.string()).default([]),
  unsure_advice: z.array(z.string()).default([]),
  sources: Sources,
});

const Effect = z.strictObject({
  code: Code,
  from: z.array(Level).min(1).optional(),
  to: Level.optional(),
  unsure_to: Level.optional(),
  timing: Timing.optional(),
  reason: Reason.optional(),
});

const AdjustmentSchema = z.strictObject({
  id: Id,
  title: z.string().min(1).max(120),
  when: ConditionField,
  effects: z.array(Effect),
  advice: z.array(z.string()).default([]),
  sources: Sources,
});

const Advice = z.strictObject({ id: Id, text: z.string().min(1).max(300), unless_done: Code.optional() });

const RuleSetShape = z.strictObject({
  version: z.number().int().positive(),
  title: z.string().min(1),
  texts: z.strictObject({ unsure_prefix: z.string().min(1).max(100) }),
  links: z.record(z.string(), z.url()),
  questions: z.array(Question).min(1),
  conditions: z.record(z.string(), ConditionField).default({}),
  advice: z.array(Advice),
  rules: z.array(RuleSchema).min(1),
  adjustments: z.array(AdjustmentSchema).default([]),
});

type Shape = z.output<typeof RuleSetShape>;
type Issue = { path: PropertyKey[]; message: string };

export const RuleSetSchema = RuleSetShape.superRefine((rs, ctx) => {
  for (const i of crossCheck(rs)) ctx.addIssue({ code: 'custom', path: i.path as (string | number)[], message: i.message });
});

// Compile-time check: the parsed file is a RuleSet.
const _assignable = (s: Shape): RuleSet => s;
void _assignable;

/** Everything zod cannot see alone: keys, values, names and ids that must exist elsewhere in the file. */
function crossCheck(rs: Shape): Issue[] {
  const issues: Issue[] = [];
  const questions = new Map<string, Shape['questions'][number]>();
  rs.questions.forEach((q, i) => {
    const at = (p: PropertyKey[], message: string) => issues.push({ path: ['questions', i, ...p], message });
    if (questions.has(q.key)) at(['key'], `duplicate question key "${q.key}"`);
    questions.set(q.key, q);
    if (new Set(q.values).size !== q.values.length) at(['values'], 'duplicate value');
    q.unsure.forEach((u, j) => q.values.includes(u) || at(['unsure', j], `"${u}" is not a value of ${q.key}`));
    if (q.multi) {
      if (!Array.isArray(q.default)) at(['default'], 'a multi-valued key needs a list default');
      else q.default.forEach((d, j) => q.values.includes(d) || at(['default', j], `"${d}" is not a value of ${q.key}`));
    } else if (Array.isArray(q.default)) at(['default'], 'only a multi-valued key takes a list');
    else if (q.default !== null && !q.values.includes(q.default)) at(['default'], `"${q.default}" is not a value of ${q.key}`);
  });

  const adviceIds = new Set<string>();
  rs.advice.forEach((a, i) => {
    if (adviceIds.has(a.id)) issues.push({ path: ['advice', i, 'id'], message: `duplicate advice id "${a.id}"` });
    adviceIds.add(a.id);
  });
  const mainIds: string[] = [];
  const allIds = new Set<string>();
  for (const r of rs.rules) if (r.stage === 'main') mainIds.push(r.id);

  const checkSources = (s: Shape['rules'][number]['sources'], base: PropertyKey[]) =>
    s.links.forEach((k, j) => k in rs.links || issues.push({ path: [...base, 'sources', 'links', j], message: `unknown link "${k}"` }));
  const checkAdvice = (list: string[], base: PropertyKey[]) =>
    list.forEach((a, j) => adviceIds.has(a) || issues.push({ path: [...base, j], message: `unknown advice id "${a}"` }));

  // Named conditions: structure, then no cycles.
  for (const [name, c] of Object.entries(rs.conditions)) checkCondition(c, ['conditions', name], issues, questions, rs, { allowCurrent: true, firedBefore: null });

  rs.rules.forEach((r, i) => {
    const base = ['rules', i];
    if (allIds.has(r.id)) issues.push({ path: [...base, 'id'], message: `duplicate rule id "${r.id}"` });
    allIds.add(r.id);
    const opts = { allowCurrent: r.stage === 'final', firedBefore: r.stage === 'main' ? mainIds.slice(0, mainIds.indexOf(r.id)) : null };
    checkCondition(r.when, [...base, 'when'], issues, questions, rs, opts);
    r.outputs.forEach((o, j) => {
      if (o.when) checkCondition(o.when, [...base, 'outputs', j, 'when'], issues, questions, rs, opts);
      if (o.level === 'conditional' && !o.condition) issues.push({ path: [...base, 'outputs', j], message: 'a conditional output needs a condition text' });
      const onUnsure = o.on_unsure ?? r.on_unsure;
      if (onUnsure === 'conditional' && o.level === 'required' && !o.condition && !r.unsure_condition)
        issues.push({ path: [...base, 'outputs', j], message: 'on_unsure: conditional needs a condition (or unsure_condition on the rule)' });
      if (!o.reason && !r.reason) issues.push({ path: [...base, 'outputs', j], message: 'an output needs a reason (or a reason on the rule)' });
    });
    if (r.outputs.length === 0 && r.advice.length === 0) issues.push({ path: [...base, 'outputs'], message: 'a rule needs outputs or advice' });
    checkAdvice(r.advice, [...base, 'advice']);
    checkAdvice(r.unsure_advice, [...base, 'unsure_advice']);
    checkSources(r.sources, base);
  });

  rs.adjustments.forEach((a, i) => {
    const base = ['adjustments', i];
    if (allIds.has(a.id)) issues.push({ path: [...base, 'id'], message: `duplicate rule id "${a.id}"` });
    allIds.add(a.id);
    checkCondition(a.when, [...base, 'when'], issues, questions, rs, { allowCurrent: true, firedBefore: null });
    checkAdvice(a.advice, [...base, 'advice']);
    checkSources(a.sources, base);
  });
  return issues;
}

interface CheckOptions {
  allowCurrent: boolean;
  /** For main rules: the main rule ids that run before this one (null: any main rule). */
  firedBefore: string[] | null;
}

const VALUE_OPS = ['in', 'not_in', 'only', 'empty'];

function checkCondition(
  c: unknown,
  path: PropertyKey[],
  issues: Issue[],
  questions: Map<string, Shape['questions'][number]>,
  rs: Shape,
  opts: CheckOptions,
  seen: string[] = [],
): void {
  const bad = (p: PropertyKey[], message: string): void => {
    issues.push({ path: [...path, ...p], message });
  };
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return bad([], 'a condition must be a mapping such as {key: value}');
  const entries = Object.entries(c);
  if (entries.length !== 1) return bad([], 'a condition names exactly one key (use all: [...] to combine)');
  const [key, test] = entries[0] as [string, unknown];
  const sub = (x: unknown, p: PropertyKey[]) => checkCondition(x, [...path, ...p], issues, questions, rs, opts, seen);
  switch (key) {
    case 'all':
    case 'any':
      if (!Array.isArray(test) || test.length === 0) return bad([key], `${key} takes a non-empty list of conditions`);
      return test.forEach((x, i) => sub(x, [key, i]));
    case 'not':
    case 'certain':
      return sub(test, [key]);
    case 'ref': {
      if (typeof test !== 'string' || !(test in rs.conditions)) return bad(['ref'], `unknown named condition "${String(test)}"`);
      if (seen.includes(test)) return bad(['ref'], `named condition "${test}" refers to itself`);
      // Follow the reference to check what it may use here (current / fired), reporting at the ref.
      const inner: Issue[] = [];
      checkCondition(rs.conditions[test], [], inner, questions, rs, opts, [...seen, test]);
      for (const i of inner) if (/current|has not run|refers to itself/.test(i.message)) bad(['ref'], `via "${test}": ${i.message}`);
      return;
    }
    case 'fired': {
      if (!Array.isArray(test) || test.length === 0) return bad(['fired'], 'fired takes a list of main rule ids');
      const main = rs.rules.filter((r) => r.stage === 'main').map((r) => r.id);
      test.forEach((id, i) => {
        if (!main.includes(String(id))) bad(['fired', i], `"${String(id)}" is not a main rule id`);
        else if (opts.firedBefore && !opts.firedBefore.includes(String(id))) bad(['fired', i], `rule "${String(id)}" has not run yet at this point`);
      });
      return;
    }
    case 'current': {
      if (!opts.allowCurrent) return bad(['current'], '{current: ...} can only be used in final rules and adjustments');
      const parsed = z
        .strictObject({ codes: z.array(Code).optional(), exclude: z.array(Code).optional(), levels: z.array(Level).optional(), timings: z.array(Timing).optional() })
        .safeParse(test);
      if (!parsed.success) for (const i of parsed.error.issues) bad(['current', ...i.path], i.message);
      return;
    }
  }
  const q = questions.get(key);
  if (!q) return bad([key], `unknown answer key "${key}"`);
  const checkValues = (vals: unknown, p: PropertyKey[]) => {
    if (!Array.isArray(vals) || vals.length === 0) return bad(p, 'needs a non-empty list of values');
    vals.forEach((v, i) => q.values.includes(String(v)) || bad([...p, i], `"${String(v)}" is not a value of ${key}`));
  };
  if (typeof test === 'string') {
    if (!q.values.includes(test)) bad([key], `"${test}" is not a value of ${key}`);
    return;
  }
  if (typeof test !== 'object' || test === null || Array.isArray(test)) return bad([key], `use a value, or {in: [...]}, {not_in: [...]}, {only: [...]}, {empty: true}`);
  const ops = Object.keys(test);
  if (ops.length !== 1 || !VALUE_OPS.includes(ops[0]!)) return bad([key], `use one of ${VALUE_OPS.join(', ')}`);
  const op = ops[0]!;
  const val = (test as Record<string, unknown>)[op];
  if ((op === 'only' || op === 'empty') && !q.multi) return bad([key, op], `${op} is only for multi-valued keys`);
  if (op === 'empty') {
    if (typeof val !== 'boolean') bad([key, op], 'empty takes true or false');
    return;
  }
  checkValues(val, [key, op]);
}

/** Load and validate the rule file; throws ConfigError with file, path and line for every problem. */
export function loadRules(file: string = DEFAULT_RULES_FILE): Loaded<RuleSet> {
  return loadYamlFile(file, RuleSetSchema);
}
