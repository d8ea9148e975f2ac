// Plain-English lines for an incident's events, shared by the CSV export, the evidence pack and
// the governance report: local times with the zone (GMT/BST) and seconds, people by name, agencies
// by label. Event types this file does not know are shown as their type and data, never dropped.

import type { Organisation } from '../conversations/organisation.js';
import { CODE_LABELS, LEVEL_LABELS, TIMING_LABELS } from '../core/messages.js';
import type { EscalationCode, Level, Timing } from '../core/types.js';
import { canonicalJson } from '../store/chain.js';
import type { StoredEvent } from '../store/port.js';

/** "Wed 1 Jul 2026, 10:00:00 BST": local time in `timeZone`, with seconds and the zone's short name. */
export function localStamp(iso: string | undefined | null, timeZone: string): string {
  if (!iso) return 'not known';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(d);
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? '';
  return `${p('weekday')} ${p('day')} ${p('month')} ${p('year')}, ${p('hour')}:${p('minute')}:${p('second')} ${p('timeZoneName')}`;
}

type Org = Pick<Organisation, 'people' | 'services' | 'timezone'>;

export function personName(org: Pick<Organisation, 'people'>, id: unknown): string {
  if (typeof id !== 'string' || !id) return 'someone';
  return org.people.find((p) => p.id === id)?.name ?? id;
}

export function serviceName(org: Pick<Organisation, 'services'>, id: unknown): string {
  if (typeof id !== 'string') return 'unknown service';
  return org.services.find((s) => s.id === id)?.name ?? id;
}

export function agencyLabel(code: unknown): string {
  return typeof code === 'string' && code in CODE_LABELS ? CODE_LABELS[code as EscalationCode] : String(code);
}

/** "some_key" → "some key"; lists joined with commas. */
export function humanise(v: unknown): string {
  if (v === null || v === undefined || v === '') return 'not given';
  if (Array.isArray(v)) return v.length ? v.map(humanise).join(', ') : 'none';
  if (typeof v === 'object') return canonicalJson(v);
  return String(v).replace(/_/g, ' ');
}

const str = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'string' ? v : canonicalJson(v));
const names = (org: Org, v: unknown) => (Array.isArray(v) ? v.map((x) => personName(org, x)).join(', ') : personName(org, v));

