import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { LOCALES, type Locale, type Meeting } from '../../bot/domain/meeting';
import { minutesContent, sentMinutes, withNote, type MinutesContent, type MinutesDoc } from '../../bot/domain/minutes';
import { markItem, newActionItem, type ActionItem } from '../../bot/domain/plan';
import { addParticipant, markSent, newDraft, setRoles, setWhen, setWhy } from '../../bot/domain/planning';
import { applyStep, openSession, type Session, type SessionStep } from '../../bot/domain/session';
import { esc } from '../../bot/documents/print';
import { minutesHtml, minutesText } from '../../bot/documents/minutes';
import { t } from '../../bot/i18n';

/** 10:00 in Stockholm on Monday 7 December 2026: the meeting's planned start. */
const NOW = DateTime.fromISO('2026-12-07T09:00:00Z', { zone: 'utc' });
const HOME = 'Storgatan 5, portkod 1234';
const HOSTILE = '<script>alert("x")</script> Bo';
const ID = { meeting: 'meeting-1', kim: 'kim', noor: 'noor', eva: 'eva', alex: 'alex', bo: 'bo' };
const person = { relation: '', teamsUserId: '', email: '', address: '', language: 'sv' };

/**
 * A meeting at the client's home, sent: the caseworker Kim (convener), the school nurse Noor in
 * Teams, the grandmother Eva by post (in Danish), the client Alex, and the uncle with a hostile
 * name, who said he could not come.
 */
function plan(place: { kind: 'home' | 'room'; details: string } = { kind: 'home', details: HOME }): Meeting {
  const before = NOW.minus({ days: 10 });
  let m = newDraft({ id: ID.meeting, organizer: { userKey: 'aad-kim', name: 'Kim' }, organizerParticipantId: ID.kim, organizerUserId: 'kim-aad', organizerLanguage: 'sv', tenantId: 't', now: before });
  m = setWhen(m, { date: '2026-12-07', time: '10:00', duration: '120', placeKind: place.kind, placeDetails: place.details }, 'Europe/Stockholm', before);
  m = addParticipant(m, { ...person, name: 'Noor', relation: 'skolsköterska', group: 'professional', contactKind: 'teams', teamsUserId: 'noor-aad' }, ID.noor, before);
  m = addParticipant(m, { ...person, name: 'Eva', relation: 'mormor', group: 'network', contactKind: 'post', address: 'Gatan 1\n123 45 Ort', language: 'da' }, ID.eva, before);
  m = addParticipant(m, { ...person, name: 'Alex', group: 'client', contactKind: 'hand' }, ID.alex, before);
  m = addParticipant(m, { ...person, name: HOSTILE, relation: 'morbror & gudfar', group: 'network', contactKind: 'hand' }, ID.bo, before);
  m = setRoles(m, { consent: true, chairId: ID.noor, secretaryId: ID.kim }, 'aad-kim', before);
  m = setWhy(m, { purpose: 'En plan för våren', topics: 'Sömn\nSkolan', form: '' }, before);
  return markSent(m, before);
}

/** The meeting held: started 10:05, Eva marked present at 10:10 and gone at 11:20, Bo never came, ended 11:55. */
function held(m: Meeting, outcome: { responsible: string; followUp: string } = { responsible: ID.noor, followUp: '2027-03-05' }, memo = true): Session {
  const at = (minutes: number) => NOW.plus({ minutes });
  const step = (s: Session, x: SessionStep, minutes: number) => applyStep(m, s, x, 'aad-kim', at(minutes));
  let s = openSession(m, [{ participantId: ID.noor, text: 'Läxor' }], new Set([ID.bo]), 'aad-kim', at(-60));
  s = step(s, { step: 'begin' }, 5);
  s = step(s, { step: 'roles', chairId: ID.noor, secretaryId: ID.kim }, 6);
  if (memo) s = step(s, { step: 'memo', ways: ['email', 'handout'] }, 7);
  s = step(s, { step: 'presentSet', participantIds: [ID.kim, ID.noor, ID.eva, ID.alex] }, 10);
  s = step(s, { step: 'topicCovered', topicId: 'plan-1', covered: true }, 30);
  s = step(s, { step: 'presentSet', participantIds: [ID.kim, ID.noor, ID.alex] }, 80);
  s = step(s, { step: 'outcome', ...outcome }, 100);
  return step(s, { step: 'end' }, 115);
}

