// `npm run export -- REF --format json|csv|html --as PERSON_ID [--out FILE]`
// `npm run export -- --from YYYY-MM-DD --to YYYY-MM-DD [--service ID] --format ... --as PERSON_ID`
// Exports incident records (with the narrative: for authorised people only) from Redis. Only
// people whose roles allow 'export' (safeguarding lead, admin) may run it. Writes to stdout or FILE.

import { writeFileSync } from 'node:fs';
import { evidencePackHtml } from '../records/evidence-pack.js';
import { EXPORT_FORMATS, exportCsv, exportJson, loadRecord, loadRecords, type ExportFormat } from '../records/export.js';
import { localDateArg, openRecords, orgFromEnv, parseCli, permissionProblem, runIfMain, UsageError, type CliIo } from '../records/cli-env.js';

const USAGE =
  'Usage: npm run export -- REF --format json|csv|html --as PERSON_ID [--out FILE]\n' +
  '   or: npm run export -- --from YYYY-MM-DD --to YYYY-MM-DD [--service ID] --format json|csv|html --as PERSON_ID [--out FILE]';

export async function runExport(argv: string[], env: NodeJS.ProcessEnv, io: CliIo, now: () => Date = () => new Date()): Promise<number> {
  const { values, positionals } = parseCli(argv, {
    format: { type: 'string' },
    as: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    service: { type: 'string' },
    out: { type: 'string' },
  });
  const format = values.format as ExportFormat | undefined;
  if (!format || !EXPORT_FORMATS.includes(format)) throw new UsageError(USAGE);
  const byRange = values.from !== undefined || values.to !== undefined;
  if (byRange ? positionals.length !== 0 : positionals.length !== 1) throw new UsageError(USAGE);
  const org = orgFromEnv(env);
  const denied = permissionProblem(org, values.as as string | undefined, 'export');
  if (denied) {
    io.err(denied);
    return 1;
  }
  if (values.service && !org.services.some((s) => s.id === values.service)) throw new UsageError(`No service "${String(values.service)}" in the organisation file.`);
  const range = byRange ? { from: localDateArg('from', values.from), to: localDateArg('to', values.to) } : null;
  const backend = openRecords(env);
  try {
    const records = range
      ? await loadRecords(backend.store, range, org.timezone, values.service as string | undefined, backend.log)
      : [await loadRecord(backend.store, positionals[0]!, backend.log)];
    if (!range && !records[0]!.incident && records[0]!.events.length === 0) {
      io.err(`No incident ${positionals[0]} found.`);
      return 1;
    }
    const meta = { by: values.as as string, at: now() };
    const text = format === 'json' ? exportJson(records, meta, org.timezone) : format === 'csv' ? exportCsv(records, org) : evidencePackHtml(records, org, meta);
    if (values.out) {
      writeFileSync(values.out as string, text);
      io.err(`Wrote ${records.length} incident${records.length === 1 ? '' : 's'} to ${String(values.out)}.`);
    } else io.out(text);
    return 0;
  } finally {
    await backend.close();
  }
}

runIfMain(import.meta.url, (argv, env, io) => runExport(argv, env, io));
