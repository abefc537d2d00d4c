import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { feedbackOf } from '../../bot/domain/feedback';
import { replyDoc, viewOf } from '../../bot/domain/invitation';
import { LOCALES, type Meeting } from '../../bot/domain/meeting';
import type { MeetingDoc, MeetingView } from '../../bot/domain/meeting-docs';
import { sentMinutes, withNote } from '../../bot/domain/minutes';
import { markItem, newActionItem } from '../../bot/domain/plan';
import { addParticipant, markSent, newDraft, setRoles, setWhen, setWhy } from '../../bot/domain/planning';
import { applyStep, openSession, type Session, type SessionStep } from '../../bot/domain/session';
import { journalText, meetingExport, type MeetingExportV1 } from '../../bot/documents/export';
import { esc } from '../../bot/documents/print';
import { createHmac } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { encodeClaims, EXPORT_HOURS, exportSubject, MINUTES_DAYS, participantKey } from '../../bot/domain/page-link';
import { exportRoutes, NOT_FOUND, serveJournal, serveMeetingJson, serveMinutes, UNAVAILABLE, type ExportVerifiers } from '../../bot/http/exports';
import { t } from '../../bot/i18n';
import { LetterLinks, linkKey } from '../../bot/services/links';
import type { Deps } from '../../bot/services/ports';
import { readSchema, schemaValidator } from '../support/schema';

const NOW = DateTime.fromISO('2026-12-07T09:00:00Z', { zone: 'utc' });
const HOME = 'Storgatan 5, portkod 1234';
/** Ids as Samråd issues them (UUIDs), so that the routes accept them. */
const ID = {
  meeting: '5d0c7f8e-1b2a-4c3d-8e9f-000000000001',
  kim: '5d0c7f8e-1b2a-4c3d-8e9f-0000000000a1',
  noor: '5d0c7f8e-1b2a-4c3d-8e9f-0000000000a2',
  eva: '5d0c7f8e-1b2a-4c3d-8e9f-0000000000a3',
  alex: '5d0c7f8e-1b2a-4c3d-8e9f-0000000000a4',
  bo: '5d0c7f8e-1b2a-4c3d-8e9f-0000000000a5',
  mia: '5d0c7f8e-1b2a-4c3d-8e9f-0000000000a6',
};
const person = { relation: '', teamsUserId: '', email: '', address: '', language: 'sv' };

/** A meeting at the client's home in Stockholm, sent: Kim (convener), Noor (school nurse, Teams), Eva by post (Danish), Alex (client), Bo, Mia by e-mail (Finnish). */
function plan(id = ID.meeting): Meeting {
  const before = NOW.minus({ days: 10 });
  let m = newDraft({ id, organizer: { userKey: 'aad-kim', name: 'Kim' }, organizerParticipantId: ID.kim, organizerUserId: 'kim-aad', organizerLanguage: 'sv', tenantId: 't', now: before });
  m = setWhen(m, { date: '2026-12-07', time: '10:00', duration: '120', placeKind: 'home', placeDetails: HOME }, 'Europe/Stockholm', before);
  m = addParticipant(m, { ...person, name: 'Noor', relation: 'skolsköterska', group: 'professional', contactKind: 'teams', teamsUserId: 'noor-aad' }, ID.noor, before);
  m = addParticipant(m, { ...person, name: 'Eva', relation: 'mormor', group: 'network', contactKind: 'post', address: 'Gatan 1\n123 45 Ort', language: 'da' }, ID.eva, before);
  m = addParticipant(m, { ...person, name: 'Alex', group: 'client', contactKind: 'hand' }, ID.alex, before);
  m = addParticipant(m, { ...person, name: 'Bo', relation: 'morbror', group: 'network', contactKind: 'hand' }, ID.bo, before);
  m = addParticipant(m, { ...person, name: 'Mia', relation: 'kurator', group: 'professional', contactKind: 'email', email: 'mia@skolan.example', language: 'fi' }, ID.mia, before);
  m = setRoles(m, { consent: true, chairId: ID.noor, secretaryId: ID.kim, coOrganizerId: ID.noor }, 'aad-kim', before);
  m = setWhy(m, { purpose: 'En plan för våren', topics: 'Sömn\nSkolan', form: 'Vi sitter i köket.' }, before);
  return markSent(m, before);
}

const at = (minutes: number) => NOW.plus({ minutes });

