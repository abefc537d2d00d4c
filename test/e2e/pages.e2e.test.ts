import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { encodeClaims, linkDocId, type PageLinkDoc } from '../../bot/domain/page-link';
import type { Feedback } from '../../bot/domain/feedback';
import type { ReplyDoc } from '../../bot/domain/meeting';
import { t, type MessageKey, type ParamsOf } from '../../bot/i18n';
import { esc } from '../../bot/documents/print';
import type { LetterLinks } from '../../bot/services/links';
import { pageLinks, pageUrl, reissueLink, revokeAndReissue, revokeLink } from '../../bot/services/pages';
import type { Actor } from '../../bot/services/ports';
import { action, cardText } from '../support/cards';
import { daysAhead, Harness, useHarness, type Person } from '../support/harness';
import { CASEWORKER, CASEWORKER_CONTACT, deliveryDone, personInputs, startMeeting, whenInputs } from '../support/scenarios';
import { sv } from '../support/text';

const NURSE: Person = { aadObjectId: '7c2e1a40-0000-4000-8000-00000000c001', name: 'Noor Nurse', locale: 'en-GB' };
const da = <K extends MessageKey>(key: K, ...params: ParamsOf<K>) => esc(t('da', key, ...params));
/** The caseworker's home visit: the address (and door code) the invitations carry, never the page. */
const HOME = 'Storgatan 1, portkod 4711';

interface Page {
  status: number;
  text: string;
  headers: Headers;
}

