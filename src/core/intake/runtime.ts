// The intake runtime: pure functions from (session, input) to (session', outputs).
// It walks the flow of conversations/intake-flow.yaml, skipping steps whose `ask_if` is false,
// interrupts at once on a protective safety answer, and never loses an earlier answer: bad input
// gets a short message and the same question again.

import { matches, mentions, type Facts } from '../conditions.js';
import type { Flow, FlowStep } from '../../conversations/flow-schema.js';
import type { Answers, UserRef } from '../types.js';
import { sessionKey, type Session, type SessionFlag } from './session.js';

/** The most a single chat message may carry; longer text is refused, not truncated. */
export const MAX_MESSAGE_CHARS = 4000;
export const UNSURE_ID = 'unsure';
export const DONE_ID = 'done';

export type Input =
  | { kind: 'text'; text: string }
  | { kind: 'choice'; stepId: string; choiceId: string };

export type Output =
  /** Tell the reporter something. */
  | { type: 'say'; text: string; urgent?: boolean }
  /** Ask the current step (rendered by the caller from the flow). */
  | { type: 'ask'; stepId: string }
  /** Update the question message in place to show what was answered. */
  | { type: 'answered'; stepId: string; answer: string }
  /** A protective safety answer: page now with what is known, then carry on. */
  | { type: 'emergency'; stepId: string; key: string; value: string }
  /** The reporter confirmed the summary: make the incident and decide. */
  | { type: 'complete' }
  | { type: 'cancelled' };

/** What the runtime may call out to: services, language helpers, the clock. All optional but the clock. */
export interface IntakeContext {
  flow: Flow;
  now: Date;
  services: Array<{ id: string; name: string }>;
  /** Defaults of unanswered threshold keys (no / none / na), so `ask_if` reads them as the rules do. */
  defaults?: Record<string, string | string[]>;
  /** Typed reply → choice id (with the unsure id among the options); null when not understood. */
  recogniseChoice?: (text: string, choices: Array<{ id: string; label: string }>) => string | null;
  /** Time in words → instant and a read-back; null when not understood. */
  parseWhen?: (text: string, now: Date) => { at: Date; readBack: string } | null;
  /** Red flags from the narrative. */
  findFlags?: (narrative: string) => SessionFlag[];
}

export interface StepResult {
  session: Session;
  out: Output[];
}

export function newSession(ctx: IntakeContext, user: UserRef, narrative?: string): Session {
  const now = ctx.now.toISOString();
  const s: Session = {
    key: sessionKey(user),
    user,
    status: 'active',
    stepId: ctx.flow.steps[0]!.id,
    history: [],
    answers: {},
    unsure: [],
    fields: {},
    flags: [],
    challenged: [],
    startedAt: now,
    updatedAt: now,
  };
  if (narrative && narrative.trim()) {
    s.fields.narrative = narrative.trim().slice(0, MAX_MESSAGE_CHARS);
    s.flags = ctx.findFlags?.(s.fields.narrative) ?? [];
  }
  return s;
}

export function stepById(flow: Flow, id: string): FlowStep {
  const step = flow.steps.find((s) => s.id === id);
  if (!step) throw new Error(`No step "${id}" in the flow`);
  return step;
}

/** Choices shown for a step, "Not sure" last (services come from the organisation). */
export function choicesFor(ctx: Pick<IntakeContext, 'flow' | 'services'>, step: FlowStep): Array<{ id: string; label: string }> {
  if (step.kind === 'service') return ctx.services.map((s) => ({ id: s.id, label: s.name }));
  if (step.kind === 'confirm')
    return [
      { id: 'yes', label: 'Yes, send it' },
      { id: 'back', label: 'Go back' },
      { id: 'cancel', label: 'Cancel' },
    ];
  const base = step.choices ?? [];
  const extra = step.kind === 'multi' ? [{ id: DONE_ID, label: 'Done' }] : [];
  return [...base, { id: UNSURE_ID, label: ctx.flow.unsure_label }, ...extra];
}

