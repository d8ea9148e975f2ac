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

describe('the summary the reporter checks before sending', () => {
  it('shows what happened (clipped) and the safety answers too', async () => {
    const { loadFlow } = await import('../../src/conversations/flow-schema.js');
    const { summaryMessage } = await import('../../src/core/messages.js');
    const { newSession, applyInput } = await import('../../src/core/intake/runtime.js');
    const ctx = { flow: loadFlow().value, now: new Date('2026-11-26T10:00:00Z'), services: [{ id: 'a', name: 'Service A' }, { id: 'b', name: 'Service B' }] };
    let s = newSession(ctx, { platform: 'terminal', id: 'r' });
    for (const text of ['yes', 'no', 'no', '1', 'DM', `She fell in the lounge ${'and more detail '.repeat(30)}`]) s = applyInput(ctx, s, { kind: 'text', text }).session;
    const text = summaryMessage(ctx.flow, s, ctx).text;
    expect(text).toMatch(/What happened: She fell in the lounge and more detail .*…/);
    expect(text.split('\n').find((l) => l.startsWith('What happened'))!.length).toBeLessThanOrEqual(216);
    expect(text).toMatch(/Is anyone's life in danger right now\? Yes/);
  });
});
