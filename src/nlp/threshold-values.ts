// The threshold keys and their allowed values, read from the rule file's `questions` (the one
// place they are written down), so a red-flags file that names a key or value the rules do not
// know is refused.

import { loadRules } from '../conversations/rules-schema.js';

export const THRESHOLD_VALUES: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  loadRules().value.questions.map((q) => [q.key, q.values]),
);

export function isThresholdValue(key: string, value: string): boolean {
  return THRESHOLD_VALUES[key]?.includes(value) ?? false;
}
