import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import type { Meeting } from '../../bot/domain/meeting';
import { addParticipant, markSent, newDraft, setRoles, setWhen, setWhy } from '../../bot/domain/planning';
import { absences, applyStep, budgetsFor, clockOf, currentSpeaker, mayRun, mayUndoEnd, openSession, PHASES, promptsFor, startNeedsConfirmation, suggestedRound, type Session, type SessionStep } from '../../bot/domain/session';
import { refusedWith } from '../support/refusals';

const NOW = DateTime.fromISO('2026-12-07T09:00:00Z', { zone: 'utc' });
const base = { relation: '', teamsUserId: '', email: '', address: '', language: 'sv' };

/** A sent meeting of 120 minutes: the caseworker Kim, the nurse Noor, the grandmother Eva, the client Alex, the uncle Bo (in that order of inviting). */
function meeting(): Meeting {
  let m = newDraft({ id: 'm', organizer: { userKey: 'aad-kim', name: 'Kim' }, organizerParticipantId: 'kim', organizerUserId: 'kim', organizerLanguage: 'sv', tenantId: 't', now: NOW.minus({ days: 10 }) });
  m = setWhen(m, { date: '2026-12-07', time: '10:00', duration: '120', placeKind: 'room', placeDetails: 'Rum 2' }, 'Europe/Stockholm', NOW.minus({ days: 10 }));
  m = addParticipant(m, { ...base, name: 'Noor', group: 'professional', contactKind: 'teams', teamsUserId: 'noor' }, 'noor', NOW);
  m = addParticipant(m, { ...base, name: 'Eva', group: 'network', contactKind: 'post', address: 'Gatan 1' }, 'eva', NOW);
  m = addParticipant(m, { ...base, name: 'Alex', group: 'client', contactKind: 'hand' }, 'alex', NOW);
  m = addParticipant(m, { ...base, name: 'Bo', group: 'network', contactKind: 'hand' }, 'bo', NOW);
  m = setRoles(m, { consent: true, chairId: 'noor', secretaryId: '' }, 'aad-kim', NOW.minus({ days: 10 }));
  m = setWhy(m, { purpose: 'En plan', topics: 'Sömn\nSkolan', form: '' }, NOW.minus({ days: 10 }));
  return markSent(m, NOW.minus({ days: 10 }));
}

const opened = (declined: string[] = []) => openSession(meeting(), [{ participantId: 'noor', text: 'Läxor' }], new Set(declined), 'aad-kim', NOW.minus({ days: 2 }));
const started = () => applyStep(meeting(), opened(), { step: 'begin' }, 'aad-kim', NOW);
const step = (s: Session, x: SessionStep, minutes = 0) => applyStep(meeting(), s, x, 'aad-kim', NOW.plus({ minutes }));
const refused = refusedWith;

