import { DateTime } from 'luxon';
import { ConcurrencyError, type DocumentStore, type Versioned } from '../store/port';
import type { Logger } from '../log';
import type { Telemetry } from '../telemetry/port';
import {
  bucketOf,
  bucketsBetween,
  claim,
  entryVerdict,
  failed,
  finished,
  holds,
  jobPartition,
  open,
  renewed,
  settledBefore,
  entryFor,
  seenRef,
  LEASE_MS,
  RENEW_MS,
  type DueEntry,
  type JobClaim,
  type JobDoc,
  type JobRef,
  type JobsDoc,
} from './job';
import type { JobType } from './kind';
import { advanceHead, dropEntry, readHead, StoredJobQueue, type JobQueue } from './queue';
import { jobQueries } from './queries';
import { inStoreScope } from '../store/scope';

/** How long a claimed job runs before its due entry is moved to the end of its claim (see `JobRunner.run`). */
const DEFER_AFTER_MS = 1_000;

/**
 * Runs jobs: finds the ones due, claims each by ETag, renews the claim while the work runs and
 * lets the work write its results only while the claim is still its own.
 *
 * Guarantees, for every kind: a job is claimed by one instance at a time; after a crash (or an
 * instance that stopped renewing) another takes it over once the claim expires (LEASE_MS) and
 * resumes from the progress written under the claim. Work that is not idempotent on its own (a
 * Teams message has no idempotency key) is therefore done at least once; a kind that writes its
 * intent before each send (see `JobContext.save`) repeats at most the sends in flight when an
 * instance died: the one send, for a kind that sends one at a time; at most its concurrency for a
 * fan-out (`services/fanout.ts`: eight people at once, each to their own chat). Two live
 * instances never both do the same step: a step starts only after a write under the claim
 * succeeded, and a claim is renewed every RENEW_MS while it runs.
 */