/** Meeting mode opened, started 10:05, Eva present from 10:10 and gone at 11:20, Bo never came, a break, ended 11:55. */
function held(m: Meeting): Session {
  const step = (s: Session, x: SessionStep, minutes: number) => applyStep(m, s, x, 'aad-kim', at(minutes));
  let s = openSession(m, [{ participantId: ID.eva, text: 'Läxor' }], new Set([ID.bo]), 'aad-kim', at(-60));
  s = step(s, { step: 'begin' }, 5);
  s = step(s, { step: 'roles', chairId: ID.noor, secretaryId: ID.kim }, 6);
  s = step(s, { step: 'memo', ways: ['teams', 'post'] }, 7);
  s = step(s, { step: 'presentSet', participantIds: [ID.kim, ID.noor, ID.eva, ID.alex, ID.mia] }, 10);
  s = step(s, { step: 'round', kind: 'checkIn' }, 12);
  s = step(s, { step: 'phase', phase: 'describe' }, 20);
  s = step(s, { step: 'topicCovered', topicId: 'plan-1', covered: true }, 30);
  s = step(s, { step: 'breakStart' }, 50);
  s = step(s, { step: 'breakEnd' }, 60);
  s = step(s, { step: 'topicAdd', text: 'Fritiden', id: 'added-1' }, 65);
  s = step(s, { step: 'phase', phase: 'agree' }, 70);
  s = step(s, { step: 'presentSet', participantIds: [ID.kim, ID.noor, ID.alex, ID.mia] }, 80);
  s = step(s, { step: 'outcome', responsible: ID.noor, followUp: '2027-03-05' }, 100);
  s = step(s, { step: 'phase', phase: 'summary' }, 105);
  return step(s, { step: 'end' }, 115);
}

/** Every document of the held meeting: answers, the session, two agreements (one done), three feedbacks, the minutes sent. */
function heldDocs(m = plan()): MeetingDoc[] {
  const s = held(m);
  const a = newActionItem(m, { text: 'Hitta en fritidsaktivitet', ownerId: ID.alex, due: '2027-01-15', withIds: [ID.eva] }, 'i1', 'aad-kim', at(90));
  const b = markItem(newActionItem(m, { text: 'Boka möte med skolan', ownerId: ID.noor, due: '2027-01-10', withIds: [] }, 'i2', 'aad-kim', at(91)), true, 'aad-noor', 'teams', DateTime.fromISO('2027-01-08T10:00:00Z'));
  const score = (n: string, comment = '') => ({ relation: n, goals: n, approach: n, overall: n, comment });
  const feedback = [
    feedbackOf(m, ID.alex, score('9', 'Jag blev lyssnad på'), 'screen', 'aad-kim', at(112)),
    feedbackOf(m, ID.noor, score('8'), 'teams', 'aad-noor', at(112)),
    feedbackOf(m, ID.mia, score('7', 'Bra'), 'page', 'page:mia', at(113)),
  ];
  const note = withNote(m.id, undefined, 'Alex vill börja på fotboll.', at(118));
  return [
    m,
    replyDoc(m, ID.noor, { answer: 'accepted', comment: 'Jag kommer', topic: '' }, 'teams', 'aad-noor', at(-2000)),
    replyDoc(m, ID.eva, { answer: 'accepted', comment: '', topic: 'Läxor' }, 'phone', 'aad-kim', at(-1900)),
    replyDoc(m, ID.bo, { answer: 'declined', comment: 'Jobbar', topic: '' }, 'phone', 'aad-kim', at(-1800)),
    s,
    a,
    b,
    ...feedback,
    sentMinutes(m.id, note, s, 'aad-kim', at(125)),
  ];
}

/** The same meeting, cancelled with a reason before it was held. */
function cancelledPlan(): Meeting {
  const m = plan();
  return { ...m, status: 'cancelled', rev: m.rev + 2, planRev: m.rev + 2, sequence: 1, cancelled: { at: at(-1440).toISO()!, by: 'aad-kim', reason: 'Alex är sjuk' } };
}

const view = (docs: MeetingDoc[]): MeetingView => viewOf(docs)!;

const schema = readSchema('meeting-export.v1');

/** The export's JSON Schema (draft 2020-12, strict, with its two formats). */
const validator = () => schemaValidator('meeting-export.v1');

