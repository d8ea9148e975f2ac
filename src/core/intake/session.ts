// An intake in progress: what the reporter has answered so far and where they are in the flow.
// Stored per reporter (platform + user id) with compare-and-set, so two quick messages, a retry
// or two app instances can never lose an answer.

import type { Answers, MessageRef, UserRef } from '../types.js';

export interface SessionFlag {
  key: string;
  value: string;
  evidence: string;
}

export interface Session {
  /** `${platform}:${userId}`. */
  key: string;
  user: UserRef;
  status: 'active' | 'done' | 'cancelled' | 'expired';
  /** The step now being asked. */
  stepId: string;
  /** Steps answered, in order, so "back" can undo the last one. */
  history: string[];
  /** Threshold answers and intake-only answers (e.g. categories). */
  answers: Answers;
  /** Keys answered "Not sure". */
  unsure: string[];
  fields: { subject?: string; narrative?: string; occurredAt?: string; serviceId?: string };
  /** Incident reference once one exists (made early by a safety interrupt, or at the end). */
  ref?: string;
  /** A parsed time waiting for the reporter to confirm it. */
  pendingTime?: { at: string; readBack: string };
  /** The last question sent, so a typed answer can update it in place. */
  questionRef?: MessageRef;
  /** Red flags found in the narrative, and the keys already challenged once. */
  flags: SessionFlag[];
  challenged: string[];
  /** A challenge waiting for an answer: the step and the value the reporter first gave. */
  pendingChallenge?: { stepId: string; key: string; given: string; evidence: string };
  /** Each challenge and how the reporter resolved it (recorded on the incident). */
  resolutions?: Array<{ key: string; evidence: string; first: string; final: string }>;
  /** Where to carry on after a safety question brought forward by a red flag. */
  resumeFrom?: string;
  startedAt: string;
  updatedAt: string;
}

export function sessionKey(user: UserRef): string {
  return `${user.platform}:${user.id}`;
}
