import { DateTime } from 'luxon';
import { LIMITS, type Meeting, type Participant } from './meeting';
import { clean } from './text';
import { Refusal, refuseIfAny, type Problem } from './problems';

/**
 * The plan the meeting leaves behind (000, 002, 004): action items (who does what, by when, and
 * with whom), the client's responsible worker, and the date of the follow-up meeting. Each item
 * is a document of its own in the meeting's partition, so the secretary adding items while the
 * chair presses Next never collide. Pure: `now` is passed in.
 */

/** One agreement: who does what, by when, and with whom. */
export interface ActionItem {
  kind: 'action';
  /** `action.<item id>` */
  id: string;
  meetingId: string;
  text: string;
  /** The participant who does it: anyone of the meeting, the client and the relatives included. */
  ownerId: string;
  /** The day it is due, `yyyy-MM-dd` in the meeting's time zone. */
  due: string;
  /** Participants it is done together with. */
  withIds: string[];
  /** Marked done: when, by whom (a user key, a page link's participant, never a name), and how. */
  done?: { at: string; by: string; via: 'teams' | 'page' | 'caseworker' };
  createdAt: string;
  /** A user key, never a name. */
  createdBy: string;
  updatedAt: string;
}

/** What a card sends for an action item. */
export interface ActionInput {
  text: string;
  ownerId: string;
  due: string;
  withIds: string[];
}

/** The id of an action item's document. */
export function actionId(itemId: string): string {
  return `action.${itemId}`;
}

/** A new action item, checked: a text, an owner among the participants, a due day not before the meeting, partners among the participants. */
export function newActionItem(meeting: Meeting, input: ActionInput, itemId: string, by: string, now: DateTime): ActionItem {
  const at = now.toUTC().toISO()!;
  return { kind: 'action', id: actionId(itemId), meetingId: meeting.id, ...checked(meeting, input), createdAt: at, createdBy: by, updatedAt: at };
}

/** The item with the changes the card sent, checked as a new one is. */
export function editActionItem(meeting: Meeting, item: ActionItem, input: ActionInput, now: DateTime): ActionItem {
  return { ...item, ...checked(meeting, input), updatedAt: now.toUTC().toISO()! };
}

/** Marks an item done (or not done again). */
export function markItem(item: ActionItem, done: boolean, by: string, via: 'teams' | 'page' | 'caseworker', now: DateTime): ActionItem {
  if (done === !!item.done) return item;
  const { done: _was, ...rest } = item;
  return done ? { ...rest, done: { at: now.toUTC().toISO()!, by, via }, updatedAt: now.toUTC().toISO()! } : { ...rest, updatedAt: now.toUTC().toISO()! };
}

/** True when this participant is the item's owner: they may mark it done themselves. */
export function ownsItem(item: ActionItem, participantId: string | undefined): boolean {
  return !!participantId && item.ownerId === participantId;
}

/** The items in the order they were agreed. */
export function inOrder(items: readonly ActionItem[]): ActionItem[] {
  return [...items].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

function checked(meeting: Meeting, input: ActionInput): Pick<ActionItem, 'text' | 'ownerId' | 'due' | 'withIds'> {
  const problems: Problem[] = [];
  const text = clean(input.text, true);
  const known = (id: string) => meeting.participants.some((p) => p.id === id);
  if (text === '') problems.push({ code: 'actionTextRequired' });
  if (text.length > LIMITS.actionText) problems.push({ code: 'textTooLong', params: { field: 'action', max: LIMITS.actionText } });
  if (!input.ownerId) problems.push({ code: 'actionOwnerRequired' });
  else if (!known(input.ownerId)) problems.push({ code: 'participantUnknown' });
  const due = dueDay(meeting, input.due);
  if ('problem' in due) problems.push(due.problem);
  const withIds = [...new Set(input.withIds)].filter((id) => id !== input.ownerId);
  if (withIds.some((id) => !known(id))) problems.push({ code: 'participantUnknown' });
  refuseIfAny(problems);
  return { text, ownerId: input.ownerId, due: (due as { day: string }).day, withIds };
}

/** A due day as the card sends it (`yyyy-MM-dd`), not before the meeting's own day and at most two years after it. */
function dueDay(meeting: Meeting, value: string): { day: string } | { problem: Problem } {
  const day = value.trim();
  if (day === '') return { problem: { code: 'dueRequired' } };
  const parsed = DateTime.fromISO(day, { zone: meeting.when?.timeZone ?? 'UTC' });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !parsed.isValid) return { problem: { code: 'dateInvalid' } };
  const meetingDay = meetingDate(meeting);
  if (meetingDay && day < meetingDay) return { problem: { code: 'dueBeforeMeeting', params: { date: meetingDay } } };
  if (meetingDay && parsed > DateTime.fromISO(meetingDay).plus({ years: LIMITS.yearsAhead })) return { problem: { code: 'dateTooFar', params: { years: LIMITS.yearsAhead } } };
  return { day };
}

