import assert from 'node:assert/strict';
import type { Locale } from '../../bot/domain/meeting';
import { t } from '../../bot/i18n';
import { action, attachedCard, cardInputs, cardText } from '../support/cards';
import { Harness, useHarness, type Person } from '../support/harness';
import { CASEWORKER, meetingToHold } from '../support/scenarios';

const NURSE: Person = { aadObjectId: '9e1f0a2b-0000-4000-8000-00000000b001', name: 'Noor Nurse', locale: 'en-GB' };
const TEACHER: Person = { aadObjectId: '9e1f0a2b-0000-4000-8000-00000000b002', name: 'Tove Teacher', locale: 'da-DK' };
const STRANGER: Person = { aadObjectId: '9e1f0a2b-0000-4000-8000-00000000b0ff', name: 'Someone Else', locale: 'fi-FI' };
const sv = (key: Parameters<typeof t>[1], params?: Record<string, string | number>) => t('sv', key, params);

/** A sent meeting ready to be held, with the nurse as chair. */
const sentMeeting = (h: Harness) => meetingToHold(h, { nurse: NURSE, teacher: TEACHER });

describe('meeting mode through the HTTP endpoint', () => {
  let h: Harness;
  useHarness((harness) => (h = harness));

  it('runs a meeting: introductions with the client first, who is here, a round of speakers, a topic added, every phase to the summary, the end', async () => {
    const meetingId = await sentMeeting(h);
    const status = await h.press(CASEWORKER, 'status.show', { meetingId });
    let card = await h.press(CASEWORKER, 'session.start', action(status, 'session.start').data);
    const text = () => cardText(card);
    assert.ok(text().includes(sv('session.title')));
    assert.ok(text().includes(sv('session.round.introductions')));
    assert.ok(text().includes(sv('session.speaking', { name: 'Alex' })), 'the client speaks first');
    assert.ok(text().includes(sv('session.prompt.introductions')));
    const press = async (verb: string, where: Record<string, string> = {}, inputs: Record<string, unknown> = {}) =>
      (card = await h.press(CASEWORKER, verb, action(card, verb, where).data, inputs));

    // Introductions: the client, then the private network, then the professionals.
    await press('session.next');
    assert.ok(text().includes(sv('session.speaking', { name: 'Eva' })));
    await press('session.next');
    assert.ok(text().includes(sv('session.speaking', { name: CASEWORKER.name })));
    // Eva leaves early; the teacher is not here at all.
    const ids = Object.fromEntries((await h.meeting(meetingId))!.participants.map((p) => [p.name, p.id]));
    const present = [ids.Alex, ids[CASEWORKER.name], ids[NURSE.name]].join(',');
    await press('session.presence', {}, { present });
    assert.ok(text().includes(sv('session.left', { name: 'Eva (grandmother)', time: '' }).trim().slice(0, 8)));
    // The describing phase, with a round of speakers among those present.
    await press('session.phase', { phase: 'describe' });
    assert.ok(text().includes(sv('session.prompt.checkWithClient')));
    await press('session.round', { kind: 'speakers' });
    assert.ok(text().includes(sv('session.speaking', { name: 'Alex' })));
    assert.ok(text().includes(sv('session.heard', { heard: 0, total: 3 })), 'three are here');
    await press('session.move', { by: '-1' }, { speaker: ids[NURSE.name] });
    await press('session.next');
    assert.ok(text().includes(sv('session.speaking', { name: NURSE.name })), 'moved up before the caseworker');
    // The agenda is renegotiated.
    await press('session.topic', { change: 'add' }, { topic: 'Fritiden' });
    assert.deepEqual(
      cardInputs(card).covered.choices.map((c: { title: string }) => c.title),
      ['Sleep', 'School', 'Fritiden'],
    );
    const sleep = cardInputs(card).covered.choices[0].value;
    await press('session.covered', {}, { covered: sleep });
    assert.equal(cardInputs(card).covered.value, sleep);
    // Through every phase to the summary, and the end.
    await press('session.phase', { phase: 'reflect' });
    await press('session.phase', { phase: 'agree' });
    await press('session.phase', { phase: 'summary' });
    assert.ok(text().includes(sv('session.prompt.summary')));
    assert.throws(() => action(card, 'session.phase'), 'no phase after the summary');
    await press('session.end');
    assert.ok(text().includes(sv('session.endedTitle')));
    assert.throws(() => action(card, 'session.next'));
  });

  it('lets only the chair, the secretary and the caseworker change the meeting; anyone else gets a clear message and nothing changes', async () => {
    const meetingId = await sentMeeting(h);
    const started = await h.press(CASEWORKER, 'session.start', { meetingId });
    const next = action(started, 'session.next').data;
    const before = (await h.app.deps.stores.meetings.read(meetingId, 'session'))!.doc;
    const teacher = await h.press(TEACHER, 'session.next', next);
    assert.ok(cardText(teacher).includes(t('da', 'problem.notRunner')));
    const stranger = await h.press(STRANGER, 'session.next', next);
    assert.ok(cardText(stranger).includes(t('fi', 'problem.notInvited')));
    assert.ok(!cardText(stranger).includes('Alex'), 'a stranger sees nothing of the meeting');
    assert.deepEqual((await h.app.deps.stores.meetings.read(meetingId, 'session'))!.doc, before);
    // The nurse chairs: she may.
    const chair = await h.press(NURSE, 'session.next', next);
    assert.ok(cardText(chair).includes(t('en', 'session.speaking', { name: 'Eva' })));
  });

  it('two presses at once: one wins, the other sees the fresh state with a note; the same press delivered twice acts once', async () => {
    const meetingId = await sentMeeting(h);
    const started = await h.press(CASEWORKER, 'session.start', { meetingId });
    const next = action(started, 'session.next').data;
    const [a, b] = await Promise.all([h.press(CASEWORKER, 'session.next', next), h.press(NURSE, 'session.next', next)]);
    const session = (await h.app.deps.stores.meetings.read(meetingId, 'session'))!.doc as { round: { current: number; heard: string[] } };
    assert.equal(session.round.current, 1, 'the round moved on once');
    assert.equal(session.round.heard.length, 1);
    const notes = [cardText(a).includes(sv('session.moved')), cardText(b).includes(t('en', 'session.moved'))];
    assert.deepEqual(notes.sort(), [false, true], 'the press that lost is told');
    // The same invoke again (Teams retried it): nothing more happens.
    const again = await h.press(CASEWORKER, 'session.next', next);
    assert.ok(cardText(again).includes(sv('session.moved')));
    assert.equal(((await h.app.deps.stores.meetings.read(meetingId, 'session'))!.doc as { round: { current: number } }).round.current, 1);
  });

  it('loses nothing when Samråd restarts in the middle of the meeting, and works as Action.Submit (Teams mobile)', async () => {
    const meetingId = await sentMeeting(h);
    let card = await h.press(CASEWORKER, 'session.start', { meetingId });
    card = await h.press(CASEWORKER, 'session.phase', action(card, 'session.phase', { phase: 'describe' }).data);
    const before = cardText(card);
    await h.restart();
    const after = await h.press(CASEWORKER, 'session.show', { meetingId });
    assert.equal(cardText(after), before, 'the same state and the same times');
    // Teams mobile sends the button as a message with the data as value.
    const submitted = await h.postRaw(h.activity(CASEWORKER, { type: 'message', value: { ...action(after, 'session.round', { kind: 'checkIn' }).data } }));
    assert.equal(submitted.status, 200);
    assert.ok(cardText(attachedCard(h.connector.posted().at(-1)!.body)).includes(sv('session.round.checkIn')));
  });

  for (const locale of ['sv', 'da', 'fi', 'en'] as Locale[]) {
    it(`shows meeting mode to each viewer in their language: ${locale}`, async () => {
      const meetingId = await sentMeeting(h);
      await h.press(CASEWORKER, 'session.start', { meetingId });
      const viewer: Person = { ...NURSE, locale: { sv: 'sv-SE', da: 'da-DK', fi: 'fi-FI', en: 'en-GB' }[locale] };
      const card = await h.press(viewer, 'session.show', { meetingId });
      assert.ok(cardText(card).includes(t(locale, 'session.title')));
      assert.ok(cardText(card).includes(t(locale, 'session.phase.welcome')));
      assert.ok(cardText(card).includes(t(locale, 'session.speaking', { name: 'Alex' })));
    });
  }
});

