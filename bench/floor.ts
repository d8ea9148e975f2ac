// The floor for the benchmark: a bare Bolt app behind the same signed-HTTP receiver and HTTP
// server the assistant uses, doing the least a stateful chat bot can do per event: one Redis GET,
// one Redis SET and one chat.postMessage to the (fake) Slack API. Nothing else.

import { App, webApi } from '@slack/bolt';
import { HttpRouteReceiver } from '../src/channels/slack/receiver.js';
import { createSlackClients } from '../src/channels/slack/web-clients.js';
import { HttpServer } from '../src/server.js';
import { createRedisClient } from '../src/store/redis-url.js';
import { STORE_TUNING } from '../src/store/redis.js';

export interface Floor {
  eventsUrl: string;
  stop(): Promise<void>;
}

export async function startFloor(o: { redisUrl: string; prefix: string; signingSecret: string; botToken: string; apiUrl: string }): Promise<Floor> {
  const redis = createRedisClient(o.redisUrl, STORE_TUNING);
  redis.on('error', () => {});
  const server = new HttpServer();
  const receiver = new HttpRouteReceiver({ signingSecret: o.signingSecret });
  server.route('POST', '/slack/events', receiver.handle);
  // The same Web API client as the assistant's SlackChannel.
  const client = createSlackClients(o.botToken, o.apiUrl).direct;
  const app = new App({
    receiver,
    authorize: async () => ({ botToken: o.botToken }),
    ignoreSelf: false,
    clientOptions: { slackApiUrl: o.apiUrl, logLevel: webApi.LogLevel.ERROR },
  });

  const work = async (userId: string, text: string) => {
    const key = `${o.prefix}floor:${userId}`;
    const before = await redis.get(key);
    await redis.set(key, JSON.stringify({ n: Number(before ? (JSON.parse(before) as { n: number }).n : 0) + 1, text }), 'EX', 3600);
    await client.call('chat.postMessage', { channel: `D${userId.slice(1)}`, text: 'ok' });
  };
  app.event('message', async ({ event }) => {
    const e = event as { user?: string; text?: string };
    if (e.user) void work(e.user, e.text ?? '').catch(() => {});
  });
  app.action(/.*/, async ({ ack, body }) => {
    await ack();
    const user = (body as { user?: { id?: string } }).user?.id;
    if (user) void work(user, 'click').catch(() => {});
  });

  const port = await server.listen(0, '127.0.0.1');
  return {
    eventsUrl: `http://127.0.0.1:${port}/slack/events`,
    async stop() {
      await server.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
