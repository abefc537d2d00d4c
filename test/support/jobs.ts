import { bucketOf, bucketsBetween, jobPartition, open, type JobDoc } from '../../bot/jobs/job';
import { jobQueries } from '../../bot/jobs/queries';
import type { Deps } from '../../bot/services/ports';

/**
 * How many jobs due by now (or within `aheadSeconds`: a coalesced rerun waits its spacing, on a
 * clock that moves) are still ready or running, found by their due entries of the last day (tests
 * only: it reads many partitions).
 */
export async function openJobs(deps: Deps, aheadSeconds = 5): Promise<number> {
  const now = deps.now();
  const soon = now.plus({ seconds: aheadSeconds }).toUTC().toISO()!;
  let count = 0;
  for (const bucket of bucketsBetween(bucketOf(now.minus({ days: 1 })), bucketOf(now), 48)) {
    for (const entry of await deps.stores.jobs.query(jobQueries.entries(bucket))) {
      const job = (await deps.stores.jobs.read(jobPartition(entry.doc.id), entry.doc.id))?.doc as JobDoc | undefined;
      if (job && open(job) && job.due === bucket && job.dueAt <= soon) count++;
    }
  }
  return count;
}
