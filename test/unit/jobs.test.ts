import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import {
  askedAgain,
  backoffMs,
  bucketOf,
  bucketsBetween,
  cancelled,
  claim,
  claimable,
  entryFor,
  entryVerdict,
  failed,
  finished,
  holds,
  newJob,
  renewed,
  rescheduled,
  settledBefore,
  type JobDoc,
} from '../../bot/jobs/job';
import { jobType } from '../../bot/jobs/kind';
import type { JobQueue } from '../../bot/jobs/queue';
import { LostClaimError, type JobContext } from '../../bot/jobs/runner';
import { FANOUT_CONCURRENCY, progressOf, runFanout, type FanoutProgress, type FanoutSpec } from '../../bot/services/fanout';

const NOW = DateTime.fromISO('2026-11-23T18:41:07.250Z', { zone: 'utc' });
const at = (seconds: number) => NOW.plus({ seconds });

function job(o: Partial<JobDoc> = {}): JobDoc {
  return { ...newJob({ kind: 'invitations', key: 'm-1.3', payload: { meetingId: 'm-1' }, dueAt: NOW, maxAttempts: 3 }, NOW), ...o };
}

describe('job rules (bot/jobs/job.ts)', () => {
  describe('where a job is kept', () => {
    it('names a job by its kind and key, whatever hour it falls due; its due entry is in that UTC hour', () => {
      const j = job();
      assert.equal(j.id, 'invitations.m-1.3');
      assert.equal(j.bucket, 'job.invitations.m-1.3');
      assert.equal(j.due, '2026-11-23T18');
      assert.equal(bucketOf(DateTime.fromISO('2026-11-23T23:59:59+02:00')), '2026-11-23T21');
      const later = newJob({ kind: 'k', key: 'x', payload: {}, dueAt: NOW.plus({ days: 14 }), maxAttempts: 1 }, NOW);
      assert.equal(later.bucket, 'job.k.x');
      assert.equal(entryFor(later, NOW).bucket, '2026-12-07T18');
    });

    it('moves a job to a new time as the same job, ready again whatever it was; a running one runs once more then', () => {
      const tomorrow = NOW.plus({ days: 1 }).set({ hour: 7 });
      const moved = rescheduled(job(), { meetingId: 'm-1' }, tomorrow, NOW)!;
      assert.equal(moved.id, job().id);
      assert.equal(moved.bucket, job().bucket);
      assert.equal(moved.due, bucketOf(tomorrow));
      assert.equal(rescheduled(moved, { meetingId: 'm-1' }, tomorrow, NOW), undefined, 'the same time again changes nothing');
      for (const state of ['done', 'dead', 'cancelled'] as const) assert.equal(rescheduled(job({ state }), {}, tomorrow, NOW)!.state, 'ready', state);
      const running = rescheduled(claim(job(), 'a', NOW)!, {}, tomorrow, NOW)!;
      assert.equal(running.state, 'running');
      assert.equal(running.rerunAt, tomorrow.toUTC().toISO());
      const after = finished(running, at(5));
      assert.equal(after.state, 'ready');
      assert.equal(after.dueAt, tomorrow.toUTC().toISO());
      assert.equal(after.due, bucketOf(tomorrow));
    });

    it('asks for work only by a declared kind, with the payload it was declared with (checked by the compiler)', () => {
      const MINUTES = jobType<{ meetingId: string }>({ kind: 'minutes-check', maxAttempts: 1 });
      const queue: JobQueue = { enqueue: async () => ({ bucket: '', id: '' }), schedule: async () => ({ bucket: '', id: '' }), cancel: async () => false, runSoon: () => undefined };
      const asked = () => queue.enqueue(MINUTES, 'm-1', { meetingId: 'm-1' }, NOW);
      // @ts-expect-error a payload of the wrong shape does not compile
      const wrongPayload = () => queue.schedule(MINUTES, 'm-1', { meeting: 'm-1' }, NOW);
      // @ts-expect-error a kind that was never declared does not compile
      const unknownKind = () => queue.enqueue('minutes-check', 'm-1', { meetingId: 'm-1' }, NOW);
      // `npm test` type-checks before it runs: an unused @ts-expect-error (a call that compiles) fails it.
      void asked;
      void wrongPayload;
      void unknownKind;
    });

    it('cancels only what is still to be done', () => {
      assert.equal(cancelled(job(), NOW)!.state, 'cancelled');
      assert.equal(cancelled(claim(job(), 'a', NOW)!, NOW)!.state, 'cancelled');
      for (const state of ['done', 'dead', 'cancelled'] as const) assert.equal(cancelled(job({ state }), NOW), undefined);
      assert.equal(claimable(cancelled(job(), NOW)!, at(60)), false);
    });

    it('judges a due entry: claim its job when due, defer while another holds it, repair nothing stale before it settles', () => {
      const entry = entryFor(job(), NOW);
      assert.deepEqual(entryVerdict(entry, job(), NOW), { action: 'claim' });
      const held = claim(job(), 'a', NOW, 10_000)!;
      assert.deepEqual(entryVerdict(entry, held, at(1)), { action: 'defer', until: held.claim!.until });
      assert.deepEqual(entryVerdict(entry, undefined, at(59)), { action: 'skip' }, 'its job may be being written');
      assert.deepEqual(entryVerdict(entry, undefined, at(60)), { action: 'delete' });
      assert.deepEqual(entryVerdict(entry, job({ state: 'done' }), at(61)), { action: 'delete' });
    });

    it('lists the hours from the oldest to the newest, across days, at most as many as asked', () => {
      assert.deepEqual(bucketsBetween('2026-11-23T22', '2026-11-24T01', 10), ['2026-11-23T22', '2026-11-23T23', '2026-11-24T00', '2026-11-24T01']);
      assert.deepEqual(bucketsBetween('2026-11-23T18', '2026-11-23T18', 10), ['2026-11-23T18']);
      assert.equal(bucketsBetween('2026-11-01T00', '2026-11-23T18', 48).length, 48);
      assert.deepEqual(bucketsBetween('2026-11-24T00', '2026-11-23T18', 10), []);
    });

    it('lets the head pass only hours older than an hour ago, so a job created at the turn of an hour is never skipped', () => {
      assert.equal(settledBefore(NOW), '2026-11-23T17');
    });
  });

  describe('claims', () => {
    it('is claimable when ready and due, or running under a claim that expired; never when done or dead', () => {
      assert.equal(claimable(job(), NOW), true);
      assert.equal(claimable(job({ dueAt: at(1).toISO()! }), NOW), false);
      const running = claim(job(), 'a', NOW, 10_000)!;
      assert.equal(claimable(running, at(9.9)), false);
      assert.equal(claimable(running, at(10)), true);
      assert.equal(claimable(job({ state: 'done' }), NOW), false);
      assert.equal(claimable(job({ state: 'dead' }), NOW), false);
    });

    it('counts each claim as an attempt and raises the fencing token, so a takeover is told apart', () => {
      const first = claim(job(), 'a', NOW, 10_000)!;
      assert.deepEqual(first.claim, { owner: 'a', token: 1, until: '2026-11-23T18:41:17.250Z' });
      assert.equal(first.attempts, 1);
      assert.equal(claim(first, 'b', at(5), 10_000), undefined, 'not while the claim holds');
      const second = claim(first, 'b', at(11), 10_000)!;
      assert.deepEqual(second.claim, { owner: 'b', token: 2, until: '2026-11-23T18:41:28.250Z' });
      assert.equal(second.attempts, 2);
      assert.equal(holds(second, first.claim!), false, 'the first owner no longer holds it');
      assert.equal(holds(second, second.claim!), true);
    });

    it('extends a claim from now when renewed', () => {
      const held = claim(job(), 'a', NOW, 10_000)!;
      assert.equal(renewed(held, at(3), 10_000).claim!.until, '2026-11-23T18:41:20.250Z');
      assert.equal(renewed(held, at(3), 10_000).claim!.token, 1);
    });
  });

  describe('after the work', () => {
    it('keeps a finished job for a week, so asking for it again is still a no-op', () => {
      const done = finished(claim(job(), 'a', NOW)!, at(2));
      assert.equal(done.state, 'done');
      assert.equal(done.claim, undefined);
      assert.equal(done.ttl, 7 * 24 * 3600);
      assert.equal(askedAgain(done, false, {}, at(3)), undefined);
    });

    it('runs a coalescing job once more when it was asked for while running', () => {
      const running = claim(job(), 'a', NOW)!;
      const marked = askedAgain(running, true, { meetingId: 'm-1' }, at(1))!;
      assert.equal(marked.rerun, true);
      assert.equal(askedAgain(marked, true, {}, at(1)), undefined, 'marked once is enough');
      const again = finished(marked, at(2));
      assert.equal(again.state, 'ready');
      assert.equal(again.rerun, false);
      assert.equal(again.attempts, 0);
      assert.equal(again.dueAt, at(2).toISO());
    });

    it('keeps the spacing of a coalescing job between two runs, so a burst of asks makes few runs', () => {
      const spaced = { ...job(), spacingMs: 2000 };
      const rerun = finished({ ...claim(spaced, 'a', NOW)!, rerun: true }, at(1));
      assert.equal(rerun.dueAt, at(3).toISO(), 'asked again while running: once more, two seconds after');
      const done = finished(claim(spaced, 'a', NOW)!, at(1));
      assert.equal(askedAgain(done, true, {}, at(1.5))!.dueAt, at(3).toISO(), 'asked again just after: not before the spacing');
      assert.equal(askedAgain(done, true, {}, at(10))!.dueAt, at(10).toISO(), 'asked again later: at once');
    });

    it('re-arms a finished coalescing job, and leaves a ready one as it is', () => {
      const done = finished(claim(job(), 'a', NOW)!, at(2));
      const rearmed = askedAgain(done, true, { meetingId: 'm-1' }, at(5))!;
      assert.equal(rearmed.state, 'ready');
      assert.equal(rearmed.ttl, undefined);
      assert.equal(askedAgain(job(), true, {}, at(5)), undefined);
    });

    it('tries again after a growing pause, and gives up as a dead letter after the last attempt', () => {
      let j = claim(job(), 'a', NOW)!;
      j = failed(j, 'RestError', at(1));
      assert.equal(j.state, 'ready');
      assert.equal(j.lastError, 'RestError');
      assert.equal(j.dueAt, at(3).toISO(), 'two seconds after the first attempt');
      j = failed(claim(j, 'a', at(3))!, 'RestError', at(4));
      assert.equal(j.dueAt, at(8).toISO(), 'four seconds after the second');
      j = failed(claim(j, 'a', at(8))!, 'RestError', at(9));
      assert.equal(j.state, 'dead');
      assert.equal(j.attempts, 3);
      assert.equal(claimable(j, at(1000)), false);
    });

    it('never waits more than five minutes between attempts', () => {
      assert.deepEqual([1, 2, 3, 8, 9, 20].map(backoffMs), [2000, 4000, 8000, 256_000, 300_000, 300_000]);
    });
  });
});

