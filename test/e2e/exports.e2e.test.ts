import assert from 'node:assert/strict';
import { decodeProtectedHeader } from 'jose';
import { DateTime } from 'luxon';
import type { MeetingExportV1 } from '../../bot/documents/export';
import { esc } from '../../bot/documents/print';
import { NOT_FOUND } from '../../bot/http/exports';
import { t } from '../../bot/i18n';
import { LetterLinks, linkKey } from '../../bot/services/links';
import { Harness, useHarness } from '../support/harness';
import { CASEWORKER, colleagues, deliveryDone, planAndSend } from '../support/scenarios';
import { schemaValidator } from '../support/schema';

/** The JSON Schema of the export, checked as `test/unit/export.test.ts` does. */
const validator = () => schemaValidator('meeting-export.v1');

/** The token of an export link (the same for the journal and the JSON). */
const exportToken = (url: string) => url.split('/export/')[1].split('/')[0];

/** The token with one character of its signature changed. */
function tampered(token: string): string {
  const [header, payload, signature] = token.split('.');
  return `${header}.${payload}.${(signature[0] === 'A' ? 'B' : 'A') + signature.slice(1)}`;
}

describe('the caseworker\'s export links (/export/:token/…) through the HTTP endpoint', () => {
  let h: Harness;
  let meetingId = '';
  let day = '';
  useHarness((harness) => (h = harness), true);

  before(async () => {
    meetingId = await planAndSend(h, colleagues(2));
    await deliveryDone(h, meetingId);
    const when = (await h.meeting(meetingId))!.when!;
    day = DateTime.fromISO(when.start, { zone: 'utc' }).setZone(when.timeZone).toFormat('yyyy-MM-dd');
  });

  it('gives the journal as a text download in the caseworker\'s language, never cached', async () => {
    const { journalUrl } = h.app.deps.links.exportUrls(meetingId);
    assert.ok(journalUrl.startsWith(`${h.app.url}/export/`), journalUrl);
    const res = await fetch(journalUrl);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="network-meeting-${day}-journal.txt"`);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('x-robots-tag'), 'noindex');
    const text = await res.text();
    assert.ok(text.startsWith('Nätverksmöte, '), text);
    assert.ok(text.includes(t('sv', 'export.notHeld')), 'the meeting is not held yet, and the journal says so');
    assert.ok(text.includes('Kollega 1') && text.includes('Alex'));
  });

  it('gives the whole meeting as a JSON download that validates against schema/meeting-export.v1.schema.json', async () => {
    const { jsonUrl } = h.app.deps.links.exportUrls(meetingId);
    const res = await fetch(jsonUrl);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="network-meeting-${day}-meeting.json"`);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const exported = (await res.json()) as MeetingExportV1;
    const result = validator()(exported);
    assert.deepEqual(result.errors, []);
    assert.equal(result.ok, true);
    assert.equal(exported.schemaVersion, 1);
    assert.equal(exported.meeting.id, meetingId);
    assert.equal(exported.meeting.status, 'invited');
    assert.deepEqual(exported.participants.map((p) => p.name).sort(), ['Alex', 'Kollega 1', 'Kollega 2', CASEWORKER.name].sort());
  });

  it('answers a tampered token, a token of another purpose or another secret, and a meeting that does not exist with the same fixed 404', async () => {
    const links = h.app.deps.links;
    const good = exportToken(links.exportUrls(meetingId).journalUrl);
    const [header, payload, signature] = good.split('.');
    const other = new LetterLinks('z'.repeat(40), () => h.app.url, () => DateTime.now());
    const someone = (await h.meeting(meetingId))!.participants.find((p) => p.name === 'Kollega 1')!.id;
    const wrong = [
      tampered(good),
      // The payload's expiry byte changed under the original signature.
      `${header}.${Buffer.from(payload, 'base64url').fill(0xff, 2, 3).toString('base64url')}.${signature}`,
      `${header}.${payload}`,
      exportToken(other.exportUrls(meetingId).journalUrl),
      links.minutesUrl(meetingId, someone).split('/minutes/')[1],
      links.letterUrls(meetingId, someone).letterUrl.split('/letters/')[1],
      exportToken(links.exportUrls('5d0c7f8e-1b2a-4c3d-8e9f-00000000ffff').journalUrl),
      'nonsense',
    ];
    for (const token of wrong) {
      for (const file of ['journal.txt', 'meeting.json']) {
        const res = await fetch(`${h.app.url}/export/${token}/${file}`);
        assert.deepEqual([res.status, await res.text(), res.headers.get('cache-control')], [404, NOT_FOUND, 'no-store'], `${file}: ${token}`);
      }
    }
    // The good one still works.
    assert.equal((await fetch(`${h.app.url}/export/${good}/journal.txt`)).status, 200);
  });

  it('serves no printable minutes before the meeting has ended, and the same page for an export token', async () => {
    const links = h.app.deps.links;
    const someone = (await h.meeting(meetingId))!.participants.find((p) => p.name === 'Kollega 1')!.id;
    for (const url of [links.minutesUrl(meetingId, someone), `${h.app.url}/minutes/${exportToken(links.exportUrls(meetingId).journalUrl)}`]) {
      const res = await fetch(url, { headers: { 'accept-language': 'da-DK' } });
      assert.equal(res.status, 404);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.ok((await res.text()).includes(esc(t('da', 'minutesDoc.missing'))));
    }
  });
});

describe('export links across a rotation of LINK_SIGNING_SECRET, through the HTTP endpoint', () => {
  const OLD = 'o'.repeat(40);
  const NEW = 'n'.repeat(40);
  const h = new Harness();

  before(async () => {
    await h.start({ LINK_SIGNING_SECRET: `${NEW},${OLD}` });
  });
  after(async () => h.stop());

  it('still opens a link signed with the old secret, and never one signed with a secret taken out', async () => {
    const meetingId = await planAndSend(h, colleagues(1));
    await deliveryDone(h, meetingId);
    const signedBy = (secret: string) => new LetterLinks(secret, () => h.app.url, () => DateTime.now()).exportUrls(meetingId);
    assert.equal((await fetch(signedBy(OLD).jsonUrl)).status, 200, 'signed before the rotation');
    assert.equal((await fetch(signedBy(NEW).journalUrl)).status, 200);
    assert.equal((await fetch(h.app.deps.links.exportUrls(meetingId).jsonUrl)).status, 200);
    assert.equal(decodeProtectedHeader(exportToken(h.app.deps.links.exportUrls(meetingId).jsonUrl)).kid, linkKey(NEW).kid, 'new links are signed with the new secret');
    const gone = await fetch(signedBy('r'.repeat(40)).jsonUrl);
    assert.deepEqual([gone.status, await gone.text()], [404, NOT_FOUND]);
  });
});
