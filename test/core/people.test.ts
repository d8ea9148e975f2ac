// People and roles: chat users to people and back, what each role may do, escalation channels,
// and the reachability check behind `check-config` and `/oncall check`.

import { describe, expect, it } from 'vitest';
import { loadOrganisation, type Organisation } from '../../src/conversations/organisation.js';
import { can, escalationChannel, personForUser, serviceById, unreachable, userRefFor, type Action } from '../../src/core/people.js';
import type { UserRef } from '../../src/core/types.js';

const org = loadOrganisation();
const slack = (id: string): UserRef => ({ platform: 'slack', id });
const teams = (id: string): UserRef => ({ platform: 'teams', id });

describe('people', () => {
  it('finds a person from Slack, Teams or the terminal', () => {
    expect(personForUser(org, slack('UONCALL01'))?.id).toBe('sam-okafor');
    expect(personForUser(org, teams('00000000-0000-0000-0000-00000000A002'))?.id).toBe('priya-desai');
    expect(personForUser(org, { platform: 'terminal', id: 'alex-kim' })?.name).toBe('Alex Kim');
    expect(personForUser(org, slack('UNOBODY'))).toBeUndefined();
    // A Teams id is not a Slack id.
    expect(personForUser(org, slack('00000000-0000-0000-0000-00000000a001'))).toBeUndefined();
  });

  it('gives the user to page on each platform', () => {
    expect(userRefFor(org, 'sam-okafor', 'slack')).toEqual({ platform: 'slack', id: 'UONCALL01', name: 'Sam Okafor' });
    expect(userRefFor(org, 'sam-okafor', 'teams')).toEqual({
      platform: 'teams',
      id: '00000000-0000-0000-0000-00000000a001',
      name: 'Sam Okafor',
    });
    expect(userRefFor(org, 'sam-okafor', 'terminal')?.id).toBe('sam-okafor');
    expect(userRefFor(org, 'nobody', 'slack')).toBeUndefined();
  });

  it('finds a service by id', () => {
    expect(serviceById(org, 'willow-lane')?.prefix).toBe('WL');
    expect(serviceById(org, 'nowhere')).toBeUndefined();
  });
});

describe('roles', () => {
  const actions: Action[] = ['see_all', 'acknowledge', 'act_on_escalation', 'close', 'export', 'erase', 'admin', 'take_over_oncall', 'swap_oncall'];
  const allowed = (user: UserRef) => actions.filter((a) => can(org, user, a));

  it('a reporter may only report (and see their own)', () => {
    expect(allowed(slack('UREPORTER1'))).toEqual([]);
    expect(can(org, slack('UREPORTER1'), 'report')).toBe(true);
  });

  it('a manager acknowledges, acts, closes and takes over, but cannot export, erase or swap', () => {
    expect(allowed(slack('UONCALL01'))).toEqual(['see_all', 'acknowledge', 'act_on_escalation', 'close', 'take_over_oncall']);
  });

  it('a safeguarding lead sees, acts and exports', () => {
    expect(allowed(slack('USAFEGUARD1'))).toEqual(['see_all', 'act_on_escalation', 'export']);
  });

  it('an admin may do everything', () => {
    expect(allowed(teams('00000000-0000-0000-0000-00000000a006'))).toEqual(actions);
  });

  it('someone not in the file may report and nothing else', () => {
    expect(allowed(slack('USTRANGER'))).toEqual([]);
    expect(can(org, slack('USTRANGER'), 'report')).toBe(true);
  });
});

describe('escalation channels', () => {
  it('uses the default channel, or a service\u2019s own', () => {
    expect(escalationChannel(org, 'slack', 'riverside-house')).toEqual({ platform: 'slack', conversation: 'CESCALATIONS' });
    expect(escalationChannel(org, 'teams', 'riverside-house')).toEqual({
      platform: 'teams',
      conversation: '19:escalations0000000000000000@thread.tacv2',
      teamId: '19:brightwaterteam000000000000@thread.tacv2',
      serviceUrl: 'https://smba.trafficmanager.net/uk/',
    });
    const withOwn: Organisation = { ...org, channels: { ...org.channels, services: { 'willow-lane': { slack: 'CWILLOW' } } } };
    expect(escalationChannel(withOwn, 'slack', 'willow-lane')?.conversation).toBe('CWILLOW');
    expect(escalationChannel(withOwn, 'slack', 'elm-court')?.conversation).toBe('CESCALATIONS');
    // No Teams override for Willow Lane: the default Teams channel.
    expect(escalationChannel(withOwn, 'teams', 'willow-lane')?.conversation).toBe('19:escalations0000000000000000@thread.tacv2');
    expect(escalationChannel(org, 'terminal')).toEqual({ platform: 'terminal', conversation: 'escalations' });
  });

  it('is undefined when the platform has no channel configured', () => {
    const noTeams: Organisation = { ...org, channels: { slack: 'CESCALATIONS', services: {} } };
    expect(escalationChannel(noTeams, 'teams', 'riverside-house')).toBeUndefined();
  });
});

describe('reachability', () => {
  it('the example has nobody unreachable', () => {
    expect(unreachable(org)).toEqual([]);
  });

  it('lists rota slots whose person cannot be paged and people with no chat identity', () => {
    const people = org.people.map((p) =>
      p.id === 'owen-price' ? { id: p.id, name: p.name, roles: p.roles, phone: p.phone } : p,
    );
    const warnings = unreachable({ ...org, people });
    // Owen covers two pattern slots, a bank-holiday slot and a file override; and has no identity.
    expect(warnings.filter((w) => w.kind === 'slot_unreachable').map((w) => w.path)).toEqual([
      'rotas.0.tiers.2.pattern.1',
      'rotas.0.tiers.2.bankHoliday',
      'rotas.0.overrides.0',
      'rotas.1.tiers.2.pattern.0',
    ]);
    expect(warnings.filter((w) => w.kind === 'person_without_chat_identity')).toEqual([
      expect.objectContaining({ path: 'people.3', personId: 'owen-price', message: expect.stringMatching(/Owen Price has no Slack or Teams id/) }),
    ]);
    expect(warnings[0]!.message).toMatch(/Director.*fri 18:00 to mon 08:00: Owen Price has no Slack or Teams id/);
  });

  it('skips file overrides that are over', () => {
    const people = org.people.map((p) => (p.id === 'owen-price' ? { id: p.id, name: p.name, roles: p.roles, phone: p.phone } : p));
    const paths = unreachable({ ...org, people }, new Date('2027-01-01T00:00:00Z')).map((w) => w.path);
    expect(paths).not.toContain('rotas.0.overrides.0');
    expect(paths).toContain('rotas.0.tiers.2.bankHoliday');
  });
});
