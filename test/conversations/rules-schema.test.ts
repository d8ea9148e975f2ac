// The threshold rule file's schema and loader: the shipped file is complete and valid, and a
// malformed file is refused with file, path and line for each problem.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/conversations/load.js';
import { DEFAULT_RULES_FILE, loadRules } from '../../src/conversations/rules-schema.js';

const dir = mkdtempSync(join(tmpdir(), 'rules-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const VALID = `version: 1
title: test
texts:
  unsure_prefix: "Not sure."
links:
  P999: "http://www.bristolnhwnetwork.org.uk/999-or-101.html"
questions:
  - { id: Q1, key: immediate_life_risk, values: ["yes", "no"], default: "no", text: "Life in danger?" }
  - { id: Q15, key: abuse_category, multi: true, values: [physical, none], default: [], text: "What kind?" }
advice:
  - { id: call_999, text: "Call 999 now." }
rules:
  - id: A1
    title: Life in danger
    when: { immediate_life_risk: "yes" }
    outputs:
      - { code: ambulance, level: required, timing: now, reason: "Call 999." }
    advice: [call_999]
    sources: { dr: ["6.2"], links: [P999] }
`;

function load(name: string, text: string) {
  const file = join(dir, name);
  writeFileSync(file, text);
  return () => loadRules(file);
}

function problems(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('the shipped rule file', () => {
  const loaded = loadRules();

  it('loads from the default path with a content hash', () => {
    expect(loaded.file).toBe(DEFAULT_RULES_FILE);
    expect(loaded.hash).toMatch(/^[0-9a-f]{12}$/);
  });

  it('has every rule of threshold-rules.md sections 2-5', () => {
    const ids = new Set([...loaded.value.rules.map((r) => r.id), ...loaded.value.adjustments.map((a) => a.id)]);
    const expected = [
      ...range('A', 1, 5),
      ...range('B', 1, 7),
      ...range('C', 1, 5),
      ...range('D', 1, 10),
      ...range('E', 0, 14),
      'E3b',
      ...range('F', 1, 5),
      ...range('G', 1, 5),
      ...range('H', 1, 5),
      ...range('I', 1, 3),
      'FAM-alleged-source',
      'FAM-death',
      'S4-refused-override',
      'S4-refused-no-override',
      'S4-unsafe-to-ask',
      'S4-lacks-capacity',
      'S4-capacity-unclear',
      'P6-under-18',
    ];
    for (const id of expected) expect(ids.has(id), id).toBe(true);
  });

  it('has every section 1 question Q1-Q37 with its values, and abuse_category as a list', () => {
    const qs = loaded.value.questions;
    for (let i = 1; i <= 37; i++) expect(qs.some((q) => q.id === `Q${i}`), `Q${i}`).toBe(true);
    const cat = qs.find((q) => q.key === 'abuse_category')!;
    expect(cat.multi).toBe(true);
    expect(cat.default).toEqual([]);
    expect(qs.find((q) => q.key === 'work_factor')!.unsure).toEqual(['unknown']);
    expect(qs.filter((q) => !q.extension).every((q) => /^Q\d+$/.test(q.id))).toBe(true);
  });

  it('cites a reference.md section and a source address for every rule', () => {
    for (const r of loaded.value.rules) {
      expect(r.sources.dr.length, r.id).toBeGreaterThan(0);
      expect(r.sources.links.length, r.id).toBeGreaterThan(0);
    }
  });
});

describe('a malformed rule file', () => {
  it('accepts the minimal valid file', () => {
    expect(load('ok.yaml', VALID)().value.rules[0]?.outputs[0]?.timing).toBe('now');
  });

  it('reports an unknown escalation code with file, path and line', () => {
    const file = join(dir, 'code.yaml');
    const p = problems(load('code.yaml', VALID.replace('code: ambulance', 'code: ambulanse')));
    expect(p[0]).toMatchObject({ file, path: 'rules.0.outputs.0.code', line: 17 });
    expect(String(new ConfigError(p).message)).toContain(`${file}:17: rules.0.outputs.0.code`);
  });

  it('reports an unknown level and an unknown timing', () => {
    const p = problems(load('level.yaml', VALID.replace('level: required', 'level: urgent').replace('timing: now', 'timing: asap')));
    expect(p.map((x) => x.path)).toEqual(expect.arrayContaining(['rules.0.outputs.0.level', 'rules.0.outputs.0.timing']));
  });

  it('reports an unknown answer key in a condition', () => {
    const p = problems(load('key.yaml', VALID.replace('when: { immediate_life_risk: "yes" }', 'when: { imediate_life_risk: "yes" }')));
    expect(p[0]).toMatchObject({ path: 'rules.0.when.imediate_life_risk', line: 15 });
    expect(p[0]!.message).toMatch(/unknown answer key "imediate_life_risk"/);
  });

  it('reports an unknown value in a condition', () => {
    const p = problems(load('value.yaml', VALID.replace('when: { immediate_life_risk: "yes" }', 'when: { immediate_life_risk: maybe }')));
    expect(p[0]!.path).toBe('rules.0.when.immediate_life_risk');
    expect(p[0]!.message).toMatch(/"maybe" is not a value of immediate_life_risk/);
  });

  it('reports unknown fields, advice ids, links and named conditions', () => {
    const text = VALID.replace('    advice: [call_999]', '    advice: [call_998]\n    colour: red')
      .replace('links: [P999]', 'links: [P998]')
      .replace('when: { immediate_life_risk: "yes" }', 'when: { ref: nowhere }');
    const p = problems(load('refs.yaml', text));
    const msgs = p.map((x) => `${x.path}: ${x.message}`).join('\n');
    expect(msgs).toMatch(/rules\.0.*colour/);
    expect(msgs).toMatch(/unknown advice id "call_998"/);
    expect(msgs).toMatch(/unknown link "P998"/);
    expect(msgs).toMatch(/unknown named condition "nowhere"/);
    for (const x of p) expect(x.line).toBeGreaterThan(0);
  });

  it('reports a default that is not one of the values', () => {
    const p = problems(load('default.yaml', VALID.replace('default: "no", text: "Life', 'default: "none", text: "Life')));
    expect(p[0]).toMatchObject({ path: 'questions.0.default', line: 8 });
  });

  it('reports a YAML syntax error with its line', () => {
    const p = problems(load('syntax.yaml', VALID.replace('    title: Life in danger', '    title: [Life in danger')));
    expect(p[0]!.line).toBeGreaterThanOrEqual(15);
  });

  it('reports a missing file', () => {
    const p = problems(() => loadRules(join(dir, 'missing.yaml')));
    expect(p[0]!.message).toMatch(/cannot read/);
  });
});

function range(prefix: string, from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${from + i}`);
}
