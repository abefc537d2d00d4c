import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { CosmosClient, type Container, type CosmosClientOptions, type ItemDefinition, type SqlParameter } from '@azure/cosmos';
import { CONTAINERS, type ContainerName } from './containers';
import { AlreadyExistsError, ConcurrencyError, type DocumentStore, type NamedQuery, type StoreOperation, type StoredDoc, type Versioned } from './port';

/** Where the Cosmos DB account is and how to sign in to it. */
export interface CosmosTarget {
  endpoint: string;
  /** An account key; without one, a managed identity or developer sign-in through @azure/identity. */
  key?: string;
  database: string;
}

/** Hears of every request a store makes, for the benchmark's count. */
export type StoreObserver = (container: ContainerName, operation: StoreOperation) => void;

/** Hears of every store request once it is answered (or failed): its request charge in RU (0 when none was reported) and how long it took. */
export type StoreMeter = (container: ContainerName, operation: StoreOperation, requestCharge: number, ms: number) => void;

/**
 * A client for the account; the embedded server speaks plain HTTP and has no region discovery.
 * `httpClient`: how requests travel when not over HTTP (local mode's embedded store, in this process).
 */
export function cosmosClient(target: CosmosTarget, httpClient?: CosmosClientOptions['httpClient']): CosmosClient {
  // @azure/identity (about 20 MB of memory) is loaded only when there is no key to sign in with.
  const signIn = () => ({ aadCredentials: new (require('@azure/identity') as typeof import('@azure/identity')).DefaultAzureCredential() });
  return new CosmosClient({
    endpoint: target.endpoint,
    ...(target.key ? keyed(target.key) : signIn()),
    connectionPolicy: { enableEndpointDiscovery: false },
    ...(httpClient ? { httpClient } : {}),
  });
}

/**
 * Signing in with an account key. The SDK signs every request with it (an HMAC of the verb, the
 * resource and the date) and makes a new key object from the base64 text for each one; here the
 * key object is made once and each request signed with it, the signature as the SDK makes it
 * (`masterKeySignature`). A resource token (`type=sas&…`) goes to the SDK as it is.
 */
function keyed(key: string): Pick<CosmosClientOptions, 'key' | 'tokenProvider'> {
  if (key.startsWith('type=sas&')) return { key };
  const secret = createSecretKey(Buffer.from(key, 'base64'));
  return {
    tokenProvider: async ({ verb, resourceId, resourceType, headers }) => {
      const date = new Date().toUTCString();
      headers['x-ms-date'] = date;
      return masterKeySignature(secret, verb, resourceType, resourceId ?? '', date);
    },
  };
}

/**
 * The authorization of a request signed with an account key (Azure Cosmos DB REST API, "Access
 * control": `type=master&ver=1.0&sig=` and the base64 HMAC-SHA256 of the lower-case verb, resource
 * type, the resource id as it is (lower-cased for offers), the lower-case date and an empty line),
 * before the SDK URL-encodes it.
 */
export function masterKeySignature(secret: KeyObject, verb: string, resourceType: string, resourceId: string, date: string): string {
  const id = resourceType === 'offers' ? resourceId.toLowerCase() : resourceId;
  const text = `${verb.toLowerCase()}\n${resourceType.toLowerCase()}\n${id}\n${date.toLowerCase()}\n\n`;
  return `type=master&ver=1.0&sig=${createHmac('sha256', secret).update(text).digest('base64')}`;
}

