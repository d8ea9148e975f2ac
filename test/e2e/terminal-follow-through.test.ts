// Issue 9 end to end through the terminal chat: the seed's assault allegation is carried through
// to closure: police crime reference, safeguarding enquiry, agreed actions, staff support and
// debrief, the commissioner update, and closure refused until the last action is done.

import { afterEach, describe, expect, it } from 'vitest';
import { format } from 'date-fns';
import { tz } from '@date-fns/tz';
import { terminalHarness, type TerminalHarness } from '../helpers/app.js';
import { ASSAULT_ANSWERS } from '../helpers/seed-answers.js';

let h: TerminalHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const localDay = (ms: number, days: number) => format(new Date(ms + days * 86_400_000), 'yyyy-MM-dd', { in: tz('Europe/London') });

describe('follow-through: the assault allegation to closure', () => {
  it('records police and safeguarding references, actions, support, the commissioner update, and closes only when all is done', async () => {
    h = await terminalHarness();
    await h.answer(structuredClone(ASSAULT_ANSWERS));
    const ref = await h.lastRef();
    const reported = h.take();
    expect(reported, 'the reporter is offered support').toContain(`Thank you for reporting this. ${h.app.ctx.org.staffSupport}`);

    await h.type(`/ack ${ref}`);
    expect(h.take(), 'the manager is reminded to arrange a debrief').toMatch(/arrange a debrief/);
    await h.type(`/notify ${ref} police_101 PC Jones | CRIME-22/11/26-0457`);
    await h.type(`/notify ${ref} safeguarding_adults Northshire duty desk | SG-2026-0311`);
    await h.type(`/response ${ref} safeguarding_adults enquiry_opened | S42-2026-118 | Section 42 enquiry opened; strategy meeting to follow`);
    const today = h.scheduler.now();
    await h.type(`/action ${ref} Update MR's care plan with a visitor plan | sam-okafor | ${localDay(today, 3)} | safeguarding_adults`);
    await h.type(`/action ${ref} Share CCTV stills with the police | priya-desai | ${localDay(today, 1)} 12:00 | police_101`);
    await h.type(`/debrief ${ref} Debrief with the two carers on shift; EAP details given`);
    await h.type(`/notify ${ref} cqc_notification CQC portal | CQC-NOT-55120`);
    await h.type(`/notify ${ref} family_nok Her daughter (with MR's consent)`);

    h.take();
    await h.type(`/commissioner ${ref}`);
    const draft = h.take();
    expect(draft).toMatch(new RegExp(`Incident ${ref}`));
    expect(draft).toMatch(/Police \(101\)/);
    expect(draft).toMatch(/A1 Update MR's care plan/);
    expect(draft, 'no narrative in the commissioner update').not.toMatch(/punched/);
    await h.type(`/sent ${ref} email to the Northshire contracts team`);

    h.take();
    await h.type(`/close ${ref}`);
    const refused = h.take();
    expect(refused).toMatch(/cannot close yet/);
    expect(refused).toMatch(/Action A1/);
    expect(refused).toMatch(/Action A2/);

    await h.type(`/done ${ref} A1 Care plan updated and shared with the team`);
    await h.type(`/close ${ref}`);
    expect(h.take()).toMatch(/Action A2[\s\S]*not done yet/);
    expect((await h.incident(ref))!.status).toBe('open');

    // The owner of an action may complete it even without a manager role on other things.
    await h.type(`/as priya-desai`);
    await h.type(`/done ${ref} A2 Stills handed to PC Jones`);
    await h.type(`/as sam-okafor`);
    await h.type(`/close ${ref}`);
    const closed = (await h.incident(ref))!;
    expect(closed.status).toBe('closed');
    expect(h.take()).toMatch(/learning review/);
    await h.type(`/review ${ref} None | Police and family told by different people | Whether a visitor assault is a care concern | Visitor risk plans for all residents`);

    const inc = (await h.incident(ref))!;
    expect(inc.escalations.find((e) => e.code === 'police_101')?.notified?.reference).toBe('CRIME-22/11/26-0457');
    expect(inc.follow?.responses[0]).toMatchObject({ code: 'safeguarding_adults', response: 'enquiry_opened', reference: 'S42-2026-118' });
    expect(inc.follow?.actions.map((a) => [a.owner, a.status])).toEqual([
      ['sam-okafor', 'done'],
      ['priya-desai', 'done'],
    ]);
    expect(inc.follow?.support?.offeredAt).toBeTruthy();
    expect(inc.follow?.support?.debriefAt).toBeTruthy();
    expect(inc.follow?.commissioner?.sentAt).toBeTruthy();
    expect(inc.follow?.review?.change).toBe('Visitor risk plans for all residents');
    const types = (await h.app.ctx.store.read(ref)).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['support_offered', 'agency_response', 'action_added', 'action_completed', 'debrief_recorded', 'commissioner_update', 'closed', 'learning_review']),
    );
    expect(await h.app.ctx.store.list('incident-open')).not.toContain(ref);
  });

  it('flags an overdue action on the record and reminds its owner', async () => {
    h = await terminalHarness();
    await h.answer(structuredClone(ASSAULT_ANSWERS));
    const ref = await h.lastRef();
    await h.type(`/ack ${ref}`);
    await h.type(`/action ${ref} Share CCTV stills with the police | priya-desai | ${localDay(h.scheduler.now(), 2)} 12:00 | police_101`);
    h.take();
    await h.scheduler.advance(3 * 86_400_000);
    const out = h.take();
    expect(out).toMatch(/Message to Priya Desai[\s\S]*Reminder: action A1/);
    expect(out).toMatch(/Message to Priya Desai[\s\S]*Overdue: action A1/);
    expect(out).toMatch(/record updated[\s\S]*OVERDUE Action A1/);
    await h.type('/escalations');
    expect(h.take()).toMatch(new RegExp(`${ref}.*OVERDUE: .*action A1`));
  });
});
