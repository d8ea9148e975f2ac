// A new report's first timeline replies ("Report completed", "Paged …") and record updates are made
// while its record is first posted in the escalations channel. They wait a moment for the record
// rather than running beside the post, finding none, and waiting a second for their retry.

import { describe, expect, it } from 'vitest';
import { ESCALATIONS_CHANNEL } from '../e2e/slack-driver.js';
import { BRUISING_CLICKS } from '../helpers/seed-answers.js';
import { slashCommand } from '../helpers/slack.js';
import { cleanupAfterEach, REPORTER, sleep, startSlackE2E, watchJobRuns } from './support.js';

const cleanup = cleanupAfterEach();

describe("a new report's first timeline replies and record updates", () => {
  it('follow the record without a failed run', async () => {
    const e = await startSlackE2E('timeline-first-post', cleanup);
    const runs = watchJobRuns(e.app);
    await e.send(slashCommand({ command: '/incident', text: 'Unexplained bruising on both forearms found during personal care.', user: REPORTER }));
    await e.answerIntake(REPORTER, { life: ['no'], danger: ['no'], service: ['riverside-house'], when: ['1 hour ago', 'yes'], ...BRUISING_CLICKS, confirm: ['yes'] });
    const record = await e.waitFor('the record', () => e.messages({ channel: ESCALATIONS_CHANNEL, methods: ['chat.postMessage'] }).find((m) => !m.threadTs));
    const replies = () => e.messages({ channel: ESCALATIONS_CHANNEL, methods: ['chat.postMessage'] }).filter((m) => m.threadTs === record.ts);
    await e.waitFor('"Report completed" in the thread', () => replies().find((m) => /Report completed/.test(m.text)));
    await sleep(1500);
    const timeline = runs.filter((r) => r.kind === 'timeline');
    expect(timeline.length).toBeGreaterThanOrEqual(2); // completed, paged
    expect(timeline.filter((r) => r.failed)).toEqual([]);
    expect(runs.filter((r) => r.kind === 'record' && r.failed)).toEqual([]); // nor a record update
    expect(replies().map((m) => m.text).join('\n')).toMatch(/Paged Sam Okafor/);
  }, 60_000);
});
