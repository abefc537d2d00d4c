import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import type { AuditDoc } from '../../bot/domain/audit';
import { ERASED_NAME } from '../../bot/domain/meeting';
import type { MeetingDoc } from '../../bot/domain/meeting-docs';
import { tally } from '../../bot/domain/invitation';
import { emailKey, nameKey } from '../../bot/domain/people';
import type { PersonExportV1 } from '../../bot/documents/person-export';
import { t } from '../../bot/i18n';
import { pageUrl } from '../../bot/services/pages';
import { queries } from '../../bot/store/queries';
import { shortId } from '../../cards/overview';
import { action, attachedCard, cardActions, cardText } from '../support/cards';
import { daysAhead, Harness, type Person } from '../support/harness';
import { agreeOutcome, CASEWORKER, CASEWORKER_CONTACT, deliveryDone, personInputs, startMeeting, whenInputs } from '../support/scenarios';
import { schemaValidator } from '../support/schema';
import { sv } from '../support/text';

/**
 * The data-protection officer through the HTTP endpoint (DATA_PROTECTION_OFFICERS): a relative
 * invited by e-mail to two meetings, a teacher invited in Teams to the same two, and a client named
 * Mira in two meetings on different days. The officer finds each by their key (the Teams account,
 * the e-mail address, the name and the day); anyone else is refused. The export of the relative's
 * data holds her two meetings and nothing else and validates against its JSON Schema; her erasure
 * leaves no trace of her name or address in any document of any container, while the meetings'
 * counts and audit trails stay right and her page and letter links answer 404. A whole meeting is
 * erased too, leaving its audit trail.
 */

const OFFICER: Person = { aadObjectId: 'd4700000-0000-4000-8000-0000000000d1', name: 'Dagny Dataskydd', locale: 'sv-SE', timeZone: 'Europe/Stockholm' };
const TEACHER: Person = { aadObjectId: 'd4700000-0000-4000-8000-0000000000a1', name: 'Tove Lärare', locale: 'sv-SE' };
/** The relative whose data is asked for and erased: a name and an address found nowhere else. */
const RELATIVE = { name: 'Birgitta Zetterqvist', email: 'birgitta.zetterqvist@example.se' };

/** The JSON Schema of the person export, checked as the meeting export's is. */
const validator = () => schemaValidator('person-export.v1');

async function post(url: string, fields: Record<string, string>): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
  return { status: res.status, text: await res.text() };
}

/** Every document of every container, as JSON text with its container (a test may read them all; Samråd never does). */
async function everyDocument(h: Harness): Promise<{ container: string; json: string }[]> {
  const out: { container: string; json: string }[] = [];
  for (const [container, store] of Object.entries(h.app.deps.stores)) {
    const rows = await (store as { query: (q: unknown) => Promise<{ doc: unknown }[]> }).query({ name: 'test.all', sql: 'SELECT * FROM c', parameters: {} });
    for (const row of rows) out.push({ container, json: JSON.stringify(row.doc) });
  }
  return out;
}

