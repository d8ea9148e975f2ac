// `npm run check-config -- [FILE]`: validates the organisation file (FILE, else ESCALATION_ORG_FILE,
// else the example) and the conversation files under conversations/, printing each problem as
// `file:line: path: message`, then who cannot be paged, then OK or a count. Exits 1 on any error.

import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, formatProblem, type Loaded } from '../conversations/load.js';
import { DEFAULT_ORGANISATION_FILE, loadOrganisationFile, type Organisation } from '../conversations/organisation.js';
import { unreachable } from '../core/people.js';
import { loadFlow } from '../conversations/flow-schema.js';
import { loadRules } from '../conversations/rules-schema.js';
import { loadRedFlags } from '../nlp/red-flags-config.js';

const conversationFile = (name: string) => shortPath(fileURLToPath(new URL(`../../conversations/${name}`, import.meta.url)));

function shortPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

async function main(argv: string[]): Promise<number> {
  const orgFile = argv[0] ?? process.env.ESCALATION_ORG_FILE ?? shortPath(DEFAULT_ORGANISATION_FILE);
  const lines: string[] = [];
  let errors = 0;
  let org: Loaded<Organisation> | undefined;

  try {
    org = loadOrganisationFile(orgFile);
  } catch (e) {
    errors += report(e, orgFile, lines);
  }

  // The rules first: their questions let the flow loader check every key and value the flow uses.
  const rules = check(conversationFile('threshold-rules.yaml'), (f) => loadRules(f), lines);
  errors += rules.errors;
  const questions = rules.loaded?.value.questions.map((q) => ({ key: q.key, values: q.values }));
  errors += check(conversationFile('intake-flow.yaml'), (f) => loadFlow(f, questions), lines).errors;
  errors += check(conversationFile('red-flags.yaml'), (f) => loadRedFlags(f), lines).errors;

  const warnings = org ? unreachable(org.value, new Date()) : [];
  let warningCount = warnings.length;
  for (const w of warnings) {
    const line = org!.lineOf(w.path.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s)));
    lines.push(`${orgFile}:${line}: ${w.path}: warning: ${w.message}`);
  }

  // Deadlines count working days: an out-of-date bank holiday list makes them wrong.
  if (org) {
    const last = [...org.value.bankHolidays].sort().at(-1);
    const soon = new Date(Date.now() + 180 * 24 * 3_600_000).toISOString().slice(0, 10);
    if (!last || last < soon) {
      const line = org.lineOf(['bankHolidays']);
      lines.push(
        `${orgFile}:${line}: bankHolidays: warning: ${last ? `the last bank holiday listed is ${last}` : 'no bank holidays listed'}; add the coming year's from https://www.gov.uk/bank-holidays`,
      );
      warningCount++;
    }
  }

  if (errors === 0) {
    lines.push(warningCount ? `OK (${warningCount} warning${warningCount === 1 ? '' : 's'})` : 'OK');
  } else {
    lines.push(`${errors} problem${errors === 1 ? '' : 's'} found`);
  }
  process.stdout.write(lines.join('\n') + '\n');
  return errors ? 1 : 0;
}

/** Load one conversation file; its problems (file, path, line) go into `lines`. */
function check<T>(file: string, load: (file: string) => T, lines: string[]): { errors: number; loaded?: T } {
  try {
    return { errors: 0, loaded: load(file) };
  } catch (e) {
    return { errors: report(e, file, lines) };
  }
}

/** Add a load failure's problems to `lines`; returns how many. */
function report(e: unknown, file: string, lines: string[]): number {
  if (e instanceof ConfigError) {
    for (const p of e.problems) lines.push(formatProblem(p));
    return e.problems.length;
  }
  lines.push(`${file}:0: (top): ${e instanceof Error ? e.message : String(e)}`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`check-config failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