describe('the meeting export (bot/documents/export.ts, schema/meeting-export.v1.schema.json)', () => {
  const validate = validator();
  const sentOnly = view([plan(), replyDoc(plan(), ID.noor, { answer: 'maybe', comment: '', topic: 'Läxor' }, 'teams', 'aad-noor', at(-2000))]);
  const heldView = view(heldDocs());
  const cancelledView = view([cancelledPlan()]);

  it('is valid against its JSON Schema for a sent meeting not held, a held one with items, feedback and minutes, and a cancelled one', () => {
    for (const [name, v] of [['sent', sentOnly], ['held', heldView], ['cancelled', cancelledView]] as const) {
      const exported = meetingExport(v, at(200));
      const result = validate(JSON.parse(JSON.stringify(exported)));
      assert.deepEqual(result.errors, [], name);
      assert.equal(result.ok, true, name);
    }
  });

  it('fails validation for an export that drifted from the schema', () => {
    const good = JSON.parse(JSON.stringify(meetingExport(heldView, at(200)))) as MeetingExportV1 & Record<string, any>;
    const mutations: [string, (x: any) => void][] = [
      ['another version', (x) => (x.schemaVersion = 2)],
      ['an unknown top-level field', (x) => (x.audit = [])],
      ['a contact detail on a participant', (x) => (x.participants[2].address = 'Gatan 1')],
      ['the home address', (x) => (x.meeting.place.details = HOME)],
      ['a score out of range', (x) => (x.feedback[0].scores.overall = 11)],
      ['a participant without a group', (x) => delete x.participants[0].group],
      ['an answer that is not one', (x) => (x.answers[0].answer = 'yes')],
      ['a day that is not a day', (x) => (x.actionItems[0].due = '15.1.2027')],
      ['an instant that is not one', (x) => (x.session.startedAt = 'yesterday')],
      ['a responsible worker that is neither an id nor undecided', (x) => (x.session.outcome.responsible = '')],
      ['a field renamed', (x) => ((x.actionItems[0].owner = x.actionItems[0].ownerId), delete x.actionItems[0].ownerId)],
    ];
    for (const [what, mutate] of mutations) {
      const bad = structuredClone(good);
      mutate(bad);
      assert.equal(validate(bad).ok, false, `${what} passed validation`);
    }
    assert.equal(validate(good).ok, true);
  });

  it('documents every field of the schema with a description', () => {
    const undocumented: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (typeof node !== 'object' || node === null) return;
      const n = node as Record<string, unknown>;
      for (const [key, child] of Object.entries((n.properties ?? {}) as Record<string, Record<string, unknown>>)) {
        if (typeof child.description !== 'string' || child.description.length < 3) undocumented.push(`${path}.${key}`);
        walk(child, `${path}.${key}`);
      }
      if (n.items) walk(n.items, `${path}[]`);
      for (const [key, def] of Object.entries((n.$defs ?? {}) as Record<string, unknown>)) {
        if (typeof (def as Record<string, unknown>).description !== 'string') undocumented.push(`$defs.${key}`);
      }
    };
    walk(schema, '');
    assert.deepEqual(undocumented, []);
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  });

  it('exports the meeting as held: the plan\'s public fields, presence, rounds, breaks, agenda, memo, outcome, items, feedback and minutes', () => {
    const x = meetingExport(heldView, at(200));
    assert.equal(x.schemaVersion, 1);
    assert.equal(x.exportedAt, at(200).toISO());
    assert.deepEqual(x.meeting.when, { start: '2026-12-07T09:00:00.000Z', timeZone: 'Europe/Stockholm', durationMinutes: 120 });
    assert.deepEqual(x.meeting.organizer, { name: 'Kim', participantId: ID.kim });
    assert.equal(x.meeting.coOrganizerId, ID.noor);
    assert.deepEqual(x.meeting.why, { purpose: 'En plan för våren', topics: ['Sömn', 'Skolan'], form: 'Vi sitter i köket.' });
    assert.deepEqual(x.participants.map((p) => [p.name, p.group, p.contactKind, p.organizer]), [
      ['Kim', 'professional', 'teams', true],
      ['Noor', 'professional', 'teams', false],
      ['Eva', 'network', 'post', false],
      ['Alex', 'client', 'hand', false],
      ['Bo', 'network', 'hand', false],
      ['Mia', 'professional', 'email', false],
    ]);
    assert.deepEqual(x.answers.map((a) => [a.participantId, a.answer, a.via]), [[ID.noor, 'accepted', 'teams'], [ID.eva, 'accepted', 'phone'], [ID.bo, 'declined', 'phone']]);
    assert.equal(x.answers[1].topic, 'Läxor');
    const s = x.session!;
    assert.equal(s.state, 'ended');
    assert.equal(s.startedAt, at(5).toISO());
    assert.equal(s.endedAt, at(115).toISO());
    assert.equal(s.phase, 'summary');
    assert.deepEqual(s.phases.map((p) => p.phase), ['welcome', 'describe', 'reflect', 'agree', 'summary']);
    assert.equal(s.phases.reduce((sum, p) => sum + p.plannedMinutes, 0), 120);
    assert.deepEqual(s.presence.find((p) => p.participantId === ID.eva), { participantId: ID.eva, present: false, arrivedAt: at(10).toISO(), leftAt: at(80).toISO() });
    assert.deepEqual(s.presence.find((p) => p.participantId === ID.bo), { participantId: ID.bo, present: false });
    assert.deepEqual(s.roundsHeld, ['introductions', 'checkIn']);
    assert.deepEqual(s.breaks, [{ startedAt: at(50).toISO(), endedAt: at(60).toISO() }]);
    assert.deepEqual(s.agenda.map((a) => [a.text, a.covered, a.source]), [['Sömn', true, 'plan'], ['Skolan', false, 'plan'], ['Läxor', false, 'proposed'], ['Fritiden', false, 'added']]);
    assert.deepEqual(s.memo, { ways: ['teams', 'post'] });
    assert.deepEqual(s.outcome, { responsible: ID.noor, followUp: '2027-03-05' });
    assert.deepEqual(x.actionItems.map((a) => [a.text, a.ownerId, a.due, a.withIds, a.done?.via]), [
      ['Hitta en fritidsaktivitet', ID.alex, '2027-01-15', [ID.eva], undefined],
      ['Boka möte med skolan', ID.noor, '2027-01-10', [], 'teams'],
    ]);
    assert.deepEqual(x.feedback.map((f) => [f.participantId, f.scores.overall, f.comment, f.via]), [[ID.noor, 8, undefined, 'teams'], [ID.alex, 9, 'Jag blev lyssnad på', 'screen'], [ID.mia, 7, 'Bra', 'page']]);
    assert.deepEqual(x.minutes, { sent: true, sentAt: at(125).toISO(), note: 'Alex vill börja på fotboll.' });
  });

  it('leaves contact details, the home address and Samråd\'s internal keys out', () => {
    for (const v of [sentOnly, heldView, cancelledView]) {
      const json = JSON.stringify(meetingExport(v, at(200)));
      for (const secret of ['Storgatan', 'portkod', 'Gatan 1', 'mia@skolan.example', 'noor-aad', 'kim-aad', 'aad-kim', 'aad-noor', 'page:mia', '"tenantId"', '"audit"', '"ttl"', '"rev"']) {
        assert.ok(!json.includes(secret), `${secret} is in the export`);
      }
      assert.deepEqual(meetingExport(v, at(200)).meeting.place, { kind: 'home' });
    }
    // A room stays as entered.
    const room = { ...plan(), place: { kind: 'room' as const, details: 'Rum 2' } };
    assert.deepEqual(meetingExport(view([room]), at(200)).meeting.place, { kind: 'room', details: 'Rum 2' });
  });

  it('exports a cancelled meeting with its cancellation and no session', () => {
    const x = meetingExport(cancelledView, at(200));
    assert.equal(x.meeting.status, 'cancelled');
    assert.deepEqual(x.meeting.cancelled, { at: at(-1440).toISO(), reason: 'Alex är sjuk' });
    assert.equal(x.session, undefined);
    assert.deepEqual([x.actionItems, x.feedback, x.answers], [[], [], []]);
  });
});

