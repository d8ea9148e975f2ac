// Who is on call: the example's contract users at every hour, handovers on the nights the clocks
// change (asserted as UTC instants), overrides in the file and in chat, bank-holiday cover.

import { describe, expect, it } from 'vitest';
import { loadOrganisation, parseOrganisation, type Organisation } from '../../src/conversations/organisation.js';
import { onCallAt, whoIsOnCall, type RotaOverride } from '../../src/core/rota.js';

const example = loadOrganisation();

/** A small organisation whose tier 1 hands over at 08:00 local on Saturdays and Sundays. */
function fixture(extraTier1 = '', overrides = '[]'): Organisation {
  return parseOrganisation(`
name: Test Care
timezone: Europe/London
privacy: { channelNames: initials, commissionerUpdateNames: none }
staffSupport: Talk to your manager.
retention: { sessionsDays: 30, incidentsYears: 8, auditEventsYears: 8 }
intake: { idleReminderMinutes: 10, idleExpiryMinutes: 60 }
workingHours: { start: "09:00", end: "17:00" }
bankHolidays: [2026-08-31, 2026-12-25]
people:
  - { id: anna, name: Anna A, roles: [manager], phone: "07700 900001", slackUserId: UANNA }
  - { id: ben, name: Ben B, roles: [manager], phone: "07700 900002", slackUserId: UBEN }
  - { id: cat, name: Cat C, roles: [manager], phone: "07700 900003", slackUserId: UCAT }
  - { id: dev, name: Dev D, roles: [manager, admin], phone: "07700 900004", slackUserId: UDEV }
  - { id: eve, name: Eve E, roles: [manager], phone: "07700 900005", slackUserId: UEVE }
services:
  - { id: home, name: Home, prefix: HM, setting: care_home, rota: main, commissioner: Council }
  - { id: other, name: Other, prefix: OT, setting: home_care, rota: main, commissioner: Council }
rotas:
  - id: main
    name: Main
    tiers:
      - tier: 1
        label: On-call manager
        ackTimeoutMinutes: 5
        repeats: 2
        pattern:
          - { from: "sat 08:00", to: "sun 08:00", person: anna }
          - { from: "sun 08:00", to: "sat 08:00", person: ben }
${extraTier1}
      - tier: 2
        label: Senior manager
        ackTimeoutMinutes: 10
        repeats: 1
        pattern:
          - { from: "mon 00:00", to: "mon 00:00", person: dev }
    overrides: ${overrides}
channels: { slack: CESC }
`);
}

const tier1 = (org: Organisation, iso: string, overrides: RotaOverride[] = [], service = 'home') =>
  onCallAt(org, service, new Date(iso), overrides)[0]!.people;

describe('the example organisation', () => {
  const slackOf = (id: string) => example.people.find((p) => p.id === id)?.slackUserId;
  const teamsOf = (id: string) => example.people.find((p) => p.id === id)?.teamsAadObjectId;

  it('has UONCALL01 at tier 1 and UONCALL02 at tier 2 at every hour, for every service', () => {
    // Two weeks around each clock change, and the whole Christmas period with its overrides.
    const ranges: Array<[string, number]> = [
      ['2026-03-23T00:00:00Z', 14 * 24],
      ['2026-10-19T00:00:00Z', 14 * 24],
      ['2026-12-18T00:00:00Z', 21 * 24],
    ];
    let checked = 0;
    for (const [start, hours] of ranges) {
      for (let h = 0; h < hours; h++) {
        const at = new Date(Date.parse(start) + h * 3_600_000 + 30 * 60_000);
        for (const service of example.services) {
          const policy = onCallAt(example, service.id, at);
          expect(policy.map((t) => t.tier)).toEqual([1, 2, 3]);
          expect(policy[0]!.people.map(slackOf)).toEqual(['UONCALL01']);
          expect(policy[0]!.people.map(teamsOf)).toEqual(['00000000-0000-0000-0000-00000000a001']);
          expect(policy[1]!.people.map(slackOf)).toEqual(['UONCALL02']);
          expect(policy[1]!.people.map(teamsOf)).toEqual(['00000000-0000-0000-0000-00000000a002']);
          checked++;
        }
      }
    }
    expect(checked).toBe((14 + 14 + 21) * 24 * example.services.length);
  });

  it('copies each tier\u2019s timeout and repeats into the policy', () => {
    const [t1, t2, t3] = onCallAt(example, 'riverside-house', new Date('2026-11-26T12:00:00Z'));
    expect(t1).toEqual({ tier: 1, people: ['sam-okafor'], ackTimeoutMinutes: 5, repeats: 2 });
    expect(t2).toEqual({ tier: 2, people: ['priya-desai'], ackTimeoutMinutes: 10, repeats: 1 });
    expect(t3).toEqual({ tier: 3, people: ['helen-marsh'], ackTimeoutMinutes: 15, repeats: 1 });
  });

  it('uses the file override for the director over Christmas', () => {
    expect(onCallAt(example, 'elm-court', new Date('2026-12-22T12:00:00Z'))[2]!.people).toEqual(['owen-price']);
    expect(onCallAt(example, 'elm-court', new Date('2026-12-29T12:00:00Z'))[2]!.people).toEqual(['helen-marsh']);
  });

  it('throws for an unknown service', () => {
    expect(() => onCallAt(example, 'nowhere', new Date())).toThrow(/unknown service "nowhere"/);
  });
});

