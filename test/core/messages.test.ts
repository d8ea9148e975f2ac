// Small pieces of the messages people read.

import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/conversations/rules-schema.js';
import { ifClause } from '../../src/core/messages.js';
import { decide, validateAnswers } from '../../src/core/rules/engine.js';

describe('conditions in what people read', () => {
  it('says "if" once, whether or not the rule file wrote it', () => {
    expect(ifClause('if a CT scan finds a bleed')).toBe(' if a CT scan finds a bleed');
    expect(ifClause('a CT scan finds a bleed')).toBe(' if a CT scan finds a bleed');
  });

  it('no conditional escalation of a real decision reads "if if"', () => {
    const rules = loadRules().value;
    const d = decide(validateAnswers({ subject_age: 'adult', head_injury: 'yes', anticoag_or_antiplatelet: 'yes', injury: 'serious_suspected', hcp_harm_opinion: 'pending' }, rules), rules);
    const conditional = d.escalations.filter((e) => e.level === 'conditional');
    expect(conditional.length).toBeGreaterThan(0);
    for (const e of conditional) expect(ifClause(e.condition ?? '')).not.toMatch(/\bif if\b/i);
  });
});
