// Paging on the real Redis and BullMQ: a page fires once with two instances; an unacknowledged
// page repeats, escalates tier by tier and then alerts the channel; acknowledgement stops it all;
// a timer that fell due while the app was stopped fires after a restart.

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireRedis, eventually } from '../helpers/redis.js';
import { cleanup, count, fastOrgFile, incident, newPrefix, reportEmergency, startRedisApp, type RedisApp } from '../helpers/redis-app.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let apps: RedisApp[] = [];
let prefix = '';

beforeAll(async () => {
  await requireRedis();
});
afterEach(async () => {
  for (const a of apps) await a.app.stop().catch(() => undefined);
  apps = [];
  await cleanup(prefix);
});

describe('paging that never goes silent', () => {
  it('repeats an unacknowledged page, escalates to tier 2 and 3, then alerts the channel and tells the reporter to phone', async () => {
    prefix = newPrefix('paging-escalates');
    const a = await startRedisApp(prefix, fastOrgFile(0.01)); // 0.6 s per attempt
    apps.push(a);
    const ref = await reportEmergency(a.app);
    await eventually(async () => expect(a.text()).toMatch(/#escalations @channel[\s\S]*NOT been acknowledged/), 100, 200);
    const text = a.text();
    // Tier 1 (Sam) three times (first page + 2 repeats), tier 2 (Priya) twice, tier 3 twice.
    expect(count(text, /PAGE to Sam Okafor/)).toBe(3);
    expect(count(text, /PAGE to Priya Desai/)).toBe(2);
    expect(text.indexOf('PAGE to Priya Desai')).toBeGreaterThan(text.lastIndexOf('PAGE to Sam Okafor'));
    expect(text).toMatch(/assistant › !! No manager has answered yet\. Please phone .*07/);
    const inc = await incident(a.app, ref);
    expect(inc.paging.state).toBe('exhausted');
    const types = (await a.app.ctx.store.read(ref)).map((e) => e.type);
    expect(types.filter((t) => t === 'page_sent')).toHaveLength(7);
    expect(types).toContain('paging_exhausted');
  });

  it('stops every page at once when the manager acknowledges between repeats', async () => {
    prefix = newPrefix('paging-ack');
    const a = await startRedisApp(prefix, fastOrgFile(0.02)); // 1.2 s per attempt
    apps.push(a);
    const ref = await reportEmergency(a.app);
    await eventually(async () => expect(a.text()).toMatch(/PAGE to Sam Okafor/), 50, 100);
    await a.app.assistant.handle({ type: 'ack', user: { platform: 'terminal', id: 'sam-okafor' }, ref });
    // A late or repeated click changes nothing.
    await a.app.assistant.handle({ type: 'ack', user: { platform: 'terminal', id: 'priya-desai' }, ref });
    await sleep(5000);
    const text = a.text();
    expect(count(text, /PAGE to Sam Okafor/)).toBe(1);
    expect(text).not.toMatch(/PAGE to Priya Desai/);
    expect(text).not.toMatch(/NOT been acknowledged/);
    const inc = await incident(a.app, ref);
    expect(inc.paging).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'sam-okafor' });
    const acks = (await a.app.ctx.store.read(ref)).filter((e) => e.type === 'acknowledged');
    expect(acks).toHaveLength(1);
  });

  it('fires once with two instances running, and fires a timer that fell due while the app was stopped', async () => {
    prefix = newPrefix('paging-two');
    const org = fastOrgFile(0.1); // 6 s: both instances are surely stopped before the repeat is due
    const a = await startRedisApp(prefix, org);
    const b = await startRedisApp(prefix, org);
    apps.push(a, b);
    const ref = await reportEmergency(a.app);
    const pagedAt = Date.now();
    await eventually(async () => expect(count(a.text() + b.text(), /PAGE to Sam Okafor/)).toBe(1), 50, 100);
    // Stop both before the first repeat falls due; it must fire after a restart.
    await a.app.stop();
    await b.app.stop();
    apps = [];
    expect(count(a.text() + b.text(), /PAGE to Sam Okafor/)).toBe(1);
    await sleep(Math.max(0, pagedAt + 6500 - Date.now()));
    const c = await startRedisApp(prefix, org);
    apps.push(c);
    await eventually(async () => expect(c.text()).toMatch(/PAGE to Sam Okafor/), 100, 100);
    const sent = (await c.app.ctx.store.read(ref)).filter((e) => e.type === 'page_sent');
    expect(sent.map((e) => e.data['attempt'])).toEqual([0, 1]);
  });
});
