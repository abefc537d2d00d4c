import { DateTime } from 'luxon';
import type { DeliveryDoc, Meeting, MeetingDoc, MeetingView, Participant, PostedCard } from '../domain/meeting';
import { awaitingDelivery, deliveryDoc, deliveryId } from '../domain/invitation';
import { speakerOrder } from '../domain/planning';
import { userKey, type UserRecord } from '../domain/user';
import { t } from '../i18n';
import type { JobRef } from '../jobs/job';
import type { JobContext, JobKind } from '../jobs/runner';
import { AlreadyExistsError, update, upsert } from '../store/port';
import { invitationCard } from '../../cards/invitations';
import { readView } from './meetings';
import { UnreachableError, type Deps } from './ports';
import { requestStatusRefresh } from './refresh';

/**
 * Delivery of a meeting's invitations in Teams, as a job.
 *
 * Guarantee: at least once per invitee and plan revision, and at most the one invitation in
 * flight when an instance died is sent twice (the job records each send's intent under its
 * claim before sending, and its outcome after). Two live instances never both send: each send
 * starts only after a write under the claim succeeded. People Teams cannot reach (403/404) are
 * recorded as needing a letter, never skipped.
 */

const KIND = 'invitations';

interface DeliveryPayload {
  meetingId: string;
  planRev: number;
}

/** An outcome per participant id; `sending` names the one whose send may be in flight. */
interface DeliveryProgress {
  sending?: string;
  done: Record<string, { via: 'teams' | 'letter'; card?: PostedCard }>;
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
    dueAt: DateTime.fromISO(plan.sentAt ?? plan.updatedAt, { zone: 'utc' }),
    maxAttempts: MAX_ATTEMPTS,
  });
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
  if (!view || view.plan.status !== 'invited' || view.plan.planRev !== planRev) return;
  const organizer = (await deps.stores.users.read(view.plan.organizer.userKey, view.plan.organizer.userKey))?.doc;
  let progress: DeliveryProgress = context.progress ?? { done: {} };
  for (const participant of speakerOrder(awaitingDelivery(view))) {
    let outcome = progress.done[participant.id];
    if (!outcome) {
      if (progress.sending === participant.id) deps.log.warn('invitation.resend', { meeting: meetingId, participant: participant.id });
      progress = { ...progress, sending: participant.id };
      await context.save(progress);
      outcome = await sendOne(deps, view.plan, participant, organizer);
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

/** Sends one invitation; someone Teams cannot reach needs a letter. Other failures are thrown (the job tries again). */
async function sendOne(deps: Deps, meeting: Meeting, participant: Participant, organizer: UserRecord | undefined): Promise<{ via: 'teams' | 'letter'; card?: PostedCard }> {
  if (participant.contact.kind !== 'teams') return { via: 'letter' };
  const key = userKey(participant.contact.userId, participant.contact.userId);
  try {
    // Proactive messages go through the service and tenant the caseworker's own chat uses.
    if (!organizer?.address) throw new UnreachableError(0);
    let invitee = (await deps.stores.users.read(key, key))?.doc;
    if (!invitee?.address) {
      const address = await deps.messenger.openPersonalChat(organizer.address, participant.contact.userId);
      invitee = await rememberInvitee(deps, key, meeting.tenantId, participant, address);
    }
    const reader = { locale: invitee.locale, timeZone: invitee.timeZone };
    const card = await deps.messenger.sendCard(invitee.address!, invitationCard(meeting, participant, undefined, reader), t(invitee.locale, 'invitation.summary'));
    return { via: 'teams', card };
  } catch (err) {
    if (!(err instanceof UnreachableError)) throw err;
    deps.log.info('invitation.unreachable', { meeting: meeting.id, participant: participant.id, status: err.status });
    return { via: 'letter' };
  }
}

/** Writes a delivery outcome into the meeting's partition, unless a newer plan revision's is there. */
async function project(deps: Deps, meeting: Meeting, participantId: string, outcome: { via: 'teams' | 'letter'; card?: PostedCard }): Promise<void> {
  const doc = deliveryDoc(meeting, participantId, outcome.via, outcome.card, deps.now());
  await upsert<MeetingDoc>(deps.stores.meetings, meeting.id, deliveryId(participantId), (current) => {
    const existing = current as DeliveryDoc | undefined;
    if (existing && (existing.planRev > doc.planRev || (existing.planRev === doc.planRev && existing.via === doc.via))) return undefined;
    return doc;
  });
}

/** One short text to the caseworker: everyone reached, or how many need a letter (never who: it could show in a preview). */
async function tellCaseworker(deps: Deps, view: MeetingView): Promise<void> {
  const organizer = (await deps.stores.users.read(view.plan.organizer.userKey, view.plan.organizer.userKey))?.doc;
  if (!organizer?.address) return;
  const letters = view.plan.participants.filter((p) => !p.isOrganizer && (p.contact.kind !== 'teams' || view.deliveries.get(p.id)?.via === 'letter')).length;
  const text = letters > 0 ? t(organizer.locale, 'status.notReached', { count: letters }) : t(organizer.locale, 'status.allReached');
  await deps.messenger.sendText(organizer.address, text).catch((err: Error) => deps.log.warn('notice.failed', { meeting: view.plan.id, error: err.name }));
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
