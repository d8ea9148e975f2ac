// Compiles the small phrase language used in conversations/red-flags.yaml and finds its matches in
// wink tokens. Syntax (documented at the top of red-flags.yaml): words match the typed form or the
// dictionary form; "a|b" alternatives; "(too soon|given twice)" alternatives of several words;
// "word?" optional; "pinch*" prefix; "apixaban~" one typo allowed; "..." up to GAP_MAX words in
// between; "<num>" a number; "<num<90>" (also <=, >, >=) a reading compared with a limit ("9/15"
// reads as 9); "<child-age>" a whole number under 18; "$name" a macro.

import type { Token } from './wink-tokens.js';

export const GAP_MAX = 5;

type Alt =
  | { kind: 'word' | 'prefix' | 'fuzzy'; text: string }
  | { kind: 'number' }
  | { kind: 'reading'; op: '<' | '<=' | '>' | '>='; limit: number; whole?: true };
type Element = { kind: 'gap' } | { kind: 'alts'; alts: Alt[]; optional: boolean };

export interface Pattern {
  source: string;
  elements: Element[];
  /**
   * The alternatives of one required element made only of words and prefixes: the pattern cannot
   * match in a sentence where none of them is (or starts) a token's norm, lemma or typed text (see
   * AnchorIndex). Absent when every required element has a typo-tolerant or number alternative.
   */
  anchor?: Anchor[];
}

type Anchor = { kind: 'word' | 'prefix'; text: string };

export interface Match {
  /** Token indexes [first, last] inclusive, into the token array searched. */
  first: number;
  last: number;
}

/** Compile a phrase that may hold "(a b|c)" groups: one pattern per way through the groups. */
export function compilePhrase(source: string, macros: Record<string, string> = {}): Pattern[] {
  return expandGroups(source).map((variant) => ({ ...compilePattern(variant, macros), source }));
}

function expandGroups(source: string): string[] {
  const m = /\(([^()]*)\)(\?)?/.exec(source);
  if (!m) {
    if (/[()]/.test(source)) throw new Error(`unbalanced brackets in "${source}"`);
    return [source];
  }
  const options = m[1]!.split('|').map((o) => o.trim());
  if (m[2]) options.push('');
  if (options.some((o) => o === '') && !m[2]) throw new Error(`empty choice in "${source}"`);
  const before = source.slice(0, m.index);
  const after = source.slice(m.index + m[0].length);
  return options.flatMap((o) => expandGroups(`${before} ${o} ${after}`.replace(/\s+/g, ' ').trim()));
}

/** Compile one phrase (no groups). `macros` maps a name to an alternatives string ("her|his|their"). Throws on a bad phrase. */
export function compilePattern(source: string, macros: Record<string, string> = {}): Pattern {
  const parts = source.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (parts.length === 0) throw new Error('empty phrase');
  const elements: Element[] = [];
  for (let part of parts) {
    if (part === '...') {
      elements.push({ kind: 'gap' });
      continue;
    }
    let optional = false;
    if (part.length > 1 && part.endsWith('?')) {
      optional = true;
      part = part.slice(0, -1);
    }
    const words = part.split('|').flatMap((w) => {
      if (!w.startsWith('$')) return [w];
      const macro = macros[w.slice(1)];
      if (macro === undefined) throw new Error(`unknown macro "${w}"`);
      return macro.toLowerCase().split('|');
    });
    const alts = words.filter(Boolean).map(compileAlt);
    if (alts.length === 0) throw new Error(`empty word in "${source}"`);
    elements.push({ kind: 'alts', alts, optional });
  }
  if (elements.every((e) => e.kind === 'gap' || e.optional)) throw new Error(`phrase "${source}" needs at least one required word`);
  if (elements[0]?.kind === 'gap' || elements.at(-1)?.kind === 'gap') throw new Error(`phrase "${source}" cannot start or end with "..."`);
  const anchor = anchorOf(elements);
  return { source, elements, ...(anchor ? { anchor } : {}) };
}

/** The alternatives of the required element, among those made only of words and prefixes, that has the fewest. */
function anchorOf(elements: Element[]): Anchor[] | undefined {
  let best: Anchor[] | undefined;
  for (const el of elements) {
    if (el.kind !== 'alts' || el.optional) continue;
    const alts = el.alts.flatMap((a) => (a.kind === 'word' || a.kind === 'prefix' ? [{ kind: a.kind, text: a.text }] : []));
    if (alts.length === el.alts.length && (!best || alts.length < best.length)) best = alts;
  }
  return best;
}

/**
 * Patterns by their anchor, to tell which may match in a sentence by looking up the sentence's
 * words rather than testing every pattern.
 */
export class AnchorIndex {
  /** Kept apart from `p.anchor`: a pattern left out of the index is always tried, never silently skipped. */
  private readonly anchored = new Set<Pattern>();
  private readonly byWord = new Map<string, Pattern[]>();
  private readonly byPrefix = new Map<string, Pattern[]>();