describe('handovers across the clock changes (Europe/London)', () => {
  const org = fixture();

  it('the night the clocks go back (Sun 2026-10-25): 08:00 local is 08:00 UTC', () => {
    // Saturday 08:00 is still BST (07:00 UTC): Anna takes over then.
    expect(tier1(org, '2026-10-24T06:59:00Z')).toEqual(['ben']);
    expect(tier1(org, '2026-10-24T07:00:00Z')).toEqual(['anna']);
    // Sunday 08:00 is GMT after the change at 02:00 BST: Ben takes over at 08:00 UTC, not 07:00.
    expect(tier1(org, '2026-10-25T07:00:00Z')).toEqual(['anna']);
    expect(tier1(org, '2026-10-25T07:59:59Z')).toEqual(['anna']);
    expect(tier1(org, '2026-10-25T08:00:00Z')).toEqual(['ben']);
    // Through the repeated hour (01:00-02:00 local happens twice) nothing changes.
    for (const iso of ['2026-10-25T00:00:00Z', '2026-10-25T00:59:00Z', '2026-10-25T01:00:00Z', '2026-10-25T01:59:00Z']) {
      expect(tier1(org, iso)).toEqual(['anna']);
    }
  });

  it('the night the clocks go forward (Sun 2026-03-29): 08:00 local is 07:00 UTC', () => {
    // Saturday 08:00 is GMT (08:00 UTC).
    expect(tier1(org, '2026-03-28T07:59:59Z')).toEqual(['ben']);
    expect(tier1(org, '2026-03-28T08:00:00Z')).toEqual(['anna']);
    // Sunday 08:00 is BST after the change at 01:00 GMT: Ben takes over at 07:00 UTC.
    expect(tier1(org, '2026-03-29T06:59:59Z')).toEqual(['anna']);
    expect(tier1(org, '2026-03-29T07:00:00Z')).toEqual(['ben']);
    expect(tier1(org, '2026-03-29T08:00:00Z')).toEqual(['ben']);
  });

  it('whoIsOnCall gives the handover as a UTC instant on both nights', () => {
    const autumn = whoIsOnCall(org, 'home', new Date('2026-10-24T12:00:00Z'));
    expect(autumn[0]).toEqual({
      tier: 1,
      label: 'On-call manager',
      current: { personId: 'anna', source: 'pattern' },
      next: { personId: 'ben', source: 'pattern', from: new Date('2026-10-25T08:00:00Z') },
    });
    const spring = whoIsOnCall(org, 'home', new Date('2026-03-28T12:00:00Z'));
    expect(spring[0]!.next).toEqual({ personId: 'ben', source: 'pattern', from: new Date('2026-03-29T07:00:00Z') });
    // A tier with one person all week has nobody next.
    expect(spring[1]).toEqual({ tier: 2, label: 'Senior manager', current: { personId: 'dev', source: 'pattern' } });
  });

  it('a handover at 01:30, inside the repeated hour, happens once', () => {
    const org2 = parseOrganisation(
      JSON.stringify({
        ...JSON.parse(JSON.stringify(fixture())),
        rotas: [
          {
            id: 'main',
            name: 'Main',
            tiers: [
              {
                tier: 1,
                label: 'On-call manager',
                ackTimeoutMinutes: 5,
                repeats: 1,
                pattern: [
                  { from: 'sun 01:30', to: 'mon 01:30', person: 'anna' },
                  { from: 'mon 01:30', to: 'sun 01:30', person: 'ben' },
                ],
              },
            ],
            overrides: [],
          },
        ],
      }),
    );
    const seen = ['2026-10-24T23:00:00Z', '2026-10-25T00:15:00Z', '2026-10-25T00:45:00Z', '2026-10-25T01:15:00Z', '2026-10-25T01:45:00Z', '2026-10-25T03:00:00Z'].map(
      (iso) => tier1(org2, iso)[0],
    );
    // Exactly one change, and it never flips back.
    const changes = seen.filter((p, i) => i > 0 && p !== seen[i - 1]).length;
    expect(changes).toBe(1);
    expect(seen[0]).toBe('ben');
    expect(seen[seen.length - 1]).toBe('anna');
  });
});

