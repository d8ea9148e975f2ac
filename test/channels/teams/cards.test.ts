// Every card the Teams renderer can produce parses with the adaptivecards package at schema 1.5
// with no errors and no warnings; user text is escaped; answered cards have no actions.

import { describe, expect, it } from 'vitest';
import { renderCard, cardAttachment, type TeamsOutMessage } from '../../../src/channels/teams/cards.js';
import { escapeMarkdown } from '../../../src/channels/teams/escape.js';
import type { OutMessage } from '../../../src/core/types.js';
import { cardProblems } from '../../helpers/teams.js';

const allBlocks: OutMessage['blocks'] = [
  { type: 'heading', text: 'Incident INC-0001' },
  { type: 'text', text: 'Call 999 now.', emphasis: 'urgent' },
  { type: 'text', text: 'Reported 14:02', emphasis: 'muted' },
  { type: 'text', text: 'Plain text' },
  { type: 'fields', fields: [{ label: 'Service', value: 'Oak House' }, { label: 'Person', value: 'J.S.' }] },
  { type: 'list', items: ['Safeguarding adults: required', 'CQC: required'] },
];

const notifyValue = JSON.stringify({ ref: 'INC-0001', code: 'safeguarding_adults' });

const samples: Record<string, TeamsOutMessage> = {
  say: { kind: 'say', text: 'Hello', blocks: [{ type: 'text', text: 'Hello' }] },
  sayNoBlocks: { kind: 'say', text: 'Only the short text', blocks: [] },
  question: {
    kind: 'question',
    text: 'Is anyone in danger now?',
    blocks: [{ type: 'text', text: 'Is anyone in danger now?' }],
    question: {
      stepId: 'immediate_life_risk',
      freeText: false,
      choices: [
        { id: 'yes', label: 'Yes' },
        { id: 'no', label: 'No' },
        { id: 'unsure', label: 'Not sure' },
      ],
    },
  },
  manyChoices: {
    kind: 'question',
    text: 'What kind of abuse?',
    blocks: [{ type: 'text', text: 'What kind of abuse?' }],
    question: {
      stepId: 'abuse_category',
      freeText: true,
      choices: ['physical', 'sexual', 'psychological', 'financial', 'neglect', 'discriminatory', 'organisational', 'domestic', 'modern_slavery', 'self_neglect'].map(
        (id) => ({ id, label: id.replace('_', ' ') }),
      ),
    },
  },
  answered: {
    kind: 'answered',
    text: 'Is anyone in danger now? Yes',
    blocks: [{ type: 'text', text: 'Is anyone in danger now?' }, { type: 'text', text: 'Yes', emphasis: 'muted' }],
    actions: [{ id: 'ack', label: 'Acknowledge', value: 'INC-0001' }],
    question: { stepId: 'immediate_life_risk', freeText: false, choices: [{ id: 'yes', label: 'Yes' }] },
  },
  page: {
    kind: 'page',
    text: 'Page: INC-0001',
    blocks: allBlocks,
    actions: [{ id: 'ack', label: 'Acknowledge', value: 'INC-0001', style: 'primary' }],
  },
  record: {
    kind: 'record',
    text: 'Record INC-0001',
    blocks: allBlocks,
    actions: [
      { id: 'ack', label: 'Acknowledge', value: 'INC-0001', style: 'primary' },
      { id: 'notify', label: 'Safeguarding: told', value: notifyValue },
      { id: 'not_notify', label: 'Safeguarding: not telling', value: notifyValue, style: 'danger' },
      { id: 'notify', label: 'CQC: told', value: JSON.stringify({ ref: 'INC-0001', code: 'cqc_notification' }) },
      { id: 'not_notify', label: 'CQC: not telling', value: JSON.stringify({ ref: 'INC-0001', code: 'cqc_notification' }) },
      { id: 'notify', label: 'Police: told', value: JSON.stringify({ ref: 'INC-0001', code: 'police_101' }) },
      { id: 'not_notify', label: 'Police: not telling', value: JSON.stringify({ ref: 'INC-0001', code: 'police_101' }) },
    ],
  },
  timeline: { kind: 'timeline', text: '14:05 Paged Alex', blocks: [{ type: 'text', text: '14:05 Paged Alex' }] },
  alert: {
    kind: 'alert',
    text: 'No reply from the on-call manager',
    blocks: [{ type: 'text', text: 'No reply from the on-call manager', emphasis: 'urgent' }],
    actions: [{ id: 'start', label: 'Report an incident', value: '' }],
    mentions: [{ platform: 'teams', id: '00000000-0000-0000-0000-00000000a001', name: 'Alex <Manager>' }],
  },
};

describe('Teams cards: every kind parses at Adaptive Cards 1.5 with no errors or warnings', () => {
  for (const [name, msg] of Object.entries(samples)) {
    it(name, () => {
      const card = renderCard(msg);
      expect(cardProblems(card)).toEqual([]);
      expect(card.version).toBe('1.5');
    });
  }

  it('a card with an unknown element is reported (the checker can fail)', () => {
    const card = renderCard(samples.say!);
    card.body.push({ type: 'NotAnElement' });
    expect(cardProblems(card).length).toBeGreaterThan(0);
  });
});

