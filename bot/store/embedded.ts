/**
 * The embedded Cosmos-compatible store of local mode: @vercel/cosmosdb-server's in-memory
 * account behind Samråd's own HTTP front, made durable by a journal and snapshots.
 *
 * Durability. Every committed change (a document created, replaced, upserted, patched or
 * deleted; a database or container created, replaced or deleted) becomes one journal line,
 * appended in the order the changes were made. A response is sent only once the journal is on
 * disk (write + fdatasync) up to the last line appended when that request's handler finished;
 * a read of one document or one partition waits only for the lines changing that document or
 * partition (and any database or container), which it knows from a list of the changes not yet
 * on disk. So no answer, of a write or a read, ever shows a state a crash could take back. Concurrent
 * requests share one fdatasync (group commit): lines appended while one sync runs are written
 * by the next. A write costs one line of its own document, whatever the size of the database.
 *
 * Files in the data folder:
 *   journal-<generation>.jsonl   changes since the snapshot; a new one at every start and
 *                                whenever the current one outgrows the compaction threshold
 *   snapshot-<generation>.jsonl  the whole database as of the end of that journal generation
 *   store.lock                   the pid of the process using the folder
 * Each line is `<crc32 of the JSON, 8 hex digits> <JSON>\n`; the first line of a file names
 * its format. A start loads the newest snapshot and replays the journals after it in order.
 * A journal's last line may be torn (the process died while appending it; it was never
 * acknowledged): it is ignored with a warning. A bad line anywhere else stops the start with
 * an error naming the file. Nothing is ever appended after a torn line, since each start
 * writes a new journal.
 *
 * Compaction folds the snapshot and the sealed journals into a new snapshot (temporary file,
 * fdatasync, rename, directory fsync), then deletes what it folded. It runs in the
 * background, reading and writing in small steps, and never holds up a write; it starts when
 * the sealed journals reach the size of the last snapshot (at least `journalBytes`), so its
 * cost per journalled byte stays constant, or when MAX_SEALED_JOURNALS of them have piled up.
 *
 * Queries: with the partition key header the client sends for `{ partitionKey }` (the SDK
 * sends `x-ms-documentdb-partitionkey: ["value"]`), only that logical partition's documents
 * are considered, found through a per-partition index, as Cosmos DB does.
 *
 * Time to live, as Cosmos DB for NoSQL does it (Microsoft Learn, "Time to Live (TTL) in Azure
 * Cosmos DB", learn.microsoft.com/azure/cosmos-db/time-to-live; and `DefaultTimeToLive` of
 * ContainerProperties): a container's `defaultTtl` absent or null turns TTL off (a document's
 * `ttl` has no effect); -1 turns it on with no default; n > 0 makes a document without its own
 * `ttl` expire n seconds after its last write. A document's `ttl` (-1: never; n > 0: n seconds)
 * overrides the default; it counts from the document's `_ts`, the second of its last write, so
 * a rewrite starts it again. An expired document is never shown, even before the background
 * task deletes it: a point read, replace, patch or delete answers 404, queries and the feed
 * leave it out, and a document with its id can be created. The purge here deletes expired
 * documents in small steps between requests (journalled like any delete), found through an
 * index of expiry times kept on every write: a min-heap with one current entry per document.
 * Deviations: a `ttl` that is not -1 or a positive integer is treated as absent (the docs
 * allow no other value, and a null `ttl` is "not supported"), and `COUNT` leaves expired
 * documents out (Cosmos DB has been seen to count them until they are purged,
 * azure-cosmos-dotnet-v3#4494). The `_ts` of documents and their expiry follow the `now`
 * option (milliseconds), so tests with a fixed clock expire documents by moving it.
 *
 * Pinned internals of @vercel/cosmosdb-server 1.0.1 (lib/, checked at start): `account`
 * (Account, with databases/collections/documents as `Items`: create, replace, upsert,
 * delete, query, read, _set, _item, _getId, _getPartition, _data, _uniqueKeyPaths; a
 * document's `_ts` set before `_set`), `routes` (request → [params, handler]), the handlers
 * `query-documents`, `patch-document` and `read-document` (by identity), and the response framing of
 * lib/index.js, repeated in `EmbeddedFront.respond` header for header.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import type { CosmosClientOptions } from '@azure/cosmos';
import Account from '@vercel/cosmosdb-server/lib/account';
import routes from '@vercel/cosmosdb-server/lib/routes';
import patchDocument from '@vercel/cosmosdb-server/lib/handler/patch-document';
import queryDocuments from '@vercel/cosmosdb-server/lib/handler/query-documents';
import readDocument from '@vercel/cosmosdb-server/lib/handler/read-document';
import type { Logger } from '../log';

/** The key the embedded server is reached with; it checks none, and it never leaves loopback. */
export const EMBEDDED_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

/** The @vercel/cosmosdb-server version whose internals this module was written against. */
export const PINNED_SERVER_VERSION = '1.0.1';

/** A running embedded Cosmos-compatible server. */
export interface EmbeddedCosmos {
  endpoint: string;
  key: string;
  /**
   * For the Cosmos client in this same process (`CosmosClientOptions.httpClient`): each request is
   * answered by the same front as a request over loopback (routes, scopes, the journal synced before
   * the answer), handed over in memory instead of through a socket and two HTTP parsers.
   */
  httpClient: HttpClient;
  /** Answers what is in flight, makes the journal durable, and stops. */
  close(): Promise<void>;
}

type HttpClient = NonNullable<CosmosClientOptions['httpClient']>;

export interface EmbeddedCosmosOptions {
  /** 0 or absent: any free port. Always on 127.0.0.1. */
  port?: number;
  /** Keeps the data in this folder (journal and snapshots); absent: memory only. */
  dataDir?: string;
  log?: Logger;
  /** The least journal size that triggers a compaction (default 4 MiB). */
  journalBytes?: number;
  /**
   * The clock (milliseconds since 1970) for the `_ts` stamped on every document written and for
   * time-to-live expiry; absent: the real clock. Tests with a fixed clock move it to expire documents.
   */
  now?: () => number;
}

const DEFAULT_JOURNAL_BYTES = 4 * 1024 * 1024;
/** How often the purge looks for expired documents while any document can expire. */
const PURGE_INTERVAL_MS = 200;
/** Index entries one purge step looks at before it lets requests run again. */
const PURGE_STEP = 64;
/** The largest time to live Cosmos DB accepts, in seconds. */
const MAX_TTL = 2147483647;
/** Sealed journals (one per start, one per rotation) that trigger a compaction whatever their size. */
const MAX_SEALED_JOURNALS = 8;
const LOCK_FILE = 'store.lock';
const JOURNAL_FORMAT = 'samrad-cosmos-journal';
const SNAPSHOT_FORMAT = 'samrad-cosmos-snapshot';
const FORMAT_VERSION = 1;
const JOURNAL_NAME = /^journal-(\d{12})\.jsonl$/;
const SNAPSHOT_NAME = /^snapshot-(\d{12})\.jsonl$/;
/** Fields the server derives; a resource's own fields are everything else. */
const SERVER_FIELDS = ['_rid', '_self', '_etag', '_ts'];
/** Derived from where a document is stored; its ETag and timestamp are kept across restarts. */
const PLACEMENT_FIELDS = ['_rid', '_self'];

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * Starts the embedded server on loopback. With `dataDir`, every acknowledged change survives
 * a crash of the process; without it, the data lives in memory only (for tests).
 */
