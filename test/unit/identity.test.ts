import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { parseConfig } from '../../bot/config';

/**
 * Samråd's identity, held together across the files that describe it: the Entra app manifest
 * (aad.manifest.json), the Teams manifest's webApplicationInfo, the toolkit steps that create and
 * update the app (m365agents.yml, m365agents.local.yml), the Bicep that hands its id to the web
 * app, and the single sign-on audience Samråd checks (bot/config.ts). `identityProblems` reads
 * copies of the files, so each check below is also shown failing on a copy that drifted.
 */

const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
/** Teams desktop and mobile, and Teams on the web: the clients that ask for the tab's token. */
const TEAMS_CLIENTS = ['1fec8e78-bce4-4aaf-ab1b-5451cc387264', '5e3ce6c0-2b1f-4285-8d4b-75ee78787346'];

type Step = { uses: string; name?: string; with?: Record<string, unknown>; writeToEnvironmentFile?: Record<string, string> };
type Lifecycle = { provision: Step[]; deploy?: Step[] };
type AadManifest = {
  id: string;
  appId: string;
  signInAudience: string;
  identifierUris: string[];
  oauth2Permissions: { id: string; value: string; type: string; isEnabled: boolean }[];
  preAuthorizedApplications: { appId: string; permissionIds: string[] }[];
  requiredResourceAccess: { resourceAppId: string; resourceAccess: { id: string; type: string }[] }[];
};
type TeamsManifest = { bots: { botId: string }[]; webApplicationInfo: { id: string; resource: string } };

interface Files {
  aad: AadManifest;
  teams: TeamsManifest;
  azure: Lifecycle;
  local: Lifecycle;
  bicep: string;
  parameters: { parameters: Record<string, { value: string }> };
  /** Source of bot/graph: the Graph permissions Samråd names when Graph refuses it. */
  graphSource: string;
}

const files = (): Files => ({
  aad: JSON.parse(read('aad.manifest.json')) as AadManifest,
  teams: JSON.parse(read('manifest/manifest.json')) as TeamsManifest,
  azure: load(read('m365agents.yml')) as Lifecycle,
  local: load(read('m365agents.local.yml')) as Lifecycle,
  bicep: read('infra/azure.bicep'),
  parameters: JSON.parse(read('infra/azure.parameters.json')) as Files['parameters'],
  graphSource: ['bot/graph/installer.ts', 'bot/graph/catalog.ts', 'bot/graph/coordinators.ts'].map(read).join('\n'),
});

/** Fills ${{NAME}} from `values`; a name it has no value for stays visible as <NAME?>. */
const fill = (text: string, values: Record<string, string>) => text.replace(PLACEHOLDER, (_, name: string) => values[name] ?? `<${name}?>`);

/** The values provisioning would give, distinct for every name, so a wrong name shows. */
const VALUES = {
  AAD_APP_CLIENT_ID: '11111111-aaaa-4aaa-8aaa-111111111111',
  AAD_APP_OBJECT_ID: '22222222-bbbb-4bbb-8bbb-222222222222',
  AAD_APP_TENANT_ID: '33333333-cccc-4ccc-8ccc-333333333333',
  AAD_APP_ACCESS_AS_USER_PERMISSION_ID: '44444444-dddd-4ddd-8ddd-444444444444',
  MICROSOFT_APP_ID: '55555555-eeee-4eee-8eee-555555555555', // the managed identity, in Azure
  MANAGED_IDENTITY_PRINCIPAL_ID: '66666666-ffff-4fff-8fff-666666666666',
  BOT_DOMAIN: 'samrad-abc.swedencentral-01.azurewebsites.net',
  APP_NAME_SUFFIX: 'dev',
  TEAMSFX_ENV: 'dev',
  SECRET_AAD_APP_CLIENT_SECRET: 'client~secret',
};

const step = (yml: Lifecycle, uses: string, name?: string) => yml.provision.find((s) => s.uses === uses && (!name || s.name === name));
const index = (yml: Lifecycle, uses: string) => yml.provision.findIndex((s) => s.uses === uses);

