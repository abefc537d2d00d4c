import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { averages, feedbackOf, SCALES, type Feedback } from '../../bot/domain/feedback';
import type { Meeting } from '../../bot/domain/meeting';
import { minutesContent, sentMinutes, withNote } from '../../bot/domain/minutes';
import { checkedOutcome, editActionItem, followUpDraft, markItem, newActionItem, outcomeComplete } from '../../bot/domain/plan';
import { addParticipant, markSent, newDraft, setRoles, setWhen, setWhy } from '../../bot/domain/planning';
import { applyStep, mayEditItems, openSession, type Session } from '../../bot/domain/session';
import { refusedWith } from '../support/refusals';

const NOW = DateTime.fromISO('2026-12-17T09:00:00Z', { zone: 'utc' });
const base = { relation: '', teamsUserId: '', email: '', address: '', language: 'sv' };

/** A sent meeting on 17 December 2026 at 10:00 Stockholm: the caseworker Kim, the nurse Noor (Teams), the grandmother Eva, the client Alex. */
function meeting(): Meeting {
  let m = newDraft({ id: 'm', organizer: { userKey: 'aad-kim', name: 'Kim' }, organizerParticipantId: 'kim', organizerUserId: 'kim', organizerLanguage: 'sv', tenantId: 't', now: NOW.minus({ days: 10 }) });
  m = setWhen(m, { date: '2026-12-17', time: '10:00', duration: '90', placeKind: 'room', placeDetails: 'Rum 2' }, 'Europe/Stockholm', NOW.minus({ days: 10 }));
  m = addParticipant(m, { ...base, name: 'Noor', group: 'professional', contactKind: 'teams', teamsUserId: 'noor' }, 'noor', NOW.minus({ days: 10 }));
  m = addParticipant(m, { ...base, name: 'Eva', group: 'network', contactKind: 'post', address: 'Gatan 1' }, 'eva', NOW.minus({ days: 10 }));
  m = addParticipant(m, { ...base, name: 'Alex', group: 'client', contactKind: 'hand' }, 'alex', NOW.minus({ days: 10 }));
  m = setRoles(m, { consent: true, chairId: 'noor', secretaryId: 'kim' }, 'aad-kim', NOW.minus({ days: 10 }));
  m = setWhy(m, { purpose: 'En plan', topics: 'Sömn\nSkolan', form: '' }, NOW.minus({ days: 10 }));
  return markSent(m, NOW.minus({ days: 10 }));
}

function heldSession(m: Meeting): Session {
  let s = openSession(m, [], new Set(), 'aad-kim', NOW.minus({ days: 1 }));
  s = applyStep(m, s, { step: 'begin' }, 'aad-kim', NOW);
  s = applyStep(m, s, { step: 'presentSet', participantIds: ['kim', 'noor', 'alex'] }, 'aad-kim', NOW.plus({ minutes: 5 }));
  s = applyStep(m, s, { step: 'outcome', responsible: 'noor', followUp: '2027-01-20' }, 'aad-kim', NOW.plus({ minutes: 80 }));
  return applyStep(m, s, { step: 'end' }, 'aad-kim', NOW.plus({ minutes: 85 }));
}

const input = (over: Partial<{ text: string; ownerId: string; due: string; withIds: string[] }> = {}) => ({ text: 'Ringa skolan', ownerId: 'noor', due: '2026-12-20', withIds: [], ...over });

