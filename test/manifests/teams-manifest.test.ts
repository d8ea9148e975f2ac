// The Teams app package: the manifest validates against the Teams JSON schema it names, the icons
// have the required sizes (the outline white on transparent), and the zip holds the three files.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import {
  MANIFEST_DIR,
  SCHEMA_VERSION,
  buildManifest,
  buildPackage,
  settingsFromEnv,
  validateManifest,
} from '../../manifests/teams/package.js';

const env = { MICROSOFT_APP_ID: '12345678-abcd-1234-abcd-1234567890ab', TEAMS_DEVELOPER_URL: 'https://care.example.org/' };

describe('Teams manifest', () => {
  it('validates against the bundled schema of the version it names', () => {
    const manifest = buildManifest(settingsFromEnv(env, false));
    expect(manifest.manifestVersion).toBe(SCHEMA_VERSION);
    expect(validateManifest(manifest)).toEqual([]);
  });

  it('the validator catches a broken manifest', () => {
    const manifest = buildManifest(settingsFromEnv(env, false));
    const broken = { ...manifest, id: 'not-a-guid', accentColor: undefined };
    expect(validateManifest(broken).length).toBeGreaterThan(0);
  });

  it('fills the app id into id and botId; bot has personal and team scopes and a "report" command', () => {
    const m = buildManifest(settingsFromEnv(env, false)) as Record<string, any>;
    expect(m.id).toBe(env.MICROSOFT_APP_ID);
    expect(m.bots[0].botId).toBe(env.MICROSOFT_APP_ID);
    expect(m.bots[0].scopes).toEqual(['personal', 'team']);
    const personal = m.bots[0].commandLists.find((l: { scopes: string[] }) => l.scopes.includes('personal'));
    expect(personal.commands.map((c: { title: string }) => c.title)).toEqual(['report', 'help']);
    expect(m.developer.privacyUrl).toBe('https://care.example.org/privacy');
    expect(JSON.stringify(m)).not.toContain('{{');
  });

  it('refuses to package without an app id unless --placeholder', () => {
    expect(() => settingsFromEnv({}, false)).toThrow(/MICROSOFT_APP_ID is not set/);
    expect(() => settingsFromEnv({ ...env, MICROSOFT_APP_ID: 'abc' }, false)).toThrow(/must be a GUID/);
    expect(settingsFromEnv({}, true).appId).toBe('00000000-0000-0000-0000-000000000000');
  });
});

describe('Teams icons', () => {
  const color = PNG.sync.read(readFileSync(join(MANIFEST_DIR, 'color.png')));
  const outline = PNG.sync.read(readFileSync(join(MANIFEST_DIR, 'outline.png')));

  it('color.png is 192×192 and opaque', () => {
    expect([color.width, color.height]).toEqual([192, 192]);
    let seeThrough = 0;
    for (let i = 3; i < color.data.length; i += 4) if (color.data[i] !== 255) seeThrough++;
    expect(seeThrough).toBe(0);
  });

  it('outline.png is 32×32, white on transparent', () => {
    expect([outline.width, outline.height]).toEqual([32, 32]);
    let transparent = 0;
    let white = 0;
    for (let i = 0; i < outline.data.length; i += 4) {
      const [r, g, b, a] = [outline.data[i], outline.data[i + 1], outline.data[i + 2], outline.data[i + 3]];
      if (a === 0) transparent++;
      else if (r === 255 && g === 255 && b === 255) white++;
      else throw new Error(`pixel ${i / 4} is neither transparent nor white`);
    }
    expect(transparent).toBeGreaterThan(0);
    expect(white).toBeGreaterThan(0);
    // The corners are transparent.
    expect(outline.data[3]).toBe(0);
  });
});

describe('Teams app package', () => {
  it('the zip holds manifest.json, color.png and outline.png at its root', async () => {
    const zip = await JSZip.loadAsync(await buildPackage(settingsFromEnv(env, false)));
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(await zip.file('manifest.json')!.async('string'));
    expect(manifest.id).toBe(env.MICROSOFT_APP_ID);
    expect(validateManifest(manifest)).toEqual([]);
    const outline = PNG.sync.read(await zip.file('outline.png')!.async('nodebuffer'));
    expect(outline.width).toBe(32);
  });
});
