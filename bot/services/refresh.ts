import type { JobRef } from '../jobs/job';
import { jobType } from '../jobs/kind';
import type { Deps } from './ports';

/** The job that brings a caseworker's status card up to date (see `status.ts`): at most one update per meeting every two seconds, so a burst of answers makes a few updates, within Teams' limits. */
export const STATUS_CARD_JOB = jobType<{ meetingId: string }>({ kind: 'status-card', maxAttempts: 5, coalesce: true, spacingMs: 2000 });

/** Asks for the caseworker's status card to be brought up to date (coalesced: many answers, few updates). */
export function requestStatusRefresh(deps: Deps, meetingId: string): Promise<JobRef> {
  return deps.jobs.enqueue(STATUS_CARD_JOB, meetingId, { meetingId }, deps.now());
}
