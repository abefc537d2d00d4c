/**
 * Time to live in the embedded store, through @azure/cosmos as Samråd talks to it.
 *
 * Real Cosmos DB cannot be reached from here, so these tests pin the embedded store to Cosmos
 * DB's documented behaviour (Microsoft Learn, "Time to Live (TTL) in Azure Cosmos DB",
 * learn.microsoft.com/azure/cosmos-db/time-to-live, and `ContainerProperties.DefaultTimeToLive`):
 * - a document's `ttl` counts seconds from its last modification (`_ts`): a document with
 *   `ttl: 60` is there at 59 s and gone at 60 s, and a rewrite starts the count again;
 * - expired data is not returned by any query even before the background task deletes it, and
 *   an expired document is not found by a point read, a replace or a delete (404) either, so its
 *   id is free to be created again;
 * - the background task deletes expired documents (here: journalled, so a restart keeps them gone);
 * - `defaultTtl` -1: documents expire only by their own `ttl`; n > 0: documents without a `ttl`
 *   expire n seconds after their last write; a document's `ttl: -1` never expires;
 * - a container without `defaultTtl` ignores every document's `ttl`.
 * The store's clock is fixed (the `now` option) and the tests move it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CosmosClient, type Container } from '@azure/cosmos';
import { startEmbeddedCosmos, type EmbeddedCosmos } from '../../bot/store/embedded';
import type { LogFields, Logger } from '../../bot/log';

/** A write at a quarter past a whole second: its `_ts` is the whole second. */
const START = Date.parse('2026-03-02T10:00:00.250Z');
const SECOND = 1000;

interface Doc {
  id: string;
  pk: string;
  ttl?: number;
  v?: number;
  _ts?: number;
  _etag?: string;
}

const code = (expected: number) => (err: { code?: number }) => err.code === expected;

