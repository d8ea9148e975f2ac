// Fault: the process dies after the reporter's "yes, send it" is saved but before the incident is
// written (simulated by the store failing that one write). Nothing may be lost: the report is
// finished, paged and decided when the reporter next writes, or by the check queued with the
// confirm (20 s later) if they do not.

import { afterEach, describe, expect, it } from 'vitest';
import { terminalHarness, type TerminalHarness } from '../helpers/app.js';
import { BRUISING_ANSWERS } from '../helpers/seed-answers.js';
import { MemoryStore } from '../../src/store/memory.js';
import { StoreUnavailableError, type Store } from '../../src/store/port.js';

let h: TerminalHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** A memory store whose next incident write fails once `arm()` is called. */
function failingStore(): { store: Store; arm(): void } {
  const inner = new MemoryStore();
  let armed = false;
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'put')
        return (ns: string, ...rest: unknown[]) => {
          if (armed && ns === 'incident') {
            armed = false;
            return Promise.reject(new StoreUnavailableError());
          }
          return (target.put as (...a: unknown[]) => Promise<number | null>)(ns, ...rest);
        };
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { store, arm: () => (armed = true) };
}

async function confirmAndCrash(): Promise<string> {
  const f = failingStore();
  h = await terminalHarness({ store: f.store });
  await h.answer(structuredClone(BRUISING_ANSWERS), 'confirm');
  f.arm();
  h.take();
  await h.type('yes');
  const ref = await h.lastRef();
  expect(h.take()).toMatch(/cannot save anything right now/);
  expect((await h.session())?.status).toBe('done');
  expect(await h.incident(ref)).toBeNull();
  return ref;
}

async function expectFinished(ref: string, said: string): Promise<void> {
  const inc = (await h!.incident(ref))!;
  expect(inc).not.toBeNull();
  expect(inc.escalations.find((e) => e.code === 'safeguarding_adults')?.level).toBe('required');
  expect(inc.paging.state).toBe('paging');
  const log = (await h!.app.ctx.store.read(ref)).map((e) => e.type);
  expect(log.filter((t) => t === 'intake_completed')).toHaveLength(1);
  expect(log).toContain('decision');
  expect(said).toMatch(/PAGE to Sam Okafor/);
  expect(said).toMatch(/what happens next/i);
}

describe('a crash between "send it" and the incident', () => {
  it('is finished when the reporter next writes (once the confirming turn has had time to end)', async () => {
    const ref = await confirmAndCrash();
    // At once: the confirming turn might still be running elsewhere, so nothing is redone.
    await h!.type('hello?');
    expect(await h!.incident(ref)).toBeNull();
    h!.take();
    await h!.scheduler.advance(20_000);
    await h!.type('hello?');
    await expectFinished(ref, h!.take());
    // Writing again changes nothing more.
    await h!.type('thanks');
    expect((await h!.app.ctx.store.read(ref)).filter((e) => e.type === 'intake_completed')).toHaveLength(1);
    expect(h!.take()).not.toMatch(/PAGE to/);
  });

  it('is finished by the check queued with the confirm, about 20 s later, when the reporter does not come back', async () => {
    const ref = await confirmAndCrash();
    await h!.scheduler.advance(10_000);
    expect(await h!.incident(ref)).toBeNull(); // too soon: the confirming turn may still be running
    await h!.scheduler.advance(11_000);
    await expectFinished(ref, h!.take());
    // The idle reminder later finds nothing to finish (the re-pages go on, as for any page).
    await h!.scheduler.advance(h!.app.ctx.org.intake.idleReminderMinutes * 60_000);
    expect((await h!.app.ctx.store.read(ref)).filter((e) => e.type === 'intake_completed')).toHaveLength(1);
    expect(h!.take()).not.toMatch(/what happens next|not finished yet/i);
  });

  it('queues and sends a page that was never queued, without telling the reporter twice', async () => {
    h = await terminalHarness();
    await h.answer(structuredClone(BRUISING_ANSWERS), 'confirm');
    // The page cannot be queued this once (as if the process died just before).
    const schedule = h.scheduler.schedule.bind(h.scheduler);
    let failed = false;
    h.scheduler.schedule = async (job) => {
      if (job.kind === 'page' && !failed) {
        failed = true;
        throw new Error('queue unavailable');
      }
      return schedule(job);
    };
    h.take();
    await h.type('yes');
    const ref = await h.lastRef();
    expect(failed).toBe(true);
    expect(h.take()).not.toMatch(/PAGE to/);
    expect((await h.app.ctx.store.read(ref)).map((e) => e.type)).toContain('intake_completed');
    expect((await h.incident(ref))!.paging.state).toBe('queued');
    await h.scheduler.advance(20_000);
    await h.type('hello?');
    const said = h.take();
    expect(said).toMatch(/PAGE to Sam Okafor/);
    expect(said).not.toMatch(/what happens next/i);
    expect((await h.incident(ref))!.paging.state).toBe('paging');
  });
});
