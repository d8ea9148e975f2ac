// Durable job handlers: pages and re-pages, tier escalation, the record in the escalations
// channel, timeline replies, deadline reminders, re-checks and idle intakes. Every handler re-reads
// state and does nothing when the work is already done, so a job that runs twice is harmless.

import { withLogContext } from './log-context.js';
import type { Job } from '../scheduler/port.js';
import { nextDailyPurgeAt, nextWeeklyDigestAt, weeklyDigestFor } from '../records/app-hooks.js';
import { purge } from '../records/privacy.js';
import { CODE_LABELS, ifClause, localTime, pageAcknowledgedMessage, pageMessage, recordMessage, sayMessage, timelineMessage } from '../core/messages.js';
import { escalationChannel, userRefFor } from '../core/people.js';
import type { EscalationCode, Incident, MessageRef, OutMessage, Platform, UserRef } from '../core/types.js';
import type { Assistant } from './assistant.js';
import type { AppContext } from './context.js';
import type { IncidentRepo } from './incident-repo.js';

/** Raised to make the scheduler retry a job later (e.g. the record is not posted yet). */
export class RetryLater extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'RetryLater';
  }
}

export class JobRunner {
  constructor(
    private readonly ctx: AppContext,
    private readonly repo: IncidentRepo,
    private readonly assistant: Assistant,
  ) {}

  async run(job: Job): Promise<void> {
    // Every log line while this job runs carries the incident ref and the job kind.
    return withLogContext({ ref: String(job.data['ref'] ?? '') || undefined, job: job.kind }, () => this.runJob(job));
  }

  private async runJob(job: Job): Promise<void> {
    const ref = String(job.data['ref'] ?? '');
    // (Platform errors and rate limits are counted by the channels themselves, on every call.)
    switch (job.kind) {
      case 'page':
        return await this.page(ref, Number(job.data['tierIndex']), Number(job.data['attempt']), Boolean(job.data['emergency']));
      case 'exhausted':
        return await this.exhausted(ref);
      case 'record':
        return await this.record(ref);
      case 'timeline':
        return await this.timeline(ref, String(job.data['text'] ?? ''));
      case 'pages-acknowledged':
        return await this.pagesAcknowledged(ref);
      case 'reminder':
        return await this.reminder(ref, job.data['code'] as EscalationCode, job.data['stage'] === 'before' ? 'before' : 'due');
      case 'recheck':
        return await this.recheck(ref, job.data['code'] as EscalationCode);
      case 'action-reminder':
        return await this.actionReminder(ref, String(job.data['actionId']), job.data['stage'] === 'before' ? 'before' : 'due');
      case 'debrief-reminder':
        return await this.debriefReminder(ref, String(job.data['personId']));
      case 'handover-notice':
        return await this.handoverNotice(ref, String(job.data['to']));
      case 'weekly-digest':
        return await this.weeklyDigest();
      case 'daily-purge':
        return await this.dailyPurge();
      case 'intake-idle': {
        const stage = job.data['stage'];
        return await this.assistant.idle(String(job.data['key']), stage === 'expire' || stage === 'check' ? stage : 'remind');
      }
      default:
        this.ctx.logger.warn({ kind: job.kind }, 'unknown job kind ignored');
    }
  }

  private platforms(): Platform[] {
    return (Object.keys(this.ctx.channels) as Platform[]).filter((p) => this.ctx.channels[p]);
  }

  private serviceName(inc: Incident): string {
    if (inc.serviceUnknown) return 'a service not given yet';
    return this.ctx.org.services.find((s) => s.id === inc.serviceId)?.name ?? inc.serviceId;
  }

  private personName(id: string | undefined): string {
    return this.ctx.org.people.find((p) => p.id === id)?.name ?? id ?? 'unknown';
  }

  /** Every way to reach a person right now, on every channel that runs. */
  private async reach(personId: string): Promise<UserRef[]> {
    const refs: UserRef[] = [];
    for (const p of this.platforms()) {
      const u = userRefFor(this.ctx.org, personId, p);
      if (u && (await this.ctx.channels[p]!.canReach(u))) refs.push(u);
    }
    return refs;
  }

