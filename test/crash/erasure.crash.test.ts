/**
 * Erasing a person is a job (bot/services/erasure.ts on bot/jobs): restart-safe, resumed from the
 * progress written under its claim, never left half done. Samråd runs here as two real processes
 * over one store process; a data-protection officer erases a relative from thirty meetings, and
 * the process running the erasure is killed with SIGKILL halfway. The other takes it over and
 * finishes it: afterwards no document of any container holds her name or address, every meeting
 * keeps its placeholder, its answer and one audit entry of the erasure, the meetings erased before
 * the kill and after it look the same, and the officer is told once.
 */
import assert from 'node:assert/strict';
import type { Container } from '@azure/cosmos';
import type { AuditDoc } from '../../bot/domain/audit';
import { ERASED_NAME, type Meeting } from '../../bot/domain/meeting';
import type { MeetingDoc } from '../../bot/domain/meeting-docs';
import { emailKey, nameKey } from '../../bot/domain/people';
import type { JobDoc } from '../../bot/jobs/job';
import { t } from '../../bot/i18n';
import type { ErasePersonPayload, ErasePersonProgress } from '../../bot/services/erasure';
import { cosmosClient } from '../../bot/store/cosmos-store';
import { CONTAINERS } from '../../bot/store/containers';
import { action, attachedCard, cardText } from '../support/cards';
import type { Person } from '../support/harness';
import { freePort, samradProcess } from '../support/processes';
import { SharedStore } from '../support/shared-store';
import { CASEWORKER, CASEWORKER_CONTACT, personInputs, whenInputs } from '../support/scenarios';
import { daysAhead } from '../support/harness';
import { until } from '../support/until';

const OFFICER: Person = { aadObjectId: 'd4700000-0000-4000-8000-0000000000d2', name: 'Dagny Dataskydd', locale: 'sv-SE', timeZone: 'Europe/Stockholm' };
const RELATIVE = { name: 'Gunhild Östergren-Pålsson', email: 'gunhild.ostergren@example.se' };
const MEETINGS = 30;

