import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Container } from '@azure/cosmos';
import { cosmosClient, openContainers, storesOn, type Stores } from '../../bot/store/cosmos';
import { ConcurrencyError, AlreadyExistsError, update } from '../../bot/store/documents';
import { SnapshotFile, startEmbeddedCosmos, type EmbeddedCosmos } from '../../bot/store/embedded';
import type { ContainerName } from '../../bot/store/containers';
import type { UserRecord } from '../../bot/domain/user';

function user(id: string, draft?: string): UserRecord {
  return { id, tenantId: 't1', locale: 'sv', updatedAt: '2026-11-23T10:00:00.000Z', ...(draft ? { draftMeetingId: draft } : {}) };
}

describe('the Cosmos DB store, against the embedded Cosmos server', () => {
  let server: EmbeddedCosmos;
  let containers: Record<ContainerName, Container>;
  let stores: Stores;

  before(async () => {
    server = await startEmbeddedCosmos();
    containers = await openContainers(cosmosClient({ endpoint: server.endpoint, key: server.key, database: 'd' }), 'store-test');
    stores = storesOn(containers);
  });
  after(async () => server.close());

  it('creates the containers once: opening them again keeps the data', async () => {
    await stores.users.create(user('again'));
    const reopened = storesOn(await openContainers(cosmosClient({ endpoint: server.endpoint, key: server.key, database: 'd' }), 'store-test'));
    assert.equal((await reopened.users.read('again'))?.doc.locale, 'sv');
  });

  it('reads back what it created, without Cosmos system fields, and nothing for an unknown id', async () => {
    const created = await stores.users.create(user('u1', 'm1'));
    assert.ok(created.etag);
    const read = await stores.users.read('u1');
    assert.deepEqual(read?.doc, user('u1', 'm1'));
    assert.equal(read?.etag, created.etag);
    assert.equal(await stores.users.read('nobody'), undefined);
  });

  it('refuses to create a second document with the same id', async () => {
    await stores.users.create(user('twice'));
    await assert.rejects(stores.users.create(user('twice')), AlreadyExistsError);
  });

  it('refuses a replace that carries a stale ETag and keeps the newer write', async () => {
    const first = await stores.users.create(user('u2'));
    const second = await stores.users.replace({ ...first.doc, locale: 'fi' }, first.etag);
    assert.notEqual(second.etag, first.etag);
    await assert.rejects(stores.users.replace({ ...first.doc, locale: 'da' }, first.etag), ConcurrencyError);
    assert.equal((await stores.users.read('u2'))?.doc.locale, 'fi');
  });

  it('refuses a delete that carries a stale ETag', async () => {
    const first = await stores.users.create(user('u3'));
    await stores.users.replace({ ...first.doc, locale: 'en' }, first.etag);
    await assert.rejects(stores.users.delete('u3', first.etag), ConcurrencyError);
    assert.ok(await stores.users.read('u3'));
    const current = await stores.users.read('u3');
    await stores.users.delete('u3', current!.etag);
    assert.equal(await stores.users.read('u3'), undefined);
  });

  it('update() re-reads and re-applies the change when another writer got there first', async () => {
    await stores.users.create({ ...user('u4'), tenantId: '0' });
    // ten concurrent increments, as from several bot instances: none may be lost
    let calls = 0;
    await Promise.all(Array.from({ length: 10 }, () => update(stores.users, 'u4', (doc) => (calls++, { ...doc, tenantId: String(Number(doc.tenantId) + 1) }), 50)));
    assert.equal((await stores.users.read('u4'))?.doc.tenantId, '10');
    assert.ok(calls > 10, 'some writers had to start again from a fresh read');
  });

  it('finds ids by a parameterized filter, bounded by the limit', async () => {
    for (const id of ['q1', 'q2', 'q3']) await stores.users.create({ ...user(id), tenantId: 'query-tenant' });
    const ids = await stores.users.findIds('c.tenantId = @tenant', { tenant: 'query-tenant' }, 2);
    assert.equal(ids.length, 2);
    assert.ok(ids.every((id) => ['q1', 'q2', 'q3'].includes(id)));
  });

  it('keeps its data across a restart through the snapshot file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'samrad-snapshot-'));
    try {
      const snapshot = new SnapshotFile(dir, containers);
      await snapshot.save();
      const text = await readFile(join(dir, 'cosmos-snapshot.json'), 'utf8');
      assert.ok(!text.includes('"_etag"'));
      const fresh = await startEmbeddedCosmos();
      try {
        const freshContainers = await openContainers(cosmosClient({ endpoint: fresh.endpoint, key: fresh.key, database: 'd' }), 'store-test');
        const restored = await new SnapshotFile(dir, freshContainers).restore();
        assert.ok(restored >= 5);
        assert.deepEqual((await storesOn(freshContainers).users.read('u1'))?.doc, user('u1', 'm1'));
      } finally {
        await fresh.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
