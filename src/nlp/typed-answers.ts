// Understands a typed reply to a choice question: "yep", "nah", "not sure", "dunno", the option's
// number ("2") or its words ("minor"). Yes/no words come from @microsoft/recognizers-text-choice
// (its English boolean model) plus a few British ones it lacks ("aye", "nah"). Anything unclear
// returns null, and the caller asks again with the options.

import { Culture, recognizeBoolean } from '@microsoft/recognizers-text-choice';
import { withinOneEdit } from './phrase-pattern.js';

export interface ChoiceOption {
  id: string;
  label: string;
}

export interface RecognisedChoice {
  id: string;
  /** 1 for a number or exact label; lower for looser matches. */
  confidence: number;
}

const UNSURE = /^(i\s*)?(am\s+|'m\s+)?(not\s+sure|unsure|dunno|don'?t\s+know|do\s+not\s+know|dont\s+kno|no\s+idea|idk|not\s+certain|no\s+clue|can'?t\s+say|cannot\s+say|unknown|no\s+one\s+knows|nobody\s+knows|not\s+known|maybe|possibly|might\s+have)\b/;
const EXTRA_YES = /^(aye|yeah|yea|yeh|yup|ya|yes+|y|affirmative|correct|that'?s right|yes she did|yes he did)\b/;
const EXTRA_NO = /^(nah|naw|na|no+|nope|n|nay|negative|not really|no way|(i\s+)?(don'?t|do\s+not)\s+think\s+so|not\s+yet|not\s+that\s+i\s+know(\s+of)?)\b/;
const STOP = new Set(['a', 'an', 'the', 'of', 'or', 'and', 'to', 'in', 'on', 'for', 'is', 'it', 'was', 'by', 'with', 'at', 'be', 'this', 'that', 'from', 'not', 'only', 'just', 'yet']);

/** Which choice the reply means, or null when it is unclear. */
export function recogniseChoice(text: string, choices: ChoiceOption[], opts: { unsureId?: string } = {}): RecognisedChoice | null {
  const t = text.toLowerCase().replace(/[’‘]/g, "'").replace(/[.!?,;:)\s]+$/g, '').trim();
  if (!t || choices.length === 0) return null;

  // 1. Doubt first: the recogniser reads "not sure" as "sure" = yes.
  if (UNSURE.test(t)) {
    const unsure = opts.unsureId !== undefined ? choices.find((c) => c.id === opts.unsureId) : findUnsure(choices);
    return unsure ? { id: unsure.id, confidence: 0.9 } : null;
  }

  // 2. The option's number: "2", "2.", "option 2", "no. 2".
  const num = /^(?:option\s*|no\.?\s*|number\s*|#)?(\d{1,2})$/.exec(t);
  if (num) {
    const c = choices[Number(num[1]) - 1];
    return c ? { id: c.id, confidence: 1 } : null;
  }

  // 3. Exactly the label or the id.
  const exact = choices.find((c) => norm(c.label) === norm(t) || norm(c.id) === norm(t));
  if (exact) return { id: exact.id, confidence: 1 };

  // 4. Yes or no, for questions that have a yes or a no option. "yes and no" is unclear, and so
  // is a bare "ok" or "fine": "she's ok" is not a yes to "did she hit her head?".
  if (/^(ok|okay|k|fine|alright|all right|she'?s ok|he'?s ok|they'?re ok|she'?s fine|he'?s fine)$/.test(t)) return null;
  if (/\b(yes|yeah|yep|aye|yup)\b/.test(t) && /\b(no|nah|nope|naw)\b/.test(t)) return null;
  const yn = yesNo(t);
  if (yn !== null) {
    const target = yn.value ? findYes(choices) : findNo(choices);
    if (target) return { id: target.id, confidence: yn.score };
  }

  // 5. The option's words, allowing a typo.
  return byWords(t, choices);
}

function yesNo(t: string): { value: boolean; score: number } | null {
  if (EXTRA_NO.test(t)) return { value: false, score: 0.95 };
  if (EXTRA_YES.test(t)) return { value: true, score: 0.95 };
  const found = recognizeBoolean(t, Culture.English);
  const values = new Set(found.map((r) => r.resolution?.value as boolean));
  if (found.length === 0 || values.size !== 1) return null;
  const first = found[0]!;
  // Only when the yes/no word is most of the reply ("yes please", not a sentence that contains "ok").
  const words = t.split(/\s+/).length;
  if (words > 3) return null;
  return { value: first.resolution?.value === true, score: Math.min(0.95, Number(first.resolution?.score ?? 0.7)) };
}

function byWords(t: string, choices: ChoiceOption[]): RecognisedChoice | null {
  const said = words(t);
  if (said.length === 0) return null;
  const scored = choices
    .map((c) => {
      const want = [...new Set([...words(c.label), ...words(c.id.replace(/_/g, ' '))])];
      if (want.length === 0) return { c, score: 0 };
      const hits = want.filter((w) => said.some((s) => s === w || (w.length >= 5 && withinOneEdit(s, w)) || (w.length >= 5 && s.length >= 4 && w.startsWith(s))));
      return { c, score: hits.length / Math.min(want.length, Math.max(said.length, 1)) };
    })
    .sort((a, b) => b.score - a.score);
  const [best, second] = scored;
  if (!best || best.score < 0.5) return null;
  if (second && second.score >= best.score - 0.1) return null;
  return { id: best.c.id, confidence: Math.round(Math.min(1, best.score) * 0.85 * 100) / 100 };
}

function words(s: string): string[] {
  return s
    .toLowerCase()
    .split(/[^\p{L}\p{N}']+/u)
    .filter((w) => w.length > 1 && !STOP.has(w));
}

function norm(s: string): string {
  return s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

function findYes(choices: ChoiceOption[]): ChoiceOption | undefined {
  return choices.find((c) => c.id === 'yes') ?? choices.find((c) => /^yes\b/i.test(c.label));
}

function findNo(choices: ChoiceOption[]): ChoiceOption | undefined {
  return choices.find((c) => c.id === 'no') ?? choices.find((c) => c.id === 'none') ?? choices.find((c) => /^no\b/i.test(c.label));
}

function findUnsure(choices: ChoiceOption[]): ChoiceOption | undefined {
  return (
    choices.find((c) => c.id === 'unknown' || c.id === 'unclear' || c.id === 'unsure') ??
    choices.find((c) => /not sure|don'?t know|unknown|unsure/i.test(c.label))
  );
}
