import { DateTime } from 'luxon';
import type { DeliveryDoc, Locale, Meeting, MeetingDoc, MeetingView, Participant, PostedCard, UnreachableReason } from '../domain/meeting';
import { awaitingDelivery, deliveryDoc, deliveryId, deliveryWork, replyOf, type DeliveryStep } from '../domain/invitation';
import { speakerOrder } from '../domain/planning';
import { userKey, type UserRecord } from '../domain/user';
import { t } from '../i18n';
import type { JobRef } from '../jobs/job';
import type { JobContext, JobKind } from '../jobs/runner';
import { AlreadyExistsError, update, upsert } from '../store/port';
import { cancelledInvitationCard, invitationCard, noLongerInvitedCard } from '../../cards/invitations';
import type { Notice } from '../../cards/render';
import { readView } from './meetings';
import { UnreachableError, type Deps } from './ports';
import { requestStatusRefresh } from './refresh';
import { readUser } from './users';

/**
 * Delivery of a meeting's invitations in Teams, as a job: one per plan revision sent (the first
 * invitations, each change, the cancellation). It brings every card in Teams up to date with
 * the plan: invites whoever is not reached yet, updates the cards already out (in place, with a
 * short message saying what changed), tells people a change removed, and marks every card of a
 * cancelled meeting as cancelled.
 *
 * Guarantee: at least once per invitee and plan revision, and at most the one message in flight
 * when an instance died is sent twice (the job records each step's intent under its claim
 * before it, and its outcome after). Two live instances never both send: each step starts only
 * after a write under the claim succeeded. People Teams cannot reach (403/404) are recorded as
 * needing a letter, never skipped.
 */

const KIND = 'invitations';

interface DeliveryPayload {
  meetingId: string;
  planRev: number;
}

/** How one invitation went out. */
type Outcome = { via: 'teams' | 'letter'; card?: PostedCard; reason?: UnreachableReason };

/** An outcome per participant id; `sending` names the one whose send may be in flight. */
interface DeliveryProgress {
  sending?: string;
  done: Record<string, Outcome>;
  /** The caseworker was told how the delivery went. */
  told?: boolean;
}

/** How many times a delivery is tried (with growing pauses, about 8 minutes in all) before it is reported. */
const MAX_ATTEMPTS = 8;
/** The step that stands for the caseworker's notice in `sending`. */
const NOTICE = 'notice';

/**
 * Enqueues the delivery of the invitations of a sent plan. Its key and due time come from the
 * stored plan (its id, revision and the moment it was sent), so asking again is a no-op.
 */
export function enqueueDelivery(deps: Deps, plan: Meeting): Promise<JobRef> {
  return deps.jobs.enqueue<DeliveryPayload>({
    kind: KIND,
    key: `${plan.id}.${plan.planRev}`,
    payload: { meetingId: plan.id, planRev: plan.planRev! },
    dueAt: DateTime.fromISO(revisionSentAt(plan), { zone: 'utc' }),
    maxAttempts: MAX_ATTEMPTS,
  });
}

/** When the plan's current revision went out: the cancellation, the last change, or the first invitations. */
function revisionSentAt(plan: Meeting): string {
  if (plan.status === 'cancelled' && plan.cancelled) return plan.cancelled.at;
  if (plan.lastChange && plan.lastChange.rev === plan.planRev) return plan.lastChange.at;
  return plan.sentAt ?? plan.updatedAt;
}

/** The job kind that delivers invitations. */
export function deliveryJob(deps: Deps): JobKind<DeliveryPayload, DeliveryProgress> {
  return {
    kind: KIND,
    run: (context) => deliver(deps, context),
    onDead: async (job) => {
      // Out of attempts: whoever is still waiting needs a letter, and the caseworker is told so.
      const view = await readView(deps, job.payload.meetingId);
      if (!view || view.plan.planRev !== job.payload.planRev) return;
      for (const p of awaitingDelivery(view)) await project(deps, view.plan, p.id, { via: 'letter' });
      const after = await readView(deps, job.payload.meetingId);
      if (after) await tellCaseworker(deps, after);
      await requestStatusRefresh(deps, view.plan.id);
    },
  };
}

