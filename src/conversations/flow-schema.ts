// The intake flow file (conversations/intake-flow.yaml): schema, loader and cross-checks against
// the threshold questions of the rule file, so a typo in a provider's edit is caught at start-up.

import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConditionSchema, mentions } from '../core/conditions.js';
import { ConfigError, loadYamlFile, type ConfigProblem, type Loaded } from './load.js';

// `words`: other words that name this option in a typed reply ("son" for "Family or partner").
const ChoiceSchema = z.strictObject({ id: z.string().min(1), label: z.string().min(1).max(75), words: z.array(z.string().min(2)).optional() });

const StepSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'use lower case letters, digits and _'),
    kind: z.enum(['choice', 'multi', 'text', 'time', 'service', 'confirm']),
    key: z.string().optional(),
    field: z.enum(['subject', 'narrative', 'occurredAt', 'serviceId']).optional(),
    ask_if: ConditionSchema.optional(),
    text: z.string().min(1).max(400),
    choices: z.array(ChoiceSchema).min(1).max(12).optional(),
    unsure: z.string().optional(),
    safety: z.boolean().optional(),
    protective: z.array(z.string()).optional(),
    urgent: z.union([z.string().max(400), z.record(z.string(), z.string().max(400))]).optional(),
    max_length: z.number().int().positive().max(20000).optional(),
  })
  .superRefine((s, ctx) => {
    const needsChoices = s.kind === 'choice' || s.kind === 'multi';
    if (needsChoices && !s.choices) ctx.addIssue({ code: 'custom', path: ['choices'], message: `a ${s.kind} step needs choices` });
    if (needsChoices && !s.key) ctx.addIssue({ code: 'custom', path: ['key'], message: `a ${s.kind} step needs a key` });
    if (needsChoices && s.unsure === undefined)
      ctx.addIssue({ code: 'custom', path: ['unsure'], message: '"Not sure" must be an answer everywhere: give the value it stands for' });
    if ((s.kind === 'text' || s.kind === 'time' || s.kind === 'service') && !s.field)
      ctx.addIssue({ code: 'custom', path: ['field'], message: `a ${s.kind} step needs a field` });
    if (s.safety && (!s.protective?.length || !s.urgent))
      ctx.addIssue({ code: 'custom', path: ['safety'], message: 'a safety step needs protective answers and an urgent message' });
    if (s.safety && s.urgent && typeof s.urgent === 'object')
      for (const v of s.protective ?? [])
        if (!s.urgent[v]) ctx.addIssue({ code: 'custom', path: ['urgent'], message: `give an urgent message for "${v}"` });
  });

export const FlowSchema = z
  .strictObject({
    version: z.number().int().positive(),
    unsure_label: z.string().min(1).max(40),
    steps: z.array(StepSchema).min(1),
  })
  .superRefine((f, ctx) => {
    const seen = new Set<string>();
    f.steps.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `duplicate step id "${s.id}"` });
      seen.add(s.id);
    });
    const last = f.steps[f.steps.length - 1];
    if (last?.kind !== 'confirm') ctx.addIssue({ code: 'custom', path: ['steps'], message: 'the last step must be the confirm step' });
    if (!f.steps[0]?.safety) ctx.addIssue({ code: 'custom', path: ['steps', 0], message: 'the first step must be a safety question' });
  });

export type Flow = z.output<typeof FlowSchema>;
export type FlowStep = Flow['steps'][number];

export const DEFAULT_FLOW_FILE = fileURLToPath(new URL('../../conversations/intake-flow.yaml', import.meta.url));

/** Keys the flow may set that are not threshold answers. */
export const INTAKE_ONLY_KEYS = new Set(['categories']);

export interface QuestionValues {
  key: string;
  values: readonly string[];
}

/**
 * Load the flow. With `questions` (from the rule file), every key and value the flow uses must
 * be a threshold key and value (or an intake-only key); problems carry file, path and line.
 */
export function loadFlow(file = DEFAULT_FLOW_FILE, questions?: QuestionValues[]): Loaded<Flow> {
  const loaded = loadYamlFile(file, FlowSchema);
  if (questions) {
    const problems = crossCheck(loaded.value, questions, file, loaded.lineOf);
    if (problems.length) throw new ConfigError(problems);
  }
  return loaded;
}

function crossCheck(flow: Flow, questions: QuestionValues[], file: string, lineOf: Loaded<Flow>['lineOf']): ConfigProblem[] {
  const byKey = new Map(questions.map((q) => [q.key, new Set(q.values)]));
  const intakeValues = new Map<string, Set<string>>();
  for (const s of flow.steps) if (s.key && INTAKE_ONLY_KEYS.has(s.key)) intakeValues.set(s.key, new Set(s.choices?.map((c) => c.id)));
  const problems: ConfigProblem[] = [];
  const allowed = (key: string) => byKey.get(key) ?? intakeValues.get(key) ?? (key === 'actions_taken' ? null : undefined);
  flow.steps.forEach((s, i) => {
    const at = (path: string, message: string) =>
      problems.push({ file, path: `steps.${i}.${path}`, line: lineOf(['steps', i, path]), message });
    if (s.key) {
      const vals = allowed(s.key);
      if (vals === undefined) at('key', `"${s.key}" is not a threshold question key`);
      else if (vals) {
        for (const c of s.choices ?? []) if (!vals.has(c.id)) at('choices', `"${c.id}" is not a value of ${s.key}`);
        if (s.unsure && !vals.has(s.unsure)) at('unsure', `"${s.unsure}" is not a value of ${s.key}`);
      }
    }
    for (const m of s.ask_if ? mentions(s.ask_if) : []) {
      const vals = allowed(m.key);
      if (vals === undefined) at('ask_if', `"${m.key}" is not a known key`);
      else if (vals && !vals.has(m.value)) at('ask_if', `"${m.value}" is not a value of ${m.key}`);
    }
  });
  return problems;
}
