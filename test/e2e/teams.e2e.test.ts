// End to end over Microsoft Teams: the whole app (createApp with real Redis and BullMQ, the example
// organisation) behind activities posted to /api/messages, with every Bot Framework connector call
// caught by a loopback connector (the activities' serviceUrl). Runs the three seed examples
// (shared/seed/multi-agency-escalation.txt) from the first message to an acknowledged page and an
// updated record card, and the paths around them. Every card sent must parse cleanly at 1.5.

import { ASSAULT_CHAT_NARRATIVE, ASSAULT_CLICKS, BRUISING_CHAT_NARRATIVE, BRUISING_CLICKS, minorBruisingClicks, SUICIDAL_CHAT_NARRATIVE, SUICIDAL_CLICKS } from '../helpers/seed-answers.js';
import { afterEach, describe, expect, it } from 'vitest';
import { requireRedis, uniquePrefix } from '../helpers/redis.js';
import { LoopbackConnector, cardAction, cardProblems, channelMention, personalMessage, teamsUser } from '../helpers/teams.js';
import { ESCALATIONS, TeamsE2E, type Answers, type Sent } from './teams-driver.js';

const REPORTER = teamsUser('00000000-0000-0000-0000-00000000b001', 'Alex Kim');
const ONCALL = teamsUser('00000000-0000-0000-0000-00000000a001', 'Sam Okafor'); // tier 1 at every hour
const TIER2 = teamsUser('00000000-0000-0000-0000-00000000a002', 'Priya Desai');
const SAFEGUARDING_LEAD = teamsUser('00000000-0000-0000-0000-00000000a005', 'Tom Reilly');

const running: TeamsE2E[] = [];
const connectors: LoopbackConnector[] = [];
afterEach(async () => {
  for (const e of running.splice(0)) {
    await e.stop().catch(() => {});
    await e.cleanup();
  }
  for (const c of connectors.splice(0)) await c.stop();
});

async function boot(prefix = uniquePrefix('teams-e2e'), connector?: LoopbackConnector): Promise<TeamsE2E> {
  await requireRedis();
  const c = connector ?? new LoopbackConnector();
  if (!connector) {
    await c.start();
    connectors.push(c);
  }
  const e = await new TeamsE2E(c, prefix).start();
  running.push(e);
  return e;
}

/** Install the app for everyone in these tests and in the team with the escalations channel. */
async function installAll(e: TeamsE2E, people = [REPORTER, ONCALL, TIER2, SAFEGUARDING_LEAD]): Promise<void> {
  for (const p of people) await e.install(p);
  await e.installInTeam(ONCALL);
}

/** Every card the assistant sent in this test parses without errors or warnings at 1.5. */
function expectValidCards(e: TeamsE2E): void {
  const cards = e.connector.cards();
  expect(cards.length).toBeGreaterThan(0);
  for (const { call, card } of cards) expect(cardProblems(card), `${call.kind} ${call.conversationId}`).toEqual([]);
}

const common: Answers = { life: ['no'], danger: ['no'], service: ['riverside-house'], when: ['1 hour ago', 'yes'], confirm: ['yes'] };

const decisionFor = (e: TeamsE2E) => () => e.dm(REPORTER, { kinds: ['send'] }).find((m) => /what happens next/i.test(m.all));
/** The record: the first top-level post in the escalations channel, and its latest version. */
const recordPost = (e: TeamsE2E) => () => e.messages({ conversation: ESCALATIONS, kinds: ['send'] })[0];
const latestRecord = (e: TeamsE2E, id: string) => e.messages({ conversation: ESCALATIONS }).filter((m) => m.activityId === id).at(-1)!;
const timeline = (e: TeamsE2E, id: string) => e.messages({ conversation: `${ESCALATIONS};messageid=${id}`, kinds: ['send'] });
const pageTo = (e: TeamsE2E, user = ONCALL) => () => e.dm(user, { kinds: ['send'] }).find((m) => m.actions.some((a) => a.verb === 'ack'));
const codesOnRecord = (record: Sent) =>
  new Set(record.actions.filter((a) => a.verb === 'notify').map((a) => (JSON.parse(String(a.data.value)) as { code: string }).code));

