// Renders the neutral OutMessage as Slack Block Kit. All text is treated as user-originated:
// it is escaped for mrkdwn (& < >) and @channel/@here/@everyone are broken up, so nothing a
// reporter typed can ping a channel, mention someone or inject a link. Slack's size limits are
// respected by truncating with "…".

import type { Action, Block as NeutralBlock, OutMessage } from '../../core/types.js';

/** Slack limits (https://docs.slack.dev/reference/block-kit/blocks). */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  fieldText: 2000,
  fieldsPerSection: 10,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  actionsPerBlock: 25,
  fallbackText: 3000,
} as const;

export interface SlackText {
  type: 'mrkdwn' | 'plain_text';
  text: string;
  emoji?: boolean;
}

export interface SlackButton {
  type: 'button';
  action_id: string;
  text: SlackText;
  value: string;
  style?: 'primary' | 'danger';
}

export type SlackBlock =
  | { type: 'header'; text: SlackText }
  | { type: 'section'; text?: SlackText; fields?: SlackText[] }
  | { type: 'context'; elements: SlackText[] }
  | { type: 'actions'; elements: SlackButton[] };

export interface SlackMessage {
  /** Notification / fallback text (escaped like the blocks). */
  text: string;
  blocks: SlackBlock[];
}

const MENTION_WORDS = /@(channel|here|everyone)\b/gi;

/**
 * Escape text for mrkdwn: `&`, `<`, `>` become entities (so `<!channel>`, `<@U123>` and
 * `<https://x|y>` are shown literally), and `@here`-style words get a word joiner after the `@`.
 */
