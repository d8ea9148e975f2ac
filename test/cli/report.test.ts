// `npm run report`: incidents put in the real Redis (unique prefix) with their event logs; the
// report counts only the range, prints no narrative, and refuses a reporter given with --as.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReport } from '../../src/cli/report.js';
import { RedisStore } from '../../src/store/redis.js';
import { cleanupPrefix, requireRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.js';

let redis: Redis;
const prefix = uniquePrefix('cli-report');

beforeAll(async () => {
  await requireRedis();
  redis = new Redis(testRedisUrl());
  const store = new RedisStore({ client: redis, prefix });
  const add = async (ref: string, createdAt: string, ackMinutes: number) => {
    const t = Date.parse(createdAt);
    await store.put('incident', ref, { ref, serviceId: 'riverside-house', status: 'open', createdAt, answers: { categories: ['abuse'] }, unsure: [], escalations: [], narrative: 'PRIVATE NARRATIVE', subject: 'AB' }, null);
    await store.append(ref, 'reported', {}, new Date(t));
    await store.append(ref, 'page_sent', {}, new Date(t));
    await store.append(ref, 'acknowledged', { by: 'sam-okafor' }, new Date(t + ackMinutes * 60_000));
  };
  await add('RH-2026-0001', '2026-05-04T10:00:00Z', 4);
  await add('RH-2026-0002', '2026-05-05T10:00:00Z', 12);
  await add('RH-2026-0003', '2026-06-01T10:00:00Z', 99);
});
afterAll(async () => {
  await cleanupPrefix(redis, prefix);
  await redis.quit();
});

async function report(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runReport(argv, { REDIS_URL: testRedisUrl(), REDIS_PREFIX: prefix }, { out: (l) => out.push(l), err: (l) => err.push(l) }, () => new Date('2026-06-10T00:00:00Z'));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run report', () => {
  it('reports the range only, as text and JSON, without narratives', async () => {
    const text = await report('--from', '2026-05-01', '--to', '2026-05-31');
    expect(text.code).toBe(0);
    expect(text.out).toContain('Incidents: 2');
    expect(text.out).toContain('median 4 min, 90th percentile 12 min (2 of 2 paged; 0 not acknowledged)');
    expect(text.out).not.toContain('PRIVATE NARRATIVE');
    const json = JSON.parse((await report('--from', '2026-05-01', '--to', '2026-06-30', '--format', 'json', '--as', 'helen-marsh')).out);
    expect(json.incidents).toBe(3);
    expect(json.acknowledge).toMatchObject({ count: 3, median: 12, p90: 99 });
  });

  it('refuses a reporter named with --as', async () => {
    const r = await report('--from', '2026-05-01', '--to', '2026-05-31', '--as', 'morgan-lee');
    expect(r).toMatchObject({ code: 1, out: '' });
    expect(r.err).toMatch(/morgan-lee may not see all records/);
  });
});
