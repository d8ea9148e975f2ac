// Everything the Assistant and its job handlers need, built once by compose.ts.

import type { Logger } from 'pino';
import type { Channel } from '../channels/port.js';
import type { Flow } from '../conversations/flow-schema.js';
import type { Loaded } from '../conversations/load.js';
import type { Organisation } from '../conversations/organisation.js';
import type { IntakeContext } from '../core/intake/runtime.js';
import type { Answers, Decision, Platform } from '../core/types.js';
import type { Job, Scheduler } from '../scheduler/port.js';
import type { Store } from '../store/port.js';
import type { Metrics } from './metrics.js';

export interface AppContext {
  store: Store;
  scheduler: Scheduler;
  org: Organisation;
  flow: Loaded<Flow>;
  rulesHash: string;
  /** The rule engine bound to the loaded rule file. */
  decide: (answers: Answers) => Decision;
  /** Keys of the threshold questions (section 1 plus extensions). */
  thresholdKeys: Set<string>;
  /** Defaults of the threshold keys, for the intake's `ask_if`. */
  answerDefaults: Record<string, string | string[]>;
  channels: Partial<Record<Platform, Channel>>;
  now: () => Date;
  logger: Logger;
  /** Typed answers, times in words, red flags (src/nlp). */
  language: Pick<IntakeContext, 'recogniseChoice' | 'parseWhen' | 'findFlags'>;
  metrics?: Metrics;
  /** Run a queued job at once in this process as well (an emergency page); the queued copy then finds it done. */
  runNow?: (job: Job) => Promise<void>;
}