export async function startEmbeddedCosmos(options: EmbeddedCosmosOptions = {}): Promise<EmbeddedCosmos> {
  const log = options.log ?? quiet;
  checkServerVersion(log);
  let front: EmbeddedFront | undefined;
  const early: Array<() => void> = [];
  const server = createServer({}, (req, res) => {
    if (front) front.handle(req, res);
    else early.push(() => front!.handle(req, res));
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  const { address, port } = server.address() as AddressInfo;
  const model = new EmbeddedAccount(address, port, { clock: options.now, expiry: log });
  let store: DataFolder | undefined;
  try {
    if (options.dataDir) {
      store = await DataFolder.open(resolve(options.dataDir), model, log, {
        journalBytes: options.journalBytes ?? DEFAULT_JOURNAL_BYTES,
      });
    }
  } catch (err) {
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
    throw err;
  }
  front = new EmbeddedFront(model, store, log);
  model.startExpiry();
  for (const pending of early.splice(0)) pending();
  let closing: Promise<void> | undefined;
  const close = async () => {
    model.stopExpiry();
    await front!.close(server);
    await store?.close();
  };
  // The front is up from here on.
  const handle = (req: IncomingMessage, res: ServerResponse) => front!.handle(req, res);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    key: EMBEDDED_KEY,
    httpClient: inProcessClient(handle, `127.0.0.1:${port}`),
    close: () => (closing ??= close()),
  };
}

/**
 * A Cosmos client transport that hands each request to `handle` as an IncomingMessage-like stream
 * (method, path, lower-case headers, the body) and takes its answer from a ServerResponse-like
 * object (status, headers, the body given to `end`), which is all the front and the package's
 * handlers use of them.
 */
function inProcessClient(handle: (req: IncomingMessage, res: ServerResponse) => void, host: string): HttpClient {
  return {
    sendRequest(request) {
      const body = request.body;
      if (body !== undefined && body !== null && typeof body !== 'string' && !Buffer.isBuffer(body)) {
        return Promise.reject(new Error('the embedded store takes string or Buffer bodies only'));
      }
      const url = new URL(request.url);
      const headers: Record<string, string> = { ...request.headers.toJSON(), host };
      const req = Object.assign(Readable.from(body === undefined || body === null ? [] : [Buffer.from(body)]), {
        method: request.method,
        url: `${url.pathname}${url.search}`,
        headers,
      }) as unknown as IncomingMessage;
      return new Promise((answered) => {
        const res = new InProcessResponse((status, answer, text) => answered({ request, status, headers: new AnswerHeaders(answer), bodyAsText: text }));
        handle(req, res as unknown as ServerResponse);
      });
    },
  };
}

/** The ServerResponse of an in-process request: the front and the handlers set a status and headers, and end it with the body. */
class InProcessResponse {
  statusCode = 200;
  writableEnded = false;
  private readonly headers: Record<string, string> = {};

  constructor(private readonly done: (status: number, headers: Record<string, string>, body: string) => void) {}

  setHeader(name: string, value: string | number | readonly string[]): this {
    this.headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    return this;
  }

  getHeader(name: string): string | undefined {
    return this.headers[name.toLowerCase()];
  }

  get finished(): boolean {
    return this.writableEnded;
  }

  end(body?: string | Buffer): this {
    if (this.writableEnded) return this;
    this.writableEnded = true;
    this.done(this.statusCode, this.headers, body === undefined ? '' : String(body));
    return this;
  }
}

/** The headers of an in-process answer, as the Cosmos client reads them (core-rest-pipeline's HttpHeaders). */
class AnswerHeaders {
  constructor(private readonly map: Record<string, string>) {}
  get(name: string): string | undefined {
    return this.map[name.toLowerCase()];
  }
  has(name: string): boolean {
    return name.toLowerCase() in this.map;
  }
  set(name: string, value: string | number | boolean): void {
    this.map[name.toLowerCase()] = String(value);
  }
  delete(name: string): void {
    delete this.map[name.toLowerCase()];
  }
  toJSON(): Record<string, string> {
    return { ...this.map };
  }
  *[Symbol.iterator](): IterableIterator<[string, string]> {
    yield* Object.entries(this.map);
  }
}

function checkServerVersion(log: Logger): void {
  try {
    const { version } = require('@vercel/cosmosdb-server/package.json') as { version: string };
    if (version !== PINNED_SERVER_VERSION) log.warn('store.untestedServerVersion', { version, pinned: PINNED_SERVER_VERSION });
  } catch {
    /* the version is advisory */
  }
}

// ---------------------------------------------------------------------------------------------
// The package's account, watched: every change becomes a record, documents are indexed by
// logical partition, and queries can be scoped to one partition.
// ---------------------------------------------------------------------------------------------

/** A resource as the package stores it: its own fields plus _rid, _self, _etag and _ts. */
type Resource = { id: string; _rid: string; _etag?: string; _ts?: number } & Record<string, unknown>;
interface Stored {
  read(): Resource | undefined;
}
/** The part of the package's `Items` (lib/account/items.js) this module relies on. */
interface Items<T extends Stored = Stored> {
  _data: Map<string, T>;
  create(data: Record<string, unknown>): Resource;
  replace(data: Record<string, unknown>, original: Resource): Resource;
  upsert(data: Record<string, unknown>): Resource;
  delete(idOrRid: string, partition: unknown): void;
  query(params: unknown, options: unknown): unknown;
  read(options?: unknown): unknown;
  _set(data: Resource): Resource;
  _item(keyPath: string, value: unknown, partition: unknown): T;
  _getId(keyPath: string, id: unknown, partition: unknown): string;
  _getPartition(data: Record<string, unknown>): unknown;
  /** `/id` and the container's unique keys, each unique within a logical partition. */
  _uniqueKeyPaths: string[];
}
interface CollectionObject extends Stored {
  documents: Items;
}
interface DatabaseObject extends Stored {
  collections: Items<CollectionObject>;
  collection(id: string): CollectionObject;
}
interface AccountObject extends Stored {
  databases: Items<DatabaseObject>;
  database(id: string): DatabaseObject;
}
type Handler = (account: AccountObject, req: IncomingMessage, res: ServerResponse, params: Record<string, string>) => unknown;
const route = routes as unknown as (req: IncomingMessage) => [Record<string, string>, Handler] | undefined;

/** One change, as journalled and as replayed. */
type ChangeRecord =
  | { op: 'db'; body: Record<string, unknown> }
  | { op: 'dropDb'; id: string }
  /** A container created or replaced: either way the package starts it empty. */
  | { op: 'coll'; db: string; body: Record<string, unknown> }
  | { op: 'dropColl'; db: string; id: string }
  | { op: 'put'; db: string; coll: string; doc: Record<string, unknown> }
  | { op: 'del'; db: string; coll: string; id: string; pk?: unknown }
  /** Records that hold together: replayed all or none (one line). */
  | { op: 'batch'; records: ChangeRecord[] };

/** Which documents a query considers: one logical partition, or none at all. */
type QueryScope = { partition: string } | { nothing: true };
const queryScope = new AsyncLocalStorage<QueryScope>();
const NO_DOCUMENTS = new Map<string, Stored>();
const NONE_PARTITION = '\u0000none';

/** What a lookup finds where an expired document is: nothing. */
const GONE: Stored = { read: () => undefined };

/** True for a time to live Cosmos DB accepts: -1 (never) or 1 to 2147483647 seconds. */
function validTtl(value: unknown): value is number {
  return value === -1 || (typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= MAX_TTL);
}

/**
 * The second (Unix time) from which a document is expired, or undefined when it never expires:
 * TTL off in its container (`defaultTtl` absent or null), or -1 in effect. Its own `ttl` wins
 * over the container's `defaultTtl`, counted from its last write (`_ts`).
 */
function expiresAt(doc: Resource, defaultTtl: unknown): number | undefined {
  if (!validTtl(defaultTtl)) return undefined;
  const ttl = validTtl(doc.ttl) ? doc.ttl : defaultTtl;
  if (ttl === -1 || typeof doc._ts !== 'number') return undefined;
  return doc._ts + ttl;
}

/** A container's part in the expiry index. */
interface ExpiringContainer {
  /** Its documents in the index; 0: none of them can expire, and nothing needs checking. */
  indexed: number;
  /** Deletes the document with this `_rid` if it is still there and expired; true if it did. */
  purge(rid: string): boolean;
}

interface ExpiryEntry {
  /** The second from which the document is expired. */
  at: number;
  rid: string;
  container: ExpiringContainer;
}

/**
 * When each document that can expire does so, as of its last write: one current entry per
 * document (by `_rid`, unique in the account) and a min-heap by time. A rewrite or delete makes
 * the heap's older entry stale (skipped when it comes up); the heap is rebuilt from the current
 * entries when stale ones outnumber them, so every write costs O(log n). The purge runs on a
 * timer while there is anything in the heap, looks at PURGE_STEP entries at most per step and
 * yields to requests between steps.
 */
class ExpiryIndex {
  private heap: ExpiryEntry[] = [];
  private readonly current = new Map<string, ExpiryEntry>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  onPurged: () => void = () => {};

  constructor(
    private readonly clock: () => number,
    private readonly log: Logger,
  ) {}

  set(rid: string, at: number, container: ExpiringContainer): void {
    this.remove(rid);
    const entry: ExpiryEntry = { at, rid, container };
    this.current.set(rid, entry);
    container.indexed += 1;
    heapPush(this.heap, entry);
    if (this.heap.length > 2 * this.current.size + 1024) this.rebuild();
    this.schedule(PURGE_INTERVAL_MS);
  }

  remove(rid: string): void {
    const entry = this.current.get(rid);
    if (!entry) return;
    this.current.delete(rid);
    entry.container.indexed -= 1;
  }

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delay: number): void {
    if (!this.running || this.timer || this.heap.length === 0) return;
    this.timer = setTimeout(() => this.step(), delay);
    this.timer.unref();
  }

  private step(): void {
    this.timer = undefined;
    if (!this.running) return;
    const now = this.clock() / 1000;
    let looked = 0;
    let purged = 0;
    while (this.heap.length > 0 && this.heap[0].at <= now && looked < PURGE_STEP) {
      const entry = heapPop(this.heap)!;
      looked += 1;
      if (this.current.get(entry.rid) !== entry) continue;
      this.remove(entry.rid);
      try {
        if (entry.container.purge(entry.rid)) purged += 1;
      } catch (err) {
        this.log.error('store.purgeFailed', { error: (err as Error).name });
      }
    }
    if (purged > 0) {
      this.log.info('store.expiredPurged', { documents: purged });
      this.onPurged();
    }
    const more = this.heap.length > 0 && this.heap[0].at <= now;
    this.schedule(more ? 0 : PURGE_INTERVAL_MS);
  }

  private rebuild(): void {
    this.heap = [];
    for (const entry of this.current.values()) heapPush(this.heap, entry);
  }
}

