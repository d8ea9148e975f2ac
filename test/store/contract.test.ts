// One Store contract, run against MemoryStore and RedisStore (real Redis, fresh key prefix per test).

import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { Store } from '../../src/store/port.js';
import { MemoryStore } from '../../src/store/memory.js';
import { RedisStore } from '../../src/store/redis.js';
import { eventHash, firstBrokenLink } from '../../src/store/chain.js';
import { cleanupPrefix, requireRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.js';

interface Harness {
  store: Store;
  /** Let `seconds` pass as far as ttl is concerned. */
  pass(seconds: number): Promise<void>;
  done(): Promise<void>;
}

const backends: { name: string; make: () => Promise<Harness> }[] = [
  {
    name: 'MemoryStore',
    make: async () => {
      let now = Date.parse('2026-03-29T00:30:00Z');
      const store = new MemoryStore({ now: () => now });
      return {
        store,
        pass: async (seconds) => {
          now += seconds * 1000;
        },
        done: () => store.close(),
      };
    },
  },
  {
    name: 'RedisStore',
    make: async () => {
      const prefix = uniquePrefix('store');
      const store = new RedisStore({ url: testRedisUrl(), prefix });
      return {
        store,
        // Real time: ttl tests use sub-second ttls and wait just past them.
        pass: (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000)),
        done: async () => {
          await store.close();
          const admin = new Redis(testRedisUrl());
          await cleanupPrefix(admin, prefix);
          admin.disconnect();
        },
      };
    },
  },
];

beforeAll(async () => {
  await requireRedis();
});