async function deliver(deps: Deps, context: JobContext<DeliveryPayload, DeliveryProgress>): Promise<void> {
  const { meetingId, planRev } = context.job.payload;
  const view = await readView(deps, meetingId);
  // A meeting that is gone, or whose plan changed since (a newer delivery carries on), needs nothing more from this one.
  if (!view || view.plan.status === 'draft' || view.plan.planRev !== planRev) return;
  const organizer = await readUser(deps, view.plan.organizer.userKey);
  let progress: DeliveryProgress = context.progress ?? { done: {} };
  const order = new Map(speakerOrder([...view.plan.participants, ...(view.plan.removed ?? []).map((r) => r.participant)]).map((p, i) => [p.id, i]));
  const steps = deliveryWork(view).sort((a, b) => order.get(a.participant.id)! - order.get(b.participant.id)!);
  for (const step of steps) {
    const { participant } = step;
    let outcome = progress.done[participant.id];
    if (!outcome) {
      if (progress.sending === participant.id) deps.log.warn('invitation.resend', { meeting: meetingId, participant: participant.id, action: step.action });
      progress = { ...progress, sending: participant.id };
      await context.save(progress);
      outcome = step.action === 'invite' ? await sendOne(deps, view.plan, participant, organizer) : await updateOne(deps, view, step);
      progress = { ...progress, sending: undefined, done: { ...progress.done, [participant.id]: outcome } };
      await context.save(progress);
    }
    await project(deps, view.plan, participant.id, outcome);
  }
  if (!progress.told) {
    progress = { ...progress, sending: NOTICE };
    await context.save(progress);
    const after = await readView(deps, meetingId);
    if (after) await tellCaseworker(deps, after);
    await context.save({ ...progress, sending: undefined, told: true });
  }
  const counts = Object.values(progress.done);
  deps.log.info('invitations.delivered', { meeting: meetingId, teams: counts.filter((o) => o.via === 'teams').length, letters: counts.filter((o) => o.via === 'letter').length });
  deps.jobs.runSoon(await requestStatusRefresh(deps, meetingId));
}

/**
 * Sends one invitation. A colleague who has not installed Samråd gets it installed through
 * Microsoft Graph first, where the tenant allows it; whoever Teams still cannot reach needs a
 * letter, with the reason. Other failures are thrown (the job tries again).
 */
async function sendOne(deps: Deps, meeting: Meeting, participant: Participant, organizer: UserRecord | undefined): Promise<Outcome> {
  if (participant.contact.kind !== 'teams') return { via: 'letter' };
  const userId = participant.contact.userId;
  const key = userKey(userId, userId);
  // Proactive messages go through the service and tenant the caseworker's own chat uses.
  if (!organizer?.address) return unreachable(deps, meeting, participant, 'unreachable', 0);
  let invitee = await readUser(deps, key);
  if (!invitee?.address) {
    let address: UserRecord['address'];
    try {
      address = await deps.messenger.openPersonalChat(organizer.address, userId);
    } catch (err) {
      if (!(err instanceof UnreachableError)) throw err;
      const installed = await deps.installer.installFor(meeting.tenantId, userId);
      if (installed === 'permissionMissing') return unreachable(deps, meeting, participant, 'permissionMissing', err.status);
      if (installed === 'refused') return unreachable(deps, meeting, participant, 'installRefused', err.status);
      try {
        address = await deps.messenger.openPersonalChat(organizer.address, userId);
      } catch (again) {
        if (!(again instanceof UnreachableError)) throw again;
        return unreachable(deps, meeting, participant, 'unreachable', again.status);
      }
    }
    invitee = await rememberInvitee(deps, key, meeting.tenantId, participant, address);
  }
  const reader = { locale: invitee.locale, timeZone: invitee.timeZone };
  try {
    const card = await deps.messenger.sendCard(invitee.address!, invitationCard(meeting, participant, undefined, reader), t(invitee.locale, 'invitation.summary'));
    return { via: 'teams', card };
  } catch (err) {
    if (!(err instanceof UnreachableError)) throw err;
    return unreachable(deps, meeting, participant, 'unreachable', err.status);
  }
}

function unreachable(deps: Deps, meeting: Meeting, participant: Participant, reason: UnreachableReason, status: number): Outcome {
  deps.log.info('invitation.unreachable', { meeting: meeting.id, participant: participant.id, status, reason });
  return { via: 'letter', reason };
}

/**
 * Brings a card already in someone's chat up to date, in their own language: the changed
 * invitation (their answer kept unless the time changed), the cancellation, or a card saying
 * they are no longer invited (without the meeting's details). A short message goes with it,
 * since an edited card makes no notification; it names no one and no detail of the case.
 */