describe('the journal text (journalText)', () => {
  const heldView = view(heldDocs());

  for (const locale of LOCALES) {
    it(`gives the points and agreements of a held meeting as short plain text in ${locale}`, () => {
      const text = journalText(heldView, locale);
      const label = (name: string, relation: string) => t(locale, 'format.nameWithRelation', { name, relation });
      const day = (d: string, weekday = false) => DateTime.fromISO(d, { zone: 'Europe/Stockholm' }).setLocale(locale).toLocaleString(weekday ? { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' } : { day: 'numeric', month: 'long', year: 'numeric' });
      const expected = [
        t(locale, 'export.heading', { when: `${t(locale, 'format.timeRange', { date: day('2026-12-07', true), start: '10:05', end: '11:55' })} (${t(locale, 'zone.se')})` }),
        `${t(locale, 'field.place')}: ${t(locale, 'place.home')}`,
        `- ${t(locale, 'group.client')}: Alex`,
        `- ${t(locale, 'group.network')}: ${t(locale, 'minutesDoc.leftAt', { name: label('Eva', 'mormor'), time: '11:20' })}`,
        `- ${t(locale, 'group.professional')}: ${label('Mia', 'kurator')}`,
        `${t(locale, 'minutesDoc.didNotCome')}:\n- ${t(locale, 'group.network')}: ${label('Bo', 'morbror')}`,
        `${t(locale, 'field.chair')}: ${label('Noor', 'skolsköterska')}`,
        `${t(locale, 'field.secretary')}: ${label('Kim', t(locale, 'who.convener'))}`,
        `${t(locale, 'field.purpose')}:\nEn plan för våren`,
        `- ${t(locale, 'minutesDoc.topicLine', { topic: 'Sömn', state: t(locale, 'minutesDoc.covered') })}`,
        `- ${t(locale, 'minutesDoc.topicLine', { topic: 'Fritiden', state: t(locale, 'minutesDoc.notCovered') })}`,
        '- Hitta en fritidsaktivitet',
        `${t(locale, 'minutesDoc.due')}: ${day('2027-01-15')}`,
        t(locale, 'minutesDoc.done', { date: day('2027-01-08') }),
        `${t(locale, 'minutesDoc.responsible')}: ${label('Noor', 'skolsköterska')}`,
        `${t(locale, 'minutesDoc.followUp')}: ${day('2027-03-05', true)}`,
        `${t(locale, 'minutesDoc.note')}:\nAlex vill börja på fotboll.`,
        t(locale, 'export.sent', { date: day('2026-12-07') }),
      ];
      assert.deepEqual(expected.filter((e) => !text.includes(e)), [], text);
      assert.ok(!text.includes('\r'), 'no CR');
      assert.ok(!/\*\*|__|^#|\\|\]\(|<[a-z]/m.test(text), 'no markdown, no markup, nothing escaped');
      assert.ok(!text.includes('Storgatan') && !text.includes('Gatan 1') && !text.includes('mia@'), 'no addresses');
      // Short: the date and time once (in the heading), no memo ways, no print footer.
      assert.ok(!text.includes(`${t(locale, 'minutesDoc.date')}:`));
      assert.ok(!text.includes(t(locale, 'minutesDoc.memo')));
      assert.ok(!text.includes(t(locale, 'minutesDoc.confidential')));
      assert.ok(text.split('\n').length < 45, `${text.split('\n').length} lines`);
    });
  }

  it('lists those invited for a meeting not held yet, and says so', () => {
    const text = journalText(view([plan()]), 'sv');
    assert.ok(text.startsWith('Nätverksmöte, måndag 7 december 2026, 10:00–12:00 (svensk tid)\n\nMötet har inte hållits.\n\nPlats: Hemma hos klienten\nOrdförande: Noor (skolsköterska)\nSekreterare: Kim (sammankallande)\n\nInbjudna:\n- Klient: Alex\n- Närstående: Eva (mormor)\n- Närstående: Bo (morbror)\n'), text);
    assert.ok(text.includes('Syfte:\nEn plan för våren\n\nÄmnen:\n- Sömn\n- Skolan\n'), text);
  });

  it('says when a cancelled meeting was cancelled and why', () => {
    const text = journalText(view([cancelledPlan()]), 'da');
    assert.ok(text.includes('Mødet blev aflyst den 6. december 2026.\nÅrsag: Alex är sjuk\n'), text);
    assert.ok(!text.includes(t('da', 'export.notHeld')));
  });

  it('keeps what the caseworker typed on lines of its own, with \\n only', () => {
    const docs = heldDocs();
    const withCrlf = docs.map((d) => (d.kind === 'minutes' ? { ...d, note: 'Rad ett\r\nRad två' } : d));
    const text = journalText(view(withCrlf), 'sv');
    assert.ok(text.includes('Sekreterarens anteckningar:\nRad ett\nRad två\n'), text);
    assert.ok(!text.includes('\r'));
  });
});

describe('the export and minutes routes (bot/http/exports.ts)', () => {
  const SECRET = 'x'.repeat(32);
  const NEWER = 'y'.repeat(32);
  const BASE = 'https://samrad.example.org';
  let now = NOW.plus({ hours: 3 });
  /** The links as Samråd signs them with LINK_SIGNING_SECRET set to `secrets`. */
  const signer = (secrets: string) => new LetterLinks(secrets, () => BASE, () => now);
  const links = signer(SECRET);
  const letterLinks = links;
  const exportToken = (meetingId = ID.meeting, by = links) => by.exportUrls(meetingId).journalUrl.split('/export/')[1].split('/')[0];
  const minutesToken = (participantId: string, meetingId = ID.meeting, by = links) => by.minutesUrl(meetingId, participantId).split('/minutes/')[1];
  /** As `http/server.ts` wires them. */
  const verifiers: ExportVerifiers = { export: (token) => links.verifyExport(token), minutes: (token) => links.verifyMinutes(token) };
  /** A JWS signed by hand with a secret's derived key, over any payload. */
  const handSigned = (payload: Buffer, secret = SECRET) => {
    const { kid, key } = linkKey(secret);
    const input = `${Buffer.from(JSON.stringify({ alg: 'HS256', kid })).toString('base64url')}.${payload.toString('base64url')}`;
    return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
  };

  /** Just the ports the routes use: one meeting's documents (a single-partition query), the audit trail's one create, the clock and a log. */
  function deps(docs: MeetingDoc[] | 'down') {
    const logged: string[] = [];
    const audited: MeetingDoc[] = [];
    const fake = {
      stores: {
        meetings: {
          query: async (q: { partition: string }) => {
            if (docs === 'down') throw new Error('store down');
            return docs.filter((d) => d.meetingId === q.partition).map((doc) => ({ doc, etag: '"e"' }));
          },
          create: async (doc: MeetingDoc) => {
            audited.push(doc);
            return { doc, etag: '"a"' };
          },
        },
      },
      log: { info: (e: string) => logged.push(e), warn: () => {}, error: (e: string) => logged.push(e) },
      now: () => now,
    };
    return { deps: fake as unknown as Deps, logged, audited };
  }

  beforeEach(() => {
    now = NOW.plus({ hours: 3 });
  });

  it('gives the caseworker the journal as a text download and the meeting as a JSON download, never cached', async () => {
    const { deps: d, logged, audited } = deps(heldDocs());
    const journal = await serveJournal(d, verifiers.export, exportToken());
    assert.equal(journal.status, 200);
    assert.equal(journal.type, 'text/plain; charset=utf-8');
    assert.equal(journal.headers!['Cache-Control'], 'no-store');
    assert.equal(journal.headers!['Content-Disposition'], 'attachment; filename="network-meeting-2026-12-07-journal.txt"');
    assert.ok(journal.body.startsWith('Nätverksmöte, måndag 7 december 2026'), 'in the convening caseworker\'s language');
    const json = await serveMeetingJson(d, verifiers.export, exportToken());
    assert.equal(json.status, 200);
    assert.equal(json.type, 'application/json');
    assert.equal(json.headers!['Cache-Control'], 'no-store');
    assert.equal(json.headers!['Content-Disposition'], 'attachment; filename="network-meeting-2026-12-07-meeting.json"');
    const parsed = JSON.parse(json.body);
    assert.equal(validator()(parsed).ok, true);
    assert.equal(parsed.exportedAt, now.toUTC().toISO());
    assert.deepEqual(logged, ['export.served', 'export.served']);
    // Each download is in the meeting's audit trail: by the signed link (it names nobody), never a name.
    assert.deepEqual(
      audited.map((a) => a.kind === 'audit' && [a.meetingId, a.by, a.action]),
      [
        [ID.meeting, 'link', 'export.read'],
        [ID.meeting, 'link', 'export.read'],
      ],
    );
  });

  it('serves a cancelled meeting\'s export too, but never a draft\'s', async () => {
    assert.equal((await serveJournal(deps([cancelledPlan()]).deps, verifiers.export, exportToken())).status, 200);
    const draft = { ...plan(), status: 'draft' as const };
    assert.equal((await serveJournal(deps([draft]).deps, verifiers.export, exportToken())).status, 404);
    assert.equal((await serveMeetingJson(deps([draft]).deps, verifiers.export, exportToken())).status, 404);
  });

  it('answers the same fixed 404 for anything wrong: a token of another purpose, of another secret, altered or expired, an id Samråd did not issue, a meeting that is gone', async () => {
    const { deps: d } = deps(heldDocs());
    const { letterUrl, icsUrl } = letterLinks.letterUrls(ID.meeting, ID.kim);
    const liveToken = letterLinks.liveUrl(ID.meeting, at(120).toISO()!).split('/live/')[1];
    const pageToken = letterLinks.pageUrl(ID.meeting, ID.kim, 1, now.plus({ days: 30 })).split('/p/')[1];
    const good = exportToken();
    const [header, payload, signature] = good.split('.');
    const far = 0xffffffff;
    const wrong = [
      '',
      'nonsense',
      letterUrl.split('/letters/')[1],
      icsUrl.split('/letters/')[1].split('/')[0],
      liveToken,
      pageToken,
      minutesToken(ID.kim),
      `${header}.${payload}.${signature.slice(0, -2)}xx`,
      // The payload changed to a later expiry, or to another meeting, under the original signature.
      `${header}.${encodeClaims(exportSubject(ID.meeting, far)).toString('base64url')}.${signature}`,
      `${header}.${encodeClaims(exportSubject(ID.alex, far)).toString('base64url')}.${signature}`,
      // An export token that names a person instead of the meeting, even signed with the right key.
      handSigned(encodeClaims({ meetingId: ID.meeting, participantId: ID.kim, purpose: 'minutes', expires: far }).fill(4, 1, 2)),
      `${good}.extra`,
      exportToken(ID.meeting, signer(NEWER)),
      exportToken('not-a-uuid'),
      exportToken('5d0c7f8e-1b2a-4c3d-8e9f-00000000ffff'),
    ];
    assert.deepEqual(links.verifyExport(handSigned(encodeClaims(exportSubject(ID.meeting, far)))), { meetingId: ID.meeting }, 'the hand signing itself is right');
    for (const token of wrong) {
      for (const serve of [serveJournal, serveMeetingJson]) {
        const answer = await serve(d, verifiers.export, token);
        assert.deepEqual([answer.status, answer.body, answer.type, answer.headers!['Cache-Control']], [404, NOT_FOUND, 'text/plain; charset=utf-8', 'no-store'], token);
      }
    }
    // Expired: a day after it was signed.
    const token = exportToken();
    now = now.plus({ hours: EXPORT_HOURS });
    assert.equal((await serveJournal(d, verifiers.export, token)).body, NOT_FOUND);
  });

  it('gives a participant\'s printable minutes in that participant\'s language, marked as a draft until sent', async () => {
    const docs = heldDocs();
    const { deps: d } = deps(docs);
    const page = await serveMinutes(d, verifiers.minutes, minutesToken(ID.eva), 'en');
    assert.equal(page.status, 200);
    assert.equal(page.type, 'text/html; charset=utf-8');
    assert.equal(page.headers!['Cache-Control'], 'no-store');
    assert.ok(page.body.includes('<html lang="da">') && page.body.includes(esc(t('da', 'minutesDoc.title'))));
    assert.ok(!page.body.includes(esc(t('da', 'minutesDoc.draft'))));
    const nonce = /script-src 'nonce-([^']+)'/.exec(page.headers!['Content-Security-Policy'])![1];
    assert.ok(page.body.includes(`<script nonce="${nonce}">`));
    assert.ok(!page.body.includes('Storgatan'));
    const fi = await serveMinutes(d, verifiers.minutes, minutesToken(ID.mia), 'en');
    assert.ok(fi.body.includes('<html lang="fi">'));
    // Not sent yet: a draft.
    const unsent = docs.map((x) => (x.kind === 'minutes' ? { ...x, state: 'draft' as const, sentAt: undefined } : x));
    const draft = await serveMinutes(deps(unsent).deps, verifiers.minutes, minutesToken(ID.eva), 'en');
    assert.ok(draft.body.includes(esc(t('da', 'minutesDoc.draft'))));
  });

  it('gives no minutes before the meeting has ended, for someone not in it, or for an export token; the same page every time', async () => {
    const m = plan();
    const running = heldDocs(m).map((x) => (x.kind === 'session' ? { ...x, state: 'running' as const, endedAt: undefined } : x));
    const cases: [MeetingDoc[], string][] = [
      [running, minutesToken(ID.eva)],
      [[m], minutesToken(ID.eva)],
      [[cancelledPlan()], minutesToken(ID.eva)],
      [heldDocs(), minutesToken('5d0c7f8e-1b2a-4c3d-8e9f-00000000ffff')],
      [heldDocs(), exportToken()],
      [heldDocs(), letterLinks.letterUrls(ID.meeting, ID.eva).letterUrl.split('/letters/')[1]],
    ];
    const bodies = new Set<string>();
    for (const [docs, token] of cases) {
      const answer = await serveMinutes(deps(docs).deps, verifiers.minutes, token, 'sv');
      assert.equal(answer.status, 404, token);
      bodies.add(answer.body);
    }
    assert.equal(bodies.size, 1);
    assert.ok([...bodies][0].includes(esc(t('sv', 'minutesDoc.missing'))));
  });

  it('registers the three routes and answers through them; a store that fails is a fixed 503', async () => {
    const routes = new Map<string, (req: unknown, res: unknown) => Promise<void>>();
    const server = { get: (path: string, handler: (req: unknown, res: unknown) => Promise<void>) => routes.set(path, handler) };
    const call = async (docs: MeetingDoc[] | 'down', path: string, token: string, language = 'fi-FI') => {
      exportRoutes(server as never, deps(docs).deps, verifiers);
      const res = { status: 0, headers: {} as Record<string, string>, body: '', writeHead(status: number, headers: Record<string, string>) { this.status = status; this.headers = headers; }, end(body: string) { this.body = body; } };
      await routes.get(path)!({ params: { token }, headers: { 'accept-language': language } }, res);
      return res;
    };
    const journal = await call(heldDocs(), '/export/:token/journal.txt', exportToken());
    assert.equal(journal.status, 200);
    assert.equal(journal.headers['Content-Type'], 'text/plain; charset=utf-8');
    assert.equal(journal.headers['Cache-Control'], 'no-store');
    assert.match(journal.headers['Content-Disposition'], /^attachment; filename="network-meeting-2026-12-07-journal\.txt"$/);
    const json = await call(heldDocs(), '/export/:token/meeting.json', exportToken());
    assert.equal(json.headers['Content-Type'], 'application/json');
    assert.equal(JSON.parse(json.body).schemaVersion, 1);
    const minutes = await call(heldDocs(), '/minutes/:token', minutesToken(ID.noor));
    assert.equal(minutes.status, 200);
    assert.ok(minutes.body.includes('<html lang="sv">'), 'Noor\'s language, not the browser\'s');
    const missing = await call(heldDocs(), '/minutes/:token', 'bad');
    assert.deepEqual([missing.status, missing.body.includes(esc(t('fi', 'minutesDoc.missing')))], [404, true], 'the 404 page in the browser\'s language');
    const down = await call('down', '/export/:token/meeting.json', exportToken());
    assert.deepEqual([down.status, down.body, down.headers['Cache-Control']], [503, UNAVAILABLE, 'no-store']);
    const downPage = await call('down', '/minutes/:token', minutesToken(ID.noor));
    assert.equal(downPage.status, 503);
    assert.ok(downPage.body.includes(esc(t('fi', 'minutesDoc.unavailable'))));
    assert.deepEqual([...routes.keys()].sort(), ['/export/:token/journal.txt', '/export/:token/meeting.json', '/minutes/:token']);
  });

  it('signs export and minutes links as JWS tokens of their own purposes (4 and 5), with the key id of the newest secret', () => {
    const { journalUrl, jsonUrl } = links.exportUrls(ID.meeting);
    const token = exportToken();
    assert.equal(journalUrl, `${BASE}/export/${token}/journal.txt`);
    assert.equal(jsonUrl, `${BASE}/export/${token}/meeting.json`);
    assert.deepEqual(links.verifyExport(token), { meetingId: ID.meeting });
    const minutes = minutesToken(ID.eva);
    assert.equal(links.minutesUrl(ID.meeting, ID.eva), `${BASE}/minutes/${minutes}`);
    const claim = links.verifyMinutes(minutes)!;
    assert.equal(claim.meetingId, ID.meeting);
    assert.ok(claim.names(ID.eva) && !claim.names(ID.alex) && !claim.names(ID.meeting), 'the minutes token names Eva, by a hash of her id');
    for (const t of [token, minutes]) {
      assert.deepEqual(decodeProtectedHeader(t), { alg: 'HS256', kid: linkKey(SECRET).kid });
      assert.ok(t.length <= 130, `${t.length} characters`);
    }
    // The layout of domain/page-link.ts: purpose 4 naming the meeting itself; purpose 5 naming the participant.
    const body = (t: string) => Buffer.from(t.split('.')[1], 'base64url');
    assert.deepEqual([body(token)[0], body(token)[1], body(token).readUInt16BE(6), body(token).subarray(8, 16).toString('base64url')], [1, 4, 0, participantKey(ID.meeting)]);
    assert.deepEqual([body(minutes)[1], body(minutes).readUInt16BE(6), body(minutes).subarray(8, 16).toString('base64url')], [5, 0, participantKey(ID.eva)]);
    // No token opens another purpose's document.
    assert.equal(links.verifyMinutes(token), undefined);
    assert.equal(links.verifyExport(minutes), undefined);
    assert.equal(links.verify(token), undefined, 'an export token is no letter token');
    assert.equal(links.verify(minutes), undefined, 'nor is a minutes token');
    assert.deepEqual(links.check(token, 'page'), { ok: false, reason: 'invalid' });
    assert.equal(links.verifyExport(links.letterUrls(ID.meeting, ID.kim).letterUrl.split('/letters/')[1]), undefined);
    assert.equal(links.verifyMinutes(links.pageUrl(ID.meeting, ID.eva, 1, now.plus({ days: 30 })).split('/p/')[1]), undefined);
    // Another secret: refused.
    assert.equal(signer(NEWER).verifyExport(token), undefined, 'another secret signs differently');
    assert.equal(signer(NEWER).verifyMinutes(minutes), undefined);
  });

  it('keeps export and minutes links working after a rotation (LINK_SIGNING_SECRET "new,old"), until the old secret is taken out', () => {
    const token = exportToken();
    const minutes = minutesToken(ID.eva);
    const rotated = signer(`${NEWER},${SECRET}`);
    assert.deepEqual(rotated.verifyExport(token), { meetingId: ID.meeting });
    assert.ok(rotated.verifyMinutes(minutes)?.names(ID.eva));
    const fresh = exportToken(ID.meeting, rotated);
    assert.equal(decodeProtectedHeader(fresh).kid, linkKey(NEWER).kid, 'new links are signed with the new secret');
    assert.deepEqual(links.verifyExport(fresh), undefined, 'which the old configuration does not know');
    const after = signer(NEWER);
    assert.equal(after.verifyExport(token), undefined);
    assert.equal(after.verifyMinutes(minutes), undefined);
    assert.deepEqual(after.verifyExport(fresh), { meetingId: ID.meeting });
  });

  it('gives a minutes link 14 days and an export link 24 hours: refused as expired from the second of its expiry', () => {
    const token = exportToken();
    const minutes = minutesToken(ID.eva);
    const issued = now;
    now = issued.plus({ hours: EXPORT_HOURS }).minus({ seconds: 1 });
    assert.ok(links.verifyExport(token));
    now = issued.plus({ hours: EXPORT_HOURS });
    assert.equal(links.verifyExport(token), undefined);
    assert.deepEqual(links.check(token, 'export'), { ok: false, reason: 'expired', claims: { meetingId: ID.meeting, participantKey: participantKey(ID.meeting), purpose: 'export', expires: Math.floor(now.toSeconds()) } });
    now = issued.plus({ days: MINUTES_DAYS }).minus({ seconds: 1 });
    assert.ok(links.verifyMinutes(minutes));
    now = issued.plus({ days: MINUTES_DAYS });
    assert.equal(links.verifyMinutes(minutes), undefined);
  });
});
