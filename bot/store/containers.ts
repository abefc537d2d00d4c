/**
 * Every Cosmos DB container Samråd uses, declared once. Each document is read by its id,
 * which is also its partition key, so a read costs the same however many meetings exist.
 */
export const CONTAINERS = {
  /** One document per meeting: the draft, then the invited meeting with its answers. */
  meetings: { id: 'meetings', partitionKey: '/id', defaultTtl: -1 },
  /** One document per Teams user: how to reach them proactively, their language and open draft. */
  users: { id: 'users', partitionKey: '/id', defaultTtl: -1 },
} as const;

export type ContainerName = keyof typeof CONTAINERS;
