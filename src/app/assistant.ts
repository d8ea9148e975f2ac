// The Assistant: takes platform-neutral events from every channel, runs the pure core (intake
// runtime, rule engine, incident lifecycle) against state in the Store, and carries out the
// effects: messages through the channels, pages and record updates through durable jobs.
//
// Durable before acknowledged: a page or record post is queued in the Scheduler (Redis, with
// BullMQ) before anyone is told it will happen; the job handlers in jobs.ts carry it out.

import type { AssistantPort, Channel, ChatCommand, RoleAction } from '../channels/port.js';
import type { Organisation } from '../conversations/organisation.js';
import { applyInput, newSession, stepById, type Input, type IntakeContext, type Output } from '../core/intake/runtime.js';
import { sessionKey, type Session } from '../core/intake/session.js';
import {
  acknowledge,
  markNotified,
  markNotNotifying,
  pageNeeded,
} from '../core/incident.js';
import { applyCommand, commissionerDraft, follow, needsStaffSupport, type FollowContext } from '../core/follow-through.js';
import { isManagerCommand, parseManagerCommand } from '../core/manager-commands.js';
import { parseLocalDateTime } from '../core/calendar.js';
import { answeredMessage, CODE_LABELS, decisionMessage, offerMessage, questionMessage, sayMessage } from '../core/messages.js';
import { can, personForUser } from '../core/people.js';
import { onCallAt } from '../core/rota.js';
import type { EscalationCode, Inbound, Incident, ManagerCommand, MessageRef, OutMessage, UserRef } from '../core/types.js';
import { StoreUnavailableError, type Store } from '../store/port.js';
import type { Job, Scheduler } from '../scheduler/port.js';
import type { AppContext } from './context.js';
import { commandReply } from './commands.js';
import { IncidentRepo, type EarlyReads } from './incident-repo.js';

const SESSION_NS = 'session';
type Loaded = { session: Session; version: number } | null;
const DEDUPE_TTL_S = 24 * 3600;
const CAS_TRIES = 8;
/** A confirmed report with no completed incident this long after is taken to be cut short by a crash. */
const INTERRUPTED_AFTER_MS = 15_000;
/** When the check queued with a confirm looks for a report a crash cut short (after INTERRUPTED_AFTER_MS). */
const CONFIRM_CHECK_AFTER_MS = 20_000;

export class Assistant implements AssistantPort {
  readonly incidents: IncidentRepo;

  constructor(private readonly ctx: AppContext) {
    this.incidents = new IncidentRepo(ctx);
  }

  private get store(): Store {
    return this.ctx.store;
  }
  private get scheduler(): Scheduler {
    return this.ctx.scheduler;
  }
  private get org(): Organisation {
    return this.ctx.org;
  }

  channelFor(user: UserRef): Channel | undefined {
    return this.ctx.channels[user.platform];
  }

  // ---------------------------------------------------------------------------
  // Inbound

  async handle(event: Inbound): Promise<boolean> {
    const started = Date.now();
    try {
      // An intake turn reads the session in the same round trip as the duplicate check.
      const session = event.type === 'start' || event.type === 'message' || event.type === 'choice' ? inFlight(this.loadSession(event.user)) : null;
      if (event.dedupeId && !(await this.store.dedupe(event.dedupeId, DEDUPE_TTL_S))) return false;
      switch (event.type) {
        case 'start':
          await this.start(event.user, event.narrative, session!);
          break;
        case 'message':
          await this.message(event.user, event.text, session!);
          break;
        case 'choice':
          await this.turn(event.user, { kind: 'choice', stepId: event.stepId, choiceId: event.choiceId }, event.messageRef, session!);
          break;
        case 'ack':
          await this.acknowledge(event.user, event.ref);
          break;
        case 'notified':
          await this.notified(event);
          break;
        case 'not_notifying':
          await this.notNotifying(event);
          break;
        case 'manage':
          await this.manage(event.user, event.command);
          break;
      }
    } catch (err) {
      await this.failed(event.user, err);
    } finally {
      this.ctx.metrics?.turnSeconds.observe((Date.now() - started) / 1000);
    }
    return true;
  }

