// End to end over Slack: the whole app (createApp with real Redis and BullMQ, the example
// organisation) behind signed HTTP requests to /slack/events, with every Web API call caught by a
// fake Slack API on loopback. Runs the three seed examples (shared/seed/multi-agency-escalation.txt)
// from /incident to an acknowledged page and an updated record, and the paths around them.

import { ASSAULT_CHAT_NARRATIVE, ASSAULT_CLICKS, BRUISING_CHAT_NARRATIVE, BRUISING_CLICKS, minorBruisingClicks, SUICIDAL_CHAT_NARRATIVE, SUICIDAL_CLICKS } from '../helpers/seed-answers.js';
import { afterEach, describe, expect, it } from 'vitest';
import { requireRedis, uniquePrefix } from '../helpers/redis.js';
import { slashCommand, startFakeSlackApi, viewSubmission, dmMessage, type FakeSlackApi } from '../helpers/slack.js';
import { asQuestion, dmOf, ESCALATIONS_CHANNEL, SlackE2E, type Answers, type Posted } from './slack-driver.js';

const REPORTER = 'UREPORTER1';
/** Multi-choice steps are re-asked after each pick (see the report); single-choice ones update in place. */
const MULTI_STEPS = new Set(['categories', 'abuse_category', 'actions_taken']);
const ONCALL = 'UONCALL01'; // Sam Okafor, tier 1 at every hour in the example organisation
const SAFEGUARDING_LEAD = 'USAFEGUARD1';

const running: SlackE2E[] = [];
const apis: FakeSlackApi[] = [];
afterEach(async () => {
  for (const e of running.splice(0)) {
    await e.stop().catch(() => {});
    await e.cleanup();
  }
  for (const a of apis.splice(0)) await a.close();
});

async function boot(prefix = uniquePrefix('slack-e2e'), api?: FakeSlackApi): Promise<SlackE2E> {
  await requireRedis();
  const fake = api ?? (await startFakeSlackApi());
  if (!api) apis.push(fake);
  const e = await new SlackE2E(fake, prefix).start();
  running.push(e);
  return e;
}

const common: Answers = { life: ['no'], danger: ['no'], service: ['riverside-house'], when: ['1 hour ago', 'yes'], confirm: ['yes'] };

/** The reporter's "what happens next" message. */
const decisionFor = (e: SlackE2E) => () => e.messages({ channel: dmOf(REPORTER), methods: ['chat.postMessage'] }).find((m) => /what happens next/.test(m.text));
/** The record in the escalations channel (the first top-level post there) and its latest version. */
const recordPost = (e: SlackE2E) => () => e.messages({ channel: ESCALATIONS_CHANNEL, methods: ['chat.postMessage'] }).find((m) => !m.threadTs);
const latestRecord = (e: SlackE2E, ts: string) => e.messages({ channel: ESCALATIONS_CHANNEL }).filter((m) => m.ts === ts && !m.threadTs).at(-1)!;
const pageTo = (e: SlackE2E, user: string) => () => e.messages({ channel: dmOf(user), methods: ['chat.postMessage'] }).find((m) => m.buttons.some((b) => b.action_id.startsWith('ack')));
const timeline = (e: SlackE2E, ts: string) => e.messages({ channel: ESCALATIONS_CHANNEL, methods: ['chat.postMessage'] }).filter((m) => m.threadTs === ts);

/** Report, then acknowledge the page; returns the record post and the page. */
async function reportAndAcknowledge(e: SlackE2E, narrative: string, answers: Answers) {
  const res = await e.send(slashCommand({ command: '/incident', text: narrative, user: REPORTER }));
  expect(res.status).toBe(200);
  const asked = await e.answerIntake(REPORTER, { ...common, ...answers });
  expect(asked).not.toContain('narrative'); // the /incident text was the narrative
  const decision = await e.waitFor('the decision for the reporter', decisionFor(e));
  const record = await e.waitFor('the record in the escalations channel', recordPost(e));
  const page = await e.waitFor('the page to the on-call manager', pageTo(e, ONCALL));
  expect(page.all).toContain(record.text.split(' · ')[0]!); // the page names the incident reference

  await e.click(ONCALL, page, page.buttons.find((b) => b.action_id.startsWith('ack'))!);
  const pageUpdated = await e.waitFor('the page updated in place', () =>
    e.messages({ channel: dmOf(ONCALL), methods: ['chat.update'] }).find((m) => m.ts === page.ts),
  );
  expect(pageUpdated.buttons.filter((b) => b.action_id.startsWith('ack'))).toHaveLength(0);
  await e.waitFor('the record showing the acknowledgement', () => /acknowledged/i.test(latestRecord(e, record.ts).all) && latestRecord(e, record.ts));
  // Everything the acknowledgement sets off has happened: the timeline entry and the reporter told.
  await e.waitFor('the acknowledgement in the timeline', () => timeline(e, record.ts).find((m) => /Acknowledged by Sam Okafor/.test(m.all)));
  await e.waitFor('the reporter told', () => e.messages({ channel: dmOf(REPORTER) }).find((m) => /has picked up/.test(m.all)));
  const final = latestRecord(e, record.ts);
  expect(final.method).toBe('chat.update');
  expect(final.all).toContain('Sam Okafor');
  return { decision, record, page, final };
}

