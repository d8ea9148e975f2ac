// `npm run --silent flags -- FILE` run as a user would: one narrative, an array, and bad input.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'flags-cli-'));

const tsx = join(root, 'node_modules/tsx/dist/cli.mjs');

/** Exactly as documented, through npm (slower: used once). */
function runNpm(...args: string[]) {
  const r = spawnSync('npm', ['run', '--silent', 'flags', '--', ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same script without npm's start-up. */
function run(...args: string[]) {
  const r = spawnSync(process.execPath, [tsx, 'src/cli/flags.ts', ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, content: string): string {
  const f = join(dir, name);
  writeFileSync(f, content);
  return f;
}

describe('flags CLI', { timeout: 60_000 }, () => {
  it('prints the flags of one narrative (npm run --silent flags -- FILE)', () => {
    const r = runNpm(file('one.json', JSON.stringify('Found him on the floor, he hit his head, on warfarin')));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      flags: [
        { key: 'head_injury', value: 'yes', evidence: 'hit his head' },
        { key: 'anticoag_or_antiplatelet', value: 'yes', evidence: 'warfarin' },
      ],
    });
    expect(r.stderr).toBe('');
  });

  it('prints an array for an array, honouring negation', () => {
    const r = run(file('many.json', JSON.stringify(["she didn't bang her head at all, on apixaban", 'she says he took £50 from her purse', 'ate well today'])));
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Array<{ flags: Array<{ key: string; value: string; evidence: string }> }>;
    expect(out).toHaveLength(3);
    expect(out[0]!.flags).toEqual([{ key: 'anticoag_or_antiplatelet', value: 'yes', evidence: 'apixaban' }]);
    expect(out[1]!.flags).toContainEqual({ key: 'abuse_category', value: 'financial_material', evidence: 'took £50 from her purse' });
    expect(out[2]!.flags).toEqual([]);
  });

  it.each([
    ['not JSON', () => file('bad.json', '{nope')],
    ['an object', () => file('obj.json', '{"narrative": "x"}')],
    ['an array with a number', () => file('num.json', '["ok", 3]')],
    ['a missing file', () => join(dir, 'missing.json')],
  ])('refuses %s: one line on stderr, non-zero exit, nothing on stdout', (_label, make) => {
    const r = run(make());
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim().length).toBeGreaterThan(0);
  });

  it('refuses no FILE', () => {
    const r = run();
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/usage/);
  });
});
