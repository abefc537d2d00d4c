import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Meeting, ReplyDoc } from '../../bot/domain/meeting';
import type { MeetingDoc } from '../../bot/domain/meeting-docs';
import type { UserRecord } from '../../bot/domain/user';
import type { ContainerName } from '../../bot/store/containers';
import { CosmosDocumentStore, cosmosClient, openContainers } from '../../bot/store/cosmos-store';
import { startEmbeddedCosmos, type EmbeddedCosmos } from '../../bot/store/embedded';
import { AlreadyExistsError, ConcurrencyError, update, upsert, type DocumentStore, type StoreOperation } from '../../bot/store/port';
import { queries } from '../../bot/store/queries';

function user(id: string, draft?: string): UserRecord {
  return { id, userKey: id, tenantId: 't1', locale: 'sv', updatedAt: '2026-11-23T10:00:00.000Z', ...(draft ? { draftMeetingId: draft } : {}) };
}

/** A plan and two people's answers in one meeting's partition. */
function meetingDocs(meetingId: string): MeetingDoc[] {
  const plan = { kind: 'plan', id: meetingId, meetingId, status: 'invited', rev: 3, participants: [] } as unknown as Meeting;
  const reply = (p: string): ReplyDoc => ({ kind: 'reply', id: `reply.${p}`, meetingId, participantId: p, answer: 'accepted', at: '2026-11-23T10:00:00.000Z', via: 'teams', by: 'u', planRev: 3 });
  return [plan, reply('a'), reply('b')];
}

async function storesOn(server: EmbeddedCosmos, database: string, observe?: (c: ContainerName, o: StoreOperation) => void) {
  const containers = await openContainers(cosmosClient({ endpoint: server.endpoint, key: server.key, database }), database);
  return {
    users: new CosmosDocumentStore<UserRecord>(containers.users, 'users', observe),
    meetings: new CosmosDocumentStore<MeetingDoc>(containers.meetings, 'meetings', observe),
  };
}