/** First message → offer → "Report an incident" → the intake; returns the step ids asked. */
async function report(e: TeamsE2E, narrative: string, answers: Answers): Promise<string[]> {
  await e.type(REPORTER, 'Hello');
  const offer = e.dm(REPORTER, { kinds: ['send'] }).at(-1)!;
  const start = offer.actions.find((a) => a.verb === 'start');
  expect(start, 'the offer to report').toBeDefined();
  const from = e.connector.calls.length;
  await e.click(REPORTER, offer, start!);
  return e.answerIntake(REPORTER, { ...common, narrative: [narrative], ...answers }, from);
}

/** Report, then acknowledge the page; returns the record post, the page and the latest record. */
async function reportAndAcknowledge(e: TeamsE2E, narrative: string, answers: Answers) {
  const asked = await report(e, narrative, answers);
  expect(asked[0]).toBe('life'); // safety first
  expect(asked).toContain('narrative');
  const decision = await e.waitFor('the decision for the reporter', decisionFor(e)).catch((err: Error) => {
    throw new Error(`${err.message}\nReporter saw:\n${e.dm(REPORTER).map((m) => `${m.kind}: ${m.all.slice(0, 200)}`).join('\n')}`);
  });
  const record = await e.waitFor('the record in the escalations channel', recordPost(e));
  const page = await e.waitFor('the page to the on-call manager', pageTo(e));
  const ref = String(page.actions.find((a) => a.verb === 'ack')!.data.value);
  expect(record.all).toContain(ref);

  const res = await e.click(ONCALL, page, page.actions.find((a) => a.verb === 'ack')!);
  expect(res.value).toBe('Done');
  const pageUpdated = await e.waitFor('the page updated in place', () =>
    e.dm(ONCALL, { kinds: ['update'] }).find((m) => m.activityId === page.activityId),
  );
  expect(pageUpdated.actions.filter((a) => a.verb === 'ack')).toHaveLength(0);
  await e.waitFor('the record showing the acknowledgement', () => /acknowledged/i.test(latestRecord(e, record.activityId).all) && latestRecord(e, record.activityId));
  const final = latestRecord(e, record.activityId);
  expect(final.kind).toBe('update');
  expect(final.all).toContain('Sam Okafor');
  await e.waitFor('the timeline reply about the acknowledgement', () => timeline(e, record.activityId).find((m) => /Sam Okafor/.test(m.all)));
  return { decision, record, page, final, ref };
}

