// The threshold rule engine (pure, no I/O): checks threshold answers against the rule file's
// questions, then runs every rule, merges per escalation code (highest level, earliest timing),
// applies the family, consent and capacity adjustments, then the final rules (on-call manager,
// commissioner). Every level it gives carries the rule ids and sources behind it.

import {
  ESCALATION_CODES,
  LEVELS,
  TIMINGS,
  type Answers,
  type Decision,
  type EscalationCode,
  type EscalationDecision,
  type Level,
  type Timing,
} from '../types.js';
import { evaluate, type EvalContext, type Tri } from './conditions.js';
import type { Adjustment, QuestionDef, Rule, RuleOutput, RuleSet, Sources } from './rule-types.js';

export type { RuleSet, QuestionDef } from './rule-types.js';
export type { Answers, Decision, EscalationDecision, Level, Timing } from '../types.js';

/** A bad threshold answer: the message names the key or value. */
export class AnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnswerError';
  }
}

const CODES = new Set<string>(ESCALATION_CODES);

/**
 * Check raw answers (for example parsed JSON) against the rule file's questions and fill in the
 * defaults. `actions_taken` is a list of escalation codes already done.
 */
export function validateAnswers(answers: unknown, rules: RuleSet): Answers {
  if (typeof answers !== 'object' || answers === null || Array.isArray(answers)) {
    throw new AnswerError('threshold answers must be a JSON object of key: value');
  }
  const byKey = questionMap(rules);
  const out: Answers = {};
  for (const [key, raw] of Object.entries(answers as Record<string, unknown>)) {
    if (key === 'actions_taken') {
      const list = asList(raw, key);
      for (const v of list) if (!CODES.has(v)) throw new AnswerError(`unknown value "${clip(v)}" for "actions_taken" (expected escalation codes: ${ESCALATION_CODES.join(', ')})`);
      out[key] = [...new Set(list)];
      continue;
    }
    const q = byKey.get(key);
    if (!q) throw new AnswerError(`unknown key "${clip(key)}"`);
    if (q.multi) {
      const list = asList(raw, key);
      for (const v of list) checkValue(q, v);
      out[key] = [...new Set(list)];
    } else {
      if (typeof raw !== 'string') throw new AnswerError(`the value of "${key}" must be one of: ${q.values.join(', ')}`);
      checkValue(q, raw);
      out[key] = raw;
    }
  }
  return withDefaults(out, rules);
}

/** Bad input is named in an error, but never echoed at length. */
function clip(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}

function asList(raw: unknown, key: string): string[] {
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(list) || list.some((v) => typeof v !== 'string')) {
    throw new AnswerError(`the value of "${key}" must be a list of strings`);
  }
  return list as string[];
}

function checkValue(q: QuestionDef, v: string): void {
  if (!q.values.includes(v)) throw new AnswerError(`unknown value "${clip(v)}" for "${q.key}" (allowed: ${q.values.join(', ')})`);
}

function questionMap(rules: RuleSet): Map<string, QuestionDef> {
  return new Map(rules.questions.map((q) => [q.key, q]));
}

/**
 * Fill every left-out key with its default (keys whose default is null stay unset). One is implied
 * instead: a kind of abuse named (Q15) with Q14 left out means abuse is suspected, since Q15 only
 * follows a yes to Q14; taking "no" would drop every abuse rule on a caller's omission.
 */
