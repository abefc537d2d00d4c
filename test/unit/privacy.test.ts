import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { AUDIT_ACTIONS, auditEntry, auditId, type AuditDoc } from '../../bot/domain/audit';
import { ERASED_BY, erasedDoc, erasedPlan, erasureTarget, markedErased, redact } from '../../bot/domain/erasure';
import { feedbackOf } from '../../bot/domain/feedback';
import { deliveryDoc, replyDoc } from '../../bot/domain/invitation';
import { ERASED_NAME, LOCALES, type Meeting } from '../../bot/domain/meeting';
import type { MeetingDoc } from '../../bot/domain/meeting-docs';
import { firstLink, withUse } from '../../bot/domain/page-link';
import { aadKey, confirmedBy, emailKey, keysOf, lookupOf, nameKey, normalName, personRefsOf } from '../../bot/domain/people';
import { newActionItem } from '../../bot/domain/plan';
import { addParticipant, markSent, newDraft, setRoles, setWhen, setWhy, type ParticipantInput } from '../../bot/domain/planning';
import { Refusal } from '../../bot/domain/problems';
import { openSession } from '../../bot/domain/session';
import { parseConfig } from '../../bot/config';
import { CATALOGS } from '../../bot/i18n';
import { LetterLinks } from '../../bot/services/links';
import { parsePrivacyEraseConfirm, parsePrivacyFind, parsePrivacyMeeting, parsePrivacyPerson } from '../../bot/services/action-data';
import { ConfiguredOfficers } from '../../bot/services/officers';
import { actionKey, auditCard, confirmMeetingCard, confirmPersonCard, erasureOutcomeCard, privacyCard } from '../../cards/privacy';
import type { AdaptiveCard } from '../../cards/render';
import { cardText, validationErrors } from '../support/cards';

// The UMD bundle: `lib/` is ES modules that Node cannot load from CommonJS.

const NOW = DateTime.fromISO('2026-11-23T09:00:00Z', { zone: 'utc' });
const ID = '4a1c2b3d-0000-4000-8000-000000000001';
const pid = (n: number) => `4a1c2b3d-0000-4000-8000-0000000001${String(n).padStart(2, '0')}`;

/** A sent meeting: the client Mira, the relative Birgitta by e-mail, a teacher in Teams, a neighbour by post. */
function meeting(): Meeting {
  let m = newDraft({ id: ID, organizer: { userKey: 'aad-kim', name: 'Kim Lind' }, organizerParticipantId: pid(0), organizerUserId: 'kim', organizerLanguage: 'sv', tenantId: 'tenant', now: NOW });
  m = setWhen(m, { date: '2026-12-07', time: '10:00', duration: '90', placeKind: 'room', placeDetails: 'Rum 2' }, 'Europe/Stockholm', NOW);
  const add = (n: number, p: Partial<ParticipantInput> & { name: string }) =>
    (m = addParticipant(m, { group: 'network', relation: '', contactKind: 'hand', teamsUserId: '', email: '', address: '', language: 'sv', ...p }, pid(n), NOW));
  add(1, { name: 'Mira', group: 'client' });
  add(2, { name: 'Birgitta Zetterqvist', relation: 'mormor', contactKind: 'email', email: 'Birgitta.Z@Example.se' });
  add(3, { name: 'Tove Lärare', group: 'professional', relation: 'lärare', contactKind: 'teams', teamsUserId: 'D4700000-0000-4000-8000-0000000000A1' });
  add(4, { name: 'Eva', relation: 'granne', contactKind: 'post', address: 'Storgatan 1' });
  m = setRoles(m, { consent: true, chairId: pid(3), secretaryId: '' }, 'aad-kim', NOW);
  m = setWhy(m, { purpose: 'Skolan. Birgitta Zetterqvist och Birgitta Zetterqvists syster hjälper till; Birgittaskolan ringer.', topics: 'Morgnar', form: '' }, NOW);
  return markSent(m, NOW);
}

