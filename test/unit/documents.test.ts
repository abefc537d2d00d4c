import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { LOCALES, type ChangeKind, type Locale, type Meeting, type Participant } from '../../bot/domain/meeting';
import type { CaseworkerContact, UserRecord } from '../../bot/domain/user';
import { editable, sendChange, startChange, withEdits } from '../../bot/domain/change';
import { addParticipant, markSent, newDraft, setRoles, setWhen, setWhy } from '../../bot/domain/planning';
import { invitationIcs } from '../../bot/documents/ics';
import { ENVELOPE_WINDOW, MAILTO_BODY_MAX, invitationLetter } from '../../bot/documents/letter';
import { PAGE_MARGIN_MM } from '../../bot/documents/print';
import { serveLetter } from '../../bot/http/letters';
import { t } from '../../bot/i18n';
import { LetterLinks } from '../../bot/services/links';
import { encodeClaims, linkDocId, namesParticipant, participantKey, type PageLinkDoc } from '../../bot/domain/page-link';
import type { Deps } from '../../bot/services/ports';
import { formatPlace, formatWhen } from '../../cards/format';
import { checkCalendar } from '../support/ics';

const NOW = DateTime.fromISO('2026-11-23T09:00:00Z');
const CLIENT = 'Aleksi Virtanen';
const LONG_PLACE = 'Perheneuvola Hyvinkää, neuvotteluhuone Yläkerta, Kauppakatu 12 A, Hyvinkään kaupungintalo, 05800 Hyvinkää, Pöytäkirjahuone öö';
const CONTACT: CaseworkerContact = { name: 'Liisa Laine', organisation: 'Hyvinkään perheneuvola', phone: '+358 40 123 4567', email: 'liisa.laine@hyvinkaa.example' };

interface Invitee {
  name: string;
  language: string;
  contactKind?: 'post' | 'email' | 'hand';
  email?: string;
  address?: string;
}

/**
 * A meeting in Helsinki on 3 December 2026 at 13:15 for 75 minutes, sent, with the client and
 * a grandmother by letter in Finnish, and the given extra invitee (by letter unless told).
 */
function helsinkiMeeting(invitee: Invitee = { name: 'Mikko', language: 'fi' }, ids = { meeting: 'mtg-42', client: 'client', granny: 'granny', guest: 'guest' }): Meeting {
  let m = newDraft({ id: ids.meeting, organizer: { userKey: 'aad-liisa', name: 'Liisa Sosiaalityöntekijä' }, organizerParticipantId: 'o', organizerUserId: 'liisa', organizerLanguage: 'fi', tenantId: 't', now: NOW });
  m = setWhen(m, { date: '2026-12-03', time: '13:15', duration: '75', placeKind: 'room', placeDetails: LONG_PLACE }, 'Europe/Helsinki', NOW);
  const person = { relation: '', contactKind: 'post', teamsUserId: '', email: '', address: '', language: 'fi' };
  m = addParticipant(m, { ...person, name: CLIENT, group: 'client', address: 'Aleksin katu 5\n00100 Helsinki' }, ids.client, NOW);
  m = addParticipant(m, { ...person, name: 'Mummo', group: 'network', relation: 'isoäiti', address: 'Mummontie 2\n05800 Hyvinkää' }, ids.granny, NOW);
  m = addParticipant(m, { ...person, address: 'Kotikatu 1', ...invitee, group: 'network' }, ids.guest, NOW);
  m = setRoles(m, { consent: true, chairId: '', secretaryId: '' }, 'aad-liisa', NOW);
  m = setWhy(m, { purpose: 'Suunnitelma syksylle', topics: 'Koulu\nHarrastukset', form: '' }, NOW);
  return markSent(m, NOW);
}

/** The same meeting at another time, in another zone. */
const at = (m: Meeting, localStart: string, timeZone: string, durationMinutes = 90): Meeting => ({
  ...m,
  when: { start: DateTime.fromISO(localStart, { zone: timeZone }).toUTC().toISO()!, timeZone, durationMinutes },
});

/** The meeting after a change was sent (what the change changed, when known), as the plan keeps it. */
const changed = (m: Meeting, what?: ChangeKind[]): Meeting => ({
  ...m,
  rev: m.rev + 3,
  planRev: m.rev + 3,
  sequence: (m.sequence ?? 0) + 1,
  ...(what ? { lastChange: { rev: m.rev + 3, at: NOW.toISO()!, what } } : {}),
});

/** The meeting after the caseworker cancelled it. */
const cancelled = (m: Meeting, reason?: string): Meeting => ({
  ...m,
  status: 'cancelled',
  rev: m.rev + 5,
  planRev: m.rev + 5,
  sequence: (m.sequence ?? 0) + 1,
  cancelled: { at: NOW.toISO()!, by: 'aad-liisa', ...(reason ? { reason } : {}) },
});

const person = (m: Meeting, id: string): Participant => m.participants.find((p) => p.id === id)!;

/** The extra invitee by e-mail. */
const BY_EMAIL: Invitee = { name: 'Mikko', language: 'fi', contactKind: 'email', email: 'mikko@example.fi' };

/** The calendar file of the meeting's extra invitee (or of the person with the given id). */
const icsOf = (m: Meeting, contact?: CaseworkerContact, id = 'guest', stamp = NOW) => invitationIcs(m, person(m, id), stamp, contact);

/** A calendar file's component: its properties in order and the components inside it. */
interface Component {
  name: string;
  props: { name: string; params: Record<string, string>; value: string }[];
  children: Component[];
}

/**
 * A small RFC 5545 reader, enough to check Samråd's own files: unfolds lines, reads a
 * property's name, parameters (quoted or not) and value, and nests BEGIN/END components.
 * Every file read here is first checked with ical.js, a parser independent of this one.
 */
function parseIcs(text: string): Component {
  checkCalendar(text);
  const root: Component = { name: '', props: [], children: [] };
  const stack = [root];
  for (const line of text.replace(/\r\n[ \t]/g, '').split('\r\n').filter((l) => l !== '')) {
    const name = /^[A-Za-z0-9-]+/.exec(line)![0].toUpperCase();
    const params: Record<string, string> = {};
    let i = name.length;
    while (line[i] === ';') {
      const eq = line.indexOf('=', i);
      const key = line.slice(i + 1, eq).toUpperCase();
      i = eq + 1;
      if (line[i] === '"') {
        const close = line.indexOf('"', i + 1);
        params[key] = line.slice(i + 1, close);
        i = close + 1;
      } else {
        const value = /^[^;:]*/.exec(line.slice(i))![0];
        params[key] = value;
        i += value.length;
      }
    }
    assert.equal(line[i], ':', `a property line: ${line}`);
    const value = line.slice(i + 1);
    if (name === 'BEGIN') {
      const child: Component = { name: value, props: [], children: [] };
      stack.at(-1)!.children.push(child);
      stack.push(child);
    } else if (name === 'END') {
      assert.equal(stack.pop()!.name, value, 'END closes the component BEGIN opened');
    } else {
      stack.at(-1)!.props.push({ name, params, value });
    }
  }
  assert.equal(stack.length, 1, 'every component is closed');
  assert.equal(root.children.length, 1);
  return root.children[0];
}

const prop = (c: Component, name: string) => c.props.find((p) => p.name === name);
const value = (c: Component, name: string) => prop(c, name)?.value;
const child = (c: Component, name: string) => c.children.find((k) => k.name === name)!;

/** A DATE-TIME without a zone, as milliseconds as if it were UTC. */
const wall = (text: string) => {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/.exec(text)!;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
};
/** +0300 → 180 minutes; -0330 → -210. */
const offsetMinutes = (text: string) => {
  const m = /^([+-])(\d{2})(\d{2})$/.exec(text)!;
  return (m[1] === '-' ? -1 : 1) * (+m[2] * 60 + +m[3]);
};

/** The observances of a VTIMEZONE: each onset as a UTC instant, the offsets before and after. */
function observances(tz: Component) {
  return tz.children
    .map((o) => {
      const from = offsetMinutes(value(o, 'TZOFFSETFROM')!);
      return { kind: o.name, local: value(o, 'DTSTART')!, onset: wall(value(o, 'DTSTART')!) - from * 60_000, from, to: offsetMinutes(value(o, 'TZOFFSETTO')!) };
    })
    .sort((a, b) => a.onset - b.onset);
}

/**
 * The UTC instant a calendar program reads from DTSTART/DTEND with a TZID: the local time less
 * the TZOFFSETTO of the latest observance of the file's own VTIMEZONE that began before it.
 */
function instant(cal: Component, name: 'DTSTART' | 'DTEND'): { iso: string; offset: number } {
  const p = prop(child(cal, 'VEVENT'), name)!;
  const tzid = p.params.TZID;
  assert.ok(tzid, `${name} carries a TZID`);
  const tz = cal.children.find((c) => c.name === 'VTIMEZONE' && value(c, 'TZID') === tzid);
  assert.ok(tz, `a VTIMEZONE for ${tzid}`);
  const local = wall(p.value);
  const current = observances(tz).filter((o) => local - o.to * 60_000 >= o.onset).at(-1);
  assert.ok(current, `an observance covers ${p.value}`);
  return { iso: new Date(local - current.to * 60_000).toISOString(), offset: current.to };
}

