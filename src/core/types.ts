// Platform-neutral domain types shared by the core, the store, the scheduler and every channel.
// Nothing here imports Bolt, botbuilder or ioredis.

/** The fourteen escalation codes of domain/threshold-rules.md section 0. */
export const ESCALATION_CODES = [
  'oncall_manager',
  'emergency_999',
  'police_101',
  'ambulance',
  'safeguarding_adults',
  'childrens_safeguarding',
  'lado',
  'crisis_mental_health',
  'gp_or_health',
  'cqc_notification',
  'riddor',
  'commissioner',
  'family_nok',
  'duty_of_candour',
] as const;
export type EscalationCode = (typeof ESCALATION_CODES)[number];

/** Levels, most protective first. `conditional` sits between consult and recommended when merging. */
export const LEVELS = ['required', 'consult', 'conditional', 'recommended', 'not_needed'] as const;
export type Level = (typeof LEVELS)[number];

/** Timing tags, earliest first. */
export const TIMINGS = [
  'now',
  'urgent_hours',
  'without_delay_statutory',
  'same_working_day',
  'one_working_day',
  'candour_asap',
  'riddor_10d',
  'riddor_15d',
  'routine',
] as const;
export type Timing = (typeof TIMINGS)[number];

/** Threshold answers: key → value (or list of values for multi-choice keys such as abuse_category). */
export type Answers = Record<string, string | string[]>;

export interface EscalationDecision {
  code: EscalationCode;
  level: Level;
  timing: Timing;
  /** Rule ids that produced this level (e.g. ["A1", "I1"]). */
  rules: string[];
  /** Plain-English reason, short enough for a phone. */
  reason: string;
  /** Source references (DR sections / URLs) behind the rules. */
  sources: string[];
  /** For conditional escalations: the condition that makes it required. */
  condition?: string;
  /** `done` when named in actions_taken, else `open`. */
  status: 'open' | 'done';
}

export interface Decision {
  escalations: EscalationDecision[];
  /** Plain-English instructions for the reporter, safety first. */
  advice: string[];
}

// ---------------------------------------------------------------------------
// People, addresses, platforms

export type Platform = 'slack' | 'teams' | 'terminal';

/** A user on one platform. `id` is the Slack user id, the Teams aadObjectId, or a terminal name. */
export interface UserRef {
  platform: Platform;
  id: string;
  name?: string;
}

/** Where a message was posted, so it can be updated in place later. Opaque to the core. */
export interface MessageRef {
  platform: Platform;
  /** Slack channel id / Teams conversation id / terminal stream name. */
  conversation: string;
  /** Slack ts / Teams activity id / terminal counter. */
  id: string;
}

// ---------------------------------------------------------------------------
// Incidents and their escalation items

export type EscalationStatus = 'open' | 'notified' | 'not_notifying' | 'done';

export interface EscalationItem extends EscalationDecision {
  itemStatus: EscalationStatus;
  /** Deadline computed from timing, ISO UTC; absent for routine items. */
  dueAt?: string;
  notified?: { by: string; who: string; at: string; reference?: string };
  notNotifying?: { by: string; reason: string; at: string };
}

export type PageState = 'queued' | 'paging' | 'acknowledged' | 'exhausted';

export interface PagePolicyTier {
  tier: number;
  /** People to page at this tier (organisation person ids), resolved from the rota when the incident started. */
  people: string[];
  ackTimeoutMinutes: number;
  repeats: number;
}

export interface PagingState {
  state: PageState;
  /** Copied from the organisation at incident start: rota edits never change a running escalation. */
  policy: PagePolicyTier[];
  tierIndex: number;
  attempt: number;
  acknowledgedBy?: string;
  acknowledgedAt?: string;
  /** Person id of the manager who owns the incident (after acknowledgement or hand-over). */
  owner?: string;
  /** When the first page went out. */
  firstPagedAt?: string;
  /** People paged but unreachable in chat (no identity or no stored Teams reference). */
  unreachable?: string[];
}

export const AGENCY_RESPONSES = ['accepted', 'advice_only', 'enquiry_opened', 'no_further_action', 'strategy_meeting'] as const;
export type AgencyResponse = (typeof AGENCY_RESPONSES)[number];

export interface AgencyResponseRecord {
  code: EscalationCode;
  response: AgencyResponse;
  reference?: string;
  summary?: string;
  /** For a strategy meeting: when it is (ISO UTC). */
  meetingAt?: string;
  by: string;
  at: string;
}

/** An action agreed with an agency or in a meeting. */
export interface AgreedAction {
  /** A1, A2, ... within the incident. */
  id: string;
  what: string;
  /** Person id of the owner (organisation file). */
  owner: string;
  dueAt: string;
  /** Which agency asked for it, if any. */
  agency?: EscalationCode;
  status: 'open' | 'done' | 'dropped';
  addedBy: string;
  addedAt: string;
  note?: string;
  closedBy?: string;
  closedAt?: string;
}

