// The printable evidence pack: one HTML page per export (one section per incident, each starting
// on a new sheet) for an inspection or a safeguarding enquiry. Summary, what was reported,
// threshold answers, decisions with rule ids and reasons, agencies told (who, when, reference,
// against the deadline), decisions not to notify with reasons, consent and capacity, actions,
// learning review, the full timeline in the organisation's local time, and the hash-chain check.
// A4 print CSS; every piece of text is HTML-escaped.

import type { Organisation } from '../conversations/organisation.js';
import { CODE_LABELS, LEVEL_LABELS, TIMING_LABELS } from '../core/messages.js';
import type { Incident } from '../core/types.js';
import type { StoredEvent as StoredEventLike } from '../store/port.js';
import type { ExportMeta, IncidentRecord } from './export.js';
import { agencyLabel, eventSummary, humanise, localStamp, personName, reviewLines, serviceName } from './timeline.js';

/** "26 Nov 2026, 19:12 GMT": the short local time used in the tables (the timeline keeps seconds). */
export function shortStamp(iso: string | undefined | null, timeZone: string): string {
  const full = localStamp(iso, timeZone);
  const m = /^\w{3} (\d{1,2} \w{3} \d{4}), (\d\d:\d\d):\d\d (\S+)$/.exec(full);
  return m ? `${m[1]}, ${m[2]} ${m[3]}` : full;
}

type Org = Pick<Organisation, 'name' | 'people' | 'services' | 'timezone'>;

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const CSS = `
@page {
  size: A4;
  margin: 16mm 14mm 18mm 14mm;
  @bottom-left { content: "Evidence pack · Confidential"; font: 8pt sans-serif; color: #555; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8pt sans-serif; color: #555; }
}
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt; line-height: 1.4; color: #111; margin: 0; }
main { max-width: 182mm; margin: 0 auto; }
header.pack { border-bottom: 2px solid #222; margin-bottom: 8pt; padding-bottom: 4pt; }
h1 { font-size: 17pt; margin: 0 0 2pt; }
h2 { font-size: 12.5pt; margin: 14pt 0 4pt; border-bottom: 1px solid #888; break-after: avoid; page-break-after: avoid; }
p { margin: 3pt 0; }
.muted { color: #555; font-size: 9pt; }
.warn { color: #8a0000; font-weight: bold; }
.narrative { border-left: 3px solid #888; padding: 4pt 8pt; background: #f4f4f4; white-space: pre-wrap; break-inside: avoid; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; margin: 2pt 0 6pt; }
th, td { border: 1px solid #aaa; padding: 3pt 4pt; vertical-align: top; text-align: left; overflow-wrap: break-word; hyphens: manual; }
th { background: #e8e8e8; font-weight: bold; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
dl.fields { display: grid; grid-template-columns: 34mm 1fr; gap: 2pt 8pt; margin: 0; }
dl.fields dt { font-weight: bold; }
dl.fields dd { margin: 0; }
section.incident + section.incident { break-before: page; page-break-before: always; }
footer.pack { margin-top: 12pt; border-top: 1px solid #888; padding-top: 4pt; }
@media screen { body { background: #ddd; } main { background: #fff; padding: 14mm; margin: 8mm auto; } }
`;

