// The governance report against a fixture written by hand, with every figure worked out below in
// comments (nearest-rank percentiles); the chat version; and the weekly digest for the channel.

import { describe, expect, it } from 'vitest';
import { loadOrganisation } from '../../src/conversations/organisation.js';
import type { EscalationItem, Incident } from '../../src/core/types.js';
import { channelName, weeklyDigest } from '../../src/records/digest.js';
import { governanceReport, reportLines, reportMessage } from '../../src/records/report.js';
import { duration, nearestRank } from '../../src/records/stats.js';
import type { StoredEvent } from '../../src/store/port.js';

const org = loadOrganisation();

function item(code: EscalationItem['code'], extra: Partial<EscalationItem> = {}): EscalationItem {
  return { code, level: 'required', timing: 'same_working_day', rules: ['X'], reason: 'r', sources: [], status: 'open', itemStatus: 'open', ...extra };
}

function incident(ref: string, serviceId: string, createdAt: string, extra: Partial<Incident>): Incident {
  return {
    ref,
    serviceId,
    status: 'open',
    createdAt,
    updatedAt: createdAt,
    reporter: { platform: 'terminal', id: 'alex-kim' },
    subject: 'Anna Brown',
    narrative: 'SECRET NARRATIVE TEXT',
    answers: {},
    unsure: [],
    decision: { escalations: [], advice: [] },
    escalations: [],
    paging: { state: 'queued', policy: [], tierIndex: 0, attempt: 0 },
    versions: { flow: 'f', rules: 'r' },
    messages: {},
    ...extra,
  };
}

function log(...items: Array<[string, string, Record<string, unknown>?]>): StoredEvent[] {
  return items.map(([at, type, data], i) => ({ seq: i + 1, at, type, data: data ?? {}, prevHash: '', hash: '' }));
}

// March 2026 in Europe/London: GMT until 01:00 UTC on Sunday 29 March, then BST.
const incidents: Incident[] = [
  incident('RH-2026-0001', 'riverside-house', '2026-03-02T10:00:00Z', {
    answers: { categories: ['abuse'], risk_to_others: 'unknown', capacity: 'has' },
    unsure: ['risk_to_others'],
    escalations: [
      item('oncall_manager', { itemStatus: 'notified' }),
      item('safeguarding_adults', { dueAt: '2026-03-02T17:00:00Z', itemStatus: 'notified' }),
      item('police_101', { dueAt: '2026-03-02T17:00:00Z', itemStatus: 'notified' }),
      item('cqc_notification', { dueAt: '2026-03-03T10:00:00Z' }), // never told: overdue
    ],
  }),
  incident('RH-2026-0002', 'riverside-house', '2026-03-10T09:00:00Z', {
    answers: { categories: ['abuse', 'crime'], risk_to_others: 'unknown', crime: 'unclear' },
    unsure: ['risk_to_others', 'crime'],
    escalations: [
      item('safeguarding_adults', { dueAt: '2026-03-10T17:00:00Z', itemStatus: 'notified' }),
      item('family_nok', { level: 'recommended', itemStatus: 'not_notifying' }),
    ],
  }),
  incident('EC-2026-0001', 'elm-court', '2026-03-15T14:00:00Z', {
    answers: { categories: ['fall'], risk_to_others: 'no' },
    escalations: [item('safeguarding_adults', { dueAt: '2026-03-16T17:00:00Z', itemStatus: 'notified' })],
  }),
  incident('EC-2026-0002', 'elm-court', '2026-03-20T08:00:00Z', {
    answers: { risk_to_others: 'yes' }, // no categories given
    escalations: [item('safeguarding_adults', { dueAt: '2026-03-20T17:00:00Z' })], // never told: overdue
  }),
  incident('WL-2026-0001', 'willow-lane', '2026-03-31T22:30:00Z', {
    // 23:30 BST on 31 March: inside the range
    answers: { categories: ['abuse'] },
    escalations: [item('safeguarding_adults', { dueAt: '2026-04-01T16:00:00Z', itemStatus: 'notified' })],
  }),
  // Outside the range: 00:30 BST on 1 April, and 23:59 GMT on 28 February.
  incident('RH-2026-0009', 'riverside-house', '2026-03-31T23:30:00Z', { answers: { categories: ['abuse'] }, unsure: ['crime'] }),
  incident('RH-2026-0008', 'riverside-house', '2026-02-28T23:59:00Z', { answers: { categories: ['abuse'] }, unsure: ['crime'] }),
];

