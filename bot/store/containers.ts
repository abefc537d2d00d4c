/**
 * Every Cosmos DB container Samråd uses, declared once, with the document field that is its
 * partition key. Whatever belongs to one meeting shares the meeting's partition, so a
 * meeting is read with one single-partition query however many meetings exist.
 */
export const CONTAINERS = {
  /**
   * Per meeting (partition = the meeting id): the plan, and one document per person for what
   * each writes on their own (an answer, a delivery), so people pressing at once never collide.
   */
  meetings: { id: 'meetings', partitionKey: 'meetingId', defaultTtl: -1 },
  /** Per Teams user (partition = the user key): how to reach them, their language, their open draft. */
  users: { id: 'users', partitionKey: 'userKey', defaultTtl: -1 },
  /** Per caseworker (partition = the user key): one entry per meeting they convene or co-organize. */
  meetingIndex: { id: 'meetingIndex', partitionKey: 'userKey', defaultTtl: -1 },
  /** Work done after an answer (partition = the hour it falls due), see `bot/jobs`. */
  jobs: { id: 'jobs', partitionKey: 'bucket', defaultTtl: -1 },
  /**
   * The coordinators' overview (partition = `<tenant id>:<yyyy-MM>`, the month of a meeting's
   * planned start): one summary per meeting, ids, dates and counts only (`bot/domain/overview.ts`),
   * so an overview reads the fifteen months it shows and never all meetings ever held.
   */
  overview: { id: 'overview', partitionKey: 'partition', defaultTtl: -1 },
  /**
   * Where each person appears (partition = a key of the person: `aad-<object id>`,
   * `email-<SHA-256 of the address>`, `name-<SHA-256 of the name>`; `bot/domain/people.ts`): one
   * entry per meeting and participant, ids and the meeting's day only, so the data-protection
   * officer finds a person's meetings without reading every meeting, and no key holds a name or
   * an address in clear.
   */
  people: { id: 'people', partitionKey: 'personKey', defaultTtl: -1 },
} as const;

export type ContainerName = keyof typeof CONTAINERS;
