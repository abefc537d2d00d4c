import { bucketOf, type JobDoc } from '../../bot/jobs/job';
import type { Deps } from '../../bot/services/ports';

/**
 * How many jobs due by now (or within `aheadSeconds`: a coalesced rerun waits its spacing, on a
 * clock that moves) are still ready or running, among those due in the hours of the last day (the
 * hours a poll looks at). One query over the whole jobs container (tests only: it reads every
 * partition); an open job always has its due entry (it is written first), so the jobs are counted
 * without reading their entries, hour by hour.
 */
export async function openJobs(deps: Deps, aheadSeconds = 5): Promise<number> {
  return (await openJobList(deps, aheadSeconds)).length;
}

/** The jobs `openJobs` counts. */
export async function openJobList(deps: Deps, aheadSeconds = 5): Promise<JobDoc[]> {
  const now = deps.now();
  const found = await deps.stores.jobs.query<JobDoc>({
    name: 'test.openJobs',
    sql: "SELECT * FROM c WHERE c.type = 'job' AND (c.state = 'ready' OR c.state = 'running') AND c.due >= @oldest AND c.due <= @newest AND c.dueAt <= @soon",
    parameters: { oldest: bucketOf(now.minus({ days: 1 })), newest: bucketOf(now), soon: now.plus({ seconds: aheadSeconds }).toUTC().toISO()! },
  });
  return found.map(({ doc }) => doc);
}
