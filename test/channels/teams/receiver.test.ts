// The Teams receiver over real HTTP: activities posted to /api/messages (Bot Framework shapes),
// conversation references kept in a real Redis, replies caught by a loopback connector.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { HttpServer } from '../../../src/server.js';
import { RedisStore } from '../../../src/store/redis.js';
import { createTeams, type Teams } from '../../../src/channels/teams/index.js';
import { NS_CHANNEL, NS_CONVERSATION, NS_USER } from '../../../src/channels/teams/refs.js';
import { TEXT } from '../../../src/channels/teams/bot.js';
import { cleanupPrefix, requireRedis, testRedisUrl, uniquePrefix } from '../../helpers/redis.js';
import {
  BOT_ID,
  CHANNEL_ID,
  LoopbackConnector,
  RecordingAssistant,
  TEAM_ID,
  cardAction,
  cardProblems,
  channelMention,
  installationUpdate,
  personalConversationId,
  personalInstall,
  personalMessage,
  postActivity,
  teamInstall,
  teamsUser,
} from '../../helpers/teams.js';

const carer = teamsUser('00000000-0000-0000-0000-00000000c001', 'Sam Carer');
const manager = teamsUser('00000000-0000-0000-0000-00000000a001', 'Alex Manager');
const NOW = new Date('2026-03-10T15:00:00Z');

let redis: Redis;
let connector: LoopbackConnector;
let server: HttpServer;
let store: RedisStore;
let prefix: string;
let assistant: RecordingAssistant;
let teams: Teams;
let base: string;
let url: string;

beforeAll(async () => {
  await requireRedis();
  redis = new Redis(testRedisUrl());
});
afterAll(async () => {
  redis.disconnect();
});

/** Kinds of failed Teams calls reported for the platform-errors metric. */
let apiErrors: string[] = [];

