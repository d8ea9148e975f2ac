// Finds red flags in a reporter's own words: signs that bear on the threshold questions
// (keys and values of threshold-rules.md section 1), with the exact words as evidence.
// A flag only suggests an answer; the intake asks the reporter to confirm it.
//
// Negation: a denied mention ("she didn't bang her head", "denies any thoughts of suicide") raises
// no flag. findMentions also returns it, marked negated, with the rule's `negated_value` when the
// file gives one (head_injury=no), so the intake can quote it; without one it is dropped.
// Hedged ("might have hit her head") and reported ("she says he took £50") mentions still flag.

import { cachedRedFlags, type CompiledRule, type RedFlagVocab } from './red-flags-config.js';
import { findMatches, type Match, type Pattern } from './phrase-pattern.js';
import { tokenize, type Token } from './wink-tokens.js';

export { loadRedFlags, type RedFlagVocab } from './red-flags-config.js';

export interface Flag {
  key: string;
  value: string;
  /** The reporter's exact words (a short span of the original text). */
  evidence: string;
  /** Said with doubt ("might", "not sure if"): still a flag. */
  hedged?: boolean;
  /** Someone else's account ("she says", "alleged"): still a flag. */
  reported?: boolean;
}

export interface Mention extends Flag {
  /** The reporter denied it; value is the rule's negated_value. */
  negated?: boolean;
}

/** Positive flags, one per key and value (one value for single-value keys, the most serious). */
export function findFlags(narrative: string, vocab: RedFlagVocab = cachedRedFlags()): Flag[] {
  return findMentions(narrative, vocab)
    .filter((m) => !m.negated)
    .map(({ negated: _n, ...f }) => f);
}

/** Flags plus denied mentions (negated: true), e.g. head_injury=no from "didn't bang her head". */
export function findMentions(narrative: string, vocab: RedFlagVocab = cachedRedFlags()): Mention[] {
  const tokens = expandVocabulary(tokenize(narrative), vocab);
  const sentences = sentenceRanges(tokens);
  const candidates: Array<Mention & { at: number; rank: number; fallback: boolean; onlyWith?: string }> = [];

  for (const [from, to] of sentences) {
    // Only patterns that may match here are tried: most have a word this sentence lacks.
    const mayMatch = vocab.anchors.mayMatchIn(tokens, from, to);
    const find = (p: Pattern) => (mayMatch(p) ? findMatches(p, tokens, from, to) : NONE);
    const ctx = sentenceContext(vocab, tokens, from, to, find);
    for (const rule of vocab.rules) {
      const found = longestFirst(rule.phrases, find);
      if (found.length === 0) continue;
      const excepts = rule.except.flatMap(find);
      for (const m of found) {
        if (excepts.some((x) => overlaps(x, m))) continue;
        const evidence = quote(narrative, tokens[m.first]!.start, tokens[m.last]!.end);
        const meta = {
          ...(ctx.hedged ? { hedged: true } : {}),
          ...(ctx.reported ? { reported: true } : {}),
        };
        if (isNegated(m, ctx, tokens, vocab)) {
          if (rule.negatedValue !== undefined)
            candidates.push({ key: rule.key, value: rule.negatedValue, evidence, ...meta, negated: true, at: m.first, rank: m.rank, fallback: false });
          continue;
        }
        candidates.push(positive(rule, rule.key, rule.value, evidence, meta, m));
        for (const a of rule.also) candidates.push(positive(rule, a.key, a.value, evidence, meta, m, true));
      }
    }
  }

  const positives = candidates.filter((c) => !c.negated);
  // A rule "only with" its own key needs a mention of that key from another rule, not itself.
  const flagged = new Set(positives.map((c) => c.key));
  const kept = candidates.filter((c) => {
    if (c.negated) return true;
    if (c.onlyWith !== undefined && !(c.onlyWith === c.key ? positives.some((o) => o.key === c.key && o.onlyWith === undefined) : flagged.has(c.onlyWith))) return false;
    if (c.fallback && positives.some((o) => o.key === c.key && !o.fallback)) return false;
    return true;
  });
  return dedupe(kept, vocab.singleValue).map(({ at: _a, rank: _r, fallback: _f, onlyWith: _o, ...m }) => m);
}

function positive(
  rule: CompiledRule,
  key: string,
  value: string,
  evidence: string,
  meta: { hedged?: boolean; reported?: boolean },
  m: Match & { rank: number },
  implied = false,
): Mention & { at: number; rank: number; fallback: boolean; onlyWith?: string } {
  return {
    key,
    value,
    evidence,
    ...meta,
    at: m.first,
    rank: m.rank,
    fallback: implied ? false : rule.fallback,
    ...(!implied && rule.onlyWith !== undefined ? { onlyWith: rule.onlyWith } : {}),
  };
}

/**
 * One mention per key+value: prefer a plain one over a hedged one, then the phrase listed first in
 * its rule (the clearest words to quote back), then the earliest. Single-value keys keep the most serious.
 */
