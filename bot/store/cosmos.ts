import { CosmosClient, type Container } from '@azure/cosmos';
import { DefaultAzureCredential } from '@azure/identity';
import { CONTAINERS, type ContainerName } from './containers';
import { CosmosDocumentStore, type DocumentStore } from './documents';
import type { Meeting } from '../domain/meeting';
import type { UserRecord } from '../domain/user';

/** Where the Cosmos DB account is and how to sign in to it. */
export interface CosmosTarget {
  endpoint: string;
  /** An account key; without one, a managed identity or developer sign-in through @azure/identity. */
  key?: string;
  database: string;
}

/** The stores Samråd's services work with. */
export interface Stores {
  meetings: DocumentStore<Meeting>;
  users: DocumentStore<UserRecord>;
}

/** A client for the account; the embedded server speaks plain HTTP and has no region discovery. */
export function cosmosClient(target: CosmosTarget): CosmosClient {
  return new CosmosClient({
    endpoint: target.endpoint,
    ...(target.key ? { key: target.key } : { aadCredentials: new DefaultAzureCredential() }),
    connectionPolicy: { enableEndpointDiscovery: false },
  });
}

/** Creates the database and every declared container when missing, and returns their handles. */
export async function openContainers(client: CosmosClient, database: string): Promise<Record<ContainerName, Container>> {
  const { database: db } = await client.databases.createIfNotExists({ id: database });
  const entries = await Promise.all(
    Object.entries(CONTAINERS).map(async ([name, def]) => {
      const { container } = await db.containers.createIfNotExists({
        id: def.id,
        partitionKey: { paths: [def.partitionKey] },
        defaultTtl: def.defaultTtl,
      });
      return [name, container] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<ContainerName, Container>;
}

/** The typed stores on the containers; `onWrite` hears of every successful write. */
export function storesOn(containers: Record<ContainerName, Container>, onWrite?: () => void): Stores {
  return {
    meetings: new CosmosDocumentStore<Meeting>(containers.meetings, onWrite),
    users: new CosmosDocumentStore<UserRecord>(containers.users, onWrite),
  };
}
