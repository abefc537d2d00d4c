#!/usr/bin/env node
/**
 * Makes Samråd's Entra app trust the bot's user-assigned managed identity: a federated identity
 * credential on the app whose issuer is Entra ID of the tenant, whose subject is the identity's
 * principal id and whose audience is api://AzureADTokenExchange. Samråd then signs in to
 * Microsoft Graph as the app with the identity's token as its client assertion: no secret.
 *
 * Usage: node scripts/trust-managed-identity.mjs <app object id> <tenant id> <identity principal id>
 * (m365agents.yml runs it after arm/deploy). It calls Microsoft Graph through the Azure CLI
 * (`az rest`), signed in (`az login`) as someone who owns the app or may manage applications.
 * Idempotent: an existing credential that already trusts the identity is left alone; Samråd's
 * credential pointing at an older identity (the resource group made anew) is moved to this one.
 * No dependencies: it runs before `npm ci`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NAME = 'samrad-managed-identity';
const AUDIENCE = 'api://AzureADTokenExchange';
const GRAPH = process.env.GRAPH_BASE_URL?.replace(/\/+$/, '') || 'https://graph.microsoft.com/v1.0';

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const [objectId, tenantId, principalId] = process.argv.slice(2);
for (const [name, value] of [['the Entra app\'s object id (AAD_APP_OBJECT_ID)', objectId], ['the tenant id (AAD_APP_TENANT_ID)', tenantId], ['the managed identity\'s principal id (MANAGED_IDENTITY_PRINCIPAL_ID)', principalId]]) {
  if (!value || !GUID.test(value)) fail(`Expected ${name} as a GUID, not "${value ?? ''}". Usage: node scripts/trust-managed-identity.mjs <app object id> <tenant id> <identity principal id>`);
}

const wanted = {
  name: NAME,
  issuer: `https://login.microsoftonline.com/${tenantId}/v2.0`,
  subject: principalId,
  audiences: [AUDIENCE],
  description: "Samråd's bot (its user-assigned managed identity) signs in as this app, without a secret.",
};
const url = `${GRAPH}/applications/${objectId}/federatedIdentityCredentials`;

/** `az rest`; its JSON answer, or the reason it failed. */
function az(args) {
  try {
    const out = execFileSync('az', ['rest', ...args, '--output', 'json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
    return out.trim() ? JSON.parse(out) : {};
  } catch (err) {
    if (err.code === 'ENOENT') {
      fail('The Azure CLI (az) is not installed. Install it, sign in with az login, and run provision again; or add the federated credential by hand (README: "Identity").');
    }
    fail(`az rest ${args.slice(0, 4).join(' ')} failed: ${(err.stderr || err.message || '').toString().trim().split('\n')[0]}\nSign in with az login as an owner of the Entra app and run provision again (README: "Identity").`);
  }
}

const existing = az(['--method', 'GET', '--uri', url]).value ?? [];
const trusted = existing.find((c) => c.issuer === wanted.issuer && c.subject === wanted.subject && (c.audiences ?? []).includes(AUDIENCE));
if (trusted) {
  process.stdout.write(`The Entra app already trusts the managed identity (${trusted.name}).\n`);
} else {
  const ours = existing.find((c) => c.name === NAME);
  // The body from a file (az's @file), so no shell ever quotes it.
  const dir = mkdtempSync(join(tmpdir(), 'samrad-fic-'));
  const bodyFile = join(dir, 'body.json');
  writeFileSync(bodyFile, JSON.stringify(ours ? { issuer: wanted.issuer, subject: wanted.subject, audiences: wanted.audiences } : wanted));
  try {
    if (ours) az(['--method', 'PATCH', '--uri', `${url}/${ours.id}`, '--headers', 'Content-Type=application/json', '--body', `@${bodyFile}`]);
    else az(['--method', 'POST', '--uri', url, '--headers', 'Content-Type=application/json', '--body', `@${bodyFile}`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`The Entra app now trusts the managed identity ${principalId} (${NAME}).\n`);
}
