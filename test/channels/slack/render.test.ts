// Block Kit rendering: escaping of user text, buttons carrying neutral ids and values, no buttons
// on answered questions, and Slack's size limits.

import { describe, expect, it } from 'vitest';
import type { OutMessage } from '../../../src/core/types.js';
import { escapeMrkdwn, neutralActionId, renderMessage, SLACK_LIMITS } from '../../../src/channels/slack/render.js';

/** Every string Slack parses as mrkdwn (plain_text is never parsed for mentions or links). */
function mrkdwnTexts(msg: OutMessage): string[] {
  const out = renderMessage(msg);
  const texts = [out.text];
  JSON.stringify(out.blocks, (key, value: unknown) => {
    if (value && typeof value === 'object' && (value as { type?: string }).type === 'mrkdwn') texts.push((value as { text: string }).text);
    return value;
  });
  return texts;
}

describe('escapeMrkdwn', () => {
  it.each([
    ['<!channel> help', '&lt;!channel&gt; help'],
    ['ask <@U123> now', 'ask &lt;@U123&gt; now'],
    ['<https://evil.example|click>', '&lt;https://evil.example|click&gt;'],
    ['A & B', 'A &amp; B'],
  ])('escapes %s', (input, expected) => {
    expect(escapeMrkdwn(input)).toBe(expected);
  });

  it.each(['@here', '@channel', '@everyone', 'hey @HERE now'])('neutralises %s', (input) => {
    const out = escapeMrkdwn(input);
    expect(out).not.toMatch(/@(here|channel|everyone)\b/i);
    expect(out.replace(/\u2060/g, '')).toBe(input);
  });
});

