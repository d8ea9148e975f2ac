// The organisation file: services, people, roles, on-call rotas, bank holidays, channels and
// privacy settings. A zod schema (unknown keys are errors) plus the cross-reference checks that a
// schema alone cannot make (unknown people, duplicate ids, gaps in a rota...), every problem
// reported with file, path and line. Loaded at start-up and by `npm run check-config`.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { ESCALATION_CODES } from '../core/types.js';
import { ConfigError, loadYamlFile, parseYaml, type ConfigProblem, type Loaded } from './load.js';

/** The example organisation that ships with the assistant (absolute path). */
export const DEFAULT_ORGANISATION_FILE = fileURLToPath(new URL('../../conversations/organisation.example.yaml', import.meta.url));

export const ROLES = ['reporter', 'manager', 'safeguarding_lead', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const SETTINGS = ['care_home', 'nursing_home', 'home_care', 'supported_living'] as const;
export type ServiceSetting = (typeof SETTINGS)[number];

/** Week days as written in rota patterns, Monday first. */
export const WEEK_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekDay = (typeof WEEK_DAYS)[number];

const UNKNOWN_KEY = 'unknown setting';

/** An object that rejects keys it does not know, saying which keys it does know. */
function strict<S extends z.ZodRawShape>(shape: S) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? `${UNKNOWN_KEY} ${iss.keys.map((k) => `"${k}"`).join(', ')} (allowed here: ${allowed})`
        : undefined,
  });
}

const text = z.string().trim().min(1, 'must not be empty');
const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'ids use lower-case letters, digits, "-" and "_" only (e.g. riverside-house)');
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time is HH:MM on the 24-hour clock, e.g. 08:00');
const weekTime = z
  .string()
  .regex(
    /^(mon|tue|wed|thu|fri|sat|sun) ([01]\d|2[0-3]):[0-5]\d$/,
    'a rota time is a day and a time, e.g. "mon 08:00"',
  );
const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is YYYY-MM-DD, e.g. 2026-12-25')
  .refine(isRealDate, 'not a real date');
const localDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}[ T]([01]\d|2[0-3]):[0-5]\d$/, 'a local date and time is "YYYY-MM-DD HH:MM", e.g. "2026-12-24 08:00"')
  .refine((s) => isRealDate(s.slice(0, 10)), 'not a real date');
/** Minutes; fractions are allowed (0.5 = 30 seconds), e.g. for drills and tests. */
const minutes = z.number().positive();
const positiveInt = z.number().int().positive();

const privacySchema = strict({
  /** How the affected person is named in channel posts. */
  channelNames: z.enum(['initials', 'local_id']),
  /** What identifies the affected person in updates to commissioners. */
  commissionerUpdateNames: z.enum(['none', 'initials', 'local_id']),
});

const retentionSchema = strict({
  sessionsDays: positiveInt,
  incidentsYears: positiveInt,
  auditEventsYears: positiveInt,
});

const intakeSchema = strict({
  idleReminderMinutes: minutes,
  idleExpiryMinutes: minutes,
});

const workingHoursSchema = strict({ start: clock, end: clock });

const personSchema = strict({
  id,
  name: text,
  roles: z.array(z.enum(ROLES)).min(1, 'give at least one role'),
  /** Shown to reporters ("phone Sam Okafor on 07700 900101") when paging fails. */
  phone: text,
  slackUserId: z.string().regex(/^[UW][A-Z0-9]+$/, 'a Slack user id looks like U012ABCDEF').optional(),
  teamsAadObjectId: z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'a Teams aadObjectId is a GUID')
    .optional(),
});

const contactsShape = Object.fromEntries(ESCALATION_CODES.map((code) => [code, text.optional()])) as Record<
  (typeof ESCALATION_CODES)[number],
  z.ZodOptional<typeof text>
>;

const serviceSchema = strict({
  id,
  name: text,
  /** Incident references look like PREFIX-YEAR-SEQUENCE, e.g. RH-2026-0042. */
  prefix: z.string().regex(/^[A-Z]{2,4}$/, 'a prefix is 2 to 4 capital letters, e.g. RH'),
  setting: z.enum(SETTINGS),
  rota: id,
  commissioner: text,
  contacts: strict(contactsShape).default({}),
});

