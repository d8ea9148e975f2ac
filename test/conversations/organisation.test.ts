// The organisation file: the example loads and matches the contract; broken files give the right
// file, path, line and message; cross-reference mistakes are caught.

import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, type ConfigProblem } from '../../src/conversations/load.js';
import {
  DEFAULT_ORGANISATION_FILE,
  isValidTimeZone,
  loadOrganisation,
  parseOrganisation,
} from '../../src/conversations/organisation.js';

const example = readFileSync(DEFAULT_ORGANISATION_FILE, 'utf8');

/** The example with one exact piece of text replaced (fails loudly if the text is not there). */
function edited(from: string, to: string): string {
  expect(example.includes(from), `example should contain ${JSON.stringify(from)}`).toBe(true);
  return example.replace(from, to);
}

function problemsOf(text: string): ConfigProblem[] {
  try {
    parseOrganisation(text, 'org.yaml');
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected the file to be rejected');
}

/** 1-based line of the first line containing `needle`. */
function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  expect(i, `text should contain ${needle}`).toBeGreaterThanOrEqual(0);
  return i + 1;
}

describe('the example organisation', () => {
  const envBefore = process.env.ESCALATION_ORG_FILE;
  afterEach(() => {
    if (envBefore === undefined) delete process.env.ESCALATION_ORG_FILE;
    else process.env.ESCALATION_ORG_FILE = envBefore;
  });

  it('loads with the default path', () => {
    delete process.env.ESCALATION_ORG_FILE;
    const org = loadOrganisation();
    expect(org.timezone).toBe('Europe/London');
    expect(org.services.map((s) => s.setting)).toEqual(
      expect.arrayContaining(['care_home', 'home_care', 'supported_living']),
    );
    expect(org.channels.slack).toBe('CESCALATIONS');
  });

  it('names the contract users', () => {
    const org = loadOrganisation(DEFAULT_ORGANISATION_FILE);
    const bySlack = (id: string) => org.people.find((p) => p.slackUserId === id);
    expect(bySlack('UONCALL01')?.teamsAadObjectId).toBe('00000000-0000-0000-0000-00000000a001');
    expect(bySlack('UONCALL02')?.teamsAadObjectId).toBe('00000000-0000-0000-0000-00000000a002');
    expect(bySlack('UREPORTER1')?.roles).toEqual(['reporter']);
    expect(org.people.some((p) => p.roles.includes('safeguarding_lead'))).toBe(true);
    expect(org.people.some((p) => p.roles.includes('admin'))).toBe(true);
    expect(org.rotas.every((r) => r.tiers.some((t) => t.tier === 3))).toBe(true);
  });

  it('has the England and Wales bank holidays for 2026 and 2027', () => {
    const org = loadOrganisation(DEFAULT_ORGANISATION_FILE);
    expect(org.bankHolidays.filter((d) => d.startsWith('2026'))).toHaveLength(8);
    expect(org.bankHolidays.filter((d) => d.startsWith('2027'))).toHaveLength(8);
    expect(org.bankHolidays).toContain('2026-08-31');
    expect(org.bankHolidays).toContain('2027-12-28');
  });

  it('follows ESCALATION_ORG_FILE', () => {
    process.env.ESCALATION_ORG_FILE = '/nonexistent/organisation.yaml';
    expect(() => loadOrganisation()).toThrow(/\/nonexistent\/organisation\.yaml:0: \(top\): cannot read file/);
  });
});

describe('a broken organisation file', () => {
  it('reports a misspelt setting at its own line', () => {
    const text = edited('    phone: "07700 900102"', '    fone: "07700 900102"');
    const problems = problemsOf(text);
    const unknown = problems.find((p) => p.path === 'people.1.fone');
    expect(unknown).toMatchObject({ file: 'org.yaml', line: lineOf(text, 'fone:') });
    expect(unknown?.message).toMatch(/unknown setting .*allowed here: id, name, roles, phone/);
    expect(problems.find((p) => p.path === 'people.1.phone')?.message).toBe('missing: this setting is required');
  });

  it('reports an unknown top-level setting', () => {
    const text = edited('withoutDelayReminderHours: 24', 'withoutDelayRemindHours: 24');
    const problems = problemsOf(text);
    expect(problems).toContainEqual(
      expect.objectContaining({ path: 'withoutDelayRemindHours', line: lineOf(text, 'withoutDelayRemindHours') }),
    );
  });

  it('rejects a prefix that is not 2 to 4 capital letters', () => {
    const text = edited('prefix: EC', 'prefix: ec1');
    expect(problemsOf(text)).toEqual([
      expect.objectContaining({ path: 'services.1.prefix', line: lineOf(text, 'prefix: ec1'), message: expect.stringMatching(/2 to 4 capital letters/) }),
    ]);
  });

  it('rejects a bad setting value and a bad rota time', () => {
    const text = edited('setting: supported_living', 'setting: hospital').replace('"fri 08:00", to: "mon 08:00"', '"friday 8am", to: "mon 08:00"');
    const problems = problemsOf(text);
    expect(problems.map((p) => p.path)).toEqual(['services.3.setting', 'rotas.0.tiers.0.pattern.1.from']);
    expect(problems[1]).toMatchObject({ line: lineOf(text, 'friday 8am'), message: expect.stringMatching(/mon 08:00/) });
  });

  it('reports YAML syntax errors with a line', () => {
    const text = edited('  channelNames: initials', '  channelNames: [initials');
    const problems = problemsOf(text);
    expect(problems.length).toBeGreaterThan(0);
    const line = lineOf(text, 'channelNames: [initials');
    expect(problems[0]!.line).toBeGreaterThanOrEqual(line);
    expect(problems[0]!.line).toBeLessThanOrEqual(line + 3);
  });
});