describe.each(backends)('Store contract: $name', ({ name, make }) => {
  let h: Harness;
  let store: Store;
  beforeEach(async () => {
    h = await make();
    store = h.store;
  });
  afterEach(async () => {
    await h.done();
  });

  it('creates with expectedVersion null and refuses a second create', async () => {
    expect(await store.get('incident', 'RH-1')).toBeNull();
    expect(await store.put('incident', 'RH-1', { status: 'open' }, null)).toBe(1);
    expect(await store.put('incident', 'RH-1', { status: 'other' }, null)).toBeNull();
    expect(await store.get('incident', 'RH-1')).toEqual({ value: { status: 'open' }, version: 1 });
  });

  it('updates only from the current version and counts versions up by one', async () => {
    await store.put('incident', 'RH-2', { n: 1 }, null);
    expect(await store.put('incident', 'RH-2', { n: 2 }, 1)).toBe(2);
    expect(await store.put('incident', 'RH-2', { n: 3 }, 2)).toBe(3);
    expect(await store.put('incident', 'RH-2', { n: 99 }, 2)).toBeNull();
    expect(await store.put('incident', 'RH-2', { n: 99 }, 7)).toBeNull();
    expect(await store.get('incident', 'RH-2')).toEqual({ value: { n: 3 }, version: 3 });
  });

  it('refuses an update of a document that does not exist', async () => {
    expect(await store.put('incident', 'missing', { n: 1 }, 1)).toBeNull();
    expect(await store.get('incident', 'missing')).toBeNull();
  });

  it('keeps namespaces apart and stores a JSON copy', async () => {
    const value = { list: [1, 2], nested: { when: new Date('2026-01-02T03:04:05Z') } };
    await store.put('session', 'x', value, null);
    value.list.push(3);
    expect(await store.get('incident', 'x')).toBeNull();
    expect((await store.get('session', 'x'))?.value).toEqual({ list: [1, 2], nested: { when: '2026-01-02T03:04:05.000Z' } });
  });

  it('expires a document after its ttl, and a put without ttl keeps it', async () => {
    await store.put('session', 'short', { a: 1 }, null, 0.3);
    await store.put('session', 'kept', { a: 1 }, null, 0.3);
    expect(await store.put('session', 'kept', { a: 2 }, 1)).toBe(2); // no ttl now
    expect((await store.get('session', 'short'))?.version).toBe(1);
    await h.pass(1.1);
    expect(await store.get('session', 'short')).toBeNull();
    expect(await store.list('session')).toEqual(['kept']);
    expect(await store.get('session', 'kept')).toEqual({ value: { a: 2 }, version: 2 });
    // An expired document can be created again from scratch.
    expect(await store.put('session', 'short', { a: 3 }, null)).toBe(1);
  });

  it('deletes with and without a version', async () => {
    await store.put('incident', 'a', { x: 1 }, null);
    await store.put('incident', 'b', { x: 1 }, null);
    expect(await store.del('incident', 'a', 5)).toBe(false);
    expect(await store.get('incident', 'a')).not.toBeNull();
    expect(await store.del('incident', 'a', 1)).toBe(true);
    expect(await store.get('incident', 'a')).toBeNull();
    expect(await store.del('incident', 'b')).toBe(true);
    expect(await store.del('incident', 'b')).toBe(false);
    expect(await store.list('incident')).toEqual([]);
  });

  it('lists the ids in a namespace', async () => {
    expect(await store.list('open')).toEqual([]);
    await store.put('open', 'RH-3', {}, null);
    await store.put('open', 'RH-1', {}, null);
    await store.put('open', 'RH-2', {}, null);
    await store.put('closed', 'RH-9', {}, null);
    await store.del('open', 'RH-2');
    expect(await store.list('open')).toEqual(['RH-1', 'RH-3']);
    expect(await store.list('closed')).toEqual(['RH-9']);
  });

  it('counts with incr, each counter on its own', async () => {
    expect(await store.incr('ref:2026')).toBe(1);
    expect(await store.incr('ref:2026')).toBe(2);
    expect(await store.incr('ref:2027')).toBe(1);
    expect(await store.incr('ref:2026')).toBe(3);
  });

  it('dedupes: first sighting true, repeat false, true again after the ttl', async () => {
    expect(await store.dedupe('Ev123', 1)).toBe(true);
    expect(await store.dedupe('Ev123', 1)).toBe(false);
    expect(await store.dedupe('Ev456', 1)).toBe(true);
    await h.pass(1.1);
    expect(await store.dedupe('Ev123', 1)).toBe(true);
  });

  it('appends a hash chain that links and recomputes', async () => {
    const at = new Date('2026-10-25T01:30:00Z');
    const e1 = await store.append('RH-2026-0001', 'reported', { by: 'U1', answers: { b: 2, a: 1 } }, at);
    const e2 = await store.append('RH-2026-0001', 'paged', { tier: 1 });
    const e3 = await store.append('RH-2026-0001', 'acknowledged', {});
    expect(e1).toMatchObject({ seq: 1, at: '2026-10-25T01:30:00.000Z', prevHash: '' });
    expect(e2.prevHash).toBe(e1.hash);
    expect(e3.prevHash).toBe(e2.hash);
    expect(e1.hash).toBe(eventHash('', 1, e1.at, 'reported', { answers: { a: 1, b: 2 }, by: 'U1' }));
    expect(e1.hash).toMatch(/^[0-9a-f]{64}$/);

    const log = await store.read('RH-2026-0001');
    expect(log).toEqual([e1, e2, e3]);
    expect(firstBrokenLink(log)).toBeNull();
    expect(await store.read('RH-none')).toEqual([]);
  });

  it('detects a tampered event when recomputing the chain', async () => {
    await store.append('RH-T', 'reported', { who: 'AB' });
    await store.append('RH-T', 'paged', { tier: 1 });
    const log = await store.read('RH-T');
    log[0]!.data = { who: 'XY' };
    expect(firstBrokenLink(log)).toBe(1);
  });

  it('lists streams that have an event log', async () => {
    expect(await store.streams()).toEqual([]);
    await store.append('RH-B', 'reported', {});
    await store.append('RH-A', 'reported', {});
    await store.append('RH-B', 'paged', {});
    expect(await store.streams()).toEqual(['RH-A', 'RH-B']);
  });

  it('never forks the chain under 20 concurrent appends', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.append('RH-C', 'note', { i })),
    );
    expect(new Set(results.map((e) => e.seq)).size).toBe(20);
    const log = await store.read('RH-C');
    expect(log).toHaveLength(20);
    expect(log.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(firstBrokenLink(log)).toBeNull();
    expect(new Set(log.map((e) => e.data.i)).size).toBe(20);
  });

  it('appends several events in order as one step, linked to what came before', async () => {
    const first = await store.append('RH-M', 'reported', { who: 'AB' });
    const at = new Date('2026-11-26T21:00:00Z');
    const many = await store.appendMany('RH-M', [{ type: 'intake_completed', data: { a: 1 } }, { type: 'decision', data: { b: 2 } }], at);
    expect(many.map((e) => [e.seq, e.type, e.at])).toEqual([[2, 'intake_completed', at.toISOString()], [3, 'decision', at.toISOString()]]);
    expect(many[0]!.prevHash).toBe(first.hash);
    expect(many[1]!.prevHash).toBe(many[0]!.hash);
    expect(many[1]!.hash).toBe(eventHash(many[0]!.hash, 3, at.toISOString(), 'decision', { b: 2 }));
    const last = await store.append('RH-M', 'paged', {});
    expect(last).toMatchObject({ seq: 4, prevHash: many[1]!.hash });
    const log = await store.read('RH-M');
    expect(log).toEqual([first, ...many, last]);
    expect(firstBrokenLink(log)).toBeNull();
    expect(await store.appendMany('RH-M', [])).toEqual([]);
    expect(await store.read('RH-M')).toHaveLength(4);
  });

  it('keeps one chain when several batches and single appends race', async () => {
    await Promise.all([
      store.appendMany('RH-R', [{ type: 'a', data: { n: 1 } }, { type: 'a', data: { n: 2 } }]),
      store.append('RH-R', 'b', {}),
      store.appendMany('RH-R', [{ type: 'c', data: { n: 3 } }, { type: 'c', data: { n: 4 } }, { type: 'c', data: { n: 5 } }]),
    ]);
    const log = await store.read('RH-R');
    expect(log.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(firstBrokenLink(log)).toBeNull();
    // Each batch stayed together.
    const types = log.map((e) => e.type).join('');
    expect(types).toMatch(/aa/);
    expect(types).toMatch(/ccc/);
  });

  it('lets exactly one of 20 concurrent CAS puts from the same version win', async () => {
    await store.put('incident', 'race', { winner: null }, null);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.put('incident', 'race', { winner: i }, 1)),
    );
    const wins = results.filter((r) => r !== null);
    expect(wins).toEqual([2]);
    const winner = results.findIndex((r) => r !== null);
    expect(await store.get('incident', 'race')).toEqual({ value: { winner }, version: 2 });
  });

  it('answers ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
    expect(name).toMatch(/Store$/);
  });
});

describe('RedisStore: two instances appending to one log', () => {
  it('keeps one unbroken chain when each instance remembers an out-of-date head', async () => {
    const prefix = uniquePrefix('store2');
    const a = new RedisStore({ url: testRedisUrl(), prefix });
    const b = new RedisStore({ url: testRedisUrl(), prefix });
    try {
      // Alternate so each instance's remembered head is always one behind.
      for (let i = 0; i < 6; i++) await (i % 2 ? b : a).append('RH-X', 'note', { i });
      await Promise.all([
        a.appendMany('RH-X', [{ type: 'a', data: {} }, { type: 'a', data: {} }]),
        b.appendMany('RH-X', [{ type: 'b', data: {} }, { type: 'b', data: {} }]),
        ...Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).append('RH-X', 'race', { i })),
      ]);
      const log = await a.read('RH-X');
      expect(log.map((e) => e.seq)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
      expect(firstBrokenLink(log)).toBeNull();
      expect(await b.read('RH-X')).toEqual(log);
      expect(await b.streams()).toEqual(['RH-X']);
    } finally {
      await a.close();
      await b.close();
      const admin = new Redis(testRedisUrl());
      await cleanupPrefix(admin, prefix);
      admin.disconnect();
    }
  });
});
