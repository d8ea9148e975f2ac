// Drives the seed "unexplained bruising" example end to end through the terminal chat (the real
// app on the given store), with the manager acknowledging and recording the safeguarding referral,
// so the records tests work on a real incident and its real event log.

import type { Store } from '../../src/store/port.js';
import { terminalHarness, type TerminalHarness } from '../helpers/app.js';

export { BRUISING_ANSWERS, BRUISING_NARRATIVE } from '../helpers/seed-answers.js';
import { BRUISING_ANSWERS } from '../helpers/seed-answers.js';

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
 * The manager follows the bruising incident through with the real chat commands: the agency's
 * answer, an agreed action done, the other agencies told, closure and the learning review.
 * Returns everything the chat printed, for diagnosis.
 */
export async function followThrough(h: TerminalHarness, ref: string): Promise<string> {
  const due = new Date(Date.now() + 3 * 86400_000).toISOString().slice(0, 10);
  const lines = [
    `/response ${ref} safeguarding_adults enquiry_opened | SG-2026-0117 | Section 42 enquiry opened; social worker visiting`,
    `/action ${ref} Body map and photos by the nurse | sam-okafor | ${due} 17:00 | safeguarding_adults`,
    `/done ${ref} A1 Body map on file`,
    `/notify ${ref} gp_or_health Dr Patel, Riverside Surgery | GP-5521`,
    `/notify ${ref} cqc_notification CQC online form | CQC-0042`,
    `/decline ${ref} family_nok Best-interests meeting first; daughter to be told after it`,
    `/decline ${ref} commissioner Not required by our contract for this category`,
    `/close ${ref}`,
    `/review ${ref} No delay | Night staff had not passed on a fall | No | Handover sheet now asks about falls`,
  ];
  for (const l of lines) await h.type(l);
  return h.take();
}

/**
 * The consent and capacity decision, an event type the app does not append yet (shape from the
 * lead's plan), added straight to the log so the evidence pack shows that section too.
 */
export async function appendConsentCapacity(store: Store, ref: string, at: Date): Promise<void> {
  await store.append(ref, 'consent_capacity', { capacity: 'lacks', consent: 'not_applicable', lawfulBasis: 'best_interests', by: 'sam-okafor' }, at);
}
