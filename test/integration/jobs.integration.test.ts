import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { bucketOf, jobPartition, type DueEntry, type JobDoc, type JobHead, type JobsDoc } from '../../bot/jobs/job';
import { jobType, type JobType } from '../../bot/jobs/kind';
import { jobKind, JobRunner, type JobKind } from '../../bot/jobs/runner';
import type { Logger } from '../../bot/log';
import { CosmosDocumentStore, cosmosClient, openContainers } from '../../bot/store/cosmos-store';
import { startEmbeddedCosmos, type EmbeddedCosmos } from '../../bot/store/embedded';
import type { DocumentStore } from '../../bot/store/port';
import { defineFanout, type FanoutProgress } from '../../bot/services/fanout';
import { until as waitUntil } from '../support/until';

/** A clock the test moves by hand. */
class Clock {
  at = DateTime.utc().startOf('second');
  readonly now = () => this.at;
  advance(seconds: number): void {
    this.at = this.at.plus({ seconds });
  }
}

/** A log that remembers events. */
function memoryLog(): Logger & { events: string[] } {
  const events: string[] = [];
  const push = (event: string) => void events.push(event);
  return { events, info: push, warn: push, error: push };
}

/** A gate a job's work waits at until the test opens it. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

const until = (check: () => boolean | Promise<boolean>, what: string, timeoutMs = 8000) => waitUntil(check, what, timeoutMs, 10);

describe('jobs (bot/jobs) against the embedded Cosmos server', () => {
  let server: EmbeddedCosmos;
  let store: DocumentStore<JobsDoc>;
  let database = 0;
  const runners: JobRunner[] = [];

  before(async () => {
    server = await startEmbeddedCosmos();
  });
  after(async () => server.close());

  beforeEach(async () => {
    const containers = await openContainers(cosmosClient({ endpoint: server.endpoint, key: server.key, database: 'x' }), `jobs-${++database}`);
    store = new CosmosDocumentStore(containers.jobs, 'jobs');
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
  });

  /** A runner that has made its first poll (so it does not race the test for what the test sets up next). */
  async function runner(clock: Clock, owner: string, kinds: JobKind[], log: Logger = memoryLog(), leaseMs = 10_000): Promise<JobRunner> {
    const r = new JobRunner(store, owner, clock.now, log, { pollMs: 60_000, leaseMs });
    r.start(kinds);
    runners.push(r);
    await r.idle();
    return r;
  }

  async function stored(bucket: string, id: string): Promise<JobDoc> {
    return (await store.read(bucket, id))!.doc as JobDoc;
  }

  it('asking for the same work twice stores one job and runs it once', async () => {
    const clock = new Clock();
    const ran: string[] = [];
    const K = jobType<{ n: number }>({ kind: 'k', maxAttempts: 3 });
    const r = await runner(clock, 'a', [jobKind(K, async (c) => void ran.push(c.job.id))]);
    const first = await r.enqueue(K, 'm-1.2', { n: 1 }, clock.at);
    const second = await r.enqueue(K, 'm-1.2', { n: 1 }, clock.at.plus({ hours: 2 }));
    assert.deepEqual(first, second);
    r.poll();
    await r.idle();
    await r.enqueue(K, 'm-1.2', { n: 1 }, clock.at);
    r.poll();
    await r.idle();
    assert.deepEqual(ran, ['k.m-1.2']);
    assert.equal((await stored(first.bucket, first.id)).state, 'done');
  });

  it('two runners over one store never both do a step: each job\'s steps run exactly once', async () => {
    const clock = new Clock();
    const steps: string[] = [];
    const STEPS = jobType<{ n: number }>({ kind: 'steps', maxAttempts: 3 });
    const kind = jobKind<{ n: number }, { done: number }>(STEPS, async (context) => {
      let done = context.progress?.done ?? 0;
      for (; done < 3; done++) {
        await context.save({ done });
        steps.push(`${context.job.id}#${done}`);
        await new Promise((r) => setTimeout(r, (done * 7 + context.job.payload.n) % 5));
      }
      await context.save({ done });
    });
    const a = await runner(clock, 'a', [kind]);
    const b = await runner(clock, 'b', [kind]);
    for (let n = 0; n < 20; n++) await a.enqueue(STEPS, `j${n}`, { n }, clock.at);
    for (let round = 0; round < 5; round++) {
      a.poll();
      b.poll();
      await Promise.all([a.idle(), b.idle()]);
    }
    assert.equal(steps.length, 60);
    assert.equal(new Set(steps).size, 60, 'no step ran twice');
  });

  it('a runner that lost its claim to another instance stops at its next write and does nothing more', async () => {
    const clock = new Clock();
    const log = memoryLog();
    const paused = gate();
    const after: string[] = [];
    const SLOW = jobType<Record<string, never>>({ kind: 'slow', maxAttempts: 3 });
    const kind = jobKind(SLOW, async (context) => {
      await context.save({ step: 1 });
      await paused.wait;
      await context.save({ step: 2 }); // must fail: the job was taken over meanwhile
      after.push('second step');
    });
    const a = await runner(clock, 'a', [kind], log);
    const ref = await a.enqueue(SLOW, 'x', {}, clock.at);
    a.poll();
    await until(async () => (await stored(ref.bucket, ref.id)).progress !== undefined, 'the first step');
    // Another instance takes the job over (as after this one's claim expired).
    const taken = await store.read(ref.bucket, ref.id);
    const job = taken!.doc as JobDoc;
    await store.replace({ ...job, claim: { owner: 'b', token: job.claim!.token + 1, until: clock.at.plus({ seconds: 10 }).toISO()! } }, taken!.etag);
    paused.open();
    await a.idle();
    assert.deepEqual(after, []);
    assert.ok(log.events.includes('job.lost'));
    const now = await stored(ref.bucket, ref.id);
    assert.equal(now.claim!.owner, 'b', 'the other instance still holds it');
    assert.deepEqual(now.progress, { step: 1 });
  });

  it('a job whose instance died is taken over once its claim expires, and resumes from its progress', async () => {
    const clock = new Clock();
    const resumedFrom: unknown[] = [];
    const RESUME = jobType<Record<string, never>>({ kind: 'resume', maxAttempts: 3 });
    const b = await runner(clock, 'b', [jobKind(RESUME, async (c) => void resumedFrom.push(c.progress))]);
    const ref = await b.enqueue(RESUME, 'x', {}, clock.at);
    // The state a crash leaves: running under a dead instance's claim, with some progress written.
    const read = await store.read(ref.bucket, ref.id);
    await store.replace(
      { ...(read!.doc as JobDoc), state: 'running', attempts: 1, claim: { owner: 'dead', token: 1, until: clock.at.plus({ seconds: 10 }).toISO()! }, progress: { sent: ['p1'] } },
      read!.etag,
    );
    b.poll();
    await b.idle();
    assert.deepEqual(resumedFrom, [], 'not while the claim holds');
    clock.advance(10);
    b.poll();
    await b.idle();
    assert.deepEqual(resumedFrom, [{ sent: ['p1'] }]);
    const done = await stored(ref.bucket, ref.id);
    assert.equal(done.state, 'done');
    assert.equal(done.attempts, 2);
  });

  it('tries a failing job again after a pause and reports it as a dead letter after its last attempt', async () => {
    const clock = new Clock();
    const log = memoryLog();
    const dead: string[] = [];
    let runs = 0;
    const FAILING = jobType<Record<string, never>>({ kind: 'failing', maxAttempts: 2 });
    const kind = jobKind(
      FAILING,
      async () => {
        runs += 1;
        throw new TypeError('boom');
      },
      async (job) => void dead.push(`${job.id}:${job.lastError}`),
    );
    const r = await runner(clock, 'a', [kind], log);
    const ref = await r.enqueue(FAILING, 'x', {}, clock.at);
    r.poll();
    await r.idle();
    assert.equal(runs, 1);
    assert.equal((await stored(ref.bucket, ref.id)).state, 'ready');
    r.poll();
    await r.idle();
    assert.equal(runs, 1, 'not before the pause');
    clock.advance(2);
    r.poll();
    await r.idle();
    assert.equal(runs, 2);
    const job = await stored(ref.bucket, ref.id);
    assert.equal(job.state, 'dead');
    assert.deepEqual(dead, ['failing.x:TypeError']);
    assert.ok(log.events.includes('job.dead'));
    clock.advance(600);
    r.poll();
    await r.idle();
    assert.equal(runs, 2, 'a dead letter is not tried again');
  });

  it('finds a job that fell due in an hour the pollers had already passed, and moves the head past finished hours', async () => {
    const clock = new Clock();
    const ran: string[] = [];
    const LATE = jobType<Record<string, never>>({ kind: 'late', maxAttempts: 1 });
    const r = await runner(clock, 'a', [jobKind(LATE, async (c) => void ran.push(c.job.key))]);
    r.poll();
    await r.idle();
    const head = async () => ((await store.read('head', 'head'))!.doc as JobHead).oldest;
    assert.equal(await head(), bucketOf(clock.at.minus({ hours: 1 })), 'created an hour back: a job due in the last hour is still found');
    // A job due three hours ago (e.g. asked for again for a meeting sent then) is found by that hour.
    await r.enqueue(LATE, 'old', {}, clock.at.minus({ hours: 3 }));
    assert.equal(await head(), bucketOf(clock.at.minus({ hours: 3 })));
    r.poll();
    await r.idle();
    assert.deepEqual(ran, ['old']);
    r.poll();
    await r.idle();
    assert.equal(await head(), bucketOf(clock.at.minus({ hours: 1 })), 'the head moves on to the hours that may still get jobs');
  });

  it('coalesces: asked for again while running, the job runs once more and sees what was asked for', async () => {
    const clock = new Clock();
    const paused = gate();
    const seen: number[] = [];
    let version = 1;
    const CARD = jobType<Record<string, never>>({ kind: 'card', maxAttempts: 3, coalesce: true });
    const kind = jobKind(CARD, async () => {
      const read = version;
      if (seen.length === 0) await paused.wait;
      seen.push(read);
    });
    const r = await runner(clock, 'a', [kind]);
    r.runSoon(await r.enqueue(CARD, 'm', {}, clock.at));
    await until(async () => (await stored(jobPartition('card.m'), 'card.m')).state === 'running', 'running');
    version = 2;
    await r.enqueue(CARD, 'm', {}, clock.at);
    paused.open();
    await until(() => seen.length === 2, 'a second run');
    await r.idle();
    assert.deepEqual(seen, [1, 2], 'the last run saw the last change');
  });

  it('a fan-out runs eight sends at once under one claim, each intent stored before its send; a takeover sends again only to those in flight', async () => {
    const clock = new Clock();
    const people = Array.from({ length: 24 }, (_, i) => `p${i + 1}`);
    const inFlightAtCut = ['p13', 'p14', 'p15', 'p16', 'p17', 'p18', 'p19', 'p20'];
    const sent: string[] = [];
    const projected = new Set<string>();
    let inFlight = 0;
    let widest = 0;
    const stalled = gate();
    let stall = true;
    // The enqueueing half of the fan-out is not used here: the test enqueues through the runner.
    const fanout = (log: Logger) =>
      defineFanout<{ meetingId: string }, string[], { id: string }>({ jobs: undefined as never, log, now: clock.now }, {
        kind: 'fan',
        maxAttempts: 3,
        load: async () => people,
        steps: (ids) => ids.map((id) => ({ id })),
        send: async (_ids, step) => {
          sent.push(step.id);
          inFlight += 1;
          widest = Math.max(widest, inFlight);
          if (stall && sent.length > 12) await stalled.wait;
          await new Promise((r) => setTimeout(r, 5));
          inFlight -= 1;
          return { via: 'teams' };
        },
        project: async (_ids, step) => void projected.add(step.id),
      });

    // The first instance stops answering with eight sends in flight (as if it had died).
    const a = await runner(clock, 'a', [fanout(memoryLog()).job]);
    const ref = await a.enqueue(jobType<{ meetingId: string }>({ kind: 'fan', maxAttempts: 3 }), 'm-1.1', { meetingId: 'm-1' }, clock.at);
    a.poll();
    await until(() => sent.length === 20, 'twenty sends started');
    const cut = (await stored(ref.bucket, ref.id)) as JobDoc<unknown, FanoutProgress>;
    assert.equal(Object.keys(cut.progress!.done).length, 12, 'the first twelve outcomes stored');
    assert.deepEqual([...cut.progress!.sending].sort(), [...inFlightAtCut].sort(), 'eight intents stored, each before its send');
    assert.equal(widest, 8, 'eight at once, never more');

    // The second takes the job over once the claim has expired, and finishes it.
    stall = false;
    const log = memoryLog();
    const b = await runner(clock, 'b', [fanout(log).job]);
    clock.advance(11);
    b.poll();
    await until(async () => (await stored(ref.bucket, ref.id)).state === 'done', 'the fan-out done by the second instance');
    const copies = new Map<string, number>();
    for (const id of sent) copies.set(id, (copies.get(id) ?? 0) + 1);
    assert.deepEqual([...copies].filter(([, n]) => n > 1).map(([id]) => id).sort(), [...inFlightAtCut].sort(), 'only the sends in flight are made again');
    assert.equal(log.events.filter((e) => e === 'fanout.resend').length, 8);
    assert.equal(projected.size, 24);
    const done = (await stored(ref.bucket, ref.id)) as JobDoc<unknown, FanoutProgress>;
    assert.equal(Object.keys(done.progress!.done).length, 24);
    assert.deepEqual(done.progress!.sending, []);

    // The first instance comes back: its claim is gone, so it records nothing and sends to no one more.
    const before = sent.length;
    stalled.open();
    await a.idle();
    assert.equal(sent.length, before);
    assert.equal((await stored(ref.bucket, ref.id)).claim, undefined);
    assert.equal((await stored(ref.bucket, ref.id)).state, 'done');
  });
  it('moving a job to another day is the same job: one document, found in its new hour, run once there', async () => {
    const clock = new Clock();
    const ran: string[] = [];
    const NUDGE = jobType<{ step: number }>({ kind: 'nudge', maxAttempts: 3 });
    const r = await runner(clock, 'a', [jobKind(NUDGE, async (c) => void ran.push(`${c.job.key}:${c.job.payload.step}`))]);
    const first = await r.schedule(NUDGE, 'm-1.item-1', { step: 1 }, clock.at.plus({ hours: 2 }));
    // Snoozed to tomorrow morning before it fell due.
    const moved = await r.schedule(NUDGE, 'm-1.item-1', { step: 2 }, clock.at.plus({ hours: 20 }));
    assert.deepEqual(moved, first, 'the same job, wherever it is due');
    const job = await stored(first.bucket, first.id);
    assert.equal(job.due, bucketOf(clock.at.plus({ hours: 20 })));
    clock.advance(3 * 3600);
    r.poll();
    await r.idle();
    assert.deepEqual(ran, [], 'not at the time it had before');
    const oldHour = await store.query({ name: 'test.entries', partition: bucketOf(clock.at.minus({ hours: 1 })), sql: "SELECT * FROM c WHERE c.type = 'due'", parameters: {} });
    assert.equal(oldHour.length, 0, 'the entry of the old hour is gone once seen');
    clock.advance(18 * 3600);
    r.poll();
    await r.idle();
    assert.deepEqual(ran, ['m-1.item-1:2'], 'run once, at the new time, with what it was moved with');
    // Moved again after it ran (a snooze pressed on the nudge it sent): the same job, ready once more.
    await r.schedule(NUDGE, 'm-1.item-1', { step: 3 }, clock.at.plus({ days: 1 }));
    assert.equal((await stored(first.bucket, first.id)).state, 'ready');
    clock.advance(24 * 3600);
    r.poll();
    await r.idle();
    assert.deepEqual(ran, ['m-1.item-1:2', 'm-1.item-1:3']);
  });

  it('cancels a job by its key: a waiting one never runs, a running one stops at its next write', async () => {
    const clock = new Clock();
    const log = memoryLog();
    const ran: string[] = [];
    const paused = gate();
    const WORK = jobType<{ wait: boolean }>({ kind: 'work', maxAttempts: 3 });
    const r = await runner(
      clock,
      'a',
      [
        jobKind(WORK, async (c) => {
          ran.push(`${c.job.key}:start`);
          if (c.job.payload.wait) await paused.wait;
          await c.save({ sent: true });
          ran.push(`${c.job.key}:sent`);
        }),
      ],
      log,
    );
    await r.schedule(WORK, 'later', { wait: false }, clock.at.plus({ hours: 1 }));
    assert.equal(await r.cancel(WORK, 'later'), true);
    assert.equal(await r.cancel(WORK, 'never-asked'), false);
    r.runSoon(await r.enqueue(WORK, 'now', { wait: true }, clock.at));
    await until(() => ran.includes('now:start'), 'the running one started');
    assert.equal(await r.cancel(WORK, 'now'), true);
    paused.open();
    await r.idle();
    clock.advance(2 * 3600);
    r.poll();
    await r.idle();
    assert.deepEqual(ran, ['now:start'], 'nothing sent after the cancel, and the waiting one never ran');
    assert.ok(log.events.includes('job.lost'));
    assert.equal((await stored(jobPartition('work.later'), 'work.later')).state, 'cancelled');
    assert.equal((await stored(jobPartition('work.now'), 'work.now')).state, 'cancelled');
  });

  it('a recurring job schedules its next run under its claim: one document, one run a week', async () => {
    const clock = new Clock();
    const runs: string[] = [];
    const DIGEST = jobType<{ tenant: string }>({ kind: 'digest', maxAttempts: 3 });
    const kind = jobKind(DIGEST, async (c) => {
      runs.push(clock.at.toISO()!);
      return { next: DateTime.fromISO(c.job.dueAt, { zone: 'utc' }).plus({ weeks: 1 }) };
    });
    const a = await runner(clock, 'a', [kind]);
    const b = await runner(clock, 'b', [kind]);
    const ref = await a.schedule(DIGEST, 't-1', { tenant: 't-1' }, clock.at);
    for (let week = 0; week < 3; week++) {
      // A week of hours takes the pollers four polls (two days of hours each); a few more find nothing more to run.
      for (let poll = 0; poll < 6; poll++) {
        a.poll();
        b.poll();
        await Promise.all([a.idle(), b.idle()]);
      }
      assert.equal(runs.length, week + 1, `one run in week ${week + 1}, however many instances poll`);
      const job = await stored(ref.bucket, ref.id);
      assert.equal(job.state, 'ready');
      assert.equal(job.dueAt, DateTime.fromISO(runs[0]).plus({ weeks: week + 1 }).toUTC().toISO());
      clock.advance(7 * 24 * 3600);
    }
  });

  it('a writer stopped between its two writes loses no job: the due entry the job still points at is found, one it does not is removed', async () => {
    const clock = new Clock();
    const ran: string[] = [];
    const MOVE = jobType<Record<string, never>>({ kind: 'move', maxAttempts: 3 });
    const r = await runner(clock, 'a', [jobKind(MOVE, async (c) => void ran.push(c.job.key))]);
    const ref = await r.schedule(MOVE, 'x', {}, clock.at.plus({ minutes: 30 }));
    // A move to three hours later whose writer stopped after writing the new entry, before the job.
    const later = clock.at.plus({ hours: 3 });
    const stray: DueEntry = { type: 'due', id: ref.id, bucket: bucketOf(later), dueAt: later.toUTC().toISO()!, updatedAt: clock.at.toUTC().toISO()! };
    await store.create(stray);
    clock.advance(31 * 60);
    r.poll();
    await r.idle();
    assert.deepEqual(ran, ['x'], 'run at the time it still has');
    clock.advance(3 * 3600);
    r.poll();
    await r.idle();
    assert.deepEqual(ran, ['x'], 'the stray entry runs nothing');
    assert.equal(await store.read(stray.bucket, stray.id), undefined, 'and is removed');
    // A move whose writer stopped after writing the job, before removing the old entry: the old entry leads to the new hour.
    const job = await store.read(ref.bucket, ref.id);
    const target = clock.at.plus({ minutes: 10 });
    await store.create({ type: 'due', id: ref.id, bucket: bucketOf(clock.at), dueAt: clock.at.toUTC().toISO()!, updatedAt: clock.at.toUTC().toISO()! });
    await store.replace({ ...(job!.doc as JobDoc), state: 'ready', dueAt: target.plus({ hours: 2 }).toUTC().toISO()!, due: bucketOf(target.plus({ hours: 2 })), ttl: undefined }, job!.etag);
    r.poll();
    await r.idle();
    assert.ok(await store.read(bucketOf(target.plus({ hours: 2 })), ref.id), 'the entry is written in the hour the job is due');
    clock.advance(2 * 3600 + 11 * 60);
    r.poll();
    await r.idle();
    assert.deepEqual(ran, ['x', 'x']);
  });
  it('after a stop of days, the pollers catch up hour by hour and skip none: a job due in the middle of the stop is run', async () => {
    const clock = new Clock();
    const ran: string[] = [];
    const LATER = jobType<Record<string, never>>({ kind: 'later', maxAttempts: 1 });
    const r = await runner(clock, 'a', [jobKind(LATER, async (c) => void ran.push(c.job.key))]);
    await r.schedule(LATER, 'mid-stop', {}, clock.at.plus({ days: 3 }));
    clock.advance(6 * 24 * 3600);
    for (let poll = 0; poll < 10 && ran.length === 0; poll++) {
      r.poll();
      await r.idle();
    }
    assert.deepEqual(ran, ['mid-stop'], 'found by the third poll (two days of hours each), not skipped');
  });

  it('more due than it has room for (a morning\'s nudges): the runner polls again as slots free up, not only on its timer', async () => {
    const clock = new Clock();
    let ran = 0;
    const MORNING = jobType<{ n: number }>({ kind: 'morning', maxAttempts: 1 });
    // Polling once an hour: the 40 jobs (eight slots) are all run after one poll of its own.
    const r = await runner(clock, 'a', [jobKind(MORNING, async () => void (ran += 1))]);
    for (let n = 0; n < 40; n++) await r.schedule(MORNING, `nudge-${n}`, { n }, clock.at);
    r.poll();
    await until(() => ran === 40, `40 jobs run (${ran} so far)`);
    await r.idle();
    assert.equal(ran, 40);
  });
  it('finds a job due now when the head is ahead of this instance\'s clock (another instance\'s clock ran ahead, or this one was set back)', async () => {
    const clock = new Clock();
    const ran: string[] = [];
    const NOW = jobType<Record<string, never>>({ kind: 'now', maxAttempts: 1 });
    const r = await runner(clock, 'a', [jobKind(NOW, async (c) => void ran.push(c.job.key))]);
    clock.advance(3 * 24 * 3600);
    r.poll();
    await r.idle();
    clock.advance(-3 * 24 * 3600);
    await r.schedule(NOW, 'due-now', {}, clock.at);
    r.poll();
    await r.idle();
    assert.deepEqual(ran, ['due-now']);
  });
});
