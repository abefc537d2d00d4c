import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import type { Request, Response } from 'playwright-core';
import { readSession } from '../../bot/services/session';
import { action, cardActions, cardInput } from '../support/cards';
import { Harness, type Person } from '../support/harness';
import { agreeOutcome, CASEWORKER_CONTACT, deliveryDone, personInputs, whenInputs } from '../support/scenarios';
import { da, sv } from '../support/text';
import { chromiumPath, launchBrowser, type BrowserSession } from './driver';

const CASEWORKER: Person = { aadObjectId: '6b0f2d7f-0000-4000-8000-00000000d001', name: 'Karin Lind', locale: 'sv-SE', timeZone: 'Europe/Stockholm' };
const NURSE: Person = { aadObjectId: '6b0f2d7f-0000-4000-8000-00000000d002', name: 'Noor Nurse', locale: 'sv-SE' };

/**
 * The live timer page in headless Chromium, opened through the signed link on the meeting-mode
 * card as a big screen in a room would: the clock ticks in the browser, and the current speaker
 * changes after Next is pressed on the card (over HTTP, as Teams would send it), the agenda shows
 * once the chair turns it on for the screen, and a break stops the clock. The browser is
 * an English one; the meeting is convened in Swedish, so the page speaks Swedish until another
 * language is chosen on its switch.
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
    browser = await launchBrowser({ executablePath: executable, locale: 'en-US', timezoneId: 'Europe/Stockholm' });
  });
  after(async () => {
    await browser?.close();
    await h?.stop();
  });

  it('shows the timer ticking, the speaker changing after Next on the card, the agenda when the chair turns it on, a break with the clock standing still, and says when the meeting has ended', async () => {
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
    card = await h.press(CASEWORKER, 'plan.why', action(card, 'plan.why').data, { purpose: 'En plan för hösten', topics: 'Sömnen\nSkolan', form: '' });
    await h.press(CASEWORKER, 'plan.send', action(card, 'plan.send').data, CASEWORKER_CONTACT, 'status-activity');
    await deliveryDone(h, meetingId);
    // Start opens meeting mode; where the card then offers to begin (and asks to confirm a start days ahead), that is pressed too.
    card = await h.press(CASEWORKER, 'session.start', { meetingId });
    for (let i = 0; i < 3; i += 1) {
      const begin = cardActions(card).filter((a) => a.verb === 'session.begin');
      if (begin.length === 0) break;
      card = await h.press(CASEWORKER, 'session.begin', (begin.find((a) => a.data?.confirm === 'yes') ?? begin[0]).data ?? {});
    }
    const url = cardActions(card).find((a) => a.type === 'Action.OpenUrl' && a.url?.includes('/live/'))?.url;
    assert.ok(url, 'the meeting-mode card offers the timer on a big screen');

    const { page } = browser;
    const problems: string[] = [];
    const elsewhere: string[] = [];
    const polls: number[] = [];
    const languagesAsked: string[] = [];
    const isState = (address: string) => new URL(address).pathname.endsWith('/state');
    // Chromium logs the 410 that tells the page the meeting has ended; anything else is a problem (a CSP violation too).
    page.on('console', (message) => message.type() === 'error' && !/status of 410/.test(message.text()) && problems.push(message.text()));
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('request', (request: Request) => !request.url().startsWith(h.app.url) && elsewhere.push(request.url()));
    page.on('response', (response: Response) => isState(response.url()) && polls.push(response.status()));
    page.on('request', (request: Request) => isState(request.url()) && languagesAsked.push(new URL(request.url()).searchParams.get('lang') ?? ''));
    await page.goto(url);

    // The timer, in Swedish (the meeting's language, for an English browser), from the stored instants: it ticks in the browser.
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
    await page.waitForResponse((response) => isState(response.url()) && response.status() === 304, { timeout: 10_000 });
    assert.equal(await page.locator('html').getAttribute('lang'), 'sv');
    assert.equal(await page.getByRole('button', { name: 'Svenska' }).getAttribute('aria-pressed'), 'true');
    assert.deepEqual([...new Set(languagesAsked)], ['sv'], 'the state is asked for in Swedish');

    // Next on the card: the page shows the next speaker within a poll or two.
    card = await h.press(CASEWORKER, 'session.next', action(card, 'session.next').data);
    await page.locator('.speaker', { hasText: 'Eva (mormor)' }).waitFor({ timeout: 10_000 });
    assert.ok((await page.locator('.round').textContent())?.includes(sv('session.heard', { heard: 1, total: 4 })));
    assert.ok(!(await page.content()).includes('En plan för hösten') && !(await page.content()).includes('Sömnen'), 'nothing of the case');
    assert.equal(await page.locator('.agenda').isVisible(), false, 'no agenda unless the chair turns it on');

    // The chair puts the agenda on the screen: the topics, where the meeting is (the first not covered), and never the purpose.
    card = await h.press(CASEWORKER, 'session.show', action(card, 'session.show', { section: 'agenda' }).data);
    card = await h.press(CASEWORKER, 'session.screen', action(card, 'session.screen').data, { screenAgenda: 'true' });
    await page.locator('.agenda').waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await page.locator('.agenda h2').textContent(), sv('live.agenda'));
    assert.deepEqual(await page.locator('.topic .text').allTextContents(), ['Sömnen', 'Skolan']);
    assert.equal(await page.locator('.topic.now .text').textContent(), 'Sömnen', 'where we are: the first topic');
    assert.equal(await page.locator('.topic[aria-current="step"] .badge').textContent(), sv('live.topicNow'));
    // Sleep covered on the card: marked so, and where we are moves on to school.
    const sleep = cardInput(card, 'covered').choices.find((c: { title: string }) => c.title === 'Sömnen').value;
    card = await h.press(CASEWORKER, 'session.covered', action(card, 'session.covered').data, { [cardInput(card, 'covered').id]: sleep });
    await page.locator('.topic.now .text', { hasText: 'Skolan' }).waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('.topic.covered .text').textContent(), 'Sömnen');
    assert.equal(await page.locator('.topic.covered .mark').textContent(), '✓');
    assert.equal(await page.locator('.topic.covered .sr').textContent(), `, ${sv('live.topicCovered')}`);
    assert.ok(!(await page.content()).includes('En plan för hösten'), 'never the purpose');

    // The switch: Dansk changes the page's texts at once, without a reload, and the state's labels with the next answer.
    await page.evaluate(() => ((globalThis as Record<string, unknown>).samePage = true));
    const switcher = page.getByRole('group', { name: sv('live.language') });
    await switcher.getByRole('button', { name: 'Dansk' }).click();
    assert.equal(await page.locator('.clock .label').first().textContent(), da('live.inPhase'), 'the texts change at once');
    assert.equal(await page.locator('html').getAttribute('lang'), 'da');
    assert.equal(await page.title(), da('live.title'));
    assert.equal(await page.locator('#languages').getAttribute('aria-label'), da('live.language'));
    assert.deepEqual(await page.locator('#languages button[aria-pressed="true"]').allTextContents(), ['Dansk']);
    await page.locator('.phase', { hasText: da('session.phase.welcome') }).waitFor({ timeout: 5000 });
    assert.ok((await page.locator('.round').textContent())?.includes(da('session.heard', { heard: 1, total: 4 })));
    assert.equal(await page.locator('.speaker').textContent(), 'Eva (mormor)');
    assert.equal(await page.locator('.agenda h2').textContent(), da('live.agenda'), 'the agenda in Danish too');
    assert.equal(await page.locator('.topic.now .badge').textContent(), da('live.topicNow'));
    assert.equal(await page.evaluate(() => (globalThis as Record<string, unknown>).samePage), true, 'no reload');
    assert.equal(new URL(page.url()).searchParams.get('lang'), 'da', 'the address says the language');
    assert.equal(languagesAsked.at(-1), 'da', 'the state is asked for in Danish');
    // Kept: on a reload (the address), and when the link is opened again without it (this browser).
    await page.reload();
    await page.locator('.phase', { hasText: da('session.phase.welcome') }).waitFor({ timeout: 10_000 });
    await page.goto(url);
    await page.locator('.phase', { hasText: da('session.phase.welcome') }).waitFor({ timeout: 10_000 });
    assert.equal(await page.getByText(da('live.inPhase')).count(), 1);
    assert.equal(new URL(page.url()).searchParams.get('lang'), 'da');
    // The keyboard works the switch too: back to Swedish.
    await page.getByRole('button', { name: 'Svenska' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('.phase', { hasText: sv('session.phase.welcome') }).waitFor({ timeout: 5000 });
    assert.equal(await page.getByText(sv('live.inPhase')).count(), 1);
    assert.equal(await page.locator('html').getAttribute('lang'), 'sv');

    // Turned off: the topics leave the page.
    card = await h.press(CASEWORKER, 'session.screen', action(card, 'session.screen').data, { screenAgenda: 'false' });
    await page.locator('.agenda').waitFor({ state: 'hidden', timeout: 10_000 });
    assert.ok(!(await page.content()).includes('Skolan'), 'no topic left on the page');

    // A break: the page says so, since when, and the clock stands still until the chair ends it.
    assert.equal(await page.locator('.break-box').isVisible(), false);
    card = await h.press(CASEWORKER, 'session.break', action(card, 'session.break', { change: 'start' }).data);
    await page.locator('.break-box').waitFor({ state: 'visible', timeout: 10_000 });
    const since = (await readSession(h.app.deps, meetingId))!.doc.breaks!.at(-1)!.startedAt;
    assert.equal(await page.locator('.break-title').textContent(), sv('live.break'));
    assert.equal(await page.locator('.break-since').textContent(), sv('live.breakSince', { time: DateTime.fromISO(since).setZone('Europe/Stockholm').toFormat('HH:mm') }));
    assert.equal(await page.locator('.break-box').getAttribute('role'), 'status');
    const clocksOf = () => page.locator('.big').allTextContents();
    const stopped = await clocksOf();
    await page.waitForTimeout(2500);
    assert.deepEqual(await clocksOf(), stopped, 'time in the phase and time left stand still during the break');
    assert.equal(await page.locator('.pace').textContent(), '', 'no ahead or behind on a break, as on the card');
    // The break ends: the page says no more of it, and the clock runs on from where it stood.
    card = await h.press(CASEWORKER, 'session.break', action(card, 'session.break', { change: 'end' }).data);
    await page.locator('.break-box').waitFor({ state: 'hidden', timeout: 10_000 });
    const resumed = Date.now();
    while ((await big.textContent()) === stopped[0]) {
      assert.ok(Date.now() - resumed < 5000, `the timer still shows ${stopped[0]} 5 s after the break`);
      await page.waitForTimeout(100);
    }
    assert.notEqual(await page.locator('.pace').textContent(), '', 'ahead, behind or on time again');

    // The meeting ends: the page says so and stops asking.
    const agreed = await agreeOutcome(h, card, CASEWORKER);
    await h.press(CASEWORKER, 'session.end', action(agreed, 'session.end').data);
    await page.getByText(sv('live.ended')).waitFor({ timeout: 10_000 });
    const asked = polls.length;
    await page.waitForTimeout(3500);
    assert.equal(polls.length, asked, 'no more polls after the end');

    assert.deepEqual(problems, [], 'no script errors and no Content-Security-Policy violations');
    assert.deepEqual(elsewhere, [], 'the big-screen page loads nothing from elsewhere (no Teams library)');
  });
});
