// Exports of a real incident: the bruising seed example driven through the terminal chat on a
// MemoryStore whose clock is set to summer (BST) or winter (GMT). Every event is in every format,
// in order, with local times; CSV cells are escaped and guarded against formulas; HTML is escaped.

import { afterEach, describe, expect, it } from 'vitest';
import { loadOrganisation } from '../../src/conversations/organisation.js';
import { evidencePackHtml, escapeHtml } from '../../src/records/evidence-pack.js';
import { memoryEventLog } from '../../src/records/event-log.js';
import { csvCell, exportCsv, exportJson, inRange, loadRecord, loadRecords } from '../../src/records/export.js';
import { eventSummary, localStamp } from '../../src/records/timeline.js';
import { MemoryStore } from '../../src/store/memory.js';
import type { TerminalHarness } from '../helpers/app.js';
import { appendConsentCapacity, followThrough, runBruising } from './seed-fixture.js';

const org = loadOrganisation();
const meta = { by: 'tom-reilly', at: new Date('2026-07-03T12:00:00Z') };
let h: TerminalHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** A store whose events are stamped one second apart from `startIso`. */
function clockedStore(startIso: string): MemoryStore {
  let t = Date.parse(startIso);
  return new MemoryStore({ now: () => (t += 1000) });
}

/** Split CSV text into rows of cells (RFC 4180 quoting). */
function parseCsv(withBom: string): string[][] {
  expect(withBom.startsWith('\uFEFF'), 'UTF-8 byte-order mark for Excel').toBe(true);
  const text = withBom.slice(1);
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += c;
  }
  return rows;
}

describe('export of the bruising seed example', () => {
  it('has every event in order, with BST local times in summer, in JSON, CSV and HTML', { timeout: 60_000 }, async () => {
    const store = clockedStore('2026-07-01T08:59:00Z');
    const run = await runBruising(store);
    h = run.h;
    await followThrough(run.h, run.ref);
    await appendConsentCapacity(store, run.ref, new Date('2026-07-01T11:00:00Z'));
    const stored = await store.read(run.ref);
    expect(stored.map((e) => e.type)).toEqual(
      expect.arrayContaining(['reported', 'intake_completed', 'decision', 'page_sent', 'acknowledged', 'notified', 'not_notifying', 'agency_response', 'action_added', 'action_completed', 'closed', 'learning_review', 'consent_capacity']),
    );
    const record = await loadRecord(store, run.ref, memoryEventLog(store));
    expect(record.chain.ok).toBe(true);

    // JSON: incident + the events exactly as stored, in order.
    const json = JSON.parse(exportJson([record], meta, org.timezone));
    expect(json.incidents[0].incident.ref).toBe(run.ref);
    expect(json.incidents[0].incident.narrative).toMatch(/upper arms/);
    expect(json.incidents[0].events.map((e: { seq: number; hash: string }) => [e.seq, e.hash])).toEqual(stored.map((e) => [e.seq, e.hash]));
    expect(json.incidents[0].chain.intact).toBe(true);

    // CSV: a header and one row per event, in seq order, local time one hour ahead of UTC (BST).
    const rows = parseCsv(exportCsv([record], org));
    expect(rows[0]).toEqual(['ref', 'seq', 'local_time', 'utc_time', 'type', 'summary']);
    expect(rows.slice(1).map((r) => r[1])).toEqual(stored.map((e) => String(e.seq)));
    for (const [i, r] of rows.slice(1).entries()) {
      expect(r[4]).toBe(stored[i]!.type);
      expect(r[3]).toBe(stored[i]!.at);
      expect(r[2]).toMatch(/ BST$/);
      const utcHour = new Date(stored[i]!.at).getUTCHours();
      expect(Number(r[2]!.split(', ')[1]!.slice(0, 2))).toBe((utcHour + 1) % 24);
    }
    expect(rows[1]![2]).toMatch(/^Wed 1 Jul 2026, 1\d:\d\d:\d\d BST$/);
    expect(rows.find((r) => r[4] === 'notified')![5]).toMatch(/Adult safeguarding team told: Northshire duty desk, .* reference SG-2026-0117\. Recorded by Sam Okafor/);
    expect(rows.find((r) => r[4] === 'not_notifying')![5]).toMatch(/Decided not to notify Police \(101\): Spoke to the police/);

    // HTML: every event's line, in order, escaped; the sections an inspector looks for.
    const html = evidencePackHtml([record], org, meta);
    let from = 0;
    for (const e of stored) {
      const at = html.indexOf(escapeHtml(eventSummary(e, org)), from);
      expect(at, `event ${e.seq} (${e.type}) in order`).toBeGreaterThan(from);
      from = at;
    }
    for (const heading of ['Summary', 'What was reported', 'Decisions', 'Agencies told', 'Decisions not to notify', 'Consent and capacity', 'Learning review', 'Timeline', 'Record integrity']) {
      expect(html).toContain(`<h2>${heading}</h2>`);
    }
    expect(html).toContain('AB said &quot;it hurts&quot;.');
    expect(html).toContain('E1, E2, E9, S4-lacks-capacity');
    expect(html).toContain('best interests');
    expect(html).toContain('Handover sheet now asks about falls');
    expect(html).toContain('<li>Communication gap: Night staff had not passed on a fall</li>');
    expect(html).toContain('Section 42 enquiry opened; social worker visiting');
    expect(html).toContain('A1 Body map and photos by the nurse (for Adult safeguarding team)');
    expect(html).toContain('Best-interests meeting first; daughter to be told after it');
    expect(html).toMatch(/<dt>Status<\/dt><dd>Closed /);
    expect(html).toMatch(/@page \{\s*size: A4;/);
    expect(html).toMatch(/Intact: \d+ events/);
  });

  it('shows GMT local times in winter', { timeout: 60_000 }, async () => {
    const store = clockedStore('2026-01-15T08:59:00Z');
    const run = await runBruising(store);
    h = run.h;
    const record = await loadRecord(store, run.ref);
    const rows = parseCsv(exportCsv([record], org)).slice(1);
    expect(rows.length).toBe((await store.read(run.ref)).length);
    expect(rows[0]![2]).toMatch(/^Thu 15 Jan 2026, 09:\d\d:\d\d GMT$/);
    expect(Number(rows[0]![2]!.split(', ')[1]!.slice(0, 2))).toBe(new Date(rows[0]![3]!).getUTCHours());
    expect(rows.every((r) => r[2]!.endsWith(' GMT'))).toBe(true);
  });
});

describe('local times across the clock change', () => {
  it('uses BST after 01:00 UTC on the last Sunday of March and GMT after 01:00 UTC on the last Sunday of October', () => {
    expect(localStamp('2026-03-29T00:59:59Z', 'Europe/London')).toBe('Sun 29 Mar 2026, 00:59:59 GMT');
    expect(localStamp('2026-03-29T01:00:00Z', 'Europe/London')).toBe('Sun 29 Mar 2026, 02:00:00 BST');
    expect(localStamp('2026-10-25T00:59:59Z', 'Europe/London')).toBe('Sun 25 Oct 2026, 01:59:59 BST');
    expect(localStamp('2026-10-25T01:00:00Z', 'Europe/London')).toBe('Sun 25 Oct 2026, 01:00:00 GMT');
  });
});

describe('escaping', () => {
  it('quotes CSV cells that need it and guards formula starts', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('she said "no"')).toBe('"she said ""no"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+44 7700')).toBe("'+44 7700");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(3)).toBe('3');
    expect(csvCell(null)).toBe('');
  });

  it('escapes every piece of text in the evidence pack, and shows unknown event types with their data', async () => {
    const store = new MemoryStore();
    const ref = 'RH-2026-0099';
    await store.put('incident', ref, { ref, serviceId: 'riverside-house', status: 'open', createdAt: '2026-02-01T10:00:00Z', updatedAt: '2026-02-01T10:00:00Z', reporter: { platform: 'terminal', id: 'alex-kim' }, subject: '<b>XY</b>', narrative: '<script>alert(1)</script> & more', answers: { categories: ['abuse'] }, unsure: [], decision: { escalations: [], advice: [] }, escalations: [], paging: { state: 'queued', policy: [], tierIndex: 0, attempt: 0 }, versions: { flow: 'f', rules: 'r' }, messages: {} }, null);
    await store.append(ref, 'not_notifying', { code: 'family_nok', by: 'sam-okafor', reason: 'He said "don\'t" <tell>' });
    await store.append(ref, 'mystery_event', { x: 1, note: '<i>' });
    const html = evidencePackHtml([await loadRecord(store, ref)], org, meta);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>XY</b>');
    expect(html).not.toContain('<tell>');
    expect(html).not.toContain('<i>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
    expect(html).toContain('He said &quot;don&#39;t&quot; &lt;tell&gt;');
    expect(html).toContain('mystery_event: {&quot;note&quot;:&quot;&lt;i&gt;&quot;,&quot;x&quot;:1}');
  });
});