export function facts(s: Session, defaults: Record<string, string | string[]> = {}): Facts {
  return { ...defaults, ...(s.answers as Facts), ...s.fields } as Facts;
}

/** The first step at or after `from` that applies to what is known. */
function nextApplicable(ctx: IntakeContext, s: Session, from: number): FlowStep {
  const steps = ctx.flow.steps;
  for (let i = from; i < steps.length; i++) {
    const step = steps[i]!;
    if (step.ask_if && !matches(step.ask_if, facts(s, ctx.defaults))) continue;
    if (step.field && s.fields[step.field] !== undefined) continue;
    if (step.key && s.answers[step.key] !== undefined && step.kind === 'choice') continue; // answered early (brought forward)
    if (step.kind === 'service' && ctx.services.length === 1) {
      s.fields.serviceId = ctx.services[0]!.id;
      continue;
    }
    return step;
  }
  return steps[steps.length - 1]!;
}

function advance(ctx: IntakeContext, s: Session, answeredId: string, out: Output[]): void {
  s.history.push(answeredId);
  const steps = ctx.flow.steps;
  const idx = steps.findIndex((x) => x.id === answeredId);
  const forward = forwardedSafetyStep(ctx, s, idx);
  if (forward) bringForward(s, forward, steps[idx + 1]?.id ?? answeredId, out);
  else if (s.resumeFrom) {
    const from = steps.findIndex((x) => x.id === s.resumeFrom);
    delete s.resumeFrom;
    s.stepId = nextApplicable(ctx, s, Math.max(from, 0)).id;
  } else {
    s.stepId = nextApplicable(ctx, s, idx + 1).id;
  }
  out.push({ type: 'ask', stepId: s.stepId });
}

/**
 * A red flag on a later safety question (suicide plan, self-harm, missing at risk...) brings that
 * question forward at once, once the opening safety questions are done.
 */
function forwardedSafetyStep(ctx: IntakeContext, s: Session, answeredIdx: number): FlowStep | undefined {
  const steps = ctx.flow.steps;
  const firstOrdinary = steps.findIndex((x) => !x.safety);
  if (answeredIdx + 1 < firstOrdinary) return undefined; // still in the opening safety questions
  return steps.find(
    (st, i) =>
      i > firstOrdinary &&
      st.safety &&
      st.key &&
      s.answers[st.key] === undefined &&
      mayComeEarly(ctx, s, st) &&
      s.flags.some((f) => f.key === st.key && st.protective?.includes(f.value)),
  );
}

/** Ask `forward` now, quoting the words that raised it, and carry on at `resumeAt` afterwards. */
function bringForward(s: Session, forward: FlowStep, resumeAt: string, out: Output[]): void {
  s.resumeFrom ??= resumeAt;
  s.stepId = forward.id;
  out.push({ type: 'say', text: `You wrote "${s.flags.find((f) => f.key === forward.key)!.evidence}". I need to ask about that first.`, urgent: true });
}

/**
 * A safety question may be brought forward when it applies already, or when only the kind of
 * incident (not yet asked) decides whether it applies. Blood thinners are not asked before a
 * head injury: "on warfarin" alone is no emergency.
 */
function mayComeEarly(ctx: IntakeContext, s: Session, step: FlowStep): boolean {
  if (!step.ask_if || matches(step.ask_if, facts(s, ctx.defaults))) return true;
  return mentions(step.ask_if).every((m) => m.key === 'categories');
}

export function urgentText(step: FlowStep, value: string): string | undefined {
  return typeof step.urgent === 'string' ? step.urgent : step.urgent?.[value];
}

