// Who is on call (pure): the organisation's rota for a service, at an instant, with overrides.
// Precedence, highest first: overrides made in chat (/oncall take-over or swap), overrides in the
// organisation file, the bank-holiday person, the weekly pattern. Patterns are LOCAL times, so a
// handover at 08:00 stays at 08:00 local on both sides of a clock change.

import type { Organisation, Rota, RotaTier } from '../conversations/organisation.js';
import { weekMinute } from '../conversations/organisation.js';
import { localInstant, localParts, shiftDate, weekdayOf } from './calendar.js';
import type { PagePolicyTier } from './types.js';

/** A change to the rota made in chat. Stored by the Store; the rota only reads them. */
export interface RotaOverride {
  /** Applies to every service on this rota... */
  rotaId?: string;
  /** ...or to this one service only. */
  serviceId?: string;
  tier: number;
  personId: string;
  /** ISO UTC instants; the override covers [from, to). */
  from: string;
  to: string;
  /** Person id (or user id) of who made it. */
  by: string;
  reason?: string;
}

export type OnCallSource = 'chat_override' | 'file_override' | 'bank_holiday' | 'pattern';

export interface OnCallTierView {
  tier: number;
  label: string;
  /** Who is on call at `at`; absent when nobody is. */
  current?: { personId: string; source: OnCallSource; reason?: string };
  /** The next different person and when they take over (absent if no change within 15 days). */
  next?: { personId: string; source: OnCallSource; from: Date };
}

type OrgRota = Pick<Organisation, 'timezone' | 'bankHolidays' | 'services' | 'rotas' | 'people'>;

const DAY = 24 * 60 * 60_000;
const LOOK_AHEAD_DAYS = 15;

/** The rota that covers a service; throws for an unknown service (a programming error). */
export function rotaForService(org: OrgRota, serviceId: string): Rota {
  const service = org.services.find((s) => s.id === serviceId);
  if (!service) throw new Error(`unknown service "${serviceId}"`);
  const rota = org.rotas.find((r) => r.id === service.rota);
  if (!rota) throw new Error(`service "${serviceId}" names unknown rota "${service.rota}"`);
  return rota;
}

/**
 * The paging policy for a service at `at`: each tier in order with the people on call. A tier
 * with nobody on call is left out, so paging moves straight to the next tier.
 */
export function onCallAt(org: OrgRota, serviceId: string, at: Date, overrides: RotaOverride[] = []): PagePolicyTier[] {
  const rota = rotaForService(org, serviceId);
  const policy: PagePolicyTier[] = [];
  for (const tier of sortedTiers(rota)) {
    const who = resolve(org, rota, tier, serviceId, overrides, at.getTime());
    if (!who) continue;
    policy.push({ tier: tier.tier, people: [who.personId], ackTimeoutMinutes: tier.ackTimeoutMinutes, repeats: tier.repeats });
  }
  return policy;
}

/**
 * One policy from several (an emergency before the reporter has said which service): each tier
 * pages everyone on call at that tier in any of them, with the shortest wait and the most repeats.
 */
export function mergePolicies(policies: PagePolicyTier[][]): PagePolicyTier[] {
  const merged: PagePolicyTier[] = [];
  for (const policy of policies)
    policy.forEach((t, i) => {
      const m = merged[i];
      if (!m) merged[i] = { ...t, people: [...t.people] };
      else {
        for (const p of t.people) if (!m.people.includes(p)) m.people.push(p);
        m.ackTimeoutMinutes = Math.min(m.ackTimeoutMinutes, t.ackTimeoutMinutes);
        m.repeats = Math.max(m.repeats, t.repeats);
      }
    });
  return merged;
}

/** For /oncall: per tier, who is on call now and who is next, with the handover instant. */
export function whoIsOnCall(org: OrgRota, serviceId: string, at: Date, overrides: RotaOverride[] = []): OnCallTierView[] {
  const rota = rotaForService(org, serviceId);
  const now = at.getTime();
  return sortedTiers(rota).map((tier) => {
    const current = resolve(org, rota, tier, serviceId, overrides, now);
    const view: OnCallTierView = { tier: tier.tier, label: tier.label };
    if (current) view.current = current;
    for (const t of changePoints(org, rota, tier, serviceId, overrides, now)) {
      const who = resolve(org, rota, tier, serviceId, overrides, t);
      if (who && who.personId !== current?.personId) {
        view.next = { personId: who.personId, source: who.source, from: new Date(t) };
        break;
      }
    }
    return view;
  });
}

// ---------------------------------------------------------------------------

function sortedTiers(rota: Rota): RotaTier[] {
  return [...rota.tiers].sort((a, b) => a.tier - b.tier);
}

interface Interval {
  from: number;
  to: number;
  personId: string;
  reason?: string;
}

