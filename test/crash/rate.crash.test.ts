/**
 * Teams' rate limits hold for the app in a tenant (50 requests a second), however many Samråd
 * processes send: the instances on one store count each other (bot/store/instances.ts) and each
 * takes its share of the budget (bot/teams/pacing.ts). Here three real Samråd processes on one
 * store process deliver the invitations of 12 meetings with 25 Teams invitees each (300 chats
 * opened, 300 cards posted), sent through each instance in turn at the same moment, to the
 * benchmark's connector (scripts/bench/connector.ts) holding them to Teams' limits: it answers
 * 429 with Retry-After, and records the most requests that arrived within one second.
 *
 * Without the division this test fails: run with the share fixed at 1 (`teamsAdapter(config, log)`
 * in bot/app.ts), each instance spaced only its own requests by 25 ms; the connector answered 429
 * between 400 and 600 times and saw up to 146 requests within one second (retries included). With
 * it, the peak stayed between 41 and 44 (each of three instances at most one request per 75 ms).
 */
import assert from 'node:assert/strict';
import { CATALOGS, t } from '../../bot/i18n';
import {
  BotEndpoint,
  ConnectorControl,
  invitationFor,
  judgeByCatalog,
  personalConversation,
  planAndSend,
  type Captured,
  type ConnectorStats,
  type Person,
} from '../../scripts/bench/conversation';
import { ChildProgram } from '../support/processes';
import { SharedStore } from '../support/shared-store';
import { until } from '../support/until';

const INSTANCES = 3;
const MEETINGS = 12;
const INVITEES = 25;
/** Teams' limit per app and tenant: requests in one second. */
const TENANT_PER_SECOND = 50;

describe('three Samråd processes on one store share Teams\' rate limits', function () {
  this.timeout(420_000);

  const shared = new SharedStore('samrad-rate-');
  let connector: ChildProgram;
  let control: ConnectorControl;
  beforeEach(async () => {
    connector = new ChildProgram(['scripts/bench/connector.ts'], {}, 'connector.listening');
    await connector.start();
    control = new ConnectorControl(String(connector.ready.url));
  });
  afterEach(async () => {
    await connector?.stop();
  });

  /** How many live instances a process counted last (it logs each change of the count). */
  function counted(process: ChildProgram): number {
    const changes = process.events('instances.live');
    return changes.length ? Number(changes[changes.length - 1].count) : 1;
  }

  it(`delivers ${MEETINGS} × ${INVITEES} invitations once each, without a single 429 and never more than ${TENANT_PER_SECOND} requests a second for the tenant`, async () => {
    const instances = await shared.instances(INSTANCES);
    await until(() => instances.every((p) => counted(p) === INSTANCES), `every instance counts ${INSTANCES}`, 30_000);
    await control.configure('enforce', true);
    const judge = judgeByCatalog(t as never, CATALOGS);

    // Every meeting is planned through one of the three; all are sent at the same moment.
    let ready = 0;
    let go!: () => void;
    const allPlanned = new Promise<void>((resolve) => (go = resolve));
    const caseworkers: Person[] = [];
    const planned = Array.from({ length: MEETINGS }, (_, m) => {
      const caseworker: Person = { aadObjectId: `caseworker-${m + 1}`, name: `Kim ${m + 1}`, locale: 'en-GB', timeZone: 'Europe/Stockholm' };
      caseworkers.push(caseworker);
      const invitees: Person[] = Array.from({ length: INVITEES }, (_, i) => ({ aadObjectId: `invitee-${m + 1}-${i + 1}`, name: `Invitee ${m + 1}.${i + 1}`, locale: 'en-GB' }));
      const bot = new BotEndpoint(instances[m % INSTANCES].url, control.url, '28:samrad-bot');
      return planAndSend(bot, judge, caseworker, invitees, async () => {
        if (++ready === MEETINGS) go();
        await allPlanned;
      });
    });
    const meetings = await Promise.all(planned);
    for (const meeting of meetings) assert.equal(meeting.invitees.length, INVITEES, 'every invitee was accepted on the plan');

    // Every invitation card, and every caseworker told that their invitations are out.
    const cardsOf = (all: Captured[], meetingId: string, invitee: Person) =>
      all.filter((c) => c.conversationId === personalConversation(invitee.aadObjectId) && invitationFor(c, meetingId));
    const told = (all: Captured[], caseworker: Person) => all.some((c) => c.conversationId === personalConversation(caseworker.aadObjectId) && c.method === 'POST' && !!c.text);
    const { all, complete } = await control.collect(
      (all) => meetings.every((m) => m.invitees.every((p) => cardsOf(all, m.meetingId, p).length > 0)) && caseworkers.every((c) => told(all, c)),
      { timeoutMs: 300_000 },
    );
    const stats: ConnectorStats = await control.stats();
    const delivered = meetings.reduce((sum, m) => sum + m.invitees.filter((p) => cardsOf(all, m.meetingId, p).length > 0).length, 0);
    assert.ok(complete, `only ${delivered} of ${MEETINGS * INVITEES} invitations (and ${caseworkers.filter((c) => told(all, c)).length} of ${MEETINGS} notices) arrived`);

    for (const meeting of meetings) {
      const twice = meeting.invitees.filter((p) => cardsOf(all, meeting.meetingId, p).length !== 1).map((p) => p.name);
      assert.deepEqual(twice, [], 'every invitation delivered once');
    }
    const peaks = stats.peakPerSecondByTenant ?? {};
    assert.equal(stats.throttled, 0, `the connector answered 429 ${stats.throttled} times (${JSON.stringify(stats.byRule)}; peaks ${JSON.stringify(peaks)})`);
    assert.ok(Object.keys(peaks).length > 0, 'the connector saw the tenant');
    for (const [tenant, peak] of Object.entries(peaks)) assert.ok(peak <= TENANT_PER_SECOND, `${peak} requests within one second for ${tenant}`);

    // The budget was shared for real: several instances ran deliveries (one runs at most eight jobs at once, and
    // which instance claims a meeting's delivery is the job runner's choice), and each counted three throughout.
    const delivering = instances.map((p) => p.events('job.done').filter((e) => e.kind === 'invitations').length);
    assert.ok(delivering.filter((n) => n > 0).length >= 2, `deliveries run by each instance: ${delivering.join(', ')}`);
    for (const [i, p] of instances.entries()) assert.equal(counted(p), INSTANCES, `instance ${i + 1} still counts ${INSTANCES}`);
  });
});
