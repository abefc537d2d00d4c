/**
 * Meeting mode keeps all its state in the store: the Samråd process running a meeting is killed
 * with SIGKILL in the middle of it, a new process starts over the same store, and the next card
 * shows the meeting as it stood, with the same times.
 */
import assert from 'node:assert/strict';
import { action, cardText } from '../support/cards';
import { freePort } from '../support/processes';
import { SharedStore } from '../support/shared-store';
import { CASEWORKER_CONTACT, CASEWORKER, personInputs, startMeeting, whenInputs } from '../support/scenarios';
import { sv } from '../support/text';


describe('meeting mode survives SIGKILL of the Samråd process in the middle of a meeting', function () {
  this.timeout(120_000);

  const shared = new SharedStore('samrad-session-', 'suite');

  it('shows the same state and times from a new process', async () => {
    const port = await freePort();
    const first = await shared.instance(port);
    shared.client.target = first.url;

    let card = await shared.client.press(CASEWORKER, 'plan.start', { verb: 'plan.start' });
    const meetingId = String(action(card, 'plan.when').data.meetingId);
    card = await shared.client.press(CASEWORKER, 'plan.when', action(card, 'plan.when').data, whenInputs());
    card = await shared.client.press(CASEWORKER, 'plan.who.add', action(card, 'plan.who.add').data, personInputs({ group: 'client', name: 'Alex', contactKind: 'hand', relation: '' }));
    card = await shared.client.press(CASEWORKER, 'plan.who.add', action(card, 'plan.who.add').data, personInputs({ name: 'Eva', contactKind: 'post', contactDetail: 'Storgatan 1' }));
    card = await shared.client.press(CASEWORKER, 'plan.who.save', action(card, 'plan.who.save').data, { consent: 'true', chairId: '', secretaryId: '', coOrganizerId: '' });
    card = await shared.client.press(CASEWORKER, 'plan.why', action(card, 'plan.why').data, { purpose: 'En plan', topics: 'Sömnen', form: '' });
    await shared.client.press(CASEWORKER, 'plan.send', action(card, 'plan.send').data, CASEWORKER_CONTACT, 'status-activity');

    card = await startMeeting(shared.client, meetingId);
    card = await shared.client.press(CASEWORKER, 'session.next', action(card, 'session.next').data);
    card = await shared.client.press(CASEWORKER, 'session.phase', action(card, 'session.phase', { phase: 'describe' }).data);
    const before = cardText(card);
    assert.ok(before.includes(sv('session.prompt.clientFirst')), 'the describe phase: the client and the family first');

    await first.kill();
    await shared.instance(port);
    const after = await shared.client.press(CASEWORKER, 'session.show', { meetingId });
    assert.equal(cardText(after), before, 'the same phase, round and times');
    const rounds = await shared.client.press(CASEWORKER, 'session.show', action(after, 'session.show', { section: 'rounds' }).data);
    const next = await shared.client.press(CASEWORKER, 'session.round', action(rounds, 'session.round', { kind: 'speakers' }).data);
    assert.ok(cardText(next).includes(sv('session.speaking', { name: 'Alex' })), 'and it goes on from there');
  });
});
