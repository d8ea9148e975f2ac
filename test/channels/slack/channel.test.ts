// SlackChannel against the fake Web API: DMs via conversations.open (cached), channel posts,
// updates and thread replies, ephemeral notices with a DM fallback, Retry-After handling, and
// pages going through a different client (queue) from record updates.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutMessage } from '../../../src/core/types.js';
import { RateLimitedError } from '../../../src/channels/port.js';
import { SlackChannel } from '../../../src/channels/slack/channel.js';
import { normaliseApiUrl } from '../../../src/channels/slack/web-clients.js';
import { BOT_TOKEN, startFakeSlackApi, type FakeSlackApi } from '../../helpers/slack.js';

const msg = (text: string): OutMessage => ({ kind: 'say', text, blocks: [{ type: 'text', text }] });
const page: OutMessage = {
  kind: 'page',
  text: 'Incident INC-1 needs you',
  blocks: [{ type: 'heading', text: 'Incident INC-1' }],
  actions: [{ id: 'ack', label: 'Acknowledge', value: 'INC-1', style: 'primary' }],
};
const reporter = { platform: 'slack' as const, id: 'UREP00001' };

let api: FakeSlackApi;
let sleeps: number[];
let channel: SlackChannel;
beforeEach(async () => {
  api = await startFakeSlackApi();
  sleeps = [];
  channel = new SlackChannel({
    botToken: BOT_TOKEN,
    apiUrl: api.url,
    rateLimit: {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    },
  });
});
afterEach(async () => {
  await api.close();
});

