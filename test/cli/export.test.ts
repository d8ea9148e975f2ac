// `npm run export`: the bruising example reported through the terminal chat on the real Redis
// (unique prefix), exported by a safeguarding lead as JSON, CSV and HTML, one ref and by date
// range; a reporter (and anyone not named) is refused.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExport } from '../../src/cli/export.js';
import { localParts } from '../../src/core/calendar.js';
import { RedisStore } from '../../src/store/redis.js';
import { cleanupPrefix, requireRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.js';
import { runBruising } from '../records/seed-fixture.js';

let redis: Redis;
const prefix = uniquePrefix('cli-export');
let ref = '';
let eventCount = 0;
let createdAt = '';

beforeAll(async () => {
  await requireRedis();
  redis = new Redis(testRedisUrl());
  const store = new RedisStore({ client: redis, prefix });
  const run = await runBruising(store);
  ref = run.ref;
  eventCount = (await store.read(ref)).length;
  createdAt = (await run.h.incident(ref))!.createdAt;
  await run.h.stop();
}, 60_000);
afterAll(async () => {
  await cleanupPrefix(redis, prefix);
  await redis.quit();
});

async function exportCli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runExport(argv, { REDIS_URL: testRedisUrl(), REDIS_PREFIX: prefix }, { out: (l) => out.push(l), err: (l) => err.push(l) }, () => new Date('2026-11-27T09:00:00Z'));
  return { code, out: out.join(''), err: err.join('\n') };
}

describe('npm run export', () => {
  it('refuses a reporter, an unknown person and a missing --as', async () => {
    const reporter = await exportCli(ref, '--format', 'json', '--as', 'alex-kim');
    expect(reporter).toMatchObject({ code: 1, out: '' });
    expect(reporter.err).toBe('alex-kim may not export records. Ask a safeguarding lead or an admin.');
    const manager = await exportCli(ref, '--format', 'json', '--as', 'sam-okafor');
    expect(manager.code).toBe(1);
    expect((await exportCli(ref, '--format', 'json', '--as', 'nobody')).err).toMatch(/not in the organisation file/);
    expect((await exportCli(ref, '--format', 'json')).err).toMatch(/Give --as PERSON_ID/);
  });

  it('exports one incident as JSON with every event in order and the chain intact', async () => {
    const r = await exportCli(ref, '--format', 'json', '--as', 'tom-reilly');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.exportedBy).toBe('tom-reilly');
    const inc = json.incidents[0];
    expect(inc.incident.ref).toBe(ref);
    expect(inc.events.map((e: { seq: number }) => e.seq)).toEqual(Array.from({ length: eventCount }, (_, i) => i + 1));
    expect(inc.chain).toEqual({ intact: true, problems: [], redacted: [] });
  });

  it('exports CSV and HTML', async () => {
    const csv = await exportCli(ref, '--format', 'csv', '--as', 'jo-patel');
    expect(csv.code).toBe(0);
    expect(csv.out.trim().split('\r\n')).toHaveLength(eventCount + 1);
    const html = await exportCli(ref, '--format', 'html', '--as', 'tom-reilly');
    expect(html.out).toMatch(/^<!DOCTYPE html>/);
    expect(html.out).toContain(`Incident ${ref}`);
    expect(html.out).toContain('SG-2026-0117');
  });

  it('exports by date range and service', async () => {
    const day = localParts(new Date(createdAt), 'Europe/London').date;
    const mine = await exportCli('--from', day, '--to', day, '--service', 'riverside-house', '--format', 'json', '--as', 'tom-reilly');
    expect(JSON.parse(mine.out).incidents.map((i: { ref: string }) => i.ref)).toEqual([ref]);
    const other = await exportCli('--from', day, '--to', day, '--service', 'elm-court', '--format', 'json', '--as', 'tom-reilly');
    expect(JSON.parse(other.out).incidents).toEqual([]);
    const before = await exportCli('--from', '2020-01-01', '--to', '2020-01-31', '--format', 'csv', '--as', 'tom-reilly');
    expect(before.out.trim().split('\r\n')).toHaveLength(1);
  });

  it('says so when the incident does not exist, and explains bad arguments', async () => {
    expect(await exportCli('XX-2026-9999', '--format', 'json', '--as', 'tom-reilly')).toMatchObject({ code: 1, err: 'No incident XX-2026-9999 found.' });
    await expect(exportCli(ref, '--format', 'pdf', '--as', 'tom-reilly')).rejects.toThrow(/Usage: npm run export/);
    await expect(exportCli('--from', '2026-13-01', '--to', '2026-01-01', '--format', 'csv', '--as', 'tom-reilly')).rejects.toThrow(/--from needs a date/);
  });
});
