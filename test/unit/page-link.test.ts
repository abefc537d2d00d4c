import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { DateTime } from 'luxon';
import { CompactSign, compactVerify, decodeProtectedHeader } from 'jose';
import {
  checkClaims,
  encodeClaims,
  EXPORT_HOURS,
  exportSubject,
  firstLink,
  linkAccepts,
  LETTER_DAYS,
  MINUTES_DAYS,
  namesParticipant,
  pageExpiry,
  participantKey,
  reissuedLink,
  revokedLink,
  USES_KEPT,
  withUse,
  type LinkSubject,
} from '../../bot/domain/page-link';
import type { Meeting } from '../../bot/domain/meeting';
import { LetterLinks, linkKey } from '../../bot/services/links';
import { fromOwnPage } from '../../bot/http/pages';

const NOW = DateTime.fromISO('2026-11-23T09:00:00Z', { zone: 'utc' });
const BASE = 'https://samrad.example.org';
const OLD = 'o'.repeat(40);
const NEW = 'n'.repeat(48);
const MEETING = '0b9e1d4e-7c1a-4f0e-9a53-2f4b8e1c6d01';
const EVA = '0b9e1d4e-7c1a-4f0e-9a53-2f4b8e1c6d02';
const ALEX = '0b9e1d4e-7c1a-4f0e-9a53-2f4b8e1c6d03';

let now = NOW;
const signer = (secrets: string) => new LetterLinks(secrets, () => BASE, () => now);
const tokenOf = (url: string) => url.split('/p/')[1];
const expires = NOW.plus({ days: 30 });
const subject = (over: Partial<LinkSubject> = {}): LinkSubject => ({ meetingId: MEETING, participantId: EVA, purpose: 'page', version: 1, expires: Math.floor(expires.toSeconds()), ...over });
/** A JWS signed by hand over any header and payload, with a secret's derived key (or another key). */
const handSigned = (header: object, payload: Buffer, key: Buffer = linkKey(NEW).key) => {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${payload.toString('base64url')}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
};

