import assert from 'node:assert/strict';
import { t } from '../../bot/i18n';
import { action, attachedCard, cardInputs, cardText } from '../support/cards';
import { daysAhead, Harness, useHarness, type Person } from '../support/harness';
import { CASEWORKER, NURSE, personInputs, planUntil, whenInputs } from '../support/scenarios';
import { sv } from '../support/text';


describe('bad input gets a clear message in the user’s language and changes nothing', () => {
  let h: Harness;
  useHarness((harness) => (h = harness));

  /** Presses a button and checks the answer names the problem while the stored meeting stays as it was. */
  async function refused(person: Person, meetingId: string, verb: string, data: Record<string, unknown>, inputs: Record<string, unknown>, message: string) {
    const before = await h.meeting(meetingId);
    const card = await h.press(person, verb, data, inputs);
    assert.ok(cardText(card).includes(message), `expected "${message}" in the answer`);
    assert.deepEqual(await h.meeting(meetingId), before, 'the stored meeting is unchanged');
    return card;
  }

  it('a date in the past, an impossible time, a bad duration, a missing place', async () => {
    const { card, meetingId } = await planUntil(h, 'when');
    const data = action(card, 'plan.when').data;
    await refused(CASEWORKER, meetingId, 'plan.when', data, whenInputs({ date: daysAhead(-1) }), sv('problem.datePast'));
    await refused(CASEWORKER, meetingId, 'plan.when', data, whenInputs({ time: '25:61' }), sv('problem.timeInvalid'));
    await refused(CASEWORKER, meetingId, 'plan.when', data, whenInputs({ date: '2031-02-30' }), sv('problem.dateInvalid'));
    await refused(CASEWORKER, meetingId, 'plan.when', data, whenInputs({ date: '2031-03-30', time: '02:30' }), sv('problem.timeNotOnDate', { time: '02:30', date: '2031-03-30' }));
    await refused(CASEWORKER, meetingId, 'plan.when', data, whenInputs({ duration: '0' }), sv('problem.durationInvalid', { min: 15, max: 480 }));
    const kept = await refused(CASEWORKER, meetingId, 'plan.when', data, whenInputs({ placeDetails: '', time: '09:15' }), sv('problem.placeDetailsRequired'));
    assert.equal(cardInputs(kept).time.value, '09:15', 'what the caseworker typed is kept on the refused form');
  });

  it('a duplicate invitee and a second client', async () => {
    const { card, meetingId } = await planUntil(h, 'client');
    const data = action(card, 'plan.who.add').data;
    await refused(CASEWORKER, meetingId, 'plan.who.add', data, personInputs({ group: 'professional', name: 'Someone', contactKind: 'teams', teamsUser: NURSE.aadObjectId }), sv('problem.duplicateInvitee', { name: 'Someone' }));
    await refused(CASEWORKER, meetingId, 'plan.who.add', data, personInputs({ group: 'client', name: 'Sam', contactKind: 'hand' }), sv('problem.clientAlreadyAdded'));
    await refused(CASEWORKER, meetingId, 'plan.who.add', data, personInputs({ name: '  ' }), sv('problem.nameRequired'));
    await refused(CASEWORKER, meetingId, 'plan.who.add', data, personInputs({ contactKind: 'email', contactDetail: 'not-an-address' }), sv('problem.emailInvalid'));
  });

  it('an empty purpose', async () => {
    let { card, meetingId } = await planUntil(h, 'client');
    card = await h.press(CASEWORKER, 'plan.who.save', action(card, 'plan.who.save').data, { consent: 'true', chairId: '', secretaryId: '' });
    await refused(CASEWORKER, meetingId, 'plan.why', action(card, 'plan.why').data, { purpose: '   ', topics: 'x', form: '' }, sv('problem.purposeRequired'));
  });

  it('a meeting with no client cannot be sent', async () => {
    let { card, meetingId } = await planUntil(h, 'who');
    card = await h.press(CASEWORKER, 'plan.who.add', action(card, 'plan.who.add').data, personInputs());
    card = await h.press(CASEWORKER, 'plan.who.save', action(card, 'plan.who.save').data, { consent: 'true', chairId: '', secretaryId: '' });
    card = await h.press(CASEWORKER, 'plan.why', action(card, 'plan.why').data, { purpose: 'A plan', topics: '', form: '' });
    assert.ok(cardText(card).includes(sv('problem.noClient')));
    assert.throws(() => action(card, 'plan.send'), 'no send button while something is missing');
    const data = { ...action(card, 'plan.discard').data, verb: 'plan.send' };
    await refused(CASEWORKER, meetingId, 'plan.send', data, {}, sv('problem.noClient'));
    assert.equal((await h.meeting(meetingId))!.status, 'draft');
    assert.equal(h.connector.requests.filter((r) => r.path.startsWith('/v3/conversations') && r.method === 'POST' && !r.path.includes('personal')).length, 0);
  });

  it('a stale card: an action from a card drawn before the draft changed', async () => {
    const { card: whoCard, meetingId } = await planUntil(h, 'who');
    await h.press(CASEWORKER, 'plan.who.add', action(whoCard, 'plan.who.add').data, personInputs({ group: 'client', name: 'Alex', contactKind: 'hand' }));
    await refused(CASEWORKER, meetingId, 'plan.who.add', action(whoCard, 'plan.who.add').data, personInputs({ name: 'Bo' }), sv('problem.staleCard'));
  });

  it('an unknown card action', async () => {
    const { meetingId } = await planUntil(h, 'when');
    await refused(CASEWORKER, meetingId, 'plan.explode', { meetingId, rev: 1 }, {}, sv('problem.unknownAction'));
  });

  it('someone else’s draft, and an answer from someone not invited, show no details', async () => {
    const { meetingId } = await planUntil(h, 'sent');
    const stranger: Person = { aadObjectId: 'stranger', name: 'Stranger', locale: 'fi-FI' };
    const answer = await h.press(stranger, 'invite.answer', { meetingId, rev: 99, answer: 'accepted' });
    assert.ok(cardText(answer).includes(t('fi', 'problem.notInvited')));
    assert.ok(!cardText(answer).includes('A plan for school'), 'a stranger sees nothing of the meeting');
    const status = await h.press(stranger, 'status.show', { meetingId });
    assert.ok(cardText(status).includes(t('fi', 'problem.notOrganizer')));
    assert.ok(!cardText(status).includes('Alex'));
    assert.equal((await h.view(meetingId))!.replies.size, 0, 'nobody has answered');
  });

  it('an invitee’s answer from an invitation that is out of date, and an answer that is not one', async () => {
    const { meetingId } = await planUntil(h, 'sent');
    const invitation = attachedCard((await h.connector.waitFor((r) => r.method === 'POST' && !!attachedCard(r.body)?.body && r.path.includes('conv-'))).body);
    const data = action(invitation, 'invite.answer', { answer: 'accepted' }).data;
    await refused(NURSE, meetingId, 'invite.answer', { ...data, rev: Number(data.rev) - 1 }, {}, t('en', 'problem.staleCard'));
    await refused(NURSE, meetingId, 'invite.answer', { ...data, answer: 'perhaps' }, {}, t('en', 'problem.answerInvalid'));
  });

  it('planning changes after sending are refused', async () => {
    const { meetingId } = await planUntil(h, 'sent');
    const stored = await h.meeting(meetingId);
    await refused(CASEWORKER, meetingId, 'plan.when', { meetingId, rev: stored!.rev }, whenInputs(), sv('problem.notDraft'));
  });

  it('malformed requests get a 4xx and the server keeps serving', async () => {
    const valid = h.activity(CASEWORKER, { type: 'message', text: 'hjälp' });
    const bodies: unknown[] = [
      'not json',
      '[]',
      'null',
      '42',
      {},
      { type: 'message' },
      { ...valid, type: 'bogus' },
      { ...valid, serviceUrl: 'javascript:alert(1)' },
      { ...valid, serviceUrl: 42 },
      { ...valid, conversation: null },
      { ...valid, conversation: { id: 5 } },
      { ...valid, from: 'me' },
      { ...valid, from: { id: '' } },
      { ...valid, text: { nested: true } },
      { ...valid, text: 'x'.repeat(20_000) },
      { ...valid, value: 'string value' },
      { ...valid, channelData: [] },
      { ...valid, entities: {} },
      { ...valid, locale: { x: 1 } },
      { ...valid, type: 'invoke' },
      { ...valid, type: 'invoke', name: 'adaptiveCard/action' },
      { ...valid, type: 'invoke', name: 'adaptiveCard/action', value: { action: 'x' } },
      { ...valid, type: 'invoke', name: 'adaptiveCard/action', value: { action: { verb: 7 } } },
      { ...valid, type: 'invoke', name: 'adaptiveCard/action', value: { action: { verb: 'plan.when', data: 'x' } } },
      { ...valid, type: 'invoke', name: 'composeExtension/query', value: {} },
    ];
    for (const body of bodies) {
      const answer = await h.postRaw(body);
      assert.ok(answer.status >= 400 && answer.status < 500, `${JSON.stringify(body).slice(0, 80)} answered ${answer.status}`);
    }
    const wrongType = await h.postRaw('{"type":"message"}', { 'content-type': 'text/plain' });
    assert.ok(wrongType.status >= 400 && wrongType.status < 500);
    const tooBig = await h.postRaw({ ...valid, padding: 'x'.repeat(400_000) });
    assert.ok(tooBig.status >= 400 && tooBig.status < 500);
    const answer = await h.postRaw(valid);
    assert.equal(answer.status, 200, 'a valid message is still served');
    assert.ok(cardText(attachedCard(h.connector.posted().at(-1)!.body)).includes(sv('welcome.title')));
  });

  it('an Action.Submit (as Teams mobile sends it) is handled like Action.Execute', async () => {
    const answer = await h.postRaw(h.activity(CASEWORKER, { type: 'message', value: { verb: 'plan.start' } }));
    assert.equal(answer.status, 200);
    const card = attachedCard(h.connector.posted().at(-1)!.body);
    assert.ok(cardText(card).includes(sv('when.title')));
  });

  it('group chats and channels never show a case', async () => {
    await planUntil(h, 'sent');
    // A channel: a pointer to the personal chat.
    const channelMessage = h.activity(CASEWORKER, { type: 'message', text: 'ny' });
    (channelMessage.conversation as any).conversationType = 'channel';
    assert.equal((await h.postRaw(channelMessage)).status, 200);
    assert.equal(h.connector.posted().at(-1)!.body.text, sv('help.notPersonal'));
    assert.equal(attachedCard(h.connector.posted().at(-1)!.body), undefined);
    // A group chat: only the offer of meeting mode, which names no meeting and no one.
    const groupMessage = h.activity(CASEWORKER, { type: 'message', text: 'ny' });
    (groupMessage.conversation as any).conversationType = 'groupChat';
    assert.equal((await h.postRaw(groupMessage)).status, 200);
    const offer = cardText(attachedCard(h.connector.posted().at(-1)!.body));
    assert.ok(offer.includes(sv('session.offer')));
    for (const detail of ['Alex', 'A plan for school', NURSE.name]) assert.ok(!offer.includes(detail), detail);
  });
});
