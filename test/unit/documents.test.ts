import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import type { Meeting, Participant } from '../../bot/domain/meeting';
import { addParticipant, markSent, newDraft, setRoles, setWhen, setWhy } from '../../bot/domain/planning';
import { invitationIcs } from '../../bot/documents/ics';
import { invitationLetter } from '../../bot/documents/letter';
import { t } from '../../bot/i18n';
import { LetterLinks } from '../../bot/services/links';

const NOW = DateTime.fromISO('2026-11-23T09:00:00Z');
const CLIENT = 'Aleksi Virtanen';
const LONG_PLACE = 'Perheneuvola Hyvinkää, neuvotteluhuone Yläkerta, Kauppakatu 12 A, Hyvinkään kaupungintalo, 05800 Hyvinkää, Pöytäkirjahuone öö';

/**
 * A meeting in Helsinki on 3 December 2026 at 13:15 for 75 minutes, sent, with the client, a
 * grandmother by letter in Finnish and the given extra invitee.
 */
function helsinkiMeeting(invitee: { name: string; language: string } = { name: 'Mikko', language: 'fi' }): Meeting {
  let m = newDraft({ id: 'mtg-42', organizer: { userKey: 'aad-liisa', name: 'Liisa Sosiaalityöntekijä' }, organizerParticipantId: 'o', organizerUserId: 'liisa', organizerLanguage: 'fi', tenantId: 't', now: NOW });
  m = setWhen(m, { date: '2026-12-03', time: '13:15', duration: '75', placeKind: 'room', placeDetails: LONG_PLACE }, 'Europe/Helsinki', NOW);
  const person = { relation: '', contactKind: 'post', teamsUserId: '', email: '', address: 'Kotikatu 1', language: 'fi' };
  m = addParticipant(m, { ...person, name: CLIENT, group: 'client' }, 'client', NOW);
  m = addParticipant(m, { ...person, name: 'Mummo', group: 'network', relation: 'isoäiti' }, 'granny', NOW);
  m = addParticipant(m, { ...person, ...invitee, group: 'network' }, 'guest', NOW);
  m = setRoles(m, { consent: true, chairId: '', secretaryId: '' }, 'aad-liisa', NOW);
  m = setWhy(m, { purpose: 'Suunnitelma syksylle', topics: 'Koulu\nHarrastukset', form: '' }, NOW);
  return markSent(m, NOW);
}

const person = (m: Meeting, id: string): Participant => m.participants.find((p) => p.id === id)!;

/** The content lines of a calendar file with folding undone. */
const unfolded = (ics: string) => ics.replace(/\r\n /g, '').split('\r\n');
const property = (ics: string, name: string) => unfolded(ics).find((l) => l.startsWith(`${name}:`))?.slice(name.length + 1);

