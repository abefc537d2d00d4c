import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClientAssertionCredential, ClientSecretCredential, ManagedIdentityCredential } from '@azure/identity';
import { parseConfig } from '../../bot/config';
import { AppCatalog } from '../../bot/graph/catalog';
import { GraphClient, GraphUnavailableError, retryAfterMs } from '../../bot/graph/graph-client';
import { appInstaller, GraphInstaller, installOutcome, noInstaller } from '../../bot/graph/installer';
import { entraCredential, graphScope } from '../../bot/graph/token';
import type { Logger } from '../../bot/log';
import { CATALOG_APP, GraphStandIn, testTokens } from '../support/graph';

/** A logger that keeps each line as JSON text. */
function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const write = (event: string, fields = {}) => lines.push(JSON.stringify({ event, ...fields }));
  return { lines, info: write, warn: write, error: write };
}

/** A one-route HTTP server answering with `handle`; returns its base address. */
async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1.0`, server, hits: () => hits };
}

const closeAll = (server: Server) => new Promise<void>((resolve) => {
  server.closeAllConnections();
  server.close(() => resolve());
});

describe('installOutcome: what Graph\'s answer to an installation means (bot/graph/installer.ts)', () => {
  it('201 and any other 2xx: installed now; 409: installed already', () => {
    for (const status of [200, 201, 204, 409]) assert.equal(installOutcome(status), 'installed', String(status));
  });

  it('403, and 401 for a token without the role: the permission is missing', () => {
    assert.equal(installOutcome(403), 'permissionMissing');
    assert.equal(installOutcome(401), 'permissionMissing');
  });

  it('404 (no such user), 400 and the other refusals: refused', () => {
    for (const status of [400, 404, 405, 410, 412, 422]) assert.equal(installOutcome(status), 'refused', String(status));
  });

  it('408, 429 and 5xx: nothing decided, try again later', () => {
    for (const status of [408, 429, 500, 502, 503, 504]) assert.equal(installOutcome(status), undefined, String(status));
  });
});

describe('retryAfterMs (bot/graph/graph-client.ts)', () => {
  it('reads seconds and HTTP dates, and nothing else', () => {
    const now = Date.parse('2026-11-02T10:00:00Z');
    assert.equal(retryAfterMs('3', now), 3000);
    assert.equal(retryAfterMs(' 0 ', now), 0);
    assert.equal(retryAfterMs('Mon, 02 Nov 2026 10:00:05 GMT', now), 5000);
    assert.equal(retryAfterMs('Mon, 02 Nov 2026 09:59:00 GMT', now), 0);
    for (const value of [null, '', 'soon', '-1', '1.5']) assert.equal(retryAfterMs(value, now), undefined, String(value));
  });
});

describe('GraphClient: bounded requests, one wait for a 429, outages thrown (bot/graph/graph-client.ts)', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(closeAll));
  });

  async function answering(status: number, headers: Record<string, string> = {}, body = '{"error":{"code":"Some Code!","message":"Ann Andersson cannot"}}') {
    const s = await serve((_, res) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body);
    });
    servers.push(s.server);
    return s;
  }

  it('answers 4xx with the status, the body and Graph\'s error code cleaned for the log', async () => {
    const s = await answering(404);
    const answer = await new GraphClient({ baseUrl: s.url, tokens: testTokens }).send('GET', '/users/x');
    assert.equal(answer.status, 404);
    assert.equal(answer.code, 'SomeCode');
  });

  it('throws GraphUnavailableError on 5xx and 408, after one request', async () => {
    for (const status of [500, 503, 408]) {
      const s = await answering(status);
      await assert.rejects(new GraphClient({ baseUrl: s.url, tokens: testTokens }).send('POST', '/x', {}), (err) => err instanceof GraphUnavailableError && err.status === status);
      assert.equal(s.hits(), 1, `no retry of ${status}`);
    }
  });

  it('waits a 429\'s Retry-After once, and throws when Graph throttles again', async () => {
    const s = await answering(429, { 'retry-after': '2' });
    const waits: number[] = [];
    const client = new GraphClient({ baseUrl: s.url, tokens: testTokens, sleep: async (ms) => void waits.push(ms) });
    await assert.rejects(client.send('POST', '/x', {}), (err) => err instanceof GraphUnavailableError && err.reason === 'throttled');
    assert.deepEqual(waits, [2000]);
    assert.equal(s.hits(), 2);
  });

  it('leaves a long Retry-After, or none, to the job\'s next attempt', async () => {
    for (const headers of [{ 'retry-after': '120' }, {} as Record<string, string>]) {
      const s = await answering(429, headers);
      const waits: number[] = [];
      const client = new GraphClient({ baseUrl: s.url, tokens: testTokens, sleep: async (ms) => void waits.push(ms) });
      await assert.rejects(client.send('GET', '/x'), (err) => err instanceof GraphUnavailableError && err.reason === 'throttled');
      assert.deepEqual(waits, []);
      assert.equal(s.hits(), 1);
    }
  });

  it('gives up on a Graph that does not answer within its bound', async () => {
    const s = await serve(() => undefined); // takes the request, never answers
    servers.push(s.server);
    const started = Date.now();
    await assert.rejects(new GraphClient({ baseUrl: s.url, tokens: testTokens, timeoutMs: 300 }).send('GET', '/x'), (err) => err instanceof GraphUnavailableError && err.reason === 'timeout');
    assert.ok(Date.now() - started < 2000);
  });

  it('throws GraphUnavailableError without the credential\'s message when no token can be had, and on a refused connection', async () => {
    const tokens = { token: async () => Promise.reject(new Error('AADSTS7000215: Invalid client secret for app 1234')) };
    await assert.rejects(new GraphClient({ baseUrl: 'http://127.0.0.1:9/v1.0', tokens }).send('GET', '/x'), (err: Error) => err instanceof GraphUnavailableError && err.reason === 'token' && !err.message.includes('AADSTS'));
    await assert.rejects(new GraphClient({ baseUrl: 'http://127.0.0.1:9/v1.0', tokens: testTokens }).send('GET', '/x'), (err) => err instanceof GraphUnavailableError && err.reason === 'network');
  });
});

describe('GraphInstaller and AppCatalog (bot/graph/installer.ts, catalog.ts), against the Graph stand-in', () => {
  let graph: GraphStandIn;
  beforeEach(async () => {
    graph = new GraphStandIn();
    await graph.start();
  });
  afterEach(async () => graph.stop());

  function installer(settings: { catalogId?: string; teamsAppId?: string } = { teamsAppId: CATALOG_APP.externalId }, log = recorder()) {
    const client = new GraphClient({ baseUrl: graph.baseUrl, tokens: testTokens });
    return new GraphInstaller(client, new AppCatalog(client, settings, log), 'Tenant-A', log);
  }

  it('maps the stand-in\'s users to installed, installed (409), permissionMissing and refused', async () => {
    graph.set('grantable', 'u1').set('installed', 'u2').set('forbidden', 'u3').set('refused', 'u4');
    const i = installer();
    assert.deepEqual(await Promise.all(['u1', 'u2', 'u3', 'u4', 'unknown'].map((u) => i.installFor('tenant-a', u))), ['installed', 'installed', 'permissionMissing', 'refused', 'refused']);
    assert.equal(await i.installFor('tenant-a', 'u1'), 'installed', 'a second installation answers 409: installed');
  });

  it('looks the catalog id up once for concurrent installations, and asks again after a failed lookup', async () => {
    graph.set('grantable', 'u1', 'u2', 'u3');
    graph.catalog = 'forbidden';
    const i = installer();
    assert.equal(await i.installFor('tenant-a', 'u1'), 'permissionMissing');
    graph.catalog = 'listed';
    assert.deepEqual(await Promise.all(['u1', 'u2', 'u3'].map((u) => i.installFor('tenant-a', u))), ['installed', 'installed', 'installed']);
    assert.equal(graph.lookups().length, 2, 'the forbidden lookup, then one shared by three installations');
  });

  it('installs nobody in another tenant: its token is for the bot\'s own', async () => {
    graph.set('grantable', 'u1');
    assert.equal(await installer().installFor('tenant-b', 'u1'), 'permissionMissing');
    assert.equal(graph.requests.length, 0);
  });

  it('puts the user id into the path as one escaped segment', async () => {
    graph.set('forbidden', '29:x/../y?z');
    assert.equal(await installer({ catalogId: CATALOG_APP.id }).installFor('tenant-a', '29:x/../y?z'), 'permissionMissing', 'Graph saw the whole id');
    assert.equal(graph.requests[0].path, '/users/29:x/../y?z/teamwork/installedApps');
  });
});

describe('appInstaller: which installer Samråd runs with (bot/graph/installer.ts)', () => {
  const local = (env: Record<string, string> = {}) => parseConfig({ SAMRAD_LOCAL: 'true', ...env }, () => 'x'.repeat(40));
  const production = (env: Record<string, string> = {}) =>
    parseConfig(
      { MICROSOFT_APP_ID: 'app-id', MICROSOFT_APP_PASSWORD: 'secret', MICROSOFT_APP_TYPE: 'SingleTenant', MICROSOFT_APP_TENANT_ID: 'tenant-a', COSMOS_ENDPOINT: 'https://c.documents.azure.com/', PUBLIC_BASE_URL: 'https://samrad.example.org', LINK_SIGNING_SECRET: 's'.repeat(32), ...env },
      () => '',
    );

  it('keeps noInstaller without Graph settings, even with a token given', () => {
    assert.equal(appInstaller(local(), recorder(), testTokens), noInstaller);
    assert.equal(appInstaller(production(), recorder()), noInstaller);
  });

  it('keeps noInstaller in local mode without bot credentials, and says why', () => {
    const log = recorder();
    assert.equal(appInstaller(local({ TEAMS_APP_ID: CATALOG_APP.externalId, MICROSOFT_APP_TENANT_ID: 't' }), log), noInstaller);
    assert.ok(log.lines.some((l) => l.includes('graph.install.off')));
  });

  it('installs through Graph with the bot\'s credentials, or with a token given', () => {
    assert.ok(appInstaller(production({ TEAMS_APP_ID: CATALOG_APP.externalId }), recorder()) instanceof GraphInstaller);
    assert.ok(appInstaller(local({ TEAMS_APP_CATALOG_ID: CATALOG_APP.id, MICROSOFT_APP_TENANT_ID: 't' }), recorder(), testTokens) instanceof GraphInstaller);
  });

  it('calls Graph as the Entra app: the bot\'s own registration by its secret, a registration beside a managed identity by a federated credential (test/integration/federated-credential runs it)', () => {
    assert.ok(entraCredential(production()) instanceof ClientSecretCredential);
    const msi = production({ MICROSOFT_APP_TYPE: 'UserAssignedMSI', MICROSOFT_APP_PASSWORD: '' });
    assert.ok(entraCredential(msi) instanceof ManagedIdentityCredential);
    const federated = production({ MICROSOFT_APP_TYPE: 'UserAssignedMSI', MICROSOFT_APP_PASSWORD: '', ENTRA_APP_ID: '11111111-aaaa-4aaa-8aaa-111111111111' });
    assert.equal(federated.entraApp.signIn, 'federated');
    assert.ok(entraCredential(federated) instanceof ClientAssertionCredential);
    assert.equal(entraCredential(local()), undefined);
  });

  it('refuses an Entra app beside a bot that is not a managed identity, and an Entra app id that is not a GUID', () => {
    assert.throws(() => production({ ENTRA_APP_ID: '11111111-aaaa-4aaa-8aaa-111111111111' }), /ENTRA_APP_ID differs from MICROSOFT_APP_ID: .* MICROSOFT_APP_TYPE must be UserAssignedMSI/);
    assert.throws(() => production({ MICROSOFT_APP_TYPE: 'UserAssignedMSI', ENTRA_APP_ID: 'samrad' }), /ENTRA_APP_ID must be the Entra app registration's client id/);
  });

  it('asks for the .default scope of the Graph it talks to', () => {
    assert.equal(graphScope('https://graph.microsoft.com/v1.0'), 'https://graph.microsoft.com/.default');
    assert.equal(graphScope('https://graph.microsoft.us/v1.0'), 'https://graph.microsoft.us/.default');
  });
});
