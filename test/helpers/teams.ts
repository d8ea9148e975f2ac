// Test helpers for the Teams channel: activity factories in the Bot Framework's documented shapes,
// a loopback "connector" that records what the bot sends, a recording AssistantPort, and an
// Adaptive Card validator built on the `adaptivecards` package (schema 1.5).

import { createRequire } from 'node:module';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AssistantPort, ChatCommand, RoleAction } from '../../src/channels/port.js';
import type { EscalationCode, Inbound, OutMessage, UserRef } from '../../src/core/types.js';

// ---------------------------------------------------------------------------
// Adaptive Card validation

// The package's ESM build (lib/) uses extensionless imports that Node cannot load; its UMD
// bundle (dist/) loads in Node and parses without a DOM.
const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof import('adaptivecards');

/**
 * Parse `card` with the adaptivecards package at schema 1.5. Returns every parse event (unknown
 * element types, unsupported versions, bad values) and validation event (duplicate ids, missing
 * required properties...). An empty list means no errors and no warnings.
 */
export function cardProblems(card: unknown): string[] {
  const problems: string[] = [];
  const ac = new AC.AdaptiveCard();
  const ctx = new AC.SerializationContext(AC.Versions.v1_5);
  ac.parse(card as never, ctx);
  for (let i = 0; i < ctx.eventCount; i++) {
    const e = ctx.getEventAt(i);
    problems.push(`parse: ${e.message}`);
  }
  const result = ac.validateProperties();
  for (const e of result.validationEvents) problems.push(`validate: ${e.message}`);
  if ((card as { version?: string }).version !== '1.5') problems.push('card version is not 1.5');
  return problems;
}

// ---------------------------------------------------------------------------
// Activity factories (Bot Framework / Teams documented shapes)

export const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const BOT_ID = '28:bot-app-id';
export const BOT_NAME = 'Escalation Assistant';
export const TEAM_ID = '19:team-general@thread.tacv2';
export const CHANNEL_ID = '19:escalations@thread.tacv2';

let seq = 0;
function nextId(): string {
  seq += 1;
  return `${Date.now()}${String(seq).padStart(4, '0')}`;
}

export interface TeamsUser {
  /** 29:... Bot Framework user id. */
  id: string;
  aadObjectId: string;
  name: string;
}

export function teamsUser(aadObjectId: string, name = 'Sam Carer'): TeamsUser {
  return { id: `29:${aadObjectId}`, aadObjectId, name };
}

export function personalConversationId(user: TeamsUser): string {
  return `a:personal-${user.aadObjectId}`;
}

type Activity = Record<string, unknown>;

function base(serviceUrl: string, from: TeamsUser): Activity {
  return {
    id: nextId(),
    timestamp: new Date().toISOString(),
    localTimezone: 'Europe/London',
    serviceUrl,
    channelId: 'msteams',
    from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
    recipient: { id: BOT_ID, name: BOT_NAME },
    locale: 'en-GB',
    channelData: { tenant: { id: TENANT_ID } },
  };
}

function personalConversation(user: TeamsUser): Activity {
  return { conversationType: 'personal', tenantId: TENANT_ID, id: personalConversationId(user) };
}

/** A 1:1 message from `user` to the bot. */
export function personalMessage(serviceUrl: string, user: TeamsUser, text: string): Activity {
  return {
    ...base(serviceUrl, user),
    type: 'message',
    textFormat: 'plain',
    text,
    conversation: personalConversation(user),
    entities: [{ type: 'clientInfo', locale: 'en-GB', country: 'GB', platform: 'Web', timezone: 'Europe/London' }],
  };
}

