// The governance report for a date range: incidents by service and category; time to acknowledge
// (first page_sent → acknowledged) and time to each agency (reported → the time the agency was
// told) against its deadline (the item's dueAt), as median and 90th percentile (nearest rank, see
// stats.ts); late and overdue items; decisions not to notify with their reasons; how often each
// threshold question was answered "not sure"; learning reviews. Pure: the caller loads the data.
// Also the short chat version (reportMessage) for managers and safeguarding leads.

import { CODE_LABELS } from '../core/messages.js';
import type { Block, EscalationCode, Incident, OutMessage } from '../core/types.js';
import type { StoredEvent } from '../store/port.js';
import { inRange, type DateRange } from './export.js';
import { spread, duration, type Spread } from './stats.js';
import { humanise, reviewLines } from './timeline.js';

export interface ReportRange extends DateRange {
  /** The zone the dates are in; default Europe/London. */
  timeZone?: string;
}

export interface AgencyFigures extends Spread {
  code: EscalationCode;
  label: string;
  /** Told by the deadline / after it / with no deadline. */
  onTime: number;
  late: number;
  noDeadline: number;
  /** Still not told, past the deadline, at `now`. */
  overdue: number;
}

export interface GovernanceReport {
  from: string;
  to: string;
  timeZone: string;
  generatedAt: string;
  incidents: number;
  byService: Array<{ serviceId: string; count: number }>;
  byCategory: Array<{ category: string; count: number }>;
  byServiceCategory: Array<{ serviceId: string; category: string; count: number }>;
  /** Minutes from the first page to acknowledgement, for incidents that were paged. */
  acknowledge: Spread & { paged: number; notAcknowledged: number };
  agencies: AgencyFigures[];
  late: Array<{ ref: string; code: EscalationCode; dueAt: string; toldAt: string; minutesLate: number }>;
  overdue: Array<{ ref: string; code: EscalationCode; dueAt: string; minutesOverdue: number }>;
  notNotifying: Array<{ ref: string; code: EscalationCode; reason: string; by: string; at: string }>;
  /** Per threshold question: incidents answering "not sure", out of incidents where it was asked. */
  unsure: Array<{ key: string; count: number; asked: number }>;
  learning: Array<{ ref: string; at: string; lines: string[] }>;
}

const minutesBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 60_000;
const NO_CATEGORY = 'not given';

/** The categories an incident was reported under (each counts once); "not given" when none. */
export function categoriesOf(inc: Pick<Incident, 'answers'>): string[] {
  const c = inc.answers?.['categories'];
  const list = Array.isArray(c) ? c : typeof c === 'string' && c ? [c] : [];
  return list.length ? [...new Set(list)] : [NO_CATEGORY];
}

