import type { JobRef } from '../jobs/job';
import { jobType } from '../jobs/kind';
import type { Deps } from './ports';

/**
 * The job that keeps what follows from a meeting current after each change of it: its nudges
 * scheduled (or moved, or cancelled) and its line in the coordinators' overview (see `nudges.ts`).
 * Coalescing: a burst of changes makes a few runs, each from a fresh read.
 */
export const TRACK_JOB = jobType<{ meetingId: string }>({ kind: 'track', maxAttempts: 8, coalesce: true, spacingMs: 1000 });

/** Asks for a meeting's nudges and overview line to be brought up to date, after the answer. */
export function meetingChanged(deps: Pick<Deps, 'jobs' | 'now'>, meetingId: string): Promise<JobRef> {
  return deps.jobs.enqueue(TRACK_JOB, meetingId, { meetingId }, deps.now());
}
