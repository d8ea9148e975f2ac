// `npm run verify -- REF` / `npm run verify -- --all`: recompute the hash chain of an incident's
// event log in Redis (REDIS_URL, REDIS_PREFIX) and check it against the stored head. Exit 0 and
// one OK line when intact; exit 1 with one line per problem (edited, missing or inserted event).
// `npm run verify -- --fingerprint ISO-TIME`: the fingerprint of every log as it stood then, to
// compare with the one the weekly digest posted in the escalations channel.

import { fingerprintAt, problemLines, verifyAll, verifyStream } from '../records/verify.js';
import { openRecords, parseCli, runIfMain, UsageError, type CliIo } from '../records/cli-env.js';

export async function runVerify(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const { values, positionals } = parseCli(argv, { all: { type: 'boolean' }, fingerprint: { type: 'string' } });
  const fingerprint = values.fingerprint as string | undefined;
  if (fingerprint !== undefined ? positionals.length !== 0 || Number.isNaN(Date.parse(fingerprint)) : !values.all && positionals.length !== 1) {
    throw new UsageError('Usage: npm run verify -- REF   or   npm run verify -- --all   or   npm run verify -- --fingerprint ISO-TIME');
  }
  const backend = openRecords(env);
  try {
    if (fingerprint !== undefined) {
      const f = await fingerprintAt(backend.log, new Date(fingerprint));
      io.out(`Fingerprint at ${new Date(fingerprint).toISOString()}: ${f.fingerprint.slice(0, 16)} (${f.logs} log${f.logs === 1 ? '' : 's'})`);
      return 0;
    }
    const results = values.all
      ? await verifyAll(backend.log, await backend.store.list('incident'))
      : [await verifyStream(backend.log, positionals[0]!)];
    const lines = problemLines(results);
    for (const l of lines) io.out(l);
    if (lines.length) return 1;
    const events = results.reduce((n, r) => n + r.events, 0);
    const redacted = results.reduce((n, r) => n + r.redacted.length, 0);
    io.out(`OK: ${results.length} incident${results.length === 1 ? '' : 's'}, ${events} events, chain intact${redacted ? ` (${redacted} events rewritten by recorded erasures)` : ''}.`);
    return 0;
  } finally {
    await backend.close();
  }
}

runIfMain(import.meta.url, runVerify);
