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

/** A Pacer with Teams' limits and a 25 ms global spacing, on fake time. */
function pacer(time: FakeTime, globalSpacingMs = 25): Pacer {
  return new Pacer({ count: 7, windowMs: 1000, longCount: 60, longWindowMs: 30_000 }, globalSpacingMs, time.clock, time.sleep);
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
});
