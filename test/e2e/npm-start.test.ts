// `npm start` with no credentials: the terminal chat, scripted through piped standard input.

import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';

it('runs the terminal chat on piped input and prints the page and the record apart from the chat', () => {
  const lines = ['yes', '/oncall', '/quit'];
  const env = { ...process.env, CHANNELS: '', SLACK_BOT_TOKEN: '', MICROSOFT_APP_ID: '', REDIS_URL: '', LOG_LEVEL: 'silent' };
  const r = spawnSync('node_modules/.bin/tsx', ['src/main.ts'], { input: lines.join('\n') + '\n', env, encoding: 'utf8', timeout: 60_000 });
  expect(r.status).toBe(0);
  const out = r.stdout;
  expect(out.indexOf("Is anyone's life in danger right now?")).toBeGreaterThan(-1);
  expect(out).toMatch(/assistant › !! Call 999 now and ask for an ambulance/);
  expect(out).toMatch(/┌─ PAGE to Sam Okafor/);
  expect(out).toMatch(/┌─ #escalations/);
  expect(out).toMatch(/On call now/);
  // Safety first: the 999 advice, then the page, then the next question.
  expect(out.indexOf('Call 999 now')).toBeLessThan(out.indexOf('PAGE to Sam Okafor'));
  expect(out.indexOf('PAGE to Sam Okafor')).toBeLessThan(out.indexOf('Is someone in danger from another person'));
}, 90_000);
