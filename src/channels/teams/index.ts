// Entry point of the Teams channel: builds the CloudAdapter, the TeamsChannel (Channel port) and
// the POST /api/messages route. All botbuilder use stays inside this folder.

import type { HttpServer } from '../../server.js';
import type { Store } from '../../store/port.js';
import type { AssistantPort } from '../port.js';
import { createCloudAdapter, resolveTeamsAuth, type TeamsAuth } from './adapter.js';
import { TeamsBot } from './bot.js';
import { TeamsChannel } from './channel.js';
import { silentLogger, type TeamsLogger } from './logger.js';
import { MESSAGES_PATH, messagesHandler } from './receiver.js';
import { ConversationRefs } from './refs.js';

export interface TeamsOptions {
  appId?: string;
  appPassword?: string;
  tenantId?: string;
  /** MultiTenant (default), SingleTenant or UserAssignedMSI. */
  appType?: string;
  /** Defaults to process.env.NODE_ENV; "production" refuses an empty app id. */
  nodeEnv?: string;
  store: Store;
  /** The assistant; may be given later with `setAssistant` (it usually needs the channel first). */
  assistant?: AssistantPort;
  server: HttpServer;
  logger?: TeamsLogger;
  /** Clock for "now" in forms; default the system clock. */
  now?: () => Date;
  /** Time zone for typed dates and times when Teams does not send one; default Europe/London. */
  timeZone?: string;
  /** Told of every failed send or update, with its kind (the platform-errors metric). */
  onApiError?: (kind: string) => void;
}

export interface Teams {
  channel: TeamsChannel;
  auth: Omit<TeamsAuth, 'appPassword'>;
  setAssistant(assistant: AssistantPort): void;
  stop(): Promise<void>;
}

/** Throws (with a message for the operator) when the settings are not usable. */
export function createTeams(o: TeamsOptions): Teams {
  const auth = resolveTeamsAuth(o);
  const logger = o.logger ?? silentLogger;
  if (auth.unauthenticated) {
    logger.warn({ platform: 'teams' }, 'MICROSOFT_APP_ID is empty: the Teams endpoint is NOT authenticated (local testing only)');
  }
  const adapter = createCloudAdapter(auth);
  const refs = new ConversationRefs(o.store);
  const channel = new TeamsChannel(adapter, auth.appId, refs, logger, o.onApiError);
  let assistant = o.assistant;
  const bot = new TeamsBot({
    adapter,
    appId: auth.appId,
    refs,
    store: o.store,
    assistant: () => assistant,
    logger,
    now: o.now ?? (() => new Date()),
    timeZone: o.timeZone ?? 'Europe/London',
  });
  o.server.route('POST', MESSAGES_PATH, messagesHandler(adapter, bot.onTurn, logger));

  const { appPassword: _secret, ...publicAuth } = auth;
  return {
    channel,
    auth: publicAuth,
    setAssistant(a) {
      assistant = a;
    },
    async stop() {
      // Nothing long-lived: the adapter holds no sockets; the HTTP server is closed by its owner.
    },
  };
}

export { TeamsChannel, TeamsUnreachableError } from './channel.js';
export { renderCard, cardAttachment } from './cards.js';
export { resolveTeamsAuth } from './adapter.js';
