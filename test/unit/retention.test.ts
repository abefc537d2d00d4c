import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import type { Meeting } from '../../bot/domain/meeting';
import { cancelMeeting } from '../../bot/domain/change';
import { addParticipant, markSent, newDraft, setRoles, setWhen, setWhy } from '../../bot/domain/planning';
import { expiryOf } from '../../bot/domain/retention';

const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });
const SIX = { months: 6 };

/** A meeting sent on `sent`, held on `date` 10:00–11:30 Stockholm time. */
function meeting(id: string, date: string, sent = '2027-01-04T08:00:00Z'): Meeting {
  const at = utc(sent);
  let m = newDraft({ id, organizer: { userKey: 'aad-kim', name: 'Kim' }, organizerParticipantId: `${id}-kim`, organizerUserId: 'kim', organizerLanguage: 'sv', tenantId: 't', now: at });
  m = setWhen(m, { date, time: '10:00', duration: '90', placeKind: 'room', placeDetails: 'Rum 2' }, 'Europe/Stockholm', at);
  m = addParticipant(m, { name: 'Alex', relation: '', group: 'client', contactKind: 'hand', teamsUserId: '', email: '', address: '', language: 'sv' }, `${id}-alex`, at);
  m = addParticipant(m, { name: 'Eva', relation: 'mormor', group: 'network', contactKind: 'post', teamsUserId: '', email: '', address: 'Gatan 1', language: 'sv' }, `${id}-eva`, at);
  m = setRoles(m, { consent: true, chairId: '', secretaryId: '' }, 'aad-kim', at);
  m = setWhy(m, { purpose: 'En plan', topics: 'Skolan', form: '' }, at);
  return markSent(m, at);
}

describe('retention (bot/domain/retention.ts)', () => {
  it('keeps a meeting the configured months after it ended, or after its planned end before it is held', () => {
    const a = meeting('a', '2027-02-10');
    assert.equal(expiryOf([{ plan: a }], SIX), '2027-08-10T10:30:00.000Z', 'planned end 11:30 Stockholm time, six months on');
    assert.equal(expiryOf([{ plan: a, endedAt: '2027-02-10T11:05:00.000Z' }], SIX), '2027-08-10T11:05:00.000Z', 'it ended late');
    assert.equal(expiryOf([{ plan: a }], { months: 12 }), '2028-02-10T10:30:00.000Z');
  });

  it('counts from the last meeting of its follow-up chain, a drafted follow-up included', () => {
    const a = meeting('a', '2027-02-10');
    const b = meeting('b', '2027-05-03');
    const c = meeting('c', '2027-09-20');
    assert.equal(expiryOf([{ plan: a, endedAt: '2027-02-10T10:30:00.000Z' }, { plan: b }, { plan: c }], SIX), '2028-03-20T09:30:00.000Z', 'six months after the third meeting ends (11:30 summer time in Stockholm)');
    assert.equal(expiryOf([{ plan: b }, { plan: c }], SIX), '2028-03-20T09:30:00.000Z', 'the follow-up the same');
  });

  it('counts a cancellation from when it was cancelled', () => {
    const a = meeting('a', '2027-06-10');
    const cancelled = cancelMeeting(a, 'Sjuk', 'aad-kim', utc('2027-03-01T09:00:00Z'));
    assert.equal(expiryOf([{ plan: cancelled }], SIX), '2027-09-01T09:00:00.000Z');
    // A follow-up cancelled after its meeting was held: the chain ends with the cancellation, if later.
    const held = meeting('h', '2027-02-10');
    assert.equal(expiryOf([{ plan: held, endedAt: '2027-02-10T10:30:00.000Z' }, { plan: cancelled }], SIX), '2027-09-01T09:00:00.000Z');
  });

  it('keeps an extended meeting one period longer, once', () => {
    const a = { ...meeting('a', '2027-02-10'), retention: { extended: { at: '2027-07-28T08:00:00.000Z', by: 'aad-kim', reason: 'Barnets placering utreds' } } };
    assert.equal(expiryOf([{ plan: a }], SIX), '2028-02-10T10:30:00.000Z', 'twelve months after the planned end');
  });
});
