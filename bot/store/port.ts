/**
 * The store's port: typed documents in partitioned containers, every change guarded by the
 * ETag it read, and queries known by name. It names no implementation: `cosmos-store.ts`
 * implements it on Azure Cosmos DB (and on the embedded Cosmos-compatible server locally).
 */

/** A document as read, with the ETag every later write of it must carry. */
export interface Versioned<T> {
  doc: T;
  etag: string;
}

/** Every stored document has an id that is unique within its partition. */
export interface StoredDoc {
  id: string;
  /**
   * When the document is to be gone (retention, ISO instant): the store turns it into Cosmos DB's
   * `ttl` (seconds after this write) on every write, so a document rewritten later still expires then.
   */
  expiresAt?: string;
}

/** The document changed (or vanished) since it was read: the write was refused and nothing was lost. */
export class ConcurrencyError extends Error {
  constructor(readonly id: string) {
    super(`document ${id} changed since it was read`);
    this.name = 'ConcurrencyError';
  }
}

/** A document with this id exists already in its partition. */
export class AlreadyExistsError extends Error {
  constructor(readonly id: string) {
    super(`document ${id} exists already`);
    this.name = 'AlreadyExistsError';
  }
}

/**
 * A query the store knows by name, built by a function in `queries.ts`. `partition` scopes it
 * to one logical partition; without one it may fan out over the container.
 */
export interface NamedQuery<R> {
  name: string;
  partition?: string;
  sql: string;
  parameters: Record<string, string | number | boolean | string[]>;
  /** Only for typing the rows the query returns. */
  readonly rows?: R;
}

/** One container's documents. */
export interface DocumentStore<T extends StoredDoc> {
  /** The document with this id in this partition, or undefined. */
  read(partition: string, id: string): Promise<Versioned<T> | undefined>;
  /** Creates a new document; AlreadyExistsError if its id is taken in its partition. */
  create(doc: T): Promise<Versioned<T>>;
  /** Replaces the document if it still has this ETag; ConcurrencyError otherwise. */
  replace(doc: T, etag: string): Promise<Versioned<T>>;
  /** Deletes the document if it still has this ETag; ConcurrencyError if it changed; nothing if it is gone. */
  delete(partition: string, id: string, etag: string): Promise<void>;
  /** Runs a named query; the rows carry the ETags they were read with. */
  query<R extends T>(query: NamedQuery<R>): Promise<Versioned<R>[]>;
}

/** What every store request is, for counting them (the benchmark reads these). */
export type StoreOperation = 'read' | 'create' | 'replace' | 'delete' | 'query';

/**
 * Reads, changes and writes back one document, starting again from a fresh read when another
 * writer got there first. `change` is a pure function of the document as read; returning
 * undefined writes nothing. After `attempts` conflicts the ConcurrencyError is thrown.
 */
export async function update<T extends StoredDoc>(
  store: DocumentStore<T>,
  partition: string,
  id: string,
  change: (doc: T) => T | undefined,
  attempts = 8,
): Promise<Versioned<T> | undefined> {
  for (let attempt = 1; ; attempt++) {
    const current = await store.read(partition, id);
    if (!current) return undefined;
    const next = change(current.doc);
    if (next === undefined) return current;
    try {
      return await store.replace(next, current.etag);
    } catch (err) {
      if (!(err instanceof ConcurrencyError) || attempt >= attempts) throw err;
    }
  }
}

/**
 * Creates the document, or, when another writer created it first, reads theirs: whoever wins
 * the race, every caller ends with the one stored document (`created` says whose it is).
 * `partition` is the document's own.
 */
export async function createOrRead<T extends StoredDoc>(store: DocumentStore<T>, doc: T, partition: string): Promise<(Versioned<T> & { created: boolean }) | undefined> {
  try {
    return { ...(await store.create(doc)), created: true };
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err;
    const theirs = await store.read(partition, doc.id);
    return theirs && { ...theirs, created: false };
  }
}

/**
 * Creates the document, or changes the one that is there, from a fresh read each time: the
 * write always carries the ETag it read. `change` gets undefined when nothing is stored.
 */
export async function upsert<T extends StoredDoc>(
  store: DocumentStore<T>,
  partition: string,
  id: string,
  change: (doc: T | undefined) => T | undefined,
  options: { attempts?: number; read?: { current: Versioned<T> | undefined } } = {},
): Promise<Versioned<T> | undefined> {
  const attempts = options.attempts ?? 8;
  for (let attempt = 1; ; attempt++) {
    // The first attempt may start from a read the caller already made (one request saved).
    const current = attempt === 1 && options.read ? options.read.current : await store.read(partition, id);
    const next = change(current?.doc);
    if (next === undefined) return current;
    try {
      return current ? await store.replace(next, current.etag) : await store.create(next);
    } catch (err) {
      const retry = err instanceof ConcurrencyError || err instanceof AlreadyExistsError;
      if (!retry || attempt >= attempts) throw err;
    }
  }
}