describe('meeting mode in a group chat or a Teams meeting\'s chat', () => {
  let h: Harness;
  useHarness((harness) => (h = harness));

  /** An activity from a person in a group chat. */
  function inChat(person: Person, chatId: string, fields: Record<string, unknown>): Record<string, unknown> {
    const activity = h.activity(person, fields);
    return { ...activity, conversation: { id: chatId, conversationType: 'groupChat', tenantId: h.tenantId } };
  }
  async function pressInChat(person: Person, chatId: string, verb: string, data: Record<string, unknown>): Promise<any> {
    const answer = await h.postRaw(inChat(person, chatId, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } } } }));
    assert.equal(answer.status, 200);
    return answer.body.value;
  }

  it('is shown when everyone in the chat is invited, and refused without a detail of the case when not', async () => {
    const meetingId = await sentMeeting(h);
    h.connector.groupMembers.set('a:group-all', [CASEWORKER.aadObjectId, NURSE.aadObjectId, TEACHER.aadObjectId]);
    h.connector.groupMembers.set('a:group-mixed', [CASEWORKER.aadObjectId, NURSE.aadObjectId, STRANGER.aadObjectId]);

    // Writing to Samråd in the chat: an offer, nothing of any case.
    const written = await h.postRaw(inChat(CASEWORKER, 'a:group-all', { type: 'message', text: 'möte' }));
    assert.equal(written.status, 200);
    const offer = attachedCard(h.connector.posted().at(-1)!.body);
    assert.ok(cardText(offer).includes(sv('session.offer')));
    const pick = await pressInChat(CASEWORKER, 'a:group-all', 'session.pick', {});
    assert.ok(cardText(pick).includes(sv('session.pickMeeting')));
    const here = await pressInChat(CASEWORKER, 'a:group-all', 'session.here', action(pick, 'session.here').data);
    assert.ok(cardText(here).includes(sv('session.title')));
    assert.ok(cardText(here).includes(sv('session.speaking', { name: 'Alex' })));
    // The chair moves the round on from the group chat.
    const moved = await pressInChat(NURSE, 'a:group-all', 'session.next', action(here, 'session.next').data);
    assert.ok(cardText(moved).includes(t('en', 'session.speaking', { name: 'Eva' })));

    // A chat with someone who is not invited: no meeting to pick, and a forged press shows nothing.
    const none = await pressInChat(CASEWORKER, 'a:group-mixed', 'session.pick', {});
    assert.ok(cardText(none).includes(sv('session.noMeetingHere')));
    const refused = await pressInChat(CASEWORKER, 'a:group-mixed', 'session.here', { meetingId });
    assert.ok(cardText(refused).includes(sv('session.notParticipants')));
    for (const detail of ['Alex', 'Eva', 'A plan', 'Sleep']) assert.ok(!cardText(refused).includes(detail), detail);
    // Planning in a group chat is still pointed to the personal chat.
    const planning = await pressInChat(CASEWORKER, 'a:group-all', 'status.show', { meetingId });
    assert.ok(cardText(planning).includes(sv('help.notPersonal')));
  });

  it('offers meeting mode once in a Teams meeting\'s chat when the meeting starts, though Teams sends the event twice', async () => {
    const start = inChat(CASEWORKER, 'a:meeting-chat', {
      type: 'event',
      name: 'application/vnd.microsoft.meetingStart',
      value: { Id: 'MCMxOTptZWV0aW5nXzEyMzQ', StartTime: '2026-12-07T09:00:00Z', MeetingType: 'Scheduled' },
    });
    for (let i = 0; i < 2; i++) assert.equal((await h.postRaw({ ...start, id: `event-${i}` })).status, 200);
    await h.settled();
    const offers = h.connector.posted().filter((r) => r.path.includes('a:meeting-chat') && cardText(attachedCard(r.body)).includes(sv('session.offer')));
    assert.equal(offers.length, 1);
  });
});
