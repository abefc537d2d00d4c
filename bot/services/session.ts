import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { organizes } from '../domain/change';
import { proposedTopics, viewOf } from '../domain/invitation';
import type { Locale, Meeting } from '../domain/meeting';
import type { MeetingDoc } from '../domain/meeting-docs';
import type { ConversationAddress } from '../domain/user';
import type { JobRef } from '../jobs/job';
import { jobType } from '../jobs/kind';
import { jobKind, type JobContext, type JobKind } from '../jobs/runner';
import { Refusal } from '../domain/problems';
import { applyStep, chatMayShow, clockOf, mayRun, mayUndoEnd, openSession, startNeedsConfirmation, type Session } from '../domain/session';
import { userKey } from '../domain/user';
import { problemText, t } from '../i18n';
import { AlreadyExistsError, ConcurrencyError, update, type Versioned } from '../store/port';
import { queries } from '../store/queries';
import type { Notice } from '../../cards/render';
import { meetingModeCard, meetingPickCard, openSection, type Section, type SessionView } from '../../cards/session';
import type { MeetingRef, SessionPress } from './action-data';
import { feedbackFanout } from './after-delivery';
import { createFollowUp } from './follow-up';
import { syncMeetingRefs } from './meeting-list';
import { readItems, readPlan, readView, refusedCard } from './meetings';
import type { Actor, CardReply, ChatMember, Deps } from './ports';
import { meetingChanged } from './tracking';
import { audit } from './audit';

/**
 * Meeting mode: the meeting being held, one document in the meeting's partition. It is opened
 * (ready: who is expected, the roles, the phases and the agenda can be prepared), started on the
 * day, and ended (which can be undone for a few minutes). Only the chair, the secretary and the
 * caseworker who convenes change it; every press carries the revision of the card it came from,
 * so of two presses at once one wins and the other sees the fresh state with a note, and a press
 * delivered twice acts once.
 *
 * In a group chat or a Teams meeting's chat, every verb asks Teams who is in the chat first, on
 * every press (people join chats later), and shows nothing of the meeting unless everyone in it
 * is invited.
 */

/** The id of the meeting-mode document in a meeting's partition. */
const SESSION_ID = 'session';

/** The meeting being held, with its ETag, if meeting mode was opened. */
export async function readSession(deps: Deps, meetingId: string): Promise<Versioned<Session> | undefined> {
  const found = await deps.stores.meetings.read(meetingId, SESSION_ID);
  return found && found.doc.kind === 'session' ? (found as Versioned<Session>) : undefined;
}

/** Opens meeting mode from the status card, ready to start (or shows it as it stands, once opened). */
export async function openMeetingMode(deps: Deps, actor: Actor, ref: MeetingRef): Promise<CardReply> {
  const plan = (await readPlan(deps, ref.meetingId))?.doc;
  if (!plan) return refusedCard(actor, 'meetingNotFound');
  if (!organizes(plan, actor.userKey)) return refusedCard(actor, 'notOrganizer');
  const chat = await checkChat(deps, actor, plan);
  if ('reply' in chat) return chat.reply;
  let session = (await readSession(deps, plan.id))?.doc;
  if (!session) {
    try {
      const rows = await deps.stores.meetings.query(queries.meetingView(plan.id));
      const view = viewOf(rows.map((r) => r.doc as MeetingDoc));
      const declined = new Set([...(view?.replies.values() ?? [])].filter((r) => r.answer === 'declined').map((r) => r.participantId));
      const opened = openSession(plan, view ? proposedTopics(view) : [], declined, actor.userKey, deps.now());
      session = (await deps.stores.meetings.create(opened)).doc as Session;
      deps.log.info('session.opened', { meeting: plan.id });
      await audit(deps, plan, actor.userKey, 'session.opened');
    } catch (err) {
      if (err instanceof Refusal) return refusedCard(actor, err);
      if (!(err instanceof AlreadyExistsError)) throw err;
      session = (await readSession(deps, plan.id))!.doc;
    }
  }
  // The status card pressed shows meeting mode now: answers arriving must not replace it with the status card.
  if (plan.statusCard && plan.statusCard.activityId === actor.cardActivityId) {
    await update(deps.stores.meetings, plan.id, plan.id, (doc) => {
      const current = doc as Meeting;
      return current.statusCard?.activityId === actor.cardActivityId ? { ...current, statusCard: undefined } : undefined;
    });
  }
  return { card: await card(deps, plan, session, actor, chat.viewers) };
}

