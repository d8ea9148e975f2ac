// Maps Slack's ways in (slash commands, DMs, app mentions, the message shortcut, buttons and
// modals) to neutral Inbound events for the Assistant. Every listener acks first and leaves the
// work to the WorkTracker, so Slack always gets its answer well within 3 seconds.

import type { App } from '@slack/bolt';
import type { Inbound, MessageRef, OutMessage, UserRef } from '../../core/types.js';
import type { AssistantPort, ChatCommand } from '../port.js';
import type { SlackChannel } from './channel.js';
import type { SlackLogger } from './logger.js';
import {
  NOT_NOTIFY_MODAL,
  NOTIFY_MODAL,
  notifyModal,
  notNotifyModal,
  parseNotifySubmission,
  parseNotNotifySubmission,
  parseTarget,
  type SubmittedView,
} from './modals.js';
import { neutralActionId, renderMessage } from './render.js';
import type { WorkTracker } from './work-tracker.js';

export const SLASH_COMMANDS = ['/incident', '/oncall', '/escalations'] as const;
export const SHORTCUT_REPORT = 'report_incident';
export const CALLBACK_IDS = [SHORTCUT_REPORT, NOTIFY_MODAL, NOT_NOTIFY_MODAL] as const;

/** Words people read. Short enough for a phone. */
export const TEXT = {
  mentionMoved: "I've sent you a direct message. Please don't share details here.",
  shortcutStarted: "I've started a report in a direct message with you.",
  commandStarted: "I've sent you a direct message.",
  notAllowed: 'Only managers and safeguarding leads can record this.',
  commandFailed: "Sorry, that didn't work. Please try again.",
} as const;

export interface ListenerDeps {
  channel: SlackChannel;
  assistant: () => AssistantPort;
  work: WorkTracker;
  logger: SlackLogger;
  now: () => number;
}

const slackUser = (id: string): UserRef => ({ platform: 'slack', id });

// The parts of Slack's payloads we read (documented shapes; everything optional to stay safe).
interface EventEnvelope {
  event_id?: string;
  event?: {
    type?: string;
    user?: string;
    text?: string;
    channel?: string;
    channel_type?: string;
    ts?: string;
    thread_ts?: string;
    bot_id?: string;
    subtype?: string;
  };
}
interface InteractionBody {
  type?: string;
  trigger_id?: string;
  user?: { id?: string };
  channel?: { id?: string };
  container?: { channel_id?: string; message_ts?: string };
  message?: { ts?: string; text?: string };
  message_ts?: string;
  callback_id?: string;
  actions?: Array<{ action_id?: string; value?: string; action_ts?: string }>;
  view?: SubmittedView & { id?: string; hash?: string };
}
interface CommandBody {
  command?: string;
  text?: string;
  user_id?: string;
  channel_id?: string;
  channel_name?: string;
  trigger_id?: string;
  response_url?: string;
}

type Ack = (response?: unknown) => Promise<void>;

