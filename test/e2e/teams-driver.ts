// Drives the whole app over Microsoft Teams for the end-to-end tests: builds it with createApp
// (real Redis and BullMQ, a unique prefix, the example organisation, no app id so the Bot Framework
// runs unauthenticated), posts activities to /api/messages with a serviceUrl on a loopback
// connector, and reads the cards the assistant sent, replied and updated from that connector.

import { walkIntake, type IntakePlan } from './intake-walker.js';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { parse } from 'yaml';
import { createApp, type App } from '../../src/app/compose.js';
import { loadConfig } from '../../src/config.js';
import { cleanupPrefix, testRedisUrl } from '../helpers/redis.js';
import { EXAMPLE_ORG_FILE } from '../helpers/slack.js';
import {
  LoopbackConnector,
  cardAction,
  personalConversationId,
  personalInstall,
  personalMessage,
  postActivity,
  teamInstall,
  type ConnectorCall,
  type PostResult,
  type TeamsUser,
} from '../helpers/teams.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ORG_FILE = EXAMPLE_ORG_FILE;
const org = parse(readFileSync(ORG_FILE, 'utf8')) as { channels: { teams: { conversationId: string } } };
/** The escalations channel of the example organisation. */
export const ESCALATIONS = org.channels.teams.conversationId;

interface FlowStep {
  id: string;
  kind: string;
  text: string;
}
const flowSteps = (parse(readFileSync(join(root, 'conversations', 'intake-flow.yaml'), 'utf8')) as { steps: FlowStep[] }).steps;
/** Steps with no buttons are recognised by their text. */
const textSteps = new Map(flowSteps.filter((s) => s.kind === 'text').map((s) => [s.text, s.id]));

/** Undo the renderer's markdown escaping, for assertions on what a person reads. */
const unescape = (s: string) => s.replace(/\\(.)/g, '$1');

export interface CardAction {
  verb: string;
  title: string;
  data: Record<string, unknown>;
  /** Title of the Action.ShowCard holding this action (forms), if any. */
  inside?: string;
}

/** A card as sent, replied or updated through the connector. */
export interface Sent {
  index: number;
  kind: ConnectorCall['kind'];
  conversationId: string;
  /** The activity id of the message (new id for sends and replies, the target for updates). */
  activityId: string;
  card: Record<string, unknown>;
  actions: CardAction[];
  /** Every text in the card, unescaped, joined by newlines. */
  all: string;
  firstText: string;
}

function walk(node: unknown, texts: string[], actions: CardAction[], inside?: string): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, texts, actions, inside);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const el = node as Record<string, any>;
  switch (el.type) {
    case 'TextBlock':
      texts.push(unescape(String(el.text ?? '')));
      return;
    case 'FactSet':
      for (const f of el.facts ?? []) texts.push(`${unescape(f.title)}: ${unescape(f.value)}`);
      return;
    case 'Action.Execute':
      actions.push({ verb: el.verb, title: el.title, data: el.data ?? {}, ...(inside ? { inside } : {}) });
      return;
    case 'Action.ShowCard':
      walk(el.card?.body, texts, actions, el.title);
      walk(el.card?.actions, texts, actions, el.title);
      return;
  }
  walk(el.body, texts, actions, inside);
  walk(el.items, texts, actions, inside);
  walk(el.actions, texts, actions, inside);
}

export function toSent(call: ConnectorCall, index: number): Sent | null {
  const attachments = (call.body.attachments ?? []) as Array<{ contentType?: string; content?: Record<string, unknown> }>;
  const card = attachments.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
  const texts: string[] = [];
  const actions: CardAction[] = [];
  if (card) walk(card, texts, actions);
  else if (typeof call.body.text === 'string') texts.push(unescape(call.body.text));
  else return null;
  return {
    index,
    kind: call.kind,
    conversationId: call.conversationId ?? '',
    activityId: call.answeredId ?? call.activityId ?? '',
    card: card ?? {},
    actions,
    all: texts.join('\n'),
    firstText: texts[0] ?? '',
  };
}

export interface Question {
  stepId: string;
  message: Sent;
  /** choiceId → the choice action */
  choices: Map<string, CardAction>;
}

export function asQuestion(m: Sent): Question | null {
  const choices = new Map<string, CardAction>();
  let stepId: string | undefined;
  for (const a of m.actions) {
    if (a.verb !== 'choice') continue;
    const v = JSON.parse(String(a.data.value)) as { stepId: string; choiceId: string };
    stepId = v.stepId;
    choices.set(v.choiceId, a);
  }
  if (stepId) return { stepId, message: m, choices };
  const textStep = textSteps.get(m.firstText);
  return textStep ? { stepId: textStep, message: m, choices } : null;
}

export type Answers = IntakePlan;

export class TeamsE2E {
  app!: App;
  base = '';

