// The words a manager types to run an escalation, the same on every channel: in the terminal
// with a leading "/", in a Slack or Teams direct message without it. Pure: text → Inbound.

import { AGENCY_RESPONSES, ESCALATION_CODES, type AgencyResponse, type EscalationCode, type Inbound, type UserRef } from './types.js';

export const MANAGER_HELP = [
  'ack REF: acknowledge a page',
  'notify REF CODE WHO | REFERENCE: an agency was told',
  'decline REF CODE REASON: decided not to notify',
  `response REF CODE RESPONSE | REFERENCE | SUMMARY | MEETING DATE: the agency answered (RESPONSE: ${AGENCY_RESPONSES.join(', ')})`,
  'action REF WHAT | OWNER | DUE YYYY-MM-DD [HH:MM] | AGENCY: an agreed action',
  'done REF A1 NOTE: an action is done',
  'drop REF A1 REASON: an action will not be done',
  'debrief REF NOTE: the staff debrief happened',
  'commissioner REF: draft the commissioner update',
  'sent REF HOW: the commissioner update was sent',
  'handover REF PERSON-ID: hand the incident to another manager',
  'close REF: close the incident when everything is done',
  'review REF DELAY | GAP | THRESHOLD | CHANGE: the learning review',
].join('\n');

const VERBS = new Set(['ack', 'notify', 'decline', 'response', 'action', 'done', 'drop', 'close', 'debrief', 'commissioner', 'sent', 'handover', 'review']);
const REF_PATTERN = /^[A-Z]{2,4}-\d{4}-\d{4,}$/;

export function isManagerCommand(text: string): boolean {
  const [verb, ref] = text.trim().replace(/^\//, '').split(/\s+/);
  return VERBS.has((verb ?? '').toLowerCase()) && REF_PATTERN.test((ref ?? '').toUpperCase());
}

const isCode = (c: string | undefined): c is EscalationCode => ESCALATION_CODES.includes(c as EscalationCode);
const isResponse = (r: string | undefined): r is AgencyResponse => AGENCY_RESPONSES.includes(r as AgencyResponse);
const parts = (s: string) => s.split('|').map((p) => p.trim());

/** Parse a manager's command. Returns the event, or an error to show them. */
export function parseManagerCommand(text: string, user: UserRef): Inbound | { error: string } {
  const trimmed = text.trim().replace(/^\//, '');
  const [verbRaw = '', refRaw = '', ...restWords] = trimmed.split(/\s+/);
  const verb = verbRaw.toLowerCase();
  const ref = refRaw.toUpperCase();
  if (!VERBS.has(verb)) return { error: `Unknown command. Try:\n${MANAGER_HELP}` };
  if (!REF_PATTERN.test(ref)) return { error: `Give the incident reference, e.g. ${verb} RH-2026-0042` };
  const rest = restWords.join(' ');
  const [first = '', ...after] = restWords;
  const manage = (command: Extract<Inbound, { type: 'manage' }>['command']): Inbound => ({ type: 'manage', user, command });
  switch (verb) {
    case 'ack':
      return { type: 'ack', user, ref };
    case 'notify': {
      if (!isCode(first)) return { error: `Which agency? Codes: ${ESCALATION_CODES.join(', ')}` };
      const [who = '', reference] = parts(after.join(' '));
      if (!who) return { error: `Say who was told, e.g. notify ${ref} police_101 PC Smith | CAD 1234` };
      return { type: 'notified', user, ref, code: first, who, ...(reference ? { reference } : {}) };
    }
    case 'decline': {
      if (!isCode(first)) return { error: `Which agency? Codes: ${ESCALATION_CODES.join(', ')}` };
      const reason = after.join(' ').trim();
      if (!reason) return { error: 'Please give a reason.' };
      return { type: 'not_notifying', user, ref, code: first, reason };
    }
    case 'response': {
      if (!isCode(first)) return { error: `Which agency? Codes: ${ESCALATION_CODES.join(', ')}` };
      const [resp = '', reference, summary, meeting] = parts(after.join(' '));
      const response = resp.toLowerCase().replace(/\s+/g, '_');
      if (!isResponse(response)) return { error: `What did they say? One of: ${AGENCY_RESPONSES.join(', ')}` };
      if (response === 'strategy_meeting' && !meeting) return { error: 'When is the strategy meeting? Add "| YYYY-MM-DD HH:MM" at the end.' };
      return manage({ verb: 'response', ref, code: first, response, ...(reference ? { reference } : {}), ...(summary ? { summary } : {}), ...(meeting ? { meetingAt: meeting } : {}) });
    }
    case 'action': {
      const [what = '', owner = '', due = '', agency] = parts(rest);
      if (!what || !owner || !due) return { error: `Usage: action ${ref} WHAT | OWNER | DUE YYYY-MM-DD [HH:MM] | AGENCY` };
      if (agency !== undefined && agency !== '' && !isCode(agency)) return { error: `Unknown agency "${agency}". Codes: ${ESCALATION_CODES.join(', ')}` };
      return manage({ verb: 'action', ref, what, owner, due, ...(isCode(agency) ? { agency } : {}) });
    }
    case 'done':
    case 'drop': {
      const id = first.toUpperCase();
      const note = after.join(' ').trim();
      if (!/^A\d+$/.test(id)) return { error: `Which action? e.g. ${verb} ${ref} A1 ${verb === 'done' ? 'what was done' : 'why not'}` };
      if (!note) return { error: verb === 'done' ? 'Add a short note of what was done.' : 'Please give a reason.' };
      return verb === 'done' ? manage({ verb: 'done', ref, actionId: id, note }) : manage({ verb: 'drop', ref, actionId: id, reason: note });
    }
    case 'close':
      return manage({ verb: 'close', ref });
    case 'debrief':
      return manage({ verb: 'debrief', ref, ...(rest ? { note: rest } : {}) });
    case 'commissioner':
      return manage({ verb: 'commissioner', ref });
    case 'sent':
      return rest ? manage({ verb: 'sent', ref, how: rest }) : { error: `How was it sent? e.g. sent ${ref} email to the contracts team` };
    case 'handover':
      return first ? manage({ verb: 'handover', ref, to: first }) : { error: `Who to? e.g. handover ${ref} priya-desai` };
    case 'review': {
      const [delay = '', gap = '', threshold = '', change = ''] = parts(rest);
      if (!delay || !gap || !threshold || !change) return { error: `Usage: review ${ref} ANY DELAY | COMMUNICATION GAP | UNCLEAR THRESHOLD | WHAT CHANGES` };
      return manage({ verb: 'review', ref, delay, gap, threshold, change });
    }
  }
  return { error: `Unknown command. Try:\n${MANAGER_HELP}` };
}
