// Rota changes made in chat, /oncall, and hand-over of an incident, through the terminal chat.

import { afterEach, describe, expect, it } from 'vitest';
import { terminalHarness, type TerminalHarness } from '../helpers/app.js';

let h: TerminalHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('on call in chat', () => {
  it('shows who is on call, lets a manager take over, and pages them for new incidents', async () => {
    h = await terminalHarness();
    await h.type('/oncall');
    expect(h.take()).toMatch(/Riverside House · On-call manager: Sam Okafor/);
    await h.type('/as alex-kim');
    await h.type('/oncall take until 23:59');
    expect(h.take()).toMatch(/Only managers can take over/);
    await h.type('/as priya-desai');
    await h.type('/oncall take until 23:59');
    expect(h.take()).toMatch(/Priya Desai is now tier 1 on call until/);
    await h.type('/oncall');
    expect(h.take()).toMatch(/Riverside House · On-call manager: Priya Desai/);
    await h.type('yes'); // life in danger: an emergency page at once
    expect(h.take()).toMatch(/PAGE to Priya Desai/);
  });

  it('says when everyone on the rotas can be paged, and names the people who cannot', async () => {
    h = await terminalHarness();
    await h.type('/oncall check');
    expect(h.take()).toMatch(/Everyone on the rotas can be paged/);
    // Take Sam's chat identities away: every slot of his is listed.
    const sam = h.app.ctx.org.people.find((p) => p.id === 'sam-okafor')!;
    delete sam.slackUserId;
    delete sam.teamsAadObjectId;
    await h.type('/oncall check');
    const out = h.take();
    expect(out).toMatch(/Who cannot be paged/);
    expect(out).toMatch(/Sam Okafor has no Slack or Teams id, so cannot be paged/);
  });

  it('hands an incident over to another manager, recorded and told', async () => {
    h = await terminalHarness();
    await h.type('yes');
    const ref = await h.lastRef();
    await h.type(`/ack ${ref}`);
    h.take();
    await h.type(`/handover ${ref} priya-desai`);
    const out = h.take();
    expect(out).toMatch(/Message to Priya Desai[\s\S]*handed over to you/);
    expect(out).toMatch(/record updated[\s\S]*Handed over to Priya Desai/);
    const inc = (await h.incident(ref))!;
    expect(inc.paging.owner).toBe('priya-desai');
    expect(inc.follow?.handovers?.[0]).toMatchObject({ from: 'sam-okafor', to: 'priya-desai', by: 'sam-okafor' });
    expect((await h.app.ctx.store.read(ref)).some((e) => e.type === 'handover')).toBe(true);
  });
});
