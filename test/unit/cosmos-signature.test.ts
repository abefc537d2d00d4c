import assert from 'node:assert/strict';
import { createSecretKey } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CosmosClient } from '@azure/cosmos';
import { cosmosClient, masterKeySignature } from '../../bot/store/cosmos-store';

/**
 * Samråd signs Cosmos DB requests with the account key itself (one key object for every request,
 * `bot/store/cosmos-store.ts`); each signature must be the one the SDK makes with `key`, or Azure
 * Cosmos DB refuses the request (the embedded store checks none, so only this test would tell).
 */
describe('requests signed with the account key (bot/store/cosmos-store.ts)', () => {
  const KEY = Buffer.from('a test key that is not the emulator one, 64 bytes long, really!').toString('base64');

  /** What a server sees of the requests made through `client`: method, path and headers. */
  async function seen(make: (endpoint: string) => CosmosClient, act: (client: CosmosClient) => Promise<unknown>): Promise<{ method: string; url: string; headers: IncomingHttpHeaders }[]> {
    const requests: { method: string; url: string; headers: IncomingHttpHeaders }[] = [];
    const server = createServer((req, res) => {
      requests.push({ method: req.method!, url: req.url!, headers: req.headers });
      req.resume();
      res.statusCode = 404;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ code: 'NotFound', message: 'no' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const client = make(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      await act(client).catch(() => undefined);
    } finally {
      server.close();
    }
    return requests;
  }

  const actions: [string, (c: CosmosClient) => Promise<unknown>][] = [
    ['a point read', (c) => c.database('samrad').container('meetings').item('plan-1', 'm-1').read()],
    ['a replace', (c) => c.database('samrad').container('meetings').item('plan-1', 'm-1').replace({ id: 'plan-1', meetingId: 'm-1' })],
    ['a create', (c) => c.database('samrad').container('jobs').items.create({ id: 'j', bucket: 'b' })],
    ['a database read', (c) => c.database('samrad').read()],
  ];

  for (const [name, act] of actions) {
    it(`signs ${name} as the SDK does with the key`, async () => {
      const sdk = await seen((endpoint) => new CosmosClient({ endpoint, key: KEY, connectionPolicy: { enableEndpointDiscovery: false } }), act);
      const ours = await seen((endpoint) => cosmosClient({ endpoint, key: KEY, database: 'samrad' }), act);
      assert.ok(sdk.length > 0 && ours.length === sdk.length);
      const secret = createSecretKey(Buffer.from(KEY, 'base64'));
      for (const [i, request] of sdk.entries()) {
        const mine = ours[i];
        assert.equal(`${mine.method} ${mine.url}`, `${request.method} ${request.url}`);
        assert.ok(mine.headers['x-ms-date'], 'the date that was signed is sent');
        // The SDK's signature, worked out again for the date Samråd's request carried, is the one it sent.
        const [resourceType, resourceId] = resourceOf(request.url);
        const sign = (method: string, date: unknown) => masterKeySignature(secret, method, resourceType, resourceId, String(date));
        assert.equal(decodeURIComponent(String(request.headers.authorization)), sign(request.method, request.headers['x-ms-date']), 'the signature worked out again is the one the SDK sent');
        assert.equal(decodeURIComponent(String(mine.headers.authorization)), sign(mine.method, mine.headers['x-ms-date']));
      }
    });
  }
});

/**
 * The resource type and id a request is signed for (the REST API's rules): for a path ending in a
 * resource id, its type is the segment before it and the id is the whole path; for a feed (a path
 * ending in a type), the type is that segment and the id the path before it.
 */
function resourceOf(url: string): [string, string] {
  const parts = url.replace(/^\/+|\/+$/g, '').split('/');
  if (parts.length % 2 === 0) return [parts[parts.length - 2], parts.join('/')];
  return [parts[parts.length - 1], parts.slice(0, -1).join('/')];
}
