import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { LIMITS, type Meeting } from '../../bot/domain/meeting';
import { Refusal, type ProblemCode } from '../../bot/domain/problems';
import { awaitingDelivery, deliveryOf, planOnly, replyOf } from '../../bot/domain/invitation';
import {
  addParticipant,
  assertCurrent,
  markSent,
  missingForSending,
  newDraft,
  removeParticipant,
  setRoles,
  setWhen,
  setWhy,
  speakerOrder,
  warnings,
  type ParticipantInput,
  type WhenInput,
} from '../../bot/domain/planning';

const NOW = DateTime.fromISO('2026-11-23T09:00:00Z');
const ZONE = 'Europe/Stockholm';

/** The "When?" inputs: Monday 7 December 2026 at 10:00 for 90 minutes in Room 2, unless overridden. */
const whenInput = (o: Partial<WhenInput> = {}): WhenInput => ({ date: '2026-12-07', time: '10:00', duration: '90', placeKind: 'room', placeDetails: 'Room 2', ...o });

/** A person to add: Eva, the grandmother, invited by letter in Swedish, unless overridden. */
const person = (o: Partial<ParticipantInput> = {}): ParticipantInput => ({
  name: 'Eva',
  group: 'network',
  relation: 'grandmother',
  contactKind: 'post',
  teamsUserId: '',
  email: '',
  address: 'Storgatan 1',
  language: 'sv',
  ...o,
});

const emptyDraft = (): Meeting =>
  newDraft({
    id: 'meeting-1',
    organizer: { userKey: 'aad-kim', name: 'Kim Lind' },
    organizerParticipantId: 'p-kim',
    organizerUserId: 'kim-aad',
    organizerLanguage: 'sv',
    tenantId: 'tenant-1',
    now: NOW,
  });

/** Adds several people in order; their ids are p-1, p-2, … */
function withPeople(meeting: Meeting, ...people: Partial<ParticipantInput>[]): Meeting {
  return people.reduce((m, p, i) => addParticipant(m, person(p), `p-${i + 1}`, NOW), meeting);
}

/** A draft that can be sent: a time, the client (p-1), a nurse in Teams (p-2), a relative by letter (p-3), consent and a purpose. */
function sendableDraft(): Meeting {
  let m = setWhen(emptyDraft(), whenInput(), ZONE, NOW);
  m = withPeople(
    m,
    { name: 'Alex', group: 'client', relation: '', contactKind: 'hand' },
    { name: 'Noor Nurse', group: 'professional', relation: 'school nurse', contactKind: 'teams', teamsUserId: 'noor-aad', language: 'en' },
    { name: 'Eva', group: 'network' },
  );
  m = setRoles(m, { consent: true, chairId: 'p-2', secretaryId: '' }, 'aad-kim', NOW);
  return setWhy(m, { purpose: 'A plan for school mornings', topics: 'Mornings', form: '' }, NOW);
}

/** Asserts that the call is refused with exactly these problem codes and leaves the meeting as it was. */
function assertRefused(meeting: Meeting, call: (m: Meeting) => unknown, codes: ProblemCode[]): Refusal {
  const before = structuredClone(meeting);
  let refusal: Refusal | undefined;
  try {
    call(meeting);
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    refusal = err;
  }
  assert.ok(refusal, `expected a refusal with ${codes.join(', ')}`);
  assert.deepEqual(
    refusal.problems.map((p) => p.code),
    codes,
  );
  assert.deepEqual(meeting, before, 'a refusal must not change the meeting');
  return refusal;
}

const codes = (problems: { code: string }[]) => problems.map((p) => p.code);

