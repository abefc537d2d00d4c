/**
 * The offer of meeting mode in a Teams meeting's chat is a job keyed by the chat and the day: at
 * least once, at most once a day however many meeting-start events arrive at however many
 * instances, except that the post in flight when an instance dies may be made once more. Samråd
 * runs here as three real processes over one store process; one is killed with SIGKILL.
 */
import assert from 'node:assert/strict';
import type { JobDoc } from '../../bot/jobs/job';
import { cosmosClient } from '../../bot/store/cosmos-store';
import { t } from '../../bot/i18n';
import { attachedCard, cardText } from '../support/cards';
import { SharedStore } from '../support/shared-store';
import { CASEWORKER } from '../support/scenarios';
import { until } from '../support/until';

describe('the meeting-mode offer in a Teams meeting\'s chat, with three Samråd processes on one store', function () {
  this.timeout(120_000);

  const shared = new SharedStore('samrad-offer-');

  /** Twenty meeting-start events for one chat, with twenty start times and three meeting ids, spread over the instances at once. */
  async function startEvents(to: { url: string }[], chatId: string): Promise<void> {
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const activity = shared.client.activity(CASEWORKER, {
          type: 'event',
          name: 'application/vnd.microsoft.meetingStart',
          value: { Id: `MCMxOTptZWV0aW5n-${i % 3}`, StartTime: new Date(Date.UTC(2026, 11, 7, 8, i)).toISOString() },
        });
        const res = await fetch(`${to[i % to.length].url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...activity, conversation: { id: chatId, conversationType: 'groupChat', tenantId: shared.client.tenantId } }),
        });
        assert.equal(res.status, 200);
      }),
    );
  }

  const offers = (chatId: string) => shared.client.connector.posted().filter((r) => r.path.includes(chatId) && cardText(attachedCard(r.body)).includes(t('sv', 'session.offer')));

  /** The offer job of the day, as stored. */
  async function offerJob(): Promise<JobDoc | undefined> {
    const container = cosmosClient({ endpoint: String(shared.store.ready.endpoint), key: String(shared.store.ready.key), database: 'samrad' }).database('samrad').container('jobs');
    const { resources } = await container.items.query<JobDoc>({ query: "SELECT * FROM c WHERE c.kind = 'meeting-offer'", parameters: [] }).fetchAll();
    assert.ok(resources.length <= 1, `${resources.length} offer jobs for one chat and day`);
    return resources[0];
  }

  it('posts one offer however many events arrive at the three instances', async () => {
    const three = await shared.instances(3);
    await startEvents(three, 'a:meeting-chat');
    await until(async () => (await offerJob())?.state === 'done', 'the offer job done');
    assert.equal(offers('a:meeting-chat').length, 1);
  });

  it('posts the offer after the instance holding it is killed, at most once more than once (the post in flight)', async () => {
    const three = await shared.instances(3);
    // A slow link to Teams: the post is in flight for two seconds.
    shared.client.connector.delayMs = 2000;
    await startEvents(three, 'a:meeting-chat-2');
    await until(() => offers('a:meeting-chat-2').length === 1, 'the offer posted');
    const owner = (await offerJob())?.claim?.owner;
    const victim = three.find((i) => i.ready.instance === owner);
    assert.ok(victim, 'one of the three holds the offer job');
    await victim.kill();
    const killedAt = Date.now();
    shared.client.connector.delayMs = 0;
    await until(async () => (await offerJob())?.state === 'done', 'the offer job done by another instance');
    const posted = offers('a:meeting-chat-2');
    assert.ok(posted.length >= 1 && posted.length <= 2, `${posted.length} offers`);
    if (posted.length === 2) assert.ok(posted[0].at <= killedAt && posted[1].at > killedAt, 'the repeat was of the post in flight at the kill');
    assert.notEqual((await offerJob())?.claim?.owner ?? 'none', owner);
  });
});