  /** Something went wrong: the reporter is never left without a way forward. */
  private async failed(user: UserRef, err: unknown): Promise<void> {
    const storeDown = err instanceof StoreUnavailableError;
    this.ctx.logger.error({ err: storeDown ? 'store unavailable' : String((err as Error)?.message ?? err), platform: user.platform }, 'turn failed');
    const phone = this.firstOnCallPhone();
    const text = storeDown
      ? `I cannot save anything right now. Please phone the on-call manager now${phone}. Tell them: the service, who is affected, what happened and when, and that the assistant is down. Your earlier answers are kept; come back here later to finish.`
      : `Something went wrong on my side. Please phone the on-call manager now${phone}. Your earlier answers are kept.`;
    try {
      await this.channelFor(user)?.sendDirect(user, sayMessage(text, 'urgent'));
    } catch {
      // The channel is down too; the log line above is all we can do.
    }
  }

  private firstOnCallPhone(serviceId?: string): string {
    const sid = serviceId ?? this.org.services[0]?.id;
    if (!sid) return '';
    const tier = onCallAt(this.org, sid, this.ctx.now())[0];
    const person = this.org.people.find((p) => p.id === tier?.people[0]);
    return person ? ` (${person.name}, ${person.phone})` : '';
  }

  intakeContext(): IntakeContext {
    return {
      flow: this.ctx.flow.value,
      now: this.ctx.now(),
      services: this.org.services.map((s) => ({ id: s.id, name: s.name })),
      defaults: this.ctx.answerDefaults,
      ...this.ctx.language,
    };
  }

  private async loadSession(user: UserRef): Promise<Loaded> {
    const got = await this.store.get<Session>(SESSION_NS, sessionKey(user));
    return got ? { session: got.value, version: got.version } : null;
  }

  private sessionTtl(): number {
    return Math.max(this.org.intake.idleExpiryMinutes * 60 * 2, 3600);
  }

  private async start(user: UserRef, narrative: string | undefined, loaded: Promise<Loaded>): Promise<void> {
    const existing = await loaded;
    if (existing?.session.status === 'active') {
      await this.send(user, sayMessage('You already have a report open. Let us carry on with it, or type "cancel" to stop it.'));
      await this.ask(existing.session, existing.version);
      return;
    }
    await this.finishInterrupted(existing);
    const ictx = this.intakeContext();
    const session = newSession(ictx, user, narrative);
    // Safety first, and at once: the 999 line goes out while the new report is saved.
    const intro = inFlight(this.send(user, sayMessage('I will help you report this. If someone is in danger, call 999 first. Type "back" to change an answer.')));
    const version = await this.store.put(SESSION_NS, session.key, session, existing ? existing.version : null, this.sessionTtl());
    if (version === null) {
      await intro;
      return this.resume(user, narrative); // someone else started one a moment ago
    }
    // The idle reminder is queued while the first question goes out (after the 999 line).
    const idle = inFlight(this.scheduleIdleJob(session, 'remind', this.org.intake.idleReminderMinutes * 60_000));
    await intro;
    await this.ask(session, version);
    await idle;
  }

  /** Carry on with the report someone else started a moment ago (or start again if it is gone). */
  private async resume(user: UserRef, narrative: string | undefined): Promise<void> {
    const now = await this.loadSession(user);
    if (now?.session.status === 'active') return this.ask(now.session, now.version);
    return this.start(user, narrative, Promise.resolve(now));
  }

  private async message(user: UserRef, text: string, loaded: Promise<Loaded>): Promise<void> {
    const existing = await loaded;
    if (!existing || existing.session.status !== 'active') {
      if (await this.finishInterrupted(existing)) return;
      // A manager's typed command ("notify RH-2026-0042 police_101 PC Smith | CAD 1234") works in any chat.
      if (isManagerCommand(text)) {
        const parsed = parseManagerCommand(text, user);
        if ('error' in parsed) return this.refuse(user, parsed.error);
        await this.handle(parsed);
        return;
      }
      await this.send(user, offerMessage());
      return;
    }
    await this.turn(user, { kind: 'text', text }, undefined, Promise.resolve(existing));
  }

