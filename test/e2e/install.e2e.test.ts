import assert from 'node:assert/strict';
import { t } from '../../bot/i18n';
import { jsonLogger } from '../../bot/log';
import { attachedCard, cardText } from '../support/cards';
import { CATALOG_APP, GRAPH_TEST_TOKEN, GraphStandIn, testTokens } from '../support/graph';
import { Harness } from '../support/harness';
import { colleagues, NURSE, planUntil, sentTo } from '../support/scenarios';
import { sv } from '../support/text';

/**
 * Colleagues who have not installed Samråd: the bot installs itself for them through Microsoft
 * Graph (a local stand-in here) and then invites them in Teams; where Graph will not, they need a
 * letter, with the reason. The Graph token is a fixed one given through `startSamrad`'s options:
 * getting a real token from Entra ID (client secret or managed identity) is not exercised here.
 */
describe('install: Samråd installs itself for colleagues Teams cannot reach yet (Graph stand-in, fixed token)', () => {
  let h: Harness;
  let graph: GraphStandIn;
  let lines: string[];

  /** Samråd with Graph pointed at the stand-in, the manifest id set, and the stand-in's token. */
  async function start(env: Record<string, string> = {}): Promise<void> {
    h = new Harness();
    graph = new GraphStandIn(h.connector);
    lines = [];
    const baseUrl = await graph.start();
    await h.start({ GRAPH_BASE_URL: baseUrl, TEAMS_APP_ID: CATALOG_APP.externalId, MICROSOFT_APP_TENANT_ID: h.tenantId, ...env });
    // Local mode has no bot credentials to get a Graph token with: the test gives one.
    await h.restart(jsonLogger((line) => lines.push(line)), { graphTokens: testTokens });
  }

  afterEach(async () => {
    await h?.stop();
    await graph?.stop();
  });

  /** The connector's attempts to open a 1:1 chat with this user. */
  const chatsOpened = (userId: string) => h.connector.requests.filter((r) => r.method === 'POST' && /^\/v3\/conversations\/?$/.test(r.path) && r.body?.members?.[0]?.id === userId);

  it('an invitee the connector refuses (403) is installed through Graph and receives the invitation in Teams', async () => {
    await start();
    h.connector.unreachable.add(NURSE.aadObjectId);
    graph.set('grantable', NURSE.aadObjectId);
    const { meetingId } = await planUntil(h, 'sent');

    const nurse = await h.person(meetingId, NURSE.name);
    assert.equal(nurse.delivery, 'teams');
    const stored = (await h.view(meetingId))!.deliveries.get(nurse.participant.id);
    assert.equal(stored?.reason, undefined);
    assert.ok(stored?.card?.activityId, 'the invitation card was posted');

    // Graph: the app's catalog id looked up by the manifest id, then one installation for the nurse, with the token.
    assert.equal(graph.lookups().length, 1);
    assert.equal(graph.lookups()[0].path, `/appCatalogs/teamsApps?$filter=externalId eq '${CATALOG_APP.externalId}'`);
    const [install] = graph.installs();
    assert.equal(graph.installs().length, 1);
    assert.equal(install.path, `/users/${NURSE.aadObjectId}/teamwork/installedApps`);
    assert.equal(install.authorization, `Bearer ${GRAPH_TEST_TOKEN}`);
    assert.deepEqual(install.body, { 'teamsApp@odata.bind': `${graph.baseUrl}/appCatalogs/teamsApps/${CATALOG_APP.id}` });

    // Teams: refused before the installation, opened after it, and the invitation went into that chat.
    const opened = chatsOpened(NURSE.aadObjectId);
    assert.equal(opened.length, 2, 'one refused attempt, one after the installation');
    assert.ok(opened[0].at <= install.at && install.at <= opened[1].at);
    const invitation = h.connector.posted().find((r) => cardText(attachedCard(r.body)).includes(t('en', 'invitation.title')));
    assert.ok(invitation && h.connector.members.get(invitation.path.split('/')[3]) === NURSE.aadObjectId, 'the invitation is in the chat with the nurse');

    // The caseworker hears that everyone in Teams was reached (the client, by hand, needs a letter).
    await h.connector.waitFor((r) => r.body?.text === `${sv('delivered.invite')} ${sv('delivered.letters', { count: 1 })}`);

    // The log names ids, never the token or a person's name.
    const log = lines.join('\n');
    assert.ok(log.includes('"event":"graph.install"') && log.includes('"outcome":"installed"'), log);
    assert.ok(!log.includes(GRAPH_TEST_TOKEN), 'no token in the log');
    assert.ok(!log.includes(NURSE.name), 'no name in the log');
  });

  it('with Graph answering 403 (the permission not granted), the invitee needs a letter, for the reason permissionMissing', async () => {
    await start();
    h.connector.unreachable.add(NURSE.aadObjectId);
    graph.set('forbidden', NURSE.aadObjectId);
    const { meetingId } = await planUntil(h, 'sent');
    const nurse = await h.person(meetingId, NURSE.name);
    assert.equal(nurse.delivery, 'letter');
    assert.equal((await h.view(meetingId))!.deliveries.get(nurse.participant.id)?.reason, 'permissionMissing');
    assert.equal(graph.installs().length, 1);
    assert.equal(chatsOpened(NURSE.aadObjectId).length, 1, 'no second attempt without an installation');
    await h.connector.waitFor((r) => r.body?.text === `${sv('delivered.inviteNotReached', { count: 1 })} ${sv('delivered.letters', { count: 1 })}`);
    assert.ok(lines.some((l) => l.includes('"event":"graph.install"') && l.includes('TeamsAppInstallation.ReadWriteSelfForUser.All')), 'the log names the permission to grant');
  });

  it('with Graph answering 404 (refused for this user), the invitee needs a letter, for the reason installRefused', async () => {
    await start();
    h.connector.unreachable.add(NURSE.aadObjectId);
    graph.set('refused', NURSE.aadObjectId);
    const { meetingId } = await planUntil(h, 'sent');
    const nurse = await h.person(meetingId, NURSE.name);
    assert.equal(nurse.delivery, 'letter');
    assert.equal((await h.view(meetingId))!.deliveries.get(nurse.participant.id)?.reason, 'installRefused');
    await h.connector.waitFor((r) => r.body?.text === `${sv('delivered.inviteNotReached', { count: 1 })} ${sv('delivered.letters', { count: 1 })}`);
  });

  it('several colleagues at once: installed, forbidden, refused and already reachable; the caseworker\'s notice counts those not reached; the catalog id is looked up once', async () => {
    await start();
    const [installable, forbidden, refused, reachable] = colleagues(4);
    h.connector.unreachable.add(installable.aadObjectId).add(forbidden.aadObjectId).add(refused.aadObjectId);
    graph.set('grantable', installable.aadObjectId).set('forbidden', forbidden.aadObjectId).set('refused', refused.aadObjectId);
    const { meetingId } = await sentTo(h, [installable, forbidden, refused, reachable]);

    const view = (await h.view(meetingId))!;
    const outcome = async (name: string) => {
      const { participant, delivery } = await h.person(meetingId, name);
      return [delivery, view.deliveries.get(participant.id)?.reason];
    };
    assert.deepEqual(await outcome(installable.name), ['teams', undefined]);
    assert.deepEqual(await outcome(forbidden.name), ['letter', 'permissionMissing']);
    assert.deepEqual(await outcome(refused.name), ['letter', 'installRefused']);
    assert.deepEqual(await outcome(reachable.name), ['teams', undefined]);

    assert.deepEqual(graph.installs().map((r) => r.path.split('/')[2]).sort(), [installable, forbidden, refused].map((p) => p.aadObjectId).sort(), 'Graph is asked only for those Teams refused');
    assert.equal(graph.lookups().length, 1, 'the catalog id is kept for the process');
    await h.connector.waitFor((r) => r.body?.text === `${sv('delivered.inviteNotReached', { count: 2 })} ${sv('delivered.letters', { count: 1 })}`);
  });

  it('already installed (409) counts as installed; when Teams still refuses the chat, the reason is unreachable', async () => {
    await start();
    h.connector.unreachable.add(NURSE.aadObjectId);
    graph.set('installed', NURSE.aadObjectId);
    const { meetingId } = await planUntil(h, 'sent');
    const nurse = await h.person(meetingId, NURSE.name);
    assert.equal(nurse.delivery, 'letter');
    assert.equal((await h.view(meetingId))!.deliveries.get(nurse.participant.id)?.reason, 'unreachable');
    assert.equal(chatsOpened(NURSE.aadObjectId).length, 2, 'tried again after the 409');
  });

  it('a throttled installation (429) is sent once more after its Retry-After, and the invitation arrives', async () => {
    await start();
    h.connector.unreachable.add(NURSE.aadObjectId);
    graph.set('grantable', NURSE.aadObjectId);
    graph.throttleNext = 1;
    const { meetingId } = await planUntil(h, 'sent');
    const installs = graph.installs();
    assert.equal(installs.length, 2);
    assert.ok(installs[1].at - installs[0].at >= 950, `waited the Retry-After of 1 s (${installs[1].at - installs[0].at} ms)`);
    assert.equal((await h.person(meetingId, NURSE.name)).delivery, 'teams');
    assert.ok(!lines.some((l) => l.includes('"event":"job.retry"')), 'the client waited; the job did not fail');
  });

  it('Graph unavailable (503) fails the attempt and the delivery job tries again later, then the invitation arrives', async () => {
    await start();
    h.connector.unreachable.add(NURSE.aadObjectId);
    graph.set('grantable', NURSE.aadObjectId);
    graph.failNext = 1;
    const { meetingId } = await planUntil(h, 'sent');
    assert.equal(graph.installs().length, 2, 'the 503 is not retried by the client, the job tries again');
    const nurse = await h.person(meetingId, NURSE.name);
    assert.equal(nurse.delivery, 'teams');
    // No reason on a delivery that is there (a missing delivery has no reason either).
    const stored = (await h.view(meetingId))!.deliveries.get(nurse.participant.id);
    assert.equal(stored?.reason, undefined);
    assert.ok(stored?.card?.activityId, 'the invitation card was posted');
  });

  it('with TEAMS_APP_CATALOG_ID set, the catalog is not looked up', async () => {
    await start({ TEAMS_APP_ID: '', TEAMS_APP_CATALOG_ID: CATALOG_APP.id });
    h.connector.unreachable.add(NURSE.aadObjectId);
    graph.set('grantable', NURSE.aadObjectId);
    const { meetingId } = await planUntil(h, 'sent');
    assert.equal((await h.person(meetingId, NURSE.name)).delivery, 'teams');
    assert.equal(graph.lookups().length, 0);
    assert.equal(graph.installs().length, 1);
  });

  it('a catalog lookup Graph forbids (no AppCatalog.Read.All) means permissionMissing, with no installation tried', async () => {
    await start();
    graph.catalog = 'forbidden';
    h.connector.unreachable.add(NURSE.aadObjectId);
    graph.set('grantable', NURSE.aadObjectId);
    const { meetingId } = await planUntil(h, 'sent');
    const nurse = await h.person(meetingId, NURSE.name);
    assert.equal((await h.view(meetingId))!.deliveries.get(nurse.participant.id)?.reason, 'permissionMissing');
    assert.equal(graph.installs().length, 0);
    assert.ok(lines.some((l) => l.includes('"event":"graph.catalog.forbidden"') && l.includes('AppCatalog.Read.All')));
  });

  it('Samråd missing from the organisation\'s app catalog means installRefused', async () => {
    await start();
    graph.catalog = 'missing';
    h.connector.unreachable.add(NURSE.aadObjectId);
    graph.set('grantable', NURSE.aadObjectId);
    const { meetingId } = await planUntil(h, 'sent');
    const nurse = await h.person(meetingId, NURSE.name);
    assert.equal((await h.view(meetingId))!.deliveries.get(nurse.participant.id)?.reason, 'installRefused');
    assert.equal(graph.installs().length, 0);
    assert.ok(lines.some((l) => l.includes('"event":"graph.catalog.notFound"')));
  });

  it('without Graph settings (no TEAMS_APP_ID nor TEAMS_APP_CATALOG_ID) Samråd never calls Graph: permissionMissing', async () => {
    await start({ TEAMS_APP_ID: '' });
    h.connector.unreachable.add(NURSE.aadObjectId);
    graph.set('grantable', NURSE.aadObjectId);
    const { meetingId } = await planUntil(h, 'sent');
    const nurse = await h.person(meetingId, NURSE.name);
    assert.equal((await h.view(meetingId))!.deliveries.get(nurse.participant.id)?.reason, 'permissionMissing');
    assert.equal(graph.requests.length, 0);
  });
});