describe('Teams cards: actions', () => {
  it('one Action.Execute per choice with verb "choice" and the neutral value', () => {
    const card = renderCard(samples.question!);
    expect(card.actions).toEqual([
      { type: 'Action.Execute', title: 'Yes', verb: 'choice', data: { value: JSON.stringify({ stepId: 'immediate_life_risk', choiceId: 'yes' }) } },
      { type: 'Action.Execute', title: 'No', verb: 'choice', data: { value: JSON.stringify({ stepId: 'immediate_life_risk', choiceId: 'no' }) } },
      { type: 'Action.Execute', title: 'Not sure', verb: 'choice', data: { value: JSON.stringify({ stepId: 'immediate_life_risk', choiceId: 'unsure' }) } },
    ]);
  });

  it('more than six actions go into action sets of four in the body', () => {
    const card = renderCard(samples.manyChoices!);
    expect(card.actions).toBeUndefined();
    const sets = card.body.filter((e) => e.type === 'ActionSet') as Array<{ actions: unknown[] }>;
    expect(sets.map((s) => s.actions.length)).toEqual([4, 4, 2]);
  });

  it('answered cards have no actions', () => {
    const card = renderCard(samples.answered!);
    expect(card.actions).toBeUndefined();
    expect(JSON.stringify(card)).not.toContain('Action.');
  });

  it('notify shows a form with who (required), date, time and reference, and an Execute "notify"', () => {
    const card = renderCard(samples.page!);
    expect(card.actions).toEqual([{ type: 'Action.Execute', title: 'Acknowledge', verb: 'ack', data: { value: 'INC-0001' }, style: 'positive' }]);
    const record = renderCard(samples.record!);
    const sets = record.body.filter((e) => e.type === 'ActionSet') as Array<{ actions: Array<Record<string, any>> }>;
    const all = sets.flatMap((s) => s.actions);
    const notify = all[1]!;
    expect(notify.type).toBe('Action.ShowCard');
    const inputs = notify.card.body as Array<Record<string, unknown>>;
    expect(inputs.map((i) => [i.type, i.id, i.isRequired ?? false])).toEqual([
      ['Input.Text', 'f1_who', true],
      ['Input.Date', 'f1_date', false],
      ['Input.Time', 'f1_time', false],
      ['Input.Text', 'f1_reference', false],
    ]);
    expect(notify.card.actions[0]).toMatchObject({ type: 'Action.Execute', verb: 'notify', data: { value: notifyValue, form: 'f1_' } });
    const notNotify = all[2]!;
    expect(notNotify.card.body[0]).toMatchObject({ type: 'Input.Text', id: 'f2_reason', isMultiline: true, isRequired: true, maxLength: 500 });
    expect(notNotify.card.actions[0]).toMatchObject({ verb: 'not_notify', data: { value: notifyValue, form: 'f2_' } });
  });

  it('mentions come only from `mentions`, with a Teams mention entity', () => {
    const card = renderCard(samples.alert!);
    expect(card.msteams?.entities).toEqual([
      {
        type: 'mention',
        text: '<at>Alex Manager</at>',
        mentioned: { id: '00000000-0000-0000-0000-00000000a001', name: 'Alex Manager' },
      },
    ]);
  });

  it('the attachment has the Adaptive Card content type', () => {
    expect(cardAttachment(samples.say!).contentType).toBe('application/vnd.microsoft.card.adaptive');
  });
});

describe('Teams cards: user text is escaped', () => {
  it('escapes links, emphasis, html-ish tags and line-start markers', () => {
    expect(escapeMarkdown('[click](http://x.test)')).toBe('\\[click\\]\\(http://x.test\\)');
    expect(escapeMarkdown('**bold** _it_')).toBe('\\*\\*bold\\*\\* \\_it\\_');
    expect(escapeMarkdown('<at>Alex</at>')).toBe('\\<at\\>Alex\\</at\\>');
    expect(escapeMarkdown('# Title\n- item\n12. step\n  + plus')).toBe('\\# Title\n\\- item\n12\\. step\n  \\+ plus');
    expect(escapeMarkdown('a\\b')).toBe('a\\\\b');
    expect(escapeMarkdown('Fell at 3.15pm - no injury!')).toBe('Fell at 3.15pm - no injury!');
    expect(escapeMarkdown('{{DATE(2026-01-01T00:00:00Z, SHORT)}}')).toBe('\\{\\{DATE\\(2026-01-01T00:00:00Z, SHORT\\)\\}\\}');
  });

  it('no user text reaches the card unescaped, and it cannot create a mention', () => {
    const evil = '<at>Everyone</at> [phish](https://evil.test) **now**';
    const card = renderCard({
      kind: 'record',
      text: evil,
      blocks: [
        { type: 'heading', text: evil },
        { type: 'text', text: evil },
        { type: 'fields', fields: [{ label: evil, value: evil }] },
        { type: 'list', items: [evil] },
      ],
    });
    const json = JSON.stringify(card.body);
    expect(json).not.toContain('<at>');
    expect(json).not.toContain('[phish]');
    expect(json).not.toContain('**now**');
    expect(card.msteams?.entities).toBeUndefined();
    expect(cardProblems(card)).toEqual([]);
  });
});
