import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { LOCALES } from '../../bot/domain/meeting';
import { t } from '../../bot/i18n';
import { pageUrl } from '../../bot/services/pages';
import { action, attachedCard, cardActions, cardInput } from '../support/cards';
import { Harness, type Person } from '../support/harness';
import { openJobs } from '../support/jobs';
import { openPart, personInputs, startMeeting } from '../support/scenarios';

/**
 * What each role sees: the README's table "What each role sees", held here once
 * (`WHAT_EACH_ROLE_SEES`), and the cards and pages every role gets, walked through the HTTP
 * endpoint from the invitation to the summary before the follow-up on a clock moved by hand.
 * Every field holds a value seeded for it that is found nowhere else, so a view shows the field
 * exactly when a seeded value is in it (anywhere in the card's JSON, the page's HTML, the letter,
 * the calendar file or the export, not only in the visible text). Each view may show a field
 * only where the table says its role sees it, and each role's views together show every field
 * the table gives it (the table says no more than the cards and pages do).
 */

/** The columns of the table. */
const ROLES = ['organizer', 'chair', 'secretary', 'invitee', 'page', 'coordinator', 'dataProtection'] as const;
type Role = (typeof ROLES)[number];

/** The rows of the table. */
const FIELDS = ['clientName', 'relativeNames', 'contactDetails', 'homeAddress', 'purposeTopics', 'answers', 'presence', 'actionItems', 'feedback', 'minutes', 'audit'] as const;
type Field = (typeof FIELDS)[number];

/**
 * `all`: every value of the field the meeting holds; `own`: only the person's own (the comment
 * of their own answer, their own feedback, their own address); `letter`: all, but only in the
 * person's printed letter, never on their page; `person`: what is a participant's own, of
 * whichever person the role looks up (the data-protection officer), nothing of the meeting's
 * own; `none`: nothing of it (counts at most).
 */
type Sees = 'all' | 'own' | 'letter' | 'person' | 'none';

/** The README's table "What each role sees", cell for cell. */
const WHAT_EACH_ROLE_SEES: Record<Field, Record<Role, Sees>> = {
  clientName: { organizer: 'all', chair: 'all', secretary: 'all', invitee: 'all', page: 'all', coordinator: 'none', dataProtection: 'person' },
  relativeNames: { organizer: 'all', chair: 'all', secretary: 'all', invitee: 'all', page: 'all', coordinator: 'none', dataProtection: 'person' },
  contactDetails: { organizer: 'all', chair: 'none', secretary: 'none', invitee: 'none', page: 'own', coordinator: 'none', dataProtection: 'person' },
  homeAddress: { organizer: 'all', chair: 'all', secretary: 'all', invitee: 'all', page: 'letter', coordinator: 'none', dataProtection: 'none' },
  purposeTopics: { organizer: 'all', chair: 'all', secretary: 'all', invitee: 'all', page: 'all', coordinator: 'none', dataProtection: 'person' },
  answers: { organizer: 'all', chair: 'own', secretary: 'own', invitee: 'own', page: 'own', coordinator: 'none', dataProtection: 'person' },
  presence: { organizer: 'all', chair: 'all', secretary: 'all', invitee: 'all', page: 'all', coordinator: 'none', dataProtection: 'person' },
  actionItems: { organizer: 'all', chair: 'all', secretary: 'all', invitee: 'all', page: 'all', coordinator: 'none', dataProtection: 'person' },
  feedback: { organizer: 'all', chair: 'own', secretary: 'own', invitee: 'own', page: 'own', coordinator: 'none', dataProtection: 'person' },
  minutes: { organizer: 'all', chair: 'all', secretary: 'all', invitee: 'all', page: 'all', coordinator: 'none', dataProtection: 'none' },
  audit: { organizer: 'none', chair: 'none', secretary: 'none', invitee: 'none', page: 'none', coordinator: 'none', dataProtection: 'all' },
};

// ---------------------------------------------------------------------------------------------
// The people, and the values seeded for them.

