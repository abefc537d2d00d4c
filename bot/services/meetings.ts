import { organizes } from '../domain/change';
import type { Meeting } from '../domain/meeting';
import type { MeetingView } from '../domain/meeting-docs';
import { inOrder, type ActionItem } from '../domain/plan';
import { viewOf } from '../domain/invitation';
import { Refusal } from '../domain/problems';
import { problemText, type PlainProblemCode } from '../i18n';
import { queries } from '../store/queries';
import { forgetMeetingRef } from './meeting-list';
import type { Versioned } from '../store/port';
import { welcomeCard } from '../../cards/planning';
import type { Notice } from '../../cards/render';
import type { Actor, CardReply, Deps } from './ports';

/** The plan of a meeting (one point read), with the ETag a change of it must carry. */
export async function readPlan(deps: Deps, meetingId: string): Promise<Versioned<Meeting> | undefined> {
  const found = await deps.stores.meetings.read(meetingId, meetingId);
  return found && found.doc.kind === 'plan' ? (found as Versioned<Meeting>) : undefined;
}

/** The plan with every person's answer and delivery: one single-partition query (the audit trail left out). */
export async function readView(deps: Deps, meetingId: string): Promise<MeetingView | undefined> {
  const rows = await deps.stores.meetings.query(queries.meetingView(meetingId));
  return viewOf(rows.map((r) => r.doc));
}

/** The welcome card, offering to continue the caseworker's draft when there is one. */
export async function welcome(deps: Deps, actor: Actor, notices: Notice[] = []): Promise<CardReply> {
  const draftId = actor.draftMeetingId;
  const draft = draftId ? await readPlan(deps, draftId) : undefined;
  const live = draft && draft.doc.status === 'draft' ? draftId : undefined;
  return { card: welcomeCard(actor.reader, live, notices) };
}

/**
 * Reads the plan a card names, for the caseworker who convenes it (or its co-organizer). Anyone else, or a meeting
 * that is gone, gets the welcome card with the reason instead.
 */
export async function loadOwnMeeting(deps: Deps, actor: Actor, meetingId: string): Promise<{ meeting: Meeting; etag: string } | { reply: CardReply }> {
  const found = await readPlan(deps, meetingId);
  if (!found) return { reply: refusedCard(actor, 'meetingNotFound') };
  if (!organizes(found.doc, actor.userKey)) {
    deps.log.warn('meeting.notOrganizer', { meeting: found.doc.id });
    // An entry left in their list from when they were co-organizer goes.
    await forgetMeetingRef(deps, actor.userKey, found.doc.id);
    return { reply: refusedCard(actor, 'notOrganizer') };
  }
  return { meeting: found.doc, etag: found.etag };
}

/** The welcome card with the reason an action was refused, and nothing of any meeting. */
export function refusedCard(actor: Actor, reason: PlainProblemCode | Refusal): CardReply {
  const problems = reason instanceof Refusal ? reason.problems : [{ code: reason }];
  return { card: welcomeCard(actor.reader, undefined, problems.map((p) => ({ text: problemText(actor.reader.locale, p), color: 'Attention' as const }))) };
}

/** The action items of a meeting, in the order they were agreed (one query in its partition). */
export async function readItems(deps: Deps, meetingId: string): Promise<ActionItem[]> {
  const rows = await deps.stores.meetings.query(queries.meetingActions(meetingId));
  return inOrder(rows.map((r) => r.doc).filter((d): d is ActionItem => d.kind === 'action'));
}