describe('planning rules (bot/domain/planning.ts)', () => {
  describe('newDraft', () => {
    it('starts a draft at "When?" with the caseworker as the only participant, a professional who convenes', () => {
      const m = emptyDraft();
      assert.equal(m.status, 'draft');
      assert.equal(m.step, 'when');
      assert.equal(m.rev, 1);
      assert.deepEqual(m.participants, [
        {
          id: 'p-kim',
          name: 'Kim Lind',
          group: 'professional',
          relation: '',
          contact: { kind: 'teams', userId: 'kim-aad' },
          language: 'sv',
          isOrganizer: true,
        },
      ]);
      assert.equal(m.createdAt, '2026-11-23T09:00:00.000Z');
      // Who did what is in the meeting's audit trail, one document per entry (services/audit.ts), never in the plan.
      assert.equal('audit' in m, false);
    });
  });

  describe('setWhen', () => {
    it('stores a future local date and time as a UTC instant with the zone it was planned in, and moves on to "Who?"', () => {
      const m = setWhen(emptyDraft(), whenInput({ time: '10:00', duration: '90' }), ZONE, NOW);
      assert.deepEqual(m.when, { start: '2026-12-07T09:00:00.000Z', timeZone: ZONE, durationMinutes: 90 });
      assert.deepEqual(m.place, { kind: 'room', details: 'Room 2' });
      assert.equal(m.step, 'who');
      assert.equal(m.rev, 2);
    });

    it('reads the same wall-clock time in another zone as another instant (Helsinki is an hour ahead of Stockholm)', () => {
      const m = setWhen(emptyDraft(), whenInput({ time: '10:00' }), 'Europe/Helsinki', NOW);
      assert.equal(m.when!.start, '2026-12-07T08:00:00.000Z');
    });

    it('refuses a date that has passed, and a time earlier today', () => {
      assertRefused(emptyDraft(), (m) => setWhen(m, whenInput({ date: '2026-11-20' }), ZONE, NOW), ['datePast']);
      // 09:00Z is 10:00 in Stockholm: 09:30 local is already over.
      assertRefused(emptyDraft(), (m) => setWhen(m, whenInput({ date: '2026-11-23', time: '09:30' }), ZONE, NOW), ['datePast']);
    });

    for (const date of ['2026-13-01', '2026-02-30', 'x', '7.12.2026']) {
      it(`refuses the malformed date "${date}" as dateInvalid`, () => {
        assertRefused(emptyDraft(), (m) => setWhen(m, whenInput({ date }), ZONE, NOW), ['dateInvalid']);
      });
    }

    for (const time of ['25:00', '10:60', 'noon']) {
      it(`refuses the malformed time "${time}" as timeInvalid`, () => {
        assertRefused(emptyDraft(), (m) => setWhen(m, whenInput({ time }), ZONE, NOW), ['timeInvalid']);
      });
    }

    it('asks for a date and a time that were left empty, each by name', () => {
      assertRefused(emptyDraft(), (m) => setWhen(m, whenInput({ date: ' ', time: '' }), ZONE, NOW), ['dateRequired', 'timeRequired']);
    });

    it('refuses a meeting more than two years ahead (year 9999 included), and takes one just inside', () => {
      assertRefused(emptyDraft(), (m) => setWhen(m, whenInput({ date: '9999-12-31' }), ZONE, NOW), ['dateTooFar']);
      assertRefused(emptyDraft(), (m) => setWhen(m, whenInput({ date: '2028-11-24' }), ZONE, NOW), ['dateTooFar']);
      assert.equal(setWhen(emptyDraft(), whenInput({ date: '2028-11-22' }), ZONE, NOW).when!.start, '2028-11-22T09:00:00.000Z');
    });

    for (const duration of ['0x5A', '9e1', '90.0', '+90', ' 9 0', '١٢٠']) {
      it(`reads only whole decimal minutes as a duration: "${duration}" is refused`, () => {
        assertRefused(emptyDraft(), (m) => setWhen(m, whenInput({ duration }), ZONE, NOW), ['durationInvalid']);
      });
    }

    it('refuses 24:00 as an invalid time, not as a daylight-saving gap (luxon reads T24:00 as midnight of the next day)', () => {
      const refusal = assertRefused(emptyDraft(), (m) => setWhen(m, whenInput({ time: '24:00' }), ZONE, NOW), ['timeInvalid']);
      assert.equal(refusal.problems[0].params, undefined);
    });

    it('accepts a single-digit hour such as 9:00', () => {
      const m = setWhen(emptyDraft(), whenInput({ time: '9:00' }), ZONE, NOW);
      assert.equal(m.when!.start, '2026-12-07T08:00:00.000Z');
    });

    it('refuses 02:30 on 28 March 2027 in Stockholm, a time the clock skips for summer time', () => {
      const refusal = assertRefused(emptyDraft(), (m) => setWhen(m, whenInput({ date: '2027-03-28', time: '02:30' }), ZONE, NOW), ['timeNotOnDate']);
      assert.deepEqual(refusal.problems[0].params, { time: '02:30', date: '2027-03-28' });
    });

    it('accepts 02:30 on 31 October 2027, a time that happens twice when summer time ends', () => {
      const m = setWhen(emptyDraft(), { ...whenInput({ date: '2027-10-31', time: '02:30' }), confirmTime: true }, ZONE, NOW);
      assert.equal(DateTime.fromISO(m.when!.start).setZone(ZONE).toFormat('yyyy-MM-dd HH:mm'), '2027-10-31 02:30');
    });

    it('asks before a start before 07:00 or an end after 21:00 where it is planned, and takes it once confirmed', () => {
      // The Playground's time picker turns a typed 12:00 into midnight: 00:00–01:30 is asked about.
      const refusal = assertRefused(emptyDraft(), (m) => setWhen(m, whenInput({ time: '00:00', duration: '90' }), ZONE, NOW), ['unusualTime']);
      assert.deepEqual(refusal.problems[0].params, { start: '00:00', end: '01:30' });
      assertRefused(emptyDraft(), (m) => setWhen(m, whenInput({ time: '06:59', duration: '60' }), ZONE, NOW), ['unusualTime']);
      assertRefused(emptyDraft(), (m) => setWhen(m, whenInput({ time: '20:00', duration: '61' }), ZONE, NOW), ['unusualTime']);
      assertRefused(emptyDraft(), (m) => setWhen(m, whenInput({ time: '20:30', duration: '480' }), ZONE, NOW), ['unusualTime']);
      for (const [time, duration] of [['07:00', '90'], ['19:30', '90'], ['20:00', '60']]) {
        assert.ok(setWhen(emptyDraft(), whenInput({ time, duration }), ZONE, NOW).when, `${time} for ${duration} min`);
      }
      const confirmed = setWhen(emptyDraft(), { ...whenInput({ time: '00:00', duration: '90' }), confirmTime: true }, ZONE, NOW);
      assert.equal(DateTime.fromISO(confirmed.when!.start).setZone(ZONE).toFormat('HH:mm'), '00:00');
      // Hours are the caseworker's: 06:30 in Helsinki is 05:30 in Stockholm, and asked about there too.
      assertRefused(emptyDraft(), (m) => setWhen(m, whenInput({ time: '06:30' }), 'Europe/Helsinki', NOW), ['unusualTime']);
    });

    it('accepts durations from 15 to 480 minutes', () => {
      assert.equal(setWhen(emptyDraft(), whenInput({ duration: '15' }), ZONE, NOW).when!.durationMinutes, 15);
      assert.equal(setWhen(emptyDraft(), whenInput({ duration: ' 480 ' }), ZONE, NOW).when!.durationMinutes, 480);
    });

    for (const duration of ['14', '481', '90.5', 'ninety', '', '-30']) {
      it(`refuses the duration "${duration}" and names the allowed range`, () => {
        const refusal = assertRefused(emptyDraft(), (m) => setWhen(m, whenInput({ duration }), ZONE, NOW), ['durationInvalid']);
        assert.deepEqual(refusal.problems[0].params, { min: 15, max: 480 });
      });
    }

    it('requires the room, address or link for a room or online meeting, but not for the client\'s home', () => {
      assertRefused(emptyDraft(), (m) => setWhen(m, whenInput({ placeKind: 'room', placeDetails: '  ' }), ZONE, NOW), ['placeDetailsRequired']);
      assertRefused(emptyDraft(), (m) => setWhen(m, whenInput({ placeKind: 'online', placeDetails: '' }), ZONE, NOW), ['placeDetailsRequired']);
      const home = setWhen(emptyDraft(), whenInput({ placeKind: 'home', placeDetails: '' }), ZONE, NOW);
      assert.deepEqual(home.place, { kind: 'home', details: '' });
    });

    it('refuses an unknown place kind and place details longer than 200 characters', () => {
      assertRefused(emptyDraft(), (m) => setWhen(m, whenInput({ placeKind: 'garden' }), ZONE, NOW), ['placeKindInvalid']);
      const refusal = assertRefused(emptyDraft(), (m) => setWhen(m, whenInput({ placeDetails: 'x'.repeat(201) }), ZONE, NOW), ['textTooLong']);
      assert.deepEqual(refusal.problems[0].params, { field: 'placeDetails', max: LIMITS.placeDetails });
    });

    it('reports every problem of the form at once, in the order of its fields', () => {
      assertRefused(
        emptyDraft(),
        (m) => setWhen(m, { date: '2026-02-30', time: '25:00', duration: '5', placeKind: 'room', placeDetails: '' }, ZONE, NOW),
        ['dateInvalid', 'timeInvalid', 'durationInvalid', 'placeDetailsRequired'],
      );
    });

    it('goes straight to the summary when the rest of the plan is already answered', () => {
      const m = setWhen(sendableDraft(), whenInput({ time: '13:00' }), ZONE, NOW);
      assert.equal(m.step, 'summary');
    });

    it('refuses changes once the invitations are sent', () => {
      assertRefused(markSent(sendableDraft(), NOW), (m) => setWhen(m, whenInput(), ZONE, NOW), ['notDraft']);
    });
  });

  describe('addParticipant', () => {
    it('adds a person, with whitespace in name and relation tidied', () => {
      const m = addParticipant(emptyDraft(), person({ name: '  Eva   Lind ', relation: ' grand\tmother ' }), 'p-eva', NOW);
      const eva = m.participants.find((p) => p.id === 'p-eva')!;
      assert.equal(eva.name, 'Eva Lind');
      assert.equal(eva.relation, 'grand mother');
      assert.deepEqual(eva.contact, { kind: 'post', address: 'Storgatan 1' });
      assert.equal(m.rev, 2);
    });

    it('treats a name or relation of invisible characters only as empty, and strips direction overrides', () => {
      for (const name of ['\u200b', '\u2800\u3164', '\u202e\u200d', '\ufeff ', '\u00a0\u2003']) {
        assertRefused(emptyDraft(), (m) => addParticipant(m, person({ name }), 'p-x', NOW), ['nameRequired']);
      }
      const m = addParticipant(emptyDraft(), person({ name: 'E\u202eva', relation: '\u200b' }), 'p-eva', NOW);
      assert.equal(m.participants.at(-1)!.name, 'Eva');
      assert.equal(m.participants.at(-1)!.relation, '');
    });

    it('accepts only one client', () => {
      const m = withPeople(emptyDraft(), { name: 'Alex', group: 'client', contactKind: 'hand' });
      assertRefused(m, (d) => addParticipant(d, person({ name: 'Sam', group: 'client', contactKind: 'hand' }), 'p-x', NOW), ['clientAlreadyAdded']);
    });

    it('refuses the same Teams user twice, even under another name (the caseworker included)', () => {
      const m = withPeople(emptyDraft(), { name: 'Noor', contactKind: 'teams', teamsUserId: 'noor-aad' });
      assertRefused(m, (d) => addParticipant(d, person({ name: 'Noor N.', contactKind: 'teams', teamsUserId: 'noor-aad' }), 'p-x', NOW), ['duplicateInvitee']);
      assertRefused(m, (d) => addParticipant(d, person({ name: 'Me again', contactKind: 'teams', teamsUserId: 'kim-aad' }), 'p-x', NOW), ['duplicateInvitee']);
    });

    it('refuses the same e-mail address twice, whatever its letter case', () => {
      const m = withPeople(emptyDraft(), { name: 'Eva', contactKind: 'email', email: 'eva@example.se' });
      const refusal = assertRefused(
        m,
        (d) => addParticipant(d, person({ name: 'Grandma', contactKind: 'email', email: 'EVA@Example.se' }), 'p-x', NOW),
        ['duplicateInvitee'],
      );
      assert.deepEqual(refusal.problems[0].params, { name: 'Grandma' });
    });

    it('refuses a second person with the same name when they are reached in different ways', () => {
      const m = withPeople(emptyDraft(), { name: 'Eva', contactKind: 'post' });
      assertRefused(m, (d) => addParticipant(d, person({ name: 'EVA', contactKind: 'hand' }), 'p-x', NOW), ['duplicateInvitee']);
    });

    it('stores an e-mail address in lower case and refuses one that is not an address', () => {
      const m = addParticipant(emptyDraft(), person({ contactKind: 'email', email: ' Eva.Lind@Example.SE ' }), 'p-eva', NOW);
      assert.deepEqual(m.participants[1].contact, { kind: 'email', email: 'eva.lind@example.se' });
      for (const email of ['eva', 'eva@example', 'eva @example.se', '']) {
        assertRefused(emptyDraft(), (d) => addParticipant(d, person({ contactKind: 'email', email }), 'p-x', NOW), ['emailInvalid']);
      }
    });

    it('needs a postal address for a letter, and keeps its line breaks', () => {
      assertRefused(emptyDraft(), (d) => addParticipant(d, person({ contactKind: 'post', address: ' \n ' }), 'p-x', NOW), ['addressRequired']);
      const m = addParticipant(emptyDraft(), person({ address: 'Storgatan 1\n123 45 Småstad' }), 'p-eva', NOW);
      assert.deepEqual(m.participants[1].contact, { kind: 'post', address: 'Storgatan 1\n123 45 Småstad' });
    });

    it('needs no address for an invitation handed over in person', () => {
      const m = addParticipant(emptyDraft(), person({ contactKind: 'hand', address: '', email: '' }), 'p-eva', NOW);
      assert.deepEqual(m.participants[1].contact, { kind: 'hand' });
    });

    it('needs a chosen person for a Teams invitation', () => {
      assertRefused(emptyDraft(), (d) => addParticipant(d, person({ contactKind: 'teams', teamsUserId: ' ' }), 'p-x', NOW), ['teamsUserRequired']);
    });

    it('refuses names and relations over 80 characters, naming the field', () => {
      const refusal = assertRefused(
        emptyDraft(),
        (d) => addParticipant(d, person({ name: 'N'.repeat(81), relation: 'R'.repeat(81) }), 'p-x', NOW),
        ['textTooLong', 'textTooLong'],
      );
      assert.deepEqual(
        refusal.problems.map((p) => p.params),
        [
          { field: 'name', max: 80 },
          { field: 'relation', max: 80 },
        ],
      );
      const m = addParticipant(emptyDraft(), person({ name: 'N'.repeat(80), relation: 'R'.repeat(80) }), 'p-x', NOW);
      assert.equal(m.participants[1].name.length, 80);
    });

    it('reports a missing name, an unknown group, language and contact kind together', () => {
      assertRefused(
        emptyDraft(),
        (d) => addParticipant(d, person({ name: ' ', group: 'family', language: 'de', contactKind: 'pigeon' }), 'p-x', NOW),
        ['nameRequired', 'groupInvalid', 'languageInvalid', 'contactKindInvalid'],
      );
    });

    it(`allows at most ${LIMITS.participants} participants, the caseworker included`, () => {
      const others = Array.from({ length: LIMITS.participants - 1 }, (_, i) => ({ name: `Person ${i + 1}`, contactKind: 'hand' }));
      const full = withPeople(emptyDraft(), ...others);
      assert.equal(full.participants.length, LIMITS.participants);
      const refusal = assertRefused(full, (d) => addParticipant(d, person({ name: 'One too many', contactKind: 'hand' }), 'p-x', NOW), ['tooManyParticipants']);
      assert.deepEqual(refusal.problems[0].params, { max: LIMITS.participants });
    });
  });

  describe('removeParticipant', () => {
    it('removes a person and clears the chair or secretary role they held', () => {
      let m = withPeople(emptyDraft(), { name: 'Alex', group: 'client', contactKind: 'hand' }, { name: 'Noor' }, { name: 'Sam' });
      m = setRoles(m, { consent: true, chairId: 'p-2', secretaryId: 'p-3' }, 'aad-kim', NOW);
      const withoutChair = removeParticipant(m, 'p-2', NOW);
      assert.deepEqual(
        withoutChair.participants.map((p) => p.id),
        ['p-kim', 'p-1', 'p-3'],
      );
      assert.equal(withoutChair.chairId, undefined);
      assert.equal(withoutChair.secretaryId, 'p-3');
      assert.equal(removeParticipant(withoutChair, 'p-3', NOW).secretaryId, undefined);
    });

    it('cannot remove the caseworker who convenes, nor someone who is not there', () => {
      assertRefused(emptyDraft(), (m) => removeParticipant(m, 'p-kim', NOW), ['cannotRemoveOrganizer']);
      assertRefused(emptyDraft(), (m) => removeParticipant(m, 'p-nobody', NOW), ['participantUnknown']);
    });
  });

  describe('setRoles', () => {
    const withClient = () => withPeople(emptyDraft(), { name: 'Alex', group: 'client', contactKind: 'hand' }, { name: 'Noor' });

    it('refuses a chair or secretary who is not a participant', () => {
      assertRefused(withClient(), (m) => setRoles(m, { consent: true, chairId: 'p-nobody', secretaryId: '' }, 'aad-kim', NOW), ['roleNotParticipant']);
      assertRefused(withClient(), (m) => setRoles(m, { consent: true, chairId: '', secretaryId: 'p-gone' }, 'aad-kim', NOW), ['roleNotParticipant']);
    });

    it('records the consent once: saving again keeps the time it was first given', () => {
      const first = setRoles(withClient(), { consent: true, chairId: 'p-2', secretaryId: '' }, 'aad-kim', NOW);
      assert.deepEqual(first.consent, { at: '2026-11-23T09:00:00.000Z', recordedBy: 'aad-kim' });
      assert.equal(first.chairId, 'p-2');
      assert.equal(first.secretaryId, undefined);
      const again = setRoles(first, { consent: true, chairId: '', secretaryId: 'p-2' }, 'aad-other', NOW.plus({ hours: 3 }));
      assert.deepEqual(again.consent, first.consent);
      assert.equal(again.chairId, undefined);
      assert.equal(again.secretaryId, 'p-2');
    });

    it('clears the consent when the box is unticked', () => {
      const given = setRoles(withClient(), { consent: true, chairId: '', secretaryId: '' }, 'aad-kim', NOW);
      const withdrawn = setRoles(given, { consent: false, chairId: '', secretaryId: '' }, 'aad-kim', NOW);
      assert.equal(withdrawn.consent, undefined);
    });

    it('moves on to "Why?", or to the summary when the purpose is already written', () => {
      assert.equal(setRoles(withClient(), { consent: true, chairId: '', secretaryId: '' }, 'aad-kim', NOW).step, 'why');
      assert.equal(setRoles(sendableDraft(), { consent: true, chairId: '', secretaryId: '' }, 'aad-kim', NOW).step, 'summary');
    });
  });

  describe('setWhy', () => {
    it('takes one topic per line, strips list bullets and numbers, and drops empty lines', () => {
      const m = setWhy(emptyDraft(), { purpose: 'A plan', topics: '- School\r\n* Football\n• Sleep\n\n1. Money\n2) Housing\n   ', form: '' }, NOW);
      assert.deepEqual(m.why!.topics, ['School', 'Football', 'Sleep', 'Money', 'Housing']);
      assert.equal(m.step, 'summary');
    });

    it('keeps a number that is part of the topic itself, such as a year or an age', () => {
      const m = setWhy(emptyDraft(), { purpose: 'A plan', topics: '2027 summer plans\n1. 18th birthday', form: '' }, NOW);
      assert.deepEqual(m.why!.topics, ['2027 summer plans', '18th birthday']);
    });

    it('keeps the line breaks of the purpose and form but trims them', () => {
      const m = setWhy(emptyDraft(), { purpose: '  Why we meet\nWhat it leads to  ', topics: '', form: ' Describe\n\n\n\nAgree ' }, NOW);
      assert.equal(m.why!.purpose, 'Why we meet\nWhat it leads to');
      assert.equal(m.why!.form, 'Describe\n\nAgree');
    });

    it('refuses an empty purpose', () => {
      assertRefused(emptyDraft(), (m) => setWhy(m, { purpose: ' \n ', topics: 'School', form: '' }, NOW), ['purposeRequired']);
    });

    it(`refuses more than ${LIMITS.topics} topics and reports a too long topic once`, () => {
      const thirteen = Array.from({ length: 13 }, (_, i) => `Topic ${i + 1}`).join('\n');
      const refusal = assertRefused(emptyDraft(), (m) => setWhy(m, { purpose: 'A plan', topics: thirteen, form: '' }, NOW), ['tooManyTopics']);
      assert.deepEqual(refusal.problems[0].params, { max: LIMITS.topics });
      const long = `${'a'.repeat(201)}\n${'b'.repeat(201)}`;
      assertRefused(emptyDraft(), (m) => setWhy(m, { purpose: 'A plan', topics: long, form: '' }, NOW), ['textTooLong']);
    });

    it('refuses a purpose over 1000 and a form over 500 characters, together', () => {
      const refusal = assertRefused(
        emptyDraft(),
        (m) => setWhy(m, { purpose: 'p'.repeat(1001), topics: '', form: 'f'.repeat(501) }, NOW),
        ['textTooLong', 'textTooLong'],
      );
      assert.deepEqual(
        refusal.problems.map((p) => p.params!.field),
        ['purpose', 'form'],
      );
    });
  });

  describe('missingForSending', () => {
    it('lists everything an empty draft still lacks', () => {
      assert.deepEqual(codes(missingForSending(emptyDraft(), NOW)), ['noWhen', 'noClient', 'noInvitees', 'noWhy', 'noConsent']);
    });

    it('asks for an invitee besides the client and the caseworker', () => {
      let m = setWhen(emptyDraft(), whenInput(), ZONE, NOW);
      m = withPeople(m, { name: 'Alex', group: 'client', contactKind: 'hand' });
      assert.deepEqual(codes(missingForSending(m, NOW)), ['noInvitees', 'noWhy', 'noConsent']);
    });

    it('is empty for a complete draft', () => {
      assert.deepEqual(missingForSending(sendableDraft(), NOW), []);
    });

    it('reports datePast when the planned start has passed since the draft was saved', () => {
      const m = sendableDraft();
      assert.deepEqual(codes(missingForSending(m, DateTime.fromISO('2026-12-07T09:00:00Z'))), ['datePast']);
      assert.deepEqual(codes(missingForSending(m, DateTime.fromISO('2026-12-07T08:59:00Z'))), []);
    });
  });

  describe('warnings', () => {
    it('advises on meetings longer than 120 minutes', () => {
      const at = (duration: string) => setWhen(sendableDraft(), whenInput({ duration }), ZONE, NOW);
      assert.deepEqual(warnings(at('120')), []);
      assert.deepEqual(warnings(at('121')), ['longMeeting']);
    });

    it('advises when no chair is proposed, and when the caseworker proposes themself', () => {
      const m = sendableDraft();
      assert.deepEqual(warnings(setRoles(m, { consent: true, chairId: '', secretaryId: '' }, 'aad-kim', NOW)), ['noChair']);
      assert.deepEqual(warnings(setRoles(m, { consent: true, chairId: 'p-kim', secretaryId: '' }, 'aad-kim', NOW)), ['chairIsConvener']);
      assert.deepEqual(warnings(m), []);
    });
  });

  describe('markSent', () => {
    it('lets an unsent draft expire after 30 days, but not a sent meeting', () => {
      const draft = sendableDraft();
      assert.equal(draft.ttl, 30 * 24 * 3600);
      assert.equal(JSON.parse(JSON.stringify(markSent(draft, NOW))).ttl, undefined);
    });

    it('makes the meeting invited: Teams invitees await delivery, the others need a letter, the caseworker is coming', () => {
      const draft = sendableDraft();
      const sent = markSent(draft, NOW, { conversationId: 'a:cw', activityId: 'summary-card' });
      assert.equal(sent.status, 'invited');
      const view = planOnly(sent);
      const by = (id: string) => sent.participants.find((p) => p.id === id)!;
      assert.equal(deliveryOf(view, by('p-2')), 'pending');
      assert.equal(deliveryOf(view, by('p-1')), 'letter');
      assert.equal(deliveryOf(view, by('p-3')), 'letter');
      assert.equal(deliveryOf(view, by('p-kim')), 'organizer');
      assert.deepEqual(replyOf(view, by('p-kim')), { answer: 'accepted', at: '2026-11-23T09:00:00.000Z', via: 'teams' });
      assert.deepEqual(awaitingDelivery(view).map((p) => p.id), ['p-2']);
      assert.equal(sent.planRev, sent.rev);
      assert.equal(sent.planRev, draft.rev + 1);
      assert.equal(sent.sentAt, '2026-11-23T09:00:00.000Z');
      assert.deepEqual(sent.statusCard, { conversationId: 'a:cw', activityId: 'summary-card' });
      assert.equal('audit' in sent, false, 'the trail is written by the service, as documents of its own');
    });

    it('leaves nothing awaiting delivery when nobody is invited in Teams', () => {
      const draft = sendableDraft();
      const noTeams = removeParticipant(draft, 'p-2', NOW);
      assert.deepEqual(awaitingDelivery(planOnly(markSent(noTeams, NOW))), []);
    });

    it('refuses an incomplete draft with every reason, and an already sent meeting', () => {
      const incomplete = withPeople(emptyDraft(), { name: 'Alex', group: 'client', contactKind: 'hand' });
      assertRefused(incomplete, (m) => markSent(m, NOW), ['noWhen', 'noInvitees', 'noWhy', 'noConsent']);
      assertRefused(markSent(sendableDraft(), NOW), (m) => markSent(m, NOW), ['notDraft']);
    });
  });

  describe('speakerOrder', () => {
    it('puts the client first, then the private network, then the professionals, keeping the order within each group', () => {
      const m = withPeople(
        emptyDraft(),
        { name: 'Teacher', group: 'professional', contactKind: 'hand' },
        { name: 'Aunt', group: 'network', contactKind: 'hand' },
        { name: 'Nurse', group: 'professional', contactKind: 'hand' },
        { name: 'Alex', group: 'client', contactKind: 'hand' },
        { name: 'Coach', group: 'network', contactKind: 'hand' },
      );
      assert.deepEqual(
        speakerOrder(m.participants).map((p) => p.name),
        ['Alex', 'Aunt', 'Coach', 'Kim Lind', 'Teacher', 'Nurse'],
      );
      assert.equal(m.participants[0].name, 'Kim Lind', 'the stored order is left alone');
    });
  });

  describe('assertCurrent', () => {
    it('accepts the current revision and refuses an older or missing one as a stale card', () => {
      const m = addParticipant(emptyDraft(), person(), 'p-eva', NOW);
      assert.doesNotThrow(() => assertCurrent(m, m.rev));
      assertRefused(m, (d) => assertCurrent(d, d.rev - 1), ['staleCard']);
      assertRefused(m, (d) => assertCurrent(d, undefined), ['staleCard']);
    });
  });
});