describe('page and letter link tokens (bot/domain/page-link.ts, bot/services/links.ts)', () => {
  beforeEach(() => {
    now = NOW;
  });

  describe('a valid token', () => {
    it('opens the page of the person, meeting and link version it names, under /p/', () => {
      const url = signer(NEW).pageUrl(MEETING, EVA, 3, expires);
      assert.ok(url.startsWith(`${BASE}/p/`));
      const checked = signer(NEW).check(tokenOf(url), 'page');
      assert.ok(checked.ok);
      assert.deepEqual(checked.claims, { meetingId: MEETING, participantKey: participantKey(EVA), purpose: 'page', version: 3, expires: Math.floor(expires.toSeconds()) });
      assert.ok(namesParticipant(checked.claims, EVA) && !namesParticipant(checked.claims, ALEX));
    });

    it('is short enough to print on a letter or send in a text message: about 130 characters', () => {
      const token = tokenOf(signer(NEW).pageUrl(MEETING, EVA, 1, expires));
      assert.ok(token.length <= 130, `${token.length} characters`);
      assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    });

    it('is a standard JWS (HS256 with a key id) that jose verifies with the key derived for that id', async () => {
      const token = tokenOf(signer(NEW).pageUrl(MEETING, EVA, 2, expires));
      const { kid, key } = linkKey(NEW);
      assert.deepEqual(decodeProtectedHeader(token), { alg: 'HS256', kid });
      const verified = await compactVerify(token, new Uint8Array(key), { algorithms: ['HS256'] });
      assert.deepEqual(Buffer.from(verified.payload), encodeClaims(subject({ version: 2 })));
      await assert.rejects(compactVerify(token, new Uint8Array(linkKey(OLD).key), { algorithms: ['HS256'] }), 'another secret\'s key does not verify it');
    });

    it('accepts a token jose signed with the derived key and Samråd\'s payload', async () => {
      const { kid, key } = linkKey(NEW);
      const token = await new CompactSign(new Uint8Array(encodeClaims(subject()))).setProtectedHeader({ alg: 'HS256', kid }).sign(new Uint8Array(key));
      assert.equal(signer(NEW).check(token, 'page').ok, true);
    });

    it('works until the second of its expiry, and is refused as expired from then on, still naming whom it was for', () => {
      const token = tokenOf(signer(NEW).pageUrl(MEETING, EVA, 1, expires));
      now = expires.minus({ seconds: 1 });
      assert.equal(signer(NEW).check(token, 'page').ok, true);
      now = expires;
      const checked = signer(NEW).check(token, 'page');
      assert.equal(checked.ok, false);
      assert.ok(!checked.ok && checked.reason === 'expired' && namesParticipant(checked.claims, EVA) && checked.claims.meetingId === MEETING);
    });
  });

  describe('a tampered token', () => {
    const token = () => tokenOf(signer(NEW).pageUrl(MEETING, EVA, 1, expires));

    it('is refused when its payload names another person, a later expiry or another link version', () => {
      const [header, , signature] = token().split('.');
      for (const changed of [subject({ participantId: ALEX }), subject({ expires: subject().expires + 86_400 * 365 }), subject({ version: 2 }), subject({ meetingId: ALEX })]) {
        assert.deepEqual(signer(NEW).check(`${header}.${encodeClaims(changed).toString('base64url')}.${signature}`, 'page'), { ok: false, reason: 'invalid' });
      }
    });

    it('is refused with an altered, shortened, missing or re-spelled signature, an extra part, or characters outside base64url', () => {
      const good = token();
      const [header, payload, signature] = good.split('.');
      const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
      // The same 32 bytes spelled with other unused low bits in the last character.
      const last = signature[signature.length - 1];
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const respelled = signature.slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1];
      assert.deepEqual(Buffer.from(respelled, 'base64url'), Buffer.from(signature, 'base64url'), 'the re-spelling decodes to the same bytes');
      for (const bad of [
        `${header}.${payload}.${flipped}`,
        `${header}.${payload}.${signature.slice(1)}`,
        `${header}.${payload}.`,
        `${header}.${payload}`,
        `${header}.${payload}.${respelled}`,
        `${good}.x`,
        `${good}=`,
        `${header}.${payload}.${signature.slice(0, -2)}+/`,
        '',
        'x'.repeat(600),
      ]) {
        assert.deepEqual(signer(NEW).check(bad, 'page'), { ok: false, reason: 'invalid' }, bad);
      }
    });

    it('is refused with a header that is not exactly HS256 with a known key id: alg none or HS512, crit, jku, typ, a missing kid', () => {
      const payload = encodeClaims(subject());
      const { kid } = linkKey(NEW);
      assert.equal(signer(NEW).check(handSigned({ alg: 'HS256', kid }, payload), 'page').ok, true, 'the hand signing itself is right');
      for (const header of [{ alg: 'none', kid }, { alg: 'HS512', kid }, { alg: 'HS256', kid, crit: ['exp'] }, { alg: 'HS256', kid, jku: 'https://evil.example/keys' }, { alg: 'HS256' }, { alg: 'HS256', kid, typ: 'JWT' }, [kid]]) {
        assert.deepEqual(signer(NEW).check(handSigned(header, payload), 'page'), { ok: false, reason: 'invalid' }, JSON.stringify(header));
      }
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${payload.toString('base64url')}.`;
      assert.deepEqual(signer(NEW).check(unsigned, 'page'), { ok: false, reason: 'invalid' });
    });

    it('is refused when its payload is not Samråd\'s: too short, an unknown format, a UUID spelled as text, a page link without a version', () => {
      const { kid } = linkKey(NEW);
      const good = encodeClaims(subject());
      const asText = Buffer.concat([good.subarray(0, 16), Buffer.from(MEETING)]);
      asText.writeUInt8(2, 0);
      const format9 = Buffer.from(good);
      format9.writeUInt8(9, 0);
      const noVersion = Buffer.from(good);
      noVersion.writeUInt16BE(0, 6);
      for (const payload of [good.subarray(0, 16), format9, asText, noVersion, Buffer.concat([good, Buffer.from([0])])]) {
        assert.deepEqual(signer(NEW).check(handSigned({ alg: 'HS256', kid }, payload), 'page'), { ok: false, reason: 'invalid' }, payload.toString('hex'));
      }
    });
  });

  describe('keys', () => {
    it('refuses a token with a key id it does not know, and one signed with another secret under a known key id', () => {
      const stranger = tokenOf(signer('s'.repeat(40)).pageUrl(MEETING, EVA, 1, expires));
      assert.deepEqual(signer(NEW).check(stranger, 'page'), { ok: false, reason: 'invalid' });
      const wrongKey = handSigned({ alg: 'HS256', kid: linkKey(NEW).kid }, encodeClaims(subject()), linkKey(OLD).key);
      assert.deepEqual(signer(`${NEW},${OLD}`).check(wrongKey, 'page'), { ok: false, reason: 'invalid' }, 'the key id picks the key: another key under it fails');
    });

    it('derives a stable key id and key per secret (HKDF-SHA256), never the secret itself', () => {
      assert.deepEqual(linkKey(NEW), linkKey(NEW));
      assert.notEqual(linkKey(NEW).kid, linkKey(OLD).kid);
      assert.match(linkKey(NEW).kid, /^[A-Za-z0-9_-]{6}$/);
      assert.equal(linkKey(NEW).key.length, 32);
      assert.ok(!linkKey(NEW).key.equals(Buffer.from(NEW).subarray(0, 32)));
    });

    it('after a rotation (LINK_SIGNING_SECRET "new,old") still verifies links signed with the old secret, and signs new ones with the new', () => {
      const before = signer(OLD);
      const page = tokenOf(before.pageUrl(MEETING, EVA, 1, expires));
      const letter = before.letterUrls(MEETING, EVA).letterUrl.split('/letters/')[1];
      const live = before.liveUrl(MEETING, NOW.plus({ hours: 2 }).toISO()!).split('/live/')[1];
      const rotated = signer(`${NEW}, ${OLD}`);
      assert.equal(rotated.check(page, 'page').ok, true);
      assert.notEqual(rotated.verify(letter), undefined);
      assert.deepEqual(rotated.verifyLive(live), { meetingId: MEETING });
      assert.equal(rotated.currentKid, linkKey(NEW).kid);
      assert.equal(decodeProtectedHeader(tokenOf(rotated.pageUrl(MEETING, EVA, 1, expires))).kid, linkKey(NEW).kid);
      // Once the old secret is taken out, everything it signed stops.
      const after = signer(NEW);
      assert.deepEqual(after.check(page, 'page'), { ok: false, reason: 'invalid' });
      assert.equal(after.verify(letter), undefined);
      assert.equal(after.verifyLive(live), undefined);
      assert.equal(after.check(tokenOf(rotated.pageUrl(MEETING, EVA, 1, expires)), 'page').ok, true);
    });

    it('needs at least one secret', () => {
      assert.throws(() => signer(''), /at least one secret/);
      assert.throws(() => signer(` , `), /at least one secret/);
    });
  });

  describe('purposes', () => {
    it('never lets a token of one purpose open another: page, letter, calendar file and live timer are each their own', () => {
      const links = signer(NEW);
      const page = tokenOf(links.pageUrl(MEETING, EVA, 1, expires));
      const { letterUrl, icsUrl } = links.letterUrls(MEETING, EVA);
      const letter = letterUrl.split('/letters/')[1];
      const ics = icsUrl.split('/letters/')[1].split('/')[0];
      const live = links.liveUrl(MEETING, NOW.plus({ hours: 2 }).toISO()!).split('/live/')[1];
      assert.equal(links.check(page, 'page').ok, true);
      assert.equal(links.check(letter, 'letter').ok, true);
      assert.equal(links.check(ics, 'ics').ok, true);
      for (const [token, purpose] of [[page, 'letter'], [page, 'ics'], [letter, 'page'], [letter, 'ics'], [ics, 'letter'], [ics, 'page'], [live, 'page'], [live, 'letter']] as const) {
        assert.deepEqual(links.check(token, purpose), { ok: false, reason: 'invalid' }, `${purpose} from another's token`);
      }
      for (const token of [page, letter, ics]) assert.equal(links.verifyLive(token), undefined);
    });

    it('never lets an export or minutes token open anything else, nor anything else open them', () => {
      const links = signer(NEW);
      const exported = links.exportUrls(MEETING).journalUrl.split('/export/')[1].split('/')[0];
      const minutes = links.minutesUrl(MEETING, EVA).split('/minutes/')[1];
      const page = tokenOf(links.pageUrl(MEETING, EVA, 1, expires));
      const letter = links.letterUrls(MEETING, EVA).letterUrl.split('/letters/')[1];
      assert.equal(links.check(exported, 'export').ok, true);
      assert.equal(links.check(minutes, 'minutes').ok, true);
      for (const purpose of ['page', 'letter', 'ics', 'minutes'] as const) assert.deepEqual(links.check(exported, purpose), { ok: false, reason: 'invalid' }, `${purpose} from an export token`);
      for (const purpose of ['page', 'letter', 'ics', 'export'] as const) assert.deepEqual(links.check(minutes, purpose), { ok: false, reason: 'invalid' }, `${purpose} from a minutes token`);
      for (const token of [page, letter]) {
        assert.equal(links.verifyExport(token), undefined);
        assert.equal(links.verifyMinutes(token), undefined);
      }
      assert.equal(links.verifyLive(exported), undefined);
      assert.equal(links.verifyLive(minutes), undefined);
    });

    it('signs an export link for the meeting alone: the meeting id\'s own key where a participant\'s would be, and nothing else accepted', async () => {
      const links = signer(NEW);
      const token = links.exportUrls(MEETING).jsonUrl.split('/export/')[1].split('/')[0];
      const verified = await compactVerify(token, new Uint8Array(linkKey(NEW).key), { algorithms: ['HS256'] });
      const payload = Buffer.from(verified.payload);
      assert.deepEqual(payload, encodeClaims(exportSubject(MEETING, Math.floor(NOW.plus({ hours: EXPORT_HOURS }).toSeconds()))));
      assert.equal(payload.readUInt8(1), 4);
      assert.equal(payload.subarray(8, 16).toString('base64url'), participantKey(MEETING));
      assert.throws(() => encodeClaims({ ...exportSubject(MEETING, 1), participantId: EVA }), /meeting only/);
      // An export payload naming a person, signed with the right key, is still refused.
      const naming = Buffer.from(payload);
      Buffer.from(participantKey(EVA), 'base64url').copy(naming, 8);
      assert.deepEqual(links.check(handSigned({ alg: 'HS256', kid: linkKey(NEW).kid }, naming), 'export'), { ok: false, reason: 'invalid' });
      assert.equal(links.check(handSigned({ alg: 'HS256', kid: linkKey(NEW).kid }, payload), 'export').ok, true);
    });

    it('gives minutes links 14 days and names the participant by the hash of their id', () => {
      const minutes = signer(NEW).minutesUrl(MEETING, EVA).split('/minutes/')[1];
      const checked = signer(NEW).check(minutes, 'minutes');
      assert.ok(checked.ok && checked.claims.expires === Math.floor(NOW.plus({ days: MINUTES_DAYS }).toSeconds()) && checked.claims.version === undefined);
      assert.ok(checked.ok && namesParticipant(checked.claims, EVA) && !namesParticipant(checked.claims, ALEX));
      assert.ok(signer(NEW).verifyMinutes(minutes)?.names(EVA));
    });

    it('gives letter and calendar-file links 14 days', () => {
      const { letterUrl } = signer(NEW).letterUrls(MEETING, EVA);
      const checked = signer(NEW).check(letterUrl.split('/letters/')[1], 'letter');
      assert.ok(checked.ok && checked.claims.expires === Math.floor(NOW.plus({ days: LETTER_DAYS }).toSeconds()) && checked.claims.version === undefined);
    });
  });

  describe('revocation and the record of uses', () => {
    it('accepts only the version the record names, and none while it is revoked', () => {
      const first = firstLink(MEETING, EVA, 'aad-kim', NOW);
      assert.equal(first.version, 1);
      assert.ok(linkAccepts(first, 1));
      assert.ok(!linkAccepts(first, 2) && !linkAccepts(first, undefined) && !linkAccepts(undefined, 1));
      const revoked = revokedLink(first, 'aad-kim', NOW.plus({ hours: 1 }));
      assert.equal(revoked.version, 2);
      assert.ok(!linkAccepts(revoked, 1) && !linkAccepts(revoked, 2), 'revoked: no version works');
      assert.equal(revokedLink(revoked, 'aad-kim', NOW.plus({ hours: 2 })), revoked, 'revoking twice changes nothing');
      const reissued = reissuedLink(revoked, 'aad-kim', NOW.plus({ hours: 3 }));
      assert.ok(linkAccepts(reissued, 2) && !linkAccepts(reissued, 1));
      assert.equal(reissued.revokedAt, undefined);
      // A new link without a revocation first: the one in use stops too.
      const replaced = reissuedLink(reissued, 'aad-kim', NOW.plus({ hours: 4 }));
      assert.ok(linkAccepts(replaced, 3) && !linkAccepts(replaced, 2));
      assert.equal(replaced.issuedAt, NOW.plus({ hours: 4 }).toUTC().toISO());
    });

    it('records each use (when, what, how it ended, the version), keeps the last 100 and counts them all', () => {
      let doc = firstLink(MEETING, EVA, 'system', NOW);
      doc = withUse(doc, { what: 'answer', result: 'ok', v: 1 }, NOW.plus({ minutes: 1 }));
      assert.deepEqual(doc.uses, [{ at: NOW.plus({ minutes: 1 }).toUTC().toISO(), what: 'answer', result: 'ok', v: 1 }]);
      for (let i = 0; i < USES_KEPT + 20; i++) doc = withUse(doc, { what: 'view', result: 'ok', v: 1 }, NOW.plus({ minutes: 2 + i }));
      assert.equal(doc.uses.length, USES_KEPT);
      assert.equal(doc.useCount, USES_KEPT + 21);
      assert.equal(doc.uses[doc.uses.length - 1].at, NOW.plus({ minutes: 2 + USES_KEPT + 19 }).toUTC().toISO());
      for (const use of doc.uses) assert.deepEqual(Object.keys(use).sort(), ['at', 'result', 'v', 'what'], 'no IP address or browser recorded');
    });
  });

  describe('forms from another site (bot/http/pages.ts)', () => {
    const links = { origin: () => 'https://samrad.example.org' };
    const from = (headers: Record<string, string>) => fromOwnPage({ headers } as never, links);

    it('takes a form from the page itself, or from a client that names no origin; refuses another site, an opaque origin and a cross-site fetch', () => {
      assert.ok(from({ origin: 'https://samrad.example.org', host: 'samrad.example.org' }));
      assert.ok(from({ origin: 'http://127.0.0.1:3978', host: '127.0.0.1:3978' }), 'the host it was asked at (local mode, a proxy)');
      assert.ok(from({ host: 'samrad.example.org' }), 'no Origin: not a browser\'s form from another site; the link decides');
      assert.ok(from({ 'sec-fetch-site': 'same-origin', origin: 'https://samrad.example.org' }));
      assert.ok(!from({ origin: 'https://evil.example', host: 'samrad.example.org' }));
      assert.ok(!from({ origin: 'https://samrad.example.org.evil.example', host: 'samrad.example.org' }));
      assert.ok(!from({ origin: 'null', host: 'samrad.example.org' }));
      assert.ok(!from({ 'sec-fetch-site': 'cross-site', host: 'samrad.example.org' }));
    });
  });

  describe('expiry of page links', () => {
    const meeting = (start: DateTime) => ({ when: { start: start.toUTC().toISO()!, timeZone: 'Europe/Stockholm', durationMinutes: 90 } }) as Meeting;

    it('lasts 90 days after the meeting\'s planned end, and at least 30 days from when it is issued', () => {
      const ahead = NOW.plus({ days: 10 });
      assert.equal(pageExpiry(meeting(ahead), NOW).toISO(), ahead.plus({ minutes: 90, days: 90 }).toISO());
      assert.equal(pageExpiry(meeting(NOW.minus({ days: 200 })), NOW).toISO(), NOW.plus({ days: 30 }).toISO());
    });

    it('refuses claims for a purpose with a version it must not have', () => {
      const letter = encodeClaims({ meetingId: MEETING, participantId: EVA, purpose: 'letter', expires: subject().expires });
      assert.equal(checkClaims(letter, 'letter', Math.floor(NOW.toSeconds())).ok, true);
      const withVersion = Buffer.from(letter);
      withVersion.writeUInt16BE(4, 6);
      assert.deepEqual(checkClaims(withVersion, 'letter', Math.floor(NOW.toSeconds())), { ok: false, reason: 'invalid' });
      assert.throws(() => encodeClaims(subject({ version: 0 })), /version/);
    });
  });
});
