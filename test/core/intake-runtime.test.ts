// The intake runtime, pure: safety interrupts, "Not sure" takes the protective value, back and
// cancel, bad input keeps every answer, full names become initials.

import { describe, expect, it } from 'vitest';
import { loadFlow } from '../../src/conversations/flow-schema.js';
import { loadRules } from '../../src/conversations/rules-schema.js';
import { applyInput, newSession, privateSubject, thresholdAnswers, MAX_MESSAGE_CHARS, type IntakeContext } from '../../src/core/intake/runtime.js';
import { decide, validateAnswers } from '../../src/core/rules/engine.js';
import type { Session } from '../../src/core/intake/session.js';
import { loadLanguage } from '../../src/app/language.js';

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
    expect(out.some((o) => o.type === 'say' && o.text.includes('looks like a name'))).toBe(true);
  });

  it('turns names into initials whatever the case, and keeps identifiers, roles and places', () => {
    const cases: Record<string, string> = {
      'betty smith': 'BS',
      'Betty Smith room 4': 'BS room 4',
      'Mr Patel': 'Mr P',
      'Sarah Jones called in sick': 'SJ called in sick',
      DM: 'DM',
      'J.S.': 'J.S.',
      'Room 4': 'Room 4',
      'the lady in room 4': 'the lady in room 4',
      'all residents': 'all residents',
    };
    for (const [typed, recorded] of Object.entries(cases)) expect(privateSubject(typed), typed).toBe(recorded);
    const { s, out } = run(newSession(ctx, user), 'no', 'no', '1', 'betty smith');
    expect(s.fields.subject).toBe('BS');
    expect(out.some((o) => o.type === 'say' && o.text === 'That looks like a name. To keep it private I will record "BS".')).toBe(true);
  });

  it('takes an option typed in its own words in a choose-all question, even with a number in it', () => {
    let s = run(newSession(ctx, user), 'no', 'no', '1', 'DM', 'Fell', 'not sure', 'other', 'adult').s;
    while (s.stepId !== 'actions_taken') s = run(s, 'no').s;
    s = run(s, 'Police called on 999').s;
    expect(s.answers['actions_taken']).toEqual(['emergency_999']);
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

describe('the questions the rules need beyond section 1 (asked only where they apply)', () => {
  const decision = (s: Session) => decide(validateAnswers(thresholdAnswers(s, new Set(rules.questions.map((q) => q.key))), rules), rules);
  const fall = ['no', 'no', '1', 'DM', 'Fell in the lounge', 'not sure', 'fall_injury', 'adult', 'no', 'minor', 'yes'];

  it('a head injury without blood thinners asks for warning signs; a yes interrupts and calls the ambulance', () => {
    const asked = run(newSession(ctx, user), ...fall, 'no').s;
    expect(asked.stepId).toBe('head_red_flags');
    const { s, out } = run(asked, 'yes');
    expect(out.some((o) => o.type === 'emergency' && o.key === 'head_injury_red_flags')).toBe(true);
    expect((out.find((o) => o.type === 'say') as { text: string }).text).toMatch(/^Call 999 now for an ambulance/);
    expect(decision(s).escalations.find((e) => e.code === 'ambulance')).toMatchObject({ level: 'required', timing: 'now' });
    // On blood thinners the ambulance is needed anyway: the warning signs are not asked.
    expect(run(newSession(ctx, user), ...fall, 'yes').s.stepId).not.toBe('head_red_flags');
  });

  it('a crime in the last few hours asks whether evidence or the offender could be lost; yes interrupts for 999', () => {
    const upToCrime = run(newSession(ctx, user), 'no', 'no', '1', 'DM', 'Her purse was taken', 'not sure', 'crime', 'adult', 'none', 'no', 'theft_fraud', 'now_or_within_hours').s;
    expect(upToCrime.stepId).toBe('evidence_at_risk');
    const { s, out } = run(upToCrime, 'yes');
    expect(out.some((o) => o.type === 'emergency' && o.key === 'evidence_at_risk')).toBe(true);
    expect(decision(s).escalations.find((e) => e.code === 'emergency_999')).toMatchObject({ level: 'required', timing: 'now' });
  });

  it('a pressure ulcer asks its grade and about the care; grade 3 with care concerns raises safeguarding', () => {
    let s = run(newSession(ctx, user), 'no', 'no', '1', 'DM', 'Sore on her heel', 'not sure', 'pressure_ulcer', 'adult', 'needs_assessment', 'no', 'no', 'pending').s;
    expect(s.stepId).toBe('pressure_ulcer');
    s = run(s, 'yes').s;
    expect(s.stepId).toBe('care_concerns');
    s = run(s, 'yes').s;
    const d = decision(s);
    expect(d.escalations.find((e) => e.code === 'cqc_notification')?.level).toBe('required');
    expect(d.escalations.find((e) => e.code === 'safeguarding_adults')?.level).toBe('required');
  });

  it('a child at risk asks whether the child is alone or in danger now; yes interrupts', () => {
    let s = run(newSession(ctx, user), 'no', 'no', '1', 'DM', 'A child was left alone', 'not sure', 'child', 'child').s;
    while (s.stepId !== 'child_concern') s = run(s, 'no').s;
    s = run(s, 'child_at_risk').s;
    expect(s.stepId).toBe('child_in_danger');
    const { out } = run(s, 'yes');
    expect(out.some((o) => o.type === 'emergency' && o.key === 'child_alone_or_in_danger')).toBe(true);
  });
});

describe('safety answers later in the report interrupt at once (found in a chat red-team)', () => {
  const decision = (s: Session) => decide(validateAnswers(thresholdAnswers(s, new Set(rules.questions.map((q) => q.key))), rules), rules);
  const toInjury = ['no', 'no', '1', 'DM', 'Found on the floor', 'not sure', 'fall_injury', 'adult', 'no'];

  it('a serious injury suspected: 999 now and a page, before the other questions; the decision calls the ambulance', () => {
    const { s, out } = run(newSession(ctx, user), ...toInjury, 'serious_suspected');
    expect(out.some((o) => o.type === 'emergency' && o.key === 'injury')).toBe(true);
    expect((out.find((o) => o.type === 'say') as { text: string }).text).toMatch(/^Call 999 now for an ambulance/);
    let done = s;
    while (done.stepId !== 'hcp_opinion') done = run(done, 'no').s;
    done = run(done, 'none').s;
    expect(decision(done).escalations.find((e) => e.code === 'ambulance')).toMatchObject({ level: 'required', timing: 'now', rules: expect.arrayContaining(['B3-serious']) });
  });

  it('asks about a DNACPR only when the person is unconscious or has died, so a conscious overdose gets no CPR advice', () => {
    const walk = (unresponsive: string) => {
      let s = run(newSession(ctx, user), 'yes', 'no').s;
      expect(s.stepId).toBe('unresponsive');
      s = run(s, unresponsive, '1', 'DM', 'Took an overdose', 'not sure', 'mental_health', 'adult').s;
      const asked: string[] = [];
      for (let i = 0; i < 40 && s.stepId !== 'confirm'; i++) {
        asked.push(s.stepId);
        s = run(s, 'not sure').s;
      }
      return { asked, d: decision(s) };
    };
    const conscious = walk('no');
    expect(conscious.asked).not.toContain('dnacpr');
    expect(conscious.d.advice.join(' ')).not.toMatch(/CPR/);
    expect(walk('yes').asked).toContain('dnacpr');
  });

  it('a report ticked as a medication error can say it is not one (an overdose taken on purpose)', () => {
    let s = run(newSession(ctx, user), 'no', 'no', '1', 'DM', 'Took tablets', 'not sure', 'medication, mental_health', 'adult').s;
    const pick: Record<string, string> = { mh_crisis: 'harm_done', injury: 'none', hcp_opinion: 'none' };
    for (let i = 0; i < 20 && s.stepId !== 'med_event'; i++) s = run(s, pick[s.stepId] ?? 'no').s;
    expect(s.stepId).toBe('med_event');
    s = run(s, 'Not a medication error').s;
    expect(s.answers['med_event']).toBe('none');
    expect(decision(s).escalations.find((e) => e.code === 'safeguarding_adults')).toBeUndefined();
  });

  it('a head injury on blood thinners, or not known: 999 now', () => {
    for (const answer of ['yes', 'not sure']) {
      const { out } = run(newSession(ctx, user), ...toInjury, 'minor', 'yes', answer);
      expect(out.some((o) => o.type === 'emergency' && o.key === 'anticoag_or_antiplatelet'), answer).toBe(true);
    }
  });

  it('an unexpected death: 999 now (CPR unless a DNACPR), and the police too when suspicious', () => {
    const upTo = run(newSession(ctx, user), 'no', 'no', '1', 'DM', 'Found in bed', 'not sure', 'death', 'adult').s;
    expect(upTo.stepId).toBe('death');
    expect((run(upTo, 'unexpected_natural').out.find((o) => o.type === 'say') as { text: string }).text).toMatch(/Start CPR unless/);
    expect((run(upTo, 'unexpected_suspicious').out.find((o) => o.type === 'say') as { text: string }).text).toMatch(/ambulance and the police/);
    expect(run(upTo, 'expected').out.some((o) => o.type === 'emergency')).toBe(false);
  });

  it('"on warfarin" alone does not bring the blood-thinner question forward; "found dead" brings the death question forward', () => {
    const language = loadLanguage('Europe/London');
    const wordsCtx: IntakeContext = { ...ctx, ...language };
    const go = (narrative: string) => ['no', 'no', '1', 'DM', narrative].reduce((s, text) => applyInput(wordsCtx, s, { kind: 'text', text }).session, newSession(wordsCtx, user));
    expect(go('slipped in the bathroom, did not hit her head, she is on warfarin').stepId).toBe('when');
    expect(go('found Mr D dead in his bed at 7am').stepId).toBe('death');
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

describe('red flags in typed answers (the real language helpers)', () => {
  const calls: string[] = [];
  const language = loadLanguage('Europe/London');
  const wordsCtx: IntakeContext = {
    ...ctx,
    ...language,
    findFlags: (text) => {
      calls.push(text);
      return language.findFlags!(text);
    },
  };
  const step = (s: Session, text: string) => applyInput(wordsCtx, s, { kind: 'text', text });
  const upTo = (...texts: string[]) => texts.reduce((s, text) => step(s, text).session, newSession(wordsCtx, user));
  const said = (out: ReturnType<typeof applyInput>['out']) => out.flatMap((o) => (o.type === 'say' ? [o.text] : []));

  it('takes "she is not breathing" as Yes to the first safety question, and says so', () => {
    const { session, out } = step(newSession(wordsCtx, user), 'she is not breathing');
    expect(session.answers['immediate_life_risk']).toBe('yes');
    expect(said(out)[0]).toBe('You wrote "not breathing". I have taken that as "Yes".');
    expect(out.some((o) => o.type === 'emergency')).toBe(true);
    expect(said(out)[1]).toMatch(/^Call 999 now/);
  });

  it('asks again when "no" comes with words of a life at risk, then pages on yes', () => {
    const first = step(newSession(wordsCtx, user), 'no, but he took an overdose');
    expect(first.session.pendingChallenge).toMatchObject({ key: 'immediate_life_risk', given: 'no', evidence: 'took an overdose' });
    expect(first.out.some((o) => o.type === 'emergency')).toBe(false);
    const again = step(first.session, 'yes');
    expect(again.session.answers['immediate_life_risk']).toBe('yes');
    expect(again.out.some((o) => o.type === 'emergency')).toBe(true);
    expect(again.session.resolutions).toEqual([{ key: 'immediate_life_risk', evidence: 'took an overdose', first: 'no', final: 'yes' }]);
  });

  it('asks the first safety question once more, at once, when the account describes a life at risk', () => {
    const s = upTo('no', 'no', '1', 'DM');
    const { session, out } = step(s, 'she stopped breathing and went blue, staff started cpr');
    expect(session.stepId).toBe('life');
    expect(out.at(-1)).toEqual({ type: 'ask', stepId: 'life' });
    expect(out.find((o) => o.type === 'say')).toMatchObject({ urgent: true, text: expect.stringMatching(/^You wrote "stopped breathing"\. Is anyone's life in danger right now\?/) });
    // "No" stands on the second asking, and the report carries on where it was.
    const after = step(session, 'no');
    expect(after.session.answers['immediate_life_risk']).toBe('no');
    expect(after.session.stepId).toBe('when');
    expect(after.session.resolutions?.[0]).toMatchObject({ key: 'immediate_life_risk', first: 'no', final: 'no' });
    // Asked once: more words of the same kind do not ask it a third time.
    expect(step(after.session, 'she stopped breathing again').session.stepId).toBe('when');
  });

  it('asks the first safety question again when the time answer describes a life at risk, then asks the time again', () => {
    const s = upTo('no', 'no', '1', 'DM', 'found her on the floor');
    expect(s.stepId).toBe('when');
    const { session, out } = step(s, '10 minutes ago, now she has stopped breathing');
    expect(session.stepId).toBe('life');
    expect(session.pendingTime).toBeUndefined();
    expect(out.find((o) => o.type === 'say' && o.urgent)).toBeDefined();
    const after = step(session, 'yes');
    expect(after.out.some((o) => o.type === 'emergency')).toBe(true);
    expect(after.session.stepId).toBe('when');
  });

  it('keeps a description typed at the first question as the account, so it is not asked for again', () => {
    const text = 'found mrs k on the floor at 6am unwitnessed, she is on clopidogrel, graze on her forehead';
    const { session, out } = step(newSession(wordsCtx, user), text);
    expect(session.stepId).toBe('life');
    expect(session.fields.narrative).toBe(text);
    expect(said(out)[0]).toMatch(/^Thank you, I have kept that as your account/);
    expect(session.flags.map((f) => `${f.key}=${f.value}`)).toEqual(expect.arrayContaining(['head_injury=yes', 'anticoag_or_antiplatelet=yes']));
    expect(upTo(text, 'no', 'no', '1', 'MK').stepId).toBe('when');
  });

  it('adds a later description to the account and brings a flagged safety question forward at once', () => {
    const s = upTo('no', 'no', '1', 'DM', 'fell in the lounge', 'not sure');
    expect(s.stepId).toBe('categories');
    const { session, out } = step(s, 'she told me she has been saving up her tablets to take them all tonight');
    expect(session.fields.narrative).toBe('fell in the lounge\nshe told me she has been saving up her tablets to take them all tonight');
    expect(session.stepId).toBe('mh_crisis');
    expect(session.resumeFrom).toBe('categories');
    expect(said(out)[0]).toMatch(/^Thank you, I have added that to your account/);
    expect(out.find((o) => o.type === 'say' && o.urgent)).toBeDefined();
  });

  it('keeps a story that names the answer as the account too; a short reply is not taken as the account', () => {
    const story = 'found him on the bedroom floor just now, he is not breathing and has gone blue';
    const { session, out } = step(newSession(wordsCtx, user), story);
    expect(session.answers['immediate_life_risk']).toBe('yes');
    expect(session.fields.narrative).toBe(story);
    expect(said(out)[0]).toMatch(/I have kept what you wrote with your account\.$/);
    const short = step(step(newSession(wordsCtx, user), 'no').session, 'he has left the building now').session;
    expect(short.fields.narrative).toBeUndefined();
  });

  it('understands the people named in a reply ("her son", "the night carer"), and asks again when two options are named', () => {
    const at = (stepId: string, text: string) => applyInput(wordsCtx, { ...newSession(wordsCtx, user), stepId }, { kind: 'text', text }).session.answers;
    expect(at('alleged_source', 'her son')).toEqual({ alleged_source: 'family_or_partner' });
    expect(at('alleged_source', 'the night carer')).toEqual({ alleged_source: 'staff_or_volunteer' });
    expect(at('alleged_source', 'a visitor')).toEqual({ alleged_source: 'other_known_person' });
    expect(at('alleged_source', "her son's friend")).toEqual({});
    expect(at('unable_to_protect', 'she cant protect herself')).toEqual({ unable_to_protect: 'yes' });
    expect(at('unable_to_protect', 'she can protect herself')).toEqual({ unable_to_protect: 'no' });
  });

  it('does not read a number or an option label for red flags', () => {
    calls.length = 0;
    upTo('2', 'No', 'no', '1');
    expect(calls).toEqual([]);
  });
});
