// `npm run --silent flags -- FILE`: FILE holds one narrative (a JSON string) or an array of them.
// Prints {"flags": [{"key", "value", "evidence"}]} for a string, or an array of those for an array,
// with keys and values as in threshold-rules.md section 1. Bad input: one line on stderr, exit 1,
// nothing on stdout.

import { readFileSync } from 'node:fs';
import { ConfigError } from '../conversations/load.js';
import { findFlags, loadRedFlags } from '../nlp/red-flags.js';

interface Output {
  flags: Array<{ key: string; value: string; evidence: string }>;
}

function run(argv: string[]): string {
  const file = argv[0];
  if (!file || argv.length > 1) throw new Error('usage: npm run --silent flags -- FILE (a JSON string or an array of strings)');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not valid JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  const vocab = loadRedFlags();
  const one = (narrative: string): Output => ({
    flags: findFlags(narrative, vocab).map((f) => ({ key: f.key, value: f.value, evidence: f.evidence })),
  });
  if (typeof input === 'string') return JSON.stringify(one(input));
  if (Array.isArray(input)) {
    const bad = input.findIndex((x) => typeof x !== 'string');
    if (bad >= 0) throw new Error(`${file}: item ${bad} is not a string`);
    return JSON.stringify((input as string[]).map(one));
  }
  throw new Error(`${file} must hold a JSON string or an array of strings`);
}

try {
  process.stdout.write(`${run(process.argv.slice(2))}\n`);
} catch (e) {
  const msg = e instanceof ConfigError ? `red-flags file: ${e.problems.length} problem(s), first: ${e.message.split('\n')[0]}` : (e as Error).message;
  process.stderr.write(`${msg.replace(/\s+/g, ' ').trim()}\n`);
  process.exitCode = 1;
}