const codesOnRecord = (record: Posted) =>
  new Set(record.buttons.filter((b) => b.action_id.startsWith('notify')).map((b) => (JSON.parse(b.value) as { code: string }).code));

describe('Slack end to end: the seed examples', () => {
  it('unexplained bruising → safeguarding referral, health informed, evidence preserved', async () => {
    const e = await boot();
    const { decision, final } = await reportAndAcknowledge(
      e,
      BRUISING_CHAT_NARRATIVE,
      structuredClone(BRUISING_CLICKS),
    );
    expect(decision.all).toContain('Adult safeguarding team');
    expect(decision.all).toContain('GP or health professional');
    // Every single-choice question answered by a button was updated in place with no buttons left.
    const dm = e.messages({ channel: dmOf(REPORTER) });
    const singleChoice = dm.filter((m) => m.method === 'chat.postMessage').map(asQuestion).filter((q) => q && !MULTI_STEPS.has(q.stepId) && q.choices.size > 1);
    expect(singleChoice.length).toBeGreaterThan(10);
    for (const q of singleChoice) {
      const update = dm.find((m) => m.method === 'chat.update' && m.ts === q!.message.ts);
      expect(update, q!.stepId).toBeDefined();
      expect(update!.buttons, q!.stepId).toHaveLength(0);
    }
    expect(decision.all).toMatch(/evidence/i);
    const codes = codesOnRecord(final);
    expect(codes.has('safeguarding_adults')).toBe(true);
    expect(codes.has('gp_or_health')).toBe(true);
  }, 90_000);

  it('acute distress with suicidal intent → crisis mental health, on-call paged', async () => {
    const e = await boot();
    const { decision, final, page } = await reportAndAcknowledge(e, SUICIDAL_CHAT_NARRATIVE, SUICIDAL_CLICKS);
    expect(decision.all).toContain('Crisis mental health team');
    // A second click on Acknowledge (a double click) changes nothing: no second acknowledgement.
    const from = e.api.calls.length;
    await e.click(ONCALL, page, page.buttons.find((b) => b.action_id.startsWith('ack'))!);
    // (The debrief reminder queued by the first acknowledgement may reach the same DM first.)
    const reply = await e.waitFor('the answer to the second click', () =>
      e.messages({ channel: dmOf(ONCALL), methods: ['chat.postMessage'], from }).find((m) => !/arrange a debrief/.test(m.all)),
    );
    expect(reply.all).toMatch(/already acknowledged/i);
    const acknowledgements = (m: Posted) => /Acknowledged by|has picked up/.test(m.all) && m.method === 'chat.postMessage';
    expect(e.messages({ from }).filter(acknowledgements)).toHaveLength(0);
    expect(e.messages().filter(acknowledgements)).toHaveLength(2); // one timeline entry, one message to the reporter
    expect(page.all).toContain('Crisis mental health team');
    expect(codesOnRecord(final).has('crisis_mental_health')).toBe(true);
  }, 90_000);

  it('assault allegation → police, safeguarding and the commissioner', async () => {
    const e = await boot();
    const { decision, final } = await reportAndAcknowledge(e, ASSAULT_CHAT_NARRATIVE, ASSAULT_CLICKS);
    for (const label of ['Police (101)', 'Adult safeguarding team', 'Commissioner']) expect(decision.all).toContain(label);
    const codes = codesOnRecord(final);
    for (const code of ['police_101', 'safeguarding_adults', 'commissioner']) expect(codes.has(code)).toBe(true);
  }, 90_000);
});