describe('meeting mode (bot/domain/session.ts)', () => {
  it('splits the planned time over the five phases, adding up to it', () => {
    const b = budgetsFor(120);
    assert.deepEqual(b, { welcome: 18, describe: 30, reflect: 30, agree: 30, summary: 12 });
    for (const minutes of [15, 45, 90, 119, 480]) assert.equal(PHASES.reduce((sum, p) => sum + budgetsFor(minutes)[p], 0), minutes);
  });

  it('opens ready to start: everyone expected but those who cannot come, the proposed chair, the agenda; nothing runs until it is started', () => {
    const s = opened(['bo']);
    assert.equal(s.state, 'ready');
    assert.equal(s.startedAt, undefined);
    assert.equal(s.round, undefined);
    assert.equal(s.chairId, 'noor');
    assert.deepEqual(Object.entries(s.presence).filter(([, p]) => p.present).map(([id]) => id).sort(), ['alex', 'eva', 'kim', 'noor']);
    assert.deepEqual(s.presence.bo, { present: false });
    assert.deepEqual(absences(s), [], 'nobody has missed a meeting that has not started');
    // Preparing is allowed; running the meeting is not.
    for (const x of [{ step: 'roles', chairId: 'noor', secretaryId: 'kim' }, { step: 'topicAdd', text: 'Fritiden', id: 'a1' }, { step: 'presence', participantId: 'eva', present: false }, { step: 'budgets', budgets: budgetsFor(100) }] as SessionStep[]) {
      assert.equal(applyStep(meeting(), s, x, 'aad-kim', NOW).state, 'ready');
    }
    for (const x of [{ step: 'next' }, { step: 'skip' }, { step: 'phase', phase: 'describe' }, { step: 'round', kind: 'speakers' }, { step: 'end' }] as SessionStep[]) {
      assert.deepEqual(refused(() => applyStep(meeting(), s, x, 'aad-kim', NOW)), ['notStarted'], x.step);
    }
    // Started: the introductions among those expected, the client first.
    const begun = applyStep(meeting(), s, { step: 'begin' }, 'aad-kim', NOW);
    assert.equal(begun.state, 'running');
    assert.equal(begun.startedAt, NOW.toISO());
    assert.deepEqual(begun.round!.order, ['alex', 'eva', 'kim', 'noor']);
    assert.deepEqual(refused(() => applyStep(meeting(), begun, { step: 'begin' }, 'aad-kim', NOW)), ['alreadyStarted']);
  });

  it('asks before starting more than half an hour from the planned start (10:00 Stockholm, 09:00 UTC)', () => {
    assert.equal(startNeedsConfirmation(meeting(), NOW.minus({ days: 11 })), 'early');
    assert.equal(startNeedsConfirmation(meeting(), NOW.minus({ minutes: 31 })), 'early');
    assert.equal(startNeedsConfirmation(meeting(), NOW.minus({ minutes: 30 })), undefined);
    assert.equal(startNeedsConfirmation(meeting(), NOW.plus({ minutes: 30 })), undefined);
    assert.equal(startNeedsConfirmation(meeting(), NOW.plus({ minutes: 31 })), 'late');
  });

  it('starts with everyone present, the proposed chair, the agenda and the introductions: the client first, then the private network, then the professionals', () => {
    const s = started();
    assert.equal(s.phase, 'welcome');
    assert.equal(s.chairId, 'noor');
    assert.deepEqual(s.agenda.map((t: { text: string; source: string }) => [t.text, t.source]), [['Sömn', 'plan'], ['Skolan', 'plan'], ['Läxor', 'proposed']]);
    assert.equal(s.round!.kind, 'introductions');
    assert.deepEqual(s.round!.order, ['alex', 'eva', 'bo', 'kim', 'noor']);
    assert.equal(currentSpeaker(s), 'alex');
  });

  it('goes through a round with Next and Skip, marking who was heard, until it is over', () => {
    let s = started();
    s = step(s, { step: 'next' });
    s = step(s, { step: 'skip' });
    assert.equal(currentSpeaker(s), 'bo');
    s = step(s, { step: 'next' });
    s = step(s, { step: 'next' });
    s = step(s, { step: 'next' });
    assert.equal(currentSpeaker(s), undefined);
    assert.deepEqual(s.round!.heard, ['alex', 'bo', 'kim', 'noor']);
    assert.deepEqual(s.round!.skipped, ['eva']);
    assert.deepEqual(refused(() => step(s, { step: 'next' })), ['roundOver']);
  });

  it('moves someone still to speak up or down, never before the one speaking now', () => {
    let s = step(started(), { step: 'next' });
    s = step(s, { step: 'move', participantId: 'noor', by: -1 });
    assert.deepEqual(s.round!.order, ['alex', 'eva', 'bo', 'noor', 'kim']);
    assert.deepEqual(refused(() => step(s, { step: 'move', participantId: 'eva', by: -1 })), ['cannotMove']);
    assert.deepEqual(refused(() => step(s, { step: 'move', participantId: 'alex', by: 1 })), ['cannotMove']);
    assert.deepEqual(refused(() => step(s, { step: 'move', participantId: 'kim', by: 1 })), ['cannotMove']);
  });

  it('tells someone who did not come from someone marked present who left', () => {
    // Sara's case: expected, never marked present, unticked during the meeting: she did not come.
    let s = step(started(), { step: 'presence', participantId: 'bo', present: false }, 35);
    assert.deepEqual(s.presence.bo, { present: false });
    assert.deepEqual(absences(s), [{ participantId: 'bo' }]);
    // Eva is marked present at 10:05 (the list saved with her ticked) and leaves at 10:40.
    s = step(s, { step: 'presentSet', participantIds: ['alex', 'eva', 'kim', 'noor'] }, 5);
    assert.equal(s.presence.eva.arrivedAt, NOW.plus({ minutes: 5 }).toISO());
    s = step(s, { step: 'presentSet', participantIds: ['alex', 'kim', 'noor'] }, 40);
    assert.deepEqual(absences(s).sort((a, b) => a.participantId.localeCompare(b.participantId)), [{ participantId: 'bo' }, { participantId: 'eva', leftAt: NOW.plus({ minutes: 40 }).toISO() }]);
    // Bo arrives late after all: he is marked present, and nobody is absent but Eva.
    s = step(s, { step: 'presentSet', participantIds: ['alex', 'bo', 'kim', 'noor'] }, 45);
    assert.deepEqual(absences(s), [{ participantId: 'eva', leftAt: NOW.plus({ minutes: 40 }).toISO() }]);
  });

  it('takes someone who leaves early out of the round, with the time, and puts someone who arrives late at its end', () => {
    let s = step(started(), { step: 'presence', participantId: 'eva', present: true }, 1);
    s = step(s, { step: 'presence', participantId: 'eva', present: false }, 20);
    assert.deepEqual(s.presence.eva, { present: false, arrivedAt: NOW.plus({ minutes: 1 }).toISO(), leftAt: NOW.plus({ minutes: 20 }).toISO() });
    assert.deepEqual(s.round!.order, ['alex', 'bo', 'kim', 'noor']);
    s = step(s, { step: 'presence', participantId: 'eva', present: true }, 25);
    assert.deepEqual(s.round!.order, ['alex', 'bo', 'kim', 'noor', 'eva']);
    // A new round leaves out those not present.
    s = step(s, { step: 'presence', participantId: 'bo', present: false }, 30);
    s = step(s, { step: 'round', kind: 'speakers' }, 31);
    assert.deepEqual(s.round!.order, ['alex', 'eva', 'kim', 'noor']);
    assert.equal(s.round!.kind, 'speakers');
  });

  it('renegotiates the agenda: topics added, checked off, dropped and reordered', () => {
    let s = step(started(), { step: 'topicAdd', text: '  Fritiden ', id: 'added-1' });
    s = step(s, { step: 'topicCovered', topicId: 'plan-1', covered: true });
    s = step(s, { step: 'topicMove', topicId: 'added-1', by: -1 });
    s = step(s, { step: 'topicDrop', topicId: 'plan-2' });
    assert.deepEqual(s.agenda.map((t) => [t.text, t.covered]), [['Sömn', true], ['Fritiden', false], ['Läxor', false]]);
    assert.deepEqual(refused(() => step(s, { step: 'topicAdd', text: '\u200b', id: 'x' })), ['topicRequired']);
    assert.deepEqual(refused(() => step(s, { step: 'topicDrop', topicId: 'gone' })), ['topicUnknown']);
  });

  it('keeps the clock from stored instants: how far behind the plan the meeting runs, phase by phase', () => {
    let s = started();
    assert.equal(clockOf(s, NOW.plus({ minutes: 10 })).behindMinutes, 0);
    assert.equal(clockOf(s, NOW.plus({ minutes: 25 })).behindMinutes, 7, 'the welcome has 18 minutes');
    assert.equal(clockOf(s, NOW).plannedEnd, NOW.plus({ minutes: 120 }).toISO());
    s = step(s, { step: 'phase', phase: 'describe' }, 25);
    assert.equal(clockOf(s, NOW.plus({ minutes: 30 })).behindMinutes, 7, 'started 7 minutes late, within its own time');
    s = step(s, { step: 'phase', phase: 'reflect' }, 40);
    assert.equal(clockOf(s, NOW.plus({ minutes: 41 })).behindMinutes, -8, 'the description took 15 of its 30 minutes');
    assert.equal(s.round, undefined, 'a new phase starts without a round');
  });

  it('reminds the chair of the guides\' advice for the phase, and to keep time for the summary', () => {
    let s = started();
    assert.deepEqual(promptsFor(s, NOW), ['welcome'], 'the convener welcomes everyone and introduces themself');
    s = step(s, { step: 'next' });
    assert.deepEqual(promptsFor(s, NOW), ['introductions']);
    for (let i = 0; i < 4; i++) s = step(s, { step: 'next' });
    assert.deepEqual(promptsFor(s, NOW), ['rolesAndMemo'], 'after the introductions: who chairs, who writes the memo, how it reaches everyone');
    s = step(s, { step: 'memo', ways: ['email', 'teams'] });
    assert.deepEqual(s.memo, { ways: ['teams', 'email'] });
    assert.deepEqual(promptsFor(s, NOW), ['welcome']);
    s = step(s, { step: 'phase', phase: 'describe' }, 18);
    assert.deepEqual(promptsFor(s, NOW.plus({ minutes: 20 })), ['clientFirst', 'checkWithClient']);
    s = step(s, { step: 'phase', phase: 'agree' }, 80);
    assert.deepEqual(promptsFor(s, NOW.plus({ minutes: 104 })), ['agree', 'agreedWithClient', 'keepTime']);
  });

  it('lets the chair, the secretary and the caseworker run the meeting, and nobody else', () => {
    const m = meeting();
    const s = step(started(), { step: 'roles', chairId: 'noor', secretaryId: 'eva' });
    const participantOf = (key: string) => m.participants.find((p) => p.contact.kind === 'teams' && `aad-${p.contact.userId}` === key);
    assert.equal(mayRun(m, s, 'aad-kim', participantOf), true);
    assert.equal(mayRun(m, s, 'aad-noor', participantOf), true);
    assert.equal(mayRun(m, s, 'aad-stranger', participantOf), false);
    const noChair = step(s, { step: 'roles', chairId: '', secretaryId: '' });
    assert.equal(mayRun(m, noChair, 'aad-noor', participantOf), false);
  });

  it('raises the revision with every step, and changes nothing once ended', () => {
    const s = started();
    const next = step(s, { step: 'next' });
    assert.equal(next.rev, s.rev + 1);
    assert.deepEqual(refused(() => step(next, { step: 'end' }, 100)), ['outcomeMissing'], 'the responsible worker and the follow-up are agreed first');
    const ended = step(step(next, { step: 'outcome', responsible: 'undecided', followUp: 'undecided' }, 99), { step: 'end' }, 100);
    assert.equal(ended.state, 'ended');
    assert.deepEqual(refused(() => step(ended, { step: 'next' })), ['sessionEnded']);
    assert.deepEqual(refused(() => step(next, { step: 'reopen' })), ['notEnded']);
    assert.equal(clockOf(ended, NOW.plus({ minutes: 500 })).behindMinutes, clockOf(ended, NOW.plus({ minutes: 100 })).behindMinutes, 'the clock stops at the end');
  });

  it('offers a check-in round at the start and a check-out round at the end until one was held (003)', () => {
    let s = started();
    assert.equal(suggestedRound(s), undefined, 'not while the introductions run');
    for (let i = 0; i < 5; i++) s = step(s, { step: 'next' });
    assert.equal(suggestedRound(s), 'checkIn');
    s = step(s, { step: 'round', kind: 'checkIn' });
    assert.deepEqual(promptsFor(s, NOW).slice(0, 1), ['checkIn']);
    for (let i = 0; i < 5; i++) s = step(s, { step: 'next' });
    assert.equal(suggestedRound(s), undefined, 'held once');
    s = step(s, { step: 'phase', phase: 'describe' });
    assert.equal(suggestedRound(s), undefined);
    s = step(s, { step: 'phase', phase: 'summary' });
    assert.equal(suggestedRound(s), 'checkOut');
    s = step(s, { step: 'round', kind: 'checkOut' });
    assert.deepEqual(promptsFor(s, NOW).slice(0, 1), ['checkOut']);
    for (let i = 0; i < 5; i++) s = step(s, { step: 'next' });
    assert.equal(suggestedRound(s), undefined);
  });

  it('stops the clock for a break: the phase and the planned end move on by it, and nothing moves the meeting meanwhile', () => {
    let s = started();
    s = step(s, { step: 'phase', phase: 'describe' }, 18);
    s = step(s, { step: 'breakStart' }, 30);
    assert.deepEqual(promptsFor(s, NOW.plus({ minutes: 45 })), ['onBreak']);
    const during = clockOf(s, NOW.plus({ minutes: 45 }));
    assert.equal(during.breakSince, NOW.plus({ minutes: 30 }).toISO());
    assert.equal(during.behindMinutes, clockOf(s, NOW.plus({ minutes: 31 })).behindMinutes, 'the clock stands still on the break');
    for (const x of [{ step: 'next' }, { step: 'phase', phase: 'reflect' }, { step: 'round', kind: 'speakers' }, { step: 'end' }, { step: 'breakStart' }] as SessionStep[]) {
      assert.deepEqual(refused(() => step(s, x, 40)), ['onBreak'], x.step);
    }
    s = step(s, { step: 'topicAdd', text: 'Under pausen', id: 'b1' }, 40);
    s = step(s, { step: 'breakEnd' }, 45);
    const after = clockOf(s, NOW.plus({ minutes: 50 }));
    assert.equal(after.breakSince, undefined);
    assert.equal(after.plannedEnd, NOW.plus({ minutes: 120 + 15 }).toISO(), 'the planned end moved on by the fifteen minutes');
    assert.equal(after.phaseEnd, NOW.plus({ minutes: 18 + 30 + 15 }).toISO(), 'and so did the phase');
    assert.equal(after.behindMinutes, 0, 'on time: the describe phase has used 17 of its 30 minutes');
    assert.deepEqual(refused(() => step(s, { step: 'breakEnd' }, 51)), ['notOnBreak']);
    s = step(step(s, { step: 'outcome', responsible: 'undecided', followUp: 'undecided' }, 99), { step: 'end' }, 100);
    assert.equal(clockOf(s, NOW.plus({ minutes: 300 })).plannedEnd, after.plannedEnd);
  });

  it('undoes an end for ten minutes, then keeps the meeting ended', () => {
    const ended = step(step(step(started(), { step: 'next' }), { step: 'outcome', responsible: 'undecided', followUp: 'undecided' }), { step: 'end' }, 90);
    assert.equal(mayUndoEnd(ended, NOW.plus({ minutes: 100 })), true);
    const reopened = step(ended, { step: 'reopen' }, 100);
    assert.equal(reopened.state, 'running');
    assert.equal(reopened.endedAt, undefined);
    assert.equal(reopened.round!.current, 1, 'the round goes on where it was');
    assert.equal(mayUndoEnd(ended, NOW.plus({ minutes: 101 })), false);
    assert.deepEqual(refused(() => step(ended, { step: 'reopen' }, 101)), ['sessionEnded']);
  });

  it('does not open for a meeting that is cancelled or not sent', () => {
    assert.deepEqual(refused(() => openSession({ ...meeting(), status: 'cancelled' }, [], new Set(), 'aad-kim', NOW)), ['meetingCancelled']);
    assert.deepEqual(refused(() => openSession({ ...meeting(), status: 'draft' }, [], new Set(), 'aad-kim', NOW)), ['notInvited']);
  });
});