/** Everything that does not hold together, one line each. */
function identityProblems(f: Files): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => void (ok || problems.push(problem));
  const { aad, teams } = f;

  // The Entra app manifest: single-tenant, an API with access_as_user, the Teams clients pre-authorized.
  check(aad.signInAudience === 'AzureADMyOrg', 'aad.manifest.json: signInAudience is AzureADMyOrg');
  const scope = aad.oauth2Permissions.find((p) => p.value === 'access_as_user');
  check(!!scope && scope.type === 'User' && scope.isEnabled, 'aad.manifest.json: an enabled user scope access_as_user');
  for (const client of TEAMS_CLIENTS) {
    const pre = aad.preAuthorizedApplications.find((a) => a.appId === client);
    check(!!pre && !!scope && pre.permissionIds.includes(scope.id), `aad.manifest.json: Teams client ${client} pre-authorized for access_as_user`);
  }
  check(aad.preAuthorizedApplications.length === TEAMS_CLIENTS.length, 'aad.manifest.json: only the Teams clients are pre-authorized');

  // The Graph permissions the code names (it logs the one to grant when Graph refuses) are the ones the app asks for.
  const named = new Set([...f.graphSource.matchAll(/'([A-Z][A-Za-z]+\.(?:Read|ReadWrite)[A-Za-z]*\.All)'/g)].map((m) => m[1]));
  const graph = aad.requiredResourceAccess.find((r) => r.resourceAppId === 'Microsoft Graph');
  const roles = new Set((graph?.resourceAccess ?? []).filter((a) => a.type === 'Role').map((a) => a.id));
  check(named.size >= 3, `bot/graph names the permissions it needs (found ${[...named].join(', ')})`);
  check([...named].every((p) => roles.has(p)) && [...roles].every((p) => named.has(p)), `aad.manifest.json asks for exactly the Graph application permissions bot/graph uses: ${[...named].sort().join(', ')} (asks for ${[...roles].sort().join(', ')})`);

  // The Teams manifest's webApplicationInfo is that app, with the same Application ID URI.
  check(teams.webApplicationInfo.id === aad.appId, `manifest webApplicationInfo.id (${teams.webApplicationInfo.id}) is aad.manifest.json's appId (${aad.appId})`);
  check(aad.identifierUris.length === 1 && teams.webApplicationInfo.resource === aad.identifierUris[0], `manifest webApplicationInfo.resource (${teams.webApplicationInfo.resource}) is aad.manifest.json's identifierUris (${aad.identifierUris.join(', ')})`);

  for (const [file, yml] of [['m365agents.yml', f.azure], ['m365agents.local.yml', f.local]] as const) {
    const create = step(yml, 'aadApp/create');
    const update = step(yml, 'aadApp/update');
    check(!!create && !!update && index(yml, 'aadApp/create') < index(yml, 'aadApp/update'), `${file}: aadApp/create, then aadApp/update`);
    if (!create || !update) continue;
    const out = create.writeToEnvironmentFile ?? {};
    check(aad.appId === `\${{${out.clientId}}}`, `${file}: aadApp/create writes the client id to the name aad.manifest.json's appId reads (${out.clientId})`);
    check(aad.id === `\${{${out.objectId}}}`, `${file}: aadApp/create writes the object id to the name aad.manifest.json's id reads (${out.objectId})`);
    check(update.with?.manifestPath === './aad.manifest.json', `${file}: aadApp/update applies ./aad.manifest.json`);
    check(create.with?.signInAudience === aad.signInAudience, `${file}: aadApp/create makes the app with aad.manifest.json's signInAudience`);
    check(index(yml, 'aadApp/update') < index(yml, 'teamsApp/zipAppPackage'), `${file}: the Entra app is updated before the Teams package is built`);
  }

  // Azure: no secret; the web app gets the app's id; the app trusts the managed identity.
  const azureCreate = step(f.azure, 'aadApp/create');
  check(azureCreate?.with?.generateClientSecret === false, 'm365agents.yml: the Entra app has no client secret in Azure');
  check(index(f.azure, 'aadApp/create') < index(f.azure, 'arm/deploy') && index(f.azure, 'arm/deploy') < index(f.azure, 'aadApp/update'), 'm365agents.yml: aadApp/create before arm/deploy (which takes its id), aadApp/update after (which needs BOT_DOMAIN)');
  check(f.parameters.parameters.entraAppId?.value === `\${{${azureCreate?.writeToEnvironmentFile?.clientId}}}`, 'infra/azure.parameters.json: entraAppId is the id aadApp/create wrote');
  check(/^param entraAppId string/m.test(f.bicep) && /^\s+ENTRA_APP_ID: entraAppId$/m.test(f.bicep), 'infra/azure.bicep: the parameter entraAppId becomes the app setting ENTRA_APP_ID');
  check(/^\s+MICROSOFT_APP_TYPE: 'UserAssignedMSI'$/m.test(f.bicep), 'infra/azure.bicep: the bot is the managed identity');
  const trust = step(f.azure, 'script', 'trust the managed identity');
  const trustArgs = String(trust?.with?.run ?? '').split(' ');
  check(
    trustArgs[0] === 'node' && trustArgs[1] === 'scripts/trust-managed-identity.mjs' &&
      trustArgs[2] === `\${{${azureCreate?.writeToEnvironmentFile?.objectId}}}` && trustArgs[3] === `\${{${azureCreate?.writeToEnvironmentFile?.tenantId}}}` &&
      trustArgs[4] === '${{MANAGED_IDENTITY_PRINCIPAL_ID}}' && /^output MANAGED_IDENTITY_PRINCIPAL_ID string = identity\.properties\.principalId$/m.test(f.bicep),
    'm365agents.yml: the trust step gets the app\'s object id, its tenant and the principal id infra/azure.bicep outputs',
  );
  check(!!trust && index(f.azure, 'arm/deploy') < f.azure.provision.indexOf(trust), 'm365agents.yml: the trust step runs after arm/deploy');

  // What Samråd accepts: the web app's settings as the Bicep gives them, and the local run's.
  const resource = fill(teams.webApplicationInfo.resource, VALUES);
  const azure = parseConfig(
    {
      MICROSOFT_APP_ID: VALUES.MICROSOFT_APP_ID,
      MICROSOFT_APP_TYPE: 'UserAssignedMSI',
      MICROSOFT_APP_TENANT_ID: VALUES.AAD_APP_TENANT_ID,
      ENTRA_APP_ID: fill(f.parameters.parameters.entraAppId?.value ?? '', VALUES),
      COSMOS_ENDPOINT: 'https://samrad.documents.azure.com/',
      PUBLIC_BASE_URL: `https://${VALUES.BOT_DOMAIN}`,
      LINK_SIGNING_SECRET: 's'.repeat(48),
    },
    () => '',
  );
  check(azure.sso.audiences.includes(resource), `Samråd in Azure accepts tab tokens for ${resource} (it accepts ${azure.sso.audiences.join(', ')})`);
  check(azure.sso.audiences.includes(fill(teams.webApplicationInfo.id, VALUES)), 'Samråd in Azure accepts tab tokens for the Entra app\'s client id');
  check(!azure.sso.audiences.includes(VALUES.MICROSOFT_APP_ID), 'Samråd in Azure does not accept tokens for the managed identity');
  check(azure.entraApp.signIn === 'federated', 'Samråd in Azure calls Graph as the Entra app through the federated credential');

  const localConfigs = f.local.deploy?.find((s) => s.uses === 'file/createOrUpdateEnvironmentFile')?.with?.envs as Record<string, string> | undefined;
  const localEnv = Object.fromEntries(Object.entries(localConfigs ?? {}).map(([k, v]) => [k, fill(String(v), { ...VALUES, MICROSOFT_APP_ID: VALUES.AAD_APP_CLIENT_ID, PUBLIC_BASE_URL: `https://${VALUES.BOT_DOMAIN}` })]));
  const local = parseConfig(localEnv, () => 'g'.repeat(48));
  check(local.sso.audiences.includes(resource), `Samråd on a developer's machine accepts tab tokens for ${resource} (it accepts ${local.sso.audiences.join(', ')})`);
  check(local.bot.appId === VALUES.AAD_APP_CLIENT_ID && local.entraApp.signIn === 'bot', 'm365agents.local.yml: the bot is the Entra app, signing in with its secret');
  const alias = step(f.local, 'script', 'the bot is the Entra app');
  check(String(alias?.with?.run) === 'echo ::set-teamsfx-env MICROSOFT_APP_ID=${{AAD_APP_CLIENT_ID}}', 'm365agents.local.yml: the manifest\'s botId is the Entra app here');
  check(teams.bots[0].botId === '${{MICROSOFT_APP_ID}}', 'manifest: the bot is MICROSOFT_APP_ID');
  return problems;
}

