// The evidence pack of the bruising seed example printed to PDF by headless Chromium: every page
// is A4 (MediaBox), the text an inspector needs is there (pdftotext), and no word runs past the
// printable width of the page (pdftotext -bbox), so no table is cut off.
// Skips, saying why, when /usr/bin/chromium is missing, unless EVIDENCE_PDF_REQUIRED=1 (then it
// fails). Set EVIDENCE_PDF_KEEP=DIR to keep the HTML, PDF and a PNG screenshot for a look.

import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrganisation } from '../../src/conversations/organisation.js';
import { evidencePackHtml } from '../../src/records/evidence-pack.js';
import { memoryEventLog } from '../../src/records/event-log.js';
import { loadRecord } from '../../src/records/export.js';
import { MemoryStore } from '../../src/store/memory.js';
import { appendConsentCapacity, followThrough, runBruising } from './seed-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const required = process.env.EVIDENCE_PDF_REQUIRED === '1';
const haveChromium = existsSync(CHROMIUM);
const havePdftotext = spawnSync('pdftotext', ['-v'], { encoding: 'utf8' }).error === undefined;
const skipReason = haveChromium || required ? '' : `${CHROMIUM} is not installed (apt-get install chromium); set EVIDENCE_PDF_REQUIRED=1 to make this a failure`;
if (skipReason) console.warn(`evidence-pack-pdf: skipped: ${skipReason}`);

// A4 in PostScript points: 210 mm × 297 mm = 595.28 × 841.89 (Chromium writes 594.96 × 841.92).
const A4 = { width: 595.28, height: 841.89 };
const MM = 72 / 25.4;

const dir = mkdtempSync(join(tmpdir(), 'evidence-pdf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function chromium(args: string[]): void {
  execFileSync(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      `--user-data-dir=${join(dir, 'profile')}`,
      ...args,
    ],
    { stdio: 'pipe', timeout: 120_000 },
  );
}

describe.skipIf(Boolean(skipReason))('evidence pack PDF (headless Chromium)', () => {
  it('prints the bruising example on A4 with its text, nothing past the page width', { timeout: 180_000 }, async () => {
    if (!haveChromium) throw new Error(`EVIDENCE_PDF_REQUIRED=1 but ${CHROMIUM} is not installed`);
    const store = new MemoryStore();
    const { h, ref } = await runBruising(store);
    await followThrough(h, ref);
    await appendConsentCapacity(store, ref, new Date());
    await h.stop();
    const html = evidencePackHtml([await loadRecord(store, ref, memoryEventLog(store))], loadOrganisation(), { by: 'tom-reilly', at: new Date() });
    const htmlFile = join(dir, 'pack.html');
    const pdfFile = join(dir, 'pack.pdf');
    writeFileSync(htmlFile, html);
    chromium(['--no-pdf-header-footer', `--print-to-pdf=${pdfFile}`, `file://${htmlFile}`]);

    // Every page's MediaBox is A4.
    const pdf = readFileSync(pdfFile).toString('latin1');
    const boxes = [...pdf.matchAll(/\/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]/g)].map((m) => m.slice(1, 5).map(Number));
    expect(boxes.length).toBeGreaterThanOrEqual(2);
    for (const [x0, y0, x1, y1] of boxes) {
      expect(Math.abs(x1! - x0! - A4.width)).toBeLessThan(1.5);
      expect(Math.abs(y1! - y0! - A4.height)).toBeLessThan(1.5);
    }

    if (havePdftotext) {
      const text = execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' });
      for (const s of [`Incident ${ref}`, 'Summary', 'What was reported', 'upper arms', 'Decisions', 'E1, E2, E9, S4-', 'Agencies told', 'SG-2026-0117', 'Northshire duty desk', 'Decisions not to notify', 'Consent and capacity', 'best interests', 'Learning review', 'Handover sheet now asks about falls', 'Timeline', 'Record integrity', 'Intact']) {
        expect(text, s).toContain(s);
      }
      // Word boxes: nothing outside the page's printable area (left/right margins 14 mm).
      const bbox = execFileSync('pdftotext', ['-bbox', pdfFile, '-'], { encoding: 'utf8' });
      const words = [...bbox.matchAll(/<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
      expect(words.length).toBeGreaterThan(300);
      const right = A4.width - 14 * MM + 1;
      const left = 14 * MM - 1;
      const outside = words.filter(([x0, x1]) => x0 < left || x1 > right);
      expect(outside, 'words outside the printable width').toEqual([]);
    } else {
      console.warn('evidence-pack-pdf: pdftotext (poppler-utils) not installed: text and width checks skipped');
    }

    const keep = process.env.EVIDENCE_PDF_KEEP;
    if (keep) {
      chromium(['--window-size=900,2400', `--screenshot=${join(keep, 'evidence-pack.png')}`, `file://${htmlFile}`]);
      copyFileSync(pdfFile, join(keep, 'evidence-pack.pdf'));
      copyFileSync(htmlFile, join(keep, 'evidence-pack.html'));
    }
  });
});
