import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import {
  askedAgain,
  backoffMs,
  bucketOf,
  bucketsBetween,
  claim,
  claimable,
  failed,
  finished,
  holds,
  newJob,
  renewed,
  settledBefore,
  type JobDoc,
} from '../../bot/jobs/job';

const NOW = DateTime.fromISO('2026-11-23T18:41:07.250Z', { zone: 'utc' });
const at = (seconds: number) => NOW.plus({ seconds });

function job(o: Partial<JobDoc> = {}): JobDoc {
  return { ...newJob({ kind: 'invitations', key: 'm-1.3', payload: { meetingId: 'm-1' }, dueAt: NOW, maxAttempts: 3 }, NOW), ...o };
}

describe('job rules (bot/jobs/job.ts)', () => {
  describe('where a job is kept', () => {
    it('names a job by its kind and key, and keeps it in the UTC hour it falls due', () => {
      const j = job();
      assert.equal(j.id, 'invitations.m-1.3');
      assert.equal(j.bucket, '2026-11-23T18');
      assert.equal(bucketOf(DateTime.fromISO('2026-11-23T23:59:59+02:00')), '2026-11-23T21');
      assert.equal(newJob({ kind: 'k', key: 'x', payload: {}, dueAt: NOW.plus({ days: 14 }), maxAttempts: 1 }, NOW).bucket, '2026-12-07T18');
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