/** Clear answers the flow can no longer reach after "back" (so a changed answer re-asks its branch). */
function forget(s: Session, step: FlowStep): void {
  if (step.key) {
    delete s.answers[step.key];
    s.unsure = s.unsure.filter((k) => k !== step.key);
  }
  if (step.field) delete s.fields[step.field];
  if (step.kind === 'time') delete s.pendingTime;
}

const WORDS: Record<string, 'back' | 'cancel' | 'help'> = {
  back: 'back',
  'go back': 'back',
  undo: 'back',
  cancel: 'cancel',
  stop: 'cancel',
  help: 'help',
};

/** Apply one input to the session. Never throws for user input. */
export function applyInput(ctx: IntakeContext, session: Session, input: Input): StepResult {
  const s: Session = structuredClone(session);
  s.updatedAt = ctx.now.toISOString();
  const out: Output[] = [];
  const step = stepById(ctx.flow, s.stepId);

  if (input.kind === 'text') {
    const text = input.text.trim();
    if (text.length > MAX_MESSAGE_CHARS) {
      out.push({
        type: 'say',
        text: `That message is too long for me (${text.length.toLocaleString('en-GB')} characters). Please send it in parts of up to ${MAX_MESSAGE_CHARS.toLocaleString('en-GB')}. Your earlier answers are kept.`,
      });
      out.push({ type: 'ask', stepId: s.stepId });
      return { session: s, out };
    }
    const word = WORDS[text.toLowerCase()];
    if (word === 'back') return back(ctx, s);
    if (word === 'cancel') {
      s.status = 'cancelled';
      out.push({ type: 'cancelled' });
      return { session: s, out };
    }
    if (word === 'help') {
      out.push({ type: 'say', text: 'Answer the question, or type "back" to change your last answer, or "cancel" to stop. If someone is in danger, call 999 first.' });
      out.push({ type: 'ask', stepId: s.stepId });
      return { session: s, out };
    }
  }

  if (input.kind === 'choice' && input.stepId !== s.stepId) {
    // A button from an earlier question: its answer is already recorded. Say where we are.
    out.push({ type: 'say', text: 'That question is already answered. Here is where we are now.' });
    out.push({ type: 'ask', stepId: s.stepId });
    return { session: s, out };
  }

  const flagsBefore = s.flags.length;
  const typed = noteTypedFlags(ctx, s, step, input);
  const result = dispatch(ctx, s, step, input, typed);
  // New words may put an earlier safety answer in doubt: check it once more, before anything else.
  return result.session.flags.length > flagsBefore ? recheckSafety(ctx, result) : result;
}

function dispatch(ctx: IntakeContext, s: Session, step: FlowStep, input: Input, typed: SessionFlag[]): StepResult {
  if (s.pendingChallenge) return answerChallenge(ctx, s, input, typed);
  switch (step.kind) {
    case 'text':
      return answerText(ctx, s, step, input);
    case 'time':
      return answerTime(ctx, s, step, input);
    case 'confirm':
      return answerConfirm(ctx, s, input);
    default:
      return answerChoice(ctx, s, step, input, typed);
  }
}

/** Add red flags, keeping one of each key and value. */
function addFlags(s: Session, found: SessionFlag[]): void {
  for (const f of found) if (!s.flags.some((g) => g.key === f.key && g.value === f.value)) s.flags.push(f);
}

/**
 * Words typed where a choice or a time was asked ("no, but he has taken an overdose") are read for red flags
 * like the narrative, so an answer that contradicts them is asked once more. A number or an
 * option's own label carries none.
 */
function noteTypedFlags(ctx: IntakeContext, s: Session, step: FlowStep, input: Input): SessionFlag[] {
  if (input.kind !== 'text' || !ctx.findFlags || !['choice', 'multi', 'time'].includes(step.kind)) return [];
  if (/^[\d\s,;.]*$/.test(input.text) || exactChoice(choicesFor(ctx, step), input.text)) return [];
  const found = ctx.findFlags(input.text);
  addFlags(s, found);
  return found;
}

