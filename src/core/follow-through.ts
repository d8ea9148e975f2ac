// Follow-through after the first notifications, pure: agency responses, agreed actions, staff
// support and debrief, the commissioner update, hand-over, closure and the learning review.
// Each change edits the incident it is given and returns a problem to show, or null.

import { CODE_LABELS, localTime } from './messages.js';
import { openItems } from './incident.js';
import type { AgreedAction, FollowThrough, Incident, ManagerCommand } from './types.js';

export function follow(inc: Incident): FollowThrough {
  inc.follow ??= { responses: [], actions: [] };
  return inc.follow;
}

export interface FollowContext {
  now: Date;
  /** Person id of whoever is acting. */
  by: string;
  /** Local "YYYY-MM-DD[ HH:MM]" → instant in the organisation's time zone; null when not a date. */
  parseLocal: (text: string, defaultTime: string) => Date | null;
  personExists: (id: string) => boolean;
}

/** Incidents that involve abuse, violence, death, self-harm or a child at risk: staff are offered support. */
export function needsStaffSupport(inc: Incident): boolean {
  const a = inc.answers;
  const cats = Array.isArray(a['categories']) ? (a['categories'] as string[]) : [];
  return (
    a['abuse_suspected'] === 'yes' ||
    ['assault', 'sexual_offence'].includes(String(a['crime'] ?? '')) ||
    (a['death'] !== undefined && a['death'] !== 'no') ||
    ['harm_done', 'plan_or_intent'].includes(String(a['mh_crisis'] ?? '')) ||
    (a['child_concern'] !== undefined && a['child_concern'] !== 'none') ||
    cats.some((c) => ['abuse', 'death', 'child'].includes(c))
  );
}

export function overdueActions(inc: Incident, now: Date): AgreedAction[] {
  return (inc.follow?.actions ?? []).filter((x) => x.status === 'open' && new Date(x.dueAt) <= now);
}

/** What stops an incident closing: required escalations not yet done or decided, and open actions. */
export function closureBlockers(inc: Incident): string[] {
  const out = openItems(inc).map((e) => `${CODE_LABELS[e.code]}: not yet notified, and no decision not to notify`);
  for (const x of inc.follow?.actions ?? []) if (x.status === 'open') out.push(`Action ${x.id} (${x.what}): not done yet`);
  return out;
}