  private phoneLine(personIds: string[]): string {
    return personIds
      .map((id) => this.ctx.org.people.find((p) => p.id === id))
      .filter((p) => p)
      .map((p) => `${p!.name} on ${p!.phone}`)
      .join(' or ');
  }

  // ---------------------------------------------------------------------------
  // Paging

  private async page(ref: string, tierIndex: number, attempt: number, emergency: boolean): Promise<void> {
    const inc = await this.repo.get(ref);
    if (!inc || inc.status === 'closed' || inc.paging.state === 'acknowledged' || inc.paging.state === 'exhausted') return;
    // Already sent (the emergency page also runs at once in the reporter's turn): nothing to do.
    if (inc.paging.state !== 'queued' && (inc.paging.tierIndex > tierIndex || (inc.paging.tierIndex === tierIndex && inc.paging.attempt >= attempt))) return;
    // One sender per attempt across instances; a crashed sender's claim lapses and the retry sends.
    const claimed = await this.ctx.store.put('page-claim', `${ref}:${tierIndex}:${attempt}`, { at: this.ctx.now().toISOString() }, null, 60);
    if (claimed === null) throw new RetryLater('this page is being sent elsewhere');
    const tier = inc.paging.policy[tierIndex];
    if (!tier) return this.exhausted(ref);

    const sent: Record<string, MessageRef[]> = {};
    const unreachable: string[] = [];
    try {
      for (const personId of tier.people) {
        const targets = await this.reach(personId);
        if (!targets.length) {
          unreachable.push(personId);
          continue;
        }
        const msg = pageMessage(inc, { serviceName: this.serviceName(inc), timeZone: this.ctx.org.timezone, reporterName: inc.reporter.name ?? 'a member of staff', emergency, tier: tier.tier });
        for (const u of targets) {
          try {
            const m = await this.ctx.channels[u.platform]!.sendDirect(u, msg);
            (sent[personId] ??= []).push(m);
            this.ctx.metrics?.pagesSent.inc();
          } catch (err) {
            this.ctx.metrics?.pagesFailed.inc();
            if (!sent[personId]) throw err; // nothing reached this person: retry the job, never drop the page
          }
        }
      }
    } catch (err) {
      await this.ctx.store.del('page-claim', `${ref}:${tierIndex}:${attempt}`); // let the retry send it
      throw err;
    }

    const now = this.ctx.now();
    const updated = await this.repo.update(ref, (i) => {
      if (i.paging.state === 'acknowledged') return false;
      i.paging.state = 'paging';
      i.paging.tierIndex = tierIndex;
      i.paging.attempt = attempt;
      i.paging.firstPagedAt ??= now.toISOString();
      i.messages.pages ??= {};
      for (const [pid, refs] of Object.entries(sent)) i.messages.pages[pid] = [...(i.messages.pages[pid] ?? []), ...refs];
      if (unreachable.length) i.paging.unreachable = [...new Set([...(i.paging.unreachable ?? []), ...unreachable])];
      i.updatedAt = now.toISOString();
      return true;
    });
    if (!updated) return; // acknowledged while we were sending
    const names = Object.keys(sent).map((id) => this.personName(id));
    if (names.length) {
      // The log entry, the record, the timeline and the next timer go together.
      await Promise.all([
        this.repo.changed(updated, 'page_sent', { tier: tier.tier, attempt, to: Object.keys(sent) }, `Paged ${names.join(', ')} (tier ${tier.tier}${attempt ? `, repeat ${attempt}` : ''}).`),
        this.next(updated, tierIndex, attempt, emergency, tier.ackTimeoutMinutes * 60_000),
      ]);
      return;
    }

    if (unreachable.length) {
      // Nobody at this tier can be reached in chat: say so at once and move straight on.
      await this.repo.changed(updated, 'page_unreachable', { tier: tier.tier, people: unreachable },
        `Cannot reach ${unreachable.map((id) => this.personName(id)).join(', ')} in chat. Paging the next tier.`);
      await this.alertChannel(updated, `${updated.ref}: I cannot reach ${unreachable.map((id) => this.personName(id)).join(', ')} in chat. Please phone them: ${this.phoneLine(unreachable)}.`, false, unreachable);
      await this.tellReporter(updated, `I cannot reach the on-call manager in chat. Please phone ${this.phoneLine(unreachable)} now. I am paging the next manager too.`);
      return this.next(updated, tierIndex, attempt, emergency, 0);
    }
    return this.next(updated, tierIndex, attempt, emergency, tier.ackTimeoutMinutes * 60_000);
  }