describe('the plan the meeting leaves (bot/domain/plan.ts)', () => {
  it('records who does what, by when and with whom; any participant may own one, the client included', () => {
    const item = newActionItem(meeting(), input({ ownerId: 'alex', withIds: ['eva', 'alex'] }), 'i1', 'aad-kim', NOW);
    assert.deepEqual([item.id, item.text, item.ownerId, item.due, item.withIds], ['action.i1', 'Ringa skolan', 'alex', '2026-12-20', ['eva']]);
  });

  it('refuses an item without text or owner, with an owner or partner not in the meeting, or due before the meeting', () => {
    assert.deepEqual(refusedWith(() => newActionItem(meeting(), input({ text: ' \u200b ' }), 'i', 'k', NOW)), ['actionTextRequired']);
    assert.deepEqual(refusedWith(() => newActionItem(meeting(), input({ ownerId: '' }), 'i', 'k', NOW)), ['actionOwnerRequired']);
    assert.deepEqual(refusedWith(() => newActionItem(meeting(), input({ ownerId: 'stranger' }), 'i', 'k', NOW)), ['participantUnknown']);
    assert.deepEqual(refusedWith(() => newActionItem(meeting(), input({ withIds: ['stranger'] }), 'i', 'k', NOW)), ['participantUnknown']);
    assert.deepEqual(refusedWith(() => newActionItem(meeting(), input({ due: '2026-12-16' }), 'i', 'k', NOW)), ['dueBeforeMeeting']);
    assert.deepEqual(refusedWith(() => newActionItem(meeting(), input({ due: '' }), 'i', 'k', NOW)), ['dueRequired']);
    assert.deepEqual(refusedWith(() => newActionItem(meeting(), input({ due: '2026-02-30' }), 'i', 'k', NOW)), ['dateInvalid']);
    assert.deepEqual(refusedWith(() => newActionItem(meeting(), input({ text: 'x'.repeat(301) }), 'i', 'k', NOW)), ['textTooLong']);
    // Due on the meeting's own day is fine.
    assert.equal(newActionItem(meeting(), input({ due: '2026-12-17' }), 'i', 'k', NOW).due, '2026-12-17');
  });

  it('changes an item as it adds one, and marks it done and not done again', () => {
    const m = meeting();
    let item = newActionItem(m, input(), 'i1', 'aad-kim', NOW);
    item = editActionItem(m, item, input({ due: '2026-12-30' }), NOW.plus({ minutes: 1 }));
    assert.equal(item.due, '2026-12-30');
    assert.deepEqual(refusedWith(() => editActionItem(m, item, input({ ownerId: '' }), NOW)), ['actionOwnerRequired']);
    const done = markItem(item, true, 'aad-noor', 'teams', NOW.plus({ days: 2 }));
    assert.deepEqual(done.done, { at: NOW.plus({ days: 2 }).toISO(), by: 'aad-noor', via: 'teams' });
    assert.equal(markItem(done, true, 'x', 'page', NOW), done, 'marked twice: no change');
    assert.equal(markItem(done, false, 'aad-kim', 'caseworker', NOW).done, undefined);
  });

  it('lets whoever runs the meeting edit items while it runs, and only the caseworker once it has ended', () => {
    const m = meeting();
    const running = applyStep(m, openSession(m, [], new Set(), 'aad-kim', NOW), { step: 'begin' }, 'aad-kim', NOW);
    assert.equal(mayEditItems(m, running, 'aad-noor', true), true);
    assert.equal(mayEditItems(m, running, 'aad-eva', false), false);
    const ended = heldSession(m);
    assert.equal(mayEditItems(m, ended, 'aad-noor', true), false, 'the chair no more');
    assert.equal(mayEditItems(m, ended, 'aad-kim', true), true);
  });

  it('agrees the responsible worker (a professional of the meeting) and the follow-up (after it), each possibly "not decided"', () => {
    const m = meeting();
    assert.deepEqual(checkedOutcome(m, { responsible: 'noor', followUp: '2027-01-20' }), { responsible: 'noor', followUp: '2027-01-20' });
    assert.deepEqual(checkedOutcome(m, { responsible: 'undecided', followUp: 'undecided' }), { responsible: 'undecided', followUp: 'undecided' });
    assert.deepEqual(refusedWith(() => checkedOutcome(m, { responsible: 'eva', followUp: 'undecided' })), ['responsibleNotProfessional']);
    assert.deepEqual(refusedWith(() => checkedOutcome(m, { responsible: '', followUp: '' })), ['responsibleRequired', 'followUpRequired']);
    assert.deepEqual(refusedWith(() => checkedOutcome(m, { responsible: 'noor', followUp: '2026-12-17' })), ['followUpBeforeMeeting']);
    assert.deepEqual(refusedWith(() => checkedOutcome(m, { responsible: 'noor', followUp: '2026-12-01' })), ['followUpBeforeMeeting']);
    assert.equal(outcomeComplete({ responsible: 'noor' }), false);
    assert.equal(outcomeComplete({ responsible: 'undecided', followUp: 'undecided' }), true);
  });

  it('drafts the follow-up from the previous plan: the same people and roles, the open items as topics, the purpose, the agreed day at the same time', () => {
    const m = meeting();
    const open = [newActionItem(m, input({ text: 'Ringa skolan' }), 'i1', 'k', NOW), newActionItem(m, input({ text: 'Sova före tio' }), 'i2', 'k', NOW)];
    const draft = followUpDraft(m, { responsible: 'noor', followUp: '2027-01-20' }, open, { meetingId: 'f', participant: (p) => `f-${p.id}` }, NOW);
    assert.equal(draft.status, 'draft');
    assert.equal(draft.followUpOf, 'm');
    assert.deepEqual(draft.why, { purpose: 'En plan', topics: ['Ringa skolan', 'Sova före tio'], form: '' });
    assert.deepEqual(draft.participants.map((p) => p.id), ['f-kim', 'f-noor', 'f-eva', 'f-alex']);
    assert.equal(draft.chairId, 'f-noor');
    assert.equal(draft.consent, undefined);
    assert.equal(DateTime.fromISO(draft.when!.start).setZone('Europe/Stockholm').toFormat('yyyy-MM-dd HH:mm'), '2027-01-20 10:00');
    assert.deepEqual(refusedWith(() => followUpDraft(m, { responsible: 'noor', followUp: 'undecided' }, [], { meetingId: 'f', participant: (p) => p.id }, NOW)), ['followUpRequired']);
  });
});

