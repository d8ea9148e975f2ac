// The three operational examples of the seed article, end to end through the terminal chat:
// the reporter types answers, the manager acts with slash commands, and we assert on the
// decision the reporter reads and on the escalation record in the channel.

import { afterEach, describe, expect, it } from 'vitest';
import { terminalHarness, type TerminalHarness } from '../helpers/app.js';
import { ASSAULT_ANSWERS, BRUISING_ANSWERS, SUICIDAL_ANSWERS } from '../helpers/seed-answers.js';

let h: TerminalHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const level = (inc: { escalations: Array<{ code: string; level: string }> }, code: string) =>
  inc.escalations.find((e) => e.code === code)?.level ?? 'not_needed';

describe('seed: unexplained bruising', () => {
  it('refers to safeguarding, informs health professionals, preserves evidence, and records the referral', async () => {
    h = await terminalHarness();
    await h.answer(structuredClone(BRUISING_ANSWERS));
    const ref = await h.lastRef();
    const inc = (await h.incident(ref))!;
    expect(level(inc, 'safeguarding_adults'), 'safeguarding referral').toBe('required');
    expect(level(inc, 'gp_or_health'), 'health professionals informed').toBe('required');
    const said = h.take();
    expect(said).toMatch(/Preserve evidence/);
    expect(said).toMatch(/Adult safeguarding team: required/);
    // The record went to the escalations channel, with initials and no narrative.
    expect(said).toMatch(new RegExp(`#escalations[\\s\\S]*${ref}`));
    expect(said).not.toMatch(/#escalations[^└]*upper arms/);
    // Care continues while the manager records the referral.
    await h.type(`/ack ${ref}`);
    await h.type(`/notify ${ref} safeguarding_adults Northshire duty desk | SG-2026-0117`);
    const after = (await h.incident(ref))!;
    const sg = after.escalations.find((e) => e.code === 'safeguarding_adults')!;
    expect(sg.itemStatus).toBe('notified');
    expect(sg.notified?.reference).toBe('SG-2026-0117');
    expect(after.paging.state).toBe('acknowledged');
    const consent = (await h.app.ctx.store.read(ref)).find((e) => e.type === 'consent_capacity');
    expect(consent?.data).toMatchObject({ capacity: 'lacks', lawfulBasis: expect.stringMatching(/Best interests \(Mental Capacity Act s4\)/) });
    expect(h.take()).toMatch(/record updated[\s\S]*Notified[\s\S]*SG-2026-0117/);
  });
});

describe('seed: acute distress with suicidal intent', () => {
  it('pages the on-call manager, requires the crisis team now, and records actions with times', async () => {
    h = await terminalHarness();
    await h.answer(structuredClone(SUICIDAL_ANSWERS));
    const ref = await h.lastRef();
    const inc = (await h.incident(ref))!;
    expect(level(inc, 'crisis_mental_health')).toBe('required');
    expect(inc.escalations.find((e) => e.code === 'crisis_mental_health')?.timing).toBe('now');
    expect(level(inc, 'oncall_manager')).toBe('required');
    // Emergency responders stand ready if she acts on the plan.
    expect(['conditional', 'required']).toContain(level(inc, 'ambulance'));
    expect(inc.occurredAt).toBeTruthy();
    const said = h.take();
    expect(said).toMatch(/PAGE to Sam Okafor/);
    expect(inc.paging.state).toBe('paging');
    await h.type(`/ack ${ref}`);
    await h.type(`/notify ${ref} crisis_mental_health Crisis team, Dr Shah | CRT-5521`);
    const after = (await h.incident(ref))!;
    expect(after.paging.acknowledgedBy).toBe('sam-okafor');
    const crisis = after.escalations.find((e) => e.code === 'crisis_mental_health')!;
    expect(crisis.notified?.who).toBe('Crisis team, Dr Shah');
    expect(crisis.notified?.at).toBeTruthy();
    const events = await h.app.ctx.store.read(ref);
    const types = events.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['reported', 'intake_completed', 'decision', 'page_sent', 'acknowledged', 'notified']));
    expect(types.indexOf('page_sent')).toBeLessThan(types.indexOf('acknowledged'));
  });
});

describe('seed: assault allegation', () => {
  it('escalates to the police while safeguarding continues', async () => {
    h = await terminalHarness();
    await h.answer(structuredClone(ASSAULT_ANSWERS));
    const ref = await h.lastRef();
    const inc = (await h.incident(ref))!;
    expect(level(inc, 'police_101')).toBe('required');
    expect(level(inc, 'safeguarding_adults')).toBe('required');
    expect(level(inc, 'cqc_notification')).toBe('required');
    expect(level(inc, 'emergency_999')).not.toBe('required');
    await h.type(`/ack ${ref}`);
    await h.type(`/notify ${ref} police_101 PC Jones | CAD-2211-26`);
    await h.type(`/decline ${ref} cqc_notification Waiting for the police to advise first`);
    const after = (await h.incident(ref))!;
    expect(after.escalations.find((e) => e.code === 'police_101')?.notified?.reference).toBe('CAD-2211-26');
    expect(after.escalations.find((e) => e.code === 'cqc_notification')?.itemStatus).toBe('not_notifying');
    expect(after.escalations.find((e) => e.code === 'safeguarding_adults')?.itemStatus).toBe('open');
  });
});
