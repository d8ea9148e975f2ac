// The escalation lifecycle, pure: make an incident from a finished (or interrupted) intake, fold
// in a new decision without losing what managers already recorded, acknowledge a page, record a
// notification or a decision not to notify. Each change returns a short problem text or null.

import type { Session } from './intake/session.js';
import type { Decision, EscalationCode, EscalationItem, Incident, PagePolicyTier, UserRef } from './types.js';

export type DueAt = (timing: EscalationItem['timing'], from: Date) => Date | undefined;

/** Incident references: service prefix, year, sequence, e.g. RH-2026-0042. */
export function incidentRef(prefix: string, year: number, seq: number): string {
  return `${prefix}-${year}-${String(seq).padStart(4, '0')}`;
}

export function itemsFrom(decision: Decision, from: Date, dueAt: DueAt, previous: EscalationItem[] = []): EscalationItem[] {
  return decision.escalations.map((e) => {
    const before = previous.find((p) => p.code === e.code);
    const due = dueAt(e.timing, from);
    const item: EscalationItem = {
      ...e,
      itemStatus: e.status === 'done' ? 'done' : 'open',
      ...(due ? { dueAt: due.toISOString() } : {}),
    };
    // What a manager already recorded stands, whatever the new decision says.
    if (before && before.itemStatus !== 'open') {
      item.itemStatus = before.itemStatus;
      if (before.notified) item.notified = before.notified;
      if (before.notNotifying) item.notNotifying = before.notNotifying;
    }
    return item;
  });
}

export interface NewIncident {
  ref: string;
  serviceId: string;
  reporter: UserRef;
  session: Session;
  decision: Decision;
  now: Date;
  policy: PagePolicyTier[];
  versions: { flow: string; rules: string };
  dueAt: DueAt;
}

export function createIncident(n: NewIncident): Incident {
  const now = n.now.toISOString();
  const s = n.session;
  return {
    ref: n.ref,
    serviceId: n.serviceId,
    status: 'open',
    createdAt: now,
    updatedAt: now,
    reporter: n.reporter,
    subject: s.fields.subject ?? '',
    narrative: s.fields.narrative ?? '',
    ...(s.fields.occurredAt ? { occurredAt: s.fields.occurredAt } : {}),
    answers: structuredClone(s.answers),
    unsure: [...s.unsure],
    decision: n.decision,
    escalations: itemsFrom(n.decision, n.now, n.dueAt),
    paging: { state: 'queued', policy: n.policy, tierIndex: 0, attempt: 0 },
    versions: n.versions,
    messages: {},
  };
}

/** Fold the finished intake and its fresh decision into an incident made early by a safety interrupt. */
export function completeIncident(inc: Incident, s: Session, decision: Decision, now: Date, dueAt: DueAt): Incident {
  const next = structuredClone(inc);
  next.updatedAt = now.toISOString();
  next.subject = s.fields.subject ?? next.subject;
  next.narrative = s.fields.narrative ?? next.narrative;
  if (s.fields.occurredAt) next.occurredAt = s.fields.occurredAt;
  if (s.fields.serviceId) {
    next.serviceId = s.fields.serviceId;
    delete next.serviceUnknown;
  }
  next.answers = structuredClone(s.answers);
  next.unsure = [...s.unsure];
  next.decision = decision;
  next.escalations = itemsFrom(decision, new Date(inc.createdAt), dueAt, inc.escalations);
  return next;
}

export function pageNeeded(inc: Incident): boolean {
  return inc.escalations.some((e) => e.code === 'oncall_manager' && e.level === 'required' && e.status !== 'done');
}

export function acknowledge(inc: Incident, personId: string, now: Date, nameOf: (id: string) => string = (id) => id): string | null {
  if (inc.paging.state === 'acknowledged') return `Already acknowledged by ${nameOf(inc.paging.acknowledgedBy ?? '')}.`;
  inc.paging.state = 'acknowledged';
  inc.paging.acknowledgedBy = personId;
  inc.paging.acknowledgedAt = now.toISOString();
  inc.paging.owner = personId;
  inc.updatedAt = now.toISOString();
  // Telling the on-call manager is done by the page itself: acknowledgement records it.
  const item = inc.escalations.find((e) => e.code === 'oncall_manager');
  if (item && item.itemStatus === 'open') {
    item.itemStatus = 'notified';
    item.notified = { by: personId, who: personId, at: now.toISOString() };
  }
  return null;
}

function openItem(inc: Incident, code: EscalationCode): EscalationItem | string {
  if (inc.status === 'closed') return 'This incident is closed.';
  const item = inc.escalations.find((e) => e.code === code);
  if (!item) return 'That escalation is not on this incident.';
  if (item.itemStatus !== 'open') return 'That escalation is already recorded.';
  return item;
}

export function markNotified(
  inc: Incident,
  code: EscalationCode,
  n: { by: string; who: string; at: Date; reference?: string },
  now: Date,
): string | null {
  const item = openItem(inc, code);
  if (typeof item === 'string') return item;
  if (!n.who.trim()) return 'Please say who was told.';
  if (n.at.getTime() > now.getTime() + 5 * 60_000) return 'The time told cannot be in the future.';
  item.itemStatus = 'notified';
  item.notified = { by: n.by, who: n.who.trim(), at: n.at.toISOString(), ...(n.reference?.trim() ? { reference: n.reference.trim() } : {}) };
  inc.updatedAt = now.toISOString();
  return null;
}

export function markNotNotifying(inc: Incident, code: EscalationCode, n: { by: string; reason: string }, now: Date): string | null {
  const item = openItem(inc, code);
  if (typeof item === 'string') return item;
  if (!n.reason.trim()) return 'Please give a reason.';
  item.itemStatus = 'not_notifying';
  item.notNotifying = { by: n.by, reason: n.reason.trim(), at: now.toISOString() };
  inc.updatedAt = now.toISOString();
  return null;
}

/** What still stands between this incident and closure (empty when it may close). */
export function openItems(inc: Incident): EscalationItem[] {
  return inc.escalations.filter((e) => e.level === 'required' && e.itemStatus === 'open' && e.status !== 'done');
}
