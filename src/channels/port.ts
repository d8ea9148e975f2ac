// The channel port: how the platform-neutral core reaches people. Each platform folder
// (slack/, teams/, terminal/) implements Channel and turns its own inbound payloads into
// `Inbound` events for the Assistant (src/app/assistant.ts).

import type { MessageRef, OutMessage, Platform, UserRef } from '../core/types.js';

export interface Channel {
  platform: Platform;
  /** Send a direct (1:1) message to a user. Returns a reference for later updates. */
  sendDirect(user: UserRef, msg: OutMessage): Promise<MessageRef>;
  /** Post to a channel by its platform id (Slack channel id, Teams channel/conversation id). */
  postChannel(channelId: string, msg: OutMessage): Promise<MessageRef>;
  /** Replace a message in place (answered question, acknowledged page, record). */
  update(ref: MessageRef, msg: OutMessage): Promise<void>;
  /** Reply in the thread of a message (record timeline). */
  reply(parent: MessageRef, msg: OutMessage): Promise<MessageRef>;
  /** Whether this channel can reach the user (Teams needs a stored conversation reference). */
  canReach(user: UserRef): Promise<boolean>;
  /**
   * A short notice to one person (e.g. "Only managers can do this"). Slack uses an ephemeral
   * message in `where`'s channel when given, else a DM; Teams and the terminal send it directly.
   */
  notice(user: UserRef, text: string, where?: MessageRef): Promise<void>;
}

/** Thrown when a platform refuses for a while (429); the caller re-queues after `retryAfterMs`. */
export class RateLimitedError extends Error {
  constructor(public readonly retryAfterMs: number) {
    super(`Rate limited; retry after ${retryAfterMs} ms`);
    this.name = 'RateLimitedError';
  }
}
