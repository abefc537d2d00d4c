import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { clockOf, type Session } from '../../bot/domain/session';
import { t } from '../../bot/i18n';
import { readSession } from '../../bot/services/session';
import { agendaNow, clockAt } from '../../tab/clock';
import type { LiveState } from '../../tab/wire';
import { action, cardActions, cardInput } from '../support/cards';
import { Harness, type Person } from '../support/harness';
import { newKey, OpenIdStandIn, unsignedToken } from '../support/openid';
import { agreeOutcome, meetingToHold, openPart } from '../support/scenarios';

const CASEWORKER: Person = { aadObjectId: '7a1c0d2e-0000-4000-8000-00000000c001', name: 'Karin Caseworker', locale: 'sv-SE', timeZone: 'Europe/Stockholm' };
const NURSE: Person = { aadObjectId: '7A1C0D2E-0000-4000-8000-00000000C002', name: 'Noor Nurse', locale: 'en-GB' };
const TEACHER: Person = { aadObjectId: '7a1c0d2e-0000-4000-8000-00000000c003', name: 'Tove Teacher', locale: 'da-DK' };
const STRANGER: Person = { aadObjectId: '7a1c0d2e-0000-4000-8000-00000000c0ff', name: 'Someone Else', locale: 'fi-FI' };
const FINNISH_CASEWORKER: Person = { aadObjectId: '7a1c0d2e-0000-4000-8000-00000000c004', name: 'Kaisa Sosiaalityöntekijä', locale: 'fi-FI', timeZone: 'Europe/Helsinki' };
/** The switch's buttons, each language named in its own language. */
const LANGUAGE_NAMES = { sv: 'Svenska', da: 'Dansk', fi: 'Suomi', en: 'English' } as const;
const APP_ID = '66666666-7777-8888-9999-aaaaaaaaaaaa';
const AUDIENCE = `api://localhost/${APP_ID}`;
/** What the case says and the live page must never show. */
const SECRETS = ['A plan for the family', 'Sleep', 'School'];

/** A sent meeting ready to be held (the nurse chairs), and its status card. */
async function sentMeeting(h: Harness): Promise<{ meetingId: string; status: any }> {
  const meetingId = await meetingToHold(h, { nurse: NURSE, teacher: TEACHER, caseworker: CASEWORKER }, { purpose: SECRETS[0], topics: `${SECRETS[1]}\n${SECRETS[2]}` });
  return { meetingId, status: await h.press(CASEWORKER, 'status.show', { meetingId }) };
}

/**
 * Opens meeting mode and starts the meeting, as the caseworker does on the card: Start opens
 * it, and where the card then offers to begin (confirming a start far from the planned time
 * when it asks), that is pressed too.
 */
async function startMeeting(h: Harness, meetingId: string, caseworker: Person = CASEWORKER): Promise<any> {
  let card = await h.press(caseworker, 'session.start', { meetingId });
  for (let i = 0; i < 3; i += 1) {
    const begin = cardActions(card).filter((a) => a.verb === 'session.begin');
    if (begin.length === 0) break;
    card = await h.press(caseworker, 'session.begin', (begin.find((a) => a.data?.confirm === 'yes') ?? begin[0]).data ?? {});
  }
  return card;
}

/** The language switch on a served page: each button's language and name, and which is pressed. */
function languageButtons(html: string): { lang: string; name: string; pressed: boolean }[] {
  return [...html.matchAll(/<button type="button" lang="(\w+)" data-lang="\1" aria-pressed="(true|false)">([^<]*)<\/button>/g)].map((m) => ({ lang: m[1], name: m[3], pressed: m[2] === 'true' }));
}

/** The signed live timer link on a meeting-mode card. */
function liveLink(card: unknown): string {
  const found = cardActions(card).find((a) => a.type === 'Action.OpenUrl' && a.url?.includes('/live/'));
  if (!found?.url) throw new Error('no live timer link on the card');
  return found.url;
}

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as LiveState };
}

function assertNoCase(text: string, where: string): void {
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `${where} shows "${secret}"`);
}

const MINUTE = 60_000;

/** Two instants (ms) the same within the millisecond the stored ISO times round to. */
function near(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 2, `${what}: ${actual} is not ${expected}`);
}

