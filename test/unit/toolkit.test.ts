import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { parseConfig } from '../../bot/config';
import { LOCAL_DEFAULTS } from '../../scripts/app-package';

/**
 * The Microsoft 365 Agents Toolkit files against each other: m365agents.yml (Azure) and
 * m365agents.local.yml (this machine, through a dev tunnel), the env templates in env/, the
 * manifest, infra/azure.bicep and its parameters file. The toolkit resolves a ${{NAME}} just
 * before the step that uses it, from the environment's env file, the .user file beside it, and
 * what the steps before it wrote; an unresolved one stops the run. The checks below walk the
 * steps in that order.
 */

const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const PLACEHOLDER = /\$\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g;

type Step = { uses: string; name?: string; with?: Record<string, unknown>; env?: Record<string, string>; writeToEnvironmentFile?: Record<string, string> };
type Lifecycle = { version: string; projectId?: string; environmentFolderPath?: string; provision: Step[]; deploy?: Step[]; publish?: Step[] };

/** The actions of the toolkit's yaml schema v1.11 that a bot project may use. */
const ACTIONS = new Set([
  'aadApp/create', 'aadApp/update', 'arm/deploy', 'azureAppService/zipDeploy', 'botAadApp/create', 'botFramework/create',
  'cli/runNpmCommand', 'cli/runNpxCommand', 'devTool/install', 'file/createOrUpdateEnvironmentFile', 'file/createOrUpdateJsonFile',
  'script', 'teamsApp/create', 'teamsApp/publishAppPackage', 'teamsApp/update', 'teamsApp/validateAppPackage',
  'teamsApp/validateManifest', 'teamsApp/zipAppPackage',
]);

const placeholders = (value: unknown): string[] => {
  if (typeof value === 'string') return [...value.matchAll(PLACEHOLDER)].map((m) => m[1]);
  if (Array.isArray(value)) return value.flatMap(placeholders);
  if (value && typeof value === 'object') return Object.values(value).flatMap(placeholders);
  return [];
};

/** KEY=VALUE lines of an env file (comments and blank lines skipped). */
function envFile(path: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of read(path).split('\n')) {
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    assert.ok(match, `${path}: "${line}" is KEY=VALUE`);
    assert.ok(!entries.has(match[1]), `${path}: ${match[1]} twice`);
    entries.set(match[1], match[2]);
  }
  return entries;
}

