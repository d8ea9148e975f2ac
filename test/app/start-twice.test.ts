// Starting a report twice at the same moment (two taps on "Report an incident", two /incident
// commands) makes one report, and both replies lead to its first question.

import { afterEach, expect, it } from 'vitest';
import { terminalHarness, type TerminalHarness } from '../helpers/app.js';

let h: TerminalHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

it('two starts at once: one report, safety line first, carried on at its first question', async () => {
  h = await terminalHarness();
  await h.type('cancel');
  h.take();
  const user = { platform: 'terminal' as const, id: 'reporter' };
  await Promise.all([
    h.app.assistant.handle({ type: 'start', user, dedupeId: 'tap-1' }),
    h.app.assistant.handle({ type: 'start', user, dedupeId: 'tap-2' }),
  ]);
  const session = (await h.session())!;
  expect(session.status).toBe('active');
  expect(session.stepId).toBe(h.app.ctx.flow.value.steps[0]!.id);
  const said = h.take();
  const firstQuestion = h.app.ctx.flow.value.steps[0]!.text;
  expect(said.indexOf('call 999 first')).toBeGreaterThanOrEqual(0);
  expect(said.indexOf('call 999 first')).toBeLessThan(said.indexOf(firstQuestion));
  expect(said).not.toMatch(/went wrong|cannot save/);
  // The second start lost the race and carried on with the first report's question.
  expect(said.split(firstQuestion).length - 1).toBe(2);
  // Answering once moves the one report on.
  await h.type('no');
  expect((await h.session())!.stepId).not.toBe(session.stepId);
});