describe('the index by person (bot/domain/people.ts)', () => {
  it('knows a person by digests of their name and e-mail address, and by their Entra object id, in any case and spacing', () => {
    assert.equal(normalName('  BIRGITTA   Zetterqvist '), 'birgitta zetterqvist');
    assert.equal(nameKey('birgitta zetterqvist'), nameKey(' Birgitta  ZETTERQVIST'));
    assert.equal(emailKey('Birgitta.Z@Example.se '), emailKey('birgitta.z@example.se'));
    assert.match(emailKey('a@b.se'), /^email-[0-9a-f]{64}$/);
    assert.equal(aadKey('D4700000-0000-4000-8000-0000000000A1'), 'aad-d4700000-0000-4000-8000-0000000000a1');
  });

  it('gives one entry per key of everyone a sent plan holds, with the meeting\'s day, never a name or an address; none for a draft', () => {
    const m = meeting();
    const refs = personRefsOf(m, NOW);
    const birgitta = refs.filter((r) => r.participantId === pid(2)).map((r) => r.personKey);
    assert.deepEqual(birgitta, [nameKey('Birgitta Zetterqvist'), emailKey('birgitta.z@example.se')]);
    assert.deepEqual(refs.filter((r) => r.participantId === pid(3)).map((r) => r.personKey), [nameKey('Tove Lärare'), aadKey('d4700000-0000-4000-8000-0000000000a1')]);
    assert.ok(refs.every((r) => r.day === '2026-12-07' && r.id === `${ID}.${r.participantId}` && r.tenantId === 'tenant'));
    assert.ok(!/birgitta|zetterqvist|storgatan|example/i.test(JSON.stringify(refs)));
    assert.deepEqual(personRefsOf({ ...m, status: 'draft' }, NOW), []);
    // Someone a change removed is still held by the plan (their answer is stored).
    const removed = { ...m, participants: m.participants.filter((p) => p.id !== pid(4)), removed: [{ participant: m.participants.find((p) => p.id === pid(4))!, rev: 5 }] };
    assert.ok(personRefsOf(removed, NOW).some((r) => r.participantId === pid(4)));
  });

  it('confirms an entry only while the plan bears it out: there, of that tenant, found by that key, not erased', () => {
    const m = meeting();
    const ref = { meetingId: ID, participantId: pid(2), personKey: emailKey('birgitta.z@example.se'), tenantId: 'tenant' };
    assert.equal(confirmedBy(m, ref)?.id, pid(2));
    assert.equal(confirmedBy(m, { ...ref, tenantId: 'other' }), undefined);
    assert.equal(confirmedBy(m, { ...ref, personKey: emailKey('someone@example.se') }), undefined);
    assert.equal(confirmedBy(markedErased(m, pid(2), NOW), ref), undefined);
    assert.equal(confirmedBy(undefined, ref), undefined);
    assert.deepEqual(keysOf({ ...m.participants[2], erased: true }), []);
  });

  it('reads what the officer typed, or refuses it with the reason', () => {
    assert.deepEqual(lookupOf({ by: 'email', email: ' Birgitta.Z@example.SE ' }), { key: emailKey('birgitta.z@example.se') });
    assert.deepEqual(lookupOf({ by: 'name', name: 'Mira', day: '2026-12-07' }), { key: nameKey('mira'), day: '2026-12-07' });
    const refused = (f: () => unknown) => assert.throws(f, (err: unknown) => err instanceof Refusal);
    refused(() => lookupOf({ by: 'email', email: 'no address' }));
    refused(() => lookupOf({ by: 'name', name: 'Mira', day: '' }));
    refused(() => lookupOf({ by: 'name', name: ' ', day: '2026-12-07' }));
    refused(() => lookupOf({ by: 'aad', objectId: 'a/b' }));
  });
});