/**
 * Chat overrides for this tier and service. One naming a person no longer in the organisation
 * file is ignored, so a stale override can never leave a tier with nobody to page.
 */
function chatIntervals(org: OrgRota, rota: Rota, tier: RotaTier, serviceId: string, overrides: RotaOverride[]): Interval[] {
  return overrides
    .filter((o) => o.tier === tier.tier && (o.serviceId === serviceId || (!o.serviceId && o.rotaId === rota.id)))
    .filter((o) => org.people.some((p) => p.id === o.personId))
    .map((o) => ({ from: Date.parse(o.from), to: Date.parse(o.to), personId: o.personId, reason: o.reason }))
    .filter((i) => !Number.isNaN(i.from) && !Number.isNaN(i.to));
}

function fileIntervals(org: OrgRota, rota: Rota, tier: RotaTier): Interval[] {
  return rota.overrides
    .filter((o) => o.tier === tier.tier)
    .map((o) => ({
      from: localDateTime(o.from, org.timezone),
      to: localDateTime(o.to, org.timezone),
      personId: o.person,
      reason: o.reason,
    }));
}

function bankHolidayIntervals(org: OrgRota, tier: RotaTier): Interval[] {
  const bh = tier.bankHoliday;
  if (!bh) return [];
  return org.bankHolidays.map((date) => ({
    from: localInstant(date, bh.handover, org.timezone).getTime(),
    to: localInstant(shiftDate(date, 1), bh.handover, org.timezone).getTime(),
    personId: bh.person,
  }));
}

/** Every pattern handover instant from 8 local days before `at` to `daysAhead` after. */
function patternStarts(org: OrgRota, tier: RotaTier, at: number, daysAhead = LOOK_AHEAD_DAYS + 1): Array<{ at: number; personId: string }> {
  const today = localParts(new Date(at), org.timezone).date;
  const starts: Array<{ at: number; personId: string }> = [];
  for (let offset = -8; offset <= daysAhead; offset++) {
    const date = shiftDate(today, offset);
    const weekday = weekdayOf(date);
    for (const slot of tier.pattern) {
      const minute = weekMinute(slot.from);
      if (Math.floor(minute / 1440) !== weekday) continue;
      const time = `${pad(Math.floor((minute % 1440) / 60))}:${pad(minute % 60)}`;
      starts.push({ at: localInstant(date, time, org.timezone).getTime(), personId: slot.person });
    }
  }
  return starts.sort((a, b) => a.at - b.at);
}

function lastCovering(intervals: Interval[], t: number): Interval | undefined {
  let found: Interval | undefined;
  for (const i of intervals) if (i.from <= t && t < i.to) found = i; // the latest listed wins
  return found;
}

function resolve(
  org: OrgRota,
  rota: Rota,
  tier: RotaTier,
  serviceId: string,
  overrides: RotaOverride[],
  t: number,
): OnCallTierView['current'] {
  const chat = lastCovering(chatIntervals(org, rota, tier, serviceId, overrides), t);
  if (chat) return withReason({ personId: chat.personId, source: 'chat_override' as const }, chat.reason);
  const file = lastCovering(fileIntervals(org, rota, tier), t);
  if (file) return withReason({ personId: file.personId, source: 'file_override' as const }, file.reason);
  const bh = lastCovering(bankHolidayIntervals(org, tier), t);
  if (bh) return { personId: bh.personId, source: 'bank_holiday' };
  let slot: { at: number; personId: string } | undefined;
  for (const s of patternStarts(org, tier, t, 1)) if (s.at <= t) slot = s;
  return slot ? { personId: slot.personId, source: 'pattern' } : undefined;
}

/** Instants after `now` where who is on call may change, in order. */
function changePoints(org: OrgRota, rota: Rota, tier: RotaTier, serviceId: string, overrides: RotaOverride[], now: number): number[] {
  const limit = now + LOOK_AHEAD_DAYS * DAY;
  const points = new Set<number>();
  const intervals = [
    ...chatIntervals(org, rota, tier, serviceId, overrides),
    ...fileIntervals(org, rota, tier),
    ...bankHolidayIntervals(org, tier),
  ];
  for (const i of intervals) for (const t of [i.from, i.to]) if (t > now && t <= limit) points.add(t);
  for (const s of patternStarts(org, tier, now)) if (s.at > now && s.at <= limit) points.add(s.at);
  return [...points].sort((a, b) => a - b);
}

function withReason<T extends object>(value: T, reason: string | undefined): T & { reason?: string } {
  return reason ? { ...value, reason } : value;
}

/** "2026-12-24 08:00" (local) → epoch ms. */
function localDateTime(s: string, timezone: string): number {
  return localInstant(s.slice(0, 10), s.slice(11, 16), timezone).getTime();
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
