import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { t } from '../../bot/i18n';
import { bucketOf, type JobHead } from '../../bot/jobs/job';
import { attachedCard, cardText } from '../support/cards';
import { Harness, type Person } from '../support/harness';

/**
 * The coordinators' weekly digest: from the first time a coordinator asks for the overview, it
 * comes to their chat every Monday at 08:00 in their own time zone (the next working morning when
 * Monday is a holiday), once a week, with a preview that names nothing but the overview.
 * The clock is moved by hand.
 */

const COORDINATOR: Person = { aadObjectId: 'd4c0ffee-0000-4000-8000-000000000004', name: 'Dagny Digest', locale: 'fi-FI', timeZone: 'Europe/Helsinki' };

describe('the coordinators\' weekly digest, with a clock moved by hand', function () {
  this.timeout(60_000);
  const h = new Harness();
  // Wednesday 15 December 2027, 14:00 in Helsinki.
  let at = DateTime.fromISO('2027-12-15T14:00:00', { zone: 'Europe/Helsinki' }).toUTC();
  const digests = () => h.connector.posted().filter((r) => r.body?.summary === t('fi', 'overview.digestSummary'));

  before(async () => {
    await h.start({ COORDINATORS: COORDINATOR.aadObjectId, DEFAULT_TIME_ZONE: 'Europe/Stockholm' }, undefined, { now: () => at });
  });
  after(async () => h.stop());

  async function moveTo(iso: string): Promise<void> {
    at = DateTime.fromISO(iso, { zone: 'Europe/Helsinki' }).toUTC();
    // One poll looks through at most two days of hours: after a jump of weeks the runner catches up over several.
    const caughtUp = bucketOf(at.minus({ hours: 2 }));
    for (let poll = 0; poll < 100; poll++) {
      h.app.jobs.poll();
      await h.app.jobs.idle();
      const head = (await h.app.deps.stores.jobs.read('head', 'head'))?.doc as JobHead | undefined;
      if (head && head.oldest >= caughtUp) break;
    }
    h.app.jobs.poll();
    await h.app.jobs.idle();
  }

  it('comes every Monday at 08:00 Helsinki time after the first look, and after a holiday on the next working morning', async () => {
    const card = await h.say(COORDINATOR, 'yleiskatsaus');
    assert.ok(cardText(card).includes(t('fi', 'overview.title')));
    await moveTo('2027-12-20T07:59:00');
    assert.equal(digests().length, 0, 'not before Monday 08:00 in Helsinki');
    await moveTo('2027-12-20T08:00:00');
    assert.equal(digests().length, 1, 'Monday 20 December at 08:00 Helsinki time');
    const first = digests()[0];
    assert.ok(cardText(attachedCard(first.body)).includes(t('fi', 'overview.title')), 'the overview card, in Finnish');
    await moveTo('2027-12-26T12:00:00');
    assert.equal(digests().length, 1, 'once a week');
    // Monday 27 December 2027 is a working day in Finland (Christmas fell on the weekend): the digest comes then.
    await moveTo('2027-12-27T08:00:00');
    assert.equal(digests().length, 2);
    // Monday 3 January 2028 is a working day; Thursday 6 January (loppiainen) is not a Monday: no effect.
    await moveTo('2028-01-03T08:00:00');
    assert.equal(digests().length, 3);
    // Asking for the overview again does not add a second digest.
    await h.say(COORDINATOR, 'yleiskatsaus');
    await moveTo('2028-01-10T08:00:00');
    assert.equal(digests().length, 4, 'one digest a week however often they look');
    // Samråd was stopped for weeks: one digest catches up, not one per week missed.
    await moveTo('2028-04-12T10:00:00');
    assert.equal(digests().length, 5);
    // Easter Monday (2. pääsiäispäivä, 17 April 2028) is a holiday in Finland: the digest comes on Tuesday morning.
    await moveTo('2028-04-17T12:00:00');
    assert.equal(digests().length, 5, 'not on Easter Monday');
    await moveTo('2028-04-18T07:59:00');
    assert.equal(digests().length, 5);
    await moveTo('2028-04-18T08:00:00');
    assert.equal(digests().length, 6, 'Tuesday 18 April at 08:00 Helsinki time');
  });
});
