import assert from 'node:assert/strict';
import type { Request, Response } from 'playwright-core';
import { t } from '../../bot/i18n';
import { action, cardActions } from '../support/cards';
import { Harness, type Person } from '../support/harness';
import { deliveryDone, personInputs, whenInputs } from '../support/scenarios';
import { chromiumPath, launchBrowser, type BrowserSession } from './driver';

const sv = (key: Parameters<typeof t>[1], params?: Record<string, string | number>) => t('sv', key, params);
const CASEWORKER: Person = { aadObjectId: '6b0f2d7f-0000-4000-8000-00000000d001', name: 'Karin Lind', locale: 'sv-SE', timeZone: 'Europe/Stockholm' };
const NURSE: Person = { aadObjectId: '6b0f2d7f-0000-4000-8000-00000000d002', name: 'Noor Nurse', locale: 'sv-SE' };

/**
 * The live timer page in headless Chromium, opened through the signed link on the meeting-mode
 * card as a big screen in a room would: the clock ticks in the browser, and the current speaker
 * changes after Next is pressed on the card (over HTTP, as Teams would send it).
 */
describe('the live timer page in Chromium: the signed link on a big screen', function () {
  this.timeout(120_000);
  const executable = chromiumPath();
  let h: Harness;
  let browser: BrowserSession;

  before(async function () {
    if (!executable) {
      if (process.env.CI) throw new Error('Chromium is missing: install Debian’s chromium (apt-get install chromium)');
      this.skip();
    }
    h = new Harness();
    await h.start();
    browser = await launchBrowser({ executablePath: executable, locale: 'sv-SE', timezoneId: 'Europe/Stockholm' });
  });
  after(async () => {
    await browser?.close();
    await h?.stop();
  });

  it('shows the timer ticking and the speaker changing after Next on the card, and says when the meeting has ended', async () => {
    // A sent meeting: the client Alex in person, the grandmother Eva by post, the nurse in Teams.
    let card = await h.press(CASEWORKER, 'plan.start', { verb: 'plan.start' });
    const meetingId = String(action(card, 'plan.when').data.meetingId);
    card = await h.press(CASEWORKER, 'plan.when', action(card, 'plan.when').data, whenInputs());
    card = await h.press(CASEWORKER, 'plan.who.add', action(card, 'plan.who.add').data, personInputs({ group: 'client', name: 'Alex', contactKind: 'hand', relation: '' }));
    card = await h.press(CASEWORKER, 'plan.who.add', action(card, 'plan.who.add').data, personInputs({ name: 'Eva', relation: 'mormor' }));
    card = await h.press(
      CASEWORKER,
      'plan.who.add',
      action(card, 'plan.who.add').data,
      personInputs({ group: 'professional', name: NURSE.name, relation: 'skolsköterska', contactKind: 'teams', teamsUser: NURSE.aadObjectId }),
    );
    card = await h.press(CASEWORKER, 'plan.who.save', action(card, 'plan.who.save').data, { consent: 'true', chairId: '', secretaryId: '', coOrganizerId: '' });
    card = await h.press(CASEWORKER, 'plan.why', action(card, 'plan.why').data, { purpose: 'En plan för hösten', topics: 'Sömnen', form: '' });
    await h.press(CASEWORKER, 'plan.send', action(card, 'plan.send').data, {}, 'status-activity');
    await deliveryDone(h, meetingId);
    card = await h.press(CASEWORKER, 'session.start', { meetingId });
    const url = cardActions(card).find((a) => a.type === 'Action.OpenUrl' && a.url?.includes('/live/'))?.url;
    assert.ok(url, 'the meeting-mode card offers the timer on a big screen');

    const { page } = browser;
    const problems: string[] = [];
    const elsewhere: string[] = [];
    const polls: number[] = [];
    // Chromium logs the 410 that tells the page the meeting has ended; anything else is a problem (a CSP violation too).
    page.on('console', (message) => message.type() === 'error' && !/status of 410/.test(message.text()) && problems.push(message.text()));
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('request', (request: Request) => !request.url().startsWith(h.app.url) && elsewhere.push(request.url()));
    page.on('response', (response: Response) => response.url().endsWith('/state') && polls.push(response.status()));
    await page.goto(url);

    // The timer, in Swedish, from the stored instants: it ticks in the browser.
    const big = page.locator('.big').first();
    await big.waitFor({ timeout: 15_000 });
    await page.getByText(sv('live.inPhase')).waitFor();
    assert.equal(await page.locator('.phase').textContent(), sv('session.phase.welcome'));
    assert.equal(await page.locator('.speaker').textContent(), 'Alex');
    assert.equal(await page.locator('.next').textContent(), 'Eva');
    if (process.env.LIVE_SCREENSHOT) await page.screenshot({ path: process.env.LIVE_SCREENSHOT });
    const before = await big.textContent();
    const ticking = Date.now();
    while ((await big.textContent()) === before) {
      assert.ok(Date.now() - ticking < 5000, `the timer still shows ${before} after 5 s`);
      await page.waitForTimeout(100);
    }
    assert.match((await big.textContent()) ?? '', /^\d+:\d\d$/);
    // While nothing changes, the page's polls are answered 304 Not Modified.
    await page.waitForResponse((response) => response.url().endsWith('/state') && response.status() === 304, { timeout: 10_000 });

    // Next on the card: the page shows the next speaker within a poll or two.
    card = await h.press(CASEWORKER, 'session.next', action(card, 'session.next').data);
    await page.locator('.speaker', { hasText: 'Eva (mormor)' }).waitFor({ timeout: 10_000 });
    assert.ok((await page.locator('.round').textContent())?.includes(sv('session.heard', { heard: 1, total: 4 })));
    assert.ok(!(await page.content()).includes('En plan för hösten') && !(await page.content()).includes('Sömnen'), 'nothing of the case');

    // The meeting ends: the page says so and stops asking.
    await h.press(CASEWORKER, 'session.end', action(card, 'session.end').data);
    await page.getByText(sv('live.ended')).waitFor({ timeout: 10_000 });
    const asked = polls.length;
    await page.waitForTimeout(3500);
    assert.equal(polls.length, asked, 'no more polls after the end');

    assert.deepEqual(problems, [], 'no script errors and no Content-Security-Policy violations');
    assert.deepEqual(elsewhere, [], 'the big-screen page loads nothing from elsewhere (no Teams library)');
  });
});
