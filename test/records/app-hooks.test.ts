// The entry points the app calls: the report in chat (refused to reporters), the weekly digest
// from the store, and the next run times of the digest (Monday 09:00 local) and the purge (02:30).

import { describe, expect, it } from 'vitest';
import { loadOrganisation } from '../../src/conversations/organisation.js';
import { nextDailyPurgeAt, nextWeeklyDigestAt, reportReply, weeklyDigestFor } from '../../src/records/app-hooks.js';
import { MemoryStore } from '../../src/store/memory.js';

const org = loadOrganisation();
const user = (id: string) => ({ platform: 'terminal' as const, id });
const NOW = new Date('2026-03-31T12:00:00Z');

async function storeWithIncidents(): Promise<MemoryStore> {
  const store = new MemoryStore();
  const add = async (ref: string, createdAt: string, ackMin: number) => {
    await store.put('incident', ref, { ref, serviceId: 'riverside-house', status: 'open', createdAt, subject: 'Jo Smith', narrative: 'PRIVATE', answers: { categories: ['fall'] }, unsure: [], escalations: [] }, null);
    await store.append(ref, 'reported', {}, new Date(createdAt));
    await store.append(ref, 'page_sent', {}, new Date(createdAt));
    await store.append(ref, 'acknowledged', { by: 'sam-okafor' }, new Date(Date.parse(createdAt) + ackMin * 60_000));
  };
  await add('RH-2026-0001', '2026-03-10T10:00:00Z', 7);
  await add('RH-2026-0002', '2026-01-10T10:00:00Z', 30);
  return store;
}

describe('report in chat', () => {
  it('is refused to a reporter and to someone not in the file', async () => {
    const store = await storeWithIncidents();
    for (const id of ['alex-kim', 'stranger']) {
      const msg = await reportReply(store, org, user(id), '', NOW);
      expect(msg.text).toBe('The governance report is for managers, safeguarding leads and admins.');
    }
  });

  it('gives a manager the last 28 days by default, or the dates asked for, with no narrative or name', async () => {
    const store = await storeWithIncidents();
    const recent = await reportReply(store, org, user('sam-okafor'), '', NOW);
    expect(recent.text).toMatch(/^Governance report 2026-03-04 to 2026-03-31\nIncidents: 1\nTime to acknowledge: median 7 min, 90% 7 min/);
    const both = await reportReply(store, org, user('tom-reilly'), '2026-01-01 2026-03-31', NOW);
    expect(both.text).toContain('Incidents: 2');
    expect(both.text).toContain('median 7 min, 90% 30 min');
    expect(JSON.stringify(both)).not.toMatch(/PRIVATE|Jo Smith/);
    expect((await reportReply(store, org, user('sam-okafor'), 'last week', NOW)).text).toMatch(/^Give two dates/);
  });

  it('builds the weekly digest from the store', async () => {
    const store = await storeWithIncidents();
    const msg = await weeklyDigestFor(store, org, new Date('2026-03-12T09:00:00Z'));
    expect(msg.text).toContain('Reported this week: 1. Open now: 2.');
    expect(msg.text).toContain('RH-2026-0001 · Riverside House · J.S.');
    expect(msg.text).toMatch(/Record fingerprint at 2026-03-12T09:00:00.000Z: [0-9a-f]{16} \(2 logs\)\.$/);
    expect(JSON.stringify(msg)).not.toContain('PRIVATE');
  });
});

describe('next run times', () => {
  it('weekly digest: the next Monday 09:00 local time', () => {
    expect(nextWeeklyDigestAt(new Date('2026-11-25T12:00:00Z'), org).toISOString()).toBe('2026-11-30T09:00:00.000Z');
    expect(nextWeeklyDigestAt(new Date('2026-11-30T08:59:00Z'), org).toISOString()).toBe('2026-11-30T09:00:00.000Z');
    expect(nextWeeklyDigestAt(new Date('2026-11-30T09:00:00Z'), org).toISOString()).toBe('2026-12-07T09:00:00.000Z');
    expect(nextWeeklyDigestAt(new Date('2026-06-01T07:00:00Z'), org).toISOString()).toBe('2026-06-01T08:00:00.000Z'); // 09:00 BST
  });

  it('daily purge: the next 02:30 local time', () => {
    expect(nextDailyPurgeAt(new Date('2026-11-26T12:00:00Z'), org).toISOString()).toBe('2026-11-27T02:30:00.000Z');
    expect(nextDailyPurgeAt(new Date('2026-07-01T00:00:00Z'), org).toISOString()).toBe('2026-07-01T01:30:00.000Z'); // 02:30 BST
  });
});