function heapPush(heap: ExpiryEntry[], entry: ExpiryEntry): void {
  let i = heap.push(entry) - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent].at <= entry.at) break;
    heap[i] = heap[parent];
    i = parent;
  }
  heap[i] = entry;
}

function heapPop(heap: ExpiryEntry[]): ExpiryEntry | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length === 0 || last === undefined) return top;
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= heap.length) break;
    const right = left + 1;
    const child = right < heap.length && heap[right].at < heap[left].at ? right : left;
    if (heap[child].at >= last.at) break;
    heap[i] = heap[child];
    i = child;
  }
  heap[i] = last;
  return top;
}

/** The index key of a partition key value; documents without one share the "none" partition. */
function partitionIndexKey(value: unknown): string {
  return value === undefined ? NONE_PARTITION : JSON.stringify(value);
}

/** A document, as the reads waiting for its changes name it: its database, container, partition (`partitionIndexKey`) and id. */
function documentKey(db: string, coll: string, partition: string, id: string): string {
  return `${db}\u0000${coll}\u0000${partition}\u0000${id}`;
}

/** A logical partition, as the queries waiting for its changes name it. */
function partitionKey(db: string, coll: string, partition: string): string {
  return `${db}\u0000${coll}\u0000${partition}`;
}

class EmbeddedAccount {
  readonly account: AccountObject;
  /** Off while replaying: replayed changes are on disk already. */
  recording = false;
  /** Receives each change to journal, in the order the changes happened. */
  onRecord: (record: ChangeRecord) => void = () => {};
  /** Hears, after its record, of every document a recorded change wrote or deleted: by `documentKey` and `partitionKey`. */
  onTouched: (document: string, partition: string) => void = () => {};
  /** Hears, after its record, of every recorded change of a database or a container. */
  onStructure: () => void = () => {};
  private readonly watched = new WeakSet<object>();
  private readonly clock: () => number;
  /** The expiry times of the documents that can expire; only on the live account. */
  private readonly expiry: ExpiryIndex | undefined;
  /** Expired documents are hidden: on the live account once loaded (a replay applies every change as it was). */
  private expiring = false;
  /** Above 0 while the store itself reads or removes an expired document. */
  private revealing = 0;
  /** The journalled ETag and timestamp of the document a replay is putting back. */
  private restoring: { etag?: string; ts?: number } | undefined;

  /** `expiry`: this is the live account, whose expired documents are purged (logging to it). */
  constructor(host: string, port: number, options: { clock?: () => number; expiry?: Logger } = {}) {
    this.account = new Account(host, port) as unknown as AccountObject;
    this.clock = options.clock ?? Date.now;
    this.expiry = options.expiry ? new ExpiryIndex(this.clock, options.expiry) : undefined;
    this.watchDatabases();
  }

  /** From now on expired documents are hidden, and purged in the background. */
  startExpiry(): void {
    if (!this.expiry) return;
    this.expiring = true;
    this.expiry.start();
  }

  /** Stops the purge (expired documents stay hidden). */
  stopExpiry(): void {
    this.expiry?.stop();
  }

  /** Hears when the purge removed documents (their deletes are journalled, not yet synced). */
  set onPurged(listener: () => void) {
    if (this.expiry) this.expiry.onPurged = listener;
  }