/** Shows meeting mode as it stands, to a participant of the meeting (the view their role has), with the part asked for open. */
export async function showMeetingMode(deps: Deps, actor: Actor, ref: MeetingRef & { section?: Section; editItem?: string }): Promise<CardReply> {
  const loaded = await load(deps, actor, ref.meetingId);
  if ('reply' in loaded) return loaded.reply;
  const extra = { ...(ref.section ? { open: ref.section } : {}), ...(ref.editItem ? { editItem: ref.editItem } : {}) };
  return { card: await card(deps, loaded.plan, loaded.session.doc, actor, loaded.viewers, [], extra) };
}

/**
 * One press on the meeting-mode card: the steps it stands for, applied to the session as the
 * card showed it. A press from an older card, or one that lost the race to another, changes
 * nothing and shows how the meeting stands now. Starting more than half an hour from the
 * planned start is asked about first (nothing changes until the caseworker confirms).
 */
export async function stepMeetingMode(deps: Deps, actor: Actor, ref: SessionPress): Promise<CardReply> {
  const loaded = await load(deps, actor, ref.meetingId);
  if ('reply' in loaded) return loaded.reply;
  const { plan, session, viewers } = loaded;
  const { locale } = actor.reader;
  const now = deps.now();
  if (!mayRun(plan, session.doc, actor.userKey, (key) => participantOf(plan, key))) {
    deps.log.warn('session.notRunner', { meeting: plan.id });
    return { card: await card(deps, plan, session.doc, actor, viewers, [{ text: problemText(locale, { code: 'notRunner' }), color: 'Attention' }]) };
  }
  if (ref.rev !== session.doc.rev) return moved(deps, actor, plan, viewers, session.doc);
  try {
    const steps = ref.steps(session.doc, deps.newId);
    const confirm = steps.some((s) => s.step === 'begin') && !ref.confirmed && session.doc.state === 'ready' ? startNeedsConfirmation(plan, now) : undefined;
    if (confirm) return { card: await card(deps, plan, session.doc, actor, viewers, [], { confirmStart: confirm }) };
    const open = ref.section ? { open: ref.section } : {};
    let next = session.doc;
    for (const step of steps) next = applyStep(plan, next, step, actor.userKey, now);
    if (next.rev === session.doc.rev) next = { ...next, rev: next.rev + 1 };
    const saved = (await deps.stores.meetings.replace(next, session.etag)).doc as Session;
    let jobs: CardReply['jobs'];
    if (saved.state !== session.doc.state) {
      const event = saved.state === 'running' ? (session.doc.state === 'ended' ? 'reopened' : 'started') : 'ended';
      deps.log.info(`session.${event}`, { meeting: plan.id });
      await audit(deps, plan, actor.userKey, `session.${event}`);
      // "My meetings" shows whether the meeting is planned, running or ended.
      const view = await readView(deps, plan.id);
      if (view) await syncMeetingRefs(deps, view);
      // The meeting ended: the follow-up waits as a draft, and everyone in Teams gets the feedback card.
      if (saved.state === 'ended') jobs = await afterEnd(deps, plan, saved);
      // Its nudges and its line in the coordinators' overview follow its state.
      jobs = [...(jobs ?? []), await meetingChanged(deps, plan.id)];
    }
    return { card: await card(deps, plan, saved, actor, viewers, [], open), ...(jobs ? { jobs } : {}) };
  } catch (err) {
    if (err instanceof ConcurrencyError) return moved(deps, actor, plan, viewers);
    if (!(err instanceof Refusal)) throw err;
    const notices = err.problems.map((p): Notice => ({ text: problemText(locale, p), color: 'Attention' }));
    return { card: await card(deps, plan, session.doc, actor, viewers, notices, ref.section ? { open: ref.section } : {}) };
  }
}

