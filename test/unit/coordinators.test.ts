import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseConfig } from '../../bot/config';
import { appCoordinators, FAILURE_TTL_MS, GraphCoordinators, MEMBERS_TTL_MS, readGroupMembers } from '../../bot/graph/coordinators';
import { GraphClient } from '../../bot/graph/graph-client';
import type { Logger } from '../../bot/log';
import { configProblems, productionEnv } from '../support/config';
import { GraphStandIn, testTokens } from '../support/graph';

const TENANT = '7d3c6a52-1f0e-4b8a-9c2d-5e6f7a8b9c0d';
const OTHER_TENANT = 'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b';
const GROUP = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const ANNA = 'a0000000-0000-4000-8000-000000000001';
const BO = 'b0000000-0000-4000-8000-000000000002';
const CAJ = 'c0000000-0000-4000-8000-000000000003';
const member = (n: number) => `d0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const production = (overrides: Record<string, string>): NodeJS.ProcessEnv => productionEnv({ MICROSOFT_APP_TENANT_ID: TENANT, MICROSOFT_APP_TYPE: 'SingleTenant', ...overrides });
const problemsFor = (env: NodeJS.ProcessEnv) => configProblems(env);

function recorder(): Logger & { lines: { event: string; fields: Record<string, unknown> }[] } {
  const lines: { event: string; fields: Record<string, unknown> }[] = [];
  const write = (event: string, fields = {}) => lines.push({ event, fields });
  return { lines, info: write, warn: write, error: write };
}

describe('who the coordinators are: COORDINATORS and COORDINATOR_GROUPS (bot/config.ts)', () => {
  it('has no coordinators when neither is set', () => {
    const config = parseConfig({ SAMRAD_LOCAL: 'true' }, () => 'g'.repeat(48));
    assert.deepEqual(config.coordinators.ids, []);
    assert.deepEqual(config.coordinators.groups, []);
    assert.equal(config.coordinators.graphBaseUrl, 'https://graph.microsoft.com/v1.0');
  });

  it('reads object ids in any case, each in the bot\'s tenant, or in the tenant written before it', () => {
    const config = parseConfig(production({ COORDINATORS: ` ${ANNA.toUpperCase()} ,${OTHER_TENANT}:${BO}`, COORDINATOR_GROUPS: `${TENANT.toUpperCase()}:${GROUP}` }), () => '');
    assert.deepEqual(config.coordinators.ids, [
      { tenantId: TENANT, objectId: ANNA },
      { tenantId: OTHER_TENANT, objectId: BO },
    ]);
    assert.deepEqual(config.coordinators.groups, [{ tenantId: TENANT, groupId: GROUP }]);
  });

  it('counts a plain object id in any tenant when the bot has none (local mode)', () => {
    const config = parseConfig({ SAMRAD_LOCAL: 'true', COORDINATORS: ANNA }, () => 'g'.repeat(48));
    assert.deepEqual(config.coordinators.ids, [{ objectId: ANNA }]);
  });

  it('refuses to start on an entry of the wrong shape, naming it', () => {
    const problems = problemsFor(production({ COORDINATORS: `${ANNA},anna@example.org,${TENANT}:x`, COORDINATOR_GROUPS: `${GROUP},contoso.onmicrosoft.com:${GROUP},${TENANT}:${GROUP}:x` }));
    assert.deepEqual(
      problems.filter((p) => p.startsWith('COORDINATORS')),
      [
        'COORDINATORS: "anna@example.org" must be an Entra object id (a GUID), or <tenant id>:<object id>',
        `COORDINATORS: "${TENANT}:x" must be an Entra object id (a GUID), or <tenant id>:<object id>`,
      ],
    );
    assert.equal(problems.filter((p) => p.startsWith('COORDINATOR_GROUPS')).length, 3);
  });

  it('refuses a group in another tenant when the bot\'s identity can read only its own', () => {
    for (const type of ['SingleTenant', 'UserAssignedMSI']) {
      const problems = problemsFor(production({ MICROSOFT_APP_TYPE: type, COORDINATOR_GROUPS: `${OTHER_TENANT}:${GROUP}` }));
      assert.ok(problems.some((p) => p.startsWith(`COORDINATOR_GROUPS: the group ${GROUP} is in tenant ${OTHER_TENANT}`)), problems.join('\n'));
    }
    const multi = parseConfig(production({ MICROSOFT_APP_TYPE: 'MultiTenant', COORDINATOR_GROUPS: `${OTHER_TENANT}:${GROUP}` }), () => '');
    assert.deepEqual(multi.coordinators.groups, [{ tenantId: OTHER_TENANT, groupId: GROUP }]);
  });
});

describe('coordinators through Microsoft Graph (bot/graph/coordinators.ts)', () => {
  let graph: GraphStandIn;
  let client: GraphClient;
  let clock: number;
  let log: ReturnType<typeof recorder>;
  const coordinators = (groups = [{ tenantId: TENANT, groupId: GROUP }]) => new GraphCoordinators({ ids: [{ tenantId: TENANT, objectId: ANNA }], groups }, () => client, log, () => clock);

  beforeEach(async () => {
    graph = new GraphStandIn();
    await graph.start();
    client = new GraphClient({ baseUrl: graph.baseUrl, tokens: testTokens });
    clock = 1_000_000;
    log = recorder();
  });
  afterEach(async () => graph.stop());

  it('reads a group\'s members page by page, asking for their ids only', async () => {
    graph.groups.set(GROUP, Array.from({ length: 5 }, (_, i) => member(i)));
    graph.groupPageSize = 2;
    const members = await readGroupMembers(client, GROUP);
    assert.deepEqual([...(members as Set<string>)].sort(), Array.from({ length: 5 }, (_, i) => member(i)));
    const reads = graph.groupReads();
    assert.equal(reads.length, 3);
    assert.equal(reads[0].path, `/groups/${GROUP}/transitiveMembers/microsoft.graph.user?$select=id`);
    assert.ok(reads.every((r) => r.authorization === 'Bearer graph-test-token'));
  });

  it('counts the configured ids and the group\'s members of the tenant, in any case; nobody else', async () => {
    graph.groups.set(GROUP, [BO.toUpperCase()]);
    const c = coordinators();
    assert.equal(await c.isCoordinator(TENANT, ANNA.toUpperCase()), true);
    assert.equal(await c.isCoordinator(TENANT.toUpperCase(), BO), true);
    assert.equal(await c.isCoordinator(TENANT, CAJ), false);
    // The group is the coordinators of its own tenant only, and so is an id configured with a tenant.
    assert.equal(await c.isCoordinator(OTHER_TENANT, BO), false);
    assert.equal(await c.isCoordinator(OTHER_TENANT, ANNA), false);
    assert.deepEqual(await c.coordinatorsOf(TENANT), [ANNA, BO].sort());
    assert.deepEqual(await c.coordinatorsOf(OTHER_TENANT), []);
  });

  it('keeps a group\'s members for a few minutes, one read however many ask at once', async () => {
    graph.groups.set(GROUP, [BO]);
    const c = coordinators();
    await Promise.all([c.isCoordinator(TENANT, BO), c.isCoordinator(TENANT, CAJ), c.coordinatorsOf(TENANT)]);
    assert.equal(graph.groupReads().length, 1);
    graph.groups.set(GROUP, [CAJ]);
    clock += MEMBERS_TTL_MS - 1;
    assert.equal(await c.isCoordinator(TENANT, BO), true, 'still as read');
    clock += 2;
    assert.equal(await c.isCoordinator(TENANT, BO), false, 'read again: no longer a member');
    assert.equal(await c.isCoordinator(TENANT, CAJ), true);
    assert.equal(graph.groupReads().length, 2);
  });

  for (const [answer, status] of [
    ['forbidden', 403],
    ['unavailable', 503],
  ] as const) {
    it(`counts only the configured ids while Graph answers ${status}, logs it with ids only, and asks again after a while`, async () => {
      graph.groups.set(GROUP, [BO]);
      graph.groupAnswer = answer;
      const c = coordinators();
      assert.equal(await c.isCoordinator(TENANT, BO), false);
      assert.equal(await c.isCoordinator(TENANT, ANNA), true);
      assert.deepEqual(await c.coordinatorsOf(TENANT), [ANNA]);
      assert.equal(graph.groupReads().length, 1, 'the failure is remembered');
      const line = log.lines.find((l) => l.event === 'coordinators.group.unread')!;
      assert.deepEqual(line.fields, {
        tenant: TENANT,
        group: GROUP,
        reason: answer === 'forbidden' ? 'refused' : 'status',
        status,
        code: answer === 'forbidden' ? 'Authorization_RequestDenied' : undefined,
        permission: answer === 'forbidden' ? 'GroupMember.Read.All' : undefined,
      });
      graph.groupAnswer = 'members';
      clock += FAILURE_TTL_MS + 1;
      assert.equal(await c.isCoordinator(TENANT, BO), true);
    });
  }

  it('counts only the configured ids for a group Graph does not know', async () => {
    const c = coordinators();
    assert.equal(await c.isCoordinator(TENANT, ANNA), true);
    assert.equal(await c.isCoordinator(TENANT, BO), false);
    assert.equal(log.lines.find((l) => l.event === 'coordinators.group.unread')?.fields.status, 404);
  });

  it('never follows a next page to another host (the token would go with it)', async () => {
    let server: Server | undefined;
    let hits = 0;
    server = createServer((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ value: [{ id: BO }], '@odata.nextLink': 'https://elsewhere.example.org/v1.0/groups/x/transitiveMembers?$skiptoken=2' }));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
    try {
      const other = new GraphClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1.0`, tokens: testTokens });
      assert.deepEqual(await readGroupMembers(other, GROUP), { reason: 'nextLink' });
      assert.equal(hits, 1);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    }
  });

  it('runs in local mode without credentials: the configured ids count, the groups are off and say so', async () => {
    const config = parseConfig({ SAMRAD_LOCAL: 'true', COORDINATORS: ANNA, COORDINATOR_GROUPS: `${TENANT}:${GROUP}`, GRAPH_BASE_URL: graph.baseUrl }, () => 'g'.repeat(48));
    const c = appCoordinators(config, log);
    assert.ok(log.lines.some((l) => l.event === 'coordinators.groups.off'));
    assert.equal(await c.isCoordinator(TENANT, ANNA), true);
    assert.equal(await c.isCoordinator('any-tenant', ANNA), true);
    assert.equal(await c.isCoordinator(TENANT, BO), false);
    assert.equal(graph.groupReads().length, 0);
  });

  it('reads the groups with the tokens it is given (tests: the stand-in\'s)', async () => {
    graph.groups.set(GROUP, [BO]);
    const config = parseConfig({ SAMRAD_LOCAL: 'true', COORDINATOR_GROUPS: `${TENANT}:${GROUP}`, GRAPH_BASE_URL: graph.baseUrl }, () => 'g'.repeat(48));
    const c = appCoordinators(config, log, testTokens);
    assert.equal(await c.isCoordinator(TENANT, BO), true);
    assert.equal(graph.groupReads().length, 1);
  });
});
