// The Slack app manifest: valid against Slack's published manifest schema (draft-07, version
// 1.0.0 kept in shared/schemas/slack), and in step with the code: every slash command and
// shortcut the adapter handles is declared, every declared one is handled, and all request URLs
// point at the one endpoint.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SLASH_COMMANDS, SHORTCUT_REPORT } from '../../src/channels/slack/listeners.js';
import { SLACK_EVENTS_PATH } from '../../src/channels/slack/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const manifestPath = join(root, 'manifests', 'slack', 'manifest.yaml');
const schemaPath = join(root, '..', 'shared', 'schemas', 'slack', 'manifest.schema.1.0.0.json');

interface Manifest {
  features: {
    slash_commands: Array<{ command: string; url: string }>;
    shortcuts: Array<{ callback_id: string; type: string }>;
    app_home: { messages_tab_enabled: boolean };
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
    socket_mode_enabled: boolean;
    org_deploy_enabled: boolean;
    token_rotation_enabled: boolean;
  };
}

const manifest = parse(readFileSync(manifestPath, 'utf8')) as Manifest;
const listenersSource = readFileSync(join(root, 'src', 'channels', 'slack', 'listeners.ts'), 'utf8');
const channelSource = readFileSync(join(root, 'src', 'channels', 'slack', 'channel.ts'), 'utf8');

describe('Slack manifest', () => {
  it('is valid against the Slack manifest schema 1.0.0', () => {
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
    // The published schema uses a non-standard `regex` keyword and the `uri` format: not strict.
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const validate = ajv.compile(schema);
    const ok = validate(manifest);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('rejects a broken manifest (the schema check really checks)', () => {
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
    const validate = new Ajv({ strict: false, validateFormats: false }).compile(schema);
    expect(validate({ ...manifest, features: { ...manifest.features, shortcuts: [{ name: 'x' }] } })).toBe(false);
  });

  it('declares exactly the slash commands the adapter handles', () => {
    const declared = manifest.features.slash_commands.map((c) => c.command).sort();
    expect(declared).toEqual([...SLASH_COMMANDS].sort());
    for (const command of SLASH_COMMANDS) expect(listenersSource).toContain(`'${command}'`);
  });

  it('declares the message shortcut the adapter handles', () => {
    expect(manifest.features.shortcuts).toEqual([expect.objectContaining({ type: 'message', callback_id: SHORTCUT_REPORT })]);
    expect(listenersSource).toContain('app.shortcut(SHORTCUT_REPORT');
  });

  it('subscribes to the events the adapter listens for', () => {
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(['app_mention', 'message.im']);
    expect(listenersSource).toContain("app.event('message'");
    expect(listenersSource).toContain("app.event('app_mention'");
    expect(manifest.features.app_home.messages_tab_enabled).toBe(true);
  });

  it('asks for the scopes of the Web API methods used, and no more', () => {
    const scopes = manifest.oauth_config.scopes.bot;
    expect([...scopes].sort()).toEqual(['app_mentions:read', 'chat:write', 'commands', 'im:history', 'im:write']);
    expect(channelSource).toContain('conversations.open'); // im:write
    expect(channelSource).toContain('chat.postMessage'); // chat:write
    expect(channelSource).not.toContain('users.info'); // so no users:read
  });

  it('points every request URL at the one endpoint and keeps the safe settings', () => {
    const urls = [
      ...manifest.features.slash_commands.map((c) => c.url),
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
    ];
    for (const url of urls) expect(url).toBe(`https://YOUR-HOST${SLACK_EVENTS_PATH}`);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(manifest.settings.org_deploy_enabled).toBe(false);
    expect(manifest.settings.token_rotation_enabled).toBe(false);
  });
});
