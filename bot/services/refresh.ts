import type { JobRef } from '../jobs/job';
import type { Deps } from './ports';

/** The job kind that brings a caseworker's status card up to date (see `status.ts`). */
export const STATUS_CARD_JOB = 'status-card';

/** Asks for the caseworker's status card to be brought up to date (coalesced: many answers, few updates). */
export function requestStatusRefresh(deps: Deps, meetingId: string): Promise<JobRef> {
  return deps.jobs.enqueue({ kind: STATUS_CARD_JOB, key: meetingId, payload: { meetingId }, dueAt: deps.now(), maxAttempts: 5, coalesce: true });
}
