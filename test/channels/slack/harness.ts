// A harness for the Slack adapter's unit tests: a recording AssistantPort (no core, no Redis), the
// fake Slack Web API, our HttpServer on an ephemeral loopback port and the adapter mounted on it.

import type { Inbound, OutMessage, UserRef } from '../../../src/core/types.js';
import type { AssistantPort, ChatCommand, RoleAction } from '../../../src/channels/port.js';
import { createSlack, type SlackAdapter } from '../../../src/channels/slack/index.js';
import { HttpServer } from '../../../src/server.js';
import { BOT_TOKEN, SIGNING_SECRET, startFakeSlackApi, type FakeSlackApi } from '../../helpers/slack.js';
import type { RateLimitPolicy } from '../../../src/channels/slack/web-clients.js';

export class RecordingAssistant implements AssistantPort {
  readonly events: Inbound[] = [];
  readonly commands: Array<{ user: UserRef; name: ChatCommand; args: string }> = [];
  readonly authorisations: Array<{ user: UserRef; action: RoleAction; ref?: string }> = [];
  /** Slack user ids allowed to act on escalations. */
  readonly managers = new Set<string>();

  /** Like the real Assistant: false for a repeat of an event already handled (same dedupe id). */
  async handle(event: Inbound): Promise<boolean> {
    const repeat = event.dedupeId !== undefined && this.events.some((e) => e.dedupeId === event.dedupeId);
    this.events.push(event);
    return !repeat;
  }

  async authorise(user: UserRef, action: RoleAction, ref?: string): Promise<boolean> {
    this.authorisations.push({ user, action, ref });
    return this.managers.has(user.id);
  }

  async command(user: UserRef, name: ChatCommand, args: string): Promise<OutMessage> {
    this.commands.push({ user, name, args });
    return { kind: 'say', text: `On call now: tier 1 <@UOTHER> ${name} ${args}`, blocks: [{ type: 'text', text: `On call now (${name})` }] };
  }

  async incidentSummary(ref: string) {
    return { ref, escalations: [{ code: 'safeguarding_adults' as const, label: 'Safeguarding adults team' }] };
  }
}

export interface Harness {
  api: FakeSlackApi;
  server: HttpServer;
  slack: SlackAdapter;
  assistant: RecordingAssistant;
  /** http://127.0.0.1:PORT/slack/events */
  eventsUrl: string;
  close(): Promise<void>;
}

export async function startHarness(opts: { rateLimit?: Partial<RateLimitPolicy> } = {}): Promise<Harness> {
  const api = await startFakeSlackApi();
  const server = new HttpServer();
  const assistant = new RecordingAssistant();
  const slack = createSlack({
    botToken: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    apiUrl: api.url.replace(/\/$/, ''), // without the trailing '/', to check it is normalised
    server,
    rateLimit: opts.rateLimit,
  });
  slack.setAssistant(assistant);
  await slack.start();
  const port = await server.listen(0, '127.0.0.1');
  return {
    api,
    server,
    slack,
    assistant,
    eventsUrl: `http://127.0.0.1:${port}/slack/events`,
    async close() {
      await slack.stop();
      await server.close();
      await api.close();
    },
  };
}
