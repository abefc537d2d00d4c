import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Locale } from '../../bot/domain/meeting';
import { resolveLocale, t } from '../../bot/i18n';
import { CHAT_VERBS, ROUTES, VERBS } from '../../bot/services/actions';
import { action, cardActions, cardText } from '../support/cards';
import { Harness, useHarness, type Person } from '../support/harness';
import { CASEWORKER_CONTACT, deliveryDone, openPart, personInputs, startMeeting, whenInputs } from '../support/scenarios';

/**
 * Who sees what and who may change what: every verb that shows or changes a meeting, pressed by
 * every role, in every place. Each press carries a revision older than the stored one, so a
 * press that is allowed answers "out of date" (or shows the meeting) and changes nothing either:
 * what tells an allowed press from a refused one is the answer, and what is stored must stay as
 * it was through the whole matrix.
 */

const ROLES = ['caseworker', 'coOrganizer', 'formerCoOrganizer', 'chair', 'secretary', 'invitee', 'removedInvitee', 'stranger'] as const;
type Role = (typeof ROLES)[number];
const PLACES = ['personal', 'groupAllInvited', 'groupWithOutsider', 'channel'] as const;
type Place = (typeof PLACES)[number];

const id = (n: number) => `4c1e0b7a-0000-4000-8000-0000000001${String(n).padStart(2, '0')}`;
const PEOPLE: Record<Role, Person> = {
  caseworker: { aadObjectId: id(1), name: 'Kim Caseworker', locale: 'sv-SE', timeZone: 'Europe/Stockholm' },
  coOrganizer: { aadObjectId: id(2), name: 'Cleo Colleague', locale: 'da-DK' },
  formerCoOrganizer: { aadObjectId: id(3), name: 'Fred Former', locale: 'fi-FI' },
  chair: { aadObjectId: id(4), name: 'Chris Chair', locale: 'en-GB' },
  secretary: { aadObjectId: id(5), name: 'Sam Secretary', locale: 'sv-SE' },
  invitee: { aadObjectId: id(6), name: 'Ivo Invitee', locale: 'da-DK' },
  removedInvitee: { aadObjectId: id(7), name: 'Rut Removed', locale: 'fi-FI' },
  stranger: { aadObjectId: id(8), name: 'Stig Stranger', locale: 'en-GB' },
};

/** What a press may answer. */
type Outcome = 'allowed' | 'notPersonal' | 'notParticipants' | 'notOrganizer' | 'notInvited' | 'notRunner';

const ORGANIZES: ReadonlySet<Role> = new Set(['caseworker', 'coOrganizer']);
const RUNS: ReadonlySet<Role> = new Set(['caseworker', 'coOrganizer', 'chair', 'secretary']);
const INVITED: ReadonlySet<Role> = new Set(['caseworker', 'coOrganizer', 'formerCoOrganizer', 'chair', 'secretary', 'invitee']);

/** The rules, as a caseworker would state them. */
function expected(verb: string, role: Role, place: Place): Outcome {
  if (place === 'channel') return 'notPersonal';
  const session = verb.startsWith('session.');
  if (place !== 'personal' && !CHAT_VERBS.has(verb)) return 'notPersonal';
  if (session) {
    if (verb === 'session.start' || verb === 'session.here') {
      if (!ORGANIZES.has(role)) return 'notOrganizer';
      return place === 'groupWithOutsider' ? 'notParticipants' : 'allowed';
    }
    if (!INVITED.has(role)) return 'notInvited';
    if (place === 'groupWithOutsider') return 'notParticipants';
    if (verb === 'session.show' || verb === 'session.itemDone') return 'allowed';
    return RUNS.has(role) ? 'allowed' : 'notRunner';
  }
  if (verb === 'invite.answer' || verb === 'invite.change') return INVITED.has(role) && role !== 'caseworker' ? 'allowed' : 'notInvited';
  // Everyone who took part gives feedback, the caseworker too.
  if (verb === 'feedback.give') return INVITED.has(role) ? 'allowed' : 'notInvited';
  // A nudge: whoever is of the meeting (each nudge's own rule decides the rest).
  if (verb.startsWith('nudge.')) return INVITED.has(role) ? 'allowed' : 'notInvited';
  if (verb.startsWith('minutes.')) return ORGANIZES.has(role) || role === 'secretary' ? 'allowed' : INVITED.has(role) ? 'notRunner' : 'notInvited';
  return ORGANIZES.has(role) ? 'allowed' : 'notOrganizer';
}