/** Three agreements: Alex's with Eva (open), Noor's (done 8 January), and one for the uncle. */
function items(m: Meeting): ActionItem[] {
  const at = NOW.plus({ minutes: 90 });
  const a = newActionItem(m, { text: 'Hitta en fritidsaktivitet', ownerId: ID.alex, due: '2027-01-15', withIds: [ID.eva] }, 'i1', 'aad-kim', at);
  const b = newActionItem(m, { text: 'Boka möte med skolan', ownerId: ID.noor, due: '2027-01-10', withIds: [] }, 'i2', 'aad-kim', at.plus({ seconds: 1 }));
  const c = newActionItem(m, { text: 'Ringa <b>kuratorn</b>', ownerId: ID.bo, due: '2027-02-01', withIds: [ID.noor, ID.kim] }, 'i3', 'aad-kim', at.plus({ seconds: 2 }));
  return [a, markItem(b, true, 'aad-noor', 'teams', DateTime.fromISO('2027-01-08T10:00:00Z')), c];
}

function minutesDoc(): MinutesDoc {
  return withNote(ID.meeting, undefined, 'Alex vill börja på fotboll.\nMormor hjälper till.', NOW.plus({ minutes: 120 }));
}

/** Everything the minutes must say, in words of the reader's language (the values as shown, unescaped). */
function facts(locale: Locale): string[] {
  const tr = (key: Parameters<typeof t>[1], params?: Record<string, string>) => t(locale, key as never, params as never);
  const date = (iso: string, weekday = false) =>
    DateTime.fromISO(iso, { zone: 'Europe/Stockholm' }).setLocale(locale).toLocaleString(weekday ? { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' } : { day: 'numeric', month: 'long', year: 'numeric' });
  const label = (name: string, relation: string) => t(locale, 'format.nameWithRelation', { name, relation });
  const kim = label('Kim', t(locale, 'who.convener'));
  return [
    tr('minutesDoc.title'),
    date('2026-12-07', true),
    t(locale, 'minutesDoc.timeValue', { start: '10:05', end: '11:55', zone: t(locale, 'zone.se') }),
    t(locale, 'place.home'),
    // Who was there, who left early and when, who did not come.
    tr('minutesDoc.present'),
    'Alex',
    label('Noor', 'skolsköterska'),
    kim,
    t(locale, 'minutesDoc.leftAt', { name: label('Eva', 'mormor'), time: '11:20' }),
    tr('minutesDoc.didNotCome'),
    label(HOSTILE, 'morbror & gudfar'),
    // Chair and secretary.
    `${tr('field.chair')}`,
    `${tr('field.secretary')}`,
    // Purpose and topics, covered ones marked.
    'En plan för våren',
    t(locale, 'minutesDoc.topicLine', { topic: 'Sömn', state: t(locale, 'minutesDoc.covered') }),
    t(locale, 'minutesDoc.topicLine', { topic: 'Skolan', state: t(locale, 'minutesDoc.notCovered') }),
    t(locale, 'minutesDoc.topicLine', { topic: 'Läxor', state: t(locale, 'minutesDoc.notCovered') }),
    // Every agreement: what, who, by when, with whom, done or not.
    tr('minutesDoc.agreements'),
    'Hitta en fritidsaktivitet',
    date('2027-01-15'),
    'Boka möte med skolan',
    date('2027-01-10'),
    t(locale, 'minutesDoc.done', { date: date('2027-01-08') }),
    t(locale, 'minutesDoc.notDone'),
    'Ringa <b>kuratorn</b>',
    date('2027-02-01'),
    // The outcome: responsible worker, follow-up, how the minutes reach everyone.
    tr('minutesDoc.responsible'),
    tr('minutesDoc.followUp'),
    date('2027-03-05', true),
    tr('minutesDoc.memo'),
    `${t(locale, 'session.memoWay.email')}; ${t(locale, 'session.memoWay.handout')}`,
    // The secretary's note.
    tr('minutesDoc.note'),
    'Alex vill börja på fotboll.',
    'Mormor hjälper till.',
  ];
}

describe('the minutes as a document (bot/documents/minutes.ts)', () => {
  const m = plan();
  const content = minutesContent(m, held(m), items(m), minutesDoc());
  const nonce = 'bm9uY2U=';

  for (const locale of LOCALES) {
    describe(`in ${locale}`, () => {
      const html = minutesHtml(m, content, locale, nonce, NOW.plus({ days: 1 }));
      const text = minutesText(m, content, locale);

      it('says every fact on the printable page and in the text', () => {
        const missingHtml = facts(locale).filter((f) => !html.includes(esc(f)));
        const missingText = facts(locale).filter((f) => !text.includes(f));
        assert.deepEqual(missingHtml, [], 'page');
        assert.deepEqual(missingText, [], 'text');
      });

      it('names the chair and the secretary as personLabel does, and every agreement with its people', () => {
        const noor = t(locale, 'format.nameWithRelation', { name: 'Noor', relation: 'skolsköterska' });
        const kim = t(locale, 'format.nameWithRelation', { name: 'Kim', relation: t(locale, 'who.convener') });
        const eva = t(locale, 'format.nameWithRelation', { name: 'Eva', relation: 'mormor' });
        assert.ok(text.includes(`${t(locale, 'field.chair')}: ${noor}`), text);
        assert.ok(text.includes(`${t(locale, 'field.secretary')}: ${kim}`), text);
        assert.ok(text.includes(`${t(locale, 'minutesDoc.responsible')}: ${noor}`), text);
        // Alex's item: who, by when, with whom, not done, on one line after its text.
        const alexItem = text.split('\n').findIndex((l) => l === '- Hitta en fritidsaktivitet');
        const details = text.split('\n')[alexItem + 1];
        for (const part of [`${t(locale, 'minutesDoc.who')}: Alex`, `${t(locale, 'minutesDoc.with')}: ${eva}`, t(locale, 'minutesDoc.notDone')]) assert.ok(details.includes(part), `${details} lacks ${part}`);
        // The uncle's item is done with two people.
        assert.ok(text.includes(`${t(locale, 'minutesDoc.with')}: ${noor}, ${kim}`), text);
      });

      it('keeps the home address out: only "at the client\'s home"', () => {
        for (const doc of [html, text]) {
          assert.ok(!doc.includes('Storgatan') && !doc.includes('portkod'), 'the home address is not in the minutes');
          assert.ok(!doc.includes('Gatan 1'), 'nor a postal address');
          assert.ok(!doc.includes('noor-aad') && !doc.includes('kim-aad'), 'nor a Teams id');
        }
        assert.ok(text.includes(`${t(locale, 'field.place')}: ${t(locale, 'place.home')}\n`));
      });

      it('escapes everything: a name with <script> stays text, the only script is the nonce\'d print button', () => {
        assert.equal(html.match(/<script/g)?.length, 1);
        assert.ok(html.includes(`<script nonce="${nonce}">`));
        assert.ok(html.includes(esc(HOSTILE)) && html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Bo'));
        assert.ok(html.includes('Ringa &lt;b&gt;kuratorn&lt;/b&gt;') && !html.includes('<b>kuratorn'));
        assert.ok(html.includes('morbror &amp; gudfar'));
        // The plain text is not HTML: nothing escaped there.
        assert.ok(text.includes(HOSTILE));
      });

      it('is an A4 page in the reader\'s language with a print button', () => {
        assert.ok(html.startsWith('<!doctype html>'));
        assert.ok(html.includes(`<html lang="${locale}">`));
        assert.ok(html.includes('@page{size:A4'));
        assert.ok(html.includes(`<title>${esc(t(locale, 'minutesDoc.title'))}</title>`));
        assert.ok(html.includes(`id="print">${esc(t(locale, 'minutesDoc.print'))}</button>`));
        assert.ok(html.includes('@media print{.tools{display:none}'));
        assert.ok(!html.includes(esc(t(locale, 'minutesDoc.draft'))), 'not marked as a draft unless asked');
        assert.ok(minutesHtml(m, content, locale, nonce, NOW, { draft: true }).includes(esc(t(locale, 'minutesDoc.draft'))));
      });

      it('is plain text: \\n line ends, no markup', () => {
        assert.ok(!text.includes('\r'));
        assert.ok(!/[<>]/.test(text.replaceAll(HOSTILE, '').replaceAll('Ringa <b>kuratorn</b>', '')), 'no tags of its own');
        assert.ok(!text.includes('**') && !text.includes('\\'));
        assert.ok(text.endsWith('\n') && !text.endsWith('\n\n'));
      });
    });
  }

  it('says "not decided" for a responsible worker and a follow-up not decided, and "not chosen" for roles nobody took', () => {
    const m2 = plan({ kind: 'room', details: 'Rum 2' });
    const s = held(m2, { responsible: 'undecided', followUp: 'undecided' }, false);
    const noRoles: Session = { ...s, chairId: undefined, secretaryId: undefined };
    const c: MinutesContent = minutesContent(m2, noRoles, [], undefined);
    for (const locale of LOCALES) {
      const text = minutesText(m2, c, locale);
      const html = minutesHtml(m2, c, locale, 'n', NOW);
      const notDecided = t(locale, 'minutesDoc.notDecided');
      assert.ok(text.includes(`${t(locale, 'minutesDoc.responsible')}: ${notDecided}\n`), text);
      assert.ok(text.includes(`${t(locale, 'minutesDoc.followUp')}: ${notDecided}\n`), text);
      assert.ok(text.includes(`${t(locale, 'minutesDoc.memo')}: ${t(locale, 'minutesDoc.memoNotAgreed')}`), text);
      assert.ok(text.includes(`${t(locale, 'field.chair')}: ${t(locale, 'minutesDoc.noRole')}`), text);
      assert.ok(text.includes(t(locale, 'minutesDoc.noItems')), text);
      assert.equal(html.split(`<td>${esc(notDecided)}</td>`).length - 1, 2, 'both shown as not decided on the page');
      // A room is named as entered; there is no note.
      assert.ok(text.includes(`${t(locale, 'field.place')}: Rum 2`));
      assert.ok(!text.includes(t(locale, 'minutesDoc.note')));
    }
  });

  it('also says "not decided" when the outcome was never recorded', () => {
    const c = { ...content, outcome: {} };
    const text = minutesText(m, c, 'en');
    assert.ok(text.includes("The client's responsible worker: Not decided\n"), text);
    assert.ok(text.includes('Follow-up meeting: Not decided\n'), text);
  });

  it('reads as the Swedish guide says it (sv), dates in Swedish', () => {
    const text = minutesText(m, content, 'sv');
    assert.ok(text.startsWith('Promemoria – nätverksmöte\n\nDatum: måndag 7 december 2026\nTid: 10:05–11:55 (svensk tid)\nPlats: Hemma hos klienten\n'), text);
    assert.ok(text.includes('Närvarande:\n- Klient: Alex\n- Närstående: Eva (mormor), gick kl. 11:20\n- Medarbetare: Kim (sammankallande)\n- Medarbetare: Noor (skolsköterska)\n'), text);
    assert.ok(text.includes(`Kom inte:\n- Närstående: ${HOSTILE} (morbror & gudfar)\n`), text);
    assert.ok(text.includes('- Hitta en fritidsaktivitet\n  Vem: Alex. Senast: 15 januari 2027. Tillsammans med: Eva (mormor). Inte klart.\n'), text);
    assert.ok(text.includes('- Boka möte med skolan\n  Vem: Noor (skolsköterska). Senast: 10 januari 2027. Klart 8 januari 2027.\n'), text);
    assert.ok(text.includes('Klientens ansvariga medarbetare: Noor (skolsköterska)\nUppföljningsmöte: fredag 5 mars 2027\nHur promemorian når alla: Med e-post; På papper vid mötet\n'), text);
  });

  it('writes the Danish and Finnish titles and roles in the guides\' words', () => {
    assert.ok(minutesText(m, content, 'da').startsWith('Referat – netværksmøde\n'));
    assert.ok(minutesText(m, content, 'da').includes('Mødeleder: Noor') && minutesText(m, content, 'da').includes('Referent: Kim'));
    assert.ok(minutesText(m, content, 'da').includes('Borgerens ansvarlige medarbejder: Noor'));
    assert.ok(minutesText(m, content, 'fi').startsWith('Muistio – verkostokokous\n'));
    assert.ok(minutesText(m, content, 'fi').includes('Puheenjohtaja: Noor') && minutesText(m, content, 'fi').includes('Kirjuri: Kim'));
    assert.ok(minutesText(m, content, 'fi').includes('Asiakkaan vastuutyöntekijä: Noor'));
    assert.ok(minutesText(m, content, 'fi').includes('Seurantakokous: perjantaina 5. maaliskuuta 2027'), minutesText(m, content, 'fi'));
  });

  it('uses the plan\'s time when the meeting has no recorded start and end', () => {
    const c = { ...content, startedAt: undefined, endedAt: undefined };
    assert.ok(minutesText(m, c, 'en').includes('Time: 10:00–12:00 (Swedish time)'));
  });

  it('is sent once the meeting has ended (the domain\'s rule, used by the minutes link)', () => {
    const doc = sentMinutes(ID.meeting, minutesDoc(), held(m), 'aad-kim', NOW.plus({ minutes: 130 }));
    assert.equal(doc.state, 'sent');
  });
});