describe('the Cosmos DB store (bot/store), against the embedded Cosmos server', () => {
  let server: EmbeddedCosmos;
  let users: DocumentStore<UserRecord>;
  let meetings: DocumentStore<MeetingDoc>;

  before(async () => {
    server = await startEmbeddedCosmos();
    ({ users, meetings } = await storesOn(server, 'store-test'));
  });
  after(async () => server.close());

  it('creates the containers once: opening them again keeps the data', async () => {
    await users.create(user('again'));
    const reopened = await storesOn(server, 'store-test');
    assert.equal((await reopened.users.read('again', 'again'))?.doc.locale, 'sv');
  });

  it('reads back what it created, without Cosmos system fields, and nothing for an unknown id or one Cosmos cannot hold', async () => {
    const created = await users.create(user('u1', 'm1'));
    assert.ok(created.etag);
    const read = await users.read('u1', 'u1');
    assert.deepEqual(read?.doc, user('u1', 'm1'));
    assert.equal(read?.etag, created.etag);
    assert.equal(await users.read('nobody', 'nobody'), undefined);
    for (const id of ['a/b', 'a#b', 'a?b', 'a\\b', '']) assert.equal(await users.read(id, id), undefined, JSON.stringify(id));
  });

  it('refuses to create a second document with the same id in a partition, but not in another', async () => {
    await users.create(user('twice'));
    await assert.rejects(users.create(user('twice')), AlreadyExistsError);
    const [plan] = meetingDocs('m-twice-1');
    await meetings.create(plan);
    await meetings.create({ ...meetingDocs('m-twice-2')[1] });
    await meetings.create({ ...meetingDocs('m-twice-1')[1] });
    await assert.rejects(meetings.create({ ...meetingDocs('m-twice-1')[1] }), AlreadyExistsError);
  });

  it('refuses a replace that carries a stale ETag and keeps the newer write', async () => {
    const first = await users.create(user('u2'));
    const second = await users.replace({ ...first.doc, locale: 'fi' }, first.etag);
    assert.notEqual(second.etag, first.etag);
    await assert.rejects(users.replace({ ...first.doc, locale: 'da' }, first.etag), ConcurrencyError);
    assert.equal((await users.read('u2', 'u2'))?.doc.locale, 'fi');
  });

  it('refuses a delete that carries a stale ETag', async () => {
    const first = await users.create(user('u3'));
    await users.replace({ ...first.doc, locale: 'en' }, first.etag);
    await assert.rejects(users.delete('u3', 'u3', first.etag), ConcurrencyError);
    assert.ok(await users.read('u3', 'u3'));
    const current = await users.read('u3', 'u3');
    await users.delete('u3', 'u3', current!.etag);
    assert.equal(await users.read('u3', 'u3'), undefined);
  });

  it('update() re-reads and re-applies the change when another writer got there first', async () => {
    await users.create({ ...user('u4'), tenantId: '0' });
    // ten concurrent increments, as from several bot instances: none may be lost
    let calls = 0;
    await Promise.all(Array.from({ length: 10 }, () => update(users, 'u4', 'u4', (doc) => (calls++, { ...doc, tenantId: String(Number(doc.tenantId) + 1) }), 50)));
    assert.equal((await users.read('u4', 'u4'))?.doc.tenantId, '10');
    assert.ok(calls > 10, 'some writers had to start again from a fresh read');
  });

  it('upsert() creates once and then changes, from a fresh read each time, when several create at once', async () => {
    await Promise.all(
      Array.from({ length: 8 }, () =>
        upsert(users, 'u5', 'u5', (doc) => (doc ? { ...doc, tenantId: String(Number(doc.tenantId) + 1) } : { ...user('u5'), tenantId: '1' }), { attempts: 50 }),
      ),
    );
    assert.equal((await users.read('u5', 'u5'))?.doc.tenantId, '8');
  });

  it('reads a meeting with one query scoped to its partition: its own documents, with their ETags, and no other meeting\'s', async () => {
    for (const doc of [...meetingDocs('m-view-1'), ...meetingDocs('m-view-2')]) await meetings.create(doc);
    const rows = await meetings.query(queries.meeting('m-view-1'));
    assert.deepEqual(rows.map((r) => r.doc.id).sort(), ['m-view-1', 'reply.a', 'reply.b']);
    assert.ok(rows.every((r) => r.doc.meetingId === 'm-view-1' && r.etag !== ''));
    const reply = rows.find((r) => r.doc.id === 'reply.a')!;
    await meetings.replace({ ...(reply.doc as ReplyDoc), answer: 'maybe' }, reply.etag);
    await assert.rejects(meetings.replace({ ...(reply.doc as ReplyDoc), answer: 'declined' }, reply.etag), ConcurrencyError, 'the ETag a query returned guards a write');
  });

  it('reports every request to its observer (the benchmark counts them)', async () => {
    const seen: string[] = [];
    const observed = await storesOn(server, 'store-test', (container, operation) => seen.push(`${container}.${operation}`));
    await observed.users.create(user('counted'));
    await observed.users.read('counted', 'counted');
    await observed.meetings.query(queries.meeting('m-view-1'));
    assert.deepEqual(seen, ['users.create', 'users.read', 'meetings.query']);
  });

  it('keeps its data across a restart through the journal', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'samrad-journal-'));
    try {
      const first = await startEmbeddedCosmos({ dataDir: dir });
      const before = await storesOn(first, 'store-test');
      const created = await before.users.create(user('j1', 'm1'));
      await before.users.replace({ ...created.doc, locale: 'fi' }, created.etag);
      const gone = await before.users.create(user('j2'));
      await before.users.delete('j2', 'j2', gone.etag);
      for (const doc of meetingDocs('m-journal')) await before.meetings.create(doc);
      await first.close();
      const journal = await readFile(join(dir, 'journal-000000000001.jsonl'), 'utf8');
      assert.ok(!journal.includes('"_rid"'), 'placement fields are not journalled');
      const second = await startEmbeddedCosmos({ dataDir: dir });
      try {
        const after = await storesOn(second, 'store-test');
        assert.deepEqual((await after.users.read('j1', 'j1'))?.doc, { ...user('j1', 'm1'), locale: 'fi' });
        assert.equal(await after.users.read('j2', 'j2'), undefined);
        assert.equal((await after.meetings.query(queries.meeting('m-journal'))).length, 3);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