describe('erasing a person from thirty meetings survives SIGKILL of the process running it, with two Samråd processes on one store', function () {
  this.timeout(300_000);

  const shared = new SharedStore('samrad-erasure-');

  function container(name: keyof typeof CONTAINERS): Container {
    return cosmosClient({ endpoint: String(shared.store.ready.endpoint), key: String(shared.store.ready.key), database: 'samrad' }).database('samrad').container(CONTAINERS[name].id);
  }

  async function all<T>(name: keyof typeof CONTAINERS, query = 'SELECT * FROM c', parameters: { name: string; value: string }[] = []): Promise<T[]> {
    return (await container(name).items.query<T>({ query, parameters }).fetchAll()).resources;
  }

  async function erasureJob(): Promise<JobDoc<ErasePersonPayload, ErasePersonProgress> | undefined> {
    return (await all<JobDoc<ErasePersonPayload, ErasePersonProgress>>('jobs', "SELECT * FROM c WHERE c.type = 'job' AND c.kind = 'erase-person'"))[0];
  }

  /** A meeting's documents, without the parts that differ between any two meetings planned alike: ids, instants and days. */
  function shape(docs: MeetingDoc[]): string {
    const ids = new Map<string, string>();
    const text = JSON.stringify(
      docs
        .filter((d) => d.kind === 'plan' || d.kind === 'reply' || d.kind === 'link' || d.kind === 'feedback')
        // Without what differs by the moment of writing: the store's own fields and the retention expiry.
        .map((d) => Object.fromEntries(Object.entries(d).filter(([key]) => !key.startsWith('_') && key !== 'expiresAt' && key !== 'ttl')))
        .sort((a, b) => String(a.kind).localeCompare(String(b.kind))),
    );
    return text
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => {
        if (!ids.has(id)) ids.set(id, `id${ids.size}`);
        return ids.get(id)!;
      })
      .replace(/\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?/g, 'D');
  }

  it('is finished by the other process, with the same result in every meeting, and reported once', async () => {
    // One link signing secret for both, as in production: a link drawn by one opens on the other.
    const env = { ...shared.env(), DATA_PROTECTION_OFFICERS: OFFICER.aadObjectId, LINK_SIGNING_SECRET: 'e'.repeat(40) };
    const instances = await Promise.all([0, 1].map(async () => samradProcess(await freePort(), env)));
    await Promise.all(instances.map((p) => p.start()));
    shared.running.push(...instances);
    const h = shared.client;
    h.target = instances[0].url;
    await h.say(OFFICER, 'hej');

    // Thirty meetings with the relative, invited by e-mail; she answered each by phone.
    const ids: string[] = [];
    for (let i = 0; i < MEETINGS; i++) {
      let card = await h.press(CASEWORKER, 'plan.start', { verb: 'plan.start' });
      const meetingId = String(action(card, 'plan.when').data.meetingId);
      card = await h.press(CASEWORKER, 'plan.when', action(card, 'plan.when').data, whenInputs({ date: daysAhead(10 + i) }));
      card = await h.press(CASEWORKER, 'plan.who.add', action(card, 'plan.who.add').data, personInputs({ group: 'client', name: 'Klienten', contactKind: 'hand', relation: '' }));
      card = await h.press(CASEWORKER, 'plan.who.add', action(card, 'plan.who.add').data, personInputs({ name: RELATIVE.name, relation: 'moster', contactKind: 'email', contactDetail: RELATIVE.email }));
      card = await h.press(CASEWORKER, 'plan.who.save', action(card, 'plan.who.save').data, { consent: 'true', chairId: '', secretaryId: '', coOrganizerId: '' });
      card = await h.press(CASEWORKER, 'plan.why', action(card, 'plan.why').data, { purpose: `Skolan; ${RELATIVE.name} hjälper till`, topics: '', form: '' });
      const status = await h.press(CASEWORKER, 'plan.send', action(card, 'plan.send').data, CASEWORKER_CONTACT, 'status-activity');
      const plan = (await container('meetings').item(meetingId, meetingId).read<Meeting>()).resource!;
      const relativeId = plan.participants.find((p) => p.name === RELATIVE.name)!.id;
      await h.press(CASEWORKER, 'invite.record', { ...action(status, 'invite.record').data, participantId: relativeId }, { [`answer_${relativeId}`]: 'accepted' });
      ids.push(meetingId);
    }
    // Every meeting is in the index by person (a job after each sending).
    await until(async () => (await all('people', 'SELECT * FROM c WHERE c.personKey = @k', [{ name: '@k', value: emailKey(RELATIVE.email) }])).length === MEETINGS, 'the index by person written', 60_000, 100);

    // The officer finds her and erases her data from all thirty.
    const found = await h.press(OFFICER, 'privacy.find', { verb: 'privacy.find', by: 'email' }, { email: RELATIVE.email });
    assert.ok(cardText(found).includes(t('sv', 'privacy.found', { count: MEETINGS })), cardText(found));
    const confirm = await h.press(OFFICER, 'privacy.erase', action(found, 'privacy.erase').data);
    await h.press(OFFICER, 'privacy.eraseConfirm', action(confirm, 'privacy.eraseConfirm').data);

    // Killed while it is under way: some meetings erased, others not yet.
    let atKill: ErasePersonProgress | undefined;
    await until(async () => {
      const job = await erasureJob();
      if (job?.state === 'running' && (job.progress?.erased.length ?? 0) >= 3) {
        const victim = instances.find((p) => p.ready.instance === job.claim?.owner);
        assert.ok(victim, `the erasure is held by one of the two (${job.claim?.owner})`);
        await victim.kill();
        atKill = (await erasureJob())!.progress;
        return true;
      }
      assert.notEqual(job?.state, 'done', 'the erasure finished before it could be cut short');
      return false;
    }, 'the erasure under way', 60_000, 5);
    assert.ok(atKill && atKill.erased.length < MEETINGS, `cut short: ${atKill?.erased.length} of ${MEETINGS} erased`);
    assert.equal(atKill.marked.length, MEETINGS, 'every link of hers had stopped before the first meeting was erased');

    // The other process takes it over when the claim runs out, and finishes it.
    await until(async () => (await erasureJob())?.state === 'done', 'the erasure done', 120_000, 100);
    const job = (await erasureJob())!;
    assert.equal(job.progress!.erased.length, MEETINGS);
    assert.ok(job.attempts >= 2, 'taken over after the kill');
    const survivor = instances.find((p) => p.running)!;
    assert.ok(survivor.events('erasure.person.done').length === 1);

    // No document of any container holds her name, her address, or their digests.
    const traces = [/gunhild/i, /östergren/i, /ostergren/i, new RegExp(emailKey(RELATIVE.email)), new RegExp(nameKey(RELATIVE.name))];
    for (const name of Object.keys(CONTAINERS) as (keyof typeof CONTAINERS)[]) {
      for (const doc of await all<Record<string, unknown>>(name)) {
        const json = JSON.stringify(doc);
        for (const trace of traces) assert.ok(!trace.test(json), `${trace} in ${name}: ${json.slice(0, 300)}`);
      }
    }

    // Every meeting: the placeholder, her answer still counted, her name out of the purpose, the erasure in the trail once.
    const shapes = new Map<string, string>();
    for (const meetingId of ids) {
      const docs = await all<MeetingDoc>('meetings', 'SELECT * FROM c WHERE c.meetingId = @m', [{ name: '@m', value: meetingId }]);
      const plan = docs.find((d): d is Meeting & MeetingDoc => d.kind === 'plan')!;
      const placeholder = plan.participants.find((p) => p.erased)!;
      assert.deepEqual([plan.participants.length, placeholder.name, placeholder.contact.kind], [3, ERASED_NAME, 'hand']);
      assert.equal(plan.why!.purpose, `Skolan; ${ERASED_NAME} hjälper till`);
      const reply = docs.find((d) => d.kind === 'reply' && d.participantId === placeholder.id);
      assert.equal(reply?.kind === 'reply' && reply.answer, 'accepted', 'her answer still counts');
      const erased = docs.filter((d): d is AuditDoc & MeetingDoc => d.kind === 'audit' && d.action === 'person.erased');
      assert.deepEqual(erased.map((e) => [e.by, e.ref]), [[`aad-${OFFICER.aadObjectId}`, placeholder.id]], `one entry of the erasure in ${meetingId}`);
      shapes.set(meetingId, shape(docs));
    }
    // Erased before the kill, or by the other process after it: the same result.
    const before = atKill.erased.map((k) => k.split('.')[0]);
    const after = ids.filter((id) => !before.includes(id));
    assert.ok(before.length > 0 && after.length > 0);
    for (const id of ids) assert.equal(shapes.get(id), shapes.get(before[0]), `meeting ${ids.indexOf(id)} (${before.includes(id) ? 'before' : 'after'} the kill)`);

    // The officer was told once, in Swedish, in their chat.
    const told = h.connector.posted().filter((r) => r.body?.summary === t('sv', 'privacy.summary'));
    assert.equal(told.length, 1);
    assert.ok(cardText(attachedCard(told[0].body)).includes(t('sv', 'privacy.donePerson', { count: MEETINGS })));
  });
});