describe('renderMessage', () => {
  const hostile = '<!channel> <@U123> <https://evil|click> @here & more';
  const msg: OutMessage = {
    kind: 'record',
    text: hostile,
    blocks: [
      { type: 'heading', text: `Incident ${hostile}` },
      { type: 'text', text: hostile },
      { type: 'text', text: hostile, emphasis: 'urgent' },
      { type: 'text', text: hostile, emphasis: 'muted' },
      { type: 'fields', fields: [{ label: 'Subject', value: hostile }] },
      { type: 'list', items: [hostile] },
    ],
    actions: [{ id: 'ack', label: 'Acknowledge @here', value: 'INC-1', style: 'primary' }],
  };

  it('never lets user text ping, mention or link', () => {
    const texts = mrkdwnTexts(msg);
    expect(texts.length).toBe(6);
    const out = texts.join('\n');
    expect(out).not.toContain('<!channel>');
    expect(out).not.toContain('<@U123>');
    expect(out).not.toContain('<https://evil|click>');
    expect(out).not.toMatch(/@here\b/);
    // plain_text (header, buttons) is shown literally, but @here is still broken up there.
    expect(JSON.stringify(renderMessage(msg).blocks)).not.toMatch(/@here\b/);
  });

  it('maps each neutral block to a Block Kit block', () => {
    const { blocks } = renderMessage(msg);
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context', 'section', 'section', 'actions']);
    expect(blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
  });

  it('gives buttons the neutral id (with an index suffix) and the value verbatim', () => {
    const value = JSON.stringify({ ref: 'INC-1', code: 'police_101' });
    const { blocks } = renderMessage({
      kind: 'record',
      text: 'r',
      blocks: [],
      actions: [
        { id: 'notify', label: 'Mark notified', value },
        { id: 'notify', label: 'Mark notified', value: JSON.stringify({ ref: 'INC-1', code: 'riddor' }) },
      ],
    });
    const actions = blocks.find((b) => b.type === 'actions');
    expect(actions?.type).toBe('actions');
    if (actions?.type !== 'actions') return;
    const ids = actions.elements.map((e) => e.action_id);
    expect(new Set(ids).size).toBe(2);
    expect(ids.map(neutralActionId)).toEqual(['notify', 'notify']);
    expect(actions.elements[0]!.value).toBe(value);
  });

  it('turns question choices into choice buttons carrying {stepId, choiceId}', () => {
    const { blocks } = renderMessage({
      kind: 'question',
      text: 'Is anyone in danger now?',
      blocks: [{ type: 'text', text: 'Is anyone in danger now?' }],
      question: { stepId: 'danger', freeText: false, choices: [{ id: 'yes', label: 'Yes' }, { id: 'no', label: 'No' }] },
    });
    const actions = blocks.at(-1);
    if (actions?.type !== 'actions') throw new Error('expected actions');
    expect(actions.elements.map((e) => neutralActionId(e.action_id))).toEqual(['choice', 'choice']);
    expect(JSON.parse(actions.elements[1]!.value)).toEqual({ stepId: 'danger', choiceId: 'no' });
  });

  it('renders an answered question with no buttons', () => {
    const out = renderMessage({
      kind: 'answered',
      text: 'Is anyone in danger now? Yes',
      blocks: [{ type: 'text', text: 'Is anyone in danger now?' }, { type: 'text', text: 'Yes', emphasis: 'muted' }],
      actions: [{ id: 'choice', label: 'Yes', value: '{}' }],
      question: { stepId: 'danger', freeText: false, choices: [{ id: 'yes', label: 'Yes' }] },
    });
    expect(out.blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('respects Slack limits, truncating with an ellipsis', () => {
    const long = 'x'.repeat(5000);
    const out = renderMessage({
      kind: 'record',
      text: long,
      blocks: [
        { type: 'heading', text: long },
        ...Array.from({ length: 80 }, () => ({ type: 'text' as const, text: long })),
      ],
      actions: [{ id: 'ack', label: long, value: long }],
    });
    expect(out.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(out.blocks.at(-1)?.type).toBe('actions');
    for (const b of out.blocks) {
      if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(150);
      if (b.type === 'section' && b.text) {
        expect(b.text.text.length).toBeLessThanOrEqual(3000);
        expect(b.text.text.endsWith('…')).toBe(true);
      }
      if (b.type === 'actions') {
        expect(b.elements[0]!.text.text.length).toBeLessThanOrEqual(75);
        expect(b.elements[0]!.value.length).toBeLessThanOrEqual(2000);
      }
    }
    expect(out.text.length).toBeLessThanOrEqual(3000);
  });

  it('does not cut an escaped entity in half when truncating', () => {
    const out = renderMessage({ kind: 'say', text: 't', blocks: [{ type: 'text', text: '&'.repeat(4000) }] });
    const section = out.blocks[0];
    if (section?.type !== 'section' || !section.text) throw new Error('expected section');
    expect(section.text.text).toMatch(/^(&amp;)+…$/);
  });

  it('splits more than 25 buttons across action blocks', () => {
    const actions = Array.from({ length: 28 }, (_, i) => ({ id: 'notify', label: `N${i}`, value: `${i}` }));
    const out = renderMessage({ kind: 'record', text: 'r', blocks: [{ type: 'text', text: 'r' }], actions });
    const actionBlocks = out.blocks.filter((b) => b.type === 'actions');
    expect(actionBlocks).toHaveLength(2);
    const ids = actionBlocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => e.action_id) : []));
    expect(new Set(ids).size).toBe(28);
  });

  it('pings @channel only for alerts that ask for it, never from the text', () => {
    const text = 'RH-2026-0001 has NOT been acknowledged. <!here> from user text';
    const alert: OutMessage = { kind: 'alert', text, blocks: [{ type: 'text', text, emphasis: 'urgent' }], mentionChannel: true };
    const out = renderMessage(alert);
    expect(out.text.startsWith('<!channel> ')).toBe(true);
    const first = out.blocks[0];
    if (first?.type !== 'section' || !first.text) throw new Error('expected section');
    expect(first.text.text.startsWith('<!channel> ')).toBe(true);
    expect(JSON.stringify(out)).not.toContain('<!here>');
    expect(JSON.stringify(out).match(/<!channel>/g)).toHaveLength(2);

    expect(JSON.stringify(renderMessage({ ...alert, mentionChannel: false }))).not.toContain('<!channel>');
    expect(JSON.stringify(renderMessage({ ...alert, kind: 'record' }))).not.toContain('<!channel>');
  });

  it('mentions the people an alert names, by valid Slack id only', () => {
    const text = 'RH-2026-0001: I cannot reach Sam Okafor in chat.';
    const out = renderMessage({
      kind: 'alert',
      text,
      blocks: [{ type: 'text', text, emphasis: 'urgent' }],
      mentions: [
        { platform: 'slack', id: 'UONCALL01' },
        { platform: 'slack', id: 'U1> <!channel' },
        { platform: 'teams', id: 'UONCALL02' },
      ],
    });
    expect(out.text.startsWith('<@UONCALL01> ')).toBe(true);
    const json = JSON.stringify(out);
    expect(json).not.toContain('<!channel');
    expect(json).not.toContain('UONCALL02');
    expect(JSON.stringify(renderMessage({ kind: 'record', text, blocks: [], mentions: [{ platform: 'slack', id: 'UONCALL01' }] }))).not.toContain('<@');
  });
});
