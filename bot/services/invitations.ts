import type { Meeting, Participant } from '../domain/meeting';
import {
  assertCurrentInvitation,
  finishDelivery,
  invitedTeamsUser,
  recordDelivery,
  recordReply,
  takeDeliveryLease,
} from '../domain/invitation';
import { parseAnswer } from '../domain/planning';
import { Refusal } from '../domain/problems';
import { userKey, type UserRecord } from '../domain/user';
import { problemText, t } from '../i18n';
import { AlreadyExistsError, ConcurrencyError, update } from '../store/documents';
import type { Reader } from '../../cards/format';
import { invitationCard, statusCard } from '../../cards/invitations';
import { planningCard as planningView, welcomeCard } from '../../cards/planning';
import type { AdaptiveCard, Notice } from '../../cards/render';
import { loadOwnMeeting } from './meetings';
import { UnreachableError, type Actor, type CardReply, type Deps } from './ports';
import type { ActionData } from './planning';

/** How long one instance holds a meeting's delivery before another may take it over. */
const LEASE_SECONDS = 120;
/** How many waiting meetings one sweep picks up. */
const SWEEP_BATCH = 20;

/** The caseworker's status card for a sent meeting. */
export function statusView(deps: Deps, meeting: Meeting, reader: Reader, notices: Notice[] = []): AdaptiveCard {
  return statusCard(meeting, reader, (participantId) => deps.links.letterUrls(meeting.id, participantId), notices);
}

/** Shows the caseworker the current state of their meeting: the draft's step, or the answers. */
export async function showStatus(deps: Deps, actor: Actor, data: ActionData): Promise<CardReply> {
  const loaded = await loadOwnMeeting(deps, actor, data.meetingId);
  if ('reply' in loaded) return loaded.reply;
  const { meeting } = loaded;
  if (meeting.status === 'draft') return { card: planningView(meeting, actor.reader, deps.now()) };
  return { card: statusView(deps, meeting, actor.reader) };
}

/**
 * Delivers a meeting's waiting invitations in Teams. One instance at a time holds the
 * meeting's lease; each outcome is saved as it happens, so a restart resumes where it stopped.
 */
export async function deliverInvitations(deps: Deps, meetingId: string): Promise<void> {
  let leased = false;
  const taken = await update(deps.stores.meetings, meetingId, (doc) => {
    const next = takeDeliveryLease(doc, deps.instanceId, deps.now(), LEASE_SECONDS);
    leased = !!next;
    return next;
  });
  if (!leased || !taken) return;
  const meeting = taken.doc;
  const organizer = (await deps.stores.users.read(meeting.organizer.userKey))?.doc;
  let reached = 0;
  for (const participant of meeting.participants.filter((p) => p.delivery === 'pending')) {
    const outcome = await deliverOne(deps, meeting, participant, organizer);
    if (outcome === 'teams') reached += 1;
  }
  const done = await update(deps.stores.meetings, meetingId, (doc) => finishDelivery(doc, deps.now()));
  if (!done || done.doc.deliveryPending) return;
  deps.log.info('invitations.delivered', { meeting: meetingId, teams: reached });
  await refreshStatusCard(deps, done.doc);
  const letters = done.doc.participants.filter((p) => p.delivery === 'letter').length;
  if (organizer?.address) {
    const text = letters > 0 ? t(organizer.locale, 'status.notReached', { count: letters }) : t(organizer.locale, 'status.allReached');
    await deps.messenger.sendText(organizer.address, text).catch((err: Error) => deps.log.warn('notice.failed', { meeting: meetingId, error: err.name }));
  }
}

async function deliverOne(deps: Deps, meeting: Meeting, participant: Participant, organizer: UserRecord | undefined): Promise<'teams' | 'letter' | 'later'> {
  if (participant.contact.kind !== 'teams') return 'letter';
  const key = userKey(participant.contact.userId, participant.contact.userId);
  try {
    if (!organizer?.address) throw new UnreachableError(0);
    let invitee = (await deps.stores.users.read(key))?.doc;
    if (!invitee?.address) {
      const address = await deps.messenger.openPersonalChat(organizer.address, participant.contact.userId);
      invitee = await rememberInvitee(deps, key, meeting.tenantId, participant, address);
    }
    const reader = { locale: invitee.locale, timeZone: invitee.timeZone };
    const posted = await deps.messenger.sendCard(invitee.address!, invitationCard(meeting, participant, reader), t(invitee.locale, 'invitation.summary'));
    await update(deps.stores.meetings, meeting.id, (doc) => recordDelivery(doc, participant.id, 'teams', posted, deps.now()));
    return 'teams';
  } catch (err) {
    if (err instanceof UnreachableError) {
      deps.log.info('invitation.unreachable', { meeting: meeting.id, participant: participant.id, status: err.status });
      await update(deps.stores.meetings, meeting.id, (doc) => recordDelivery(doc, participant.id, 'letter', undefined, deps.now()));
      return 'letter';
    }
    deps.log.error('invitation.failed', { meeting: meeting.id, participant: participant.id, error: (err as Error).name });
    return 'later';
  }
}

async function rememberInvitee(deps: Deps, key: string, tenantId: string, participant: Participant, address: UserRecord['address']): Promise<UserRecord> {
  const record: UserRecord = { id: key, tenantId, locale: participant.language, address, updatedAt: deps.now().toUTC().toISO()! };
  try {
    return (await deps.stores.users.create(record)).doc;
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err;
    return (await update(deps.stores.users, key, (doc) => ({ ...doc, address })))?.doc ?? record;
  }
}