  /** Applies a journalled or snapshotted change. */
  apply(record: ChangeRecord): void {
    // Data folders that once imported pre-journal data still hold `imported` lines (journal or snapshot); they change nothing.
    if ((record as { op: unknown }).op === 'imported') return;
    switch (record.op) {
      case 'db': {
        const id = String(record.body.id);
        if (!this.account.database(id).read()) this.account.databases.create(record.body);
        return;
      }
      case 'dropDb':
        if (this.account.database(record.id).read()) this.account.databases.delete(record.id, record.id);
        return;
      case 'coll': {
        const database = this.database(record.db);
        const id = String(record.body.id);
        if (database.collection(id).read()) database.collections.delete(id, id);
        database.collections.create(record.body);
        return;
      }
      case 'dropColl': {
        const database = this.database(record.db);
        if (database.collection(record.id).read()) database.collections.delete(record.id, record.id);
        return;
      }
      case 'put': {
        const { _etag, _ts, ...fields } = record.doc;
        // Stored with the ETag and time the client saw (see the documents' `_set` in watchDocuments).
        this.restoring = { etag: typeof _etag === 'string' ? _etag : undefined, ts: typeof _ts === 'number' ? _ts : undefined };
        try {
          this.collection(record.db, record.coll).documents.upsert(fields);
        } finally {
          this.restoring = undefined;
        }
        return;
      }
      case 'del': {
        const documents = this.collection(record.db, record.coll).documents;
        if (documents._item('/id', record.id, record.pk).read()) documents.delete(record.id, record.pk);
        return;
      }
      case 'batch':
        for (const inner of record.records) this.apply(inner);
        return;
      default:
        throw new Error(`unknown change ${JSON.stringify((record as { op?: unknown }).op)}`);
    }
  }

  /** The whole state as records, in an order that replays to it. */
  *records(): Generator<ChangeRecord> {
    for (const database of this.account.databases._data.values()) {
      const db = database.read()!;
      yield { op: 'db', body: without(db, SERVER_FIELDS) };
      for (const collection of database.collections._data.values()) {
        const coll = collection.read()!;
        yield { op: 'coll', db: db.id, body: without(coll, SERVER_FIELDS) };
        for (const document of collection.documents._data.values()) {
          yield { op: 'put', db: db.id, coll: coll.id, doc: without(document.read()!, PLACEMENT_FIELDS) };
        }
      }
    }
  }

  documentCount(): number {
    let count = 0;
    for (const database of this.account.databases._data.values()) {
      for (const collection of database.collections._data.values()) count += collection.documents._data.size;
    }
    return count;
  }

  private database(id: string): DatabaseObject {
    const database = this.account.database(id);
    if (!database.read()) throw new Error(`a change names database "${id}", which does not exist`);
    return database;
  }

  private collection(db: string, id: string): CollectionObject {
    const collection = this.database(db).collection(id);
    if (!collection.read()) throw new Error(`a change names container "${db}/${id}", which does not exist`);
    return collection;
  }

  private record(record: ChangeRecord): void {
    if (!this.recording) return;
    this.onRecord(record);
    if (record.op !== 'put' && record.op !== 'del') this.onStructure();
  }

  private watchDatabases(): void {
    const databases = this.account.databases;
    watchItems(databases, {
      settled: (touched) => {
        for (const { id } of touched) {
          const database = this.account.database(id);
          const db = database.read();
          if (!db) {
            this.record({ op: 'dropDb', id });
            continue;
          }
          this.record({ op: 'db', body: without(db, SERVER_FIELDS) });
          this.watchCollections(id, database);
        }
      },
    }, this.watched);
  }

  private watchCollections(dbId: string, database: DatabaseObject): void {
    watchItems(database.collections, {
      settled: (touched) => {
        for (const { id } of touched) {
          const collection = database.collection(id);
          const coll = collection.read();
          if (!coll) {
            this.record({ op: 'dropColl', db: dbId, id });
            continue;
          }
          this.watchDocuments(dbId, id, collection);
          this.record({ op: 'coll', db: dbId, body: without(coll, SERVER_FIELDS) });
        }
      },
    }, this.watched);
  }

  private watchDocuments(dbId: string, collId: string, collection: CollectionObject): void {
    const documents = collection.documents;
    if (this.watched.has(documents)) return;
    const partitions = new Map<string, Map<string, Stored>>();
    const expiring: ExpiringContainer = {
      indexed: 0,
      purge: (rid) => this.purge(dbId, collId, collection, expiring, rid),
    };
    // Wrapped before watchItems wraps them, so what they do belongs to the same recorded change.
    const set = documents._set;
    documents._set = (data) => {
      const restoring = this.restoring;
      data._ts = restoring?.ts ?? Math.floor(this.clock() / 1000);
      if (restoring?.etag !== undefined) data._etag = restoring.etag;
      if (this.expiring && expiring.indexed > 0) this.evictExpired(collection, data);
      return set.call(documents, data);
    };
    // A document past its time to live is not there for the package's handlers (read, replace,
    // patch, delete, upsert, the unique-key check of create), only for the store itself.
    const item = documents._item;
    documents._item = (keyPath, value, partition) => {
      const found = item.call(documents, keyPath, value, partition);
      if (expiring.indexed === 0 || this.revealing > 0 || !this.expiring) return found;
      const doc = found.read();
      return doc && this.isExpired(doc, collection, this.clock()) ? GONE : found;
    };
    watchItems(documents, {
      put: (doc) => {
        const key = partitionIndexKey(documents._getPartition(doc));
        let partition = partitions.get(key);
        if (!partition) partitions.set(key, (partition = new Map()));
        partition.set(doc._rid, documents._data.get(doc._rid)!);
        if (this.expiry) {
          const at = expiresAt(doc, collection.read()?.defaultTtl);
          if (at === undefined) this.expiry.remove(doc._rid);
          else this.expiry.set(doc._rid, at, expiring);
        }
      },
      removed: (doc) => {
        const key = partitionIndexKey(documents._getPartition(doc));
        const partition = partitions.get(key);
        partition?.delete(doc._rid);
        if (partition?.size === 0) partitions.delete(key);
        this.expiry?.remove(doc._rid);
      },
      settled: (touched) => {
        for (const { id, partition } of touched) {
          const doc = this.reveal(() => documents._item('/id', id, partition).read());
          if (doc) this.record({ op: 'put', db: dbId, coll: collId, doc: without(doc, PLACEMENT_FIELDS) });
          else this.record({ op: 'del', db: dbId, coll: collId, id, ...(partition === undefined ? {} : { pk: partition }) });
          if (this.recording) {
            const pk = partitionIndexKey(partition);
            this.onTouched(documentKey(dbId, collId, pk, id), partitionKey(dbId, collId, pk));
          }
        }
      },
    }, this.watched);
    // A scoped query runs the package's own query over the partition's documents only; queries
    // and the feed leave out expired documents.
    const query = documents.query;
    documents.query = (params, options) => {
      const scope = queryScope.getStore();
      const all = documents._data;
      const subset = !scope ? all : 'nothing' in scope ? NO_DOCUMENTS : (partitions.get(scope.partition) ?? NO_DOCUMENTS);
      const shown = this.unexpired(subset, collection, expiring);
      if (shown === all) return query.call(documents, params, options);
      documents._data = shown;
      try {
        return query.call(documents, params, options);
      } finally {
        documents._data = all;
      }
    };
    const read = documents.read;
    documents.read = (options) => {
      const all = documents._data;
      const shown = this.unexpired(all, collection, expiring);
      if (shown === all) return read.call(documents, options);
      documents._data = shown;
      try {
        return read.call(documents, options);
      } finally {
        documents._data = all;
      }
    };
  }

  private reveal<R>(fn: () => R): R {
    this.revealing += 1;
    try {
      return fn();
    } finally {
      this.revealing -= 1;
    }
  }

  /** True when the document's time to live in this container has run out by `nowMs`. */
  private isExpired(doc: Resource, collection: CollectionObject, nowMs: number): boolean {
    const at = expiresAt(doc, collection.read()?.defaultTtl);
    return at !== undefined && at * 1000 <= nowMs;
  }

