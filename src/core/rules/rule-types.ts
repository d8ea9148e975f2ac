// Types of the threshold rule file (conversations/threshold-rules.yaml) as the rule engine sees it.
// The zod schema in src/conversations/rules-schema.ts produces exactly this shape.

import type { EscalationCode, Level, Timing } from '../types.js';

/** A test on one answer key. A plain string means "the answer is this value". */
export type ValueTest =
  | string
  | { in: string[] }
  | { not_in: string[] }
  | { only: string[] }
  | { empty: boolean };

/** Filter over what has been decided so far (adjustments and final rules only). */
export interface CurrentTest {
  codes?: EscalationCode[];
  exclude?: EscalationCode[];
  levels?: Level[];
  timings?: Timing[];
}

/** The declarative condition language of the rule file. */
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  /** True only when the inner condition is definitely true (never on a "not sure" answer). */
  | { certain: Condition }
  | { ref: string }
  | { fired: string[] }
  | { current: CurrentTest }
  | { [key: string]: ValueTest };

/** What a rule does when its condition cannot be decided because of a "not sure" answer. */
export type OnUnsure = 'consult' | 'conditional' | 'skip';

/** One threshold question (threshold-rules.md section 1) or an extension key. */
export interface QuestionDef {
  /** Q1..Q37 for section 1, X1.. for extensions. */
  id: string;
  key: string;
  /** The plain-language question. */
  text: string;
  values: string[];
  /** Taken when the key is left out; null means the key stays unset. A list for multi keys. */
  default: string | string[] | null;
  multi: boolean;
  /** Values that mean "not sure". */
  unsure: string[];
  /** True for keys this file adds beyond section 1. */
  extension: boolean;
}

export interface Sources {
  /** Sections of shared/domain/reference.md, e.g. "6.2". */
  dr: string[];
  /** Keys of the file's `links` table. */
  links: string[];
}

export interface RuleOutput {
  code: EscalationCode;
  level: Level;
  timing: Timing;
  reason?: string;
  /** Extra condition for this output only. */
  when?: Condition;
  /** For conditional outputs (and unsure ones capped to conditional): what makes it required. */
  condition?: string;
  on_unsure?: OnUnsure;
}

export interface Rule {
  id: string;
  title: string;
  /** main: sections 2 A-H; final: after the adjustments (I1-I3, K1). */
  stage: 'main' | 'final';
  when: Condition;
  on_unsure: OnUnsure;
  unsure_condition?: string;
  reason?: string;
  outputs: RuleOutput[];
  advice: string[];
  unsure_advice: string[];
  sources: Sources;
}

export interface AdjustmentEffect {
  code: EscalationCode;
  /** Levels this effect applies to; absent means any (including not_needed). */
  from?: Level[];
  /** New level; absent means only note the rule id. */
  to?: Level;
  /** When the condition cannot be decided: lower the level to at most this. */
  unsure_to?: Level;
  timing?: Timing;
  reason?: string;
}

export interface Adjustment {
  id: string;
  title: string;
  when: Condition;
  effects: AdjustmentEffect[];
  advice: string[];
  sources: Sources;
}

export interface AdviceDef {
  id: string;
  text: string;
  /** Leave the line out when this escalation is already done. */
  unless_done?: EscalationCode;
}

export interface RuleSet {
  version: number;
  title: string;
  texts: { unsure_prefix: string };
  links: Record<string, string>;
  questions: QuestionDef[];
  conditions: Record<string, Condition>;
  /** In priority order: safety first. */
  advice: AdviceDef[];
  rules: Rule[];
  adjustments: Adjustment[];
}