/** One line saying what an event records. */
export function eventSummary(e: Pick<StoredEvent, 'type' | 'data'>, org: Org): string {
  const d = e.data ?? {};
  const by = () => personName(org, d.by);
  switch (e.type) {
    case 'reported': {
      const r = d.reporter as { name?: string; id?: string; platform?: string } | undefined;
      const who = r?.name ?? (r?.id ? personName(org, r.id) : 'someone');
      return `Reported by ${who}${r?.platform ? ` (${r.platform})` : ''} for ${serviceName(org, d.serviceId)}${d.emergency ? ', starting with an emergency answer' : ''}. Flow ${str(d.flow)}, rules ${str(d.rules)}.`;
    }
    case 'safety_answer':
      return `Safety question ${humanise(d.key)}: ${humanise(d.value)}.`;
    case 'intake_completed': {
      const unsure = Array.isArray(d.unsure) && d.unsure.length ? ` Not sure: ${humanise(d.unsure)}.` : '';
      const challenged = Array.isArray(d.challenged) && d.challenged.length ? ` Answers checked against the narrative: ${humanise(d.challenged)}.` : '';
      return `Report completed. Person: ${str(d.subject) || 'not given'}. Happened: ${d.occurredAt ? localStamp(str(d.occurredAt), org.timezone) : 'not known'}.${unsure}${challenged} Narrative: ${str(d.narrative) || 'none'}`;
    }
    case 'decision': {
      const items = Array.isArray(d.escalations) ? (d.escalations as Array<Record<string, unknown>>) : [];
      const lines = items
        .filter((x) => x.level !== 'not_needed')
        .map((x) => `${agencyLabel(x.code)}: ${LEVEL_LABELS[x.level as Level] ?? str(x.level)}, ${TIMING_LABELS[x.timing as Timing] ?? str(x.timing)} [${Array.isArray(x.rules) ? x.rules.join(', ') : ''}]`);
      return `Decision: ${lines.join('; ') || 'no outside agency'}. Rules ${str(d.rules)}.`;
    }
    case 'page_sent':
      return `Page sent to ${names(org, d.to)} (tier ${str(d.tier)}, attempt ${Number(d.attempt ?? 0) + 1}).`;
    case 'page_unreachable':
      return `Could not page ${names(org, d.people)} in chat (tier ${str(d.tier)}).`;
    case 'paging_exhausted':
      return `Every tier was paged and nobody acknowledged (${str(d.tiers)} tiers).`;
    case 'acknowledged':
      return `Acknowledged by ${by()}.`;
    case 'notified':
      return `${agencyLabel(d.code)} told: ${str(d.who) || 'not given'}, at ${localStamp(str(d.at), org.timezone)}${d.reference ? `, reference ${str(d.reference)}` : ''}. Recorded by ${by()}.`;
    case 'not_notifying':
      return `Decided not to notify ${agencyLabel(d.code)}: ${str(d.reason)}. Decided by ${by()}.`;
    case 'overdue':
      return `${agencyLabel(d.code)} is overdue.`;
    case 'recheck_prompted':
      return `Manager asked to re-check ${agencyLabel(d.code)}.`;
    case 'handover':
      return `Handed over from ${personName(org, d.from)} to ${personName(org, d.to)} by ${by()}.`;
    case 'agency_response': {
      const meeting = d.meetingAt ? ` Strategy meeting ${localStamp(str(d.meetingAt), org.timezone)}.` : '';
      return `${agencyLabel(d.code)} replied: ${humanise(d.response)}${d.reference ? ` (reference ${str(d.reference)})` : ''}.${d.summary ? ` ${str(d.summary)}` : ''}${meeting} Recorded by ${by()}.`;
    }
    case 'action_added': {
      const due = d.dueAt ?? d.due;
      return `Action ${str(d.id)} agreed: ${str(d.what)}. Owner ${personName(org, d.owner)}${due ? `, due ${localStamp(str(due), org.timezone)}` : ''}${d.agency ? ` (for ${agencyLabel(d.agency)})` : ''}.`;
    }
    case 'action_completed':
      return `Action ${str(d.id)} done by ${by()}${d.note ? `: ${str(d.note)}` : ''}.`;
    case 'action_dropped':
      return `Action ${str(d.id)} will not go ahead (${by()})${d.note ? `: ${str(d.note)}` : ''}.`;
    case 'action_overdue':
      return `Action ${str(d.id)} is overdue.`;
    case 'debrief_reminder':
      return `Debrief reminder sent to ${personName(org, d.to)}.`;
    case 'closed':
      return `Closed by ${by()}.`;
    case 'learning_review':
      return `Learning review by ${by()}: ${reviewLines(d).join('; ') || 'no answers'}.`;
    case 'support_offered':
      return 'Staff support offered.';
    case 'debrief_recorded':
      return `Debrief recorded by ${by()}${d.at ? `, held ${localStamp(str(d.at), org.timezone)}` : ''}.`;
    case 'commissioner_update': {
      if (!d.sent) return 'Commissioner update drafted.';
      const sent = typeof d.sent === 'object' && d.sent ? (d.sent as Record<string, unknown>) : d;
      const how = sent.how ? ` (${str(sent.how)})` : '';
      const when = sent.at ? `, ${localStamp(str(sent.at), org.timezone)}` : '';
      return `Commissioner update sent${how}${when}${d.by ? ` by ${by()}` : ''}.`;
    }
    case 'consent_capacity':
      return `Capacity: ${humanise(d.capacity)}. Consent: ${humanise(d.consent)}. Lawful basis: ${humanise(d.lawfulBasis)}.`;
    case 'redaction':
      return `An identifier was erased by ${by()} from ${Array.isArray(d.events) ? d.events.length : 0} earlier event(s) and the incident record.`;
    default:
      return `${e.type}: ${canonicalJson(d)}`;
  }
}

const REVIEW_QUESTIONS: Array<[string, string]> = [
  ['delay', 'Any delay'],
  ['gap', 'Communication gap'],
  ['threshold', 'Unclear threshold'],
  ['change', 'What changes'],
];

/**
 * A learning review event's answers as "question: answer" lines: the app's flat form
 * {delay, gap, threshold, change}, or {answers: object | list of {question, answer}}.
 */
export function reviewLines(data: unknown): string[] {
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const d = data as Record<string, unknown>;
    if (d.answers !== undefined) return answerLines(d.answers);
    const flat = REVIEW_QUESTIONS.filter(([k]) => d[k] !== undefined).map(([k, label]) => `${label}: ${str(d[k])}`);
    if (flat.length) return flat;
  }
  return answerLines(data);
}

function answerLines(answers: unknown): string[] {
  if (Array.isArray(answers)) {
    return answers.map((a) =>
      a && typeof a === 'object' ? `${humanise((a as Record<string, unknown>).question ?? (a as Record<string, unknown>).key)}: ${str((a as Record<string, unknown>).answer ?? (a as Record<string, unknown>).value)}` : str(a),
    );
  }
  if (answers && typeof answers === 'object') return Object.entries(answers).map(([k, v]) => `${humanise(k)}: ${str(v)}`);
  return answers ? [str(answers)] : [];
}
