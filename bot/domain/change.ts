import type { DateTime } from 'luxon';
import { EDITABLE, LIMITS, type ChangeKind, type Edits, type Meeting, type Participant } from './meeting';
import { Refusal, refuseIfAny } from './problems';
import { missingForSending, touch } from './planning';
import { clean } from './text';
import { userKey } from './user';

/**
 * The rules for a meeting once the invitations are out: who may act on it, changing it with
 * the planning cards (the invitations keep saying what they said until the change is sent),
 * and cancelling it. Pure: the caller passes `now`.
 */

/** True when this user convenes the meeting, or is the colleague named as co-organizer. */
export function organizes(meeting: Meeting, key: string): boolean {
  if (meeting.organizer.userKey === key) return true;
  const co = meeting.participants.find((p) => p.id === meeting.coOrganizerId);
  return !!co && co.contact.kind === 'teams' && userKey(co.contact.userId, co.contact.userId) === key;
}

/** The user key of the co-organizer, if there is one. */
export function coOrganizerKey(meeting: Meeting): string | undefined {
  const co = meeting.participants.find((p) => p.id === meeting.coOrganizerId);
  return co && co.contact.kind === 'teams' ? userKey(co.contact.userId, co.contact.userId) : undefined;
}

/** True while the caseworker prepares a change of a sent meeting. */
export function isChanging(meeting: Meeting): boolean {
  return meeting.status === 'invited' && !!meeting.editing;
}

/**
 * The meeting as the planning cards show and change it: a draft as it is; for a sent meeting
 * the change being prepared, seen as a draft so the planning rules apply to it unchanged.
 */
export function editable(meeting: Meeting): Meeting {
  if (!isChanging(meeting)) return meeting;
  const edits = meeting.editing!;
  // Every editable field comes from the change, also one it has left empty (a consent withdrawn).
  const fields = Object.fromEntries(EDITABLE.map((key) => [key, edits[key]]));
  return { ...meeting, ...fields, status: 'draft' };
}

/**
 * The plan after a planning card changed its editable copy: a draft is stored as it is; for a
 * sent meeting the result goes into the change being prepared. A change of who is invited
 * needs the client's consent again.
 */
export function withEdits(meeting: Meeting, edited: Meeting): Meeting {
  if (!isChanging(meeting)) return edited;
  const edits = pick(edited);
  const before = meeting.editing!.participants.map((p) => p.id).join();
  if (edited.participants.map((p) => p.id).join() !== before && edits.consent === meeting.editing!.consent) delete edits.consent;
  return { ...meeting, editing: edits, rev: edited.rev, updatedAt: edited.updatedAt };
}

/** Starts a change of a sent meeting from what the invitations say, at its summary. */
export function startChange(meeting: Meeting, by: string, now: DateTime): Meeting {
  if (meeting.status === 'cancelled') throw new Refusal({ code: 'meetingCancelled' });
  if (meeting.status !== 'invited') throw new Refusal({ code: 'notDraft' });
  if (meeting.editing) return meeting;
  return touch(meeting, now, { editing: { ...pick(meeting), step: 'summary' } });
}

/** Drops the change being prepared; the invitations stay as they were. */
export function discardChange(meeting: Meeting, by: string, now: DateTime): Meeting {
  if (!isChanging(meeting)) throw new Refusal({ code: 'noChange' });
  return touch(meeting, now, { editing: undefined });
}