const slotSchema = strict({ from: weekTime, to: weekTime, person: id });

const tierSchema = strict({
  tier: z.number().int().min(1).max(9),
  label: text,
  ackTimeoutMinutes: minutes,
  repeats: z.number().int().min(0).max(20),
  pattern: z.array(slotSchema).min(1, 'a tier needs at least one slot'),
  bankHoliday: strict({ person: id, handover: clock.default('00:00') }).optional(),
});

const fileOverrideSchema = strict({
  tier: z.number().int().min(1).max(9),
  person: id,
  from: localDateTime,
  to: localDateTime,
  reason: text.optional(),
});

const rotaSchema = strict({
  id,
  name: text,
  tiers: z.array(tierSchema).min(1, 'a rota needs at least one tier'),
  overrides: z.array(fileOverrideSchema).default([]),
});

const teamsChannelSchema = strict({
  conversationId: text,
  teamId: text.optional(),
  serviceUrl: z.url().optional(),
});

const channelSetSchema = strict({
  slack: z.string().regex(/^[CG][A-Z0-9]+$/, 'a Slack channel id looks like C012ABCDEF').optional(),
  teams: teamsChannelSchema.optional(),
});

const channelsSchema = strict({
  slack: z.string().regex(/^[CG][A-Z0-9]+$/, 'a Slack channel id looks like C012ABCDEF').optional(),
  teams: teamsChannelSchema.optional(),
  /** Per service: a different escalations channel (service id → channels). */
  services: z.record(z.string(), channelSetSchema).default({}),
});

const baseSchema = strict({
  name: text,
  timezone: text,
  privacy: privacySchema,
  staffSupport: text,
  retention: retentionSchema,
  intake: intakeSchema,
  workingHours: workingHoursSchema,
  withoutDelayReminderHours: z.number().positive().max(168).default(24),
  bankHolidays: z.array(localDate).default([]),
  people: z.array(personSchema).min(1),
  services: z.array(serviceSchema).min(1),
  rotas: z.array(rotaSchema).min(1),
  channels: channelsSchema,
});

export const organisationSchema = baseSchema.superRefine((org, ctx) => {
  for (const p of crossReferenceProblems(org)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
});

export type Organisation = z.output<typeof organisationSchema>;
export type Person = Organisation['people'][number];
export type Service = Organisation['services'][number];
export type Rota = Organisation['rotas'][number];
export type RotaTier = Rota['tiers'][number];
export type RotaSlot = RotaTier['pattern'][number];
export type FileOverride = Rota['overrides'][number];
export type TeamsChannel = z.output<typeof teamsChannelSchema>;

/** Load and check the organisation file (FILE, else ESCALATION_ORG_FILE, else the example). */
export function loadOrganisation(file?: string): Organisation {
  return loadOrganisationFile(file).value;
}

/** As loadOrganisation, with the content hash and a line finder for paths in the file. */
export function loadOrganisationFile(file?: string): Loaded<Organisation> {
  const path = file ?? process.env.ESCALATION_ORG_FILE ?? DEFAULT_ORGANISATION_FILE;
  try {
    return loadYamlFile(path, organisationSchema);
  } catch (e) {
    throw pinpointUnknownKeys(e, () => readFileSync(path, 'utf8'));
  }
}

/** Parse organisation YAML text (for tests and tools). */
export function parseOrganisation(yamlText: string, file = 'organisation.yaml'): Organisation {
  try {
    return parseYaml(yamlText, file, organisationSchema).value;
  } catch (e) {
    throw pinpointUnknownKeys(e, () => yamlText);
  }
}

// ---------------------------------------------------------------------------
// Cross-reference checks

interface PathProblem {
  path: (string | number)[];
  message: string;
}

const MINUTES_PER_WEEK = 7 * 24 * 60;

/** Minutes since Monday 00:00 for "mon 08:00". */
export function weekMinute(s: string): number {
  const [day, hm] = s.split(' ') as [WeekDay, string];
  const [h, m] = hm.split(':').map(Number) as [number, number];
  return WEEK_DAYS.indexOf(day) * 24 * 60 + h * 60 + m;
}

/** Is `zone` an IANA time zone this Node.js knows? */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
}

function isRealDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function duplicates<T>(items: T[], key: (t: T) => string, path: (i: number) => (string | number)[], what: string): PathProblem[] {
  const seen = new Map<string, number>();
  const out: PathProblem[] = [];
  items.forEach((item, i) => {
    const k = key(item);
    const first = seen.get(k);
    if (first === undefined) seen.set(k, i);
    else out.push({ path: path(i), message: `${what} "${k}" is used twice (first at entry ${first + 1})` });
  });
  return out;
}

function crossReferenceProblems(org: z.output<typeof baseSchema>): PathProblem[] {
  const problems: PathProblem[] = [];
  if (!isValidTimeZone(org.timezone)) {
    problems.push({ path: ['timezone'], message: `"${org.timezone}" is not an IANA time zone (use e.g. Europe/London)` });
  }
  if (org.intake.idleExpiryMinutes <= org.intake.idleReminderMinutes) {
    problems.push({ path: ['intake', 'idleExpiryMinutes'], message: 'must be longer than idleReminderMinutes' });
  }
  if (org.workingHours.end <= org.workingHours.start) {
    problems.push({ path: ['workingHours', 'end'], message: 'working hours must end after they start' });
  }
  problems.push(...duplicates(org.people, (p) => p.id, (i) => ['people', i, 'id'], 'person id'));
  for (const field of ['slackUserId', 'teamsAadObjectId'] as const) {
    const seen = new Map<string, string>();
    org.people.forEach((p, i) => {
      const value = p[field];
      if (!value) return;
      const first = seen.get(value);
      if (first) problems.push({ path: ['people', i, field], message: `${first} already has this ${field}` });
      else seen.set(value, p.id);
    });
  }
  problems.push(...duplicates(org.services, (s) => s.id, (i) => ['services', i, 'id'], 'service id'));
  problems.push(...duplicates(org.services, (s) => s.prefix, (i) => ['services', i, 'prefix'], 'incident prefix'));
  problems.push(...duplicates(org.rotas, (r) => r.id, (i) => ['rotas', i, 'id'], 'rota id'));
  problems.push(...duplicates(org.bankHolidays, (d) => d, (i) => ['bankHolidays', i], 'bank holiday'));

  const people = new Map(org.people.map((p) => [p.id, p]));
  const rotaIds = new Set(org.rotas.map((r) => r.id));
  const serviceIds = new Set(org.services.map((s) => s.id));

  org.services.forEach((s, i) => {
    if (!rotaIds.has(s.rota)) problems.push({ path: ['services', i, 'rota'], message: `no rota with id "${s.rota}"` });
  });
  for (const sid of Object.keys(org.channels.services)) {
    if (!serviceIds.has(sid)) problems.push({ path: ['channels', 'services', sid], message: `no service with id "${sid}"` });
  }

  const checkOnCallPerson = (personId: string, path: (string | number)[]) => {
    const p = people.get(personId);
    if (!p) problems.push({ path, message: `no person with id "${personId}" in people` });
    else if (!p.roles.some((r) => r === 'manager' || r === 'admin')) {
      problems.push({ path, message: `${p.id} is on call but is not a manager or admin, so could not acknowledge a page` });
    }
  };

  org.rotas.forEach((rota, r) => {
    problems.push(...duplicates(rota.tiers, (t) => String(t.tier), (i) => ['rotas', r, 'tiers', i, 'tier'], 'tier'));
    const tierNumbers = new Set(rota.tiers.map((t) => t.tier));
    rota.tiers.forEach((tier, t) => {
      const base = ['rotas', r, 'tiers', t];
      tier.pattern.forEach((slot, s) => checkOnCallPerson(slot.person, [...base, 'pattern', s, 'person']));
      if (tier.bankHoliday) checkOnCallPerson(tier.bankHoliday.person, [...base, 'bankHoliday', 'person']);
      problems.push(...patternProblems(tier.pattern).map((p) => ({ path: [...base, 'pattern', ...p.path], message: p.message })));
    });
    rota.overrides.forEach((o, i) => {
      const base = ['rotas', r, 'overrides', i];
      checkOnCallPerson(o.person, [...base, 'person']);
      if (!tierNumbers.has(o.tier)) problems.push({ path: [...base, 'tier'], message: `rota "${rota.id}" has no tier ${o.tier}` });
      if (o.to.replace(' ', 'T') <= o.from.replace(' ', 'T')) problems.push({ path: [...base, 'to'], message: 'must be after from' });
    });
  });
  return problems;
}

