import assert from 'node:assert/strict';
import { Pacer } from '../../bot/teams/pacing';

/** A clock that only moves when the code under test sleeps; every sleep is recorded. */
class FakeTime {
  now = 0;
  readonly sleeps: number[] = [];
  readonly clock = () => this.now;
  readonly sleep = async (ms: number) => {
    this.sleeps.push(ms);
    this.now += ms;
  };
}

/** A Pacer with Teams' limits and a 25 ms global spacing, on fake time, sharing the limits with `share()` instances. */
function pacer(time: FakeTime, globalSpacingMs = 25, share?: () => number): Pacer {
  return new Pacer({ count: 7, windowMs: 1000, longCount: 60, longWindowMs: 30_000 }, globalSpacingMs, time.clock, time.sleep, share);
}

/** Sends `count` messages to one conversation in a row; returns the fake time at which each went out. */
async function sendTimes(p: Pacer, time: FakeTime, conversation: string, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    await p.wait(conversation);
    times.push(time.now);
  }
  return times;
}

describe('pacing sends to Teams (bot/teams/pacing.ts)', () => {
  describe('Pacer', () => {
    it('sends 7 messages to one conversation within the first second and holds the 8th until that second is over', async () => {
      const time = new FakeTime();
      const times = await sendTimes(pacer(time, 0), time, 'a:chat', 8);
      assert.deepEqual(times, [0, 0, 0, 0, 0, 0, 0, 1000]);
    });

    it('spaces every send by the global spacing, so the 8th waits for the first of the last 7 to leave the window', async () => {
      const time = new FakeTime();
      const times = await sendTimes(pacer(time), time, 'a:chat', 8);
      assert.deepEqual(times.slice(0, 7), [0, 25, 50, 75, 100, 125, 150]);
      assert.equal(times[7], 1000);
    });

    it('does not hold another conversation behind a full one, beyond the global spacing', async () => {
      const time = new FakeTime();
      const p = pacer(time);
      await sendTimes(p, time, 'a:busy', 7);
      assert.equal(time.now, 150);
      await p.wait('a:other');
      assert.equal(time.now, 175, 'only the 25 ms global spacing');
      await p.wait('a:busy');
      assert.equal(time.now, 1000, 'the busy conversation still waits for its window');
    });

    it('holds the 61st message to one conversation until 30 seconds after the first', async () => {
      const time = new FakeTime();
      const times = await sendTimes(pacer(time, 0), time, 'a:chat', 61);
      assert.ok(times[59] < 30_000, `the 60th went out at ${times[59]}`);
      assert.equal(times[60], 30_000);
      for (let i = 7; i < 60; i++) assert.ok(times[i] - times[i - 7] >= 1000, `more than 7 in a second at send ${i + 1}`);
    });

    it('keeps sends to many conversations at once (a fan-out) to the global spacing: never more than 50 in a second', async () => {
      // Real time: 60 waits at once, each to its own conversation, as eight-at-a-time fan-outs and other jobs make them.
      const p = new Pacer();
      const times: number[] = [];
      await Promise.all(Array.from({ length: 60 }, (_, i) => p.wait(`a:chat-${i}`).then(() => void times.push(Date.now()))));
      times.sort((a, b) => a - b);
      for (let i = 50; i < times.length; i++) assert.ok(times[i] - times[i - 50] >= 1000, `51 sends within ${times[i] - times[i - 50]} ms`);
      for (let i = 1; i < times.length; i++) assert.ok(times[i] - times[i - 1] >= 20, `two sends ${times[i] - times[i - 1]} ms apart`);
    });

    it('never sleeps for a first message', async () => {
      const time = new FakeTime();
      await pacer(time).wait('a:chat');
      assert.deepEqual(time.sleeps, []);
    });
  });

  describe('Pacer sharing the limits with the other live instances', () => {
    it('with three instances live, spaces sends to different conversations three times as far apart (75 ms: 40 a second for the three)', async () => {
      const time = new FakeTime();
      const p = pacer(time, 25, () => 3);
      const times: number[] = [];
      for (let i = 0; i < 14; i++) {
        await p.wait(`a:chat-${i}`);
        times.push(time.now);
      }
      assert.deepEqual(times, Array.from({ length: 14 }, (_, i) => i * 75));
      assert.ok(times.filter((t) => t < 1000).length * 3 <= 50, 'three instances together stay under 50 a second');
    });

    it('with three instances live, allows one conversation 2 messages a second (7 / 3) and 20 in 30 seconds (60 / 3)', async () => {
      const time = new FakeTime();
      const times = await sendTimes(pacer(time, 0, () => 3), time, 'a:chat', 21);
      assert.deepEqual(times.slice(0, 4), [0, 0, 1000, 1000]);
      for (let i = 2; i < 20; i++) assert.ok(times[i] - times[i - 2] >= 1000, `more than 2 in a second at send ${i + 1}`);
      assert.ok(times[19] < 30_000, `the 20th went out at ${times[19]}`);
      assert.equal(times[20], 30_000, 'the 21st waits until 30 seconds after the first');
    });

    it('rounds the per-conversation allowance down but never below one message', async () => {
      const time = new FakeTime();
      const times = await sendTimes(pacer(time, 0, () => 10), time, 'a:chat', 3);
      assert.deepEqual(times, [0, 1000, 2000], '7 / 10 rounds to 0: one a second still goes out');
    });

    it('follows the count as it changes: a newcomer slows the sends at once, a departure lets them speed up again', async () => {
      const time = new FakeTime();
      let live = 1;
      const p = pacer(time, 25, () => live);
      const times = await sendTimes(p, time, 'a:one', 7);
      assert.deepEqual(times, [0, 25, 50, 75, 100, 125, 150], 'alone: 7 in the first second');
      live = 3;
      await p.wait('a:two');
      assert.equal(time.now, 225, '75 ms after the last send, not 25');
      await p.wait('a:one');
      assert.equal(time.now, 1125, 'the busy chat may now have 2 in a second: it waits until 6 of its 7 have left the window');
      live = 1;
      await p.wait('a:three');
      assert.equal(time.now, 1150, 'alone again: 25 ms');
    });

    it('is never faster than a lone instance, whatever the count says', async () => {
      for (const count of [0, -2, 0.5, Number.NaN]) {
        const time = new FakeTime();
        const times = await sendTimes(pacer(time, 25, () => count), time, 'a:chat', 8);
        assert.deepEqual(times, [0, 25, 50, 75, 100, 125, 150, 1000], `with a count of ${count}`);
      }
    });
  });
});