/** What the change being prepared changes, compared with what the invitations say. */
export function changesOf(meeting: Meeting): ChangeKind[] {
  const next = meeting.editing;
  if (!next) return [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  const kinds: ChangeKind[] = [];
  if (!same(meeting.when, next.when)) kinds.push('time');
  if (!same(meeting.place, next.place)) kinds.push('place');
  if (!same(meeting.participants, next.participants)) kinds.push('people');
  if (!same(meeting.why, next.why)) kinds.push('agenda');
  if (!same([meeting.chairId, meeting.secretaryId, meeting.coOrganizerId], [next.chairId, next.secretaryId, next.coOrganizerId])) kinds.push('roles');
  return kinds;
}

/** Who the change adds and who it removes. */
export function peopleChanged(meeting: Meeting): { added: Participant[]; removed: Participant[] } {
  const next = meeting.editing?.participants ?? meeting.participants;
  const before = new Set(meeting.participants.map((p) => p.id));
  const after = new Set(next.map((p) => p.id));
  return { added: next.filter((p) => !before.has(p.id)), removed: meeting.participants.filter((p) => !after.has(p.id)) };
}

/**
 * Sends the change: the invitations now say what the change says, under a new plan revision.
 * A new time (or day, or length) means earlier answers no longer hold; people removed are
 * remembered so they can be told.
 */
export function sendChange(meeting: Meeting, by: string, now: DateTime): Meeting {
  if (!isChanging(meeting)) throw new Refusal({ code: 'noChange' });
  const what = changesOf(meeting);
  if (what.length === 0) throw new Refusal({ code: 'noChange' });
  refuseIfAny(missingForSending(editable(meeting), now));
  const planRev = meeting.rev + 1;
  const { added, removed } = peopleChanged(meeting);
  const addedIds = new Set(added.map((p) => p.id));
  const edits = meeting.editing!;
  // Every editable field comes from the change, also one it has cleared (the co-organizer, a role).
  const fields = Object.fromEntries(EDITABLE.filter((key) => key !== 'step').map((key) => [key, edits[key]])) as Omit<Edits, 'step'>;
  const former = coOrganizerKey(meeting);
  const after = coOrganizerKey({ ...meeting, ...fields });
  const at = now.toUTC().toISO()!;
  return touch(
    meeting,
    now,
    {
      ...fields,
      participants: edits.participants.map((p) => (addedIds.has(p.id) ? { ...p, invitedRev: planRev } : p)),
      formerCoOrganizers: formerCoOrganizersAfter(meeting, former, after),
      editing: undefined,
      planRev,
      sequence: (meeting.sequence ?? 0) + 1,
      answersFromRev: what.includes('time') ? planRev : meeting.answersFromRev,
      lastChange: { rev: planRev, at, what },
      removed: [...(meeting.removed ?? []), ...removed.map((participant) => ({ participant, rev: planRev }))].slice(-LIMITS.participants),
    },
  );
}

/**
 * The user keys that had the meeting in their list as co-organizer and no longer do: their list
 * entry goes at the next sync. Someone who becomes co-organizer again leaves this list.
 */
function formerCoOrganizersAfter(meeting: Meeting, former: string | undefined, after: string | undefined): string[] | undefined {
  const keys = new Set(meeting.formerCoOrganizers ?? []);
  if (former && former !== after) keys.add(former);
  if (after) keys.delete(after);
  return keys.size > 0 ? [...keys].slice(-LIMITS.participants) : undefined;
}

/** True when this person's invitation is their first: the meeting was never changed, or the last change added them. */
export function isFirstInvitation(meeting: Meeting, participant: Participant): boolean {
  return (meeting.sequence ?? 0) === 0 || (participant.invitedRev !== undefined && participant.invitedRev === meeting.planRev);
}

/** Cancels a sent meeting, with an optional reason the invitees read. */
export function cancelMeeting(meeting: Meeting, reason: string, by: string, now: DateTime): Meeting {
  if (meeting.status === 'cancelled') throw new Refusal({ code: 'meetingCancelled' });
  if (meeting.status !== 'invited') throw new Refusal({ code: 'notDraft' });
  const text = clean(reason, true);
  if (text.length > LIMITS.cancelReason) throw new Refusal({ code: 'textTooLong', params: { field: 'reason', max: LIMITS.cancelReason } });
  const at = now.toUTC().toISO()!;
  return touch(
    meeting,
    now,
    {
      status: 'cancelled',
      editing: undefined,
      planRev: meeting.rev + 1,
      sequence: (meeting.sequence ?? 0) + 1,
      cancelled: { at, by, ...(text ? { reason: text } : {}) },
    },
  );
}

function pick(meeting: Meeting): Edits {
  const out: Partial<Edits> = {};
  for (const key of EDITABLE) if (meeting[key] !== undefined) (out as Record<string, unknown>)[key] = meeting[key];
  return out as Edits;
}