/** The text of a document with HTML character references undone (for attribute values). */
const unescapeHtml = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The mailto link of a letter page: its address, and its subject and body decoded. */
function mailto(html: string): { href: string; to: string; subject: string; body: string } {
  const match = /<a class="mailto" href="([^"]*)"/.exec(html);
  assert.ok(match, 'the page has a mailto link');
  const href = unescapeHtml(match[1]);
  const [to, query] = href.slice('mailto:'.length).split('?');
  const fields = Object.fromEntries(query.split('&').map((pair) => pair.split('=') as [string, string]));
  return { href, to: decodeURIComponent(to), subject: decodeURIComponent(fields.subject), body: decodeURIComponent(fields.body) };
}

/** What the letter page shows in the envelope window, if anything. */
const windowText = (html: string) => /<address class="window">([\s\S]*?)<\/address>/.exec(html)?.[1];

describe('documents for people outside Teams', () => {
  describe('invitationIcs', () => {
    const ics = icsOf(helsinkiMeeting());
    const cal = parseIcs(ics);
    const event = child(cal, 'VEVENT');

    it('ends every line with CRLF and has no bare line feed', () => {
      assert.ok(ics.endsWith('\r\n'));
      assert.equal(ics.replace(/\r\n/g, '').includes('\n'), false);
      assert.equal(ics.replace(/\r\n/g, '').includes('\r'), false);
      assert.ok(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n'));
    });

    it('folds lines at 75 octets, never inside a UTF-8 character, and unfolds to the original text', () => {
      const raw = Buffer.from(ics, 'utf8');
      const lines: Buffer[] = [];
      for (let start = 0, i = 0; i <= raw.length - 2; i++) {
        if (raw[i] === 0x0d && raw[i + 1] === 0x0a) {
          lines.push(raw.subarray(start, i));
          start = i + 2;
        }
      }
      const decoder = new TextDecoder('utf-8', { fatal: true });
      assert.ok(lines.some((l) => l[0] === 0x20), 'the long place is folded');
      const movedWhole = lines.some((l, i) => l.length === 74 && lines[i + 1]?.[0] === 0x20 && lines[i + 1][1] >= 0x80);
      assert.ok(movedWhole, 'an ö that would cross octet 75 starts the next line instead');
      for (const line of lines) {
        assert.ok(line.length <= 75, `${line.length} octets: ${line.toString()}`);
        assert.doesNotThrow(() => decoder.decode(line), `a line splits a character: ${line.toString('hex')}`);
      }
      assert.equal(value(event, 'LOCATION'), LONG_PLACE.replace(/,/g, '\\,'));
    });

    it('writes the start and end in the meeting\'s own zone, with the zone\'s definition in the file', () => {
      // 13:15 in Helsinki for 75 minutes; 11:15 UTC in December.
      assert.deepEqual(prop(event, 'DTSTART'), { name: 'DTSTART', params: { TZID: 'Europe/Helsinki' }, value: '20261203T131500' });
      assert.deepEqual(prop(event, 'DTEND'), { name: 'DTEND', params: { TZID: 'Europe/Helsinki' }, value: '20261203T143000' });
      assert.equal(value(event, 'DTSTAMP'), '20261123T090000Z');
      assert.equal(value(child(cal, 'VTIMEZONE'), 'TZID'), 'Europe/Helsinki');
      assert.deepEqual(instant(cal, 'DTSTART'), { iso: '2026-12-03T11:15:00.000Z', offset: 120 });
      assert.deepEqual(instant(cal, 'DTEND'), { iso: '2026-12-03T12:30:00.000Z', offset: 120 });
    });

    it('escapes commas, semicolons, backslashes and line breaks in a text value', () => {
      const m = { ...helsinkiMeeting(), place: { kind: 'room' as const, details: 'Huone 1, kerros 2; C:\\polku\nsisäpiha' } };
      assert.equal(value(child(parseIcs(icsOf(m)), 'VEVENT'), 'LOCATION'), 'Huone 1\\, kerros 2\\; C:\\\\polku\\nsisäpiha');
      assert.equal(checkCalendar(icsOf(m)).event.location, m.place.details, 'ical.js reads back the text as written');
    });

    it('never names the client, and uses the generic title and description of the reader\'s language', () => {
      assert.ok(!ics.includes('Aleksi') && !ics.includes('Virtanen'));
      assert.ok(!ics.replace(/\r\n /g, '').includes(CLIENT));
      assert.equal(value(event, 'SUMMARY'), t('fi', 'ics.summary'));
      assert.equal(value(event, 'DESCRIPTION'), t('fi', 'ics.description').replace(/,/g, '\\,'));
    });

    it('refuses a meeting without a time', () => {
      const { when: _, ...noTime } = helsinkiMeeting();
      assert.throws(() => icsOf(noTime as Meeting));
    });

    describe('the place', () => {
      const HOME = { kind: 'home' as const, details: 'Aleksin katu 5, 00100 Helsinki' };

      it('for a meeting at the client\'s home is the generic text in sv, da, fi and en, and "At your home" in the client\'s own file, in every form, with neither the client\'s name nor the address', () => {
        assert.equal(t('en', 'ics.homeLocation'), "At the client's home (the address is in your invitation)");
        assert.equal(t('en', 'ics.homeLocationClient'), 'At your home');
        assert.deepEqual(
          LOCALES.map((locale) => t(locale, 'ics.homeLocationClient')),
          LOCALES.map((locale) => ({ sv: 'Hemma hos dig', da: 'Hjemme hos dig', fi: 'Kotonasi', en: 'At your home' })[locale]),
        );
        const forms = new Set<string | undefined>();
        for (const locale of LOCALES) {
          for (const guest of [{ name: 'Mikko', language: locale }, { ...BY_EMAIL, language: locale }]) {
            const sent = helsinkiMeeting(guest);
            const m: Meeting = { ...sent, place: HOME, participants: sent.participants.map((p) => ({ ...p, language: locale })) };
            for (const plan of [m, cancelled(m)]) {
              for (const id of ['guest', 'granny', 'client']) {
                for (const contact of [CONTACT, undefined]) {
                  const text = icsOf(plan, contact, id);
                  const { event, method } = checkCalendar(text);
                  forms.add(method);
                  // The client's own file says "At your home"; everyone else's names no one and gives no address.
                  const expected = t(locale, person(plan, id).group === 'client' ? 'ics.homeLocationClient' : 'ics.homeLocation');
                  assert.equal(event.location, expected, `${locale} ${id} ${method}`);
                  const unfolded = text.replace(/\r\n[ \t]/g, '');
                  for (const secret of ['Aleksi', 'Virtanen', 'katu 5', '00100 Helsinki']) assert.ok(!unfolded.includes(secret), `${locale} ${id} ${method}: ${secret}`);
                }
              }
            }
            // The letter, which the person must open, keeps the address.
            assert.ok(invitationLetter(m, person(m, 'guest'), CONTACT, NOW, 'n').includes(HOME.details), `${locale}: the letter gives the address`);
          }
        }
        assert.deepEqual([...forms].sort(), ['CANCEL', 'REQUEST', undefined], 'both forms were seen');
      });

      it('for a room or an online meeting is the place as the invitation gives it', () => {
        for (const place of [{ kind: 'room', details: 'Neuvotteluhuone 2' }, { kind: 'online', details: 'Teams' }] as const) {
          const m = { ...helsinkiMeeting(BY_EMAIL), place };
          for (const contact of [CONTACT, undefined]) assert.equal(checkCalendar(icsOf(m, contact)).event.location, formatPlace(place, 'fi'), place.kind);
        }
      });
    });

    describe('an iTIP request or a plain import', () => {
      /** The meeting with one person's contact replaced. */
      const reached = (m: Meeting, id: string, contact: Participant['contact']): Meeting => ({ ...m, participants: m.participants.map((p) => (p.id === id ? { ...p, contact } : p)) });

      it('is a REQUEST for an invitee by e-mail when the caseworker entered their e-mail: the caseworker as ORGANIZER, the invitee\'s address as the one ATTENDEE, without a name', () => {
        const m = helsinkiMeeting(BY_EMAIL);
        const text = icsOf(m, CONTACT);
        assert.equal(checkCalendar(text).method, 'REQUEST');
        const event = child(parseIcs(text), 'VEVENT');
        assert.deepEqual(prop(event, 'ORGANIZER'), { name: 'ORGANIZER', params: { CN: 'Liisa Laine' }, value: 'mailto:liisa.laine@hyvinkaa.example' });
        assert.deepEqual(event.props.filter((p) => p.name === 'ATTENDEE'), [{ name: 'ATTENDEE', params: { RSVP: 'TRUE', PARTSTAT: 'NEEDS-ACTION' }, value: 'mailto:mikko@example.fi' }]);
        assert.ok(!text.includes('Mikko') && !text.includes('Aleksi') && !text.includes('Mummo'), 'no name but the caseworker\'s');
      });

      it('is a plain import (no METHOD, no ORGANIZER, no ATTENDEE) for an invitee by post, by hand or in Teams, and for the client even by e-mail', () => {
        const mail = helsinkiMeeting(BY_EMAIL);
        const cases: [string, Meeting, string][] = [
          ['by post', helsinkiMeeting(), 'guest'],
          ['by hand', helsinkiMeeting({ name: 'Mikko', language: 'fi', contactKind: 'hand' }), 'guest'],
          ['in Teams', reached(mail, 'guest', { kind: 'teams', userId: 'mikko' }), 'guest'],
          ['the client by e-mail', reached(mail, 'client', { kind: 'email', email: 'aleksi@example.fi' }), 'client'],
          ['a malformed address', reached(mail, 'guest', { kind: 'email', email: 'mikko@' }), 'guest'],
        ];
        for (const [label, m, id] of cases) {
          const text = icsOf(m, CONTACT, id);
          assert.equal(checkCalendar(text).method, undefined, label);
          assert.equal(value(parseIcs(text), 'METHOD'), undefined, label);
          for (const absent of ['ORGANIZER', 'ATTENDEE', 'mailto:', 'aleksi@', 'Liisa']) assert.ok(!text.includes(absent), `${label}: ${absent}`);
        }
      });

      it('is a plain import without the caseworker\'s own e-mail address, even for an invitee by e-mail: no ORGANIZER is made up', () => {
        const m = helsinkiMeeting(BY_EMAIL);
        for (const contact of [undefined, { ...CONTACT, email: '' }, { ...CONTACT, email: 'liisa at hyvinkaa' }, { ...CONTACT, email: 'a@b@c' }]) {
          const text = icsOf(m, contact);
          assert.equal(checkCalendar(text).method, undefined, contact?.email);
          assert.ok(!text.includes('ORGANIZER') && !text.includes('ATTENDEE'), contact?.email);
        }
      });

      it('quotes the caseworker\'s name as the ORGANIZER\'s CN without a DQUOTE or a line break', () => {
        const quoted = icsOf(helsinkiMeeting(BY_EMAIL), { ...CONTACT, name: 'Liisa "L" Laine; Hyvinkää:\r\nX' });
        // A quoted parameter value holds no DQUOTE and no line break; the ; and : stay inside the quotes.
        assert.equal(prop(child(parseIcs(quoted), 'VEVENT'), 'ORGANIZER')!.params.CN, 'Liisa L Laine; Hyvinkää: X');
        assert.equal(checkCalendar(quoted).vevent.getFirstProperty('organizer')!.getFirstParameter('cn'), 'Liisa L Laine; Hyvinkää: X');
      });
    });

    describe('updates the one event a calendar already has', () => {
      /** The first invitation, a change of time, a change of place and the cancellation. */
      const series = (first: Meeting) => {
        const moved = changed(at(first, '2026-12-10T09:00', 'Europe/Helsinki', 60), ['time']);
        const movedAgain = changed(moved, ['place']);
        return [first, moved, movedAgain, cancelled(movedAgain, 'Asiakas on sairaana')];
      };
      const forms = {
        plain: series(helsinkiMeeting()).map((m) => icsOf(m, CONTACT)),
        itip: series(helsinkiMeeting(BY_EMAIL)).map((m) => icsOf(m, CONTACT)),
      };

      it('keeps the UID of the meeting through every change and the cancellation, in both forms', () => {
        for (const [form, files] of Object.entries(forms)) {
          for (const text of files) {
            assert.equal(value(child(parseIcs(text), 'VEVENT'), 'UID'), 'mtg-42@samrad', form);
            assert.equal(checkCalendar(text).event.uid, 'mtg-42@samrad', form);
          }
        }
      });

      it('raises SEQUENCE with every change sent and with the cancellation, from 0 for the first invitation, in both forms', () => {
        for (const [form, files] of Object.entries(forms)) {
          assert.deepEqual(files.map((text) => value(child(parseIcs(text), 'VEVENT'), 'SEQUENCE')), ['0', '1', '2', '3'], form);
          assert.deepEqual(files.map((text) => checkCalendar(text).event.sequence), [0, 1, 2, 3], form);
        }
        assert.equal(value(child(parseIcs(icsOf({ ...helsinkiMeeting(), sequence: undefined })), 'VEVENT'), 'SEQUENCE'), '0');
      });

      it('is cancelled with STATUS:CANCELLED in both forms: METHOD:CANCEL after REQUESTs in the iTIP form, no METHOD in the plain import', () => {
        assert.deepEqual(forms.itip.map((text) => checkCalendar(text).method), ['REQUEST', 'REQUEST', 'REQUEST', 'CANCEL']);
        assert.deepEqual(forms.plain.map((text) => checkCalendar(text).method), [undefined, undefined, undefined, undefined]);
        for (const [form, files] of Object.entries(forms)) {
          const cals = files.map(parseIcs);
          assert.deepEqual(cals.map((c) => value(child(c, 'VEVENT'), 'STATUS')), ['CONFIRMED', 'CONFIRMED', 'CONFIRMED', 'CANCELLED'], form);
          assert.equal(value(child(cals[3], 'VEVENT'), 'SUMMARY'), t('fi', 'ics.cancelledSummary'), form);
          assert.equal(instant(cals[3], 'DTSTART').iso, '2026-12-10T07:00:00.000Z', `${form}: the cancellation names the time it cancels`);
          assert.ok(!files[3].includes('sairaana'), `${form}: the reason of a cancellation stays out of the calendar`);
        }
        // The iTIP cancellation names the invitee it cancels for, who is asked for no answer.
        assert.deepEqual(prop(child(parseIcs(forms.itip[3]), 'VEVENT'), 'ATTENDEE'), { name: 'ATTENDEE', params: {}, value: 'mailto:mikko@example.fi' });
      });

      it('dates an iTIP message when it is made, and a plain import when what it shows was sent (RFC 5545 DTSTAMP)', () => {
        const later = NOW.plus({ days: 3 });
        const [first, moved, , gone] = series(helsinkiMeeting());
        const revised = { ...moved, lastChange: { ...moved.lastChange!, at: '2026-11-24T10:30:00.000Z' } };
        const goneLater = { ...gone, cancelled: { ...gone.cancelled!, at: '2026-11-25T08:00:00.000Z' } };
        const stamp = (m: Meeting) => value(child(parseIcs(icsOf(m, CONTACT, 'guest', later)), 'VEVENT'), 'DTSTAMP');
        assert.deepEqual([first, revised, goneLater].map(stamp), ['20261123T090000Z', '20261124T103000Z', '20261125T080000Z']);
        assert.equal(value(child(parseIcs(icsOf(helsinkiMeeting(BY_EMAIL), CONTACT, 'guest', later)), 'VEVENT'), 'DTSTAMP'), '20261126T090000Z');
      });
    });

    describe('the time zone', () => {
      /** Checks a file's time against the stored instant, and its VTIMEZONE's offsets against the zone database. */
      function check(m: Meeting) {
        const text = icsOf(m);
        const cal = parseIcs(text);
        const start = instant(cal, 'DTSTART');
        const end = instant(cal, 'DTEND');
        // ical.js, reading the file's VTIMEZONE on its own, finds the same instants.
        const independent = checkCalendar(text);
        assert.deepEqual([independent.start.toISOString(), independent.end.toISOString()], [start.iso, end.iso]);
        assert.equal(start.iso, DateTime.fromISO(m.when!.start).toUTC().toISO());
        assert.equal(end.iso, DateTime.fromISO(m.when!.start).plus({ minutes: m.when!.durationMinutes }).toUTC().toISO());
        const tz = child(cal, 'VTIMEZONE');
        const list = observances(tz);
        for (const o of list) {
          if (o.from === o.to) continue;
          assert.equal(DateTime.fromMillis(o.onset - 60_000, { zone: m.when!.timeZone }).offset, o.from, `${o.kind} ${o.local}: the offset before`);
          assert.equal(DateTime.fromMillis(o.onset, { zone: m.when!.timeZone }).offset, o.to, `${o.kind} ${o.local}: the offset from then on`);
          assert.equal(o.kind, o.to > o.from ? 'DAYLIGHT' : 'STANDARD');
        }
        list.slice(1).forEach((o, i) => assert.equal(o.from, list[i].to, 'each observance starts from the offset of the one before'));
        return { cal, start, end, list };
      }

      it('on the day Helsinki moves its clocks forward (Sunday 28 March 2027): +03:00 from 03:00, and both changes of 2027 described', () => {
        const { cal, start, list } = check(at(helsinkiMeeting(), '2027-03-28T10:00', 'Europe/Helsinki'));
        assert.equal(value(child(cal, 'VEVENT'), 'DTSTART'), '20270328T100000');
        assert.deepEqual(start, { iso: '2027-03-28T07:00:00.000Z', offset: 180 });
        const brief = list.map((o) => `${o.kind} ${o.local} ${o.from}>${o.to}`);
        assert.deepEqual(brief, ['STANDARD 20261025T040000 180>120', 'DAYLIGHT 20270328T030000 120>180', 'STANDARD 20271031T040000 180>120']);
      });

      it('on the day of the change in 2028 (Sunday 26 March), and for a meeting that spans the change itself', () => {
        assert.deepEqual(check(at(helsinkiMeeting(), '2028-03-26T09:30', 'Europe/Helsinki')).start, { iso: '2028-03-26T06:30:00.000Z', offset: 180 });
        // 02:30 is still winter time; two hours later the clocks show 05:30 summer time.
        const across = check(at(helsinkiMeeting(), '2027-03-28T02:30', 'Europe/Helsinki', 120));
        assert.equal(value(child(across.cal, 'VEVENT'), 'DTEND'), '20270328T053000');
        assert.deepEqual([across.start.offset, across.end.offset], [120, 180]);
      });

      it('on the day Stockholm moves its clocks back (Sunday 31 October 2027)', () => {
        const { start, list } = check(at(helsinkiMeeting(), '2027-10-31T10:00', 'Europe/Stockholm'));
        assert.deepEqual(start, { iso: '2027-10-31T09:00:00.000Z', offset: 60 });
        assert.ok(list.some((o) => o.kind === 'STANDARD' && o.local === '20271031T030000' && o.from === 120 && o.to === 60));
      });

      it('in winter and in summer', () => {
        assert.deepEqual(check(at(helsinkiMeeting(), '2027-01-15T09:00', 'Europe/Helsinki')).start, { iso: '2027-01-15T07:00:00.000Z', offset: 120 });
        assert.deepEqual(check(at(helsinkiMeeting(), '2027-07-15T09:00', 'Europe/Helsinki')).start, { iso: '2027-07-15T06:00:00.000Z', offset: 180 });
        assert.deepEqual(check(at(helsinkiMeeting(), '2027-07-15T09:00', 'Europe/Copenhagen')).start, { iso: '2027-07-15T07:00:00.000Z', offset: 120 });
      });

      it('south of the equator, where summer time spans the new year (Australia/Sydney)', () => {
        const { start, list } = check(at(helsinkiMeeting(), '2027-01-15T10:00', 'Australia/Sydney'));
        assert.deepEqual(start, { iso: '2027-01-14T23:00:00.000Z', offset: 660 });
        assert.deepEqual(list.map((o) => o.kind), ['DAYLIGHT', 'STANDARD', 'DAYLIGHT']);
      });

      it('for a meeting over the new year, the changes of both years', () => {
        const { list, end } = check(at(helsinkiMeeting(), '2027-12-31T23:30', 'Europe/Helsinki', 60));
        assert.equal(end.iso, '2027-12-31T22:30:00.000Z');
        assert.deepEqual(list.map((o) => o.local.slice(0, 8)), ['20261025', '20270328', '20271031', '20280326', '20281029']);
      });

      it('for zones without daylight saving time: one STANDARD observance with the zone\'s offset', () => {
        for (const [zone, offset, iso] of [['Asia/Tokyo', '+0900', '2027-06-01T01:00:00.000Z'], ['UTC', '+0000', '2027-06-01T10:00:00.000Z']] as const) {
          const { cal, start } = check(at(helsinkiMeeting(), '2027-06-01T10:00', zone));
          const tz = child(cal, 'VTIMEZONE');
          assert.deepEqual(tz.children.map((o) => o.name), ['STANDARD'], zone);
          assert.deepEqual([value(tz.children[0], 'TZOFFSETFROM'), value(tz.children[0], 'TZOFFSETTO')], [offset, offset]);
          assert.equal(prop(child(cal, 'VEVENT'), 'DTSTART')!.params.TZID, zone);
          assert.equal(start.iso, iso);
        }
      });
    });
  });

  describe('invitationLetter', () => {
    const EVIL = `<script>alert(1)</script> "&'`;
    const EVIL_HTML = '&lt;script&gt;alert(1)&lt;/script&gt; &quot;&amp;&#39;';

    it('HTML-escapes every value: names, the address, the caseworker\'s details, the reason of a cancellation', () => {
      const m = helsinkiMeeting({ name: EVIL, language: 'fi', address: '<i>Katu</i> 1 & "2"\n00100 Helsinki' });
      const contact = { name: '<b>Liisa</b> & "L"', organisation: 'A&B <i>', phone: '<script>1</script>', email: "x&y'@example.org" };
      const html = invitationLetter(m, person(m, 'guest'), contact, NOW, 'nonce-1');
      assert.ok(!html.includes('<script>alert(1)'));
      assert.ok(html.includes(EVIL_HTML));
      assert.equal(windowText(html), `${EVIL_HTML}<br>&lt;i&gt;Katu&lt;/i&gt; 1 &amp; &quot;2&quot;<br>00100 Helsinki`);
      assert.ok(html.includes('&lt;b&gt;Liisa&lt;/b&gt; &amp; &quot;L&quot;') && html.includes('A&amp;B &lt;i&gt;') && html.includes('x&amp;y&#39;@example.org'));
      assert.ok(!html.includes('<b>') && !html.includes('<i>'));
      assert.equal(html.match(/<script/g)!.length, 1, 'only the print button\'s own script');
      assert.ok(html.includes('<script nonce="nonce-1">'));

      const gone = cancelled(m, EVIL);
      const cancellation = invitationLetter(gone, person(gone, 'guest'), contact, NOW, 'n');
      assert.equal(cancellation.match(/<script/g)!.length, 1);
      assert.ok(cancellation.includes(t('fi', 'letter.cancelledReason', { reason: EVIL_HTML })));

      const byMail = helsinkiMeeting({ name: EVIL, language: 'fi', contactKind: 'email', email: 'mikko@example.fi' });
      const page = invitationLetter(byMail, person(byMail, 'guest'), contact, NOW, 'n');
      assert.equal(page.match(/<script/g)!.length, 1);
      assert.ok(mailto(page).body.includes(t('fi', 'letter.greeting', { name: EVIL })), 'the e-mail carries the name as written, percent-encoded in the link');
    });

    it('still offers the e-mail when a name holds a broken character, and never cuts a character in two', () => {
      const m = helsinkiMeeting({ name: 'Mikko \uD800 🙂', language: 'fi', contactKind: 'email', email: 'mikko@example.fi' });
      const body = mailto(invitationLetter(m, person(m, 'guest'), CONTACT, NOW, 'n')).body;
      assert.ok(body.includes(t('fi', 'letter.greeting', { name: 'Mikko \uFFFD 🙂' })));
      const long: Meeting = { ...m, why: { ...m.why!, purpose: '🙂'.repeat(1000) } };
      const body2 = mailto(invitationLetter(long, person(long, 'guest'), CONTACT, NOW, 'n')).body;
      assert.ok(body2.length <= MAILTO_BODY_MAX && body2.includes('🙂🙂…'), 'the purpose is shortened between whole characters');
    });

    it('is written in the invitee\'s language', () => {
      const m = helsinkiMeeting({ name: 'Mikko', language: 'fi' });
      const html = invitationLetter(m, person(m, 'guest'), CONTACT, NOW, 'n');
      assert.match(html, /<html lang="fi">/);
      assert.ok(html.includes(t('fi', 'letter.greeting', { name: 'Mikko' })));
      assert.ok(html.includes(t('fi', 'letter.regards')));
      const english = helsinkiMeeting({ name: 'Mike', language: 'en' });
      const en = invitationLetter(english, person(english, 'guest'), CONTACT, NOW, 'n');
      assert.match(en, /<html lang="en">/);
      assert.ok(en.includes('Dear Mike,'));
      assert.ok(en.includes('Contact details') && en.includes('Answer slip'));
    });

    it('speaks to the client: the meeting you planned together, you know your life best, you are on the list as "you"', () => {
      const m = helsinkiMeeting();
      const organizer = 'Liisa Sosiaalityöntekijä';
      const forClient = invitationLetter(m, person(m, 'client'), undefined, NOW, 'n');
      assert.ok(forClient.includes(t('fi', 'letter.bodyClient', { organizer })));
      assert.ok(forClient.includes(t('fi', 'letter.clientExpert')));
      assert.ok(forClient.includes(`<h2>${t('fi', 'letter.invitedClient')}</h2>`));
      assert.ok(forClient.includes(t('fi', 'letter.you', { name: CLIENT })));
      assert.ok(!forClient.includes(t('fi', 'letter.body', { client: CLIENT, organizer })));
      assert.ok(!forClient.includes(t('fi', 'letter.important')), 'the client is not told about "the client" in the third person');
      const forGranny = invitationLetter(m, person(m, 'granny'), undefined, NOW, 'n');
      assert.ok(forGranny.includes(t('fi', 'letter.body', { client: CLIENT, organizer })));
      assert.ok(forGranny.includes(t('fi', 'letter.important')), 'invitees are told why their presence matters to the client');
      assert.ok(!forGranny.includes(t('fi', 'letter.clientExpert')) && !forGranny.includes(t('fi', 'letter.you', { name: CLIENT })));
      // With their contact details entered, the caseworker is named as they wrote it.
      const named = invitationLetter(m, person(m, 'client'), CONTACT, NOW, 'n');
      assert.ok(named.includes(t('fi', 'letter.bodyClient', { organizer: 'Liisa Laine' })));
    });

    describe('the address in the envelope window', () => {
      const m = helsinkiMeeting({ name: 'Mikko Mallikas', language: 'fi', address: 'Mikko Mallikas\nKotikatu 1 B 4\n00100 Helsinki' });

      it('is the recipient\'s name and postal address, line by line, 20 mm from the left and 45 mm from the top of an A4 sheet, 90 × 45 mm', () => {
        const html = invitationLetter(m, person(m, 'granny'), CONTACT, NOW, 'n');
        assert.equal(windowText(html), 'Mummo<br>Mummontie 2<br>05800 Hyvinkää');
        const page = /@page\{size:A4;margin:(\d+)mm\}/.exec(html);
        const print = html.slice(html.indexOf('@media print{'));
        const box = /\.window\{position:absolute;left:(-?\d+)mm;top:(\d+)mm;width:(\d+)mm;height:(\d+)mm/.exec(print);
        assert.ok(page && box, 'A4 page margins and the window block in the print styles');
        const [margin, left, top, width, height] = [page[1], ...box.slice(1)].map(Number);
        assert.deepEqual({ left: margin + left, top: margin + top, width, height }, { left: 20, top: 45, width: 90, height: 45 });
        assert.deepEqual(ENVELOPE_WINDOW, { leftMm: 20, topMm: 45, widthMm: 90, heightMm: 45 });
        assert.equal(margin, PAGE_MARGIN_MM);
        assert.ok(html.includes(t('fi', 'letter.printHint')));
      });

      it('holds nothing but that: no client\'s name on someone else\'s letter, no caseworker, no date', () => {
        const granny = windowText(invitationLetter(m, person(m, 'granny'), CONTACT, NOW, 'n'))!;
        for (const other of ['Aleksi', 'Virtanen', 'Liisa', CONTACT.organisation, '2026']) assert.ok(!granny.includes(other), other);
        assert.equal(windowText(invitationLetter(m, person(m, 'client'), CONTACT, NOW, 'n')), `${CLIENT}<br>Aleksin katu 5<br>00100 Helsinki`);
      });

      it('does not repeat the name when the address the caseworker wrote begins with it', () => {
        assert.equal(windowText(invitationLetter(m, person(m, 'guest'), CONTACT, NOW, 'n')), 'Mikko Mallikas<br>Kotikatu 1 B 4<br>00100 Helsinki');
        // A street that merely begins with the same letters is not the name.
        assert.ok(windowText(invitationLetter(m, person(m, 'granny'), CONTACT, NOW, 'n'))!.startsWith('Mummo<br>Mummontie'));
      });

      it('is only on a letter that goes by post', () => {
        for (const invitee of [
          { name: 'Mikko', language: 'fi', contactKind: 'email' as const, email: 'mikko@example.fi' },
          { name: 'Mikko', language: 'fi', contactKind: 'hand' as const },
        ]) {
          const other = helsinkiMeeting(invitee);
          const html = invitationLetter(other, person(other, 'guest'), CONTACT, NOW, 'n');
          assert.equal(windowText(html), undefined, invitee.contactKind);
          assert.ok(!html.includes('letterhead windowed') && !html.includes(t('fi', 'letter.printHint')));
        }
      });
    });

    describe('the invitation by e-mail', () => {
      const m = helsinkiMeeting({ name: 'Sven', language: 'sv', contactKind: 'email', email: 'sven.svensson@example.se' });
      const html = invitationLetter(m, person(m, 'guest'), CONTACT, NOW, 'n');

      it('shows the address with a mailto link whose subject and body are the invitation in the person\'s language', () => {
        const mail = mailto(html);
        assert.equal(mail.to, 'sven.svensson@example.se');
        assert.ok(html.includes('>sven.svensson@example.se</a>'));
        assert.ok(html.includes(t('sv', 'letter.emailTo')));
        assert.equal(mail.subject, `${t('sv', 'letter.title')} – 3 december 2026`);
        const expected = [
          t('sv', 'letter.greeting', { name: 'Sven' }),
          t('sv', 'letter.body', { client: CLIENT, organizer: 'Liisa Laine' }),
          `${t('sv', 'field.when')}: ${formatWhen(m.when!, { locale: 'sv' })}`,
          `${t('sv', 'field.duration')}: ${t('sv', 'format.minutes', { minutes: 75 })}`,
          `${t('sv', 'field.place')}: ${formatPlace(m.place!, 'sv')}`,
          `${t('sv', 'field.purpose')}: Suunnitelma syksylle`,
          `- ${t('sv', 'group.client')}: ${CLIENT}`,
          '- Koulu',
          t('sv', 'letter.answerByEmail', { organizer: 'Liisa Laine' }),
          `${t('sv', 'letter.contactPhone')}: ${CONTACT.phone}`,
          `${t('sv', 'letter.contactEmail')}: ${CONTACT.email}`,
          t('sv', 'invitation.leafletTitle'),
        ];
        for (const part of expected) assert.ok(mail.body.includes(part), part);
        assert.ok(mail.body.includes('torsdag 3 december 2026, 13:15–14:30'), 'the time in Swedish, in the meeting\'s zone');
        assert.ok(!mail.body.includes(t('fi', 'letter.greeting', { name: 'Sven' })));
      });

      it('is percent-encoded as a URI: line breaks as %0D%0A, nothing a URI cannot hold', () => {
        const { href } = mailto(html);
        assert.match(href, /^mailto:sven\.svensson@example\.se\?subject=[^&=]+&body=[^&=]+$/);
        assert.match(href, /^[A-Za-z0-9\-_.!~*'()%@:?=&]+$/);
        assert.ok(href.includes('%0D%0A'));
        assert.ok(!/%0A/.test(href.replace(/%0D%0A/g, '')) && !/%0D/.test(href.replace(/%0D%0A/g, '')), 'no bare CR or LF');
        assert.ok(mailto(html).body.split('\r\n').length > 10);
      });

      it('keeps the body within what a mail program accepts: the leaflet goes first, then the lists are shortened', () => {
        const crowd: Participant[] = Array.from({ length: 36 }, (_, i) => ({
          id: `p${i}`,
          name: `Henkilö ${i} ${'Pitkäsukunimi'.repeat(4)}`,
          group: 'professional',
          relation: 'sosiaaliohjaaja, lastensuojelu',
          contact: { kind: 'hand' },
          language: 'fi',
        }));
        const big: Meeting = { ...m, participants: [...m.participants, ...crowd], why: { ...m.why!, purpose: 'Syksyn suunnitelma. '.repeat(20) } };
        const body = mailto(invitationLetter(big, person(big, 'guest'), CONTACT, NOW, 'n')).body;
        assert.ok(body.length <= MAILTO_BODY_MAX, `${body.length} characters`);
        assert.ok(!body.includes(t('sv', 'invitation.leafletTitle')), 'the leaflet went first');
        assert.match(body, /… \(\+\d+\)/, 'the list of invited people says how many are left out');
        for (const part of [formatWhen(m.when!, { locale: 'sv' }), formatPlace(m.place!, 'sv'), t('sv', 'letter.answerByEmail', { organizer: 'Liisa Laine' }), CONTACT.email]) {
          assert.ok(body.includes(part), part);
        }
        // A short invitation keeps its leaflet.
        assert.ok(mailto(html).body.length <= MAILTO_BODY_MAX);
      });

      it('shortens the longest purpose, form and place the plan allows before it would lose how to answer', () => {
        const crowd: Participant[] = Array.from({ length: 38 }, (_, i) => ({ id: `p${i}`, name: `Henkilö ${i}`, group: 'network', relation: '', contact: { kind: 'hand' }, language: 'fi' }));
        const longest: Meeting = {
          ...m,
          participants: [...m.participants, ...crowd],
          place: { kind: 'room', details: 'Huone '.repeat(33) },
          why: { purpose: 'Tarkoitus '.repeat(100), topics: Array.from({ length: 12 }, (_, i) => `Aihe ${i} `.repeat(20)), form: 'Muoto '.repeat(83) },
        };
        const body = mailto(invitationLetter(longest, person(longest, 'guest'), CONTACT, NOW, 'n')).body;
        assert.ok(body.length <= MAILTO_BODY_MAX, `${body.length} characters`);
        for (const part of [formatWhen(m.when!, { locale: 'sv' }), t('sv', 'letter.answerByEmail', { organizer: 'Liisa Laine' }), `${t('sv', 'letter.contactPhone')}: ${CONTACT.phone}`, `${t('sv', 'letter.contactEmail')}: ${CONTACT.email}`, t('sv', 'letter.regards')]) {
          assert.ok(body.includes(part), part);
        }
        assert.match(body, /Syfte: (Tarkoitus )+Tarkoitus…\r\n/, 'the purpose shortened, with an ellipsis');
      });

      it('is not offered for a letter that goes by post', () => {
        const post = helsinkiMeeting();
        assert.ok(!invitationLetter(post, person(post, 'guest'), CONTACT, NOW, 'n').includes('mailto:'));
      });
    });

    describe('how to answer', () => {
      const m = helsinkiMeeting();

      it('gives the caseworker\'s name, organisation, phone and e-mail as they entered them', () => {
        const html = invitationLetter(m, person(m, 'granny'), CONTACT, NOW, 'n');
        assert.ok(html.includes(`<h2>${t('fi', 'letter.answerTitle')}</h2>`));
        assert.ok(html.includes(t('fi', 'letter.answer', { organizer: 'Liisa Laine' })));
        const table = /<table class="contact">([\s\S]*?)<\/table>/.exec(html)![1];
        for (const [key, v] of [['letter.contactName', CONTACT.name], ['letter.contactOrganisation', CONTACT.organisation], ['letter.contactPhone', CONTACT.phone], ['letter.contactEmail', CONTACT.email]] as const) {
          assert.ok(table.includes(`<tr><th>${t('fi', key)}</th><td>${v}</td></tr>`), key);
        }
        assert.ok(!html.includes(t('fi', 'letter.contactMissing')) && !html.includes(t('fi', 'letter.contactMissingHint')));
      });

      it('says plainly when the caseworker has not entered their contact details, and makes none up', () => {
        const html = invitationLetter(m, person(m, 'granny'), undefined, NOW, 'n');
        assert.ok(html.includes(t('fi', 'letter.contactMissing')));
        assert.ok(html.includes(`<p class="warn">${t('fi', 'letter.contactMissingHint')}</p>`), 'the caseworker is told on screen before printing');
        assert.ok(!html.includes('class="contact"') && !html.includes(t('fi', 'letter.contactPhone')));
        assert.ok(html.includes(t('fi', 'letter.slipReturnUnknown')));
        // Only what was entered is shown.
        const partial = invitationLetter(m, person(m, 'granny'), { ...CONTACT, phone: ' ' }, NOW, 'n');
        assert.ok(partial.includes(CONTACT.email) && !partial.includes(`<th>${t('fi', 'letter.contactPhone')}</th>`));
      });

      it('is dated the day it is written, in the meeting\'s time zone and the person\'s language', () => {
        const late = DateTime.fromISO('2026-11-23T22:30:00Z'); // half past midnight on 24 November in Helsinki
        const fi = invitationLetter(m, person(m, 'granny'), CONTACT, late, 'n');
        assert.ok(fi.includes(`<p class="dated">${t('fi', 'letter.dated', { date: '24. marraskuuta 2026' })}</p>`));
        const sv = helsinkiMeeting({ name: 'Sven', language: 'sv' });
        assert.ok(invitationLetter(sv, person(sv, 'guest'), CONTACT, late, 'n').includes('Datum: 24 november 2026'));
      });

      it('ends with an answer slip to cut off: coming, not coming or maybe, a name, a line for a comment, and where to send it', () => {
        const html = invitationLetter(m, person(m, 'granny'), CONTACT, NOW, 'n');
        const slip = /<section class="slip">([\s\S]*?)<\/section>/.exec(html)![1];
        for (const key of ['letter.slipTitle', 'letter.slipCut', 'letter.slipComing', 'letter.slipNotComing', 'letter.slipMaybe', 'letter.slipName', 'letter.slipComment'] as const) {
          assert.ok(slip.includes(t('fi', key)), key);
        }
        assert.ok(slip.includes(t('fi', 'letter.slipAbout', { date: '3. joulukuuta 2026' })));
        assert.ok(slip.includes(t('fi', 'letter.slipReturn', { to: 'Liisa Laine, Hyvinkään perheneuvola' })));
        assert.equal(slip.match(/class="box"/g)!.length, 3, 'a box to tick for each answer');
        assert.ok(slip.match(/class="fill"/g)!.length >= 2, 'lines to write the name and a comment on');
        assert.ok(html.indexOf('<section class="slip">') > html.indexOf('<aside>'), 'at the bottom, after the leaflet');
        assert.ok(html.includes('<section class="slip">') && invitationLetter(m, person(m, 'client'), CONTACT, NOW, 'n').includes('<section class="slip">'));
      });
    });

    describe('a changed meeting', () => {
      const first = helsinkiMeeting();
      const moved = changed(at(first, '2026-12-10T09:00', 'Europe/Helsinki', 75), ['time', 'place']);

      it('says that this invitation replaces the earlier one, and what has changed', () => {
        const html = invitationLetter(moved, person(moved, 'granny'), CONTACT, NOW, 'n');
        assert.ok(html.includes(`<h1>${t('fi', 'letter.changedTitle')}</h1>`));
        assert.ok(html.includes(t('fi', 'letter.replaces')));
        assert.ok(html.includes(t('fi', 'letter.changedWhat', { what: `${t('fi', 'letter.changeKind.time')}, ${t('fi', 'letter.changeKind.place')}` })));
        assert.ok(html.includes(t('fi', 'letter.answerAgain', { organizer: 'Liisa Laine' })), 'a new time needs a new answer');
        assert.ok(html.includes(formatWhen(moved.when!, { locale: 'fi' })));
        assert.ok(html.includes('<section class="slip">'));
        const byMail = changed(helsinkiMeeting({ name: 'Mikko', language: 'fi', contactKind: 'email', email: 'mikko@example.fi' }), ['time']);
        assert.ok(mailto(invitationLetter(byMail, person(byMail, 'guest'), CONTACT, NOW, 'n')).body.startsWith(t('fi', 'letter.replaces')), 'the e-mail says so first');
      });

      it('asks for a new answer only when the time changed, and without a record of the change still says it replaces the earlier one', () => {
        const placeOnly = changed(first, ['place']);
        const html = invitationLetter(placeOnly, person(placeOnly, 'granny'), CONTACT, NOW, 'n');
        assert.ok(html.includes(t('fi', 'letter.replaces')) && !html.includes(t('fi', 'letter.answerAgain', { organizer: 'Liisa Laine' })));
        const unrecorded = invitationLetter(changed(first), person(first, 'granny'), CONTACT, NOW, 'n');
        assert.ok(unrecorded.includes(t('fi', 'letter.replaces')) && !unrecorded.includes(t('fi', 'letter.changedWhat', { what: '' }).split(':')[0]));
      });

      it('is an ordinary invitation the first time', () => {
        const html = invitationLetter(first, person(first, 'granny'), CONTACT, NOW, 'n');
        assert.ok(html.includes(`<h1>${t('fi', 'letter.title')}</h1>`) && !html.includes(t('fi', 'letter.replaces')));
      });

      it('is a first invitation for someone the last change added, and a changed one for those invited before', () => {
        let m = startChange(helsinkiMeeting(), 'aad-liisa', NOW);
        const edit = (rule: (draft: Meeting) => Meeting) => (m = withEdits(m, rule(editable(m))));
        edit((d) => setWhen(d, { date: '2026-12-10', time: '09:00', duration: '75', placeKind: 'room', placeDetails: LONG_PLACE }, 'Europe/Helsinki', NOW));
        const teacher = { name: 'Olli Opettaja', group: 'professional', relation: 'opettaja', contactKind: 'post', teamsUserId: '', email: '', address: 'Koulutie 1\n05800 Hyvinkää', language: 'fi' };
        edit((d) => addParticipant(d, teacher, 'teacher', NOW));
        edit((d) => setRoles(d, { consent: true, chairId: '', secretaryId: '' }, 'aad-liisa', NOW));
        const sent = sendChange(m, 'aad-liisa', NOW);
        assert.ok(sent.lastChange!.what.includes('time') && sent.lastChange!.what.includes('people'));
        const answerAgain = t('fi', 'letter.answerAgain', { organizer: 'Liisa Laine' });

        const added = invitationLetter(sent, person(sent, 'teacher'), CONTACT, NOW, 'n');
        assert.ok(added.includes(`<h1>${t('fi', 'letter.title')}</h1>`), 'the plain title');
        for (const absent of [t('fi', 'letter.changedTitle'), t('fi', 'letter.replaces'), answerAgain, 'class="changed"']) assert.ok(!added.includes(absent), absent);
        assert.ok(added.includes(formatWhen(sent.when!, { locale: 'fi' })) && added.includes('<section class="slip">'));

        const earlier = invitationLetter(sent, person(sent, 'granny'), CONTACT, NOW, 'n');
        assert.ok(earlier.includes(`<h1>${t('fi', 'letter.changedTitle')}</h1>`));
        assert.ok(earlier.includes(t('fi', 'letter.replaces')) && earlier.includes(answerAgain));

        // After a later change the teacher has had an invitation: theirs is a changed one too.
        let again = startChange(sent, 'aad-liisa', NOW);
        again = withEdits(again, setWhen(editable(again), { date: '2026-12-10', time: '09:00', duration: '75', placeKind: 'room', placeDetails: 'Toinen huone' }, 'Europe/Helsinki', NOW));
        const later = sendChange(again, 'aad-liisa', NOW);
        assert.ok(invitationLetter(later, person(later, 'teacher'), CONTACT, NOW, 'n').includes(t('fi', 'letter.replaces')));
      });
    });

    describe('the person\'s own page', () => {
      /** A page link with characters that must be escaped in HTML (Samråd's own are base64url). */
      const PAGE = 'https://samrad.example.org/p/eyJhbGc.AQEAaW5r&x="1"<b>';
      const escaped = 'https://samrad.example.org/p/eyJhbGc.AQEAaW5r&amp;x=&quot;1&quot;&lt;b&gt;';
      const line = (locale: Locale) => `<p class="page-link">${t(locale, 'letter.pageLink')} <a href="${escaped}">${escaped}</a></p>`;

      it('is printed, escaped, where the letter says how to answer: after how to answer on paper, before the contact details', () => {
        const m = helsinkiMeeting();
        const html = invitationLetter(m, person(m, 'granny'), CONTACT, NOW, 'n', PAGE);
        assert.ok(html.includes(line('fi')), html);
        assert.ok(!html.includes(PAGE) && !html.includes('<b>'), 'nothing of the link is markup');
        const at = html.indexOf(line('fi'));
        assert.ok(html.indexOf(t('fi', 'letter.answer', { organizer: 'Liisa Laine' })) < at && at < html.indexOf(t('fi', 'letter.contactTitle')));
      });

      it('is on the client\'s own letter too, and on a changed invitation, in the person\'s language', () => {
        const m = helsinkiMeeting({ name: 'Sven', language: 'sv' });
        assert.ok(invitationLetter(m, person(m, 'client'), CONTACT, NOW, 'n', PAGE).includes(line('fi')));
        assert.ok(invitationLetter(m, person(m, 'guest'), undefined, NOW, 'n', PAGE).includes(line('sv')));
        const moved = changed(m, ['time']);
        assert.ok(invitationLetter(moved, person(moved, 'guest'), CONTACT, NOW, 'n', PAGE).includes(line('sv')));
      });

      it('is in the e-mail text of the mailto link, with how to answer by e-mail', () => {
        const m = helsinkiMeeting({ name: 'Sven', language: 'sv', contactKind: 'email', email: 'sven@example.se' });
        const html = invitationLetter(m, person(m, 'guest'), CONTACT, NOW, 'n', PAGE);
        const mail = mailto(html);
        assert.ok(mail.body.includes(`${t('sv', 'letter.answerByEmail', { organizer: 'Liisa Laine' })}\r\n${t('sv', 'letter.pageLink')} ${PAGE}\r\n`), mail.body);
        assert.match(mail.href, /^[A-Za-z0-9\-_.!~*'()%@:?=&]+$/, 'percent-encoded in the link');
        assert.ok(html.includes(line('sv')));
        // A long invitation keeps it when the e-mail is shortened.
        const crowd: Participant[] = Array.from({ length: 38 }, (_, i) => ({ id: `p${i}`, name: `Henkilö ${i}`, group: 'network', relation: '', contact: { kind: 'hand' }, language: 'fi' }));
        const big: Meeting = { ...m, participants: [...m.participants, ...crowd], why: { ...m.why!, purpose: 'Tarkoitus '.repeat(100) } };
        const body = mailto(invitationLetter(big, person(big, 'guest'), CONTACT, NOW, 'n', PAGE)).body;
        assert.ok(body.length <= MAILTO_BODY_MAX && body.includes(`${t('sv', 'letter.pageLink')} ${PAGE}`), body);
      });

      it('is not on a cancellation, nor its e-mail; nor on a letter without a link, nor when it is not a web address', () => {
        const gone = cancelled(helsinkiMeeting({ name: 'Sven', language: 'sv', contactKind: 'email', email: 'sven@example.se' }), 'Sairaus');
        for (const id of ['granny', 'client', 'guest']) {
          const html = invitationLetter(gone, person(gone, id), CONTACT, NOW, 'n', PAGE);
          assert.ok(!html.includes('class="page-link"') && !html.includes(escaped) && !html.includes(t(person(gone, id).language, 'letter.pageLink')), id);
        }
        const mail = mailto(invitationLetter(gone, person(gone, 'guest'), CONTACT, NOW, 'n', PAGE));
        assert.ok(!mail.body.includes(PAGE) && !mail.body.includes(t('sv', 'letter.pageLink')));
        const m = helsinkiMeeting();
        assert.ok(!invitationLetter(m, person(m, 'granny'), CONTACT, NOW, 'n').includes('class="page-link"'));
        assert.ok(!invitationLetter(m, person(m, 'granny'), CONTACT, NOW, 'n', 'javascript:alert(1)').includes('javascript:'));
      });
    });

    describe('a cancelled meeting', () => {
      const reason = 'Aleksi on sairaana; uusi aika sovitaan myöhemmin.';
      const gone = cancelled(helsinkiMeeting(), reason);

      it('is a cancellation: the time that was planned, the reason, whom to contact; no agenda, no answer slip', () => {
        const html = invitationLetter(gone, person(gone, 'granny'), CONTACT, NOW, 'n');
        assert.ok(html.includes(`<title>${t('fi', 'letter.cancelledTitle')}</title>`) && html.includes(`<h1>${t('fi', 'letter.cancelledTitle')}</h1>`));
        assert.ok(html.includes(t('fi', 'letter.cancelledBody')));
        assert.ok(html.includes(`<tr><th>${t('fi', 'letter.plannedTime')}</th><td>${formatWhen(gone.when!, { locale: 'fi' })}</td></tr>`));
        assert.ok(html.includes(formatPlace(gone.place!, 'fi')));
        assert.ok(html.includes(t('fi', 'letter.cancelledReason', { reason })));
        assert.ok(html.includes(t('fi', 'letter.cancelledContact')) && html.includes(CONTACT.phone) && html.includes(CONTACT.email));
        for (const absent of [t('fi', 'letter.title'), t('fi', 'letter.slipTitle'), 'class="slip"', t('fi', 'field.topics'), 'Koulu', 'Suunnitelma syksylle', t('fi', 'invitation.leafletTitle'), t('fi', 'letter.answerTitle')]) {
          assert.ok(!html.includes(absent), absent);
        }
        assert.equal(windowText(html), 'Mummo<br>Mummontie 2<br>05800 Hyvinkää', 'it still goes by post');
      });

      it('tells the client that the meeting you planned together is cancelled', () => {
        const html = invitationLetter(gone, person(gone, 'client'), CONTACT, NOW, 'n');
        assert.ok(html.includes(t('fi', 'letter.cancelledBodyClient', { organizer: 'Liisa Laine' })));
      });

      it('gives no reason when none was given, and says so plainly when contact details are missing', () => {
        const quiet = cancelled(helsinkiMeeting());
        const html = invitationLetter(quiet, person(quiet, 'granny'), undefined, NOW, 'n');
        assert.ok(!html.includes(t('fi', 'letter.cancelledReason', { reason: '' }).trim()));
        assert.ok(html.includes(t('fi', 'letter.contactMissing')));
      });

      it('by e-mail, the link carries the cancellation', () => {
        const m = cancelled(helsinkiMeeting({ name: 'Sven', language: 'sv', contactKind: 'email', email: 'sven@example.se' }), reason);
        const mail = mailto(invitationLetter(m, person(m, 'guest'), CONTACT, NOW, 'n'));
        assert.equal(mail.subject, `${t('sv', 'letter.cancelledTitle')} – 3 december 2026`);
        for (const part of [t('sv', 'letter.cancelledBody'), formatWhen(m.when!, { locale: 'sv' }), t('sv', 'letter.cancelledReason', { reason }), CONTACT.phone]) assert.ok(mail.body.includes(part), part);
        assert.ok(!mail.body.includes('Koulu') && !mail.body.includes(t('sv', 'invitation.leafletTitle')));
      });
    });
  });

  describe('serveLetter', () => {
    const IDS = {
      meeting: '0b9e1d4e-7c1a-4f0e-9a53-2f4b8e1c6d01',
      client: '0b9e1d4e-7c1a-4f0e-9a53-2f4b8e1c6d02',
      granny: '0b9e1d4e-7c1a-4f0e-9a53-2f4b8e1c6d03',
      guest: '0b9e1d4e-7c1a-4f0e-9a53-2f4b8e1c6d04',
    };
    const links = new LetterLinks('s'.repeat(32), () => 'https://samrad.example.org', () => NOW);
    const token = (participant: string) => links.letterUrls(IDS.meeting, participant).letterUrl.split('/letters/')[1];
    /** The calendar file's link has a token of its own purpose. */
    const icsToken = (participant: string) => links.letterUrls(IDS.meeting, participant).icsUrl.split('/letters/')[1].split('/')[0];

    /** Just the ports serveLetter uses: the meeting, the people's page link records, the caseworker's user record, the link signer and a log. */
    function deps(plan: Meeting, caseworker?: Partial<UserRecord>, records: PageLinkDoc[] = []) {
      const userReads: string[][] = [];
      const created: PageLinkDoc[] = [];
      /** The audit trail's entries (each letter and calendar file served is one, by the link). */
      const audited: { action: string; by: string; ref?: string }[] = [];
      const fake = {
        stores: {
          meetings: {
            read: async (pk: string, id: string) => {
              if (pk !== plan.id) return undefined;
              if (id === plan.id) return { doc: plan, etag: '"m"' };
              const record = [...records, ...created].find((r) => r.id === id);
              return record ? { doc: record, etag: '"l"' } : undefined;
            },
            create: async (doc: PageLinkDoc | { kind: 'audit'; action: string; by: string; ref?: string }) => {
              if (doc.kind === 'audit') audited.push({ action: doc.action, by: doc.by, ...(doc.ref ? { ref: doc.ref } : {}) });
              else created.push(doc);
              return { doc, etag: '"c"' };
            },
          },
          users: {
            read: async (pk: string, id: string) => {
              userReads.push([pk, id]);
              return caseworker && pk === 'aad-liisa' && id === 'aad-liisa' ? { doc: { id, userKey: id, tenantId: 't', locale: 'fi', updatedAt: NOW.toISO(), ...caseworker }, etag: '"u"' } : undefined;
            },
          },
        },
        links,
        log: { info: () => {}, warn: () => {}, error: () => {} },
        now: () => NOW,
      };
      return { deps: fake as unknown as Deps, userReads, created, audited };
    }

    /** The person's page link printed on a letter, if any. */
    const printedPage = (html: string) => /<p class="page-link">[^<]*<a href="([^"]*)">/.exec(html)?.[1];

    it('prints the person\'s own page link on the letter (the first letter issues it) and in its e-mail; the calendar file issues none', async () => {
      const m = helsinkiMeeting(BY_EMAIL, IDS);
      const { deps: d, created, audited } = deps(m, { contact: CONTACT });
      await serveLetter(d, links, icsToken(IDS.granny), 'ics', 'en');
      assert.equal(created.length, 0, 'a calendar file has no page link');
      assert.deepEqual(audited, [{ action: 'letter.read', by: 'link', ref: IDS.granny }], 'in the audit trail: by the link, about the person, never a name');
      const letter = await serveLetter(d, links, token(IDS.guest), 'letter', 'en');
      assert.equal(letter.status, 200);
      const url = printedPage(letter.body);
      assert.ok(url?.startsWith('https://samrad.example.org/p/'), letter.body);
      const checked = links.check(url!.split('/p/')[1], 'page');
      assert.ok(checked.ok && namesParticipant(checked.claims, IDS.guest) && checked.claims.meetingId === IDS.meeting && checked.claims.version === 1);
      assert.deepEqual(created.map((r) => [r.id, r.version]), [[linkDocId(IDS.guest), 1]]);
      assert.ok(mailto(letter.body).body.includes(`${t('fi', 'letter.pageLink')} ${url}`));
      // The next letter prints the same link, without issuing another.
      assert.equal(printedPage((await serveLetter(d, links, token(IDS.guest), 'letter', 'en')).body), url);
      assert.equal(created.length, 1);
      // The client's own letter has theirs.
      const client = printedPage((await serveLetter(d, links, token(IDS.client), 'letter', 'en')).body);
      const forClient = links.check(client!.split('/p/')[1], 'page');
      assert.ok(forClient.ok && namesParticipant(forClient.claims, IDS.client));
    });

    it('prints the version of the link now valid, and none while the person\'s link is revoked or the meeting is cancelled', async () => {
      const m = helsinkiMeeting(undefined, IDS);
      const base = { kind: 'link' as const, meetingId: IDS.meeting, issuedAt: NOW.toISO()!, issuedBy: 'aad-liisa', uses: [], useCount: 0, updatedAt: NOW.toISO()! };
      const replaced: PageLinkDoc = { ...base, id: linkDocId(IDS.granny), participantId: IDS.granny, version: 3 };
      const revoked: PageLinkDoc = { ...base, id: linkDocId(IDS.client), participantId: IDS.client, version: 2, revokedAt: NOW.toISO()!, revokedBy: 'aad-liisa' };
      const { deps: d, created } = deps(m, { contact: CONTACT }, [replaced, revoked]);
      const granny = printedPage((await serveLetter(d, links, token(IDS.granny), 'letter', 'en')).body)!;
      const checked = links.check(granny.split('/p/')[1], 'page');
      assert.ok(checked.ok && checked.claims.version === 3);
      const client = await serveLetter(d, links, token(IDS.client), 'letter', 'en');
      assert.equal(client.status, 200);
      assert.equal(printedPage(client.body), undefined);
      assert.equal(created.length, 0);
      const gone = cancelled(helsinkiMeeting(undefined, IDS), 'Sairaus');
      const cancelledDeps = deps(gone, { contact: CONTACT });
      const cancellation = await serveLetter(cancelledDeps.deps, links, token(IDS.granny), 'letter', 'en');
      assert.equal(cancellation.status, 200);
      assert.ok(!cancellation.body.includes('/p/') && !cancellation.body.includes(t('fi', 'letter.pageLink')));
      assert.equal(cancelledDeps.created.length, 0, 'a cancellation issues no link');
    });

    it('reads the caseworker\'s contact details from their user record and prints them', async () => {
      const m = helsinkiMeeting(undefined, IDS);
      const { deps: d, userReads } = deps(m, { contact: CONTACT });
      const letter = await serveLetter(d, links, token(IDS.granny), 'letter', 'en');
      assert.equal(letter.status, 200);
      assert.ok(letter.body.includes(CONTACT.phone) && letter.body.includes(CONTACT.organisation));
      assert.deepEqual(userReads, [['aad-liisa', 'aad-liisa']]);
      const nonce = /script-src 'nonce-([^']+)'/.exec(letter.headers!['Content-Security-Policy'])![1];
      assert.ok(letter.body.includes(`<script nonce="${nonce}">`));
      // The granny's calendar file (by post) is a plain import; an invitee by e-mail gets a REQUEST.
      const ics = await serveLetter(d, links, icsToken(IDS.granny), 'ics', 'en');
      assert.equal(value(parseIcs(ics.body), 'METHOD'), undefined);
      assert.equal(value(child(parseIcs(ics.body), 'VEVENT'), 'ORGANIZER'), undefined);
      const mail = await serveLetter(deps(helsinkiMeeting(BY_EMAIL, IDS), { contact: CONTACT }).deps, links, icsToken(IDS.guest), 'ics', 'en');
      // Each token opens only its own document: the calendar file's never the letter (which has the address), nor the other way.
      assert.equal((await serveLetter(d, links, icsToken(IDS.granny), 'letter', 'en')).status, 404);
      assert.equal((await serveLetter(d, links, token(IDS.granny), 'ics', 'en')).status, 404);
      assert.equal(mail.type, 'text/calendar; charset=utf-8');
      assert.equal(checkCalendar(mail.body).method, 'REQUEST');
      assert.equal(value(child(parseIcs(mail.body), 'VEVENT'), 'ORGANIZER'), `mailto:${CONTACT.email}`);
      assert.equal(value(child(parseIcs(mail.body), 'VEVENT'), 'ATTENDEE'), `mailto:${BY_EMAIL.email}`);
    });

    it('serves the letter without contact details when the caseworker has entered none', async () => {
      const m = helsinkiMeeting(undefined, IDS);
      for (const record of [undefined, {}]) {
        const letter = await serveLetter(deps(m, record).deps, links, token(IDS.granny), 'letter', 'en');
        assert.equal(letter.status, 200);
        assert.ok(letter.body.includes(t('fi', 'letter.contactMissing')));
      }
    });

    it('serves a cancelled meeting\'s cancellation letter and its CANCEL calendar file; a draft has neither', async () => {
      const gone = cancelled(helsinkiMeeting(undefined, IDS), 'Sairaus');
      const { deps: d } = deps(gone, { contact: CONTACT });
      const letter = await serveLetter(d, links, token(IDS.granny), 'letter', 'en');
      assert.equal(letter.status, 200);
      assert.ok(letter.body.includes(t('fi', 'letter.cancelledTitle')));
      const ics = await serveLetter(d, links, icsToken(IDS.granny), 'ics', 'en');
      assert.equal(ics.status, 200);
      assert.equal(value(parseIcs(ics.body), 'METHOD'), undefined);
      assert.equal(value(child(parseIcs(ics.body), 'VEVENT'), 'STATUS'), 'CANCELLED');
      const byMail = cancelled(helsinkiMeeting(BY_EMAIL, IDS), 'Sairaus');
      const mail = await serveLetter(deps(byMail, { contact: CONTACT }).deps, links, icsToken(IDS.guest), 'ics', 'en');
      assert.equal(checkCalendar(mail.body).method, 'CANCEL');
      assert.equal(value(child(parseIcs(mail.body), 'VEVENT'), 'STATUS'), 'CANCELLED');
      const draft = { ...helsinkiMeeting(undefined, IDS), status: 'draft' as const };
      assert.equal((await serveLetter(deps(draft, { contact: CONTACT }).deps, links, token(IDS.granny), 'letter', 'en')).status, 404);
    });
  });

  describe('LetterLinks', () => {
    const SECRET = 'k'.repeat(32);
    let now = NOW;
    const links = new LetterLinks(SECRET, () => 'https://samrad.example.org', () => now);
    const tokenOf = (url: string) => url.split('/letters/')[1].split('/')[0];
    const issued = () => {
      now = NOW;
      return links.letterUrls('mtg-42', 'granny');
    };

    it('gives a letter and a calendar link, each a signed token of its own purpose naming the meeting and participant', () => {
      const { letterUrl, icsUrl } = issued();
      const token = tokenOf(letterUrl);
      assert.equal(letterUrl, `https://samrad.example.org/letters/${token}`);
      assert.equal(icsUrl, `https://samrad.example.org/letters/${tokenOf(icsUrl)}/invitation.ics`);
      assert.deepEqual(links.verify(token), { meetingId: 'mtg-42', participantKey: participantKey('granny') });
      assert.deepEqual(links.verifyLetter(tokenOf(icsUrl), 'ics'), { meetingId: 'mtg-42', participantKey: participantKey('granny') });
      assert.equal(links.verifyLetter(tokenOf(icsUrl), 'letter'), undefined, 'a calendar-file link never opens the letter');
      assert.equal(links.verifyLetter(token, 'ics'), undefined);
      assert.ok(namesParticipant(links.verify(token)!, 'granny') && !namesParticipant(links.verify(token)!, 'client'));
    });

    it('refuses a token whose payload was altered to name another participant', () => {
      const [header, , signature] = tokenOf(issued().letterUrl).split('.');
      const forged = encodeClaims({ meetingId: 'mtg-42', participantId: 'client', purpose: 'letter', expires: Math.floor(NOW.plus({ days: 14 }).toSeconds()) }).toString('base64url');
      assert.equal(links.verify(`${header}.${forged}.${signature}`), undefined);
    });

    it('refuses a token with an altered, shortened or missing signature, or an extra part', () => {
      const token = tokenOf(issued().letterUrl);
      const [header, payload, signature] = token.split('.');
      const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
      for (const bad of [`${header}.${payload}.${flipped}`, `${header}.${payload}.${signature.slice(1)}`, `${header}.${payload}.`, `${header}.${payload}`, `${token}.x`, '']) {
        assert.equal(links.verify(bad), undefined, bad);
      }
    });

    it('refuses a token after 14 days', () => {
      const token = tokenOf(issued().letterUrl);
      now = NOW.plus({ days: 13, hours: 23 });
      assert.notEqual(links.verify(token), undefined);
      now = NOW.plus({ days: 14, seconds: 1 });
      assert.equal(links.verify(token), undefined);
    });

    it('refuses a token signed with another secret', () => {
      const other = new LetterLinks('x'.repeat(32), () => 'https://samrad.example.org', () => NOW);
      const token = tokenOf(other.letterUrls('mtg-42', 'granny').letterUrl);
      now = NOW;
      assert.equal(links.verify(token), undefined);
      assert.notEqual(other.verify(token), undefined);
    });
  });
});