function dedupe<T extends Mention & { at: number; rank: number }>(items: T[], singleValue: Record<string, string[]>): T[] {
  const sorted = [...items].sort((a, b) => Number(!!a.hedged) - Number(!!b.hedged) || a.rank - b.rank || a.at - b.at);
  const byKv = new Map<string, T>();
  for (const m of sorted) {
    const id = `${m.negated ? '!' : ''}${m.key}=${m.value}`;
    if (!byKv.has(id)) byKv.set(id, m);
  }
  let out = [...byKv.values()];
  for (const [key, order] of Object.entries(singleValue)) {
    const pos = out.filter((m) => m.key === key && !m.negated);
    if (pos.length < 2) continue;
    const best = pos.reduce((a, b) => (order.indexOf(b.value) > order.indexOf(a.value) ? b : a));
    out = out.filter((m) => m.key !== key || m.negated || m === best);
  }
  // A denial does not stand against a positive flag on the same key and value it would oppose:
  // both are kept in mentions so the intake can ask; findFlags drops the denial.
  return out.sort((a, b) => a.at - b.at);
}

/** A pattern's matches in one sentence. */
type FindIn = (p: Pattern) => readonly Match[];
const NONE: readonly Match[] = [];

interface SentenceContext {
  hedged: boolean;
  reported: boolean;
  negBefore: Match[];
  negAfter: Match[];
  breaks: Set<number>;
}

/** `find` gives a pattern's matches in the sentence tokens[from, to). */
function sentenceContext(vocab: RedFlagVocab, tokens: Token[], from: number, to: number, find: FindIn): SentenceContext {
  const all = (ps: Pattern[]) => {
    const out: Match[] = [];
    for (const p of ps) for (const m of find(p)) out.push(m);
    return out;
  };
  const hedges = all(vocab.hedges);
  const pseudo = [...all(vocab.negation.pseudo), ...hedges];
  const real = (ms: Match[]) => ms.filter((m) => !pseudo.some((p) => overlaps(p, m)));
  const breaks = new Set<number>();
  for (const m of all(vocab.negation.breaks)) for (let i = m.first; i <= m.last; i++) breaks.add(i);
  for (let i = from; i < to; i++) if (tokens[i]!.type === 'punctuation' && tokens[i]!.norm !== "'") breaks.add(i);
  return {
    hedged: hedges.length > 0,
    reported: all(vocab.reported).length > 0,
    negBefore: real(all(vocab.negation.before)),
    negAfter: real(all(vocab.negation.after)),
    breaks,
  };
}

/** Denied when a negation cue ends within `window` words before the mention (or starts within it after), with no clause break between. */
function isNegated(m: Match, ctx: SentenceContext, _tokens: Token[], vocab: RedFlagVocab): boolean {
  const w = vocab.negation.window;
  const clear = (a: number, b: number) => {
    for (let i = a; i < b; i++) if (ctx.breaks.has(i)) return false;
    return true;
  };
  if (ctx.negBefore.some((c) => c.last < m.first && m.first - c.last - 1 <= w && clear(c.last + 1, m.first))) return true;
  return ctx.negAfter.some((c) => c.first > m.last && c.first - m.last - 1 <= w && clear(m.last + 1, c.first));
}

/** Matches of any phrase, longest first, without two matches of the same rule overlapping. */
function longestFirst(phrases: Pattern[], find: FindIn): Array<Match & { rank: number }> {
  const all: Array<Match & { rank: number }> = [];
  phrases.forEach((p, rank) => {
    for (const m of find(p)) all.push({ ...m, rank });
  });
  all.sort((a, b) => b.last - b.first - (a.last - a.first) || a.first - b.first);
  const chosen: Array<Match & { rank: number }> = [];
  for (const m of all) if (!chosen.some((c) => overlaps(c, m))) chosen.push(m);
  return chosen.sort((a, b) => a.first - b.first);
}

/** The reporter's words from start to end, widened to whole words ("isn't", not "n't"). */
function quote(text: string, start: number, end: number): string {
  const inWord = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}'’]/u.test(c);
  while (start > 0 && inWord(text[start - 1]) && inWord(text[start])) start--;
  while (end < text.length && inWord(text[end]) && inWord(text[end - 1])) end++;
  return text.slice(start, end).trim();
}

function overlaps(a: Match, b: Match): boolean {
  return a.first <= b.last && b.first <= a.last;
}

function sentenceRanges(tokens: Token[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  for (let i = 1; i <= tokens.length; i++) {
    if (i === tokens.length || tokens[i]!.sentence !== tokens[start]!.sentence) {
      if (i > start) out.push([start, i]);
      start = i;
    }
  }
  return out;
}

/** Replace abbreviations ("SU", "NOK") by their expansion; expanded words keep the original span. */
function expandVocabulary(tokens: Token[], vocab: RedFlagVocab): Token[] {
  if (vocab.vocabulary.length === 0) return tokens;
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; ) {
    let best: { len: number; to: Token[] } | undefined;
    for (const v of vocab.vocabulary) {
      const len = v.from.length;
      if (len === 0 || (best && best.len >= len)) continue;
      let ok = i + len <= tokens.length;
      for (let k = 0; ok && k < len; k++) ok = tokens[i + k]!.norm === v.from[k] && tokens[i + k]!.sentence === tokens[i]!.sentence;
      if (ok) best = { len, to: v.to };
    }
    if (!best) {
      out.push(tokens[i]!);
      i += 1;
      continue;
    }
    const first = tokens[i]!;
    const last = tokens[i + best.len - 1]!;
    for (const t of best.to) out.push({ ...t, start: first.start, end: last.end, sentence: first.sentence });
    i += best.len;
  }
  return out;
}
