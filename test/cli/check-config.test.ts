// `npm run check-config`: the example passes (exit 0); a broken file fails (exit 1) with
// `file:line: path: message` lines; reachability warnings are printed but do not fail.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_ORGANISATION_FILE } from '../../src/conversations/organisation.js';

const dir = mkdtempSync(join(tmpdir(), 'check-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const example = readFileSync(DEFAULT_ORGANISATION_FILE, 'utf8');

function checkConfig(...args: string[]) {
  const env = { ...process.env };
  delete env.ESCALATION_ORG_FILE;
  const r = spawnSync('npx', ['tsx', 'src/cli/check-config.ts', ...args], { encoding: 'utf8', env });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

// Each case spawns a fresh tsx process, which can take several seconds on a busy machine.
const SPAWN_TIMEOUT = 90_000;

describe('check-config', { timeout: SPAWN_TIMEOUT }, () => {
  it('passes the example organisation', () => {
    const r = checkConfig();
    expect(r.err).not.toMatch(/check-config failed|Error/);
    expect(r.code).toBe(0);
    // (A bank-holiday list running out is warned about from mid-2027; nothing else may warn.)
    expect(r.out.trim().split('\n').at(-1)).toMatch(/^OK\b/);
    expect(r.out).not.toMatch(/cannot be paged/);
    expect(r.out).not.toMatch(/\d+: (?!bankHolidays)[\w.]+: warning/);
  });

  it('fails a broken file with file:line: path: message', () => {
    const broken = example
      .replace('prefix: EC', 'prefix: E')
      .replace('    phone: "07700 900102"', '    phone: "07700 900102"\n    pager: "07700 900999"');
    const file = write('broken.yaml', broken);
    const lines = broken.split('\n');
    const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
    const r = checkConfig(file);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${file}:${lineOf('prefix: E')}: services.1.prefix: a prefix is 2 to 4 capital letters, e.g. RH`);
    expect(r.out).toContain(`${file}:${lineOf('pager:')}: people.1.pager: unknown setting`);
    expect(r.out.trim().split('\n').at(-1)).toBe('2 problems found');
  });

  it('fails a cross-reference mistake and a missing file', () => {
    const file = write('xref.yaml', example.replace('rota: residential', 'rota: residentail'));
    const r = checkConfig(file);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: services\\.0\\.rota: no rota with id "residentail"$`, 'm'));

    const missing = checkConfig(join(dir, 'nope.yaml'));
    expect(missing.code).toBe(1);
    expect(missing.out).toContain(`${join(dir, 'nope.yaml')}:0: (top): cannot read file (ENOENT)`);
  });

  it('warns about people who cannot be paged but still passes', () => {
    const file = write('unreachable.yaml', example.replace('    slackUserId: UDIRECTOR2\n    teamsAadObjectId: 00000000-0000-0000-0000-00000000a004\n', ''));
    const r = checkConfig(file);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^.*unreachable\.yaml:\d+: rotas\.0\.tiers\.2\.pattern\.1: warning: .*Owen Price has no Slack or Teams id/m);
    const peopleLine = example.split('\n').findIndex((l) => l.includes('- id: owen-price')) + 1;
    expect(r.out).toContain(`${file}:${peopleLine}: people.3: warning: Owen Price has no Slack or Teams id`);
    expect(r.out.trim().split('\n').at(-1)).toMatch(/^OK \(\d+ warnings\)$/);
  });
});
