// npm start: with no Slack or Teams credentials, the terminal chat (state in memory, the example
// organisation); with credentials, the HTTP server for Slack and/or Teams.

import { createApp } from './app/compose.js';
import { createLogger } from './app/logger.js';
import { runRepl } from './channels/terminal/repl.js';
import { loadConfig } from './config.js';
import { ConfigError } from './conversations/load.js';
import { onCallAt } from './core/rota.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const terminal = config.channels.includes('terminal');
  // On the terminal, logs go to stderr at warn so they do not mix with the chat.
  const logger = createLogger(terminal ? (process.env['LOG_LEVEL'] ?? 'warn') : config.logLevel, terminal ? process.stderr : undefined);
  const write = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  const app = createApp({ config, logger, ...(terminal ? { terminal: { write, reporterId: 'reporter' } } : {}) });
  const port = await app.start(config.channels.some((c) => c !== 'terminal') ? config.port : null);
  if (port !== null) logger.info({ port, channels: config.channels }, 'Escalation Assistant is listening');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight work');
    await app.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  if (terminal) {
    const org = app.ctx.org;
    write(`Escalation Assistant: local chat for ${org.name} (state in memory).`);
    const manager = () => onCallAt(org, org.services[0]!.id, new Date())[0]?.people[0] ?? org.people[0]!.id;
    await runRepl({
      assistant: app.assistant,
      reporter: { platform: 'terminal', id: 'reporter', name: 'You' },
      manager,
      write,
      settle: () => new Promise((r) => setTimeout(r, 50)),
    });
    await new Promise((r) => setTimeout(r, 300));
    await shutdown('end of input');
  }
}

main().catch((err) => {
  const msg = err instanceof ConfigError ? `Configuration problem:\n${err.message}` : `Could not start: ${(err as Error).message}`;
  process.stderr.write(`${msg}\n`);
  process.exit(1);
});