describe('documents for people outside Teams', () => {
  describe('invitationIcs', () => {
    const ics = invitationIcs(helsinkiMeeting(), 'fi', NOW);

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
      assert.equal(property(ics, 'LOCATION'), LONG_PLACE.replace(/,/g, '\\,'));
    });

    it('starts and ends at the meeting\'s time, in UTC', () => {
      // 13:15 in Helsinki (UTC+2 in December) for 75 minutes.
      assert.equal(property(ics, 'DTSTART'), '20261203T111500Z');
      assert.equal(property(ics, 'DTEND'), '20261203T123000Z');
      assert.equal(property(ics, 'DTSTAMP'), '20261123T090000Z');
    });

    it('escapes commas, semicolons, backslashes and line breaks in a text value', () => {
      const m = { ...helsinkiMeeting(), place: { kind: 'room' as const, details: 'Huone 1, kerros 2; C:\\polku\nsisäpiha' } };
      assert.equal(property(invitationIcs(m, 'fi', NOW), 'LOCATION'), 'Huone 1\\, kerros 2\\; C:\\\\polku\\nsisäpiha');
    });

    it('never names the client, and uses the generic title and description of the reader\'s language', () => {
      assert.ok(!ics.includes('Aleksi') && !ics.includes('Virtanen'));
      assert.ok(!unfolded(ics).join('\n').includes(CLIENT));
      assert.equal(property(ics, 'SUMMARY'), t('fi', 'ics.summary'));
      assert.equal(property(ics, 'DESCRIPTION'), t('fi', 'ics.description').replace(/,/g, '\\,'));
    });

    it('refuses a meeting without a time', () => {
      const { when: _, ...noTime } = helsinkiMeeting();
      assert.throws(() => invitationIcs(noTime as Meeting, 'fi', NOW));
    });
  });

  describe('invitationLetter', () => {
    it('HTML-escapes names so that markup in them is shown, not run', () => {
      const m = helsinkiMeeting({ name: `<script>alert(1)</script> "&'`, language: 'fi' });
      const html = invitationLetter(m, person(m, 'guest'), 'nonce-1');
      assert.ok(!html.includes('<script>alert(1)'));
      assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt; &quot;&amp;&#39;'));
      assert.equal(html.match(/<script/g)!.length, 1, 'only the print button\'s own script');
      assert.ok(html.includes('<script nonce="nonce-1">'));
    });

    it('is written in the invitee\'s language', () => {
      const m = helsinkiMeeting({ name: 'Mikko', language: 'fi' });
      const html = invitationLetter(m, person(m, 'guest'), 'n');
      assert.match(html, /<html lang="fi">/);
      assert.ok(html.includes(t('fi', 'letter.greeting', { name: 'Mikko' })));
      assert.ok(html.includes(t('fi', 'letter.regards')));
      const english = helsinkiMeeting({ name: 'Mike', language: 'en' });
      const en = invitationLetter(english, person(english, 'guest'), 'n');
      assert.match(en, /<html lang="en">/);
      assert.ok(en.includes('Dear Mike,'));
    });

    it('tells the client it is the invitation they planned together, and others who invites them', () => {
      const m = helsinkiMeeting();
      const forClient = invitationLetter(m, person(m, 'client'), 'n');
      const organizer = 'Liisa Sosiaalityöntekijä';
      assert.ok(forClient.includes(t('fi', 'letter.bodyClient', { organizer })));
      assert.ok(!forClient.includes(t('fi', 'letter.body', { client: CLIENT, organizer })));
      const forGranny = invitationLetter(m, person(m, 'granny'), 'n');
      assert.ok(forGranny.includes(t('fi', 'letter.body', { client: CLIENT, organizer })));
      assert.ok(forGranny.includes(t('fi', 'letter.important')), 'invitees are told why their presence matters to the client');
      assert.ok(!forClient.includes(t('fi', 'letter.important')), 'the client is not told about "the client" in the third person');
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

    it('gives a letter and a calendar link with the same token, which verifies to its meeting and participant', () => {
      const { letterUrl, icsUrl } = issued();
      const token = tokenOf(letterUrl);
      assert.equal(letterUrl, `https://samrad.example.org/letters/${token}`);
      assert.equal(icsUrl, `${letterUrl}/invitation.ics`);
      assert.deepEqual(links.verify(token), { meetingId: 'mtg-42', participantId: 'granny' });
    });

    it('refuses a token whose payload was altered to name another participant', () => {
      const [payload, signature] = tokenOf(issued().letterUrl).split('.');
      const claim = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const forged = Buffer.from(JSON.stringify({ ...claim, p: 'client' })).toString('base64url');
      assert.equal(links.verify(`${forged}.${signature}`), undefined);
    });

    it('refuses a token with an altered, shortened or missing signature, or an extra part', () => {
      const token = tokenOf(issued().letterUrl);
      const [payload, signature] = token.split('.');
      const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
      for (const bad of [`${payload}.${flipped}`, `${payload}.${signature.slice(1)}`, `${payload}.`, payload, `${token}.x`, '']) {
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