describe('the embedded store honours time to live as Cosmos DB does', () => {
  let dir: string;
  let clock: number;
  let events: Array<{ event: string; fields: LogFields }>;
  const open: EmbeddedCosmos[] = [];

  const log: Logger = {
    info: (event, fields = {}) => void events.push({ event, fields }),
    warn: (event, fields = {}) => void events.push({ event, fields }),
    error: (event, fields = {}) => void events.push({ event, fields }),
  };

  async function start(): Promise<EmbeddedCosmos> {
    const server = await startEmbeddedCosmos({ dataDir: dir, log, now: () => clock });
    open.push(server);
    return server;
  }

  async function stop(server: EmbeddedCosmos): Promise<void> {
    open.splice(open.indexOf(server), 1);
    await server.close();
  }

  /** A container as `openContainers` makes Samråd's (`defaultTtl: -1`), or with another default or none (null). */
  async function container(server: EmbeddedCosmos, defaultTtl: number | null = -1, id = 'meetings'): Promise<Container> {
    const client = new CosmosClient({ endpoint: server.endpoint, key: server.key, connectionPolicy: { enableEndpointDiscovery: false } });
    const { database } = await client.databases.createIfNotExists({ id: 'samrad' });
    const { container: c } = await database.containers.createIfNotExists({
      id,
      partitionKey: { paths: ['/pk'] },
      ...(defaultTtl === null ? {} : { defaultTtl }),
    });
    return c;
  }

  async function read(c: Container, id: string, pk = 'p'): Promise<Doc | undefined> {
    const { resource, statusCode } = await c.item(id, pk).read<Doc>();
    if (statusCode === 404) return undefined;
    assert.equal(statusCode, 200);
    return resource;
  }

  /** The ids a query finds: in one partition (as Samråd reads a meeting) or across all. */
  async function queried(c: Container, partitionKey?: string): Promise<string[]> {
    const { resources } = await c.items.query<{ id: string }>('SELECT c.id FROM c', partitionKey === undefined ? {} : { partitionKey }).fetchAll();
    return resources.map((r) => r.id).sort();
  }

  async function feed(c: Container): Promise<string[]> {
    const { resources } = await c.items.readAll<Doc>().fetchAll();
    return resources.map((r) => r.id).sort();
  }

  /** Waits until the background purge has deleted this many documents in all. */
  async function purged(documents: number): Promise<void> {
    const count = () => events.filter((e) => e.event === 'store.expiredPurged').reduce((sum, e) => sum + Number(e.fields.documents), 0);
    for (let waited = 0; count() < documents; waited += 50) {
      if (waited > 5000) assert.fail(`the purge deleted ${count()} documents, not ${documents}`);
      await new Promise((done) => setTimeout(done, 50));
    }
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'samrad-ttl-'));
    clock = START;
    events = [];
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the container defaultTtl as Samråd creates it', async () => {
    const server = await start();
    const c = await container(server);
    const { resource } = await c.read();
    assert.equal(resource?.defaultTtl, -1);
    await stop(server);
    const again = await start();
    const { resource: reloaded } = await (await container(again)).read();
    assert.equal(reloaded?.defaultTtl, -1, 'kept across a restart');
  });

  it('reads a document with ttl 60 at 59 s and not at 60 s; no query or feed returns it then', async () => {
    const server = await start();
    const c = await container(server);
    const { resource: created } = await c.items.create<Doc>({ id: 'a', pk: 'p', ttl: 60 });
    await c.items.create<Doc>({ id: 'kept', pk: 'p' });
    await c.items.create<Doc>({ id: 'other', pk: 'q' });
    assert.equal(created?._ts, Math.floor(START / SECOND), '_ts is the store clock, in seconds');

    clock = START + 59 * SECOND;
    assert.equal((await read(c, 'a'))?.id, 'a');
    assert.deepEqual(await queried(c, 'p'), ['a', 'kept']);
    assert.deepEqual(await queried(c), ['a', 'kept', 'other']);

    clock = START + 60 * SECOND;
    assert.equal(await read(c, 'a'), undefined, 'a point read answers 404');
    assert.deepEqual(await queried(c, 'p'), ['kept'], 'a single-partition query leaves it out');
    assert.deepEqual(await queried(c), ['kept', 'other'], 'a cross-partition query leaves it out');
    assert.deepEqual(await feed(c), ['kept', 'other'], 'the feed leaves it out');
    const { resources: counted } = await c.items.query('SELECT VALUE COUNT(1) FROM c', { partitionKey: 'p' }).fetchAll();
    assert.deepEqual(counted, [1]);
    const { resources: found } = await c.items
      .query({ query: 'SELECT c.id FROM c WHERE c.id = @id', parameters: [{ name: '@id', value: 'a' }] }, { partitionKey: 'p' })
      .fetchAll();
    assert.deepEqual(found, []);
  });

  it('purges an expired document in the background, journalled: a restart does not bring it back', async () => {
    const server = await start();
    const c = await container(server);
    await c.items.create<Doc>({ id: 'a', pk: 'p', ttl: 60 });
    await c.items.create<Doc>({ id: 'b', pk: 'p', ttl: 3600 });
    await c.items.create<Doc>({ id: 'kept', pk: 'p' });

    clock = START + 60 * SECOND;
    await purged(1);
    await stop(server);
    const journal = (await Promise.all((await readdir(dir)).filter((n) => n.startsWith('journal-')).map((n) => readFile(join(dir, n), 'utf8')))).join('');
    assert.match(journal, /"op":"del","db":"samrad","coll":"meetings","id":"a"/);

    // Turned back, the clock would show "a" again had it only been hidden.
    clock = START;
    const again = await start();
    const c2 = await container(again);
    assert.equal(await read(c2, 'a'), undefined);
    assert.deepEqual(await queried(c2, 'p'), ['b', 'kept']);
  });

  it('expires after a restart what was written before it', async () => {
    const server = await start();
    const c = await container(server);
    await c.items.create<Doc>({ id: 'a', pk: 'p', ttl: 60 });
    await stop(server);
    clock = START + 61 * SECOND;
    const again = await start();
    const c2 = await container(again);
    assert.equal(await read(c2, 'a'), undefined);
    await purged(1);
  });

  it('starts the time to live again when the document is rewritten (a new _ts)', async () => {
    const server = await start();
    const c = await container(server);
    const { etag } = await c.items.create<Doc>({ id: 'a', pk: 'p', ttl: 60, v: 1 });
    clock = START + 50 * SECOND;
    const { resource: replaced } = await c.item('a', 'p').replace<Doc>({ id: 'a', pk: 'p', ttl: 60, v: 2 }, { accessCondition: { type: 'IfMatch', condition: etag! } });
    assert.equal(replaced?._ts, Math.floor(START / SECOND) + 50);
    clock = START + 100 * SECOND;
    assert.equal((await read(c, 'a'))?.v, 2, 'still there 100 s after it was created');
    await c.items.upsert<Doc>({ id: 'a', pk: 'p', ttl: 60, v: 3 });
    clock = START + 159 * SECOND;
    assert.equal((await read(c, 'a'))?.v, 3, 'an upsert starts it again too');
    clock = START + 160 * SECOND;
    assert.equal(await read(c, 'a'), undefined);
  });

  it('never expires ttl -1; a defaultTtl gives documents without ttl their time, their own ttl wins', async () => {
    const server = await start();
    const forever = await container(server, -1, 'forever');
    await forever.items.create<Doc>({ id: 'none', pk: 'p' });
    await forever.items.create<Doc>({ id: 'minus', pk: 'p', ttl: -1 });
    const timed = await container(server, 30, 'timed');
    assert.equal((await timed.read()).resource?.defaultTtl, 30);
    await timed.items.create<Doc>({ id: 'default', pk: 'p' });
    await timed.items.create<Doc>({ id: 'minus', pk: 'p', ttl: -1 });
    await timed.items.create<Doc>({ id: 'longer', pk: 'p', ttl: 90 });

    clock = START + 29 * SECOND;
    assert.deepEqual(await queried(timed, 'p'), ['default', 'longer', 'minus']);
    clock = START + 30 * SECOND;
    assert.deepEqual(await queried(timed, 'p'), ['longer', 'minus']);
    assert.equal(await read(timed, 'default'), undefined);
    clock = START + 90 * SECOND;
    assert.deepEqual(await queried(timed, 'p'), ['minus']);

    clock = START + 10 * 365 * 24 * 3600 * SECOND;
    assert.deepEqual(await queried(timed, 'p'), ['minus']);
    assert.equal((await read(timed, 'minus'))?.ttl, -1);
    assert.deepEqual(await queried(forever, 'p'), ['minus', 'none']);
    await purged(2);
    assert.deepEqual(await queried(forever), ['minus', 'none']);
  });

  it('ignores a document ttl in a container without defaultTtl', async () => {
    const server = await start();
    const c = await container(server, null, 'plain');
    assert.equal((await c.read()).resource?.defaultTtl, undefined);
    await c.items.create<Doc>({ id: 'a', pk: 'p', ttl: 1 });
    clock = START + 24 * 3600 * SECOND;
    assert.equal((await read(c, 'a'))?.ttl, 1);
    assert.deepEqual(await queried(c, 'p'), ['a']);
    await new Promise((done) => setTimeout(done, 400));
    assert.ok(!events.some((e) => e.event === 'store.expiredPurged'));
    assert.deepEqual(await queried(c), ['a']);
  });

  it('answers 404 to a replace, patch or delete of an expired document, and creates its id anew', async () => {
    const server = await start();
    const c = await container(server);
    await c.items.create<Doc>({ id: 'a', pk: 'p', ttl: 60, v: 1 });
    await c.items.create<Doc>({ id: 'b', pk: 'p', ttl: 60, v: 1 });
    const { etag } = await c.item('a', 'p').read<Doc>();
    clock = START + 60 * SECOND;
    const ifMatch = { accessCondition: { type: 'IfMatch', condition: etag! } };
    await assert.rejects(c.item('a', 'p').replace<Doc>({ id: 'a', pk: 'p', v: 2 }, ifMatch), code(404), 'a replace with the ETag read before expiry');
    await assert.rejects(c.item('a', 'p').patch([{ op: 'set', path: '/v', value: 2 }]), code(404));
    await assert.rejects(c.item('a', 'p').delete(ifMatch), code(404));

    const created = await c.items.create<Doc>({ id: 'a', pk: 'p', v: 3 });
    assert.equal(created.statusCode, 201);
    assert.notEqual(created.etag, etag);
    assert.equal(created.resource?.ttl, undefined);
    const upserted = await c.items.upsert<Doc>({ id: 'b', pk: 'p', v: 3 });
    assert.equal(upserted.statusCode, 201, 'an upsert creates: there is nothing to replace');
    assert.deepEqual(await queried(c, 'p'), ['a', 'b']);
    clock = START + 365 * 24 * 3600 * SECOND;
    assert.equal((await read(c, 'a'))?.v, 3, 'the new document has no ttl of its own');

    await stop(server);
    const again = await start();
    const c2 = await container(again);
    assert.deepEqual(await queried(c2, 'p'), ['a', 'b']);
    assert.equal((await read(c2, 'b'))?.v, 3);
  });
});