  /** One intake turn with compare-and-set: retried from a fresh read when someone else wrote first. */
  private async turn(user: UserRef, input: Input, messageRef: MessageRef | undefined, loaded: Promise<Loaded>): Promise<void> {
    for (let i = 0; i < CAS_TRIES; i++) {
      const existing = await (i === 0 ? loaded : this.loadSession(user));
      if (!existing || existing.session.status !== 'active') {
        if (await this.finishInterrupted(existing)) return;
        if (messageRef) await this.safeUpdate(messageRef, sayMessage('This report is finished or was cancelled.'));
        await this.send(user, offerMessage());
        return;
      }
      const ictx = this.intakeContext();
      const { session, out } = applyInput(ictx, existing.session, input);
      const emergency = out.find((o): o is Extract<Output, { type: 'emergency' }> => o.type === 'emergency');
      const complete = out.some((o) => o.type === 'complete');
      // A report confirmed just before a crash is finished by a check 20 s later, even if the
      // reporter never writes again (queued while the report is saved and the incident written).
      const check = complete ? inFlight(this.scheduleIdleJob(session, 'check', CONFIRM_CHECK_AFTER_MS)) : null;
      const early: EarlyReads = {};
      if (emergency || complete) {
        // The paging policy is read while the reference is allocated: one round trip, not two.
        const serviceId = this.incidents.serviceOf(session);
        early.policy = inFlight(this.incidents.policyForSession(session));
        const ref = session.ref ? null : inFlight(this.incidents.allocateRef(serviceId));
        // The rule engine works while Redis answers.
        early.decision = this.incidents.decide(session);
        if (ref) {
          session.ref = await ref;
          early.fresh = true;
        }
      }
      const version = await this.store.put(SESSION_NS, session.key, session, existing.version, this.sessionTtl());
      if (version === null) continue;
      // Durable before acknowledged: the incident and its page are queued before the reporter reads "I am paging".
      let pageJob = emergency ? await this.incidents.emergency(session, emergency.key, emergency.value, early) : null;
      const completed = complete ? await this.incidents.complete(session, emergency ? { decision: early.decision } : early) : null;
      pageJob = completed?.pageJob ?? pageJob;
      await check;
      await this.carryOut(session, version, out, messageRef, existing.session, pageJob, completed?.inc);
      return;
    }
    await this.send(user, sayMessage('Sorry, that clashed with another message. Please send it again.'));
  }

  private async carryOut(
    session: Session,
    version: number,
    out: Output[],
    messageRef: MessageRef | undefined,
    before: Session,
    pageJob: Job | null = null,
    completed?: Incident,
  ): Promise<void> {
    const user = session.user;
    let asked = false;
    const answered: Array<() => Promise<void>> = [];
    for (const o of out) {
      switch (o.type) {
        case 'say':
          await this.send(user, sayMessage(o.text, o.urgent ? 'urgent' : undefined));
          break;
        case 'answered': {
          // Done after the next question is sent: the reporter sees the next question sooner.
          const ref = messageRef ?? before.questionRef;
          if (ref) answered.push(() => this.safeUpdate(ref, answeredMessage(this.ctx.flow.value, o.stepId, o.answer)));
          break;
        }
        case 'ask':
          if (asked) break;
          asked = true;
          // A multi-choice pick re-draws the same question in place instead of posting it again.
          if (messageRef && o.stepId === before.stepId && stepById(this.ctx.flow.value, o.stepId).kind === 'multi') {
            await this.safeUpdate(messageRef, questionMessage(this.intakeContext(), session));
            break;
          }
          await this.ask(session, version);
          break;
        case 'complete':
          // The page is queued already, so the reporter may read "I have paged" while it goes out.
          await Promise.all([this.pageNow(pageJob), this.afterComplete(session, completed)]);
          pageJob = null;
          break;
        case 'cancelled':
          await this.send(user, sayMessage(session.ref ? `Report stopped. The urgent part is already with the on-call manager as ${session.ref}.` : 'Report cancelled. Nothing was sent.'));
          break;
        case 'emergency':
          await this.pageNow(pageJob); // after the 999 advice, before the next question
          break;
      }
    }
    for (const update of answered) await update();
  }

  /**
   * Send a page queued in this turn at once. Once it is sent, its queued copy is withdrawn (a copy
   * already running finds the page sent and stops); if sending fails, the queued copy sends it.
   */
  private async pageNow(job: Job | null): Promise<void> {
    if (!job || !this.ctx.runNow) return;
    try {
      await this.ctx.runNow(job);
    } catch (err) {
      this.ctx.logger.warn({ err: String((err as Error)?.message ?? err) }, 'immediate page deferred to its queued job');
      return;
    }
    await this.scheduler.cancel(job.id).catch(() => undefined);
  }