beforeEach(async () => {
  connector = new LoopbackConnector();
  url = await connector.start();
  prefix = uniquePrefix('teams-receiver');
  store = new RedisStore({ url: testRedisUrl(), prefix });
  server = new HttpServer();
  assistant = new RecordingAssistant();
  assistant.managers.add(manager.aadObjectId);
  apiErrors = [];
  teams = createTeams({ store, server, assistant, nodeEnv: 'test', now: () => NOW, onApiError: (kind) => apiErrors.push(kind) });
  const port = await server.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${port}`;
});

afterEach(async () => {
  await teams.stop();
  await server.close();
  await connector.stop();
  await store.close();
  await cleanupPrefix(redis, prefix);
});

async function post(activity: Record<string, unknown>) {
  const res = await postActivity(base, activity);
  expect(res.status, res.text).toBeLessThan(300);
  return res;
}

describe('installation stores conversation references in Redis', () => {
  it('personal install → teams-ref by aadObjectId and teams-conv-ref by conversation id, without an activity id', async () => {
    await post(personalInstall(url, carer));
    const ref = await store.get<Record<string, any>>(NS_USER, carer.aadObjectId);
    expect(ref?.value.serviceUrl).toBe(url);
    expect(ref?.value.conversation.id).toBe(personalConversationId(carer));
    expect(ref?.value.activityId).toBeUndefined();
    expect((await store.get(NS_CONVERSATION, personalConversationId(carer)))?.value).toEqual(ref?.value);
    // Redis really holds it (not a memory stand-in).
    expect(await redis.keys(`${prefix}*teams-ref*`)).not.toHaveLength(0);
    expect(await teams.channel.canReach({ platform: 'teams', id: carer.aadObjectId })).toBe(true);
    expect(await teams.channel.canReach({ platform: 'teams', id: manager.aadObjectId })).toBe(false);
  });

  it('team install → teams-channel-ref by channel conversation id', async () => {
    await post(teamInstall(url, manager));
    const ref = await store.get<Record<string, any>>(NS_CHANNEL, TEAM_ID);
    expect(ref?.value.conversation.id).toBe(TEAM_ID);
    expect(ref?.value.serviceUrl).toBe(url);
  });

  it('installationUpdate (add) in personal scope stores the user reference', async () => {
    await post(installationUpdate(url, manager));
    expect(await store.get(NS_USER, manager.aadObjectId)).not.toBeNull();
  });

  it('a conversationUpdate that adds someone else stores nothing', async () => {
    const a = personalInstall(url, carer);
    a.membersAdded = [{ id: '29:someone-else' }];
    await post(a);
    expect(await store.get(NS_USER, carer.aadObjectId)).toBeNull();
  });
});

describe('messages become Inbound events', () => {
  it('a personal message → Inbound message with dedupeId = activity id, and refreshes the reference', async () => {
    const a = personalMessage(url, carer, 'Mrs B has a bruise on her arm');
    await post(a);
    expect(assistant.events).toEqual([
      { type: 'message', user: { platform: 'teams', id: carer.aadObjectId, name: 'Sam Carer' }, text: 'Mrs B has a bruise on her arm', dedupeId: a.id },
    ]);
    expect(await store.get(NS_USER, carer.aadObjectId)).not.toBeNull();
  });

  it('"report" (the command list command) → Inbound start', async () => {
    const a = personalMessage(url, carer, 'Report');
    await post(a);
    expect(assistant.events).toEqual([{ type: 'start', user: expect.objectContaining({ id: carer.aadObjectId }), dedupeId: a.id }]);
  });

  it('"help" → the assistant command, answered in the chat with a valid card', async () => {
    await post(personalMessage(url, carer, 'help'));
    expect(assistant.commands).toEqual([{ user: expect.objectContaining({ id: carer.aadObjectId }), name: 'help', args: '' }]);
    expect(assistant.events).toEqual([]);
    const sent = connector.cards();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.call.conversationId).toBe(personalConversationId(carer));
    expect(cardProblems(sent[0]!.card)).toEqual([]);
  });

  it('the same activity delivered twice gives the same dedupeId', async () => {
    const a = personalMessage(url, carer, 'first');
    await post(a);
    await post(a);
    expect(assistant.events).toHaveLength(2);
    expect(assistant.events[0]!.dedupeId).toBe(a.id);
    expect(assistant.events[1]!.dedupeId).toBe(a.id);
  });
});

describe('a mention in a channel moves the person to 1:1 chat', () => {
  it('with a stored 1:1 reference: replies in the channel thread and starts with no narrative', async () => {
    await post(personalInstall(url, carer));
    const a = channelMention(url, carer, 'Mrs B fell and hit her head');
    await post(a);
    expect(assistant.events).toEqual([{ type: 'start', user: expect.objectContaining({ id: carer.aadObjectId }), dedupeId: a.id }]);
    const replies = connector.calls.filter((c) => c.kind === 'reply' || c.kind === 'send');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.conversationId).toBe(`${CHANNEL_ID};messageid=${a.id}`);
    expect(replies[0]!.body.text).toBe(TEXT.movedToChat);
    // The channel is remembered by its base id, never a thread id.
    expect(await store.get(NS_CHANNEL, CHANNEL_ID)).not.toBeNull();
    // A retry does not post the channel reply twice.
    await post(a);
    expect(connector.calls.filter((c) => c.kind === 'reply' || c.kind === 'send')).toHaveLength(1);
  });

  it('with no stored 1:1 reference: creates the 1:1 conversation, stores it, then starts', async () => {
    const a = channelMention(url, carer, '');
    await post(a);
    const created = connector.of('create');
    expect(created).toHaveLength(1);
    expect(created[0]!.body).toMatchObject({ isGroup: false, members: [{ id: carer.id }], bot: { id: BOT_ID } });
    const ref = await store.get<Record<string, any>>(NS_USER, carer.aadObjectId);
    expect(ref?.value.conversation.id).toBe(created[0]!.conversationId);
    expect(assistant.events.map((e) => e.type)).toEqual(['start']);
  });

  it('a channel message that does not mention the bot is ignored', async () => {
    const a = channelMention(url, carer, 'hello');
    a.entities = [];
    await post(a);
    expect(assistant.events).toEqual([]);
    expect(connector.calls).toEqual([]);
  });
});

describe('card actions (Action.Execute invokes)', () => {
  it('choice → Inbound choice with the card as messageRef; invoke answered with a message', async () => {
    const value = JSON.stringify({ stepId: 'immediate_life_risk', choiceId: 'no' });
    const a = cardAction(url, carer, 'choice', { value }, 'activity-7');
    const res = await post(a);
    expect(res.json).toEqual({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'Done' });
    expect(assistant.events).toEqual([
      {
        type: 'choice',
        user: expect.objectContaining({ id: carer.aadObjectId }),
        stepId: 'immediate_life_risk',
        choiceId: 'no',
        messageRef: { platform: 'teams', conversation: personalConversationId(carer), id: 'activity-7' },
        dedupeId: `${a.id}:${carer.aadObjectId}:choice`,
      },
    ]);
  });

  it('notify by someone who is not a manager is refused and not forwarded', async () => {
    const value = JSON.stringify({ ref: 'INC-0001', code: 'safeguarding_adults' });
    const res = await post(cardAction(url, carer, 'notify', { value, form: 'f1_', f1_who: 'Duty desk' }, 'activity-3', CHANNEL_ID));
    expect((res.json as { value: string }).value).toBe(TEXT.notAllowed);
    expect(assistant.authorisations).toEqual([{ user: expect.objectContaining({ id: carer.aadObjectId }), action: 'act_on_escalation', ref: 'INC-0001' }]);
    expect(assistant.events).toEqual([]);
  });

  it('ack by a non-manager is checked against "acknowledge" and refused', async () => {
    const res = await post(cardAction(url, carer, 'ack', { value: 'INC-0001' }, 'activity-3'));
    expect((res.json as { value: string }).value).toBe(TEXT.notAllowed);
    expect(assistant.authorisations[0]!.action).toBe('acknowledge');
    expect(assistant.events).toEqual([]);
  });

  it('an action on an incident that does not exist says so', async () => {
    assistant.managers.delete(manager.aadObjectId); // authorise is false for unknown incidents too
    const res = await post(cardAction(url, manager, 'ack', { value: 'INC-9999' }, 'activity-3'));
    expect((res.json as { value: string }).value).toBe(TEXT.notFound);
    expect(assistant.events).toEqual([]);
  });

  it('notify by a manager → Inbound notified with who, time (London) and reference', async () => {
    const value = JSON.stringify({ ref: 'INC-0001', code: 'safeguarding_adults' });
    const a = cardAction(
      url,
      manager,
      'notify',
      { value, form: 'f1_', f1_who: ' Duty desk, Leeds Adult Social Care ', f1_date: '2026-03-10', f1_time: '14:30', f1_reference: 'SG-123' },
      'activity-3',
      CHANNEL_ID,
    );
    await post(a);
    expect(assistant.events).toEqual([
      {
        type: 'notified',
        user: expect.objectContaining({ id: manager.aadObjectId }),
        ref: 'INC-0001',
        code: 'safeguarding_adults',
        who: 'Duty desk, Leeds Adult Social Care',
        at: '2026-03-10T14:30:00.000Z',
        reference: 'SG-123',
        dedupeId: `${a.id}:${manager.aadObjectId}:notify`,
      },
    ]);
  });

  it('notify with a blank time means now; a blank "who" or a too-long reference is refused', async () => {
    const value = JSON.stringify({ ref: 'INC-0001', code: 'police_101' });
    await post(cardAction(url, manager, 'notify', { value, form: 'f2_', f2_who: 'PC Jones' }, 'activity-3'));
    expect(assistant.events[0]).toMatchObject({ type: 'notified', at: NOW.toISOString() });
    const noWho = await post(cardAction(url, manager, 'notify', { value, form: 'f2_', f2_who: '  ' }, 'activity-3'));
    expect((noWho.json as { value: string }).value).toBe('Please say who you told.');
    const longRef = await post(cardAction(url, manager, 'notify', { value, form: 'f2_', f2_who: 'PC', f2_reference: 'x'.repeat(101) }, 'activity-3'));
    expect((longRef.json as { value: string }).value).toMatch(/reference under 100/);
    expect(assistant.events).toHaveLength(1);
  });

  it('not_notify needs a reason (≤ 500)', async () => {
    const value = JSON.stringify({ ref: 'INC-0001', code: 'cqc_notification' });
    const none = await post(cardAction(url, manager, 'not_notify', { value, form: 'f4_' }, 'activity-3'));
    expect((none.json as { value: string }).value).toBe('Please give a reason.');
    await post(cardAction(url, manager, 'not_notify', { value, form: 'f4_', f4_reason: 'Not a notifiable event' }, 'activity-3'));
    expect(assistant.events).toEqual([
      expect.objectContaining({ type: 'not_notifying', code: 'cqc_notification', reason: 'Not a notifiable event' }),
    ]);
  });

  it('a forged escalation code or unknown verb is not forwarded', async () => {
    await post(cardAction(url, manager, 'notify', { value: JSON.stringify({ ref: 'INC-1', code: 'nope' }), form: 'f1_', f1_who: 'x' }, 'a'));
    await post(cardAction(url, manager, 'delete_everything', { value: 'x' }, 'a'));
    expect(assistant.events).toEqual([]);
  });
});

describe('bad requests never crash the server', () => {
  it('malformed JSON → 400, oversized → 413, not an activity → 400; the server still answers', async () => {
    expect((await postActivity(base, null, '{"type": "message",')).status).toBe(400);
    expect((await postActivity(base, null, JSON.stringify({ type: 'message', text: 'x'.repeat(1_100_000) }))).status).toBe(413);
    expect((await postActivity(base, null, '[1,2,3]')).status).toBe(400);
    expect((await postActivity(base, { type: 'message', from: 5, conversation: 'x' })).status).toBe(400);
    const ok = await postActivity(base, personalMessage(url, carer, 'still here'));
    expect(ok.status).toBe(200);
    expect(assistant.events).toHaveLength(1);
  });
});

describe('when Redis cannot be reached', () => {
  it('a message is answered in the same turn with what to do, and nothing is forwarded', async () => {
    const down = new RedisStore({ url: 'redis://127.0.0.1:1', prefix: uniquePrefix('teams-down') });
    const downServer = new HttpServer();
    const downAssistant = new RecordingAssistant();
    createTeams({ store: down, server: downServer, assistant: downAssistant, nodeEnv: 'test' });
    const port = await downServer.listen(0, '127.0.0.1');
    try {
      const res = await postActivity(`http://127.0.0.1:${port}`, personalMessage(url, carer, 'Mrs B fell'));
      expect(res.status).toBe(200);
      expect(downAssistant.events).toEqual([]);
      const said = connector.calls.map((c) => c.body.text);
      expect(said).toEqual([TEXT.storeDown]);
      const click = await postActivity(`http://127.0.0.1:${port}`, cardAction(url, carer, 'start', { value: '' }, 'activity-1'));
      expect((click.json as { value: string }).value).toBe(TEXT.storeDown);
    } finally {
      await downServer.close();
      await down.close();
    }
  });
});

