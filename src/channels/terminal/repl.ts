// The terminal chat loop: you are the reporter; lines starting with "/" act as a manager.
// Works line by line on piped stdin, so a session can be scripted:
//   printf 'no\nno\n...' | npm start

import { createInterface } from 'node:readline';
import type { AssistantPort } from '../port.js';
import { ESCALATION_CODES, type EscalationCode, type Inbound, type UserRef } from '../../core/types.js';
import type { Write } from './channel.js';

export const TERMINAL_HELP = [
  'You are the reporter. Answer the questions; type "back" or "cancel" at any time.',
  'Acting as a manager (the on-call manager by default):',
  '  /ack REF                          acknowledge a page',
  '  /notify REF CODE WHO | REFERENCE  record that an agency was told',
  '  /decline REF CODE REASON          record a decision not to notify',
  '  /as PERSON-ID                     act as someone else from the organisation file',
  '  /oncall  /oncall check  /escalations  /report  /help  /quit',
].join('\n');

export interface ReplOptions {
  assistant: AssistantPort;
  reporter: UserRef;
  manager: () => string;
  write: Write;
  input?: NodeJS.ReadableStream;
  /** Waits until queued jobs have run (so piped scripts see pages and records before exit). */
  settle?: () => Promise<void>;
}

export function parseManagerCommand(line: string, as: UserRef): Inbound | { error: string } | null {
  const [cmd, ref, code, ...rest] = line.trim().split(/\s+/);
  const isCode = (c: string | undefined): c is EscalationCode => ESCALATION_CODES.includes(c as EscalationCode);
  switch (cmd) {
    case '/ack':
      return ref ? { type: 'ack', user: as, ref } : { error: 'Usage: /ack REF' };
    case '/notify': {
      if (!ref || !isCode(code)) return { error: `Usage: /notify REF CODE WHO | REFERENCE. Codes: ${ESCALATION_CODES.join(', ')}` };
      const [who, reference] = rest.join(' ').split('|').map((s) => s.trim());
      if (!who) return { error: 'Say who was told, e.g. /notify RH-2026-0001 police_101 PC Smith | CAD 1234' };
      return { type: 'notified', user: as, ref, code, who, ...(reference ? { reference } : {}) };
    }
    case '/decline': {
      if (!ref || !isCode(code)) return { error: `Usage: /decline REF CODE REASON. Codes: ${ESCALATION_CODES.join(', ')}` };
      const reason = rest.join(' ').trim();
      if (!reason) return { error: 'Please give a reason.' };
      return { type: 'not_notifying', user: as, ref, code, reason };
    }
    default:
      return null;
  }
}

export async function runRepl(o: ReplOptions): Promise<void> {
  let actingAs = o.manager();
  const rl = createInterface({ input: o.input ?? process.stdin, terminal: false });
  o.write(`${TERMINAL_HELP}\n`);
  await o.assistant.handle({ type: 'start', user: o.reporter });
  await o.settle?.();

  /** One line typed at the terminal. Returns false to quit. */
  const onLine = async (line: string): Promise<boolean> => {
    const manager: UserRef = { platform: 'terminal', id: actingAs };
    if (!line.startsWith('/')) {
      await o.assistant.handle({ type: 'message', user: o.reporter, text: line });
      return true;
    }
    const [cmd, ...args] = line.trim().split(/\s+/);
    switch (cmd) {
      case '/quit':
        return false;
      case '/help':
        o.write(`${TERMINAL_HELP}\n`);
        return true;
      case '/as':
        actingAs = args[0] ?? actingAs;
        o.write(`(acting as ${actingAs})\n`);
        return true;
      case '/report':
        await o.assistant.handle({ type: 'start', user: o.reporter });
        return true;
      case '/oncall':
      case '/escalations': {
        const reply = await o.assistant.command(manager, cmd === '/oncall' ? 'oncall' : 'escalations', args.join(' '));
        o.write(`\n${reply.text}\n`);
        return true;
      }
    }
    const parsed = parseManagerCommand(line, manager);
    if (!parsed) o.write(`Unknown command. ${TERMINAL_HELP}\n`);
    else if ('error' in parsed) o.write(`${parsed.error}\n`);
    else await o.assistant.handle(parsed);
    return true;
  };

  for await (const raw of rl) {
    const line = raw.replace(/\r$/, '');
    if (!line.trim()) continue;
    const goOn = await onLine(line);
    await o.settle?.();
    if (!goOn) break;
  }
  rl.close();
}
