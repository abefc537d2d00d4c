import type { Meeting, MeetingView } from '../domain/meeting';
import { viewOf } from '../domain/invitation';
import type { ProblemCode } from '../domain/problems';
import { problemText } from '../i18n';
import { queries } from '../store/queries';
import type { Versioned } from '../store/port';
import { welcomeCard } from '../../cards/planning';
import type { Actor, CardReply, Deps } from './ports';

/** The plan of a meeting (one point read), with the ETag a change of it must carry. */
export async function readPlan(deps: Deps, meetingId: string): Promise<Versioned<Meeting> | undefined> {
  const found = await deps.stores.meetings.read(meetingId, meetingId);
  return found && found.doc.kind === 'plan' ? (found as Versioned<Meeting>) : undefined;
}

/** The plan with every person's answer and delivery: one single-partition query. */
export async function readView(deps: Deps, meetingId: string): Promise<MeetingView | undefined> {
  const rows = await deps.stores.meetings.query(queries.meeting(meetingId));
  return viewOf(rows.map((r) => r.doc));
}

/**
 * Reads the plan a card names, for the caseworker who convenes it. Anyone else, or a meeting
 * that is gone, gets the welcome card with the reason instead.
 */
export async function loadOwnMeeting(deps: Deps, actor: Actor, meetingId: string): Promise<{ meeting: Meeting; etag: string } | { reply: CardReply }> {
  const found = await readPlan(deps, meetingId);
  if (!found) return { reply: refusedCard(actor, 'meetingNotFound') };
  if (found.doc.organizer.userKey !== actor.userKey) {
    deps.log.warn('meeting.notOrganizer', { meeting: found.doc.id });
    return { reply: refusedCard(actor, 'notOrganizer') };
  }
  return { meeting: found.doc, etag: found.etag };
}

/** The welcome card with the reason an action was refused, and nothing of any meeting. */
export function refusedCard(actor: Actor, code: ProblemCode): CardReply {
  return { card: welcomeCard(actor.reader, undefined, [{ text: problemText(actor.reader.locale, { code }), color: 'Attention' }]) };
}