/** The meeting's day in its own time zone, `yyyy-MM-dd`. */
export function meetingDate(meeting: Meeting): string | undefined {
  return meeting.when ? DateTime.fromISO(meeting.when.start, { zone: 'utc' }).setZone(meeting.when.timeZone).toFormat('yyyy-MM-dd') : undefined;
}

/**
 * What the meeting agreed before closing (000, 004): the client's responsible worker and the
 * date of the follow-up meeting, each possibly "not decided" as an explicit answer.
 */
export interface Outcome {
  /** A participant id, or `undecided`. */
  responsible?: string;
  /** `yyyy-MM-dd`, or `undecided`. */
  followUp?: string;
}

/** The outcome from what the card sent, checked: the responsible worker a professional of the meeting, the follow-up after the meeting. */
export function checkedOutcome(meeting: Meeting, input: { responsible: string; followUp: string }): Outcome {
  const problems: Problem[] = [];
  const responsible = input.responsible.trim();
  const followUp = input.followUp.trim();
  if (responsible === '') problems.push({ code: 'responsibleRequired' });
  else if (responsible !== 'undecided' && !meeting.participants.some((p) => p.id === responsible && p.group === 'professional')) problems.push({ code: 'responsibleNotProfessional' });
  if (followUp === '') problems.push({ code: 'followUpRequired' });
  else if (followUp !== 'undecided') {
    const due = dueDay(meeting, followUp);
    if ('problem' in due) problems.push(due.problem.code === 'dueBeforeMeeting' ? { code: 'followUpBeforeMeeting' } : due.problem);
    else if (followUp === meetingDate(meeting)) problems.push({ code: 'followUpBeforeMeeting' });
  }
  refuseIfAny(problems);
  return { responsible, followUp };
}

/** True when the outcome is complete: both answered (a person, a date, or "not decided"). */
export function outcomeComplete(outcome: Outcome | undefined): boolean {
  return !!outcome?.responsible && !!outcome.followUp;
}

/**
 * The follow-up meeting, as a draft for the caseworker to check and send (004: the follow-up
 * starts from the previous plan): the same people (new ids, the same roles proposed), the same
 * place, length and time of day on the agreed date, the previous purpose, and the open action
 * items as its topics. The client's consent is asked for again. `ids` gives the new ids.
 */
export function followUpDraft(meeting: Meeting, outcome: Outcome, openItems: readonly ActionItem[], ids: { meetingId: string; participant: (old: Participant) => string }, now: DateTime): Meeting {
  if (!outcome.followUp || outcome.followUp === 'undecided' || !meeting.when) throw new Refusal({ code: 'followUpRequired' });
  const at = now.toUTC().toISO()!;
  const oldStart = DateTime.fromISO(meeting.when.start, { zone: 'utc' }).setZone(meeting.when.timeZone);
  const start = DateTime.fromISO(outcome.followUp, { zone: meeting.when.timeZone }).set({ hour: oldStart.hour, minute: oldStart.minute });
  // Someone whose data was erased is not invited again.
  const kept = meeting.participants.filter((p) => !p.erased);
  const newId = new Map(kept.map((p) => [p.id, ids.participant(p)]));
  const byOld = (id: string | undefined) => (id ? newId.get(id) : undefined);
  const topics = openItems.map((item) => item.text.replace(/\s+/g, ' ').slice(0, LIMITS.topic)).slice(0, LIMITS.topics);
  return {
    kind: 'plan',
    id: ids.meetingId,
    meetingId: ids.meetingId,
    status: 'draft',
    rev: 1,
    tenantId: meeting.tenantId,
    organizer: meeting.organizer,
    step: 'summary',
    when: { start: start.toUTC().toISO()!, timeZone: meeting.when.timeZone, durationMinutes: meeting.when.durationMinutes },
    ...(meeting.place ? { place: meeting.place } : {}),
    why: { purpose: meeting.why?.purpose ?? '', topics, form: meeting.why?.form ?? '' },
    participants: kept.map(({ invitedRev: _rev, ...p }) => ({ ...p, id: newId.get(p.id)! })),
    ...(byOld(meeting.chairId) ? { chairId: byOld(meeting.chairId) } : {}),
    ...(byOld(meeting.secretaryId) ? { secretaryId: byOld(meeting.secretaryId) } : {}),
    ...(byOld(meeting.coOrganizerId) ? { coOrganizerId: byOld(meeting.coOrganizerId) } : {}),
    followUpOf: meeting.id,
    createdAt: at,
    updatedAt: at,
    ttl: LIMITS.draftDays * 24 * 3600,
  };
}