const events: Record<string, StoredEvent[]> = {
  'RH-2026-0001': log(
    ['2026-03-02T10:00:00Z', 'reported'],
    ['2026-03-02T10:01:00Z', 'page_sent'],
    ['2026-03-02T10:06:00Z', 'acknowledged', { by: 'sam-okafor' }], // 5 min
    ['2026-03-02T10:40:00Z', 'notified', { code: 'police_101', at: '2026-03-02T10:30:00Z' }], // 30 min (the time told, not the time typed)
    ['2026-03-02T11:00:00Z', 'notified', { code: 'safeguarding_adults', at: '2026-03-02T11:00:00Z' }], // 60 min, on time
  ),
  'RH-2026-0002': log(
    ['2026-03-10T09:00:00Z', 'reported'],
    ['2026-03-10T09:02:00Z', 'page_sent'],
    ['2026-03-10T09:05:00Z', 'page_sent'],
    ['2026-03-10T09:22:00Z', 'acknowledged', { by: 'sam-okafor' }], // 20 min from the FIRST page
    ['2026-03-10T09:30:00Z', 'not_notifying', { code: 'family_nok', by: 'sam-okafor', reason: 'She asked us not to tell her family' }],
    ['2026-03-10T18:00:00Z', 'notified', { code: 'safeguarding_adults', at: '2026-03-10T18:00:00Z' }], // 540 min, 60 min late
    ['2026-03-10T18:05:00Z', 'notified', { code: 'safeguarding_adults', at: '2026-03-10T18:05:00Z' }], // a repeat: the first counts
  ),
  'EC-2026-0001': log(
    ['2026-03-15T14:00:00Z', 'reported'],
    ['2026-03-15T14:00:00Z', 'page_sent'],
    ['2026-03-15T14:45:00Z', 'notified', { code: 'safeguarding_adults', at: '2026-03-15T14:45:00Z' }], // 45 min
    ['2026-03-15T15:00:00Z', 'acknowledged', { by: 'priya-desai' }], // 60 min
  ),
  'EC-2026-0002': log(
    ['2026-03-20T08:00:00Z', 'reported'],
    ['2026-03-20T08:00:00Z', 'page_sent'],
    ['2026-03-20T09:00:00Z', 'paging_exhausted', { tiers: 2 }], // never acknowledged
    ['2026-03-25T10:00:00Z', 'learning_review', { by: 'priya-desai', at: '2026-03-25T10:00:00Z', delay: 'Yes: the page was missed', gap: 'None', threshold: 'No', change: 'Second phone on the rota' }],
  ),
  'WL-2026-0001': log(
    ['2026-03-31T22:30:00Z', 'reported'],
    ['2026-03-31T22:50:00Z', 'notified', { code: 'safeguarding_adults', at: '2026-03-31T22:50:00Z' }], // 20 min; no page
  ),
};

const NOW = new Date('2026-04-02T12:00:00Z');
const report = governanceReport(incidents, events, { from: '2026-03-01', to: '2026-03-31', timeZone: 'Europe/London' }, NOW);

