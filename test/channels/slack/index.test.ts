// createSlack: HTTP mode mounts /slack/events on our server; Socket Mode mounts nothing and points
// its connection call at SLACK_API_URL; missing settings fail with a clear message; an event that
// arrives before the assistant is set is acknowledged and logged, never a crash.

import { afterEach, describe, expect, it } from 'vitest';
import { createSlack } from '../../../src/channels/slack/index.js';
import type { SlackLogger } from '../../../src/channels/slack/logger.js';
import { HttpServer } from '../../../src/server.js';
import { BOT_TOKEN, dmMessage, postSlack, SIGNING_SECRET } from '../../helpers/slack.js';

const servers: HttpServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function listen(server: HttpServer): Promise<string> {
  servers.push(server);
  const port = await server.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${port}/slack/events`;
}

describe('createSlack', () => {
  it('in Socket Mode serves no HTTP route and sends its connection call to SLACK_API_URL', async () => {
    const server = new HttpServer();
    const slack = createSlack({ botToken: BOT_TOKEN, appToken: 'xapp-1-test', apiUrl: 'http://127.0.0.1:9/gov/api', server });
    expect(slack.mode).toBe('socket');
    const url = await listen(server);
    const res = await postSlack(url, dmMessage({ user: 'UREP00001', text: 'hi' }));
    expect(res.status).toBe(404);
    const receiver = (slack.app as unknown as { receiver: { client: { webClient: { slackApiUrl: string } } } }).receiver;
    expect(receiver.client.webClient.slackApiUrl).toBe('http://127.0.0.1:9/gov/api/');
  });

  it('over HTTP needs the signing secret and the server', () => {
    expect(() => createSlack({ botToken: BOT_TOKEN, server: new HttpServer() })).toThrow(/SLACK_SIGNING_SECRET/);
    expect(() => createSlack({ botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET })).toThrow(/HttpServer/);
  });

  it('acknowledges and logs (without content) an event that arrives before the assistant is set', async () => {
    const logged: Array<Record<string, unknown>> = [];
    const logger: SlackLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: (obj) => logged.push(obj) };
    const server = new HttpServer();
    const slack = createSlack({ botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, server, logger });
    const url = await listen(server);
    const res = await postSlack(url, dmMessage({ user: 'UREP00001', text: 'private details here' }));
    await slack.idle();
    expect(res.status).toBe(200);
    expect(logged).toEqual([{ kind: 'dm', err: 'Error' }]);
    expect(JSON.stringify(logged)).not.toContain('private');
  });
});