export function escapeMrkdwn(text: string): string {
  return neutraliseMentions(text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}

/** Break up @channel / @here / @everyone so they never notify anyone (also for plain_text). */
export function neutraliseMentions(text: string): string {
  return text.replace(MENTION_WORDS, (_m, word: string) => `@\u2060${word}`);
}

/** Cut `text` to at most `max` characters, ending with "…" when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

function mrkdwn(text: string, max: number = SLACK_LIMITS.sectionText): SlackText {
  return { type: 'mrkdwn', text: truncateEscaped(text, max) };
}

function plain(text: string, max: number): SlackText {
  return { type: 'plain_text', text: truncate(neutraliseMentions(text), max), emoji: true };
}

/** Escape, then truncate without cutting an entity such as `&amp;` in half. */
function truncateEscaped(raw: string, max: number): string {
  const escaped = escapeMrkdwn(raw);
  if (Array.from(escaped).length <= max) return escaped;
  let cut = truncate(escaped, max).slice(0, -1);
  cut = cut.replace(/&[a-z]{0,4}$/, '');
  return `${cut}…`;
}

function renderBlock(block: NeutralBlock): SlackBlock[] {
  switch (block.type) {
    case 'heading':
      return [{ type: 'header', text: plain(block.text, SLACK_LIMITS.headerText) }];
    case 'text':
      if (block.emphasis === 'muted') return [{ type: 'context', elements: [mrkdwn(block.text)] }];
      if (block.emphasis === 'urgent') {
        return [{ type: 'section', text: { type: 'mrkdwn', text: `:rotating_light: *${truncateEscaped(block.text, SLACK_LIMITS.sectionText - 22)}*` } }];
      }
      return [{ type: 'section', text: mrkdwn(block.text) }];
    case 'fields': {
      const out: SlackBlock[] = [];
      for (let i = 0; i < block.fields.length; i += SLACK_LIMITS.fieldsPerSection) {
        const fields = block.fields.slice(i, i + SLACK_LIMITS.fieldsPerSection).map((f) => {
          const label = truncateEscaped(f.label, 200);
          return { type: 'mrkdwn' as const, text: `*${label}*\n${truncateEscaped(f.value, SLACK_LIMITS.fieldText - label.length - 3)}` };
        });
        out.push({ type: 'section', fields });
      }
      return out;
    }
    case 'list':
      if (block.items.length === 0) return [];
      return [{ type: 'section', text: { type: 'mrkdwn', text: joinWithin(block.items.map((i) => `• ${escapeMrkdwn(i)}`), SLACK_LIMITS.sectionText) } }];
  }
}

/** Join lines with newlines, dropping whole lines past `max` and ending with "…". */
function joinWithin(lines: string[], max: number): string {
  let out = '';
  for (const line of lines) {
    const next = out ? `${out}\n${line}` : line;
    if (Array.from(next).length > max) return out ? `${out}\n…` : truncate(line, max);
    out = next;
  }
  return out;
}

function button(action: Action, index: number): SlackButton {
  const b: SlackButton = {
    type: 'button',
    action_id: `${action.id}:${index}`,
    text: plain(action.label, SLACK_LIMITS.buttonText),
    value: truncate(action.value, SLACK_LIMITS.buttonValue),
  };
  if (action.style) b.style = action.style;
  return b;
}

/** The buttons of a message: the question's choices (as `choice` actions) then its actions. */
export function messageActions(msg: OutMessage): Action[] {
  if (msg.kind === 'answered') return [];
  const actions = msg.actions ?? [];
  const hasChoiceActions = actions.some((a) => a.id === 'choice');
  const choices: Action[] =
    msg.question && !hasChoiceActions
      ? msg.question.choices.map((c) => ({
          id: 'choice',
          label: c.label,
          value: JSON.stringify({ stepId: msg.question!.stepId, choiceId: c.id }),
        }))
      : [];
  return [...choices, ...actions];
}

/** Split an action id such as `notify:3` back into its neutral id (`notify`). */
export function neutralActionId(slackActionId: string): string {
  const i = slackActionId.indexOf(':');
  return i === -1 ? slackActionId : slackActionId.slice(0, i);
}

/** Render a neutral message as Block Kit blocks plus escaped fallback text. */
export function renderMessage(msg: OutMessage): SlackMessage {
  const blocks: SlackBlock[] = msg.blocks.flatMap(renderBlock);
  const buttons = messageActions(msg).map(button);
  const actionBlocks: SlackBlock[] = [];
  for (let i = 0; i < buttons.length; i += SLACK_LIMITS.actionsPerBlock) {
    actionBlocks.push({ type: 'actions', elements: buttons.slice(i, i + SLACK_LIMITS.actionsPerBlock) });
  }
  if (blocks.length === 0 && msg.text) blocks.push({ type: 'section', text: mrkdwn(msg.text) });

  // Keep the buttons when cutting: content first, then as many action blocks as fit.
  const room = SLACK_LIMITS.blocks - Math.min(actionBlocks.length, SLACK_LIMITS.blocks - 1);
  let content = blocks;
  if (content.length > room) {
    content = [...blocks.slice(0, room - 1), { type: 'context', elements: [{ type: 'mrkdwn', text: '…' }] }];
  }
  const all = [...content, ...actionBlocks].slice(0, SLACK_LIMITS.blocks);
  const text = truncateEscaped(msg.text || '', SLACK_LIMITS.fallbackText - 200);
  if (msg.kind !== 'alert') return { text, blocks: all };
  const pings = [
    ...(msg.mentionChannel ? [CHANNEL_PING] : []),
    ...(msg.mentions ?? []).filter((u) => u.platform === 'slack' && SLACK_USER_ID.test(u.id)).map((u) => `<@${u.id}>`),
  ];
  return pings.length ? withPing(pings.join(' '), text, all) : { text, blocks: all };
}

/** Slack's @channel markup. Only ever added by us, for channel-wide alerts; never from user text. */
const CHANNEL_PING = '<!channel>';
/** Slack user ids (U…, W…): the only thing ever put inside a `<@…>` mention. */
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,20}$/;

/** Put our own mention markup (for alerts) in front of the text and the first section. */
function withPing(ping: string, text: string, blocks: SlackBlock[]): SlackMessage {
  const [first, ...rest] = blocks;
  let pinged: SlackBlock[];
  if (first?.type === 'section' && first.text?.type === 'mrkdwn' && first.text.text.length + ping.length < SLACK_LIMITS.sectionText) {
    const section: SlackBlock = { ...first, text: { type: 'mrkdwn', text: `${ping} ${first.text.text}` } };
    pinged = [section, ...rest];
  } else {
    const section: SlackBlock = { type: 'section', text: { type: 'mrkdwn', text: ping } };
    pinged = [section, ...blocks].slice(0, SLACK_LIMITS.blocks);
  }
  return { text: `${ping} ${text}`, blocks: pinged };
}

/** A plain notice (ephemeral or DM): one escaped section. */
export function renderNotice(text: string): SlackMessage {
  return { text: truncateEscaped(text, SLACK_LIMITS.fallbackText), blocks: [{ type: 'section', text: mrkdwn(text) }] };
}