export function applyCommand(inc: Incident, cmd: ManagerCommand, c: FollowContext): string | null {
  const now = c.now.toISOString();
  if (inc.status === 'closed' && cmd.verb !== 'review') return `${inc.ref} is closed.`;
  const f = follow(inc);
  switch (cmd.verb) {
    case 'response': {
      if (!inc.escalations.some((e) => e.code === cmd.code)) return `${CODE_LABELS[cmd.code]} is not on ${inc.ref}.`;
      let meetingAt: string | undefined;
      if (cmd.meetingAt) {
        const d = c.parseLocal(cmd.meetingAt, '10:00');
        if (!d) return 'I could not read the meeting date. Use YYYY-MM-DD HH:MM.';
        meetingAt = d.toISOString();
      }
      f.responses.push({
        code: cmd.code,
        response: cmd.response,
        ...(cmd.reference ? { reference: cmd.reference.slice(0, 100) } : {}),
        ...(cmd.summary ? { summary: cmd.summary.slice(0, 500) } : {}),
        ...(meetingAt ? { meetingAt } : {}),
        by: c.by,
        at: now,
      });
      break;
    }
    case 'action': {
      if (!c.personExists(cmd.owner)) return `I do not know "${cmd.owner}". Use a person id from the organisation file.`;
      const due = c.parseLocal(cmd.due, '17:00');
      if (!due) return 'I could not read the due date. Use YYYY-MM-DD or YYYY-MM-DD HH:MM.';
      const id = `A${f.actions.length + 1}`;
      f.actions.push({ id, what: cmd.what.slice(0, 300), owner: cmd.owner, dueAt: due.toISOString(), ...(cmd.agency ? { agency: cmd.agency } : {}), status: 'open', addedBy: c.by, addedAt: now });
      break;
    }
    case 'done':
    case 'drop': {
      const x = f.actions.find((a) => a.id === cmd.actionId);
      if (!x) return `There is no action ${cmd.actionId} on ${inc.ref}.`;
      if (x.status !== 'open') return `Action ${x.id} is already ${x.status}.`;
      x.status = cmd.verb === 'done' ? 'done' : 'dropped';
      x.note = (cmd.verb === 'done' ? cmd.note : cmd.reason).slice(0, 500);
      x.closedBy = c.by;
      x.closedAt = now;
      break;
    }
    case 'debrief':
      f.support = { ...(f.support ?? {}), debriefBy: c.by, debriefAt: now, ...(cmd.note ? { debriefNote: cmd.note.slice(0, 500) } : {}) };
      break;
    case 'commissioner':
      return null; // the draft is built by the caller (needs the organisation's policy)
    case 'sent': {
      if (!f.commissioner?.draft) return `Draft the update first: commissioner ${inc.ref}`;
      f.commissioner = { ...f.commissioner, sentAt: now, how: cmd.how.slice(0, 200), sentBy: c.by };
      const item = inc.escalations.find((e) => e.code === 'commissioner');
      if (item && item.itemStatus === 'open') {
        item.itemStatus = 'notified';
        item.notified = { by: c.by, who: 'Commissioner', at: now, reference: cmd.how.slice(0, 100) };
      }
      break;
    }
    case 'handover': {
      if (!c.personExists(cmd.to)) return `I do not know "${cmd.to}". Use a person id from the organisation file.`;
      if (inc.paging.owner === cmd.to) return `${inc.ref} is already with them.`;
      f.handovers = [...(f.handovers ?? []), { ...(inc.paging.owner ? { from: inc.paging.owner } : {}), to: cmd.to, by: c.by, at: now }];
      inc.paging.owner = cmd.to;
      break;
    }
    case 'close': {
      const blockers = closureBlockers(inc);
      if (blockers.length) return `${inc.ref} cannot close yet. Still open:\n${blockers.map((b) => `• ${b}`).join('\n')}`;
      inc.status = 'closed';
      f.closedAt = now;
      f.closedBy = c.by;
      break;
    }
    case 'review':
      if (inc.status !== 'closed') return `Close ${inc.ref} first; the learning review follows closure.`;
      f.review = { by: c.by, at: now, delay: cmd.delay.slice(0, 500), gap: cmd.gap.slice(0, 500), threshold: cmd.threshold.slice(0, 500), change: cmd.change.slice(0, 500) };
      break;
  }
  inc.updatedAt = now;
  return null;
}

/** A short update for the commissioner, from the record: no narrative, names only as policy allows. */
export function commissionerDraft(
  inc: Incident,
  o: { orgName: string; serviceName: string; commissioner: string; timeZone: string; names: 'none' | 'initials' | 'local_id' },
): string {
  const cats = Array.isArray(inc.answers['categories']) ? (inc.answers['categories'] as string[]).join(', ').replace(/_/g, ' ') : 'not given';
  const told = inc.escalations
    .filter((e) => e.itemStatus === 'notified' && e.code !== 'oncall_manager' && e.code !== 'commissioner')
    .map((e) => `${CODE_LABELS[e.code]} on ${localTime(e.notified?.at, o.timeZone)}${e.notified?.reference ? ` (ref ${e.notified.reference})` : ''}`);
  const responses = (inc.follow?.responses ?? []).map((r) => `${CODE_LABELS[r.code]}: ${r.response.replace(/_/g, ' ')}${r.reference ? ` (ref ${r.reference})` : ''}`);
  const actions = (inc.follow?.actions ?? []).map((x) => `${x.id} ${x.what}, due ${localTime(x.dueAt, o.timeZone)}, ${x.status}`);
  const person = o.names === 'none' ? '' : `Person: ${inc.subject || 'not given'}.\n`;
  return [
    `To: ${o.commissioner}`,
    `From: ${o.orgName}, ${o.serviceName}`,
    `Incident ${inc.ref}, reported ${localTime(inc.createdAt, o.timeZone)}.`,
    `${person}Type: ${cats}.`,
    `Agencies told: ${told.length ? told.join('; ') : 'none yet'}.`,
    ...(responses.length ? [`Their responses: ${responses.join('; ')}.`] : []),
    `Actions agreed: ${actions.length ? actions.join('; ') : 'none yet'}.`,
    `Status: ${inc.status}. We will update you on any change.`,
  ].join('\n');
}
