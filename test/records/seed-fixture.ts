// Drives the seed "unexplained bruising" example end to end through the terminal chat (the real
// app on the given store), with the manager acknowledging and recording the safeguarding referral,
// so the records tests work on a real incident and its real event log.

import type { Store } from '../../src/store/port.js';
import { terminalHarness, type TerminalHarness } from '../helpers/app.js';

export const BRUISING_NARRATIVE =
  'Found bruising on both her upper arms during personal care this morning. Nobody knows how it happened. AB said "it hurts".';

export const BRUISING_ANSWERS: Record<string, string | string[]> = {
  life: 'no',
  danger: 'no',
  service: '1',
  subject: 'AB',
  narrative: BRUISING_NARRATIVE,
  when: 'not sure',
  categories: 'abuse',
  subject_age: 'adult',
  injury: 'needs_assessment',
  hospital: 'no',
  work_factor: 'no',
  hcp_opinion: 'none',
  abuse: 'yes',
  abuse_category: 'physical',
  alleged_source: 'unknown',
  care_needs: 'yes',
  unable_to_protect: 'yes',
  pattern: 'no',
  crime: 'unclear',
  crime_timing: 'days',
  regulated_activity: 'yes',
  police_involved: 'no',
  capacity: 'lacks',
  coercion: 'no',
  risk_to_others: 'not sure',
  actions_taken: 'none',
  confirm: 'yes',
};

/** Report the bruising example, acknowledge it, record the referral and one decision not to notify. */
export async function runBruising(store?: Store): Promise<{ h: TerminalHarness; ref: string }> {
  const h = await terminalHarness(store ? { store } : {});
  await h.answer(structuredClone(BRUISING_ANSWERS));
  const ref = await h.lastRef();
  await h.type(`/ack ${ref}`);
  await h.type(`/notify ${ref} safeguarding_adults Northshire duty desk | SG-2026-0117`);
  await h.type(`/decline ${ref} police_101 Spoke to the police non-emergency line: no crime to report yet, safeguarding leads`);
  return { h, ref };
}

/**
 * Events the lead's code will append soon (consent and capacity, an action, closing, the learning
 * review), added straight to the log so the evidence pack shows every section.
 */
export async function appendLaterEvents(store: Store, ref: string, at: (minutes: number) => Date): Promise<void> {
  await store.append(ref, 'consent_capacity', { capacity: 'lacks', consent: 'not_applicable', lawfulBasis: 'best_interests', by: 'sam-okafor' }, at(30));
  await store.append(ref, 'action_added', { id: 'A1', what: 'Body map and photos by the nurse', owner: 'sam-okafor', due: at(240).toISOString(), agency: null }, at(31));
  await store.append(ref, 'action_completed', { id: 'A1', note: 'Body map on file', by: 'sam-okafor' }, at(90));
  await store.append(ref, 'closed', { by: 'sam-okafor' }, at(2000));
  await store.append(
    ref,
    'learning_review',
    { answers: { delay: 'No delay', communication_gap: 'Night staff had not passed on a fall', unclear_threshold: 'No', changes: 'Handover sheet now asks about falls' } },
    at(2001),
  );
}