describe('erasing a person from a meeting (bot/domain/erasure.ts)', () => {
  const m = meeting();
  const keyOf = (p: { contact: { kind: string; userId?: string } }) => (p.contact.kind === 'teams' ? `aad-${p.contact.userId!.toLowerCase()}` : undefined);

  it('takes a name out of free text as a word of its own, in any case and in the genitive, never out of a longer word', () => {
    assert.equal(redact('Birgitta Zetterqvist och birgitta zetterqvists syster; Birgittaskolan', ['Birgitta Zetterqvist']), `${ERASED_NAME} och ${ERASED_NAME} syster; Birgittaskolan`);
    assert.equal(redact('Ahmed’s bror, Ahmed:s, Ahmeds', ['Ahmed']), `${ERASED_NAME} bror, ${ERASED_NAME}, ${ERASED_NAME}`);
    assert.equal(redact('A.B. och A (initial)', ['A']), 'A.B. och A (initial)', 'an initial is not taken out of text');
    assert.equal(redact('(x+1)*2', ['x+1']), `(${ERASED_NAME})*2`, 'a name is matched as written, not as a pattern');
  });

  it('marks the person erased first, once: every link of theirs stops', () => {
    const marked = markedErased(m, pid(2), NOW)!;
    assert.equal(marked.participants.find((p) => p.id === pid(2))!.erased, true);
    assert.equal(marked.participants.find((p) => p.id === pid(2))!.name, 'Birgitta Zetterqvist', 'the name stays until the plan is erased last');
    assert.equal(marked.rev, m.rev + 1);
    assert.equal(markedErased(marked, pid(2), NOW), undefined);
    assert.equal(markedErased(m, pid(9), NOW), undefined);
  });

  it('leaves a placeholder in the plan that keeps the counts, and her name out of the purpose; a second time changes nothing', () => {
    const target = erasureTarget(markedErased(m, pid(2), NOW)!, pid(2), keyOf)!;
    assert.deepEqual(target, { participantId: pid(2), names: ['Birgitta Zetterqvist'] });
    const erased = erasedPlan(markedErased(m, pid(2), NOW)!, target, NOW)!;
    assert.equal(erased.participants.length, m.participants.length);
    assert.deepEqual(erased.participants.find((p) => p.id === pid(2)), { id: pid(2), name: ERASED_NAME, group: 'network', relation: '', contact: { kind: 'hand' }, language: 'sv', erased: true });
    assert.equal(erased.why!.purpose, `Skolan. ${ERASED_NAME} och ${ERASED_NAME} syster hjälper till; Birgittaskolan ringer.`);
    assert.deepEqual(erased.participants.filter((p) => p.id !== pid(2)), m.participants.filter((p) => p.id !== pid(2)), 'nobody else changes');
    assert.equal(erasedPlan(erased, target, NOW), undefined);
    assert.equal(erasureTarget(erased, pid(2), keyOf), undefined, 'nothing left to erase');
  });

  it('erases what was hers from each document and her name from the others; leaves the trail alone', () => {
    const teacher = m.participants.find((p) => p.id === pid(3))!;
    const target = { ...erasureTarget(m, pid(3), keyOf)!, topic: 'Läxor' };
    assert.equal(target.userKey, 'aad-d4700000-0000-4000-8000-0000000000a1');
    const own = replyDoc(m, pid(3), { answer: 'accepted', comment: 'Jag kommer', topic: 'Läxor' }, 'teams', target.userKey!, NOW);
    const other = replyDoc(m, pid(4), { answer: 'maybe', comment: 'Fråga Tove Lärare', topic: '' }, 'page', `page:${pid(4)}`, NOW);
    const ownReply = erasedDoc(own, target) as MeetingDoc & { comment?: string; topic?: string; by: string; answer: string };
    assert.deepEqual([ownReply.answer, ownReply.comment, ownReply.topic, ownReply.by], ['accepted', undefined, undefined, ERASED_BY]);
    assert.equal((erasedDoc(other, target) as { comment: string }).comment, `Fråga ${ERASED_NAME}`);
    assert.equal(erasedDoc(replyDoc(m, pid(4), { answer: 'maybe', comment: 'Hej', topic: '' }, 'page', 'x', NOW), target), undefined, 'nothing of hers: unchanged');
    const feedback = feedbackOf({ ...m, status: 'invited' }, pid(3), { relation: '9', goals: '9', approach: '9', overall: '9', comment: 'Bra' }, 'teams', target.userKey!, NOW);
    assert.equal(erasedDoc(feedback, target), 'delete');
    assert.equal(erasedDoc(firstLink(ID, pid(3), 'aad-kim', NOW), target), 'delete');
    assert.equal(erasedDoc(withUse(firstLink(ID, pid(4), 'aad-kim', NOW), { what: 'view', result: 'ok', v: 1 }, NOW), target), undefined);
    const delivered = deliveryDoc(m, pid(3), { via: 'teams', card: { conversationId: 'a:1', activityId: 'x' } }, NOW);
    assert.equal('card' in (erasedDoc(delivered, target) as object), false, 'where her card was posted');
    const item = newActionItem(m, { text: 'Ringer skolan', ownerId: pid(3), due: '2026-12-20', withIds: [] }, 'i1', 'aad-kim', NOW);
    const named = newActionItem(m, { text: 'Mira ringer Tove Lärare', ownerId: pid(1), due: '2026-12-20', withIds: [pid(3)] }, 'i2', 'aad-kim', NOW);
    assert.equal((erasedDoc(item, target) as { text: string }).text, ERASED_NAME);
    assert.equal((erasedDoc(named, target) as { text: string }).text, `Mira ringer ${ERASED_NAME}`);
    const session = openSession(m, [{ participantId: pid(3), text: 'Läxor' }], new Set(), target.userKey!, NOW);
    const erasedSession = erasedDoc(session, target) as typeof session;
    assert.deepEqual(erasedSession.agenda.map((a) => a.text), ['Morgnar', ERASED_NAME]);
    assert.equal(erasedSession.openedBy, ERASED_BY);
    const entry = auditEntry(ID, target.userKey!, 'answer.given', NOW, { ref: pid(3) });
    assert.equal(erasedDoc(entry, target), undefined, 'the audit trail keeps its ids');
    assert.equal(teacher.name, 'Tove Lärare');
  });
});

