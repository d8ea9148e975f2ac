// A RedisStore that cannot reach Redis rejects with StoreUnavailableError instead of hanging.

import { describe, expect, it } from 'vitest';
import { RedisStore } from '../../src/store/redis.js';
import { StoreUnavailableError } from '../../src/store/port.js';

describe('RedisStore when Redis is down', () => {
  const store = () => new RedisStore({ url: 'redis://127.0.0.1:1', prefix: 'down:' });

  it.each([
    ['get', (s: RedisStore) => s.get('incident', 'RH-1')],
    ['put', (s: RedisStore) => s.put('incident', 'RH-1', { a: 1 }, null)],
    ['append', (s: RedisStore) => s.append('RH-1', 'reported', {})],
    ['dedupe', (s: RedisStore) => s.dedupe('Ev1', 60)],
    ['ping', (s: RedisStore) => s.ping()],
  ])('%s rejects with StoreUnavailableError', async (_name, op) => {
    const s = store();
    try {
      const err = await op(s).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StoreUnavailableError);
      expect((err as Error).message).toBe('The record store cannot be reached.');
    } finally {
      await s.close();
    }
  });
});
