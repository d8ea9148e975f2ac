// Rota overrides made in chat: a manager takes over ("/oncall take until 18:00") or an admin
// swaps someone in ("/oncall swap 2 priya-desai until 2026-12-24 08:00"). Kept in the Store so
// every instance pages the same person; the rota itself (src/core/rota.ts) only reads them.

import { addDays } from 'date-fns';
import { parseLocalDateTime, localParts } from '../core/calendar.js';
import { can, personForUser } from '../core/people.js';
import type { RotaOverride } from '../core/rota.js';
import type { UserRef } from '../core/types.js';
import { localTime } from '../core/messages.js';
import type { AppContext } from './context.js';

export const OVERRIDE_NS = 'rota-override';

export async function activeOverrides(ctx: AppContext): Promise<RotaOverride[]> {
  const ids = await ctx.store.list(OVERRIDE_NS);
  const now = ctx.now().getTime();
  const all = await Promise.all(ids.map((id) => ctx.store.get<RotaOverride>(OVERRIDE_NS, id)));
  return all
    .map((v) => v?.value)
    .filter((o): o is RotaOverride => Boolean(o) && new Date(o!.to).getTime() > now)
    .sort((a, b) => a.from.localeCompare(b.from));
}

/** "18:00" (today, or tomorrow if already past) or "YYYY-MM-DD HH:MM", in the organisation's time zone. */
function untilTime(text: string, ctx: AppContext): Date | null {
  const now = ctx.now();
  if (/^([01]\d|2[0-3])[:.][0-5]\d$/.test(text)) {
    const today = localParts(now, ctx.org.timezone).date;
    const at = parseLocalDateTime(`${today} ${text.replace('.', ':')}`, '00:00', ctx.org.timezone);
    return at && at <= now ? addDays(at, 1) : at;
  }
  return parseLocalDateTime(text, '08:00', ctx.org.timezone);
}

/** Handle "/oncall take ..." and "/oncall swap ...". Returns the reply text. */
export async function changeOnCall(ctx: AppContext, user: UserRef, args: string[]): Promise<string> {
  const person = personForUser(ctx.org, user);
  const [verb, ...rest] = args;
  const untilIdx = rest.indexOf('until');
  const untilWords: string[] = [];
  for (const w of untilIdx >= 0 ? rest.slice(untilIdx + 1) : []) {
    if (w === 'tier' || w === 'rota') break;
    untilWords.push(w);
  }
  const until = untilWords.length ? untilTime(untilWords.join(' '), ctx) : null;
  if (!until) return 'Say until when, e.g. "/oncall take until 18:00" or "until 2026-12-24 08:00".';
  if (until <= ctx.now()) return 'That time has already passed.';
  const rotaWord = rest.indexOf('rota');
  const rotaIds = rotaWord >= 0 ? [rest[rotaWord + 1] ?? ''] : ctx.org.rotas.map((r) => r.id);
  if (rotaIds.some((id) => !ctx.org.rotas.some((r) => r.id === id))) return `Unknown rota. Rotas: ${ctx.org.rotas.map((r) => r.id).join(', ')}`;
  let override: Omit<RotaOverride, 'rotaId'>;
  if (verb === 'take') {
    if (!person || !can(ctx.org, user, 'take_over_oncall')) return 'Only managers can take over the on-call.';
    const tierWord = rest.indexOf('tier');
    const tier = tierWord >= 0 ? Number(rest[tierWord + 1]) : 1;
    if (!Number.isInteger(tier) || tier < 1) return 'Give the tier as a number, e.g. "tier 2".';
    override = { tier, personId: person.id, from: ctx.now().toISOString(), to: until.toISOString(), by: person.id, reason: 'taken over in chat' };
  } else if (verb === 'swap') {
    if (!person || !can(ctx.org, user, 'swap_oncall')) return 'Only admins can swap the on-call.';
    const tier = Number(rest[0]);
    const target = rest[1];
    if (!Number.isInteger(tier) || tier < 1 || !target || target === 'until') return 'Usage: /oncall swap TIER PERSON-ID until TIME';
    if (!ctx.org.people.some((p) => p.id === target)) return `I do not know "${target}". Use a person id from the organisation file.`;
    override = { tier, personId: target, from: ctx.now().toISOString(), to: until.toISOString(), by: person.id, reason: 'swapped in chat' };
  } else {
    return 'Usage: /oncall, /oncall check, /oncall take until TIME [tier N] [rota ID], /oncall swap TIER PERSON-ID until TIME [rota ID]';
  }
  const ttl = Math.ceil((until.getTime() - ctx.now().getTime()) / 1000) + 3600;
  for (const rotaId of rotaIds) {
    const id = `${rotaId}:${override.tier}:${override.personId}:${override.from}`;
    await ctx.store.put(OVERRIDE_NS, id, { ...override, rotaId }, null, ttl);
  }
  const name = ctx.org.people.find((p) => p.id === override.personId)?.name ?? override.personId;
  return `${name} is now tier ${override.tier} on call until ${localTime(until.toISOString(), ctx.org.timezone)}. New incidents page them; running ones keep their policy.`;
}