/**
 * An opening or later safety question answered "no" while the reporter's words now suggest
 * otherwise ("he has stopped breathing" written after "No" to the first question) is asked again
 * at once, before the current question. Once per question, like every challenge.
 */
function recheckSafety(ctx: IntakeContext, result: StepResult): StepResult {
  const s = result.session;
  if (s.status !== 'active' || s.pendingChallenge) return result;
  for (const step of ctx.flow.steps) {
    if (!step.safety || !step.key || !step.protective || s.challenged.includes(step.key)) continue;
    const given = s.answers[step.key];
    if (typeof given !== 'string' || step.protective.includes(given)) continue;
    const flag = s.flags.find((f) => f.key === step.key && step.protective!.includes(f.value));
    if (!flag) continue;
    s.challenged.push(step.key);
    delete s.pendingTime; // a time read back but not yet confirmed is asked again afterwards
    s.pendingChallenge = { stepId: step.id, key: step.key, given, evidence: flag.evidence };
    s.resumeFrom ??= s.stepId;
    s.stepId = step.id;
    const out: Output[] = result.out.filter((o) => o.type !== 'ask');
    out.push({ type: 'say', text: `You wrote "${flag.evidence}". ${challengeQuestion(step, flag.value)}`, urgent: true });
    out.push({ type: 'ask', stepId: step.id });
    return { session: s, out };
  }
  return result;
}

function back(ctx: IntakeContext, s: Session): StepResult {
  const out: Output[] = [];
  const prev = s.history.pop();
  if (!prev) {
    out.push({ type: 'say', text: 'This is the first question.' });
  } else {
    const prevStep = stepById(ctx.flow, prev);
    if (prevStep.safety) {
      // Safety answers stand: a page already sent is not taken back.
      s.history.push(prev);
      out.push({ type: 'say', text: 'The safety answers cannot be changed here. Tell the on-call manager if things have changed.' });
    } else {
      forget(s, stepById(ctx.flow, s.stepId));
      forget(s, prevStep);
      s.stepId = prev;
    }
  }
  out.push({ type: 'ask', stepId: s.stepId });
  return { session: s, out };
}

function resolveChoice(ctx: IntakeContext, step: FlowStep, input: Input): string | null {
  const choices = choicesFor(ctx, step);
  if (input.kind === 'choice') return choices.some((c) => c.id === input.choiceId) ? input.choiceId : null;
  const text = input.text.trim();
  const n = Number(text);
  if (Number.isInteger(n) && n >= 1 && n <= choices.length) return choices[n - 1]!.id;
  const exact = exactChoice(choices, text);
  if (exact) return exact.id;
  return ctx.recogniseChoice?.(text, choices) ?? namedByWords(step, text.toLowerCase());
}

/** The option whose label or id the reply is, word for word (any case). */
function exactChoice(choices: Array<{ id: string; label: string }>, text: string): { id: string; label: string } | undefined {
  const lower = text.trim().toLowerCase();
  return choices.find((c) => c.label.toLowerCase() === lower || c.id.toLowerCase() === lower);
}

/** The one option whose own `words` the reply uses ("her son" → Family or partner); none if two do. */
function namedByWords(step: FlowStep, lower: string): string | null {
  const said = new Set(lower.split(/[^a-z']+/).map((w) => w.replace(/'s$/, '')));
  const hits = (step.choices ?? []).filter((c) => c.words?.some((w) => said.has(w.toLowerCase())));
  return hits.length === 1 ? hits[0]!.id : null;
}

function notUnderstood(s: Session, out: Output[]): StepResult {
  out.push({ type: 'say', text: 'Sorry, I did not understand. Please choose one of the options, or type its number.' });
  out.push({ type: 'ask', stepId: s.stepId });
  return { session: s, out };
}

/** A description typed where a choice was asked: at least this many words. */
const DESCRIPTION_WORDS = 8;

