// verify: a real RedisStore log (unique prefix), tampered with directly in Redis (XDEL, XADD,
// HSET, a rebuilt stream), is reported as edited, missing or inserted at the right seq; an intact
// log passes; the CLI exits 0 when intact and 1 with one line per problem.

import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runVerify } from '../../src/cli/verify.js';
import { redisEventLog } from '../../src/records/event-log.js';
import { fingerprintAt, problemLines, verifyAll, verifyEvents, verifyStream } from '../../src/records/verify.js';
import { eventHash } from '../../src/store/chain.js';
import { MemoryStore } from '../../src/store/memory.js';
import { RedisStore, storeKey } from '../../src/store/redis.js';
import { cleanupPrefix, requireRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.js';

let redis: Redis;
let prefix: string;
let store: RedisStore;
const REF = 'RH-2026-0007';

beforeAll(async () => {
  await requireRedis();
  redis = new Redis(testRedisUrl());
});
afterAll(async () => {
  await redis.quit();
});
beforeEach(async () => {
  prefix = uniquePrefix('records-verify');
  store = new RedisStore({ client: redis, prefix });
  const t = Date.parse('2026-11-20T10:00:00Z');
  await store.append(REF, 'reported', { reporter: { platform: 'terminal', id: 'alex-kim' }, serviceId: 'riverside-house' }, new Date(t));
  await store.append(REF, 'intake_completed', { subject: 'AB', narrative: 'Bruising on both arms.' }, new Date(t + 60_000));
  await store.append(REF, 'decision', { escalations: [] }, new Date(t + 61_000));
  await store.append(REF, 'acknowledged', { by: 'sam-okafor' }, new Date(t + 300_000));
});
afterEach(async () => {
  await cleanupPrefix(redis, prefix);
});

const eventsKey = (ref = REF) => storeKey(prefix, { kind: 'events', stream: ref });
const headKey = (ref = REF) => storeKey(prefix, { kind: 'head', stream: ref });

type Entry = [string, string[]];
/** Rebuild a stream entry by entry (Redis cannot edit a stream entry in place), with fresh ids in order. */
async function rebuild(change: (entries: Entry[]) => Entry[]): Promise<void> {
  const entries = (await redis.xrange(eventsKey(), '-', '+')) as Entry[];
  const next = change(entries);
  await redis.del(eventsKey());
  for (const [i, [, fields]] of next.entries()) await redis.xadd(eventsKey(), `${i + 1}-0`, ...fields);
}
const setField = (fields: string[], name: string, value: string) => {
  const out = [...fields];
  out[out.indexOf(name) + 1] = value;
  return out;
};
const field = (fields: string[], name: string) => fields[fields.indexOf(name) + 1]!;
const log = () => redisEventLog(redis, prefix);

async function cli(...argv: string[]) {
  const out: string[] = [];
  const code = await runVerify(argv, { REDIS_URL: testRedisUrl(), REDIS_PREFIX: prefix }, { out: (l) => out.push(l), err: (l) => out.push(l) });
  return { code, out };
}

describe('verify on Redis', () => {
  it('passes an intact log (and the CLI says OK, exit 0)', async () => {
    const r = await verifyStream(log(), REF);
    expect(r).toMatchObject({ ok: true, events: 4, problems: [] });
    const c = await cli(REF);
    expect(c.code).toBe(0);
    expect(c.out.join('\n')).toMatch(/^OK: 1 incident, 4 events, chain intact/);
  });

  it('catches an edited event (data changed, hash left): hash mismatch at that seq', async () => {
    await rebuild((es) => es.map(([id, f]) => [id, field(f, 'seq') === '2' ? setField(f, 'data', JSON.stringify({ subject: 'AB', narrative: 'Nothing happened.' })) : f]));
    const r = await verifyStream(log(), REF);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([{ kind: 'edited', seq: 2, message: 'seq 2: hash mismatch (event intake_completed was edited)' }]);
    const c = await cli(REF);
    expect(c.code).toBe(1);
    expect(c.out).toEqual([`${REF}: seq 2: hash mismatch (event intake_completed was edited)`]);
  });

  it('catches an edit whose hash was recomputed: the next event no longer follows it', async () => {
    await rebuild((es) =>
      es.map(([id, f]) => {
        if (field(f, 'seq') !== '2') return [id, f];
        const data = { subject: 'AB', narrative: 'Nothing happened.' };
        const hash = eventHash(field(f, 'prev'), 2, field(f, 'at'), field(f, 'type'), data);
        return [id, setField(setField(f, 'data', JSON.stringify(data)), 'hash', hash)];
      }),
    );
    const r = await verifyStream(log(), REF);
    expect(r.problems.map((p) => [p.kind, p.seq])).toEqual([['broken_link', 3]]);
  });

  it('catches a deleted event in the middle (XDEL): seq gap', async () => {
    const entries = (await redis.xrange(eventsKey(), '-', '+')) as Entry[];
    await redis.xdel(eventsKey(), entries[1]![0]);
    const r = await verifyStream(log(), REF);
    expect(r.problems).toEqual([{ kind: 'missing', seq: 2, message: 'seq 2 is missing (deleted event)' }]);
  });

  it('catches the last event deleted (XDEL): the head still says seq 4', async () => {
    const entries = (await redis.xrange(eventsKey(), '-', '+')) as Entry[];
    await redis.xdel(eventsKey(), entries[3]![0]);
    const r = await verifyStream(log(), REF);
    expect(r.problems).toEqual([{ kind: 'missing', seq: 4, message: 'seq 4 is missing (deleted from the end; head says seq 4)' }]);
    const c = await cli(REF);
    expect(c.code).toBe(1);
    expect(c.out).toEqual([`${REF}: seq 4 is missing (deleted from the end; head says seq 4)`]);
  });

  it('catches the last event replaced and the head rewritten to a different hash (HSET)', async () => {
    await redis.hset(headKey(), 'hash', 'f'.repeat(64));
    const r = await verifyStream(log(), REF);
    expect(r.problems.map((p) => [p.kind, p.seq])).toEqual([['head', 4]]);
  });

  it('catches an event added outside the store (XADD past the head), even with a good hash', async () => {
    const last = (await store.read(REF)).at(-1)!;
    const at = '2026-11-20T12:00:00.000Z';
    const data = { by: 'sam-okafor' };
    const hash = eventHash(last.hash, 5, at, 'closed', data);
    await redis.xadd(eventsKey(), '*', 'seq', '5', 'at', at, 'type', 'closed', 'data', JSON.stringify(data), 'prev', last.hash, 'hash', hash);
    const r = await verifyStream(log(), REF);
    expect(r.problems).toEqual([{ kind: 'inserted', seq: 5, message: 'seq 5 was added outside the store (head says seq 4)' }]);
  });

  it('catches an event inserted in the middle of the stream', async () => {
    await rebuild((es) => [es[0]!, es[1]!, ['', setField(es[1]![1], 'type', 'not_notifying')], ...es.slice(2)]);
    const r = await verifyStream(log(), REF);
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({ kind: 'inserted', seq: 2 });
  });

  it('--all checks every log and every incident document, naming only the broken ones', async () => {
    await store.append('EC-2026-0001', 'reported', { serviceId: 'elm-court' });
    await store.put('incident', 'WL-2026-0003', { ref: 'WL-2026-0003' }, null); // a document with no log
    const entries = (await redis.xrange(eventsKey(), '-', '+')) as Entry[];
    await redis.xdel(eventsKey(), entries[2]![0]);
    const results = await verifyAll(log(), await store.list('incident'));
    expect(results.map((r) => [r.ref, r.ok])).toEqual([
      ['EC-2026-0001', true],
      [REF, false],
      ['WL-2026-0003', false],
    ]);
    expect(problemLines(results)).toEqual([`${REF}: seq 3 is missing (deleted event)`, 'WL-2026-0003: no event log for this incident']);
    const c = await cli('--all');
    expect(c.code).toBe(1);
    expect(c.out).toHaveLength(2);
  });

  it('--all on an intact store exits 0', async () => {
    await store.append('EC-2026-0001', 'reported', { serviceId: 'elm-court' });
    const c = await cli('--all');
    expect(c).toEqual({ code: 0, out: ['OK: 2 incidents, 5 events, chain intact.'] });
  });
});

describe('record fingerprint (a witness kept outside Redis)', () => {
  it('stays the same for a past time as logs grow, and changes when a log is rewritten wholesale', async () => {
    const T = new Date('2026-11-20T11:00:00Z'); // after the 4 events of beforeEach
    const before = await fingerprintAt(log(), T);
    expect(before.logs).toBe(1);
    await store.append(REF, 'closed', { by: 'sam-okafor' }, new Date('2026-11-21T10:00:00Z'));
    expect(await fingerprintAt(log(), T)).toEqual(before);
    expect((await fingerprintAt(log(), new Date('2026-11-22T00:00:00Z'))).fingerprint).not.toBe(before.fingerprint);
    const c = await cli('--fingerprint', T.toISOString());
    expect(c).toEqual({ code: 0, out: [`Fingerprint at ${T.toISOString()}: ${before.fingerprint.slice(0, 16)} (1 log)`] });

    // An insider rewrites seq 2 and re-chains everything after it, head included: the chain checks out...
    const events = await store.read(REF);
    let prev = '';
    const rechained = events.map((e) => {
      const data = e.seq === 2 ? { subject: 'AB', narrative: 'Nothing happened.' } : e.data;
      const hash = eventHash(prev, e.seq, e.at, e.type, data);
      const out = { ...e, data, prevHash: prev, hash };
      prev = hash;
      return out;
    });
    await redis.del(eventsKey());
    for (const e of rechained) await redis.xadd(eventsKey(), '*', 'seq', String(e.seq), 'at', e.at, 'type', e.type, 'data', JSON.stringify(e.data), 'prev', e.prevHash, 'hash', e.hash);
    await redis.hset(headKey(), 'seq', String(rechained.at(-1)!.seq), 'hash', rechained.at(-1)!.hash);
    expect((await verifyStream(log(), REF)).ok).toBe(true);
    // ...but the fingerprint posted earlier no longer matches.
    expect((await fingerprintAt(log(), T)).fingerprint).not.toBe(before.fingerprint);
  });
});

describe('verifyEvents on a store without a head (MemoryStore)', () => {
  it('still finds edits and gaps', async () => {
    const m = new MemoryStore();
    for (const t of ['reported', 'decision', 'acknowledged']) await m.append('X', t, { t });
    const events = await m.read('X');
    expect(verifyEvents('X', events, null, false).ok).toBe(true);
    events[1]!.data = { t: 'changed' };
    expect(verifyEvents('X', events, null, false).problems.map((p) => p.kind)).toEqual(['edited']);
    expect(verifyEvents('X', [events[0]!, events[2]!], null, false).problems.map((p) => p.kind)).toEqual(['missing']);
  });
});
