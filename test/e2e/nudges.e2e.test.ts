import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { awaitingDelivery } from '../../bot/domain/invitation';
import { jobRef, type JobDoc } from '../../bot/jobs/job';
import type { Locale } from '../../bot/domain/meeting';
import { t, type MessageKey, type ParamsOf } from '../../bot/i18n';
import { action, attachedCard, cardActions, cardInputs, cardText } from '../support/cards';
import type { Captured } from '../support/connector';
import { Harness, type Person } from '../support/harness';
import { openJobs } from '../support/jobs';
import { CASEWORKER_CONTACT, personInputs, startMeeting } from '../support/scenarios';
import { LANGUAGES } from '../support/text';
import { shortId } from '../../cards/overview';

const STOCKHOLM = 'Europe/Stockholm';
const HELSINKI = 'Europe/Helsinki';
const COPENHAGEN = 'Europe/Copenhagen';
/** "1 invitee has not answered" as each language counts one. */
const ONE_UNANSWERED: Record<Locale, string> = {
  sv: '1 inbjuden har inte svarat ännu',
  da: '1 inviteret har ikke svaret endnu',
  fi: '1 kutsuttu ei ole vielä vastannut',
  en: '1 person invited has not answered yet',
};

/** Someone who gets nudges: who they are in Teams, the language and zone Teams gives for them. */
interface Recipient {
  person: Person;
  locale: Locale;
  zone: string;
}

/**
 * The follow-up nudges of one meeting, walked from the invitation to the follow-up with Samråd's
 * clock moved by hand: the meeting on Tuesday 15 June 2027, an action item of the nurse (in
 * Helsinki) due 29 June and one of the teacher (in Copenhagen, also the secretary) due 22 June,
 * the follow-up meeting agreed for 13 July and sent for 14 July. Each nudge arrives once, at 08:00
 * (or the time it is due) in its recipient's own zone and on a working day of their country
 * (midsommarafton, Friday 25 June, is a day off in Sweden and Finland), in their language, with
 * nothing of the case in the notification preview. A recipient who blocked the bot is reported to the caseworker, once; a
 * throttled send arrives after the Retry-After.
 */
