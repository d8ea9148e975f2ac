// `npm run purge -- --as PERSON_ID`: apply the organisation's retention periods now (the same
// purge the app runs daily): old sessions, closed incidents past retention (kept as anonymous
// monthly counts) and old audit trails. Needs the 'erase' permission (admin).

import { openRecords, orgFromEnv, parseCli, permissionProblem, runIfMain, UsageError, type CliIo } from '../records/cli-env.js';
import { purge } from '../records/privacy.js';

export async function runPurge(argv: string[], env: NodeJS.ProcessEnv, io: CliIo, now: () => Date = () => new Date()): Promise<number> {
  const { values, positionals } = parseCli(argv, { as: { type: 'string' } });
  if (positionals.length) throw new UsageError('Usage: npm run purge -- --as PERSON_ID');
  const org = orgFromEnv(env);
  const denied = permissionProblem(org, values.as as string | undefined, 'erase');
  if (denied) {
    io.err(denied);
    return 1;
  }
  const backend = openRecords(env);
  try {
    const r = await purge(backend.store, org, now(), backend.log);
    io.out(`Purged ${r.sessions} session${r.sessions === 1 ? '' : 's'}, ${r.incidents.length} incident${r.incidents.length === 1 ? '' : 's'} and ${r.eventLogs.length} audit trail${r.eventLogs.length === 1 ? '' : 's'}.`);
    if (r.incidents.length) io.out(`Incidents removed (kept as anonymous counts): ${r.incidents.join(', ')}`);
    if (r.eventLogs.length) io.out(`Audit trails removed: ${r.eventLogs.join(', ')}`);
    if (r.keptOpen.length) io.out(`Still open, so kept although past retention: ${r.keptOpen.join(', ')}`);
    return 0;
  } finally {
    await backend.close();
  }
}

runIfMain(import.meta.url, (argv, env, io) => runPurge(argv, env, io));
