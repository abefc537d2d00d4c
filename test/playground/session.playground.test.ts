import assert from 'node:assert/strict';
import { action, cardText } from '../support/cards';
import type { Person } from '../support/harness';
import { CASEWORKER_CONTACT, deliveryDone, personInputs, whenInputs } from '../support/scenarios';
import { sv } from '../support/text';
import { askForCard, clickCardAction, fillInput, openPlayground, selectChat, waitForCardContaining } from './driver';
import { DateTime } from 'luxon';
import { usePlayground } from './setup';
import type { Locator, Page } from 'playwright-core';


/** The Playground's current user (the caseworker) and the five colleagues of its mock tenant. */
const ANNA: Person = { aadObjectId: '5a0e1c6e-0000-4000-8000-000000000001', name: 'Anna Lindqvist', locale: 'sv-SE', timeZone: 'Europe/Stockholm' };
const COLLEAGUES = [
  ['5a0e1c6e-0000-4000-8000-000000000002', 'Mette Sørensen'],
  ['5a0e1c6e-0000-4000-8000-000000000003', 'Aino Virtanen'],
  ['5a0e1c6e-0000-4000-8000-000000000004', 'Erik Johansson'],
  ['5a0e1c6e-0000-4000-8000-000000000005', 'Lena Berg'],
  ['5a0e1c6e-0000-4000-8000-000000000006', 'Oskar Nieminen'],
] as const;

/**
 * Meeting mode in the Microsoft 365 Agents Playground, in Swedish: started from the status
 * card in the personal chat, run through a whole meeting; and in the Playground's group chat,
 * shown only for a meeting everyone in the chat is invited to.
 */
/** Starts the meeting opened on the card in front of the caseworker: days ahead of it, Samråd asks first. */
async function beginMeeting(page: Page): Promise<Locator> {
  let card = await waitForCardContaining(page, sv('session.readyTitle'));
  await clickCardAction(page, card, sv('session.begin'));
  card = await waitForCardContaining(page, sv('session.beginAnyway'));
  await clickCardAction(page, card, sv('session.beginAnyway'));
  return waitForCardContaining(page, sv('session.speaking', { name: 'Alex' }));
}

/** Opens the action items and answers the responsible worker and the follow-up with "not decided". */
async function settleOutcome(page: Page, card: Locator): Promise<Locator> {
  await clickCardAction(page, card, sv('session.sectionPlan'));
  card = await waitForCardContaining(page, sv('agreements.saveOutcome'));
  await fillInput(page, card, sv('agreements.responsible'), sv('agreements.undecided'));
  await fillInput(page, card, sv('agreements.followUpUndecided'), true);
  await clickCardAction(page, card, sv('agreements.saveOutcome'));
  return waitForCardContaining(page, sv('agreements.undecided'));
}

