// Table-driven check of the rule engine against the worked scenarios in shared/domain/examples.json:
// one test per scenario and expected code, with the rule ids in every failure message.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/conversations/rules-schema.js';
import { decide, validateAnswers } from '../../src/core/rules/engine.js';
import type { Decision, EscalationDecision } from '../../src/core/types.js';

interface Scenario {
  id: string;
  title: string;
  answers: Record<string, unknown>;
  expected: {
    required: string[];
    recommended: string[];
    consult: string[];
    conditional: Record<string, string>;
    already_actioned: string[];
    not_expected: string[];
  };
}

const examplesFile = new URL('../../../shared/domain/examples.json', import.meta.url);
const scenarios = (JSON.parse(readFileSync(examplesFile, 'utf8')) as { scenarios: Scenario[] }).scenarios;
const rules = loadRules().value;

function summary(d: Decision): string {
  return d.escalations.map((e) => `${e.code}=${e.level}/${e.timing} [${e.rules.join(',')}]`).join('; ') || '(none)';
}

function find(d: Decision, code: string): EscalationDecision | undefined {
  return d.escalations.find((e) => e.code === code);
}

describe('worked examples (shared/domain/examples.json)', () => {
  it('has scenarios to check', () => {
    expect(scenarios.length).toBeGreaterThan(0);
  });

  for (const s of scenarios) {
    describe(`${s.id} ${s.title}`, () => {
      const decision = decide(validateAnswers(s.answers, rules), rules);
      const msg = (code: string) => {
        const e = find(decision, code);
        return `${s.id} ${code}: got ${e ? `${e.level} from rules ${e.rules.join(',')}` : 'nothing (not_needed)'}; all: ${summary(decision)}`;
      };

      for (const code of s.expected.required) {
        it(`${code} is required`, () => expect(find(decision, code)?.level, msg(code)).toBe('required'));
      }
      for (const code of s.expected.not_expected) {
        it(`${code} is not required`, () => expect(find(decision, code)?.level, msg(code)).not.toBe('required'));
      }
      for (const code of s.expected.consult) {
        it(`${code} is consult`, () => expect(find(decision, code)?.level, msg(code)).toBe('consult'));
      }
      for (const code of Object.keys(s.expected.conditional)) {
        it(`${code} is conditional`, () => {
          const e = find(decision, code);
          expect(e?.level, msg(code)).toBe('conditional');
          expect(e?.condition, msg(code)).toBeTruthy();
        });
      }
      for (const code of s.expected.already_actioned) {
        it(`${code} is done`, () => expect(find(decision, code)?.status, msg(code)).toBe('done'));
      }
    });
  }
});
