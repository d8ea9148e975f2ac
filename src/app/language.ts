// Wires the language helpers of src/nlp into the intake: typed answers, times in words, and red
// flags from the reporter's own words. The intake never depends on them to be safe: each only
// suggests, and the reporter confirms.

import type { IntakeContext } from '../core/intake/runtime.js';
import { cachedRedFlags } from '../nlp/red-flags-config.js';
import { findMentions } from '../nlp/red-flags.js';
import { parseWhen } from '../nlp/times.js';
import { recogniseChoice } from '../nlp/typed-answers.js';
import { UNSURE_ID } from '../core/intake/runtime.js';

/** Throws a ConfigError at start-up when conversations/red-flags.yaml is invalid (not on the first narrative). */
export function loadLanguage(timeZone: string): Pick<IntakeContext, 'recogniseChoice' | 'parseWhen' | 'findFlags'> {
  cachedRedFlags();
  return {
    recogniseChoice: (text, choices) => recogniseChoice(text, choices, { unsureId: UNSURE_ID })?.id ?? null,
    parseWhen: (text, now) => parseWhen(text, now, timeZone),
    // Denials count too ("didn't bang her head" suggests No): a suggestion is never a decision.
    findFlags: (narrative) => findMentions(narrative).map((f) => ({ key: f.key, value: f.value, evidence: f.evidence })),
  };
}
