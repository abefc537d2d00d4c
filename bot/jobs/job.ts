import { DateTime } from 'luxon';

/**
 * Work Samråd does after it has answered someone (a delivery, a status-card update, a nudge),
 * as stored documents, and the pure rules for them: where a job is kept, when it may be
 * claimed, how long to wait before the next try. No I/O here; `queue.ts` and `runner.ts` do it.
 */

/** Where a job stands: `cancelled` when what it was for no longer applies (see `JobQueue.cancel`). */
export type JobState = 'ready' | 'running' | 'done' | 'dead' | 'cancelled';

/** The claim a bot instance holds on a running job; results are written only under it. */
export interface JobClaim {
  /** The instance that runs the job. */
  owner: string;
  /** Raised by each claim, so a writer that lost the job to another instance is recognised (fencing). */
  token: number;
  /** The claim expires then unless renewed; another instance may take the job over after it. */
  until: string;
}

/**
 * A job as stored in the jobs container, in a partition of its own named by its identity
 * (`jobPartition`): its kind and key, never the hour it falls due, so moving it to another time
 * (a nudge to tomorrow morning) is the same job, and it is found and cancelled by its key.
 */
export interface JobDoc<P = unknown, R = unknown> {
  type: 'job';
  /** `<kind>.<key>`: the same work asked for twice is the same job. */
  id: string;
  /** The partition: `job.<id>`. */
  bucket: string;
  kind: string;
  key: string;
  payload: P;
  state: JobState;
  /** Not to be run before this instant. */
  dueAt: string;
  /** The hour whose due entry (`DueEntry`) pollers find the job by while it is open. */
  due: string;
  /** Claims so far; each claim is one attempt. */
  attempts: number;
  maxAttempts: number;
  claim?: JobClaim;
  /** What the job has done so far, written under its claim, so a takeover resumes instead of starting over. */
  progress?: R;
  /** Asked for again while running: run once more when done (at `rerunAt`, or after the spacing). */
  rerun?: boolean;
  /** When the run asked for while it ran is due (a job moved while it ran). */
  rerunAt?: string;
  /** For a coalescing kind: the least time between two runs. */
  spacingMs?: number;
  /** The name of the last error, never its message (it may hold data). */
  lastError?: string;
  createdAt: string;
  updatedAt: string;
  /** Finished jobs are kept for a while (Cosmos DB `ttl`), so asking again within it is still a no-op. */
  ttl?: number;
}

/**
 * Where pollers find an open job: one small document in the partition of the hour the job falls
 * due (`bucketOf`), so a poll reads only the hours up to now, never the jobs due later. Its
 * `dueAt` is the earliest a poller needs to look at the job again. It is written before the job
 * points at it (`JobDoc.due`), so an open job always has one; one the job no longer points at is
 * stale, and the poller that meets it deletes it once it is older than ENTRY_SETTLE_MS.
 */
export interface DueEntry {
  type: 'due';
  /** The job's id. */
  id: string;
  /** The hour (partition). */
  bucket: string;
  dueAt: string;
  updatedAt: string;
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
export type JobsDoc = JobDoc | DueEntry | JobHead;

/** What names a job in the store. */
export interface JobRef {
  bucket: string;
  id: string;
  /**
   * The job as the enqueue that returned this ref last wrote or read it (with its ETag), and the due
   * entry it wrote: passed along within the turn so that `runSoon` claims from it without reading
   * either again. Never stored (not enumerable: JSON and comparisons of refs leave it out); a claim
   * from a version that is no longer current fails on its ETag.
   */
  readonly seen?: { job: { doc: JobDoc; etag: string }; entry?: { doc: DueEntry; etag: string } };
}

/** The ref with what was just read or written of its job (see `JobRef.seen`). */
export function seenRef(ref: JobRef, seen: NonNullable<JobRef['seen']>): JobRef {
  return Object.defineProperty({ bucket: ref.bucket, id: ref.id }, 'seen', { value: seen, enumerable: false });
}

/** How long a claim lasts without renewal; a stopped instance's job is taken over after it. */
export const LEASE_MS = 10_000;
/** How often a running job renews its claim. */
export const RENEW_MS = 3_000;
/** How long a finished job is kept (seconds). */
export const FINISHED_TTL_SECONDS = 7 * 24 * 3600;
/** Pollers never move the head past hours younger than this, so a job created at the turn of an hour is never skipped. */
export const HEAD_MARGIN_HOURS = 1;
/** A due entry the job does not point at is left alone this long: its job may be being written right now. */
export const ENTRY_SETTLE_MS = 60_000;

/** The partition of a job: its identity, never its time. */
export function jobPartition(id: string): string {
  return `job.${id}`;
}

/** Where the job of this kind and key is stored. */
export function jobRef(kind: string, key: string): JobRef {
  const id = `${kind}.${key}`;
  return { bucket: jobPartition(id), id };
}

/** The hour partition of due entries for this instant: its hour in UTC, e.g. `2026-11-23T18`. */
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
  const ref = jobRef(spec.kind, spec.key);
  return {
    type: 'job',
    id: ref.id,
    bucket: ref.bucket,
    kind: spec.kind,
    key: spec.key,
    payload: spec.payload,
    state: 'ready',
    dueAt: spec.dueAt.toUTC().toISO()!,
    due: bucketOf(spec.dueAt),
    attempts: 0,
    maxAttempts: spec.maxAttempts,
    ...(spec.spacingMs ? { spacingMs: spec.spacingMs } : {}),
    createdAt: at,
    updatedAt: at,
  };
}