  /**
   * A report confirmed just before a crash (the session says done, but the incident's log has no
   * completed intake, or its page was never queued): finish it now, page and tell the reporter.
   * Runs when the reporter next writes, and from the idle timer, so a crash loses no report.
   */
  private async finishInterrupted(loaded: Loaded): Promise<boolean> {
    const s = loaded?.session;
    if (!loaded || !s || s.status !== 'done' || !s.ref) return false;
    // The confirming turn may still be running (on this or another instance): leave it be.
    if (this.ctx.now().getTime() - new Date(s.updatedAt).getTime() < INTERRUPTED_AFTER_MS) return false;
    const [inc, log] = await Promise.all([this.incidents.get(s.ref), this.store.read(s.ref)]);
    if (inc && log.some((e) => e.type === 'intake_completed')) {
      // Completed, but its page may never have been queued: queue it (a no-op when it was) and send it.
      if (pageNeeded(inc)) await this.pageNow(await this.incidents.queuePage(inc));
      return false;
    }
    const completed = await this.incidents.complete(s);
    if (!completed) return false;
    this.ctx.logger.warn({ ref: s.ref }, 'finished a report that a crash interrupted');
    await this.carryOut(s, loaded.version, [{ type: 'complete' }], undefined, s, completed.pageJob, completed.inc);
    return true;
  }

  private async ask(session: Session, version: number): Promise<void> {
    const ref = await this.send(session.user, questionMessage(this.intakeContext(), session));
    if (!ref) return;
    // Best effort: remember the question so a typed answer can update it in place.
    await this.store.put(SESSION_NS, session.key, { ...session, questionRef: ref }, version, this.sessionTtl()).catch(() => null);
  }

  private async afterComplete(session: Session, completed?: Incident): Promise<void> {
    const inc = completed ?? (await this.incidents.get(session.ref!));
    if (!inc) return;
    const paged = inc.paging.state !== 'queued' || pageNeeded(inc);
    const note = paged
      ? 'I have paged the on-call manager. They will be in touch. If nobody answers in time, I will tell you who to phone.'
      : 'No page is needed. The registered manager will pick this up in normal hours.';
    await this.send(session.user, decisionMessage(inc, this.org.timezone, note));
    if (needsStaffSupport(inc)) {
      await this.send(session.user, sayMessage(`Thank you for reporting this. ${this.org.staffSupport}`));
      const updated = await this.incidents.update(inc.ref, (i) => {
        if (follow(i).support?.offeredAt) return false;
        follow(i).support = { ...(follow(i).support ?? {}), offeredAt: this.ctx.now().toISOString() };
        return true;
      });
      if (updated) await this.incidents.changed(updated, 'support_offered', { to: 'reporter' }, 'Support offered to the reporter.');
    }
  }

  /** The idle reminder (with a new intake) or the crash check (with a confirm), once per intake and stage. */
  private async scheduleIdleJob(session: Session, stage: 'remind' | 'check', afterMs: number): Promise<void> {
    const at = new Date(this.ctx.now().getTime() + afterMs);
    await this.scheduler.schedule({ id: `intake-idle:${session.key}:${session.startedAt}:${stage}`, kind: 'intake-idle', at, data: { key: session.key, stage } });
  }

  async send(user: UserRef, msg: OutMessage): Promise<MessageRef | undefined> {
    const channel = this.channelFor(user);
    if (!channel) return undefined;
    return channel.sendDirect(user, msg);
  }

  private async safeUpdate(ref: MessageRef, msg: OutMessage): Promise<void> {
    try {
      await this.ctx.channels[ref.platform]?.update(ref, msg);
    } catch (err) {
      this.ctx.logger.warn({ err: String((err as Error).message), platform: ref.platform }, 'could not update a message in place');
    }
  }

  // ---------------------------------------------------------------------------
  // Manager actions

  private async refuse(user: UserRef, text: string): Promise<void> {
    await this.channelFor(user)?.notice(user, text);
  }

  private async acknowledge(user: UserRef, ref: string): Promise<void> {
    const person = personForUser(this.org, user);
    if (!person || !can(this.org, user, 'acknowledge')) return this.refuse(user, 'Only on-call managers can acknowledge a page.');
    let problem: string | null = null;
    const inc = await this.incidents.update(ref, (i) => {
      problem = acknowledge(i, person.id, this.ctx.now(), (id) => this.org.people.find((p) => p.id === id)?.name ?? id);
      return problem === null;
    });
    if (!inc) return this.refuse(user, problem ?? `I cannot find incident ${ref}.`);
    await this.incidents.acknowledged(inc, person.id);
    await this.refuse(user, `Thank you. ${ref} is yours. Paging has stopped.`);
  }

