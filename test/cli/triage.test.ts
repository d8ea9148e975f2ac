// The triage CLI as an outsider runs it (shared/contract.md "Triage JSON"): real process, real files.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'triage-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Same as `npx tsx src/cli/triage.ts FILE`, without npx's start-up cost. */
const tsx = join(root, 'node_modules', '.bin', 'tsx');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function triage(file: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, ['src/cli/triage.ts', file], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// The processes start together (each takes seconds to boot tsx); the tests then read the results.
const inputs = {
  one: write('one.json', JSON.stringify({ immediate_life_risk: 'yes', subject_age: 'adult', actions_taken: ['ambulance'] })),
  many: write('many.json', JSON.stringify([{ dols_event: 'outcome_received', subject_age: 'adult' }, {}, { mh_crisis: 'plan_or_intent' }])),
  key: write('key.json', JSON.stringify({ injjury: 'minor' })),
  value: write('value.json', JSON.stringify([{}, { injury: 'broken' }])),
  bad: write('bad.json', '{ "injury": '),
  missing: join(dir, 'nope.json'),
  huge: write('huge.json', JSON.stringify(Array.from({ length: 10_001 }, () => ({})))),
  longKey: write('long-key.json', JSON.stringify({ ['x'.repeat(100_000)]: 'yes' })),
};
const runs = {} as Record<keyof typeof inputs, Run>;
beforeAll(async () => {
  const names = Object.keys(inputs) as Array<keyof typeof inputs>;
  const results = await Promise.all(names.map((n) => triage(inputs[n])));
  names.forEach((n, i) => (runs[n] = results[i]!));
}, 120_000);

const stderrLines = (s: string) => s.split('\n').filter((l) => l.trim() !== '');

describe('triage CLI', () => {
  it('prints one decision for an object', () => {
    const r = runs.one;
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const d = JSON.parse(r.stdout);
    expect(Array.isArray(d)).toBe(false);
    const amb = d.escalations.find((e: { code: string }) => e.code === 'ambulance');
    expect(amb).toMatchObject({ code: 'ambulance', level: 'required', timing: 'now', status: 'done' });
    expect(amb.rules).toContain('A1');
    expect(typeof amb.reason).toBe('string');
    expect(Array.isArray(d.advice)).toBe(true);
    expect(r.stdout).toContain('\n  "escalations": [');
  });

  it('prints an array of decisions in the same order for an array', () => {
    const r = runs.many;
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d).toHaveLength(3);
    expect(d[0].escalations[0]).toMatchObject({ code: 'cqc_notification', level: 'required' });
    expect(d[1]).toEqual({ escalations: [], advice: [] });
    expect(d[2].escalations.map((e: { code: string }) => e.code)).toContain('crisis_mental_health');
  });

  it('rejects an unknown key with one stderr line naming it and no stdout', () => {
    const r = runs.key;
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(stderrLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown key "injjury"/);
  });

  it('rejects an unknown value with one stderr line naming it', () => {
    const r = runs.value;
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(stderrLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/item 1: unknown value "broken" for "injury"/);
  });

  it('rejects bad JSON with one stderr line', () => {
    const r = runs.bad;
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(stderrLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/not valid JSON/);
  });

  it('refuses a file of over 10,000 answer sets with one line, and echoes bad input only briefly', () => {
    expect(runs.huge.code).toBe(1);
    expect(runs.huge.stdout).toBe('');
    expect(runs.huge.stderr).toMatch(/holds 10,001 answer sets; the most in one file is 10,000/);
    expect(runs.longKey.code).toBe(1);
    expect(stderrLines(runs.longKey.stderr)).toHaveLength(1);
    expect(runs.longKey.stderr).toMatch(/unknown key "x{60}… \(100000 characters\)"/);
    expect(runs.longKey.stderr.length).toBeLessThan(300);
  });

  it('rejects a missing file with one stderr line', () => {
    const r = runs.missing;
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(stderrLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot read/);
  });
});
