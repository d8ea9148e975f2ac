// Redis Cluster runs a script only when every key it touches is in one hash slot. This checks the
// key names the app really uses: BullMQ's prefix (built from REDIS_PREFIX in compose.ts) is a hash
// tag, so all of a queue's keys share a slot; the store's keys that one script touches together
// share a slot too, for the default prefix and for custom ones.

import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/compose.js';
import { loadConfig } from '../../src/config.js';
import { BullMQScheduler, TIMER_QUEUE } from '../../src/scheduler/bullmq.js';
import { storeKey } from '../../src/store/redis.js';
import { ORG_FILE } from '../e2e/slack-driver.js';

/** CRC16/XMODEM, as Redis Cluster uses for key slots. */
function crc16(buf: Buffer): number {
  let crc = 0;
  for (const byte of buf) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** The hash slot of a key: only the first non-empty {…} counts when there is one. */
function slot(key: string): number {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return crc16(Buffer.from(key.slice(open + 1, close))) % 16384;
  }
  return crc16(Buffer.from(key)) % 16384;
}

describe('Cluster-safe key names', () => {
  it('slot() agrees with Redis Cluster on known keys', () => {
    // Values from the Redis Cluster specification's examples and `CLUSTER KEYSLOT`.
    expect(slot('foo')).toBe(12182);
    expect(slot('{user1000}.following')).toBe(slot('{user1000}.followers'));
    expect(slot('foo{}{bar}')).toBe(crc16(Buffer.from('foo{}{bar}')) % 16384); // empty first tag: the whole key
    expect(slot('foo{{bar}}zap')).toBe(crc16(Buffer.from('{bar')) % 16384); // the spec's own example
  });

  for (const prefix of ['ea:', 'care-group-live:', 'training:', '{ea}:']) {
    it(`BullMQ and store keys for REDIS_PREFIX=${prefix}`, async () => {
      const config = loadConfig({ CHANNELS: 'terminal', REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PREFIX: prefix, ESCALATION_ORG_FILE: ORG_FILE, LOG_LEVEL: 'silent' });
      const app = createApp({ config });
      try {
        const scheduler = app.ctx.scheduler as BullMQScheduler;
        expect(scheduler).toBeInstanceOf(BullMQScheduler);
        expect(scheduler.prefix).toMatch(/\{[^}]+\}/);
        const bull = ['wait', 'paused', 'meta', 'id', 'delayed', 'prioritized', 'active', 'events', 'completed', 'failed', 'marker', 'stalled', 'limiter', 'pc', 'j_page%3ARH-2026-0042%3A0%3A0'].map(
          (s) => `${scheduler.prefix}:${TIMER_QUEUE}:${s}`,
        );
        expect(new Set(bull.map(slot)).size).toBe(1);

        for (const ns of ['session', 'incident', 'incident-open']) {
          expect(slot(storeKey(prefix, { kind: 'doc', ns, id: 'slack:U123' }))).toBe(slot(storeKey(prefix, { kind: 'ids', ns })));
        }
        expect(slot(storeKey(prefix, { kind: 'events', stream: 'RH-2026-0042' }))).toBe(slot(storeKey(prefix, { kind: 'head', stream: 'RH-2026-0042' })));
      } finally {
        await app.stop();
      }
    });
  }
});