  private async next(inc: Incident, tierIndex: number, attempt: number, emergency: boolean, delayMs: number): Promise<void> {
    const tier = inc.paging.policy[tierIndex]!;
    const at = new Date(this.ctx.now().getTime() + delayMs);
    if (delayMs > 0 && attempt < tier.repeats) {
      await this.ctx.scheduler.schedule({ id: `page:${inc.ref}:${tierIndex}:${attempt + 1}`, kind: 'page', at, data: { ref: inc.ref, tierIndex, attempt: attempt + 1, emergency }, urgent: true });
    } else if (tierIndex + 1 < inc.paging.policy.length) {
      await this.ctx.scheduler.schedule({ id: `page:${inc.ref}:${tierIndex + 1}:0`, kind: 'page', at, data: { ref: inc.ref, tierIndex: tierIndex + 1, attempt: 0, emergency }, urgent: true });
    } else {
      await this.ctx.scheduler.schedule({ id: `exhausted:${inc.ref}`, kind: 'exhausted', at, data: { ref: inc.ref }, urgent: true });
    }
  }

  /** Every tier paged, nobody acknowledged: a channel-wide alert and a message telling the reporter to phone. */
  private async exhausted(ref: string): Promise<void> {
    const inc = await this.repo.update(ref, (i) => {
      if (i.paging.state === 'acknowledged' || i.paging.state === 'exhausted' || i.status === 'closed') return false;
      i.paging.state = 'exhausted';
      i.updatedAt = this.ctx.now().toISOString();
      return true;
    });
    if (!inc) return;
    const everyone = inc.paging.policy.flatMap((t) => t.people);
    await this.repo.changed(inc, 'paging_exhausted', { tiers: inc.paging.policy.length }, 'Nobody acknowledged. Every tier was paged.');
    await this.alertChannel(inc, `${inc.ref} at ${this.serviceName(inc)} has NOT been acknowledged by any manager. Can someone pick it up now? Phone ${this.phoneLine(everyone)}.`, true);
    await this.tellReporter(inc, `No manager has answered yet. Please phone ${this.phoneLine(everyone)} now and give them reference ${inc.ref}.`);
  }

  /** An alert in the escalations channel, optionally to everyone there or naming people with @mentions. */
  private async alertChannel(inc: Incident, text: string, everyone = false, mention: string[] = []): Promise<void> {
    for (const p of this.platforms()) {
      const where = escalationChannel(this.ctx.org, p, inc.serviceId);
      if (!where) continue;
      const mentions = mention.map((id) => userRefFor(this.ctx.org, id, p)).filter((u): u is UserRef => Boolean(u));
      await this.ctx.channels[p]!.postChannel(where.conversation, { kind: 'alert', text, blocks: [{ type: 'text', text, emphasis: 'urgent' }], mentionChannel: everyone, mentions });
    }
  }

  private async tellReporter(inc: Incident, text: string): Promise<void> {
    await this.ctx.channels[inc.reporter.platform]?.sendDirect(inc.reporter, sayMessage(text, 'urgent'));
  }

  private async pagesAcknowledged(ref: string): Promise<void> {
    const inc = await this.repo.get(ref);
    if (!inc || inc.paging.state !== 'acknowledged') return;
    const msg = pageAcknowledgedMessage(inc, { serviceName: this.serviceName(inc), timeZone: this.ctx.org.timezone, byName: this.personName(inc.paging.acknowledgedBy) });
    for (const refs of Object.values(inc.messages.pages ?? {})) for (const m of refs) await this.ctx.channels[m.platform]?.update(m, msg);
    await this.tellReporter(inc, `${this.personName(inc.paging.acknowledgedBy)} has picked up ${inc.ref}. Thank you for reporting it.`);
  }

  // ---------------------------------------------------------------------------
  // The record and its timeline

