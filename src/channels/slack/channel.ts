// SlackChannel: how the neutral core reaches people in Slack (the Channel port) over the Web API.
// DMs, pages, notices and modals go through the `direct` client; the escalation record in the
// escalations channel goes through the `records` client (see web-clients.ts for why, and for the
// rate-limit policy).

import type { MessageRef, OutMessage, UserRef } from '../../core/types.js';
import type { Channel } from '../port.js';
import { renderMessage, renderNotice, type SlackMessage } from './render.js';
import {
  callSlack,
  createSlackClients,
  DEFAULT_RATE_LIMIT_POLICY,
  type ApiErrorHook,
  type RateLimitPolicy,
  type SlackApi,
  type SlackClients,
  type SlackResult,
} from './web-clients.js';

export interface SlackChannelOptions {
  botToken: string;
  /** SLACK_API_URL; a trailing '/' is added when missing. */
  apiUrl?: string;
  rateLimit?: Partial<RateLimitPolicy>;
  /** Told of every failed Web API call (the platform-errors metric). */
  onApiError?: ApiErrorHook;
}

/** Slack user ids: U… or W… (Enterprise Grid), upper-case letters and digits. */
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

export class SlackChannel implements Channel {
  readonly platform = 'slack' as const;
  readonly clients: SlackClients;
  private readonly policy: RateLimitPolicy;
  private readonly onApiError: ApiErrorHook | undefined;
  /** User id → DM channel id (from conversations.open, or from a message the person wrote us). */
  private readonly dmChannels = new Map<string, string>();

  constructor(options: SlackChannelOptions) {
    this.clients = createSlackClients(options.botToken, options.apiUrl);
    this.policy = { ...DEFAULT_RATE_LIMIT_POLICY, ...options.rateLimit };
    this.onApiError = options.onApiError;
  }

  /** A Web API call with the rate-limit policy, reporting failures to the metric. */
  private call<T extends SlackResult>(fn: () => Promise<T>): Promise<T> {
    return callSlack(fn, this.policy, this.onApiError);
  }

  async sendDirect(user: UserRef, msg: OutMessage): Promise<MessageRef> {
    return this.postDirect(user.id, renderMessage(msg));
  }

  async postChannel(channelId: string, msg: OutMessage): Promise<MessageRef> {
    return this.post(this.clients.records, channelId, renderMessage(msg));
  }

  async update(ref: MessageRef, msg: OutMessage): Promise<void> {
    const { text, blocks } = renderMessage(msg);
    const client = this.clientFor(ref.conversation);
    await this.call(() => client.call('chat.update', { channel: ref.conversation, ts: ref.id, text, blocks }));
  }

  async reply(parent: MessageRef, msg: OutMessage): Promise<MessageRef> {
    return this.post(this.clientFor(parent.conversation), parent.conversation, renderMessage(msg), parent.id);
  }

  async canReach(user: UserRef): Promise<boolean> {
    return user.platform === 'slack' && SLACK_USER_ID.test(user.id);
  }

  /** Ephemeral in `where`'s conversation when given (falling back to a DM if that fails), else a DM. */
  async notice(user: UserRef, text: string, where?: MessageRef): Promise<void> {
    const rendered = renderNotice(text);
    if (where) {
      try {
        await this.call(() =>
          this.clients.direct.call('chat.postEphemeral', {
            channel: where.conversation,
            user: user.id,
            text: rendered.text,
            blocks: rendered.blocks,
          }),
        );
        return;
      } catch {
        // e.g. the assistant is not in that channel: tell the person directly instead.
      }
    }
    await this.postDirect(user.id, rendered);
  }

  /** Open a modal (views.open) for a trigger from a button click. */
  async openModal(triggerId: string, view: Record<string, unknown>): Promise<void> {
    await this.call(() => this.clients.direct.call('views.open', { trigger_id: triggerId, view }));
  }

  /** Post a plain notice in a thread (used for the app-mention hand-over reply). */
  async replyText(parent: MessageRef, text: string): Promise<MessageRef> {
    return this.post(this.clientFor(parent.conversation), parent.conversation, renderNotice(text), parent.id);
  }

  /**
   * The person wrote to us in our DM with them (a message.im event): remember that channel, so
   * replies need no conversations.open call. Only DM ids (D…) are taken.
   */
  rememberDm(userId: string, channelId: string): void {
    if (channelId.startsWith('D')) this.dmChannels.set(userId, channelId);
  }

  private clientFor(conversation: string) {
    // Slack DM channel ids (from conversations.open or a message.im event) start with 'D'; pages and questions live there.
    return conversation.startsWith('D') ? this.clients.direct : this.clients.records;
  }

  private async postDirect(userId: string, message: SlackMessage): Promise<MessageRef> {
    const channel = await this.openDm(userId);
    try {
      return await this.post(this.clients.direct, channel, message);
    } catch (err) {
      if (platformError(err) !== 'channel_not_found') throw err;
      // The cached DM channel is no longer valid: open it again once.
      this.dmChannels.delete(userId);
      return this.post(this.clients.direct, await this.openDm(userId), message);
    }
  }

  private async openDm(userId: string): Promise<string> {
    const cached = this.dmChannels.get(userId);
    if (cached) return cached;
    const res = await this.call(() => this.clients.direct.call<SlackResult & { channel?: { id?: string } }>('conversations.open', { users: userId }));
    const id = res.channel?.id;
    if (!id) throw new Error('conversations.open returned no channel id');
    this.dmChannels.set(userId, id);
    return id;
  }

  private async post(
    client: SlackApi,
    channel: string,
    message: SlackMessage,
    threadTs?: string,
  ): Promise<MessageRef> {
    const res = await this.call(() =>
      client.call<SlackResult & { ts?: string; channel?: string }>('chat.postMessage', {
        channel,
        text: message.text,
        blocks: message.blocks,
        unfurl_links: false,
        unfurl_media: false,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      }),
    );
    if (!res.ts) throw new Error('chat.postMessage returned no ts');
    return { platform: 'slack', conversation: res.channel ?? channel, id: res.ts };
  }
}

/** The `error` string of a Slack platform error (ok:false), if that is what `err` is. */
export function platformError(err: unknown): string | undefined {
  const e = err as { code?: string; data?: { error?: string } } | undefined;
  return e?.code === 'slack_webapi_platform_error' ? e.data?.error : undefined;
}
