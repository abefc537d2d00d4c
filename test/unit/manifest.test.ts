import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { crc32, inflateRawSync, inflateSync } from 'node:zlib';
import {
  bundledSchema,
  buildAppPackage,
  languageFileProblems,
  MANIFEST_DIR,
  PACKAGE_FILES,
  readManifestFile,
  renderManifest,
  validateLanguageFile,
  validateManifest,
} from '../../scripts/app-package';

const LANGUAGE_FILES = ['sv.json', 'da.json', 'fi.json'];
const ENV = {
  TEAMS_APP_ID: '11111111-2222-3333-4444-555555555555',
  MICROSOFT_APP_ID: '66666666-7777-8888-9999-aaaaaaaaaaaa',
  AAD_APP_CLIENT_ID: 'bbbbbbbb-cccc-4ddd-8eee-ffffffffffff',
  BOT_DOMAIN: 'samrad-test.azurewebsites.net',
  PUBLIC_BASE_URL: 'https://samrad-test.azurewebsites.net/',
};

type Bot = { botId: string; scopes: string[]; supportsFiles: boolean; commandLists: { scopes: string[]; commands: { title: string }[] }[] };

/** Width, height, colour type and RGBA pixels of an 8-bit RGBA PNG (all five row filters). */
function decodePng(file: Buffer) {
  assert.deepEqual([...file.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.equal(file.toString('latin1', 12, 16), 'IHDR');
  const width = file.readUInt32BE(16);
  const height = file.readUInt32BE(20);
  const colorType = file[25];
  const idat: Buffer[] = [];
  for (let at = 8; at < file.length; ) {
    const length = file.readUInt32BE(at);
    if (file.toString('latin1', at + 4, at + 8) === 'IDAT') idat.push(file.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const px = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const a = x >= 4 ? px[y * stride + x - 4] : 0;
      const b = y > 0 ? px[(y - 1) * stride + x] : 0;
      const c = x >= 4 && y > 0 ? px[(y - 1) * stride + x - 4] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      px[y * stride + x] = (raw[y * (stride + 1) + 1 + x] + predictor) & 0xff;
    }
  }
  return { width, height, colorType, px };
}

/** Every entry of a zip archive, read through its central directory and checked against its CRC. */
function readZip(archive: Buffer): Map<string, Buffer> {
  const end = archive.length - 22;
  assert.equal(archive.readUInt32LE(end), 0x06054b50, 'end of central directory');
  const entries = new Map<string, Buffer>();
  let at = archive.readUInt32LE(end + 16);
  for (let i = 0; i < archive.readUInt16LE(end + 10); i++) {
    assert.equal(archive.readUInt32LE(at), 0x02014b50, 'central directory entry');
    const method = archive.readUInt16LE(at + 10);
    const crc = archive.readUInt32LE(at + 16);
    const size = archive.readUInt32LE(at + 20);
    const nameLength = archive.readUInt16LE(at + 28);
    const skip = nameLength + archive.readUInt16LE(at + 30) + archive.readUInt16LE(at + 32);
    const local = archive.readUInt32LE(at + 42);
    const name = archive.toString('utf8', at + 46, at + 46 + nameLength);
    const start = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
    const body = archive.subarray(start, start + size);
    const data = method === 8 ? inflateRawSync(body) : Buffer.from(body);
    assert.equal(crc32(data), crc, `CRC of ${name}`);
    entries.set(name, data);
    at += 46 + skip;
  }
  return entries;
}

describe('Teams app manifest', () => {
  it('renders to a manifest the official schema accepts with zero errors', async () => {
    const { manifest, defaultsUsed } = renderManifest(ENV);
    assert.deepEqual(defaultsUsed, []);
    assert.deepEqual(await validateManifest(manifest), []);
    assert.ok(!JSON.stringify(manifest).includes('${{'), 'no placeholder left');
  });

  it('fills the ids, domain and addresses from the environment', () => {
    const { manifest } = renderManifest(ENV);
    assert.equal(manifest.id, ENV.TEAMS_APP_ID);
    assert.equal((manifest.bots as Bot[])[0].botId, ENV.MICROSOFT_APP_ID);
    assert.deepEqual(manifest.validDomains, [ENV.BOT_DOMAIN]);
    assert.deepEqual(manifest.developer, {
      name: 'Samråd',
      websiteUrl: 'https://samrad-test.azurewebsites.net/',
      privacyUrl: 'https://samrad-test.azurewebsites.net/privacy',
      termsOfUseUrl: 'https://samrad-test.azurewebsites.net/terms',
    });
  });

  it('falls back to local defaults that also validate, and says which it used', async () => {
    const { manifest, defaultsUsed } = renderManifest({});
    assert.deepEqual(defaultsUsed, ['TEAMS_APP_ID', 'MICROSOFT_APP_ID', 'AAD_APP_CLIENT_ID', 'BOT_DOMAIN', 'PUBLIC_BASE_URL']);
    assert.deepEqual(await validateManifest(manifest), []);
    assert.throws(() => renderManifest({}, { allowDefaults: false }), /TEAMS_APP_ID is not set/);
  });

  it('refuses unknown placeholders and malformed values', () => {
    const template = { ...readManifestFile('manifest.json'), version: '${{APP_VERSION}}' };
    assert.throws(() => renderManifest(ENV, { template }), /Unknown placeholder \$\{\{APP_VERSION\}\}/);
    assert.throws(() => renderManifest({ ...ENV, PUBLIC_BASE_URL: 'http://samrad.example.org' }), /https/);
    assert.throws(() => renderManifest({ ...ENV, BOT_DOMAIN: 'https://samrad.example.org' }), /bare host/);
  });

  it('reports errors for a broken manifest (the validator is live)', async () => {
    const { manifest } = renderManifest(ENV);
    delete manifest.developer;
    const errors = await validateManifest(manifest);
    assert.ok(errors.some((e) => e.includes('developer')), errors.join('\n'));
    const unrendered = await validateManifest(readManifestFile('manifest.json'));
    assert.ok(unrendered.some((e) => e.startsWith('/id ')), 'the raw template has no GUID id');
    await assert.rejects(validateManifest({ ...manifest, $schema: 'https://example.org/schema.json' }), /\$schema/);
  });

  it('declares one bot for personal, group chat and team, without files, with new, meetings and help', () => {
    const bots = renderManifest(ENV).manifest.bots as Bot[];
    assert.equal(bots.length, 1);
    assert.deepEqual([...bots[0].scopes].sort(), ['groupChat', 'personal', 'team']);
    assert.equal(bots[0].supportsFiles, false);
    const personal = bots[0].commandLists.find((list) => list.scopes.includes('personal'));
    assert.deepEqual(personal?.commands.map((c) => c.title), ['new', 'meetings', 'help']);
  });
});

describe('Teams app language files', () => {
  const manifest = renderManifest(ENV).manifest;
  const info = manifest.localizationInfo as { defaultLanguageTag: string; additionalLanguages: { languageTag: string; file: string }[] };

  it('lists sv-se, da-dk and fi-fi besides the default en-us', () => {
    assert.equal(info.defaultLanguageTag, 'en-us');
    assert.deepEqual(info.additionalLanguages, [
      { languageTag: 'sv-se', file: 'sv.json' },
      { languageTag: 'da-dk', file: 'da.json' },
      { languageTag: 'fi-fi', file: 'fi.json' },
    ]);
  });

  it('uses a localization schema bundled with @microsoft/app-manifest', () => {
    const schema = bundledSchema(readManifestFile('sv.json').$schema);
    assert.equal(typeof schema.properties, 'object');
  });

  for (const name of LANGUAGE_FILES) {
    it(`${name} validates and localizes every command of the manifest`, () => {
      const file = readManifestFile(name);
      assert.deepEqual(validateLanguageFile(file), []);
      assert.deepEqual(languageFileProblems(manifest, file, name), []);
      (manifest.bots as Bot[])[0].commandLists.forEach((list, i) =>
        list.commands.forEach((_, j) => {
          for (const field of ['title', 'description']) {
            assert.ok(file[`bots[0].commandLists[${i}].commands[${j}].${field}`], `${name} lacks command ${i}/${j} ${field}`);
          }
        }),
      );
    });
  }

  it('reports errors for a broken language file (the validator is live)', () => {
    const file = readManifestFile('sv.json');
    delete file['description.short'];
    file['name.short'] = 'x'.repeat(31);
    file['bots[0].commandLists[2].commands[0].title'] = 'ny';
    const errors = validateLanguageFile(file);
    assert.ok(errors.some((e) => e.includes('description.short')), errors.join('\n'));
    assert.ok(errors.some((e) => e.includes('/name.short')), errors.join('\n'));
    assert.deepEqual(languageFileProblems(manifest, file, 'sv.json'), ['sv.json: "bots[0].commandLists[2].commands[0].title" names nothing in the manifest']);
  });
});

describe('Teams app icons', () => {
  it('color.png is a 192x192 RGBA image', () => {
    const png = decodePng(readFileSync(join(MANIFEST_DIR, 'color.png')));
    assert.deepEqual([png.width, png.height, png.colorType], [192, 192, 6]);
  });

  it('outline.png is 32x32, white on transparent', () => {
    const png = decodePng(readFileSync(join(MANIFEST_DIR, 'outline.png')));
    assert.deepEqual([png.width, png.height, png.colorType], [32, 32, 6]);
    let opaque = 0;
    for (let i = 0; i < png.px.length; i += 4) {
      if (png.px[i + 3] === 0) continue;
      opaque++;
      assert.deepEqual([...png.px.subarray(i, i + 3)], [255, 255, 255], `pixel ${i / 4} is not white`);
    }
    assert.ok(opaque > 0 && opaque < 32 * 32, 'partly transparent');
  });
});

describe('Teams app package', () => {
  let dir = '';
  before(() => (dir = mkdtempSync(join(tmpdir(), 'samrad-package-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('zips exactly the manifest, the icons and the language files at the root', async () => {
    const outPath = join(dir, 'nested', 'appPackage.zip');
    const result = await buildAppPackage(outPath, ENV);
    assert.ok(existsSync(dirname(outPath)));
    const entries = readZip(readFileSync(outPath));
    assert.deepEqual([...entries.keys()].sort(), [...PACKAGE_FILES].sort());
    assert.deepEqual(JSON.parse(entries.get('manifest.json')!.toString('utf8')), result.manifest);
    for (const name of PACKAGE_FILES.filter((n) => n !== 'manifest.json')) {
      assert.ok(entries.get(name)!.equals(readFileSync(join(MANIFEST_DIR, name))), `${name} is packaged unchanged`);
    }
  });

  it('refuses to build from an invalid environment', async () => {
    await assert.rejects(buildAppPackage(join(dir, 'bad.zip'), { ...ENV, TEAMS_APP_ID: 'not-a-guid' }), /manifest\.json: \/id /);
    assert.ok(!existsSync(join(dir, 'bad.zip')));
  });
});

describe('Teams app manifest: webApplicationInfo, Samråd\'s Entra app (Graph permissions, resource-specific consent, the tab\'s sign-on)', () => {
  it('names Samråd\'s Entra app (AAD_APP_CLIENT_ID), which may differ from the bot, and its resource on the bot\'s domain, filled from the environment', () => {
    const { manifest } = renderManifest(ENV);
    assert.deepEqual(manifest.webApplicationInfo, {
      id: ENV.AAD_APP_CLIENT_ID,
      resource: `api://${ENV.BOT_DOMAIN}/${ENV.AAD_APP_CLIENT_ID}`,
    });
    assert.equal((manifest.bots as Bot[])[0].botId, ENV.MICROSOFT_APP_ID, 'the bot keeps its own id (the managed identity in Azure)');
  });

  it('validates, and the schema refuses an app id that is not a GUID there', async () => {
    const { manifest } = renderManifest(ENV);
    assert.deepEqual(await validateManifest(manifest), []);
    const broken = { ...manifest, webApplicationInfo: { id: 'samrad-bot', resource: 'api://x/y' } };
    assert.ok((await validateManifest(broken)).some((e) => e.startsWith('/webApplicationInfo/id')), 'the validator checks the section');
  });
});

describe('Teams app manifest: the live timer tab in meetings', () => {
  type Tab = { id: string; configurationUrl: string; canUpdateConfiguration: boolean; scopes: string[]; context: string[]; meetingSurfaces: string[] };

  it('declares one configurable tab for the meeting side panel and stage (and the meeting\'s chat and details), configured on the bot\'s domain', async () => {
    const { manifest } = renderManifest(ENV);
    const tabs = manifest.configurableTabs as Tab[];
    assert.equal(tabs.length, 1);
    const [tab] = tabs;
    assert.equal(tab.configurationUrl, `https://${ENV.BOT_DOMAIN}/tab/config`);
    assert.ok((manifest.validDomains as string[]).includes(new URL(tab.configurationUrl).host), 'the tab\'s pages are on a valid domain');
    assert.deepEqual(tab.scopes, ['groupChat'], 'a meeting is a group chat');
    for (const context of ['meetingSidePanel', 'meetingStage']) assert.ok(tab.context.includes(context), context);
    assert.deepEqual([...tab.meetingSurfaces].sort(), ['sidePanel', 'stage']);
    assert.deepEqual(await validateManifest(manifest), []);
  });

  it('asks for the permission to share the tab to the meeting stage, and signs the tab on as Samråd\'s Entra app', () => {
    const { manifest } = renderManifest(ENV);
    const rsc = (manifest.authorization as { permissions: { resourceSpecific: { name: string; type: string }[] } }).permissions.resourceSpecific;
    assert.ok(rsc.some((p) => p.name === 'MeetingStage.Write.Chat' && p.type === 'Delegated'));
    // The SSO token's audience is this resource (or the app id): what the server accepts by default (bot/config.ts).
    assert.equal((manifest.webApplicationInfo as { resource: string }).resource, `api://${ENV.BOT_DOMAIN}/${ENV.AAD_APP_CLIENT_ID}`);
  });

  it('refuses a tab in a context Teams does not know (the validator checks the section)', async () => {
    const { manifest } = renderManifest(ENV);
    const broken = { ...manifest, configurableTabs: [{ ...(manifest.configurableTabs as Tab[])[0], context: ['meetingBackstage'] }] };
    assert.ok((await validateManifest(broken as never)).some((e) => e.startsWith('/configurableTabs/0/context')), 'context validated');
  });
});
