/**
 * A kind of job, declared once with its payload type. Asking for work takes the declaration, not
 * a name: a kind that was never declared cannot be asked for, and a payload of the wrong shape
 * does not compile.
 *
 * ```ts
 * export const NUDGE = jobType<NudgePayload>({ kind: 'nudge', maxAttempts: 8 });
 * await deps.jobs.schedule(NUDGE, key, { meetingId, nudge }, at);   // typed payload
 * jobs.start([jobKind(NUDGE, (context) => sendNudge(deps, context))]); // the work, typed alike
 * ```
 */
export interface JobType<P> {
  /** The name stored in each job; unique among the declarations. */
  readonly kind: string;
  /** Attempts before a job is a dead letter (with growing pauses between them). */
  readonly maxAttempts: number;
  /** Asking again re-arms a finished job, or has a running one run once more (e.g. a status card). */
  readonly coalesce?: boolean;
  /** For a coalescing kind: the least time between two runs, so a burst of asks makes few runs. */
  readonly spacingMs?: number;
  /** Carries the payload type only (never set). */
  readonly payload?: (payload: P) => void;
}

/** Declares a kind of job with its payload type. */
export function jobType<P>(spec: { kind: string; maxAttempts: number; coalesce?: boolean; spacingMs?: number }): JobType<P> {
  return { ...spec };
}
