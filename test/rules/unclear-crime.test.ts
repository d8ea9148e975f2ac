// "Unclear" is an answer of its own for `crime` (possible, but the facts or the offence are
// uncertain): E3b routes it to the manager for police advice; it never reads as a possible
// sexual offence calling for 999.

import { expect, it } from 'vitest';
import { loadRules } from '../../src/conversations/rules-schema.js';
import { decide, validateAnswers } from '../../src/core/rules/engine.js';

const rules = loadRules().value;

it('unexplained bruising with an unclear crime: police advice is the manager’s call, no 999', () => {
  const d = decide(
    validateAnswers(
      { subject_age: 'adult', injury: 'needs_assessment', abuse_suspected: 'yes', abuse_category: ['physical'], alleged_source: 'unknown', care_support_needs: 'yes', unable_to_protect: 'yes', crime: 'unclear', crime_timing: 'now_or_within_hours', capacity: 'lacks' },
      rules,
    ),
    rules,
  );
  const level = (code: string) => d.escalations.find((e) => e.code === code)?.level ?? 'not_needed';
  expect(level('police_101')).toBe('consult');
  expect(d.escalations.find((e) => e.code === 'police_101')?.rules).toContain('E3b');
  expect(level('emergency_999')).toBe('not_needed');
  expect(level('ambulance')).toBe('not_needed');
  expect(level('safeguarding_adults')).toBe('required');
});