describe('Teams end to end: the seed examples', () => {
  it('unexplained bruising → safeguarding referral, health informed, evidence preserved', async () => {
    const e = await boot();
    await installAll(e);
    const { decision, final } = await reportAndAcknowledge(
      e,
      BRUISING_CHAT_NARRATIVE,
      structuredClone(BRUISING_CLICKS),
    );
    expect(decision.all).toContain('Adult safeguarding team');
    expect(decision.all).toContain('GP or health professional');
    expect(decision.all).toMatch(/evidence/i);
    const codes = codesOnRecord(final);
    expect(codes.has('safeguarding_adults')).toBe(true);
    expect(codes.has('gp_or_health')).toBe(true);
    // The narrative stays in the 1:1 chat: never in the channel.
    for (const m of e.messages({ conversation: ESCALATIONS })) expect(m.all).not.toContain('forearms');
    expectValidCards(e);
  }, 90_000);

  it('acute distress with suicidal intent → crisis mental health; a double click on Acknowledge acts once', async () => {
    const e = await boot();
    await installAll(e);
    const { decision, final, page } = await reportAndAcknowledge(e, SUICIDAL_CHAT_NARRATIVE, SUICIDAL_CLICKS);
    expect(decision.all).toContain('Crisis mental health team');
    expect(page.all).toContain('Crisis mental health team');
    expect(codesOnRecord(final).has('crisis_mental_health')).toBe(true);
    // A second click on Acknowledge (a new invoke, so a new activity id) changes nothing.
    await e.settle();
    const from = e.connector.calls.length;
    await e.click(ONCALL, page, page.actions.find((a) => a.verb === 'ack')!);
    const reply = await e.waitFor('the answer to the second click', () => e.dm(ONCALL, { from, kinds: ['send'] }).at(0));
    expect(reply.all).toMatch(/already acknowledged/i);
    await e.settle();
    const changes = e.connector.calls.slice(from).filter((c) => c.kind === 'update' || c.conversationId?.startsWith(ESCALATIONS));
    expect(changes.map((c) => `${c.kind} ${c.conversationId}: ${JSON.stringify(c.body).slice(0, 400)}`)).toEqual([]);
    expectValidCards(e);
  }, 90_000);

  it('assault allegation → police, safeguarding and the commissioner; record actions limited by role', async () => {
    const e = await boot();
    await installAll(e);
    const { decision, final, record } = await reportAndAcknowledge(e, ASSAULT_CHAT_NARRATIVE, ASSAULT_CLICKS);
    for (const label of ['Police (101)', 'Adult safeguarding team', 'Commissioner']) expect(decision.all).toContain(label);
    const codes = codesOnRecord(final);
    for (const code of ['police_101', 'safeguarding_adults', 'commissioner']) expect(codes.has(code)).toBe(true);

    // The reporter cannot record a notification; the safeguarding lead can, with who, when and a reference.
    const notifyPolice = final.actions.find((a) => a.verb === 'notify' && String(a.data.value).includes('police_101'))!;
    const refused = await e.click(REPORTER, final, notifyPolice, { who: 'PC Jones' });
    expect(refused.value).toBe('Only managers and safeguarding leads can record this.');
    const before = e.connector.calls.length;
    const done = await e.click(SAFEGUARDING_LEAD, final, notifyPolice, { who: 'PC Jones, Northshire Police', reference: 'NP-55012' });
    expect(done.value).toBe('Done');
    await e.waitFor('the record updated with the police reference', () =>
      e.messages({ conversation: ESCALATIONS, from: before, kinds: ['update'] }).find((m) => m.activityId === record.activityId && m.all.includes('NP-55012')),
    );
    await e.waitFor('the timeline reply', () => timeline(e, record.activityId).find((m) => m.all.includes('NP-55012')));

    // Deciding not to tell the commissioner needs a reason.
    const current = latestRecord(e, record.activityId);
    const decline = current.actions.find((a) => a.verb === 'not_notify' && String(a.data.value).includes('commissioner'))!;
    expect((await e.click(ONCALL, current, decline, { reason: '' })).value).toBe('Please give a reason.');
    await e.click(ONCALL, current, decline, { reason: 'Commissioner already informed by the local authority.' });
    await e.waitFor('the timeline reply with the reason', () => timeline(e, record.activityId).find((m) => m.all.includes('already informed by the local authority')));
    expectValidCards(e);
  }, 120_000);
});

