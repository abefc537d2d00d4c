import { DateTime } from 'luxon';
import type { DeliveryDoc, Locale, Meeting } from '../domain/meeting';
import type { MeetingDoc, MeetingView } from '../domain/meeting-docs';
import { awaitingDelivery, deliveryDoc, deliveryId, deliveryWork, replyOf, type DeliveryStep } from '../domain/invitation';
import { speakerOrder } from '../domain/planning';
import { userKey, type UserRecord } from '../domain/user';
import { t } from '../i18n';
import type { JobRef } from '../jobs/job';
import type { JobKind } from '../jobs/runner';
import { upsert } from '../store/port';
import { cancelledInvitationCard, invitationCard, noLongerInvitedCard } from '../../cards/invitations';
import type { Notice } from '../../cards/render';
import { defineFanout, sendToPersonalChat, type Fanout, type FanoutProgress, type Outcome } from './fanout';
import { readView } from './meetings';
import { UnreachableError, type Deps } from './ports';
import { requestStatusRefresh } from './refresh';
import { readUser } from './users';

/**
 * Delivery of a meeting's invitations in Teams: the `invitations` kind of the fan-out
 * (`fanout.ts`), one job per plan revision sent (the first invitations, each change, the
 * cancellation). It brings every card in Teams up to date with the plan: invites whoever is not
 * reached yet (installing Samråd through Microsoft Graph for a colleague who has not, where the
 * tenant allows it), updates the cards already out (in place, with a short message saying what
 * changed), tells people a change removed, and marks every card of a cancelled meeting as
 * cancelled; then it tells the caseworker, and has the status card brought up to date.
 *
 * Guarantee (the fan-out's): at least once per invitee and plan revision; after an instance
 * dies, at most the invitations in flight then are sent twice (at most FANOUT_CONCURRENCY, 8,
 * each to a different person). Two live instances never both send: each send starts only after
 * a write under the job's claim succeeded. People Teams cannot reach (403/404) are recorded as
 * needing a letter, never skipped; so is everyone still waiting when the job runs out of attempts.
 */

const KIND = 'invitations';

interface DeliveryPayload {
  meetingId: string;
  planRev: number;
}

/** What one run reads: the meeting and the caseworker whose chat the proactive messages go through. */
interface DeliveryContext {
  view: MeetingView;
  organizer: UserRecord | undefined;
}

/** One person's step: the participant and what their card needs. */
type InvitationStep = DeliveryStep & { id: string };

/** How many times a delivery is tried (with growing pauses, about 8 minutes in all) before it is reported. */
const MAX_ATTEMPTS = 8;

/** The invitations fan-out. */
function invitations(deps: Deps): Fanout<DeliveryPayload> {
  return defineFanout<DeliveryPayload, DeliveryContext, InvitationStep>(deps, {
    kind: KIND,
    maxAttempts: MAX_ATTEMPTS,
    meetingOf: (payload) => payload.meetingId,
    load: async ({ meetingId, planRev }) => {
      const view = await readView(deps, meetingId);
      // A meeting that is gone, or whose plan changed since (a newer delivery carries on), needs nothing more from this one.
      if (!view || view.plan.status === 'draft' || view.plan.planRev !== planRev) return undefined;
      return { view, organizer: await readUser(deps, view.plan.organizer.userKey) };
    },
    steps: ({ view }) => {
      const order = new Map(speakerOrder([...view.plan.participants, ...(view.plan.removed ?? []).map((r) => r.participant)]).map((p, i) => [p.id, i]));
      return deliveryWork(view)
        .sort((a, b) => order.get(a.participant.id)! - order.get(b.participant.id)!)
        .map((step) => ({ ...step, id: step.participant.id }));
    },
    send: ({ view, organizer }, step) =>
      step.action === 'invite'
        ? sendToPersonalChat(deps, { meeting: view.plan, participant: step.participant, organizer }, (reader) => ({
            card: invitationCard(view.plan, step.participant, undefined, reader),
            summary: t(reader.locale, 'invitation.summary'),
          }))
        : updateOne(deps, view, step),
    project: ({ view }, step, outcome) => project(deps, view.plan, step.participant.id, outcome),
    finish: async ({ view }) => {
      const after = await readView(deps, view.plan.id);
      if (after) await tellCaseworker(deps, after);
    },
    after: async ({ view }, outcomes) => {
      const all = Object.values(outcomes);
      deps.log.info('invitations.delivered', { meeting: view.plan.id, teams: all.filter((o) => o.via === 'teams').length, letters: all.filter((o) => o.via === 'letter').length });
      deps.jobs.runSoon(await requestStatusRefresh(deps, view.plan.id));
    },
    onDead: async (job) => {
      // Out of attempts: whoever is still waiting needs a letter, and the caseworker is told so.
      const view = await readView(deps, job.payload.meetingId);
      if (!view || view.plan.planRev !== job.payload.planRev) return;
      for (const p of awaitingDelivery(view)) await project(deps, view.plan, p.id, { via: 'letter' });
      const after = await readView(deps, job.payload.meetingId);
      if (after) await tellCaseworker(deps, after);
      await requestStatusRefresh(deps, view.plan.id);
    },
  });
}

/**
 * Enqueues the delivery of the invitations of a sent plan. Its key and due time come from the
 * stored plan (its id, revision and the moment it was sent), so asking again is a no-op.
 */
export function enqueueDelivery(deps: Deps, plan: Meeting): Promise<JobRef> {
  return invitations(deps).enqueue({
    key: `${plan.id}.${plan.planRev}`,
    payload: { meetingId: plan.id, planRev: plan.planRev! },
    dueAt: DateTime.fromISO(revisionSentAt(plan), { zone: 'utc' }),
  });
}

/** When the plan's current revision went out: the cancellation, the last change, or the first invitations. */
function revisionSentAt(plan: Meeting): string {
  if (plan.status === 'cancelled' && plan.cancelled) return plan.cancelled.at;
  if (plan.lastChange && plan.lastChange.rev === plan.planRev) return plan.lastChange.at;
  return plan.sentAt ?? plan.updatedAt;
}

/** The job kind that delivers invitations. */
export function deliveryJob(deps: Deps): JobKind<DeliveryPayload, FanoutProgress> {
  return invitations(deps).job;
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
