// `npm run package:teams`: fills manifest.json's placeholders, validates it against the Teams
// JSON schema shipped in @microsoft/app-manifest (draft-04, checked with ajv-draft-04), and writes
// build/escalation-assistant.zip with manifest.json and both icons at the zip root.
//
//   MICROSOFT_APP_ID      the Azure Bot's app id (required unless --placeholder)
//   TEAMS_DEVELOPER_NAME  shown as the publisher (default "Escalation Assistant")
//   TEAMS_DEVELOPER_URL   your organisation's website, https (required unless --placeholder)
//   TEAMS_PRIVACY_URL     privacy notice (default TEAMS_DEVELOPER_URL + "/privacy")
//   TEAMS_TERMS_URL       terms of use (default TEAMS_DEVELOPER_URL + "/terms")

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';

// Both are CommonJS with a `default` export; require() gives the right types and values under NodeNext.
const require = createRequire(import.meta.url);
const Ajv = require('ajv-draft-04') as typeof import('ajv-draft-04').default;
const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;

export const MANIFEST_DIR = dirname(fileURLToPath(import.meta.url));
export const SCHEMA_VERSION = '1.19';
export const OUT_FILE = join(MANIFEST_DIR, 'build', 'escalation-assistant.zip');
const PLACEHOLDER_APP_ID = '00000000-0000-0000-0000-000000000000';
const PLACEHOLDER_URL = 'https://example.org';
const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;

export interface PackageSettings {
  appId: string;
  developerName: string;
  developerUrl: string;
  privacyUrl: string;
  termsUrl: string;
}

/** Settings from the environment; throws a clear message for what is missing. */
export function settingsFromEnv(env: NodeJS.ProcessEnv, placeholder: boolean): PackageSettings {
  const appId = (env.MICROSOFT_APP_ID ?? '').trim() || (placeholder ? PLACEHOLDER_APP_ID : '');
  if (!appId) throw new Error('MICROSOFT_APP_ID is not set. Set it to your Azure Bot app id, or run with --placeholder for a test package.');
  if (!GUID.test(appId)) throw new Error('MICROSOFT_APP_ID must be a GUID like 12345678-abcd-1234-abcd-1234567890ab.');
  const developerUrl = (env.TEAMS_DEVELOPER_URL ?? '').trim().replace(/\/+$/, '') || (placeholder ? PLACEHOLDER_URL : '');
  if (!developerUrl) {
    throw new Error("TEAMS_DEVELOPER_URL is not set. Set it to your organisation's https website (privacy at /privacy, terms at /terms).");
  }
  if (!/^https:\/\//i.test(developerUrl)) throw new Error('TEAMS_DEVELOPER_URL must start with https://');
  return {
    appId,
    developerName: (env.TEAMS_DEVELOPER_NAME ?? '').trim() || 'Escalation Assistant',
    developerUrl,
    privacyUrl: (env.TEAMS_PRIVACY_URL ?? '').trim() || `${developerUrl}/privacy`,
    termsUrl: (env.TEAMS_TERMS_URL ?? '').trim() || `${developerUrl}/terms`,
  };
}

/** manifest.json with every {{PLACEHOLDER}} filled; throws if one is left. */
export function buildManifest(s: PackageSettings): Record<string, unknown> {
  const values: Record<string, string> = {
    MICROSOFT_APP_ID: s.appId,
    DEVELOPER_NAME: s.developerName,
    DEVELOPER_URL: s.developerUrl,
    PRIVACY_URL: s.privacyUrl,
    TERMS_URL: s.termsUrl,
  };
  const template = readFileSync(join(MANIFEST_DIR, 'manifest.json'), 'utf8');
  const filled = template.replace(/\{\{([A-Z_]+)\}\}/g, (m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`manifest.json has an unknown placeholder ${m}`);
    return JSON.stringify(v).slice(1, -1);
  });
  return JSON.parse(filled) as Record<string, unknown>;
}

/** The Teams manifest JSON schema for SCHEMA_VERSION, as shipped in @microsoft/app-manifest. */
export function loadSchema(): Record<string, unknown> {
  const pkgDir = dirname(require.resolve('@microsoft/app-manifest/package.json'));
  const file = join(pkgDir, 'build', 'json-schemas', 'teams', `v${SCHEMA_VERSION}`, 'MicrosoftTeams.schema.json');
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** Schema problems as "path: message" lines; empty when valid. */
export function validateManifest(manifest: unknown): string[] {
  // ajv-draft-04 also knows `const`, which the schema uses; strict mode would refuse its other extras.
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const schema = { ...loadSchema() };
  delete schema.$schema;
  const validate = ajv.compile(schema);
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? 'invalid'}`);
}

/** Build the zip (manifest.json, color.png, outline.png at the root). Returns the zip bytes. */
export async function buildPackage(s: PackageSettings): Promise<Buffer> {
  const manifest = buildManifest(s);
  const problems = validateManifest(manifest);
  if (problems.length > 0) throw new Error(`manifest.json is not valid:\n  ${problems.join('\n  ')}`);
  const zip = new JSZip();
  zip.file('manifest.json', JSON.stringify(manifest, null, 2));
  zip.file('color.png', readFileSync(join(MANIFEST_DIR, 'color.png')));
  zip.file('outline.png', readFileSync(join(MANIFEST_DIR, 'outline.png')));
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

async function main(): Promise<void> {
  const placeholder = process.argv.includes('--placeholder');
  const settings = settingsFromEnv(process.env, placeholder);
  const zip = await buildPackage(settings);
  mkdirSync(dirname(OUT_FILE), { recursive: true });
  writeFileSync(OUT_FILE, zip);
  console.log(`Wrote ${OUT_FILE}${placeholder ? ' (placeholder ids: for testing only)' : ''}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    console.error((err as Error).message);
    process.exit(1);
  });
}
