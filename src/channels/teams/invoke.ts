// Turns an Adaptive Card Universal Action (invoke `adaptiveCard/action`) into a neutral Inbound
// event, validating the form fields. Pure: no botbuilder, no I/O; `now` is injected.

import { TZDate } from '@date-fns/tz';
import { ESCALATION_CODES, type EscalationCode, type Inbound, type MessageRef, type UserRef } from '../../core/types.js';
import type { RoleAction } from '../port.js';
import { LIMITS } from './cards.js';

export type ParsedAction =
  | { ok: true; event: Inbound; authorise?: { action: RoleAction; ref: string } }
  | { ok: false; message: string };

export interface ActionContext {
  user: UserRef;
  verb: string;
  data: Record<string, unknown>;
  /** Id of the activity the card was sent in (the invoke's replyToId). */
  cardActivityId?: string;
  conversationId: string;
  dedupeId: string;
  now: Date;
  /** IANA zone for a typed date and time (the sender's, else the organisation's). */
  timeZone: string;
}

const CHECK_AGAIN = 'That button is out of date. Please try again from the latest message.';

export function parseCardAction(c: ActionContext): ParsedAction {
  const value = typeof c.data.value === 'string' ? c.data.value : undefined;
  if (value === undefined) return { ok: false, message: CHECK_AGAIN };
  const base = c.dedupeId ? { user: c.user, dedupeId: c.dedupeId } : { user: c.user };

  switch (c.verb) {
    case 'choice': {
      const v = parseJson(value);
      const stepId = str(v?.stepId, 200);
      const choiceId = str(v?.choiceId, 200);
      if (!stepId || !choiceId) return { ok: false, message: CHECK_AGAIN };
      const messageRef: MessageRef | undefined = c.cardActivityId
        ? { platform: 'teams', conversation: c.conversationId, id: c.cardActivityId }
        : undefined;
      return { ok: true, event: { type: 'choice', ...base, stepId, choiceId, ...(messageRef ? { messageRef } : {}) } };
    }
    case 'start':
      return { ok: true, event: { type: 'start', ...base } };
    case 'ack': {
      const ref = str(value, 100);
      if (!ref) return { ok: false, message: CHECK_AGAIN };
      return { ok: true, event: { type: 'ack', ...base, ref }, authorise: { action: 'acknowledge', ref } };
    }
    case 'notify':
    case 'not_notify': {
      const target = parseTarget(value);
      if (!target) return { ok: false, message: CHECK_AGAIN };
      const form = formField(c.data, 'form');
      const field = (name: string): string => {
        const raw = form === undefined ? undefined : c.data[`${form}${name}`];
        return typeof raw === 'string' ? raw.trim() : '';
      };
      const authorise = { action: 'act_on_escalation' as const, ref: target.ref };
      if (c.verb === 'not_notify') {
        const reason = field('reason');
        if (!reason) return { ok: false, message: 'Please give a reason.' };
        if (reason.length > LIMITS.reason) return { ok: false, message: `Please keep the reason under ${LIMITS.reason} characters.` };
        return { ok: true, event: { type: 'not_notifying', ...base, ...target, reason }, authorise };
      }
      const who = field('who');
      if (!who) return { ok: false, message: 'Please say who you told.' };
      if (who.length > LIMITS.who) return { ok: false, message: `Please keep "who" under ${LIMITS.who} characters.` };
      const reference = field('reference');
      if (reference.length > LIMITS.reference) {
        return { ok: false, message: `Please keep the reference under ${LIMITS.reference} characters.` };
      }
      const at = parseWhen(field('date'), field('time'), c.now, c.timeZone);
      if (!at.ok) return { ok: false, message: at.message };
      return {
        ok: true,
        event: { type: 'notified', ...base, ...target, who, at: at.iso, ...(reference ? { reference } : {}) },
        authorise,
      };
    }
    default:
      return { ok: false, message: CHECK_AGAIN };
  }
}

/**
 * The time someone was told: blank date and time → now; a time alone → today; a date needs a time.
 * Read in `timeZone`; a time more than five minutes ahead is refused.
 */
export function parseWhen(
  date: string,
  time: string,
  now: Date,
  timeZone: string,
): { ok: true; iso: string } | { ok: false; message: string } {
  if (!date && !time) return { ok: true, iso: now.toISOString() };
  if (date && !time) return { ok: false, message: 'Please add the time as well as the date.' };
  const today = new TZDate(now.getTime(), timeZone);
  let y = today.getFullYear();
  let m = today.getMonth() + 1;
  let d = today.getDate();
  if (date) {
    const dm = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
    if (!dm) return { ok: false, message: 'Please pick the date from the calendar.' };
    [y, m, d] = [Number(dm[1]), Number(dm[2]), Number(dm[3])];
  }
  const tm = /^(\d{2}):(\d{2})(?::\d{2})?$/.exec(time);
  if (!tm || Number(tm[1]) > 23 || Number(tm[2]) > 59) return { ok: false, message: 'Please pick the time from the list.' };
  const at = new TZDate(y, m - 1, d, Number(tm[1]), Number(tm[2]), timeZone);
  if (Number.isNaN(at.getTime()) || at.getMonth() !== m - 1) return { ok: false, message: 'Please pick the date from the calendar.' };
  if (at.getTime() > now.getTime() + 5 * 60_000) return { ok: false, message: 'That time is in the future. Please check it.' };
  return { ok: true, iso: new Date(at.getTime()).toISOString() };
}

function parseTarget(value: string): { ref: string; code: EscalationCode } | null {
  const v = parseJson(value);
  const ref = str(v?.ref, 100);
  const code = v?.code;
  if (!ref || typeof code !== 'string' || !(ESCALATION_CODES as readonly string[]).includes(code)) return null;
  return { ref, code: code as EscalationCode };
}

function formField(data: Record<string, unknown>, name: string): string | undefined {
  const v = data[name];
  return typeof v === 'string' && /^[a-z0-9_]{1,20}$/.test(v) ? v : undefined;
}

function parseJson(s: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(s);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function str(v: unknown, max: number): string | undefined {
  return typeof v === 'string' && v.length > 0 && v.length <= max ? v : undefined;
}