describe('the feedback (bot/domain/feedback.ts)', () => {
  const scores = (n: string) => ({ relation: n, goals: '7', approach: '8', overall: '9', comment: '  Tack  ' });

  it('takes the four scales from 1 to 10 and a comment, from a participant of the meeting', () => {
    const f = feedbackOf(meeting(), 'alex', scores('10'), 'screen', 'aad-kim', NOW);
    assert.deepEqual([f.id, f.scores, f.comment, f.via], ['feedback.alex', { relation: 10, goals: 7, approach: 8, overall: 9 }, 'Tack', 'screen']);
    for (const bad of ['0', '11', '7.5', '', 'ten', '-1']) assert.deepEqual(refusedWith(() => feedbackOf(meeting(), 'alex', scores(bad), 'teams', 'k', NOW)), ['scoreInvalid'], bad);
    assert.equal(feedbackOf(meeting(), 'kim', scores('5'), 'teams', 'k', NOW).participantId, 'kim', 'the caseworker took part too');
    assert.deepEqual(refusedWith(() => feedbackOf(meeting(), 'stranger', scores('5'), 'teams', 'k', NOW)), ['participantUnknown']);
  });

  it('averages each scale only where at least three answered', () => {
    const one = (id: string, n: number): Feedback => feedbackOf(meeting(), id, { relation: String(n), goals: String(n), approach: String(n), overall: String(n), comment: '' }, 'teams', 'k', NOW);
    assert.equal(averages([one('alex', 10), one('eva', 5)]), undefined);
    const avg = averages([one('alex', 10), one('eva', 5), one('noor', 6)])!;
    for (const s of SCALES) assert.equal(avg[s], 7);
  });
});

describe('the minutes (bot/domain/minutes.ts)', () => {
  it('say who was there, who did not come, the roles, the items, the outcome and the note, from what the meeting recorded', () => {
    const m = meeting();
    const s = heldSession(m);
    const items = [newActionItem(m, input(), 'i1', 'k', NOW)];
    const content = minutesContent(m, s, items, withNote('m', undefined, '  Nästa gång i skolan ', NOW));
    assert.deepEqual(content.present.sort(), ['alex', 'kim', 'noor']);
    assert.deepEqual(content.didNotCome, ['eva']);
    assert.equal(content.chairId, 'noor');
    assert.deepEqual(content.outcome, { responsible: 'noor', followUp: '2027-01-20' });
    assert.equal(content.items.length, 1);
    assert.equal(content.note, 'Nästa gång i skolan');
  });

  it('are sent once, and only after the meeting has ended', () => {
    const m = meeting();
    const running = applyStep(m, openSession(m, [], new Set(), 'aad-kim', NOW), { step: 'begin' }, 'aad-kim', NOW);
    assert.deepEqual(refusedWith(() => sentMinutes('m', undefined, running, 'aad-kim', NOW)), ['notEnded']);
    const sent = sentMinutes('m', undefined, heldSession(m), 'aad-kim', NOW.plus({ hours: 2 }));
    assert.equal(sent.state, 'sent');
    assert.deepEqual(refusedWith(() => sentMinutes('m', sent, heldSession(m), 'aad-kim', NOW)), ['minutesSent']);
    assert.deepEqual(refusedWith(() => withNote('m', sent, 'late', NOW)), ['minutesSent']);
  });
});
