import type { Container, ItemDefinition } from '@azure/cosmos';

/** A document as read, with the ETag every later write of it must carry. */
export interface Versioned<T> {
  doc: T;
  etag: string;
}

/** The document changed since it was read: the write was refused and nothing was lost. */
export class ConcurrencyError extends Error {
  constructor(readonly id: string) {
    super(`document ${id} changed since it was read`);
    this.name = 'ConcurrencyError';
  }
}

/** A document with this id exists already. */
export class AlreadyExistsError extends Error {
  constructor(readonly id: string) {
    super(`document ${id} exists already`);
    this.name = 'AlreadyExistsError';
  }
}

/** The store's port: typed documents by id, every change guarded by the ETag it read. */
export interface DocumentStore<T extends { id: string }> {
  /** The document with this id, or undefined. */
  read(id: string): Promise<Versioned<T> | undefined>;
  /** Creates a new document; AlreadyExistsError if the id is taken. */
  create(doc: T): Promise<Versioned<T>>;
  /** Replaces the document if it still has this ETag; ConcurrencyError otherwise. */
  replace(doc: T, etag: string): Promise<Versioned<T>>;
  /** Deletes the document if it still has this ETag; ConcurrencyError otherwise. */
  delete(id: string, etag: string): Promise<void>;
  /** The ids of documents matching a parameterized filter, at most `limit` of them. */
  findIds(where: string, parameters: Record<string, string | number | boolean>, limit: number): Promise<string[]>;
}

const SYSTEM_FIELDS = ['_rid', '_self', '_etag', '_attachments', '_ts'];

/** The DocumentStore on a Cosmos DB container whose partition key is `/id`. */
export class CosmosDocumentStore<T extends { id: string }> implements DocumentStore<T> {
  constructor(
    private readonly container: Container,
    private readonly onWrite: () => void = () => {},
  ) {}

  async read(id: string): Promise<Versioned<T> | undefined> {
    try {
      const { resource, etag } = await this.container.item(id, id).read<ItemDefinition>();
      return resource ? { doc: strip<T>(resource), etag } : undefined;
    } catch (err) {
      if (status(err) === 404) return undefined;
      throw err;
    }
  }

  async create(doc: T): Promise<Versioned<T>> {
    try {
      const { resource, etag } = await this.container.items.create(doc as ItemDefinition);
      this.onWrite();
      return { doc: strip<T>(resource!), etag };
    } catch (err) {
      if (status(err) === 409) throw new AlreadyExistsError(doc.id);
      throw err;
    }
  }

  async replace(doc: T, etag: string): Promise<Versioned<T>> {
    try {
      const { resource, etag: next } = await this.container
        .item(doc.id, doc.id)
        .replace(doc as ItemDefinition, { accessCondition: { type: 'IfMatch', condition: etag } });
      this.onWrite();
      return { doc: strip<T>(resource!), etag: next };
    } catch (err) {
      if (status(err) === 412 || status(err) === 404) throw new ConcurrencyError(doc.id);
      throw err;
    }
  }

  async delete(id: string, etag: string): Promise<void> {
    try {
      await this.container.item(id, id).delete({ accessCondition: { type: 'IfMatch', condition: etag } });
      this.onWrite();
    } catch (err) {
      if (status(err) === 412) throw new ConcurrencyError(id);
      if (status(err) !== 404) throw err;
    }
  }

  async findIds(where: string, parameters: Record<string, string | number | boolean>, limit: number): Promise<string[]> {
    const query = {
      query: `SELECT TOP @limit c.id FROM c WHERE ${where}`,
      parameters: [{ name: '@limit', value: limit }, ...Object.entries(parameters).map(([name, value]) => ({ name: `@${name}`, value }))],
    };
    const { resources } = await this.container.items.query<{ id: string }>(query).fetchAll();
    return resources.map((r) => r.id);
  }
}

/**
 * Reads, changes and writes back one document, starting again from a fresh read when another
 * writer got there first. `change` is a pure function of the document as read; returning
 * undefined writes nothing. After `attempts` conflicts the ConcurrencyError is thrown.
 */
export async function update<T extends { id: string }>(
  store: DocumentStore<T>,
  id: string,
  change: (doc: T) => T | undefined,
  attempts = 5,
): Promise<Versioned<T> | undefined> {
  for (let attempt = 1; ; attempt++) {
    const current = await store.read(id);
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

function strip<T>(resource: ItemDefinition): T {
  const copy: Record<string, unknown> = { ...resource };
  for (const field of SYSTEM_FIELDS) delete copy[field];
  return copy as T;
}

function status(err: unknown): number | undefined {
  const code = (err as { code?: unknown; statusCode?: unknown })?.code ?? (err as { statusCode?: unknown })?.statusCode;
  return typeof code === 'number' ? code : undefined;
}
