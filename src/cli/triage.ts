// `npm run --silent triage -- FILE`: prints the escalation decision for the threshold answers in
// FILE as JSON (shared/contract.md, "Triage JSON"). An object gives one decision, an array gives an
// array in the same order. Bad input exits 1 with one line on stderr and nothing on stdout.

import { readFileSync } from 'node:fs';
import { loadRules } from '../conversations/rules-schema.js';
import { decide, validateAnswers } from '../core/rules/engine.js';

/** The most answer sets one file may hold (a bound on time and output, far above any real batch). */
const MAX_ITEMS = 10_000;

function fail(message: string): never {
  process.stderr.write(`triage: ${message.replace(/\s*\n\s*/g, '; ')}\n`);
  process.exit(1);
}

function main(argv: string[]): void {
  const file = argv[0];
  if (!file || argv.length > 1) fail('usage: npm run --silent triage -- FILE (one JSON file of threshold answers)');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    fail(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (e) {
    fail(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  let rules;
  try {
    rules = loadRules().value;
  } catch (e) {
    fail(`the rule file is invalid: ${(e as Error).message}`);
  }
  const one = (answers: unknown, where: string) => {
    try {
      return decide(validateAnswers(answers, rules), rules);
    } catch (e) {
      fail(`${where}${(e as Error).message}`);
    }
  };
  if (Array.isArray(input) && input.length > MAX_ITEMS) fail(`${file} holds ${input.length.toLocaleString('en-GB')} answer sets; the most in one file is ${MAX_ITEMS.toLocaleString('en-GB')}`);
  const output = Array.isArray(input) ? input.map((a, i) => one(a, `item ${i}: `)) : one(input, '');
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
}

main(process.argv.slice(2));
