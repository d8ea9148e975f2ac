// The two manager forms as Slack modals: "Mark notified" (who, when, reference) and "Decide not to
// notify" (reason), and the validation of their submissions. The modal's private_metadata carries
// {ref, code}; bad input is answered with `response_action: errors` so the form stays open.

import { ESCALATION_CODES, type EscalationCode } from '../../core/types.js';
import { escapeMrkdwn, truncate } from './render.js';

export const NOTIFY_MODAL = 'notify_modal';
export const NOT_NOTIFY_MODAL = 'not_notify_modal';
export const MAX_FORM_TEXT = 500;
/** A "when" this far ahead of our clock is refused as a mistake. */
const FUTURE_TOLERANCE_SECONDS = 5 * 60;

export interface EscalationTarget {
  ref: string;
  code: EscalationCode;
}

/** Parse a button value or private_metadata of the form {ref, code}. */
export function parseTarget(value: string | undefined): EscalationTarget | null {
  if (!value) return null;
  try {
    const v = JSON.parse(value) as { ref?: unknown; code?: unknown };
    if (typeof v.ref !== 'string' || !v.ref || typeof v.code !== 'string') return null;
    if (!(ESCALATION_CODES as readonly string[]).includes(v.code)) return null;
    return { ref: v.ref, code: v.code as EscalationCode };
  } catch {
    return null;
  }
}

function plain(text: string, max = 150) {
  return { type: 'plain_text' as const, text: truncate(text, max), emoji: true };
}

function contextLine(target: EscalationTarget, label: string) {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(`${label} · ${target.ref}`) }] };
}

export function notifyModal(target: EscalationTarget, label: string, nowMs: number): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: NOTIFY_MODAL,
    private_metadata: JSON.stringify(target),
    title: plain('Mark notified', 24),
    submit: plain('Save', 24),
    close: plain('Cancel', 24),
    blocks: [
      contextLine(target, label),
      {
        type: 'input',
        block_id: 'who',
        label: plain('Who did you tell?'),
        element: {
          type: 'plain_text_input',
          action_id: 'value',
          max_length: MAX_FORM_TEXT,
          placeholder: plain('Name and team'),
        },
      },
      {
        type: 'input',
        block_id: 'when',
        label: plain('When?'),
        element: { type: 'datetimepicker', action_id: 'value', initial_date_time: Math.floor(nowMs / 1000) },
      },
      {
        type: 'input',
        block_id: 'reference',
        optional: true,
        label: plain('Reference number'),
        element: { type: 'plain_text_input', action_id: 'value', max_length: MAX_FORM_TEXT },
      },
    ],
  };
}

export function notNotifyModal(target: EscalationTarget, label: string): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: NOT_NOTIFY_MODAL,
    private_metadata: JSON.stringify(target),
    title: plain('Decide not to notify', 24),
    submit: plain('Save', 24),
    close: plain('Cancel', 24),
    blocks: [
      contextLine(target, label),
      {
        type: 'input',
        block_id: 'reason',
        label: plain('Why not?'),
        element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: MAX_FORM_TEXT },
      },
    ],
  };
}

/** The submitted view, as much of Slack's shape as we read. */
export interface SubmittedView {
  callback_id?: string;
  private_metadata?: string;
  state?: { values?: Record<string, Record<string, { value?: string | null; selected_date_time?: number | null }>> };
}

export type FormResult<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

function text(view: SubmittedView, block: string): string {
  return (view.state?.values?.[block]?.value?.value ?? '').trim();
}

export function parseNotifySubmission(
  view: SubmittedView,
  nowMs: number,
): FormResult<EscalationTarget & { who: string; at: string; reference?: string }> {
  const target = parseTarget(view.private_metadata);
  const errors: Record<string, string> = {};
  if (!target) errors.who = 'This form has expired. Please close it and try again.';
  const who = text(view, 'who');
  if (!who) errors.who ??= 'Please say who you told.';
  else if (who.length > MAX_FORM_TEXT) errors.who ??= `Please keep this under ${MAX_FORM_TEXT} characters.`;
  const when = view.state?.values?.when?.value?.selected_date_time;
  if (typeof when !== 'number' || !Number.isFinite(when)) errors.when = 'Please pick a date and time.';
  else if (when > nowMs / 1000 + FUTURE_TOLERANCE_SECONDS) errors.when = 'That time is in the future.';
  const reference = text(view, 'reference');
  if (reference.length > MAX_FORM_TEXT) errors.reference = `Please keep this under ${MAX_FORM_TEXT} characters.`;
  if (Object.keys(errors).length > 0 || !target) return { ok: false, errors };
  return {
    ok: true,
    value: { ...target, who, at: new Date((when as number) * 1000).toISOString(), ...(reference ? { reference } : {}) },
  };
}

export function parseNotNotifySubmission(view: SubmittedView): FormResult<EscalationTarget & { reason: string }> {
  const target = parseTarget(view.private_metadata);
  const reason = text(view, 'reason');
  if (!target) return { ok: false, errors: { reason: 'This form has expired. Please close it and try again.' } };
  if (!reason) return { ok: false, errors: { reason: 'Please give a reason.' } };
  if (reason.length > MAX_FORM_TEXT) return { ok: false, errors: { reason: `Please keep this under ${MAX_FORM_TEXT} characters.` } };
  return { ok: true, value: { ...target, reason } };
}
