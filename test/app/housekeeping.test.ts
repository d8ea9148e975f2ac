// Housekeeping wired into the app: the weekly digest goes to the escalations channel every Monday
// morning, and managers get the governance report in chat; reporters do not.

import { afterEach, expect, it } from 'vitest';
import { terminalHarness, type TerminalHarness } from '../helpers/app.js';

let h: TerminalHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

it('posts the weekly digest and answers /escalations report by role', async () => {
  h = await terminalHarness();
  await h.type('yes');
  const ref = await h.lastRef();
  h.take();
  await h.scheduler.advance(8 * 86_400_000);
  const week = h.take();
  expect(week).toMatch(/#escalations[\s\S]*Weekly escalations digest/);
  expect(week).toMatch(new RegExp(ref));
  await h.type('/escalations report');
  expect(h.take()).toMatch(/Governance report \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d/);
  await h.type('/as alex-kim');
  await h.type('/escalations report');
  expect(h.take()).toMatch(/for managers, safeguarding leads and admins/);
});