  /** The documents a query or the feed may show: all of them while none can expire, else a view without the expired ones. */
  private unexpired(documents: Map<string, Stored>, collection: CollectionObject, expiring: ExpiringContainer): Map<string, Stored> {
    if (expiring.indexed === 0 || !this.expiring || documents.size === 0) return documents;
    const now = this.clock() / 1000;
    const defaultTtl = collection.read()?.defaultTtl;
    const shown = (doc: Resource | undefined) => {
      const at = doc && expiresAt(doc, defaultTtl);
      return at === undefined || at > now;
    };
    // The package's query and feed read `_data.values()` only.
    return {
      values: function* () {
        for (const stored of documents.values()) if (shown(stored.read())) yield stored;
      },
    } as unknown as Map<string, Stored>;
  }

  /** Before a document is stored, removes an expired one holding its id (or a unique key), which it replaces. */
  private evictExpired(collection: CollectionObject, data: Resource): void {
    const documents = collection.documents;
    const partition = documents._getPartition(data);
    const nowMs = this.clock();
    for (const keyPath of documents._uniqueKeyPaths) {
      const value = keyPath
        .slice(1)
        .split('/')
        .reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), data);
      const holder = this.reveal(() => documents._item(keyPath, value, partition).read());
      if (holder && holder._rid !== data._rid && this.isExpired(holder, collection, nowMs)) {
        this.reveal(() => documents.delete(holder.id, documents._getPartition(holder)));
      }
    }
  }

  /** The purge of one document the index says is due: deleted (and journalled) if it is still there and expired. */
  private purge(dbId: string, collId: string, collection: CollectionObject, expiring: ExpiringContainer, rid: string): boolean {
    // A container dropped (or replaced) took its documents with it.
    if (this.account.database(dbId).collection(collId) !== collection) return false;
    const documents = collection.documents;
    const doc = documents._data.get(rid)?.read();
    if (!doc) return false;
    const at = expiresAt(doc, collection.read()?.defaultTtl);
    if (at === undefined) return false;
    if (at * 1000 > this.clock()) {
      this.expiry?.set(rid, at, expiring);
      return false;
    }
    this.reveal(() => documents.delete(doc.id, documents._getPartition(doc)));
    return true;
  }
}

interface Touched {
  id: string;
  partition: unknown;
}

/**
 * Wraps an Items' mutators: `put`/`removed` hear of each resource stored or removed, and
 * `settled` of every resource the outermost create/replace/upsert/delete touched, once it
 * returned (a replace is a delete and a set inside; its record is the state after both).
 */
function watchItems(
  items: Items,
  hooks: { put?(doc: Resource): void; removed?(doc: Resource): void; settled(touched: Touched[]): void },
  watched: WeakSet<object>,
): void {
  if (watched.has(items)) return;
  watched.add(items);
  let depth = 0;
  const touched = new Map<string, Touched>();
  const note = (doc: Resource) => {
    const partition = items._getPartition(doc);
    touched.set(items._getId('/id', doc.id, partition), { id: doc.id, partition });
  };
  const within = <R>(fn: () => R): R => {
    depth += 1;
    try {
      return fn();
    } finally {
      depth -= 1;
      if (depth === 0 && touched.size > 0) {
        const list = [...touched.values()];
        touched.clear();
        hooks.settled(list);
      }
    }
  };
  const set = items._set;
  items._set = (data) =>
    within(() => {
      const stored = set.call(items, data);
      note(data);
      hooks.put?.(data);
      return stored;
    });
  const remove = items.delete;
  items.delete = (idOrRid, partition) =>
    within(() => {
      const before = items._item('/id', idOrRid, partition).read();
      remove.call(items, idOrRid, partition);
      if (before) {
        note(before);
        hooks.removed?.(before);
      }
    });
  const create = items.create;
  items.create = (data) => within(() => create.call(items, data));
  const replace = items.replace;
  items.replace = (data, original) => within(() => replace.call(items, data, original));
  const upsert = items.upsert;
  items.upsert = (data) => within(() => upsert.call(items, data));
}

function without(resource: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...resource };
  for (const field of fields) delete copy[field];
  return copy;
}

// ---------------------------------------------------------------------------------------------
// The HTTP front: the package's routes and handlers, answered only once durable.
// ---------------------------------------------------------------------------------------------

class EmbeddedFront {
  private inFlight = 0;
  private idle: (() => void) | undefined;

  constructor(
    private readonly model: EmbeddedAccount,
    private readonly store: DataFolder | undefined,
    private readonly log: Logger,
  ) {}

  handle(req: IncomingMessage, res: ServerResponse): void {
    this.inFlight += 1;
    this.respond(req, res)
      .catch(async () => {
        await this.store?.journal.synced().catch(() => {});
        if (!res.writableEnded) {
          res.statusCode = 500;
          res.end('');
        }
      })
      .finally(() => {
        this.inFlight -= 1;
        if (this.inFlight === 0) this.idle?.();
      });
  }

  /**
   * As lib/index.js of the package answers, with the durability wait before the answer, and with its
   * `keepAlive` option on: the client keeps its connection for the next request instead of opening
   * one per request (a connect, and the socket's buffers, on every store request).
   */
  private async respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const journal = this.store?.journal;
    if (journal?.failure) {
      res.statusCode = 503;
      res.setHeader('content-type', 'application/json');
      res.setHeader('connection', 'close');
      res.end(JSON.stringify({ code: 'ServiceUnavailable', message: 'the store stopped: its journal could not be written' }));
      return;
    }
    const matched = route(req);
    let body: any;
    /** For a read: what it shows (one document, or one partition), so that it waits only for the changes of that. */
    let shows: string | undefined;
    if (matched) {
      const [params, handler] = matched;
      try {
        const scope = scopeOf(req, handler);
        shows = readKey(req, handler, params, scope);
        const run = () => handler(this.model.account, req, res, params);
        body = await (scope ? queryScope.run(scope, run) : run());
      } catch (err) {
        this.log.error('store.requestFailed', { method: req.method, error: (err as Error).name });
        body = { message: (err as Error).message };
        res.statusCode = 500;
      }
      if (res.statusCode > 399 && !body.message) {
        body.message = '';
      }
    } else {
      res.statusCode = 400;
      body = { message: 'no route' };
    }
    if (journal) {
      try {
        // A write (or any answer but a read): everything appended so far, so also every change it reports. A read of a
        // document or of a partition: the changes of what it shows, which are all the changes a crash could take back from
        // it (a read of data written long ago answers at once; one of data written a moment ago waits for it to be on disk).
        await journal.synced(this.store!.readWaitsFor(shows));
      } catch {
        res.statusCode = 503;
        body = { code: 'ServiceUnavailable', message: 'the change could not be made durable' };
      }
    }
    if (body && body._etag) {
      res.setHeader('etag', body._etag);
    }
    res.setHeader('content-type', 'application/json');
    res.setHeader('content-location', `https://${req.headers.host}${req.url}`);
    res.setHeader('connection', 'keep-alive');
    res.setHeader('x-ms-activity-id', randomUUID());
    res.setHeader('x-ms-request-charge', '1');
    if (req.headers['x-ms-documentdb-populatequerymetrics']) {
      res.setHeader(
        'x-ms-documentdb-query-metrics',
        'totalExecutionTimeInMs=0.00;queryCompileTimeInMs=0.00;queryLogicalPlanBuildTimeInMs=0.00;queryPhysicalPlanBuildTimeInMs=0.00;queryOptimizationTimeInMs=0.00;VMExecutionTimeInMs=0.00;indexLookupTimeInMs=0.00;documentLoadTimeInMs=0.00;systemFunctionExecuteTimeInMs=0.00;userFunctionExecuteTimeInMs=0.00;retrievedDocumentCount=0;retrievedDocumentSize=0;outputDocumentCount=1;outputDocumentSize=0;writeOutputTimeInMs=0.00;indexUtilizationRatio=0.00',
      );
    }
    if (req.headers['a-im'] && res.statusCode === 200) {
      if (req.headers['if-none-match']) {
        res.statusCode = 304;
      }
      res.setHeader('etag', '1');
    }
    res.end(JSON.stringify(body));
  }

  /** Stops accepting, lets what is in flight be answered, then drops the connections. */
  async close(server: Server): Promise<void> {
    const closed = new Promise<void>((done) => server.close(() => done()));
    server.closeIdleConnections();
    if (this.inFlight > 0) {
      await Promise.race([new Promise<void>((done) => (this.idle = done)), new Promise((done) => setTimeout(done, 5000).unref())]);
    }
    server.closeAllConnections();
    await closed;
  }
}

