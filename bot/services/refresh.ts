import type { JobRef } from '../jobs/job';
import type { Deps } from './ports';

/** The job kind that brings a caseworker's status card up to date (see `status.ts`). */
export const STATUS_CARD_JOB = 'status-card';

/** At most one status-card update per meeting in this time: a burst of answers makes a few updates, within Teams' limits. */
const SPACING_MS = 2000;

/** Asks for the caseworker's status card to be brought up to date (coalesced: many answers, few updates). */
export function requestStatusRefresh(deps: Deps, meetingId: string): Promise<JobRef> {
  return deps.jobs.enqueue({ kind: STATUS_CARD_JOB, key: meetingId, payload: { meetingId }, dueAt: deps.now(), maxAttempts: 5, coalesce: true, spacingMs: SPACING_MS });
}