describe('SlackChannel', () => {
  it('normalises the API URL to end with one slash', () => {
    expect(normaliseApiUrl('https://slack.example/api')).toBe('https://slack.example/api/');
    expect(normaliseApiUrl('https://slack.example/api/')).toBe('https://slack.example/api/');
    expect(normaliseApiUrl(undefined)).toBe('https://slack.com/api/');
  });

  it('sends a DM by opening the conversation once and posting to it', async () => {
    const ref1 = await channel.sendDirect(reporter, msg('first'));
    const ref2 = await channel.sendDirect(reporter, msg('second'));
    expect(api.callsOf('conversations.open')).toHaveLength(1);
    expect(api.callsOf('conversations.open')[0]!.params.users).toBe('UREP00001');
    const posts = api.callsOf('chat.postMessage');
    expect(posts.map((p) => p.params.channel)).toEqual(['DREP00001', 'DREP00001']);
    expect(ref1).toMatchObject({ platform: 'slack', conversation: 'DREP00001' });
    expect(ref1.id).not.toBe(ref2.id);
  });

  it('posts to a channel, updates in place and replies in the thread', async () => {
    const record = await channel.postChannel('C0ESCAL01', msg('record v1'));
    await channel.update(record, msg('record v2'));
    const reply = await channel.reply(record, msg('timeline: paged'));
    const update = api.callsOf('chat.update')[0]!;
    expect(update.params).toMatchObject({ channel: 'C0ESCAL01', ts: record.id, text: 'record v2' });
    const replyCall = api.callsOf('chat.postMessage')[1]!;
    expect(replyCall.params).toMatchObject({ channel: 'C0ESCAL01', thread_ts: record.id });
    expect(reply.conversation).toBe('C0ESCAL01');
  });

  it('sends blocks and escaped fallback text', async () => {
    await channel.postChannel('C0ESCAL01', msg('<!channel> look'));
    const call = api.callsOf('chat.postMessage')[0]!;
    expect(call.params.text).toBe('&lt;!channel&gt; look');
    expect(Array.isArray(call.params.blocks)).toBe(true);
  });

  it('can reach Slack user ids only', async () => {
    expect(await channel.canReach(reporter)).toBe(true);
    expect(await channel.canReach({ platform: 'slack', id: 'WABC123' })).toBe(true);
    expect(await channel.canReach({ platform: 'slack', id: 'jane' })).toBe(false);
    expect(await channel.canReach({ platform: 'teams', id: 'UREP00001' })).toBe(false);
  });

  it('gives a notice ephemerally where given, and by DM when that fails or nowhere is given', async () => {
    const where = { platform: 'slack' as const, conversation: 'C0ESCAL01', id: '1.1' };
    await channel.notice(reporter, 'Only managers can do this.', where);
    expect(api.callsOf('chat.postEphemeral')).toHaveLength(1);
    expect(api.callsOf('chat.postMessage')).toHaveLength(0);

    api.failNext('chat.postEphemeral', { status: 200, error: 'not_in_channel' });
    await channel.notice(reporter, 'Only managers can do this.', where);
    expect(api.callsOf('chat.postMessage').map((c) => c.params.channel)).toEqual(['DREP00001']);

    await channel.notice(reporter, 'Saved.');
    expect(api.callsOf('chat.postMessage')).toHaveLength(2);
  });

  it('honours 429 Retry-After: waits the time asked and the message is still delivered', async () => {
    api.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const ref = await channel.postChannel('C0ESCAL01', msg('record'));
    expect(sleeps).toEqual([1000]);
    expect(api.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.status)).toEqual([429, 200]);
    expect(ref.id).toBeTruthy();
  });

  it('really waits for Retry-After with the default sleep', async () => {
    const real = new SlackChannel({ botToken: BOT_TOKEN, apiUrl: api.url });
    api.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const ref = await real.sendDirect(reporter, page);
    expect(ref.conversation).toBe('DREP00001');
    expect(api.callsOf('chat.postMessage')).toHaveLength(1);
  });

  it('hands back RateLimitedError when Slack asks for a longer wait than we hold a call for', async () => {
    api.failNext('chat.update', { status: 429, retryAfter: 120 });
    const err = await channel.update({ platform: 'slack', conversation: 'C0ESCAL01', id: '1.1' }, msg('x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(120_000);
    expect(sleeps).toEqual([]);
  });

  it('retries a 500 and then delivers', async () => {
    api.failNext('chat.postMessage', { status: 500 }, 1);
    await channel.postChannel('C0ESCAL01', msg('record'));
    expect(api.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.status)).toEqual([500, 200]);
  });

  it('sends pages and DMs through a different client from record updates', async () => {
    expect(channel.clients.direct).not.toBe(channel.clients.records);
    const record = await channel.postChannel('C0ESCAL01', msg('record'));
    await channel.update(record, msg('record v2'));
    await channel.reply(record, msg('timeline'));
    const pageRef = await channel.sendDirect({ platform: 'slack', id: 'UONCALL01' }, page);
    await channel.update(pageRef, { ...page, actions: [] });
    const byMethod = api.calls.map((c) => `${c.method}:${String(c.params.channel ?? '')}:${c.client}`);
    expect(byMethod).toEqual([
      'chat.postMessage:C0ESCAL01:records',
      'chat.update:C0ESCAL01:records',
      'chat.postMessage:C0ESCAL01:records',
      'conversations.open::direct',
      'chat.postMessage:DONCALL01:direct',
      'chat.update:DONCALL01:direct',
    ]);
  });

  it('a page is delivered while a record update is held up by a rate limit', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const slow = new SlackChannel({ botToken: BOT_TOKEN, apiUrl: api.url, rateLimit: { sleep: () => held } });
    api.failNext('chat.update', { status: 429, retryAfter: 5 });
    const updating = slow.update({ platform: 'slack', conversation: 'C0ESCAL01', id: '1.1' }, msg('record'));
    const paged = await slow.sendDirect({ platform: 'slack', id: 'UONCALL01' }, page);
    expect(paged.conversation).toBe('DONCALL01');
    expect(api.callsOf('chat.update')).toHaveLength(0);
    release();
    await updating;
    expect(api.callsOf('chat.update')).toHaveLength(1);
  });
});
