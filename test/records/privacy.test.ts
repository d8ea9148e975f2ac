// Retention purge and erasure, on the real Redis (unique prefix) and on a MemoryStore: they remove
// what they should (old sessions, closed incidents past retention, old audit trails; one person's
// identifier everywhere) and nothing else; anonymous monthly counts are left; the hash chains
// still verify after an erasure, and later tampering is still caught.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrganisation } from '../../src/conversations/organisation.js';
import { memoryEventLog, redisEventLog, type EventLog } from '../../src/records/event-log.js';
import { ERASURES_STREAM, eraseIdentifier, identifierHash, purge, STATS_NS, type MonthlyCount } from '../../src/records/privacy.js';
import { verifyAll, verifyStream } from '../../src/records/verify.js';
import { MemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/port.js';
import { RedisStore, storeKey } from '../../src/store/redis.js';
import { cleanupPrefix, requireRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.js';
import { BRUISING_NARRATIVE, runBruising } from './seed-fixture.js';

const baseOrg = loadOrganisation();
const org = { ...baseOrg, retention: { sessionsDays: 30, incidentsYears: 6, auditEventsYears: 7 } };
const NOW = new Date('2026-11-26T12:00:00Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86400_000);

let redis: Redis;
const prefixes: string[] = [];
beforeAll(async () => {
  await requireRedis();
  redis = new Redis(testRedisUrl());
});
afterAll(async () => {
  for (const p of prefixes) await cleanupPrefix(redis, p);
  await redis.quit();
});

interface Backend {
  store: Store;
  log: EventLog;
  prefix?: string;
}
const backends: Array<[string, () => Backend]> = [
  [
    'Redis',
    () => {
      const prefix = uniquePrefix('records-privacy');
      prefixes.push(prefix);
      return { store: new RedisStore({ client: redis, prefix }), log: redisEventLog(redis, prefix), prefix };
    },
  ],
  [
    'memory',
    () => {
      const store = new MemoryStore({ now: () => NOW.getTime() });
      return { store, log: memoryEventLog(store) };
    },
  ],
];

function incidentDoc(ref: string, createdAt: string, status: 'open' | 'closed', categories: string[], extra: Record<string, unknown> = {}) {
  return { ref, serviceId: 'riverside-house', status, createdAt, updatedAt: createdAt, subject: 'XY', narrative: 'text', answers: { categories }, unsure: [], escalations: [], ...extra };
}

async function addIncident(b: Backend, doc: ReturnType<typeof incidentDoc>, closedAt?: string) {
  await b.store.put('incident', doc.ref, doc, null);
  if (doc.status === 'open') await b.store.put('incident-open', doc.ref, { since: doc.createdAt }, null);
  await b.store.append(doc.ref, 'reported', { serviceId: doc.serviceId }, new Date(doc.createdAt));
  if (closedAt) await b.store.append(doc.ref, 'closed', { by: 'sam-okafor' }, new Date(closedAt));
}

describe.each(backends)('purge (%s)', (_name, make) => {
  it('removes old sessions, closed incidents and audit trails past retention, keeps counts and everything else', async () => {
    const b = make();
    // Sessions: one untouched for 40 days (goes), one for 10 days (stays).
    await b.store.put('session', 'slack:UOLD', { key: 'slack:UOLD', updatedAt: daysAgo(40).toISOString(), fields: { narrative: 'old' } }, null);
    await b.store.put('session', 'slack:UNEW', { key: 'slack:UNEW', updatedAt: daysAgo(10).toISOString(), fields: { narrative: 'new' } }, null);
    // A: closed 6 years + 1 day ago → document goes (6 y), trail stays (7 y).
    await addIncident(b, incidentDoc('RH-2020-0001', '2020-06-15T10:00:00Z', 'closed', ['abuse', 'crime']), daysAgo(6 * 365 + 3).toISOString());
    // F: reported 00:30 BST on 1 July 2020 (still 30 June in UTC): counted in July.
    await addIncident(b, incidentDoc('RH-2020-0002', '2020-06-30T23:30:00Z', 'closed', ['abuse']), '2020-07-01T09:00:00Z');
    // B: closed 8 years ago → document and trail go.
    await addIncident(b, incidentDoc('RH-2018-0001', '2018-03-10T10:00:00Z', 'closed', []), '2018-03-20T10:00:00Z');
    // C: closed 5 years ago → stays.
    const c = incidentDoc('RH-2021-0001', '2021-06-01T10:00:00Z', 'closed', ['fall']);
    await addIncident(b, c, '2021-06-02T10:00:00Z');
    // D: reported 9 years ago and still open → stays, with its trail.
    const d = incidentDoc('RH-2017-0001', '2017-01-01T10:00:00Z', 'open', ['abuse']);
    await addIncident(b, d);
    // E: an audit trail with no incident document, 10 years old → goes.
    await b.store.append('RH-2016-0001', 'reported', {}, new Date('2016-05-01T10:00:00Z'));
    // Things purge must not touch.
    await b.store.incr('ref:RH:2026');
    await b.store.put('teams-ref', 'conv-1', { id: 'conv-1' }, null);

    const r = await purge(b.store, org, NOW, b.log);
    expect(r.sessions).toBe(1);
    expect(r.incidents.sort()).toEqual(['RH-2018-0001', 'RH-2020-0001', 'RH-2020-0002']);
    expect(r.eventLogs.sort()).toEqual(['RH-2016-0001', 'RH-2018-0001']); // RH-2020-0002's trail ended 2020-07-01: under 7 years
    expect(r.keptOpen).toEqual(['RH-2017-0001']);

    expect(await b.store.list('session')).toEqual(['slack:UNEW']);
    expect(await b.store.list('incident')).toEqual(['RH-2017-0001', 'RH-2021-0001']);
    expect(await b.store.list('incident-open')).toEqual(['RH-2017-0001']);
    expect((await b.store.get('incident', 'RH-2021-0001'))?.value).toEqual(c);
    expect((await b.store.get('incident', 'RH-2017-0001'))?.value).toEqual(d);
    expect((await b.log.streams()).sort()).toEqual(['RH-2017-0001', 'RH-2020-0001', 'RH-2020-0002', 'RH-2021-0001']);
    expect(await b.log.read('RH-2018-0001')).toEqual([]);
    expect(await b.log.head('RH-2018-0001')).toBeNull();
    expect((await b.store.get('teams-ref', 'conv-1'))?.value).toEqual({ id: 'conv-1' });
    expect(await b.store.incr('ref:RH:2026')).toBe(2);

    const stats = async () => {
      const out: Record<string, number> = {};
      for (const id of await b.store.list(STATS_NS)) out[id] = (await b.store.get<MonthlyCount>(STATS_NS, id))!.value.count;
      return out;
    };
    expect(await stats()).toEqual({
      '2020-06|riverside-house|abuse': 1,
      '2020-06|riverside-house|crime': 1,
      '2020-07|riverside-house|abuse': 1,
      '2018-03|riverside-house|not given': 1,
    });
    const one = (await b.store.get<MonthlyCount>(STATS_NS, '2020-06|riverside-house|crime'))!.value;
    expect(one).toEqual({ month: '2020-06', serviceId: 'riverside-house', category: 'crime', count: 1 });

    // A second run changes nothing and counts nothing twice.
    const again = await purge(b.store, org, NOW); // event logs found from the store itself (eventLogFor)
    expect(again).toEqual({ sessions: 0, incidents: [], eventLogs: [], stats: [], keptOpen: ['RH-2017-0001'] });
    expect(Object.values(await stats()).reduce((x, y) => x + y, 0)).toBe(4);
    // What is left still verifies.
    expect((await verifyAll(b.log, await b.store.list('incident'))).every((v) => v.ok)).toBe(true);
  });
});

describe('erasure of one identifier (Redis, bruising seed example)', () => {
  it('removes AB everywhere, leaves everything else, records itself without the identifier, and verify still passes', { timeout: 60_000 }, async () => {
    const prefix = uniquePrefix('records-erase');
    prefixes.push(prefix);
    const store = new RedisStore({ client: redis, prefix });
    const log = redisEventLog(redis, prefix);
    const run = await runBruising(store);
    const ref = run.ref;
    await run.h.stop();
    // Another person's incident that mentions AB-like words but not AB.
    const other = incidentDoc('EC-2026-0001', '2026-11-20T10:00:00Z', 'open', ['fall'], { subject: 'MR', narrative: 'MR played ABBA in the lab. Staff said "ab-so-lutely fine".' });
    await addIncident({ store, log }, other);
    // A third incident that names AB in a manager's note only.
    const third = incidentDoc('EC-2026-0002', '2026-11-21T10:00:00Z', 'open', ['fall'], { subject: 'CD' });
    await addIncident({ store, log }, third);
    await store.append('EC-2026-0002', 'not_notifying', { code: 'family_nok', by: 'sam-okafor', reason: 'Family of AB asked to be told by letter' });
    // An intake in progress about AB, with the ttl the app gives sessions.
    await store.put('session', 'slack:U1', { key: 'slack:U1', user: { platform: 'slack', id: 'U1' }, fields: { subject: 'AB', narrative: 'AB fell' }, updatedAt: NOW.toISOString() }, null, 3600);
    const otherEvents = await store.read('EC-2026-0001');
    const beforeBruising = await store.read(ref);

    const result = await eraseIdentifier(store, org, 'AB', 'jo-patel', NOW, { secret: 's3cret', log });
    expect(result.incidents).toEqual(['EC-2026-0002', ref].sort());
    expect(result.sessions).toBe(2); // the reporter's finished terminal session, and slack:U1
    expect(result.identifierHash).toBe(identifierHash('AB', 's3cret'));
    expect(result.keyed).toBe('secret');

    // Gone from the bruising incident's document and every event in its log.
    const inc = (await store.get<Record<string, unknown>>('incident', ref))!.value;
    expect(inc.subject).toBe('[erased]');
    expect(inc.narrative).toBe(BRUISING_NARRATIVE.replace('AB said', '[erased] said'));
    const after = await store.read(ref);
    const noAB = (v: unknown) => expect(JSON.stringify(v)).not.toMatch(/(?<![A-Za-z0-9])AB(?![A-Za-z0-9])/);
    noAB(inc);
    noAB(after);
    noAB(await store.get('incident', 'EC-2026-0002'));
    noAB(await store.read('EC-2026-0002'));
    noAB(await store.get('session', 'slack:U1'));
    noAB(await store.get('session', 'terminal:reporter'));
    expect(await redis.pttl(storeKey(prefix, { kind: 'doc', ns: 'session', id: 'slack:U1' }))).toBeGreaterThan(0);
    expect((await store.read('EC-2026-0002')).find((e) => e.type === 'not_notifying')!.data.reason).toBe('Family of [erased] asked to be told by letter');

    // Nothing else changed: the other incident, and the other events of the bruising log.
    expect((await store.get('incident', 'EC-2026-0001'))?.value).toEqual(other);
    expect(await store.read('EC-2026-0001')).toEqual(otherEvents);
    const changed = result.events[ref]!;
    expect(changed).toEqual([beforeBruising.find((e) => e.type === 'intake_completed')!.seq]);
    for (const e of beforeBruising) if (!changed.includes(e.seq)) expect(after.find((x) => x.seq === e.seq)).toEqual(e);
    expect(JSON.stringify(after)).toContain('Found bruising on both her upper arms');

    // The erasure is recorded: a redaction event in the log and an entry in the erasures log, neither with the identifier.
    const redaction = after.at(-1)!;
    expect(redaction.type).toBe('redaction');
    expect(redaction.data).toMatchObject({ by: 'jo-patel', identifierHash: identifierHash('AB', 's3cret'), keyed: 'secret', documentFields: expect.arrayContaining(['subject', 'narrative']) });
    const erasures = await store.read(ERASURES_STREAM);
    expect(erasures).toHaveLength(1);
    expect(erasures[0]!.data).toMatchObject({ by: 'jo-patel', incidents: result.incidents, sessions: 2 });
    noAB(erasures);

    // verify accepts the recorded rewrite, and still catches any other change.
    const v = await verifyStream(log, ref);
    expect(v).toMatchObject({ ok: true, redacted: changed });
    expect((await verifyAll(log, await store.list('incident'))).every((x) => x.ok)).toBe(true);
    await log.replaceData(ref, new Map([[changed[0]!, { ...after.find((e) => e.seq === changed[0])!.data, narrative: 'Nothing happened.' }]]));
    expect((await verifyStream(log, ref)).problems.map((p) => [p.kind, p.seq])).toEqual([['edited', changed[0]]]);
  });

  it('refuses an identifier shorter than 2 characters, and with no secret keeps a hash no one can link back', async () => {
    const store = new MemoryStore();
    await expect(eraseIdentifier(store, org, ' A ', 'jo-patel', NOW)).rejects.toThrow(/at least 2 characters/);
    await store.put('incident', 'RH-2026-0001', incidentDoc('RH-2026-0001', '2026-11-01T10:00:00Z', 'open', [], { subject: 'QZ' }), null);
    const r = await eraseIdentifier(store, org, 'QZ', 'jo-patel', NOW);
    expect(r.keyed).toBe('one_off');
    expect(r.identifierHash).toMatch(/^[0-9a-f]{64}$/);
    expect(r.identifierHash).not.toBe(identifierHash('QZ', ''));
    expect((await store.get<{ subject: string }>('incident', 'RH-2026-0001'))!.value.subject).toBe('[erased]');
  });
});
