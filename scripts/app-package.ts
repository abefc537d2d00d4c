/**
 * Builds the Teams app package: fills the manifest template from the environment, validates
 * it and its language files offline against the schemas bundled in @microsoft/app-manifest,
 * and zips it with the icons.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { AppManifestUtils } from '@microsoft/app-manifest';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** The folder holding the manifest template, its language files and icons. */
export const MANIFEST_DIR = join(__dirname, '..', 'manifest');

/** Every file in the app package, all at the zip root. */
export const PACKAGE_FILES = ['manifest.json', 'color.png', 'outline.png', 'sv.json', 'da.json', 'fi.json'] as const;

/** The placeholders the template may use, with the values a local build falls back to. */
export const LOCAL_DEFAULTS = {
  TEAMS_APP_ID: '5a3d2b1e-7c4f-4e8a-9b6d-2f1e0c9a8b71',
  MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000000',
  AAD_APP_CLIENT_ID: '00000000-0000-0000-0000-000000000000',
  BOT_DOMAIN: 'localhost',
  PUBLIC_BASE_URL: 'https://localhost',
} as const;

export type PlaceholderName = keyof typeof LOCAL_DEFAULTS;
type Env = Record<string, string | undefined>;

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const SCHEMA_URL = /^https:\/\/developer\.microsoft\.com\/(?:[a-z]{2}(?:-[a-z]{2})?\/)?(json-schemas\/teams\/v[0-9.]+\/MicrosoftTeams(?:\.Localization)?\.schema\.json)$/i;

/** Reads a JSON file from the manifest folder. */
export function readManifestFile(name: string): JsonObject {
  return JSON.parse(readFileSync(join(MANIFEST_DIR, name), 'utf8')) as JsonObject;
}

/** The value for each placeholder from env (trimmed and checked), or its local default; throws on a bad value. */
export function resolveValues(env: Env, allowDefaults = true): { values: Record<PlaceholderName, string>; defaultsUsed: PlaceholderName[] } {
  const values = {} as Record<PlaceholderName, string>;
  const defaultsUsed: PlaceholderName[] = [];
  const problems: string[] = [];
  for (const name of Object.keys(LOCAL_DEFAULTS) as PlaceholderName[]) {
    let value = env[name]?.trim() ?? '';
    if (!value) {
      if (!allowDefaults) problems.push(`${name} is not set`);
      value = LOCAL_DEFAULTS[name];
      defaultsUsed.push(name);
    }
    if (name === 'PUBLIC_BASE_URL') {
      value = value.replace(/\/+$/, '');
      if (!/^https:\/\/[^/\s]+/.test(value)) problems.push(`PUBLIC_BASE_URL must be an https:// address, not "${value}"`);
    }
    if (name === 'BOT_DOMAIN' && !/^[A-Za-z0-9.-]+$/.test(value)) {
      problems.push(`BOT_DOMAIN must be a bare host name such as samrad.azurewebsites.net, not "${value}"`);
    }
    values[name] = value;
  }
  if (problems.length) throw new Error(problems.join('\n'));
  return { values, defaultsUsed };
}

/** Replaces ${{NAME}} in every string of a JSON value; throws on a name it does not know. */
export function substitute(value: Json, values: Record<string, string>): Json {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (_, name: string) => {
      if (!Object.prototype.hasOwnProperty.call(values, name)) throw new Error(`Unknown placeholder \${{${name}}} in the manifest`);
      return values[name];
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, values));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, values)]));
  }
  return value;
}

/** The manifest template filled from env, and which placeholders fell back to their local default. */
export function renderManifest(env: Env = process.env, options: { allowDefaults?: boolean; template?: JsonObject } = {}) {
  const { values, defaultsUsed } = resolveValues(env, options.allowDefaults ?? true);
  const manifest = substitute(options.template ?? readManifestFile('manifest.json'), values) as JsonObject;
  return { manifest, defaultsUsed };
}

/** The bundled schema a $schema address names; throws rather than fetch one from the network. */
export function bundledSchema(schemaUrl: unknown): JsonObject {
  const match = typeof schemaUrl === 'string' ? SCHEMA_URL.exec(schemaUrl) : null;
  if (!match) throw new Error(`$schema must name a Teams schema on developer.microsoft.com, not ${JSON.stringify(schemaUrl)}`);
  const file = join(dirname(require.resolve('@microsoft/app-manifest')), match[1]);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as JsonObject;
  } catch {
    throw new Error(`@microsoft/app-manifest does not bundle ${match[1]}`);
  }
}

