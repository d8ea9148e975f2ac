// The first page is queued (durable) and also sent at once in the reporter's turn. Its queued copy
// waits INLINE_PAGE_GRACE_MS and is withdrawn once the page is out, so a page runs once (on BullMQ
// a copy due at once ran beside it, found it claimed and ran again); when the turn cannot send it,
// the queued copy does, when it falls due.

import { afterEach, describe, expect, it } from 'vitest';
import { INLINE_PAGE_GRACE_MS } from '../../src/app/incident-repo.js';
import { terminalHarness, type TerminalHarness } from '../helpers/app.js';
import { BRUISING_ANSWERS } from '../helpers/seed-answers.js';
import { slashCommand } from '../helpers/slack.js';
import { cleanupAfterEach, clickReq, nextQuestion, ONCALL, pagesTo, REPORTER, sleep, startProxiedApp, watchJobRuns } from './support.js';

let h: TerminalHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});
const cleanup = cleanupAfterEach();

const pagesIn = (text: string) => text.match(/PAGE to Sam Okafor/g)?.length ?? 0;

describe('the first page', () => {
  it('is sent once, in the turn, and its queued copy is withdrawn (Redis and BullMQ)', async () => {
    const { api, a } = await startProxiedApp('inline-page', cleanup);
    const jobs = watchJobRuns(a.app);
    const runs = () => jobs.filter((r) => r.kind === 'page').length;
    await a.send(slashCommand({ command: '/incident', text: 'She fell and is not breathing', user: REPORTER }));
    const life = await nextQuestion(api, REPORTER, 0, 'the life question');
    await a.send(clickReq(REPORTER, life, 'yes')); // an emergency: paged in this turn
    expect(pagesTo(api, ONCALL)).toHaveLength(1);
    expect(runs()).toBe(1);
    await sleep(INLINE_PAGE_GRACE_MS + 1_500);
    expect(runs()).toBe(1);
    expect(pagesTo(api, ONCALL)).toHaveLength(1);
  }, 20_000);

  it('goes out from its queued copy when the turn could not send it', async () => {
    h = await terminalHarness();
    const terminal = h.app.ctx.channels.terminal!;
    const send = terminal.sendDirect.bind(terminal);
    let failed = 0;
    terminal.sendDirect = async (user, msg) => {
      if (msg.kind === 'page' && failed === 0) {
        failed += 1;
        throw new Error('chat service unavailable');
      }
      return send(user, msg);
    };
    await h.answer(structuredClone(BRUISING_ANSWERS));
    const said = h.take();
    expect(failed).toBe(1);
    expect(pagesIn(said)).toBe(0);
    expect(said).toMatch(/I have paged the on-call manager/); // it is queued: it will go out
    await h.scheduler.advance(INLINE_PAGE_GRACE_MS - 500);
    expect(pagesIn(h.take())).toBe(0);
    await h.scheduler.advance(1_000);
    expect(pagesIn(h.take())).toBe(1);
    const ref = await h.lastRef();
    expect((await h.incident(ref))?.paging.state).toBe('paging');
  });
});
