// Loads and checks conversations/red-flags.yaml (phrase lists a provider can extend) and compiles
// its phrases once, so every mistake is reported with file and line before the assistant starts.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError, loadYamlFile, type ConfigProblem } from '../conversations/load.js';
import { AnchorIndex, compilePhrase, type Pattern } from './phrase-pattern.js';
import { tokenize, type Token } from './wink-tokens.js';
import { isThresholdValue, THRESHOLD_VALUES } from './threshold-values.js';

export const DEFAULT_RED_FLAGS_FILE = fileURLToPath(new URL('../../conversations/red-flags.yaml', import.meta.url));

const phraseList = z.array(z.string().min(1));

const ruleSchema = z.strictObject({
  key: z.string().min(1),
  value: z.string().min(1),
  /** Value suggested when the reporter denies it ("didn't bang her head" → head_injury=no). */
  negated_value: z.string().min(1).optional(),
  /** Raised only when no other value of the same key was found (e.g. plain "died"). */
  fallback: z.boolean().optional(),
  /** Raised only when this key was also flagged (alleged_source needs abuse_suspected). */
  only_with: z.string().min(1).optional(),
  /** Further flags implied by this one, with the same evidence. */
  also: z.record(z.string(), z.string()).optional(),
  phrases: phraseList.min(1),
  except: phraseList.optional(),
});

const known = (key: string, value: string) => isThresholdValue(key, value);

export const redFlagsSchema = z.strictObject({
  version: z.literal(1),
  vocabulary: z.record(z.string(), z.string()).default({}),
  macros: z.record(z.string(), z.string()).default({}),
  negation: z.strictObject({
    window: z.number().int().min(1).max(12),
    before: phraseList,
    after: phraseList.default([]),
    pseudo: phraseList.default([]),
    breaks: phraseList.default([]),
  }),
  hedges: phraseList,
  reported: phraseList,
  single_value: z.record(z.string(), z.array(z.string())).default({}),
  rules: z
    .array(
      ruleSchema
        .refine((r) => known(r.key, r.value), { message: 'key or value is not in threshold-rules.md section 1', path: ['value'] })
        .refine((r) => r.negated_value === undefined || known(r.key, r.negated_value), {
          message: 'negated_value is not a value of this key',
          path: ['negated_value'],
        })
        .refine((r) => r.only_with === undefined || r.only_with in THRESHOLD_VALUES, { message: 'unknown key', path: ['only_with'] })
        .refine((r) => Object.entries(r.also ?? {}).every(([k, v]) => known(k, v)), { message: 'unknown key or value', path: ['also'] }),
    )
    .min(1),
});

export type RedFlagsFile = z.output<typeof redFlagsSchema>;

export interface CompiledRule {
  key: string;
  value: string;
  negatedValue?: string;
  fallback: boolean;
  onlyWith?: string;
  also: Array<{ key: string; value: string }>;
  phrases: Pattern[];
  except: Pattern[];
}

/** Everything findFlags needs, compiled. */
export interface RedFlagVocab {
  file: string;
  hash: string;
  /** Abbreviation (as wink normal tokens) → expansion tokens. */
  vocabulary: Array<{ from: string[]; to: Token[] }>;
  negation: { window: number; before: Pattern[]; after: Pattern[]; pseudo: Pattern[]; breaks: Pattern[] };
  hedges: Pattern[];
  reported: Pattern[];
  singleValue: Record<string, string[]>;
  rules: CompiledRule[];
  /** Every pattern above by its anchor, to skip those that cannot match in a sentence. */
  anchors: AnchorIndex;
}

/** Read, validate and compile a red-flags file (default conversations/red-flags.yaml). Throws ConfigError. */
export function loadRedFlags(file: string = DEFAULT_RED_FLAGS_FILE): RedFlagVocab {
  const loaded = loadYamlFile(file, redFlagsSchema);
  try {
    return compileRedFlags(loaded.value, file, loaded.hash);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(withLines(e.problems, readFileSync(file, 'utf8')));
    throw e;
  }
}

/** Fill in the line of each phrase problem (compile errors are found after YAML parsing). */
function withLines(problems: ConfigProblem[], text: string): ConfigProblem[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  return problems.map((p) => {
    const node = doc.getIn(p.path.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k)), true);
    return isNode(node) && node.range ? { ...p, line: lc.linePos(node.range[0]).line } : p;
  });
}

const cache = new Map<string, RedFlagVocab>();

/** loadRedFlags, loaded once per file for the life of the process. */
export function cachedRedFlags(file: string = DEFAULT_RED_FLAGS_FILE): RedFlagVocab {
  let v = cache.get(file);
  if (!v) {
    v = loadRedFlags(file);
    cache.set(file, v);
  }
  return v;
}

export function compileRedFlags(data: RedFlagsFile, file: string, hash: string): RedFlagVocab {
  const problems: ConfigProblem[] = [];
  const compile = (list: string[], path: string): Pattern[] =>
    list.flatMap((src, i) => {
      try {
        return compilePhrase(src, data.macros);
      } catch (e) {
        problems.push({ file, path: `${path}.${i}`, line: 0, message: (e as Error).message });
        return [];
      }
    });
  const vocab = {
    file,
    hash,
    vocabulary: Object.entries(data.vocabulary).map(([from, to]) => ({
      from: tokenize(from).map((t) => t.norm),
      to: tokenize(to),
    })),
    negation: {
      window: data.negation.window,
      before: compile(data.negation.before, 'negation.before'),
      after: compile(data.negation.after, 'negation.after'),
      pseudo: compile(data.negation.pseudo, 'negation.pseudo'),
      breaks: compile(data.negation.breaks, 'negation.breaks'),
    },
    hedges: compile(data.hedges, 'hedges'),
    reported: compile(data.reported, 'reported'),
    singleValue: data.single_value,
    rules: data.rules.map((r, i) => ({
      key: r.key,
      value: r.value,
      ...(r.negated_value !== undefined ? { negatedValue: r.negated_value } : {}),
      fallback: r.fallback ?? false,
      ...(r.only_with !== undefined ? { onlyWith: r.only_with } : {}),
      also: Object.entries(r.also ?? {}).map(([key, value]) => ({ key, value })),
      phrases: compile(r.phrases, `rules.${i}.phrases`),
      except: compile(r.except ?? [], `rules.${i}.except`),
    })),
  };
  if (problems.length) throw new ConfigError(problems);
  const { negation: n, hedges, reported, rules } = vocab;
  const patterns = [n.before, n.after, n.pseudo, n.breaks, hedges, reported, ...rules.flatMap((r) => [r.phrases, r.except])].flat();
  return { ...vocab, anchors: new AnchorIndex(patterns) };
}
