// The Slack receiver over real HTTP: signature checks, malformed and oversized bodies, and how
// each way in (slash command, DM, mention, shortcut, buttons, modals) becomes an Inbound event.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SLACK_TEXT } from '../../../src/channels/slack/index.js';
import {
  appMention,
  blockActions,
  botDmMessage,
  dmMessage,
  messageShortcut,
  postSlack,
  signSlackRequest,
  SIGNING_SECRET,
  slashCommand,
  viewSubmission,
} from '../../helpers/slack.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const post = async (...args: Parameters<typeof postSlack> extends [string, ...infer R] ? R : never) => {
  const res = await postSlack(h.eventsUrl, ...args);
  await h.slack.idle();
  return res;
};

describe('request verification', () => {
  const req = () => slashCommand({ command: '/incident', text: 'fell', user: 'UREP00001' });

  it('refuses a wrong signature with 401 and does nothing', async () => {
    const res = await post(req(), { secret: 'not-the-secret' });
    expect(res.status).toBe(401);
    expect(h.assistant.events).toHaveLength(0);
  });

  it('refuses a stale timestamp with 401', async () => {
    const res = await post(req(), { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(res.status).toBe(401);
    expect(h.assistant.events).toHaveLength(0);
  });

  it('refuses missing signature headers with 401', async () => {
    const res = await post(req(), { unsigned: true });
    expect(res.status).toBe(401);
    expect(h.assistant.events).toHaveLength(0);
  });

  it('refuses a signature over a different body with 401', async () => {
    const body = req();
    const ts = Math.floor(Date.now() / 1000);
    const headers = signSlackRequest(SIGNING_SECRET, `${body.body}&x=1`, ts);
    const res = await post(body, { unsigned: true, headers });
    expect(res.status).toBe(401);
  });

  it('answers malformed JSON and malformed forms with 400', async () => {
    expect((await post({ body: '{"type": "event_callback", ', contentType: 'application/json' })).status).toBe(400);
    expect((await post({ body: 'payload=%7Bnot-json', contentType: 'application/x-www-form-urlencoded' })).status).toBe(400);
    expect((await post({ body: '[1,2]', contentType: 'application/json' })).status).toBe(400);
    expect(h.assistant.events).toHaveLength(0);
  });

  it('answers an oversized body with 413', async () => {
    const big = { body: JSON.stringify({ type: 'event_callback', pad: 'x'.repeat(1_100_000) }), contentType: 'application/json' as const };
    const res = await post(big);
    expect(res.status).toBe(413);
  });

  it('never crashes on signed but incomplete payloads, and keeps serving', async () => {
    const odd = [
      { body: JSON.stringify({ type: 'event_callback' }), contentType: 'application/json' as const, status: 400 },
      { body: JSON.stringify({ type: 'event_callback', event: { type: 'message' } }), contentType: 'application/json' as const, status: 200 },
      { body: JSON.stringify({ type: 'something_new' }), contentType: 'application/json' as const, status: 200 },
      { body: JSON.stringify({ no_type: true }), contentType: 'application/json' as const, status: 400 },
      { body: `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions' }))}`, contentType: 'application/x-www-form-urlencoded' as const, status: 400 },
      { body: `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: 'U1' }, actions: [{ action_id: 'choice:0', value: 'not json' }] }))}`, contentType: 'application/x-www-form-urlencoded' as const, status: 200 },
      { body: `payload=${encodeURIComponent(JSON.stringify({ type: 'view_submission', view: { callback_id: 'notify_modal' } }))}`, contentType: 'application/x-www-form-urlencoded' as const, status: 400 },
      { body: `payload=${encodeURIComponent(JSON.stringify({ type: 'view_submission', user: { id: 'U1' } }))}`, contentType: 'application/x-www-form-urlencoded' as const, status: 400 },
      { body: `payload=${encodeURIComponent(JSON.stringify({ type: 'message_action', user: { id: 'U1' }, callback_id: 'report_incident' }))}`, contentType: 'application/x-www-form-urlencoded' as const, status: 200 },
      { body: 'command=%2Fincident', contentType: 'application/x-www-form-urlencoded' as const, status: 400 },
      { body: 'text=hello', contentType: 'application/x-www-form-urlencoded' as const, status: 400 },
    ];
    for (const req of odd) {
      const res = await post({ body: req.body, contentType: req.contentType });
      expect(res.status, req.body).toBe(req.status);
    }
    // Only the shortcut with no message text was usable: an intake with no narrative.
    expect(h.assistant.events).toEqual([{ type: 'start', user: { platform: 'slack', id: 'U1' } }]);
    const ok = await post(dmMessage({ user: 'UREP00001', text: 'still here' }));
    expect(ok.status).toBe(200);
    expect(h.assistant.events).toHaveLength(2);
  });

  it('answers an unsigned SSL check and processes nothing', async () => {
    const res = await post({ body: 'ssl_check=1&token=x', contentType: 'application/x-www-form-urlencoded' }, { unsigned: true });
    expect(res.status).toBe(200);
    const smuggled = await post(
      { body: `ssl_check=1&payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions' }))}`, contentType: 'application/x-www-form-urlencoded' },
      { unsigned: true },
    );
    expect(smuggled.status).toBe(401);
    expect(h.assistant.events).toHaveLength(0);
  });

  it('answers url_verification with the challenge', async () => {
    const res = await post({ body: JSON.stringify({ type: 'url_verification', challenge: 'abc123', token: 't' }), contentType: 'application/json' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ challenge: 'abc123' });
  });
});

describe('ways in', () => {
  it('/incident with text starts an intake with that narrative', async () => {
    const res = await post(slashCommand({ command: '/incident', text: 'Found bruising on arm', user: 'UREP00001', triggerId: 'trig.1' }));
    expect(res.status).toBe(200);
    expect(h.assistant.events).toEqual([
      { type: 'start', user: { platform: 'slack', id: 'UREP00001' }, narrative: 'Found bruising on arm', dedupeId: 'trig.1' },
    ]);
  });

  it('/incident with no text starts an intake with no narrative', async () => {
    await post(slashCommand({ command: '/incident', text: '', user: 'UREP00001' }));
    expect(h.assistant.events).toHaveLength(1);
    expect(h.assistant.events[0]).toMatchObject({ type: 'start' });
    expect(h.assistant.events[0]).not.toHaveProperty('narrative');
  });

  it('a DM becomes a message event; the bot’s own messages are ignored', async () => {
    await post(dmMessage({ user: 'UREP00001', text: 'hello', eventId: 'Ev1' }));
    await post(botDmMessage({ text: 'question', channel: 'DREP00001' }));
    expect(h.assistant.events).toEqual([
      { type: 'message', user: { platform: 'slack', id: 'UREP00001' }, text: 'hello', dedupeId: 'Ev1' },
    ]);
  });

  it('a DM tells us the DM channel, so replies to that person need no conversations.open', async () => {
    await post(dmMessage({ user: 'UREP00007', text: 'hello', channel: 'DCHOSEN07' }));
    await h.slack.channel.sendDirect({ platform: 'slack', id: 'UREP00007' }, { kind: 'say', text: 'Hello', blocks: [] });
    expect(h.api.callsOf('conversations.open')).toHaveLength(0);
    expect(h.api.callsOf('chat.postMessage').at(-1)!.params.channel).toBe('DCHOSEN07');
    // Someone who never wrote to us still gets their DM opened.
    await h.slack.channel.sendDirect({ platform: 'slack', id: 'UMANAGER9' }, { kind: 'say', text: 'Page', blocks: [] });
    expect(h.api.callsOf('conversations.open').map((c) => c.params.users)).toEqual(['UMANAGER9']);
  });

  it('an app mention replies in the thread and starts an intake with no narrative', async () => {
    await post(appMention({ user: 'UREP00001', channel: 'C0CARE001', text: '<@UBOT0001> resident fell, J.S.', ts: '1700000000.000001' }));
    const replies = h.api.callsOf('chat.postMessage');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.params).toMatchObject({ channel: 'C0CARE001', thread_ts: '1700000000.000001' });
    expect(JSON.stringify(replies[0]!.params)).toContain("Please don't share details here");
    expect(h.assistant.events).toHaveLength(1);
    expect(h.assistant.events[0]).toMatchObject({ type: 'start', user: { id: 'UREP00001' } });
    expect(h.assistant.events[0]).not.toHaveProperty('narrative');
  });

  it('the message shortcut starts an intake with the message as narrative and tells the person', async () => {
    await post(messageShortcut({ user: 'UREP00001', channel: 'C0CARE001', text: 'Resident A.B. has a bruise' }));
    expect(h.assistant.events).toHaveLength(1);
    expect(h.assistant.events[0]).toMatchObject({ type: 'start', narrative: 'Resident A.B. has a bruise' });
    const eph = h.api.callsOf('chat.postEphemeral');
    expect(eph).toHaveLength(1);
    expect(eph[0]!.params).toMatchObject({ channel: 'C0CARE001', user: 'UREP00001', text: SLACK_TEXT.shortcutStarted });
  });

  it('a choice button becomes a choice event with the question message reference', async () => {
    await post(
      blockActions({
        user: 'UREP00001',
        actionId: 'choice:1',
        value: JSON.stringify({ stepId: 'danger_now', choiceId: 'no' }),
        channel: 'DREP00001',
        messageTs: '1700000005.000100',
        actionTs: '1700000006.000200',
      }),
    );
    expect(h.assistant.events).toEqual([
      {
        type: 'choice',
        user: { platform: 'slack', id: 'UREP00001' },
        stepId: 'danger_now',
        choiceId: 'no',
        messageRef: { platform: 'slack', conversation: 'DREP00001', id: '1700000005.000100' },
        dedupeId: '1700000006.000200:choice:1:UREP00001',
      },
    ]);
  });

  it('ack and start buttons become ack and start events', async () => {
    await post(blockActions({ user: 'UONCALL01', actionId: 'ack:0', value: 'INC-0001', channel: 'DONCALL01', messageTs: '1.1' }));
    await post(blockActions({ user: 'UREP00001', actionId: 'start:0', value: '', channel: 'DREP00001', messageTs: '1.2' }));
    expect(h.assistant.events.map((e) => e.type)).toEqual(['ack', 'start']);
    expect(h.assistant.events[0]).toMatchObject({ ref: 'INC-0001', user: { id: 'UONCALL01' } });
  });

  it('a notify click by someone without the role gets an ephemeral explanation and no modal', async () => {
    const value = JSON.stringify({ ref: 'INC-0001', code: 'safeguarding_adults' });
    await post(blockActions({ user: 'UREP00001', actionId: 'notify:0', value, channel: 'C0ESCAL01', messageTs: '1.3' }));
    expect(h.assistant.authorisations).toEqual([{ user: { platform: 'slack', id: 'UREP00001' }, action: 'act_on_escalation', ref: 'INC-0001' }]);
    expect(h.api.callsOf('views.open')).toHaveLength(0);
    const eph = h.api.callsOf('chat.postEphemeral');
    expect(eph).toHaveLength(1);
    expect(eph[0]!.params).toMatchObject({ channel: 'C0ESCAL01', user: 'UREP00001', text: SLACK_TEXT.notAllowed });
    expect(h.assistant.events).toHaveLength(0);
  });

  it('a notify click by a manager opens the form with the incident and code in its metadata', async () => {
    h.assistant.managers.add('UONCALL01');
    const value = JSON.stringify({ ref: 'INC-0001', code: 'safeguarding_adults' });
    await post(blockActions({ user: 'UONCALL01', actionId: 'notify:0', value, channel: 'C0ESCAL01', messageTs: '1.3', triggerId: 'trig.9' }));
    const opened = h.api.callsOf('views.open');
    expect(opened).toHaveLength(1);
    expect(opened[0]!.params.trigger_id).toBe('trig.9');
    const view = opened[0]!.params.view as { callback_id: string; private_metadata: string; blocks: Array<{ block_id?: string }> };
    expect(view.callback_id).toBe('notify_modal');
    expect(JSON.parse(view.private_metadata)).toEqual({ ref: 'INC-0001', code: 'safeguarding_adults' });
    expect(view.blocks.map((b) => b.block_id).filter(Boolean)).toEqual(['who', 'when', 'reference']);
  });

  it('a not-notify click by a manager opens the reason form', async () => {
    h.assistant.managers.add('UONCALL01');
    const value = JSON.stringify({ ref: 'INC-0001', code: 'police_101' });
    await post(blockActions({ user: 'UONCALL01', actionId: 'not_notify:1', value, channel: 'C0ESCAL01', messageTs: '1.3' }));
    const view = h.api.callsOf('views.open')[0]!.params.view as { callback_id: string };
    expect(view.callback_id).toBe('not_notify_modal');
  });

  it('a notify form submission becomes a notified event', async () => {
    const at = Math.floor(Date.now() / 1000) - 600;
    const res = await post(
      viewSubmission({
        user: 'UONCALL01',
        callbackId: 'notify_modal',
        privateMetadata: JSON.stringify({ ref: 'INC-0001', code: 'safeguarding_adults' }),
        values: {
          who: { type: 'plain_text_input', value: 'Duty social worker, Leeds adult social care' },
          when: { type: 'datetimepicker', selected_date_time: at },
          reference: { type: 'plain_text_input', value: 'SG-12345' },
        },
        viewId: 'V123',
        hash: '1700.abc',
      }),
    );
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(h.assistant.events).toEqual([
      {
        type: 'notified',
        user: { platform: 'slack', id: 'UONCALL01' },
        ref: 'INC-0001',
        code: 'safeguarding_adults',
        who: 'Duty social worker, Leeds adult social care',
        at: new Date(at * 1000).toISOString(),
        reference: 'SG-12345',
        dedupeId: 'V1231700.abc',
      },
    ]);
  });

  it('bad form input is answered with response_action errors and no event', async () => {
    const res = await post(
      viewSubmission({
        user: 'UONCALL01',
        callbackId: 'not_notify_modal',
        privateMetadata: JSON.stringify({ ref: 'INC-0001', code: 'police_101' }),
        values: { reason: { type: 'plain_text_input', value: '   ' } },
      }),
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ response_action: 'errors', errors: { reason: 'Please give a reason.' } });
    const tooLong = await post(
      viewSubmission({
        user: 'UONCALL01',
        callbackId: 'notify_modal',
        privateMetadata: JSON.stringify({ ref: 'INC-0001', code: 'police_101' }),
        values: {
          who: { type: 'plain_text_input', value: 'x'.repeat(501) },
          when: { type: 'datetimepicker', selected_date_time: Math.floor(Date.now() / 1000) + 86_400 },
        },
      }),
    );
    expect(JSON.parse(tooLong.text)).toMatchObject({ response_action: 'errors', errors: { who: expect.any(String), when: 'That time is in the future.' } });
    expect(h.assistant.events).toHaveLength(0);
  });

  it('a not-notify submission becomes a not_notifying event', async () => {
    await post(
      viewSubmission({
        user: 'UONCALL01',
        callbackId: 'not_notify_modal',
        privateMetadata: JSON.stringify({ ref: 'INC-0001', code: 'police_101' }),
        values: { reason: { type: 'plain_text_input', value: 'No crime alleged; family agree.' } },
      }),
    );
    expect(h.assistant.events).toEqual([
      expect.objectContaining({ type: 'not_notifying', ref: 'INC-0001', code: 'police_101', reason: 'No crime alleged; family agree.' }),
    ]);
  });

  it('/oncall and /escalations answer ephemerally with the assistant’s reply', async () => {
    await post(slashCommand({ command: '/oncall', text: 'check', user: 'UREP00001', responseUrl: h.api.responseUrl }));
    await post(slashCommand({ command: '/escalations', user: 'UONCALL01', responseUrl: h.api.responseUrl }));
    expect(h.assistant.commands.map((c) => [c.name, c.args, c.user.id])).toEqual([
      ['oncall', 'check', 'UREP00001'],
      ['escalations', '', 'UONCALL01'],
    ]);
    const responses = h.api.calls.filter((c) => c.method === 'response_url');
    expect(responses).toHaveLength(2);
    expect(responses[0]!.params).toMatchObject({ response_type: 'ephemeral' });
    expect(String(responses[0]!.params.text)).not.toContain('<@UOTHER>');
    expect(h.assistant.events).toHaveLength(0);
  });

  it('a retried event (same event_id, X-Slack-Retry-Num) carries the same dedupeId', async () => {
    const first = dmMessage({ user: 'UREP00001', text: 'hello', eventId: 'EvRETRY1' });
    await post(first);
    await post(first, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    expect(h.assistant.events).toHaveLength(2);
    expect(h.assistant.events[0]!.dedupeId).toBe('EvRETRY1');
    expect(h.assistant.events[1]!.dedupeId).toBe(h.assistant.events[0]!.dedupeId);
  });

  it('a retried app mention replies in the thread only once', async () => {
    const mention = appMention({ user: 'UREP00001', channel: 'C0CARE001', text: 'hi', eventId: 'EvM1' });
    await post(mention);
    await post(mention, { headers: { 'x-slack-retry-num': '1' } });
    expect(h.api.callsOf('chat.postMessage')).toHaveLength(1);
    expect(h.assistant.events.map((e) => e.dedupeId)).toEqual(['EvM1', 'EvM1']);
  });
});
