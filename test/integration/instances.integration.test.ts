import assert from 'node:assert/strict';
import type { Logger } from '../../bot/log';
import { CosmosDocumentStore, cosmosClient, openContainers } from '../../bot/store/cosmos-store';
import { startEmbeddedCosmos, type EmbeddedCosmos } from '../../bot/store/embedded';
import { INSTANCES_BUCKET, InstanceRegistry, type InstanceBeat } from '../../bot/store/instances';
import type { DocumentStore, NamedQuery } from '../../bot/store/port';
import { until as waitUntil } from '../support/until';

/** A log that remembers events with their fields. */
function memoryLog(): Logger & { events: { event: string; fields: Record<string, unknown> }[] } {
  const events: { event: string; fields: Record<string, unknown> }[] = [];
  const push = (event: string, fields: Record<string, unknown> = {}) => void events.push({ event, fields });
  return { events, info: push, warn: push, error: push };
}

/** The store as seen through a switch that can make it unreachable, counting what is asked of it. */
function switchable(store: DocumentStore<InstanceBeat>) {
  const state = { down: false, asked: [] as string[], queries: [] as NamedQuery<InstanceBeat>[] };
  const guard = <A extends unknown[], R>(name: string, fn: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    state.asked.push(name);
    if (state.down) throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'StoreUnreachable' });
    return fn(...args);
  };
  const view: DocumentStore<InstanceBeat> = {
    read: guard('read', (p, id) => store.read(p, id)),
    create: guard('create', (doc) => store.create(doc)),
    replace: guard('replace', (doc, etag) => store.replace(doc, etag)),
    delete: guard('delete', (p, id, etag) => store.delete(p, id, etag)),
    query: guard('query', (q) => {
      state.queries.push(q);
      return store.query(q);
    }) as DocumentStore<InstanceBeat>['query'],
  };
  return { state, view };
}

const until = (check: () => boolean, what: string, timeoutMs = 8000) => waitUntil(check, what, timeoutMs, 10);

describe('the instances registry (bot/store/instances.ts) against the embedded Cosmos server', () => {
  let server: EmbeddedCosmos;
  let store: DocumentStore<InstanceBeat>;
  let database = 0;
  const registries: InstanceRegistry[] = [];

  before(async () => {
    server = await startEmbeddedCosmos();
  });
  after(async () => server.close());

  beforeEach(async () => {
    const containers = await openContainers(cosmosClient({ endpoint: server.endpoint, key: server.key, database: 'x' }), `instances-${++database}`);
    store = new CosmosDocumentStore<InstanceBeat>(containers.jobs, 'jobs');
  });
  afterEach(async () => {
    await Promise.all(registries.splice(0).map((r) => r.stop()));
  });

  /** A registry on the test's store (or `on`), beating only when the test says so unless started. */
  function registry(id: string, options: { clock?: () => number; periodMs?: number; log?: Logger; on?: DocumentStore<InstanceBeat> } = {}): InstanceRegistry {
    const r = new InstanceRegistry(options.on ?? store, id, { periodMs: options.periodMs ?? 2000, clock: options.clock, log: options.log ?? memoryLog() });
    registries.push(r);
    return r;
  }

  it('two instances count each other; when one stops cleanly its heartbeat is removed and the other counts 1 at its next beat', async () => {
    const a = registry('instance-a');
    const b = registry('instance-b');
    assert.equal(a.live(), 1, 'alone until it has heard otherwise');
    await a.beat();
    assert.equal(await b.beat(), 2);
    assert.equal(await a.beat(), 2);
    const beat = (await store.read(INSTANCES_BUCKET, 'instance-b'))!.doc;
    assert.equal(beat.type, 'instance');
    assert.ok(beat.type === 'instance' && beat.ttl >= 6, 'a heartbeat carries a ttl, so a dead instance\'s vanishes');
    await b.stop();
    assert.equal(await store.read(INSTANCES_BUCKET, 'instance-b'), undefined, 'removed on a clean stop');
    assert.equal(a.live(), 2, 'until its next beat');
    assert.equal(await a.beat(), 1);
  });

  it('counts an instance that died without stopping out once its heartbeat is three periods old', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z');
    const clock = () => now;
    const a = registry('instance-a', { clock });
    const killed = registry('instance-killed', { clock });
    await killed.beat();
    assert.equal(await a.beat(), 2);
    now += 2 * 2000;
    assert.equal(await a.beat(), 2, 'two periods without a beat: still counted');
    now += 2000 + 1;
    assert.equal(await a.beat(), 1, 'more than three periods: counted out');
  });

  it('asks one query per beat, in the instances\' own partition, and writes its heartbeat with one request once it exists', async () => {
    const { state, view } = switchable(store);
    const a = registry('instance-a', { on: view });
    await a.beat();
    state.asked.length = 0;
    state.queries.length = 0;
    await a.beat();
    await a.beat();
    assert.deepEqual(state.asked, ['replace', 'query', 'replace', 'query']);
    assert.ok(state.queries.every((q) => q.name === 'instances.live' && q.partition === INSTANCES_BUCKET));
  });

  it('keeps the last count while the store cannot be reached, and counts itself even when the store does not show it', async () => {
    const { state, view } = switchable(store);
    const log = memoryLog();
    const a = registry('instance-a', { on: view, log });
    await registry('instance-b').beat();
    await registry('instance-c').beat();
    assert.equal(await a.beat(), 3);
    state.down = true;
    assert.equal(await a.beat(), 3, 'the last count, not 1');
    assert.ok(log.events.some((e) => e.event === 'instances.beatFailed' && e.fields.keeping === 3));
    state.down = false;
    assert.equal(await a.beat(), 3);

    // A store that answers the query without this instance's own heartbeat (the write lost on the way, say) still counts it.
    const hidden: DocumentStore<InstanceBeat> = { ...view, query: (async () => []) as DocumentStore<InstanceBeat>['query'] };
    assert.equal(await registry('instance-d', { on: hidden }).beat(), 1, 'never fewer than one: this instance');
  });

  it('started, beats on its own: two see 2, one stops and the other sees 1 after it is gone', async () => {
    const logA = memoryLog();
    const a = registry('instance-a', { periodMs: 50, log: logA });
    const b = registry('instance-b', { periodMs: 50 });
    await a.start();
    await b.start();
    assert.equal(b.live(), 2, 'the second counts the first at its start, before it would send anything');
    await until(() => a.live() === 2, 'the first counts the second');
    assert.ok(logA.events.some((e) => e.event === 'instances.live' && e.fields.count === 2), 'a change of the count is logged');
    await b.stop();
    await until(() => a.live() === 1, 'the first counts the second out');
    assert.ok(logA.events.some((e) => e.event === 'instances.live' && e.fields.count === 1));
  });
});