const STOCKHOLM = 'Europe/Stockholm';
const guid = (n: number) => `9e1a5c00-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`;
const TEAMS = {
  cw: { aadObjectId: guid(1), name: 'Kim Caseworker', locale: 'sv-SE', timeZone: STOCKHOLM },
  co: { aadObjectId: guid(2), name: 'Cleo Colleague', locale: 'da-DK', timeZone: 'Europe/Copenhagen' },
  chair: { aadObjectId: guid(3), name: 'Chris Chair', locale: 'en-GB', timeZone: STOCKHOLM },
  secretary: { aadObjectId: guid(4), name: 'Sam Secretary', locale: 'fi-FI', timeZone: 'Europe/Helsinki' },
  invitee: { aadObjectId: guid(5), name: 'Ivo Invitee', locale: 'sv-SE', timeZone: STOCKHOLM },
  coordinator: { aadObjectId: guid(6), name: 'Cora Coordinator', locale: 'en-GB', timeZone: STOCKHOLM },
  dpo: { aadObjectId: guid(7), name: 'Dana Dataskydd', locale: 'da-DK', timeZone: 'Europe/Copenhagen' },
} satisfies Record<string, Person>;
type TeamsKey = keyof typeof TEAMS;
const OUTSIDE = ['client', 'ottilia', 'vendela'] as const;
type OutsideKey = (typeof OUTSIDE)[number];
type Key = TeamsKey | OutsideKey;

const ROLE_OF: Record<Key, Role> = {
  cw: 'organizer',
  co: 'organizer',
  chair: 'chair',
  secretary: 'secretary',
  invitee: 'invitee',
  coordinator: 'coordinator',
  dpo: 'dataProtection',
  client: 'page',
  ottilia: 'page',
  vendela: 'page',
};

/** The client (in person), a grandmother by post, an aunt by e-mail; the meeting at the client's home. */
const CLIENT = 'Zelmira';
const OTTILIA = 'Ottilia Brask';
const VENDELA = 'Vendela Kron';
const OTTILIA_ADDRESS = 'Kvarngränd 17, 123 45 Ödeby';
const VENDELA_EMAIL = 'vendela.kron@example.org';
const HOME = 'Lönnstigen 9, portkod 8642';
const PURPOSE = 'Aurora: calmer mornings at home';
const TOPIC = 'Borealis at school';
const PROPOSED = 'Nimbus: the bus to school';
const ITEMS = { dorado: 'Dorado: call the school about the bus', equinox: 'Equinox: a calm morning routine' };
const NOTE = 'Gazelle: next time at the school';
const answerComment = (key: Key) => `Cirrus-${key}-41`;
const feedbackComment = (key: Key) => `Fennec-${key}-52`;

/** A seeded value of a field, and whose it is where that matters (`own`). */
interface Seed {
  value: string;
  owner?: Key;
}

const ANSWERED: readonly Key[] = ['co', 'chair', 'secretary', 'invitee', 'client', 'ottilia'];
const GAVE_FEEDBACK: readonly Key[] = ['cw', 'co', 'chair', 'secretary', 'invitee', 'client', 'ottilia'];
const SEEDS: Record<Exclude<Field, 'presence' | 'audit'>, Seed[]> = {
  clientName: [{ value: CLIENT, owner: 'client' }],
  relativeNames: [
    { value: OTTILIA, owner: 'ottilia' },
    { value: VENDELA, owner: 'vendela' },
  ],
  contactDetails: [
    { value: 'Kvarngränd 17', owner: 'ottilia' },
    { value: VENDELA_EMAIL, owner: 'vendela' },
  ],
  homeAddress: [{ value: 'Lönnstigen 9' }],
  // The topic the invitee proposed with their answer: on everyone's agenda, and the invitee's own data.
  purposeTopics: [{ value: 'Aurora' }, { value: 'Borealis' }, { value: 'Nimbus', owner: 'invitee' }],
  answers: ANSWERED.map((key) => ({ value: answerComment(key), owner: key })),
  // Whose they are: the invitee owns one, the client the other (shared with her grandmother).
  actionItems: [
    { value: 'Dorado', owner: 'invitee' },
    { value: 'Equinox', owner: 'client' },
  ],
  feedback: GAVE_FEEDBACK.map((key) => ({ value: feedbackComment(key), owner: key })),
  minutes: [{ value: 'Gazelle' }],
};