/**
 * Which documents a query may consider. The SDK asks for a query plan before every query and
 * uses it only after an error this server never returns, so the plan request is answered
 * without reading any document; a query or a conditional patch carrying a partition key
 * considers that logical partition only.
 */
function scopeOf(req: IncomingMessage, handler: Handler): QueryScope | undefined {
  if (handler === (queryDocuments as unknown as Handler)) {
    if (trueHeader(req, 'x-ms-cosmos-is-query-plan-request')) return { nothing: true };
    return partitionScope(req);
  }
  if (handler === (patchDocument as unknown as Handler)) return partitionScope(req);
  return undefined;
}

/**
 * What a read shows, as `DataFolder.readWaitsFor` takes it: a point read, its document; a query
 * scoped to a partition, the partition; the query plan, nothing (`''`). Undefined for anything else
 * (a write, a cross-partition query, a read of databases or containers): it waits for every change.
 */
function readKey(req: IncomingMessage, handler: Handler, params: Record<string, string>, scope: QueryScope | undefined): string | undefined {
  if (handler === (readDocument as unknown as Handler) && req.method === 'GET') {
    const partition = partitionScope(req);
    return partition && 'partition' in partition ? documentKey(params.dbId, params.collId, partition.partition, params.docId) : undefined;
  }
  if (handler === (queryDocuments as unknown as Handler) && scope) return 'nothing' in scope ? '' : partitionKey(params.dbId, params.collId, scope.partition);
  return undefined;
}

/** The partition named by `x-ms-documentdb-partitionkey` (a JSON array, e.g. `["m-1"]`); `[{}]` and `[]` name "none". */
function partitionScope(req: IncomingMessage): QueryScope | undefined {
  const header = req.headers['x-ms-documentdb-partitionkey'];
  const text = Array.isArray(header) ? header[0] : header;
  if (!text) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (Array.isArray(value)) {
    const first: unknown = value[0];
    if (value.length === 0 || (typeof first === 'object' && first !== null && !Array.isArray(first) && Object.keys(first).length === 0)) {
      return { partition: NONE_PARTITION };
    }
    return { partition: partitionIndexKey(first) };
  }
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? { partition: partitionIndexKey(value) } : undefined;
}

function trueHeader(req: IncomingMessage, name: string): boolean {
  const value = req.headers[name];
  if (!value) return false;
  return Array.isArray(value) ? value.some((v) => v.toLowerCase() === 'true') : value.toLowerCase() === 'true';
}

// ---------------------------------------------------------------------------------------------
// Files: lines, the journal, snapshots, the data folder.
// ---------------------------------------------------------------------------------------------

function crcHex(json: string): string {
  return crc32(json).toString(16).padStart(8, '0');
}

function encodeLine(value: unknown): string {
  const json = JSON.stringify(value);
  return `${crcHex(json)} ${json}\n`;
}

function decodeLine(line: string): Record<string, unknown> | undefined {
  if (line.length < 11 || line[8] !== ' ') return undefined;
  const json = line.slice(9);
  if (crcHex(json) !== line.slice(0, 8)) return undefined;
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A data file the store cannot start with; the message names it. */
export class StoreFileError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'StoreFileError';
  }
}

/** The lines of a file, read in chunks (each await lets other work run); the last may lack its newline. */
async function* fileLines(path: string, chunkSize: number): AsyncGenerator<{ text: string; number: number }> {
  const handle = await open(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(chunkSize);
    let carry = Buffer.alloc(0);
    let number = 0;
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunkSize, null);
      if (bytesRead === 0) break;
      const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      let start = 0;
      for (let newline = data.indexOf(10, start); newline !== -1; newline = data.indexOf(10, start)) {
        number += 1;
        yield { text: data.toString('utf8', start, newline), number };
        start = newline + 1;
      }
      carry = Buffer.from(data.subarray(start));
    }
    if (carry.length > 0) yield { text: carry.toString('utf8'), number: number + 1 };
  } finally {
    await handle.close();
  }
}

interface JournalRead {
  records: number;
  /** The line number of a torn last line, ignored. */
  tornLine?: number;
}

/** Replays a journal: a bad last line is torn (ignored), a bad line before another is an error. */
async function readJournal(path: string, generation: number, apply: (record: ChangeRecord) => void, chunkSize: number): Promise<JournalRead> {
  let bad: number | undefined;
  let records = 0;
  for await (const { text, number } of fileLines(path, chunkSize)) {
    if (bad !== undefined) throw new StoreFileError(path, `line ${bad} is corrupt and more lines follow it; the store cannot start from this folder as it is`);
    const value = decodeLine(text);
    if (!value) {
      bad = number;
      continue;
    }
    if (number === 1) {
      if (value.format !== JOURNAL_FORMAT || value.version !== FORMAT_VERSION || value.generation !== generation) {
        throw new StoreFileError(path, `not a version ${FORMAT_VERSION} journal of generation ${generation}`);
      }
      continue;
    }
    try {
      apply(value as ChangeRecord);
    } catch (err) {
      throw new StoreFileError(path, `line ${number} cannot be replayed: ${(err as Error).message}`);
    }
    records += 1;
  }
  return bad === undefined ? { records } : { records, tornLine: bad };
}

/** Loads a snapshot; it was renamed into place complete, so every line must be whole, up to its end line. */
async function readSnapshot(path: string, generation: number, apply: (record: ChangeRecord) => void, chunkSize: number): Promise<number> {
  let documents = 0;
  let ended = false;
  for await (const { text, number } of fileLines(path, chunkSize)) {
    const value = decodeLine(text);
    if (!value || ended) throw new StoreFileError(path, ended ? `line ${number} follows the end line` : `line ${number} is corrupt`);
    if (number === 1) {
      if (value.format !== SNAPSHOT_FORMAT || value.version !== FORMAT_VERSION || value.generation !== generation) {
        throw new StoreFileError(path, `not a version ${FORMAT_VERSION} snapshot of generation ${generation}`);
      }
      continue;
    }
    if (value.op === 'end') {
      if (value.documents !== documents) throw new StoreFileError(path, `holds ${documents} documents, its end line says ${String(value.documents)}`);
      ended = true;
      continue;
    }
    try {
      apply(value as ChangeRecord);
    } catch (err) {
      throw new StoreFileError(path, `line ${number} cannot be loaded: ${(err as Error).message}`);
    }
    if (value.op === 'put') documents += 1;
  }
  if (!ended) throw new StoreFileError(path, 'ends before its end line');
  return documents;
}