function count<K extends string>(keys: K[]): Array<{ key: K; count: number }> {
  const m = new Map<K, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return [...m.entries()].map(([key, n]) => ({ key, count: n })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/**
 * The report for incidents REPORTED within `range` (local dates, both ends included).
 * `eventsByRef` holds each incident's event log; `now` decides what is overdue.
 */
export function governanceReport(
  incidents: Incident[],
  eventsByRef: Record<string, StoredEvent[]> | Map<string, StoredEvent[]>,
  range: ReportRange,
  now: Date,
): GovernanceReport {
  const timeZone = range.timeZone ?? 'Europe/London';
  const eventsOf = (ref: string) => (eventsByRef instanceof Map ? eventsByRef.get(ref) : eventsByRef[ref]) ?? [];
  const chosen = incidents.filter((i) => inRange(i.createdAt, range, timeZone)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));

  const ackMinutes: number[] = [];
  let paged = 0;
  let notAcknowledged = 0;
  const toldMinutes = new Map<EscalationCode, number[]>();
  const agency = new Map<EscalationCode, { onTime: number; late: number; noDeadline: number; overdue: number }>();
  const tally = (code: EscalationCode) => {
    let a = agency.get(code);
    if (!a) agency.set(code, (a = { onTime: 0, late: 0, noDeadline: 0, overdue: 0 }));
    return a;
  };
  const report: GovernanceReport = {
    from: range.from,
    to: range.to,
    timeZone,
    generatedAt: now.toISOString(),
    incidents: chosen.length,
    byService: [],
    byCategory: [],
    byServiceCategory: [],
    acknowledge: { ...spread([]), paged: 0, notAcknowledged: 0 },
    agencies: [],
    late: [],
    overdue: [],
    notNotifying: [],
    unsure: [],
    learning: [],
  };
  const unsureKeys: string[] = [];
  const askedKeys: string[] = [];

  for (const inc of chosen) {
    const events = eventsOf(inc.ref);
    const first = (type: string) => events.find((e) => e.type === type);

    // Time to acknowledge.
    const page = first('page_sent')?.at ?? inc.paging?.firstPagedAt;
    const ack = first('acknowledged')?.at ?? inc.paging?.acknowledgedAt;
    if (page) {
      paged++;
      if (ack) ackMinutes.push(minutesBetween(page, ack));
      else notAcknowledged++;
    }

    // Time to each agency, against its deadline.
    const reportedAt = first('reported')?.at ?? inc.createdAt;
    const told = new Map<string, string>();
    for (const e of events) {
      if (e.type !== 'notified' || typeof e.data.code !== 'string' || told.has(e.data.code)) continue;
      told.set(e.data.code, typeof e.data.at === 'string' && e.data.at ? e.data.at : e.at);
    }
    for (const item of inc.escalations ?? []) {
      if (item.code === 'oncall_manager') continue; // measured as time to acknowledge
      const toldAt = told.get(item.code) ?? item.notified?.at;
      if (toldAt) {
        const list = toldMinutes.get(item.code) ?? [];
        list.push(minutesBetween(reportedAt, toldAt));
        toldMinutes.set(item.code, list);
        const t = tally(item.code);
        if (!item.dueAt) t.noDeadline++;
        else if (Date.parse(toldAt) <= Date.parse(item.dueAt)) t.onTime++;
        else {
          t.late++;
          report.late.push({ ref: inc.ref, code: item.code, dueAt: item.dueAt, toldAt, minutesLate: minutesBetween(item.dueAt, toldAt) });
        }
      } else if (
        item.itemStatus === 'open' &&
        item.status !== 'done' &&
        item.level === 'required' &&
        item.dueAt &&
        Date.parse(item.dueAt) < now.getTime()
      ) {
        tally(item.code).overdue++;
        report.overdue.push({ ref: inc.ref, code: item.code, dueAt: item.dueAt, minutesOverdue: minutesBetween(item.dueAt, now.toISOString()) });
      }
    }

    for (const e of events) {
      if (e.type === 'not_notifying') {
        report.notNotifying.push({ ref: inc.ref, code: e.data.code as EscalationCode, reason: String(e.data.reason ?? ''), by: String(e.data.by ?? ''), at: e.at });
      }
      if (e.type === 'learning_review') report.learning.push({ ref: inc.ref, at: e.at, lines: reviewLines(e.data) });
    }

    unsureKeys.push(...new Set(inc.unsure ?? []));
    askedKeys.push(...Object.keys(inc.answers ?? {}));
  }

  report.byService = count(chosen.map((i) => i.serviceId)).map(({ key, count: n }) => ({ serviceId: key, count: n }));
  report.byCategory = count(chosen.flatMap(categoriesOf)).map(({ key, count: n }) => ({ category: key, count: n }));
  report.byServiceCategory = count(chosen.flatMap((i) => categoriesOf(i).map((c) => `${i.serviceId}\u0000${c}`))).map(({ key, count: n }) => {
    const [serviceId, category] = key.split('\u0000') as [string, string];
    return { serviceId, category, count: n };
  });
  report.acknowledge = { ...spread(ackMinutes), paged, notAcknowledged };
  report.agencies = [...agency.entries()]
    .map(([code, t]) => ({ code, label: CODE_LABELS[code] ?? code, ...spread(toldMinutes.get(code) ?? []), ...t }))
    .sort((a, b) => a.label.localeCompare(b.label));
  report.late.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  report.overdue.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  const asked = new Map(count(askedKeys).map(({ key, count: n }) => [key, n]));
  report.unsure = count(unsureKeys).map(({ key, count: n }) => ({ key, count: n, asked: Math.max(asked.get(key) ?? 0, n) }));
  return report;
}

/** The governance report as plain text lines (CLI and long form). */
export function reportLines(r: GovernanceReport, serviceName: (id: string) => string = (id) => id): string[] {
  const out: string[] = [`Governance report ${r.from} to ${r.to} (${r.timeZone})`, `Incidents: ${r.incidents}`, ''];
  out.push('By service:', ...r.byService.map((s) => `  ${serviceName(s.serviceId)}: ${s.count}`));
  out.push('By category:', ...r.byCategory.map((c) => `  ${humanise(c.category)}: ${c.count}`));
  out.push('By service and category:', ...r.byServiceCategory.map((c) => `  ${serviceName(c.serviceId)} · ${humanise(c.category)}: ${c.count}`));
  const a = r.acknowledge;
  out.push('', `Time to acknowledge a page: median ${duration(a.median)}, 90th percentile ${duration(a.p90)} (${a.count} of ${a.paged} paged; ${a.notAcknowledged} not acknowledged)`);
  out.push('Time to tell each agency (from the report), against its deadline:');
  for (const g of r.agencies) {
    out.push(`  ${g.label}: told ${g.count}, median ${duration(g.median)}, 90th percentile ${duration(g.p90)}; on time ${g.onTime}, late ${g.late}, no deadline ${g.noDeadline}, overdue now ${g.overdue}`);
  }
  out.push('', `Late (${r.late.length}):`, ...r.late.map((l) => `  ${l.ref} · ${CODE_LABELS[l.code] ?? l.code} · ${duration(l.minutesLate)} late`));
  out.push(`Overdue now (${r.overdue.length}):`, ...r.overdue.map((o) => `  ${o.ref} · ${CODE_LABELS[o.code] ?? o.code} · overdue by ${duration(o.minutesOverdue)}`));
  out.push(`Decisions not to notify (${r.notNotifying.length}):`, ...r.notNotifying.map((n) => `  ${n.ref} · ${CODE_LABELS[n.code] ?? n.code} · ${n.reason}`));
  out.push('"Not sure" answers:', ...r.unsure.map((u) => `  ${humanise(u.key)}: ${u.count} of ${u.asked}`));
  out.push(`Learning reviews (${r.learning.length}):`, ...r.learning.flatMap((l) => [`  ${l.ref}:`, ...l.lines.map((x) => `    ${x}`)]));
  out.push('', 'Median and 90th percentile use the nearest-rank method (no averaging).');
  return out;
}

const clip = (s: string, n = 90) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** A short chat version of the report (for /report in chat: managers and safeguarding leads). */
export function reportMessage(r: GovernanceReport, serviceName: (id: string) => string = (id) => id): OutMessage {
  const a = r.acknowledge;
  const title = `Governance report ${r.from} to ${r.to}`;
  const blocks: Block[] = [
    { type: 'heading', text: title },
    {
      type: 'fields',
      fields: [
        { label: 'Incidents', value: String(r.incidents) },
        { label: 'Time to acknowledge', value: a.count ? `median ${duration(a.median)}, 90% ${duration(a.p90)}` : 'no pages acknowledged' },
        { label: 'Late', value: String(r.late.length) },
        { label: 'Overdue now', value: String(r.overdue.length) },
      ],
    },
  ];
  if (r.byService.length) blocks.push({ type: 'text', text: `By service: ${r.byService.map((s) => `${serviceName(s.serviceId)} ${s.count}`).join(', ')}` });
  if (r.byCategory.length) blocks.push({ type: 'text', text: `By category: ${r.byCategory.map((c) => `${humanise(c.category)} ${c.count}`).join(', ')}` });
  if (r.agencies.length) {
    blocks.push({ type: 'text', text: 'Time to tell each agency:' });
    blocks.push({ type: 'list', items: r.agencies.map((g) => `${g.label}: median ${duration(g.median)}, 90% ${duration(g.p90)} (${g.count} told${g.late ? `, ${g.late} late` : ''}${g.overdue ? `, ${g.overdue} overdue` : ''})`) });
  }
  if (r.overdue.length) blocks.push({ type: 'text', text: 'Overdue now:', emphasis: 'urgent' }, { type: 'list', items: r.overdue.map((o) => `${o.ref} · ${CODE_LABELS[o.code] ?? o.code}`) });
  if (r.notNotifying.length) {
    blocks.push({ type: 'text', text: 'Decided not to notify:' }, { type: 'list', items: r.notNotifying.map((n) => `${n.ref} · ${CODE_LABELS[n.code] ?? n.code}: ${clip(n.reason)}`) });
  }
  if (r.unsure.length) blocks.push({ type: 'text', text: `"Not sure" most often: ${r.unsure.slice(0, 5).map((u) => `${humanise(u.key)} ${u.count}/${u.asked}`).join(', ')}` });
  const text = blocks
    .map((b) => (b.type === 'list' ? b.items.map((i) => `• ${i}`).join('\n') : b.type === 'fields' ? b.fields.map((f) => `${f.label}: ${f.value}`).join('\n') : b.text))
    .join('\n');
  return { kind: 'say', text, blocks };
}
