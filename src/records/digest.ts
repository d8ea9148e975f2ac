// The weekly digest for the escalations channel: how many incidents were reported in the last 7
// days (by service), how many are open, and the open ones listed overdue first. Channel posts stay
// minimal: reference, service and the person's initials (or local id) only, never a narrative.

import type { Organisation } from '../conversations/organisation.js';
import { CODE_LABELS } from '../core/messages.js';
import type { Block, Incident, OutMessage } from '../core/types.js';
import { localStamp } from './timeline.js';

const WEEK_MS = 7 * 24 * 3600_000;
const MAX_LINES = 15;

/**
 * How the person is shown in the channel. With `initials`, a name ("Anna Brown") becomes "A.B."
 * and something already short and capital ("AB", "A.B.") is kept; with `local_id` the id is kept.
 */
export function channelName(subject: string | undefined, mode: 'initials' | 'local_id'): string {
  const s = (subject ?? '').trim();
  if (!s) return '-';
  if (mode === 'local_id' || s.startsWith('[')) return s; // a local id, or "[erased]"
  if (/^[A-Z](\.?[A-Z]){0,3}\.?$/.test(s)) return s;
  const words = s.split(/[\s-]+/).filter((w) => /\p{L}/u.test(w));
  return words.map((w) => `${w.match(/\p{L}/u)![0]!.toUpperCase()}.`).join('') || '-';
}

function overdueItems(inc: Incident, now: Date) {
  return inc.escalations.filter((e) => e.itemStatus === 'open' && e.status !== 'done' && e.level === 'required' && e.dueAt && Date.parse(e.dueAt) < now.getTime());
}

/**
 * `fingerprint` (optional): the record fingerprint at `now` (verify.ts fingerprintAt), posted so
 * the channel keeps a witness of the audit trail outside the store.
 */
export function weeklyDigest(
  incidents: Incident[],
  now: Date,
  org: Pick<Organisation, 'services' | 'privacy' | 'timezone'>,
  fingerprint?: { logs: number; fingerprint: string },
): OutMessage {
  const weekStart = now.getTime() - WEEK_MS;
  const recent = incidents.filter((i) => Date.parse(i.createdAt) > weekStart && Date.parse(i.createdAt) <= now.getTime());
  const open = incidents.filter((i) => i.status === 'open');
  const service = (id: string) => org.services.find((s) => s.id === id)?.name ?? id;
  const perService = org.services.map((s) => ({ name: s.name, n: recent.filter((i) => i.serviceId === s.id).length })).filter((x) => x.n > 0);
  const ranked = open
    .map((i) => ({ i, late: overdueItems(i, now) }))
    .sort((a, b) => b.late.length - a.late.length || a.i.createdAt.localeCompare(b.i.createdAt));
  const overdueCount = ranked.filter((x) => x.late.length).length;
  const lines = ranked.slice(0, MAX_LINES).map(
    ({ i, late }) =>
      `${i.ref} · ${service(i.serviceId)} · ${channelName(i.subject, org.privacy.channelNames)}${late.length ? ` · OVERDUE: ${late.map((e) => CODE_LABELS[e.code]).join(', ')}` : ''}`,
  );
  if (ranked.length > MAX_LINES) lines.push(`and ${ranked.length - MAX_LINES} more: type /escalations to see them all.`);

  const title = `Weekly escalations digest, week to ${localStamp(now.toISOString(), org.timezone).replace(/, \d\d:\d\d:\d\d \w+$/, '')}`;
  const blocks: Block[] = [
    { type: 'heading', text: title },
    {
      type: 'fields',
      fields: [
        { label: 'Reported this week', value: String(recent.length) },
        { label: 'Open now', value: String(open.length) },
        { label: 'Open with overdue items', value: String(overdueCount) },
      ],
    },
  ];
  if (perService.length) blocks.push({ type: 'text', text: `This week by service: ${perService.map((x) => `${x.name} ${x.n}`).join(', ')}` });
  if (overdueCount) blocks.push({ type: 'text', text: `${overdueCount} open incident${overdueCount === 1 ? ' has' : 's have'} overdue items: please act on them first.`, emphasis: 'urgent' });
  blocks.push(lines.length ? { type: 'list', items: lines } : { type: 'text', text: 'No open incidents.' });
  const print = fingerprint ? `Record fingerprint at ${now.toISOString()}: ${fingerprint.fingerprint.slice(0, 16)} (${fingerprint.logs} log${fingerprint.logs === 1 ? '' : 's'}).` : '';
  if (print) blocks.push({ type: 'text', text: print, emphasis: 'muted' });
  const text = [
    title,
    `Reported this week: ${recent.length}. Open now: ${open.length}. With overdue items: ${overdueCount}.`,
    ...lines.map((l) => `• ${l}`),
    ...(print ? [print] : []),
  ].join('\n');
  return { kind: 'say', text, blocks };
}
