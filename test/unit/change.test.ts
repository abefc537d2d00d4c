import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { cancelMeeting, changesOf, discardChange, editable, organizes, peopleChanged, sendChange, startChange, withEdits } from '../../bot/domain/change';
import { deliveryDoc, deliveryWork, holds, replyDoc, viewOf } from '../../bot/domain/invitation';
import type { Meeting } from '../../bot/domain/meeting';
import type { MeetingDoc } from '../../bot/domain/meeting-docs';
import { listed, listState, meetingRefsOf, mergedRef } from '../../bot/domain/meeting-ref';
import { addParticipant, markSent, newDraft, removeParticipant, setRoles, setWhen, setWhy } from '../../bot/domain/planning';
import { refusedWith } from '../support/refusals';

const NOW = DateTime.fromISO('2026-11-23T09:00:00Z');
const ZONE = 'Europe/Stockholm';
const base = { relation: '', teamsUserId: '', email: '', address: '', language: 'sv' };

/** A sent meeting: the client in person, the nurse and the teacher in Teams (the teacher co-organizes), the aunt by letter. */
function sent(): Meeting {
  let m = newDraft({ id: 'm-1', organizer: { userKey: 'aad-kim', name: 'Kim' }, organizerParticipantId: 'kim', organizerUserId: 'kim', organizerLanguage: 'sv', tenantId: 't', now: NOW });
  m = setWhen(m, { date: '2026-12-07', time: '10:00', duration: '90', placeKind: 'room', placeDetails: 'Rum 2' }, ZONE, NOW);
  m = addParticipant(m, { ...base, name: 'Alex', group: 'client', contactKind: 'hand' }, 'c', NOW);
  m = addParticipant(m, { ...base, name: 'Noor', group: 'professional', contactKind: 'teams', teamsUserId: 'noor' }, 'n', NOW);
  m = addParticipant(m, { ...base, name: 'Tove', group: 'professional', contactKind: 'teams', teamsUserId: 'tove' }, 't', NOW);
  m = addParticipant(m, { ...base, name: 'Bo', group: 'network', contactKind: 'post', address: 'Gatan 1' }, 'b', NOW);
  m = setRoles(m, { consent: true, chairId: '', secretaryId: '', coOrganizerId: 't' }, 'aad-kim', NOW);
  m = setWhy(m, { purpose: 'En plan', topics: 'Sömn', form: '' }, NOW);
  return markSent(m, NOW);
}

/** Applies a planning rule to the change being prepared, as the planning cards do. */
function edit(meeting: Meeting, rule: (m: Meeting) => Meeting): Meeting {
  return withEdits(meeting, rule(editable(meeting)));
}

const refused = refusedWith;

