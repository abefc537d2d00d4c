import assert from 'node:assert/strict';
import { esc } from '../../bot/documents/print';
import { t } from '../../bot/i18n';
import { Harness, useHarness } from '../support/harness';
import { planUntil } from '../support/scenarios';

describe('the pages the Teams app manifest links to', () => {
  let h: Harness;
  useHarness((harness) => (h = harness), true);

  for (const [path, key] of [['/', 'site.about'], ['/privacy', 'site.privacy'], ['/terms', 'site.terms']] as const) {
    it(`${path} answers in the reader's language`, async () => {
      const fi = await fetch(`${h.app.url}${path}`, { headers: { 'accept-language': 'fi-FI,fi;q=0.9' } });
      assert.equal(fi.status, 200);
      const html = await fi.text();
      assert.ok(html.includes('lang="fi"'));
      assert.ok(html.includes(t('fi', key).slice(0, 40)));
      const other = await (await fetch(`${h.app.url}${path}`, { headers: { 'accept-language': 'de-DE' } })).text();
      assert.ok(other.includes(t('en', key).slice(0, 40)));
    });
  }

  it('answers every signed-link route with a bad token as not found, never cached, never indexed', async () => {
    for (const path of ['/letters/bad', '/letters/bad/invitation.ics', '/export/bad/journal.txt', '/export/bad/meeting.json', '/minutes/bad', '/p/bad']) {
      const res = await fetch(`${h.app.url}${path}`);
      assert.ok(res.status === 404 || res.status === 410, `${path}: ${res.status}`);
      assert.equal(res.headers.get('cache-control'), 'no-store', path);
      assert.equal(res.headers.get('x-robots-tag'), 'noindex', path);
    }
  });

  it('prints the person\'s own page link on their letter (the client\'s too), and that link opens their page', async () => {
    const { meetingId } = await planUntil(h, 'sent');
    const alex = (await h.meeting(meetingId))!.participants.find((p) => p.name === 'Alex')!;
    const letterUrl = h.app.deps.links.letterUrls(meetingId, alex.id).letterUrl;
    const letter = await fetch(letterUrl);
    assert.equal(letter.status, 200);
    const html = await letter.text();
    const printed = /<p class="page-link">([^<]*)<a href="([^"]*)">([^<]*)<\/a><\/p>/.exec(html);
    assert.ok(printed, 'the letter prints a page link');
    assert.equal(printed[1], `${esc(t('sv', 'letter.pageLink'))} `);
    assert.equal(printed[2], printed[3]);
    assert.ok(printed[2].startsWith(`${h.app.url}/p/`), printed[2]);
    const page = await fetch(printed[2]);
    assert.equal(page.status, 200);
    assert.ok((await page.text()).includes('lang="sv"'), 'Alex\'s own page, in Alex\'s language');
    // Printed again, it is the same link: the first letter issued it.
    const again = await (await fetch(letterUrl)).text();
    assert.ok(again.includes(`<a href="${printed[2]}">`));
  });
});
