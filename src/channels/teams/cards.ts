// Renders the neutral OutMessage as an Adaptive Card 1.5 (Universal Actions: `Action.Execute`).
// All text is escaped: the neutral model is plain text, so nothing in it may become markdown,
// links or mentions. Mentions come only from `mentions` (people from the organisation file).

import type { Action, Block, OutMessage, UserRef } from '../../core/types.js';
import { escapeMarkdown } from './escape.js';

export const CARD_VERSION = '1.5';
export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/** Hosts show at most five actions in a row (the adaptivecards default host config); more go into grouped action sets in the body. */
const MAX_CARD_ACTIONS = 5;
const ACTION_SET_SIZE = 4;

/** Input limits, shared with the invoke parser. */
export const LIMITS = { who: 200, reference: 100, reason: 500 } as const;

/** An OutMessage that may name people to @mention (e.g. the on-call manager in a channel post). */
export type TeamsOutMessage = OutMessage & { mentions?: UserRef[] };

export type CardElement = Record<string, unknown>;
export interface AdaptiveCardJson {
  type: 'AdaptiveCard';
  $schema: string;
  version: string;
  fallbackText: string;
  body: CardElement[];
  actions?: CardElement[];
  msteams?: Record<string, unknown>;
}

/** Data carried by every Action.Execute: the neutral action value, and for forms the input prefix. */
export interface ExecuteData {
  value: string;
  form?: string;
}

export function renderCard(msg: TeamsOutMessage): AdaptiveCardJson {
  const body: CardElement[] = msg.blocks.map(renderBlock);
  if (body.length === 0) body.push(textBlock(escapeMarkdown(msg.text)));

  const mentions = (msg.mentions ?? []).filter((u) => u.platform === 'teams' && u.id);
  if (mentions.length > 0) {
    body.push(textBlock(mentions.map((u) => `<at>${mentionName(u)}</at>`).join(' ')));
  }

  const container: CardElement = { type: 'Container', items: body };
  const style = containerStyle(msg.kind);
  if (style) container.style = style;

  const card: AdaptiveCardJson = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    fallbackText: msg.text,
    body: [container],
    msteams: { width: 'Full' },
  };
  if (mentions.length > 0) {
    card.msteams!.entities = mentions.map((u) => ({
      type: 'mention',
      text: `<at>${mentionName(u)}</at>`,
      mentioned: { id: u.id, name: mentionName(u) },
    }));
  }

  const actions = msg.kind === 'answered' ? [] : renderActions(msg);
  if (actions.length > 0 && actions.length <= MAX_CARD_ACTIONS) {
    card.actions = actions;
  } else if (actions.length > MAX_CARD_ACTIONS) {
    for (let i = 0; i < actions.length; i += ACTION_SET_SIZE) {
      card.body.push({ type: 'ActionSet', actions: actions.slice(i, i + ACTION_SET_SIZE) });
    }
  }
  return card;
}

/** The message attachment Teams expects for an Adaptive Card. */
export function cardAttachment(msg: TeamsOutMessage): { contentType: string; content: AdaptiveCardJson } {
  return { contentType: CARD_CONTENT_TYPE, content: renderCard(msg) };
}

function containerStyle(kind: OutMessage['kind']): string | undefined {
  switch (kind) {
    case 'alert':
      return 'attention';
    case 'page':
      return 'warning';
    case 'record':
      return 'emphasis';
    default:
      return undefined;
  }
}

function renderBlock(block: Block): CardElement {
  switch (block.type) {
    case 'heading':
      return { type: 'TextBlock', text: escapeMarkdown(block.text), wrap: true, style: 'heading', size: 'Medium', weight: 'Bolder' };
    case 'text': {
      const el = textBlock(escapeMarkdown(block.text));
      if (block.emphasis === 'urgent') Object.assign(el, { color: 'Attention', weight: 'Bolder' });
      if (block.emphasis === 'muted') Object.assign(el, { isSubtle: true });
      return el;
    }
    case 'fields':
      return {
        type: 'FactSet',
        facts: block.fields.map((f) => ({ title: escapeMarkdown(f.label), value: escapeMarkdown(f.value) })),
      };
    case 'list':
      return textBlock(block.items.map((item) => `- ${escapeMarkdown(item)}`).join('\n'));
  }
}

function textBlock(text: string): CardElement {
  return { type: 'TextBlock', text, wrap: true };
}

function renderActions(msg: OutMessage): CardElement[] {
  const out: CardElement[] = [];
  const choiceValues = new Set<string>();
  for (const c of msg.question?.choices ?? []) {
    const value = JSON.stringify({ stepId: msg.question!.stepId, choiceId: c.id });
    choiceValues.add(value);
    out.push(execute(c.label, 'choice', { value }));
  }
  (msg.actions ?? []).forEach((a, i) => {
    if (a.id === 'choice' && choiceValues.has(a.value)) return;
    out.push(renderAction(a, i));
  });
  return out;
}

function renderAction(a: Action, index: number): CardElement {
  if (a.id === 'notify') return notifyForm(a, `f${index}_`);
  if (a.id === 'not_notify') return notNotifyForm(a, `f${index}_`);
  return execute(a.label, a.id, { value: a.value }, a.style);
}

function execute(title: string, verb: string, data: ExecuteData, style?: Action['style']): CardElement {
  const el: CardElement = { type: 'Action.Execute', title, verb, data };
  if (style === 'primary') el.style = 'positive';
  if (style === 'danger') el.style = 'destructive';
  return el;
}

/** "Mark as told": who (required), when (blank means now), their reference (optional). */
function notifyForm(a: Action, prefix: string): CardElement {
  return showCard(a.label, [
    {
      type: 'Input.Text',
      id: `${prefix}who`,
      label: 'Who did you tell? (name and organisation)',
      isRequired: true,
      errorMessage: 'Say who you told.',
      maxLength: LIMITS.who,
    },
    { type: 'Input.Date', id: `${prefix}date`, label: 'Date (leave blank for today)' },
    { type: 'Input.Time', id: `${prefix}time`, label: 'Time (leave blank for now)' },
    {
      type: 'Input.Text',
      id: `${prefix}reference`,
      label: 'Their reference (optional)',
      maxLength: LIMITS.reference,
    },
  ], execute('Save', 'notify', { value: a.value, form: prefix }, 'primary'));
}

/** "Decide not to tell": a reason (required). */
function notNotifyForm(a: Action, prefix: string): CardElement {
  return showCard(a.label, [
    {
      type: 'Input.Text',
      id: `${prefix}reason`,
      label: 'Why are you not telling them?',
      isMultiline: true,
      isRequired: true,
      errorMessage: 'Give a reason.',
      maxLength: LIMITS.reason,
    },
  ], execute('Save', 'not_notify', { value: a.value, form: prefix }, 'primary'));
}

function showCard(title: string, inputs: CardElement[], submit: CardElement): CardElement {
  return {
    type: 'Action.ShowCard',
    title,
    card: { type: 'AdaptiveCard', body: inputs, actions: [submit] },
  };
}

/** A display name safe inside `<at>…</at>`. */
function mentionName(u: UserRef): string {
  return (u.name ?? 'on-call manager').replace(/[<>\\]/g, '').slice(0, 100) || 'on-call manager';
}