  constructor(
    readonly connector: LoopbackConnector,
    readonly prefix: string,
  ) {}

  async start(): Promise<this> {
    const config = loadConfig({
      CHANNELS: 'teams',
      REDIS_URL: testRedisUrl(),
      REDIS_PREFIX: this.prefix,
      ESCALATION_ORG_FILE: ORG_FILE,
      LOG_LEVEL: 'silent',
    });
    this.app = createApp({ config });
    const port = await this.app.start(0);
    this.base = `http://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    await this.app.stop();
  }

  get url(): string {
    return this.connector.url;
  }

  /** POST an activity to /api/messages; the response comes after the turn (not durable jobs) is done. */
  async post(activity: Record<string, unknown>): Promise<PostResult> {
    const res = await postActivity(this.base, activity);
    if (res.status >= 300) throw new Error(`/api/messages answered ${res.status}: ${res.text}`);
    return res;
  }

  /** Install the app for a person (personal scope) or in the team with the escalations channel. */
  async install(user: TeamsUser): Promise<void> {
    await this.post(personalInstall(this.url, user));
  }

  async installInTeam(by: TeamsUser): Promise<void> {
    await this.post(teamInstall(this.url, by, ESCALATIONS));
  }

  async type(user: TeamsUser, text: string): Promise<PostResult> {
    return this.post(personalMessage(this.url, user, text));
  }

  /** Click an Action.Execute on a card, optionally with form inputs. Returns the invoke response body. */
  async click(user: TeamsUser, message: Sent, action: CardAction, inputs: Record<string, string> = {}): Promise<{ value?: unknown }> {
    const form = typeof action.data.form === 'string' ? action.data.form : '';
    const data: Record<string, unknown> = { ...action.data };
    for (const [k, v] of Object.entries(inputs)) data[`${form}${k}`] = v;
    const res = await this.post(cardAction(this.url, user, action.verb, data, message.activityId, message.conversationId));
    return (res.json ?? {}) as { value?: unknown };
  }

  /** Cards and texts sent, in order, optionally only in one conversation, of some kinds, from an index. */
  messages(opts: { conversation?: string; from?: number; kinds?: Array<ConnectorCall['kind']> } = {}): Sent[] {
    const kinds = opts.kinds ?? ['send', 'reply', 'update'];
    const out: Sent[] = [];
    this.connector.calls.forEach((c, i) => {
      if (i < (opts.from ?? 0) || !kinds.includes(c.kind)) return;
      if (opts.conversation !== undefined && c.conversationId !== opts.conversation) return;
      const s = toSent(c, i);
      if (s) out.push(s);
    });
    return out;
  }

  dm(user: TeamsUser, opts: { from?: number; kinds?: Array<ConnectorCall['kind']> } = {}): Sent[] {
    return this.messages({ ...opts, conversation: personalConversationId(user) });
  }

  /** Wait (polling, bounded) until `find` returns something; durable jobs run in the BullMQ worker. */
  async waitFor<T>(what: string, find: () => T | undefined | null | false, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = find();
      if (got) return got;
      if (Date.now() > deadline) {
        const recent = this.connector.calls.slice(-8).map((c) => `${c.kind} ${c.conversationId ?? ''}: ${JSON.stringify(c.body).slice(0, 160)}`);
        throw new Error(`Timed out waiting for ${what}. Last calls:\n${recent.join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /**
   * Wait until the connector has been quiet for `quietMs` (bounded), so that jobs started by
   * earlier steps have finished before a step whose effects a test counts.
   */
  async settle(quietMs = 400, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let seen = this.connector.calls.length;
    let since = Date.now();
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      if (this.connector.calls.length !== seen) {
        seen = this.connector.calls.length;
        since = Date.now();
      } else if (Date.now() - since >= quietMs) {
        return;
      }
    }
  }

  /** The newest question in `user`'s 1:1 chat at or after call index `from`. */
  latestQuestion(user: TeamsUser, from = 0): Question | null {
    // A new card, or a question card re-drawn in place with its choices (a multi-choice pick).
    const msgs = this.dm(user, { from, kinds: ['send', 'update'] });
    for (let i = msgs.length - 1; i >= 0; i--) {
      const m = msgs[i]!;
      if (m.kind === 'update' && !m.actions.some((a) => a.verb === 'choice')) continue;
      const q = asQuestion(m);
      if (q) return q;
    }
    return null;
  }

  /** Answer questions as they come until none is asked (see walkIntake). */
  answerIntake(user: TeamsUser, answers: Answers, from = 0): Promise<string[]> {
    return walkIntake<Question, CardAction>({
      plan: answers,
      from,
      latest: (since) => this.latestQuestion(user, since),
      calls: () => this.connector.calls.length,
      click: (q, choice) => this.click(user, q.message, choice),
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