/** Creates the database and every declared container when missing, and returns their handles. */
export async function openContainers(client: CosmosClient, database: string): Promise<Record<ContainerName, Container>> {
  const { database: db } = await racing(() => client.databases.createIfNotExists({ id: database }));
  const entries = await Promise.all(
    (Object.keys(CONTAINERS) as ContainerName[]).map(async (name) => {
      const def = CONTAINERS[name];
      const { container } = await racing(() =>
        db.containers.createIfNotExists({
          id: def.id,
          partitionKey: { paths: [`/${def.partitionKey}`] },
          defaultTtl: def.defaultTtl,
        }),
      );
      return [name, container] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<ContainerName, Container>;
}

/**
 * A create-if-missing that another instance may win: `createIfNotExists` reads, then creates, and
 * answers 409 when another instance starting at the same moment created it in between. Asked
 * again, it finds what the other created.
 */
async function racing<T>(ensure: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ensure();
    } catch (err) {
      if ((err as { code?: number }).code !== 409 || attempt >= 5) throw err;
    }
  }
}

const SYSTEM_FIELDS = ['_rid', '_self', '_etag', '_attachments', '_ts'];

/** The DocumentStore on one Cosmos DB container, whose partition key is a top-level field of each document. */
export class CosmosDocumentStore<T extends StoredDoc> implements DocumentStore<T> {
  private readonly partitionField: string;

  constructor(
    private readonly container: Container,
    private readonly name: ContainerName,
    private readonly observe: StoreObserver = () => {},
    private readonly now: () => number = Date.now,
    private readonly meter?: StoreMeter,
  ) {
    this.partitionField = CONTAINERS[name].partitionKey;
  }

  /** Runs one request to Cosmos DB and tells the meter its charge and duration, whether it succeeded or not. */
  private async metered<R extends { requestCharge?: number }>(operation: StoreOperation, request: () => Promise<R>): Promise<R> {
    if (!this.meter) return request();
    const started = performance.now();
    try {
      const response = await request();
      this.meter(this.name, operation, chargeOf(response), performance.now() - started);
      return response;
    } catch (err) {
      this.meter(this.name, operation, chargeOf(err), performance.now() - started);
      throw err;
    }
  }

  async read(partition: string, id: string): Promise<Versioned<T> | undefined> {
    // Cosmos DB ids never hold these characters; the SDK would throw on them.
    if (!isStorableId(id) || !isStorableId(partition)) return undefined;
    this.observe(this.name, 'read');
    try {
      const { resource, etag } = await this.metered('read', () => this.container.item(id, partition).read<ItemDefinition>());
      return resource ? { doc: strip<T>(resource), etag } : undefined;
    } catch (err) {
      if (status(err) === 404) return undefined;
      throw err;
    }
  }

  async create(doc: T): Promise<Versioned<T>> {
    this.observe(this.name, 'create');
    this.assertPartition(doc);
    try {
      const { resource, etag } = await this.metered('create', () => this.container.items.create(this.withTtl(doc)));
      return { doc: strip<T>(resource!), etag };
    } catch (err) {
      if (status(err) === 409) throw new AlreadyExistsError(doc.id);
      throw err;
    }
  }

  async replace(doc: T, etag: string): Promise<Versioned<T>> {
    this.observe(this.name, 'replace');
    try {
      const item = this.container.item(doc.id, this.assertPartition(doc));
      const { resource, etag: next } = await this.metered('replace', () => item.replace(this.withTtl(doc), { accessCondition: { type: 'IfMatch', condition: etag } }));
      return { doc: strip<T>(resource!), etag: next };
    } catch (err) {
      if (status(err) === 412 || status(err) === 404) throw new ConcurrencyError(doc.id);
      throw err;
    }
  }

  async delete(partition: string, id: string, etag: string): Promise<void> {
    this.observe(this.name, 'delete');
    try {
      await this.metered('delete', () => this.container.item(id, partition).delete({ accessCondition: { type: 'IfMatch', condition: etag } }));
    } catch (err) {
      if (status(err) === 412) throw new ConcurrencyError(id);
      if (status(err) !== 404) throw err;
    }
  }

  async query<R extends T>(query: NamedQuery<R>): Promise<Versioned<R>[]> {
    this.observe(this.name, 'query');
    const parameters: SqlParameter[] = Object.entries(query.parameters).map(([name, value]) => ({ name: `@${name}`, value }));
    const iterator = this.container.items.query<ItemDefinition>(
      { query: query.sql, parameters },
      query.partition === undefined ? {} : { partitionKey: query.partition },
    );
    const { resources } = await this.metered('query', () => iterator.fetchAll());
    return resources.map((resource) => ({ doc: strip<R>(resource), etag: String(resource._etag ?? '') }));
  }

  /** The document as written: with `ttl` counted from now to its `expiresAt` (at least a second), or as it is. */
  private withTtl(doc: T): ItemDefinition {
    if (!doc.expiresAt) return doc as ItemDefinition;
    const seconds = Math.ceil((Date.parse(doc.expiresAt) - this.now()) / 1000);
    return Number.isFinite(seconds) ? { ...(doc as ItemDefinition), ttl: Math.max(1, seconds) } : (doc as ItemDefinition);
  }

  /** The partition key value of a document; a document without one is a programming error. */
  private assertPartition(doc: T): string {
    const value = (doc as unknown as Record<string, unknown>)[this.partitionField];
    if (typeof value !== 'string' || value === '') throw new Error(`a ${this.name} document needs its ${this.partitionField}`);
    return value;
  }
}

/** True for an id Cosmos DB can hold: not empty, at most 255 characters, none of / \\ ? #. */
export function isStorableId(id: string): boolean {
  return id.length > 0 && id.length <= 255 && !/[/\\?#]/.test(id);
}

function strip<T>(resource: ItemDefinition): T {
  const copy: Record<string, unknown> = { ...resource };
  for (const field of SYSTEM_FIELDS) delete copy[field];
  // A `ttl` the store derived from `expiresAt` is the store's own: it is worked out again on every write.
  if (typeof copy.expiresAt === 'string') delete copy.ttl;
  return copy as T;
}

/** The request charge (RU) of a Cosmos DB response or error, or 0 when it names none. */
function chargeOf(answer: unknown): number {
  const charge = (answer as { requestCharge?: unknown } | undefined)?.requestCharge;
  return typeof charge === 'number' && Number.isFinite(charge) ? charge : 0;
}

function status(err: unknown): number | undefined {
  const code = (err as { code?: unknown; statusCode?: unknown })?.code ?? (err as { statusCode?: unknown })?.statusCode;
  return typeof code === 'number' ? code : undefined;
}
