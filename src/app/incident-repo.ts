// Incidents in the Store: compare-and-set updates, the append-only event log, and the durable
// jobs that follow a change (page, record update, timeline reply, reminders).

import { format } from 'date-fns';
import { tz } from '@date-fns/tz';
import { dueAt } from '../core/calendar.js';
import { completeIncident, createIncident, incidentRef, pageNeeded, type DueAt } from '../core/incident.js';
import { needsStaffSupport } from '../core/follow-through.js';
import type { Session } from '../core/intake/session.js';
import { thresholdAnswers } from '../core/intake/runtime.js';
import { CODE_LABELS, localTime } from '../core/messages.js';
import { mergePolicies, onCallAt } from '../core/rota.js';
import type { Decision, Incident, ManagerCommand } from '../core/types.js';
import type { AppContext } from './context.js';
import type { Job } from '../scheduler/port.js';
import type { NewEvent } from '../store/port.js';
import { activeOverrides } from './oncall.js';

export const INCIDENT_NS = 'incident';
export const OPEN_NS = 'incident-open';
const CAS_TRIES = 10;

type PagingPolicy = Incident['paging']['policy'];

/** What the caller already knows or has started reading, to save round trips. */
export interface EarlyReads {
  /** The reference was allocated in this turn, so no incident can have it yet. */
  fresh?: boolean;
  /** The paging policy, read while the reference was allocated. */
  policy?: Promise<PagingPolicy>;
  /** The decision, worked out while Redis answered (see decide()). */
  decision?: Decision;
}

/**
 * A page queued in the reporter's turn is also sent at once in that turn (AppContext.runNow).
 * Its queued copy waits this long and is withdrawn once the page is out; if the instance dies
 * first, any instance sends it when it falls due. (Due at once, the copy ran beside the page
 * being sent, found it claimed and ran again a second later: three runs for every page.)
 */
export const INLINE_PAGE_GRACE_MS = 3000;

/**
 * A record update or a timeline reply (in the record's thread) made before the record's first
 * post, as a new report's first changes are, is due this much later, once the post is normally
 * out. Due at once, it ran beside the post, found no record and waited a second for its retry.
 */
export const AFTER_FIRST_POST_MS = 500;

export class IncidentRepo {
  constructor(private readonly ctx: AppContext) {}

  readonly dueAt: DueAt = (timing, from) => dueAt(timing, from, this.ctx.org);

  async allocateRef(serviceId: string): Promise<string> {
    const service = this.ctx.org.services.find((s) => s.id === serviceId) ?? this.ctx.org.services[0]!;
    const year = Number(format(this.ctx.now(), 'yyyy', { in: tz(this.ctx.org.timezone) }));
    const seq = await this.ctx.store.incr(`ref:${service.prefix}:${year}`);
    return incidentRef(service.prefix, year, seq);
  }

  async get(ref: string): Promise<Incident | null> {
    return (await this.ctx.store.get<Incident>(INCIDENT_NS, ref))?.value ?? null;
  }

  async open(): Promise<Incident[]> {
    const refs = await this.ctx.store.list(OPEN_NS);
    const all = await Promise.all(refs.map((r) => this.get(r)));
    return all.filter((i): i is Incident => i !== null && i.status === 'open');
  }

  /**
   * Compare-and-set update: `change` edits a copy and returns true to write it, false to leave
   * the incident alone. Returns the written incident, or null when unchanged or not found.
   */
  async update(ref: string, change: (inc: Incident) => boolean): Promise<Incident | null> {
    for (let i = 0; i < CAS_TRIES; i++) {
      const got = await this.ctx.store.get<Incident>(INCIDENT_NS, ref);
      if (!got) return null;
      const next = structuredClone(got.value);
      if (!change(next)) return null;
      if ((await this.ctx.store.put(INCIDENT_NS, ref, next, got.version)) !== null) return next;
    }
    throw new Error(`incident ${ref} kept changing under us`);
  }