/** Strings in a path relative to the project folder: ./a/b → a/b. */
const rel = (path: unknown) => String(path).replace(/^\.\//, '');

/** The outputs of infra/azure.bicep, under the names the toolkit writes them (upper case). */
const bicepOutputs = () => [...read('infra/azure.bicep').matchAll(/^output (\w+) /gm)].map((m) => m[1].toUpperCase());

/** The files a manifest step reads: the manifest and the language files it names. */
function manifestFiles(path: string): string[] {
  const manifestPath = rel(path);
  const manifest = JSON.parse(read(manifestPath)) as { localizationInfo?: { additionalLanguages?: { file: string }[] } };
  const dir = manifestPath.slice(0, manifestPath.lastIndexOf('/') + 1);
  return [manifestPath, ...(manifest.localizationInfo?.additionalLanguages ?? []).map((l) => dir + l.file)];
}

/** What a step reads: its own ${{NAME}}s and those of the files it expands. */
function reads(step: Step): { name: string; where: string }[] {
  const found = placeholders({ with: step.with, env: step.env }).map((name) => ({ name, where: 'the step' }));
  const w = step.with ?? {};
  if (step.uses === 'arm/deploy') {
    for (const t of w.templates as { parameters?: string }[]) {
      if (t.parameters) found.push(...placeholders(read(t.parameters)).map((name) => ({ name, where: t.parameters! })));
    }
  }
  if (step.uses === 'teamsApp/validateManifest' || step.uses === 'teamsApp/zipAppPackage') {
    for (const file of manifestFiles(w.manifestPath as string)) found.push(...placeholders(read(file)).map((name) => ({ name, where: file })));
  }
  if (step.uses === 'aadApp/update') {
    // The scope's id is the one name it may find empty: it makes one and writes it (see writes).
    const file = rel(w.manifestPath);
    found.push(...placeholders(read(file)).filter((name) => name !== SCOPE_ID).map((name) => ({ name, where: file })));
  }
  return found;
}

/** What a step writes to the environment. */
function writes(step: Step): string[] {
  const names = Object.values(step.writeToEnvironmentFile ?? {});
  if (step.uses === 'arm/deploy') names.push(...bicepOutputs());
  if (step.uses === 'aadApp/update' && placeholders(read(rel(step.with?.manifestPath))).includes(SCOPE_ID)) names.push(SCOPE_ID);
  if (step.uses === 'script') names.push(...[...String(step.with?.run).matchAll(/::set-teamsfx-env (\w+)=/g)].map((m) => m[1]));
  return names;
}

/** The id of the Entra app's access_as_user scope, which aadApp/update makes when it is empty. */
const SCOPE_ID = 'AAD_APP_ACCESS_AS_USER_PERMISSION_ID';

/** Names the toolkit asks for when they are empty, and the one it allows to be empty. */
const ASKED = ['AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP_NAME'];
const MAY_BE_EMPTY = ['APP_NAME_SUFFIX'];

/** The names of an env template that are the developer's to fill in: empty, and written by no step. */
function toFillIn(yml: Lifecycle, template: Map<string, string>): string[] {
  const written = new Set([...yml.provision, ...(yml.deploy ?? []), ...(yml.publish ?? [])].flatMap(writes));
  return [...template].filter(([name, value]) => value === '' && !written.has(name) && !ASKED.includes(name) && !MAY_BE_EMPTY.includes(name)).map(([name]) => name);
}

/**
 * Every ${{NAME}} a lifecycle reads that nothing before it provides, as "lifecycle step: NAME
 * (where)". An empty value counts as missing (the toolkit stops on it), unless the toolkit asks
 * for it, allows it empty, or no step writes it (the developer fills it in: see toFillIn).
 */
function unresolved(yml: Lifecycle, template: Map<string, string>): { missing: string[]; provided: Set<string> } {
  const fillIn = toFillIn(yml, template);
  const provided = new Set([...template].filter(([name, value]) => value !== '' || [...ASKED, ...MAY_BE_EMPTY, ...fillIn].includes(name)).map(([name]) => name));
  const missing: string[] = [];
  for (const stage of ['provision', 'deploy', 'publish'] as const) {
    (yml[stage] ?? []).forEach((step, i) => {
      for (const { name, where } of reads(step)) {
        if (!provided.has(name)) missing.push(`${stage} ${i + 1} (${step.uses}): ${name} in ${where}`);
      }
      for (const name of writes(step)) provided.add(name);
    });
  }
  return { missing, provided };
}

const LIFECYCLES = [
  { file: 'm365agents.yml', env: 'env/.env.dev', fillIn: [] },
  { file: 'm365agents.local.yml', env: 'env/.env.local', fillIn: ['PUBLIC_BASE_URL', 'BOT_DOMAIN'] },
] as const;

describe('the Microsoft 365 Agents Toolkit files (m365agents.yml, m365agents.local.yml, env/)', () => {
  for (const { file, env, fillIn: expected } of LIFECYCLES) {
    const fillIn: readonly string[] = expected;
    describe(file, () => {
      const yml = load(read(file)) as Lifecycle;
      const template = envFile(env);

      it('is a v1.11 lifecycle of known actions, each step with what it needs', () => {
        assert.equal(yml.version, 'v1.11');
        assert.match(read(file), /^# yaml-language-server: \$schema=https:\/\/aka\.ms\/m365-agents-toolkits\/v1\.11\/yaml\.schema\.json$/m);
        for (const step of [...yml.provision, ...(yml.deploy ?? []), ...(yml.publish ?? [])]) {
          assert.ok(ACTIONS.has(step.uses), `${step.uses} is a toolkit action`);
          if (step.uses !== 'script') assert.ok(step.with, `${step.uses} has its parameters`);
        }
      });

      it(`resolves every \${{NAME}} of its steps, the parameters file and the manifest from ${env} or a step before it`, () => {
        const { missing } = unresolved(yml, template);
        assert.deepEqual(missing, []);
      });

      it('names files that exist, and packages the zip it built', () => {
        let zipped: string | undefined;
        for (const step of [...yml.provision, ...(yml.publish ?? [])]) {
          const w = step.with ?? {};
          if (w.manifestPath) assert.ok(existsSync(join(ROOT, rel(w.manifestPath))), String(w.manifestPath));
          if (step.uses === 'arm/deploy') {
            for (const t of w.templates as { path: string; parameters: string }[]) {
              assert.ok(existsSync(join(ROOT, rel(t.path))), t.path);
              assert.ok(existsSync(join(ROOT, rel(t.parameters))), t.parameters);
            }
          }
          if (step.uses === 'teamsApp/zipAppPackage') zipped = String(w.outputZipPath);
          if (w.appPackagePath) assert.equal(w.appPackagePath, zipped, `${step.uses} takes the package zipAppPackage wrote`);
        }
      });

      it(`leaves to the developer in ${env} only ${fillIn.length ? fillIn.join(' and ') : 'the Azure subscription and resource group (the toolkit asks)'}`, () => {
        assert.deepEqual(toFillIn(yml, template), fillIn);
        for (const name of fillIn) assert.match(read(env), new RegExp(`^# .*\\n(?:# .*\\n)*(?:\\w+=\\n)*${name}=$`, 'm'), `${name} is explained above it`);
      });

      it(`declares in ${env} only names without secrets, and leaves what the toolkit writes empty`, () => {
        const written = new Set([...yml.provision, ...(yml.publish ?? [])].flatMap(writes));
        for (const [name, value] of template) {
          assert.ok(!name.startsWith('SECRET_'), `${name}: secrets belong in the .user file`);
          if (written.has(name)) assert.equal(value, '', `${name} is written by the toolkit`);
        }
        for (const name of written) {
          if (!name.startsWith('SECRET_')) assert.ok(template.has(name), `${env} lists ${name}, which provision or publish writes`);
        }
      });
    });
  }

  it('m365agents.yml: provisions, then deploys, then publishes, as a Teams developer expects', () => {
    const yml = load(read('m365agents.yml')) as Lifecycle;
    assert.deepEqual(yml.provision.map((s) => s.uses), [
      'teamsApp/create', 'script', 'aadApp/create', 'arm/deploy', 'aadApp/update', 'script',
      'teamsApp/validateManifest', 'teamsApp/zipAppPackage', 'teamsApp/validateAppPackage', 'teamsApp/update',
    ]);
    assert.deepEqual(yml.deploy?.map((s) => s.uses), ['cli/runNpmCommand', 'cli/runNpmCommand', 'cli/runNpmCommand', 'azureAppService/zipDeploy']);
    assert.deepEqual(yml.publish?.map((s) => s.uses).slice(-1), ['teamsApp/publishAppPackage']);
    assert.equal(yml.environmentFolderPath, './env');
    assert.match(String(yml.projectId), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a projectId, so the toolkit does not write one into the file');
    const arm = yml.provision.find((s) => s.uses === 'arm/deploy')!.with!;
    assert.deepEqual(arm.templates, [{ path: './infra/azure.bicep', parameters: './infra/azure.parameters.json', deploymentName: 'Create-resources' }]);
  });

  it('m365agents.yml: deploys the build npm run stage puts in .deployment/app, signing in with Entra ID only', () => {
    const yml = load(read('m365agents.yml')) as Lifecycle;
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    const npm = yml.deploy!.filter((s) => s.uses === 'cli/runNpmCommand').map((s) => String(s.with!.args).split(' ').slice(0, 2).join(' '));
    assert.deepEqual(npm, ['ci --no-audit', 'run build', 'run stage']);
    assert.match(pkg.scripts.stage, /\.deployment\/app/);
    assert.match(pkg.scripts.stage, /npm ci --omit=dev/);
    const zipDeploy = yml.deploy!.find((s) => s.uses === 'azureAppService/zipDeploy')!;
    assert.equal(zipDeploy.with!.artifactFolder, './.deployment/app');
    assert.equal(zipDeploy.with!.resourceId, '${{AZURE_APP_SERVICE_RESOURCE_ID}}');
    assert.equal(zipDeploy.env?.TEAMSFX_AAD_DEPLOY_ONLY, 'true', 'publishing passwords are off in the Bicep');
  });

  it('m365agents.yml: makes the link-signing secret once per environment, where only the .user file keeps it', () => {
    const yml = load(read('m365agents.yml')) as Lifecycle;
    const script = yml.provision.find((s) => s.uses === 'script')!;
    assert.deepEqual(writes(script), ['SECRET_LINK_SIGNING_SECRET']);
    const run = String(script.with!.run);
    assert.match(run, /^node -e "process\.env\.SECRET_LINK_SIGNING_SECRET \|\| console\.log\(/, 'only when the environment has none yet');
    assert.doesNotMatch(run.slice('node -e "'.length, -1), /"/, 'one double-quoted argument, for sh and cmd alike');
    // What the script prints is what the toolkit reads as an output.
    const printed = `::set-teamsfx-env SECRET_LINK_SIGNING_SECRET=${Buffer.alloc(48, 0xfb).toString('base64url')}`;
    const match = /::(set-teamsfx-env|set-output)\s+(\w+)=((["'])(.*?)\4|[^"'\s]+)/.exec(printed);
    assert.equal(match?.[3].length, 64, 'the toolkit takes all 64 characters');
    assert.equal(JSON.parse(read('infra/azure.parameters.json')).parameters.linkSigningSecret.value, '${{SECRET_LINK_SIGNING_SECRET}}');
  });

  it('m365agents.local.yml: writes .localConfigs, from which npm run dev:teams starts an authenticated Samråd on loopback', () => {
    const yml = load(read('m365agents.local.yml')) as Lifecycle;
    const step = yml.deploy!.find((s) => s.uses === 'file/createOrUpdateEnvironmentFile')!;
    assert.equal(step.with!.target, './.localConfigs');
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    assert.match(pkg.scripts['dev:teams'], /--env-file=\.localConfigs /);
    // What the toolkit would write, with the values provision gives.
    const values: Record<string, string> = {
      PUBLIC_BASE_URL: 'https://abc123-3978.euw.devtunnels.ms',
      AAD_APP_CLIENT_ID: '6f1c2a9e-1111-4222-8333-444455556666',
      SECRET_AAD_APP_CLIENT_SECRET: 'client~secret',
      AAD_APP_TENANT_ID: '0e7b3c1d-aaaa-4bbb-8ccc-ddddeeeeffff',
    };
    const env = Object.fromEntries(
      Object.entries(step.with!.envs as Record<string, string>).map(([k, v]) => [k, String(v).replace(PLACEHOLDER, (_, name: string) => values[name])]),
    );
    const config = parseConfig(env, () => 'g'.repeat(48));
    assert.equal(config.local, true);
    assert.equal(config.host, '127.0.0.1');
    assert.deepEqual(config.bot, { appId: values.AAD_APP_CLIENT_ID, appPassword: 'client~secret', appType: 'SingleTenant', tenantId: values.AAD_APP_TENANT_ID });
    assert.equal(config.publicBaseUrl, values.PUBLIC_BASE_URL);
    // The bot registration points at the same address.
    const bot = yml.provision.find((s) => s.uses === 'botFramework/create')!;
    assert.equal(bot.with!.messagingEndpoint, '${{PUBLIC_BASE_URL}}/api/messages');
    assert.equal(bot.with!.botId, '${{MICROSOFT_APP_ID}}');
    const entra = yml.provision.find((s) => s.uses === 'aadApp/create')!;
    assert.equal(entra.with!.signInAudience, 'AzureADMyOrg', 'botFramework/create registers a single-tenant bot');
    assert.equal(entra.with!.generateServicePrincipal, true);
  });

  it('uses in the manifest only the names npm run package fills, so it builds without the toolkit too', () => {
    const used = new Set(manifestFiles('manifest/manifest.json').flatMap((f) => placeholders(read(f))));
    assert.deepEqual([...used].sort(), Object.keys(LOCAL_DEFAULTS).sort());
  });

  it('env/.env.dev names every output of infra/azure.bicep, and a region the Bicep allows', () => {
    const template = envFile('env/.env.dev');
    for (const name of bicepOutputs()) assert.ok(template.has(name), `env/.env.dev lists ${name}`);
    const regions = /@allowed\(\[([^\]]*)\]\)\s*\nparam location /.exec(read('infra/azure.bicep'))?.[1] ?? '';
    assert.ok(regions.includes(`'${template.get('AZURE_LOCATION')}'`), `AZURE_LOCATION=${template.get('AZURE_LOCATION')} is allowed`);
  });

  it('the resolver above is live: it names what no earlier step provides', () => {
    const yml = load(read('m365agents.yml')) as Lifecycle;
    const template = envFile('env/.env.dev');
    template.delete('AZURE_LOCATION');
    assert.deepEqual(unresolved(yml, template).missing, ['provision 4 (arm/deploy): AZURE_LOCATION in ./infra/azure.parameters.json']);
    const validate = yml.provision.findIndex((s) => s.uses === 'teamsApp/validateManifest');
    const reordered = { ...yml, provision: [yml.provision[validate], ...yml.provision.filter((_, i) => i !== validate)] };
    const missing = unresolved(reordered, envFile('env/.env.dev')).missing;
    assert.ok(missing.some((m) => m.startsWith('provision 1 (teamsApp/validateManifest): TEAMS_APP_ID in manifest/manifest.json')), missing.join('\n'));
    assert.ok(missing.some((m) => m.includes('BOT_DOMAIN in manifest/manifest.json')), missing.join('\n'));
  });

  it('git ignores what the toolkit writes that holds secrets or builds', () => {
    const ignored = read('.gitignore').split('\n');
    for (const pattern of ['env/.env.*.user', '.localConfigs', '.deployment/', 'build/']) assert.ok(ignored.includes(pattern), pattern);
  });
});
