import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { resolveLocale, t } from '../../bot/i18n';
import { action, attachedCard, cardActions, cardText } from '../support/cards';
import { daysAhead, Harness, useHarness, type Person } from '../support/harness';
import { CASEWORKER_CONTACT, deliveryDone, openPart, personInputs, startMeeting, whenInputs } from '../support/scenarios';
import { catalog, da, en, LANGUAGES } from '../support/text';

const NURSE: Person = { aadObjectId: '3f2a1b0c-0000-4000-8000-00000000e001', name: 'Noor Nurse', locale: 'en-GB' };
const TEACHER: Person = { aadObjectId: '3f2a1b0c-0000-4000-8000-00000000e002', name: 'Tove Teacher', locale: 'da-DK' };

/**
 * What the meeting leaves behind, through the HTTP endpoint, from the agree phase to the minutes:
 * action items (who, what, when, with whom), the responsible worker and the follow-up date, the
 * follow-up draft, everyone's feedback (in Teams, and on the caseworker's screen for the client
 * and the family), and the minutes reviewed, sent once and marked from.
 */
describe('after the meeting: the plan, the feedback and the minutes, through the HTTP endpoint', function () {
  this.timeout(60_000);
  let h: Harness;
  useHarness((harness) => (h = harness));

  for (const lang of LANGUAGES) {
    it(`in ${lang.locale}: action items, the outcome, the follow-up draft, feedback from four people, the minutes`, async () => {
      const caseworker: Person = { aadObjectId: `3f2a1b0c-0000-4000-8000-0000000c${lang.locale}01`.slice(0, 36), name: 'Kim Caseworker', locale: lang.teams, timeZone: lang.zone };
      const L = catalog(lang.locale);
      const press = (person: Person, verb: string, data: Record<string, unknown>, inputs: Record<string, unknown> = {}) => h.press(person, verb, { verb, ...data }, inputs);

      // A meeting in ten days: the client Alex (in person), the grandmother Eva (by post), the nurse and the teacher in Teams.
      let card = await press(caseworker, 'plan.start', {});
      const meetingId = String(action(card, 'plan.when').data.meetingId);
      card = await press(caseworker, 'plan.when', action(card, 'plan.when').data, whenInputs({ date: daysAhead(10, lang.zone) }));
      const add = async (inputs: Record<string, string>) => (card = await press(caseworker, 'plan.who.add', action(card, 'plan.who.add').data, inputs));
      await add(personInputs({ group: 'client', name: 'Alex', contactKind: 'hand', relation: '', language: lang.locale }));
      await add(personInputs({ name: 'Eva', relation: 'grandmother', contactKind: 'post', contactDetail: 'Storgatan 1', language: lang.locale }));
      await add(personInputs({ group: 'professional', name: NURSE.name, relation: 'school nurse', contactKind: 'teams', teamsUser: NURSE.aadObjectId, language: 'en' }));
      await add(personInputs({ group: 'professional', name: TEACHER.name, relation: 'teacher', contactKind: 'teams', teamsUser: TEACHER.aadObjectId, language: 'da' }));
      card = await press(caseworker, 'plan.who.save', action(card, 'plan.who.save').data, { consent: 'true', chairId: '', secretaryId: '', coOrganizerId: '' });
      card = await press(caseworker, 'plan.why', action(card, 'plan.why').data, { purpose: 'A plan for the mornings', topics: 'Sleep\nSchool', form: '' });
      await press(caseworker, 'plan.send', action(card, 'plan.send').data, CASEWORKER_CONTACT);
      await deliveryDone(h, meetingId);
      const plan = (await h.meeting(meetingId))!;
      const id = (name: string) => plan.participants.find((p) => p.name === name)!.id;
      const meetingDay = DateTime.fromISO(plan.when!.start).setZone(lang.zone);
      const day = (days: number) => meetingDay.plus({ days }).toFormat('yyyy-MM-dd');

      // The agree phase: the action items, with whom and by when.
      card = await startMeeting(h, meetingId, caseworker);
      for (const phase of ['describe', 'reflect', 'agree'] as const) card = await press(caseworker, 'session.phase', action(card, 'session.phase', { phase }).data);
      assert.ok(cardText(card).includes(L('agreements.title')), 'the agreements open in the agree phase');
      const item = (inputs: Record<string, string>) => press(caseworker, 'session.item', action(card, 'session.item').data, inputs);
      // Bad input: no owner, a date before the meeting. Nothing is stored.
      card = await item({ itemText: 'Call the school', itemOwner: '', itemDue: day(3), itemWith: '' });
      assert.ok(cardText(card).includes(L('problem.actionOwnerRequired')));
      card = await item({ itemText: 'Call the school', itemOwner: id(NURSE.name), itemDue: day(-1), itemWith: '' });
      assert.ok(cardText(card).includes(L('problem.dueBeforeMeeting', { date: day(0) })));
      assert.deepEqual((await h.view(meetingId))!.actions, []);
      card = await item({ itemText: 'Go to school every morning', itemOwner: id('Alex'), itemDue: day(7), itemWith: id('Eva') });
      card = await item({ itemText: 'Call the school', itemOwner: id(NURSE.name), itemDue: day(3), itemWith: '' });
      const items = (await h.view(meetingId))!.actions;
      assert.deepEqual(items.map((i) => [i.text, i.ownerId, i.due, i.withIds]), [
        ['Go to school every morning', id('Alex'), day(7), [id('Eva')]],
        ['Call the school', id(NURSE.name), day(3), []],
      ]);
      // Changed: the nurse's item is due later.
      const call = items[1].id.slice('action.'.length);
      card = await press(caseworker, 'session.show', { meetingId, section: 'plan', editItem: call });
      card = await press(caseworker, 'session.item', action(card, 'session.item', { change: 'edit' }).data, { itemText: 'Call the school', itemOwner: id(NURSE.name), itemDue: day(5), itemWith: '' });
      assert.equal((await h.view(meetingId))!.actions[1].due, day(5));

      // The summary phase: the responsible worker and the follow-up date; the meeting ends.
      card = await press(caseworker, 'session.phase', action(card, 'session.phase', { phase: 'summary' }).data);
      card = await press(caseworker, 'session.outcome', action(card, 'session.outcome').data, { responsible: id(NURSE.name), followUp: day(30), followUpUndecided: 'false' });
      assert.deepEqual((await h.view(meetingId))!.session!.outcome, { responsible: id(NURSE.name), followUp: day(30) });
      card = await press(caseworker, 'session.end', action(card, 'session.end').data);
      assert.ok(cardText(card).includes(L('session.endedTitle')));

      // The follow-up draft waits in "My meetings": the same people, the open action items as its topics, the previous purpose.
      const list = await h.say(caseworker, { sv: 'möten', da: 'møder', fi: 'kokoukset', en: 'meetings' }[lang.locale]);
      assert.ok(cardText(list).includes(L('meetings.draft')), cardText(list));
      const followUpId = (action(list, 'status.show').data.meetingId as string) === meetingId ? cardActions(list).filter((a) => a.verb === 'status.show')[1].data!.meetingId : action(list, 'status.show').data.meetingId;
      const draft = (await h.meeting(String(followUpId)))!;
      assert.equal(draft.status, 'draft');
      assert.equal(draft.followUpOf, meetingId);
      assert.deepEqual(draft.why!.topics, ['Go to school every morning', 'Call the school']);
      assert.equal(draft.why!.purpose, 'A plan for the mornings');
      assert.deepEqual(draft.participants.map((p) => p.name).sort(), plan.participants.map((p) => p.name).sort());
      assert.equal(DateTime.fromISO(draft.when!.start).setZone(lang.zone).toFormat('yyyy-MM-dd HH:mm'), `${day(30)} ${meetingDay.toFormat('HH:mm')}`);
      assert.equal(draft.consent, undefined, 'the client agrees again');

      // Everyone in Teams gets the feedback card, in their own language.
      await h.settled();
      // A person's 1:1 chat: the one Samråd opened for them, or the one they wrote from.
      const inChatOf = (person: Person) => [...[...h.connector.members].filter(([, member]) => member === person.aadObjectId).map(([conversation]) => conversation), `a:personal-${person.aadObjectId}`];
      const feedbackCards = (person: Person) => h.connector.posted().filter((r) => inChatOf(person).some((c) => r.path.includes(`/${c}/`)) && !!r.body?.summary && r.body.summary === t(resolveLocale(person.locale), 'feedback.summary'));
      assert.equal(feedbackCards(NURSE).length, 1);
      assert.equal(feedbackCards(TEACHER).length, 1);
      const nurseForm = attachedCard(feedbackCards(NURSE)[0].body);
      assert.ok(cardText(nurseForm).includes(en('feedback.high.relation')));
      // A score outside 1–10 is refused, and nothing is stored.
      const scores = (r: number) => ({ relation: String(r), goals: '8', approach: '7', overall: '9', comment: '' });
      let nurse = await press(NURSE, 'feedback.give', action(nurseForm, 'feedback.give').data, scores(11));
      assert.ok(cardText(nurse).includes(en('problem.scoreInvalid', { min: 1, max: 10 })));
      assert.equal((await h.view(meetingId))!.feedback.size, 0);
      nurse = await press(NURSE, 'feedback.give', action(nurseForm, 'feedback.give').data, { ...scores(9), comment: 'Good to be heard' });
      assert.ok(cardText(nurse).includes(en('feedback.thanks')));
      // A second feedback replaces nothing: the first answers are shown.
      nurse = await press(NURSE, 'feedback.give', action(nurseForm, 'feedback.give').data, scores(2));
      assert.ok(cardText(nurse).includes(en('problem.feedbackGiven')));
      assert.equal((await h.view(meetingId))!.feedback.get(id(NURSE.name))!.scores.relation, 9);
      const teacherForm = attachedCard(feedbackCards(TEACHER)[0].body);
      await press(TEACHER, 'feedback.give', action(teacherForm, 'feedback.give').data, scores(6));

      // On the caseworker's screen: the client and the grandmother, one after another; neither sees the other's answers.
      let screen = await press(caseworker, 'feedback.screen', { meetingId });
      assert.deepEqual(cardInputChoices(screen), ['Alex', `Eva (grandmother)`]);
      const form = await press(caseworker, 'feedback.screen', { meetingId, participantId: id('Alex') });
      assert.ok(cardText(form).includes(L('feedback.screenFor', { name: 'Alex' })));
      screen = await press(caseworker, 'feedback.give', action(form, 'feedback.give').data, scores(10));
      assert.ok(cardText(screen).includes(L('feedback.screenNext')));
      assert.deepEqual(cardInputChoices(screen), ['Eva (grandmother)']);
      assert.ok(!cardText(screen).includes(L('feedback.yours')) && !cardText(screen).includes(L('feedback.scale.relation')), 'the next person sees nothing of the last one\'s answers');
      const evaForm = await press(caseworker, 'feedback.screen', { meetingId, participantId: id('Eva') });
      screen = await press(caseworker, 'feedback.give', action(evaForm, 'feedback.give').data, scores(8));
      assert.ok(cardText(screen).includes(L('feedback.screenDone')));

      // The caseworker sees each person's answers side by side, and the averages (four answered).
      const overview = await press(caseworker, 'feedback.overview', { meetingId });
      const chart = (overview.body as any[]).find((e) => e.type === 'Chart.Line');
      assert.deepEqual(chart.data.map((s: any) => s.legend), ['Alex', 'Eva', NURSE.name, TEACHER.name]);
      assert.deepEqual(chart.fallback.rows.slice(1).map((r: any) => r.cells[1].items[0].text), ['10', '8', '9', '6']);
      assert.ok(cardText(overview).includes(L('feedback.average', { count: 4 })));
      assert.ok(cardText(overview).includes('Good to be heard'));

      // The minutes: reviewed, with a note, sent once.
      let minutes = await press(caseworker, 'minutes.show', { meetingId });
      assert.ok(cardText(minutes).includes(L('minutes.reviewTitle')));
      minutes = await press(caseworker, 'minutes.send', action(minutes, 'minutes.send').data, { note: 'Next time at the school' });
      assert.ok(cardText(minutes).includes(L('minutes.sending')));
      const again = await press(caseworker, 'minutes.send', { meetingId }, { note: '' });
      assert.ok(cardText(again).includes(L('problem.minutesSent')));
      await h.settled();
      // Everyone in Teams has them, in their language, with their own action items.
      const minutesTo = (person: Person) => h.connector.posted().filter((r) => inChatOf(person).some((c) => r.path.includes(`/${c}/`)) && r.body?.summary === t(resolveLocale(person.locale), 'minutes.summary'));
      assert.equal(minutesTo(NURSE).length, 1, 'sent once to the nurse');
      assert.equal(minutesTo(TEACHER).length, 1, 'and once to the teacher');
      const nurseMinutes = attachedCard(minutesTo(NURSE)[0].body);
      for (const fact of ['Call the school', 'Go to school every morning', 'Next time at the school', en('minutes.yourItems')]) assert.ok(cardText(nurseMinutes).includes(fact), fact);
      // The nurse marks her own item done from her copy; the teacher cannot mark it.
      const done = await press(NURSE, 'session.itemDone', action(nurseMinutes, 'session.itemDone', { itemId: call }).data);
      assert.ok(cardText(done).includes(`✓ Call the school`));
      assert.ok((await h.view(meetingId))!.actions.find((i) => i.id === `action.${call}`)!.done);
      const refused = await press(TEACHER, 'session.itemDone', { meetingId, itemId: items[0].id.slice('action.'.length), done: 'yes', from: 'minutes' });
      assert.ok(cardText(refused).includes(da('problem.notOwner')));
      assert.equal((await h.view(meetingId))!.actions[0].done, undefined);
      // Every copy stays current: Teams asks for the teacher's copy afresh when she looks at it, and it shows the nurse's item done.
      const teacherMinutes = attachedCard(minutesTo(TEACHER)[0].body);
      assert.equal(teacherMinutes.refresh.action.verb, 'minutes.show');
      assert.deepEqual(teacherMinutes.refresh.userIds, [`29:${TEACHER.aadObjectId}`], 'only her copy, refreshed for her');
      assert.ok(!cardText(teacherMinutes).includes('✓ Call the school'));
      const refreshed = await press(TEACHER, 'minutes.show', teacherMinutes.refresh.action.data);
      assert.ok(cardText(refreshed).includes('✓ Call the school'));
    });
  }
});

/** The titles of the choices of the card's one choice input. */
function cardInputChoices(card: unknown): string[] {
  const found: string[][] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const el = node as Record<string, any>;
    if (el.type === 'Input.ChoiceSet') found.push(el.choices.map((c: { title: string }) => c.title));
    Object.values(el).forEach(visit);
  };
  visit(card);
  return found[0] ?? [];
}
