import { createHash } from 'node:crypto';
import { organizes } from '../domain/change';
import { proposedTopics, viewOf } from '../domain/invitation';
import type { Locale, Meeting, MeetingDoc } from '../domain/meeting';
import type { ConversationAddress } from '../domain/user';
import type { JobRef } from '../jobs/job';
import type { JobKind } from '../jobs/runner';
import { Refusal } from '../domain/problems';
import { applyStep, chatMayShow, clockOf, mayRun, startSession, type Session } from '../domain/session';
import { userKey } from '../domain/user';
import { problemText, t } from '../i18n';
import { AlreadyExistsError, ConcurrencyError, type Versioned } from '../store/port';
import { queries } from '../store/queries';
import type { Notice } from '../../cards/render';
import { meetingModeCard, meetingPickCard } from '../../cards/session';
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

/**
 * In a group chat or a meeting's chat: the caseworker's meetings that everyone in the chat is
 * invited to (date and time only). The chat's members are asked of Teams.
 */
export async function pickMeetingHere(deps: Deps, actor: Actor): Promise<CardReply> {
  if (!actor.chat) return refusedCard(actor, 'unknownAction');
  const members = await actor.chat.members();
  const rows = await deps.stores.meetingIndex.query(queries.meetingsOf(actor.userKey, 50));
  const candidates = rows.map((r) => r.doc).filter((ref) => ref.status === 'invited' && ref.start);
  const shown: { meetingId: string; start: string; timeZone: string }[] = [];
  for (const ref of candidates.slice(0, 20)) {
    const plan = (await readPlan(deps, ref.meetingId))?.doc;
    if (plan && organizes(plan, actor.userKey) && chatMayShow(plan, members)) shown.push({ meetingId: plan.id, start: plan.when!.start, timeZone: plan.when!.timeZone });
  }
  return { card: meetingPickCard(actor.reader, shown) };
}

/** Shows (and starts, if need be) meeting mode in this chat: only when everyone in it is invited; otherwise no details. */
export async function bringMeetingHere(deps: Deps, actor: Actor, ref: MeetingRef): Promise<CardReply> {
  const plan = (await readPlan(deps, ref.meetingId))?.doc;
  const members = actor.chat ? await actor.chat.members() : [];
  if (!plan || !organizes(plan, actor.userKey) || !chatMayShow(plan, members)) {
    deps.log.warn('session.notInThisChat', { meeting: ref.meetingId });
    return { card: meetingPickCard(actor.reader, undefined, [{ text: t(actor.reader.locale, 'session.notParticipants'), color: 'Attention' }]) };
  }
  return openMeetingMode(deps, actor, ref);
}

/** The first card in a chat (when a Teams meeting starts, or when someone writes to Samråd there): an offer, nothing of any case. */
export function offerHere(actor: Actor): CardReply {
  return { card: meetingPickCard(actor.reader, undefined) };
}

/** The job kind that posts the offer into a Teams meeting's chat when the meeting starts. */
const OFFER_JOB = 'meeting-offer';

/**
 * Enqueues the offer for a Teams meeting that started: keyed by that meeting and start, so the
 * event arriving twice posts one card. At least once: a crash between the post and its record
 * may post it once more.
 */
export function offerInMeetingChat(deps: Deps, actor: Actor, meetingKey: string): Promise<JobRef> {
  const key = createHash('sha256').update(meetingKey).digest('hex').slice(0, 32);
  const address = { ...actor.address, group: true };
  return deps.jobs.enqueue({ kind: OFFER_JOB, key, payload: { address, locale: actor.reader.locale }, dueAt: deps.now(), maxAttempts: 5 });
}

/** The job kind that posts the offer. */
export function meetingOfferJob(deps: Deps): JobKind<{ address: ConversationAddress; locale: Locale }, { posted?: boolean }> {
  return {
    kind: OFFER_JOB,
    async run(context) {
      if (context.progress?.posted) return;
      const { address, locale } = context.job.payload;
      await context.save({ posted: false });
      await deps.messenger.sendCard(address, meetingPickCard({ locale }, undefined), t(locale, 'session.open'));
      await context.save({ posted: true });
    },
  };
}