  /** The paging policy, copied onto the incident when it starts: rota edits never change a running escalation. */
  async policyFor(serviceId: string): Promise<PagingPolicy> {
    return onCallAt(this.ctx.org, serviceId, this.ctx.now(), await activeOverrides(this.ctx));
  }

  /**
   * The paging policy for a report: its service's, or, in an emergency before the reporter has
   * said which service, every service's on-call at once (never only the first service's).
   */
  async policyForSession(session: Session): Promise<PagingPolicy> {
    if (!this.serviceUnknown(session)) return this.policyFor(this.serviceOf(session));
    const overrides = await activeOverrides(this.ctx);
    return mergePolicies(this.ctx.org.services.map((s) => onCallAt(this.ctx.org, s.id, this.ctx.now(), overrides)));
  }

  /** The organisation has several services and the reporter has not said which yet. */
  serviceUnknown(session: Session): boolean {
    return session.fields.serviceId === undefined && this.ctx.org.services.length > 1;
  }

  /**
   * A protective safety answer: make the incident now with what is known, and queue the page.
   * Returns the queued page job (the caller also runs it at once), or null when paging had started.
   */
  async emergency(session: Session, key: string, value: string, early: EarlyReads = {}): Promise<Job | null> {
    const ref = session.ref!;
    const [existing, policy] = await Promise.all([early.fresh ? null : this.get(ref), early.policy ?? this.policyForSession(session)]);
    const safety = { type: 'safety_answer', data: { key, value } };
    if (existing) {
      await this.ctx.store.append(ref, safety.type, safety.data);
      return this.startPaging(existing, true);
    }
    const inc = await this.create(session, early.decision ?? this.decide(session), policy);
    if (!inc) return null; // made already by a retry
    const [, job] = await Promise.all([this.opened(inc, true, [safety]), this.startPaging(inc, true)]);
    return job;
  }

  /**
   * The reporter confirmed: decide on every answer, make or complete the incident, queue page and
   * record. Returns the incident and the queued page job (the caller also runs it at once), if a
   * page is needed. Independent writes go together, so this costs a few round trips, not dozens.
   */
  async complete(session: Session, early: EarlyReads = {}): Promise<{ inc: Incident; pageJob: Job | null } | null> {
    const ref = session.ref!;
    const decision = early.decision ?? this.decide(session);
    const [existing, policy] = await Promise.all([early.fresh ? null : this.get(ref), early.policy ?? this.policyForSession(session)]);
    let inc: Incident | null = null;
    let made = false;
    if (!existing) {
      inc = await this.create(session, decision, policy);
      made = inc !== null;
    }
    // Made by the emergency path earlier (or by a racing retry): complete it in place.
    inc ??= await this.update(ref, (i) => {
      replaceWith(i, completeIncident(i, session, decision, this.ctx.now(), this.dueAt));
      return true;
    });
    if (!inc) return null;
    const events = this.completionEvents(inc, session, decision);
    const done = 'Report completed. Decision made.';
    // A new incident's first record post shows everything so far: it needs no separate update.
    const written = made
      ? Promise.all([this.opened(inc, false, events), this.schedule('timeline', ref, `timeline:${ref}:completed`, { text: done }, this.afterFirstPost(inc))])
      : Promise.all([this.ctx.store.appendMany(ref, events), this.changed(inc, null, {}, done)]);
    const [, pageJob] = await Promise.all([written, pageNeeded(inc) ? this.startPaging(inc, false) : null]);
    return { inc, pageJob };
  }

