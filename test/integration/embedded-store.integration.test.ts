import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { crc32 } from 'node:zlib';
import { createHttpServer } from '@vercel/cosmosdb-server';
import { CosmosClient, type Container, type Database } from '@azure/cosmos';
import type { AddressInfo } from 'node:net';
import { startEmbeddedCosmos, StoreFileError, type EmbeddedCosmos, type EmbeddedCosmosOptions } from '../../bot/store/embedded';
import type { LogFields, Logger } from '../../bot/log';

const ROOT = join(__dirname, '..', '..');

interface Logged {
  level: string;
  event: string;
  fields: LogFields;
}

function recordingLogger(into: Logged[]): Logger {
  const at = (level: string) => (event: string, fields: LogFields = {}) => void into.push({ level, event, fields });
  return { info: at('info'), warn: at('warn'), error: at('error') };
}

function client(server: { endpoint: string; key: string }): CosmosClient {
  return new CosmosClient({ endpoint: server.endpoint, key: server.key, connectionPolicy: { enableEndpointDiscovery: false } });
}

async function container(server: EmbeddedCosmos, id = 'items', partitionKey = '/pk'): Promise<{ database: Database; container: Container }> {
  const { database } = await client(server).databases.createIfNotExists({ id: 'db' });
  const { container: c } = await database.containers.createIfNotExists({ id, partitionKey: { paths: [partitionKey] } });
  return { database, container: c };
}

/** A document as the client sees it, without what the server derives from where it is stored. */
function contents(doc: Record<string, unknown>): Record<string, unknown> {
  const { _rid, _self, _etag, _ts, ...rest } = doc;
  return rest;
}

async function allDocs(c: Container): Promise<Record<string, Record<string, unknown>>> {
  const { resources } = await c.items.query<Record<string, unknown>>('SELECT * FROM c').fetchAll();
  return Object.fromEntries(resources.map((d) => [String(d.id), contents(d)]));
}

async function journals(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.startsWith('journal-')).sort();
}