async function get(url: string, headers: Record<string, string> = {}): Promise<Page> {
  const res = await fetch(url, { headers, redirect: 'manual' });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

async function post(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Page> {
  const res = await fetch(url, { method: 'POST', body: new URLSearchParams(fields), headers, redirect: 'manual' });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/** The plan revision the page's answer form carries. */
const revOf = (html: string) => /name="rev" value="(\d+)"/.exec(html)?.[1] ?? '';

/**
 * A meeting at the client's home: the nurse in Teams (the chair), Eva the grandmother by post in
 * Danish, the client Alex in person (Swedish); sent, every invitation delivered.
 */
async function meetingAtHome(h: Harness): Promise<{ meetingId: string; eva: string; alex: string; nurse: string }> {
  let card = await h.press(CASEWORKER, 'plan.start', { verb: 'plan.start' });
  const meetingId = String(action(card, 'plan.when').data.meetingId);
  card = await h.press(CASEWORKER, 'plan.when', action(card, 'plan.when').data, whenInputs({ placeKind: 'home', placeDetails: HOME }));
  const add = async (inputs: Record<string, string>) => (card = await h.press(CASEWORKER, 'plan.who.add', action(card, 'plan.who.add').data, inputs));
  await add(personInputs({ group: 'professional', name: NURSE.name, relation: 'school nurse', contactKind: 'teams', teamsUser: NURSE.aadObjectId, language: 'en' }));
  await add(personInputs({ name: 'Eva', relation: 'mormor', contactKind: 'post', contactDetail: 'Østergade 2, 1100 København', language: 'da' }));
  await add(personInputs({ group: 'client', name: 'Alex', contactKind: 'hand', relation: '', language: 'sv' }));
  const ids = Object.fromEntries((await h.meeting(meetingId))!.participants.map((p) => [p.name, p.id]));
  card = await h.press(CASEWORKER, 'plan.who.save', action(card, 'plan.who.save').data, { consent: 'true', chairId: ids[NURSE.name], secretaryId: '', coOrganizerId: '' });
  card = await h.press(CASEWORKER, 'plan.why', action(card, 'plan.why').data, { purpose: 'En plan for skolen', topics: 'Søvn\nSkole', form: '' });
  await h.press(CASEWORKER, 'plan.send', action(card, 'plan.send').data, CASEWORKER_CONTACT, 'status-activity');
  await deliveryDone(h, meetingId);
  return { meetingId, eva: ids.Eva, alex: ids.Alex, nurse: ids[NURSE.name] };
}

/** The caseworker as the services see them in their personal chat. */
async function caseworkerActor(h: Harness, meetingId: string, person: Person = CASEWORKER): Promise<Actor> {
  const plan = (await h.meeting(meetingId))!;
  const userKey = person === CASEWORKER ? plan.organizer.userKey : `aad-${person.aadObjectId}`;
  return {
    userKey,
    userId: person.aadObjectId,
    name: person.name,
    tenantId: h.tenantId,
    reader: { locale: 'sv', timeZone: 'Europe/Stockholm' },
    address: { serviceUrl: h.serviceUrl, conversationId: `a:personal-${person.aadObjectId}`, channelId: 'msteams', tenantId: h.tenantId, botId: '28:samrad-bot', userId: `29:${person.aadObjectId}` },
  };
}

async function linkRecord(h: Harness, meetingId: string, participantId: string): Promise<PageLinkDoc> {
  return (await h.app.deps.stores.meetings.read(meetingId, linkDocId(participantId)))!.doc as unknown as PageLinkDoc;
}

async function reply(h: Harness, meetingId: string, participantId: string): Promise<ReplyDoc | undefined> {
  return (await h.view(meetingId))!.replies.get(participantId);
}

/** The status card's row of one person: the part of the card that names them and nobody else invited. */
function rowText(card: unknown, name: string, others: string[]): string {
  let best = '';
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const text = cardText(node);
    if (text.includes(name) && !others.some((o) => text.includes(o)) && text.length > best.length) best = text;
    Object.values(node).forEach(visit);
  };
  visit(card);
  return best;
}

describe('a person\'s own page (/p/:token) through the HTTP endpoint', () => {
  let h: Harness;
  useHarness((harness) => (h = harness));

  it('lets a relative by post answer the invitation on their page, in Danish; the answer is stored as given on the page and the caseworker\'s status card shows it', async () => {
    const { meetingId, eva, alex } = await meetingAtHome(h);
    const url = (await pageUrl(h.app.deps, meetingId, eva))!;
    assert.ok(url.startsWith(`${h.app.url}/p/`), url);
    assert.equal(await pageUrl(h.app.deps, meetingId, eva), url, 'the same link each time the status card asks');
    // For the status card, all at once: everyone but the caseworker who convenes.
    const organizer = (await h.meeting(meetingId))!.participants.find((p) => p.isOrganizer)!.id;
    const all = await pageLinks(h.app.deps, meetingId, [eva, alex, organizer]);
    assert.deepEqual([...all.keys()], [eva, alex]);
    assert.equal(all.get(eva)!.url, url);
    assert.equal(all.get(alex)!.url, await pageUrl(h.app.deps, meetingId, alex));
    assert.equal(all.get(eva)!.record.version, 1);
    assert.equal(await pageUrl(h.app.deps, meetingId, organizer), undefined);

    const page = await get(url, { 'Accept-Language': 'sv-SE' });
    assert.equal(page.status, 200);
    assert.ok(page.text.includes('<html lang="da">'), 'in the language chosen for Eva, not the browser\'s');
    for (const text of [da('page.answerLegend'), da('invitation.accept'), da('invitation.maybe'), da('invitation.decline'), da('page.noAnswer'), da('ics.homeLocation'), 'En plan for skolen', 'Søvn']) {
      assert.ok(page.text.includes(text), text);
    }
    assert.ok(!page.text.includes('portkod') && !page.text.includes('Storgatan'), 'no home address on the page');
    assert.ok(!page.text.includes('<script'), 'no script at all');
    assert.match(page.headers.get('content-security-policy') ?? '', /^default-src 'none'; style-src 'nonce-[^']+'; form-action 'self'; frame-ancestors 'none'/);
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.equal(page.headers.get('referrer-policy'), 'same-origin');
    assert.equal(page.headers.get('x-frame-options'), 'DENY');

    const sent = await post(url, { what: 'answer', rev: revOf(page.text), answer: 'accepted', comment: 'Jeg tager bussen.', topic: 'Fritiden' });
    assert.equal(sent.status, 303);
    assert.equal(sent.headers.get('location'), `${new URL(url).pathname}?done=answer#msg`);
    const stored = (await reply(h, meetingId, eva))!;
    assert.deepEqual(
      { answer: stored.answer, via: stored.via, by: stored.by, comment: stored.comment, topic: stored.topic },
      { answer: 'accepted', via: 'page', by: `page:${eva}`, comment: 'Jeg tager bussen.', topic: 'Fritiden' },
    );
    const after = await get(new URL(sent.headers.get('location')!, url).toString());
    assert.equal(after.status, 200);
    assert.ok(after.text.includes(`role="status" id="msg"`) && after.text.includes(da('invitation.thanks', { organizer: CASEWORKER_CONTACT.contactName })));
    assert.ok(after.text.includes(da('invitation.yourAnswer', { answer: t('da', 'status.accepted') })));
    assert.ok(after.text.includes('Jeg tager bussen.'), 'the comment is in the form to change it');

    // The caseworker's status card (in Swedish) shows Eva's answer and her topic.
    await h.settled();
    const status = await h.press(CASEWORKER, 'status.show', { meetingId });
    const row = rowText(status, 'Eva', ['Alex', NURSE.name]);
    assert.ok(row.includes(sv('status.accepted')), row);
    assert.ok(cardText(status).includes('Fritiden (Eva)'), 'her topic among the proposed ones');
    // The status card in front of the caseworker was brought up to date too.
    assert.ok(h.connector.requests.some((r) => r.method === 'PUT' && JSON.stringify(r.body).includes('Fritiden')), 'the status card in the chat was updated');
  });

  it('refuses bad input with a clear message in the person\'s language, next to the field and at the top, and stores nothing; every use is recorded', async () => {
    const { meetingId, eva } = await meetingAtHome(h);
    const url = (await pageUrl(h.app.deps, meetingId, eva))!;
    const rev = revOf((await get(url)).text);

    const missing = await post(url, { what: 'answer', rev, comment: 'Måske', topic: '' });
    assert.equal(missing.status, 400);
    assert.ok(missing.text.includes(`<title>${da('page.errorPrefix', { title: '' })}`), 'the title says there is an error');
    assert.ok(missing.text.includes(da('page.errorTitle')));
    assert.ok(missing.text.includes(`<a href="#answer-accepted">${da('problem.answerInvalid')}</a>`), 'summarized at the top, linked to the field');
    assert.ok(missing.text.includes(`<p class="error" id="error-answer">`), 'and next to the field');
    assert.ok(missing.text.includes('aria-invalid="true"'));
    assert.ok(missing.text.includes('>Måske</textarea>'), 'what was typed is kept');
    assert.equal(await reply(h, meetingId, eva), undefined, 'nothing stored');

    const tooLong = await post(url, { what: 'answer', rev, answer: 'maybe', comment: 'x'.repeat(501), topic: '' });
    assert.equal(tooLong.status, 400);
    assert.ok(tooLong.text.includes(esc(t('da', 'problem.textTooLong', { field: t('da', 'field.comment'), max: 500 }))));
    const stale = await post(url, { what: 'answer', rev: String(Number(rev) - 1), answer: 'maybe', comment: '', topic: '' });
    assert.equal(stale.status, 400);
    assert.ok(stale.text.includes(da('page.changed')));
    const unknown = await post(url, { what: 'delete', rev });
    assert.equal(unknown.status, 400);
    assert.ok(unknown.text.includes(da('problem.unknownAction')));
    const early = await post(url, { what: 'feedback', relation: '5', goals: '5', approach: '5', overall: '5', comment: '' });
    assert.equal(early.status, 400);
    assert.ok(early.text.includes(da('problem.notEnded')), 'no feedback before the meeting');
    assert.equal(await reply(h, meetingId, eva), undefined, 'still nothing stored');

    // A form sent from another site is refused before anything is read, and stores nothing.
    const forged = await post(url, { what: 'answer', rev, answer: 'declined', comment: '', topic: '' }, { Origin: 'https://evil.example', 'Accept-Language': 'da' });
    assert.equal(forged.status, 403);
    assert.ok(forged.text.includes(da('page.forbidden')));
    assert.equal((await post(url, { what: 'answer', rev, answer: 'declined', comment: '', topic: '' }, { 'Sec-Fetch-Site': 'cross-site' })).status, 403);
    assert.equal(await reply(h, meetingId, eva), undefined);

    // Answered twice: one answer document, the later one; nothing doubled.
    assert.equal((await post(url, { what: 'answer', rev, answer: 'maybe', comment: '', topic: '' }, { Origin: h.app.url })).status, 303, 'the page\'s own origin is fine');
    assert.equal((await post(url, { what: 'answer', rev, answer: 'declined', comment: 'Syg', topic: '' })).status, 303);
    const docs = await h.app.deps.stores.meetings.query({ name: 'test.replies', partition: meetingId, sql: "SELECT * FROM c WHERE c.kind = 'reply'", parameters: {} });
    assert.deepEqual(docs.map((d) => [(d.doc as ReplyDoc).participantId, (d.doc as ReplyDoc).answer]), [[eva, 'declined']]);

    const record = await linkRecord(h, meetingId, eva);
    assert.deepEqual(
      record.uses.map((u) => `${u.what}:${u.result}`),
      ['view:ok', 'answer:invalid', 'answer:invalid', 'answer:invalid', 'view:invalid', 'feedback:invalid', 'answer:ok', 'answer:ok'],
    );
    assert.equal(record.useCount, 8);
    assert.ok(record.uses.every((u) => u.v === 1 && DateTime.fromISO(u.at).isValid));
  });

  it('shows only that person\'s view: nobody else\'s answer or comment, and another person\'s link cannot be turned into theirs', async () => {
    const { meetingId, eva, alex } = await meetingAtHome(h);
    const evaUrl = (await pageUrl(h.app.deps, meetingId, eva))!;
    const alexUrl = (await pageUrl(h.app.deps, meetingId, alex))!;
    assert.notEqual(evaUrl, alexUrl);
    const evaPage = await get(evaUrl);
    await post(evaUrl, { what: 'answer', rev: revOf(evaPage.text), answer: 'declined', comment: 'Hemmelig kommentar', topic: 'Mit eget emne' });
    // The nurse answers in Teams with a comment of her own.
    const invitation = h.connector.posted().find((r) => JSON.stringify(r.body).includes('invite.answer'));
    const data = action(invitation!.body.attachments[0].content, 'invite.answer').data;
    await h.press(NURSE, 'invite.answer', data, { answer: 'maybe', comment: 'Nurse only comment', topic: '' });

    const alexPage = await get(alexUrl);
    assert.equal(alexPage.status, 200);
    assert.ok(alexPage.text.includes('<html lang="sv">'));
    assert.ok(alexPage.text.includes(esc(sv('ics.homeLocationClient'))), 'the client: at your home');
    assert.ok(alexPage.text.includes(esc(sv('page.noAnswer'))), 'Alex sees his own answer, none yet');
    for (const other of ['Hemmelig kommentar', 'Mit eget emne', 'Nurse only comment']) assert.ok(!alexPage.text.includes(esc(other)), `Alex's page shows "${other}"`);
    assert.ok(!alexPage.text.includes(' checked'), 'no answer chosen in his form: nobody else\'s answer shows through');
    const again = await get(evaUrl);
    assert.ok(!again.text.includes('Nurse only comment'));

    // Alex's token with Eva in its payload: the signature no longer matches.
    const [header, , signature] = alexUrl.split('/p/')[1].split('.');
    const swapped = encodeClaims({ meetingId, participantId: eva, purpose: 'page', version: 1, expires: Math.floor(DateTime.utc().plus({ days: 60 }).toSeconds()) }).toString('base64url');
    const forged = await get(`${h.app.url}/p/${header}.${swapped}.${signature}`, { 'Accept-Language': 'fi-FI' });
    assert.equal(forged.status, 404);
    assert.ok(forged.text.includes(esc(t('fi', 'page.invalid'))), 'a link that is not valid: the browser\'s language');
    assert.ok(!forged.text.includes('Hemmelig') && !forged.text.includes('Eva'));
    // A letter link is not a page link, nor the other way round.
    const letterToken = (h.app.deps.links as LetterLinks).letterUrls(meetingId, eva).letterUrl.split('/letters/')[1];
    assert.equal((await get(`${h.app.url}/p/${letterToken}`)).status, 404);
    assert.equal((await get(`${h.app.url}/letters/${evaUrl.split('/p/')[1]}`)).status, 404);
    assert.equal((await get(`${h.app.url}/p/nonsense`)).status, 404);
  });

  it('refuses a replaced, revoked or expired link with a fixed page in the person\'s language, stores nothing, and records the refused use; the new link works', async () => {
    const { meetingId, eva } = await meetingAtHome(h);
    const old = (await pageUrl(h.app.deps, meetingId, eva))!;
    const rev = revOf((await get(old)).text);

    // The caseworker's "new link" on the status card: the old one stops at once.
    const card = await revokeAndReissue(h.app.deps, await caseworkerActor(h, meetingId), { meetingId, participantId: eva });
    assert.ok(cardText(card.card).includes(sv('page.reissued', { name: 'Eva' })), cardText(card.card).slice(0, 300));
    const gone = await get(old, { 'Accept-Language': 'en' });
    assert.equal(gone.status, 410);
    assert.ok(gone.text.includes('<html lang="da">') && gone.text.includes(da('page.gone')));
    assert.ok(!gone.text.includes('En plan for skolen') && !gone.text.includes('Eva'), 'nothing of the meeting');
    const refused = await post(old, { what: 'answer', rev, answer: 'accepted', comment: '', topic: '' });
    assert.equal(refused.status, 410);
    assert.equal(await reply(h, meetingId, eva), undefined, 'nothing stored');
    const current = (await pageUrl(h.app.deps, meetingId, eva))!;
    assert.notEqual(current, old);
    assert.equal((await get(current)).status, 200);
    assert.deepEqual((await linkRecord(h, meetingId, eva)).uses.map((u) => `${u.what}:${u.result}:${u.v}`), ['view:ok:1', 'view:refused:1', 'view:refused:1', 'view:ok:2']);

    // Someone who does not convene the meeting cannot replace a link.
    const notHers = await revokeAndReissue(h.app.deps, await caseworkerActor(h, meetingId, NURSE), { meetingId, participantId: eva });
    assert.ok(cardText(notHers.card).includes(sv('problem.notOrganizer')) || cardText(notHers.card).includes(t('en', 'problem.notOrganizer')));
    assert.equal((await get(current)).status, 200, 'the link in use still works');

    // Revoked without a new one: no link works, and none is offered, until one is issued.
    await revokeLink(h.app.deps, meetingId, eva, 'aad-caseworker');
    assert.equal((await get(current)).status, 410);
    assert.equal(await pageUrl(h.app.deps, meetingId, eva), undefined);
    const issued = (await reissueLink(h.app.deps, meetingId, eva, 'aad-caseworker'))!;
    assert.equal((await get(issued)).status, 200);
    assert.equal((await get(current)).status, 410, 'the revoked one stays refused');

    // Expired: a genuine link of the current version, past its time.
    const version = (await linkRecord(h, meetingId, eva)).version;
    const expired = (h.app.deps.links as LetterLinks).pageUrl(meetingId, eva, version, DateTime.utc().minus({ minutes: 1 }));
    const late = await get(expired);
    assert.equal(late.status, 410);
    assert.ok(late.text.includes(da('page.gone')));
    assert.equal((await post(expired, { what: 'answer', rev, answer: 'accepted', comment: '', topic: '' })).status, 410);
    assert.equal(await reply(h, meetingId, eva), undefined);
    const uses = (await linkRecord(h, meetingId, eva)).uses;
    assert.deepEqual(uses.slice(-2).map((u) => `${u.what}:${u.result}`), ['view:refused', 'view:refused']);
  });

  it('says so when the meeting is cancelled, with the reason, in the person\'s language, and takes no answer', async () => {
    const { meetingId, eva } = await meetingAtHome(h);
    const url = (await pageUrl(h.app.deps, meetingId, eva))!;
    const rev = revOf((await get(url)).text);
    const status = await h.press(CASEWORKER, 'status.show', { meetingId });
    await h.press(CASEWORKER, 'meeting.cancel', action(status, 'meeting.cancel').data, { reason: 'Alex er syg' });
    const page = await get(url);
    assert.equal(page.status, 200);
    for (const text of [da('letter.cancelledTitle'), da('letter.cancelledBody'), da('letter.cancelledReason', { reason: 'Alex er syg' }), da('ics.homeLocation')]) assert.ok(page.text.includes(text), text);
    assert.ok(!page.text.includes('name="what"'), 'no form');
    const late = await post(url, { what: 'answer', rev, answer: 'accepted', comment: '', topic: '' });
    assert.equal(late.status, 400);
    assert.ok(late.text.includes(da('problem.meetingCancelled')));
    assert.equal(await reply(h, meetingId, eva), undefined);
  });

  it('in the days before the follow-up meeting, the page shows it and how many agreed action items are still open (as everyone in Teams is told)', async () => {
    const { meetingId, eva, nurse } = await meetingAtHome(h);
    const url = (await pageUrl(h.app.deps, meetingId, eva))!;
    let card = await startMeeting(h, meetingId);
    card = await h.press(CASEWORKER, 'session.item', { verb: 'session.item', meetingId, change: 'add' }, { itemText: 'Ringe til skolen', itemOwner: eva, itemDue: daysAhead(11), itemWith: nurse });
    card = await h.press(CASEWORKER, 'session.item', { verb: 'session.item', meetingId, change: 'add' }, { itemText: 'Sygeplejerskens opgave', itemOwner: nurse, itemDue: daysAhead(11), itemWith: '' });
    // The follow-up in twelve days: within the fourteen days before it.
    const followUp = daysAhead(12);
    card = await h.press(CASEWORKER, 'session.outcome', action(card, 'session.outcome').data, { responsible: 'undecided', followUp, followUpUndecided: 'false' });
    card = await h.press(CASEWORKER, 'session.end', action(card, 'session.end').data);
    const date = DateTime.fromISO(followUp).setLocale('da').toLocaleString(DateTime.DATE_FULL);
    let page = await get(url);
    assert.ok(page.text.includes(da('nudge.summaryIntro', { date })), 'the follow-up date, in Danish');
    assert.ok(page.text.includes(da('nudge.summaryOpen', { count: 2 })), 'two still open: ' + page.text.slice(page.text.indexOf('id="summary"'), page.text.indexOf('id="summary"') + 300));
    const evas = (await h.view(meetingId))!.actions.find((i) => i.ownerId === eva)!;
    await post(url, { what: 'item', item: evas.id.slice('action.'.length), done: 'yes' });
    page = await get(url);
    assert.ok(page.text.includes(da('nudge.summaryOpen', { count: 1 })), 'her own item marked done: one still open');
  });

  it('after the meeting: feedback once (a score of 11 and a second feedback refused), the person\'s own action items marked done, the minutes in Danish', async () => {
    const { meetingId, eva, nurse } = await meetingAtHome(h);
    const url = (await pageUrl(h.app.deps, meetingId, eva))!;
    await post(url, { what: 'answer', rev: revOf((await get(url)).text), answer: 'accepted', comment: '', topic: '' });

    // The meeting is held: started, two action items (one Eva's), the outcome, ended; the minutes sent.
    let card = await startMeeting(h, meetingId);
    const running = await post(url, { what: 'answer', rev: '0', answer: 'declined', comment: '', topic: '' });
    assert.equal(running.status, 400);
    assert.ok(running.text.includes(da('page.answerClosed')));
    assert.equal((await reply(h, meetingId, eva))!.answer, 'accepted', 'the answer is closed while the meeting runs');
    const due = daysAhead(20);
    card = await h.press(CASEWORKER, 'session.item', { verb: 'session.item', meetingId, change: 'add' }, { itemText: 'Ringe til skolen', itemOwner: eva, itemDue: due, itemWith: nurse });
    card = await h.press(CASEWORKER, 'session.item', { verb: 'session.item', meetingId, change: 'add' }, { itemText: 'Sygeplejerskens opgave', itemOwner: nurse, itemDue: due, itemWith: '' });
    card = await h.press(CASEWORKER, 'session.outcome', action(card, 'session.outcome').data, { responsible: 'undecided', followUpUndecided: 'true' });
    card = await h.press(CASEWORKER, 'session.end', action(card, 'session.end').data);
    const items = (await h.view(meetingId))!.actions;
    const evas = items.find((i) => i.ownerId === eva)!;
    const nurses = items.find((i) => i.ownerId === nurse)!;
    assert.ok(evas && nurses, 'two items stored');

    let page = await get(url);
    assert.equal(page.status, 200);
    assert.ok(!page.text.includes('id="summary"'), 'no follow-up agreed: no summary before one');
    for (const text of [da('feedback.title'), da('feedback.scale.relation'), da('feedback.low.goals'), da('feedback.high.overall'), da('minutes.yourItems'), 'Ringe til skolen', da('page.markDone'), da('page.minutesLater')]) {
      assert.ok(page.text.includes(text), text);
    }
    assert.equal((page.text.match(/name="what" value="item"/g) ?? []).length, 1, 'only her own item has a button');
    assert.ok(!page.text.includes('Sygeplejerskens opgave'), 'nobody else\'s items before the minutes');

    // A score of 11: refused in Danish, next to the scale; nothing stored.
    const eleven = await post(url, { what: 'feedback', relation: '11', goals: '8', approach: '7', overall: '9', comment: 'Godt møde' });
    assert.equal(eleven.status, 400);
    const scoreError = da('page.scoreMissing', { min: 1, max: 10, scale: t('da', 'feedback.scale.relation') });
    assert.ok(eleven.text.includes(`<a href="#score-relation-1">${scoreError}</a>`), 'summarized at the top');
    assert.ok(eleven.text.includes(`id="error-relation"`), 'and next to the scale');
    assert.ok(eleven.text.includes('value="8" checked'), 'the other scores kept');
    assert.equal((await h.view(meetingId))!.feedback.get(eva), undefined);

    const given = await post(url, { what: 'feedback', relation: '10', goals: '8', approach: '7', overall: '9', comment: 'Godt møde' });
    assert.equal(given.status, 303);
    const stored = (await h.view(meetingId))!.feedback.get(eva) as Feedback;
    assert.deepEqual({ scores: stored.scores, via: stored.via, by: stored.by, comment: stored.comment }, { scores: { relation: 10, goals: 8, approach: 7, overall: 9 }, via: 'page', by: `page:${eva}`, comment: 'Godt møde' });
    const second = await post(url, { what: 'feedback', relation: '1', goals: '1', approach: '1', overall: '1', comment: 'Anden gang' });
    assert.equal(second.status, 400);
    assert.ok(second.text.includes(da('problem.feedbackGiven')));
    assert.deepEqual((await h.view(meetingId))!.feedback.get(eva), stored, 'the first feedback stands, nothing replaced or doubled');
    assert.ok(second.text.includes(da('feedback.yours')) && second.text.includes('10 / 10'), 'her answers are shown');

    // Her own item done; the nurse's cannot be marked from Eva's page.
    const itemId = evas.id.replace(/^action\./, '');
    const done = await post(url, { what: 'item', item: itemId, done: 'yes' });
    assert.equal(done.status, 303);
    assert.equal(done.headers.get('location'), `${new URL(url).pathname}?done=item#msg`);
    const marked = (await h.view(meetingId))!.actions.find((i) => i.id === evas.id)!;
    assert.deepEqual({ via: marked.done?.via, by: marked.done?.by }, { via: 'page', by: `page:${eva}` });
    const notHers = await post(url, { what: 'item', item: nurses.id.replace(/^action\./, ''), done: 'yes' });
    assert.equal(notHers.status, 400);
    assert.ok(notHers.text.includes(da('problem.notOwner')));
    assert.equal((await h.view(meetingId))!.actions.find((i) => i.id === nurses.id)!.done, undefined);

    // The minutes are sent: they are on her page, in Danish, without the home address.
    await h.press(CASEWORKER, 'minutes.send', { verb: 'minutes.send', meetingId }, { note: 'Husk madpakken' });
    page = await get(`${url}?done=item`);
    for (const text of [da('agreements.itemSaved'), da('minutes.title'), da('minutesDoc.agreements'), da('minutesDoc.present'), 'Husk madpakken', 'Sygeplejerskens opgave', da('page.markNotDone'), esc(t('da', 'place.home'))]) {
      assert.ok(page.text.includes(text), text);
    }
    assert.ok(!page.text.includes('portkod'), 'no home address in the minutes either');

    const uses = (await linkRecord(h, meetingId, eva)).uses.map((u) => `${u.what}:${u.result}`);
    assert.deepEqual(uses, ['view:ok', 'answer:ok', 'answer:invalid', 'view:ok', 'feedback:invalid', 'feedback:ok', 'feedback:invalid', 'item:ok', 'item:invalid', 'minutes:ok']);
  });
});