describe('the audit trail (bot/domain/audit.ts)', () => {
  it('gives each entry a unique id whose order is the order of time, and the same id when a resumed job asks with the same unique part', () => {
    const ids = Array.from({ length: 50 }, (_, i) => auditId(NOW.plus({ milliseconds: Math.floor(i / 10) })));
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual([...ids].sort(), ids, 'sorted by text is sorted by time, also within one millisecond');
    assert.ok(auditId(NOW.minus({ days: 400 })) < auditId(NOW));
    assert.equal(auditId(NOW, 'req-1'), auditId(NOW, 'req-1'));
    const entry: AuditDoc = auditEntry(ID, 'page:p', 'page.read', NOW, { ref: 'p' });
    assert.deepEqual(Object.keys(entry).sort(), ['action', 'at', 'by', 'id', 'kind', 'meetingId', 'ref']);
  });

  it('has a label for every action in every language', () => {
    for (const locale of LOCALES) for (const action of AUDIT_ACTIONS) assert.equal(typeof CATALOGS[locale].privacy.action[actionKey(action)], 'string', `${locale}: ${action}`);
  });
});

describe('the data-protection officers (DATA_PROTECTION_OFFICERS)', () => {
  const OID = 'd4700000-0000-4000-8000-0000000000d1';
  const TENANT = '7d3c6a52-1f0e-4b8a-9c2d-5e6f7a8b9c0d';
  const local = (value: string, extra: Record<string, string> = {}) => parseConfig({ SAMRAD_LOCAL: 'true', DATA_PROTECTION_OFFICERS: value, ...extra }, () => 'x'.repeat(40));

  it('reads object ids, in the bot\'s tenant or the one written with them, and names a malformed entry', async () => {
    assert.deepEqual(local(`${OID.toUpperCase()}, ${TENANT}:${OID}`).dataProtectionOfficers, [{ objectId: OID }, { tenantId: TENANT, objectId: OID }]);
    assert.deepEqual(local(OID, { MICROSOFT_APP_TENANT_ID: TENANT }).dataProtectionOfficers, [{ tenantId: TENANT, objectId: OID }]);
    assert.deepEqual(local('').dataProtectionOfficers, []);
    assert.throws(() => local('dagny'), /DATA_PROTECTION_OFFICERS: "dagny" must be an Entra object id/);
    const officers = new ConfiguredOfficers(local(`${TENANT}:${OID}`).dataProtectionOfficers);
    assert.equal(await officers.isDataProtectionOfficer(TENANT.toUpperCase(), OID.toUpperCase()), true);
    assert.equal(await officers.isDataProtectionOfficer('other', OID), false);
    assert.equal(await officers.isDataProtectionOfficer(TENANT, 'd4700000-0000-4000-8000-0000000000d2'), false);
  });

  it('never refuses the card\'s data before the officer is checked: anything unusable is answered on the officer\'s own card', () => {
    assert.deepEqual(parsePrivacyFind({}), { invalid: 'unknownAction' });
    assert.deepEqual(parsePrivacyMeeting({ auditMeetingId: ' nonsense ' }), { invalid: 'idInvalid' });
    assert.deepEqual(parsePrivacyMeeting({ auditMeetingId: ` ${ID.toUpperCase()} ` }), { meetingId: ID });
    assert.deepEqual(parsePrivacyPerson({ key: 'name-' + 'a'.repeat(64) }), { invalid: 'unknownAction' }, 'a name needs its day');
    assert.deepEqual(parsePrivacyPerson({ key: emailKey('a@b.se'), day: '' }), { key: emailKey('a@b.se') });
    assert.deepEqual(parsePrivacyPerson({ key: 'email-Birgitta@example.se' }), { invalid: 'unknownAction' }, 'never an address in clear');
    assert.deepEqual(parsePrivacyEraseConfirm({ key: emailKey('a@b.se'), request: 'x' }), { invalid: 'unknownAction' });
  });
});