describe('overrides and bank holidays', () => {
  const org = fixture(
    '        bankHoliday: { person: cat, handover: "08:00" }',
    '\n      - { tier: 1, person: dev, from: "2026-08-31 12:00", to: "2026-08-31 14:00", reason: training cover }',
  );
  const chat: RotaOverride = {
    rotaId: 'main',
    tier: 1,
    personId: 'eve',
    from: '2026-08-31T12:30:00Z',
    to: '2026-08-31T12:45:00Z',
    by: 'eve',
    reason: 'taking over',
  };

  it('the bank-holiday person covers from the handover on the bank holiday to the next day', () => {
    // Mon 2026-08-31 is a bank holiday; 08:00 BST is 07:00 UTC.
    expect(tier1(org, '2026-08-31T06:59:00Z')).toEqual(['ben']);
    expect(tier1(org, '2026-08-31T07:00:00Z')).toEqual(['cat']);
    expect(tier1(org, '2026-09-01T06:59:00Z')).toEqual(['cat']);
    expect(tier1(org, '2026-09-01T07:00:00Z')).toEqual(['ben']);
  });

  it('chat overrides beat file overrides, which beat the bank-holiday person, which beats the pattern', () => {
    // File override: 12:00-14:00 BST = 11:00-13:00 UTC.
    expect(tier1(org, '2026-08-31T10:59:00Z', [chat])).toEqual(['cat']);
    expect(tier1(org, '2026-08-31T11:00:00Z', [chat])).toEqual(['dev']);
    expect(tier1(org, '2026-08-31T12:30:00Z', [chat])).toEqual(['eve']);
    expect(tier1(org, '2026-08-31T12:45:00Z', [chat])).toEqual(['dev']);
    expect(tier1(org, '2026-08-31T13:00:00Z', [chat])).toEqual(['cat']);
  });

  it('a chat override for one service leaves the other service alone; a later one wins', () => {
    const forHome: RotaOverride = { serviceId: 'home', tier: 1, personId: 'eve', from: '2026-11-02T10:00:00Z', to: '2026-11-02T11:00:00Z', by: 'eve' };
    const later: RotaOverride = { ...forHome, personId: 'anna', by: 'dev' };
    expect(tier1(org, '2026-11-02T10:30:00Z', [forHome], 'home')).toEqual(['eve']);
    expect(tier1(org, '2026-11-02T10:30:00Z', [forHome], 'other')).toEqual(['ben']);
    expect(tier1(org, '2026-11-02T10:30:00Z', [forHome, later], 'home')).toEqual(['anna']);
    // Tier 2 is untouched by a tier-1 override.
    expect(onCallAt(org, 'home', new Date('2026-11-02T10:30:00Z'), [forHome])[1]!.people).toEqual(['dev']);
  });

  it('ignores a chat override naming someone no longer in the file', () => {
    const stale: RotaOverride = { ...chat, personId: 'left-the-company' };
    expect(tier1(org, '2026-08-31T12:30:00Z', [stale])).toEqual(['dev']);
  });

  it('whoIsOnCall shows an override and when it ends', () => {
    const view = whoIsOnCall(org, 'home', new Date('2026-08-31T12:35:00Z'), [chat]);
    expect(view[0]!.current).toEqual({ personId: 'eve', source: 'chat_override', reason: 'taking over' });
    expect(view[0]!.next).toEqual({ personId: 'dev', source: 'file_override', from: new Date('2026-08-31T12:45:00Z') });
  });
});
