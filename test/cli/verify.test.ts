// `npm run verify` as a real process (tsx), on the real Redis with a unique REDIS_PREFIX: exit 0
// and an OK line for an intact log, exit 1 and one line per problem after an event is deleted.
// (The detailed tamper cases are in test/records/verify.test.ts.)

import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore, storeKey } from '../../src/store/redis.js';
import { cleanupPrefix, requireRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.js';

let redis: Redis;
const prefix = uniquePrefix('cli-verify');

beforeAll(async () => {
  await requireRedis();
  redis = new Redis(testRedisUrl());
  const store = new RedisStore({ client: redis, prefix });
  for (const t of ['reported', 'intake_completed', 'decision']) await store.append('RH-2026-0001', t, { t });
});
afterAll(async () => {
  await cleanupPrefix(redis, prefix);
  await redis.quit();
});

function verify(...args: string[]) {
  const r = spawnSync('npx', ['tsx', 'src/cli/verify.ts', ...args], { encoding: 'utf8', env: { ...process.env, REDIS_URL: testRedisUrl(), REDIS_PREFIX: prefix } });
  return { code: r.status, out: r.stdout.trim(), err: r.stderr.trim() };
}

describe('npm run verify (process)', { timeout: 90_000 }, () => {
  it('exits 0 when intact, 1 with a line per problem, 2 on bad usage', async () => {
    expect(verify('RH-2026-0001')).toEqual({ code: 0, out: 'OK: 1 incident, 3 events, chain intact.', err: '' });
    const key = storeKey(prefix, { kind: 'events', stream: 'RH-2026-0001' });
    const [[id]] = (await redis.xrange(key, '-', '+', 'COUNT', 2)).slice(1) as [[string, string[]]];
    await redis.xdel(key, id);
    expect(verify('--all')).toEqual({ code: 1, out: 'RH-2026-0001: seq 2 is missing (deleted event)', err: '' });
    const bad = verify();
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/Usage: npm run verify/);
  });
});