describe('changing and cancelling a sent meeting (bot/domain/change.ts)', () => {
  it('lets the caseworker and the co-organizer act on the meeting, and nobody else', () => {
    const m = sent();
    assert.equal(organizes(m, 'aad-kim'), true);
    assert.equal(organizes(m, 'aad-tove'), true);
    assert.equal(organizes(m, 'aad-noor'), false);
    assert.equal(organizes({ ...m, coOrganizerId: undefined }, 'aad-tove'), false);
  });

  it('prepares a change without touching what the invitations say', () => {
    const m = startChange(sent(), 'aad-kim', NOW);
    const changed = edit(m, (d) => setWhen(d, { date: '2026-12-14', time: '10:00', duration: '90', placeKind: 'room', placeDetails: 'Rum 2' }, ZONE, NOW));
    assert.equal(changed.when!.start, '2026-12-07T09:00:00.000Z', 'the invitations still say the 7th');
    assert.equal(changed.editing!.when!.start, '2026-12-14T09:00:00.000Z');
    assert.deepEqual(changesOf(changed), ['time']);
    assert.equal(changed.planRev, m.planRev);
    assert.deepEqual(changesOf(discardChange(changed, 'aad-kim', NOW)), []);
  });

  it('asks for the client\'s consent again when who is invited changes', () => {
    let m = startChange(sent(), 'aad-kim', NOW);
    m = edit(m, (d) => addParticipant(d, { ...base, name: 'Kai', group: 'professional', contactKind: 'teams', teamsUserId: 'kai' }, 'k', NOW));
    assert.equal(editable(m).consent, undefined);
    assert.ok(refused(() => sendChange(m, 'aad-kim', NOW)).includes('noConsent'));
    m = edit(m, (d) => setRoles(d, { consent: true, chairId: '', secretaryId: '', coOrganizerId: 't' }, 'aad-kim', NOW.plus({ minutes: 1 })));
    assert.doesNotThrow(() => sendChange(m, 'aad-kim', NOW));
  });

  it('sends a change under a new plan revision: a new time makes earlier answers not hold, people removed are remembered', () => {
    let m = startChange(sent(), 'aad-kim', NOW);
    m = edit(m, (d) => setWhen(d, { date: '2026-12-14', time: '10:00', duration: '90', placeKind: 'room', placeDetails: 'Rum 3' }, ZONE, NOW));
    m = edit(m, (d) => removeParticipant(d, 'n', NOW));
    m = edit(m, (d) => setRoles(d, { consent: true, chairId: '', secretaryId: '', coOrganizerId: 't' }, 'aad-kim', NOW));
    assert.deepEqual(peopleChanged(m).removed.map((p) => p.id), ['n']);
    const before = sent();
    const out = sendChange(m, 'aad-kim', NOW);
    assert.equal(out.editing, undefined);
    assert.equal(out.when!.start, '2026-12-14T09:00:00.000Z');
    assert.equal(out.planRev, m.rev + 1);
    assert.equal(out.sequence, 1);
    assert.equal(out.answersFromRev, out.planRev);
    assert.deepEqual(out.lastChange!.what, ['time', 'place', 'people']);
    assert.deepEqual(out.removed!.map((r) => r.participant.id), ['n']);
    const oldAnswer = replyDoc(before, 't', { answer: 'accepted', comment: '', topic: '' }, 'teams', 'aad-tove', NOW);
    assert.equal(holds(out, oldAnswer), false);
  });

  it('keeps answers when only the agenda changes, and refuses a change that changes nothing', () => {
    let m = startChange(sent(), 'aad-kim', NOW);
    assert.deepEqual(refused(() => sendChange(m, 'aad-kim', NOW)), ['noChange']);
    m = edit(m, (d) => setWhy(d, { purpose: 'En ny plan', topics: 'Sömn', form: '' }, NOW));
    const out = sendChange(m, 'aad-kim', NOW);
    assert.deepEqual(out.lastChange!.what, ['agenda']);
    assert.equal(holds(out, replyDoc(sent(), 'n', { answer: 'maybe', comment: '', topic: '' }, 'teams', 'aad-noor', NOW)), true);
  });

  it('cancels a meeting once, with a reason, and refuses to change it afterwards', () => {
    const out = cancelMeeting(sent(), '  Alex är sjuk  ', 'aad-kim', NOW);
    assert.equal(out.status, 'cancelled');
    assert.deepEqual(out.cancelled, { at: '2026-11-23T09:00:00.000Z', by: 'aad-kim', reason: 'Alex är sjuk' });
    assert.equal(out.sequence, 1);
    assert.deepEqual(refused(() => cancelMeeting(out, '', 'aad-kim', NOW)), ['meetingCancelled']);
    assert.deepEqual(refused(() => startChange(out, 'aad-kim', NOW)), ['meetingCancelled']);
    assert.deepEqual(refused(() => cancelMeeting(sent(), 'x'.repeat(501), 'aad-kim', NOW)), ['textTooLong']);
  });

  describe('deliveryWork: what bringing the invitations in Teams up to date means', () => {
    const delivered = (m: Meeting, ...ids: string[]): MeetingDoc[] => [
      m,
      ...ids.map((id) => deliveryDoc(m, id, { via: 'teams', card: { conversationId: `a:${id}`, activityId: `act-${id}` } }, NOW)),
    ];

    it('invites the Teams invitees not reached yet, first of all', () => {
      const m = sent();
      assert.deepEqual(deliveryWork(viewOf([m])!).map((s) => [s.participant.id, s.action]), [['n', 'invite'], ['t', 'invite']]);
      assert.deepEqual(deliveryWork(viewOf(delivered(m, 'n', 't'))!), []);
    });

    it('after a change: updates cards already out, invites people added, and tells people removed', () => {
      const first = sent();
      let m = startChange(first, 'aad-kim', NOW);
      m = edit(m, (d) => addParticipant(d, { ...base, name: 'Kai', group: 'professional', contactKind: 'teams', teamsUserId: 'kai' }, 'k', NOW));
      m = edit(m, (d) => removeParticipant(d, 'n', NOW));
      m = edit(m, (d) => setRoles(d, { consent: true, chairId: '', secretaryId: '', coOrganizerId: 't' }, 'aad-kim', NOW));
      const out = sendChange(m, 'aad-kim', NOW);
      const steps = deliveryWork(viewOf(delivered(first, 'n', 't').map((d) => (d.kind === 'plan' ? out : d)))!);
      assert.deepEqual(steps.map((s) => [s.participant.id, s.action]).sort(), [['k', 'invite'], ['n', 'remove'], ['t', 'update']]);
    });

    it('after a cancellation: cancels every card already out, and reaches nobody new', () => {
      const first = sent();
      const out = cancelMeeting(first, '', 'aad-kim', NOW);
      const steps = deliveryWork(viewOf(delivered(first, 'n').map((d) => (d.kind === 'plan' ? out : d)))!);
      assert.deepEqual(steps.map((s) => [s.participant.id, s.action]), [['n', 'cancel']]);
    });
  });

  describe('the caseworker\'s list (bot/domain/meeting-ref.ts)', () => {
    it('puts a meeting in the lists of the caseworker and of the co-organizer, with the client and the answers so far', () => {
      const refs = meetingRefsOf(viewOf([sent()])!);
      assert.deepEqual(refs.map((r) => [r.userKey, r.role]), [['aad-kim', 'organizer'], ['aad-tove', 'coOrganizer']]);
      assert.equal(refs[0].client, 'Alex');
      assert.deepEqual(refs[0].counts, { accepted: 0, declined: 0, maybe: 0, waiting: 4 });
    });

    it('lists coming meetings soonest first and recent ones latest first, a bounded number of each', () => {
      const ref = (start: string) => ({ ...meetingRefsOf(viewOf([sent()])!)[0], meetingId: start, start });
      const refs = ['2026-12-01', '2026-11-01', '2026-12-24', '2026-10-01', '2026-11-20'].map((d) => ref(`${d}T09:00:00.000Z`));
      const { upcoming, recent } = listed(refs, NOW.toISO()!);
      assert.deepEqual(upcoming.map((r) => r.start!.slice(0, 10)), ['2026-12-01', '2026-12-24']);
      assert.deepEqual(recent.map((r) => r.start!.slice(0, 10)), ['2026-11-20', '2026-11-01', '2026-10-01']);
      const many = Array.from({ length: 30 }, (_, i) => ref(NOW.plus({ days: i + 1 }).toISO()!));
      assert.equal(listed(many, NOW.toISO()!).upcoming.length, 10);
    });

    it('never lets an entry drawn from an older view put back an older state: each part comes from the newer revision', () => {
      const base = meetingRefsOf(viewOf([sent()])!)[0];
      // Stored: meeting mode reopened (session revision 7), the plan at revision 3.
      const stored = { ...base, held: 'running' as const, drawnAt: { plan: 3, session: 7 } };
      // A job that read the meeting while it was ended (session 6) but after a new answer.
      const stale = { ...base, held: 'ended' as const, counts: { ...base.counts, accepted: 1, waiting: 3 }, drawnAt: { plan: 3, session: 6 } };
      const merged = mergedRef(stored, stale);
      assert.equal(listState(merged), 'running');
      assert.equal(merged.counts.accepted, 1, 'the answers come from the latest reader');
      assert.deepEqual(merged.drawnAt, { plan: 3, session: 7 });
      // A newer plan (cancelled) with the older session: cancelled, and still the newer session's state kept.
      const cancelled = mergedRef(stored, { ...base, status: 'cancelled', drawnAt: { plan: 4, session: 5 } });
      assert.equal(cancelled.status, 'cancelled');
      assert.equal(cancelled.held, 'running');
      // An older plan never brings back an older time.
      const moved = mergedRef({ ...stored, start: '2027-01-10T09:00:00.000Z' }, { ...stale, start: '2027-01-03T09:00:00.000Z', drawnAt: { plan: 2, session: 8 } });
      assert.equal(moved.start, '2027-01-10T09:00:00.000Z');
      assert.equal(moved.held, 'ended', 'the newer session revision wins');
      // Nothing stored yet, or stored before entries carried their revisions: the new entry as it is.
      assert.deepEqual(mergedRef(undefined, stale), stale);
    });
  });
});