describe('the data-protection officer: find, export and erase a person, and read a meeting\'s audit trail, through the HTTP endpoint', function () {
  this.timeout(180_000);
  const h = new Harness();
  const meetings: Record<'m1' | 'm2' | 'm3', string> = { m1: '', m2: '', m3: '' };
  let relativeIn: Record<'m1' | 'm2', string> = { m1: '', m2: '' };
  let relativePage = '';
  let relativeLetter = '';

  /** Plans and sends a meeting on a day with these people besides the caseworker; returns its id. */
  async function plan(days: number, purpose: string, people: Record<string, string>[]): Promise<string> {
    let card = await h.press(CASEWORKER, 'plan.start', { verb: 'plan.start' });
    const meetingId = String(action(card, 'plan.when').data.meetingId);
    card = await h.press(CASEWORKER, 'plan.when', action(card, 'plan.when').data, whenInputs({ date: daysAhead(days) }));
    for (const inputs of people) card = await h.press(CASEWORKER, 'plan.who.add', action(card, 'plan.who.add').data, personInputs(inputs));
    card = await h.press(CASEWORKER, 'plan.who.save', action(card, 'plan.who.save').data, { consent: 'true', chairId: '', secretaryId: '', coOrganizerId: '' });
    card = await h.press(CASEWORKER, 'plan.why', action(card, 'plan.why').data, { purpose, topics: 'Skolan', form: '' });
    await h.press(CASEWORKER, 'plan.send', action(card, 'plan.send').data, CASEWORKER_CONTACT, 'status-activity');
    await deliveryDone(h, meetingId);
    return meetingId;
  }

  const relative = (email: string) => ({ group: 'network', name: RELATIVE.name, relation: 'mormor', contactKind: 'email', contactDetail: email, language: 'sv' });
  const teacher = { group: 'professional', name: TEACHER.name, relation: 'lärare', contactKind: 'teams', teamsUser: TEACHER.aadObjectId, language: 'sv' };
  const client = (name: string) => ({ group: 'client', name, relation: '', contactKind: 'hand', language: 'sv' });
  const dayOf = async (meetingId: string) => {
    const when = (await h.meeting(meetingId))!.when!;
    return DateTime.fromISO(when.start, { zone: 'utc' }).setZone(when.timeZone).toFormat('yyyy-MM-dd');
  };
  /** The officer's search card after a search by one key. */
  const find = (by: 'aad' | 'email' | 'name', inputs: Record<string, string>, person: Person = OFFICER) => h.press(person, 'privacy.find', { verb: 'privacy.find', by }, inputs);
  const foundIds = (card: unknown) => cardActions(card).filter((a) => a.verb === 'privacy.audit' && a.data?.meetingId).map((a) => String(a.data!.meetingId));

  before(async () => {
    await h.start({ DATA_PROTECTION_OFFICERS: OFFICER.aadObjectId });
    // The officer has opened their chat with Samråd (the outcome of an erasure comes there).
    await h.say(OFFICER, 'hej');
    meetings.m1 = await plan(10, `Skolgången; ${RELATIVE.name} är med`, [client('Mira'), relative(RELATIVE.email), teacher]);
    // The same address, written in capitals by another caseworker's hand: the same person.
    meetings.m2 = await plan(20, 'Fritiden', [client('Olle'), relative('Birgitta.Zetterqvist@Example.SE'), teacher]);
    meetings.m3 = await plan(12, 'Sömnen', [client('Mira'), personInputs({ name: 'Eva', relation: 'granne', contactKind: 'post', contactDetail: 'Storgatan 1' })]);
    const idIn = async (meetingId: string) => (await h.meeting(meetingId))!.participants.find((p) => p.name === RELATIVE.name)!.id;
    relativeIn = { m1: await idIn(meetings.m1), m2: await idIn(meetings.m2) };

    // She answers on her page in both meetings; the teacher answers in Teams, naming her.
    relativePage = (await pageUrl(h.app.deps, meetings.m1, relativeIn.m1))!;
    relativeLetter = h.app.deps.links.letterUrls(meetings.m1, relativeIn.m1).letterUrl;
    for (const [m, comment] of [
      ['m1', 'Jag kommer gärna. Hälsningar Birgitta Zetterqvist'],
      ['m2', 'Kanske'],
    ] as const) {
      const url = (await pageUrl(h.app.deps, meetings[m], relativeIn[m]))!;
      const page = await (await fetch(url)).text();
      const rev = /name="rev" value="(\d+)"/.exec(page)![1];
      const answered = await post(url, { what: "answer", rev, answer: m === "m1" ? "accepted" : "maybe", comment, topic: m === "m1" ? "Mormors oro för morgnarna" : "" });
      assert.equal(answered.status, 303, answered.text.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").slice(0, 2000));
    }
    for (const m of ['m1', 'm2'] as const) {
      const planRev = (await h.meeting(meetings[m]))!.planRev!;
      await h.press(TEACHER, 'invite.answer', { meetingId: meetings[m], rev: planRev, answer: 'accepted' }, { comment: `Jag ringer ${RELATIVE.name} före mötet`, topic: '' });
    }

    // The first meeting is held: an action item of hers and one of the teacher's that names her; then her feedback on her page.
    let card = await startMeeting(h, meetings.m1);
    for (const phase of ['describe', 'reflect', 'agree'] as const) card = await h.press(CASEWORKER, 'session.phase', action(card, 'session.phase', { phase }).data);
    const m1 = (await h.meeting(meetings.m1))!;
    const teacherId = m1.participants.find((p) => p.name === TEACHER.name)!.id;
    card = await h.press(CASEWORKER, 'session.item', action(card, 'session.item').data, { itemText: 'Följer Mira till skolan varje måndag', itemOwner: relativeIn.m1, itemDue: daysAhead(30), itemWith: '' });
    card = await h.press(CASEWORKER, 'session.item', action(card, 'session.item').data, { itemText: `Ringer ${RELATIVE.name} om schemat`, itemOwner: teacherId, itemDue: daysAhead(25), itemWith: relativeIn.m1 });
    card = await agreeOutcome(h, card);
    card = await h.press(CASEWORKER, 'session.end', action(card, 'session.end').data);
    assert.equal((await h.view(meetings.m1))!.session!.state, 'ended', cardText(card));
    const feedback = await post(relativePage, { what: 'feedback', relation: '9', goals: '8', approach: '7', overall: '9', comment: 'Bra möte, tack från Birgitta' });
    assert.equal(feedback.status, 303, feedback.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 2000));
    await h.settled();
  });

  after(async () => h.stop());

  it('finds a person by their Teams account, by e-mail (in any case), and by name and day, and nothing else', async () => {
    const byTeams = await find('aad', { teamsUser: TEACHER.aadObjectId, email: '', name: '', day: '' });
    assert.deepEqual(foundIds(byTeams).sort(), [meetings.m1, meetings.m2].sort());
    assert.ok(cardText(byTeams).includes(sv('privacy.found', { count: 2 })), cardText(byTeams));
    const byEmail = await find('email', { teamsUser: '', email: '  BIRGITTA.zetterqvist@example.se ', name: '', day: '' });
    // The latest meeting first.
    assert.deepEqual(foundIds(byEmail), [meetings.m2, meetings.m1]);
    assert.ok(cardText(byEmail).includes(RELATIVE.name), 'the officer sees the name the meetings have, to tell the right person');
    assert.ok(!cardText(byEmail).includes(RELATIVE.email), 'never the address');
    // Mira is the client of two meetings on two days: the day tells them apart, and the name is compared as people write it.
    assert.deepEqual(foundIds(await find('name', { teamsUser: '', email: '', name: ' mira ', day: await dayOf(meetings.m1) })), [meetings.m1]);
    assert.deepEqual(foundIds(await find('name', { teamsUser: '', email: '', name: 'MIRA', day: await dayOf(meetings.m3) })), [meetings.m3]);
    const nobody = await find('email', { teamsUser: '', email: 'someone.else@example.se', name: '', day: '' });
    assert.deepEqual(foundIds(nobody), []);
    assert.ok(cardText(nobody).includes(sv('privacy.found', { count: 0 })));
    // What was typed is checked: an address that is not one, a name without a day.
    assert.ok(cardText(await find('email', { email: 'not an address' })).includes(t('sv', 'problem.emailInvalid')));
    assert.ok(cardText(await find('name', { name: 'Mira', day: '' })).includes(t('sv', 'problem.dateRequired')));
    // The index by person holds digests, never the name or the address.
    const people = (await everyDocument(h)).filter((d) => d.container === 'people').map((d) => d.json);
    assert.ok(people.some((json) => json.includes(emailKey(RELATIVE.email))));
    assert.ok(people.some((json) => json.includes(nameKey('Mira'))));
    assert.ok(!people.some((json) => /birgitta|zetterqvist|mira/i.test(json)));
  });

  it('refuses everyone else, in their language, on every press and by the typed word', async () => {
    for (const [person, word] of [
      [CASEWORKER, 'dataskydd'],
      [TEACHER, 'Data protection'],
      [{ ...TEACHER, locale: 'da-DK' }, 'databeskyttelse'],
      [{ ...TEACHER, locale: 'fi-FI' }, 'tietosuoja'],
    ] as const) {
      const card = await h.say(person, word);
      const locale = person.locale.slice(0, 2) as 'sv' | 'da' | 'fi';
      assert.ok(cardText(card).includes(t(locale, 'problem.notDataProtectionOfficer')), `${word}: ${cardText(card)}`);
    }
    const officerCard = await h.say(OFFICER, 'Dataskydd');
    assert.ok(cardText(officerCard).includes(sv('privacy.findTitle')));
    const key = String(action(await find('email', { email: RELATIVE.email }), 'privacy.erase').data.key);
    const presses: [string, Record<string, string>][] = [
      ['privacy.show', {}],
      ['privacy.find', { by: 'email', email: RELATIVE.email }],
      ['privacy.find', { by: 'name', name: 'Mira', day: await dayOf(meetings.m1) }],
      ['privacy.audit', { meetingId: meetings.m1 }],
      ['privacy.erase', { key }],
      ['privacy.eraseConfirm', { key, request: 'aaaaaaaa-0000-4000-8000-000000000001' }],
      ['privacy.eraseMeeting', { meetingId: meetings.m1 }],
      ['privacy.eraseMeetingConfirm', { meetingId: meetings.m1, request: 'aaaaaaaa-0000-4000-8000-000000000002' }],
      // Data no card would send: the same refusal, before the data is looked at.
      ['privacy.eraseConfirm', { key: 'nonsense' }],
    ];
    const before = JSON.stringify(await h.view(meetings.m1));
    for (const [verb, data] of presses) {
      const card = await h.press(CASEWORKER, verb, { verb, ...data });
      const text = cardText(card);
      assert.ok(text.includes(t('sv', 'problem.notDataProtectionOfficer')), `${verb}: ${text}`);
      for (const detail of ['Mira', RELATIVE.name, shortId(meetings.m1), 'Skolgången']) assert.ok(!text.includes(detail), `${verb} shows ${detail}`);
    }
    await h.settled();
    assert.equal(JSON.stringify(await h.view(meetings.m1)), before, 'nothing was erased');
  });

  it('exports every meeting the relative was in and nothing else, as JSON valid against schema/person-export.v1.schema.json and as a document', async () => {
    const card = await find('email', { email: RELATIVE.email });
    const json = cardActions(card).find((a) => a.type === 'Action.OpenUrl' && a.url?.endsWith('/person.json'))!.url!;
    const document = cardActions(card).find((a) => a.type === 'Action.OpenUrl' && a.url?.endsWith('/person.html'))!.url!;
    assert.ok(!json.includes('birgitta') && !json.includes('zetterqvist'), 'the link names no one');
    const res = await fetch(json);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const data = (await res.json()) as PersonExportV1;
    const result = validator()(data);
    assert.deepEqual(result.errors, []);
    assert.equal(result.ok, true);
    assert.deepEqual(data.lookup, { by: 'email' });
    assert.deepEqual(data.meetings.map((m) => m.meeting.id), [meetings.m2, meetings.m1]);
    const m1 = data.meetings[1];
    assert.deepEqual([m1.participant.name, m1.participant.relation, m1.participant.contact], [RELATIVE.name, 'mormor', { kind: 'email', email: RELATIVE.email }]);
    assert.deepEqual([m1.answer?.answer, m1.answer?.comment, m1.answer?.topic, m1.answer?.via], ['accepted', 'Jag kommer gärna. Hälsningar Birgitta Zetterqvist', 'Mormors oro för morgnarna', 'page']);
    assert.deepEqual(m1.feedback?.scores, { relation: 9, goals: 8, approach: 7, overall: 9 });
    assert.deepEqual(m1.actionItems.map((i) => [i.text, i.role]), [
      ['Följer Mira till skolan varje måndag', 'owner'],
      [`Ringer ${RELATIVE.name} om schemat`, 'with'],
    ]);
    assert.ok(m1.pageLink && m1.pageLink.useCount >= 3, 'her page link and its uses');
    assert.equal(data.meetings[0].answer?.answer, 'maybe');
    // Nothing of anyone else: the teacher's answer, the client, the other meeting.
    const text = JSON.stringify(data);
    for (const other of ['Jag ringer', TEACHER.aadObjectId, 'Olle', meetings.m3]) assert.ok(!text.includes(other), `the export holds ${other}`);
    const html = await fetch(document);
    assert.equal(html.status, 200);
    const page = await html.text();
    assert.ok(page.includes(sv('personDoc.title')) && page.includes(RELATIVE.name) && page.includes(RELATIVE.email));
    // Every download is in each meeting's trail, by the officer.
    const trail = (await h.app.deps.stores.meetings.query(queries.auditTrail(meetings.m1, 500))).map((r) => r.doc as AuditDoc);
    assert.ok(trail.filter((e) => e.action === 'person.export.read' && e.by === `aad-${OFFICER.aadObjectId}` && e.ref === relativeIn.m1).length >= 2);
    // A tampered link opens nothing.
    const token = json.split('/person-export/')[1].split('/')[0];
    assert.equal((await fetch(`${h.app.url}/person-export/${token.slice(0, -2)}xx/person.json`)).status, 404);
  });

  it('shows a meeting\'s audit trail, by user key and action: who sent, answered, held, found and exported', async () => {
    const card = await h.press(OFFICER, 'privacy.audit', { verb: 'privacy.audit' }, { auditMeetingId: meetings.m1.toUpperCase() });
    const text = cardText(card);
    assert.ok(text.includes(sv('privacy.auditTitle', { id: shortId(meetings.m1) })), text);
    for (const what of ['plan_sent', 'answer_given', 'session_started', 'session_ended', 'item_saved', 'feedback_given', 'page_read', 'person_found', 'person_export_read'] as const) {
      assert.ok(text.includes(sv(`privacy.action.${what}`)), `${what} in ${text}`);
    }
    assert.ok(text.includes(sv('privacy.who.page', { name: RELATIVE.name })), 'her page, by her name as the meeting has it now');
    assert.ok(text.includes(sv('privacy.who.you')), 'the officer, as "you"');
    // The trail itself holds ids only.
    const trail = (await h.app.deps.stores.meetings.query(queries.auditTrail(meetings.m1, 500))).map((r) => JSON.stringify(r.doc));
    assert.ok(trail.length > 10);
    assert.ok(!trail.some((json) => /birgitta|zetterqvist|mira|tove|kim lind/i.test(json)));
    // An id that is not a meeting of the officer's organisation finds nothing.
    const none = await h.press(OFFICER, 'privacy.audit', { verb: 'privacy.audit', meetingId: 'e0000000-0000-4000-8000-000000000000' });
    assert.ok(cardText(none).includes(sv('privacy.meetingNotFound')));
    assert.ok(cardText(await h.press(OFFICER, 'privacy.audit', { verb: 'privacy.audit' }, { auditMeetingId: 'abc' })).includes(sv('privacy.idInvalid')));
  });

  it('erases the relative from every meeting: no trace of her name or address in any document of any container, counts and trails intact, her links 404', async () => {
    const m1Before = (await h.view(meetings.m1))!;
    const m2Before = (await h.view(meetings.m2))!;
    const m3Before = (await h.app.deps.stores.meetings.query(queries.meeting(meetings.m3))).map((r) => r.doc).filter((d) => d.kind !== 'audit');
    const trailBefore = (await h.app.deps.stores.meetings.query(queries.auditTrail(meetings.m1, 500))).map((r) => r.doc as AuditDoc);
    assert.equal((await fetch(relativePage)).status, 200);
    assert.equal((await fetch(relativeLetter)).status, 200);

    const found = await find('email', { email: RELATIVE.email });
    const confirm = await h.press(OFFICER, 'privacy.erase', action(found, 'privacy.erase').data);
    assert.ok(cardText(confirm).includes(sv('privacy.confirmPersonText', { count: 2 })), cardText(confirm));
    const press = action(confirm, 'privacy.eraseConfirm').data;
    assert.ok(cardText(await h.press(OFFICER, 'privacy.eraseConfirm', press)).includes(sv('privacy.started')));
    // Pressed twice: one erasure.
    await h.press(OFFICER, 'privacy.eraseConfirm', press);
    await h.settled();

    // Her links answer 404 at once, whatever they were.
    assert.equal((await fetch(relativePage)).status, 404);
    assert.equal((await fetch(relativeLetter)).status, 404);
    // No document of any container has her name, her address, or the digests of either.
    const traces = [/birgitta/i, /zetterqvist/i, new RegExp(RELATIVE.email.replace(/\./g, '\\.'), 'i'), new RegExp(emailKey(RELATIVE.email)), new RegExp(nameKey(RELATIVE.name))];
    const all = await everyDocument(h);
    for (const doc of all) for (const trace of traces) assert.ok(!trace.test(doc.json), `${trace} in ${doc.container}: ${doc.json.slice(0, 300)}`);
    assert.ok(all.some((d) => d.container === 'meetings' && d.json.includes(ERASED_NAME)));

    // The meetings keep their counts: everyone invited, every answer, every item; she is a placeholder.
    for (const [before, id] of [
      [m1Before, relativeIn.m1],
      [m2Before, relativeIn.m2],
    ] as const) {
      const after = (await h.view(before.plan.id))!;
      assert.equal(after.plan.participants.length, before.plan.participants.length);
      assert.deepEqual(tally(after), tally(before));
      assert.equal(after.actions.length, before.actions.length);
      const placeholder = after.plan.participants.find((p) => p.id === id)!;
      assert.deepEqual([placeholder.name, placeholder.relation, placeholder.contact, placeholder.erased, placeholder.group], [ERASED_NAME, '', { kind: 'hand' }, true, 'network']);
      assert.equal(after.replies.get(id)!.answer, before.replies.get(id)!.answer);
      assert.equal(after.replies.get(id)!.comment, undefined);
      assert.equal(after.feedback.has(id), false, 'her feedback, scores and comment, is gone');
    }
    const m1 = (await h.view(meetings.m1))!;
    assert.deepEqual(m1.actions.map((i) => i.text), [ERASED_NAME, `Ringer ${ERASED_NAME} om schemat`]);
    assert.equal(m1.plan.why!.purpose, `Skolgången; ${ERASED_NAME} är med`);
    assert.ok(m1.session!.agenda.some((a) => a.source === 'proposed' && a.text === ERASED_NAME), 'the topic she proposed');
    assert.ok(m1.plan.participants.some((p) => p.name === 'Mira') && m1.plan.participants.some((p) => p.name === TEACHER.name), 'nobody else is touched');
    // The third meeting, where she never was, is as it was.
    assert.deepEqual((await h.app.deps.stores.meetings.query(queries.meeting(meetings.m3))).map((r) => r.doc).filter((d) => d.kind !== 'audit'), m3Before);

    // The trail keeps every entry it had, with its ids, and records the erasure once in each meeting.
    const trailAfter = (await h.app.deps.stores.meetings.query(queries.auditTrail(meetings.m1, 500))).map((r) => r.doc as AuditDoc);
    // (Retention may have stamped an expiry on an entry since: what it says is what counts.)
    const said = (e: AuditDoc) => JSON.stringify([e.id, e.at, e.by, e.action, e.ref ?? null]);
    for (const entry of trailBefore) assert.ok(trailAfter.some((e) => said(e) === said(entry)), `kept: ${said(entry)}`);
    assert.ok(trailAfter.some((e) => e.action === 'answer.given' && e.by === `page:${relativeIn.m1}` && e.ref === relativeIn.m1));
    for (const m of ['m1', 'm2'] as const) {
      const erased = (await h.app.deps.stores.meetings.query(queries.auditTrail(meetings[m], 500))).map((r) => r.doc as AuditDoc).filter((e) => e.action === 'person.erased');
      assert.deepEqual(erased.map((e) => [e.by, e.ref]), [[`aad-${OFFICER.aadObjectId}`, relativeIn[m]]]);
    }

    // She is found nowhere now; the officer was told in their chat, once, in Swedish, with a neutral preview.
    assert.deepEqual(foundIds(await find('email', { email: RELATIVE.email })), []);
    const told = h.connector.posted().filter((r) => r.body?.summary === sv('privacy.summary'));
    assert.equal(told.length, 1);
    assert.ok(cardText(attachedCard(told[0].body)).includes(sv('privacy.donePerson', { count: 2 })));
    assert.ok(told[0].path.includes(`a:personal-${OFFICER.aadObjectId}`));
  });

  it('erases a whole meeting: every document but its audit trail, its place in the caseworker\'s list and the index; the trail stays readable', async () => {
    const found = await find('name', { name: 'Mira', day: await dayOf(meetings.m3) });
    const confirm = await h.press(OFFICER, 'privacy.eraseMeeting', action(found, 'privacy.eraseMeeting', { meetingId: meetings.m3 }).data);
    assert.ok(cardText(confirm).includes(sv('privacy.confirmMeetingTitle')));
    await h.press(OFFICER, 'privacy.eraseMeetingConfirm', action(confirm, 'privacy.eraseMeetingConfirm').data);
    await h.settled();
    const left = (await h.app.deps.stores.meetings.query(queries.meeting(meetings.m3))).map((r) => r.doc as MeetingDoc);
    assert.ok(left.length > 0);
    assert.deepEqual([...new Set(left.map((d) => d.kind))], ['audit']);
    assert.ok(left.some((d) => d.kind === 'audit' && d.action === 'meeting.erased' && d.by === `aad-${OFFICER.aadObjectId}`));
    const elsewhere = (await everyDocument(h)).filter((d) => d.container !== 'meetings' && d.container !== 'jobs' && d.json.includes(meetings.m3));
    assert.deepEqual(elsewhere, [], 'no list entry, summary or index entry names it');
    assert.deepEqual(foundIds(await find('name', { name: 'Mira', day: await dayOf(meetings.m1) })), [meetings.m1], 'the other Mira meeting is there');
    const list = await h.say(CASEWORKER, 'möten');
    assert.ok(!cardActions(list).some((a) => a.data?.meetingId === meetings.m3));
    const trail = await h.press(OFFICER, 'privacy.audit', { verb: 'privacy.audit', meetingId: meetings.m3 });
    assert.ok(cardText(trail).includes(sv('privacy.auditErased')));
    assert.ok(cardText(trail).includes(sv('privacy.action.meeting_erased')));
  });
});