describe('Samråd\'s identity: aad.manifest.json, the Teams manifest, the toolkit steps, the Bicep and the audience Samråd checks', () => {
  it('hold together', () => {
    assert.deepEqual(identityProblems(files()), []);
  });

  const drifts: [string, (f: Files) => void, RegExp][] = [
    ['the Application ID URI in the old botid- form', (f) => void (f.aad.identifierUris = ['api://${{BOT_DOMAIN}}/botid-${{AAD_APP_CLIENT_ID}}']), /webApplicationInfo\.resource .* is aad\.manifest\.json's identifierUris/],
    ['webApplicationInfo naming the bot instead of the Entra app', (f) => void (f.teams.webApplicationInfo = { id: '${{MICROSOFT_APP_ID}}', resource: 'api://${{BOT_DOMAIN}}/${{MICROSOFT_APP_ID}}' }), /webApplicationInfo\.id .* is aad\.manifest\.json's appId/],
    ['aadApp/create writing the client id under another name', (f) => void (step(f.local, 'aadApp/create')!.writeToEnvironmentFile!.clientId = 'ENTRA_CLIENT_ID'), /m365agents\.local\.yml: aadApp\/create writes the client id/],
    ['no aadApp/update in Azure', (f) => void (f.azure.provision = f.azure.provision.filter((s) => s.uses !== 'aadApp/update')), /m365agents\.yml: aadApp\/create, then aadApp\/update/],
    ['a Teams client not pre-authorized', (f) => void (f.aad.preAuthorizedApplications = f.aad.preAuthorizedApplications.slice(1)), /Teams client 1fec8e78/],
    ['a Graph permission the code needs left out', (f) => void (f.aad.requiredResourceAccess[0].resourceAccess = f.aad.requiredResourceAccess[0].resourceAccess.filter((a) => a.id !== 'GroupMember.Read.All')), /exactly the Graph application permissions/],
    ['the Bicep no longer passing the id on', (f) => void (f.bicep = f.bicep.replace(/^\s+ENTRA_APP_ID: entraAppId\n/m, '')), /the parameter entraAppId becomes the app setting ENTRA_APP_ID/],
    ['a client secret in Azure', (f) => void (step(f.azure, 'aadApp/create')!.with!.generateClientSecret = true), /no client secret in Azure/],
    ['the trust step given the bot\'s client id', (f) => void (step(f.azure, 'script', 'trust the managed identity')!.with!.run = 'node scripts/trust-managed-identity.mjs ${{AAD_APP_OBJECT_ID}} ${{AAD_APP_TENANT_ID}} ${{MICROSOFT_APP_ID}}'), /the trust step gets/],
  ];
  for (const [what, drift, expected] of drifts) {
    it(`names the drift: ${what}`, () => {
      const copy = files();
      drift(copy);
      const problems = identityProblems(copy);
      assert.ok(problems.some((p) => expected.test(p)), problems.join('\n') || 'no problem found');
    });
  }

  it('names the drift: Samråd checking another audience than the manifest\'s resource', () => {
    const copy = files();
    // The Application ID URI form Samråd builds (bot/config.ts applicationIdUri), as if both files had moved to botid-.
    copy.aad.identifierUris = ['api://${{BOT_DOMAIN}}/botid-${{AAD_APP_CLIENT_ID}}'];
    copy.teams.webApplicationInfo.resource = 'api://${{BOT_DOMAIN}}/botid-${{AAD_APP_CLIENT_ID}}';
    const problems = identityProblems(copy);
    assert.ok(problems.some((p) => /Samråd in Azure accepts tab tokens for api:\/\/.*\/botid-/.test(p)), problems.join('\n'));
    assert.ok(problems.some((p) => /on a developer's machine accepts tab tokens for api:\/\/.*\/botid-/.test(p)), problems.join('\n'));
  });
});
