// The Slack adapter's front door: builds the SlackChannel (Web API out) and the Bolt App (events in,
// on our HttpServer at POST /slack/events, or over Socket Mode when an app token is given).
// The Assistant needs the channel and the App needs the Assistant, so the Assistant can be given
// later with `setAssistant` (or as a getter function).

import { App, SocketModeReceiver, webApi, type Receiver } from '@slack/bolt';
import type { AssistantPort } from '../port.js';
import type { HttpServer } from '../../server.js';
import { SlackChannel } from './channel.js';
import { registerListeners } from './listeners.js';
import { boltLogger, silentLogger, type SlackLogger } from './logger.js';
import { HttpRouteReceiver } from './receiver.js';
import { normaliseApiUrl, type ApiErrorHook, type RateLimitPolicy } from './web-clients.js';
import { WorkTracker } from './work-tracker.js';

export { SlackChannel } from './channel.js';
export { renderMessage, escapeMrkdwn } from './render.js';
export { TEXT as SLACK_TEXT, SLASH_COMMANDS, CALLBACK_IDS } from './listeners.js';
export type { SlackLogger } from './logger.js';

export const SLACK_EVENTS_PATH = '/slack/events';

export interface CreateSlackOptions {
  botToken: string;
  /** Needed for HTTP (no app token); ignored in Socket Mode. */
  signingSecret?: string;
  /** SLACK_APP_TOKEN: use Socket Mode instead of the HTTP route. */
  appToken?: string;
  /** SLACK_API_URL (GovSlack, tests). */
  apiUrl?: string;
  /** The Assistant, or a getter for it; may also be given later with setAssistant. */
  assistant?: AssistantPort | (() => AssistantPort);
  server?: HttpServer;
  logger?: SlackLogger;
  /** Injectable clock (ms) for signature staleness and modal defaults. */
  now?: () => number;
  rateLimit?: Partial<RateLimitPolicy>;
  /** Told of every failed Web API call (the platform-errors metric). */
  onApiError?: ApiErrorHook;
}

export interface SlackAdapter {
  channel: SlackChannel;
  app: App;
  mode: 'http' | 'socket';
  setAssistant(assistant: AssistantPort | (() => AssistantPort)): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when all work started by inbound requests has finished (for tests and shutdown). */
  idle(): Promise<void>;
}

export function createSlack(options: CreateSlackOptions): SlackAdapter {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const apiUrl = normaliseApiUrl(options.apiUrl);
  const channel = new SlackChannel({ botToken: options.botToken, apiUrl, rateLimit: options.rateLimit, onApiError: options.onApiError });
  const work = new WorkTracker(logger);

  let assistantRef = options.assistant;
  const assistant = (): AssistantPort => {
    const a = typeof assistantRef === 'function' ? assistantRef() : assistantRef;
    if (!a) throw new Error('Slack adapter has no assistant yet: call setAssistant first');
    return a;
  };

  const mode = options.appToken ? 'socket' : 'http';
  let receiver: Receiver;
  if (options.appToken) {
    const socket = new SocketModeReceiver({ appToken: options.appToken, logger: boltLogger(logger) });
    // Point the Socket Mode connection call (apps.connections.open) at SLACK_API_URL too.
    const client = socket.client as unknown as { webClient?: unknown };
    if (client.webClient) {
      client.webClient = new webApi.WebClient(undefined, { slackApiUrl: apiUrl, logLevel: webApi.LogLevel.ERROR });
    }
    receiver = socket;
  } else {
    if (!options.signingSecret) throw new Error('Slack over HTTP needs SLACK_SIGNING_SECRET');
    if (!options.server) throw new Error('Slack over HTTP needs the HttpServer');
    const http = new HttpRouteReceiver({ signingSecret: options.signingSecret, logger, now });
    options.server.route('POST', SLACK_EVENTS_PATH, http.handle);
    receiver = http;
  }

  const app = new App({
    receiver,
    // One workspace, one bot token; no network call is needed to authorise an event.
    authorize: async () => ({ botToken: options.botToken }),
    ignoreSelf: false,
    // The assistant keeps its own state in Redis; Bolt's conversation store would only cost time.
    convoStore: false,
    logger: boltLogger(logger),
    clientOptions: { slackApiUrl: apiUrl, logLevel: webApi.LogLevel.ERROR },
  });
  registerListeners(app, { channel, assistant, work, logger, now });

  return {
    channel,
    app,
    mode,
    setAssistant(a) {
      assistantRef = a;
    },
    async start() {
      await app.start();
    },
    async stop() {
      await app.stop();
      await work.idle();
    },
    idle: () => work.idle(),
  };
}
