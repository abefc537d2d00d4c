import { organizes } from '../domain/change';
import { proposedTopics, viewOf } from '../domain/invitation';
import type { Meeting, MeetingDoc } from '../domain/meeting';
import { Refusal } from '../domain/problems';
import { applyStep, clockOf, mayRun, startSession, type Session } from '../domain/session';
import { userKey } from '../domain/user';
import { problemText, t } from '../i18n';
import { AlreadyExistsError, ConcurrencyError, type Versioned } from '../store/port';
import { queries } from '../store/queries';
import type { Notice } from '../../cards/render';
import { meetingModeCard } from '../../cards/session';
import type { MeetingRef, SessionPress } from './action-data';
import { readPlan, refusedCard } from './meetings';
import type { Actor, CardReply, Deps } from './ports';

/**
 * Meeting mode: the meeting being held, one document in the meeting's partition. Only the
 * chair, the secretary and the caseworker who convenes change it; every press carries the
 * revision of the card it came from, so of two presses at once one wins and the other sees
 * the fresh state with a note, and a press delivered twice acts once.
 */

/** The id of the meeting-mode document in a meeting's partition. */
const SESSION_ID = 'session';

/** The meeting being held, with its ETag, if meeting mode was started. */
export async function readSession(deps: Deps, meetingId: string): Promise<Versioned<Session> | undefined> {
  const found = await deps.stores.meetings.read(meetingId, SESSION_ID);
  return found && found.doc.kind === 'session' ? (found as Versioned<Session>) : undefined;
}

/** Starts meeting mode from the status card (or shows it, when it has started already). */
export async function openMeetingMode(deps: Deps, actor: Actor, ref: MeetingRef): Promise<CardReply> {
  const plan = (await readPlan(deps, ref.meetingId))?.doc;
  if (!plan) return refusedCard(actor, 'meetingNotFound');
  if (!organizes(plan, actor.userKey)) return refusedCard(actor, 'notOrganizer');
  let session = (await readSession(deps, plan.id))?.doc;
  if (!session) {
    try {
      const rows = await deps.stores.meetings.query(queries.meeting(plan.id));
      const view = viewOf(rows.map((r) => r.doc as MeetingDoc));
      session = startSession(plan, view ? proposedTopics(view) : [], actor.userKey, deps.now());
      await deps.stores.meetings.create(session);
      deps.log.info('session.started', { meeting: plan.id });
    } catch (err) {
      if (err instanceof Refusal) return refusedCard(actor, err.problems[0].code);
      if (!(err instanceof AlreadyExistsError)) throw err;
      session = (await readSession(deps, plan.id))!.doc;
    }
  }
  return { card: card(deps, plan, session, actor) };
}

/** Shows meeting mode as it stands, to a participant of the meeting. */
export async function showMeetingMode(deps: Deps, actor: Actor, ref: MeetingRef): Promise<CardReply> {
  const loaded = await load(deps, actor, ref.meetingId);
  if ('reply' in loaded) return loaded.reply;
  return { card: card(deps, loaded.plan, loaded.session.doc, actor) };
}

/**
 * One press on the meeting-mode card: the steps it stands for, applied to the session as the
 * card showed it. A press from an older card, or one that lost the race to another, changes
 * nothing and shows how the meeting stands now.
 */
export async function stepMeetingMode(deps: Deps, actor: Actor, ref: SessionPress): Promise<CardReply> {
  const loaded = await load(deps, actor, ref.meetingId);
  if ('reply' in loaded) return loaded.reply;
  const { plan, session } = loaded;
  const { locale } = actor.reader;
  if (!mayRun(plan, session.doc, actor.userKey, (key) => participantOf(plan, key))) {
    deps.log.warn('session.notRunner', { meeting: plan.id });
    return { card: card(deps, plan, session.doc, actor, [{ text: problemText(locale, { code: 'notRunner' }), color: 'Attention' }]) };
  }
  if (ref.rev !== session.doc.rev) return moved(deps, actor, plan);
  try {
    let next = session.doc;
    for (const step of ref.steps(session.doc, deps.newId)) next = applyStep(plan, next, step, actor.userKey, deps.now());
    if (next.rev === session.doc.rev) next = { ...next, rev: next.rev + 1 };
    const saved = await deps.stores.meetings.replace(next, session.etag);
    return { card: card(deps, plan, saved.doc as Session, actor) };
  } catch (err) {
    if (err instanceof ConcurrencyError) return moved(deps, actor, plan);
    if (!(err instanceof Refusal)) throw err;
    const notices = err.problems.map((p): Notice => ({ text: problemText(locale, p), color: 'Attention' }));
    return { card: card(deps, plan, session.doc, actor, notices) };
  }
}

/** Another press got there first: the fresh state, with a note. */
async function moved(deps: Deps, actor: Actor, plan: Meeting): Promise<CardReply> {
  const fresh = (await readSession(deps, plan.id))!.doc;
  return { card: card(deps, plan, fresh, actor, [{ text: t(actor.reader.locale, 'session.moved'), color: 'Warning' }]) };
}

/** The plan and the session, for someone who takes part in the meeting (or convenes it). */
async function load(deps: Deps, actor: Actor, meetingId: string): Promise<{ plan: Meeting; session: Versioned<Session> } | { reply: CardReply }> {
  const plan = (await readPlan(deps, meetingId))?.doc;
  if (!plan) return { reply: refusedCard(actor, 'meetingNotFound') };
  if (!organizes(plan, actor.userKey) && !participantOf(plan, actor.userKey)) return { reply: refusedCard(actor, 'notInvited') };
  const session = await readSession(deps, meetingId);
  if (!session) return { reply: refusedCard(actor, 'meetingNotFound') };
  return { plan, session };
}

/** The Teams participant who is this user. */
function participantOf(plan: Meeting, key: string) {
  return plan.participants.find((p) => p.contact.kind === 'teams' && userKey(p.contact.userId, p.contact.userId) === key);
}

function card(deps: Deps, plan: Meeting, session: Session, actor: Actor, notices: Notice[] = []): CardReply['card'] {
  // The live timer's link: read-only, and of no use once the meeting has ended (a few hours after its planned end at the latest).
  const liveUrl = session.state === 'running' && deps.links.liveUrl ? deps.links.liveUrl(plan.id, clockOf(session, deps.now()).plannedEnd) : '';
  return meetingModeCard(plan, session, actor.reader, deps.now(), notices, liveUrl);
}