export interface FollowThrough {
  responses: AgencyResponseRecord[];
  actions: AgreedAction[];
  support?: { offeredAt?: string; debriefBy?: string; debriefAt?: string; debriefNote?: string };
  commissioner?: { draftedAt?: string; draft?: string; sentAt?: string; how?: string; sentBy?: string };
  review?: { by: string; at: string; delay: string; gap: string; threshold: string; change: string };
  closedAt?: string;
  closedBy?: string;
  handovers?: Array<{ from?: string; to: string; by: string; at: string }>;
}

export interface Incident {
  ref: string;
  serviceId: string;
  /** Made in an emergency before the reporter said which service: every service's on-call was paged. */
  serviceUnknown?: boolean;
  status: 'open' | 'closed';
  createdAt: string;
  updatedAt: string;
  reporter: UserRef;
  /** Initials or local identifier only. */
  subject: string;
  narrative: string;
  occurredAt?: string;
  answers: Answers;
  /** Answers given as "not sure" (kept for governance figures). */
  unsure: string[];
  decision: Decision;
  escalations: EscalationItem[];
  paging: PagingState;
  /** Content hashes of the flow and rules the decision was made under. */
  versions: { flow: string; rules: string };
  /** After the first notifications: responses, agreed actions, support, commissioner, closure. */
  follow?: FollowThrough;
  /** Where the record and page messages live, per platform. */
  messages: { records?: Partial<Record<Platform, MessageRef>>; pages?: Record<string, MessageRef[]> };
}

// ---------------------------------------------------------------------------
// Neutral message model: built once, rendered as Block Kit, Adaptive Cards or terminal text.

export interface Choice {
  id: string;
  label: string;
}

export type Block =
  | { type: 'heading'; text: string }
  | { type: 'text'; text: string; emphasis?: 'urgent' | 'muted' }
  | { type: 'fields'; fields: Array<{ label: string; value: string }> }
  | { type: 'list'; items: string[] };

export interface Action {
  /** Stable action id, e.g. "ack", "notify", "decline", "choice". */
  id: string;
  label: string;
  /** Carried back verbatim when clicked: incident ref, escalation code, choice id, step id... */
  value: string;
  style?: 'primary' | 'danger';
}

/** One outbound message. `actions` become buttons; `choices` become answer buttons for a question. */
export interface OutMessage {
  kind: 'say' | 'question' | 'answered' | 'page' | 'record' | 'timeline' | 'alert';
  /** Short plain-text version for notifications and the terminal. */
  text: string;
  blocks: Block[];
  actions?: Action[];
  /** For questions: the step id the choices answer, and the choices. */
  question?: { stepId: string; choices: Choice[]; freeText: boolean };
  /** For channel-wide alerts only: notify everyone in the channel (Slack <!channel>, Teams channel mention). Never set from user text. */
  mentionChannel?: boolean;
  /** For alerts only: people (from the organisation file) to @mention on the channel's platform. */
  mentions?: UserRef[];
}

// ---------------------------------------------------------------------------
// Inbound events from any channel, platform-neutral.

export type Inbound =
  | { type: 'message'; user: UserRef; text: string; dedupeId?: string }
  /** A button choice answering an intake question. `messageRef` is the question message to update in place. */
  | { type: 'choice'; user: UserRef; stepId: string; choiceId: string; messageRef?: MessageRef; dedupeId?: string }
  /** Start an intake, optionally with a narrative (slash command, shortcut, "report" command). */
  | { type: 'start'; user: UserRef; narrative?: string; dedupeId?: string }
  /** Manager actions on an incident. */
  | { type: 'ack'; user: UserRef; ref: string; dedupeId?: string }
  | {
      type: 'notified';
      user: UserRef;
      ref: string;
      code: EscalationCode;
      who: string;
      at?: string;
      reference?: string;
      dedupeId?: string;
    }
  | { type: 'not_notifying'; user: UserRef; ref: string; code: EscalationCode; reason: string; dedupeId?: string }
  /** Follow-through, typed by a manager (see src/core/manager-commands.ts for the words). */
  | { type: 'manage'; user: UserRef; command: ManagerCommand; dedupeId?: string };

export type ManagerCommand =
  | { verb: 'response'; ref: string; code: EscalationCode; response: AgencyResponse; reference?: string; summary?: string; meetingAt?: string }
  | { verb: 'action'; ref: string; what: string; owner: string; due: string; agency?: EscalationCode }
  | { verb: 'done'; ref: string; actionId: string; note: string }
  | { verb: 'drop'; ref: string; actionId: string; reason: string }
  | { verb: 'close'; ref: string }
  | { verb: 'debrief'; ref: string; note?: string }
  | { verb: 'commissioner'; ref: string }
  | { verb: 'sent'; ref: string; how: string }
  | { verb: 'handover'; ref: string; to: string }
  | { verb: 'review'; ref: string; delay: string; gap: string; threshold: string; change: string };