describe('proactive sends reach the connector', () => {
  it('sendDirect, update, postChannel and reply use the right paths, with no token in dev mode', async () => {
    await post(personalInstall(url, manager));
    await post(teamInstall(url, manager));
    const msg = { kind: 'page' as const, text: 'Page', blocks: [{ type: 'text' as const, text: 'Page' }], actions: [{ id: 'ack', label: 'Acknowledge', value: 'INC-1' }] };

    const dm = await teams.channel.sendDirect({ platform: 'teams', id: manager.aadObjectId }, msg);
    expect(dm).toEqual({ platform: 'teams', conversation: personalConversationId(manager), id: 'activity-1' });
    expect(connector.of('send', personalConversationId(manager))).toHaveLength(1);

    await teams.channel.update(dm, { ...msg, kind: 'answered' });
    const upd = connector.of('update');
    expect(upd).toHaveLength(1);
    expect(upd[0]!.conversationId).toBe(personalConversationId(manager));
    expect(upd[0]!.activityId).toBe('activity-1');

    const rec = await teams.channel.postChannel(CHANNEL_ID, { ...msg, kind: 'record' });
    expect(rec.conversation).toBe(CHANNEL_ID);
    expect(connector.of('send', CHANNEL_ID)).toHaveLength(1);

    const r = await teams.channel.reply(rec, { kind: 'timeline', text: 'Paged', blocks: [] });
    expect(r.conversation).toBe(`${CHANNEL_ID};messageid=${rec.id}`);
    expect(connector.of('send', `${CHANNEL_ID};messageid=${rec.id}`)).toHaveLength(1);

    await teams.channel.update(rec, { ...msg, kind: 'record' });
    expect(connector.of('update', CHANNEL_ID)).toHaveLength(1);

    await teams.channel.notice({ platform: 'teams', id: manager.aadObjectId }, 'Only managers can do this.');
    expect(connector.calls.at(-1)!.body.text).toBe('Only managers can do this.');

    for (const c of connector.calls) expect(c.authorization).toBeUndefined();
    for (const { card } of connector.cards()) expect(cardProblems(card)).toEqual([]);
    // Proactive sends are new messages, never replies to the stored activity.
    expect(connector.of('reply')).toEqual([]);
  });

  it('sendDirect to someone with no stored reference fails clearly; 429 becomes RateLimitedError and is counted', async () => {
    await expect(teams.channel.sendDirect({ platform: 'teams', id: 'nobody' }, { kind: 'say', text: 'x', blocks: [] })).rejects.toThrow(
      /No stored Teams conversation/,
    );
    await post(personalInstall(url, carer));
    connector.rateLimitNext = 10;
    const err = await teams.channel.sendDirect({ platform: 'teams', id: carer.aadObjectId }, { kind: 'say', text: 'x', blocks: [] }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('RateLimitedError');
    expect((err as { retryAfterMs: number }).retryAfterMs).toBe(1000);
    expect(apiErrors).toEqual(['rate_limited']);
  });
});