/** How the seeded absence (the aunt did not come) reads, in every language: in meeting mode, the minutes card, the printed minutes and the page; `presence` in the JSON export. */
const ABSENCE_MARKERS: string[] = LOCALES.flatMap((l) => [
  t(l, 'minutes.didNotCome'),
  t(l, 'minutesDoc.didNotCome'),
  t(l, 'session.didNotCome', { name: t(l, 'format.nameWithRelation', { name: VENDELA, relation: 'moster' }) }),
]).concat(['"presence":']);
/** How the audit trail reads: what its entries say people did, in every language. */
const AUDIT_MARKERS: string[] = LOCALES.flatMap((l) => [t(l, 'privacy.action.plan_sent'), t(l, 'privacy.action.answer_given')]);

/** What one view shows of a field: the seeds found in it (presence and the audit by their markers). */
function shown(text: string, field: Field): Seed[] {
  if (field === 'presence') return ABSENCE_MARKERS.some((m) => text.includes(m)) ? [{ value: 'who came and who did not', owner: 'vendela' }] : [];
  if (field === 'audit') return AUDIT_MARKERS.filter((m) => text.includes(m)).map((value) => ({ value }));
  return SEEDS[field].filter((seed) => text.includes(seed.value));
}

/** One card, page, letter, calendar file or export, as the people in `who` get it. */
interface View {
  who: Key[];
  what: string;
  kind: 'card' | 'page' | 'letter' | 'calendar' | 'minutes' | 'export' | 'preview';
  text: string;
}

/** May this person see this seed of this field in a view of this kind, by the table? */
function allowed(key: Key, field: Field, seed: Seed, kind: View['kind']): boolean {
  const sees = WHAT_EACH_ROLE_SEES[field][ROLE_OF[key]];
  if (sees === 'all') return true;
  if (sees === 'own') return seed.owner === key;
  if (sees === 'letter') return kind === 'letter';
  if (sees === 'person') return seed.owner !== undefined;
  return false;
}