describe('Teams end to end: around the seed examples', () => {
  it('immediate danger: 999 advice and the page come before any other question is answered', async () => {
    const e = await boot();
    await installAll(e);
    await e.type(REPORTER, 'report');
    const lifeQ = e.latestQuestion(REPORTER)!;
    expect(lifeQ.stepId).toBe('life');
    const from = e.connector.calls.length;
    await e.click(REPORTER, lifeQ.message, lifeQ.choices.get('yes')!);

    const after = e.dm(REPORTER, { from, kinds: ['send'] });
    const advice = after.findIndex((m) => /Call 999 now/.test(m.all));
    const nextQuestion = after.findIndex((m) => m.actions.some((a) => a.verb === 'choice'));
    expect(advice).toBeGreaterThanOrEqual(0);
    expect(advice).toBeLessThan(nextQuestion === -1 ? Number.MAX_SAFE_INTEGER : nextQuestion);
    // The life question card was replaced in place by its answered form.
    const answered = e.dm(REPORTER, { from, kinds: ['update'] });
    expect(answered).toHaveLength(1);
    expect(answered[0]!.activityId).toBe(lifeQ.message.activityId);
    expect(answered[0]!.actions).toEqual([]);
    // The page reaches the on-call manager with no further answer from the reporter.
    const page = await e.waitFor('the emergency page', pageTo(e));
    expect(page.index).toBeGreaterThan(from);
    expectValidCards(e);
  }, 60_000);

  it('a manager with no stored reference: said at once, next tier paged, channel told, reporter told to phone', async () => {
    const e = await boot();
    await installAll(e, [REPORTER, TIER2, SAFEGUARDING_LEAD]); // Sam Okafor (tier 1) never installed the app
    await report(e, 'Bruises on the upper arms of D.W. that nobody can explain.', minorBruisingClicks('D.W.'));
    const told = await e.waitFor('the reporter told to phone', () =>
      e.dm(REPORTER, { kinds: ['send'] }).find((m) => /cannot reach the on-call manager/i.test(m.all)),
    );
    expect(told.all).toContain('Sam Okafor');
    expect(told.all).toContain('07700 900101');
    const alert = await e.waitFor('the channel alert', () =>
      e.messages({ conversation: ESCALATIONS, kinds: ['send'] }).find((m) => /cannot reach/i.test(m.all)),
    );
    expect(alert.all).toContain('Sam Okafor');
    const page = await e.waitFor('the page to tier 2', pageTo(e, TIER2));
    expect(page.actions.some((a) => a.verb === 'ack')).toBe(true);
    expect(e.dm(ONCALL)).toEqual([]);
    expectValidCards(e);
  }, 90_000);

  it('a mention in the escalations channel moves the report to the private chat; "help" answers there', async () => {
    const e = await boot();
    await installAll(e);
    const mention = channelMention(e.url, REPORTER, 'Mrs P. fell in the lounge', ESCALATIONS);
    await e.post(mention);
    const inChannel = e.messages({ conversation: `${ESCALATIONS};messageid=${mention.id}` });
    expect(inChannel.map((m) => m.all)).toEqual(["I've sent you a private chat message. Please don't share details here."]);
    const first = e.latestQuestion(REPORTER)!;
    expect(first.stepId).toBe('life');
    // Nothing the reporter wrote in the channel was taken as the narrative or repeated anywhere.
    for (const m of e.messages()) expect(m.all).not.toContain('lounge');

    const from = e.connector.calls.length;
    await e.type(REPORTER, 'help');
    const help = e.dm(REPORTER, { from });
    expect(help).toHaveLength(1);
    expect(help[0]!.all.length).toBeGreaterThan(0);
    expectValidCards(e);
  }, 60_000);

  it('retried activities and double clicks change nothing', async () => {
    const e = await boot();
    await installAll(e);
    const start = personalMessage(e.url, REPORTER, 'report');
    await e.post(start);
    const afterStart = e.connector.calls.length;
    await e.post(start); // the same activity delivered again
    expect(e.connector.calls.length).toBe(afterStart);

    const lifeQ = e.latestQuestion(REPORTER)!;
    const no = lifeQ.choices.get('no')!;
    const click = cardAction(e.url, REPORTER, 'choice', no.data, lifeQ.message.activityId, lifeQ.message.conversationId);
    await e.post(click);
    const afterFirstClick = e.connector.calls.length;
    expect(e.latestQuestion(REPORTER)!.stepId).toBe('danger');
    await e.post(click); // the same invoke retried
    expect(e.connector.calls.length).toBe(afterFirstClick);
    await e.click(REPORTER, lifeQ.message, no); // a second click on the answered card (a new invoke)
    const extra = e.connector.calls.slice(afterFirstClick);
    expect(extra.filter((c) => c.kind === 'update' && c.activityId === lifeQ.message.activityId)).toHaveLength(0);
    expect(e.latestQuestion(REPORTER)!.stepId).toBe('danger');
    expect(e.dm(ONCALL)).toEqual([]);
    expectValidCards(e);
  }, 60_000);

  it('an intake survives a restart of the app between two answers', async () => {
    const prefix = uniquePrefix('teams-e2e-restart');
    const connector = new LoopbackConnector();
    await connector.start();
    connectors.push(connector);
    const first = await boot(prefix, connector);
    await installAll(first);
    await first.type(REPORTER, 'report');
    const lifeQ = first.latestQuestion(REPORTER)!;
    await first.click(REPORTER, lifeQ.message, lifeQ.choices.get('no')!);
    const dangerQ = first.latestQuestion(REPORTER)!;
    expect(dangerQ.stepId).toBe('danger');
    await first.stop();
    running.splice(running.indexOf(first), 1);

    const second = await boot(prefix, connector); // a new process: references and the intake come from Redis
    const from = connector.calls.length;
    await second.click(REPORTER, dangerQ.message, dangerQ.choices.get('no')!);
    expect(second.dm(REPORTER, { from, kinds: ['update'] }).some((m) => m.activityId === dangerQ.message.activityId)).toBe(true);
    expect(second.latestQuestion(REPORTER, from)?.stepId).toBe('service');
    expectValidCards(second);
  }, 60_000);
});