/** A channel message that @mentions the bot (a new post in the channel). */
export function channelMention(serviceUrl: string, user: TeamsUser, text: string, channelId = CHANNEL_ID): Activity {
  const a = base(serviceUrl, user);
  const id = a.id as string;
  const mention = `<at>${BOT_NAME}</at>`;
  return {
    ...a,
    type: 'message',
    textFormat: 'plain',
    text: `${mention} ${text}`.trim(),
    conversation: { isGroup: true, conversationType: 'channel', tenantId: TENANT_ID, id: `${channelId};messageid=${id}` },
    entities: [{ type: 'mention', mentioned: { id: BOT_ID, name: BOT_NAME }, text: mention }],
    channelData: {
      teamsChannelId: channelId,
      teamsTeamId: TEAM_ID,
      channel: { id: channelId },
      team: { id: TEAM_ID },
      tenant: { id: TENANT_ID },
    },
  };
}

/** The bot was added to a user's personal scope (conversationUpdate, membersAdded = the bot). */
export function personalInstall(serviceUrl: string, user: TeamsUser): Activity {
  return {
    ...base(serviceUrl, user),
    type: 'conversationUpdate',
    membersAdded: [{ id: BOT_ID }],
    conversation: personalConversation(user),
  };
}

/** The bot was added to a team (conversationUpdate in the team's General channel). */
export function teamInstall(serviceUrl: string, by: TeamsUser, channelId = TEAM_ID): Activity {
  return {
    ...base(serviceUrl, by),
    type: 'conversationUpdate',
    membersAdded: [{ id: BOT_ID }],
    conversation: { isGroup: true, conversationType: 'channel', tenantId: TENANT_ID, id: channelId },
    channelData: {
      eventType: 'teamMemberAdded',
      team: { id: TEAM_ID, name: 'Care Group' },
      channel: { id: channelId },
      tenant: { id: TENANT_ID },
    },
  };
}

/** installationUpdate (action add) in a personal or channel conversation. */
export function installationUpdate(serviceUrl: string, user: TeamsUser, channelId?: string): Activity {
  const a: Activity = { ...base(serviceUrl, user), type: 'installationUpdate', action: 'add' };
  if (channelId) {
    a.conversation = { isGroup: true, conversationType: 'channel', tenantId: TENANT_ID, id: channelId };
    a.channelData = { team: { id: TEAM_ID }, channel: { id: channelId }, tenant: { id: TENANT_ID } };
  } else {
    a.conversation = personalConversation(user);
  }
  return a;
}

