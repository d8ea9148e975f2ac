// TeamsChannel: the Channel port for Microsoft Teams. Every send is proactive, from a stored
// conversation reference, through CloudAdapter.continueConversationAsync.

import type { Activity, CloudAdapter, TurnContext } from 'botbuilder';
import type { MessageRef, OutMessage, UserRef } from '../../core/types.js';
import { RateLimitedError, type Channel } from '../port.js';
import { cardAttachment, type TeamsOutMessage } from './cards.js';
import { escapeMarkdown } from './escape.js';
import type { TeamsLogger } from './logger.js';
import { baseConversationId, isChannelConversation, type ConversationRefs, type StoredReference } from './refs.js';

/** Thrown when there is no stored conversation reference for a user or conversation. */
export class TeamsUnreachableError extends Error {
  constructor(what: string) {
    super(`No stored Teams conversation for this ${what}. The app must be installed (or the person must message it) first.`);
    this.name = 'TeamsUnreachableError';
  }
}

export class TeamsChannel implements Channel {
  readonly platform = 'teams' as const;

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly refs: ConversationRefs,
    private readonly logger: TeamsLogger,
    private readonly onApiError?: (kind: string) => void,
  ) {}

  async sendDirect(user: UserRef, msg: OutMessage): Promise<MessageRef> {
    const ref = await this.refs.user(user.id);
    if (!ref) throw new TeamsUnreachableError('person');
    return this.send(ref, cardActivity(msg));
  }

  async postChannel(channelId: string, msg: OutMessage): Promise<MessageRef> {
    const ref = await this.refs.forConversation(channelId);
    if (!ref) throw new TeamsUnreachableError('channel');
    return this.send({ ...ref, conversation: { ...ref.conversation!, id: baseConversationId(channelId) } }, cardActivity(msg));
  }

  async update(ref: MessageRef, msg: OutMessage): Promise<void> {
    const conv = await this.refs.forConversation(ref.conversation);
    if (!conv) throw new TeamsUnreachableError('conversation');
    const target = { ...conv, conversation: { ...conv.conversation!, id: ref.conversation } };
    await this.run(target, async (ctx) => {
      await ctx.updateActivity({ ...cardActivity(msg), id: ref.id, conversation: target.conversation } as Partial<Activity>);
    });
  }

  async reply(parent: MessageRef, msg: OutMessage): Promise<MessageRef> {
    const conv = await this.refs.forConversation(parent.conversation);
    if (!conv) throw new TeamsUnreachableError('conversation');
    // In a channel, a reply goes to the thread: conversation id "<channel>;messageid=<root id>".
    const base = baseConversationId(parent.conversation);
    const id = isChannelConversation(base) ? `${base};messageid=${parent.id}` : parent.conversation;
    return this.send({ ...conv, conversation: { ...conv.conversation!, id } }, cardActivity(msg));
  }

  async canReach(user: UserRef): Promise<boolean> {
    return user.platform === 'teams' && (await this.refs.user(user.id)) !== null;
  }

  async notice(user: UserRef, text: string): Promise<void> {
    const ref = await this.refs.user(user.id);
    if (!ref) {
      this.logger.warn({ platform: 'teams' }, 'notice not sent: no stored conversation for the person');
      return;
    }
    await this.send(ref, textActivity(text));
  }

  private async send(ref: StoredReference, activity: Partial<Activity>): Promise<MessageRef> {
    let id: string | undefined;
    await this.run(ref, async (ctx) => {
      // The continuation activity gets a random id, which botbuilder would turn into replyToId (a
      // reply to a message that does not exist). Proactive sends are new messages: drop it.
      delete (ctx.activity as { id?: string }).id;
      const sent = await ctx.sendActivity(activity);
      id = sent?.id;
    });
    if (!id) throw new Error('Teams did not return an id for the sent message');
    return { platform: 'teams', conversation: ref.conversation!.id, id };
  }

  private async run(ref: StoredReference, logic: (ctx: TurnContext) => Promise<void>): Promise<void> {
    try {
      await this.adapter.continueConversationAsync(this.appId, ref, logic);
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      this.onApiError?.(status === 429 ? 'rate_limited' : status ? 'http_error' : 'request_error');
      if (status === 429) throw new RateLimitedError(retryAfterMs(err));
      throw err;
    }
  }
}

/** A message activity carrying the card; `summary` is what notifications show. */
export function cardActivity(msg: TeamsOutMessage): Partial<Activity> {
  return { type: 'message', summary: msg.text, attachments: [cardAttachment(msg)] };
}

export function textActivity(text: string): Partial<Activity> {
  return { type: 'message', textFormat: 'markdown', text: escapeMarkdown(text) };
}

function retryAfterMs(err: unknown): number {
  const headers = (err as { response?: { headers?: { get?: (n: string) => string | undefined } } }).response?.headers;
  const raw = headers?.get?.('retry-after');
  const seconds = raw ? Number(raw) : NaN;
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000;
}