/** Thrown by a write under a claim that is no longer this instance's: stop at once. */
export class LostClaimError extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} was taken over`);
    this.name = 'LostClaimError';
  }
}

/** What a job's work gets: the job as claimed and the one way to record what it has done. */
export interface JobContext<P, R> {
  readonly job: Readonly<JobDoc<P, R>>;
  /** What earlier attempts recorded, if anything. */
  readonly progress: R | undefined;
  /**
   * Records progress while the claim is held and renews it; throws LostClaimError otherwise.
   * Write the intent of a send before the send, and its outcome after it. Saves are written one
   * after another, in the order they were called, each with the whole progress given.
   */
  save(progress: R): Promise<void>;
}

/** What a run may ask for when it ends: a recurring job's next run, scheduled under its claim. */
export interface RunResult {
  next?: DateTime;
}

/** One kind of work: the declared type and what a job of it does. */
export interface JobKind<P = any, R = any> {
  type: JobType<P>;
  /** Does the work; throwing makes it try again after a pause, up to the job's maxAttempts. */
  run(context: JobContext<P, R>): Promise<RunResult | void>;
  /** Reports a job that gave up (a dead letter): it is not tried again. */
  onDead?(job: JobDoc<P, R>): Promise<void>;
}

/** The work of a declared kind, typed by its declaration. */
export function jobKind<P, R = unknown>(type: JobType<P>, run: (context: JobContext<P, R>) => Promise<RunResult | void>, onDead?: (job: JobDoc<P, R>) => Promise<void>): JobKind<P, R> {
  return { type, run, ...(onDead ? { onDead } : {}) };
}

export interface RunnerOptions {
  /** How long a claim lasts without renewal. */
  leaseMs?: number;
  /** How often to look for due jobs. */
  pollMs?: number;
  /** How many jobs one instance runs at once. */
  concurrency?: number;
  /** How many hours one poll looks through at most (after a long stop it catches up over several polls). */
  maxBuckets?: number;
  /** Hears how each job goes, by its kind: due (found ready here and tried), claimed, done, retried, dead, lost. */
  telemetry?: Pick<Telemetry, 'job'>;
}

/** The jobs of one bot instance: enqueues them for the services, and runs the due ones. */
export class JobRunner implements JobQueue {
  private readonly kinds = new Map<string, JobKind>();
  private readonly queue: StoredJobQueue;
  private readonly running = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private pollAgain = false;
  /** The last poll found more due than it had room for: the next poll comes as soon as half the slots are free. */
  private backlog = false;
  private stopped = false;
  private readonly pollMs: number;
  private readonly concurrency: number;
  private readonly maxBuckets: number;
  private readonly leaseMs: number;
  private readonly telemetry: Pick<Telemetry, 'job'>;

  constructor(
    private readonly store: DocumentStore<JobsDoc>,
    private readonly instanceId: string,
    private readonly now: () => DateTime,
    private readonly log: Logger,
    options: RunnerOptions = {},
  ) {
    this.queue = new StoredJobQueue(store, now);
    this.pollMs = options.pollMs ?? 2000;
    this.concurrency = options.concurrency ?? 8;
    this.maxBuckets = options.maxBuckets ?? 48;
    this.leaseMs = options.leaseMs ?? LEASE_MS;
    this.telemetry = options.telemetry ?? { job: () => {} };
  }

  enqueue<P>(type: JobType<P>, key: string, payload: NoInfer<P>, dueAt: DateTime): Promise<JobRef> {
    return this.queue.enqueue(type, key, payload, dueAt);
  }

  schedule<P>(type: JobType<P>, key: string, payload: NoInfer<P>, dueAt: DateTime): Promise<JobRef> {
    return this.queue.schedule(type, key, payload, dueAt);
  }

  cancel(type: JobType<any>, key: string): Promise<boolean> {
    return this.queue.cancel(type, key);
  }

  /** Starts running these kinds of jobs: polls at once, then every pollMs. */
  start(kinds: JobKind[]): void {
    for (const kind of kinds) this.kinds.set(kind.type.kind, kind);
    this.stopped = false;
    this.poll();
    this.timer = setInterval(() => this.poll(), this.pollMs);
    this.timer.unref();
  }

  /** Stops polling and waits for the jobs running here to reach a stop. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.polling;
    await Promise.allSettled([...this.running.values()]);
  }

  runSoon(ref: JobRef): void {
    if (this.stopped || this.running.has(ref.id)) return;
    // The enqueue that returned the ref has just read or written the job (and its entry): claimed from
    // that version, by its ETag, with no read; a version no longer current loses the claim quietly.
    if (ref.seen) {
      if (ref.seen.job.doc.type === 'job') this.tryClaim(ref.seen.job, ref.seen.entry);
      return;
    }
    void this.store
      .read(ref.bucket, ref.id)
      .then((found) => {
        if (found && found.doc.type === 'job') this.tryClaim(found as Versioned<JobDoc>, undefined);
      })
      .catch((err: Error) => this.log.warn('job.readFailed', { job: ref.id, error: err.name }));
  }

  /** Looks for due jobs now (a poll already under way is followed by one more). */
  poll(): void {
    if (this.stopped) return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    this.polling = inStoreScope('poll', () => this.pollOnce())
      .catch((err: Error) => this.log.warn('jobs.pollFailed', { error: err.name }))
      .finally(() => {
        this.polling = undefined;
        if (this.pollAgain) {
          this.pollAgain = false;
          this.poll();
        }
      });
  }

  /** Resolves when no job is running here and no poll is under way (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.polling || this.running.size > 0) {
      await this.polling;
      await Promise.allSettled([...this.running.values()]);
    }
  }

  private async pollOnce(): Promise<void> {
    const now = this.now();
    const head = await readHead(this.store, now);
    const current = bucketOf(now);
    const settled = settledBefore(now);
    let oldestOpen: string | undefined;
    // A head ahead of this instance's clock (another instance's clock runs ahead, or this one was set back):
    // look from this clock's settled hour, so nothing due by it is passed over.
    const from = head.head.oldest > current ? settled : head.head.oldest;
    const scanned = bucketsBetween(from, current, this.maxBuckets);
    let more = false;
    for (const bucket of scanned) {
      const free = this.concurrency - this.running.size;
      if (free > 0) {
        // A few more than there is room for: some may be running here, or stale.
        const due = await this.store.query(jobQueries.dueEntries(bucket, now.toUTC().toISO()!, free + 8));
        await Promise.all(due.map((entry) => this.consider(entry as Versioned<DueEntry>)));
        if (due.length > free) more = true;
      } else {
        more = true;
      }
      if (oldestOpen === undefined && bucket < settled) {
        const entries = await this.store.query(jobQueries.anyEntry(bucket));
        if (entries.length > 0) oldestOpen = bucket;
      } else if (oldestOpen === undefined) {
        oldestOpen = bucket;
      }
    }
    // After a long stop a poll reaches only part of the way to now: the head moves past what it looked at, no further.
    const lastScanned = scanned[scanned.length - 1];
    const beyondScan = lastScanned && lastScanned < current ? bucketOf(DateTime.fromISO(`${lastScanned}:00:00Z`, { zone: 'utc' }).plus({ hours: 1 })) : settled;
    const target = oldestOpen ?? (beyondScan < settled ? beyondScan : settled);
    if (target > head.head.oldest || from < head.head.oldest) await advanceHead(this.store, head, target, now);
    this.backlog = more;
  }

  /** Looks at the job a due entry names: claims it, defers the entry, repairs or deletes it. */
  private async consider(entry: Versioned<DueEntry>): Promise<void> {
    if (this.stopped || this.running.has(entry.doc.id)) return;
    const found = (await this.store.read(jobPartition(entry.doc.id), entry.doc.id)) as Versioned<JobDoc> | undefined;
    const job = found?.doc;
    const now = this.now();
    if (found && job && open(job) && job.due !== entry.doc.bucket) {
      // The job was moved (or a writer stopped between its two writes): its entry belongs in its own hour.
      await this.queue.ensureEntry(job, now);
      await dropEntry(this.store, entry);
      return;
    }
    const verdict = entryVerdict(entry.doc, job, now);
    if (verdict.action === 'claim') this.tryClaim(found!, entry);
    else if (verdict.action === 'delete') await dropEntry(this.store, entry);
    else if (verdict.action === 'defer') await this.store.replace({ ...entry.doc, dueAt: verdict.until }, entry.etag).catch(() => undefined);
  }

  /** Claims the job as read (by its ETag) and runs it; another instance's newer write wins quietly. */
  private tryClaim(found: Versioned<JobDoc>, entry: Versioned<DueEntry> | undefined): void {
    const job = found.doc;
    if (this.stopped || this.running.has(job.id) || this.running.size >= this.concurrency) return;
    const kind = this.kinds.get(job.kind);
    if (!kind) return;
    const claimed = claim(job, this.instanceId, this.now(), this.leaseMs);
    if (!claimed) return;
    this.telemetry.job(kind.type.kind, 'due');
    let again: JobRef['seen'];
    // The claim, the work and the finish count as the job's store requests, however it was found (`store/scope.ts`).
    const run = inStoreScope(`job:${kind.type.kind}`, () =>
      this.store.replace(claimed, found.etag).then(
        async (held) => {
          this.telemetry.job(kind.type.kind, 'claimed');
          again = await this.run(kind, held as Versioned<JobDoc>, entry);
        },
        (err: Error) => {
          if (!(err instanceof ConcurrencyError)) this.log.warn('job.claimFailed', { job: job.id, error: err.name });
        },
      ),
    ).finally(() => {
      this.running.delete(job.id);
      // Asked for again while it ran: run it once more (it is ready and due now), from the version its finish wrote.
      if (again) this.runSoon(seenRef({ bucket: job.bucket, id: job.id }, again));
      // More is due than there was room for (a morning's nudges): fill the free slots now, not at the next tick.
      else if (this.backlog && this.running.size <= this.concurrency / 2) this.poll();
    });
    this.running.set(job.id, run);
  }

  /**
   * Moves a claimed job's due entry to when its claim ends, so other pollers look again only if
   * this instance stops; returns the entry as written (its ETag lets the finish delete exactly it).
   */
  private async deferEntry(job: JobDoc, entry: Versioned<DueEntry> | undefined): Promise<Versioned<DueEntry> | undefined> {
    try {
      const current = entry ?? ((await this.store.read(job.due, job.id)) as Versioned<DueEntry> | undefined);
      if (!current || current.doc.bucket !== job.due) return undefined;
      return (await this.store.replace({ ...current.doc, dueAt: job.claim!.until }, current.etag)) as Versioned<DueEntry>;
    } catch {
      return undefined;
    }
  }

  /**
   * Runs a claimed job to its end; returns the job as its finish wrote it (and its entry) when it is
   * to run once more at once. The due entry it was found by is moved to the end of the claim only
   * when the work takes longer than DEFER_AFTER_MS (or at once, when the entry is not at hand and
   * must be read): most jobs finish sooner, and their entry is deleted as it was found.
   */
  private async run(kind: JobKind, held: Versioned<JobDoc>, entry: Versioned<DueEntry> | undefined): Promise<JobRef['seen']> {
    const claimHeld = held.doc.claim!;
    const writer = new ClaimedWriter(this.store, held, claimHeld, this.now, this.leaseMs);
    const renewal = setInterval(() => void writer.renew().catch(() => undefined), Math.min(RENEW_MS, this.leaseMs / 3));
    renewal.unref();
    let deferring: Promise<Versioned<DueEntry> | undefined> | undefined = entry ? undefined : this.deferEntry(held.doc, undefined);
    const defer = setTimeout(() => (deferring ??= this.deferEntry(held.doc, entry)), DEFER_AFTER_MS);
    defer.unref();
    /** The entry as this run last wrote (or found) it. */
    const deferred = async () => {
      clearTimeout(defer);
      return deferring ? await deferring : entry;
    };
    const started = Date.now();
    try {
      const result = await kind.run({
        job: held.doc,
        progress: held.doc.progress,
        save: async (progress) => {
          await writer.write((doc) => ({ ...doc, progress }));
        },
      });
      clearInterval(renewal);
      const done = await writer.write((doc) => finished(doc, this.now(), result?.next));
      const entryNow = await this.settleEntry(done, await deferred());
      this.log.info('job.done', { job: held.doc.id, kind: kind.type.kind, attempt: claimHeld.token, ms: Date.now() - started });
      this.telemetry.job(kind.type.kind, 'done', Date.now() - started);
      return done.state === 'ready' && done.dueAt <= this.now().toUTC().toISO()! ? { job: writer.current, ...(entryNow ? { entry: entryNow } : {}) } : undefined;
    } catch (err) {
      clearInterval(renewal);
      clearTimeout(defer);
      if (err instanceof LostClaimError) {
        this.log.warn('job.lost', { job: held.doc.id, kind: kind.type.kind });
        this.telemetry.job(kind.type.kind, 'lost', Date.now() - started);
        return undefined;
      }
      const name = (err as Error).name || 'Error';
      const after = await writer.write((doc) => failed(doc, name, this.now())).catch((e: Error) => {
        this.log.warn('job.failWriteFailed', { job: held.doc.id, error: e.name });
        return undefined;
      });
      if (after) await this.settleEntry(after, await deferred()).catch(() => undefined);
      this.telemetry.job(kind.type.kind, after?.state === 'dead' ? 'dead' : 'retried', Date.now() - started);
      if (after?.state === 'dead') {
        this.log.error('job.dead', { job: held.doc.id, kind: kind.type.kind, attempts: after.attempts, error: name });
        await kind.onDead?.(after).catch((e: Error) => this.log.error('job.onDeadFailed', { job: held.doc.id, error: e.name }));
      } else {
        this.log.warn('job.retry', { job: held.doc.id, kind: kind.type.kind, attempt: claimHeld.token, error: name, dueAt: after?.dueAt });
      }
      return undefined;
    } finally {
      clearInterval(renewal);
      clearTimeout(defer);
    }
  }

  /**
   * After a run's last write: a job ready again has its entry in its hour; the entry the run was
   * claimed by goes when the job is finished or due in another hour (deleted only as this run
   * wrote it, so an entry a writer made live again stays). Returns the entry of a ready job as written.
   */
  private async settleEntry(job: JobDoc, entry: Versioned<DueEntry> | undefined): Promise<Versioned<DueEntry> | undefined> {
    let written: Versioned<DueEntry> | undefined;
    if (job.state === 'ready') {
      const now = this.now();
      // Due again in the hour of the entry this run holds (a rerun, a retry): that entry moved to the new time, by its ETag, in one write.
      if (entry && entry.doc.bucket === job.due && job.due >= settledBefore(now)) {
        written = (await this.store.replace(entryFor(job, now), entry.etag).catch(() => undefined)) as Versioned<DueEntry> | undefined;
      }
      written ??= await this.queue.ensureEntry(job, now);
    }
    if (entry && (!open(job) || job.due !== entry.doc.bucket)) await dropEntry(this.store, entry);
    return written;
  }
}

/**
 * Writes a claimed job, one write at a time, each only while the claim is still the one taken
 * (fencing): on an ETag conflict it reads the job again and gives up with LostClaimError if
 * another claim replaced this one. Every write renews the claim.
 */
class ClaimedWriter {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: DocumentStore<JobsDoc>,
    private latest: Versioned<JobDoc>,
    private readonly claimHeld: JobClaim,
    private readonly now: () => DateTime,
    private readonly leaseMs: number,
  ) {}

  /** The job as last written (or read) under the claim, with its ETag. */
  get current(): Versioned<JobDoc> {
    return this.latest;
  }

  /** Extends the claim. */
  renew(): Promise<JobDoc> {
    return this.write((doc) => doc);
  }

  /** Applies `change` to the job under the claim (the claim renewed), in order with other writes. */
  write(change: (doc: JobDoc) => JobDoc): Promise<JobDoc> {
    const next = this.chain.then(() => this.writeNow(change));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async writeNow(change: (doc: JobDoc) => JobDoc): Promise<JobDoc> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = this.latest.doc;
      if (!holds(current, this.claimHeld)) throw new LostClaimError(current.id);
      try {
        this.latest = (await this.store.replace(change(renewed(current, this.now(), this.leaseMs)), this.latest.etag)) as Versioned<JobDoc>;
        return this.latest.doc;
      } catch (err) {
        if (!(err instanceof ConcurrencyError)) throw err;
        const fresh = await this.store.read(current.bucket, current.id);
        if (!fresh || fresh.doc.type !== 'job') throw new LostClaimError(current.id);
        this.latest = fresh as Versioned<JobDoc>;
      }
    }
    throw new LostClaimError(this.latest.doc.id);
  }
}