describe('what each role sees: every card and page a person can get, held to the README\'s table', function () {
  this.timeout(300_000);
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('shows each field only to the roles the table names, and shows each role every field the table gives it', async () => {
    // Samråd's clock: Monday 7 June 2027, 09:00 in Stockholm; the meeting on Tuesday 15 June at 10:00.
    let clock = DateTime.fromISO('2027-06-07T09:00', { zone: STOCKHOLM }).toUTC();
    h = new Harness();
    const harness = h;
    harness.connector.clock = () => clock.toMillis();
    await harness.start({ COORDINATORS: TEAMS.coordinator.aadObjectId, DATA_PROTECTION_OFFICERS: TEAMS.dpo.aadObjectId, DEFAULT_TIME_ZONE: STOCKHOLM }, undefined, { now: () => clock });
    const deps = harness.app.deps;
    const views: View[] = [];
    const see = (who: Key | Key[], what: string, kind: View['kind'], text: string) => views.push({ who: Array.isArray(who) ? who : [who], what, kind, text });
    /** A press by a person in Teams, its answer recorded as their view. */
    const press = async (key: TeamsKey, verb: string, data: Record<string, unknown>, inputs: Record<string, unknown> = {}) => {
      const card = await harness.press(TEAMS[key], verb, { verb, ...data }, inputs);
      see(key, `the answer to ${verb}${data.section ? ` (${String(data.section)})` : ''}`, 'card', JSON.stringify(card));
      return card;
    };
    const get = async (url: string) => {
      const res = await fetch(url);
      assert.equal(res.status, 200, url);
      return res.text();
    };
    const post = async (url: string, fields: Record<string, string>) => {
      const res = await fetch(url, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
      assert.equal(res.status, 303, `${url}: ${await res.text()}`);
    };

    /** Runs what is due now, letting a coalesced rerun through by moving the clock a second at a time. */
    let meetingId = '';
    const settle = async () => {
      for (let tick = 0; tick < 120; tick++) {
        harness.app.jobs.poll();
        await harness.app.jobs.idle();
        if ((await openJobs(deps)) === 0) return;
        clock = clock.plus({ seconds: 1 });
      }
      throw new Error('jobs due now never finished');
    };
    /** Moves the clock to `target`, stopping at every nudge scheduled and at least every 20 hours. */
    const advanceTo = async (target: DateTime) => {
      while (clock < target) {
        let stop = DateTime.min(target, clock.plus({ hours: 20 }));
        for (const at of Object.values((await harness.view(meetingId))?.tracking?.nudges ?? {})) {
          const due = DateTime.fromISO(at, { zone: 'utc' });
          if (due > clock && due < stop) stop = due;
        }
        clock = stop.toUTC();
        await settle();
      }
    };
    const at = (local: string) => DateTime.fromISO(local, { zone: STOCKHOLM }).toUTC();
    /** The cards posted to a person's 1:1 chat so far. */
    const postedTo = (key: TeamsKey) =>
      harness.connector.posted().filter((r) => {
        const conversation = /^\/v3\/conversations\/([^/]+)\/activities/.exec(r.path)?.[1] ?? '';
        return (harness.connector.memberOf(conversation) ?? '').toLowerCase() === TEAMS[key].aadObjectId && attachedCard(r.body);
      });

    // The coordinator has looked at the overview before (so the weekly digest and the coordinators' nudges reach them).
    see('coordinator', 'the overview, before', 'card', JSON.stringify(await harness.say(TEAMS.coordinator, 'overview')));

    // 1. The caseworker plans the meeting at the client's home with the client, a grandmother by post, an aunt by e-mail,
    //    a co-organizer, the chair, the secretary and an invitee in Teams; purpose and topic; letters with their e-mail.
    let card = await press('cw', 'plan.start', {});
    meetingId = String(action(card, 'plan.when').data.meetingId);
    card = await press('cw', 'plan.when', action(card, 'plan.when').data, { date: '2027-06-15', time: '10:00', duration: '90', placeKind: 'home', placeDetails: HOME });
    const add = async (inputs: Record<string, string>) => (card = await press('cw', 'plan.who.add', action(card, 'plan.who.add').data, inputs));
    await add(personInputs({ group: 'client', name: CLIENT, relation: '', contactKind: 'hand', contactDetail: '', language: 'sv' }));
    await add(personInputs({ group: 'network', name: OTTILIA, relation: 'mormor', contactKind: 'post', contactDetail: OTTILIA_ADDRESS, language: 'da' }));
    await add(personInputs({ group: 'network', name: VENDELA, relation: 'moster', contactKind: 'email', contactDetail: VENDELA_EMAIL, language: 'en' }));
    for (const [key, relation] of [['co', 'familjebehandlare'], ['chair', 'samordnare'], ['secretary', 'skolkurator'], ['invitee', 'lärare']] as const) {
      await add(personInputs({ group: 'professional', name: TEAMS[key].name, relation, contactKind: 'teams', teamsUser: TEAMS[key].aadObjectId, contactDetail: '', language: 'sv' }));
    }
    const plan0 = (await harness.meeting(meetingId))!;
    const pid = (name: string) => plan0.participants.find((p) => p.name === name)!.id;
    const ids = {
      client: pid(CLIENT),
      ottilia: pid(OTTILIA),
      vendela: pid(VENDELA),
      co: pid(TEAMS.co.name),
      chair: pid(TEAMS.chair.name),
      secretary: pid(TEAMS.secretary.name),
      invitee: pid(TEAMS.invitee.name),
    };
    card = await press('cw', 'plan.who.save', action(card, 'plan.who.save').data, { consent: 'true', chairId: ids.chair, secretaryId: ids.secretary, coOrganizerId: ids.co });
    card = await press('cw', 'plan.why', action(card, 'plan.why').data, { purpose: PURPOSE, topics: TOPIC, form: '' });
    await press('cw', 'plan.send', action(card, 'plan.send').data, { contactName: 'Kim Caseworker', organisation: 'Socialtjänsten', phone: '+46 8 123 456', email: 'kim.caseworker@kommun.example' });
    await settle();

    // 2. The answers: in Teams with a comment (the invitee proposes a topic), the client and the grandmother on their pages; the aunt never answers.
    for (const key of ['co', 'chair', 'secretary', 'invitee'] as const) {
      const invitation = attachedCard(postedTo(key).at(-1)!.body);
      await press(key, 'invite.answer', action(invitation, 'invite.answer', { answer: 'accepted' }).data, { comment: answerComment(key), topic: key === 'invitee' ? PROPOSED : '' });
    }
    const pages: Record<OutsideKey, string> = {
      client: (await pageUrl(deps, meetingId, ids.client))!,
      ottilia: (await pageUrl(deps, meetingId, ids.ottilia))!,
      vendela: (await pageUrl(deps, meetingId, ids.vendela))!,
    };
    for (const key of ['client', 'ottilia'] as const) {
      const rev = /name="rev" value="(\d+)"/.exec(await get(pages[key]))![1];
      await post(pages[key], { what: 'answer', rev, answer: 'accepted', comment: answerComment(key), topic: '' });
    }
    await settle();
    const seePages = async (stage: string) => {
      for (const key of OUTSIDE) see(key, `their page (${stage})`, 'page', await get(pages[key]));
    };
    await seePages('before the meeting');
    // Their letters and calendar files: printed or mailed by the caseworker, read by the person.
    for (const key of OUTSIDE) {
      const { letterUrl, icsUrl } = deps.links.letterUrls(meetingId, ids[key]);
      see(['cw', key], 'their letter', 'letter', await get(letterUrl));
      see(['cw', key], 'their calendar file', 'calendar', await get(icsUrl));
    }
    /** What the caseworker and the co-organizer open from the status card. */
    const organizerCards = async (stage: string) => {
      for (const key of ['cw', 'co'] as const) {
        await press(key, 'status.show', { meetingId });
        await press(key, 'status.comments', { meetingId });
        await press(key, 'status.pages', { meetingId });
        await harness.say(TEAMS[key], key === 'cw' ? 'möten' : 'møder').then((list) => see(key, `My meetings (${stage})`, 'card', JSON.stringify(list)));
      }
    };
    await organizerCards('before the meeting');

    // 3. The meeting day: the caseworker runs meeting mode; the aunt did not come; two action items in the agree phase.
    await advanceTo(at('2027-06-15T10:00'));
    card = await startMeeting(harness, meetingId, TEAMS.cw);
    see('cw', 'meeting mode, started', 'card', JSON.stringify(card));
    card = await openPart(harness, card, 'presence', TEAMS.cw);
    const present = Object.values(ids).filter((id) => id !== ids.vendela).concat(plan0.participants.find((p) => p.isOrganizer)!.id);
    card = await press('cw', 'session.presence', action(card, 'session.presence').data, { [cardInput(card, 'present').id]: present.join(',') });
    for (const phase of ['describe', 'reflect', 'agree'] as const) card = await press('cw', 'session.phase', action(card, 'session.phase', { phase }).data);
    card = await press('cw', 'session.item', action(card, 'session.item').data, { itemText: ITEMS.dorado, itemOwner: ids.invitee, itemDue: '2027-06-18', itemWith: '' });
    card = await press('cw', 'session.item', action(card, 'session.item').data, { itemText: ITEMS.equinox, itemOwner: ids.client, itemDue: '2027-06-22', itemWith: ids.ottilia });
    /** Meeting mode with each of its parts open, as each person of the meeting in Teams gets it (the controls, or read-only). */
    const meetingMode = async () => {
      for (const key of ['cw', 'co', 'chair', 'secretary', 'invitee'] as const) {
        await press(key, 'session.show', { meetingId });
        for (const section of ['plan', 'presence', 'roles', 'agenda', 'phases', 'rounds', 'guides']) await press(key, 'session.show', { meetingId, section });
      }
    };
    await meetingMode();
    await seePages('while the meeting runs');
    card = await press('cw', 'session.phase', action(card, 'session.phase', { phase: 'summary' }).data);
    card = await press('cw', 'session.outcome', action(card, 'session.outcome').data, { responsible: ids.chair, followUp: '2027-07-13', followUpUndecided: 'false' });
    clock = clock.plus({ minutes: 80 });
    card = await press('cw', 'session.end', action(card, 'session.end').data);
    await settle();
    await meetingMode();

    // 4. Feedback: everyone in Teams on their card, the client on her page, the grandmother on the caseworker's screen.
    const scores = (key: Key) => ({ relation: '8', goals: '7', approach: '9', overall: '8', comment: feedbackComment(key) });
    for (const key of ['cw', 'co', 'chair', 'secretary', 'invitee'] as const) {
      const form = postedTo(key).map((r) => attachedCard(r.body)).filter((c) => cardActions(c).some((a) => a.verb === 'feedback.give')).at(-1);
      assert.ok(form, `${key} got the feedback card`);
      await press(key, 'feedback.give', action(form, 'feedback.give').data, scores(key));
    }
    await post(pages.client, { what: 'feedback', ...scores('client') });
    await press('cw', 'feedback.screen', { meetingId });
    const screen = await press('cw', 'feedback.screen', { meetingId, participantId: ids.ottilia });
    await press('cw', 'feedback.give', action(screen, 'feedback.give').data, scores('ottilia'));
    for (const key of ['cw', 'co'] as const) await press(key, 'feedback.overview', { meetingId });
    await seePages('after the meeting');

    // 5. The minutes come late: the secretary, then the coordinators, are nudged; the secretary reviews and sends them on Monday 21 June.
    await advanceTo(at('2027-06-21T10:00'));
    let minutes = await press('secretary', 'minutes.show', { meetingId });
    minutes = await press('secretary', 'minutes.send', action(minutes, 'minutes.send').data, { note: NOTE });
    await settle();
    for (const key of ['cw', 'co', 'chair', 'secretary', 'invitee'] as const) await press(key, 'minutes.show', { meetingId });
    await organizerCards('after the minutes');
    for (const key of OUTSIDE) see(['cw', key], 'their printed minutes', 'minutes', await get(deps.links.minutesUrl(meetingId, ids[key])));
    const { journalUrl, jsonUrl } = deps.links.exportUrls(meetingId);
    see('cw', 'the journal export', 'export', await get(journalUrl));
    see('cw', 'the JSON export', 'export', await get(jsonUrl));
    await seePages('with the minutes');

    // 6. Up to the summary, 14 days before the follow-up: the action items' nudges, the follow-up draft's, the coordinators'.
    await advanceTo(at('2027-06-30T12:00'));
    await seePages('before the follow-up');
    see('coordinator', 'the overview, after', 'card', JSON.stringify(await harness.say(TEAMS.coordinator, 'overview')));

    // 7. The data-protection officer (not a participant) finds the client by name and day, the grandmother by name, the aunt
    //    by e-mail and the invitee by Teams account, downloads each one's data, reads the meeting's audit trail, and erases
    //    the aunt's data.
    see('dpo', 'the data-protection card', 'card', JSON.stringify(await harness.say(TEAMS.dpo, 'databeskyttelse')));
    const lookups: Record<string, string>[] = [
      { by: 'name', name: CLIENT, day: '2027-06-15' },
      { by: 'name', name: OTTILIA, day: '2027-06-15' },
      { by: 'email', email: VENDELA_EMAIL },
      { by: 'aad', teamsUser: TEAMS.invitee.aadObjectId },
    ];
    let confirm: unknown;
    for (const lookup of lookups) {
      const { by, ...inputs } = lookup;
      const found = await press('dpo', 'privacy.find', { by }, inputs);
      const urls = cardActions(found).filter((a) => a.type === 'Action.OpenUrl').map((a) => a.url!);
      assert.equal(urls.length, 2, `the officer finds ${JSON.stringify(lookup)} and gets their data as a document and as JSON`);
      for (const url of urls) see('dpo', `a person's data (${by})`, 'export', await get(url));
      if (by === 'email') confirm = await press('dpo', 'privacy.erase', action(found, 'privacy.erase').data);
    }
    await press('dpo', 'privacy.audit', { meetingId });
    // Last, the aunt's data is erased: the erasure is a job (checked with every job document when the Harness stops), and its outcome comes to the officer's chat.
    await press('dpo', 'privacy.eraseConfirm', action(confirm, 'privacy.eraseConfirm').data);
    await settle();
    assert.ok(!(await harness.meeting(meetingId))!.participants.some((p) => p.name === VENDELA), 'the aunt\'s data is erased');
    assert.ok(postedTo('dpo').length > 0, 'the officer is told the erasure\'s outcome');

    // Every card posted or updated in a person's chat is theirs; each button that opens something, pressed.
    const byConversation = (path: string) => (harness.connector.memberOf(/^\/v3\/conversations\/([^/]+)\/activities/.exec(path)?.[1] ?? '') ?? '').toLowerCase();
    const keyOf = (objectId: string) => (Object.keys(TEAMS) as TeamsKey[]).find((k) => TEAMS[k].aadObjectId === objectId);
    const nudgesTo = new Map<TeamsKey, number>();
    for (const r of harness.connector.requests.filter((q) => (q.method === 'POST' || q.method === 'PUT') && q.path.includes('/activities'))) {
      const key = keyOf(byConversation(r.path));
      assert.ok(key, `a card went to someone outside the meeting: ${r.path}`);
      const posted = attachedCard(r.body);
      if (typeof r.body?.summary === 'string') see(key, `the notification preview of a card to ${key}`, 'preview', r.body.summary);
      if (!posted) continue;
      see(key, `a card ${r.method === 'PUT' ? 'updated' : 'posted'} in their chat`, 'card', JSON.stringify(posted));
      if (cardActions(posted).some((a) => a.verb === 'nudge.done')) nudgesTo.set(key, (nudgesTo.get(key) ?? 0) + 1);
    }
    for (const r of harness.connector.posted()) {
      const key = keyOf(byConversation(r.path))!;
      for (const open of cardActions(attachedCard(r.body)).filter((a) => ['status.show', 'session.show', 'minutes.show', 'meetings.list', 'overview.show'].includes(a.verb ?? ''))) {
        await press(key, open.verb!, open.data ?? {});
      }
    }
    // The nudges came: the unanswered count, the follow-up draft and the overdue items to the caseworker, the items to the
    // invitee, the late minutes to the secretary, the coordinators' (and the digest) to the coordinator, the summary to all.
    for (const key of ['cw', 'co', 'chair', 'secretary', 'invitee', 'coordinator'] as const) assert.ok((nudgesTo.get(key) ?? 0) > 0, `${key} got nudges`);

    // The table, view by view: nothing shown that the role does not see.
    const wrong: string[] = [];
    for (const view of views) {
      for (const who of view.who) {
        for (const field of FIELDS) {
          for (const seed of shown(view.text, field)) {
            if (!allowed(who, field, seed, view.kind)) wrong.push(`${view.what} (${ROLE_OF[who]}, ${who}) shows ${field}: "${seed.value}"`);
          }
        }
      }
    }
    assert.deepEqual(wrong, [], `views showing what their role does not see:\n  ${wrong.join('\n  ')}`);

    // Nothing of the case in a notification preview or a calendar file, whoever it is for (an e-mail invitee's own address as ATTENDEE aside).
    const leaked: string[] = [];
    for (const view of views.filter((v) => v.kind === 'preview' || v.kind === 'calendar')) {
      for (const field of FIELDS) {
        for (const seed of shown(view.text, field)) {
          if (!(view.kind === 'calendar' && field === 'contactDetails' && view.who.includes(seed.owner!))) leaked.push(`${view.what} shows ${field}: "${seed.value}"`);
        }
      }
    }
    assert.deepEqual(leaked, [], `previews or calendar files showing the case:\n  ${leaked.join('\n  ')}`);

    // And the other way: each role's views together show every field the table gives it (for `own`, the person's own).
    const missing: string[] = [];
    for (const role of ROLES) {
      for (const field of FIELDS) {
        const sees = WHAT_EACH_ROLE_SEES[field][role];
        if (sees === 'none') continue;
        const found = views.some((view) =>
          view.who.some(
            (who) =>
              ROLE_OF[who] === role &&
              (sees !== 'letter' || view.kind === 'letter') &&
              shown(view.text, field).some((seed) => (sees !== 'own' || seed.owner === who) && (sees !== 'person' || seed.owner !== undefined)),
          ),
        );
        if (!found) missing.push(`${role} never sees ${field} (the table says ${sees})`);
      }
    }
    assert.deepEqual(missing, [], `the table gives more than the cards and pages show:\n  ${missing.join('\n  ')}`);
  });
});
