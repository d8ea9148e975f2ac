// Two record updates for one incident finishing out of order (the first one's chat.update held
// up on the way to Slack) must still leave the record in the escalations channel showing the
// latest state, not the older one that arrived last.

import { describe, expect, it } from 'vitest';
import { dmOf } from '../e2e/slack-driver.js';
import { apiField, dmMessage, slashCommand } from '../helpers/slack.js';
import type { Incident } from '../../src/core/types.js';
import { cleanupAfterEach, clickReq, nextQuestion, ONCALL, pagesTo, posted, REPORTER, sleep, startProxiedApp, waitFor } from './support.js';

const CHANNEL = 'CESCALATIONS';
const cleanup = cleanupAfterEach();

describe('record updates finishing out of order', () => {
  it('the record ends showing the latest state', async () => {
    let holdNext = false;
    const { api, proxy, a } = await startProxiedApp('record-order', cleanup, (path, body) => {
      if (!holdNext || !path.endsWith('chat.update') || apiField(body, 'channel') !== CHANNEL) return false;
      holdNext = false;
      return true;
    });

    // An emergency report: the incident, its page and its record.
    await a.send(slashCommand({ command: '/incident', text: 'Resident collapsed, not breathing', user: REPORTER }));
    await a.send(clickReq(REPORTER, await nextQuestion(api, REPORTER, 0, 'the life question'), 'yes'));
    await waitFor('the page', () => pagesTo(api, ONCALL)[0]);
    const record = await waitFor('the record', () => posted(api, CHANNEL).find((m) => !m.threadTs));
    await sleep(2500); // the record and timeline jobs of the report settle
    const ref = (await a.app.ctx.store.list('incident'))[0]!;
    const inc = (await a.app.ctx.store.get<Incident>('incident', ref))!.value;
    const [first, second] = inc.escalations.filter((e) => e.itemStatus === 'open' && e.code !== 'oncall_manager').map((e) => e.code);
    expect(first && second).toBeTruthy();

    // First change: its record update is held on the way to Slack.
    holdNext = true;
    await a.send(dmMessage({ user: ONCALL, text: `notify ${ref} ${first} Control room | REF-FIRST-111`, channel: dmOf(ONCALL) }));
    await waitFor('the first update held', () => proxy.held() === 1);
    // Second change: its update goes straight through.
    await a.send(dmMessage({ user: ONCALL, text: `notify ${ref} ${second} Duty desk | REF-SECOND-222`, channel: dmOf(ONCALL) }));
    const updates = () => api.calls.filter((c) => c.method === 'chat.update' && c.params.channel === CHANNEL && c.params.ts === record.ts);
    await waitFor('the second update', () => updates().some((c) => JSON.stringify(c.params).includes('REF-SECOND-222')));
    // Now the older update arrives last.
    proxy.release();
    await waitFor('the held update delivered', () => proxy.held() === 0);
    await sleep(1500);
    const last = JSON.stringify(updates().at(-1)!.params);
    expect(last).toContain('REF-FIRST-111');
    expect(last).toContain('REF-SECOND-222');
  }, 40_000);
});