describe('choosing incidents by date and service', () => {
  it('takes whole local days, both ends included', () => {
    const range = { from: '2026-07-01', to: '2026-07-02' };
    expect(inRange('2026-06-30T22:59:59Z', range, 'Europe/London')).toBe(false); // 23:59:59 BST on 30 June
    expect(inRange('2026-06-30T23:00:00Z', range, 'Europe/London')).toBe(true); // 00:00 BST on 1 July
    expect(inRange('2026-07-02T22:59:59Z', range, 'Europe/London')).toBe(true);
    expect(inRange('2026-07-02T23:00:00Z', range, 'Europe/London')).toBe(false);
  });

  it('loads incidents in the range, for one service when asked', async () => {
    const store = new MemoryStore();
    const add = async (ref: string, serviceId: string, createdAt: string) => {
      await store.put('incident', ref, { ref, serviceId, createdAt }, null);
      await store.append(ref, 'reported', { serviceId });
    };
    await add('RH-2026-0002', 'riverside-house', '2026-03-02T10:00:00Z');
    await add('RH-2026-0001', 'riverside-house', '2026-03-01T10:00:00Z');
    await add('EC-2026-0001', 'elm-court', '2026-03-01T11:00:00Z');
    await add('RH-2026-0003', 'riverside-house', '2026-04-01T10:00:00Z');
    const all = await loadRecords(store, { from: '2026-03-01', to: '2026-03-31' }, 'Europe/London');
    expect(all.map((r) => r.ref)).toEqual(['RH-2026-0001', 'EC-2026-0001', 'RH-2026-0002']);
    const rh = await loadRecords(store, { from: '2026-03-01', to: '2026-03-31' }, 'Europe/London', 'riverside-house');
    expect(rh.map((r) => r.ref)).toEqual(['RH-2026-0001', 'RH-2026-0002']);
    expect(rh[0]!.events).toHaveLength(1);
  });
});
