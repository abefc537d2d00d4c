import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConcurrencyError, AlreadyExistsError, type StoredDoc } from '../../bot/store/port';
import { CosmosDocumentStore, cosmosClient, openContainers } from '../../bot/store/cosmos-store';
import { startEmbeddedCosmos, type EmbeddedCosmos } from '../../bot/store/embedded';

/**
 * The embedded store's in-process transport (`EmbeddedCosmos.httpClient`): Samråd's own Cosmos
 * client hands its requests to the store's front in memory (the same front, which answers a change
 * only once it is in the journal). The same requests over loopback HTTP and in memory give the
 * same answers.
 */
describe('the embedded store answered in this process (bot/store/embedded.ts: httpClient)', () => {
  let dir = '';
  let store: EmbeddedCosmos | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'samrad-inproc-'));
  });

  afterEach(async () => {
    await store?.close();
    store = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  interface Doc extends StoredDoc {
    meetingId: string;
    kind: string;
    n: number;
  }

  async function stores(s: EmbeddedCosmos) {
    const target = { endpoint: s.endpoint, key: s.key, database: 'samrad' };
    const overHttp = await openContainers(cosmosClient(target), target.database);
    const inMemory = await openContainers(cosmosClient(target, s.httpClient), target.database);
    return {
      http: new CosmosDocumentStore<Doc>(overHttp.meetings as never, 'meetings'),
      memory: new CosmosDocumentStore<Doc>(inMemory.meetings as never, 'meetings'),
    };
  }

  it('reads, creates, replaces, deletes and queries as over HTTP, ETags and refusals included', async () => {
    store = await startEmbeddedCosmos({ dataDir: dir });
    const { http, memory } = await stores(store);
    const created = await memory.create({ id: 'a', meetingId: 'm-1', kind: 'reply', n: 1 });
    assert.deepEqual((await http.read('m-1', 'a'))?.doc, created.doc);
    assert.equal((await http.read('m-1', 'a'))?.etag, created.etag);
    await assert.rejects(memory.create({ id: 'a', meetingId: 'm-1', kind: 'reply', n: 2 }), AlreadyExistsError);
    const replaced = await memory.replace({ ...created.doc, n: 2 }, created.etag);
    assert.notEqual(replaced.etag, created.etag);
    await assert.rejects(memory.replace({ ...created.doc, n: 3 }, created.etag), ConcurrencyError, 'a stale ETag is refused');
    assert.equal((await memory.read('m-1', 'missing')), undefined);
    await http.create({ id: 'b', meetingId: 'm-1', kind: 'audit', n: 9 });
    await http.create({ id: 'c', meetingId: 'm-2', kind: 'reply', n: 7 });
    const rows = await memory.query({ name: 'meeting.view', partition: 'm-1', sql: "SELECT * FROM c WHERE c.kind != 'audit'", parameters: {} });
    assert.deepEqual(rows.map((r) => [r.doc.id, r.doc.n, r.etag]), [['a', 2, replaced.etag]]);
    await assert.rejects(memory.delete('m-1', 'a', created.etag), ConcurrencyError);
    await memory.delete('m-1', 'a', replaced.etag);
    assert.equal(await http.read('m-1', 'a'), undefined);
  });

  it('keeps what it answered: a store started again on the folder has every write', async () => {
    store = await startEmbeddedCosmos({ dataDir: dir });
    const { memory } = await stores(store);
    await Promise.all(Array.from({ length: 20 }, (_, i) => memory.create({ id: `d-${i}`, meetingId: 'm-1', kind: 'reply', n: i })));
    await store.close();
    store = await startEmbeddedCosmos({ dataDir: dir });
    const { http } = await stores(store);
    const rows = await http.query({ name: 'meeting.all', partition: 'm-1', sql: 'SELECT * FROM c', parameters: {} });
    assert.equal(rows.length, 20);
  });
});
