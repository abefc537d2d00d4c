import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { bucketOf, type JobHead } from '../../bot/jobs/job';
import { followUpId } from '../../bot/services/follow-up';
import { t } from '../../bot/i18n';
import { cosmosClient } from '../../bot/store/cosmos-store';
import { startEmbeddedCosmos, type EmbeddedCosmos } from '../../bot/store/embedded';
import { action, attachedCard, cardActions, cardText } from '../support/cards';
import { Harness } from '../support/harness';
import { CASEWORKER, NURSE, planUntil, startMeeting } from '../support/scenarios';

/**
 * Retention on the embedded store, with one clock for Samråd and the store moved by hand: every
 * document of a sent meeting carries the instant its chain expires, as Cosmos DB's `ttl` counted
 * from its last write; a follow-up planned later moves the whole chain's; the caseworker is told
 * 14 days before and may keep a meeting one period longer, once, with a reason; at the instant, the
 * store returns none of the meeting's documents (its overview line and list entry included).
 */

interface Raw {
  id: string;
  kind?: string;
  expiresAt?: string;
  ttl?: number;
  _ts: number;
}

describe('retention: a meeting chain walked to its expiry on a hand-moved clock', function () {
  this.timeout(120_000);
  let store: EmbeddedCosmos;
  let h: Harness;
  // One clock for Samråd and the store: the real one, moved forward by hand (so spacing between job runs still passes).
  let offsetMs = 0;
  const clock = () => DateTime.utc().plus({ milliseconds: offsetMs });
  const moveTo = (instant: DateTime) => void (offsetMs += instant.toMillis() - clock().toMillis());

  // Each walk on a store and a Samråd of its own, the clock back to now.
  beforeEach(async () => {
    offsetMs = 0;
    h = new Harness();
    store = await startEmbeddedCosmos({ now: () => clock().toMillis() });
    await h.start({ COSMOS_ENDPOINT: store.endpoint, COSMOS_KEY: store.key, RETENTION_MONTHS: '6' }, undefined, { now: clock });
  });
  afterEach(async () => {
    await h.stop();
    await store.close();
  });

  const container = (name: string) => cosmosClient({ endpoint: store.endpoint, key: store.key, database: 'samrad' }).database('samrad').container(name);
  /** Every document of a meeting's partition as the store holds it, `_ts` and `ttl` included. */
  async function raw(meetingId: string): Promise<Raw[]> {
    const { resources } = await container('meetings').items.query<Raw>({ query: 'SELECT * FROM c', parameters: [] }, { partitionKey: meetingId }).fetchAll();
    return resources;
  }
  /** Runs what is due now, catching up over the hours since the last poll. */
  async function settle(): Promise<void> {
    const caughtUp = bucketOf(clock().minus({ hours: 2 }));
    for (let poll = 0; poll < 150; poll++) {
      h.app.jobs.poll();
      await h.app.jobs.idle();
      const head = (await h.app.deps.stores.jobs.read('head', 'head'))?.doc as JobHead | undefined;
      if (head && head.oldest >= caughtUp) break;
    }
    await h.settled();
  }
  /** Every document expires at `expiry`: its `expiresAt` says so, and its `ttl` counts there from its own last write. */
  async function expiresAtOnEvery(meetingId: string, expiry: string): Promise<number> {
    const docs = await raw(meetingId);
    assert.ok(docs.length >= 3, `${docs.length} documents`);
    for (const doc of docs) {
      assert.equal(doc.expiresAt, expiry, `${doc.kind ?? doc.id}: expiresAt`);
      // The store stamps _ts (whole seconds) a moment after Samråd counted the ttl: when a second
      // begins in between, the document goes one second after the instant, never before it.
      const at = Math.ceil(Date.parse(expiry) / 1000);
      const gone = doc._ts + doc.ttl!;
      assert.ok(gone >= at && gone <= at + 1, `${doc.kind ?? doc.id}: _ts + ttl is the expiry (${gone - at} s after it)`);
    }
    return docs.length;
  }

  it('keeps every document until six months after the chain\'s last meeting, tells the caseworker 14 days before, and then they are gone', async () => {
    const { meetingId } = await planUntil(h, 'sent');
    await settle();
    const plan = (await h.meeting(meetingId))!;
    const plannedEnd = DateTime.fromISO(plan.when!.start, { zone: 'utc' }).plus({ minutes: plan.when!.durationMinutes });
    await expiresAtOnEvery(meetingId, plannedEnd.plus({ months: 6 }).toISO()!);

    // Held and ended with a follow-up agreed in eight weeks: the chain now ends with the follow-up.
    let card = await startMeeting(h, meetingId);
    const followUp = DateTime.fromISO(plan.when!.start, { zone: 'utc' }).setZone(plan.when!.timeZone).plus({ weeks: 8 }).toISODate()!;
    const drawn = cardActions(card).find((a) => a.data?.rev !== undefined && a.data?.meetingId)!.data!;
    card = await h.press(CASEWORKER, 'session.outcome', { meetingId, rev: drawn.rev }, { responsible: 'undecided', followUp, followUpUndecided: 'false' });
    card = await h.press(CASEWORKER, 'session.end', action(card, 'session.end').data);
    await settle();
    const draft = (await h.meeting(followUpId(meetingId)))!;
    assert.equal(draft.status, 'draft');
    const chainEnd = DateTime.fromISO(draft.when!.start, { zone: 'utc' }).plus({ minutes: draft.when!.durationMinutes });
    const expiry = chainEnd.plus({ months: 6 }).toISO()!;
    const count = await expiresAtOnEvery(meetingId, expiry);
    assert.ok(count >= 5, 'the plan, the session, the answers, the deliveries, the tracking');
    const summary = await container('overview').item(`summary.${meetingId}`, `${plan.tenantId}:${DateTime.fromISO(plan.when!.start, { zone: 'utc' }).toFormat('yyyy-MM')}`).read<Raw>();
    assert.equal(summary.resource?.expiresAt, expiry, 'the overview line goes with the meeting');
    const entry = await container('meetingIndex').item(`meeting.${meetingId}`, plan.organizer.userKey).read<Raw>();
    assert.equal(entry.resource?.expiresAt, expiry, 'and the caseworker\'s list entry');

    // 14 days before, on a working morning: the caseworker is told, in Swedish, with the status card at hand.
    const notices = () => h.connector.posted().filter((r) => r.body?.summary === t('sv', 'nudge.summary') && cardText(attachedCard(r.body)).includes(t('sv', 'retention.extend')));
    moveTo(DateTime.fromISO(expiry).minus({ days: 20 }));
    await settle();
    assert.equal(notices().length, 0, 'not three weeks before');
    moveTo(DateTime.fromISO(expiry).minus({ days: 13 }));
    await settle();
    assert.equal(notices().length, 1, 'once, two weeks before');

    // Just before the instant everything is there; at the instant, none of it.
    moveTo(DateTime.fromISO(expiry).minus({ seconds: 30 }));
    assert.ok((await raw(meetingId)).length >= count);
    moveTo(DateTime.fromISO(expiry).plus({ seconds: 1 }));
    assert.deepEqual(await raw(meetingId), [], 'every document of the meeting is gone');
    assert.equal(await h.meeting(meetingId), undefined);
    assert.equal((await container('overview').item(`summary.${meetingId}`, `${plan.tenantId}:${DateTime.fromISO(plan.when!.start, { zone: 'utc' }).toFormat('yyyy-MM')}`).read()).resource, undefined);
  });

  it('keeps a meeting one period longer, once, when the caseworker gives a reason', async () => {
    const { meetingId } = await planUntil(h, 'sent', CASEWORKER, NURSE);
    await settle();
    const plan = (await h.meeting(meetingId))!;
    const first = DateTime.fromISO(plan.when!.start, { zone: 'utc' }).plus({ minutes: plan.when!.durationMinutes, months: 6 });
    // No reason: refused in Swedish, nothing changes.
    const bare = await h.press(CASEWORKER, 'retention.extend', { meetingId }, { reason: '  ' });
    assert.ok(cardText(bare).includes(t('sv', 'problem.reasonRequired')));
    assert.equal((await h.meeting(meetingId))!.retention, undefined);
    const kept = await h.press(CASEWORKER, 'retention.extend', { meetingId }, { reason: 'Utredningen pågår' });
    assert.ok(cardText(kept).includes(t('sv', 'retention.extended')));
    assert.equal((await h.meeting(meetingId))!.retention?.extended?.reason, 'Utredningen pågår');
    await settle();
    const extended = first.plus({ months: 6 }).toISO()!;
    await expiresAtOnEvery(meetingId, extended);
    const again = await h.press(CASEWORKER, 'retention.extend', { meetingId }, { reason: 'Igen' });
    assert.ok(cardText(again).includes(t('sv', 'problem.alreadyExtended')), 'once only');
    // The nurse is not the caseworker: refused.
    const nurse = await h.press(NURSE, 'retention.extend', { meetingId }, { reason: 'Jag vill' });
    assert.ok(cardText(nurse).includes(t('en', 'problem.notOrganizer')));
    moveTo(first.plus({ days: 1 }));
    assert.ok((await raw(meetingId)).length > 0, 'kept past the first expiry');
    moveTo(DateTime.fromISO(extended).plus({ seconds: 1 }));
    assert.deepEqual(await raw(meetingId), [], 'gone at the extended one');
  });
});
