// Loads a YAML file under a zod schema and reports every problem with file, path and line,
// so a care provider editing conversations/ sees exactly where a mistake is.

import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';

export interface ConfigProblem {
  file: string;
  /** Dotted path inside the file, e.g. "services.2.rota.0.tier". */
  path: string;
  line: number;
  message: string;
}

export class ConfigError extends Error {
  constructor(public readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}: ${p.path || '(top)'}: ${p.message}`;
}

export interface Loaded<T> {
  value: T;
  /** Short content hash: records keep the version of the flow and rules they were decided under. */
  hash: string;
  file: string;
  /** Line of a path inside the file (for cross-reference problems found after parsing). */
  lineOf: (path: Array<string | number>) => number;
}

/** Parse YAML text and validate it; throws ConfigError listing every problem. */
export function parseYaml<S extends z.ZodType>(text: string, file: string, schema: S): Loaded<z.output<S>> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: ConfigProblem[] = [];
  for (const err of doc.errors) {
    const pos = err.linePos?.[0] ?? lineCounter.linePos(err.pos[0]);
    problems.push({ file, path: '', line: pos?.line ?? 1, message: err.message.split('\n')[0] ?? 'YAML syntax error' });
  }
  if (problems.length) throw new ConfigError(problems);
  const data: unknown = doc.toJS();
  const result = schema.safeParse(data);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.map(String);
      problems.push({ file, path: path.join('.'), line: lineOf(doc, lineCounter, issue.path), message: issue.message });
    }
    throw new ConfigError(problems);
  }
  return { value: result.data, hash: contentHash(text), file, lineOf: (path) => lineOf(doc, lineCounter, path) };
}

/** Read and validate a YAML file; a missing file is a ConfigError too. */
export function loadYamlFile<S extends z.ZodType>(file: string, schema: S): Loaded<z.output<S>> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError([{ file, path: '', line: 0, message: `cannot read file (${(e as NodeJS.ErrnoException).code ?? 'error'})` }]);
  }
  return parseYaml(text, file, schema);
}

export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** The line of the deepest node that exists along `path` (a missing key points at its parent). */
function lineOf(doc: ReturnType<typeof parseDocument>, lc: LineCounter, path: PropertyKey[]): number {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true);
    if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
  }
  return 1;
}
