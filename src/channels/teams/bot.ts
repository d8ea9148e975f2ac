// The Teams turn logic: one incoming activity → stored conversation references, replies in the
// turn, and neutral Inbound events for the Assistant. Details are only ever collected in 1:1 chat.

import {
  ActivityTypes,
  TurnContext,
  type Activity,
  type CloudAdapter,
  type ConversationParameters,
} from 'botbuilder';
import type { Inbound, UserRef } from '../../core/types.js';
import type { AssistantPort, ChatCommand } from '../port.js';
import type { Store } from '../../store/port.js';
import { cardActivity, textActivity } from './channel.js';
import { parseCardAction } from './invoke.js';
import type { TeamsLogger } from './logger.js';
import type { ConversationRefs } from './refs.js';

export const TEXT = {
  movedToChat: "I've sent you a private chat message. Please don't share details here.",
  openChat:
    "I can't start a private chat with you yet. Please open the Escalation Assistant app's chat and say \"report\". Please don't share details here.",
  notAllowed: 'Only managers and safeguarding leads can record this.',
  notFound: 'I cannot find that incident. It may have been closed or erased.',
  done: 'Done',
  failed: "Sorry, that didn't work. Please try again. If anyone is in danger, call 999, then phone your manager.",
  notReady: 'The assistant is starting up. Please try again in a minute. If anyone is in danger, call 999.',
  storeDown: "I can't save anything right now. If anyone is in danger, call 999. Then phone the on-call manager and tell them what happened.",
} as const;

const COMMANDS: Record<string, ChatCommand> = { help: 'help', oncall: 'oncall', escalations: 'escalations' };

export interface BotDeps {
  adapter: CloudAdapter;
  appId: string;
  refs: ConversationRefs;
  store: Store;
  assistant: () => AssistantPort | undefined;
  logger: TeamsLogger;
  now: () => Date;
  /** Zone for typed dates and times when the activity does not give one. */
  timeZone: string;
}

export class TeamsBot {
  constructor(private readonly d: BotDeps) {}

  /** The CloudAdapter `logic` for every incoming activity. */
  readonly onTurn = async (ctx: TurnContext): Promise<void> => {
    const a = ctx.activity;
    switch (a.type) {
      case ActivityTypes.ConversationUpdate:
        if ((a.membersAdded ?? []).some((m) => m.id === a.recipient?.id)) await this.remember(a);
        return;
      case ActivityTypes.InstallationUpdate:
        if (typeof a.action === 'string' && a.action.startsWith('add')) await this.remember(a);
        return;
      case ActivityTypes.Message:
        return this.onMessage(ctx);
      case ActivityTypes.Invoke:
        if (a.name === 'adaptiveCard/action') return this.onCardAction(ctx);
        return;
      default:
        return;
    }
  };

  private async onMessage(ctx: TurnContext): Promise<void> {
    const a = ctx.activity;
    const user = userOf(a);
    if (!user) return;
    const assistant = this.d.assistant();
    if (!assistant) {
      await ctx.sendActivity(textActivity(TEXT.notReady));
      return;
    }
    if (a.conversation?.conversationType === 'personal') {
      if (!(await this.rememberOrSay(ctx))) return;
      const text = TurnContext.removeRecipientMention(a as Activity).trim();
      if (!text) return;
      const lower = text.toLowerCase();
      if (lower === 'report') return this.forward(ctx, { type: 'start', user, dedupeId: a.id });
      const cmd = /^(\w+)(?:\s+(\S+))?$/.exec(lower);
      const name = cmd ? COMMANDS[cmd[1]!] : undefined;
      if (cmd && name) {
        try {
          await ctx.sendActivity(cardActivity(await assistant.command(user, name, cmd[2] ?? '')));
        } catch (err) {
          this.d.logger.error({ activityId: a.id, command: name, err: (err as Error).name }, 'teams command failed');
          await ctx.sendActivity(textActivity(TEXT.failed));
        }
        return;
      }
      return this.forward(ctx, { type: 'message', user, text, dedupeId: a.id });
    }
    // Channel or group chat: only a mention of the bot reaches us; move the person to 1:1 chat.
    const mentioned = (a.entities ?? []).some((e) => e.type === 'mention' && e.mentioned?.id === a.recipient?.id);
    if (!mentioned) return;
    if (!(await this.rememberOrSay(ctx))) return;
    const reachable = (await this.d.refs.user(user.id)) !== null || (await this.openPersonalChat(a));
    // A retried activity must not post the channel reply twice.
    if (!a.id || (await this.d.store.dedupe(`teams:mention-reply:${a.id}`, 86_400))) {
      await ctx.sendActivity(textActivity(reachable ? TEXT.movedToChat : TEXT.openChat));
    }
    if (reachable) await this.forward(ctx, { type: 'start', user, dedupeId: a.id });
  }