/** The card's clock (clockOf) of the stored session at the moment the state was answered, or at `at` (ms). */
async function cardClock(h: Harness, meetingId: string, at: number): Promise<{ session: Session; plannedEnd: number; phaseEnd: number; behind: number }> {
  const session = (await readSession(h.app.deps, meetingId))!.doc;
  const clock = clockOf(session, DateTime.fromMillis(at, { zone: 'utc' }));
  return { session, plannedEnd: Date.parse(clock.plannedEnd), phaseEnd: Date.parse(clock.phaseEnd), behind: clock.behindMinutes };
}

describe('the live timer page through the HTTP endpoint', function () {
  this.timeout(60_000);
  const entra = new OpenIdStandIn();
  let h: Harness;

  before(async () => {
    await entra.start();
  });
  after(async () => entra.stop());
  beforeEach(async () => {
    h = new Harness();
    await h.start({ SSO_JWKS_URL: `${entra.base}/v1/keys`, SSO_AUDIENCE: AUDIENCE });
  });
  afterEach(async () => h.stop());

  /** An SSO token as Teams would get it for this person, with these changes. */
  const sso = (person: Person, changes: Record<string, unknown> = {}, options: Parameters<OpenIdStandIn['token']>[1] = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return entra.token(
      { iss: `https://login.microsoftonline.com/${h.tenantId}/v2.0`, aud: AUDIENCE, tid: h.tenantId, oid: person.aadObjectId, scp: 'access_as_user', iat: now - 60, nbf: now - 60, exp: now + 3600, ...changes },
      options,
    );
  };
  const api = async (meetingId: string, token: string | undefined, headers: Record<string, string> = {}) =>
    get(`${h.app.url}/api/live/${meetingId}`, { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers });

  it('serves the page and the state through the signed link on the meeting-mode card; the state follows Next, with its ETag, and answers 304 while nothing changed', async () => {
    const { meetingId } = await sentMeeting(h);
    let card = await startMeeting(h, meetingId);
    const url = liveLink(card);
    assert.ok(url.startsWith(`${h.app.url}/live/`), url);

    const page = await get(url, { 'Accept-Language': 'sv-SE,sv;q=0.9,en;q=0.5' });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.ok(!/unsafe-inline|unsafe-eval/.test(csp), csp);
    assert.ok(page.text.includes('<html lang="sv">'));
    assert.ok(page.text.includes(t('sv', 'live.speaking')), 'the texts in Swedish');
    assert.ok(page.text.includes('<script src="/tab/live.js"></script>'));
    assert.ok(!/ on[a-z]+=/i.test(page.text), 'no inline event handlers');
    assertNoCase(page.text, 'the page');

    const stateUrl = `${url}/state`;
    const first = await get(stateUrl, { 'Accept-Language': 'sv-SE' });
    assert.equal(first.status, 200);
    assert.match(first.headers.get('cache-control') ?? '', /no-cache|no-store/);
    const etag = first.headers.get('etag')!;
    assert.ok(etag, 'an ETag');
    const state = first.json();
    assert.equal(state.started, true);
    assert.equal(state.ended, false);
    assert.equal(state.phase?.key, 'welcome');
    assert.equal(state.phase?.label, t('sv', 'session.phase.welcome'));
    assert.equal(state.round?.label, t('sv', 'session.round.introductions'));
    assert.equal(state.speaker, 'Alex', 'the client speaks first');
    assert.equal(state.next, 'Eva');
    assert.equal(state.round?.heard, 0);
    assert.ok(Math.abs(state.serverTime - h.now().toMillis()) < 5000, 'the server says its time');
    assert.ok(Date.parse(state.meeting.plannedEnd) - Date.parse(state.meeting.startedAt!) === 90 * 60_000, 'planned end: 90 minutes after the start');
    assertNoCase(first.text, 'the state');
    // The page's clock (tab/clock.ts) reads the same from the stored instants as the card's (clockOf).
    const clock = clockAt(state, state.serverTime)!;
    assert.equal(clock.behind, state.behindMinutes);
    assert.ok(clock.inPhase >= 0 && clock.inPhase < 60_000);
    assert.ok(clock.toEnd > 89 * 60_000 && clock.toEnd <= 90 * 60_000);

    const unchanged = await get(stateUrl, { 'Accept-Language': 'sv-SE', 'If-None-Match': etag });
    assert.equal(unchanged.status, 304);
    assert.equal(unchanged.text, '');
    assert.equal(unchanged.headers.get('etag'), etag);

    // Next on the card: the current speaker changes, and the ETag with it.
    card = await h.press(CASEWORKER, 'session.next', action(card, 'session.next').data);
    const moved = await get(stateUrl, { 'Accept-Language': 'sv-SE', 'If-None-Match': etag });
    assert.equal(moved.status, 200);
    assert.notEqual(moved.headers.get('etag'), etag);
    assert.equal(moved.json().speaker, 'Eva (grandmother)');
    assert.equal(moved.json().round?.heard, 1);
    // The labels follow the language asked for, and so does the ETag.
    const english = await get(`${stateUrl}?lang=en`, { 'If-None-Match': moved.headers.get('etag')! });
    assert.equal(english.status, 200);
    assert.equal(english.json().phase?.label, t('en', 'session.phase.welcome'));

    // A new phase: its own start and budget.
    card = await h.press(CASEWORKER, 'session.phase', action(card, 'session.phase', { phase: 'describe' }).data);
    const described = (await get(stateUrl)).json();
    assert.equal(described.phase?.key, 'describe');
    assert.equal(described.phase?.number, 2);
    assert.equal(described.round, undefined);
    assert.equal(described.speaker, undefined);
  });

  it('speaks the meeting\'s language (the convening caseworker\'s), not the browser\'s, and switches with ?lang= on the page and its state alike', async () => {
    // Convened by Karin in Swedish, opened by an English browser.
    const { meetingId } = await sentMeeting(h);
    const url = liveLink(await startMeeting(h, meetingId));
    const english = { 'Accept-Language': 'en-US,en;q=0.9' };
    const page = await get(url, english);
    assert.equal(page.status, 200);
    assert.ok(page.text.includes('<html lang="sv">'), 'the page is in Swedish');
    assert.ok(page.text.includes(`<title>${t('sv', 'live.title')}</title>`));
    assert.ok(page.text.includes('data-locale="sv"'));
    assert.ok(page.text.includes(`<p class="message">${t('sv', 'live.loading')}</p>`));
    // The switch: a labelled group of toggle buttons, each language in its own language and marked so, Swedish pressed.
    assert.deepEqual(languageButtons(page.text), [
      { lang: 'sv', name: 'Svenska', pressed: true },
      { lang: 'da', name: 'Dansk', pressed: false },
      { lang: 'fi', name: 'Suomi', pressed: false },
      { lang: 'en', name: 'English', pressed: false },
    ]);
    assert.ok(page.text.includes(`role="group" aria-label="${t('sv', 'live.language')}"`), 'the switch is labelled, in the page\'s language');
    // Every language's texts are on the page, so that the switch changes them without a reload.
    const served = JSON.parse(/<script type="application\/json" id="samrad-texts">(.*?)<\/script>/s.exec(page.text)![1]) as Record<string, Record<string, string>>;
    assert.deepEqual(Object.keys(served).sort(), ['da', 'en', 'fi', 'sv']);
    for (const locale of ['sv', 'da', 'fi', 'en'] as const) {
      assert.equal(served[locale].speaking, t(locale, 'live.speaking'));
      assert.equal(served[locale].language, t(locale, 'live.language'));
    }
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /style-src 'nonce-[^']+'/);
    assert.ok(!/unsafe-inline/.test(csp), csp);
    assert.ok(!/ on[a-z]+=| style=/i.test(page.text), 'no inline handlers or styles');

    // The state: Swedish for the English browser; ?lang= asks for another language, with its own ETag.
    const stateUrl = `${url}/state`;
    const swedish = await get(stateUrl, english);
    assert.equal(swedish.json().phase?.label, t('sv', 'session.phase.welcome'));
    assert.equal(swedish.json().round?.label, t('sv', 'session.round.introductions'));
    assert.equal(swedish.headers.get('vary'), null, 'the answer does not vary with Accept-Language');
    const danish = await get(`${stateUrl}?lang=da`, english);
    assert.equal(danish.status, 200);
    assert.equal(danish.json().phase?.label, t('da', 'session.phase.welcome'));
    assert.equal(danish.json().round?.label, t('da', 'session.round.introductions'));
    assert.notEqual(danish.headers.get('etag'), swedish.headers.get('etag'));
    assert.equal((await get(`${stateUrl}?lang=da`, { 'If-None-Match': danish.headers.get('etag')! })).status, 304);
    assert.equal((await get(`${stateUrl}?lang=da`, { 'If-None-Match': swedish.headers.get('etag')! })).status, 200, 'the Swedish state is not the Danish one');
    assert.equal((await get(`${stateUrl}?lang=FI`)).json().phase?.label, t('fi', 'session.phase.welcome'));

    // The page, asked in Danish: Danish, with Dansk pressed.
    const danishPage = await get(`${url}?lang=da`, english);
    assert.equal(danishPage.status, 200);
    assert.ok(danishPage.text.includes('<html lang="da">'));
    assert.ok(danishPage.text.includes(`<title>${t('da', 'live.title')}</title>`));
    assert.deepEqual(languageButtons(danishPage.text).filter((b) => b.pressed).map((b) => b.lang), ['da']);

    // An unknown language is no choice: the meeting's, not the browser's nor English.
    for (const unknown of ['de', 'xx', 'sv-SE', '', 'en,da', '<script>']) {
      const odd = await get(`${url}?lang=${encodeURIComponent(unknown)}`, english);
      assert.equal(odd.status, 200, unknown);
      assert.ok(odd.text.includes('<html lang="sv">'), `?lang=${unknown} opens in Swedish`);
      assert.ok(!odd.text.includes('<script>"') && !odd.text.includes('lang="<script>'), 'the value is never echoed');
      const state = await get(`${stateUrl}?lang=${encodeURIComponent(unknown)}`, english);
      assert.equal(state.json().phase?.label, t('sv', 'session.phase.welcome'), `state ?lang=${unknown}`);
      assert.equal(state.headers.get('etag'), swedish.headers.get('etag'));
    }
  });

  it('opens a meeting convened in Finnish in Finnish, whatever the browser says', async () => {
    const meetingId = await meetingToHold(h, { nurse: NURSE, teacher: TEACHER, caseworker: FINNISH_CASEWORKER });
    const url = liveLink(await startMeeting(h, meetingId, FINNISH_CASEWORKER));
    for (const browser of ['en-US', 'sv-SE', 'da-DK', '']) {
      const page = await get(url, browser ? { 'Accept-Language': browser } : {});
      assert.ok(page.text.includes('<html lang="fi">'), browser);
      assert.deepEqual(languageButtons(page.text).filter((b) => b.pressed).map((b) => b.name), ['Suomi']);
      assert.equal((await get(`${url}/state`, browser ? { 'Accept-Language': browser } : {})).json().phase?.label, t('fi', 'session.phase.welcome'), browser);
    }
    assert.equal((await get(`${url}/state?lang=sv`, { 'Accept-Language': 'fi-FI' })).json().phase?.label, t('sv', 'session.phase.welcome'));
    // A link that no longer names a meeting has only the address and the browser to go by.
    const expired = await get(`${h.app.url}/live/not.a-token`, { 'Accept-Language': 'da-DK' });
    assert.equal(expired.status, 404);
    assert.ok(expired.text.includes(t('da', 'live.gone')));
    assert.ok((await get(`${h.app.url}/live/not.a-token?lang=fi`, { 'Accept-Language': 'da-DK' })).text.includes(t('fi', 'live.gone')));
  });

  it('serves the page\'s script as one bundle, with an ETag', async () => {
    const live = await get(`${h.app.url}/tab/live.js`);
    assert.equal(live.status, 200);
    assert.match(live.headers.get('content-type') ?? '', /text\/javascript/);
    assert.ok(live.text.length > 1000);
    assert.ok(!live.text.includes('microsoftTeams') && !live.text.includes('res.cdn.office.net'), 'the big-screen page has nothing of Teams');
    const again = await get(`${h.app.url}/tab/live.js`, { 'If-None-Match': live.headers.get('etag')! });
    assert.equal(again.status, 304);
    const teams = await get(`${h.app.url}/tab/teams.js`);
    assert.equal(teams.status, 200);
    assert.ok(teams.text.includes('getAuthToken') || teams.text.includes('authentication.getAuthToken'), 'the Teams library is in the tab\'s bundle');
  });

  it('says when the meeting is on a break, with its clock standing still, and moves the phase end and planned end on by the break afterwards, as the card does', async () => {
    // Samråd's clock, moved on by the test: a break of ten minutes takes no ten minutes.
    let shift = 0;
    await h.restart(undefined, { now: () => DateTime.utc().plus({ milliseconds: shift }) });
    const { meetingId } = await sentMeeting(h);
    let card = await startMeeting(h, meetingId);
    const stateUrl = `${liveLink(card)}/state`;
    const before = await get(stateUrl);
    const working = before.json();
    assert.equal(working.break, undefined, 'no break yet');
    assert.equal(working.phase?.pausedMinutes, 0);

    // Three minutes in, the chair starts a break on the card.
    shift += 3 * MINUTE;
    card = await h.press(CASEWORKER, 'session.break', action(card, 'session.break', { change: 'start' }).data);
    const during = await get(stateUrl, { 'If-None-Match': before.headers.get('etag')! });
    assert.equal(during.status, 200, 'a break changes the state (and its ETag)');
    const paused = during.json();
    const atBreak = await cardClock(h, meetingId, paused.serverTime);
    const since = atBreak.session.breaks![0].startedAt;
    assert.deepEqual(paused.break, { since }, 'the state says since when the meeting is on a break');
    assert.equal(paused.started, true);
    assert.equal(paused.phase?.key, 'welcome');
    // The state's times are the card's (clockOf) when it answered…
    near(Date.parse(paused.meeting.plannedEnd), atBreak.plannedEnd, 'planned end');
    near(Date.parse(paused.phase!.plannedEnd), atBreak.phaseEnd, 'phase end');
    assert.equal(paused.behindMinutes, atBreak.behind);
    // …and the page's clock stands still through the break: the time in the phase (up to the break) and the time left.
    const stood = clockAt(paused, paused.serverTime)!;
    near(stood.inPhase, Date.parse(since) - Date.parse(atBreak.session.phaseStartedAt), 'time in the phase stops at the break');
    assert.ok(stood.inPhase >= 3 * MINUTE && stood.inPhase < 3 * MINUTE + 30_000, `${stood.inPhase}`);
    assert.equal(stood.breakSince, Date.parse(since));
    const later = clockAt(paused, paused.serverTime + 7 * MINUTE)!;
    near(later.inPhase, stood.inPhase, 'time in the phase, seven minutes into the break');
    near(later.toEnd, stood.toEnd, 'time left, seven minutes into the break');
    assert.equal(later.behind, stood.behind);
    // What the card moves on by a running break, the page moves on too, minute by minute, agreeing with the card at that moment.
    const cardLater = await cardClock(h, meetingId, paused.serverTime + 7 * MINUTE);
    near(later.plannedEnd, cardLater.plannedEnd, 'planned end seven minutes into the break');
    near(later.phaseEnd, cardLater.phaseEnd, 'phase end seven minutes into the break');
    near(later.plannedEnd - stood.plannedEnd, 7 * MINUTE, 'the planned end moves on with the break');

    // Seven minutes later nothing has changed for the ETag (the page keeps computing); asked afresh, the state reads the same.
    shift += 7 * MINUTE;
    assert.equal((await get(stateUrl, { 'If-None-Match': during.headers.get('etag')! })).status, 304);
    const still = (await get(stateUrl)).json();
    const stillClock = clockAt(still, still.serverTime)!;
    near(stillClock.inPhase, stood.inPhase, 'time in the phase asked again during the break');
    near(stillClock.toEnd, stood.toEnd, 'time left asked again during the break');
    near(Date.parse(still.meeting.plannedEnd), clockAt(paused, still.serverTime)!.plannedEnd, 'the earlier state computes the planned end the server now says');

    // Three more minutes, and the chair ends the break: the clock runs again, the ends moved on by the break's length.
    shift += 3 * MINUTE;
    card = await h.press(CASEWORKER, 'session.break', action(card, 'session.break', { change: 'end' }).data);
    const afterAnswer = await get(stateUrl, { 'If-None-Match': during.headers.get('etag')! });
    assert.equal(afterAnswer.status, 200, 'the end of a break changes the state');
    const after = afterAnswer.json();
    assert.equal(after.break, undefined, 'no break any more');
    const ended = await cardClock(h, meetingId, after.serverTime);
    const taken = ended.session.breaks![0];
    const length = Date.parse(taken.endedAt!) - Date.parse(taken.startedAt);
    assert.ok(length >= 10 * MINUTE && length < 10 * MINUTE + 30_000, `the break took ${length} ms`);
    near(Date.parse(after.meeting.plannedEnd) - Date.parse(working.meeting.plannedEnd), length, 'the planned end moved on by the break');
    near(Date.parse(after.phase!.plannedEnd) - Date.parse(working.phase!.plannedEnd), length, 'the phase end moved on by the break');
    near(Date.parse(after.meeting.plannedEnd), ended.plannedEnd, 'planned end as the card says');
    near(Date.parse(after.phase!.plannedEnd), ended.phaseEnd, 'phase end as the card says');
    near(after.phase!.pausedMinutes * MINUTE, length, 'the break counted in the phase');
    const running = clockAt(after, after.serverTime)!;
    near(running.inPhase, after.serverTime - Date.parse(ended.session.phaseStartedAt) - length, 'time in the phase: working time only');
    assert.equal(running.behind, ended.behind);
    const minuteOn = clockAt(after, after.serverTime + MINUTE)!;
    near(minuteOn.inPhase - running.inPhase, MINUTE, 'the clock runs again');
    near(running.toEnd - minuteOn.toEnd, MINUTE, 'the time left runs again');
    near(minuteOn.plannedEnd, running.plannedEnd, 'the planned end stays where the break moved it');

    // The next phase: its planned start moved on by the break before it, so the break does not count as time lost.
    shift += MINUTE;
    card = await h.press(CASEWORKER, 'session.phase', action(card, 'session.phase', { phase: 'describe' }).data);
    const next = (await get(stateUrl)).json();
    const nextCard = await cardClock(h, meetingId, next.serverTime);
    assert.equal(next.phase?.key, 'describe');
    assert.equal(next.phase?.pausedMinutes, 0);
    near(Date.parse(next.meeting.plannedEnd), nextCard.plannedEnd, 'planned end in the next phase');
    assert.equal(next.behindMinutes, nextCard.behind);
    assert.equal(clockAt(next, next.serverTime)!.behind, nextCard.behind, 'the page is as far ahead as the card says, the break not counted');
    assert.equal(clockAt(next, next.serverTime + 30 * MINUTE)!.behind, (await cardClock(h, meetingId, next.serverTime + 30 * MINUTE)).behind, 'and half an hour on');
  });

  it('puts the agenda in the state only while the chair has it on the big screen, with what is covered, through the link and the Teams tab alike; never the purpose', async () => {
    const { meetingId } = await sentMeeting(h);
    let card = await startMeeting(h, meetingId);
    const stateUrl = `${liveLink(card)}/state`;
    const off = await get(stateUrl);
    assert.equal(off.json().agenda, undefined, 'no agenda by default');
    assertNoCase(off.text, 'the state by default');
    const tabOff = await api(meetingId, await sso(NURSE));
    assert.equal(tabOff.json().agenda, undefined);
    assertNoCase(tabOff.text, 'the tab\'s state by default');

    // The chair turns it on from the meeting-mode card.
    card = await openPart(h, card, 'agenda', CASEWORKER);
    card = await h.press(CASEWORKER, 'session.screen', action(card, 'session.screen').data, { screenAgenda: 'true' });
    const on = await get(stateUrl, { 'If-None-Match': off.headers.get('etag')! });
    assert.equal(on.status, 200, 'turning it on changes the state');
    assert.deepEqual(on.json().agenda, [
      { text: SECRETS[1], covered: false },
      { text: SECRETS[2], covered: false },
    ]);
    assert.equal(agendaNow(on.json().agenda!), 0, 'where we are: the first topic');
    assert.ok(!on.text.includes(SECRETS[0]), 'never the purpose');
    const tabOn = await api(meetingId, await sso(NURSE));
    assert.deepEqual(tabOn.json().agenda, on.json().agenda, 'the Teams tab shows it too');
    assert.ok(!tabOn.text.includes(SECRETS[0]));

    // The first topic covered on the card: the state says so, and where we are moves to the next one.
    const sleep = cardInput(card, 'covered').choices.find((c: { title: string }) => c.title === SECRETS[1]).value;
    card = await h.press(CASEWORKER, 'session.covered', action(card, 'session.covered').data, { [cardInput(card, 'covered').id]: sleep });
    const covered = (await get(stateUrl)).json();
    assert.deepEqual(covered.agenda, [
      { text: SECRETS[1], covered: true },
      { text: SECRETS[2], covered: false },
    ]);
    assert.equal(agendaNow(covered.agenda!), 1);

    // Turned off again: nothing of the topics leaves the server.
    card = await h.press(CASEWORKER, 'session.screen', action(card, 'session.screen').data, { screenAgenda: 'false' });
    const offAgain = await get(stateUrl);
    assert.equal(offAgain.json().agenda, undefined, 'turned off, no agenda');
    assertNoCase(offAgain.text, 'the state turned off again');
    assertNoCase((await api(meetingId, await sso(NURSE))).text, 'the tab\'s state turned off again');
  });

  it('no longer shows the meeting once it has ended', async () => {
    const { meetingId } = await sentMeeting(h);
    const card = await startMeeting(h, meetingId);
    const url = liveLink(card);
    assert.equal((await get(`${url}/state`)).status, 200);
    const agreed = await agreeOutcome(h, card, CASEWORKER);
    const ended = await h.press(CASEWORKER, 'session.end', action(agreed, 'session.end').data);
    assert.ok(!cardActions(ended).some((a) => a.url?.includes('/live/')), 'the ended card offers no timer');
    const state = await get(`${url}/state`);
    assert.equal(state.status, 410);
    assert.equal(state.text, '{"error":"gone"}');
    // In the meeting's language (Swedish) for a Danish browser, or in the one the address asks for.
    const page = await get(url, { 'Accept-Language': 'da-DK' });
    assert.equal(page.status, 410);
    assert.ok(page.text.includes('<html lang="sv">'));
    assert.ok(page.text.includes(t('sv', 'live.ended')));
    assertNoCase(page.text, 'the ended page');
    assert.ok(!page.text.includes('Alex'), 'no names once it has ended');
    const danish = await get(`${url}?lang=da`, { 'Accept-Language': 'sv-SE' });
    assert.equal(danish.status, 410);
    assert.ok(danish.text.includes(t('da', 'live.ended')));
    assert.equal((await get(`${url}/state?lang=da`)).status, 410);
  });

  it('gives nothing for a forged or altered token, nor for a letter token', async () => {
    const { meetingId, status } = await sentMeeting(h);
    const card = await startMeeting(h, meetingId);
    const url = liveLink(card);
    const token = url.split('/live/')[1];
    const [payload, signature] = token.split('.');
    const claim = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const other = Buffer.from(JSON.stringify({ ...claim, m: randomUUID() })).toString('base64url');
    const later = Buffer.from(JSON.stringify({ ...claim, e: claim.e + 86_400 * 365 })).toString('base64url');
    const letterUrl = cardActions(status).find((a) => a.url?.includes('/letters/'))?.url;
    assert.ok(letterUrl, 'the status card has a letter link (Eva, by post)');
    const letterToken = letterUrl.split('/letters/')[1];
    const forged = [
      `${other}.${signature}`,
      `${later}.${signature}`,
      `${payload}.${signature.slice(0, -2)}AA`,
      `${payload}.`,
      payload,
      `${token}.x`,
      letterToken,
      // The live claim signed as a letter is signed (the Harness's generated secret): not a live token.
      `${payload}.${createHmac('sha256', 'x'.repeat(40)).update(payload).digest('base64url')}`,
    ];
    for (const bad of forged) {
      for (const path of [`/live/${bad}`, `/live/${bad}/state`]) {
        const answer = await get(`${h.app.url}${path}`);
        assert.equal(answer.status, 404, `${path} answered ${answer.status}`);
        assert.ok(!answer.text.includes('Alex') && !answer.text.includes(NURSE.name), path);
      }
    }
    // …and a live token opens no letter.
    assert.equal((await get(`${h.app.url}/letters/${token}`)).status, 404);
    assert.equal((await get(`${h.app.url}/live/${token}/state`)).status, 200, 'the genuine one still works');
  });

  it('/api/live/:meetingId answers a participant\'s Teams sign-on token with the state, anyone else 404, a bad token 401', async () => {
    const { meetingId } = await sentMeeting(h);
    // Before meeting mode starts: the tab says so.
    const before = await api(meetingId, await sso(NURSE));
    assert.equal(before.status, 200);
    assert.equal(before.json().started, false);
    await startMeeting(h, meetingId);

    for (const person of [NURSE, TEACHER, CASEWORKER]) {
      const answer = await api(meetingId, await sso(person), { 'Accept-Language': 'fi-FI' });
      assert.equal(answer.status, 200, person.name);
      assert.equal(answer.json().speaker, 'Alex');
      assert.equal(answer.json().phase?.label, t('fi', 'session.phase.welcome'));
      assert.match(answer.headers.get('vary') ?? '', /Authorization/);
      assertNoCase(answer.text, `the state for ${person.name}`);
      const again = await api(meetingId, await sso(person), { 'Accept-Language': 'fi-FI', 'If-None-Match': answer.headers.get('etag')! });
      assert.equal(again.status, 304);
    }

    // Not theirs, or no such meeting: 404 alike, with nothing in it.
    const notTheirs = await api(meetingId, await sso(STRANGER));
    assert.equal(notTheirs.status, 404);
    assert.equal(notTheirs.text, '{"error":"not found"}');
    assert.equal((await api(randomUUID(), await sso(NURSE))).status, 404);
    assert.equal((await api('not-a-meeting', await sso(NURSE))).status, 404);
    assert.equal((await api(meetingId, await sso(NURSE, { tid: 'another-tenant', iss: 'https://login.microsoftonline.com/another-tenant/v2.0' }))).status, 404, 'the meeting is of another tenant');

    // A bad token: 401, the same short answer whatever is wrong with it.
    const foreign = await newKey();
    const now = Math.floor(Date.now() / 1000);
    const bad = [
      undefined,
      'not-a-token',
      await sso(NURSE, { aud: 'api://elsewhere/botid-x' }),
      await sso(NURSE, { iat: now - 7200, nbf: now - 7200, exp: now - 3600 }),
      await sso(NURSE, { nbf: now + 3600 }),
      await sso(NURSE, { iss: 'https://login.microsoftonline.com/another-tenant/v2.0' }),
      await sso(NURSE, {}, { key: foreign }),
      unsignedToken({ kid: entra.keyId }, { iss: `https://login.microsoftonline.com/${h.tenantId}/v2.0`, aud: AUDIENCE, tid: h.tenantId, oid: NURSE.aadObjectId, exp: now + 3600 }),
    ];
    for (const token of bad) {
      const answer = await api(meetingId, token);
      assert.equal(answer.status, 401, String(token).slice(0, 40));
      assert.equal(answer.text, '{"error":"unauthorized"}');
    }
    const basic = await get(`${h.app.url}/api/live/${meetingId}`, { Authorization: 'Basic dXNlcjpwYXNz' });
    assert.equal(basic.status, 401);
  });

  it('/api/live lists the caseworker\'s meetings for the tab\'s configuration page, by date and time only', async () => {
    const { meetingId } = await sentMeeting(h);
    const mine = await get(`${h.app.url}/api/live`, { Authorization: `Bearer ${await sso(CASEWORKER)}`, 'Accept-Language': 'sv-SE' });
    assert.equal(mine.status, 200);
    const { meetings } = JSON.parse(mine.text) as { meetings: { meetingId: string; title: string }[] };
    assert.deepEqual(meetings.map((m) => m.meetingId), [meetingId]);
    assert.match(meetings[0].title, /10:00/);
    assertNoCase(mine.text, 'the list');
    assert.ok(!mine.text.includes('Alex'), 'not even the client\'s name');
    const nurse = await get(`${h.app.url}/api/live`, { Authorization: `Bearer ${await sso(NURSE)}` });
    assert.deepEqual(JSON.parse(nurse.text).meetings, [], 'the nurse convenes nothing');
    assert.equal((await get(`${h.app.url}/api/live`)).status, 401);
  });

  it('serves the Teams tab and its configuration page for Teams to frame, with every language\'s texts and no case in them', async () => {
    for (const path of ['/tab/live?meeting=x', '/tab/config']) {
      const page = await get(`${h.app.url}${path}`);
      assert.equal(page.status, 200, path);
      const csp = page.headers.get('content-security-policy') ?? '';
      assert.match(csp, /frame-ancestors [^;]*https:\/\/teams\.microsoft\.com/);
      assert.match(csp, /script-src 'self'/);
      assert.ok(page.text.includes('<script src="/tab/teams.js"></script>'));
      for (const locale of ['sv', 'da', 'fi', 'en'] as const) assert.ok(page.text.includes(JSON.stringify(t(locale, 'live.pickTitle')).slice(1, -1)), `${locale} texts`);
    }
    // The timer tab has the big screen's language switch, served hidden until Teams says whose the tab is; the configuration page has none.
    const tab = await get(`${h.app.url}/tab/live?meeting=x`, { 'Accept-Language': 'da-DK' });
    assert.deepEqual(languageButtons(tab.text).map((b) => [b.lang, b.name]), Object.entries(LANGUAGE_NAMES));
    assert.ok(tab.text.includes('<header hidden><div id="languages"'));
    assert.deepEqual(languageButtons((await get(`${h.app.url}/tab/config`)).text), []);
  });
});