/**
 * A reply that picks no option. A description is kept as the reporter's account (or added to it),
 * so nothing they wrote is lost; a red flag on a later safety question brings that question forward.
 */
function notAnOption(ctx: IntakeContext, s: Session, step: FlowStep, input: Input, out: Output[]): StepResult {
  const kept = keepAsAccount(ctx, s, input);
  if (kept === 'kept') out.push({ type: 'say', text: 'Thank you, I have kept that as your account of what happened. First, please answer this question: choose an option or type its number.' });
  else if (kept === 'added') out.push({ type: 'say', text: 'Thank you, I have added that to your account. Now please choose one of the options, or type its number.' });
  else return notUnderstood(s, out);
  const forward = forwardedSafetyStep(ctx, s, ctx.flow.steps.findIndex((x) => x.id === step.id));
  if (forward) bringForward(s, forward, step.id, out);
  out.push({ type: 'ask', stepId: s.stepId });
  return { session: s, out };
}

/**
 * A description (several words) typed where an option was expected becomes the reporter's account
 * when there is none yet and it has not been asked for, or is added to it; a short reply is not.
 */
function keepAsAccount(ctx: IntakeContext, s: Session, input: Input): 'kept' | 'added' | null {
  const text = input.kind === 'text' ? input.text.trim() : '';
  if (text.split(/\s+/).length < DESCRIPTION_WORDS) return null;
  const narrativeStep = ctx.flow.steps.find((x) => x.field === 'narrative');
  const max = narrativeStep?.max_length ?? MAX_MESSAGE_CHARS;
  const account = s.fields.narrative;
  if (account === undefined && narrativeStep && !s.history.includes(narrativeStep.id)) {
    s.fields.narrative = text.slice(0, max);
    return 'kept';
  }
  if (account !== undefined && account.length + text.length + 1 <= max) {
    s.fields.narrative = `${account}\n${text}`;
    return 'added';
  }
  return null;
}

/**
 * The option a typed reply names in its own words ("she's not breathing" to "Is anyone's life in
 * danger?"): a red flag on this question's key, on the serious side (a protective answer of a
 * safety question, else anything but no or none), and only when the words point one way.
 */
function optionInWords(ctx: IntakeContext, step: FlowStep, typed: SessionFlag[]): { id: string; evidence: string } | null {
  if (!step.key) return null;
  const ids = new Set(choicesFor(ctx, step).map((c) => c.id));
  const serious = (v: string) => (step.protective ? step.protective.includes(v) : v !== 'no' && v !== 'none');
  const found = typed.filter((f) => f.key === step.key && ids.has(f.value) && serious(f.value));
  if (!found.length) return null;
  // A safety question takes its most protective answer named; any other question needs one answer.
  if (step.protective) {
    const value = step.protective.find((v) => found.some((f) => f.value === v))!;
    return { id: value, evidence: found.find((f) => f.value === value)!.evidence };
  }
  return new Set(found.map((f) => f.value)).size === 1 ? { id: found[0]!.value, evidence: found[0]!.evidence } : null;
}