/** Schema errors of a rendered manifest (empty when valid), checked offline with AppManifestUtils.validateAgainstSchema. */
export async function validateManifest(manifest: JsonObject): Promise<string[]> {
  const schema = bundledSchema(manifest.$schema);
  return AppManifestUtils.validateAgainstSchema(manifest as never, schema as never);
}

/** Schema errors of a language file (empty when valid), checked offline against the bundled Localization schema. */
export function validateLanguageFile(file: JsonObject): string[] {
  const schema = bundledSchema(file.$schema);
  // AppManifestUtils.validateAgainstSchema cannot compile any bundled Localization schema: some of its
  // patterns are invalid as unicode regular expressions. Same Ajv and options, minus the unicode flag.
  const load = createRequire(require.resolve('@microsoft/app-manifest'));
  const AjvDraft04 = load('ajv-draft-04').default;
  const addFormats = load('ajv-formats').default;
  const ajv = new AjvDraft04({ allErrors: true, strictTypes: false, unicodeRegExp: false });
  addFormats(ajv, ['uri', 'email', 'regex']);
  const validate = ajv.compile(schema);
  if (validate(file)) return [];
  return (validate.errors ?? []).map((e: { instancePath: string; message?: string; params?: unknown }) =>
    `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** What the schemas cannot see: every localized key must name a string in the manifest, in the same schema version. */
export function languageFileProblems(manifest: JsonObject, file: JsonObject, fileName: string): string[] {
  const problems: string[] = [];
  const version = (url: unknown) => String(url).match(/\/(v[0-9.]+)\//)?.[1];
  if (version(file.$schema) !== version(manifest.$schema)) problems.push(`${fileName}: $schema version differs from the manifest's`);
  for (const key of Object.keys(file)) {
    if (key === '$schema' || key === 'localizationKeys') continue;
    let node: Json | undefined = manifest;
    for (const part of key.split(/\.|(?=\[)/)) {
      const index = /^\[(\d+)\]$/.exec(part);
      if (node === null || typeof node !== 'object') node = undefined;
      else node = index ? (node as Json[])[Number(index[1])] : (node as JsonObject)[part];
    }
    if (typeof node !== 'string') problems.push(`${fileName}: "${key}" names nothing in the manifest`);
  }
  return problems;
}

/** A zip archive of the given files at its root (deflated when that is smaller), with fixed timestamps. */
export function zip(files: { name: string; data: Buffer }[]): Buffer {
  const DOS_TIME = 0;
  const DOS_DATE = ((2025 - 1980) << 9) | (1 << 5) | 1; // 2025-01-01, so equal input gives an equal zip
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of files) {
    const nameBytes = Buffer.from(name, 'utf8');
    const deflated = deflateRawSync(data, { level: 9 });
    const method = deflated.length < data.length ? 8 : 0;
    const body = method === 8 ? deflated : data;
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by: 2.0
    local.copy(central, 6, 4, 28); // needed, flags, method, time, date, crc, sizes, name length
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, body);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** Renders, validates and zips the app package to outPath; throws with every problem found. */
export async function buildAppPackage(outPath: string, env: Env = process.env, options: { allowDefaults?: boolean } = {}) {
  const { manifest, defaultsUsed } = renderManifest(env, options);
  const problems = (await validateManifest(manifest)).map((e) => `manifest.json: ${e}`);
  const languages = (manifest.localizationInfo as { additionalLanguages?: { file: string }[] } | undefined)?.additionalLanguages ?? [];
  const referenced = [...Object.values(manifest.icons as Record<string, string>), ...languages.map((l) => l.file)];
  for (const name of referenced) {
    if (!(PACKAGE_FILES as readonly string[]).includes(name)) problems.push(`manifest.json refers to ${name}, which is not packaged`);
  }
  for (const { file } of languages) {
    const content = readManifestFile(file);
    problems.push(...validateLanguageFile(content).map((e) => `${file}: ${e}`), ...languageFileProblems(manifest, content, file));
  }
  if (problems.length) throw new Error(`The app package is not valid:\n  ${problems.join('\n  ')}`);
  const files = PACKAGE_FILES.map((name) => ({
    name,
    data: name === 'manifest.json' ? Buffer.from(JSON.stringify(manifest, null, 2) + '\n') : readFileSync(join(MANIFEST_DIR, name)),
  }));
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, zip(files));
  return { outPath, files: files.map((f) => f.name), defaultsUsed, manifest };
}
