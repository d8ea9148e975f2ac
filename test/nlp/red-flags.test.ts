// Red flags from narratives: every worked example in ../shared/domain/examples.json, our own hurried
// narratives in narratives.yaml, negation/hedging/reported speech, and the red-flags file checks.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError } from '../../src/conversations/load.js';
import { findFlags, findMentions, loadRedFlags, type Flag } from '../../src/nlp/red-flags.js';
import { isThresholdValue } from '../../src/nlp/threshold-values.js';

const examplesFile = fileURLToPath(new URL('../../../shared/domain/examples.json', import.meta.url));
const examples = JSON.parse(readFileSync(examplesFile, 'utf8')) as {
  scenarios: Array<{ id: string; narrative: string; answers: Record<string, string | string[]> }>;
};

interface Narrative {
  text: string;
  expect?: string[];
  absent?: string[];
  forbid?: string[];
}
const narratives = parse(readFileSync(new URL('./narratives.yaml', import.meta.url), 'utf8')) as Narrative[];

const vocab = loadRedFlags();
const kv = (flags: Flag[]) => flags.map((f) => `${f.key}=${f.value}`);

/** The flags each worked example should raise (all agree with its answers). */
const EXPECTED: Record<string, string[]> = {
  S01: ['anticoag_or_antiplatelet=yes'],
  S02: ['head_injury=yes', 'anticoag_or_antiplatelet=yes', 'injury=needs_assessment'],
  S05: ['abuse_suspected=yes', 'abuse_category=physical', 'alleged_source=staff_or_volunteer', 'crime=assault', 'injury=minor'],
  S07: ['abuse_suspected=yes', 'abuse_category=physical', 'alleged_source=another_service_user', 'injury=minor'],
  S13: ['mh_crisis=plan_or_intent'],
  S16: ['missing=at_risk'],
  S21: ['death=expected', 'dnacpr_or_respect=yes'],
  S24: ['child_concern=child_at_risk', 'abuse_suspected=yes', 'abuse_category=neglect_omission'],
  S35: ['injury=needs_assessment', 'work_factor=yes'],
  S39: ['dols_event=outcome_received'],
};

function agrees(answers: Record<string, string | string[]>, key: string, value: string): boolean {
  const a = answers[key];
  return Array.isArray(a) ? a.includes(value) : a === value;
}