/** Picks up meetings whose invitations still wait, for example after a restart. */
export async function resumePendingDeliveries(deps: Deps): Promise<number> {
  const ids = await deps.stores.meetings.findIds('c.deliveryPending = @pending', { pending: true }, SWEEP_BATCH);
  for (const id of ids) await deliverInvitations(deps, id);
  return ids.length;
}

/** Updates the caseworker's status card in their chat to show the latest answers. */
export async function refreshStatusCard(deps: Deps, meeting: Meeting): Promise<void> {
  if (!meeting.statusCard) return;
  const organizer = (await deps.stores.users.read(meeting.organizer.userKey))?.doc;
  if (!organizer?.address) return;
  const card = statusView(deps, meeting, { locale: organizer.locale, timeZone: organizer.timeZone });
  await deps.messenger
    .updateCard(organizer.address, meeting.statusCard.activityId, card)
    .catch((err: Error) => deps.log.warn('status.updateFailed', { meeting: meeting.id, error: err.name }));
}

/** An invitee answers on their card: Accept, Maybe or Decline, with a comment and a proposed topic. */
export async function answerInvitation(deps: Deps, actor: Actor, data: ActionData): Promise<CardReply> {
  const { locale } = actor.reader;
  const found = data.meetingId ? await deps.stores.meetings.read(data.meetingId) : undefined;
  if (!found) return notForYou(actor, 'meetingNotFound');
  let invitee: Participant;
  try {
    invitee = invitedTeamsUser(found.doc, actor.userId);
  } catch {
    deps.log.warn('invitation.notInvited', { meeting: found.doc.id });
    return notForYou(actor, 'notInvited');
  }
  try {
    const answer = parseAnswer(data.answer ?? '');
    const input = { answer, comment: data.comment ?? '', topic: data.topic ?? '' };
    const saved = await update(deps.stores.meetings, found.doc.id, (doc) => {
      assertCurrentInvitation(doc, Number(data.rev));
      return recordReply(doc, invitee.id, input, 'teams', actor.userKey, deps.now());
    });
    const meeting = saved!.doc;
    deps.log.info('invitation.answered', { meeting: meeting.id, participant: invitee.id, answer });
    const me = meeting.participants.find((p) => p.id === invitee.id)!;
    const organizer = meeting.participants.find((p) => p.isOrganizer)?.name ?? '';
    return {
      card: invitationCard(meeting, me, actor.reader, [{ text: t(locale, 'invitation.thanks', { organizer }), color: 'Good' }]),
      after: () => refreshStatusCard(deps, meeting),
    };
  } catch (err) {
    const refusal = err instanceof ConcurrencyError ? new Refusal({ code: 'busy' }) : err;
    if (!(refusal instanceof Refusal)) throw err;
    const current = (await deps.stores.meetings.read(found.doc.id))?.doc ?? found.doc;
    const notices = refusal.problems.map((p): Notice => ({ text: problemText(locale, p), color: 'Attention' }));
    const me = current.participants.find((p) => p.id === invitee.id) ?? invitee;
    return { card: invitationCard(current, me, actor.reader, notices, true) };
  }
}

/** Shows the answer buttons again so an invitee can change their answer. */
export async function changeAnswer(deps: Deps, actor: Actor, data: ActionData): Promise<CardReply> {
  const found = data.meetingId ? await deps.stores.meetings.read(data.meetingId) : undefined;
  if (!found) return notForYou(actor, 'meetingNotFound');
  try {
    const invitee = invitedTeamsUser(found.doc, actor.userId);
    return { card: invitationCard(found.doc, invitee, actor.reader, [], true) };
  } catch {
    return notForYou(actor, 'notInvited');
  }
}

/** The caseworker records an answer someone gave by phone or in person. */
export async function recordPhoneAnswer(deps: Deps, actor: Actor, data: ActionData): Promise<CardReply> {
  const { locale } = actor.reader;
  const loaded = await loadOwnMeeting(deps, actor, data.meetingId);
  if ('reply' in loaded) return loaded.reply;
  const participantId = data.participantId ?? '';
  try {
    const answer = parseAnswer(data[`answer_${participantId}`] ?? '');
    const saved = await update(deps.stores.meetings, loaded.meeting.id, (doc) =>
      recordReply(doc, participantId, { answer, comment: '', topic: '' }, 'phone', actor.userKey, deps.now()),
    );
    deps.log.info('invitation.recorded', { meeting: loaded.meeting.id, participant: participantId, answer });
    return { card: statusView(deps, saved!.doc, actor.reader, [{ text: t(locale, 'status.recorded'), color: 'Good' }]) };
  } catch (err) {
    const refusal = err instanceof ConcurrencyError ? new Refusal({ code: 'busy' }) : err;
    if (!(refusal instanceof Refusal)) throw err;
    const current = (await deps.stores.meetings.read(loaded.meeting.id))?.doc ?? loaded.meeting;
    const notices = refusal.problems.map((p): Notice => ({ text: problemText(locale, p), color: 'Attention' }));
    return { card: statusView(deps, current, actor.reader, notices) };
  }
}

/** A card that says why, without any detail of a meeting the reader is not part of. */
function notForYou(actor: Actor, code: 'meetingNotFound' | 'notInvited'): CardReply {
  return { card: welcomeCard(actor.reader, undefined, [{ text: problemText(actor.reader.locale, { code }), color: 'Attention' }]) };
}
