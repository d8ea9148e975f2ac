// Redis URL parsing: plain, TLS, Sentinel and Cluster forms (only a single real Redis runs here).

import { describe, expect, it } from 'vitest';
import { Cluster, Redis } from 'ioredis';
import { createRedisClient, redisOptionsFromUrl } from '../../src/store/redis-url.js';

describe('redisOptionsFromUrl', () => {
  it('reads a plain redis:// URL with defaults', () => {
    expect(redisOptionsFromUrl('redis://127.0.0.1')).toEqual({ mode: 'standalone', options: { host: '127.0.0.1', port: 6379 } });
  });

  it('reads user, percent-encoded password, port and database', () => {
    expect(redisOptionsFromUrl('redis://app:p%40ss%3Aword@redis.internal:6380/2')).toEqual({
      mode: 'standalone',
      options: { host: 'redis.internal', port: 6380, username: 'app', password: 'p@ss:word', db: 2 },
    });
  });

  it('reads a password with no user', () => {
    expect(redisOptionsFromUrl('redis://:secret@h').options).toMatchObject({ password: 'secret' });
    expect(redisOptionsFromUrl('redis://:secret@h').options).not.toHaveProperty('username');
  });

  it('turns on TLS for rediss://', () => {
    expect(redisOptionsFromUrl('rediss://cache.example.net:6380')).toEqual({
      mode: 'standalone',
      options: { host: 'cache.example.net', port: 6380, tls: { servername: 'cache.example.net' } },
    });
  });

  it('reads an IPv6 host', () => {
    expect(redisOptionsFromUrl('redis://[::1]:7000').options).toMatchObject({ host: '::1', port: 7000 });
  });

  it('reads a Sentinel URL with several sentinels and a master name', () => {
    expect(redisOptionsFromUrl('redis-sentinel://:pw@s1:26379,s2:26380,s3/mymaster?db=1&sentinelPassword=sp')).toEqual({
      mode: 'sentinel',
      options: {
        sentinels: [
          { host: 's1', port: 26379 },
          { host: 's2', port: 26380 },
          { host: 's3', port: 26379 },
        ],
        name: 'mymaster',
        password: 'pw',
        db: 1,
        sentinelPassword: 'sp',
      },
    });
  });

  it('turns on TLS for Sentinel with tls=true', () => {
    expect(redisOptionsFromUrl('redis-sentinel://s1,s2/m?tls=true').options).toMatchObject({ tls: {}, enableTLSForSentinelMode: true });
  });

  it('reads a Cluster URL with seed nodes', () => {
    expect(redisOptionsFromUrl('redis-cluster://u:p@n1:7000,n2:7001,n3?tls=1')).toEqual({
      mode: 'cluster',
      nodes: [
        { host: 'n1', port: 7000 },
        { host: 'n2', port: 7001 },
        { host: 'n3', port: 6379 },
      ],
      options: { redisOptions: { username: 'u', password: 'p', tls: {} } },
    });
  });

  it.each([
    ['http://localhost:6379', /unknown scheme/],
    ['redis://', /no host/],
    ['redis://a:1,b:2', /one host/],
    ['redis://h:99999', /bad port/],
    ['redis://h/abc', /bad database/],
    ['redis-sentinel://s1,s2', /mastername/],
    ['redis-cluster://n1/3', /no database/],
    ['redis-cluster://n1?db=2', /unknown option "db"/],
    ['redis-sentinel://s1/m?tls=maybe', /true or false/],
    ['not a url', /expected redis:\/\//],
  ])('rejects %s', (url, why) => {
    expect(() => redisOptionsFromUrl(url)).toThrow(why);
  });

  it('never repeats the password in an error', () => {
    expect(() => redisOptionsFromUrl('redis://user:topsecret@h:0')).toThrow(/redis:\/\/\*\*\*@h:0/);
    try {
      redisOptionsFromUrl('redis://user:topsecret@h:0');
    } catch (err) {
      expect((err as Error).message).not.toContain('topsecret');
    }
  });
});

describe('createRedisClient', () => {
  it('makes a Redis for redis:// and a Cluster for redis-cluster:// (without connecting)', () => {
    const single = createRedisClient('redis://127.0.0.1:6379/3', { lazyConnect: true, maxRetriesPerRequest: 1 });
    const cluster = createRedisClient('redis-cluster://127.0.0.1:7000,127.0.0.1:7001', { lazyConnect: true, maxRetriesPerRequest: null });
    try {
      expect(single).toBeInstanceOf(Redis);
      expect((single as Redis).options).toMatchObject({ db: 3, maxRetriesPerRequest: 1 });
      expect(cluster).toBeInstanceOf(Cluster);
      expect((cluster as Cluster).options.redisOptions).toMatchObject({ maxRetriesPerRequest: null });
    } finally {
      single.disconnect();
      cluster.disconnect();
    }
  });
});
