import type { DateTime } from 'luxon';
import { AlreadyExistsError, ConcurrencyError, update, upsert, type DocumentStore } from '../store/port';
import { askedAgain, bucketOf, newJob, settledBefore, type JobHead, type JobRef, type JobsDoc, type JobDoc } from './job';

/** What a service asks for: a kind of work, what it is about, and from when. */
export interface JobRequest<P> {
  kind: string;
  /**
   * Names the work within its kind. Together with `dueAt` it identifies the job: asking for the
   * same key and due time again is a no-op, so both must come from stored facts (a meeting id
   * and the plan revision sent, the instant it was sent), never from the moment of asking.
   */
  key: string;
  payload: P;
  dueAt: DateTime;
  maxAttempts: number;
  /** Asking again re-arms a finished job, or has a running one run once more (e.g. a status card). */
  coalesce?: boolean;
  /** For a coalescing job: the least time between two runs, so a burst of asks makes few runs. */
  spacingMs?: number;
}

/** Enqueues work after an answer; the runner (`runner.ts`) does it. */
export interface JobQueue {
  /** Stores the job (idempotent) and returns where it is; durable before it returns. */
  enqueue<P>(request: JobRequest<P>): Promise<JobRef>;
  /** Starts a stored job without waiting for the next poll, if this instance can (a hint: the poll is the guarantee). */
  runSoon(ref: JobRef): void;
}

/** Stores jobs in the jobs container. */
export class StoredJobQueue {
  constructor(
    private readonly store: DocumentStore<JobsDoc>,
    private readonly now: () => DateTime,
  ) {}

  async enqueue<P>(request: JobRequest<P>): Promise<JobRef> {
    const now = this.now();
    const job = newJob(request, now);
    const ref = { bucket: job.bucket, id: job.id };
    // Asked again is the common case for a coalescing job (a burst of answers): read first, most often nothing to write.
    const existing = await this.store.read(job.bucket, job.id);
    if (existing) {
      await update(this.store, job.bucket, job.id, (doc) => askedAgain(doc as JobDoc<P>, !!request.coalesce, request.payload, now), 20);
    } else {
      try {
        await this.store.create(job);
      } catch (err) {
        if (!(err instanceof AlreadyExistsError)) throw err;
        await update(this.store, job.bucket, job.id, (doc) => askedAgain(doc as JobDoc<P>, !!request.coalesce, request.payload, now), 20);
      }
    }
    // A job due in an hour pollers may already have passed: bring the head back to it.
    if (job.bucket < settledBefore(now)) await this.lowerHead(job.bucket);
    return ref;
  }

  /** Moves the head back to `bucket` (always writing, so a poller moving it forward at the same time fails and looks again). */
  private async lowerHead(bucket: string): Promise<void> {
    const at = this.now().toUTC().toISO()!;
    await upsert(this.store, 'head', 'head', (doc): JobHead => {
      const head = doc as JobHead | undefined;
      return { type: 'head', id: 'head', bucket: 'head', oldest: head && head.oldest < bucket ? head.oldest : bucket, updatedAt: at };
    });
  }
}

/** Reads the head, creating it at the current hour the first time. */
export async function readHead(store: DocumentStore<JobsDoc>, now: DateTime): Promise<{ head: JobHead; etag: string }> {
  for (;;) {
    const found = await store.read('head', 'head');
    if (found) return { head: found.doc as JobHead, etag: found.etag };
    const head: JobHead = { type: 'head', id: 'head', bucket: 'head', oldest: bucketOf(now), updatedAt: now.toUTC().toISO()! };
    try {
      const created = await store.create(head);
      return { head: created.doc as JobHead, etag: created.etag };
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
    }
  }
}

/** Moves the head forward from the version read; false when someone changed it meanwhile. */
export async function advanceHead(store: DocumentStore<JobsDoc>, read: { head: JobHead; etag: string }, oldest: string, now: DateTime): Promise<boolean> {
  try {
    await store.replace({ ...read.head, oldest, updatedAt: now.toUTC().toISO()! }, read.etag);
    return true;
  } catch (err) {
    if (err instanceof ConcurrencyError) return false;
    throw err;
  }
}