describe('worked examples (examples.json)', () => {
  it('covers every scenario in the file', () => {
    expect(examples.scenarios.map((s) => s.id).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const s of examples.scenarios) {
    describe(s.id, () => {
      const flags = findFlags(s.narrative, vocab);

      it('raises the flags its answers call for', () => {
        for (const want of EXPECTED[s.id] ?? []) {
          const [key, value] = want.split('=') as [string, string];
          expect(agrees(s.answers, key, value), `${want} must agree with the answers`).toBe(true);
          expect(kv(flags)).toContain(want);
        }
      });

      it('raises nothing its answers rule out (every flag agrees with an answer)', () => {
        for (const f of flags) expect(agrees(s.answers, f.key, f.value), `${f.key}=${f.value} from "${f.evidence}"`).toBe(true);
      });

      it("quotes the reporter's own words as evidence", () => {
        for (const f of flags) {
          expect(f.evidence.length).toBeGreaterThan(0);
          expect(s.narrative).toContain(f.evidence);
        }
      });
    });
  }

  it('S01: a witnessed slide with "didn\'t bang her head" raises no head injury, and the denial is kept as head_injury=no', () => {
    const s01 = examples.scenarios.find((s) => s.id === 'S01')!;
    expect(findFlags(s01.narrative, vocab).some((f) => f.key === 'head_injury')).toBe(false);
    expect(findMentions(s01.narrative, vocab)).toContainEqual({ key: 'head_injury', value: 'no', evidence: 'bang her head', negated: true });
  });

  it('S05: the allegation Betty made is marked as reported speech', () => {
    const s05 = examples.scenarios.find((s) => s.id === 'S05')!;
    const physical = findFlags(s05.narrative, vocab).find((f) => f.key === 'abuse_category');
    expect(physical).toMatchObject({ value: 'physical', reported: true });
    expect(physical?.evidence).toMatch(/pinched her/);
  });
});

describe('hurried staff narratives (narratives.yaml)', () => {
  it('has at least thirty', () => {
    expect(narratives.length).toBeGreaterThanOrEqual(30);
  });

  for (const n of narratives) {
    it(n.text, () => {
      const flags = findFlags(n.text, vocab);
      for (const e of n.expect ?? []) {
        const [pair, ...marks] = e.split(/\s+/) as [string, ...string[]];
        const [key, value] = pair.split('=') as [string, string];
        const f = flags.find((x) => x.key === key && x.value === value);
        expect(f, `${pair} in ${JSON.stringify(flags)}`).toBeDefined();
        if (marks.includes('hedged')) expect(f?.hedged, `${pair} hedged`).toBe(true);
        if (marks.includes('reported')) expect(f?.reported, `${pair} reported`).toBe(true);
      }
      for (const key of n.absent ?? []) expect(flags.filter((f) => f.key === key), `no ${key}`).toEqual([]);
      for (const pair of n.forbid ?? []) expect(kv(flags)).not.toContain(pair);
      for (const f of flags) {
        expect(isThresholdValue(f.key, f.value)).toBe(true);
        expect(n.text).toContain(f.evidence);
      }
    });
  }
});

describe('negation, doubt and reported speech', () => {
  it('"denies any thoughts of suicide" raises nothing on mh_crisis above distress', () => {
    const flags = findFlags('Low mood today. Denies any thoughts of suicide or self harm.', vocab);
    expect(flags.filter((f) => f.key === 'mh_crisis').map((f) => f.value)).toEqual(['distress_no_intent']);
  });

  it('a denial does not reach across "but" or a new subject', () => {
    expect(kv(findFlags('no injuries noted but she hit her head', vocab))).toContain('head_injury=yes');
    expect(kv(findFlags('no injuries noted she hit her head', vocab))).toContain('head_injury=yes');
  });

  it('"not breathing" is a sign, not a denial', () => {
    expect(findFlags('he is not breathing', vocab)).toContainEqual({ key: 'immediate_life_risk', value: 'yes', evidence: 'not breathing' });
  });

  it('"didn\'t see her fall" means a head strike is possible', () => {
    expect(kv(findFlags("I didn't see her fall, found her by the bed", vocab))).toContain('head_injury=yes');
  });

  it('doubt still flags, marked hedged', () => {
    expect(findFlags('maybe she bumped her head', vocab)).toContainEqual(
      expect.objectContaining({ key: 'head_injury', value: 'yes', hedged: true }),
    );
  });

  it('a plain statement is neither hedged nor reported', () => {
    const f = findFlags('She hit her head on the wardrobe.', vocab).find((x) => x.key === 'head_injury');
    expect(f).toEqual({ key: 'head_injury', value: 'yes', evidence: 'hit her head' });
  });

  it('expands the home\'s abbreviations but quotes what was typed', () => {
    const flags = findFlags('UWF in room 3, pt on anticoags', vocab);
    expect(flags).toContainEqual({ key: 'head_injury', value: 'yes', evidence: 'UWF' });
    expect(flags).toContainEqual({ key: 'anticoag_or_antiplatelet', value: 'yes', evidence: 'anticoags' });
  });

  it('keeps only the most serious value of a one-value key', () => {
    const mh = findFlags('very low, says she is suicidal and has been stockpiling her tablets', vocab).filter((f) => f.key === 'mh_crisis');
    expect(mh.map((f) => f.value)).toEqual(['plan_or_intent']);
  });

  it('raises nothing on an empty or harmless narrative', () => {
    expect(findFlags('', vocab)).toEqual([]);
    expect(findFlags('Mrs A enjoyed the singing this afternoon and ate well.', vocab)).toEqual([]);
  });
});

describe('red-flags file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'red-flags-'));
  const base = (rules: string) => `version: 1
negation: { window: 5, before: [not] }
hedges: [maybe]
reported: [says]
rules:
${rules}`;

  it('refuses a key or value that is not in threshold-rules.md section 1, naming the line', () => {
    const file = join(dir, 'bad-key.yaml');
    writeFileSync(file, base('  - key: head_injry\n    value: "yes"\n    phrases: [hit head]\n'));
    expect(() => loadRedFlags(file)).toThrow(ConfigError);
    try {
      loadRedFlags(file);
    } catch (e) {
      expect((e as ConfigError).problems[0]).toMatchObject({ path: 'rules.0.value', line: 7 });
    }
  });

  it('refuses a phrase with an unknown macro, naming the line', () => {
    const file = join(dir, 'bad-macro.yaml');
    writeFileSync(file, base('  - key: head_injury\n    value: "yes"\n    phrases:\n      - hit $nope head\n'));
    try {
      loadRedFlags(file);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems[0]).toMatchObject({ path: 'rules.0.phrases.0', line: 9 });
      expect((e as ConfigError).message).toMatch(/unknown macro/);
    }
  });

  it('refuses a reading with a bad limit, naming the line', () => {
    const file = join(dir, 'bad-reading.yaml');
    writeFileSync(file, base('  - key: immediate_life_risk\n    value: "yes"\n    phrases:\n      - sats <num<low>\n'));
    expect(() => loadRedFlags(file)).toThrow(/bad number "<num<low>"/);
  });

  it('compares readings with their limits ("9/15" reads as 9)', () => {
    const got = (text: string) => findFlags(text).some((f) => f.key === 'immediate_life_risk');
    expect([got('sats 89% on air'), got('sats 90% on air'), got('GCS 12/15'), got('GCS 13/15'), got('BM 3.9'), got('BM 4.0')]).toEqual([true, false, true, false, true, false]);
  });

  it('a rule only with its own key needs another rule to raise that key first', () => {
    const file = join(dir, 'only-own.yaml');
    writeFileSync(
      file,
      base('  - key: med_event\n    value: error_no_harm\n    phrases: [wrong tablets]\n  - key: med_event\n    value: error_with_harm\n    only_with: med_event\n    phrases: [drowsy]\n'),
    );
    const own = loadRedFlags(file);
    expect(findFlags('she is drowsy today', own)).toEqual([]);
    expect(findFlags('gave the wrong tablets, now drowsy', own).map((f) => f.value)).toContain('error_with_harm');
  });

  it('a provider can add its own words', () => {
    const file = join(dir, 'extended.yaml');
    writeFileSync(file, `${base('  - key: head_injury\n    value: "yes"\n    phrases: [conked $pron noggin]\n')}macros: { pron: her|his }\nvocabulary: { hs: head strike }\n`);
    const own = loadRedFlags(file);
    expect(findFlags('conked his noggin on the door', own)).toEqual([{ key: 'head_injury', value: 'yes', evidence: 'conked his noggin' }]);
    expect(findFlags('he did not conk his noggin', own)).toEqual([]);
  });

  // A phrase is only tried in a sentence holding one of its anchor words (see AnchorIndex): the
  // sentence's dictionary, normal and typed forms must all count, for words and for prefixes.
  it('finds a word or prefix that a sentence holds only as its dictionary, normal or typed form', () => {
    const file = join(dir, 'forms.yaml');
    writeFileSync(file, base('  - key: head_injury\n    value: "yes"\n    phrases: [hit, is, colour, mous*, favou*]\n'));
    const own = loadRedFlags(file);
    const evidence = (text: string) => findFlags(text, own).map((f) => f.evidence);
    expect(evidence('he keeps hitting it')).toEqual(['hitting']); // lemma "hit"
    expect(evidence("he's here")).toEqual(["he's"]); // normal form "is" (typed "'s", lemma "be")
    expect(evidence('the colour changed')).toEqual(['colour']); // typed form only (normal "color")
    expect(evidence('mice everywhere')).toEqual(['mice']); // lemma "mouse"
    expect(evidence('her favourite chair')).toEqual(['favourite']); // typed form only (normal "favorite")
    expect(evidence('the chair is here')).toEqual(['is']);
    expect(evidence('nothing to see')).toEqual([]);
  });
});
