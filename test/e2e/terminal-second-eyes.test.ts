// Issue 8 end to end through the terminal chat: red flags from the reporter's own words are
// used in the intake, never instead of it; typed answers and times in words are understood.

import { tz } from '@date-fns/tz';
import { format } from 'date-fns';
import { afterEach, describe, expect, it } from 'vitest';
import { terminalHarness, type TerminalHarness } from '../helpers/app.js';

let h: TerminalHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function upToNarrative(narrative: string): Promise<TerminalHarness> {
  const t = await terminalHarness();
  await t.type('nah'); // life: typed "nah" is understood as No
  await t.type('no');
  await t.type('1');
  await t.type('BT');
  await t.type(narrative);
  return t;
}

describe('a second pair of eyes', () => {
  it('understands a typed "nah" and "about 10 mins ago", and reads the time back for confirmation', async () => {
    h = await terminalHarness();
    await h.type('nah');
    expect((await h.session())!.answers['immediate_life_risk']).toBe('no');
    await h.type('no');
    await h.type('1');
    await h.type('DM');
    await h.type('She slipped in the corridor and sat down hard. No injury seen.');
    h.take();
    await h.type('about 10 mins ago');
    const readBack = h.take();
    // (In the first ten minutes after midnight, ten minutes ago was yesterday.)
    const londonDay = (ms: number) => format(new Date(ms), 'yyyy-MM-dd', { in: tz('Europe/London') });
    const day = londonDay(h.scheduler.now() - 10 * 60_000) === londonDay(h.scheduler.now()) ? 'Today' : 'Yesterday';
    expect(readBack).toMatch(new RegExp(`I have that as: ${day} at (about )?\\d\\d:\\d\\d\\. Is that right\\?`));
    expect((await h.session())!.stepId).toBe('when');
    await h.type('yep');
    const s = (await h.session())!;
    const minutesAgo = (h.scheduler.now() - new Date(s.fields.occurredAt!).getTime()) / 60_000;
    expect(minutesAgo).toBeGreaterThan(8);
    expect(minutesAgo).toBeLessThan(12);
    expect(s.stepId).toBe('categories');
  });

  it('challenges an answer that contradicts the narrative once, quoting the reporter, and records the resolution', async () => {
    h = await upToNarrative("Betty told me the tall one pinched her and yanked her arm when getting her up. She's got fresh bruises.");
    await h.answer({ when: 'not sure', categories: 'fall_injury', subject_age: 'adult', injured_is_worker: 'no', injury: 'minor', head_injury: 'no', work_factor: 'no' }, 'abuse');
    expect((await h.session())!.stepId).toBe('abuse');
    h.take();
    await h.type('no');
    const challenge = h.take();
    expect(challenge).toMatch(/You wrote "[^"]*(pinched|yanked)[^"]*"/);
    expect((await h.session())!.stepId).toBe('abuse');
    await h.type('yes');
    const s = (await h.session())!;
    expect(s.answers['abuse_suspected']).toBe('yes');
    expect(s.resolutions).toEqual([expect.objectContaining({ key: 'abuse_suspected', first: 'no', final: 'yes' })]);
    // Only once: going back and answering "no" again is accepted without a second challenge.
    await h.type('back');
    await h.type('no');
    expect((await h.session())!.answers['abuse_suspected']).toBe('no');
  });

  it('brings a flagged safety question forward at once and pages before the paperwork', async () => {
    h = await upToNarrative('Tom showed me about 40 quetiapine he has been saving up and says he will take them all tonight');
    const s = (await h.session())!;
    expect(s.stepId).toBe('mh_crisis');
    const said = h.take();
    expect(said).toMatch(/I need to ask about that first/);
    await h.type('plan_or_intent');
    const after = h.take();
    expect(after).toMatch(/Stay with them/);
    expect(after).toMatch(/PAGE to Sam Okafor/);
    // Then the intake carries on where it left off.
    expect((await h.session())!.stepId).toBe('when');
  });
});
