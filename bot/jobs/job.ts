import { DateTime } from 'luxon';

/**
 * Work Samråd does after it has answered someone (a delivery, a status-card update, a nudge),
 * as stored documents, and the pure rules for them: where a job is kept, when it may be
 * claimed, how long to wait before the next try. No I/O here; `queue.ts` and `runner.ts` do it.
 */

/** Where a job stands. */
export type JobState = 'ready' | 'running' | 'done' | 'dead';

/** The claim a bot instance holds on a running job; results are written only under it. */
export interface JobClaim {
  /** The instance that runs the job. */
  owner: string;
  /** Raised by each claim, so a writer that lost the job to another instance is recognised (fencing). */
  token: number;
  /** The claim expires then unless renewed; another instance may take the job over after it. */
  until: string;
}

/** A job as stored in the jobs container. */
export interface JobDoc<P = unknown, R = unknown> {
  type: 'job';
  /** `<kind>.<key>`: the same work asked for twice is the same job. */
  id: string;
  /** The partition: the hour the job first fell due (see `bucketOf`). */
  bucket: string;
  kind: string;
  key: string;
  payload: P;
  state: JobState;
  /** Not to be run before this instant. */
  dueAt: string;
  /** Claims so far; each claim is one attempt. */
  attempts: number;
  maxAttempts: number;
  claim?: JobClaim;
  /** What the job has done so far, written under its claim, so a takeover resumes instead of starting over. */
  progress?: R;
  /** Asked for again while running: run once more when done (coalescing kinds). */
  rerun?: boolean;
  /** For a coalescing kind: the least time between two runs. */
  spacingMs?: number;
  /** The name of the last error, never its message (it may hold data). */
  lastError?: string;
  createdAt: string;
  updatedAt: string;
  /** Finished jobs are kept for a while (Cosmos DB `ttl`), so asking again within it is still a no-op. */
  ttl?: number;
}

/** The oldest hour that may still hold a job to do; pollers look from it to now. */
export interface JobHead {
  type: 'head';
  id: 'head';
  bucket: 'head';
  oldest: string;
  updatedAt: string;
}

/** Every document in the jobs container. */
export type JobsDoc = JobDoc | JobHead;

/** What names a job in the store. */
export interface JobRef {
  bucket: string;
  id: string;
}

/** How long a claim lasts without renewal; a stopped instance's job is taken over after it. */
export const LEASE_MS = 10_000;
/** How often a running job renews its claim. */
export const RENEW_MS = 3_000;
/** How long a finished job is kept (seconds). */
export const FINISHED_TTL_SECONDS = 7 * 24 * 3600;
/** Pollers never move the head past hours younger than this, so a job created at the turn of an hour is never skipped. */
export const HEAD_MARGIN_HOURS = 1;

/** The partition of a job due at this instant: its hour in UTC, e.g. `2026-11-23T18`. */
export function bucketOf(instant: DateTime): string {
  return instant.toUTC().toFormat("yyyy-MM-dd'T'HH");
}

/** The hours from `oldest` up to and including `newest`, at most `max` of them. */
export function bucketsBetween(oldest: string, newest: string, max: number): string[] {
  const out: string[] = [];
  let at = DateTime.fromISO(`${oldest}:00:00Z`, { zone: 'utc' });
  const end = DateTime.fromISO(`${newest}:00:00Z`, { zone: 'utc' });
  if (!at.isValid || !end.isValid) return [newest];
  while (at <= end && out.length < max) {
    out.push(bucketOf(at));
    at = at.plus({ hours: 1 });
  }
  return out;
}

/** The hour before which the head may be moved: anything older is settled. */
export function settledBefore(now: DateTime): string {
  return bucketOf(now.minus({ hours: HEAD_MARGIN_HOURS }));
}

/** A new job, ready at `dueAt`. */
export function newJob<P>(spec: { kind: string; key: string; payload: P; dueAt: DateTime; maxAttempts: number; spacingMs?: number }, now: DateTime): JobDoc<P> {
  const at = now.toUTC().toISO()!;
  return {
    type: 'job',
    id: `${spec.kind}.${spec.key}`,
    bucket: bucketOf(spec.dueAt),
    kind: spec.kind,
    key: spec.key,
    payload: spec.payload,
    state: 'ready',
    dueAt: spec.dueAt.toUTC().toISO()!,
    attempts: 0,
    maxAttempts: spec.maxAttempts,
    ...(spec.spacingMs ? { spacingMs: spec.spacingMs } : {}),
    createdAt: at,
    updatedAt: at,
  };
}

