// The intake flow file: the real one loads and matches the rule file's questions; mistakes are
// reported with file, path and line.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FLOW_FILE, loadFlow } from '../../src/conversations/flow-schema.js';
import { ConfigError } from '../../src/conversations/load.js';
import { loadRules } from '../../src/conversations/rules-schema.js';

const questions = loadRules().value.questions.map((q) => ({ key: q.key, values: q.values }));

function broken(edit: (text: string) => string): ConfigError {
  const dir = mkdtempSync(join(tmpdir(), 'ea-flow-'));
  const file = join(dir, 'intake-flow.yaml');
  writeFileSync(file, edit(readFileSync(DEFAULT_FLOW_FILE, 'utf8')));
  try {
    loadFlow(file, questions);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('intake flow file', () => {
  it('loads, starts with a safety question and ends with the confirm step', () => {
    const flow = loadFlow(DEFAULT_FLOW_FILE, questions).value;
    expect(flow.steps[0]).toMatchObject({ id: 'life', key: 'immediate_life_risk', safety: true });
    expect(flow.steps.at(-1)?.kind).toBe('confirm');
    for (const s of flow.steps.filter((x) => x.kind === 'choice' || x.kind === 'multi')) expect(s.unsure, s.id).toBeDefined();
  });

  it('names the file, path and line of a value that is not a threshold value', () => {
    const text = readFileSync(DEFAULT_FLOW_FILE, 'utf8');
    const err = broken((t) => t.replace('{ id: serious_suspected, label: "Serious injury suspected" }', '{ id: seriously_hurt, label: "Serious injury suspected" }'));
    const p = err.problems.find((x) => x.message.includes('seriously_hurt'))!;
    expect(p.path).toMatch(/^steps\.\d+\.choices$/);
    const line = text.split('\n').findIndex((l) => l.includes('- id: injury')) + 1;
    expect(p.line).toBeGreaterThan(line);
    expect(p.line).toBeLessThan(line + 15);
  });

  it('refuses a choice step without a "Not sure" meaning, and a flow whose first step is not about safety', () => {
    const noUnsure = broken((t) => t.replace('    unsure: unknown\n\n  - id: hospital', '\n  - id: hospital'));
    expect(noUnsure.problems.some((p) => p.message.includes('"Not sure" must be an answer everywhere'))).toBe(true);
    const noSafety = broken((t) => t.replace('    safety: true\n    text: "Is anyone', '    text: "Is anyone'));
    expect(noSafety.problems.some((p) => p.message.includes('first step must be a safety question'))).toBe(true);
  });

  it('reports a YAML syntax error with its line', () => {
    const err = broken((t) => t.replace('version: 1', 'version: [1'));
    expect(err.problems[0]!.line).toBeGreaterThan(1);
  });
});