  private recordFor(inc: Incident): OutMessage {
    return recordMessage(inc, {
      serviceName: this.serviceName(inc),
      timeZone: this.ctx.org.timezone,
      now: this.ctx.now(),
      ownerName: this.personName(inc.paging.owner ?? inc.paging.acknowledgedBy),
      nameOf: (id) => this.personName(id),
    });
  }

  private async record(ref: string): Promise<void> {
    const inc = await this.repo.get(ref);
    if (!inc) return;
    for (const p of this.platforms()) {
      const where = escalationChannel(this.ctx.org, p, inc.serviceId);
      if (!where) continue;
      const shown = this.recordFor(inc);
      const existing = inc.messages.records?.[p];
      if (existing) {
        await this.ctx.channels[p]!.update(existing, shown);
        await this.showLatest(ref, p, existing, shown);
        continue;
      }
      // First post: claim it so two instances never post twice.
      const claim = await this.ctx.store.put('record-claim', `${ref}:${p}`, { at: this.ctx.now().toISOString() }, null, 300);
      if (claim === null) throw new RetryLater('record post in progress elsewhere');
      let posted: MessageRef;
      try {
        posted = await this.ctx.channels[p]!.postChannel(where.conversation, shown);
      } catch (err) {
        await this.ctx.store.del('record-claim', `${ref}:${p}`); // the retry posts it, without waiting for the claim to lapse
        throw err;
      }
      await this.repo.update(ref, (i) => {
        i.messages.records = { ...(i.messages.records ?? {}), [p]: posted };
        return true;
      });
      await this.showLatest(ref, p, posted, shown);
    }
  }

  /**
   * After posting or updating the record, look again and re-render while what it would show has
   * changed: the incident may have moved on meanwhile, and record jobs for one incident can run
   * side by side, so an older rendering can reach the platform after a newer one. Whoever
   * finishes last brings the record to the latest state.
   */
  private async showLatest(ref: string, p: Platform, at: MessageRef, shown: OutMessage): Promise<void> {
    for (let i = 0; i < 5; i++) {
      const now = await this.repo.get(ref);
      if (!now) return;
      const latest = this.recordFor(now);
      if (JSON.stringify(latest) === JSON.stringify(shown)) return;
      await this.ctx.channels[p]!.update(at, latest);
      shown = latest;
    }
  }

  private async timeline(ref: string, text: string): Promise<void> {
    const inc = await this.repo.get(ref);
    if (!inc || !text) return;
    const stamped = `${localTime(this.ctx.now().toISOString(), this.ctx.org.timezone)} · ${text}`;
    for (const p of this.platforms()) {
      if (!escalationChannel(this.ctx.org, p, inc.serviceId)) continue;
      const parent = inc.messages.records?.[p];
      if (!parent) throw new RetryLater('record not posted yet');
      await this.ctx.channels[p]!.reply(parent, timelineMessage(stamped));
    }
  }

  // ---------------------------------------------------------------------------
  // Deadlines

  private async reminder(ref: string, code: EscalationCode, stage: 'before' | 'due'): Promise<void> {
    const inc = await this.repo.get(ref);
    const item = inc?.escalations.find((e) => e.code === code);
    if (!inc || inc.status === 'closed' || !item || item.itemStatus !== 'open') return;
    const owner = inc.paging.owner;
    const text =
      stage === 'before'
        ? `Reminder: ${CODE_LABELS[code]} for ${ref} is due by ${localTime(item.dueAt, this.ctx.org.timezone)}.`
        : `Overdue: ${CODE_LABELS[code]} for ${ref} was due at ${localTime(item.dueAt, this.ctx.org.timezone)}. Record it, or record why not.`;
    if (owner) for (const u of await this.reach(owner)) await this.ctx.channels[u.platform]!.sendDirect(u, sayMessage(text, stage === 'due' ? 'urgent' : undefined));
    if (stage === 'due') await this.repo.changed(inc, 'overdue', { code }, `${CODE_LABELS[code]} is overdue.`);
  }

