import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STAND_IN_CERT, STAND_IN_KEY } from '../support/ingestion-cert';

/**
 * Samråd calling Microsoft Graph as its Entra app with no secret, as in infra/: the managed
 * identity's token for api://AzureADTokenExchange becomes the client assertion of the Entra app's
 * token request (bot/graph/token.ts `entraCredential`). Real @azure/identity and MSAL, in a child
 * process, against two local stand-ins: App Service's managed-identity endpoint (IDENTITY_ENDPOINT,
 * plain http on loopback, as on App Service) and Entra ID's token endpoint (AZURE_AUTHORITY_HOST;
 * https with the stand-ins' test certificate, which only the child process is told to trust). What Entra
 * ID itself checks (the federated credential's issuer, subject and audience) cannot be run here:
 * scripts/trust-managed-identity.mjs writes them and test/unit/trust-managed-identity.test.ts
 * checks what it writes.
 */

const ROOT = join(__dirname, '..', '..');
const MI_CLIENT_ID = '55555555-eeee-4eee-8eee-555555555555';
const ENTRA_APP_ID = '11111111-aaaa-4aaa-8aaa-111111111111';
const TENANT = '33333333-cccc-4ccc-8ccc-333333333333';
const MI_TOKEN = 'managed-identity-token-for-the-exchange';

type Seen = { server: 'identity' | 'entra'; method: string; url: string; headers: IncomingMessage['headers']; body: string };

describe('the Entra app signing in with the managed identity\'s token (federated credential)', function () {
  this.timeout(60_000);
  let dir = '';
  const seen: Seen[] = [];
  let identityPort = 0;
  let entraPort = 0;
  const close: (() => void)[] = [];

  before(async () => {
    // The child trusts the stand-in's certificate as an extra authority; TLS is checked as ever.
    dir = mkdtempSync(join(tmpdir(), 'samrad-fic-'));
    writeFileSync(join(dir, 'ca.pem'), STAND_IN_CERT);
    const record = (server: Seen['server'], answer: (seen: Seen) => unknown) => (req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk));
      req.on('end', () => {
        const entry = { server, method: req.method!, url: req.url!, headers: req.headers, body };
        seen.push(entry);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(answer(entry)));
      });
    };
    const identity = createServer(
      record('identity', () => ({ access_token: MI_TOKEN, expires_on: String(Math.floor(Date.now() / 1000) + 3600), resource: 'api://AzureADTokenExchange', token_type: 'Bearer' })),
    );
    const entra = createHttpsServer(
      { key: STAND_IN_KEY, cert: STAND_IN_CERT },
      record('entra', ({ url }) => {
        const base = `https://127.0.0.1:${entraPort}/${TENANT}`;
        if (url.includes('openid-configuration')) {
          return { token_endpoint: `${base}/oauth2/v2.0/token`, issuer: `${base}/v2.0`, authorization_endpoint: `${base}/oauth2/v2.0/authorize`, jwks_uri: `${base}/discovery/v2.0/keys` };
        }
        return { token_type: 'Bearer', expires_in: 3600, access_token: 'graph-token-for-samrad' };
      }),
    );
    await new Promise<void>((resolve) => identity.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => entra.listen(0, '127.0.0.1', resolve));
    identityPort = (identity.address() as AddressInfo).port;
    entraPort = (entra.address() as AddressInfo).port;
    close.push(() => identity.close(), () => entra.close());
  });

  after(() => {
    for (const c of close) c();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs entraCredential in a child process with the App Service settings of infra/; what it printed. */
  function tokenInChild(env: Record<string, string>): Promise<string> {
    const script = `
      const { parseConfig } = require('./bot/config');
      const { entraCredential, graphScope } = require('./bot/graph/token');
      const config = parseConfig(process.env, () => '');
      entraCredential(config, undefined, { disableInstanceDiscovery: true })
        .getToken(graphScope('https://graph.microsoft.com/v1.0'))
        .then((t) => console.log('TOKEN ' + t.token), (e) => console.log('FAILED ' + e.name));
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        MICROSOFT_APP_ID: MI_CLIENT_ID,
        MICROSOFT_APP_TYPE: 'UserAssignedMSI',
        MICROSOFT_APP_TENANT_ID: TENANT,
        COSMOS_ENDPOINT: 'https://samrad.documents.azure.com/',
        PUBLIC_BASE_URL: 'https://samrad.example.org',
        LINK_SIGNING_SECRET: 's'.repeat(48),
        IDENTITY_ENDPOINT: `http://127.0.0.1:${identityPort}/msi/token`,
        IDENTITY_HEADER: 'app-service-identity-header',
        AZURE_AUTHORITY_HOST: `https://127.0.0.1:${entraPort}`,
        NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    return new Promise((resolve) => child.on('exit', () => resolve(out.trim())));
  }

  it('gets a Graph token as the Entra app, its client assertion being the managed identity\'s token for api://AzureADTokenExchange', async () => {
    seen.length = 0;
    assert.equal(await tokenInChild({ ENTRA_APP_ID }), 'TOKEN graph-token-for-samrad');

    const asked = seen.filter((s) => s.server === 'identity');
    assert.equal(asked.length, 1, 'one managed-identity token');
    const mi = new URL(asked[0].url, 'http://x');
    assert.equal(mi.searchParams.get('resource'), 'api://AzureADTokenExchange');
    assert.equal(mi.searchParams.get('client_id'), MI_CLIENT_ID, 'the user-assigned identity of the web app');
    assert.equal(asked[0].headers['x-identity-header'], 'app-service-identity-header');

    const tokenRequest = seen.find((s) => s.server === 'entra' && s.method === 'POST');
    assert.ok(tokenRequest, seen.map((s) => `${s.server} ${s.method} ${s.url}`).join('\n'));
    assert.equal(new URL(tokenRequest.url, 'https://x').pathname, `/${TENANT}/oauth2/v2.0/token`, 'in the bot\'s tenant');
    const form = new URLSearchParams(tokenRequest.body);
    assert.equal(form.get('grant_type'), 'client_credentials');
    assert.equal(form.get('client_id'), ENTRA_APP_ID, 'as the Entra app, not as the managed identity');
    assert.equal(form.get('client_assertion_type'), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    assert.equal(form.get('client_assertion'), MI_TOKEN);
    assert.equal(form.get('client_secret'), null, 'no secret');
    assert.match(form.get('scope') ?? '', /https:\/\/graph\.microsoft\.com\/\.default/);
  });

  it('without ENTRA_APP_ID, calls Graph as the managed identity itself (no token exchange)', async () => {
    seen.length = 0;
    assert.equal(await tokenInChild({}), `TOKEN ${MI_TOKEN}`);
    const mi = new URL(seen.find((s) => s.server === 'identity')!.url, 'http://x');
    assert.equal(mi.searchParams.get('resource'), 'https://graph.microsoft.com');
    assert.equal(seen.filter((s) => s.server === 'entra').length, 0);
  });
});