  constructor(patterns: Iterable<Pattern>) {
    for (const p of patterns) {
      if (!p.anchor) continue;
      this.anchored.add(p);
      for (const a of p.anchor) {
        const map = a.kind === 'word' ? this.byWord : this.byPrefix;
        const list = map.get(a.text);
        if (list) list.push(p);
        else map.set(a.text, [p]);
      }
    }
  }

  /**
   * A test, for tokens[from, to), that is false only for a pattern that cannot match there: an
   * indexed pattern none of whose anchor alternatives is (or starts) a token's norm, lemma or text.
   */
  mayMatchIn(tokens: Token[], from: number, to: number): (p: Pattern) => boolean {
    const forms = new Set<string>();
    for (let i = from; i < to; i++) {
      const t = tokens[i]!;
      forms.add(t.norm).add(t.lemma).add(t.text);
    }
    const live = new Set<Pattern>();
    for (const f of forms) for (const p of this.byWord.get(f) ?? []) live.add(p);
    const sorted = [...forms].sort();
    for (const [prefix, ps] of this.byPrefix) if (startsSome(sorted, prefix)) for (const p of ps) live.add(p);
    return (p) => live.has(p) || !this.anchored.has(p);
  }
}

/** True when some string of `sorted` starts with `prefix` (those sort together, from the first not below it). */
function startsSome(sorted: string[], prefix: string): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < prefix) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo]!.startsWith(prefix);
}

function compileAlt(text: string): Alt {
  if (text === '<num>') return { kind: 'number' };
  if (text === '<child-age>') return { kind: 'reading', op: '<', limit: 18, whole: true };
  const reading = /^<num(<=|>=|<|>)(\d+(?:\.\d+)?)>$/.exec(text);
  if (reading) return { kind: 'reading', op: reading[1] as '<' | '<=' | '>' | '>=', limit: Number(reading[2]) };
  if (text.startsWith('<num')) throw new Error(`bad number "${text}" (write <num>, or <num<90>, <num<=12>, <num>39>, <num>=39>)`);
  if (text.length > 1 && text.endsWith('*')) return { kind: 'prefix', text: text.slice(0, -1) };
  if (text.length > 1 && text.endsWith('~')) return { kind: 'fuzzy', text: text.slice(0, -1) };
  return { kind: 'word', text };
}

function altMatches(alt: Alt, t: Token): boolean {
  switch (alt.kind) {
    case 'number':
      return t.type === 'number' || /^\d+([.,:]\d+)?$/.test(t.norm);
    case 'reading': {
      const m = (alt.whole ? /^(\d+)$/ : /^(\d+(?:\.\d+)?)(?:\/\d+)?$/).exec(t.norm);
      if (!m) return false;
      const v = Number(m[1]);
      return alt.op === '<' ? v < alt.limit : alt.op === '<=' ? v <= alt.limit : alt.op === '>' ? v > alt.limit : v >= alt.limit;
    }
    case 'word':
      return t.norm === alt.text || t.lemma === alt.text || t.text === alt.text;
    case 'prefix':
      return t.norm.startsWith(alt.text) || t.lemma.startsWith(alt.text) || t.text.startsWith(alt.text);
    case 'fuzzy':
      return t.norm === alt.text || t.text === alt.text || (alt.text.length >= 6 && t.type === 'word' && withinOneEdit(t.norm, alt.text));
  }
}

function anyAltMatches(alts: Alt[], t: Token): boolean {
  for (const a of alts) if (altMatches(a, t)) return true;
  return false;
}

/** All matches of `p` inside tokens[from, to), shortest first at each start; matches may overlap. */
export function findMatches(p: Pattern, tokens: Token[], from = 0, to = tokens.length): Match[] {
  const out: Match[] = [];
  for (let i = from; i < to; i++) {
    const last = matchAt(p.elements, 0, tokens, i, to, -1);
    if (last !== null) out.push({ first: i, last });
  }
  return out;
}

/** Match elements[k..] starting at token i; returns the last token index used, or null. */
function matchAt(els: Element[], k: number, tokens: Token[], i: number, to: number, lastUsed: number): number | null {
  const el = els[k];
  if (el === undefined) return lastUsed;
  if (el.kind === 'gap') {
    for (let skip = 0; skip <= GAP_MAX && i + skip <= to; skip++) {
      const r = matchAt(els, k + 1, tokens, i + skip, to, lastUsed);
      if (r !== null) return r;
    }
    return null;
  }
  const t = tokens[i];
  // Try the word first (longer, clearer evidence), then skipping it if it is optional.
  if (i < to && t !== undefined && anyAltMatches(el.alts, t)) {
    const r = matchAt(els, k + 1, tokens, i + 1, to, i);
    if (r !== null) return r;
  }
  return el.optional ? matchAt(els, k + 1, tokens, i, to, lastUsed) : null;
}

/** True when a and b differ by at most one insertion, deletion, substitution or swap of neighbours. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
