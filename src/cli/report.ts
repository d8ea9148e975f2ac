// `npm run report -- --from YYYY-MM-DD --to YYYY-MM-DD [--as PERSON_ID] [--format text|json]`
// The governance report for incidents reported in the range (local dates, both ends included),
// from Redis (REDIS_URL, REDIS_PREFIX). With --as, the person must be allowed to see every
// incident (manager, safeguarding lead, admin). No narratives are printed.

import type { Incident } from '../core/types.js';
import { inRange } from '../records/export.js';
import { governanceReport, reportLines } from '../records/report.js';
import { localDateArg, openRecords, orgFromEnv, parseCli, permissionProblem, runIfMain, UsageError, type CliIo } from '../records/cli-env.js';
import type { StoredEvent } from '../store/port.js';

export async function runReport(argv: string[], env: NodeJS.ProcessEnv, io: CliIo, now: () => Date = () => new Date()): Promise<number> {
  const { values, positionals } = parseCli(argv, { from: { type: 'string' }, to: { type: 'string' }, as: { type: 'string' }, format: { type: 'string' } });
  if (positionals.length || !values.from || !values.to) throw new UsageError('Usage: npm run report -- --from YYYY-MM-DD --to YYYY-MM-DD [--as PERSON_ID] [--format text|json]');
  const format = (values.format as string | undefined) ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError('--format is text or json');
  const range = { from: localDateArg('from', values.from), to: localDateArg('to', values.to) };
  const org = orgFromEnv(env);
  if (values.as !== undefined) {
    const denied = permissionProblem(org, values.as as string, 'see_all');
    if (denied) {
      io.err(denied);
      return 1;
    }
  }
  const backend = openRecords(env);
  try {
    const incidents: Incident[] = [];
    const events: Record<string, StoredEvent[]> = {};
    for (const ref of await backend.store.list('incident')) {
      const inc = (await backend.store.get<Incident>('incident', ref))?.value;
      if (!inc || !inRange(inc.createdAt, range, org.timezone)) continue;
      incidents.push(inc);
      events[ref] = await backend.store.read(ref);
    }
    const report = governanceReport(incidents, events, { ...range, timeZone: org.timezone }, now());
    const name = (id: string) => org.services.find((s) => s.id === id)?.name ?? id;
    io.out(format === 'json' ? JSON.stringify(report, null, 2) : reportLines(report, name).join('\n'));
    return 0;
  } finally {
    await backend.close();
  }
}

runIfMain(import.meta.url, (argv, env, io) => runReport(argv, env, io));
