/**
 * Follow-up nudges (bot/services/nudges.ts): one `nudge` job per meeting and nudge, which checks
 * the rules again when it falls due and sends the card to each recipient once, writing its intent
 * under the job's claim before each send. So a nudge is never lost, two live instances never both
 * send it, and an instance killed between claim and send makes the instance that takes the job
 * over send that one nudge again: at most one repeat per nudge job the killed instance was
 * sending (a Teams send has no idempotency key).
 *
 * Here three real Samråd processes on one store process send 10,000 nudges that fall due in the
 * same minute, as a morning's nudges do: about 250 meetings held five to nine weeks ago whose
 * minutes were never sent and whose action items are overdue (scripts/bench/nudges.ts builds them
 * with Samråd's own domain functions, and writes each nudge's job as StoredJobQueue schedules it),
 * in organisations of five meetings with eight coordinators each (COORDINATORS), so a
 * coordinator's nudge is one job sending to eight people, one after another. When about half the
 * cards have reached the connector, it answers slowly for a moment (as over a slow link), and one
 * process is killed with SIGKILL as soon as a card of it has reached the connector while its job
 * has not recorded the outcome; the other two take its jobs over once its claims expire, send
 * exactly those cards again, and finish.
 *
 * The pace: Teams allows 50 requests a second per app and tenant, and Samråd keeps to 40 shared by
 * the live instances (bot/teams/pacing.ts; proven against a connector enforcing Teams' limits by
 * rate.crash.test.ts). At that pace the 10,000 cards alone would take over four minutes, so here
 * the processes run with TEAMS_SENDS_PER_SECOND=400 against the capture connector, which enforces
 * no limits; the per-chat limits still hold.
 */
import assert from 'node:assert/strict';
import { LOCALES } from '../../bot/domain/meeting';
import type { NudgeDoc } from '../../bot/domain/nudge-log';
import type { JobDoc } from '../../bot/jobs/job';
import { t } from '../../bot/i18n';
import { cosmosClient } from '../../bot/store/cosmos-store';
import { personalChat, seedDueNudges, type DueNudges } from '../../scripts/bench/nudges';
import { attachedCard, cardActions } from '../support/cards';
import type { Captured } from '../support/connector';
import { freePort, samradProcess, type ChildProgram } from '../support/processes';
import { SharedStore } from '../support/shared-store';
import { until } from '../support/until';

const SENDS = 10_000;
const INSTANCES = 3;
/** The runner's slots per instance (bot/jobs/runner.ts): the most nudge jobs one instance has under way at once. */
const RUNNER_CONCURRENCY = 8;

/** A send as the connector saw it: which meeting, nudge and 1:1 chat. */
const sendKey = (meetingId: string, key: string, conversationId: string) => `${meetingId}|${key}|${conversationId}`;