function answerChoice(ctx: IntakeContext, s: Session, step: FlowStep, input: Input, typed: SessionFlag[] = []): StepResult {
  const out: Output[] = [];
  if (step.kind === 'multi') return answerMulti(ctx, s, step, input);
  let id = resolveChoice(ctx, step, input);
  if (!id) {
    const named = optionInWords(ctx, step, typed);
    if (!named) return notAnOption(ctx, s, step, input, out);
    id = named.id;
    const kept = keepAsAccount(ctx, s, input) ? ' I have kept what you wrote with your account.' : '';
    out.push({ type: 'say', text: `You wrote "${named.evidence}". I have taken that as "${choicesFor(ctx, step).find((c) => c.id === id)!.label}".${kept}` });
  }
  const label = choicesFor(ctx, step).find((c) => c.id === id)?.label ?? id;

  if (step.kind === 'service') {
    s.fields.serviceId = id;
    out.push({ type: 'answered', stepId: step.id, answer: label });
    advance(ctx, s, step.id, out);
    return { session: s, out };
  }

  const key = step.key!;
  const value = id === UNSURE_ID ? step.unsure! : id;
  if (id === UNSURE_ID && !s.unsure.includes(key)) s.unsure.push(key);
  if (id !== UNSURE_ID) s.unsure = s.unsure.filter((k) => k !== key);

  // A second pair of eyes: an answer that contradicts the reporter's own words is asked once more.
  const flag = s.flags.find((f) => f.key === key && f.value !== value && !s.challenged.includes(key) && isLessProtective(step, value, f.value));
  if (flag) {
    s.challenged.push(key);
    s.pendingChallenge = { stepId: step.id, key, given: value, evidence: flag.evidence };
    out.push({ type: 'answered', stepId: step.id, answer: label });
    out.push({ type: 'say', text: `You wrote "${flag.evidence}". ${challengeQuestion(step, flag.value)}` });
    out.push({ type: 'ask', stepId: step.id });
    return { session: s, out };
  }

  s.answers[key] = value;
  out.push({ type: 'answered', stepId: step.id, answer: label });
  if (step.safety && step.protective?.includes(value)) {
    out.push({ type: 'say', text: urgentText(step, value) ?? 'Get help now. I am paging the on-call manager.', urgent: true });
    out.push({ type: 'emergency', stepId: step.id, key, value });
  }
  advance(ctx, s, step.id, out);
  return { session: s, out };
}

/**
 * Whether `given` contradicts the flagged value on the less protective side: a safety question
 * answered outside its protective answers when the words suggest one of them, or any question
 * answered "no" / "none" when the words suggest something. A more serious answer than the words
 * suggest is never challenged.
 */
function isLessProtective(step: FlowStep, given: string, flagged: string): boolean {
  const nothing = (v: string) => v === 'no' || v === 'none';
  if (nothing(given) && !nothing(flagged)) return true;
  return !!step.protective && step.protective.includes(flagged) && !step.protective.includes(given);
}

function challengeQuestion(step: FlowStep, flagged: string): string {
  const label = step.choices?.find((c) => c.id === flagged)?.label ?? flagged;
  return `${step.text} (It sounds like: ${label}.) Please check and answer again.`;
}

function answerChallenge(ctx: IntakeContext, s: Session, input: Input, typed: SessionFlag[]): StepResult {
  const pending = s.pendingChallenge!;
  const step = stepById(ctx.flow, pending.stepId);
  delete s.pendingChallenge;
  const again = answerChoice(ctx, s, step, input, typed);
  if (!again.out.some((o) => o.type === 'answered')) {
    again.session.pendingChallenge = pending; // not understood: keep waiting
    return again;
  }
  const final = again.session.answers[pending.key];
  again.session.resolutions = [
    ...(again.session.resolutions ?? []),
    { key: pending.key, evidence: pending.evidence, first: pending.given, final: typeof final === 'string' ? final : String(final) },
  ];
  return again;
}