/** What follows the end of a meeting: the follow-up draft, and the feedback cards to everyone in Teams (after the answer). */
async function afterEnd(deps: Deps, plan: Meeting, session: Session): Promise<CardReply['jobs']> {
  await createFollowUp(deps, plan, session);
  return [await feedbackFanout(deps).enqueue({ key: plan.id, payload: { meetingId: plan.id }, dueAt: DateTime.fromISO(session.endedAt!, { zone: 'utc' }) })];
}

/** Another press got there first: the fresh state (`current` when it was just read; else read now), with a note. */
async function moved(deps: Deps, actor: Actor, plan: Meeting, viewers: string[], current?: Session): Promise<CardReply> {
  const fresh = current ?? (await readSession(deps, plan.id))!.doc;
  return { card: await card(deps, plan, fresh, actor, viewers, [{ text: t(actor.reader.locale, 'session.moved'), color: 'Warning' }]) };
}

/** The plan and the session, for someone who takes part in the meeting (or convenes it), in a chat where it may be shown. */
export async function load(
  deps: Deps,
  actor: Actor,
  meetingId: string,
): Promise<{ plan: Meeting; session: Versioned<Session>; viewers: string[] } | { reply: CardReply }> {
  const plan = (await readPlan(deps, meetingId))?.doc;
  if (!plan) return { reply: refusedCard(actor, 'meetingNotFound') };
  if (!organizes(plan, actor.userKey) && !participantOf(plan, actor.userKey)) {
    deps.log.warn('session.notInvited', { meeting: plan.id });
    return { reply: refusedCard(actor, 'notInvited') };
  }
  const chat = await checkChat(deps, actor, plan);
  if ('reply' in chat) return chat;
  const session = await readSession(deps, meetingId);
  if (!session) return { reply: refusedCard(actor, 'meetingNotFound') };
  return { plan, session, viewers: chat.viewers };
}

/**
 * In a group chat: may this meeting be shown here? Teams is asked who is in the chat on every
 * press; the meeting is shown only when everyone in it is invited. Returns who sees the card
 * (their channel ids, for the card's refresh), or the card to answer with instead: without any
 * detail of the meeting, and when Teams could not say who is in the chat, saying so.
 */
async function checkChat(deps: Deps, actor: Actor, plan: Meeting): Promise<{ viewers: string[] } | { reply: CardReply }> {
  if (!actor.chat) return { viewers: [actor.address.userId] };
  let members: ChatMember[];
  try {
    members = await actor.chat.members();
  } catch (err) {
    deps.log.warn('session.membersUnknown', { meeting: plan.id, error: (err as Error).name });
    return { reply: chatRefusal(actor, 'session.membersUnknown') };
  }
  if (!chatMayShow(plan, members.map((m) => m.objectId))) {
    deps.log.warn('session.notInThisChat', { meeting: plan.id });
    return { reply: chatRefusal(actor, 'session.notParticipants') };
  }
  return { viewers: members.map((m) => m.channelUserId) };
}

function chatRefusal(actor: Actor, key: 'session.membersUnknown' | 'session.notParticipants'): CardReply {
  return { card: meetingPickCard(actor.reader, undefined, [{ text: t(actor.reader.locale, key), color: 'Attention' }], false) };
}

/** The Teams participant who is this user. */
export function participantOf(plan: Meeting, key: string) {
  return plan.participants.find((p) => p.contact.kind === 'teams' && userKey(p.contact.userId, p.contact.userId) === key);
}

/**
 * The card as this person's role sees it: the controls for the chair, the secretary and the
 * caseworker, a read-only view for everyone else. Its refresh names the people who see it, so
 * Teams asks for each one's own view whenever they look at it.
 */
export async function card(deps: Deps, plan: Meeting, session: Session, actor: Actor, viewers: string[], notices: Notice[] = [], extra: Partial<SessionView> = {}): Promise<CardReply['card']> {
  const now = deps.now();
  // The live timer's link: read-only, and of no use once the meeting has ended (a few hours after its planned end at the latest).
  const liveUrl = session.state === 'running' && deps.links.liveUrl ? deps.links.liveUrl(plan.id, clockOf(session, now).plannedEnd) : '';
  const runs = mayRun(plan, session, actor.userKey, (key) => participantOf(plan, key));
  const me = participantOf(plan, actor.userKey);
  const view: SessionView = {
    liveUrl,
    controls: runs,
    organizer: organizes(plan, actor.userKey),
    undoEnd: runs && mayUndoEnd(session, now),
    viewers,
    secretary: !!me && me.id === session.secretaryId,
    ...extra,
  };
  // The action items are read only when their part of the card is open: a press on Next costs no query.
  const items = openSection(session, view) === 'plan' ? await readItems(deps, plan.id) : [];
  return meetingModeCard(plan, session, actor.reader, now, notices, { ...view, items });
}