describe('cross-reference checks', () => {
  it('finds an unknown person in a rota', () => {
    const text = edited('- { from: "fri 18:00", to: "mon 08:00", person: owen-price }', '- { from: "fri 18:00", to: "mon 08:00", person: owen-pryce }');
    expect(problemsOf(text)).toEqual([
      {
        file: 'org.yaml',
        path: 'rotas.0.tiers.2.pattern.1.person',
        line: lineOf(text, 'owen-pryce'),
        message: 'no person with id "owen-pryce" in people',
      },
    ]);
  });

  it('finds a service naming an unknown rota', () => {
    const text = edited('rota: community\n    commissioner: Northshire County Council (learning', 'rota: comunity\n    commissioner: Northshire County Council (learning');
    expect(problemsOf(text)).toEqual([
      expect.objectContaining({ path: 'services.3.rota', line: lineOf(text, 'rota: comunity'), message: 'no rota with id "comunity"' }),
    ]);
  });

  it('finds duplicate ids and prefixes', () => {
    const text = edited('id: elm-court', 'id: riverside-house').replace('prefix: WL', 'prefix: RH');
    const problems = problemsOf(text);
    expect(problems.map((p) => p.path).sort()).toEqual(['services.1.id', 'services.3.prefix']);
    expect(problems.find((p) => p.path === 'services.3.prefix')?.message).toMatch(/"RH" is used twice/);
  });

  it('rejects a time zone that is not an IANA zone', () => {
    const text = edited('timezone: Europe/London', 'timezone: GMT+1');
    expect(problemsOf(text)).toEqual([
      expect.objectContaining({ path: 'timezone', line: lineOf(text, 'timezone: GMT+1'), message: expect.stringMatching(/not an IANA time zone/) }),
    ]);
    expect(isValidTimeZone('Europe/London')).toBe(true);
    expect(isValidTimeZone('Europe/Londres')).toBe(false);
  });

  it('finds a gap in a weekly pattern', () => {
    const text = edited('- { from: "mon 08:00", to: "fri 08:00", person: sam-okafor }', '- { from: "mon 08:00", to: "fri 07:00", person: sam-okafor }');
    const [problem, ...rest] = problemsOf(text);
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ path: 'rotas.0.tiers.0.pattern.0.to', line: lineOf(text, 'fri 07:00') });
    expect(problem!.message).toMatch(/gap: nobody is on call from fri 07:00 to fri 08:00/);
  });

  it('finds overlapping slots', () => {
    const text = edited('- { from: "mon 08:00", to: "fri 18:00", person: helen-marsh }', '- { from: "mon 08:00", to: "sat 09:00", person: helen-marsh }');
    const problems = problemsOf(text);
    expect(problems.map((p) => p.path)).toContain('rotas.0.tiers.2.pattern.0.to');
    expect(problems.some((p) => /overlaps the slot starting fri 18:00/.test(p.message))).toBe(true);
  });

  it('refuses a reporter on the on-call rota: they could not acknowledge', () => {
    const text = edited('bankHoliday: { person: owen-price, handover: "08:00" }', 'bankHoliday: { person: alex-kim, handover: "08:00" }');
    expect(problemsOf(text)).toEqual([
      expect.objectContaining({ path: 'rotas.0.tiers.2.bankHoliday.person', message: expect.stringMatching(/could not acknowledge/) }),
    ]);
  });

  it('checks file overrides: tier, person and order of dates', () => {
    const text = edited(
      '{ tier: 3, person: owen-price, from: "2026-12-21 08:00", to: "2026-12-29 08:00"',
      '{ tier: 4, person: nobody, from: "2026-12-29 08:00", to: "2026-12-21 08:00"',
    );
    expect(problemsOf(text).map((p) => p.path).sort()).toEqual([
      'rotas.0.overrides.0.person',
      'rotas.0.overrides.0.tier',
      'rotas.0.overrides.0.to',
    ]);
  });

  it('finds a per-service channel for an unknown service and a shared Slack id', () => {
    const text = edited('  # services:               # e.g.', '  services:\n    nowhere: { slack: CNOWHERE }\n  # e.g.').replace(
      'slackUserId: UREPORTER2',
      'slackUserId: UREPORTER1',
    );
    const problems = problemsOf(text);
    expect(problems.map((p) => p.path).sort()).toEqual(['channels.services.nowhere', 'people.7.slackUserId']);
    expect(problems.find((p) => p.path === 'channels.services.nowhere')?.line).toBe(lineOf(text, 'nowhere:'));
  });
});
