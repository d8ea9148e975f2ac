// The intake runtime, pure: safety interrupts, "Not sure" takes the protective value, back and
// cancel, bad input keeps every answer, full names become initials.

import { describe, expect, it } from 'vitest';
import { loadFlow } from '../../src/conversations/flow-schema.js';
import { loadRules } from '../../src/conversations/rules-schema.js';
import { applyInput, newSession, MAX_MESSAGE_CHARS, type IntakeContext } from '../../src/core/intake/runtime.js';
import type { Session } from '../../src/core/intake/session.js';

const rules = loadRules().value;
const ctx: IntakeContext = {
  flow: loadFlow().value,
  now: new Date('2026-11-26T10:00:00Z'),
  services: [
    { id: 'a', name: 'Service A' },
    { id: 'b', name: 'Service B' },
  ],
  defaults: Object.fromEntries(rules.questions.filter((q) => q.default !== null).map((q) => [q.key, q.default as string | string[]])),
};
const user = { platform: 'terminal' as const, id: 'r' };

function run(s: Session, ...texts: string[]) {
  let out: ReturnType<typeof applyInput>['out'] = [];
  for (const text of texts) ({ session: s, out } = applyInput(ctx, s, { kind: 'text', text }));
  return { s, out };
}

describe('intake runtime', () => {
  it('interrupts on a yes to the first safety question, then carries on', () => {
    const { s, out } = run(newSession(ctx, user), 'yes');
    expect(out.map((o) => o.type)).toEqual(['answered', 'say', 'emergency', 'ask']);
    expect(out[1]).toMatchObject({ urgent: true });
    expect((out[1] as { text: string }).text).toMatch(/^Call 999 now/);
    expect(s.stepId).toBe('danger');
  });

  it('treats "Not sure" on a safety question as the protective answer', () => {
    const { s, out } = run(newSession(ctx, user), 'no', 'not sure');
    expect(s.answers['ongoing_danger']).toBe('yes');
    expect(s.unsure).toContain('ongoing_danger');
    expect(out.some((o) => o.type === 'emergency')).toBe(true);
  });

  it('refuses a 50,000 character message with a clear line and keeps every answer', () => {
    const before = run(newSession(ctx, user), 'no', 'no', '1').s;
    const { s, out } = run(before, 'x'.repeat(50_000));
    expect((out[0] as { text: string }).text).toMatch(/too long.*50,000 characters.*Your earlier answers are kept/);
    expect(s.answers).toEqual(before.answers);
    expect(s.fields).toEqual(before.fields);
    expect(s.stepId).toBe(before.stepId);
    expect(MAX_MESSAGE_CHARS).toBeLessThan(50_000);
  });

  it('asks again, keeping answers, when a reply is not understood', () => {
    const { s, out } = run(newSession(ctx, user), 'no', 'purple elephant');
    expect(s.stepId).toBe('danger');
    expect(s.answers['immediate_life_risk']).toBe('no');
    expect((out[0] as { text: string }).text).toMatch(/did not understand/);
  });

  it('goes back one step and forgets that answer; cancel stops', () => {
    const a = run(newSession(ctx, user), 'no', 'no', '2', 'DM').s;
    expect(a.stepId).toBe('narrative');
    const b = run(a, 'back').s;
    expect(b.stepId).toBe('subject');
    expect(b.fields.subject).toBeUndefined();
    expect(run(b, 'cancel').s.status).toBe('cancelled');
  });

  it('records initials, not a full name', () => {
    const { s, out } = run(newSession(ctx, user), 'no', 'no', '1', 'Doris Smith');
    expect(s.fields.subject).toBe('DS');
    expect(out.some((o) => o.type === 'say' && o.text.includes('full name'))).toBe(true);
  });

  it('asks the blood-thinner question only after a head injury', () => {
    const base = run(newSession(ctx, user), 'no', 'no', '1', 'DM', 'Fell in the lounge', 'not sure', 'fall_injury', 'adult', 'no', 'minor').s;
    expect(base.stepId).toBe('head_injury');
    expect(run(base, 'yes').s.stepId).toBe('anticoag');
    expect(run(base, 'no').s.stepId).not.toBe('anticoag');
  });

  it('never lets a stale button answer a later question', () => {
    const a = run(newSession(ctx, user), 'no').s;
    const { session: s, out } = applyInput(ctx, a, { kind: 'choice', stepId: 'life', choiceId: 'yes' });
    expect(s.answers['immediate_life_risk']).toBe('no');
    expect(out.some((o) => o.type === 'emergency')).toBe(false);
  });
});

describe('challenges from the narrative', () => {
  const flagCtx: IntakeContext = { ...ctx, findFlags: () => [{ key: 'injury', value: 'minor', evidence: 'bruising' }, { key: 'abuse_suspected', value: 'yes', evidence: 'pinched her' }] };
  const upTo = (...texts: string[]) => {
    let s = newSession(flagCtx, user);
    for (const text of texts) s = applyInput(flagCtx, s, { kind: 'text', text }).session;
    return s;
  };

  it('never challenges an answer more serious than the words suggest', () => {
    const s = upTo('no', 'no', '1', 'DM', 'bruising, pinched her', 'not sure', 'fall_injury', 'adult', 'no');
    expect(s.stepId).toBe('injury');
    const r = applyInput(flagCtx, s, { kind: 'text', text: 'needs_assessment' });
    expect(r.session.answers['injury']).toBe('needs_assessment');
    expect(r.session.pendingChallenge).toBeUndefined();
  });

  it('challenges "none" once when the words describe an injury', () => {
    const s = upTo('no', 'no', '1', 'DM', 'bruising, pinched her', 'not sure', 'fall_injury', 'adult', 'no');
    const r = applyInput(flagCtx, s, { kind: 'text', text: 'none' });
    expect(r.session.pendingChallenge).toMatchObject({ key: 'injury', given: 'none', evidence: 'bruising' });
    expect(r.out.some((o) => o.type === 'say' && o.text.startsWith('You wrote "bruising"'))).toBe(true);
  });
});
