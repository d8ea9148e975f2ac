// `npm run purge` and `npm run erase` (run in-process on the real Redis, unique prefix): only an
// admin may run them; they do the work and say what they did without echoing the identifier.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runErase } from '../../src/cli/erase.js';
import { runPurge } from '../../src/cli/purge.js';
import { RedisStore } from '../../src/store/redis.js';
import { cleanupPrefix, requireRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.js';

let redis: Redis;
const prefix = uniquePrefix('cli-privacy');
let store: RedisStore;

beforeAll(async () => {
  await requireRedis();
  redis = new Redis(testRedisUrl());
  store = new RedisStore({ client: redis, prefix });
  await store.put('incident', 'RH-2010-0001', { ref: 'RH-2010-0001', serviceId: 'riverside-house', status: 'closed', createdAt: '2010-01-05T10:00:00Z', updatedAt: '2010-01-06T10:00:00Z', answers: { categories: ['fall'] }, subject: 'KL', narrative: 'KL slipped' }, null);
  await store.append('RH-2010-0001', 'reported', {}, new Date('2010-01-05T10:00:00Z'));
  await store.put('incident', 'RH-2026-0001', { ref: 'RH-2026-0001', serviceId: 'riverside-house', status: 'open', createdAt: '2026-11-01T10:00:00Z', updatedAt: '2026-11-01T10:00:00Z', answers: {}, subject: 'PQ', narrative: 'PQ was upset' }, null);
  await store.append('RH-2026-0001', 'intake_completed', { subject: 'PQ', narrative: 'PQ was upset' }, new Date('2026-11-01T10:00:00Z'));
});
afterAll(async () => {
  await cleanupPrefix(redis, prefix);
  await redis.quit();
});

const env = (extra: Record<string, string> = {}) => ({ REDIS_URL: testRedisUrl(), REDIS_PREFIX: prefix, ...extra });
async function run(fn: typeof runPurge, argv: string[], e = env()) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await fn(argv, e, { out: (l) => out.push(l), err: (l) => err.push(l) }, () => new Date('2026-11-26T12:00:00Z'));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('purge and erase CLIs', () => {
  it('refuse anyone but an admin', async () => {
    for (const who of ['alex-kim', 'sam-okafor', 'tom-reilly']) {
      expect(await run(runPurge, ['--as', who])).toMatchObject({ code: 1, err: `${who} may not erase records. Ask an admin.` });
      expect((await run(runErase, ['PQ', '--as', who])).code).toBe(1);
    }
    expect((await store.get('incident', 'RH-2010-0001'))).not.toBeNull();
    expect(JSON.stringify(await store.read('RH-2026-0001'))).toContain('PQ');
  });

  it('purge removes the closed incident past retention (8 years) and says so', async () => {
    const r = await run(runPurge, ['--as', 'jo-patel']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Purged 0 sessions, 1 incident and 1 audit trail.');
    expect(r.out).toContain('RH-2010-0001');
    expect(await store.list('incident')).toEqual(['RH-2026-0001']);
  });

  it('erase removes the identifier and does not print it', async () => {
    const r = await run(runErase, ['PQ', '--as', 'helen-marsh'], env({ ERASURE_SECRET: 'k' }));
    expect(r.code).toBe(0);
    expect(r.out).toBe('Erased from 1 incident (RH-2026-0001) and 0 sessions. The erasure is recorded.');
    expect(JSON.stringify(await store.read('RH-2026-0001'))).not.toMatch(/\bPQ\b/);
    expect((await store.get<{ narrative: string }>('incident', 'RH-2026-0001'))!.value.narrative).toBe('[erased] was upset');
  });
});