  /** What the reporter told us, the consent and capacity answers with the lawful basis, and the decision. */
  private completionEvents(inc: Incident, session: Session, decision: Decision): NewEvent[] {
    const events: NewEvent[] = [
      {
        type: 'intake_completed',
        data: {
          answers: session.answers,
          unsure: session.unsure,
          subject: session.fields.subject ?? null,
          occurredAt: session.fields.occurredAt ?? null,
          narrative: session.fields.narrative ?? null,
          flags: session.flags,
          challenged: session.challenged,
          resolutions: session.resolutions ?? [],
        },
      },
    ];
    const capacity = session.answers['capacity'];
    if (capacity !== undefined || session.answers['consent'] !== undefined)
      events.push({
        type: 'consent_capacity',
        data: { capacity: capacity ?? 'not asked', consent: session.answers['consent'] ?? 'not asked', lawfulBasis: lawfulBasis(inc, session), by: session.user.id },
      });
    events.push({
      type: 'decision',
      data: {
        escalations: decision.escalations.map((e) => ({ code: e.code, level: e.level, timing: e.timing, rules: e.rules, reason: e.reason, status: e.status })),
        advice: decision.advice,
        rules: this.ctx.rulesHash,
      },
    });
    return events;
  }

  /** The rule engine's decision on the session's answers so far. */
  decide(session: Session): Decision {
    return this.ctx.decide(this.answersOf(session));
  }

  /** The service a report is about (the organisation's first until the reporter says). */
  serviceOf(session: Session): string {
    return session.fields.serviceId ?? this.ctx.org.services[0]!.id;
  }

  /** Make a new incident, refusing a second one with the same reference (null then). */
  private async create(session: Session, decision: Decision, policy: PagingPolicy): Promise<Incident | null> {
    const inc = createIncident({
      ref: session.ref!,
      serviceId: this.serviceOf(session),
      reporter: session.user,
      session,
      decision,
      now: this.ctx.now(),
      policy,
      versions: { flow: this.ctx.flow.hash, rules: this.ctx.rulesHash },
      dueAt: this.dueAt,
    });
    if (this.serviceUnknown(session)) inc.serviceUnknown = true;
    return (await this.ctx.store.put(INCIDENT_NS, inc.ref, inc, null)) === null ? null : inc;
  }

  /** A new incident's first writes, together: on the open list, "reported" and what follows it in the log, the record. */
  private async opened(inc: Incident, emergency: boolean, more: NewEvent[]): Promise<void> {
    const reported = { type: 'reported', data: { reporter: inc.reporter, serviceId: inc.serviceId, emergency, flow: inc.versions.flow, rules: inc.versions.rules } };
    await Promise.all([
      this.ctx.store.put(OPEN_NS, inc.ref, { since: inc.createdAt }, null),
      this.ctx.store.appendMany(inc.ref, [reported, ...more]),
      this.schedule('record', inc.ref, `record:${inc.ref}:post`),
    ]);
  }

  /** Queue the first page again while it has not gone out (after a crash); null once paging started. */
  queuePage(inc: Incident): Promise<Job | null> {
    return this.startPaging(inc, false);
  }

  /** Queue the first page (once per incident: a deterministic job id); the caller sends it at once. */
  private async startPaging(inc: Incident, emergency: boolean): Promise<Job | null> {
    if (inc.paging.state !== 'queued') return null;
    const at = new Date(this.ctx.now().getTime() + (this.ctx.runNow ? INLINE_PAGE_GRACE_MS : 0));
    const job: Job = { id: `page:${inc.ref}:0:0`, kind: 'page', at, data: { ref: inc.ref, tierIndex: 0, attempt: 0, emergency }, urgent: true };
    await this.ctx.scheduler.schedule(job);
    return job;
  }

  /** After any change: log the event, refresh the record, add a timeline reply. */
  async changed(inc: Incident, type: string | null, data: Record<string, unknown>, timeline: string): Promise<void> {
    const ev = type ? await this.ctx.store.append(inc.ref, type, data) : null;
    const stamp = ev ? ev.seq : Date.now();
    const at = this.afterFirstPost(inc);
    await Promise.all([
      this.schedule('record', inc.ref, `record:${inc.ref}:${inc.updatedAt}:${stamp}`, {}, at),
      this.schedule('timeline', inc.ref, `timeline:${inc.ref}:${stamp}`, { text: timeline }, at),
    ]);
  }