describe('the links to a person\'s data (LetterLinks.personExportUrls)', () => {
  let now = NOW;
  const links = new LetterLinks('s'.repeat(40), () => 'https://samrad.example.org', () => now);
  const request = { tenantId: 'tenant', key: emailKey('a@b.se'), by: 'aad-officer', locale: 'sv' as const };
  const token = (url: string) => url.split('/person-export/')[1].split('/')[0];

  it('names the person by their key only, works an hour, and is refused altered, expired or as another kind of link', () => {
    const { jsonUrl, documentUrl } = links.personExportUrls(request);
    assert.equal(token(jsonUrl), token(documentUrl));
    assert.ok(!jsonUrl.includes('a@b.se'));
    assert.deepEqual(links.verifyPersonExport(token(jsonUrl)), request);
    const t = token(jsonUrl);
    assert.equal(links.verifyPersonExport(`${t.slice(0, -2)}xx`), undefined);
    assert.equal(links.verifyPersonExport(token(new LetterLinks('o'.repeat(40), () => '', () => now).personExportUrls(request).jsonUrl)), undefined);
    assert.equal(links.verifyPersonExport(links.liveUrl(ID, NOW.plus({ hours: 1 }).toISO()!).split('/live/')[1]), undefined);
    now = NOW.plus({ minutes: 61 });
    assert.equal(links.verifyPersonExport(t), undefined);
    now = NOW;
  });
});

describe('the data-protection officer\'s cards (cards/privacy.ts)', () => {
  const m = meeting();
  const entries = [
    auditEntry(ID, 'aad-kim', 'plan.sent', NOW),
    auditEntry(ID, `page:${pid(2)}`, 'answer.given', NOW, { ref: pid(2) }),
    auditEntry(ID, 'link', 'export.read', NOW),
    auditEntry(ID, 'aad-officer', 'person.found', NOW, { ref: pid(2) }),
    auditEntry(ID, 'aad-someone', 'minutes.read', NOW),
  ];
  const many = Array.from({ length: 100 }, (_, i) => auditEntry(ID, 'aad-d4700000-0000-4000-8000-0000000000a1', AUDIT_ACTIONS[i % AUDIT_ACTIONS.length], NOW.plus({ minutes: i })));
  const found = Array.from({ length: 40 }, (_, i) => ({ plan: { ...m, id: pid(i) }, participant: m.participants[2], removed: i % 7 === 0 }));

  for (const locale of LOCALES) {
    it(`parses as Adaptive Card 1.5, under 80 KB, with every placeholder filled, in ${locale}`, () => {
      const reader = { locale, timeZone: 'Europe/Stockholm' };
      const cards: [string, AdaptiveCard][] = [
        ['search', privacyCard(reader)],
        ['found', privacyCard(reader, { key: emailKey('a@b.se'), found, links: { jsonUrl: 'https://x/person.json', documentUrl: 'https://x/person.html' } })],
        ['nothing found', privacyCard(reader, { key: nameKey('x'), day: '2026-12-07', found: [] }, [{ text: 'x', color: 'Attention' }])],
        ['confirm person', confirmPersonCard(reader, { key: emailKey('a@b.se') }, found.map((f) => f.plan), pid(99))],
        ['confirm meeting', confirmMeetingCard(reader, m, pid(99))],
        ['audit', auditCard(reader, ID, m, entries, false, 'aad-officer')],
        ['audit of 100', auditCard(reader, ID, m, many, true, 'aad-officer')],
        ['audit of an erased meeting', auditCard(reader, ID, undefined, entries, false, 'aad-officer')],
        ['done', erasureOutcomeCard(locale, { kind: 'person', done: true, meetings: found.map((f) => f.plan.id), total: 40 })],
        ['failed', erasureOutcomeCard(locale, { kind: 'person', done: false, meetings: [ID], total: 3 })],
        ['meeting done', erasureOutcomeCard(locale, { kind: 'meeting', done: true, meetingId: ID })],
      ];
      for (const [name, card] of cards) {
        assert.deepEqual(validationErrors(card), [], name);
        assert.ok(Buffer.byteLength(JSON.stringify(card)) < 80 * 1024, `${name}: ${Buffer.byteLength(JSON.stringify(card))} bytes`);
        assert.ok(!/\$?\{[A-Za-z][\w.]*\}/.test(cardText(card)), `${name}: ${cardText(card)}`);
      }
      const audit = cardText(cards[5][1]);
      assert.ok(audit.includes('Kim Lind') && audit.includes('Birgitta Zetterqvist') && audit.includes(CATALOGS[locale].privacy.who.you), audit);
      assert.ok(cardText(cards[1][1]).includes('Birgitta Zetterqvist') && !cardText(cards[1][1]).includes('example.se'), 'the name the meeting has, never the address');
    });
  }
});