  private async notified(e: Extract<Inbound, { type: 'notified' }>): Promise<void> {
    const person = personForUser(this.org, e.user);
    if (!person || !can(this.org, e.user, 'act_on_escalation')) return this.refuse(e.user, 'Only managers and safeguarding leads can record this.');
    const at = e.at ? new Date(e.at) : this.ctx.now();
    if (Number.isNaN(at.getTime())) return this.refuse(e.user, 'I could not read that time. Please try again.');
    let problem: string | null = null;
    const inc = await this.incidents.update(e.ref, (i) => {
      problem = markNotified(i, e.code, { by: person.id, who: e.who, at, ...(e.reference ? { reference: e.reference } : {}) }, this.ctx.now());
      return problem === null;
    });
    if (!inc) return this.refuse(e.user, problem ?? `I cannot find incident ${e.ref}.`);
    await this.incidents.changed(inc, 'notified', { code: e.code, by: person.id, who: e.who, at: at.toISOString(), reference: e.reference ?? null },
      `${CODE_LABELS[e.code]} notified by ${person.name}${e.reference ? `, ref ${e.reference}` : ''}.`);
  }

  private async notNotifying(e: Extract<Inbound, { type: 'not_notifying' }>): Promise<void> {
    const person = personForUser(this.org, e.user);
    if (!person || !can(this.org, e.user, 'act_on_escalation')) return this.refuse(e.user, 'Only managers and safeguarding leads can record this.');
    let problem: string | null = null;
    const inc = await this.incidents.update(e.ref, (i) => {
      problem = markNotNotifying(i, e.code, { by: person.id, reason: e.reason }, this.ctx.now());
      return problem === null;
    });
    if (!inc) return this.refuse(e.user, problem ?? `I cannot find incident ${e.ref}.`);
    await this.incidents.changed(inc, 'not_notifying', { code: e.code, by: person.id, reason: e.reason },
      `Decided not to notify ${CODE_LABELS[e.code]} (${person.name}): ${e.reason}`);
  }

  private async manage(user: UserRef, cmd: ManagerCommand): Promise<void> {
    const person = personForUser(this.org, user);
    const inc0 = await this.incidents.get(cmd.ref);
    if (!inc0) return this.refuse(user, `I cannot find incident ${cmd.ref}.`);
    const isOwnerOfAction = cmd.verb === 'done' && inc0.follow?.actions.some((a) => a.id === cmd.actionId && a.owner === person?.id);
    const needed: RoleAction = cmd.verb === 'close' ? 'close' : cmd.verb === 'handover' ? 'acknowledge' : 'act_on_escalation';
    if (!person || (!isOwnerOfAction && !can(this.org, user, needed)))
      return this.refuse(user, cmd.verb === 'close' ? 'Only managers can close an incident.' : 'Only managers and safeguarding leads can record this.');
    const service = this.org.services.find((s) => s.id === inc0.serviceId);
    if (cmd.verb === 'commissioner') {
      const draft = commissionerDraft(inc0, {
        orgName: this.org.name,
        serviceName: service?.name ?? inc0.serviceId,
        commissioner: service?.commissioner ?? 'the commissioner',
        timeZone: this.org.timezone,
        names: this.org.privacy.commissionerUpdateNames,
      });
      const inc = await this.incidents.update(cmd.ref, (i) => {
        follow(i).commissioner = { ...(follow(i).commissioner ?? {}), draft, draftedAt: this.ctx.now().toISOString() };
        i.updatedAt = this.ctx.now().toISOString();
        return true;
      });
      if (inc) await this.incidents.changed(inc, 'commissioner_update', { drafted: true, by: person.id }, `Commissioner update drafted by ${person.name}.`);
      await this.send(user, { kind: 'say', text: `Draft update for the commissioner. Check it, send it, then type: sent ${cmd.ref} HOW\n\n${draft}`, blocks: [{ type: 'heading', text: `Commissioner update: ${cmd.ref}` }, { type: 'text', text: draft }, { type: 'text', text: `When sent, type: sent ${cmd.ref} HOW (e.g. email to the contracts team)`, emphasis: 'muted' }] });
      return;
    }
    let problem: string | null = null;
    const fctx: FollowContext = {
      now: this.ctx.now(),
      by: person.id,
      parseLocal: (text, time) => parseLocalDateTime(text, time, this.org.timezone),
      personExists: (id) => this.org.people.some((p) => p.id === id),
    };
    const inc = await this.incidents.update(cmd.ref, (i) => {
      problem = applyCommand(i, cmd, fctx);
      return problem === null;
    });
    if (!inc) return this.refuse(user, problem ?? `I cannot change ${cmd.ref} right now.`);
    await this.incidents.followed(inc, cmd, person.id);
    await this.refuse(user, confirmation(cmd));
  }