/** The due entry an open job needs: in the hour of its `dueAt`. */
export function entryFor(job: Pick<JobDoc, 'id' | 'dueAt'>, now: DateTime): DueEntry {
  return { type: 'due', id: job.id, bucket: bucketOf(DateTime.fromISO(job.dueAt, { zone: 'utc' })), dueAt: job.dueAt, updatedAt: now.toUTC().toISO()! };
}

/** True while a job is still to be done (ready or running). */
export function open(job: JobDoc): boolean {
  return job.state === 'ready' || job.state === 'running';
}

/**
 * What a poller does with a due entry, given its job as read: `claim` it, `defer` the entry to
 * the instant the job can next be claimed, `delete` it (stale and settled), or `skip` it for now.
 */
export function entryVerdict(entry: DueEntry, job: JobDoc | undefined, now: DateTime): { action: 'claim' } | { action: 'defer'; until: string } | { action: 'delete' } | { action: 'skip' } {
  const live = !!job && open(job) && job.due === entry.bucket;
  if (!live) {
    const settled = DateTime.fromISO(entry.updatedAt, { zone: 'utc' }).plus({ milliseconds: ENTRY_SETTLE_MS }) <= now;
    return settled ? { action: 'delete' } : { action: 'skip' };
  }
  if (claimable(job, now)) return { action: 'claim' };
  const until = job.state === 'running' ? job.claim?.until : job.dueAt;
  return until && until > entry.dueAt ? { action: 'defer', until } : { action: 'skip' };
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

/**
 * The job after its work is done: finished; ready again when it was asked for again meanwhile
 * (at `rerunAt`, or after its spacing); or ready at `next` for a recurring job.
 */
export function finished<P, R>(job: JobDoc<P, R>, now: DateTime, next?: DateTime): JobDoc<P, R> {
  const at = now.toUTC().toISO()!;
  const again = job.rerun ? (job.rerunAt ?? now.plus({ milliseconds: job.spacingMs ?? 0 }).toUTC().toISO()!) : next?.toUTC().toISO();
  if (again) {
    return { ...job, state: 'ready', rerun: false, rerunAt: undefined, attempts: 0, claim: undefined, progress: undefined, lastError: undefined, dueAt: again, due: bucketOf(DateTime.fromISO(again, { zone: 'utc' })), updatedAt: at };
  }
  return { ...job, state: 'done', claim: undefined, updatedAt: at, ttl: FINISHED_TTL_SECONDS };
}

/** The job after a failed attempt: tried again after a pause, or a dead letter when out of attempts. */
export function failed<P, R>(job: JobDoc<P, R>, error: string, now: DateTime): JobDoc<P, R> {
  const at = now.toUTC().toISO()!;
  if (job.attempts >= job.maxAttempts) return { ...job, state: 'dead', claim: undefined, lastError: error, updatedAt: at, ttl: FINISHED_TTL_SECONDS };
  const dueAt = now.plus({ milliseconds: backoffMs(job.attempts) });
  return { ...job, state: 'ready', claim: undefined, lastError: error, dueAt: dueAt.toUTC().toISO()!, due: bucketOf(dueAt), updatedAt: at };
}

/** The job cancelled by its key: it will not run (again); a running one stops at its next write. */
export function cancelled<P, R>(job: JobDoc<P, R>, now: DateTime): JobDoc<P, R> | undefined {
  if (job.state === 'done' || job.state === 'dead' || job.state === 'cancelled') return undefined;
  return { ...job, state: 'cancelled', claim: undefined, rerun: false, rerunAt: undefined, updatedAt: now.toUTC().toISO()!, ttl: FINISHED_TTL_SECONDS };
}

/**
 * The stored job moved to `dueAt` with this payload (`JobQueue.schedule`): the same job, ready at
 * the new time, whether it was waiting, finished, dead or cancelled; a running one runs once more
 * at that time after it ends. Undefined when nothing changes.
 */
export function rescheduled<P, R>(job: JobDoc<P, R>, payload: P, dueAt: DateTime, now: DateTime): JobDoc<P, R> | undefined {
  const at = now.toUTC().toISO()!;
  const iso = dueAt.toUTC().toISO()!;
  const samePayload = JSON.stringify(job.payload) === JSON.stringify(payload);
  if (job.state === 'running') return job.rerun && job.rerunAt === iso && samePayload ? undefined : { ...job, rerun: true, rerunAt: iso, payload, updatedAt: at };
  if (job.state === 'ready' && job.dueAt === iso && samePayload) return undefined;
  return { ...job, state: 'ready', payload, dueAt: iso, due: bucketOf(dueAt), attempts: 0, claim: undefined, progress: undefined, rerun: false, rerunAt: undefined, lastError: undefined, ttl: undefined, updatedAt: at };
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
    case 'dead':
    case 'cancelled': {
      // Not sooner than the spacing after the last run.
      const earliest = DateTime.fromISO(job.updatedAt, { zone: 'utc' }).plus({ milliseconds: job.spacingMs ?? 0 });
      const dueAt = (earliest > now ? earliest : now).toUTC().toISO()!;
      return { ...job, state: 'ready', attempts: 0, payload, dueAt, due: bucketOf(DateTime.fromISO(dueAt, { zone: 'utc' })), progress: undefined, claim: undefined, rerun: false, lastError: undefined, ttl: undefined, updatedAt: at };
    }
  }
}
