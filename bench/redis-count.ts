// Counts the Redis commands this process sends (every ioredis client: the store, BullMQ's queue
// and worker, the floor), so "Redis commands per turn" is ours alone even when other programs use
// the same Redis. Pipelined commands and scripts (EVALSHA) count one each, as Redis counts them.

import { Redis } from 'ioredis';

let count = 0;
let installed = false;

export function installRedisCounter(): void {
  if (installed) return;
  installed = true;
  const proto = Redis.prototype as unknown as { sendCommand: (...args: unknown[]) => unknown };
  const original = proto.sendCommand;
  proto.sendCommand = function (this: unknown, ...args: unknown[]) {
    count += 1;
    return original.apply(this, args);
  };
}

export const redisCommandsSent = () => count;

/** Total calls in Redis's INFO commandstats (server-wide: includes any other client of this Redis). */
export async function serverCommandCount(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  let total = 0;
  for (const m of info.matchAll(/calls=(\d+)/g)) total += Number(m[1]);
  return total;
}