  // ---------------------------------------------------------------------------
  // AssistantPort queries

  async authorise(user: UserRef, action: RoleAction, ref?: string): Promise<boolean> {
    if (!can(this.org, user, action)) return false;
    if (ref) return (await this.incidents.get(ref)) !== null;
    return true;
  }

  async command(user: UserRef, name: ChatCommand, args: string): Promise<OutMessage> {
    return commandReply(this.ctx, this.incidents, user, name, args);
  }

  async incidentSummary(ref: string): Promise<{ ref: string; escalations: Array<{ code: EscalationCode; label: string }> } | null> {
    const inc = await this.incidents.get(ref);
    if (!inc) return null;
    return { ref, escalations: inc.escalations.filter((e) => e.level !== 'not_needed').map((e) => ({ code: e.code, label: CODE_LABELS[e.code] })) };
  }

  /**
   * For the idle jobs: remind or expire an intake nobody has touched; at every stage (and at the
   * check queued with a confirm), finish a report that a crash cut short.
   */
  async idle(key: string, stage: 'remind' | 'expire' | 'check'): Promise<void> {
    const got = await this.store.get<Session>(SESSION_NS, key);
    if (got?.value.status === 'done') await this.finishInterrupted({ session: got.value, version: got.version });
    if (stage === 'check' || !got || got.value.status !== 'active') return;
    const s = got.value;
    const idleMs = this.ctx.now().getTime() - new Date(s.updatedAt).getTime();
    const remindMs = this.org.intake.idleReminderMinutes * 60_000;
    const expireMs = this.org.intake.idleExpiryMinutes * 60_000;
    if (stage === 'remind') {
      if (idleMs + 1000 < remindMs) {
        // Touched since: look again later.
        const at = new Date(new Date(s.updatedAt).getTime() + remindMs);
        await this.scheduler.schedule({ id: `intake-idle:${key}:${s.updatedAt}:remind`, kind: 'intake-idle', at, data: { key, stage: 'remind' } });
        return;
      }
      await this.send(s.user, sayMessage('Your report is not finished yet. Answer the last question to carry on, or type "cancel".'));
      const at = new Date(new Date(s.updatedAt).getTime() + expireMs);
      await this.scheduler.schedule({ id: `intake-idle:${key}:${s.updatedAt}:expire`, kind: 'intake-idle', at, data: { key, stage: 'expire' } });
      return;
    }
    if (idleMs + 1000 < expireMs) return;
    const expired: Session = { ...s, status: 'expired', updatedAt: this.ctx.now().toISOString() };
    if ((await this.store.put(SESSION_NS, key, expired, got.version, this.sessionTtl())) === null) return;
    await this.send(s.user, sayMessage(s.ref ? `Your report timed out. The urgent part is with the manager as ${s.ref}.` : 'Your report timed out and was not sent. Start again when you are ready.'));
  }
}

/** What the manager reads after a follow-through command worked. */
function confirmation(cmd: ManagerCommand): string {
  switch (cmd.verb) {
    case 'response':
      return `Recorded the ${CODE_LABELS[cmd.code]} response on ${cmd.ref}.`;
    case 'action':
      return `Action added to ${cmd.ref}. I will remind the owner before it is due.`;
    case 'done':
      return `Action ${cmd.actionId} on ${cmd.ref} marked done.`;
    case 'drop':
      return `Action ${cmd.actionId} on ${cmd.ref} recorded as not going ahead.`;
    case 'debrief':
      return `Debrief recorded on ${cmd.ref}.`;
    case 'sent':
      return `Commissioner update recorded as sent for ${cmd.ref}.`;
    case 'handover':
      return `${cmd.ref} handed over. They have been told.`;
    case 'close':
      return `${cmd.ref} is closed. Please complete the learning review: review ${cmd.ref} ANY DELAY | COMMUNICATION GAP | UNCLEAR THRESHOLD | WHAT CHANGES`;
    case 'review':
      return `Learning review recorded for ${cmd.ref}. Thank you.`;
    case 'commissioner':
      return '';
  }
}

/**
 * A promise started now and awaited later, so its work overlaps other round trips: its failure
 * is reported where it is awaited, never as an unhandled rejection meanwhile.
 */
function inFlight<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

export type { Incident };
