// `npm run erase -- IDENTIFIER --as PERSON_ID`: erase one person's identifier (initials or local
// id) from every incident, its audit trail and the intake sessions, and record the erasure
// without repeating the identifier. Needs the 'erase' permission (admin). Set ERASURE_SECRET to
// be able to confirm later that an identifier was erased.

import { openRecords, orgFromEnv, parseCli, permissionProblem, runIfMain, UsageError, type CliIo } from '../records/cli-env.js';
import { eraseIdentifier } from '../records/privacy.js';

export async function runErase(argv: string[], env: NodeJS.ProcessEnv, io: CliIo, now: () => Date = () => new Date()): Promise<number> {
  const { values, positionals } = parseCli(argv, { as: { type: 'string' } });
  if (positionals.length !== 1) throw new UsageError('Usage: npm run erase -- IDENTIFIER --as PERSON_ID');
  const org = orgFromEnv(env);
  const by = values.as as string | undefined;
  const denied = permissionProblem(org, by, 'erase');
  if (denied) {
    io.err(denied);
    return 1;
  }
  const backend = openRecords(env);
  try {
    const r = await eraseIdentifier(backend.store, org, positionals[0]!, by!, now(), { log: backend.log, ...(env.ERASURE_SECRET ? { secret: env.ERASURE_SECRET } : {}) });
    const n = r.incidents.length;
    io.out(`Erased from ${n} incident${n === 1 ? '' : 's'}${n ? ` (${r.incidents.join(', ')})` : ''} and ${r.sessions} session${r.sessions === 1 ? '' : 's'}. The erasure is recorded.`);
    if (r.keyed === 'one_off') io.out('ERASURE_SECRET is not set, so this erasure cannot be confirmed later by identifier.');
    return 0;
  } finally {
    await backend.close();
  }
}

runIfMain(import.meta.url, (argv, env, io) => runErase(argv, env, io));