describe('10,000 follow-up nudges over three Samråd processes on one store, one killed with SIGKILL halfway', function () {
  this.timeout(600_000);

  const shared = new SharedStore('samrad-nudges-');

  /** The nudge cards the connector received, by send, each copy in the order it arrived. */
  class Arrivals {
    readonly bySend = new Map<string, Captured[]>();
    /** Cards that name no nudge (there should be none). */
    readonly other: Captured[] = [];
    private read = 0;

    /** Takes in what arrived since the last look. */
    update(): void {
      const requests = shared.client.connector.requests;
      for (; this.read < requests.length; this.read++) {
        const r = requests[this.read];
        if (r.method !== 'POST' || !r.path.includes('/activities')) continue;
        const done = cardActions(attachedCard(r.body)).find((a) => a.verb === 'nudge.done');
        if (!done?.data) {
          this.other.push(r);
          continue;
        }
        const key = sendKey(String(done.data.meetingId), String(done.data.key), r.path.split('/')[3]);
        const copies = this.bySend.get(key) ?? [];
        copies.push(r);
        this.bySend.set(key, copies);
      }
    }

    get distinct(): number {
      this.update();
      return this.bySend.size;
    }
  }

  function container(name: 'jobs' | 'meetings') {
    return cosmosClient({ endpoint: String(shared.store.ready.endpoint), key: String(shared.store.ready.key), database: 'samrad' }).database('samrad').container(name);
  }

  /** The nudge jobs as stored now. */
  async function nudgeJobs(where = '', parameters: { name: string; value: string }[] = []): Promise<JobDoc<{ meetingId: string; key: string }, { sent?: string[]; sending?: string }>[]> {
    const { resources } = await container('jobs').items.query({ query: `SELECT * FROM c WHERE c.type = 'job' AND c.kind = 'nudge'${where}`, parameters }).fetchAll();
    return resources;
  }

  it('sends every nudge; a second copy only of a send in flight on the killed instance, sent again by the one that took its job over', async () => {
    const due: DueNudges = await seedDueNudges(
      { endpoint: String(shared.store.ready.endpoint), key: String(shared.store.ready.key) },
      { sends: SENDS, serviceUrl: shared.client.serviceUrl, meetingsPerTenant: 5, coordinatorsPerTenant: 8, due: 'together' },
    );
    const expected = new Set(due.sends.map((s) => sendKey(s.meetingId, s.key, personalChat(s.userId))));
    assert.equal(expected.size, SENDS, 'the seeded meetings make 10,000 distinct sends');

    const env = { ...shared.env(), COORDINATORS: due.coordinators, TEAMS_SENDS_PER_SECOND: '400' };
    const instances = await Promise.all(Array.from({ length: INSTANCES }, async () => samradProcess(await freePort(), env)));
    shared.running.push(...instances);
    await Promise.all(instances.map((p) => p.start()));

    const arrivals = new Arrivals();
    const startedAt = Date.now();
    await until(() => arrivals.distinct >= SENDS / 2, () => `half the nudges (${arrivals.distinct} of ${SENDS})`, 300_000, 100);
    const nudgesDone = (p: ChildProgram) => p.events('job.done').filter((e) => e.kind === 'nudge').length;
    const beforeKill = instances.map(nudgesDone);
    // Killed between claim and the end of a send: a card it sent has reached Teams (the connector holds
    // its answers for two seconds, as over a slow link), and its job has the intent written, not the outcome.
    const victim = instances[1];
    const victimJobs = () => nudgeJobs(" AND c.state = 'running' AND c.claim.owner = @owner", [{ name: '@owner', value: String(victim.ready.instance) }]);
    const inFlightOf = (jobs: Awaited<ReturnType<typeof victimJobs>>) =>
      new Set(
        jobs.flatMap((job) => {
          const sending = job.progress?.sending;
          if (!sending || job.progress?.sent?.includes(sending)) return [];
          return [sendKey(job.payload.meetingId, job.payload.key, personalChat(sending.slice('aad-'.length)))];
        }),
      );
    shared.client.connector.delayMs = 2000;
    await until(
      async () => {
        const sending = inFlightOf(await victimJobs());
        arrivals.update();
        return [...sending].some((key) => arrivals.bySend.has(key));
      },
      () => 'a card of the instance to be killed at the connector, its outcome not yet recorded',
      60_000,
      100,
    );
    await victim.kill();
    const killedAt = Date.now();
    shared.client.connector.delayMs = 0;
    arrivals.update();

    // What the killed instance held: its claims stay until they expire, so they are read as they were at the kill.
    const held = await victimJobs();
    const inFlight = inFlightOf(held);
    assert.ok(held.length >= 1 && held.length <= RUNNER_CONCURRENCY, `the killed instance held ${held.length} nudge jobs`);
    const reachedTeams = [...inFlight].filter((key) => arrivals.bySend.has(key));
    assert.ok(reachedTeams.length >= 1, 'a send of the killed instance had reached the connector');

    await until(() => arrivals.distinct >= SENDS, () => `every nudge (${arrivals.distinct} of ${SENDS})`, 300_000, 100);
    await until(
      async () => (await nudgeJobs(" AND c.state != 'done'")).length === 0,
      () => 'every nudge job done',
      120_000,
      100,
    );
    arrivals.update();

    // Every one of the 10,000 arrived, and nothing else did.
    const missing = [...expected].filter((k) => !arrivals.bySend.has(k));
    assert.deepEqual(missing.slice(0, 5), [], `${missing.length} nudges never arrived`);
    const unexpected = [...arrivals.bySend.keys()].filter((k) => !expected.has(k));
    assert.deepEqual(unexpected.slice(0, 5), [], `${unexpected.length} nudge cards that were not due`);
    assert.equal(arrivals.other.length, 0, 'no other message was sent');

    // A second copy only of a send in flight on the killed instance: its first copy before the kill, the second after it.
    // Each one that had reached Teams is sent again (Teams has no idempotency key): one repeat per nudge job it was sending.
    const twice = [...arrivals.bySend].filter(([, copies]) => copies.length > 1);
    for (const [key, copies] of twice) {
      assert.equal(copies.length, 2, `${key} arrived ${copies.length} times`);
      assert.ok(inFlight.has(key), `${key} arrived twice but was not in flight on the killed instance`);
      assert.ok(copies[0].at <= killedAt && copies[1].at > killedAt, `${key}: the repeat was of the send in flight at the kill`);
    }
    assert.deepEqual(twice.map(([key]) => key).sort(), reachedTeams.sort(), 'exactly the sends in flight that had reached Teams were repeated');
    assert.ok(twice.length <= held.length, `${twice.length} repeats, ${held.length} nudge jobs held by the killed instance`);

    // Every nudge job ended done, and its nudge is recorded sent in the meeting's partition.
    const jobs = await nudgeJobs();
    assert.equal(jobs.length, due.jobs);
    assert.deepEqual([...new Set(jobs.map((j) => j.state))], ['done']);
    const { resources: records } = await container('meetings').items.query<NudgeDoc>({ query: "SELECT * FROM c WHERE c.kind = 'nudge'", parameters: [] }).fetchAll();
    assert.equal(records.filter((r) => r.sentAt).length, due.jobs, 'each nudge recorded sent');

    // The jobs the killed instance held were finished by the two that lived.
    const survivors = instances.filter((p) => p !== victim);
    for (const job of held) {
      assert.ok(survivors.some((p) => p.events('job.done').some((e) => e.job === job.id)), `${job.id} finished by a surviving instance`);
    }
    // All three had been sending before the kill.
    assert.ok(beforeKill.every((n) => n > 0), `nudge jobs done per instance before the kill: ${beforeKill.join(', ')}`);

    // The notification preview is the generic text, in the recipient's language, on every card.
    const previewOf = new Map(due.sends.map((s) => [sendKey(s.meetingId, s.key, personalChat(s.userId)), t(s.locale, 'nudge.summary')]));
    const otherPreviews = [...arrivals.bySend].flatMap(([key, copies]) => copies.filter((c) => c.body?.summary !== previewOf.get(key)).map((c) => String(c.body?.summary)));
    assert.deepEqual([...new Set(otherPreviews)], [], 'no preview but the generic one');
    assert.equal(new Set([...previewOf.values()]).size, LOCALES.length, 'the previews were in all four languages');

    if (process.env.SAMRAD_TEST_LOG) {
      const summary = { meetings: due.meetings, jobs: due.jobs, seedMs: due.seedMs, halfMs: killedAt - startedAt, allMs: Date.now() - startedAt, held: held.length, inFlight: inFlight.size, repeats: twice.length, beforeKill };
      process.stderr.write(`${JSON.stringify(summary)}\n`);
    }
  });
});
