import type { DateTime } from 'luxon';
import { organizes } from './change';
import { LIMITS, type Meeting } from './meeting';
import { inOrder, type ActionItem, type Outcome } from './plan';
import { clean } from './text';
import { Refusal } from './problems';
import { absences, type MemoWay, type Session } from './session';

/**
 * The minutes (sv promemoria, da referat, fi muistio) that reach every participant quickly
 * after the meeting (004): built from what the meeting recorded, reviewed by the secretary (who
 * may add free text), and sent once. Pure: the content is computed, never typed twice.
 */

/** The minutes' own document: the secretary's note, and whether (and when) they were sent. */
export interface MinutesDoc {
  kind: 'minutes';
  /** Always `minutes`: one per meeting. */
  id: string;
  meetingId: string;
  note?: string;
  state: 'draft' | 'sent';
  sentAt?: string;
  /** A user key, never a name. */
  sentBy?: string;
  updatedAt: string;
}

/** The id of the minutes' document in a meeting's partition. */
export const MINUTES_ID = 'minutes';

/** Everything the minutes say, by participant id (names and words are the reader's, at rendering). */
export interface MinutesContent {
  meetingId: string;
  start?: string;
  durationMinutes?: number;
  timeZone?: string;
  place?: Meeting['place'];
  startedAt?: string;
  endedAt?: string;
  /** Present at the meeting, in the fixed speaker order's groups as the plan lists them. */
  present: string[];
  /** Expected and not there. */
  didNotCome: string[];
  /** Marked present, then left: when. */
  leftEarly: { participantId: string; at: string }[];
  chairId?: string;
  secretaryId?: string;
  purpose: string;
  topics: { text: string; covered: boolean }[];
  items: ActionItem[];
  outcome: Outcome;
  memoWays: MemoWay[];
  note?: string;
}

/** Who may review and send the minutes: the secretary, or the caseworker who convenes (or co-organizes). */
export function mayWriteMinutes(meeting: Meeting, session: Session | undefined, userKey: string, participantId: string | undefined): boolean {
  return organizes(meeting, userKey) || (!!participantId && participantId === session?.secretaryId);
}

/** What the minutes say, from the plan, the meeting as held, the action items, the outcome and the secretary's note. */
export function minutesContent(meeting: Meeting, session: Session, items: readonly ActionItem[], doc: MinutesDoc | undefined): MinutesContent {
  const away = absences(session);
  const left = away.filter((a) => a.leftAt).map((a) => ({ participantId: a.participantId, at: a.leftAt! }));
  return {
    meetingId: meeting.id,
    ...(meeting.when ? { start: meeting.when.start, durationMinutes: meeting.when.durationMinutes, timeZone: meeting.when.timeZone } : {}),
    ...(meeting.place ? { place: meeting.place } : {}),
    ...(session.startedAt ? { startedAt: session.startedAt } : {}),
    ...(session.endedAt ? { endedAt: session.endedAt } : {}),
    present: meeting.participants.filter((p) => session.presence[p.id]?.present).map((p) => p.id),
    didNotCome: away.filter((a) => !a.leftAt).map((a) => a.participantId),
    leftEarly: left,
    ...(session.chairId ? { chairId: session.chairId } : {}),
    ...(session.secretaryId ? { secretaryId: session.secretaryId } : {}),
    purpose: meeting.why?.purpose ?? '',
    topics: session.agenda.map((t) => ({ text: t.text, covered: t.covered })),
    items: inOrder(items),
    outcome: session.outcome ?? {},
    memoWays: session.memo?.ways ?? [],
    ...(doc?.note ? { note: doc.note } : {}),
  };
}

/** The secretary's note, checked; the minutes stay a draft until sent. */
export function withNote(meetingId: string, doc: MinutesDoc | undefined, note: string, now: DateTime): MinutesDoc {
  if (doc?.state === 'sent') throw new Refusal({ code: 'minutesSent' });
  const text = clean(note, true);
  if (text.length > LIMITS.minutesNote) throw new Refusal({ code: 'textTooLong', params: { field: 'note', max: LIMITS.minutesNote } });
  const { note: _old, ...rest } = doc ?? { kind: 'minutes' as const, id: MINUTES_ID, meetingId, state: 'draft' as const, updatedAt: '' };
  return { ...rest, ...(text ? { note: text } : {}), updatedAt: now.toUTC().toISO()! };
}

/** The minutes sent: once, after the meeting has ended. */
export function sentMinutes(meetingId: string, doc: MinutesDoc | undefined, session: Session | undefined, by: string, now: DateTime): MinutesDoc {
  if (!session || session.state !== 'ended') throw new Refusal({ code: 'notEnded' });
  if (doc?.state === 'sent') throw new Refusal({ code: 'minutesSent' });
  const at = now.toUTC().toISO()!;
  const base = doc ?? { kind: 'minutes' as const, id: MINUTES_ID, meetingId, state: 'draft' as const, updatedAt: at };
  return { ...base, state: 'sent', sentAt: at, sentBy: by, updatedAt: at };
}
