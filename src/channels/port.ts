// The channel port: how the platform-neutral core reaches people. Each platform folder
// (slack/, teams/, terminal/) implements Channel and turns its own inbound payloads into
// `Inbound` events for the Assistant (src/app/assistant.ts).

import type { Action } from '../core/people.js';
import type { EscalationCode, Inbound, MessageRef, OutMessage, Platform, UserRef } from '../core/types.js';

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

/** What a channel may ask of the assistant. Implemented by src/app/assistant.ts. */
export interface AssistantPort {
  /**
   * Handle one inbound event. Deduplicates by `event.dedupeId`, runs the core, carries out the
   * effects through the channels. Never throws for user-facing problems: it tells the user.
   * Resolves false when the event repeats one already handled (same dedupe id, on any instance).
   */
  handle(event: Inbound): Promise<boolean>;
  /** Whether `user` may do `action` on incident `ref` (for opening a modal or showing a form). */
  authorise(user: UserRef, action: RoleAction, ref?: string): Promise<boolean>;
  /** Chat commands such as `/oncall`, `/oncall check`, `/escalations`. Returns the reply to show. */
  command(user: UserRef, name: ChatCommand, args: string): Promise<OutMessage>;
  /** A read-only view of an incident for forms (labels of escalations); null when not found. */
  incidentSummary(ref: string): Promise<{ ref: string; escalations: Array<{ code: EscalationCode; label: string }> } | null>;
}

/** What a role may do (see src/core/people.ts). */
export type RoleAction = Action;

export type ChatCommand = 'oncall' | 'escalations' | 'help';

/*
 * Action ids used on buttons (neutral `Action.id`), carried back by every channel:
 * - `choice`     value = JSON {stepId, choiceId}       → Inbound 'choice'
 * - `start`      value = ""                            → Inbound 'start'
 * - `ack`        value = incident ref                  → Inbound 'ack'
 * - `notify`     value = JSON {ref, code}              → form (who, when, reference) → Inbound 'notified'
 * - `not_notify` value = JSON {ref, code}              → form (reason)              → Inbound 'not_notifying'
 */