  /** When a record update or timeline reply is due: at once, or a moment later while the record has not been posted. */
  private afterFirstPost(inc: Incident): Date {
    const posted = Object.keys(inc.messages.records ?? {}).length > 0;
    return new Date(this.ctx.now().getTime() + (posted ? 0 : AFTER_FIRST_POST_MS));
  }

  async acknowledged(inc: Incident, personId: string): Promise<void> {
    const name = this.ctx.org.people.find((p) => p.id === personId)?.name ?? personId;
    await this.changed(inc, 'acknowledged', { by: personId }, `Acknowledged by ${name}.`);
    await this.schedule('pages-acknowledged', inc.ref, `pages-ack:${inc.ref}`);
    if (inc.follow?.support?.offeredAt || needsStaffSupport(inc)) {
      await this.schedule('debrief-reminder', inc.ref, `debrief:${inc.ref}:now`, { personId });
      await this.schedule('debrief-reminder', inc.ref, `debrief:${inc.ref}:later`, { personId }, new Date(this.ctx.now().getTime() + 24 * 3600_000));
    }
    const first = inc.paging.firstPagedAt;
    if (first) this.ctx.metrics?.ackSeconds.observe((this.ctx.now().getTime() - new Date(first).getTime()) / 1000);
    // Deadlines: remind the manager who owns it before and at each deadline.
    for (const e of inc.escalations) {
      if (e.itemStatus !== 'open' || e.status === 'done') continue;
      if (e.level === 'conditional') {
        const at = new Date(this.ctx.now().getTime() + 8 * 3600_000);
        await this.schedule('recheck', inc.ref, `recheck:${inc.ref}:${e.code}`, { code: e.code }, at);
        continue;
      }
      if (e.level !== 'required' || !e.dueAt) continue;
      const due = new Date(e.dueAt);
      const before = new Date(due.getTime() - Math.min(60 * 60_000, (due.getTime() - this.ctx.now().getTime()) / 2));
      if (before > this.ctx.now()) await this.schedule('reminder', inc.ref, `reminder:${inc.ref}:${e.code}:before`, { code: e.code, stage: 'before' }, before);
      await this.schedule('reminder', inc.ref, `reminder:${inc.ref}:${e.code}:due`, { code: e.code, stage: 'due' }, due);
    }
  }