function answerMulti(ctx: IntakeContext, s: Session, step: FlowStep, input: Input): StepResult {
  const out: Output[] = [];
  const key = step.key!;
  const current = new Set(Array.isArray(s.answers[key]) ? (s.answers[key] as string[]) : []);
  const ids: string[] = [];
  const whole = input.kind === 'text' ? exactChoice(choicesFor(ctx, step), input.text) : undefined;
  if (input.kind === 'choice') ids.push(input.choiceId);
  else if (whole) ids.push(whole.id, DONE_ID); // an option's own words ("Police called on 999") are not split
  else {
    for (const part of input.text.split(/[,;]|\s+and\s+|\s+(?=\d)/)) {
      if (!part.trim()) continue;
      const id = resolveChoice(ctx, step, { kind: 'text', text: part });
      if (!id) return notAnOption(ctx, s, step, input, out);
      ids.push(id);
    }
    if (!ids.length) return notUnderstood(s, out);
    if (!ids.includes(DONE_ID)) ids.push(DONE_ID); // a typed list answers the whole question
  }
  const valid = new Set(choicesFor(ctx, step).map((c) => c.id));
  if (ids.some((i) => !valid.has(i))) return notUnderstood(s, out);
  let done = false;
  for (const id of ids) {
    if (id === DONE_ID) done = true;
    else if (id === UNSURE_ID) {
      current.add(step.unsure!);
      if (!s.unsure.includes(key)) s.unsure.push(key);
      done = true;
    } else if (current.has(id)) current.delete(id);
    else current.add(id);
  }
  if (key === 'actions_taken') current.delete('none');
  s.answers[key] = [...current];
  if (!done) {
    out.push({ type: 'ask', stepId: step.id });
    return { session: s, out };
  }
  if (current.size === 0 && key !== 'actions_taken') {
    out.push({ type: 'say', text: 'Please choose at least one, or "Not sure".' });
    out.push({ type: 'ask', stepId: step.id });
    return { session: s, out };
  }
  const labels = choicesFor(ctx, step).filter((c) => current.has(c.id)).map((c) => c.label);
  out.push({ type: 'answered', stepId: step.id, answer: labels.join(', ') || 'Nothing yet' });
  advance(ctx, s, step.id, out);
  return { session: s, out };
}

/** Words kept as typed in "who is affected" (roles, places, titles, small words), never names. */
const NOT_NAMES = new Set(
  'a an and at by for from in of on or the to with room rm flat bed bay unit no number house floor wing resident tenant client service user su person man woman lady gentleman gent boy girl child baby staff carer worker nurse visitor mr mrs ms miss dr sir old new called sick off all every everyone everybody several many some two three four residents tenants clients users people persons carers workers nurses visitors home whole unknown not sure'.split(' '),
);

/**
 * "Who is affected" with names turned into initials, so the channel record never carries a name:
 * capitalised words ("Betty Smith room 4" becomes "BS room 4", "Mr Patel" becomes "Mr P"), and a
 * reply of two or three plain words ("betty smith"). Initials, identifiers and roles stay.
 */