describe('nearest-rank percentiles', () => {
  it('takes the value at rank ceil(P/100 × N)', () => {
    expect(nearestRank([10, 1, 9, 2, 8, 3, 7, 4, 6, 5], 50)).toBe(5);
    expect(nearestRank([10, 1, 9, 2, 8, 3, 7, 4, 6, 5], 90)).toBe(9);
    expect(nearestRank([4, 1], 50)).toBe(1); // lower middle, no averaging
    expect(nearestRank([7], 90)).toBe(7);
    expect(nearestRank([], 50)).toBeNull();
    expect(duration(540)).toBe('9 h');
    expect(duration(65)).toBe('1 h 5 min');
    expect(duration(18420)).toBe('12 days 19 h');
  });
});

describe('governance report against the hand-computed fixture', () => {
  it('counts incidents in the range (local dates, BST at the end of March)', () => {
    expect(report.incidents).toBe(5);
    expect(report.byService).toEqual([
      { serviceId: 'elm-court', count: 2 },
      { serviceId: 'riverside-house', count: 2 },
      { serviceId: 'willow-lane', count: 1 },
    ]);
    expect(report.byCategory).toEqual([
      { category: 'abuse', count: 3 },
      { category: 'crime', count: 1 },
      { category: 'fall', count: 1 },
      { category: 'not given', count: 1 },
    ]);
    expect(report.byServiceCategory).toContainEqual({ serviceId: 'riverside-house', category: 'abuse', count: 2 });
    expect(report.byServiceCategory).toContainEqual({ serviceId: 'elm-court', category: 'not given', count: 1 });
    expect(report.byServiceCategory).toHaveLength(5); // RH abuse 2, RH crime 1, EC fall 1, EC not given 1, WL abuse 1
  });

  it('times to acknowledge: 5, 20, 60 min → median 20 (rank 2 of 3), 90th 60 (rank 3); one never acknowledged', () => {
    expect(report.acknowledge).toEqual({ count: 3, median: 20, p90: 60, paged: 4, notAcknowledged: 1 });
  });

  it('times to each agency against the deadline', () => {
    // Safeguarding: 20, 45, 60, 540 → median rank ceil(2) = 45, 90th rank ceil(3.6) = 540.
    expect(report.agencies).toEqual([
      { code: 'safeguarding_adults', label: 'Adult safeguarding team', count: 4, median: 45, p90: 540, onTime: 3, late: 1, noDeadline: 0, overdue: 1 },
      { code: 'cqc_notification', label: 'CQC notification', count: 0, median: null, p90: null, onTime: 0, late: 0, noDeadline: 0, overdue: 1 },
      { code: 'police_101', label: 'Police (101)', count: 1, median: 30, p90: 30, onTime: 1, late: 0, noDeadline: 0, overdue: 0 },
    ]);
  });

  it('lists late and overdue items', () => {
    expect(report.late).toEqual([{ ref: 'RH-2026-0002', code: 'safeguarding_adults', dueAt: '2026-03-10T17:00:00Z', toldAt: '2026-03-10T18:00:00Z', minutesLate: 60 }]);
    // 3 Mar 10:00 → 2 Apr 12:00 = 30 days 2 h = 43320 min; 20 Mar 17:00 → 2 Apr 12:00 = 12 days 19 h = 18420 min.
    expect(report.overdue).toEqual([
      { ref: 'RH-2026-0001', code: 'cqc_notification', dueAt: '2026-03-03T10:00:00Z', minutesOverdue: 43320 },
      { ref: 'EC-2026-0002', code: 'safeguarding_adults', dueAt: '2026-03-20T17:00:00Z', minutesOverdue: 18420 },
    ]);
  });

  it('lists decisions not to notify with reasons, "not sure" answers and learning reviews', () => {
    expect(report.notNotifying).toEqual([{ ref: 'RH-2026-0002', code: 'family_nok', reason: 'She asked us not to tell her family', by: 'sam-okafor', at: '2026-03-10T09:30:00Z' }]);
    expect(report.unsure).toEqual([
      { key: 'risk_to_others', count: 2, asked: 4 },
      { key: 'crime', count: 1, asked: 1 },
    ]);
    expect(report.learning).toEqual([{ ref: 'EC-2026-0002', at: '2026-03-25T10:00:00Z', lines: ['Any delay: Yes: the page was missed', 'Communication gap: None', 'Unclear threshold: No', 'What changes: Second phone on the rota'] }]);
  });

  it('renders as text lines and as a short chat message, without narratives', () => {
    const name = (id: string) => org.services.find((s) => s.id === id)?.name ?? id;
    const lines = reportLines(report, name).join('\n');
    expect(lines).toContain('Time to acknowledge a page: median 20 min, 90th percentile 1 h (3 of 4 paged; 1 not acknowledged)');
    expect(lines).toContain('Adult safeguarding team: told 4, median 45 min, 90th percentile 9 h; on time 3, late 1, no deadline 0, overdue now 1');
    const msg = reportMessage(report, name);
    expect(msg.kind).toBe('say');
    expect(msg.text).toContain('Time to acknowledge: median 20 min, 90% 1 h');
    expect(msg.text).toContain('Adult safeguarding team: median 45 min, 90% 9 h (4 told, 1 late, 1 overdue)');
    expect(msg.text).toContain('RH-2026-0002 · Family or next of kin: She asked us not to tell her family');
    expect(msg.text).toContain('risk to others 2/4');
    expect(JSON.stringify(msg)).not.toContain('SECRET NARRATIVE');
    expect(JSON.stringify(msg)).not.toContain('Anna Brown');
  });
});

