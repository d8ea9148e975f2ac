// An intake nobody answers is reminded, then expires; the reporter can start again.

import { afterEach, expect, it } from 'vitest';
import { terminalHarness, type TerminalHarness } from '../helpers/app.js';

let h: TerminalHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

it('reminds an idle reporter, then expires the report, keeping the urgent part with the manager', async () => {
  h = await terminalHarness();
  await h.type('yes'); // an emergency: paged at once
  const ref = await h.lastRef();
  h.take();
  await h.scheduler.advance(9 * 60_000);
  expect(h.take()).not.toMatch(/not finished yet/);
  await h.scheduler.advance(2 * 60_000);
  expect(h.take()).toMatch(/Your report is not finished yet/);
  await h.scheduler.advance(121 * 60_000);
  expect(h.take()).toMatch(new RegExp(`timed out\\. The urgent part is with the manager as ${ref}`));
  expect((await h.session())!.status).toBe('expired');
  await h.type('hello');
  expect(h.take()).toMatch(/Do you want to report an incident/);
});
