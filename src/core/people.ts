// People, roles and reachability (pure): who a chat user is in the organisation file, what their
// roles let them do, where escalation records go, and which rota slots nobody can be paged for.

import type { Organisation, Person, Role, Service } from '../conversations/organisation.js';
import { localInstant } from './calendar.js';
import type { Platform, UserRef } from './types.js';

export type Action =
  | 'report'
  | 'see_all'
  | 'acknowledge'
  | 'act_on_escalation'
  | 'close'
  | 'export'
  | 'erase'
  | 'admin'
  | 'take_over_oncall'
  | 'swap_oncall';

/**
 * What each role may do. Anyone may report (a report must never be blocked, even from someone
 * not in the file) and see their own reports. Managers also see every incident: they are paged
 * for any service and must see what they act on.
 */
const PERMISSIONS: Record<Role, readonly Action[]> = {
  reporter: ['report'],
  manager: ['report', 'see_all', 'acknowledge', 'act_on_escalation', 'close', 'take_over_oncall'],
  safeguarding_lead: ['report', 'see_all', 'act_on_escalation', 'export'],
  admin: [
    'report',
    'see_all',
    'acknowledge',
    'act_on_escalation',
    'close',
    'export',
    'erase',
    'admin',
    'take_over_oncall',
    'swap_oncall',
  ],
};

/**
 * The person behind a chat user: Slack user id, Teams aadObjectId, or (terminal) the person id.
 */
export function personForUser(org: Pick<Organisation, 'people'>, user: UserRef): Person | undefined {
  switch (user.platform) {
    case 'slack':
      return org.people.find((p) => p.slackUserId === user.id);
    case 'teams':
      return org.people.find((p) => p.teamsAadObjectId?.toLowerCase() === user.id.toLowerCase());
    case 'terminal':
      return org.people.find((p) => p.id === user.id);
  }
}

/** How to reach a person on a platform; undefined if they have no identity there. */
export function userRefFor(org: Pick<Organisation, 'people'>, personId: string, platform: Platform): UserRef | undefined {
  const p = org.people.find((x) => x.id === personId);
  if (!p) return undefined;
  const id = platform === 'slack' ? p.slackUserId : platform === 'teams' ? p.teamsAadObjectId : p.id;
  return id ? { platform, id, name: p.name } : undefined;
}

/** May this user do this? Unknown users may only report. */
export function can(org: Pick<Organisation, 'people'>, user: UserRef, action: Action): boolean {
  if (action === 'report') return true;
  const person = personForUser(org, user);
  if (!person) return false;
  return person.roles.some((role) => PERMISSIONS[role].includes(action));
}

export function serviceById(org: Pick<Organisation, 'services'>, serviceId: string): Service | undefined {
  return org.services.find((s) => s.id === serviceId);
}

export interface EscalationChannel {
  platform: Platform;
  /** Slack channel id, Teams conversation id, or the terminal stream name. */
  conversation: string;
  teamId?: string;
  serviceUrl?: string;
}

/** Where escalation records go for a service on a platform (a per-service channel, else the default). */
export function escalationChannel(
  org: Pick<Organisation, 'channels'>,
  platform: Platform,
  serviceId?: string,
): EscalationChannel | undefined {
  if (platform === 'terminal') return { platform, conversation: 'escalations' };
  const own = serviceId ? org.channels.services[serviceId] : undefined;
  if (platform === 'slack') {
    const channel = own?.slack ?? org.channels.slack;
    return channel ? { platform, conversation: channel } : undefined;
  }
  const teams = own?.teams ?? org.channels.teams;
  if (!teams) return undefined;
  const out: EscalationChannel = { platform, conversation: teams.conversationId };
  if (teams.teamId) out.teamId = teams.teamId;
  if (teams.serviceUrl) out.serviceUrl = teams.serviceUrl;
  return out;
}

export interface ReachabilityWarning {
  kind: 'slot_unreachable' | 'person_without_chat_identity';
  /** Dotted path in the organisation file, e.g. "rotas.0.tiers.1.pattern.0". */
  path: string;
  personId?: string;
  message: string;
}

/** A person can be paged if they have a Slack or a Teams identity. */
export function isReachable(person: Person | undefined): boolean {
  return Boolean(person && (person.slackUserId || person.teamsAadObjectId));
}

/**
 * Every rota slot (pattern, bank holiday, file override) whose person cannot be paged, and every
 * person with no chat identity. Past file overrides are skipped when `now` is given.
 */
export function unreachable(
  org: Pick<Organisation, 'people' | 'rotas' | 'timezone'>,
  now?: Date,
): ReachabilityWarning[] {
  const people = new Map(org.people.map((p) => [p.id, p]));
  const warnings: ReachabilityWarning[] = [];
  const check = (personId: string, path: string, what: string) => {
    if (isReachable(people.get(personId))) return;
    const known = people.get(personId);
    warnings.push({
      kind: 'slot_unreachable',
      path,
      personId,
      message: known
        ? `${what}: ${known.name} has no Slack or Teams id, so cannot be paged`
        : `${what}: "${personId}" is not in people, so nobody can be paged`,
    });
  };
  org.rotas.forEach((rota, r) => {
    rota.tiers.forEach((tier, t) => {
      const base = `rotas.${r}.tiers.${t}`;
      const name = `${rota.name}, tier ${tier.tier} (${tier.label})`;
      tier.pattern.forEach((slot, s) => check(slot.person, `${base}.pattern.${s}`, `${name}, ${slot.from} to ${slot.to}`));
      if (tier.bankHoliday) check(tier.bankHoliday.person, `${base}.bankHoliday`, `${name}, bank holidays`);
    });
    rota.overrides.forEach((o, i) => {
      if (now && localInstant(o.to.slice(0, 10), o.to.slice(11, 16), org.timezone) <= now) return;
      check(o.person, `rotas.${r}.overrides.${i}`, `${rota.name}, tier ${o.tier}, ${o.from} to ${o.to}`);
    });
  });
  org.people.forEach((p, i) => {
    if (!isReachable(p)) {
      warnings.push({
        kind: 'person_without_chat_identity',
        path: `people.${i}`,
        personId: p.id,
        message: `${p.name} has no Slack or Teams id: they cannot be paged or use the assistant`,
      });
    }
  });
  return warnings;
}