/** True when an instance may claim the job now: ready and due, or running under an expired claim. */
export function claimable(job: JobDoc, now: DateTime): boolean {
  const at = now.toUTC().toISO()!;
  if (job.state === 'ready') return job.dueAt <= at;
  if (job.state === 'running') return !job.claim || job.claim.until <= at;
  return false;
}

/** The job claimed by `owner`, or undefined when it cannot be claimed now. */
export function claim<P, R>(job: JobDoc<P, R>, owner: string, now: DateTime, leaseMs = LEASE_MS): JobDoc<P, R> | undefined {
  if (!claimable(job, now)) return undefined;
  const attempts = job.attempts + 1;
  const token = (job.claim?.token ?? 0) + 1;
  return { ...job, state: 'running', attempts, claim: { owner, token, until: now.plus({ milliseconds: leaseMs }).toUTC().toISO()! }, updatedAt: now.toUTC().toISO()! };
}

/** True while this claim is the job's current one. */
export function holds(job: JobDoc, claimHeld: JobClaim): boolean {
  return job.state === 'running' && job.claim?.owner === claimHeld.owner && job.claim.token === claimHeld.token;
}

/** The claim extended from now. */
export function renewed<P, R>(job: JobDoc<P, R>, now: DateTime, leaseMs = LEASE_MS): JobDoc<P, R> {
  return { ...job, claim: { ...job.claim!, until: now.plus({ milliseconds: leaseMs }).toUTC().toISO()! }, updatedAt: now.toUTC().toISO()! };
}

/** How long to wait before attempt `attempt + 1`: 2 s, 4 s, 8 s … at most five minutes. */
export function backoffMs(attempt: number): number {
  return Math.min(300_000, 1000 * 2 ** Math.max(1, attempt));
}

/** The job after its work is done: finished, or ready again at once when it was asked for again meanwhile. */
export function finished<P, R>(job: JobDoc<P, R>, now: DateTime): JobDoc<P, R> {
  const at = now.toUTC().toISO()!;
  if (job.rerun) {
    const dueAt = now.plus({ milliseconds: job.spacingMs ?? 0 }).toUTC().toISO()!;
    return { ...job, state: 'ready', rerun: false, attempts: 0, claim: undefined, dueAt, updatedAt: at };
  }
  return { ...job, state: 'done', claim: undefined, updatedAt: at, ttl: FINISHED_TTL_SECONDS };
}

/** The job after a failed attempt: tried again after a pause, or a dead letter when out of attempts. */
export function failed<P, R>(job: JobDoc<P, R>, error: string, now: DateTime): JobDoc<P, R> {
  const at = now.toUTC().toISO()!;
  if (job.attempts >= job.maxAttempts) return { ...job, state: 'dead', claim: undefined, lastError: error, updatedAt: at, ttl: FINISHED_TTL_SECONDS };
  const dueAt = now.plus({ milliseconds: backoffMs(job.attempts) }).toUTC().toISO()!;
  return { ...job, state: 'ready', claim: undefined, lastError: error, dueAt, updatedAt: at };
}

/**
 * The stored job when the same work is asked for again: unchanged (a no-op) unless the kind
 * coalesces, in which case a finished job is made ready again and a running one is marked to
 * run once more, so what was asked for after it started is not missed.
 */
export function askedAgain<P, R>(job: JobDoc<P, R>, coalesce: boolean, payload: P, now: DateTime): JobDoc<P, R> | undefined {
  if (!coalesce) return undefined;
  const at = now.toUTC().toISO()!;
  switch (job.state) {
    case 'ready':
      return undefined;
    case 'running':
      return job.rerun ? undefined : { ...job, rerun: true, payload, updatedAt: at };
    case 'done':
    case 'dead': {
      // Not sooner than the spacing after the last run.
      const earliest = DateTime.fromISO(job.updatedAt, { zone: 'utc' }).plus({ milliseconds: job.spacingMs ?? 0 });
      const dueAt = (earliest > now ? earliest : now).toUTC().toISO()!;
      return { ...job, state: 'ready', attempts: 0, payload, dueAt, rerun: false, lastError: undefined, ttl: undefined, updatedAt: at };
    }
  }
}
