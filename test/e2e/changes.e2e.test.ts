import assert from 'node:assert/strict';
import { t } from '../../bot/i18n';
import { action, attachedCard, cardActions, cardText } from '../support/cards';
import type { Captured } from '../support/connector';
import { daysAhead, Harness, useHarness, type Person } from '../support/harness';
import { CASEWORKER_CONTACT, deliveryDone, personInputs, whenInputs } from '../support/scenarios';
import { catalog, LANGUAGES } from '../support/text';
import { meetingChoices } from '../../bot/services/live';

const NURSE: Person = { aadObjectId: '7d3c1a2b-0000-4000-8000-00000000a001', name: 'Noor Nurse', locale: 'en-GB' };
const TEACHER: Person = { aadObjectId: '7d3c1a2b-0000-4000-8000-00000000a002', name: 'Tove Teacher', locale: 'da-DK' };
const COACH: Person = { aadObjectId: '7d3c1a2b-0000-4000-8000-00000000a003', name: 'Kai Coach', locale: 'fi-FI' };

describe('a sent meeting is found, changed and cancelled, and every invitation follows', () => {
  let h: Harness;
  useHarness((harness) => (h = harness));

  /** Cards posted to, or updated in, one person's 1:1 chat. */
  function inChatOf(person: Person, method: 'POST' | 'PUT'): Captured[] {
    const conversations = [...h.connector.members].filter(([, member]) => member === person.aadObjectId).map(([id]) => id);
    return h.connector.requests.filter((r) => r.method === method && conversations.some((c) => r.path.includes(`/v3/conversations/${c}/`)));
  }

  for (const lang of LANGUAGES) {
    it(`in ${lang.locale}: my meetings, a new day, one person added and one removed, answers asked again, then a cancellation`, async () => {
      const caseworker: Person = { aadObjectId: `7d3c1a2b-0000-4000-8000-0000000c${lang.locale}01`.slice(0, 36), name: 'Kim Caseworker', locale: lang.teams, timeZone: lang.zone };
      const L = catalog(lang.locale);

      // Planned and sent: the client in person, the grandmother by post, the nurse and the teacher in Teams.
      let card = await h.press(caseworker, 'plan.start', { verb: 'plan.start' });
      const meetingId = String(action(card, 'plan.when').data.meetingId);
      card = await h.press(caseworker, 'plan.when', action(card, 'plan.when').data, whenInputs({ date: daysAhead(12, lang.zone), time: '13:00' }));
      const add = async (inputs: Record<string, string>) => (card = await h.press(caseworker, 'plan.who.add', action(card, 'plan.who.add').data, inputs));
      await add(personInputs({ group: 'client', name: 'Alex', contactKind: 'hand', relation: '', language: lang.locale }));
      await add(personInputs({ name: 'Eva', relation: 'grandmother', contactKind: 'post', contactDetail: 'Storgatan 1', language: lang.locale }));
      await add(personInputs({ group: 'professional', name: NURSE.name, relation: 'school nurse', contactKind: 'teams', teamsUser: NURSE.aadObjectId, language: 'en' }));
      await add(personInputs({ group: 'professional', name: TEACHER.name, relation: 'teacher', contactKind: 'teams', teamsUser: TEACHER.aadObjectId, language: 'da' }));
      card = await h.press(caseworker, 'plan.who.save', action(card, 'plan.who.save').data, { consent: 'true', chairId: '', secretaryId: '', coOrganizerId: '' });
      card = await h.press(caseworker, 'plan.why', action(card, 'plan.why').data, { purpose: 'A plan for the mornings', topics: 'Sleep', form: '' });
      await h.press(caseworker, 'plan.send', action(card, 'plan.send').data, CASEWORKER_CONTACT, 'status-activity');
      await deliveryDone(h, meetingId);
      const nurseInvitation = attachedCard(inChatOf(NURSE, 'POST').find((r) => attachedCard(r.body))!.body);
      await h.press(NURSE, 'invite.answer', action(nurseInvitation, 'invite.answer', { answer: 'accepted' }).data, { comment: '', topic: '' });
      await h.settled();

      // My meetings: typed in the caseworker's language, one line per meeting, with the answers so far.
      const typed = { sv: 'möten', da: 'møder', fi: 'kokoukset', en: 'meetings' }[lang.locale];
      const list = await h.say(caseworker, typed);
      assert.ok(cardText(list).includes(L('meetings.title')));
      assert.ok(cardText(list).includes(L('meetings.with', { client: 'Alex' })));
      assert.ok(cardText(list).includes(L('status.answers', { accepted: 1, maybe: 0, declined: 0, waiting: 3 })), cardText(list));
      let status = await h.press(caseworker, 'status.show', action(list, 'status.show').data);
      assert.ok(cardText(status).includes(L('status.title')));

      // A change: another day, the coach added (and made co-organizer), the teacher removed.
      card = await h.press(caseworker, 'change.start', action(status, 'change.start').data);
      assert.ok(cardText(card).includes(L('change.title')));
      assert.ok(cardText(card).includes(L('change.nothing')));
      assert.throws(() => action(card, 'change.send'), 'nothing to send yet');
      card = await h.press(caseworker, 'plan.goto', action(card, 'plan.goto', { step: 'when' }).data);
      const sentStart = (await h.meeting(meetingId))!.when!.start;
      card = await h.press(caseworker, 'plan.when', action(card, 'plan.when').data, whenInputs({ date: daysAhead(19, lang.zone), time: '13:00' }));
      // While the change is prepared, the invitations still say what they said.
      assert.equal((await h.meeting(meetingId))!.when!.start, sentStart);
      assert.notEqual((await h.meeting(meetingId))!.editing!.when!.start, sentStart);
      card = await h.press(caseworker, 'plan.goto', { ...action(card, 'plan.goto').data, step: 'who' });
      await add(personInputs({ group: 'professional', name: COACH.name, relation: 'football coach', contactKind: 'teams', teamsUser: COACH.aadObjectId, language: 'fi' }));
      const teacherId = (await h.person(meetingId, TEACHER.name)).participant.id;
      card = await h.press(caseworker, 'plan.who.remove', action(card, 'plan.who.remove', { participantId: teacherId }).data);
      const coachId = await readEditingId(h, meetingId, COACH.name);
      // Who is invited changed: the client's consent is asked for again.
      card = await h.press(caseworker, 'plan.who.save', action(card, 'plan.who.save').data, { consent: 'false', chairId: '', secretaryId: '', coOrganizerId: coachId });
      card = await h.press(caseworker, 'plan.goto', { ...action(card, 'plan.goto', { step: 'when' }).data, step: 'summary' });
      assert.ok(cardText(card).includes(t(lang.locale, 'problem.noConsent')), 'no consent for the new people yet');
      card = await h.press(caseworker, 'plan.goto', { ...action(card, 'plan.goto', { step: 'who' }).data });
      card = await h.press(caseworker, 'plan.who.save', action(card, 'plan.who.save').data, { consent: 'true', chairId: '', secretaryId: '', coOrganizerId: coachId });
      const changes = [L('change.kind.time'), L('change.kind.people'), L('change.kind.roles')].join(', ');
      assert.ok(cardText(card).includes(L('change.what', { what: changes })), cardText(card));
      const before = h.connector.requests.length;
      status = await h.press(caseworker, 'change.send', action(card, 'change.send').data);
      assert.ok(cardText(status).includes(L('change.sent')));
      await deliveryDone(h, meetingId);
      await h.settled();
      const after = (r: Captured) => h.connector.requests.indexOf(r) >= before;

      // The nurse's card is updated in place, in her language, and asks her to answer again; she is told in a short message.
      const nurseUpdate = inChatOf(NURSE, 'PUT').filter(after).at(-1)!;
      const updated = cardText(attachedCard(nurseUpdate.body));
      assert.ok(updated.includes(t('en', 'invitation.changed', { what: [t('en', 'change.kind.time'), t('en', 'change.kind.people'), t('en', 'change.kind.roles')].join(', ') })), updated);
      assert.ok(updated.includes(t('en', 'invitation.answerAgain')));
      assert.ok(cardActions(attachedCard(nurseUpdate.body)).some((a) => a.verb === 'invite.answer'), 'the answer buttons are back');
      assert.ok(inChatOf(NURSE, 'POST').filter(after).some((r) => r.body?.text === t('en', 'invitation.changedText')));
      assert.equal((await h.person(meetingId, NURSE.name)).reply, undefined, 'a new time: the earlier answer no longer holds');
      // The coach is invited; the teacher is told she is no longer invited, without any detail of the meeting.
      assert.ok(inChatOf(COACH, 'POST').filter(after).some((r) => cardText(attachedCard(r.body)).includes(t('fi', 'invitation.title'))));
      const removed = inChatOf(TEACHER, 'PUT').filter(after).at(-1)!;
      const removedText = cardText(attachedCard(removed.body));
      assert.ok(removedText.includes(t('da', 'invitation.noLongerInvited')));
      for (const detail of ['Alex', 'A plan for the mornings', 'Sleep', 'Eva']) assert.ok(!removedText.includes(detail), `no ${detail} on a removed person's card`);
      assert.ok(inChatOf(TEACHER, 'POST').filter(after).some((r) => r.body?.text === t('da', 'invitation.removedText')));
      // The caseworker is told the change is out.
      assert.ok(h.connector.posted().filter(after).some((r) => r.body?.text === `${L('delivered.change')} ${L('delivered.letters', { count: 2 })}`));
      // The co-organizer sees the meeting in their list and may open its status card.
      const coachList = await h.press(COACH, 'meetings.list', { verb: 'meetings.list' });
      assert.ok(cardText(coachList).includes(t('fi', 'meetings.coOrganizer')));
      assert.ok(cardText(await h.press(COACH, 'status.show', action(coachList, 'status.show').data)).includes(t('fi', 'status.title')));
      // The teacher, no longer invited, can do nothing more with her old card.
      const stale = await h.press(TEACHER, 'invite.answer', { meetingId, rev: 1, answer: 'accepted' });
      assert.ok(cardText(stale).includes(t('da', 'problem.notInvited')));

      // The cancellation: every invitation in Teams shows it; the caseworker sees it on the status card and in the list.
      status = await h.press(caseworker, 'status.show', { meetingId });
      const beforeCancel = h.connector.requests.length;
      status = await h.press(caseworker, 'meeting.cancel', action(status, 'meeting.cancel').data, { reason: 'Alex is ill' });
      assert.ok(cardText(status).includes(L('cancel.done')));
      await h.settled();
      const afterCancel = (r: Captured) => h.connector.requests.indexOf(r) >= beforeCancel;
      for (const [person, locale] of [[NURSE, 'en'], [COACH, 'fi']] as const) {
        const cancelled = inChatOf(person, 'PUT').filter(afterCancel).at(-1)!;
        assert.ok(cardText(attachedCard(cancelled.body)).includes(t(locale, 'invitation.cancelledTitle')), `${person.name}'s card shows the cancellation`);
        assert.ok(cardText(attachedCard(cancelled.body)).includes(t(locale, 'invitation.cancelledReason', { reason: 'Alex is ill' })));
        assert.ok(inChatOf(person, 'POST').filter(afterCancel).some((r) => r.body?.text === t(locale, 'invitation.cancelledText')));
      }
      assert.equal(inChatOf(TEACHER, 'PUT').filter(afterCancel).length, 0, 'someone removed earlier is not told again');
      status = await h.press(caseworker, 'status.show', { meetingId });
      assert.ok(cardText(status).includes('Alex is ill'));
      assert.throws(() => action(status, 'change.start'), 'a cancelled meeting is not changed');
      const answerLate = await h.press(NURSE, 'invite.answer', { meetingId, rev: (await h.meeting(meetingId))!.planRev, answer: 'accepted' });
      assert.ok(cardText(answerLate).includes(t('en', 'invitation.cancelledTitle')));
      const listAfter = await h.press(caseworker, 'meetings.list', { verb: 'meetings.list' });
      assert.ok(cardText(listAfter).includes(L('meetings.cancelled')));
    });
  }

  it('a co-organizer cleared by a change, or removed from the meeting, loses every right and the meeting leaves their list and timer choices at once', async () => {
    const caseworker: Person = { aadObjectId: '7d3c1a2b-0000-4000-8000-0000000000c1', name: 'Kim Caseworker', locale: 'sv-SE', timeZone: 'Europe/Stockholm' };
    let card = await h.press(caseworker, 'plan.start', { verb: 'plan.start' });
    const meetingId = String(action(card, 'plan.when').data.meetingId);
    card = await h.press(caseworker, 'plan.when', action(card, 'plan.when').data, whenInputs());
    const add = async (inputs: Record<string, string>) => (card = await h.press(caseworker, 'plan.who.add', action(card, 'plan.who.add').data, inputs));
    await add(personInputs({ group: 'client', name: 'Alex', contactKind: 'hand', relation: '' }));
    await add(personInputs({ group: 'professional', name: NURSE.name, relation: 'school nurse', contactKind: 'teams', teamsUser: NURSE.aadObjectId, language: 'en' }));
    await add(personInputs({ group: 'professional', name: TEACHER.name, relation: 'teacher', contactKind: 'teams', teamsUser: TEACHER.aadObjectId, language: 'da' }));
    const nurseId = (await h.meeting(meetingId))!.participants.find((p) => p.name === NURSE.name)!.id;
    const teacherId = (await h.meeting(meetingId))!.participants.find((p) => p.name === TEACHER.name)!.id;
    card = await h.press(caseworker, 'plan.who.save', action(card, 'plan.who.save').data, { consent: 'true', chairId: '', secretaryId: '', coOrganizerId: nurseId });
    card = await h.press(caseworker, 'plan.why', action(card, 'plan.why').data, { purpose: 'A plan', topics: 'Sleep', form: '' });
    await h.press(caseworker, 'plan.send', action(card, 'plan.send').data, CASEWORKER_CONTACT, 'status-activity');
    await deliveryDone(h, meetingId);
    const listOf = async (p: Person) => cardText(await h.press(p, 'meetings.list', { verb: 'meetings.list' }));
    const timerChoices = (p: Person) => meetingChoices(h.app.deps, `aad-${p.aadObjectId}`, 'en');
    assert.ok((await listOf(NURSE)).includes(t('en', 'meetings.coOrganizer')));
    assert.deepEqual((await timerChoices(NURSE)).map((c) => c.meetingId), [meetingId]);
    const nurseStatus = await h.press(NURSE, 'status.show', { meetingId });
    assert.ok(cardText(nurseStatus).includes(t('en', 'status.title')));

    /** A change of who is co-organizer, sent by the caseworker. */
    const changeRoles = async (coOrganizerId: string, remove?: string) => {
      let c = await h.press(caseworker, 'change.start', action(await h.press(caseworker, 'status.show', { meetingId }), 'change.start').data);
      c = await h.press(caseworker, 'plan.goto', { ...action(c, 'plan.goto', { step: 'who' }).data });
      if (remove) c = await h.press(caseworker, 'plan.who.remove', action(c, 'plan.who.remove', { participantId: remove }).data);
      c = await h.press(caseworker, 'plan.who.save', action(c, 'plan.who.save').data, { consent: 'true', chairId: '', secretaryId: '', coOrganizerId });
      return h.press(caseworker, 'change.send', action(c, 'change.send').data, CASEWORKER_CONTACT);
    };

    // Only the co-organizer is cleared: a change of the roles.
    await changeRoles('');
    assert.deepEqual((await h.meeting(meetingId))!.lastChange!.what, ['roles']);
    assert.equal((await h.meeting(meetingId))!.coOrganizerId, undefined, 'the stored plan has no co-organizer');
    // At once, without the nurse opening anything: her list and the timer's choices no longer have it.
    assert.ok(!(await listOf(NURSE)).includes(t('en', 'meetings.coOrganizer')));
    assert.deepEqual(await timerChoices(NURSE), []);
    // Every right is gone, and a refused press changes nothing stored.
    const stored = JSON.stringify(await h.view(meetingId));
    const rev = String((await h.meeting(meetingId))!.rev);
    for (const [verb, data] of [
      ['status.show', { meetingId }],
      ['status.comments', { meetingId }],
      ['change.start', { meetingId, rev }],
      ['invite.record', { meetingId, participantId: teacherId, [`answer_${teacherId}`]: 'accepted' }],
      ['meeting.cancel', { meetingId, rev, reason: 'x' }],
      ['session.start', { meetingId }],
    ] as [string, Record<string, unknown>][]) {
      const refused = await h.press(NURSE, verb, { verb, ...data });
      assert.ok(cardText(refused).includes(t('en', 'problem.notOrganizer')), `${verb}: ${cardText(refused).slice(0, 120)}`);
      assert.ok(!cardText(refused).includes('Alex'), verb);
    }
    assert.equal(JSON.stringify(await h.view(meetingId)), stored);

    // The teacher becomes co-organizer, then is taken off the meeting altogether.
    await changeRoles(teacherId);
    assert.ok((await listOf(TEACHER)).includes(t('da', 'meetings.coOrganizer')));
    await changeRoles('', teacherId);
    assert.ok(!(await listOf(TEACHER)).includes(t('da', 'meetings.coOrganizer')));
    assert.deepEqual(await timerChoices(TEACHER), []);
    assert.ok(cardText(await h.press(TEACHER, 'status.show', { meetingId })).includes(t('da', 'problem.notOrganizer')));
  });

  it('an answer the caseworker records from a phone call counts at once in My meetings, as on the status card', async () => {
    const caseworker: Person = { aadObjectId: '7d3c1a2b-0000-4000-8000-0000000000c2', name: 'Kim Caseworker', locale: 'sv-SE', timeZone: 'Europe/Stockholm' };
    let card = await h.press(caseworker, 'plan.start', { verb: 'plan.start' });
    const meetingId = String(action(card, 'plan.when').data.meetingId);
    card = await h.press(caseworker, 'plan.when', action(card, 'plan.when').data, whenInputs());
    card = await h.press(caseworker, 'plan.who.add', action(card, 'plan.who.add').data, personInputs({ group: 'client', name: 'Alex', contactKind: 'hand', relation: '' }));
    card = await h.press(caseworker, 'plan.who.add', action(card, 'plan.who.add').data, personInputs({ name: 'Eva', contactKind: 'post', contactDetail: 'Storgatan 1' }));
    card = await h.press(caseworker, 'plan.who.save', action(card, 'plan.who.save').data, { consent: 'true', chairId: '', secretaryId: '', coOrganizerId: '' });
    card = await h.press(caseworker, 'plan.why', action(card, 'plan.why').data, { purpose: 'A plan', topics: '', form: '' });
    await h.press(caseworker, 'plan.send', action(card, 'plan.send').data, CASEWORKER_CONTACT, 'status-activity');
    await deliveryDone(h, meetingId);
    const evaId = (await h.person(meetingId, 'Eva')).participant.id;
    const status = await h.press(caseworker, 'invite.record', { meetingId, participantId: evaId, [`answer_${evaId}`]: 'accepted' });
    const counts = t('sv', 'status.answers', { accepted: 1, maybe: 0, declined: 0, waiting: 1 });
    assert.ok(cardText(status).includes(counts));
    assert.ok(cardText(await h.say(caseworker, 'möten')).includes(counts), 'the same count in the list, without waiting for anything');
  });

  it('the list costs one query in the caseworker\'s own partition, whatever else is stored', async () => {
    const counted: string[] = [];
    await h.restart(undefined, { observeStore: (container, operation) => void counted.push(`${container}.${operation}`) });
    const caseworker: Person = { aadObjectId: '7d3c1a2b-0000-4000-8000-0000000000ff', name: 'Kim', locale: 'sv-SE' };
    await h.say(caseworker, 'hej');
    counted.length = 0;
    await h.press(caseworker, 'meetings.list', { verb: 'meetings.list' });
    assert.deepEqual(counted.filter((c) => c.startsWith('meetingIndex') || c.startsWith('meetings')), ['meetingIndex.query']);
  });
});

/** The participant id the change being prepared gave a person (they are not in the sent plan yet). */
async function readEditingId(h: Harness, meetingId: string, name: string): Promise<string> {
  const plan = await h.meeting(meetingId);
  return plan!.editing!.participants.find((p) => p.name === name)!.id;
}