async function writeFully(handle: FileHandle, buffer: Buffer): Promise<void> {
  let offset = 0;
  while (offset < buffer.length) {
    const { bytesWritten } = await handle.write(buffer, offset, buffer.length - offset, null);
    offset += bytesWritten;
  }
}

/** Makes a folder's entries (a file created, renamed or deleted) durable. */
async function syncFolder(path: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch (err) {
    // Some platforms cannot open or sync a folder; there, rename is the best there is.
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EACCES'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    await handle?.close();
  }
}

const generationName = (kind: 'journal' | 'snapshot', generation: number) => `${kind}-${String(generation).padStart(12, '0')}.jsonl`;

/** Appends change records; `synced(n)` resolves once the first n are on disk. One fdatasync serves every line written with it. */
class Journal {
  appended = 0;
  private durable = 0;

  /** How many of the records appended are on disk. */
  get durableRecords(): number {
    return this.durable;
  }

  private pending: string[] = [];
  private waiters: Array<{ seq: number; resolve(): void; reject(err: Error): void }> = [];
  private draining: Promise<void> | undefined;
  failure: Error | undefined;
  flushes = 0;
  records = 0;

  private constructor(
    private readonly dir: string,
    public generation: number,
    private handle: FileHandle,
    public bytes: number,
    private readonly limit: () => number,
    private readonly onSealed: (generation: number, bytes: number) => void,
    private readonly log: Logger,
  ) {}

  static async create(
    dir: string,
    generation: number,
    limit: () => number,
    onSealed: (generation: number, bytes: number) => void,
    log: Logger,
  ): Promise<Journal> {
    const { handle, bytes } = await Journal.openFile(dir, generation);
    return new Journal(dir, generation, handle, bytes, limit, onSealed, log);
  }

  /** A new journal file with its header line, durable together with its folder entry. */
  private static async openFile(dir: string, generation: number): Promise<{ handle: FileHandle; bytes: number }> {
    const handle = await open(join(dir, generationName('journal', generation)), 'wx', 0o600);
    try {
      const header = Buffer.from(encodeLine({ format: JOURNAL_FORMAT, version: FORMAT_VERSION, generation, created: new Date().toISOString() }));
      await writeFully(handle, header);
      await handle.datasync();
      await syncFolder(dir);
      return { handle, bytes: header.length };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  append(record: ChangeRecord): void {
    this.pending.push(encodeLine(record));
    this.appended += 1;
  }

  /** Resolves once every record appended so far (or the first `seq`) is on disk. */
  synced(seq = this.appended): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (seq <= this.durable) return Promise.resolve();
    return new Promise<void>((resolveWait, reject) => {
      this.waiters.push({ seq, resolve: resolveWait, reject });
      this.drain();
    });
  }

  private drain(): void {
    if (this.draining || this.failure) return;
    this.draining = this.writePending().finally(() => {
      this.draining = undefined;
      if (this.pending.length > 0) this.drain();
    });
  }

  private async writePending(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const lines = this.pending;
        this.pending = [];
        const upTo = this.appended;
        if (this.bytes >= this.limit()) await this.rotate();
        const buffer = Buffer.from(lines.join(''), 'utf8');
        await writeFully(this.handle, buffer);
        await this.handle.datasync();
        this.bytes += buffer.length;
        this.flushes += 1;
        this.records += lines.length;
        this.durable = upTo;
        let done = 0;
        while (done < this.waiters.length && this.waiters[done].seq <= upTo) this.waiters[done++].resolve();
        if (done > 0) this.waiters.splice(0, done);
      }
    } catch (err) {
      this.failure = err as Error;
      this.log.error('store.journalFailed', { file: generationName('journal', this.generation), error: (err as NodeJS.ErrnoException).code ?? (err as Error).name });
      for (const waiter of this.waiters.splice(0)) waiter.reject(this.failure);
    }
  }

  /** Seals the current file (everything in it is synced) and continues in a new one. */
  private async rotate(): Promise<void> {
    const sealed = this.generation;
    const bytes = this.bytes;
    await this.handle.close();
    const next = await Journal.openFile(this.dir, sealed + 1);
    this.handle = next.handle;
    this.bytes = next.bytes;
    this.generation = sealed + 1;
    this.onSealed(sealed, bytes);
  }

  async close(): Promise<void> {
    if (!this.failure) await this.synced().catch(() => {});
    await this.draining;
    await this.handle.close().catch(() => {});
  }
}

/**
 * The last journal record of each document and partition changed and not yet on disk. Entries go
 * in the order of their records and are dropped once the journal has them on disk, so it holds the
 * changes of one group commit or so, whatever the number of documents stored.
 */
class UnsyncedChanges {
  private readonly lastOf = new Map<string, number>();
  private readonly order: Array<[string, number]> = [];
  private head = 0;

  note(document: string, partition: string, record: number, durable: number): void {
    this.lastOf.set(document, record);
    this.lastOf.set(partition, record);
    this.order.push([document, record], [partition, record]);
    this.drop(durable);
  }

  /** The last record changing `key` that is not on disk yet, or 0. */
  last(key: string, durable: number): number {
    const record = this.lastOf.get(key);
    return record === undefined || record <= durable ? 0 : record;
  }

  private drop(durable: number): void {
    while (this.head < this.order.length && this.order[this.head][1] <= durable) {
      const [key, record] = this.order[this.head++];
      if (this.lastOf.get(key) === record) this.lastOf.delete(key);
    }
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
  }
}

/** Folders locked by this process, to tell our own lock from a stale one with a reused pid. */
const lockedHere = new Set<string>();