function table(headers: Array<[string, string]>, rows: unknown[][], empty: string): string {
  if (!rows.length) return `<p class="muted">${escapeHtml(empty)}</p>`;
  const cols = headers.map(([, w]) => `<col style="width:${w}">`).join('');
  const head = headers.map(([h]) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><colgroup>${cols}</colgroup><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function fields(items: Array<[string, unknown]>): string {
  return `<dl class="fields">${items.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}

const ofType = (events: StoredEventLike[], type: string) => events.filter((e) => e.type === type);
const asked = (v: unknown) => (v === undefined ? 'not asked' : humanise(v));
const s = (v: unknown) => (v === null || v === undefined ? '' : String(v));

function incidentSection(r: IncidentRecord, org: Org): string {
  const tz = org.timezone;
  const inc: Incident | null = r.incident;
  const ev = r.events;
  const intake = ofType(ev, 'intake_completed').at(-1)?.data ?? {};
  const reported = ofType(ev, 'reported')[0];
  const ack = ofType(ev, 'acknowledged')[0];
  const closed = ofType(ev, 'closed').at(-1);
  const narrative = inc?.narrative ?? s(intake.narrative);
  const answers = (inc?.answers ?? (intake.answers as Record<string, unknown>) ?? {}) as Record<string, unknown>;
  const unsure = new Set<string>(inc?.unsure ?? ((intake.unsure as string[]) || []));
  const reporter = inc?.reporter ?? (reported?.data.reporter as { name?: string; id?: string } | undefined);

  const summary = fields([
    ['Reference', r.ref],
    ['Service', serviceName(org, inc?.serviceId ?? reported?.data.serviceId)],
    ['Status', closed ? `Closed ${shortStamp(closed.at, tz)} by ${personName(org, closed.data.by)}` : inc?.status === 'closed' ? 'Closed' : 'Open'],
    ['Reported', localStamp(inc?.createdAt ?? reported?.at, tz)],
    ['Reported by', reporter?.name ?? personName(org, reporter?.id)],
    ['Happened', inc?.occurredAt || intake.occurredAt ? shortStamp(inc?.occurredAt ?? s(intake.occurredAt), tz) : 'not known'],
    ['Person', inc?.subject ?? s(intake.subject) ?? 'not given'],
    ['Categories', humanise(answers['categories'])],
    ['Manager', ack ? `Acknowledged by ${personName(org, ack.data.by)}, ${localStamp(ack.at, tz)}` : inc ? humanise(inc.paging.state) : 'not known'],
    ['Decided under', inc ? `flow ${inc.versions.flow}, rules ${inc.versions.rules}` : `rules ${s(reported?.data.rules)}`],
  ]);

  const answerRows = Object.entries(answers).map(([k, v]) => [humanise(k), `${humanise(v)}${unsure.has(k) ? ' (answered "not sure")' : ''}`]);

  const decisionItems = inc?.escalations ?? ((ofType(ev, 'decision').at(-1)?.data.escalations as Incident['escalations']) || []);
  const decisionRows = decisionItems
    .filter((e) => e.level !== 'not_needed')
    .map((e) => [CODE_LABELS[e.code] ?? e.code, LEVEL_LABELS[e.level] ?? e.level, TIMING_LABELS[e.timing] ?? e.timing, (e.rules ?? []).join(', '), e.reason, e.dueAt ? shortStamp(e.dueAt, tz) : '-']);
  const dueOf = (code: unknown) => inc?.escalations.find((e) => e.code === code)?.dueAt;

  const toldRows = ofType(ev, 'notified').map((e) => {
    const due = dueOf(e.data.code);
    const at = s(e.data.at) || e.at;
    const timing = due ? (new Date(at) <= new Date(due) ? 'On time' : 'LATE') : '-';
    return [agencyLabel(e.data.code), s(e.data.who), shortStamp(at, tz), s(e.data.reference) || '-', personName(org, e.data.by), due ? `${shortStamp(due, tz)} (${timing})` : '-'];
  });
  const responseRows = ofType(ev, 'agency_response').map((e) => [agencyLabel(e.data.code), humanise(e.data.response), s(e.data.reference) || '-', s(e.data.summary), `${personName(org, e.data.by)}, ${shortStamp(e.at, tz)}`]);
  const declineRows = ofType(ev, 'not_notifying').map((e) => [agencyLabel(e.data.code), s(e.data.reason), personName(org, e.data.by), shortStamp(e.at, tz)]);

  const consentRows: unknown[][] = [];
  if (answers['capacity'] !== undefined || answers['consent'] !== undefined) {
    consentRows.push(['Report', asked(answers['capacity']), asked(answers['consent']), 'not recorded', shortStamp(inc?.createdAt ?? reported?.at, tz)]);
  }
  for (const e of ofType(ev, 'consent_capacity')) {
    consentRows.push([personName(org, e.data.by) === 'someone' ? 'Manager' : personName(org, e.data.by), humanise(e.data.capacity), humanise(e.data.consent), humanise(e.data.lawfulBasis), shortStamp(e.at, tz)]);
  }

  const ended = new Map(ev.filter((e) => e.type === 'action_completed' || e.type === 'action_dropped').map((e) => [s(e.data.id), e]));
  const actionRows = ofType(ev, 'action_added').map((e) => {
    const c = ended.get(s(e.data.id));
    const due = e.data.dueAt ?? e.data.due;
    const status = c ? `${c.type === 'action_dropped' ? 'Not going ahead' : 'Done'} ${shortStamp(c.at, tz)}${c.data.note ? `: ${s(c.data.note)}` : ''}` : 'Open';
    return [`${s(e.data.id)} ${s(e.data.what)}${e.data.agency ? ` (for ${agencyLabel(e.data.agency)})` : ''}`, personName(org, e.data.owner), due ? shortStamp(s(due), tz) : '-', status];
  });

  const reviews = ofType(ev, 'learning_review');
  const review = reviews.length
    ? reviews.map((e) => `<p class="muted">${escapeHtml(`${shortStamp(e.at, tz)}${e.data.by ? `, by ${personName(org, e.data.by)}` : ''}`)}</p><ul>${reviewLines(e.data).map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`).join('')
    : '<p class="muted">No learning review recorded yet.</p>';

  const timelineRows = ev.map((e) => [e.seq, localStamp(e.at, tz), humanise(e.type), eventSummary(e, org)]);
  const chain = r.chain.ok
    ? `Intact: ${r.events.length} events, each checked against the one before${r.chain.redacted.length ? ` (${r.chain.redacted.length} rewritten by a recorded erasure)` : ''}. Last hash ${r.events.at(-1)?.hash.slice(0, 16) ?? '-'}…`
    : `NOT INTACT: ${r.chain.problems.map((p) => p.message).join('; ')}`;

  return `<section class="incident">
<header class="pack"><h1>Incident ${escapeHtml(r.ref)}</h1><p class="muted">Evidence pack · ${escapeHtml(org.name)} · times are ${escapeHtml(tz)} local time</p></header>
<h2>Summary</h2>${summary}
<h2>What was reported</h2><div class="narrative">${escapeHtml(narrative || 'No narrative recorded.')}</div>
<h2>Threshold answers</h2>${table([['Question', '40%'], ['Answer', '60%']], answerRows, 'No answers recorded.')}
<h2>Decisions</h2>${table([['Agency', '16%'], ['Level', '15%'], ['Timing', '12%'], ['Rules', '13%'], ['Reason', '29%'], ['Deadline', '15%']], decisionRows, 'No outside agency needed to be told.')}
<h2>Agencies told</h2>${table([['Agency', '18%'], ['Who', '19%'], ['When', '15%'], ['Reference', '16%'], ['Recorded by', '13%'], ['Deadline', '19%']], toldRows, 'No agency recorded as told.')}
${responseRows.length ? `<h2>Agency responses</h2>${table([['Agency', '18%'], ['Response', '15%'], ['Reference', '14%'], ['Summary', '30%'], ['Recorded', '23%']], responseRows, '')}` : ''}
<h2>Decisions not to notify</h2>${table([['Agency', '20%'], ['Reason', '45%'], ['Decided by', '15%'], ['When', '20%']], declineRows, 'None recorded.')}
<h2>Consent and capacity</h2>${table([['Recorded by', '18%'], ['Capacity', '18%'], ['Consent', '18%'], ['Lawful basis', '24%'], ['When', '22%']], consentRows, 'Not recorded.')}
${actionRows.length ? `<h2>Actions</h2>${table([['Action', '40%'], ['Owner', '18%'], ['Due', '20%'], ['Status', '22%']], actionRows, '')}` : ''}
<h2>Learning review</h2>${review}
<h2>Timeline</h2>${table([['#', '6%'], ['When', '22%'], ['What', '14%'], ['Details', '58%']], timelineRows, 'No events recorded.')}
<h2>Record integrity</h2><p${r.chain.ok ? '' : ' class="warn"'}>${escapeHtml(chain)}</p>
</section>`;
}

/** The evidence pack for one or more incidents, as a complete HTML document. */
export function evidencePackHtml(records: IncidentRecord[], org: Org, meta: ExportMeta): string {
  const title = records.length === 1 ? `Evidence pack ${records[0]!.ref}` : `Evidence pack (${records.length} incidents)`;
  const body = records.length ? records.map((r) => incidentSection(r, org)).join('\n') : '<p>No incidents in this range.</p>';
  return `<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body><main>
${body}
<footer class="pack"><p class="muted">Exported ${escapeHtml(localStamp(meta.at.toISOString(), org.timezone))} by ${escapeHtml(personName(org, meta.by))}. Confidential: contains personal data. Share only with people who need it.</p></footer>
</main></body>
</html>
`;
}
