import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What a store request is made for, so that local mode can count the requests of one verb (the
 * benchmark's store requests per verb): `turn` (a request to /api/messages, up to its answer),
 * `job:<kind>` (a job's claim, its work and its finish, however it was found), `poll` (looking for
 * due jobs). Anything else (the instances' heartbeats, start-up, pages) has no scope. It is carried
 * by the async context of the work, never stored, and nothing but the count reads it.
 */
export type StoreScope = 'turn' | 'poll' | `job:${string}`;

const current = new AsyncLocalStorage<StoreScope>();

/** Runs `work` (and everything it starts) in this scope. */
export function inStoreScope<T>(scope: StoreScope, work: () => T): T {
  return current.run(scope, work);
}

/** The scope of the work running now, if any. */
export function storeScope(): StoreScope | undefined {
  return current.getStore();
}