  private async recheck(ref: string, code: EscalationCode): Promise<void> {
    const inc = await this.repo.get(ref);
    const item = inc?.escalations.find((e) => e.code === code);
    if (!inc || inc.status === 'closed' || !item || item.itemStatus !== 'open' || !inc.paging.owner) return;
    const text = `Re-check ${ref}: ${CODE_LABELS[code]} becomes required${ifClause(item.condition || 'things have changed')}. Record it as notified, or record why not.`;
    for (const u of await this.reach(inc.paging.owner)) await this.ctx.channels[u.platform]!.sendDirect(u, sayMessage(text));
    await this.ctx.store.append(ref, 'recheck_prompted', { code });
  }

  // ---------------------------------------------------------------------------
  // Follow-through

  private async dm(personId: string, msg: OutMessage): Promise<boolean> {
    const targets = await this.reach(personId);
    for (const u of targets) await this.ctx.channels[u.platform]!.sendDirect(u, msg);
    return targets.length > 0;
  }

  private async actionReminder(ref: string, actionId: string, stage: 'before' | 'due'): Promise<void> {
    const inc = await this.repo.get(ref);
    const action = inc?.follow?.actions.find((a) => a.id === actionId);
    if (!inc || !action || action.status !== 'open') return;
    const when = localTime(action.dueAt, this.ctx.org.timezone);
    const text =
      stage === 'before'
        ? `Reminder: action ${action.id} on ${ref} is due by ${when}: ${action.what}. When it is done, type: done ${ref} ${action.id} NOTE`
        : `Overdue: action ${action.id} on ${ref} was due at ${when}: ${action.what}. Type: done ${ref} ${action.id} NOTE, or drop ${ref} ${action.id} REASON`;
    await this.dm(action.owner, sayMessage(text, stage === 'due' ? 'urgent' : undefined));
    if (stage === 'due') await this.repo.changed(inc, 'action_overdue', { id: action.id }, `Action ${action.id} is overdue.`);
  }

  private async debriefReminder(ref: string, personId: string): Promise<void> {
    const inc = await this.repo.get(ref);
    if (!inc || inc.follow?.support?.debriefAt) return;
    await this.dm(personId, sayMessage(`Please arrange a debrief for the staff involved in ${ref}. When it has happened, type: debrief ${ref} NOTE`));
    await this.ctx.store.append(ref, 'debrief_reminder', { to: personId });
  }

  private async handoverNotice(ref: string, to: string): Promise<void> {
    const inc = await this.repo.get(ref);
    if (!inc || inc.paging.owner !== to) return;
    await this.dm(to, { ...pageMessage(inc, { serviceName: this.serviceName(inc), timeZone: this.ctx.org.timezone, reporterName: inc.reporter.name ?? 'a member of staff', emergency: false, tier: 1 }), actions: [] });
    await this.dm(to, sayMessage(`${ref} has been handed over to you. The record in the escalations channel shows what is still open.`));
  }

  // ---------------------------------------------------------------------------
  // Housekeeping: the weekly digest and the daily retention purge, each scheduling the next

  /** Queue the next digest and purge (deterministic ids: several instances queue each once). */
  async scheduleHousekeeping(): Promise<void> {
    const now = this.ctx.now();
    const digestAt = nextWeeklyDigestAt(now, this.ctx.org);
    const purgeAt = nextDailyPurgeAt(now, this.ctx.org);
    await this.ctx.scheduler.schedule({ id: `weekly-digest:${digestAt.toISOString()}`, kind: 'weekly-digest', at: digestAt, data: {} });
    await this.ctx.scheduler.schedule({ id: `daily-purge:${purgeAt.toISOString()}`, kind: 'daily-purge', at: purgeAt, data: {} });
  }

  private async weeklyDigest(): Promise<void> {
    const msg = await weeklyDigestFor(this.ctx.store, this.ctx.org, this.ctx.now());
    for (const p of this.platforms()) {
      const where = escalationChannel(this.ctx.org, p);
      if (where) await this.ctx.channels[p]!.postChannel(where.conversation, msg);
    }
    await this.scheduleHousekeeping();
  }

  private async dailyPurge(): Promise<void> {
    const result = await purge(this.ctx.store, this.ctx.org, this.ctx.now());
    this.ctx.logger.info({ sessions: result.sessions, incidents: result.incidents.length, eventLogs: result.eventLogs.length, keptOpen: result.keptOpen.length }, 'retention purge done');
    await this.scheduleHousekeeping();
  }
}