function withDefaults(answers: Answers, rules: RuleSet): Answers {
  const out: Answers = { ...answers };
  const kinds = out['abuse_category'];
  if (out['abuse_suspected'] === undefined && Array.isArray(kinds) && kinds.some((k) => k !== 'none')) out['abuse_suspected'] = 'yes';
  for (const q of rules.questions) {
    if (out[q.key] === undefined && q.default !== null) out[q.key] = Array.isArray(q.default) ? [...q.default] : q.default;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

/** An escalation while the rules are applied: the decision's fields, plus what only the engine needs. */
interface Entry extends Pick<EscalationDecision, 'code' | 'level' | 'timing' | 'rules' | 'reason' | 'sources'> {
  conditions: string[];
  /** Set by an adjustment that forced not_needed: later rules cannot raise it again. */
  forced: boolean;
}

const rank = (l: Level) => LEVELS.indexOf(l);
const tRank = (t: Timing) => TIMINGS.indexOf(t);
/** The less protective of two levels. */
const cap = (a: Level, b: Level): Level => (rank(a) >= rank(b) ? a : b);

/** Decide the escalations for validated answers (left-out keys take their defaults). */
export function decide(answers: Answers, rules: RuleSet): Decision {
  const full = withDefaults(answers, rules);
  const done = new Set(Array.isArray(full.actions_taken) ? full.actions_taken : []);
  const state = new Map<EscalationCode, Entry>();
  const advice = new Set<string>();
  const fired = new Map<string, Tri>();
  const ctx: EvalContext = {
    answers: full,
    questions: questionMap(rules),
    named: rules.conditions,
    fired,
  };
  const sourcesOf = (s: Sources) => [...s.dr.map((d) => `DR ${d}`), ...s.links.map((k) => rules.links[k] ?? k)];

  const runRule = (rule: Rule) => {
    const r = evaluate(rule.when, ctx);
    if (rule.stage === 'main') fired.set(rule.id, r);
    if (r === false || (r === 'unknown' && rule.on_unsure === 'skip')) return;
    for (const a of r === true ? rule.advice : rule.unsure_advice) advice.add(a);
    for (const out of rule.outputs) applyOutput(rule, out, r);
  };

  const applyOutput = (rule: Rule, out: RuleOutput, r: Tri) => {
    const o = out.when ? evaluate(out.when, ctx) : true;
    if (o === false) return;
    let level = out.level;
    let reason = out.reason ?? rule.reason ?? rule.title;
    let condition = out.level === 'conditional' ? out.condition : undefined;
    if (r === 'unknown' || o === 'unknown') {
      const onUnsure = out.on_unsure ?? rule.on_unsure;
      if (onUnsure === 'skip') return;
      const capped = cap(level, onUnsure);
      if (capped === 'conditional' && level !== 'conditional') condition = out.condition ?? rule.unsure_condition;
      level = capped;
      reason = `${rules.texts.unsure_prefix} ${reason}`;
    }
    if (level === 'not_needed') return;
    merge({ code: out.code, level, timing: out.timing, rule: rule.id, reason, sources: sourcesOf(rule.sources), condition });
  };

  const merge = (m: { code: EscalationCode; level: Level; timing: Timing; rule: string; reason: string; sources: string[]; condition?: string }) => {
    const e = state.get(m.code);
    if (!e) {
      state.set(m.code, {
        code: m.code,
        level: m.level,
        timing: m.timing,
        rules: [m.rule],
        reason: m.reason,
        sources: [...new Set(m.sources)],
        conditions: m.condition ? [m.condition] : [],
        forced: false,
      });
      return;
    }
    if (e.forced) return;
    // The reason shown is the one behind the highest level, and among equals the most urgent.
    if (rank(m.level) < rank(e.level) || (m.level === e.level && tRank(m.timing) < tRank(e.timing))) e.reason = m.reason;
    if (rank(m.level) < rank(e.level)) e.level = m.level;
    if (tRank(m.timing) < tRank(e.timing)) e.timing = m.timing;
    if (!e.rules.includes(m.rule)) e.rules.push(m.rule);
    for (const s of m.sources) if (!e.sources.includes(s)) e.sources.push(s);
    if (m.condition && !e.conditions.includes(m.condition)) e.conditions.push(m.condition);
  };

  const runAdjustment = (adj: Adjustment) => {
    const r = evaluate(adj.when, { ...ctx, current: state });
    if (r === false) return;
    let touched = adj.effects.length === 0;
    for (const eff of adj.effects) {
      const e = state.get(eff.code);
      const cur: Level = e?.level ?? 'not_needed';
      if (eff.from && !eff.from.includes(cur)) continue;
      let next: Level | undefined;
      if (r === true) next = eff.to;
      else if (eff.unsure_to) next = cap(cur, eff.unsure_to);
      else continue;
      if (!e && (next === undefined || next === 'not_needed')) continue;
      if (cur !== 'not_needed') touched = true;
      const entry: Entry = e ?? {
        code: eff.code,
        level: 'not_needed',
        timing: eff.timing ?? 'routine',
        rules: [],
        reason: eff.reason ?? adj.title,
        sources: [],
        conditions: [],
        forced: false,
      };
      if (next !== undefined && next !== cur) {
        entry.level = next;
        entry.reason = r === true ? (eff.reason ?? adj.title) : `${rules.texts.unsure_prefix} ${eff.reason ?? adj.title}`;
        if (eff.timing) entry.timing = eff.timing;
        if (next === 'not_needed') entry.forced = true;
      }
      if (!entry.rules.includes(adj.id)) entry.rules.push(adj.id);
      for (const s of sourcesOf(adj.sources)) if (!entry.sources.includes(s)) entry.sources.push(s);
      state.set(eff.code, entry);
    }
    if (r === true && touched) for (const a of adj.advice) advice.add(a);
  };

  for (const rule of rules.rules) if (rule.stage === 'main') runRule(rule);
  for (const adj of rules.adjustments) runAdjustment(adj);
  ctx.current = state;
  for (const rule of rules.rules) if (rule.stage === 'final') runRule(rule);

  const escalations: EscalationDecision[] = [...state.values()]
    .filter((e) => e.level !== 'not_needed')
    .sort(
      (a, b) =>
        rank(a.level) - rank(b.level) ||
        tRank(a.timing) - tRank(b.timing) ||
        ESCALATION_CODES.indexOf(a.code) - ESCALATION_CODES.indexOf(b.code),
    )
    .map((e) => {
      const d: EscalationDecision = {
        code: e.code,
        level: e.level,
        timing: e.timing,
        rules: e.rules,
        reason: e.reason,
        sources: e.sources,
        status: done.has(e.code) ? 'done' : 'open',
      };
      if (e.level === 'conditional' && e.conditions.length) d.condition = e.conditions.join('; or ');
      return d;
    });

  const lines = rules.advice.filter((a) => advice.has(a.id) && !(a.unless_done && done.has(a.unless_done))).map((a) => a.text);
  return { escalations, advice: lines };
}
