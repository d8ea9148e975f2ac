// Drives the whole app over Slack for the end-to-end tests: builds it with createApp (real Redis,
// a unique prefix, the example organisation, SLACK_API_URL pointing at the fake Slack Web API),
// sends signed requests to /slack/events, and reads what the assistant posted from the fake's
// record of calls. `answerIntake` walks the intake flow, answering each question as the test says.

import { walkIntake, type IntakePlan } from './intake-walker.js';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { parse } from 'yaml';
import { createApp, type App } from '../../src/app/compose.js';
import { loadConfig } from '../../src/config.js';
import { escapeMrkdwn } from '../../src/channels/slack/render.js';
import { cleanupPrefix, testRedisUrl } from '../helpers/redis.js';
import {
  blockActions,
  dmMessage,
  EXAMPLE_ORG_FILE,
  postSlack,
  slackEnv,
  type FakeSlackApi,
  type PostOptions,
  type RecordedCall,
  type SlackRequest,
} from '../helpers/slack.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ORG_FILE = EXAMPLE_ORG_FILE;
export const ESCALATIONS_CHANNEL = 'CESCALATIONS';
export const dmOf = (userId: string) => `D${userId.replace(/^[UW]/, '')}`;

interface FlowStep {
  id: string;
  kind: string;
  text: string;
}
const flowSteps = (parse(readFileSync(join(root, 'conversations', 'intake-flow.yaml'), 'utf8')) as { steps: FlowStep[] }).steps;
/** Steps with no buttons are recognised by their text. */
const textSteps = new Map(flowSteps.filter((s) => s.kind === 'text').map((s) => [escapeMrkdwn(s.text), s.id]));

export interface Button {
  action_id: string;
  value: string;
  text: { text: string };
}
interface Block {
  type: string;
  text?: { text: string };
  fields?: Array<{ text: string }>;
  elements?: Array<Button & { text: { text: string } }>;
}

/** A message as posted (or updated) through the fake API. */
export interface Posted {
  index: number;
  method: string;
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks: Block[];
  buttons: Button[];
  /** All text of the message (fallback and blocks), for assertions. */
  all: string;
}

export function toPosted(call: RecordedCall, index: number): Posted {
  const blocks = (call.params.blocks as Block[] | undefined) ?? [];
  const buttons = blocks.filter((b) => b.type === 'actions').flatMap((b) => (b.elements ?? []) as Button[]);
  const texts = [
    String(call.params.text ?? ''),
    ...blocks.flatMap((b) => [b.text?.text ?? '', ...(b.fields ?? []).map((f) => f.text), ...(b.elements ?? []).map((e) => e.text?.text ?? '')]),
  ];
  return {
    index,
    method: call.method,
    channel: String(call.params.channel ?? ''),
    ts: String(call.method === 'chat.update' ? call.params.ts : (call.result?.ts ?? '')),
    ...(call.params.thread_ts ? { threadTs: String(call.params.thread_ts) } : {}),
    text: String(call.params.text ?? ''),
    blocks,
    buttons,
    all: texts.join('\n'),
  };
}

export interface Question {
  stepId: string;
  message: Posted;
  /** choiceId → button */
  choices: Map<string, Button>;
}

export function asQuestion(m: Posted): Question | null {
  const choices = new Map<string, Button>();
  let stepId: string | undefined;
  for (const b of m.buttons) {
    if (!b.action_id.startsWith('choice')) continue;
    const v = JSON.parse(b.value) as { stepId: string; choiceId: string };
    stepId = v.stepId;
    choices.set(v.choiceId, b);
  }
  if (stepId) return { stepId, message: m, choices };
  const first = m.blocks.find((b) => b.type === 'section')?.text?.text;
  const textStep = first ? textSteps.get(first) : undefined;
  return textStep ? { stepId: textStep, message: m, choices } : null;
}

export type Answers = IntakePlan;

export class SlackE2E {
  app!: App;
  eventsUrl = '';

  constructor(
    readonly api: FakeSlackApi,
    readonly prefix: string,
  ) {}

  async start(): Promise<this> {
    const config = loadConfig({ ...slackEnv(this.api.url, this.prefix), LOG_LEVEL: 'silent' });
    this.app = createApp({ config });
    const port = await this.app.start(0);
    this.eventsUrl = `http://127.0.0.1:${port}/slack/events`;
    return this;
  }

  async stop(): Promise<void> {
    await this.app.stop();
  }

  /** POST a signed request and wait for the work it started (not for durable jobs). */
  async send(req: SlackRequest, opts?: PostOptions): Promise<{ status: number; text: string }> {
    const res = await postSlack(this.eventsUrl, req, opts);
    await this.app.slack!.idle();
    return res;
  }

  /** Messages posted or updated, in order, optionally only in one conversation and from an index. */
  messages(opts: { channel?: string; from?: number; methods?: string[] } = {}): Posted[] {
    const methods = opts.methods ?? ['chat.postMessage', 'chat.update'];
    return this.api.calls
      .map((c, i) => ({ c, i }))
      .filter(({ c, i }) => c.status === 200 && methods.includes(c.method) && i >= (opts.from ?? 0))
      .map(({ c, i }) => toPosted(c, i))
      .filter((m) => !opts.channel || m.channel === opts.channel);
  }

  /** Wait (polling, bounded) until `find` returns something; durable jobs run in the BullMQ worker. */
  async waitFor<T>(what: string, find: () => T | undefined | null | false, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = find();
      if (got) return got;
      if (Date.now() > deadline) {
        const recent = this.api.calls.slice(-8).map((c) => `${c.method} ${String(c.params.channel ?? '')}: ${String(c.params.text ?? '').slice(0, 120)}`);
        throw new Error(`Timed out waiting for ${what}. Last calls:\n${recent.join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Click a button on a posted message as `user`. */
  async click(user: string, message: Posted, button: Button): Promise<void> {
    await this.send(blockActions({ user, actionId: button.action_id, value: button.value, channel: message.channel, messageTs: message.ts }));
  }

  /** Type in the DM with the assistant. */
  async type(user: string, text: string): Promise<void> {
    await this.send(dmMessage({ user, text, channel: dmOf(user) }));
  }

  /**
   * The newest question in `user`'s DM at or after call index `from`: a new post, or a question
   * re-drawn in place with its buttons (a multi-choice pick updates the same message).
   */
  latestQuestion(user: string, from = 0): Question | null {
    const msgs = this.messages({ channel: dmOf(user), from, methods: ['chat.postMessage', 'chat.update'] });
    for (let i = msgs.length - 1; i >= 0; i--) {
      const m = msgs[i]!;
      if (m.method === 'chat.update' && !m.buttons.some((b) => b.action_id.startsWith('choice'))) continue;
      const q = asQuestion(m);
      if (q) return q;
    }
    return null;
  }

  /** Answer questions as they come until none is asked (see walkIntake). */
  answerIntake(user: string, answers: Answers, from = 0, stopAt?: string): Promise<string[]> {
    return walkIntake<Question, Button>({
      plan: answers,
      from,
      ...(stopAt ? { stopAt } : {}),
      latest: (since) => this.latestQuestion(user, since),
      calls: () => this.api.calls.length,
      click: (q, button) => this.click(user, q.message, button),
      type: (text) => this.type(user, text),
    });
  }

  async cleanup(): Promise<void> {
    const redis = new Redis(testRedisUrl());
    try {
      await cleanupPrefix(redis, this.prefix);
    } finally {
      redis.disconnect();
    }
  }
}
