import type { NamedQuery } from '../store/port';
import type { DueEntry } from './job';

/**
 * The queries of the jobs container, by name (see `store/queries.ts` for the others). Each reads
 * one hour's partition of due entries, so its cost follows what falls due in that hour, never the
 * number of jobs or meetings stored.
 */
export const jobQueries = {
  /** Due entries of one hour whose time has come, earliest first. */
  dueEntries(bucket: string, nowIso: string, limit: number): NamedQuery<DueEntry> {
    return {
      name: 'jobs.due',
      partition: bucket,
      sql: "SELECT TOP @limit * FROM c WHERE c.type = 'due' AND c.dueAt <= @now ORDER BY c.dueAt",
      parameters: { limit, now: nowIso },
    };
  },

  /** Whether one hour still has any due entry (an open job, or a stale entry not yet deleted). */
  anyEntry(bucket: string): NamedQuery<DueEntry> {
    return { name: 'jobs.open', partition: bucket, sql: "SELECT TOP 1 * FROM c WHERE c.type = 'due'", parameters: {} };
  },

  /** Every due entry of one hour (tests and the operator: how much is waiting). */
  entries(bucket: string): NamedQuery<DueEntry> {
    return { name: 'jobs.entries', partition: bucket, sql: "SELECT * FROM c WHERE c.type = 'due'", parameters: {} };
  },
};