async function updateOne(deps: Deps, view: MeetingView, step: DeliveryStep): Promise<Outcome> {
  const { participant, action } = step;
  const delivered = view.deliveries.get(participant.id)!;
  const key = participant.contact.kind === 'teams' ? userKey(participant.contact.userId, participant.contact.userId) : '';
  const invitee = key ? await readUser(deps, key) : undefined;
  if (!invitee?.address || !delivered.card) return { via: 'letter', reason: 'unreachable' };
  const reader = { locale: invitee.locale, timeZone: invitee.timeZone };
  const to = { ...invitee.address, conversationId: delivered.card.conversationId };
  const plan = view.plan;
  const card =
    action === 'update'
      ? invitationCard(plan, participant, replyOf(view, participant), reader, [changedNotice(plan, reader.locale)])
      : action === 'cancel'
        ? cancelledInvitationCard(plan, reader)
        : noLongerInvitedCard(reader);
  try {
    await deps.messenger.updateCard(to, delivered.card.activityId, card);
    await deps.messenger.sendText(to, t(reader.locale, `invitation.${action === 'update' ? 'changedText' : action === 'cancel' ? 'cancelledText' : 'removedText'}`));
  } catch (err) {
    if (!(err instanceof UnreachableError)) throw err;
    deps.log.info('invitation.unreachable', { meeting: plan.id, participant: participant.id, status: err.status, action });
    return { via: 'letter', reason: 'unreachable' };
  }
  return { via: 'teams', card: delivered.card };
}

/** The line on top of a changed invitation: what changed, and whether to answer again. */
function changedNotice(plan: Meeting, locale: Locale): Notice {
  const what = (plan.lastChange?.what ?? []).map((kind) => t(locale, `change.kind.${kind}`)).join(', ');
  const again = plan.answersFromRev === plan.planRev ? ` ${t(locale, 'invitation.answerAgain')}` : '';
  return { text: `${t(locale, 'invitation.changed', { what })}${again}`, color: 'Warning' };
}

/** Writes a delivery outcome into the meeting's partition, unless a newer plan revision's is there. */
async function project(deps: Deps, meeting: Meeting, participantId: string, outcome: Outcome): Promise<void> {
  const doc = deliveryDoc(meeting, participantId, outcome, deps.now());
  await upsert<MeetingDoc>(deps.stores.meetings, meeting.id, deliveryId(participantId), (current) => {
    const existing = current as DeliveryDoc | undefined;
    if (existing && (existing.planRev > doc.planRev || (existing.planRev === doc.planRev && existing.via === doc.via))) return undefined;
    return doc;
  });
}

/**
 * One short text to the caseworker once a delivery is done: the invitations (or the change, or
 * the cancellation) are out, how many Teams invitees Teams could not reach, and how many people
 * outside Teams need a letter from them. Never who: it could show in a notification preview.
 */
async function tellCaseworker(deps: Deps, view: MeetingView): Promise<void> {
  const organizer = await readUser(deps, view.plan.organizer.userKey);
  if (!organizer?.address) return;
  const plan = view.plan;
  const invitees = plan.participants.filter((p) => !p.isOrganizer);
  const unreached = invitees.filter((p) => p.contact.kind === 'teams' && view.deliveries.get(p.id)?.via === 'letter').length;
  const outside = invitees.filter((p) => p.contact.kind !== 'teams').length;
  const kind = plan.status === 'cancelled' ? 'cancel' : (plan.sequence ?? 0) > 0 ? 'change' : 'invite';
  const locale = organizer.locale;
  const lines = [unreached > 0 ? t(locale, `delivered.${kind}NotReached`, { count: unreached }) : t(locale, `delivered.${kind}`)];
  if (outside > 0) lines.push(t(locale, 'delivered.letters', { count: outside }));
  await deps.messenger.sendText(organizer.address, lines.join(' ')).catch((err: Error) => deps.log.warn('notice.failed', { meeting: plan.id, error: err.name }));
}

async function rememberInvitee(deps: Deps, key: string, tenantId: string, participant: Participant, address: UserRecord['address']): Promise<UserRecord> {
  const record: UserRecord = { id: key, userKey: key, tenantId, locale: participant.language, address, updatedAt: deps.now().toUTC().toISO()! };
  try {
    return (await deps.stores.users.create(record)).doc;
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err;
    return (await update(deps.stores.users, key, key, (doc) => ({ ...doc, address })))?.doc ?? record;
  }
}
