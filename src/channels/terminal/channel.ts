// The terminal channel: the local chat of `npm start` with no credentials. The reporter's
// conversation prints plainly; pages, direct messages to others and channel posts print in boxes
// so they stand apart from the conversation.

import type { Channel } from '../port.js';
import type { Block, MessageRef, OutMessage, UserRef } from '../../core/types.js';

export type Write = (text: string) => void;

export function renderText(msg: OutMessage): string {
  const lines: string[] = [];
  for (const b of msg.blocks as Block[]) {
    if (b.type === 'heading') lines.push(`== ${b.text} ==`);
    else if (b.type === 'text') lines.push(b.emphasis === 'urgent' ? `!! ${b.text}` : b.text);
    else if (b.type === 'fields') lines.push(b.fields.map((f) => `${f.label}: ${f.value}`).join(' | '));
    else lines.push(...b.items.map((i) => `  • ${i}`));
  }
  if (msg.question?.choices.length) lines.push(msg.question.choices.map((c, i) => `  ${i + 1}) ${c.label}`).join('\n'));
  return lines.join('\n');
}

function actionHints(msg: OutMessage): string[] {
  const hints = new Set<string>();
  for (const a of msg.actions ?? []) {
    if (a.id === 'ack') hints.add(`type: /ack ${a.value}`);
    if (a.id === 'notify') {
      const v = JSON.parse(a.value) as { ref: string; code: string };
      hints.add(`type: /notify ${v.ref} ${v.code} WHO | REFERENCE`);
      hints.add(`or:   /decline ${v.ref} ${v.code} REASON`);
    }
  }
  return [...hints].slice(0, 3);
}

function box(title: string, body: string): string {
  const bar = '─'.repeat(Math.max(10, 60 - title.length));
  return `\n┌─ ${title} ${bar}\n${body.split('\n').map((l) => `│ ${l}`).join('\n')}\n└${'─'.repeat(64)}\n`;
}

export class TerminalChannel implements Channel {
  readonly platform = 'terminal' as const;
  private seq = 0;

  constructor(
    private readonly write: Write,
    /** The person typing at the terminal (the reporter). */
    private readonly reporterId: string,
    private readonly nameOf: (id: string) => string = (id) => id,
  ) {}

  private nextRef(conversation: string): MessageRef {
    return { platform: 'terminal', conversation, id: String(++this.seq) };
  }

  async sendDirect(user: UserRef, msg: OutMessage): Promise<MessageRef> {
    if (user.id === this.reporterId) {
      this.write(`\nassistant › ${renderText(msg).replace(/\n/g, '\n            ')}\n`);
    } else {
      const hints = actionHints(msg);
      this.write(box(`${msg.kind === 'page' ? 'PAGE' : 'Message'} to ${this.nameOf(user.id)}`, [renderText(msg), ...hints].join('\n')));
    }
    return this.nextRef(`dm:${user.id}`);
  }

  async postChannel(channelId: string, msg: OutMessage): Promise<MessageRef> {
    this.write(box(`#${channelId}${msg.mentionChannel ? ' @channel' : ''}`, [renderText(msg), ...actionHints(msg)].join('\n')));
    return this.nextRef(channelId);
  }

  async update(ref: MessageRef, msg: OutMessage): Promise<void> {
    if (ref.conversation.startsWith('dm:')) {
      // Answered questions need no reprint on a terminal; an acknowledged page does.
      if (msg.kind !== 'answered' || ref.conversation === `dm:${this.reporterId}`) return;
      this.write(box(`Page updated for ${this.nameOf(ref.conversation.slice(3))}`, renderText(msg)));
      return;
    }
    this.write(box(`#${ref.conversation} (record updated)`, [renderText(msg), ...actionHints(msg)].join('\n')));
  }

  async reply(parent: MessageRef, msg: OutMessage): Promise<MessageRef> {
    this.write(`  ↳ #${parent.conversation} thread: ${renderText(msg)}\n`);
    return this.nextRef(parent.conversation);
  }

  async canReach(): Promise<boolean> {
    return true;
  }

  async notice(user: UserRef, text: string): Promise<void> {
    if (user.id === this.reporterId) this.write(`\nassistant › ${text}\n`);
    else this.write(box(`Notice to ${this.nameOf(user.id)}`, text));
  }
}