describe('the Agents Playground in Chromium: meeting mode', function () {
  this.timeout(180_000);
  /** Samråd's clock, moved forward to the meeting's day by the test that needs it (and back after). */
  const clock = { shiftMs: 0 };
  const run = usePlayground('sv-SE', 'Europe/Stockholm', { now: () => DateTime.utc().plus({ milliseconds: clock.shiftMs }) });

  /** Plans and sends a meeting as Anna over HTTP: the client Alex in person, and these colleagues in Teams. */
  async function planned(colleagues: readonly (readonly [string, string])[], purpose: string, days: number, client = 'Alex'): Promise<string> {
    const { h } = run;
    let card = await h.press(ANNA, 'plan.start', { verb: 'plan.start' });
    const meetingId = String(action(card, 'plan.when').data.meetingId);
    card = await h.press(ANNA, 'plan.when', action(card, 'plan.when').data, whenInputs({ date: new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10), time: '10:00' }));
    card = await h.press(ANNA, 'plan.who.add', action(card, 'plan.who.add').data, personInputs({ group: 'client', name: client, contactKind: 'hand', relation: '' }));
    for (const [id, name] of colleagues) {
      card = await h.press(ANNA, 'plan.who.add', action(card, 'plan.who.add').data, personInputs({ group: 'professional', name, relation: 'kollega', contactKind: 'teams', teamsUser: id }));
    }
    card = await h.press(ANNA, 'plan.who.save', action(card, 'plan.who.save').data, { consent: 'true', chairId: '', secretaryId: '', coOrganizerId: '' });
    card = await h.press(ANNA, 'plan.why', action(card, 'plan.why').data, { purpose, topics: 'Sömnen\nSkolan', form: '' });
    await h.press(ANNA, 'plan.send', action(card, 'plan.send').data, CASEWORKER_CONTACT, 'status-activity');
    await deliveryDone(h, meetingId);
    return meetingId;
  }

  it('days ahead: opened without starting it; on the day: started without a question, ended, the end undone; My meetings shows each state', async () => {
    const meetingId = await planned(COLLEAGUES.slice(0, 1), 'Ett möte på dagen', 13);
    const { page } = run.browser;
    await openPlayground(page, run.playground.url, { greeting: sv('welcome.title') });
    const listShows = async (state: 'planned' | 'running' | 'ended') => {
      const list = await askForCard(page, 'möten', sv('meetings.title'));
      const text = await list.innerText();
      for (const other of (['planned', 'running', 'ended'] as const).filter((s) => s !== state)) assert.ok(!text.includes(sv(`meetings.${other}`)), `${state}, not ${other}: ${text}`);
      assert.ok(text.includes(sv(`meetings.${state}`)), text);
      return list;
    };
    try {
      // Thirteen days ahead: opening meeting mode prepares it, and starts nothing.
      let card = await listShows('planned');
      await clickCardAction(page, card, sv('meetings.open'));
      card = await waitForCardContaining(page, sv('session.open'));
      await clickCardAction(page, card, sv('session.open'));
      card = await waitForCardContaining(page, sv('session.readyTitle'));
      assert.ok(!(await card.innerText()).includes(sv('session.speaking', { name: 'Alex' })));
      assert.equal((await run.h.view(meetingId))!.session!.state, 'ready');
      await listShows('planned');

      // The meeting's day, five minutes before the start: it starts without a question.
      clock.shiftMs = Date.parse((await run.h.meeting(meetingId))!.when!.start) - Date.now() - 5 * 60_000;
      card = await waitForCardContaining(page, sv('session.readyTitle'));
      await clickCardAction(page, card, sv('session.begin'));
      card = await waitForCardContaining(page, sv('session.speaking', { name: 'Alex' }));
      assert.ok(!(await card.innerText()).includes(sv('session.beginAnyway')));
      await listShows('running');

      // Ended (asked first, after the responsible worker and the follow-up are settled: here "not decided"), then undone.
      card = await waitForCardContaining(page, sv('session.speaking', { name: 'Alex' }));
      card = await settleOutcome(page, card);
      await clickCardAction(page, card, sv('session.end'), { expect: 'none' });
      await clickCardAction(page, card, sv('session.endYes'));
      card = await waitForCardContaining(page, sv('session.undoEnd'));
      assert.ok((await card.innerText()).includes(sv('session.endedTitle')));
      await listShows('ended');
      card = await waitForCardContaining(page, sv('session.undoEnd'));
      await clickCardAction(page, card, sv('session.undoEnd'));
      await waitForCardContaining(page, sv('session.speaking', { name: 'Alex' }));
      await listShows('running');
    } finally {
      clock.shiftMs = 0;
    }
  });

  it('days before: the caseworker ticks the preparation list; on the day Anna chairs a meeting with check-in, a break that stops the clock, and check-out', async () => {
    const meetingId = await planned(COLLEAGUES.slice(0, 1), 'Ett möte med paus', 14, 'Robin');
    const { page } = run.browser;
    const { h } = run;
    await openPlayground(page, run.playground.url, { greeting: sv('welcome.title') });
    try {
      // Days before: the status card's checklist, a reminder only.
      let card = await askForCard(page, 'möten', sv('meetings.with', { client: 'Robin' }));
      await clickCardAction(page, card.locator('.ac-container').filter({ hasText: 'Robin', has: page.getByRole('button', { name: sv('meetings.open') }) }).last(), sv('meetings.open'));
      card = await waitForCardContaining(page, sv('prep.title'));
      await clickCardAction(page, card, `${sv('prep.title')} (${sv('prep.done', { done: 0, total: 4 })})`, { expect: 'none' });
      await fillInput(page, card, sv('prep.title'), [sv('prep.client'), sv('prep.room')]);
      const saved = await clickCardAction(page, card, sv('prep.save'));
      // The answer to the press says so; in the chat the card may already show the status card's next update (a job's, without that notice).
      assert.ok(cardText(saved.response?.value).includes(sv('prep.saved')), JSON.stringify(saved.response).slice(0, 300));
      card = await waitForCardContaining(page, sv('prep.done', { done: 2, total: 4 }));
      assert.deepEqual((await h.meeting(meetingId))!.prepared, ['client', 'room']);

      // The day: two minutes before the start, Anna opens meeting mode and starts it, and chairs.
      clock.shiftMs = Date.parse((await h.meeting(meetingId))!.when!.start) - Date.now() - 2 * 60_000;
      await clickCardAction(page, card, sv('session.open'));
      card = await waitForCardContaining(page, sv('session.readyTitle'));
      await clickCardAction(page, card, sv('session.begin'));
      card = await waitForCardContaining(page, sv('session.speaking', { name: 'Robin' }));
      assert.ok((await card.innerText()).includes(sv('session.prompt.welcome')));
      await clickCardAction(page, card, sv('session.sectionRoles'));
      card = await waitForCardContaining(page, sv('session.saveRoles'));
      await fillInput(page, card, sv('field.chair'), 'Anna Lindqvist');
      await clickCardAction(page, card, sv('session.saveRoles'));
      card = await waitForCardContaining(page, sv('session.saveRoles'));

      // The introductions; then who writes the memo and how it reaches everyone.
      for (let i = 0; i < 3; i++) {
        await clickCardAction(page, card, sv('session.next'));
        card = await waitForCardContaining(page, sv('session.heard', { heard: i + 1, total: 3 }));
      }
      assert.ok((await card.innerText()).includes(sv('session.prompt.rolesAndMemo')));
      await clickCardAction(page, card, sv('session.sectionRoles'));
      card = await waitForCardContaining(page, sv('session.saveMemo'));
      await fillInput(page, card, sv('session.memoTitle'), [sv('session.memoWay.email')]);
      await clickCardAction(page, card, sv('session.saveMemo'));
      card = await waitForCardContaining(page, sv('session.startRound', { round: sv('session.round.checkIn') }));
      assert.deepEqual((await h.view(meetingId))!.session!.memo, { ways: ['email'] });

      // Check-in, offered at the start.
      await clickCardAction(page, card, sv('session.startRound', { round: sv('session.round.checkIn') }));
      card = await waitForCardContaining(page, sv('session.prompt.checkIn'));
      for (let i = 0; i < 3; i++) {
        await clickCardAction(page, card, sv('session.next'));
        card = await waitForCardContaining(page, sv('session.heard', { heard: i + 1, total: 3 }));
      }

      // A break of twenty minutes: the clock stands still, and the planned end moves on by it.
      await clickCardAction(page, card, sv('session.breakStart'));
      card = await waitForCardContaining(page, sv('session.breakEnd'));
      assert.ok((await card.innerText()).includes(sv('session.prompt.onBreak')));
      clock.shiftMs += 20 * 60_000;
      await clickCardAction(page, card, sv('session.breakEnd'));
      card = await waitForCardContaining(page, sv('session.breakStart'));
      const session = (await h.view(meetingId))!.session!;
      const startedAt = DateTime.fromISO(session.startedAt!).setZone('Europe/Stockholm');
      const end = startedAt.plus({ minutes: 90 + 20 }).toFormat('HH:mm');
      assert.ok((await card.innerText()).includes(sv('session.time', { start: startedAt.toFormat('HH:mm'), end })), `planned end ${end} after the break`);
      assert.ok((await card.innerText()).includes(sv('session.onTime')), 'the break did not put the meeting behind');

      // Through the phases to the summary, where check-out is offered; then the end.
      for (const phase of ['describe', 'reflect', 'agree', 'summary'] as const) {
        await clickCardAction(page, card, sv('session.nextPhase', { phase: sv(`session.phaseShort.${phase}`) }));
        card = await waitForCardContaining(page, sv('session.phaseNow', { phase: sv(`session.phaseShort.${phase}`), time: '' }).split('{')[0].trim().replace(/\s*\S*$/, ''));
      }
      await clickCardAction(page, card, sv('session.startRound', { round: sv('session.round.checkOut') }));
      card = await waitForCardContaining(page, sv('session.prompt.checkOut'));
      for (let i = 0; i < 3; i++) {
        await clickCardAction(page, card, sv('session.next'));
        card = await waitForCardContaining(page, sv('session.heard', { heard: i + 1, total: 3 }));
      }
      card = await settleOutcome(page, card);
      await clickCardAction(page, card, sv('session.end'), { expect: 'none' });
      await clickCardAction(page, card, sv('session.endYes'));
      await waitForCardContaining(page, sv('session.endedTitle'));
      assert.deepEqual((await h.view(meetingId))!.session!.held, ['introductions', 'checkIn', 'checkOut']);
    } finally {
      clock.shiftMs = 0;
    }
  });

  it('in the personal chat: who is here, chair and secretary, the introductions, a round of speakers, a topic added, every phase to the summary', async () => {
    await planned(COLLEAGUES.slice(0, 2), 'En plan för hösten', 10);
    const { page } = run.browser;
    await openPlayground(page, run.playground.url, { greeting: sv('welcome.title') });
    let card = await askForCard(page, 'möten', sv('meetings.title'));
    await clickCardAction(page, card, sv('meetings.open'));
    card = await waitForCardContaining(page, sv('session.open'));
    await clickCardAction(page, card, sv('session.open'));
    card = await beginMeeting(page);

    // Who is here (behind its toggle): Aino could not come.
    await clickCardAction(page, card, sv('session.sectionPresence'));
    card = await waitForCardContaining(page, sv('session.savePresence'));
    await fillInput(page, card, sv('session.present'), ['Alex', `Anna Lindqvist (${sv('who.convener')})`, 'Mette Sørensen (kollega)']);
    await clickCardAction(page, card, sv('session.savePresence'));
    card = await waitForCardContaining(page, sv('session.heard', { heard: 0, total: 3 }));

    // Chair and secretary.
    await clickCardAction(page, card, sv('session.sectionRoles'));
    card = await waitForCardContaining(page, sv('session.saveRoles'));
    await fillInput(page, card, sv('field.chair'), 'Mette Sørensen');
    await fillInput(page, card, sv('field.secretary'), 'Anna Lindqvist');
    await clickCardAction(page, card, sv('session.saveRoles'));
    card = await waitForCardContaining(page, sv('session.saveRoles'));

    // The introductions: the client first, then the professionals present.
    for (const next of ['Anna Lindqvist', 'Mette Sørensen']) {
      await clickCardAction(page, card, sv('session.next'));
      card = await waitForCardContaining(page, sv('session.speaking', { name: next }));
    }
    await clickCardAction(page, card, sv('session.next'));
    card = await waitForCardContaining(page, sv('session.roundOver'));

    // The describing phase, with a full round of speakers.
    await clickCardAction(page, card, sv('session.nextPhase', { phase: sv('session.phaseShort.describe') }));
    card = await waitForCardContaining(page, sv('session.prompt.clientFirst'));
    await clickCardAction(page, card, sv('session.sectionRounds'));
    card = await waitForCardContaining(page, sv('session.startRound', { round: sv('session.round.speakers') }));
    await clickCardAction(page, card, sv('session.startRound', { round: sv('session.round.speakers') }));
    card = await waitForCardContaining(page, sv('session.round.speakers'));
    for (let i = 0; i < 3; i++) {
      await clickCardAction(page, card, sv('session.next'));
      card = await waitForCardContaining(page, sv('session.heard', { heard: i + 1, total: 3 }));
    }

    // A topic added at the meeting.
    await clickCardAction(page, card, sv('session.sectionAgenda'));
    card = await waitForCardContaining(page, sv('session.addTopic'));
    await fillInput(page, card, sv('session.topicLabel'), 'Fritiden');
    await clickCardAction(page, card, sv('session.addTopic'));
    card = await waitForCardContaining(page, 'Fritiden');

    // Through the remaining phases to the summary.
    for (const phase of ['reflect', 'agree', 'summary'] as const) {
      await clickCardAction(page, card, sv('session.nextPhase', { phase: sv(`session.phaseShort.${phase}`) }));
      card = await waitForCardContaining(page, sv(`session.prompt.${phase === 'reflect' ? 'future' : phase}`));
    }
    assert.ok((await card.innerText()).includes(sv('session.phaseShort.summary')));
  });

  it('in the group chat: refused while someone in it is not invited, shown for the meeting everyone in it is invited to', async () => {
    const { page } = run.browser;
    await planned(COLLEAGUES.slice(0, 4), 'Ett möte utan Oskar', 11);
    await selectChat(page, 'Nätverksgrupp');
    let card = await askForCard(page, 'mötesläge', sv('session.offer'), { mentionBot: 'Samråd' });
    await clickCardAction(page, card, sv('session.showHere'));
    card = await waitForCardContaining(page, sv('session.noMeetingHere'));
    assert.ok(!(await card.innerText()).includes('Alex'), 'nothing of the case in the chat');

    // A meeting with everyone in the group chat invited.
    await planned(COLLEAGUES, 'Ett möte med alla', 12);
    card = await askForCard(page, 'mötesläge', sv('session.offer'), { mentionBot: 'Samråd' });
    await clickCardAction(page, card, sv('session.showHere'));
    card = await waitForCardContaining(page, sv('session.pickMeeting'));
    const button = (await card.getByRole('button').allInnerTexts()).find((title) => /\d{2}:\d{2}/.test(title))!;
    await clickCardAction(page, card, button);
    card = await beginMeeting(page);
    await clickCardAction(page, card, sv('session.next'));
    await waitForCardContaining(page, sv('session.heard', { heard: 1, total: 7 }));
  });
});