export function registerListeners(app: App, deps: ListenerDeps): void {
  const { channel, work } = deps;
  const handle = (event: Inbound) => deps.assistant().handle(event);

  // --- Events: DMs and app mentions (Bolt acks events before calling us) ---------------------
  app.event('message', async (args) => {
    const body = args.body as EventEnvelope;
    const e = body.event;
    if (!e || e.channel_type !== 'im' || e.bot_id || e.subtype || !e.user) return;
    if (e.channel) channel.rememberDm(e.user, e.channel);
    const event: Inbound = { type: 'message', user: slackUser(e.user), text: e.text ?? '', dedupeId: body.event_id };
    work.run('dm', () => handle(event));
  });

  app.event('app_mention', async (args) => {
    const body = args.body as EventEnvelope;
    const e = body.event;
    if (!e?.user || !e.channel || !e.ts || e.bot_id) return;
    const user = slackUser(e.user);
    const thread: MessageRef = { platform: 'slack', conversation: e.channel, id: e.thread_ts ?? e.ts };
    work.run('mention', async () => {
      // Details are never collected in a channel: the mention text is not used as the narrative.
      // The thread reply follows the DM, once: a retried mention (on any instance) is a repeat.
      if (await handle({ type: 'start', user, dedupeId: body.event_id })) await channel.replyText(thread, TEXT.mentionMoved);
    });
  });

  // --- Slash commands -----------------------------------------------------------------------
  app.command(/.*/, async (args) => {
    const ack = args.ack as Ack;
    const c = args.body as CommandBody;
    const user = c.user_id ? slackUser(c.user_id) : undefined;
    if (!user) return ack();
    if (c.command === '/incident') {
      await ack(c.channel_name === 'directmessage' ? undefined : { response_type: 'ephemeral', text: TEXT.commandStarted });
      const narrative = (c.text ?? '').trim();
      const event: Inbound = { type: 'start', user, dedupeId: c.trigger_id, ...(narrative ? { narrative } : {}) };
      work.run('incident_command', () => handle(event));
      return;
    }
    const name = commandName(c.command);
    if (!name) return ack();
    await ack();
    work.run('command', async () => {
      let reply: OutMessage;
      try {
        reply = await deps.assistant().command(user, name, (c.text ?? '').trim());
      } catch (err) {
        deps.logger.error({ command: name, err: String((err as Error)?.name ?? 'error') }, 'Slack command failed');
        reply = { kind: 'say', text: TEXT.commandFailed, blocks: [{ type: 'text', text: TEXT.commandFailed }] };
      }
      await respondEphemeral(deps, c, user, reply);
    });
  });

  // --- Message shortcut "Report as incident" -------------------------------------------------
  app.shortcut(SHORTCUT_REPORT, async (args) => {
    const ack = args.ack as Ack;
    await ack();
    const b = args.body as InteractionBody;
    if (!b.user?.id) return;
    const user = slackUser(b.user.id);
    const narrative = (b.message?.text ?? '').trim();
    const where: MessageRef | undefined = b.channel?.id
      ? { platform: 'slack', conversation: b.channel.id, id: b.message_ts ?? b.message?.ts ?? '' }
      : undefined;
    const event: Inbound = { type: 'start', user, dedupeId: b.trigger_id, ...(narrative ? { narrative } : {}) };
    work.run('shortcut', async () => {
      await channel.notice(user, TEXT.shortcutStarted, where);
      await handle(event);
    });
  });

  // --- Buttons --------------------------------------------------------------------------------
  app.action(/.*/, async (args) => {
    const ack = args.ack as Ack;
    await ack();
    const b = args.body as InteractionBody;
    const action = b.actions?.[0];
    if (b.type !== 'block_actions' || !action?.action_id || !b.user?.id) return;
    const user = slackUser(b.user.id);
    const id = neutralActionId(action.action_id);
    const dedupeId = `${action.action_ts ?? ''}:${action.action_id}:${user.id}`;
    const conversation = b.container?.channel_id ?? b.channel?.id;
    const ts = b.container?.message_ts ?? b.message?.ts;
    const messageRef: MessageRef | undefined = conversation && ts ? { platform: 'slack', conversation, id: ts } : undefined;

    switch (id) {
      case 'choice': {
        const choice = parseChoice(action.value);
        if (!choice) return;
        work.run('choice', () => handle({ type: 'choice', user, ...choice, dedupeId, ...(messageRef ? { messageRef } : {}) }));
        return;
      }
      case 'start':
        work.run('start', () => handle({ type: 'start', user, dedupeId }));
        return;
      case 'ack':
        if (!action.value) return;
        work.run('ack', () => handle({ type: 'ack', user, ref: action.value!, dedupeId }));
        return;
      case 'notify':
      case 'not_notify': {
        const target = parseTarget(action.value);
        const triggerId = b.trigger_id;
        if (!target || !triggerId) return;
        work.run(id, async () => {
          const assistant = deps.assistant();
          const [allowed, summary] = await Promise.all([
            assistant.authorise(user, 'act_on_escalation', target.ref),
            assistant.incidentSummary(target.ref),
          ]);
          if (!allowed) {
            await channel.notice(user, TEXT.notAllowed, messageRef);
            return;
          }
          const label = summary?.escalations.find((e) => e.code === target.code)?.label ?? target.code;
          const view = id === 'notify' ? notifyModal(target, label, deps.now()) : notNotifyModal(target, label);
          await channel.openModal(triggerId, view);
        });
        return;
      }
      default:
        return;
    }
  });

  // --- Modal submissions --------------------------------------------------------------------
  app.view({ callback_id: NOTIFY_MODAL, type: 'view_submission' }, async (args) => {
    const ack = args.ack as Ack;
    const b = args.body as InteractionBody;
    const parsed = parseNotifySubmission(b.view ?? {}, deps.now());
    if (!parsed.ok) return ack({ response_action: 'errors', errors: parsed.errors });
    await ack();
    if (!b.user?.id) return;
    const { ref, code, who, at, reference } = parsed.value;
    const event: Inbound = {
      type: 'notified',
      user: slackUser(b.user.id),
      ref,
      code,
      who,
      at,
      ...(reference ? { reference } : {}),
      dedupeId: viewDedupeId(b),
    };
    work.run('notified', () => handle(event));
  });

  app.view({ callback_id: NOT_NOTIFY_MODAL, type: 'view_submission' }, async (args) => {
    const ack = args.ack as Ack;
    const b = args.body as InteractionBody;
    const parsed = parseNotNotifySubmission(b.view ?? {});
    if (!parsed.ok) return ack({ response_action: 'errors', errors: parsed.errors });
    await ack();
    if (!b.user?.id) return;
    const { ref, code, reason } = parsed.value;
    const event: Inbound = { type: 'not_notifying', user: slackUser(b.user.id), ref, code, reason, dedupeId: viewDedupeId(b) };
    work.run('not_notifying', () => handle(event));
  });
}

function viewDedupeId(b: InteractionBody): string | undefined {
  return b.view?.id ? `${b.view.id}${b.view.hash ?? ''}` : undefined;
}

function commandName(command: string | undefined): ChatCommand | null {
  if (command === '/oncall') return 'oncall';
  if (command === '/escalations') return 'escalations';
  return null;
}

function parseChoice(value: string | undefined): { stepId: string; choiceId: string } | null {
  if (!value) return null;
  try {
    const v = JSON.parse(value) as { stepId?: unknown; choiceId?: unknown };
    return typeof v.stepId === 'string' && typeof v.choiceId === 'string' ? { stepId: v.stepId, choiceId: v.choiceId } : null;
  } catch {
    return null;
  }
}

/** Reply to a slash command only the person sees: via its response_url, else as a notice. */
async function respondEphemeral(deps: ListenerDeps, c: CommandBody, user: UserRef, reply: OutMessage): Promise<void> {
  const { text, blocks } = renderMessage(reply);
  // The response_url is Slack's own (hooks.slack.com), given in the signed request.
  if (c.response_url) {
    try {
      const res = await fetch(c.response_url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text, blocks }),
      });
      if (res.ok) return;
    } catch {
      // fall through to a notice
    }
  }
  const where: MessageRef | undefined = c.channel_id ? { platform: 'slack', conversation: c.channel_id, id: '' } : undefined;
  await deps.channel.notice(user, reply.text || TEXT.commandFailed, where);
}