describe('weekly digest', () => {
  it('counts the week, lists open incidents overdue first with initials only, no narrative', () => {
    const now = new Date('2026-03-21T09:00:00Z');
    const msg = weeklyDigest(incidents.slice(0, 5), now, org);
    // Reported 14 Mar 09:00 → 21 Mar 09:00: EC-2026-0001 (15th) and EC-2026-0002 (20th).
    expect(msg.text).toMatch(/^Weekly escalations digest, week to Sat 21 Mar 2026\n/);
    expect(msg.text).toContain('Reported this week: 2. Open now: 5. With overdue items: 2.');
    const items = msg.text.split('\n').filter((l) => l.startsWith('• '));
    // Overdue first (oldest first): RH-2026-0001 (CQC due 3 Mar), EC-2026-0002 (safeguarding due 20 Mar).
    expect(items[0]).toBe('• RH-2026-0001 · Riverside House · A.B. · OVERDUE: CQC notification');
    expect(items[1]).toBe('• EC-2026-0002 · Elm Court Nursing Home · A.B. · OVERDUE: Adult safeguarding team');
    expect(items).toHaveLength(5);
    expect(JSON.stringify(msg)).not.toContain('SECRET NARRATIVE');
    expect(JSON.stringify(msg)).not.toContain('Anna');
  });

  it('shows initials or the local id as the organisation chooses', () => {
    expect(channelName('Anna Brown', 'initials')).toBe('A.B.');
    expect(channelName('AB', 'initials')).toBe('AB');
    expect(channelName('J.S.', 'initials')).toBe('J.S.');
    expect(channelName('Room 12', 'local_id')).toBe('Room 12');
    expect(channelName('', 'initials')).toBe('-');
    expect(channelName('[erased]', 'initials')).toBe('[erased]');
  });
});

describe('learning review answers in either shape', () => {
  it('reads the flat form the app writes and the {answers} form', async () => {
    const { reviewLines } = await import('../../src/records/timeline.js');
    expect(reviewLines({ by: 'x', at: 'y', delay: 'No', change: 'More training' })).toEqual(['Any delay: No', 'What changes: More training']);
    expect(reviewLines({ answers: { delay: 'No' } })).toEqual(['delay: No']);
    expect(reviewLines({ answers: [{ question: 'any_delay', answer: 'Yes' }] })).toEqual(['any delay: Yes']);
  });
});