describe('the embedded store (journal, replay, compaction, partition-scoped queries)', () => {
  let dir: string;
  const open: EmbeddedCosmos[] = [];
  const start = async (options: EmbeddedCosmosOptions = {}) => {
    const server = await startEmbeddedCosmos({ dataDir: dir, ...options });
    open.push(server);
    return server;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'samrad-store-'));
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('replays every kind of change after close and reopen, with the same contents and ETags', async () => {
    const first = await start();
    const { container: c, database } = await container(first);
    const created = await c.items.create({ id: 'a', pk: 'p1', n: 1, nested: { list: [1, 'two', null], ö: 'å' } });
    await c.item('a', 'p1').replace({ id: 'a', pk: 'p1', n: 2, nested: { list: [] } }, { accessCondition: { type: 'IfMatch', condition: created.etag } });
    await c.items.upsert({ id: 'b', pk: 'p2', n: 3 });
    await c.items.upsert({ id: 'b', pk: 'p2', n: 4 });
    await c.items.create({ id: 'c', pk: 'p1' });
    await c.item('c', 'p1').patch([{ op: 'add', path: '/patched', value: true }]);
    await c.items.create({ id: 'd', pk: 'p3' });
    await c.item('d', 'p3').delete();
    const { container: dropped } = await database.containers.createIfNotExists({ id: 'dropped', partitionKey: { paths: ['/pk'] } });
    await dropped.items.create({ id: 'x', pk: 'x' });
    await dropped.delete();
    const before = await allDocs(c);
    const etag = (await c.item('b', 'p2').read()).etag;
    await first.close();

    const second = await start();
    const { container: again, database: db2 } = await container(second);
    assert.deepEqual(await allDocs(again), before);
    assert.deepEqual(Object.keys(before).sort(), ['a', 'b', 'c']);
    assert.equal(before.c.patched, true);
    assert.equal((await again.item('b', 'p2').read()).etag, etag, 'ETags survive a restart');
    const { resources: containers } = await db2.containers.readAll().fetchAll();
    assert.deepEqual(containers.map((x) => x.id), ['items']);
  });

  it('acknowledges a write only once it is in the journal, and groups concurrent writes into fewer fsyncs', async () => {
    const logged: Logged[] = [];
    const server = await start({ log: recordingLogger(logged) });
    const { container: c } = await container(server);
    await Promise.all(Array.from({ length: 100 }, (_, i) => c.items.create({ id: `g${i}`, pk: 'g' })));
    // Every acknowledged create is in the journal file already (no close, no flush on the way).
    const journal = await readFile(join(dir, (await journals(dir)).at(-1)!), 'utf8');
    for (let i = 0; i < 100; i++) assert.ok(journal.includes(`"id":"g${i}"`), `g${i} is journalled`);
    await server.close();
    const closed = logged.find((l) => l.event === 'store.closed')!;
    assert.ok(Number(closed.fields.records) >= 102);
    assert.ok(Number(closed.fields.flushes) < Number(closed.fields.records), `${closed.fields.flushes} fsyncs for ${closed.fields.records} records`);
  });

  it('ignores a torn last line with a warning, starts a new journal, and never appends after the tear', async () => {
    const first = await start();
    const { container: c } = await container(first);
    await c.items.create({ id: 'kept', pk: 'p' });
    await first.close();
    const [journal] = await journals(dir);
    const whole = await readFile(join(dir, journal), 'utf8');
    await appendFile(join(dir, journal), '5f3a91c2 {"op":"put","db":"db","coll":"items","doc":{"id":"lost","p');

    const logged: Logged[] = [];
    const second = await start({ log: recordingLogger(logged) });
    const torn = logged.find((l) => l.event === 'store.journalTornTail');
    assert.equal(torn?.level, 'warn');
    assert.equal(torn?.fields.file, journal);
    const { container: again } = await container(second);
    assert.deepEqual(Object.keys(await allDocs(again)), ['kept']);
    await again.items.create({ id: 'after', pk: 'p' });
    await second.close();
    assert.equal((await journals(dir)).length, 2, 'the second start wrote a journal of its own');
    assert.equal(await readFile(join(dir, journal), 'utf8'), `${whole}5f3a91c2 {"op":"put","db":"db","coll":"items","doc":{"id":"lost","p`);

    // The torn journal is no longer the last one: still only its last line, still ignored.
    const third = await start();
    assert.deepEqual(Object.keys(await allDocs((await container(third)).container)).sort(), ['after', 'kept']);
  });

  it('refuses to start on a corrupt line in the middle of a journal, naming the file', async () => {
    const first = await start();
    const { container: c } = await container(first);
    for (const id of ['one', 'two', 'three']) await c.items.create({ id, pk: 'p', text: `text of ${id}` });
    await first.close();
    const [journal] = await journals(dir);
    const text = await readFile(join(dir, journal), 'utf8');
    await writeFile(join(dir, journal), text.replace('text of two', 'text of tw0'));
    await assert.rejects(startEmbeddedCosmos({ dataDir: dir }), (err: Error) => {
      assert.ok(err instanceof StoreFileError);
      assert.ok(err.message.includes(journal), err.message);
      return true;
    });
    assert.ok(!(await readdir(dir)).includes('store.lock'), 'a failed start releases the folder');
  });

  it('compacts in the background: every document is kept, the folded journals are deleted', async () => {
    const logged: Logged[] = [];
    const server = await start({ log: recordingLogger(logged), journalBytes: 8 * 1024 });
    const { container: c } = await container(server);
    const expected: Record<string, Record<string, unknown>> = {};
    for (let round = 0; round < 6; round++) {
      await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const id = `doc-${i}`;
          const doc = { id, pk: `p${i % 7}`, round, filler: 'x'.repeat(100) };
          await c.items.upsert(doc);
          expected[id] = doc;
        }),
      );
      await c.item(`doc-${round}`, `p${round % 7}`).delete();
      delete expected[`doc-${round}`];
    }
    for (let i = 0; i < 100 && !logged.some((l) => l.event === 'store.compacted'); i++) await new Promise((r) => setTimeout(r, 20));
    const compacted = logged.find((l) => l.event === 'store.compacted');
    assert.ok(compacted, 'a compaction ran');
    assert.deepEqual(await allDocs(c), expected, 'writes went on while it ran');
    await server.close();

    const files = await readdir(dir);
    const snapshots = files.filter((n) => n.startsWith('snapshot-'));
    assert.equal(snapshots.length, 1);
    const folded = Number(/snapshot-(\d+)/.exec(snapshots[0])![1]);
    for (const journal of await journals(dir)) assert.ok(Number(/journal-(\d+)/.exec(journal)![1]) > folded, `${journal} was folded and deleted`);
    assert.ok(!files.some((n) => n.endsWith('.tmp')));

    // As if the process died after the new snapshot was in place but before the folded
    // journals were deleted: a leftover is deleted, never replayed over the newer snapshot.
    const line = (value: unknown) => `${crc32(JSON.stringify(value)).toString(16).padStart(8, '0')} ${JSON.stringify(value)}\n`;
    await writeFile(
      join(dir, 'journal-000000000001.jsonl'),
      line({ format: 'samrad-cosmos-journal', version: 1, generation: 1 }) + line({ op: 'put', db: 'db', coll: 'items', doc: { id: 'doc-0', pk: 'p0', round: -1 } }),
    );
    const again = await start();
    assert.deepEqual(await allDocs((await container(again)).container), expected);
    assert.ok(!(await journals(dir)).includes('journal-000000000001.jsonl'));
  });

  it('scopes a query with a partition key to that partition; a cross-partition query sees all', async () => {
    const server = await startEmbeddedCosmos();
    open.push(server);
    const { container: c } = await container(server, 'scoped', '/tenant');
    for (const [id, tenant] of [['a1', 'alpha'], ['a2', 'alpha'], ['b1', 'beta'], ['n1', 7], ['s1', '7'], ['ö1', 'ö']] as const) {
      await c.items.create({ id, tenant, kind: 'x' });
    }
    await c.items.create({ id: 'none', kind: 'x' });
    const ids = async (partitionKey?: string | number) =>
      (await c.items.query<{ id: string }>('SELECT c.id FROM c WHERE c.kind = "x"', partitionKey === undefined ? {} : { partitionKey }).fetchAll()).resources
        .map((r) => r.id)
        .sort();
    assert.deepEqual(await ids('alpha'), ['a1', 'a2']);
    assert.deepEqual(await ids('beta'), ['b1']);
    assert.deepEqual(await ids(7), ['n1'], 'the number 7 and the string "7" are different partitions');
    assert.deepEqual(await ids('7'), ['s1']);
    assert.deepEqual(await ids('ö'), ['ö1']);
    assert.deepEqual(await ids('nobody'), []);
    assert.deepEqual(await ids(), ['a1', 'a2', 'b1', 'none', 'n1', 's1', 'ö1'].sort());
    const top = await c.items.query({ query: 'SELECT TOP 1 c.id FROM c ORDER BY c.id DESC' }, { partitionKey: 'alpha' }).fetchAll();
    assert.deepEqual(top.resources, [{ id: 'a2' }]);
    // The index follows replaces and deletes.
    const a1 = await c.item('a1', 'alpha').read();
    await c.item('a1', 'alpha').replace({ ...a1.resource!, kind: 'y' });
    await c.item('a2', 'alpha').delete();
    assert.deepEqual(await ids('alpha'), []);
    const count = await c.items.query('SELECT VALUE COUNT(1) FROM c', { partitionKey: 'alpha' }).fetchAll();
    assert.deepEqual(count.resources, [1]);
  });

  it('works with the SDK: create, read, replace and delete with IfMatch, query, conflicts', async () => {
    const server = await startEmbeddedCosmos();
    open.push(server);
    const { container: c } = await container(server);
    const created = await c.items.create({ id: 'k', pk: 'p', v: 1 });
    assert.equal(created.statusCode, 201);
    await assert.rejects(c.items.create({ id: 'k', pk: 'p' }), (err: { code?: number }) => err.code === 409);
    const read = await c.item('k', 'p').read();
    assert.equal(read.etag, created.etag);
    assert.equal(read.resource.v, 1);
    const replaced = await c.item('k', 'p').replace({ id: 'k', pk: 'p', v: 2 }, { accessCondition: { type: 'IfMatch', condition: created.etag } });
    assert.notEqual(replaced.etag, created.etag);
    await assert.rejects(
      c.item('k', 'p').replace({ id: 'k', pk: 'p', v: 3 }, { accessCondition: { type: 'IfMatch', condition: created.etag } }),
      (err: { code?: number }) => err.code === 412,
    );
    await assert.rejects(c.item('k', 'p').delete({ accessCondition: { type: 'IfMatch', condition: created.etag } }), (err: { code?: number }) => err.code === 412);
    const { resources } = await c.items.query({ query: 'SELECT * FROM c WHERE c.v = @v', parameters: [{ name: '@v', value: 2 }] }).fetchAll();
    assert.deepEqual(resources.map((r) => r.id), ['k']);
    await c.item('k', 'p').delete({ accessCondition: { type: 'IfMatch', condition: replaced.etag } });
    const gone = await c.item('k', 'p').read();
    assert.equal(gone.statusCode, 404);
  });

  it("answers as the package's own server does: statuses, headers and bodies", async () => {
    const ours = await startEmbeddedCosmos();
    open.push(ours);
    // With its `keepAlive` option on, as Samråd's front answers (a connection kept for the next request).
    const theirs = createHttpServer({ keepAlive: true });
    // The package prints the errors behind its 500s; both servers answer them alike.
    const printError = console.error;
    console.error = () => {};
    await new Promise<void>((resolve) => theirs.listen(0, '127.0.0.1', () => resolve()));
    try {
      const base = { ours: ours.endpoint, theirs: `http://127.0.0.1:${(theirs.address() as AddressInfo).port}` };
      const etags = { ours: [] as string[], theirs: [] as string[] };
      const json = { 'content-type': 'application/json' };
      const pk = (value: string) => ({ 'x-ms-documentdb-partitionkey': JSON.stringify([value]) });
      const query = { 'content-type': 'application/query+json', 'x-ms-documentdb-isquery': 'true', 'x-ms-documentdb-query-enablecrosspartition': 'true' };
      const steps: Array<{ method: string; path: string; headers?: Record<string, string>; body?: unknown; ifMatch?: number }> = [
        { method: 'GET', path: '/' },
        { method: 'POST', path: '/dbs', headers: json, body: { id: 'd' } },
        { method: 'POST', path: '/dbs', headers: json, body: { id: 'd' } },
        { method: 'POST', path: '/dbs/d/colls', headers: json, body: { id: 'c', partitionKey: { paths: ['/pk'], kind: 'Hash' } } },
        { method: 'GET', path: '/dbs/d/colls/c' },
        { method: 'POST', path: '/dbs/d/colls/c/docs', headers: { ...json, ...pk('p') }, body: { id: 'a', pk: 'p', n: 1 } },
        { method: 'POST', path: '/dbs/d/colls/c/docs', headers: { ...json, ...pk('p') }, body: { id: 'a', pk: 'p', n: 1 } },
        { method: 'GET', path: '/dbs/d/colls/c/docs/a', headers: pk('p') },
        { method: 'GET', path: '/dbs/d/colls/c/docs/missing', headers: pk('missing') },
        { method: 'PUT', path: '/dbs/d/colls/c/docs/a', headers: { ...json, ...pk('p'), 'if-match': 'stale' }, body: { id: 'a', pk: 'p', n: 2 } },
        { method: 'PUT', path: '/dbs/d/colls/c/docs/a', headers: { ...json, ...pk('p') }, body: { id: 'a', pk: 'p', n: 2 }, ifMatch: 5 },
        { method: 'PATCH', path: '/dbs/d/colls/c/docs/a', headers: { ...json, ...pk('p') }, body: [{ op: 'incr', path: '/n', value: 1 }] },
        { method: 'POST', path: '/dbs/d/colls/c/docs', headers: { ...json, ...pk('p'), 'x-ms-documentdb-is-upsert': 'true' }, body: { id: 'b', pk: 'p' } },
        { method: 'POST', path: '/dbs/d/colls/c/docs', headers: query, body: { query: 'SELECT c.id, c.n FROM c ORDER BY c.id', parameters: [] } },
        { method: 'POST', path: '/dbs/d/colls/c/docs', headers: { ...query, 'x-ms-max-item-count': '1' }, body: { query: 'SELECT c.id FROM c' } },
        { method: 'POST', path: '/dbs/d/colls/c/docs', headers: query, body: { query: 'SELEKT nonsense' } },
        { method: 'GET', path: '/dbs/d/colls/c/docs' },
        { method: 'GET', path: '/dbs/d/colls/c/pkranges' },
        { method: 'DELETE', path: '/dbs/d/colls/c/docs/a', headers: { ...pk('p'), 'if-match': 'stale' } },
        { method: 'DELETE', path: '/dbs/d/colls/c/docs/a', headers: pk('p') },
        { method: 'DELETE', path: '/dbs/d/colls/c/docs/a', headers: pk('p') },
        { method: 'GET', path: '/not/a/route' },
      ];
      const normalise = (value: unknown, port: string): unknown =>
        JSON.parse(
          JSON.stringify(value ?? null)
            .replaceAll(port, 'PORT')
            .replace(/"_etag":"[^"]*"/g, '"_etag":"E"')
            .replace(/"_ts":\d+/g, '"_ts":0'),
        );
      for (const [i, step] of steps.entries()) {
        const answers = await Promise.all(
          (['ours', 'theirs'] as const).map(async (who) => {
            const headers: Record<string, string> = { ...step.headers };
            if (step.ifMatch !== undefined) headers['if-match'] = etags[who][step.ifMatch];
            const res = await fetch(`${base[who]}${step.path}`, { method: step.method, headers, body: step.body === undefined ? undefined : JSON.stringify(step.body) });
            const text = await res.text();
            const body = text ? JSON.parse(text) : undefined;
            etags[who][i] = res.headers.get('etag') ?? '';
            const port = new URL(base[who]).port;
            const shown = [...res.headers.keys()].filter((h) => !['date', 'x-ms-activity-id', 'keep-alive', 'transfer-encoding', 'content-length'].includes(h)).sort();
            const values = Object.fromEntries(shown.filter((h) => h !== 'etag').map((h) => [h, String(res.headers.get(h)).replaceAll(port, 'PORT')]));
            return { status: res.status, headers: shown, values, body: normalise(body, port), activity: res.headers.get('x-ms-activity-id') };
          }),
        );
        const [a, b] = answers;
        assert.ok(a.activity && b.activity);
        assert.deepEqual({ ...a, activity: '' }, { ...b, activity: '' }, `step ${i}: ${step.method} ${step.path}`);
      }
    } finally {
      console.error = printError;
      theirs.close();
    }
  });

  it('refuses a second store on the same data folder while the first runs', async () => {
    await start();
    await assert.rejects(startEmbeddedCosmos({ dataDir: dir }), /in use by process/);
  });

  it('runs as a process of its own: one JSON line when listening, a clean stop on SIGTERM', async function () {
    this.timeout(30_000);
    const run = async () => {
      const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/store.ts', '--port', '0', '--data', dir], {
        cwd: ROOT,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NODE_NO_WARNINGS: '1' },
      });
      const lines: string[] = [];
      const reader = createInterface({ input: child.stdout! });
      const first = await new Promise<string>((resolve, reject) => {
        reader.on('line', (line) => {
          lines.push(line);
          if (lines.length === 1) resolve(line);
        });
        child.once('exit', (code) => reject(new Error(`the store exited with ${code}`)));
      });
      const stop = async () => {
        const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
        process.kill(-child.pid!, 'SIGTERM');
        return { code: await exited, lines };
      };
      return { listening: JSON.parse(first) as Record<string, string>, raw: first, stop };
    };

    const one = await run();
    assert.deepEqual(Object.keys(one.listening), ['event', 'endpoint', 'key']);
    assert.equal(one.listening.event, 'store.listening');
    assert.match(one.listening.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(one.raw, JSON.stringify(one.listening));
    const { database } = await client(one.listening as { endpoint: string; key: string }).databases.createIfNotExists({ id: 'shared' });
    const { container: c } = await database.containers.createIfNotExists({ id: 'c', partitionKey: { paths: ['/pk'] } });
    await c.items.create({ id: 'from-a-client', pk: 'p' });
    const stopped = await one.stop();
    assert.equal(stopped.code, 0);
    assert.equal(stopped.lines.length, 1, 'exactly one line on stdout');
    assert.ok(!(await readdir(dir)).includes('store.lock'));

    const two = await run();
    const again = client(two.listening as { endpoint: string; key: string }).database('shared').container('c');
    assert.equal((await again.item('from-a-client', 'p').read()).resource?.id, 'from-a-client');
    assert.equal((await two.stop()).code, 0);
  });
});
