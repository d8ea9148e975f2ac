// Typed replies to choice questions: yes/no words, numbers, option words, doubt, and unclear text.

import { describe, expect, it } from 'vitest';
import { recogniseChoice } from '../../src/nlp/typed-answers.js';

const yesNo = [
  { id: 'yes', label: 'Yes' },
  { id: 'no', label: 'No' },
];
const yesNoUnknown = [...yesNo, { id: 'unknown', label: 'Not sure' }];
const injury = [
  { id: 'none', label: 'No injury' },
  { id: 'minor', label: 'Minor (bruise, small cut)' },
  { id: 'needs_assessment', label: 'Needs checking by a nurse or GP' },
  { id: 'serious_suspected', label: 'Serious injury suspected' },
];
const missing = [
  { id: 'no', label: 'No' },
  { id: 'at_risk', label: 'Yes, and at risk' },
  { id: 'whereabouts_known_late', label: 'Late back, but we know where they are' },
];

describe('yes and no', () => {
  it.each(['yes', 'Yes.', 'yep', 'yeah', 'aye', 'yup', 'y', 'Yes please', 'yes she did', 'sure'])('"%s" is yes', (t) => {
    expect(recogniseChoice(t, yesNo)?.id).toBe('yes');
  });

  it.each(['no', 'No!', 'nah', 'nope', 'naw', 'n', 'not really', 'I dont think so', "i don't think so", 'not yet', 'not that I know of'])('"%s" is no', (t) => {
    expect(recogniseChoice(t, yesNo)?.id).toBe('no');
  });

  it('gives a confidence between 0 and 1', () => {
    const r = recogniseChoice('yep', yesNo);
    expect(r?.confidence).toBeGreaterThan(0.5);
    expect(r?.confidence).toBeLessThanOrEqual(1);
  });

  it.each(['ok', 'OK', 'fine', "she's ok"])('"%s" is unclear, not yes: ask again', (t) => {
    expect(recogniseChoice(t, yesNo)).toBeNull();
  });

  it('"no" to an injury question means no injury', () => {
    expect(recogniseChoice('nope', injury)?.id).toBe('none');
  });
});

describe('doubt', () => {
  it.each(['not sure', 'dunno', "don't know", 'dont know', 'unsure', 'no idea', 'Not sure tbh', 'idk'])('"%s" is the unsure choice', (t) => {
    expect(recogniseChoice(t, yesNoUnknown)).toEqual({ id: 'unknown', confidence: 0.9 });
  });

  it('uses the unsureId the caller names', () => {
    const choices = [...yesNo, { id: 'unclear', label: 'Hard to say' }];
    expect(recogniseChoice('no idea', choices, { unsureId: 'unclear' })?.id).toBe('unclear');
  });

  it('"not sure" is never read as yes, even with no unsure choice: ask again', () => {
    expect(recogniseChoice('not sure', yesNo)).toBeNull();
    expect(recogniseChoice('no idea', yesNo)).toBeNull();
  });
});

describe('numbers and words', () => {
  it('takes the option number', () => {
    expect(recogniseChoice('2', injury)).toEqual({ id: 'minor', confidence: 1 });
    expect(recogniseChoice('option 3', injury)?.id).toBe('needs_assessment');
  });

  it('refuses a number that is not an option', () => {
    expect(recogniseChoice('7', injury)).toBeNull();
  });

  it('takes the exact label or id', () => {
    expect(recogniseChoice('Serious injury suspected', injury)).toEqual({ id: 'serious_suspected', confidence: 1 });
    expect(recogniseChoice('at_risk', missing)?.id).toBe('at_risk');
  });

  it('matches the words of a label, with a typo', () => {
    expect(recogniseChoice('minor', injury)?.id).toBe('minor');
    expect(recogniseChoice('seroius', injury)?.id).toBe('serious_suspected');
    expect(recogniseChoice('just a bruise', injury)?.id).toBe('minor');
    expect(recogniseChoice('late back', missing)?.id).toBe('whereabouts_known_late');
  });
});

describe('unclear replies', () => {
  it.each(['', '   ', 'banana', 'the weather is nice', 'yes and no'])('"%s" is null', (t) => {
    expect(recogniseChoice(t, injury)).toBeNull();
  });

  it('a yes to a question without a yes option is unclear', () => {
    expect(recogniseChoice('yes', injury)).toBeNull();
  });
});
