// Shared plumbing for the records CLIs (verify, export, report, purge, erase): argument parsing,
// the Redis store and event logs from REDIS_URL / REDIS_PREFIX, the organisation file, and the
// role check on --as PERSON_ID. Each CLI exports a run function that tests call in-process.

import { pathToFileURL } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadOrganisation, type Organisation } from '../conversations/organisation.js';
import { can, type Action } from '../core/people.js';
import { RedisStore, STORE_TUNING } from '../store/redis.js';
import { createRedisClient } from '../store/redis-url.js';
import { redisEventLog, type EventLog } from './event-log.js';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export const processIo: CliIo = {
  out: (l) => process.stdout.write(l.endsWith('\n') ? l : `${l}\n`),
  err: (l) => process.stderr.write(l.endsWith('\n') ? l : `${l}\n`),
};

export class UsageError extends Error {}

export function parseCli(argv: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export interface RecordsBackend {
  store: RedisStore;
  log: EventLog;
  close(): Promise<void>;
}

/** The store and event logs the app uses (REDIS_URL, REDIS_PREFIX default "ea:"). */
export function openRecords(env: NodeJS.ProcessEnv): RecordsBackend {
  const url = env.REDIS_URL;
  if (!url) throw new UsageError('REDIS_URL is not set: the records are in Redis. Set REDIS_URL (and REDIS_PREFIX if not "ea:").');
  const prefix = env.REDIS_PREFIX || 'ea:';
  const client = createRedisClient(url, STORE_TUNING);
  client.on('error', () => {});
  const store = new RedisStore({ client, prefix });
  return {
    store,
    log: redisEventLog(client, prefix),
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}

export function orgFromEnv(env: NodeJS.ProcessEnv): Organisation {
  return loadOrganisation(env.ESCALATION_ORG_FILE || undefined);
}

const WHO_MAY: Partial<Record<Action, string>> = {
  export: 'a safeguarding lead or an admin',
  erase: 'an admin',
  see_all: 'a manager, a safeguarding lead or an admin',
};

/** Null when `personId` may do `action`; else the line to print. Terminal user id = person id. */
export function permissionProblem(org: Organisation, personId: string | undefined, action: Action): string | null {
  if (!personId) return 'Give --as PERSON_ID: your id in the organisation file.';
  if (!org.people.some((p) => p.id === personId)) return `"${personId}" is not in the organisation file.`;
  if (can(org, { platform: 'terminal', id: personId }, action)) return null;
  return `${personId} may not ${action.replace('_', ' ')} records. Ask ${WHO_MAY[action] ?? 'an admin'}.`;
}

/** YYYY-MM-DD check for --from / --to. */
export function localDateArg(name: string, v: unknown): string {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(new Date(`${v}T00:00:00Z`).getTime())) {
    throw new UsageError(`--${name} needs a date as YYYY-MM-DD`);
  }
  return v;
}

/** Run `main` when this file is the entry point; print usage errors plainly; set the exit code. */
export function runIfMain(metaUrl: string, main: (argv: string[], env: NodeJS.ProcessEnv, io: CliIo) => Promise<number>): void {
  if (!process.argv[1] || metaUrl !== pathToFileURL(process.argv[1]).href) return;
  main(process.argv.slice(2), process.env, processIo).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      processIo.err(e instanceof UsageError ? e.message : `Failed: ${(e as Error)?.message ?? String(e)}`);
      process.exitCode = 2;
    },
  );
}