export function privateSubject(text: string): string {
  const words = text.trim().split(/\s+/);
  const plain = words.length >= 2 && words.length <= 3 && words.every((w) => /^[a-z][a-z'’-]+$/.test(w) && !NOT_NAMES.has(w));
  const isName = (w: string) => /^[A-Za-z][a-z'’-]+$/.test(w) && !NOT_NAMES.has(w.toLowerCase()) && (plain || /^[A-Z]/.test(w));
  const out: string[] = [];
  let initials = '';
  for (const w of words) {
    if (isName(w)) {
      initials += w[0]!.toUpperCase();
      continue;
    }
    if (initials) out.push(initials);
    initials = '';
    out.push(w);
  }
  if (initials) out.push(initials);
  return out.join(' ');
}

function answerText(ctx: IntakeContext, s: Session, step: FlowStep, input: Input): StepResult {
  const out: Output[] = [];
  if (input.kind !== 'text') return notUnderstood(s, out);
  let text = input.text.trim();
  if (!text) {
    out.push({ type: 'say', text: 'Please type your answer.' });
    out.push({ type: 'ask', stepId: s.stepId });
    return { session: s, out };
  }
  const max = step.max_length ?? MAX_MESSAGE_CHARS;
  if (text.length > max) {
    out.push({ type: 'say', text: `Please keep this to ${max.toLocaleString('en-GB')} characters or fewer.` });
    out.push({ type: 'ask', stepId: s.stepId });
    return { session: s, out };
  }
  if (step.field === 'subject' && privateSubject(text) !== text) {
    text = privateSubject(text);
    out.push({ type: 'say', text: `That looks like a name. To keep it private I will record "${text}".` });
  }
  s.fields[step.field as 'subject' | 'narrative'] = text;
  if (step.field === 'narrative') addFlags(s, ctx.findFlags?.(text) ?? []);
  out.push({ type: 'answered', stepId: step.id, answer: step.field === 'narrative' ? 'Noted.' : text });
  advance(ctx, s, step.id, out);
  return { session: s, out };
}

function answerTime(ctx: IntakeContext, s: Session, step: FlowStep, input: Input): StepResult {
  const out: Output[] = [];
  if (s.pendingTime) {
    const id = input.kind === 'choice' ? input.choiceId : resolveChoice(ctx, { ...step, kind: 'choice', choices: [{ id: 'yes', label: 'Yes' }, { id: 'no', label: 'No' }] }, input);
    if (id === 'yes') {
      s.fields.occurredAt = s.pendingTime.at;
      const readBack = s.pendingTime.readBack;
      delete s.pendingTime;
      out.push({ type: 'answered', stepId: step.id, answer: readBack });
      advance(ctx, s, step.id, out);
      return { session: s, out };
    }
    delete s.pendingTime;
    if (id === 'no' || id === UNSURE_ID) {
      out.push({ type: 'say', text: 'OK. When did it happen? You can type a time like 14:30 or "yesterday at 2pm".' });
      out.push({ type: 'ask', stepId: step.id });
      return { session: s, out };
    }
    // Anything else: treat it as a new time below.
  }
  if (input.kind === 'choice') {
    if (input.choiceId === UNSURE_ID) {
      s.fields.occurredAt = '';
      out.push({ type: 'answered', stepId: step.id, answer: 'Not sure' });
      advance(ctx, s, step.id, out);
      return { session: s, out };
    }
    return notUnderstood(s, out);
  }
  const lower = input.text.trim().toLowerCase();
  if (/^(not sure|dunno|don'?t know|unsure|no idea)$/.test(lower)) {
    s.fields.occurredAt = '';
    out.push({ type: 'answered', stepId: step.id, answer: 'Not sure' });
    advance(ctx, s, step.id, out);
    return { session: s, out };
  }
  const parsed = ctx.parseWhen?.(input.text, ctx.now) ?? null;
  if (!parsed) {
    out.push({ type: 'say', text: 'Sorry, I could not read that time. Try "10 minutes ago", "02:40" or "yesterday at 2pm".' });
    out.push({ type: 'ask', stepId: step.id });
    return { session: s, out };
  }
  s.pendingTime = { at: parsed.at.toISOString(), readBack: parsed.readBack };
  out.push({ type: 'answered', stepId: step.id, answer: `${parsed.readBack} (to confirm)` });
  out.push({ type: 'ask', stepId: step.id });
  return { session: s, out };
}

function answerConfirm(ctx: IntakeContext, s: Session, input: Input): StepResult {
  const out: Output[] = [];
  const step = stepById(ctx.flow, s.stepId);
  const id = resolveChoice(ctx, step, input);
  if (id === 'yes') {
    s.status = 'done';
    out.push({ type: 'answered', stepId: step.id, answer: 'Sent' });
    out.push({ type: 'complete' });
    return { session: s, out };
  }
  if (id === 'back') return back(ctx, s);
  if (id === 'cancel') {
    s.status = 'cancelled';
    out.push({ type: 'cancelled' });
    return { session: s, out };
  }
  return notUnderstood(s, out);
}

/** Threshold answers only (drops intake-only keys), for the rule engine. */
export function thresholdAnswers(s: Session, thresholdKeys: Set<string>): Answers {
  const a: Answers = {};
  for (const [k, v] of Object.entries(s.answers)) if (thresholdKeys.has(k) || k === 'actions_taken') a[k] = v;
  return a;
}
