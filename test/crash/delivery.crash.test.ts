/**
 * Invitation delivery is a fan-out job (bot/services/fanout.ts on bot/jobs): at least once per
 * invitee; when an instance dies, at most the invitations in flight then are sent twice (at most
 * FANOUT_CONCURRENCY, 8, one per person, since eight people are sent to at once); two live
 * instances never both sending. Here Samråd runs as real processes over one store process, the
 * connector answers slowly (so a delivery to 40 people takes seconds even eight at a time), and
 * the instance delivering is killed with SIGKILL.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { JobDoc } from '../../bot/jobs/job';
import { cosmosClient } from '../../bot/store/cosmos-store';
import { attachedCard, cardText } from '../support/cards';
import type { Captured } from '../support/connector';
import { freePort, samradProcess } from '../support/processes';
import { SharedStore } from '../support/shared-store';
import { CASEWORKER, colleagues, planAndSend } from '../support/scenarios';
import { until as waitUntil } from '../support/until';
import { t } from '../../bot/i18n';
import { FANOUT_CONCURRENCY } from '../../bot/services/fanout';

const INVITEES = colleagues(40, 'en-GB');
/** Resumed within this long of the kill (or of the restart): the lease, a poll, and the time to send one card. */
const RESUME_BOUND_MS = 15_000;

describe('invitation delivery survives SIGKILL, with one and with three Samråd processes on one store', function () {
  this.timeout(180_000);

  const shared = new SharedStore('samrad-delivery-');
  beforeEach(() => {
    // A slow link to Teams: each message takes 500 ms, so forty take two and a half seconds or more, eight at a time.
    shared.client.connector.delayMs = 500;
  });

  /** Plans a meeting with the forty invitees through `via` and presses Send. */
  async function send(via: { url: string }): Promise<string> {
    shared.client.target = via.url;
    return planAndSend(shared.client, INVITEES, CASEWORKER, 'en');
  }

  /** Invitation cards the connector received, with the invitee each went to. */
  function invitations(): (Captured & { invitee: string })[] {
    return shared.client.connector
      .posted()
      .filter((r) => cardText(attachedCard(r.body)).includes(t('en', 'invitation.title')))
      .map((r) => ({ ...r, invitee: shared.client.connector.members.get(r.path.split('/')[3]) ?? '?' }));
  }

  const until = (check: () => boolean, what: string, timeoutMs = 60_000) => waitUntil(check, () => `${what} (${invitations().length} invitations so far)`, timeoutMs, 20);

  /** The instance id holding the meeting's delivery job now. */
  async function deliveringInstance(meetingId: string): Promise<string | undefined> {
    const container = cosmosClient({ endpoint: String(shared.store.ready.endpoint), key: String(shared.store.ready.key), database: 'samrad' }).database('samrad').container('jobs');
    const { resources } = await container.items
      .query<JobDoc>({ query: "SELECT * FROM c WHERE c.kind = 'invitations' AND STARTSWITH(c.key, @m)", parameters: [{ name: '@m', value: meetingId }] })
      .fetchAll();
    return resources[0]?.claim?.owner;
  }

  /** Every invitee has their card, and at most the ones in flight at the kill (no more than FANOUT_CONCURRENCY) got it twice. */
  function assertEachOnceButInFlight(): string[] {
    const byInvitee = new Map<string, number>();
    for (const card of invitations()) byInvitee.set(card.invitee, (byInvitee.get(card.invitee) ?? 0) + 1);
    assert.deepEqual(
      INVITEES.filter((p) => !byInvitee.has(p.aadObjectId)).map((p) => p.name),
      [],
      'everyone got their invitation',
    );
    const twice = [...byInvitee].filter(([, n]) => n > 1).map(([id]) => id);
    assert.ok(twice.length <= FANOUT_CONCURRENCY, `${twice.length} invitees got their invitation more than once`);
    assert.ok([...byInvitee.values()].every((n) => n <= 2));
    return twice;
  }

  it('with three instances: the one delivering is killed, another takes over once its claim expires, and only the invitations in flight may be sent twice', async () => {
    const instances = await shared.instances(3);
    const meetingId = await send(instances[0]);
    await until(() => invitations().length >= 8, 'eight invitations');
    const owner = await deliveringInstance(meetingId);
    const victim = instances.find((i) => i.ready.instance === owner);
    assert.ok(victim, `the delivery is held by one of the three (${owner})`);
    await victim.kill();
    const killedAt = Date.now();
    const before = invitations().length;
    assert.ok(new Set(invitations().map((c) => c.invitee)).size < INVITEES.length, 'the delivery was cut short');
    await until(() => new Set(invitations().map((c) => c.invitee)).size === INVITEES.length, 'every invitee');
    const resumed = invitations().slice(before).find((c) => c.at > killedAt)!;
    assert.ok(resumed.at - killedAt <= RESUME_BOUND_MS, `resumed ${resumed.at - killedAt} ms after the kill`);
    const twice = assertEachOnceButInFlight();
    // A second copy can only be of an invitation in flight at the kill: its first copy came before it, its second after.
    for (const invitee of twice) {
      const copies = invitations().filter((c) => c.invitee === invitee);
      assert.ok(copies[0].at <= killedAt && copies[1].at > killedAt, 'the duplicate was the one in flight');
    }
    assert.notEqual(await deliveringInstance(meetingId), owner);
  });

  it('with one instance: killed in the middle of a delivery and started again, it finishes the delivery within 15 s of the restart', async () => {
    const port = await freePort();
    const env = { COSMOS_ENDPOINT: String(shared.store.ready.endpoint), COSMOS_KEY: String(shared.store.ready.key), SAMRAD_DATA_DIR: join(shared.dataDir, 'unused') };
    const first = samradProcess(port, env);
    await first.start();
    shared.running.push(first);
    await send(first);
    await until(() => invitations().length >= 8, 'eight invitations');
    await first.kill();
    const before = invitations().length;
    assert.ok(new Set(invitations().map((c) => c.invitee)).size < INVITEES.length, 'the delivery was cut short');
    const again = samradProcess(port, env);
    await again.start();
    shared.running.push(again);
    const restartedAt = Date.now();
    await until(() => new Set(invitations().map((c) => c.invitee)).size === INVITEES.length, 'every invitee');
    const resumed = invitations().slice(before)[0];
    assert.ok(resumed.at - restartedAt <= RESUME_BOUND_MS, `resumed ${resumed.at - restartedAt} ms after the restart`);
    assertEachOnceButInFlight();
    // The caseworker is told once how the delivery went (a second notice only if the process died while sending it).
    const notice = `${t('sv', 'delivered.invite')} ${t('sv', 'delivered.letters', { count: 1 })}`;
    await until(() => shared.client.connector.posted().some((r) => r.body?.text === notice), 'the notice to the caseworker', 30_000);
    assert.ok(shared.client.connector.posted().filter((r) => r.body?.text === notice).length <= 2);
  });
});
