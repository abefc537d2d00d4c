/**
 * The minutes go to every participant in Teams as a fan-out job (bot/services/fanout.ts): at
 * least once to each, and after an instance dies with SIGKILL only the sends in flight may be
 * made again. Samråd runs here as three real processes over one store process, the connector
 * answers slowly (so forty sends take seconds), and the instance sending the minutes is killed.
 */
import assert from 'node:assert/strict';
import type { JobDoc } from '../../bot/jobs/job';
import { FANOUT_CONCURRENCY } from '../../bot/services/fanout';
import { cosmosClient } from '../../bot/store/cosmos-store';
import { t } from '../../bot/i18n';
import { action } from '../support/cards';
import type { Captured } from '../support/connector';
import { SharedStore } from '../support/shared-store';
import { agreeOutcome, CASEWORKER, colleagues, planAndSend, startMeeting } from '../support/scenarios';
import { until as waitUntil } from '../support/until';

const INVITEES = colleagues(40, 'en-GB');

describe('the minutes to forty people survive SIGKILL of the instance sending them, with three Samråd processes on one store', function () {
  this.timeout(180_000);

  const shared = new SharedStore('samrad-minutes-');

  /** Minutes cards the connector received, with the invitee each went to. */
  function minutesCards(): (Captured & { invitee: string })[] {
    return shared.client.connector
      .posted()
      .filter((r) => r.body?.summary === t('en', 'minutes.summary'))
      .map((r) => ({ ...r, invitee: shared.client.connector.members.get(r.path.split('/')[3]) ?? '?' }));
  }

  /** The job document of a meeting's minutes. */
  async function minutesJob(meetingId: string): Promise<JobDoc | undefined> {
    const container = cosmosClient({ endpoint: String(shared.store.ready.endpoint), key: String(shared.store.ready.key), database: 'samrad' }).database('samrad').container('jobs');
    const { resources } = await container.items.query<JobDoc>({ query: "SELECT * FROM c WHERE c.kind = 'minutes' AND c.key = @m", parameters: [{ name: '@m', value: meetingId }] }).fetchAll();
    return resources[0];
  }

  const until = (check: () => boolean | Promise<boolean>, what: string, timeoutMs = 90_000) => waitUntil(check, () => `${what} (${minutesCards().length} minutes cards so far)`, timeoutMs);

  it('sends the minutes to all forty, repeating at most the sends in flight at the kill, each at most once', async () => {
    const instances = await shared.instances(3);
    shared.client.target = instances[0].url;
    const meetingId = await planAndSend(shared.client, INVITEES, CASEWORKER, 'en');
    // Held and ended (the responsible worker and the follow-up "not decided"), then the minutes sent.
    let card = await startMeeting(shared.client, meetingId);
    card = await agreeOutcome(shared.client, card);
    card = await shared.client.press(CASEWORKER, 'session.end', action(card, 'session.end').data);
    const review = await shared.client.press(CASEWORKER, 'minutes.show', { verb: 'minutes.show', meetingId });
    // Slow: each card takes 150 ms, so forty take about a second even eight at a time.
    shared.client.connector.delayMs = 150;
    await shared.client.press(CASEWORKER, 'minutes.send', action(review, 'minutes.send').data, { note: '' });
    await until(() => minutesCards().length >= 10, 'ten minutes cards');
    const owner = (await minutesJob(meetingId))?.claim?.owner;
    const victim = instances.find((i) => i.ready.instance === owner);
    assert.ok(victim, `the minutes are held by one of the three (${owner})`);
    await victim.kill();
    const killedAt = Date.now();
    const before = minutesCards().length;
    assert.ok(before < INVITEES.length, 'the sending was cut short');
    shared.client.connector.delayMs = 0;
    await until(() => new Set(minutesCards().map((c) => c.invitee)).size === INVITEES.length, 'every invitee');
    await until(async () => (await minutesJob(meetingId))?.state === 'done', 'the minutes job done');
    // Everyone has them; a second copy only of a send in flight at the kill, at most the fan-out's concurrency of them.
    const byInvitee = new Map<string, Captured[]>();
    for (const c of minutesCards()) byInvitee.set(c.invitee, [...(byInvitee.get(c.invitee) ?? []), c]);
    assert.deepEqual(INVITEES.filter((p) => !byInvitee.has(p.aadObjectId)).map((p) => p.name), []);
    const twice = [...byInvitee.values()].filter((copies) => copies.length > 1);
    assert.ok(twice.length <= FANOUT_CONCURRENCY, `${twice.length} got the minutes twice`);
    for (const copies of twice) {
      assert.equal(copies.length, 2, 'never more than one extra copy');
      assert.ok(copies[0].at <= killedAt && copies[1].at > killedAt, 'the repeat was a send in flight at the kill');
    }
  });
});
