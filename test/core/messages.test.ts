// Small pieces of the messages people read.

import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/conversations/rules-schema.js';
import { loadFlow } from '../../src/conversations/flow-schema.js';
import { createIncident } from '../../src/core/incident.js';
import { applyInput, newSession } from '../../src/core/intake/runtime.js';
import { decisionMessage, ifClause, summaryMessage } from '../../src/core/messages.js';
import { decide, validateAnswers } from '../../src/core/rules/engine.js';

describe('conditions in what people read', () => {
  it('says "if" once, whether or not the rule file wrote it', () => {
    expect(ifClause('if a CT scan finds a bleed')).toBe(' if a CT scan finds a bleed');
    expect(ifClause('a CT scan finds a bleed')).toBe(' if a CT scan finds a bleed');
  });

  it('the decision the reporter reads says each condition with one "if"', () => {
    const rules = loadRules().value;
    const flow = loadFlow().value;
    const answers = { subject_age: 'adult', head_injury: 'yes', anticoag_or_antiplatelet: 'yes', injury: 'serious_suspected', hcp_harm_opinion: 'pending' };
    const decision = decide(validateAnswers(answers, rules), rules);
    const session = { ...newSession({ flow, now: new Date('2026-11-26T10:00:00Z'), services: [] }, { platform: 'terminal', id: 'r' }), answers, ref: 'RH-2026-0001' };
    const inc = createIncident({ ref: 'RH-2026-0001', serviceId: 'a', reporter: session.user, session, decision, now: new Date('2026-11-26T10:00:00Z'), policy: [], versions: { flow: 'f', rules: 'r' }, dueAt: () => undefined });
    const text = decisionMessage(inc, 'Europe/London', '').text;
    expect(decision.escalations.some((e) => e.level === 'conditional')).toBe(true);
    expect(text).toMatch(/: re-check[^.]* if /);
    expect(text).not.toMatch(/\bif if\b/i);
  });
});

describe('the summary the reporter checks before sending', () => {
  it('shows what happened (clipped) and the safety answers too', () => {
    const ctx = { flow: loadFlow().value, now: new Date('2026-11-26T10:00:00Z'), services: [{ id: 'a', name: 'Service A' }, { id: 'b', name: 'Service B' }] };
    let s = newSession(ctx, { platform: 'terminal', id: 'r' });
    for (const text of ['yes', 'no', 'no', '1', 'DM', `She fell in the lounge ${'and more detail '.repeat(30)}`]) s = applyInput(ctx, s, { kind: 'text', text }).session;
    const text = summaryMessage(ctx.flow, s, ctx).text;
    expect(text).toMatch(/What happened: She fell in the lounge and more detail .*…/);
    expect(text.split('\n').find((l) => l.startsWith('What happened'))!.length).toBeLessThanOrEqual(216);
    expect(text).toMatch(/Is anyone's life in danger right now\? Yes/);
  });
});
