// Every message a person reads, built once as a neutral OutMessage and rendered by each channel.
// Plain UK English, short enough for a phone, never blaming the reporter. Channel posts carry the
// service, the reference, initials and categories: never the narrative.

import { format } from 'date-fns';
import { tz } from '@date-fns/tz';
import type { Flow } from '../conversations/flow-schema.js';
import { choicesFor, stepById, UNSURE_ID, type IntakeContext } from './intake/runtime.js';
import type { Session } from './intake/session.js';
import { pageNeeded } from './incident.js';
import type { Action, Block, EscalationCode, EscalationItem, Incident, Level, OutMessage, Timing } from './types.js';

export const CODE_LABELS: Record<EscalationCode, string> = {
  oncall_manager: 'On-call manager',
  emergency_999: 'Police (999)',
  police_101: 'Police (101)',
  ambulance: 'Ambulance (999)',
  safeguarding_adults: 'Adult safeguarding team',
  childrens_safeguarding: "Children's social care",
  lado: 'LADO',
  crisis_mental_health: 'Crisis mental health team',
  gp_or_health: 'GP or health professional',
  cqc_notification: 'CQC notification',
  riddor: 'RIDDOR report to HSE',
  commissioner: 'Commissioner',
  family_nok: 'Family or next of kin',
  duty_of_candour: 'Duty of candour',
};

export const LEVEL_LABELS: Record<Level, string> = {
  required: 'Required',
  consult: 'Manager to decide',
  conditional: 'Re-check',
  recommended: 'Recommended',
  not_needed: 'Not needed',
};

export const TIMING_LABELS: Record<Timing, string> = {
  now: 'now',
  urgent_hours: 'within hours',
  without_delay_statutory: 'without delay',
  same_working_day: 'same working day',
  one_working_day: 'within 1 working day',
  candour_asap: 'as soon as possible (10 working days)',
  riddor_10d: 'within 10 days',
  riddor_15d: 'within 15 days',
  routine: 'routine',
};

export function localTime(iso: string | undefined, timeZone: string): string {
  if (!iso) return 'not known';
  // Records and reminders show the same few times again and again; formatting in a time zone
  // costs tens of microseconds each time, so the text is remembered (a bounded cache).
  const key = `${timeZone}|${iso}`;
  let text = localTimes.get(key);
  if (text === undefined) {
    if (localTimes.size >= LOCAL_TIMES_MAX) localTimes.clear();
    text = format(new Date(iso), 'EEE d MMM yyyy, HH:mm', { in: tz(timeZone) });
    localTimes.set(key, text);
  }
  return text;
}
const LOCAL_TIMES_MAX = 5000;
const localTimes = new Map<string, string>();

function say(text: string, emphasis?: 'urgent'): OutMessage {
  return { kind: emphasis ? 'alert' : 'say', text, blocks: [{ type: 'text', text, ...(emphasis ? { emphasis } : {}) }] };
}

export { say as sayMessage };

/** The current question, with its choices as buttons. */
export function questionMessage(ctx: Pick<IntakeContext, 'flow' | 'services'>, s: Session): OutMessage {
  const step = stepById(ctx.flow, s.stepId);
  if (step.kind === 'time' && s.pendingTime) {
    const text = `I have that as: ${s.pendingTime.readBack}. Is that right?`;
    return {
      kind: 'question',
      text,
      blocks: [{ type: 'text', text }],
      question: { stepId: step.id, choices: [{ id: 'yes', label: 'Yes' }, { id: 'no', label: 'No' }], freeText: true },
    };
  }
  if (step.kind === 'confirm') return summaryMessage(ctx.flow, s, ctx);
  const choices = step.kind === 'text' ? [] : step.kind === 'time' ? [{ id: UNSURE_ID, label: ctx.flow.unsure_label }] : choicesFor(ctx, step);
  const blocks: Block[] = [{ type: 'text', text: step.text }];
  const flag = step.key ? s.flags.find((f) => f.key === step.key && s.answers[step.key!] === undefined) : undefined;
  const flagged = flag ? step.choices?.find((c) => c.id === flag.value) : undefined;
  if (flag && flagged) blocks.push({ type: 'text', text: `You wrote "${flag.evidence}". That sounds like: ${flagged.label}. Please check.`, emphasis: 'muted' });
  if (step.kind === 'multi') {
    const chosen = Array.isArray(s.answers[step.key!]) ? (s.answers[step.key!] as string[]) : [];
    const labels = (step.choices ?? []).filter((c) => chosen.includes(c.id)).map((c) => c.label);
    blocks.push({ type: 'text', text: labels.length ? `Chosen so far: ${labels.join(', ')}. Press Done when finished.` : 'Choose one or more, then press Done.', emphasis: 'muted' });
  }
  const numbered = choices.map((c, i) => `${i + 1}. ${c.label}`).join('  ');
  return {
    kind: 'question',
    text: [step.text, flag && flagged ? `(You wrote "${flag.evidence}": that sounds like ${flagged.label}.)` : '', numbered].filter(Boolean).join('\n'),
    blocks,
    question: { stepId: step.id, choices, freeText: true },
  };
}