/** The text each refusal shows, in the reader's language. */
function refusalText(outcome: Exclude<Outcome, 'allowed'>, locale: Locale): string {
  switch (outcome) {
    case 'notPersonal':
      return t(locale, 'help.notPersonal');
    case 'notParticipants':
      return t(locale, 'session.notParticipants');
    default:
      return t(locale, `problem.${outcome}`);
  }
}

describe('who sees what and who may change what: every verb × every role × every place', function () {
  this.timeout(240_000);
  let h: Harness;
  useHarness((harness) => (h = harness), true);

  it('answers each press as the rules say, shows no detail of the case with a refusal, and nothing stored changes', async () => {
    const caseworker = PEOPLE.caseworker;
    // A meeting with every role: the former co-organizer and the removed invitee through a change sent after the invitations.
    let card = await h.press(caseworker, 'plan.start', { verb: 'plan.start' });
    const meetingId = String(action(card, 'plan.when').data.meetingId);
    card = await h.press(caseworker, 'plan.when', action(card, 'plan.when').data, whenInputs());
    const add = async (inputs: Record<string, string>) => (card = await h.press(caseworker, 'plan.who.add', action(card, 'plan.who.add').data, inputs));
    await add(personInputs({ group: 'client', name: 'Alex', contactKind: 'hand', relation: '' }));
    await add(personInputs({ name: 'Eva', relation: 'mormor', contactKind: 'post', contactDetail: 'Storgatan 1' }));
    for (const role of ['coOrganizer', 'formerCoOrganizer', 'chair', 'secretary', 'invitee', 'removedInvitee'] as const) {
      const p = PEOPLE[role];
      await add(personInputs({ group: 'professional', name: p.name, relation: 'kollega', contactKind: 'teams', teamsUser: p.aadObjectId, language: resolveLocale(p.locale) }));
    }
    const idOf = async (role: Role) => (await h.meeting(meetingId))!.participants.find((p) => p.name === PEOPLE[role].name)!.id;
    card = await h.press(caseworker, 'plan.who.save', action(card, 'plan.who.save').data, { consent: 'true', chairId: '', secretaryId: '', coOrganizerId: await idOf('formerCoOrganizer') });
    card = await h.press(caseworker, 'plan.why', action(card, 'plan.why').data, { purpose: 'En plan för skolan', topics: 'Sömnen', form: '' });
    await h.press(caseworker, 'plan.send', action(card, 'plan.send').data, CASEWORKER_CONTACT, 'status-activity');
    await deliveryDone(h, meetingId);
    card = await h.press(caseworker, 'change.start', action(await h.press(caseworker, 'status.show', { meetingId }), 'change.start').data);
    card = await h.press(caseworker, 'plan.goto', action(card, 'plan.goto', { step: 'who' }).data);
    card = await h.press(caseworker, 'plan.who.remove', action(card, 'plan.who.remove', { participantId: await idOf('removedInvitee') }).data);
    card = await h.press(caseworker, 'plan.who.save', action(card, 'plan.who.save').data, { consent: 'true', chairId: '', secretaryId: '', coOrganizerId: await idOf('coOrganizer') });
    card = await h.press(caseworker, 'change.send', action(card, 'change.send').data);
    assert.ok(cardText(card).includes(t('sv', 'change.sent')), cardText(card).slice(0, 300));
    await deliveryDone(h, meetingId);
    await h.settled();
    // Meeting mode runs, with its chair and secretary.
    card = await startMeeting(h, meetingId, caseworker);
    card = await openPart(h, card, 'roles', caseworker);
    card = await h.press(caseworker, 'session.roles', action(card, 'session.roles').data, { chairId: await idOf('chair'), secretaryId: await idOf('secretary') });
    await h.settled();

    const plan = (await h.meeting(meetingId))!;
    const session = (await h.view(meetingId))!.session!;
    const someone = plan.participants.find((p) => p.group === 'client')!.id;
    const topic = session.agenda[0].id;
    const old = { rev: String(plan.rev - 1) };
    const oldSession = { rev: String(session.rev - 1) };
    /** Data a card of each verb would carry, drawn before the meeting's last change. */
    const dataOf: Record<string, Record<string, string>> = {
      'plan.when': { ...old, ...whenInputs() },
      'plan.who.add': { ...old, ...personInputs() },
      'plan.who.remove': { ...old, participantId: someone },
      'plan.who.save': { ...old, consent: 'true', chairId: '', secretaryId: '', coOrganizerId: '' },
      'plan.why': { ...old, purpose: 'Något annat', topics: '', form: '' },
      'plan.goto': { ...old, step: 'who' },
      'plan.send': old,
      'plan.discard': old,
      'invite.answer': { rev: String(plan.planRev! - 1), answer: 'accepted', comment: '', topic: '' },
      'invite.change': {},
      // The caseworker's own row: the rules refuse it after the rights are checked, so nothing is recorded.
      'invite.record': { participantId: plan.participants.find((p) => p.isOrganizer)!.id, [`answer_${plan.participants.find((p) => p.isOrganizer)!.id}`]: 'accepted' },
      'status.show': {},
      'status.comments': {},
      'status.pages': {},
      // The client's link replaced: a change, so here with a person who is not in the meeting (refused by the rules after the rights are checked).
      'status.pageLink': { participantId: randomUUID() },
      // Nothing to tick: the list stays as stored.
      'status.prepare': { prepared: '' },
      'change.start': old,
      'change.send': old,
      'change.discard': old,
      'meeting.cancel': { ...old, reason: 'Sjuk' },
      'session.start': {},
      'session.show': {},
      'session.here': {},
      'session.next': oldSession,
      'session.skip': oldSession,
      'session.end': oldSession,
      'session.begin': { ...oldSession, confirm: 'yes' },
      'session.reopen': oldSession,
      'session.round': { ...oldSession, kind: 'checkIn' },
      'session.phase': { ...oldSession, phase: 'describe' },
      'session.move': { ...oldSession, speaker: someone, by: '1' },
      'session.topic': { ...oldSession, change: 'add', topic: 'Nytt' },
      'session.covered': { ...oldSession, covered: topic },
      'session.presence': { ...oldSession, present: someone },
      'session.roles': { ...oldSession, chairId: '', secretaryId: '' },
      'session.break': { ...oldSession, change: 'start' },
      'session.memo': { ...oldSession, memoWays: 'email' },
      'session.screen': { ...oldSession, screenAgenda: 'true' },
      'session.outcome': { ...oldSession, responsible: 'undecided', followUpUndecided: 'true' },
      // No text: refused by the rules after the rights are checked.
      'session.item': { change: 'add', itemText: '', itemOwner: someone, itemDue: '2026-12-31', itemWith: '' },
      // An item that is not there: the same.
      'session.itemDone': { itemId: randomUUID(), done: 'yes' },
      // The meeting has not ended: refused by the rules, nothing stored.
      'feedback.give': { via: 'teams', relation: '5', goals: '5', approach: '5', overall: '5', comment: '' },
      'feedback.screen': {},
      'feedback.overview': {},
      'minutes.show': {},
      // Too long a note, and minutes before the end: refused by the rules.
      'minutes.note': { note: 'x'.repeat(3001) },
      'minutes.send': { note: '' },
      // A nudge never sent (no card of it exists): answered as no longer applying, nothing stored.
      // No reason given: refused by the rules after the rights are checked, nothing stored.
      'retention.extend': { reason: '' },
      'nudge.done': { key: 'followUp.draft' },
      'nudge.snooze': { key: 'followUp.draft', days: '7' },
      'session.budgets': { ...oldSession, budget_welcome: '10', budget_describe: '20', budget_reflect: '20', budget_agree: '20', budget_summary: '10' },
    };
    // Every verb whose card names a meeting is in the matrix.
    const meetingVerbs = VERBS.filter((v) => 'bad' in (ROUTES[v].parse({}) as object));
    assert.deepEqual([...meetingVerbs].sort(), Object.keys(dataOf).sort());

    const invitedIds = ROLES.filter((r) => INVITED.has(r)).map((r) => PEOPLE[r].aadObjectId);
    h.connector.groupMembers.set('a:group-all', invitedIds);
    h.connector.groupMembers.set('a:group-outsider', [...invitedIds, PEOPLE.stranger.aadObjectId, PEOPLE.removedInvitee.aadObjectId]);
    const conversation: Record<Exclude<Place, 'personal'>, Record<string, string>> = {
      groupAllInvited: { id: 'a:group-all', conversationType: 'groupChat' },
      groupWithOutsider: { id: 'a:group-outsider', conversationType: 'groupChat' },
      channel: { id: '19:channel@thread.tacv2', conversationType: 'channel' },
    };
    const snapshot = async () =>
      JSON.stringify([await h.view(meetingId), ...(await Promise.all(ROLES.map((r) => h.app.deps.stores.meetingIndex.query({ name: 'test', partition: `aad-${PEOPLE[r].aadObjectId}`, sql: 'SELECT * FROM c', parameters: {} }))))]);
    // What follows the setup (list entries, tracking) is done before the snapshot is taken.
    await h.settled();
    const before = await snapshot();
    const details = ['Alex', 'Eva', 'En plan för skolan', 'Sömnen', 'Storgatan'];

    let presses = 0;
    for (const place of PLACES) {
      for (const role of ROLES) {
        // A chat where everyone is invited has, by definition, neither the removed invitee nor the stranger in it.
        if (place === 'groupAllInvited' && !INVITED.has(role)) continue;
        const person = PEOPLE[role];
        const locale = resolveLocale(person.locale);
        for (const verb of meetingVerbs) {
          const want = expected(verb, role, place);
          const body = h.activity(person, {
            type: 'invoke',
            name: 'adaptiveCard/action',
            replyToId: randomUUID(),
            value: { action: { type: 'Action.Execute', verb, data: { verb, meetingId, ...dataOf[verb] } } },
            ...(place === 'personal' ? {} : { conversation: { ...conversation[place], tenantId: h.tenantId } }),
          });
          const answer = await h.postRaw(body);
          presses += 1;
          const where = `${verb} by the ${role} in the ${place}`;
          assert.equal(answer.status, 200, where);
          const text = cardText(answer.body.value);
          const refusals = (['notPersonal', 'notParticipants', 'notOrganizer', 'notInvited', 'notRunner'] as const).filter((r) => text.includes(refusalText(r, locale)));
          if (want === 'allowed') {
            assert.deepEqual(refusals, [], `${where} should be allowed: ${text.slice(0, 160)}`);
          } else {
            assert.deepEqual(refusals, [want], `${where} should be refused with ${want}: ${text.slice(0, 160)}`);
            // A refusal shows nothing of the case, except the read-only view of someone invited who may not run the meeting.
            if (want === 'notRunner' && verb.startsWith('session.')) {
              assert.deepEqual(cardActions(answer.body.value).map((a) => a.verb).filter((v) => v && v !== 'session.show'), [], `${where}: read-only`);
            } else {
              for (const detail of details) assert.ok(!text.includes(detail), `${where} shows "${detail}"`);
            }
          }
        }
      }
      assert.equal(await snapshot(), before, `nothing stored changed after the presses in the ${place}`);
    }
    assert.ok(presses > 900, `${presses} presses`);
  });
});
