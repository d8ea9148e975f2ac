// A new report's first timeline replies ("Report completed", "Paged …") and record updates are made
// while its record is first posted in the escalations channel. They wait a moment for the record
// rather than running beside the post, finding none, and waiting a second for their retry.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AFTER_FIRST_POST_MS } from '../../src/app/incident-repo.js';
import type { Job } from '../../src/scheduler/port.js';
import { ESCALATIONS_CHANNEL, SlackE2E } from '../e2e/slack-driver.js';
import { requireRedis, uniquePrefix } from '../helpers/redis.js';
import { BRUISING_CLICKS } from '../helpers/seed-answers.js';
import { slashCommand, startFakeSlackApi, type FakeSlackApi } from '../helpers/slack.js';
import { cleanupApp, REPORTER, sleep } from './support.js';

let api: FakeSlackApi;
let e: SlackE2E;

beforeAll(async () => {
  await requireRedis();
  api = await startFakeSlackApi();
  e = await new SlackE2E(api, uniquePrefix('timeline-first-post')).start();
});
afterAll(async () => {
  await e?.stop().catch(() => {});
  await e?.cleanup();
  await cleanupApp(e.prefix);
  await api?.close();
});

describe("a new report's first timeline replies and record updates", () => {
  it('follow the record without a failed run', async () => {
    const runs: Array<{ kind: string; failed: boolean }> = [];
    const run = e.app.jobs.run.bind(e.app.jobs);
    e.app.jobs.run = async (job: Job) => {
      try {
        await run(job);
        runs.push({ kind: job.kind, failed: false });
      } catch (err) {
        runs.push({ kind: job.kind, failed: true });
        throw err;
      }
    };
    await e.send(slashCommand({ command: '/incident', text: 'Unexplained bruising on both forearms found during personal care.', user: REPORTER }));
    await e.answerIntake(REPORTER, { life: ['no'], danger: ['no'], service: ['riverside-house'], when: ['1 hour ago', 'yes'], ...BRUISING_CLICKS, confirm: ['yes'] });
    const confirmed = Date.now();
    const record = await e.waitFor('the record', () => e.messages({ channel: ESCALATIONS_CHANNEL, methods: ['chat.postMessage'] }).find((m) => !m.threadTs));
    const replies = () => e.messages({ channel: ESCALATIONS_CHANNEL, methods: ['chat.postMessage'] }).filter((m) => m.threadTs === record.ts);
    await e.waitFor('"Report completed" in the thread', () => replies().find((m) => /Report completed/.test(m.text)));
    expect(Date.now() - confirmed).toBeLessThan(AFTER_FIRST_POST_MS + 900); // no 1 s retry on the way
    await sleep(1500);
    const timeline = runs.filter((r) => r.kind === 'timeline');
    expect(timeline.length).toBeGreaterThanOrEqual(2); // completed, paged
    expect(timeline.filter((r) => r.failed)).toEqual([]);
    expect(runs.filter((r) => r.kind === 'record' && r.failed)).toEqual([]); // nor a record update
    expect(replies().map((m) => m.text).join('\n')).toMatch(/Paged Sam Okafor/);
  }, 60_000);
});