describe('follow-up nudges through the HTTP endpoint, on a clock moved by hand', function () {
  this.timeout(240_000);
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  LANGUAGES.forEach((lang, i) => {
    const other = (n: number) => LANGUAGES[(i + n) % LANGUAGES.length];
    it(`caseworker in ${lang.locale} (nurse in ${other(1).locale}, teacher in ${other(2).locale}, coordinator in ${other(3).locale}): each nudge once, at the right local time`, async () => {
      const caseworker: Recipient = { person: { aadObjectId: '5a0d0c00-0000-4000-8000-0000000000c1', name: 'Kim Caseworker', locale: lang.teams, timeZone: STOCKHOLM }, locale: lang.locale, zone: STOCKHOLM };
      const nurse: Recipient = { person: { aadObjectId: '5a0d0c00-0000-4000-8000-0000000000a1', name: 'Noor Nurse', locale: other(1).teams, timeZone: HELSINKI }, locale: other(1).locale, zone: HELSINKI };
      const teacher: Recipient = { person: { aadObjectId: '5a0d0c00-0000-4000-8000-0000000000a2', name: 'Tove Teacher', locale: other(2).teams, timeZone: COPENHAGEN }, locale: other(2).locale, zone: COPENHAGEN };
      const coordinator: Recipient = { person: { aadObjectId: '5a0d0c00-0000-4000-8000-0000000000d1', name: 'Cora Coordinator', locale: other(3).teams, timeZone: STOCKHOLM }, locale: other(3).locale, zone: STOCKHOLM };
      // Invited in Teams, never answers, and blocks the bot before the summary: the caseworker chose Swedish for him.
      const psychologist: Person = { aadObjectId: '5a0d0c00-0000-4000-8000-0000000000a3', name: 'Pelle Psykolog', locale: 'sv-SE' };

      // Samråd's clock: Monday 7 June 2027, 09:00 in Stockholm. It moves only when the test moves it.
      let clock = DateTime.fromISO('2027-06-07T09:00', { zone: STOCKHOLM }).toUTC();
      h = new Harness();
      const harness = h;
      harness.connector.clock = () => clock.toMillis();
      await harness.start({ COORDINATORS: coordinator.person.aadObjectId, DEFAULT_TIME_ZONE: STOCKHOLM }, undefined, { now: () => clock });
      const local = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toUTC();
      const meetings: string[] = [];

      /** Runs what is due now; a job due within seconds (a coalesced rerun waits its spacing) is let through by moving the clock a second at a time. */
      const settle = async () => {
        for (let tick = 0; tick < 120; tick++) {
          harness.app.jobs.poll();
          await harness.app.jobs.idle();
          if ((await openJobs(harness.app.deps)) === 0) return;
          clock = clock.plus({ seconds: 1 });
        }
        throw new Error('jobs due now never finished');
      };
      /** Moves the clock to `target`, stopping at every instant Samråd scheduled a nudge for, and at least every 20 hours, running what is due at each stop. */
      const advanceTo = async (target: DateTime) => {
        while (clock < target) {
          let stop = DateTime.min(target, clock.plus({ hours: 20 }));
          for (const id of meetings) {
            for (const at of Object.values((await harness.view(id))?.tracking?.nudges ?? {})) {
              const due = DateTime.fromISO(at, { zone: 'utc' });
              if (due > clock && due < stop) stop = due;
            }
          }
          clock = stop.toUTC();
          await settle();
        }
      };
      const press = (who: Recipient | Person, verb: string, data: Record<string, unknown>, inputs: Record<string, unknown> = {}) =>
        harness.press('person' in who ? who.person : who, verb, { verb, ...data }, inputs);
      const L = <K extends MessageKey>(who: Recipient, key: K, ...params: ParamsOf<K>) => t(who.locale, key, ...params);
      /** A date (yyyy-MM-dd) as a nudge card shows it to this reader. */
      const day = (who: Recipient, date: string) => DateTime.fromISO(date, { zone: who.zone }).setLocale(who.locale).toLocaleString(DateTime.DATE_MED);

      /** Every nudge card posted to anyone: to whom (Entra id), for which meeting and nudge, and how the connector answered. */
      const nudgePosts = () =>
        harness.connector.requests.flatMap((r) => {
          const conversation = /^\/v3\/conversations\/([^/]+)\/activities(\/[^/]*)?$/.exec(r.path)?.[1];
          const card = r.method === 'POST' && conversation ? attachedCard(r.body) : undefined;
          const done = card ? cardActions(card).find((a) => a.verb === 'nudge.done') : undefined;
          if (!done) return [];
          return [{ request: r, to: (harness.connector.memberOf(conversation!) ?? '').toLowerCase(), meetingId: String(done.data!.meetingId), key: String(done.data!.key), card }];
        });
      /** The nudges with this key that reached this person (answered 200). */
      const arrived = (who: Recipient | Person, key: string, meetingId = meetings[0]) => {
        const id = ('person' in who ? who.person : who).aadObjectId.toLowerCase();
        return nudgePosts().filter((n) => n.to === id && n.key === key && n.meetingId === meetingId && n.request.status === 200);
      };
      const localTime = (r: Captured, zone: string) => DateTime.fromMillis(r.clockAt, { zone }).toFormat('yyyy-MM-dd HH:mm');
      /** The one nudge with this key that reached this person: at `when` in their zone, in their language, saying `text`; the preview generic. */
      const expectOne = (who: Recipient, key: string, when: string, text: string) => {
        const got = arrived(who, key);
        assert.equal(got.length, 1, `${key} reached ${who.person.name} once`);
        const [nudge] = got;
        assert.equal(localTime(nudge.request, who.zone), when, `${key} reached ${who.person.name} at ${when} in ${who.zone}`);
        assert.equal(nudge.request.body.summary, L(who, 'nudge.summary'), 'the preview says only that it is a reminder');
        assert.ok(cardText(nudge.card).includes(L(who, 'nudge.title')), 'the card is in their language');
        assert.ok(cardText(nudge.card).includes(text), `${key}: ${cardText(nudge.card)}`);
        return nudge.card;
      };

      // The coordinator has talked to Samråd before (their language and zone are known).
      await harness.say(coordinator.person, { sv: 'översikt', da: 'oversigt', fi: 'yleiskatsaus', en: 'overview' }[coordinator.locale]);

      // 1. Monday 7 June: the caseworker invites the client Alex (in person), the grandmother Eva (by post), the nurse,
      //    the teacher (the secretary) and the psychologist in Teams, to Tuesday 15 June at 10:00 Stockholm time. The
      //    language chosen for the professionals is the caseworker's; once they write from Teams, Teams' locale is theirs.
      let card = await press(caseworker, 'plan.start', {});
      const meetingId = String(action(card, 'plan.when').data.meetingId);
      meetings.push(meetingId);
      card = await press(caseworker, 'plan.when', action(card, 'plan.when').data, { date: '2027-06-15', time: '10:00', duration: '90', placeKind: 'room', placeDetails: 'Room 2' });
      const add = async (inputs: Record<string, string>) => (card = await press(caseworker, 'plan.who.add', action(card, 'plan.who.add').data, inputs));
      await add(personInputs({ group: 'client', name: 'Alex', contactKind: 'hand', relation: '', language: lang.locale }));
      await add(personInputs({ name: 'Eva', relation: 'grandmother', contactKind: 'post', contactDetail: 'Storgatan 1', language: lang.locale }));
      await add(personInputs({ group: 'professional', name: nurse.person.name, relation: 'school nurse', contactKind: 'teams', teamsUser: nurse.person.aadObjectId, language: lang.locale }));
      await add(personInputs({ group: 'professional', name: teacher.person.name, relation: 'teacher', contactKind: 'teams', teamsUser: teacher.person.aadObjectId, language: lang.locale }));
      await add(personInputs({ group: 'professional', name: psychologist.name, relation: 'psychologist', contactKind: 'teams', teamsUser: psychologist.aadObjectId, language: 'sv' }));
      const drafted = (await harness.meeting(meetingId))!;
      const id = (name: string) => drafted.participants.find((p) => p.name === name)!.id;
      const ids = { alex: id('Alex'), eva: id('Eva'), nurse: id(nurse.person.name), teacher: id(teacher.person.name), psychologist: id(psychologist.name) };
      card = await press(caseworker, 'plan.who.save', action(card, 'plan.who.save').data, { consent: 'true', chairId: '', secretaryId: ids.teacher, coOrganizerId: '' });
      card = await press(caseworker, 'plan.why', action(card, 'plan.why').data, { purpose: 'A plan for the mornings', topics: 'Sleep\nSchool', form: '' });
      await press(caseworker, 'plan.send', action(card, 'plan.send').data, CASEWORKER_CONTACT);
      await settle();
      assert.deepEqual(awaitingDelivery((await harness.view(meetingId))!), [], 'every invitation is out');
      const plan = (await harness.meeting(meetingId))!;
      const meetingDay = (who: Recipient) => DateTime.fromISO(plan.when!.start, { zone: 'utc' }).setZone(who.zone).setLocale(who.locale).toLocaleString(DateTime.DATE_MED);
      const invitationTo = (who: Recipient) => {
        const posted = harness.connector.posted().find((r) => harness.connector.memberOf(r.path.split('/')[3]) === who.person.aadObjectId && cardActions(attachedCard(r.body)).some((a) => a.verb === 'invite.answer'));
        return attachedCard(posted!.body);
      };
      // The nurse answers at once, from Helsinki.
      await press(nurse, 'invite.answer', action(invitationTo(nurse), 'invite.answer', { answer: 'accepted' }).data, { comment: '', topic: '' });
      await settle();

      // Tuesday: Alex and Eva answer by phone, recorded on the status card. Wednesday: the teacher answers. The psychologist never does.
      await advanceTo(local('2027-06-08T10:00', STOCKHOLM));
      for (const who of [ids.alex, ids.eva]) {
        const status = await press(caseworker, 'status.show', { meetingId });
        await press(caseworker, 'invite.record', action(status, 'invite.record', { participantId: who }).data, { [`answer_${who}`]: 'accepted' });
        await settle();
      }
      await advanceTo(local('2027-06-09T14:00', COPENHAGEN));
      await press(teacher, 'invite.answer', action(invitationTo(teacher), 'invite.answer', { answer: 'accepted' }).data, { comment: '', topic: '' });
      await settle();
      assert.equal(nudgePosts().length, 0, 'no nudge yet');

      // Three working days before the meeting, at 08:00 in Stockholm: the caseworker is told one person has not answered
      // (counted when it is sent: two had not when it was scheduled).
      await advanceTo(local('2027-06-10T07:59', STOCKHOLM));
      assert.equal(arrived(caseworker, 'unanswered.2027-06-15').length, 0, 'not before 08:00');
      await advanceTo(local('2027-06-10T08:00', STOCKHOLM));
      const unanswered = expectOne(caseworker, 'unanswered.2027-06-15', '2027-06-10 08:00', L(caseworker, 'nudge.unanswered', { count: 1, date: meetingDay(caseworker) }));
      assert.ok(cardText(unanswered).includes(ONE_UNANSWERED[caseworker.locale]), 'one, in the singular');
      // Its button opens the status card.
      const status = await press(caseworker, 'status.show', action(unanswered, 'status.show').data);
      assert.ok(cardText(status).includes(psychologist.name), 'the status card, with whoever has not answered');

      // 2. The meeting is held on the day; the clock moved on since, and the unanswered nudge did not come again.
      await advanceTo(local('2027-06-15T10:00', STOCKHOLM));
      assert.equal(arrived(caseworker, 'unanswered.2027-06-15').length, 1, 'the unanswered nudge came once');
      card = await startMeeting(harness, meetingId, caseworker.person);
      for (const phase of ['describe', 'reflect', 'agree'] as const) card = await press(caseworker, 'session.phase', action(card, 'session.phase', { phase }).data);
      card = await press(caseworker, 'session.item', action(card, 'session.item').data, { itemText: 'Book a health check', itemOwner: ids.nurse, itemDue: '2027-06-29', itemWith: '' });
      await settle();
      card = await press(caseworker, 'session.item', action(card, 'session.item').data, { itemText: 'Talk with the class mentor', itemOwner: ids.teacher, itemDue: '2027-06-22', itemWith: '' });
      await settle();
      const items = (await harness.view(meetingId))!.actions;
      const itemKey = (text: string) => `item.${items.find((i) => i.text === text)!.id.slice('action.'.length)}`;
      const nurseItem = itemKey('Book a health check');
      const teacherItem = itemKey('Talk with the class mentor');
      card = await press(caseworker, 'session.phase', action(card, 'session.phase', { phase: 'summary' }).data);
      card = await press(caseworker, 'session.outcome', action(card, 'session.outcome').data, { responsible: ids.nurse, followUp: '2027-07-13', followUpUndecided: 'false' });
      await advanceTo(local('2027-06-15T11:30', STOCKHOLM));
      card = await press(caseworker, 'session.end', action(card, 'session.end').data);
      assert.ok(cardText(card).includes(L(caseworker, 'session.endedTitle')));
      await settle();

      // Two working days after the meeting, 08:00 in Copenhagen: the secretary, whose minutes are not sent.
      await advanceTo(local('2027-06-17T07:59', COPENHAGEN));
      assert.equal(arrived(teacher, 'minutes.writer').length, 0);
      await advanceTo(local('2027-06-17T08:00', COPENHAGEN));
      const minutesNudge = expectOne(teacher, 'minutes.writer', '2027-06-17 08:00', L(teacher, 'nudge.minutesLate', { date: meetingDay(teacher) }));

      // 3. Two working days before her item is due, 08:00 in Copenhagen, the teacher is reminded; Teams throttles
      //    the first send (429, Retry-After 1 s) and the card arrives after the wait.
      await advanceTo(local('2027-06-18T07:59:59', COPENHAGEN));
      harness.connector.throttleNext = 1;
      await advanceTo(local('2027-06-18T08:00', COPENHAGEN));
      expectOne(teacher, `${teacherItem}.soon`, '2027-06-18 08:00', L(teacher, 'nudge.itemSoon', { date: day(teacher, '2027-06-22') }));
      const attempts = nudgePosts().filter((n) => n.key === `${teacherItem}.soon`);
      assert.deepEqual(attempts.map((n) => n.request.status), [429, 200], 'refused once, then taken');
      assert.ok(attempts[1].request.at - attempts[0].request.at >= 950, `sent again after the Retry-After (${attempts[1].request.at - attempts[0].request.at} ms)`);

      // The secretary opens the minutes from her nudge and sends them: the coordinators' minutes nudge, due four working
      // days after the meeting (Monday 21 June, 08:00 in Stockholm), is cancelled.
      await advanceTo(local('2027-06-18T10:00', COPENHAGEN));
      assert.equal((await harness.view(meetingId))!.tracking!.nudges['minutes.coordinator'], local('2027-06-21T08:00', STOCKHOLM).toISO());
      const review = await press(teacher, 'minutes.show', action(minutesNudge, 'minutes.show').data);
      await press(teacher, 'minutes.send', action(review, 'minutes.send').data, { note: '' });
      await settle();
      assert.equal((await harness.view(meetingId))!.minutes?.state, 'sent');
      assert.ok(!('minutes.coordinator' in (await harness.view(meetingId))!.tracking!.nudges), 'no longer scheduled');
      const coordinatorJob = jobRef('nudge', `${meetingId}.minutes.coordinator`);
      assert.equal(((await harness.app.deps.stores.jobs.read(coordinatorJob.bucket, coordinatorJob.id))?.doc as JobDoc).state, 'cancelled');
      // Its time has passed: the coordinator heard nothing about the minutes.
      await advanceTo(local('2027-06-21T12:00', STOCKHOLM));
      assert.equal(arrived(coordinator, 'minutes.coordinator').length, 0, 'the minutes nudge for the coordinator never arrives');
      assert.equal(arrived(teacher, 'minutes.writer').length, 1);

      // 6. A week after the meeting the follow-up is still a draft: the caseworker, at the time the meeting ended a week before.
      await advanceTo(local('2027-06-22T11:30', STOCKHOLM));
      const draftNudge = expectOne(caseworker, 'followUp.draft', '2027-06-22 11:30', L(caseworker, 'nudge.followUpDraft', { date: meetingDay(caseworker) }));
      // "Remind me in a week": Tuesday 29 June.
      const snoozedDraft = await press(caseworker, 'nudge.snooze', action(draftNudge, 'nudge.snooze', { days: '7' }).data);
      assert.ok(cardText(snoozedDraft).includes(L(caseworker, 'nudge.snoozed', { date: DateTime.fromISO('2027-06-29', { zone: STOCKHOLM }).setLocale(caseworker.locale).toLocaleString(DateTime.DATE_MED_WITH_WEEKDAY) })), cardText(snoozedDraft));
      await settle();

      // The day after the teacher's item was due, 08:00 in Copenhagen: the teacher.
      await advanceTo(local('2027-06-23T08:00', COPENHAGEN));
      expectOne(teacher, `${teacherItem}.overdue.owner`, '2027-06-23 08:00', L(teacher, 'nudge.itemOverdueOwner', { date: day(teacher, '2027-06-22') }));

      // The caseworker opens My meetings from the nudge and sends the follow-up meeting (the client agrees again), for
      // Wednesday 14 July: a day later than agreed. Until now the summary was to go 14 days before the day agreed.
      await advanceTo(local('2027-06-23T14:00', STOCKHOLM));
      const summaryAt = async () => (await harness.view(meetingId))!.tracking!.nudges[`summary.${ids.nurse}`];
      assert.equal(await summaryAt(), local('2027-06-29T08:00', HELSINKI).toISO());
      const list = await press(caseworker, 'meetings.list', action(snoozedDraft, 'meetings.list').data);
      const followUpId = String(cardActions(list).find((a) => a.verb === 'status.show' && a.data?.meetingId !== meetingId)!.data!.meetingId);
      meetings.push(followUpId);
      let draft = await press(caseworker, 'status.show', { meetingId: followUpId });
      draft = await press(caseworker, 'plan.goto', action(draft, 'plan.goto', { step: 'when' }).data);
      draft = await press(caseworker, 'plan.when', action(draft, 'plan.when').data, { ...values(draft), date: '2027-07-14' });
      if (!cardActions(draft).some((a) => a.verb === 'plan.who.save')) draft = await press(caseworker, 'plan.goto', action(draft, 'plan.goto', { step: 'who' }).data);
      draft = await press(caseworker, 'plan.who.save', action(draft, 'plan.who.save').data, { ...values(draft), consent: 'true' });
      if (cardActions(draft).some((a) => a.verb === 'plan.why')) draft = await press(caseworker, 'plan.why', action(draft, 'plan.why').data, values(draft));
      await press(caseworker, 'plan.send', action(draft, 'plan.send').data, values(draft));
      await settle();
      const followUp = (await harness.meeting(followUpId))!;
      assert.equal(followUp.status, 'invited');
      assert.equal(DateTime.fromISO(followUp.when!.start, { zone: STOCKHOLM }).toFormat('yyyy-MM-dd HH:mm'), '2027-07-14 10:00');
      assert.ok(!('followUp.draft' in (await harness.view(meetingId))!.tracking!.nudges), 'the snoozed draft nudge is no longer scheduled');
      assert.equal(await summaryAt(), local('2027-06-30T08:00', HELSINKI).toISO(), 'the summary moved with the follow-up meeting');

      // Two working days before the nurse's item is due (Tuesday 29 June), 08:00 in Helsinki: Thursday 24 June.
      await advanceTo(local('2027-06-24T07:59', HELSINKI));
      assert.equal(arrived(nurse, `${nurseItem}.soon`).length, 0);
      await advanceTo(local('2027-06-24T08:00', HELSINKI));
      const soon = expectOne(nurse, `${nurseItem}.soon`, '2027-06-24 08:00', L(nurse, 'nudge.itemSoon', { date: day(nurse, '2027-06-29') }));
      assert.ok(cardText(soon).includes('Book a health check'));
      // 4. "Remind me tomorrow": tomorrow is juhannusaatto (a day off in Finland), then a weekend, so Monday 28 June.
      const snoozed = await press(nurse, 'nudge.snooze', action(soon, 'nudge.snooze', { days: '1' }).data);
      assert.ok(cardText(snoozed).includes(L(nurse, 'nudge.snoozed', { date: DateTime.fromISO('2027-06-28', { zone: HELSINKI }).setLocale(nurse.locale).toLocaleString(DateTime.DATE_MED_WITH_WEEKDAY) })), cardText(snoozed));
      await settle();
      // Midsommarafton: a working day in Copenhagen, a day off in Stockholm and Helsinki; nothing for the caseworker or the nurse.
      await advanceTo(local('2027-06-25T16:00', STOCKHOLM));
      assert.equal(arrived(nurse, `${nurseItem}.soon`).length, 1, 'not on juhannusaatto');
      assert.equal(arrived(caseworker, `${teacherItem}.overdue.caseworker`).length, 0, 'not on midsommarafton');

      // Monday 28 June, 08:00 in Helsinki: the nurse's reminder again, once.
      await advanceTo(local('2027-06-28T08:00', HELSINKI));
      const again = arrived(nurse, `${nurseItem}.soon`);
      assert.equal(again.length, 2, 'snoozed: it came again');
      assert.equal(localTime(again[1].request, HELSINKI), '2027-06-28 08:00');
      assert.equal(again[1].request.body.summary, L(nurse, 'nudge.summary'));
      // The same morning, 08:00 in Stockholm (midsommarafton and the weekend waited out): the caseworker, about the teacher's item.
      await advanceTo(local('2027-06-28T08:00', STOCKHOLM));
      expectOne(caseworker, `${teacherItem}.overdue.caseworker`, '2027-06-28 08:00', L(caseworker, 'nudge.itemOverdueCaseworker', { owner: `${teacher.person.name} (teacher)`, date: day(caseworker, '2027-06-22') }));

      // 5. The psychologist blocks the bot. Nothing on Tuesday 29 June, 14 days before the day agreed.
      await advanceTo(local('2027-06-28T12:00', STOCKHOLM));
      harness.connector.blocked.add(psychologist.aadObjectId);
      await advanceTo(local('2027-06-29T16:00', STOCKHOLM));
      assert.deepEqual(nudgePosts().filter((n) => n.key.startsWith('summary.')), [], 'the summary goes 14 days before the meeting as sent');

      // Wednesday 30 June, 08:00 in Helsinki, 14 days before the follow-up meeting: the nurse's summary, of both items
      // open; and her own item, due yesterday, is overdue. She marks it done from the nudge.
      await advanceTo(local('2027-06-30T08:00', HELSINKI));
      const summaryOf = (who: Recipient, participantId: string) =>
        expectOne(who, `summary.${participantId}`, '2027-06-30 08:00', L(who, 'nudge.summaryIntro', { date: day(who, '2027-07-14') }));
      const nurseSummary = summaryOf(nurse, ids.nurse);
      for (const agreed of ['Book a health check', 'Talk with the class mentor']) assert.ok(cardText(nurseSummary).includes(agreed), agreed);
      assert.ok(cardText(nurseSummary).includes(L(nurse, 'nudge.summaryOpen', { count: 2 })));
      assert.ok(!cardText(nurseSummary).includes(L(nurse, 'nudge.summaryOutside', { count: 2 })), 'only the caseworker reads who is outside Teams');
      const overdue = expectOne(nurse, `${nurseItem}.overdue.owner`, '2027-06-30 08:00', L(nurse, 'nudge.itemOverdueOwner', { date: day(nurse, '2027-06-29') }));
      const marked = await press(nurse, 'nudge.done', action(overdue, 'nudge.done').data);
      assert.ok(cardText(marked).includes('✓ Book a health check'), cardText(marked));
      assert.ok((await harness.view(meetingId))!.actions.find((a) => a.text === 'Book a health check')!.done);
      await settle();
      // "Remind me tomorrow" on her older reminder about it: it no longer applies, and says so.
      const stale = await press(nurse, 'nudge.snooze', action(again[1].card, 'nudge.snooze', { days: '1' }).data);
      assert.ok(cardText(stale).includes(L(nurse, 'nudge.noLonger')), cardText(stale));
      await settle();

      // The same morning, 08:00 in Stockholm and Copenhagen: everyone else in Teams, with one item open now; the
      // caseworker's summary counts the two people outside Teams.
      await advanceTo(local('2027-06-30T08:00', STOCKHOLM));
      assert.ok(cardText(summaryOf(teacher, ids.teacher)).includes(L(teacher, 'nudge.summaryOpen', { count: 1 })));
      const organizerId = plan.participants.find((p) => p.isOrganizer)!.id;
      const caseworkerSummary = summaryOf(caseworker, organizerId);
      assert.ok(cardText(caseworkerSummary).includes(L(caseworker, 'nudge.summaryOutside', { count: 2 })), cardText(caseworkerSummary));
      assert.ok(cardText(caseworkerSummary).includes(L(caseworker, 'nudge.summaryOpen', { count: 1 })));
      // Teams refused the psychologist's (403): the caseworker is told, in a text, once; it is not tried again.
      const refused = nudgePosts().filter((n) => n.to === psychologist.aadObjectId && n.key === `summary.${ids.psychologist}`);
      assert.deepEqual(refused.map((n) => n.request.status), [403]);
      const blockedText = L(caseworker, 'nudge.blocked', { name: psychologist.name });
      // As a card whose notification preview says only that a reminder could not be delivered.
      const told = () => harness.connector.posted().filter((r) => r.body?.summary === L(caseworker, 'nudge.blockedSummary') && cardText(attachedCard(r.body)).includes(blockedText));
      assert.equal(told().length, 1, 'the caseworker is told');
      assert.equal(harness.connector.memberOf(told()[0].path.split('/')[3]), caseworker.person.aadObjectId);
      // And the coordinator, about the teacher's item (the caseworker's grace is over too), without the client or the item.
      const escalated = expectOne(coordinator, `${teacherItem}.overdue.coordinator`, '2027-06-30 08:00', L(coordinator, 'nudge.itemOverdueCoordinator', {
        id: shortId(meetingId),
        caseworker: caseworker.person.name,
        start: meetingDay(coordinator),
        date: day(coordinator, '2027-06-22'),
      }));
      for (const detail of ['Alex', 'Talk with the class mentor', 'Room 2', 'A plan for the mornings', teacher.person.name]) assert.ok(!cardText(escalated).includes(detail), `${detail}: ${cardText(escalated)}`);
      assert.equal(action(escalated, 'overview.show').verb, 'overview.show');
      // The coordinator asks to hear of it again in a week: Wednesday 7 July, 08:00 in Stockholm.
      const later = await press(coordinator, 'nudge.snooze', action(escalated, 'nudge.snooze', { days: '7' }).data);
      assert.ok(cardText(later).includes(L(coordinator, 'nudge.snoozed', { date: DateTime.fromISO('2027-07-07', { zone: STOCKHOLM }).setLocale(coordinator.locale).toLocaleString(DateTime.DATE_MED_WITH_WEEKDAY) })), cardText(later));
      await settle();

      // A week on: the nurse's item is done, so neither the caseworker (2 July) nor the coordinator (6 July) hears of it;
      // the teacher's is still open, and the coordinator hears of it again as asked.
      await advanceTo(local('2027-07-07T12:00', STOCKHOLM));
      const reminded = arrived(coordinator, `${teacherItem}.overdue.coordinator`);
      assert.equal(reminded.length, 2);
      assert.equal(localTime(reminded[1].request, STOCKHOLM), '2027-07-07 08:00');
      for (const who of [caseworker, coordinator]) assert.equal(arrived(who, `${nurseItem}.overdue.${who === caseworker ? 'caseworker' : 'coordinator'}`).length, 0);
      // The snoozed draft nudge (29 June, 11:30) never came again: the follow-up was sent.
      assert.equal(arrived(caseworker, 'followUp.draft').length, 1);
      // After the block, the psychologist's chat got nothing more.
      const blockedAt = refused[0].request.clockAt;
      assert.equal(harness.connector.posted().filter((r) => harness.connector.memberOf(r.path.split('/')[3]) === psychologist.aadObjectId && r.clockAt >= blockedAt).length, 1);
      assert.equal(told().length, 1);

      // Every nudge of the walk arrived once (the two snoozed ones twice), with nothing of the case in its preview.
      const delivered = nudgePosts().filter((n) => n.request.status === 200 && n.meetingId === meetingId);
      const counts = new Map<string, number>();
      for (const n of delivered) counts.set(`${n.key} → ${n.to}`, (counts.get(`${n.key} → ${n.to}`) ?? 0) + 1);
      const to = (who: Recipient) => who.person.aadObjectId;
      assert.deepEqual(Object.fromEntries([...counts].sort()), Object.fromEntries([
        [`unanswered.2027-06-15 → ${to(caseworker)}`, 1],
        [`minutes.writer → ${to(teacher)}`, 1],
        [`${teacherItem}.soon → ${to(teacher)}`, 1],
        [`followUp.draft → ${to(caseworker)}`, 1],
        [`${teacherItem}.overdue.owner → ${to(teacher)}`, 1],
        [`${nurseItem}.soon → ${to(nurse)}`, 2],
        [`${teacherItem}.overdue.caseworker → ${to(caseworker)}`, 1],
        [`summary.${ids.nurse} → ${to(nurse)}`, 1],
        [`summary.${ids.teacher} → ${to(teacher)}`, 1],
        [`summary.${organizerId} → ${to(caseworker)}`, 1],
        [`${nurseItem}.overdue.owner → ${to(nurse)}`, 1],
        [`${teacherItem}.overdue.coordinator → ${to(coordinator)}`, 2],
      ].sort()));
      for (const n of nudgePosts()) {
        assert.ok(!JSON.stringify(n.request.body.summary).includes('Alex'), 'the client is never in a preview');
        assert.ok(LANGUAGES.some((l) => n.request.body.summary === t(l.locale, 'nudge.summary')), n.request.body.summary);
      }
    });
  });
});

/** The values a card's inputs hold, as a press would send them. */
function values(card: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(cardInputs(card)).map(([id, input]) => [id, input.value === undefined ? '' : String(input.value)]));
}
