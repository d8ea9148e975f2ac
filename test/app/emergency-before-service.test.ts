// An emergency answered before the reporter has said which service: every service's on-call is
// paged (not only the first service's), the page says the service is not given yet, and the
// incident takes the service once the reporter gives it.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { mergePolicies } from '../../src/core/rota.js';
import { terminalHarness, type TerminalHarness } from '../helpers/app.js';

const dir = mkdtempSync(join(tmpdir(), 'org-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The example organisation, with Owen Price on call at tier 1 for the community services only.
const example = readFileSync(new URL('../../conversations/organisation.example.yaml', import.meta.url), 'utf8');
const community = example.indexOf('  - id: community');
const orgFile = join(dir, 'org.yaml');
writeFileSync(orgFile, example.slice(0, community) + example.slice(community).replace('- { from: "mon 08:00", to: "mon 08:00", person: sam-okafor }', '- { from: "mon 08:00", to: "mon 08:00", person: owen-price }'));

let h: TerminalHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

it('pages every service on-call when the service is not known yet, and takes the service when given', async () => {
  h = await terminalHarness({ env: { ESCALATION_ORG_FILE: orgFile } });
  await h.type('yes'); // life in danger, before the service question
  const ref = await h.lastRef();
  const inc = (await h.incident(ref))!;
  expect(inc.serviceUnknown).toBe(true);
  expect(inc.paging.policy[0]!.people).toEqual(['sam-okafor', 'owen-price']);
  const said = h.take();
  expect(said).toMatch(/URGENT: emergency reported at a service not given yet/);
  expect(said).toMatch(/The reporter has been told the urgent steps to take now/);

  await h.answer({ danger: 'no', unresponsive: 'no', service: 'Willow Lane' }, 'subject');
  await h.answer({ subject: 'JT', narrative: 'He took a lot of tablets', when: 'not sure', categories: 'mental_health', subject_age: 'adult', injury: 'none', abuse: 'no', mh_crisis: 'harm_done', capacity: 'has', consent: 'given', actions_taken: 'ambulance', confirm: 'yes' });
  const done = (await h.incident(ref))!;
  expect(done.serviceId).toBe('willow-lane');
  expect(done.serviceUnknown).toBeUndefined();
});

it('merges tiers: everyone at each tier, the shortest wait, the most repeats', () => {
  const a = [{ tier: 1, people: ['x'], ackTimeoutMinutes: 5, repeats: 2 }];
  const b = [
    { tier: 1, people: ['y', 'x'], ackTimeoutMinutes: 3, repeats: 1 },
    { tier: 2, people: ['z'], ackTimeoutMinutes: 10, repeats: 1 },
  ];
  expect(mergePolicies([a, b])).toEqual([
    { tier: 1, people: ['x', 'y'], ackTimeoutMinutes: 3, repeats: 2 },
    { tier: 2, people: ['z'], ackTimeoutMinutes: 10, repeats: 1 },
  ]);
});