/** Takes the folder's lock file; a lock whose process is gone is taken over. */
async function lockFolder(dir: string): Promise<() => Promise<void>> {
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      lockedHere.add(dir);
      return async () => {
        lockedHere.delete(dir);
        await rm(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    const holder = pid === process.pid ? lockedHere.has(dir) : Number.isInteger(pid) && pid > 0 && processAlive(pid);
    if (!holder) {
      await rm(file, { force: true });
      continue;
    }
    // A process just killed can take a moment to go; wait a little before giving up.
    if (attempt >= 10) throw new Error(`the data folder ${dir} is in use by process ${pid} (${file}); stop it, or remove the file if that process is not a Samråd store`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // A zombie (killed, not yet reaped) still answers signal 0 but holds nothing.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true;
  }
}

/** The data folder: what was loaded at start, the journal being written, and compaction. */
class DataFolder {
  journal!: Journal;
  /** The changes not on disk yet, by document and partition (what reads wait for). */
  private readonly unsynced = new UnsyncedChanges();
  /** The last record changing a database or a container. */
  private structure = 0;
  private snapshot: { generation: number; bytes: number } | undefined;
  private sealed: Array<{ generation: number; bytes: number }> = [];
  private compaction: Promise<void> | undefined;
  /** After a failed compaction, the next try waits for another sealed journal. */
  private compactionFailed = false;
  private closing = false;

  private constructor(
    private readonly dir: string,
    private readonly log: Logger,
    private readonly minJournalBytes: number,
    private readonly unlock: () => Promise<void>,
  ) {}

  static async open(dir: string, model: EmbeddedAccount, log: Logger, options: { journalBytes: number }): Promise<DataFolder> {
    const started = Date.now();
    const existed = await readdir(dir).then(
      () => true,
      () => false,
    );
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (!existed) await syncFolder(dirname(dir));
    const unlock = await lockFolder(dir);
    const folder = new DataFolder(dir, log, options.journalBytes, unlock);
    try {
      await folder.load(model, started);
    } catch (err) {
      await unlock();
      throw err;
    }
    return folder;
  }

  private async load(model: EmbeddedAccount, started: number): Promise<void> {
    const names = await readdir(this.dir);
    // A compaction cut short leaves its temporary snapshot behind.
    for (const name of names.filter((n) => /^snapshot-\d{12}\.jsonl\.tmp$/.test(n))) await rm(join(this.dir, name), { force: true });
    const generations = (pattern: RegExp) =>
      names
        .map((n) => pattern.exec(n))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => Number(m[1]))
        .sort((a, b) => a - b);
    const snapshots = generations(SNAPSHOT_NAME);
    const journals = generations(JOURNAL_NAME);
    const snapshot = snapshots.at(-1);
    let snapshotDocuments = 0;
    if (snapshot !== undefined) {
      const file = join(this.dir, generationName('snapshot', snapshot));
      snapshotDocuments = await readSnapshot(file, snapshot, (r) => model.apply(r), 1 << 20);
      this.snapshot = { generation: snapshot, bytes: await fileSize(file) };
    }
    // What an interrupted compaction folded but had not deleted yet.
    const leftovers = [
      ...snapshots.slice(0, -1).map((g) => generationName('snapshot', g)),
      ...journals.filter((g) => snapshot !== undefined && g <= snapshot).map((g) => generationName('journal', g)),
    ];
    for (const name of leftovers) await rm(join(this.dir, name), { force: true });
    let records = 0;
    let torn = 0;
    for (const generation of journals.filter((g) => snapshot === undefined || g > snapshot)) {
      const file = join(this.dir, generationName('journal', generation));
      const read = await readJournal(file, generation, (r) => model.apply(r), 1 << 20);
      records += read.records;
      if (read.tornLine !== undefined) {
        torn += 1;
        this.log.warn('store.journalTornTail', { file: basename(file), line: read.tornLine, note: 'the last line was cut off when the process stopped; it was never acknowledged and is ignored' });
      }
      this.sealed.push({ generation, bytes: await fileSize(file) });
    }
    if (leftovers.length > 0) await syncFolder(this.dir);
    const next = Math.max(0, ...snapshots, ...journals) + 1;
    this.journal = await Journal.create(this.dir, next, () => this.journalLimit(), (g, b) => this.sealedJournal(g, b), this.log);
    model.onRecord = (record) => this.journal.append(record);
    model.onTouched = (document, partition) => this.unsynced.note(document, partition, this.journal.appended, this.journal.durableRecords);
    model.onStructure = () => (this.structure = this.journal.appended);
    model.recording = true;
    // What the purge deletes is written out at once, not with the next request's answer.
    model.onPurged = () => void this.journal.synced().catch(() => {});
    this.log.info('store.opened', {
      dataDir: this.dir,
      snapshot: snapshot === undefined ? '' : generationName('snapshot', snapshot),
      snapshotDocuments,
      journals: this.sealed.length,
      records,
      tornTails: torn,
      documents: model.documentCount(),
      journal: generationName('journal', next),
      ms: Date.now() - started,
    });
    this.maybeCompact();
  }

  /**
   * The journal record an answer must wait for to be on disk: for a read of a document or a
   * partition (`readKey`), the last change of it not on disk yet and of any database or container
   * (0: none, it answers at once); for anything else, every record appended so far.
   */
  readWaitsFor(shows: string | undefined): number {
    if (shows === undefined) return this.journal.appended;
    const durable = this.journal.durableRecords;
    return Math.max(this.structure > durable ? this.structure : 0, this.unsynced.last(shows, durable));
  }

  /** The journal grows to the size of the last snapshot (at least the minimum) before it is folded. */
  private journalLimit(): number {
    return Math.max(this.minJournalBytes, this.snapshot?.bytes ?? 0);
  }

  private sealedJournal(generation: number, bytes: number): void {
    this.sealed.push({ generation, bytes });
    this.compactionFailed = false;
    this.maybeCompact();
  }

  private maybeCompact(): void {
    if (this.compaction || this.compactionFailed || this.closing || this.sealed.length === 0) return;
    const bytes = this.sealed.reduce((sum, j) => sum + j.bytes, 0);
    if (bytes < this.journalLimit() && this.sealed.length < MAX_SEALED_JOURNALS) return;
    const journals = [...this.sealed];
    this.compaction = this.compact(journals)
      .catch((err: Error) => {
        this.compactionFailed = true;
        if (!this.closing) this.log.error('store.compactionFailed', { error: err.name, file: err instanceof StoreFileError ? basename(err.file) : undefined });
      })
      .finally(() => {
        this.compaction = undefined;
        this.maybeCompact();
      });
  }

  /**
   * Folds the snapshot and these sealed journals into a new snapshot, in small steps, on a
   * separate in-memory account: the live one and its journal carry on meanwhile.
   */
  private async compact(journals: Array<{ generation: number; bytes: number }>): Promise<void> {
    const started = Date.now();
    const upTo = journals.at(-1)!.generation;
    const fold = new EmbeddedAccount('127.0.0.1', 0);
    const apply = (record: ChangeRecord) => fold.apply(record);
    const step = 64 * 1024;
    const previous = this.snapshot;
    if (previous) await readSnapshot(join(this.dir, generationName('snapshot', previous.generation)), previous.generation, apply, step);
    for (const journal of journals) {
      this.stopIfClosing();
      await readJournal(join(this.dir, generationName('journal', journal.generation)), journal.generation, apply, step);
    }
    const target = join(this.dir, generationName('snapshot', upTo));
    const temp = `${target}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    let bytes = 0;
    let documents = 0;
    try {
      let chunk: string[] = [encodeLine({ format: SNAPSHOT_FORMAT, version: FORMAT_VERSION, generation: upTo, created: new Date().toISOString() })];
      let size = chunk[0].length;
      const flush = async () => {
        const buffer = Buffer.from(chunk.join(''), 'utf8');
        await writeFully(handle, buffer);
        bytes += buffer.length;
        chunk = [];
        size = 0;
        this.stopIfClosing();
      };
      for (const record of fold.records()) {
        if (record.op === 'put') documents += 1;
        const line = encodeLine(record);
        chunk.push(line);
        size += line.length;
        if (size >= step) await flush();
      }
      chunk.push(encodeLine({ op: 'end', documents }));
      await flush();
      await handle.datasync();
    } catch (err) {
      await handle.close();
      await rm(temp, { force: true });
      throw err;
    }
    await handle.close();
    await rename(temp, target);
    await syncFolder(this.dir);
    // The new snapshot is durable: what it folded can go.
    if (previous) await rm(join(this.dir, generationName('snapshot', previous.generation)), { force: true });
    for (const journal of journals) await rm(join(this.dir, generationName('journal', journal.generation)), { force: true });
    await syncFolder(this.dir);
    this.snapshot = { generation: upTo, bytes };
    this.sealed = this.sealed.filter((j) => j.generation > upTo);
    this.log.info('store.compacted', {
      snapshot: basename(target),
      journals: journals.length,
      journalBytes: journals.reduce((sum, j) => sum + j.bytes, 0),
      documents,
      bytes,
      ms: Date.now() - started,
    });
  }

  private stopIfClosing(): void {
    if (this.closing) throw new Error('the store is closing');
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.compaction;
    await this.journal.close();
    this.log.info('store.closed', { records: this.journal.records, flushes: this.journal.flushes });
    await this.unlock();
  }
}

async function fileSize(path: string): Promise<number> {
  const handle = await open(path, 'r');
  try {
    return (await handle.stat()).size;
  } finally {
    await handle.close();
  }
}