/**
 * In a group chat or a meeting's chat: the caseworker's meetings that everyone in the chat is
 * invited to (date and time only). The chat's members are asked of Teams.
 */
export async function pickMeetingHere(deps: Deps, actor: Actor): Promise<CardReply> {
  if (!actor.chat) return refusedCard(actor, 'unknownAction');
  let members: string[];
  try {
    members = (await actor.chat.members()).map((m) => m.objectId);
  } catch (err) {
    deps.log.warn('session.membersUnknown', { error: (err as Error).name });
    return chatRefusal(actor, 'session.membersUnknown');
  }
  const rows = await deps.stores.meetingIndex.query(queries.meetingsOf(actor.userKey, 50));
  const candidates = rows.map((r) => r.doc).filter((ref) => ref.status === 'invited' && ref.start && ref.held !== 'ended');
  const shown: { meetingId: string; start: string; timeZone: string }[] = [];
  for (const ref of candidates.slice(0, 20)) {
    const plan = (await readPlan(deps, ref.meetingId))?.doc;
    if (plan && organizes(plan, actor.userKey) && chatMayShow(plan, members)) shown.push({ meetingId: plan.id, start: plan.when!.start, timeZone: plan.when!.timeZone });
  }
  return { card: meetingPickCard(actor.reader, shown) };
}

/** Shows (and opens, if need be) meeting mode in this chat: only when everyone in it is invited; otherwise no details. */
export async function bringMeetingHere(deps: Deps, actor: Actor, ref: MeetingRef): Promise<CardReply> {
  const plan = (await readPlan(deps, ref.meetingId))?.doc;
  if (!plan) return refusedCard(actor, 'meetingNotFound');
  // Only the caseworker who convenes (or co-organizes) brings a meeting into a chat; whether the chat may see it is checked next.
  return openMeetingMode(deps, actor, ref);
}

/** The first card in a chat (when a Teams meeting starts, or when someone writes to Samråd there): an offer, nothing of any case. */
export function offerHere(actor: Actor): CardReply {
  return { card: meetingPickCard(actor.reader, undefined) };
}

/** The job kind that posts the offer into a Teams meeting's chat when the meeting starts. */
const OFFER_JOB = jobType<{ address: ConversationAddress; locale: Locale }>({ kind: 'meeting-offer', maxAttempts: 5 });

/**
 * Enqueues the offer for a Teams meeting that started: keyed by the meeting's chat and the day
 * (in the organisation's time zone, `timeZone`), and due at that day's start, so however many
 * events arrive, with whatever meeting ids and start times they carry, the chat gets at most one
 * offer a day. At least once: a crash between the post and its record may post it once more.
 */
export function offerInMeetingChat(deps: Deps, actor: Actor, timeZone: string): Promise<JobRef> {
  const day = deps.now().setZone(timeZone).startOf('day');
  const key = createHash('sha256').update(`${actor.address.conversationId}|${day.toFormat('yyyy-MM-dd')}`).digest('hex').slice(0, 32);
  const address = { ...actor.address, group: true };
  return deps.jobs.enqueue(OFFER_JOB, key, { address, locale: actor.reader.locale }, day);
}

/** The job kind that posts the offer. */
export function meetingOfferJob(deps: Deps): JobKind<{ address: ConversationAddress; locale: Locale }, { posted?: boolean }> {
  return jobKind(OFFER_JOB, async (context: JobContext<{ address: ConversationAddress; locale: Locale }, { posted?: boolean }>) => {
    if (context.progress?.posted) return;
    const { address, locale } = context.job.payload;
    await context.save({ posted: false });
    await deps.messenger.sendCard(address, meetingPickCard({ locale }, undefined), t(locale, 'session.open'));
    await context.save({ posted: true });
  });
}