describe('fan-out: send to each participant (bot/services/fanout.ts)', () => {
  type Step = { id: string };
  type Out = { via: 'teams' | 'letter' };
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

  /** A job context whose saves take `writeMs` and are remembered; `failAfter` writes, each save throws LostClaimError. */
  function context(progress?: unknown, options: { writeMs?: number; failAfter?: number } = {}) {
    const writes: FanoutProgress<Out>[] = [];
    let stored: FanoutProgress<Out> | undefined;
    const ctx: JobContext<{ n: number }, FanoutProgress<Out>> = {
      job: { ...newJob({ kind: 'fan', key: 'm-1', payload: { n: 1 }, dueAt: NOW, maxAttempts: 3 }, NOW), progress: progress as FanoutProgress<Out> },
      progress: progress as FanoutProgress<Out> | undefined,
      async save(p) {
        if (options.failAfter !== undefined && writes.length >= options.failAfter) throw new LostClaimError('fan.m-1');
        const copy = JSON.parse(JSON.stringify(p)) as FanoutProgress<Out>;
        writes.push(copy);
        await new Promise((r) => setTimeout(r, options.writeMs ?? 1));
        stored = copy;
      },
    };
    return { ctx, writes, stored: () => stored };
  }

  /** A fan-out over `ids` whose sends take `sendMs`, watching what was stored at each moment. */
  function spec(ids: string[], stored: () => FanoutProgress<Out> | undefined, options: { concurrency?: number; sendMs?: number; failOn?: string } = {}) {
    const seen = { sent: [] as string[], projected: [] as string[], finished: 0, after: 0, inFlight: 0, widest: 0, problems: [] as string[], startedBeforeFailure: -1 };
    const fan: FanoutSpec<{ n: number }, { ids: string[] }, Step, Out> = {
      kind: 'fan',
      maxAttempts: 3,
      concurrency: options.concurrency,
      load: async () => ({ ids }),
      steps: (c) => c.ids.map((id) => ({ id })),
      send: async (_c, step) => {
        if (!stored()?.sending.includes(step.id)) seen.problems.push(`${step.id} sent before its intent was stored`);
        seen.inFlight += 1;
        seen.widest = Math.max(seen.widest, seen.inFlight);
        seen.sent.push(step.id);
        await new Promise((r) => setTimeout(r, options.sendMs ?? 5));
        seen.inFlight -= 1;
        if (step.id === options.failOn) {
          seen.startedBeforeFailure = seen.sent.length;
          throw new Error('connector down');
        }
        return { via: 'teams' };
      },
      project: async (_c, step, outcome) => {
        if (stored()?.done[step.id]?.via !== outcome.via) seen.problems.push(`${step.id} projected before its outcome was stored`);
        seen.projected.push(step.id);
      },
      finish: async (_c, outcomes) => {
        if (!stored()?.finishing) seen.problems.push('finish before its intent was stored');
        if (Object.keys(outcomes).length !== ids.length) seen.problems.push('finish before every outcome');
        seen.finished += 1;
      },
      after: async () => void (seen.after += 1),
    };
    return { fan, seen };
  }

  const ids = (n: number) => Array.from({ length: n }, (_, i) => `p${i + 1}`);

  it('sends to at most eight people at once, each after its intent is stored and projected after its outcome is, then finishes once', async () => {
    const { ctx, writes, stored } = context(undefined, { writeMs: 3 });
    const { fan, seen } = spec(ids(40), stored, { sendMs: 10 });
    await runFanout(fan, ctx, silent);
    assert.deepEqual(seen.problems, []);
    assert.equal(FANOUT_CONCURRENCY, 8);
    assert.equal(seen.widest, 8, 'eight at once');
    assert.deepEqual(seen.sent, ids(40), 'started in the order of the steps');
    assert.deepEqual([...seen.projected].sort(), [...ids(40)].sort());
    assert.equal(seen.finished, 1);
    assert.equal(seen.after, 1);
    const last = writes.at(-1)!;
    assert.deepEqual(last.sending, []);
    assert.equal(Object.keys(last.done).length, 40);
    assert.equal(last.finished, true);
    assert.ok(writes.length < 80, `intents and outcomes that fall due together are written together (${writes.length} writes for 40 people)`);
    assert.ok(writes.every((w) => w.sending.length <= 8), 'never more than eight sends in flight in the stored progress');
  });

  it('keeps to the concurrency a kind asks for', async () => {
    const { ctx, stored } = context();
    const { fan, seen } = spec(ids(10), stored, { concurrency: 3 });
    await runFanout(fan, ctx, silent);
    assert.equal(seen.widest, 3);
    assert.equal(seen.sent.length, 10);
  });

  it('resumes: people with an outcome are projected and not sent to again, the ones in flight at the crash are sent to again, a finished notice is not repeated', async () => {
    const { ctx, stored } = context({ sending: ['p3', 'p4'], done: { p1: { via: 'teams' }, p2: { via: 'letter' } }, finished: false });
    const { fan, seen } = spec(ids(5), stored);
    const warnings: string[] = [];
    await runFanout(fan, ctx, { ...silent, warn: (e) => void warnings.push(e) });
    assert.deepEqual([...seen.sent].sort(), ['p3', 'p4', 'p5']);
    assert.deepEqual([...seen.projected].sort(), ids(5));
    assert.deepEqual(warnings, ['fanout.resend', 'fanout.resend']);
    assert.equal(seen.finished, 1);

    const again = context({ sending: [], done: Object.fromEntries(ids(5).map((id) => [id, { via: 'teams' }])), finished: true });
    const second = spec(ids(5), again.stored);
    await runFanout(second.fan, again.ctx, silent);
    assert.deepEqual(second.seen.sent, []);
    assert.equal(second.seen.finished, 0, 'the notice went out before');
    assert.equal(second.seen.after, 1, 'the idempotent follow-up runs again');
  });

  it('reads the progress a delivery stored before the fan-out: one send in flight, or the notice, and `told`', () => {
    assert.deepEqual(progressOf({ sending: 'p7', done: { p1: { via: 'teams' } } }), { sending: ['p7'], done: { p1: { via: 'teams' } } });
    assert.deepEqual(progressOf({ sending: 'notice', done: {} }), { sending: [], done: {}, finishing: true });
    assert.deepEqual(progressOf({ done: {}, told: true }), { sending: [], done: {}, finished: true });
    assert.deepEqual(progressOf(undefined), { sending: [], done: {} });
  });

  it('after a failed send starts no other: the ones in flight finish and are recorded, the job fails, and nothing is finished', async () => {
    const { ctx, writes, stored } = context();
    const { fan, seen } = spec(ids(40), stored, { failOn: 'p2', sendMs: 10 });
    await assert.rejects(runFanout(fan, ctx, silent), /connector down/);
    assert.equal(seen.sent.length, seen.startedBeforeFailure, 'no send started after the failure');
    assert.ok(seen.sent.length < 40 && seen.sent.length >= 8);
    assert.equal(seen.finished, 0);
    const last = writes.at(-1)!;
    assert.equal(Object.keys(last.done).length, seen.sent.length - 1, 'the outcomes of the sends in flight are kept for the next attempt');
    assert.deepEqual(last.sending, ['p2'], 'the failed send stays in flight: it may have reached Teams');
  });

  it('a lost claim stops every send that has not started: no send without its intent stored under the claim', async () => {
    const { ctx, stored } = context(undefined, { failAfter: 5 });
    const { fan, seen } = spec(ids(40), stored);
    await assert.rejects(runFanout(fan, ctx, silent), LostClaimError);
    assert.deepEqual(seen.problems, []);
    assert.ok(seen.sent.length < 40);
    assert.equal(seen.finished, 0);
  });

  it('does nothing when there is nothing to do', async () => {
    const { ctx, writes } = context();
    const { fan, seen } = spec(ids(3), () => undefined);
    await runFanout({ ...fan, load: async () => undefined }, ctx, silent);
    assert.deepEqual(writes, []);
    assert.deepEqual(seen.sent, []);
  });
});