/** An Adaptive Card Universal Action (Action.Execute) click on the card with activity id `cardId`. */
export function cardAction(
  serviceUrl: string,
  user: TeamsUser,
  verb: string,
  data: Record<string, unknown>,
  cardId: string,
  conversationId?: string,
): Activity {
  const conversation = conversationId && !conversationId.startsWith('a:')
    ? { isGroup: true, conversationType: 'channel', tenantId: TENANT_ID, id: conversationId }
    : { conversationType: 'personal', tenantId: TENANT_ID, id: conversationId ?? personalConversationId(user) };
  return {
    ...base(serviceUrl, user),
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId: cardId,
    conversation,
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}

// ---------------------------------------------------------------------------
// Loopback connector

export interface ConnectorCall {
  kind: 'send' | 'reply' | 'update' | 'create' | 'unknown';
  method: string;
  path: string;
  /** Decoded conversation id from the path. */
  conversationId?: string;
  /** Decoded activity id from the path (replies and updates). */
  activityId?: string;
  /** The id the connector answered with. */
  answeredId?: string;
  authorization?: string;
  body: Record<string, unknown>;
}

/** Records every call the bot makes to the Bot Framework connector at `url`. */
export class LoopbackConnector {
  readonly calls: ConnectorCall[] = [];
  url = '';
  private server?: Server;
  private counter = 0;
  /** Answer the next N activity calls with 429 (Retry-After: 1). */
  rateLimitNext = 0;

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    const addr = this.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    this.url = `http://127.0.0.1:${port}/`;
    return this.url;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    s.closeAllConnections?.();
  }

  /** Calls of one kind, optionally to one conversation. */
  of(kind: ConnectorCall['kind'], conversationId?: string): ConnectorCall[] {
    return this.calls.filter((c) => c.kind === kind && (conversationId === undefined || c.conversationId === conversationId));
  }

  /** Every Adaptive Card the bot sent (sends, replies and updates), oldest first. */
  cards(): Array<{ call: ConnectorCall; card: Record<string, unknown> }> {
    const out: Array<{ call: ConnectorCall; card: Record<string, unknown> }> = [];
    for (const call of this.calls) {
      const attachments = (call.body.attachments ?? []) as Array<{ contentType?: string; content?: Record<string, unknown> }>;
      for (const a of attachments) {
        if (a.contentType === 'application/vnd.microsoft.card.adaptive' && a.content) out.push({ call, card: a.content });
      }
      const activity = call.body.activity as { attachments?: typeof attachments } | undefined;
      for (const a of activity?.attachments ?? []) {
        if (a.contentType === 'application/vnd.microsoft.card.adaptive' && a.content) out.push({ call, card: a.content });
      }
    }
    return out;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> = {};
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      body = { raw };
    }
    const path = (req.url ?? '/').split('?')[0]!;
    const parts = path.split('/').filter(Boolean).map((p) => decodeURIComponent(p));
    const call: ConnectorCall = {
      kind: 'unknown',
      method: req.method ?? 'GET',
      path,
      body,
      authorization: req.headers.authorization,
    };
    this.calls.push(call);

    if (parts[0] === 'v3' && parts[1] === 'conversations') {
      if (parts.length === 2 && req.method === 'POST') {
        call.kind = 'create';
        this.counter += 1;
        call.conversationId = `a:created-${this.counter}`;
        return json(res, 201, { id: call.conversationId });
      }
      call.conversationId = parts[2];
      call.activityId = parts[4];
      if (parts[3] === 'activities' && this.rateLimitNext > 0) {
        this.rateLimitNext -= 1;
        res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'TooManyRequests', message: 'Too many requests' } }));
        return;
      }
      if (parts[3] === 'activities' && parts.length === 4 && req.method === 'POST') {
        call.kind = 'send';
        this.counter += 1;
        call.answeredId = `activity-${this.counter}`;
        return json(res, 201, { id: call.answeredId });
      }
      if (parts[3] === 'activities' && parts.length === 5 && req.method === 'POST') {
        call.kind = 'reply';
        this.counter += 1;
        call.answeredId = `activity-${this.counter}`;
        return json(res, 201, { id: call.answeredId });
      }
      if (parts[3] === 'activities' && parts.length === 5 && req.method === 'PUT') {
        call.kind = 'update';
        call.answeredId = call.activityId;
        return json(res, 200, { id: call.activityId });
      }
    }
    json(res, 404, { error: { code: 'NotFound', message: 'Unknown path' } });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

// ---------------------------------------------------------------------------
// HTTP client for /api/messages

export interface PostResult {
  status: number;
  text: string;
  json?: unknown;
}

export async function postActivity(baseUrl: string, activity: unknown, raw?: string): Promise<PostResult> {
  const res = await fetch(new URL('/api/messages', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: raw ?? JSON.stringify(activity),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, text, json: parsed };
}

// ---------------------------------------------------------------------------
// Recording AssistantPort (for adapter tests before/without the real Assistant)

export class RecordingAssistant implements AssistantPort {
  readonly events: Inbound[] = [];
  readonly authorisations: Array<{ user: UserRef; action: RoleAction; ref?: string }> = [];
  readonly commands: Array<{ user: UserRef; name: ChatCommand; args: string }> = [];
  /** aadObjectIds allowed to act on escalations and acknowledge. */
  managers = new Set<string>();

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
    return { kind: 'say', text: `Help for ${name}`, blocks: [{ type: 'text', text: `Help for ${name}` }] };
  }

  /** Incident refs that exist (incidentSummary answers null for others). */
  knownIncidents = new Set<string>(['INC-0001']);

  async incidentSummary(ref: string): Promise<{ ref: string; escalations: Array<{ code: EscalationCode; label: string }> } | null> {
    return this.knownIncidents.has(ref) ? { ref, escalations: [] } : null;
  }
}
