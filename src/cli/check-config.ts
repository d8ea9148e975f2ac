// `npm run check-config -- [FILE]`: validates the organisation file (FILE, else ESCALATION_ORG_FILE,
// else the example) and the conversation files under conversations/, printing each problem as
// `file:line: path: message`, then who cannot be paged, then OK or a count. Exits 1 on any error.

import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, formatProblem } from '../conversations/load.js';
import { DEFAULT_ORGANISATION_FILE, loadOrganisation, type Organisation } from '../conversations/organisation.js';
import { unreachable } from '../core/people.js';

interface Check {
  label: string;
  file: string;
  /** Module (relative to this file) and the loader it exports; absent for the organisation. */
  module?: string;
  loader?: string;
}

const conversationFile = (name: string) => shortPath(fileURLToPath(new URL(`../../conversations/${name}`, import.meta.url)));

function shortPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

async function main(argv: string[]): Promise<number> {
  const orgFile = argv[0] ?? process.env.ESCALATION_ORG_FILE ?? shortPath(DEFAULT_ORGANISATION_FILE);
  const lines: string[] = [];
  let errors = 0;
  let org: Organisation | undefined;

  try {
    org = loadOrganisation(orgFile);
  } catch (e) {
    errors += report(e, orgFile, lines);
  }

  const others: Check[] = [
    { label: 'threshold rules', file: conversationFile('threshold-rules.yaml'), module: '../conversations/rules-schema.js', loader: 'loadRules' },
    { label: 'intake flow', file: conversationFile('intake-flow.yaml'), module: '../conversations/flow-schema.js', loader: 'loadFlow' },
  ];
  for (const check of others) {
    if (!existsSync(check.file)) {
      lines.push(`note: ${check.file} not found; ${check.label} not checked`);
      continue;
    }
    let load: ((file: string) => unknown) | undefined;
    try {
      const mod = (await import(check.module!)) as Record<string, unknown>;
      const fn = mod[check.loader!];
      if (typeof fn === 'function') load = fn as (file: string) => unknown;
    } catch {
      load = undefined;
    }
    if (!load) {
      lines.push(`note: no ${check.loader} loader yet; ${check.file} not checked`);
      continue;
    }
    try {
      await load(check.file);
    } catch (e) {
      errors += report(e, check.file, lines);
    }
  }

  const warnings = org ? unreachable(org, new Date()) : [];
  for (const w of warnings) lines.push(`warning: ${orgFile}: ${w.path}: ${w.message}`);

  if (errors === 0) {
    lines.push(warnings.length ? `OK (${warnings.length} warning${warnings.length === 1 ? '' : 's'})` : 'OK');
  } else {
    lines.push(`${errors} problem${errors === 1 ? '' : 's'} found`);
  }
  process.stdout.write(lines.join('\n') + '\n');
  return errors ? 1 : 0;
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