/** A question once answered: the same text, the answer, no buttons (stale buttons cannot be clicked). */
export function answeredMessage(flow: Flow, stepId: string, answer: string): OutMessage {
  const step = stepById(flow, stepId);
  const text = `${step.text}\n→ ${answer}`;
  return { kind: 'answered', text, blocks: [{ type: 'text', text: step.text, emphasis: 'muted' }, { type: 'text', text: `→ ${answer}` }] };
}

function answerLabel(flow: Flow, key: string, value: string | string[]): string {
  const step = flow.steps.find((s) => s.key === key);
  const label = (v: string) => step?.choices?.find((c) => c.id === v)?.label ?? v;
  return Array.isArray(value) ? value.map(label).join(', ') || 'none' : label(value);
}

/** At most `max` characters, cut at a word, with an ellipsis. */
function clipText(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max).replace(/\s+\S*$/, '')}…`;
}

export function summaryMessage(flow: Flow, s: Session, ctx: Pick<IntakeContext, 'services'>, timeZone = 'Europe/London'): OutMessage {
  const service = ctx.services.find((x) => x.id === s.fields.serviceId)?.name ?? 'not given';
  const fields = [
    { label: 'Service', value: service },
    { label: 'Person', value: s.fields.subject ?? 'not given' },
    { label: 'When', value: s.fields.occurredAt ? localTime(s.fields.occurredAt, timeZone) : 'not known' },
    { label: 'What happened', value: s.fields.narrative ? clipText(s.fields.narrative, 200) : 'not given' },
  ];
  // Safety answers are shown too: they cannot be changed here, but the reporter checks everything sent.
  const answers = flow.steps
    .filter((st) => st.key && s.answers[st.key] !== undefined)
    .map((st) => `${st.text.split('?')[0]}? ${answerLabel(flow, st.key!, s.answers[st.key!]!)}${s.unsure.includes(st.key!) ? ' (not sure)' : ''}`);
  const text = 'Here is what you told me. Is this right?';
  return {
    kind: 'question',
    text: `${text}\n${fields.map((f) => `${f.label}: ${f.value}`).join('\n')}\n${answers.join('\n')}`,
    blocks: [{ type: 'heading', text: 'Check your report' }, { type: 'fields', fields }, { type: 'list', items: answers }, { type: 'text', text }],
    question: {
      stepId: 'confirm',
      choices: [
        { id: 'yes', label: 'Yes, send it' },
        { id: 'back', label: 'Go back' },
        { id: 'cancel', label: 'Cancel' },
      ],
      freeText: true,
    },
  };
}

/** " if <condition>", whether or not the rule file's condition starts with "if" already. */
export function ifClause(condition: string): string {
  return /^if\b/i.test(condition.trim()) ? ` ${condition.trim()}` : ` if ${condition.trim()}`;
}

function escalationLine(e: EscalationItem, timeZone: string): string {
  const when = e.timing === 'routine' ? '' : `, ${TIMING_LABELS[e.timing]}`;
  const due = e.dueAt && e.itemStatus === 'open' ? ` (by ${localTime(e.dueAt, timeZone)})` : '';
  const cond = e.level === 'conditional' && e.condition ? ifClause(e.condition) : '';
  return `${CODE_LABELS[e.code]}: ${LEVEL_LABELS[e.level].toLowerCase()}${when}${cond}${due}. ${e.reason}`;
}

/** What the reporter reads when the decision is made: what to do next, most urgent first. */
export function decisionMessage(inc: Incident, timeZone: string, pageNote: string): OutMessage {
  const open = inc.escalations.filter((e) => e.level !== 'not_needed');
  const byLevel = (lv: Level) => open.filter((e) => e.level === lv).map((e) => escalationLine(e, timeZone) + (e.status === 'done' ? ' Already done: thank you.' : ''));
  const blocks: Block[] = [{ type: 'heading', text: `Incident ${inc.ref}: what happens next` }];
  if (inc.decision.advice.length) blocks.push({ type: 'list', items: inc.decision.advice });
  for (const lv of ['required', 'consult', 'conditional', 'recommended'] as Level[]) {
    const items = byLevel(lv);
    if (items.length) blocks.push({ type: 'text', text: `${LEVEL_LABELS[lv]}:` }, { type: 'list', items });
  }
  if (!open.length) blocks.push({ type: 'text', text: 'No outside agency needs to be told. Record it as usual and tell the senior on shift.' });
  blocks.push({ type: 'text', text: pageNote, emphasis: 'muted' });
  const text = blocks.map((b) => (b.type === 'list' ? b.items.map((i) => `• ${i}`).join('\n') : b.type === 'fields' ? '' : b.text)).join('\n');
  return { kind: 'say', text, blocks };
}

function categoriesOf(inc: Incident): string {
  const cats = inc.answers['categories'];
  return Array.isArray(cats) && cats.length ? cats.join(', ').replace(/_/g, ' ') : 'not given';
}

function statusLabel(e: EscalationItem, timeZone: string, now: Date): string {
  if (e.code === 'oncall_manager' && e.itemStatus === 'notified') return `Acknowledged ${localTime(e.notified?.at, timeZone)}`;
  if (e.itemStatus === 'notified' && e.notified)
    return `Notified ${localTime(e.notified.at, timeZone)} (${e.notified.who}${e.notified.reference ? `, ref ${e.notified.reference}` : ''})`;
  if (e.itemStatus === 'not_notifying' && e.notNotifying) return `Decided not to notify: ${e.notNotifying.reason}`;
  if (e.itemStatus === 'done' || e.status === 'done') return 'Done before the report';
  if (e.dueAt && new Date(e.dueAt) <= now) return `OVERDUE since ${localTime(e.dueAt, timeZone)}`;
  return e.dueAt ? `Open, due ${localTime(e.dueAt, timeZone)}` : 'Open';
}

/** The escalation record in the escalations channel: minimal, no narrative, initials only. */
export function recordMessage(inc: Incident, ctx: { serviceName: string; timeZone: string; now: Date; ownerName?: string; nameOf?: (id: string) => string }): OutMessage {
  const items = inc.escalations.filter((e) => e.level !== 'not_needed');
  const paging =
    inc.paging.state === 'acknowledged'
      ? `Acknowledged by ${ctx.ownerName ?? inc.paging.acknowledgedBy} at ${localTime(inc.paging.acknowledgedAt, ctx.timeZone)}`
      : inc.paging.state === 'exhausted'
        ? 'NOT ACKNOWLEDGED: every tier paged'
        : inc.paging.state === 'paging'
          ? `Paging tier ${inc.paging.tierIndex + 1}`
          : pageNeeded(inc)
            ? 'Paging now'
            : 'No page needed';
  const blocks: Block[] = [
    { type: 'heading', text: `${inc.ref} · ${ctx.serviceName}${inc.status === 'closed' ? ' · CLOSED' : ''}` },
    {
      type: 'fields',
      fields: [
        { label: 'Person', value: inc.subject || 'not given yet' },
        { label: 'Reported', value: localTime(inc.createdAt, ctx.timeZone) },
        { label: 'Happened', value: localTime(inc.occurredAt, ctx.timeZone) },
        { label: 'Categories', value: categoriesOf(inc) },
        { label: 'Manager', value: paging },
      ],
    },
  ];
  const actions: Action[] = [];
  if (inc.paging.state === 'paging' || inc.paging.state === 'exhausted') actions.push({ id: 'ack', label: 'Acknowledge', value: inc.ref, style: 'primary' });
  for (const e of items) {
    const line = `${CODE_LABELS[e.code]} · ${LEVEL_LABELS[e.level]}${e.timing !== 'routine' ? ` · ${TIMING_LABELS[e.timing]}` : ''} · ${statusLabel(e, ctx.timeZone, ctx.now)}`;
    blocks.push({ type: 'text', text: line, ...(statusLabel(e, ctx.timeZone, ctx.now).startsWith('OVERDUE') ? { emphasis: 'urgent' as const } : {}) });
    if (e.itemStatus === 'open' && e.status !== 'done' && inc.status === 'open' && e.code !== 'oncall_manager') {
      const value = JSON.stringify({ ref: inc.ref, code: e.code });
      actions.push({ id: 'notify', label: `Notified: ${CODE_LABELS[e.code]}`.slice(0, 75), value });
      actions.push({ id: 'not_notify', label: `Not notifying: ${CODE_LABELS[e.code]}`.slice(0, 75), value });
    }
  }
  blocks.push(...followThroughBlocks(inc, ctx.timeZone, ctx.now, ctx.nameOf ?? ((id) => id)));
  const text = `${inc.ref} · ${ctx.serviceName} · ${inc.subject} · ${paging}`;
  return { kind: 'record', text, blocks, actions };
}

function followThroughBlocks(inc: Incident, timeZone: string, now: Date, nameOf: (id: string) => string): Block[] {
  const f = inc.follow;
  if (!f) return [];
  const lines: string[] = [];
  for (const r of f.responses)
    lines.push(`${CODE_LABELS[r.code]} replied: ${r.response.replace(/_/g, ' ')}${r.reference ? `, ref ${r.reference}` : ''}${r.meetingAt ? `, meeting ${localTime(r.meetingAt, timeZone)}` : ''}`);
  for (const a of f.actions) {
    const late = a.status === 'open' && new Date(a.dueAt) <= now;
    lines.push(`${late ? 'OVERDUE ' : ''}Action ${a.id} (${nameOf(a.owner)}, due ${localTime(a.dueAt, timeZone)}): ${a.status === 'open' ? 'open' : a.status}${a.agency ? ` · asked by ${CODE_LABELS[a.agency]}` : ''}`);
  }
  if (f.support?.offeredAt) lines.push(`Staff support offered${f.support.debriefAt ? `; debrief held ${localTime(f.support.debriefAt, timeZone)}` : '; debrief to arrange'}`);
  if (f.commissioner?.sentAt) lines.push(`Commissioner updated ${localTime(f.commissioner.sentAt, timeZone)} (${f.commissioner.how})`);
  else if (f.commissioner?.draftedAt) lines.push('Commissioner update drafted, not sent yet');
  const h = f.handovers?.[f.handovers.length - 1];
  if (h) lines.push(`Handed over to ${nameOf(h.to)} ${localTime(h.at, timeZone)}`);
  if (f.closedAt) lines.push(`Closed ${localTime(f.closedAt, timeZone)} by ${nameOf(f.closedBy ?? '')}${f.review ? '; learning review done' : '; learning review due'}`);
  return lines.length ? [{ type: 'text', text: 'Follow-through:' }, { type: 'list', items: lines }] : [];
}

/** The page to an on-call manager: summary, required escalations, Acknowledge. */
export function pageMessage(inc: Incident, ctx: { serviceName: string; timeZone: string; reporterName: string; emergency: boolean; tier: number }): OutMessage {
  const required = inc.escalations.filter((e) => e.level === 'required').map((e) => `${CODE_LABELS[e.code]} (${TIMING_LABELS[e.timing]})`);
  const headline = ctx.emergency ? `URGENT: emergency reported at ${ctx.serviceName}` : `Incident needs you: ${ctx.serviceName}`;
  const blocks: Block[] = [
    { type: 'heading', text: headline },
    {
      type: 'fields',
      fields: [
        { label: 'Reference', value: inc.ref },
        { label: 'Person', value: inc.subject || 'not given yet' },
        { label: 'Reported by', value: ctx.reporterName },
        { label: 'Categories', value: categoriesOf(inc) },
      ],
    },
  ];
  if (ctx.emergency) blocks.push({ type: 'text', text: 'The reporter has been told the urgent steps to take now (999 or the crisis team). The rest of the report is still coming in.', emphasis: 'urgent' });
  if (required.length) blocks.push({ type: 'text', text: 'Required:' }, { type: 'list', items: required });
  if (ctx.tier > 1) blocks.push({ type: 'text', text: `Tier ${ctx.tier - 1} did not acknowledge in time.`, emphasis: 'urgent' });
  const text = `${headline}. ${inc.ref}. Please acknowledge.`;
  return { kind: 'page', text, blocks, actions: [{ id: 'ack', label: 'Acknowledge', value: inc.ref, style: 'primary' }] };
}

export function pageAcknowledgedMessage(inc: Incident, ctx: { serviceName: string; timeZone: string; byName: string }): OutMessage {
  const text = `${inc.ref} at ${ctx.serviceName}: acknowledged by ${ctx.byName} at ${localTime(inc.paging.acknowledgedAt, ctx.timeZone)}.`;
  return { kind: 'answered', text, blocks: [{ type: 'text', text }] };
}

export function timelineMessage(text: string): OutMessage {
  return { kind: 'timeline', text, blocks: [{ type: 'text', text }] };
}

/** Offered when someone writes with no intake open. */
export function offerMessage(): OutMessage {
  const text = 'Do you want to report an incident? If someone is in danger, call 999 first.';
  return { kind: 'question', text, blocks: [{ type: 'text', text }], actions: [{ id: 'start', label: 'Report an incident', value: '', style: 'primary' }] };
}