describe('Slack end to end: around the seed examples', () => {
  it('immediate danger: 999 advice and the page come before any other question is answered', async () => {
    const e = await boot();
    await e.send(slashCommand({ command: '/incident', text: 'Resident collapsed, not breathing', user: REPORTER }));
    const lifeQ = e.latestQuestion(REPORTER)!;
    expect(lifeQ.stepId).toBe('life'); // safety first: the first question
    const from = e.api.calls.length;
    await e.click(REPORTER, lifeQ.message, lifeQ.choices.get('yes')!);

    const after = e.messages({ channel: dmOf(REPORTER), methods: ['chat.postMessage'], from });
    const advice = after.findIndex((m) => /Call 999 now/.test(m.all));
    const nextQuestion = after.findIndex((m) => m.buttons.some((b) => b.action_id.startsWith('choice')));
    expect(advice).toBeGreaterThanOrEqual(0);
    expect(advice).toBeLessThan(nextQuestion === -1 ? Number.MAX_SAFE_INTEGER : nextQuestion);
    // The page reaches the on-call manager with no further answer from the reporter.
    const page = await e.waitFor('the emergency page', pageTo(e, ONCALL));
    expect(page.index).toBeGreaterThan(from);
    expect(page.all).toMatch(/emergency/i);
    const answersAfter = e.api.calls.slice(from).filter((c) => c.method === 'chat.update' && c.params.channel === dmOf(REPORTER));
    expect(answersAfter).toHaveLength(1); // only the life question was answered
  }, 60_000);

  it('mark notified with a reference, and decide not to notify with a reason', async () => {
    const e = await boot();
    const { record } = await reportAndAcknowledge(e, 'Unexplained bruising on the upper arm of A.B.', minorBruisingClicks('A.B.'));
    const current = latestRecord(e, record.ts);
    const notify = current.buttons.find((b) => b.action_id.startsWith('notify') && b.value.includes('safeguarding_adults'))!;
    const decline = current.buttons.find((b) => b.action_id.startsWith('not_notify') && b.value.includes('family_nok'))!;
    expect(notify).toBeDefined();
    expect(decline).toBeDefined();

    // Someone without the role is told so, and no form opens.
    await e.click(REPORTER, current, notify);
    expect(e.api.callsOf('views.open')).toHaveLength(0);
    await e.waitFor('the explanation', () => e.api.callsOf('chat.postEphemeral').find((c) => c.params.user === REPORTER));

    // The safeguarding lead opens the form and records the referral.
    await e.click(SAFEGUARDING_LEAD, current, notify);
    const opened = await e.waitFor('the notify form', () => e.api.callsOf('views.open')[0]);
    const view = opened.params.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe('notify_modal');
    const before = e.api.calls.length;
    const submission = viewSubmission({
      user: SAFEGUARDING_LEAD,
      callbackId: view.callback_id,
      privateMetadata: view.private_metadata,
      values: {
        who: { type: 'plain_text_input', value: 'Duty social worker, Northshire Adult Social Care' },
        when: { type: 'datetimepicker', selected_date_time: Math.floor(Date.now() / 1000) - 300 },
        reference: { type: 'plain_text_input', value: 'NS-SG-20931' },
      },
    });
    const res = await e.send(submission);
    expect(res.status).toBe(200);
    await e.send(submission); // the same submission again (a double click on Save)
    await e.waitFor('the record updated with the reference', () =>
      e.messages({ channel: ESCALATIONS_CHANNEL, from: before }).find((m) => m.ts === record.ts && m.all.includes('NS-SG-20931')),
    );
    await e.waitFor('the timeline reply', () => timeline(e, record.ts).find((m) => m.all.includes('NS-SG-20931')));
    expect(timeline(e, record.ts).filter((m) => m.all.includes('NS-SG-20931'))).toHaveLength(1);
    // The repeated Save was dropped as a duplicate: the lead was not told "already recorded".
    expect(e.messages({ channel: dmOf(SAFEGUARDING_LEAD), from: before })).toHaveLength(0);

    // The on-call manager decides not to tell the family, with a reason.
    await e.click(ONCALL, latestRecord(e, record.ts), decline);
    const second = await e.waitFor('the reason form', () => e.api.callsOf('views.open')[1]);
    const reasonView = second.params.view as { callback_id: string; private_metadata: string };
    expect(reasonView.callback_id).toBe('not_notify_modal');
    const empty = await e.send(
      viewSubmission({ user: ONCALL, callbackId: reasonView.callback_id, privateMetadata: reasonView.private_metadata, values: { reason: { type: 'plain_text_input', value: '' } } }),
    );
    expect(JSON.parse(empty.text)).toMatchObject({ response_action: 'errors' });
    const reason = 'A.B. has capacity and asked us not to tell her son.';
    await e.send(
      viewSubmission({ user: ONCALL, callbackId: reasonView.callback_id, privateMetadata: reasonView.private_metadata, values: { reason: { type: 'plain_text_input', value: reason } } }),
    );
    await e.waitFor('the timeline reply with the reason', () => timeline(e, record.ts).find((m) => m.all.includes('asked us not to tell her son')));
  }, 120_000);

  it('a retried event and a double click change nothing', async () => {
    const e = await boot();
    const start = slashCommand({ command: '/incident', text: 'Fall in the garden', user: REPORTER, triggerId: 'trig.same' });
    await e.send(start);
    const afterStart = e.api.calls.length;
    await e.send(start); // the same slash command delivered again
    expect(e.api.calls.length).toBe(afterStart);

    const lifeQ = e.latestQuestion(REPORTER)!;
    const noButton = lifeQ.choices.get('no')!;
    await e.click(REPORTER, lifeQ.message, noButton);
    const afterFirstClick = e.api.calls.length;
    const dangerQ = e.latestQuestion(REPORTER)!;
    expect(dangerQ.stepId).toBe('danger');
    await e.click(REPORTER, lifeQ.message, noButton); // a second click on the same (now answered) button
    const extra = e.api.calls.slice(afterFirstClick);
    // The stale click answers nothing (no question is updated) and the intake is still at "danger".
    expect(extra.filter((c) => c.method === 'chat.update')).toHaveLength(0);
    expect(e.latestQuestion(REPORTER)!.stepId).toBe('danger');
    expect(e.api.calls.filter((c) => c.method === 'chat.postMessage' && c.params.channel === dmOf(ONCALL))).toHaveLength(0);

    // A DM event retried by Slack (same event_id) is handled once.
    const before = e.api.calls.length;
    const typed = dmMessage({ user: REPORTER, text: 'no', channel: dmOf(REPORTER), eventId: 'EvRETRYE2E' });
    await e.send(typed);
    const once = e.api.calls.length;
    expect(once).toBeGreaterThan(before);
    await e.send(typed, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    expect(e.api.calls.length).toBe(once);
  }, 60_000);

  it('refuses a bad signature and a stale timestamp, and does nothing', async () => {
    const e = await boot();
    const req = slashCommand({ command: '/incident', text: 'x', user: REPORTER });
    expect((await e.send(req, { secret: 'wrong-secret' })).status).toBe(401);
    expect((await e.send(req, { timestamp: Math.floor(Date.now() / 1000) - 10 * 60 })).status).toBe(401);
    expect((await e.send(req, { unsigned: true })).status).toBe(401);
    expect(e.api.calls).toHaveLength(0);
  }, 30_000);

  it('an intake survives a restart of the app between two answers', async () => {
    const prefix = uniquePrefix('slack-e2e-restart');
    const api = await startFakeSlackApi();
    apis.push(api);
    const first = await boot(prefix, api);
    await first.send(slashCommand({ command: '/incident', text: 'Medication given twice by mistake', user: REPORTER }));
    const lifeQ = first.latestQuestion(REPORTER)!;
    await first.click(REPORTER, lifeQ.message, lifeQ.choices.get('no')!);
    const dangerQ = first.latestQuestion(REPORTER)!;
    expect(dangerQ.stepId).toBe('danger');
    await first.stop();
    running.splice(running.indexOf(first), 1);

    const second = await boot(prefix, api);
    const from = api.calls.length;
    await second.click(REPORTER, dangerQ.message, dangerQ.choices.get('no')!);
    expect(second.messages({ channel: dmOf(REPORTER), methods: ['chat.update'], from }).some((m) => m.ts === dangerQ.message.ts)).toBe(true);
    expect(second.latestQuestion(REPORTER, from)?.stepId).toBe('service');
  }, 60_000);
});
