import assert from 'node:assert/strict';
import type { Locale } from '../../bot/domain/meeting';
import { t } from '../../bot/i18n';
import { jsonLogger } from '../../bot/log';
import { action, attachedCard, cardActions, cardInput, cardText } from '../support/cards';
import { Harness, useHarness, type Person } from '../support/harness';
import { agreeOutcome, CASEWORKER, meetingToHold, openPart, startMeeting } from '../support/scenarios';
import { sv } from '../support/text';

const NURSE: Person = { aadObjectId: '9e1f0a2b-0000-4000-8000-00000000b001', name: 'Noor Nurse', locale: 'en-GB' };
const TEACHER: Person = { aadObjectId: '9e1f0a2b-0000-4000-8000-00000000b002', name: 'Tove Teacher', locale: 'da-DK' };
const STRANGER: Person = { aadObjectId: '9e1f0a2b-0000-4000-8000-00000000b0ff', name: 'Someone Else', locale: 'fi-FI' };

/** A sent meeting ready to be held, with the nurse as chair. */
const sentMeeting = (h: Harness) => meetingToHold(h, { nurse: NURSE, teacher: TEACHER });

describe('meeting mode through the HTTP endpoint', () => {
  let h: Harness;
  useHarness((harness) => (h = harness));

  it('runs a meeting: introductions with the client first, who is here, a round of speakers, a topic added, every phase to the summary, the end', async () => {
    const meetingId = await sentMeeting(h);
    let card = await startMeeting(h, meetingId);
    const text = () => cardText(card);
    assert.ok(text().includes(sv('session.title')));
    assert.ok(text().includes(sv('session.round.introductions')));
    assert.ok(text().includes(sv('session.speaking', { name: 'Alex' })), 'the client speaks first');
    assert.ok(text().includes(sv('session.prompt.welcome')), 'the convener welcomes everyone first');
    const press = async (verb: string, where: Record<string, string> = {}, inputs: Record<string, unknown> = {}) =>
      (card = await h.press(CASEWORKER, verb, action(card, verb, where).data, inputs));

    // Introductions: the client, then the private network, then the professionals.
    await press('session.next');
    assert.ok(text().includes(sv('session.speaking', { name: 'Eva' })));
    await press('session.next');
    assert.ok(text().includes(sv('session.speaking', { name: CASEWORKER.name })));
    // Everyone but the teacher is marked present; then Eva leaves early.
    const ids = Object.fromEntries((await h.meeting(meetingId))!.participants.map((p) => [p.name, p.id]));
    await press('session.show', { section: 'presence' });
    await press('session.presence', {}, { [cardInput(card, 'present').id]: [ids.Alex, ids.Eva, ids[CASEWORKER.name], ids[NURSE.name]].join(',') });
    assert.ok(text().includes(sv('session.didNotCome', { name: `${TEACHER.name} (teacher)` })), 'the teacher did not come');
    await press('session.presence', {}, { [cardInput(card, 'present').id]: [ids.Alex, ids[CASEWORKER.name], ids[NURSE.name]].join(',') });
    assert.match(text(), new RegExp(sv('session.left', { name: 'Eva \\(grandmother\\)', time: '\\d{2}:\\d{2}' })));
    // The describing phase, with a round of speakers among those present.
    await press('session.phase', { phase: 'describe' });
    assert.ok(text().includes(sv('session.prompt.clientFirst')));
    await press('session.show', { section: 'rounds' });
    await press('session.round', { kind: 'speakers' });
    assert.ok(text().includes(sv('session.speaking', { name: 'Alex' })));
    assert.ok(text().includes(sv('session.heard', { heard: 0, total: 3 })), 'three are here');
    await press('session.move', { by: '-1' }, { speaker: ids[NURSE.name] });
    await press('session.next');
    assert.ok(text().includes(sv('session.speaking', { name: NURSE.name })), 'moved up before the caseworker');
    // The agenda is renegotiated.
    await press('session.show', { section: 'agenda' });
    const coveredBefore = cardInput(card, 'covered').id;
    await press('session.topic', { change: 'add' }, { topic: 'Fritiden' });
    assert.deepEqual(
      cardInput(card, 'covered').choices.map((c: { title: string }) => c.title),
      ['Sleep', 'School', 'Fritiden'],
    );
    assert.notEqual(cardInput(card, 'covered').id, coveredBefore, 'an input whose choices changed has a new id');
    const sleep = cardInput(card, 'covered').choices[0].value;
    await press('session.covered', {}, { [cardInput(card, 'covered').id]: sleep });
    assert.equal(cardInput(card, 'covered').value, sleep);
    // Through every phase to the summary, and the end.
    await press('session.phase', { phase: 'reflect' });
    await press('session.phase', { phase: 'agree' });
    await press('session.phase', { phase: 'summary' });
    assert.ok(text().includes(sv('session.prompt.summary')));
    assert.throws(() => action(card, 'session.phase'), 'no phase after the summary');
    // Closing needs the responsible worker and the follow-up date agreed ("not decided" is an answer).
    await press('session.end');
    assert.ok(text().includes(sv('problem.outcomeMissing')));
    card = await agreeOutcome(h, card);
    await press('session.end');
    assert.ok(text().includes(sv('session.endedTitle')));
    assert.throws(() => action(card, 'session.next'));
    assert.ok(!text().includes(sv('session.speaking', { name: '' }).trim()), 'an ended meeting has nobody speaking now');
    assert.ok(!text().includes(sv('session.speakersTitle')), 'and no heading without content');
  });

  it('opens days early without starting it, asks before starting far from the planned time, ends with an undo, and My meetings shows each state', async () => {
    const meetingId = await sentMeeting(h);
    const listed = async () => cardText(await h.say(CASEWORKER, 'möten'));
    assert.ok((await listed()).includes(sv('meetings.planned')));
    const status = await h.press(CASEWORKER, 'status.show', { meetingId });
    const opened = await h.press(CASEWORKER, 'session.start', action(status, 'session.start').data);
    assert.ok(cardText(opened).includes(sv('session.readyTitle')));
    assert.throws(() => action(opened, 'session.next'), 'nothing runs before the start');
    assert.equal((await h.view(meetingId))!.session!.state, 'ready');
    assert.ok((await listed()).includes(sv('meetings.planned')), 'opened is still planned');
    // Ten days early: Samråd asks, and nothing changes until the caseworker confirms.
    const asked = await h.press(CASEWORKER, 'session.begin', action(opened, 'session.begin').data);
    assert.ok(cardText(asked).includes(sv('session.confirmEarly', { when: '' }).split('{')[0].slice(0, 20)));
    assert.equal((await h.view(meetingId))!.session!.state, 'ready');
    let card = await h.press(CASEWORKER, 'session.begin', action(asked, 'session.begin', { confirm: 'yes' }).data);
    assert.ok(cardText(card).includes(sv('session.title')));
    assert.ok((await listed()).includes(sv('meetings.running')));
    // Ending is asked about on the card (a ShowCard), and can be undone for a while.
    card = await agreeOutcome(h, card);
    card = await h.press(CASEWORKER, 'session.end', action(card, 'session.end').data);
    assert.ok(cardText(card).includes(sv('session.endedTitle')));
    assert.ok((await listed()).includes(sv('meetings.ended')));
    card = await h.press(CASEWORKER, 'session.reopen', action(card, 'session.reopen').data);
    assert.ok(cardText(card).includes(sv('session.title')));
    const reopened = await listed();
    assert.ok(reopened.includes(sv('meetings.running')), reopened);
    assert.equal((await h.view(meetingId))!.session!.endedAt, undefined);
  });

  it('refuses phase times that are not whole minutes, naming the allowed range, and changes nothing', async () => {
    const meetingId = await sentMeeting(h);
    const card = await openPart(h, await startMeeting(h, meetingId), 'phases');
    const before = JSON.stringify((await h.view(meetingId))!.session);
    const budgets = { budget_welcome: '15', budget_describe: 'abc', budget_reflect: '20', budget_agree: '20', budget_summary: '10' };
    for (const bad of ['abc', '0', '481', '12.5', '']) {
      const refused = await h.press(CASEWORKER, 'session.budgets', action(card, 'session.budgets').data, { ...budgets, budget_describe: bad });
      assert.ok(cardText(refused).includes(sv('problem.durationInvalid', { min: 1, max: 480 })), `"${bad}": ${cardText(refused).slice(0, 200)}`);
    }
    assert.equal(JSON.stringify((await h.view(meetingId))!.session), before);
  });

  it('lets only the chair, the secretary and the caseworker change the meeting; anyone else gets a clear message and nothing changes', async () => {
    const meetingId = await sentMeeting(h);
    const started = await startMeeting(h, meetingId);
    const next = action(started, 'session.next').data;
    const before = (await h.app.deps.stores.meetings.read(meetingId, 'session'))!.doc;
    const teacher = await h.press(TEACHER, 'session.next', next);
    assert.ok(cardText(teacher).includes(t('da', 'problem.notRunner')));
    assert.deepEqual(cardActions(teacher).map((a) => a.verb).filter((v) => v && v !== 'session.show'), [], 'the teacher sees a read-only view');
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
    const started = await startMeeting(h, meetingId);
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
    let card = await startMeeting(h, meetingId);
    card = await h.press(CASEWORKER, 'session.phase', action(card, 'session.phase', { phase: 'describe' }).data);
    const before = cardText(card);
    await h.restart();
    const after = await h.press(CASEWORKER, 'session.show', { meetingId });
    assert.equal(cardText(after), before, 'the same state and the same times');
    // Teams mobile sends the button as a message with the data as value.
    const rounds = await openPart(h, after, 'rounds');
    const submitted = await h.postRaw(h.activity(CASEWORKER, { type: 'message', value: { ...action(rounds, 'session.round', { kind: 'checkIn' }).data } }));
    assert.equal(submitted.status, 200);
    assert.ok(cardText(attachedCard(h.connector.posted().at(-1)!.body)).includes(sv('session.round.checkIn')));
  });

  for (const locale of ['sv', 'da', 'fi', 'en'] as Locale[]) {
    it(`shows meeting mode to each viewer in their language: ${locale}`, async () => {
      const meetingId = await sentMeeting(h);
      await startMeeting(h, meetingId);
      const viewer: Person = { ...NURSE, locale: { sv: 'sv-SE', da: 'da-DK', fi: 'fi-FI', en: 'en-GB' }[locale] };
      const card = await h.press(viewer, 'session.show', { meetingId });
      assert.ok(cardText(card).includes(t(locale, 'session.title')));
      assert.ok(cardText(card).includes(t(locale, 'session.phaseShort.welcome')));
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

  it('is shown when everyone in the chat is invited (each role its own view), and refused without a detail of the case when not', async () => {
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
    assert.ok(cardText(here).includes(sv('session.readyTitle')), 'opened, not started');
    // Everyone in the chat gets their own view when Teams shows them the card.
    assert.deepEqual([...here.refresh.userIds].sort(), [CASEWORKER, NURSE, TEACHER].map((p) => `29:${p.aadObjectId}`).sort());
    assert.equal(here.refresh.action.verb, 'session.show');
    let card = await pressInChat(CASEWORKER, 'a:group-all', 'session.begin', action(here, 'session.begin').data);
    card = await pressInChat(CASEWORKER, 'a:group-all', 'session.begin', action(card, 'session.begin', { confirm: 'yes' }).data);
    assert.ok(cardText(card).includes(sv('session.speaking', { name: 'Alex' })));
    // The chair moves the round on from the group chat.
    const moved = await pressInChat(NURSE, 'a:group-all', 'session.next', action(card, 'session.next').data);
    assert.ok(cardText(moved).includes(t('en', 'session.speaking', { name: 'Eva' })));
    // The teacher, neither chair nor secretary, sees the meeting without its controls.
    const teachers = await pressInChat(TEACHER, 'a:group-all', 'session.show', { meetingId });
    assert.ok(cardText(teachers).includes(t('da', 'session.speaking', { name: 'Eva (mormor)' }).split(':')[0]));
    assert.deepEqual(cardActions(teachers).map((a) => a.verb).filter((v) => v && v !== 'session.show'), []);

    // A chat with someone who is not invited: no meeting to pick, and every press shows nothing and changes nothing.
    const none = await pressInChat(CASEWORKER, 'a:group-mixed', 'session.pick', {});
    assert.ok(cardText(none).includes(sv('session.noMeetingHere')));
    const stored = JSON.stringify((await h.view(meetingId))!.session);
    const current = action(moved, 'session.next').data;
    for (const [verb, data] of [
      ['session.here', { meetingId }],
      ['session.show', { meetingId }],
      ['session.next', current],
      ['session.topic', { ...current, change: 'add', topic: 'Secret' }],
      ['session.end', current],
    ] as [string, Record<string, unknown>][]) {
      const refused = await pressInChat(CASEWORKER, 'a:group-mixed', verb, data);
      assert.ok(cardText(refused).includes(sv('session.notParticipants')), verb);
      for (const detail of ['Alex', 'Eva', 'A plan', 'Sleep', NURSE.name]) assert.ok(!cardText(refused).includes(detail), `${verb}: ${detail}`);
      // The same press as Action.Submit (Teams mobile) posts the refusal into the chat, and nothing more.
      const before = h.connector.posted().length;
      assert.equal((await h.postRaw(inChat(CASEWORKER, 'a:group-mixed', { type: 'message', value: { verb, ...data } }))).status, 200);
      const posted = h.connector.posted().slice(before).map((r) => cardText(attachedCard(r.body)));
      assert.equal(posted.length, 1);
      assert.ok(posted[0].includes(sv('session.notParticipants')) && !posted[0].includes('Alex'), verb);
    }
    assert.equal(JSON.stringify((await h.view(meetingId))!.session), stored, 'nothing stored changed');
    // Planning in a group chat is still pointed to the personal chat.
    const planning = await pressInChat(CASEWORKER, 'a:group-all', 'status.show', { meetingId });
    assert.ok(cardText(planning).includes(sv('help.notPersonal')));
  });

  it('says so when Teams cannot tell who is in the chat, shows nothing, and logs no failed turn', async () => {
    const meetingId = await sentMeeting(h);
    const lines: string[] = [];
    await h.restart(jsonLogger((line) => lines.push(line)));
    // The connector knows no members of this chat: Teams' members call fails.
    for (const [verb, data] of [['session.pick', {}], ['session.here', { meetingId }], ['session.show', { meetingId }]] as [string, Record<string, unknown>][]) {
      const card = await pressInChat(CASEWORKER, 'a:group-unknown', verb, data);
      assert.ok(cardText(card).includes(sv('session.membersUnknown')), verb);
      assert.ok(!cardText(card).includes('Alex'));
    }
    assert.ok(!lines.some((l) => l.includes('turn.failed')), 'no failed turn');
    assert.ok(lines.some((l) => l.includes('session.membersUnknown')));
  });

  it('offers meeting mode once a day in a Teams meeting\'s chat, however many meeting-start events arrive and with whatever start times', async () => {
    for (let i = 0; i < 20; i++) {
      const start = inChat(CASEWORKER, 'a:meeting-chat', {
        id: `event-${i}`,
        type: 'event',
        name: 'application/vnd.microsoft.meetingStart',
        value: { Id: `MCMxOTptZWV0aW5nXzEyMzQ-${i % 3}`, StartTime: new Date(Date.UTC(2026, 11, 7, 8, i)).toISOString(), MeetingType: 'Scheduled' },
      });
      assert.equal((await h.postRaw(start)).status, 200);
    }
    await h.settled();
    const offers = h.connector.posted().filter((r) => r.path.includes('a:meeting-chat') && cardText(attachedCard(r.body)).includes(sv('session.offer')));
    assert.equal(offers.length, 1);
    // Another meeting's chat gets its own offer.
    await h.postRaw(inChat(CASEWORKER, 'a:other-meeting-chat', { type: 'event', name: 'application/vnd.microsoft.meetingStart', value: {} }));
    await h.settled();
    assert.equal(h.connector.posted().filter((r) => r.path.includes('a:other-meeting-chat')).length, 1);
  });

});
