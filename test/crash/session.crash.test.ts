/**
 * Meeting mode keeps all its state in the store: the Samråd process running a meeting is killed
 * with SIGKILL in the middle of it, a new process starts over the same store, and the next card
 * shows the meeting as it stood, with the same times.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { t, type MessageKey, type ParamsOf } from '../../bot/i18n';
import { action, cardText } from '../support/cards';
import { Harness } from '../support/harness';
import { freePort, samradProcess, storeProcess, type ChildProgram } from '../support/processes';
import { CASEWORKER_CONTACT, CASEWORKER, personInputs, startMeeting, whenInputs } from '../support/scenarios';

const sv = <K extends MessageKey>(key: K, ...params: ParamsOf<K>) => t('sv', key, ...params);

describe('meeting mode survives SIGKILL of the Samråd process in the middle of a meeting', function () {
  this.timeout(120_000);
  let dataDir: string;
  let store: ChildProgram;
  let client: Harness;
  const running: ChildProgram[] = [];

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'samrad-session-'));
    store = storeProcess(join(dataDir, 'store'));
    await store.start();
    client = new Harness();
    await client.startConnector();
  });

  after(async () => {
    await Promise.all(running.map((p) => p.stop()));
    await store.stop();
    await client.connector.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('shows the same state and times from a new process', async () => {
    const port = await freePort();
    const env = { COSMOS_ENDPOINT: String(store.ready.endpoint), COSMOS_KEY: String(store.ready.key), SAMRAD_DATA_DIR: join(dataDir, 'unused') };
    const first = samradProcess(port, env);
    await first.start();
    running.push(first);
    client.target = first.url;

    let card = await client.press(CASEWORKER, 'plan.start', { verb: 'plan.start' });
    const meetingId = String(action(card, 'plan.when').data.meetingId);
    card = await client.press(CASEWORKER, 'plan.when', action(card, 'plan.when').data, whenInputs());
    card = await client.press(CASEWORKER, 'plan.who.add', action(card, 'plan.who.add').data, personInputs({ group: 'client', name: 'Alex', contactKind: 'hand', relation: '' }));
    card = await client.press(CASEWORKER, 'plan.who.add', action(card, 'plan.who.add').data, personInputs({ name: 'Eva', contactKind: 'post', contactDetail: 'Storgatan 1' }));
    card = await client.press(CASEWORKER, 'plan.who.save', action(card, 'plan.who.save').data, { consent: 'true', chairId: '', secretaryId: '', coOrganizerId: '' });
    card = await client.press(CASEWORKER, 'plan.why', action(card, 'plan.why').data, { purpose: 'En plan', topics: 'Sömnen', form: '' });
    await client.press(CASEWORKER, 'plan.send', action(card, 'plan.send').data, CASEWORKER_CONTACT, 'status-activity');

    card = await startMeeting(client, meetingId);
    card = await client.press(CASEWORKER, 'session.next', action(card, 'session.next').data);
    card = await client.press(CASEWORKER, 'session.phase', action(card, 'session.phase', { phase: 'describe' }).data);
    const before = cardText(card);
    assert.ok(before.includes(sv('session.prompt.checkWithClient')));

    await first.kill();
    const second = samradProcess(port, env);
    await second.start();
    running.push(second);
    const after = await client.press(CASEWORKER, 'session.show', { meetingId });
    assert.equal(cardText(after), before, 'the same phase, round and times');
    const next = await client.press(CASEWORKER, 'session.round', action(after, 'session.round', { kind: 'speakers' }).data);
    assert.ok(cardText(next).includes(sv('session.speaking', { name: 'Alex' })), 'and it goes on from there');
  });
});
