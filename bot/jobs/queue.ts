import type { DateTime } from 'luxon';
import { AlreadyExistsError, ConcurrencyError, update, upsert, type DocumentStore, type Versioned } from '../store/port';
import { askedAgain, cancelled, entryFor, jobRef, newJob, rescheduled, seenRef, settledBefore, type DueEntry, type JobDoc, type JobHead, type JobRef, type JobsDoc } from './job';
import type { JobType } from './kind';

/** Enqueues work after an answer; the runner (`runner.ts`) does it. */
export interface JobQueue {
  /**
   * Asks for the work (idempotent: asking again for the same kind and key is the same job, a
   * no-op unless the kind coalesces) and returns where it is; durable before it returns. `key`
   * must come from stored facts (a meeting id and the plan revision sent), never from the moment
   * of asking.
   */
  enqueue<P>(type: JobType<P>, key: string, payload: NoInfer<P>, dueAt: DateTime): Promise<JobRef>;
  /**
   * Makes the job of this kind and key due at `dueAt` with this payload: created, or moved (the
   * same job, whatever hour it was due in), or made ready again when it had finished, died or was
   * cancelled; a running one runs once more at `dueAt` when it ends.
   */
  schedule<P>(type: JobType<P>, key: string, payload: NoInfer<P>, dueAt: DateTime): Promise<JobRef>;
  /** Cancels the job of this kind and key if it is still to be done (a running one stops at its next write); true when it was. */
  cancel(type: JobType<any>, key: string): Promise<boolean>;
  /** Starts a stored job without waiting for the next poll, if this instance can (a hint: the poll is the guarantee). */
  runSoon(ref: JobRef): void;
}

/** Stores jobs in the jobs container: each job in its own partition, with a due entry in the hour it falls due. */
export class StoredJobQueue {
  constructor(
    private readonly store: DocumentStore<JobsDoc>,
    private readonly now: () => DateTime,
  ) {}

  async enqueue<P>(type: JobType<P>, key: string, payload: P, dueAt: DateTime): Promise<JobRef> {
    return this.write(type, key, payload, dueAt, (job, now) => askedAgain(job, !!type.coalesce, payload, now));
  }

  async schedule<P>(type: JobType<P>, key: string, payload: P, dueAt: DateTime): Promise<JobRef> {
    return this.write(type, key, payload, dueAt, (job, now) => rescheduled(job, payload, dueAt, now));
  }

  async cancel(type: JobType<any>, key: string): Promise<boolean> {
    const ref = jobRef(type.kind, key);
    let changed = false;
    await update(this.store, ref.bucket, ref.id, (doc) => {
      const next = doc.type === 'job' ? cancelled(doc, this.now()) : undefined;
      changed = !!next;
      return next;
    });
    return changed;
  }

  /**
   * Creates the job or changes it from a fresh read, each write carrying the ETag it read. Whenever
   * the job is to be ready at a time, the due entry for that hour is written first, so a crash
   * between the two writes leaves at most a stale entry, never an open job no poller finds.
   */
  private async write<P>(type: JobType<P>, key: string, payload: P, dueAt: DateTime, change: (job: JobDoc<P>, now: DateTime) => JobDoc<P> | undefined): Promise<JobRef> {
    const ref = jobRef(type.kind, key);
    for (let attempt = 1; ; attempt++) {
      const now = this.now();
      const current = (await this.store.read(ref.bucket, ref.id)) as Versioned<JobDoc<P>> | undefined;
      const next = current ? change(current.doc, now) : newJob({ kind: type.kind, key, payload, dueAt, maxAttempts: type.maxAttempts, ...(type.spacingMs ? { spacingMs: type.spacingMs } : {}) }, now);
      // The ref carries what was read or written, so that `runSoon` need not read the job (or its entry) again.
      if (!next) return seenRef(ref, { job: current as Versioned<JobDoc> });
      try {
        const entry = next.state === 'ready' ? await this.ensureEntry(next, now) : undefined;
        const job = current ? await this.store.replace(next, current.etag) : await this.store.create(next);
        return seenRef(ref, { job: job as Versioned<JobDoc>, ...(entry ? { entry } : {}) });
      } catch (err) {
        const retry = err instanceof ConcurrencyError || err instanceof AlreadyExistsError;
        if (!retry || attempt >= 20) throw err;
      }
    }
  }

  /** Writes the due entry an open job needs (its ETag changes, so a poller's delete of the old version fails); returns it as written. */
  async ensureEntry(job: Pick<JobDoc, 'id' | 'dueAt'>, now: DateTime): Promise<Versioned<DueEntry> | undefined> {
    const entry = entryFor(job, now);
    let written: Versioned<JobsDoc> | undefined;
    try {
      written = await this.store.create(entry);
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
      written = await upsert(this.store, entry.bucket, entry.id, () => entry);
    }
    // A job due in an hour pollers may already have passed: bring the head back to it.
    if (entry.bucket < settledBefore(now)) await this.lowerHead(entry.bucket);
    return written as Versioned<DueEntry> | undefined;
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

/** Reads the head, creating it the first time at the hour pollers may not pass (an hour ago: a job due then is still found). */
export async function readHead(store: DocumentStore<JobsDoc>, now: DateTime): Promise<{ head: JobHead; etag: string }> {
  for (;;) {
    const found = await store.read('head', 'head');
    if (found) return { head: found.doc as JobHead, etag: found.etag };
    const head: JobHead = { type: 'head', id: 'head', bucket: 'head', oldest: settledBefore(now), updatedAt: now.toUTC().toISO()! };
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

/** Deletes a due entry as read, unless it changed since (a writer made it live again). */
export async function dropEntry(store: DocumentStore<JobsDoc>, entry: Versioned<DueEntry>): Promise<void> {
  await store.delete(entry.doc.bucket, entry.doc.id, entry.etag).catch((err: Error) => {
    if (!(err instanceof ConcurrencyError)) throw err;
  });
}