  /** After a follow-through command: the event, the record, the timeline and any reminders. */
  async followed(inc: Incident, cmd: ManagerCommand, by: string): Promise<void> {
    const name = (id: string) => this.ctx.org.people.find((p) => p.id === id)?.name ?? id;
    const f = inc.follow!;
    switch (cmd.verb) {
      case 'response': {
        const r = f.responses[f.responses.length - 1]!;
        await this.changed(inc, 'agency_response', { ...r }, `${CODE_LABELS[r.code]} response: ${r.response.replace(/_/g, ' ')}${r.reference ? `, ref ${r.reference}` : ''}.`);
        return;
      }
      case 'action': {
        const a = f.actions[f.actions.length - 1]!;
        await this.changed(inc, 'action_added', { ...a }, `Action ${a.id} agreed: owner ${name(a.owner)}, due ${localTime(a.dueAt, this.ctx.org.timezone)}.`);
        const due = new Date(a.dueAt);
        const lead = Math.min(24 * 3600_000, Math.max(0, (due.getTime() - this.ctx.now().getTime()) / 2));
        const before = new Date(due.getTime() - lead);
        if (before > this.ctx.now()) await this.schedule('action-reminder', inc.ref, `action:${inc.ref}:${a.id}:before`, { actionId: a.id, stage: 'before' }, before);
        await this.schedule('action-reminder', inc.ref, `action:${inc.ref}:${a.id}:due`, { actionId: a.id, stage: 'due' }, due);
        return;
      }
      case 'done':
      case 'drop': {
        const a = f.actions.find((x) => x.id === cmd.actionId)!;
        await this.changed(inc, cmd.verb === 'done' ? 'action_completed' : 'action_dropped', { id: a.id, note: a.note ?? '', by }, `Action ${a.id} ${cmd.verb === 'done' ? 'done' : 'not going ahead'} (${name(by)}).`);
        return;
      }
      case 'debrief':
        await this.changed(inc, 'debrief_recorded', { by, at: f.support?.debriefAt ?? null }, `Staff debrief recorded by ${name(by)}.`);
        return;
      case 'sent':
        await this.changed(inc, 'commissioner_update', { sent: true, how: f.commissioner?.how ?? '', by }, `Commissioner update sent (${f.commissioner?.how}).`);
        return;
      case 'handover': {
        const h = f.handovers![f.handovers!.length - 1]!;
        await this.changed(inc, 'handover', { ...h }, `Handed over from ${h.from ? name(h.from) : 'nobody'} to ${name(h.to)} by ${name(by)}.`);
        await this.schedule('handover-notice', inc.ref, `handover:${inc.ref}:${h.at}`, { to: h.to });
        return;
      }
      case 'close':
        await this.ctx.store.del(OPEN_NS, inc.ref);
        await this.changed(inc, 'closed', { by }, `Closed by ${name(by)}.`);
        return;
      case 'review':
        await this.changed(inc, 'learning_review', { ...f.review }, `Learning review recorded by ${name(by)}.`);
        return;
      case 'commissioner':
        return;
    }
  }

  async schedule(kind: string, ref: string, id: string, data: Record<string, unknown> = {}, at = this.ctx.now()): Promise<void> {
    await this.ctx.scheduler.schedule({ id, kind, at, data: { ref, ...data } });
  }

  /** The threshold answers for the rule engine, with the setting taken from the service. */
  answersOf(session: Session) {
    const a = thresholdAnswers(session, this.ctx.thresholdKeys);
    const service = this.ctx.org.services.find((s) => s.id === session.fields.serviceId);
    if (service && this.ctx.thresholdKeys.has('setting') && a['setting'] === undefined) a['setting'] = service.setting;
    return a;
  }
}

/**
 * The lawful basis for sharing, recorded with the consent and capacity answers
 * (domain/threshold-rules.md section 4, legal-basis notes for the DPO).
 */
export function lawfulBasis(inc: Incident, session: Session): string {
  const a = session.answers;
  if (a['immediate_life_risk'] === 'yes' || a['ongoing_danger'] === 'yes' || inc.paging.state !== 'queued' && inc.decision.escalations.some((e) => e.timing === 'now' && (e.code === 'ambulance' || e.code === 'emergency_999')))
    return 'Vital interests (UK GDPR art 6(1)(d), 9(2)(c)): risk to life';
  if (a['capacity'] === 'lacks') return 'Best interests (Mental Capacity Act s4); DPA 2018 Sch 1 para 18 (safeguarding)';
  if (a['consent'] === 'given') return 'Consent of the person, recorded';
  if (a['consent'] === 'refused') return 'Refused: shared only on an override ground (risk to others, coercion, serious crime, staff implicated), DPA 2018 Sch 1 para 18 and the public interest';
  if (a['consent'] === 'unsafe_to_ask') return 'Not safe to ask: DPA 2018 Sch 1 para 18 (safeguarding); record why';
  if (a['capacity'] === 'unclear') return 'Capacity unclear: assessment to arrange; DPA 2018 Sch 1 para 18 if the risk is serious';
  return 'Not determined: consent not asked';
}

/** Make `target` the same as `source`: a field the source dropped (such as `serviceUnknown`) goes too. */
function replaceWith<T extends object>(target: T, source: T): void {
  for (const k of Object.keys(target) as Array<keyof T>) if (!(k in source)) delete target[k];
  Object.assign(target, source);
}