/**
 * A weekly pattern must cover the whole week exactly once: each slot starts where the one before
 * ends. A slot whose `to` equals its `from` covers the whole week.
 */
function patternProblems(pattern: RotaSlot[]): PathProblem[] {
  const slots = pattern.map((slot, index) => {
    const start = weekMinute(slot.from);
    const length = (weekMinute(slot.to) - start + MINUTES_PER_WEEK) % MINUTES_PER_WEEK || MINUTES_PER_WEEK;
    return { index, start, end: start + length, slot };
  });
  const total = slots.reduce((sum, s) => sum + (s.end - s.start), 0);
  const sorted = [...slots].sort((a, b) => a.start - b.start);
  const problems: PathProblem[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const cur = sorted[i]!;
    const next = sorted[(i + 1) % sorted.length]!;
    const nextStart = i + 1 < sorted.length ? next.start : next.start + MINUTES_PER_WEEK;
    if (sorted.length > 1 && cur.end > nextStart) {
      problems.push({ path: [cur.index, 'to'], message: `overlaps the slot starting ${next.slot.from}` });
    } else if (cur.end < nextStart) {
      problems.push({ path: [cur.index, 'to'], message: `leaves a gap: nobody is on call from ${cur.slot.to} to ${next.slot.from}` });
    }
  }
  if (problems.length === 0 && total !== MINUTES_PER_WEEK) {
    problems.push({ path: [], message: 'the slots must cover the week exactly once' });
  }
  return problems;
}

// ---------------------------------------------------------------------------
// Point "unknown setting" problems at the offending key's own line

function pinpointUnknownKeys(e: unknown, readText: () => string): unknown {
  if (!(e instanceof ConfigError)) return e;
  e = new ConfigError(
    e.problems.map((p) => (/received undefined$/.test(p.message) ? { ...p, message: 'missing: this setting is required' } : p)),
  );
  if (!(e instanceof ConfigError) || !e.problems.some((p) => p.message.startsWith(UNKNOWN_KEY))) return e;
  let doc: ReturnType<typeof parseDocument>;
  const lc = new LineCounter();
  try {
    doc = parseDocument(readText(), { lineCounter: lc });
  } catch {
    return e;
  }
  const problems: ConfigProblem[] = [];
  for (const p of e.problems) {
    const m = p.message.match(/^unknown setting (.+?) \(allowed here: (.*)\)$/);
    if (!m) {
      problems.push(p);
      continue;
    }
    const keys = [...m[1]!.matchAll(/"([^"]*)"/g)].map((k) => k[1]!);
    const parent = p.path ? p.path.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s)) : [];
    for (const key of keys) {
      const pair = findPair(doc, [...parent, key]);
      const line = pair ? lc.linePos(pair).line : p.line;
      problems.push({ ...p, path: [...parent, key].join('.'), line, message: `${UNKNOWN_KEY} (check the spelling; allowed here: ${m[2]})` });
    }
  }
  return new ConfigError(problems);
}

/** Offset of the key `path[-1]` inside the map at `path[..-1]`. */
function findPair(doc: ReturnType<typeof parseDocument>, path: (string | number)[]): number | undefined {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  const key = path[path.length - 1];
  if (!parent || !isNode(parent) || !('items' in parent)) return undefined;
  for (const item of (parent as { items: Array<{ key?: unknown }> }).items) {
    const k = item.key;
    if (isNode(k) && 'value' in k && (k as { value: unknown }).value === key && k.range) return k.range[0];
  }
  return undefined;
}