  private async onCardAction(ctx: TurnContext): Promise<void> {
    const a = ctx.activity;
    const user = userOf(a);
    const action = (a.value as { action?: { verb?: unknown; data?: unknown } } | undefined)?.action;
    const verb = typeof action?.verb === 'string' ? action.verb : '';
    const data = action?.data && typeof action.data === 'object' ? (action.data as Record<string, unknown>) : {};
    const assistant = this.d.assistant();
    if (!user || !verb) return invokeReply(ctx, 400, 'That action was not understood.');
    if (!assistant) return invokeReply(ctx, 200, TEXT.notReady);
    if (a.conversation?.conversationType === 'personal') {
      try {
        await this.remember(a);
      } catch (err) {
        this.d.logger.error({ activityId: a.id, err: (err as Error).name }, 'could not store the Teams conversation reference');
        return invokeReply(ctx, 200, TEXT.storeDown);
      }
    }

    const parsed = parseCardAction({
      user,
      verb,
      data,
      cardActivityId: a.replyToId,
      conversationId: a.conversation.id,
      // Without an activity id there is nothing to recognise a retry by: no dedupe rather than one shared key.
      dedupeId: a.id ? `${a.id}:${user.id}:${verb}` : '',
      now: this.d.now(),
      timeZone: validZone(a.localTimezone) ?? this.d.timeZone,
    });
    if (!parsed.ok) return invokeReply(ctx, 200, parsed.message);
    try {
      if (parsed.authorise && !(await assistant.authorise(user, parsed.authorise.action, parsed.authorise.ref))) {
        // authorise is also false for an incident that does not exist: say which it is.
        const known = (await assistant.incidentSummary(parsed.authorise.ref)) !== null;
        return invokeReply(ctx, 200, known ? TEXT.notAllowed : TEXT.notFound);
      }
      await assistant.handle(parsed.event);
      return invokeReply(ctx, 200, TEXT.done);
    } catch (err) {
      this.d.logger.error({ activityId: a.id, verb, err: (err as Error).name }, 'teams card action failed');
      return invokeReply(ctx, 200, TEXT.failed);
    }
  }

  /** Hand an event to the Assistant; a failure is told to the person, never thrown at the Bot Framework. */
  private async forward(ctx: TurnContext, event: Inbound): Promise<void> {
    try {
      await this.d.assistant()!.handle(event);
    } catch (err) {
      this.d.logger.error({ activityId: ctx.activity.id, type: event.type, err: (err as Error).name }, 'teams event failed');
      await ctx.sendActivity(textActivity(TEXT.failed)).catch(() => undefined);
    }
  }

  /**
   * Remember the conversation; when the store cannot be reached, tell the person in this turn (the
   * assistant could not reach them proactively either) and return false.
   */
  private async rememberOrSay(ctx: TurnContext): Promise<boolean> {
    try {
      await this.remember(ctx.activity);
      return true;
    } catch (err) {
      this.d.logger.error({ activityId: ctx.activity.id, err: (err as Error).name }, 'could not store the Teams conversation reference');
      await ctx.sendActivity(textActivity(TEXT.storeDown));
      return false;
    }
  }

  /** Store the conversation reference of a personal chat (by user) or a channel (by channel id). */
  private async remember(a: Partial<Activity>): Promise<void> {
    const ref = TurnContext.getConversationReference(a);
    if (a.conversation?.conversationType === 'personal') {
      const aad = a.from?.aadObjectId;
      if (aad) await this.d.refs.saveUser(aad, ref);
      return;
    }
    if (a.conversation?.id) await this.d.refs.saveChannel(ref);
  }

  /**
   * Create a 1:1 chat with the sender of a channel message (works when the app is installed for
   * them or in a team they belong to). Stores the new reference. False when Teams refuses.
   */
  private async openPersonalChat(a: Partial<Activity>): Promise<boolean> {
    const tenantId = (a.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ?? a.conversation?.tenantId;
    const params = {
      isGroup: false,
      bot: a.recipient,
      members: [{ id: a.from!.id, name: a.from!.name ?? '' }],
      tenantId,
      channelData: { tenant: { id: tenantId } },
    } as unknown as ConversationParameters;
    try {
      let created = false;
      await this.d.adapter.createConversationAsync(
        this.d.appId,
        a.channelId ?? 'msteams',
        a.serviceUrl!,
        'https://api.botframework.com',
        params,
        async (ctx2) => {
          const ref = TurnContext.getConversationReference(ctx2.activity);
          const aad = a.from?.aadObjectId;
          if (aad && ref.conversation?.id) {
            await this.d.refs.saveUser(aad, {
              ...ref,
              user: { id: a.from!.id, name: a.from!.name ?? '', aadObjectId: aad } as never,
              conversation: { ...ref.conversation, conversationType: 'personal', tenantId } as never,
            });
            created = true;
          }
        },
      );
      return created;
    } catch (err) {
      this.d.logger.warn({ activityId: a.id, err: (err as Error).name }, 'could not open a Teams 1:1 chat');
      return false;
    }
  }
}

function userOf(a: Partial<Activity>): UserRef | undefined {
  const aad = a.from?.aadObjectId;
  if (!aad) return undefined;
  return { platform: 'teams', id: aad, ...(a.from?.name ? { name: a.from.name } : {}) };
}

async function invokeReply(ctx: TurnContext, status: number, text: string): Promise<void> {
  const body =
    status === 200
      ? { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text }
      : { statusCode: status, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message: text } };
  await ctx.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body } });
}

function validZone(zone: string | undefined): string | undefined {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

