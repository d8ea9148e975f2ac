// The terminal chat loop: you are the reporter; lines starting with "/" act as a manager.
// Works line by line on piped stdin, so a session can be scripted:
//   printf 'no\nno\n...' | npm start

import { createInterface } from 'node:readline';
import type { AssistantPort } from '../port.js';
import { MANAGER_HELP, parseManagerCommand } from '../../core/manager-commands.js';
import type { UserRef } from '../../core/types.js';
import type { Write } from './channel.js';

export const TERMINAL_HELP = [
  'You are the reporter. Answer the questions; type "back" or "cancel" at any time.',
  'Acting as a manager (the on-call manager by default), start a line with "/":',
  ...MANAGER_HELP.split('\n').map((l) => `  /${l}`),
  '  /as PERSON-ID: act as someone else from the organisation file',
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

export async function runRepl(o: ReplOptions): Promise<void> {
  let actingAs = o.manager();
  const rl = createInterface({ input: o.input ?? process.stdin, terminal: false });
  // Take the iterator now: lines piped in before the first question is printed must not be lost.
  const lines = rl[Symbol.asyncIterator]();
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
    if ('error' in parsed) o.write(`${parsed.error}\n`);
    else await o.assistant.handle(parsed);
    return true;
  };

  for await (const raw of { [Symbol.asyncIterator]: () => lines }) {
    const line = raw.replace(/\r$/, '');
    if (!line.trim()) continue;
    const goOn = await onLine(line);
    await o.settle?.();
    if (!goOn) break;
  }
  rl.close();
}
