import { bucketOf, bucketsBetween } from '../../bot/jobs/job';
import { queries } from '../../bot/store/queries';
import type { Deps } from '../../bot/services/ports';

/** How many jobs are still ready or running in the last day's hours (tests only: it reads many partitions). */
export async function openJobs(deps: Deps): Promise<number> {
  const now = deps.now();
  let open = 0;
  for (const bucket of bucketsBetween(bucketOf(now.minus({ days: 1 })), bucketOf(now), 48)) {
    const rows = await deps.stores.jobs.query(queries.openJobs(bucket));
    open += rows.length;
  }
  return open;
}
