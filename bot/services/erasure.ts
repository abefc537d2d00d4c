import { coOrganizerKey } from '../domain/change';
import { erasedDoc, erasedPlan, erasureTarget, isPlaceholder, markedErased } from '../domain/erasure';
import type { Locale, Meeting, Participant, ReplyDoc } from '../domain/meeting';
import type { MeetingDoc } from '../domain/meeting-docs';
import { replyId } from '../domain/invitation';
import type { TrackingDoc } from '../domain/nudge-log';
import { linkDocId } from '../domain/page-link';
import { everyone, keysOf, personRefId } from '../domain/people';
import { userKey } from '../domain/user';
import { t } from '../i18n';
import type { JobDoc } from '../jobs/job';
import { jobType } from '../jobs/kind';
import { jobKind, type JobContext, type JobKind } from '../jobs/runner';
import { ConcurrencyError, update, type DocumentStore, type StoredDoc } from '../store/port';
import { queries } from '../store/queries';
import { erasureOutcomeCard } from '../../cards/privacy';
import { audit } from './audit';
import { forgetMeetingRef, syncMeetingRefs } from './meeting-list';
import { readView } from './meetings';
import { NUDGE_JOB } from './nudges';
import type { Deps } from './ports';
import { requestStatusRefresh } from './refresh';
import { meetingChanged } from './tracking';
import { readUser } from './users';

/**
 * Erasure at the data-protection officer's request, as jobs (`bot/jobs`): restart-safe, resumed
 * from the progress written under the claim when an instance dies halfway, retried until done,
 * and reported to the officer who asked (a card in their chat) when it is done or, after its last
 * attempt, how far it got. Payloads and progress hold ids only, never a name or an address.
 *
 * - `erase-person`: a person's data, from every meeting they were found in. First, in every
 *   meeting, the plan marks them erased and their page link goes, so that none of their links
 *   (letter, calendar file, page, printable minutes) opens anything from that moment; then,
 *   meeting by meeting, every document of theirs is erased and their name taken out of the
 *   others (`domain/erasure.ts`), the plan's own fields last, and the meeting's lists, overview
 *   line and status card brought up to date.
 * - `erase-meeting`: a whole meeting: every participant marked erased (links stop), its entries in
 *   the index by person, the caseworkers' lists and the overview removed and its reminders
 *   cancelled, then every document of its partition but the audit trail, the plan last.
 *
 * Each step reads what is stored and writes only what is still to do, so a step done twice does
 * nothing the second time; the audit entry of each erasure has a fixed id (the request's), so it
 * is written once however often the step runs.
 */

/** One person in one meeting: the meeting and the participant they are in it. */
export interface ErasureTargetRef {
  meetingId: string;
  participantId: string;
}

/** What erasing a person takes: the request (the job's key), the tenant, the officer who asked, and where the person is. Ids only. */
export interface ErasePersonPayload {
  requestId: string;
  tenantId: string;
  /** The officer's user key: the outcome is reported to them, and the trail names them. */
  by: string;
  targets: ErasureTargetRef[];
}

/** What erasing a whole meeting takes. Ids only. */
export interface EraseMeetingPayload {
  requestId: string;
  tenantId: string;
  by: string;
  meetingId: string;
}

/** How far an erasure of a person got, written under the job's claim: `<meeting id>.<participant id>` of each target. */
export interface ErasePersonProgress {
  marked: string[];
  erased: string[];
  reported?: boolean;
}

/** How far an erasure of a meeting got. */
export interface EraseMeetingProgress {
  /** The plan's people are marked erased, and what lies outside the meeting's partition is gone. */
  detached?: boolean;
  /** When the meeting was to expire (retention): the audit trail it leaves expires then too. */
  expiresAt?: string;
  /** The user keys whose lists had the meeting: emptied again at the end, in case a job running meanwhile put an entry back. */
  listed?: string[];
  /** Every document but the audit trail is gone. */
  erased?: boolean;
  reported?: boolean;
}

/** Many attempts, with pauses growing to five minutes: an erasure must not be left half done for a passing outage. */
const ATTEMPTS = 20;

export const ERASE_PERSON_JOB = jobType<ErasePersonPayload>({ kind: 'erase-person', maxAttempts: ATTEMPTS });
export const ERASE_MEETING_JOB = jobType<EraseMeetingPayload>({ kind: 'erase-meeting', maxAttempts: ATTEMPTS });

const targetKey = (t: ErasureTargetRef) => `${t.meetingId}.${t.participantId}`;

/** The user key of a participant, where they have one: the caseworker's own, or a Teams invitee's. */
function userKeyOf(plan: Meeting): (p: Participant) => string | undefined {
  return (p) => (p.isOrganizer ? plan.organizer.userKey : p.contact.kind === 'teams' ? userKey(p.contact.userId, p.contact.userId) : undefined);
}

/** The job that erases a person from the meetings of the request. */
export function erasePersonJob(deps: Deps): JobKind<ErasePersonPayload, ErasePersonProgress> {
  return jobKind(
    ERASE_PERSON_JOB,
    async (context: JobContext<ErasePersonPayload, ErasePersonProgress>) => {
      const { targets, requestId, by } = context.job.payload;
      const progress: ErasePersonProgress = { marked: [...(context.progress?.marked ?? [])], erased: [...(context.progress?.erased ?? [])] };
      // First every link of theirs stops, in every meeting.
      for (const target of targets) {
        if (progress.marked.includes(targetKey(target))) continue;
        await markPerson(deps, target);
        progress.marked.push(targetKey(target));
        await context.save(progress);
      }
      for (const target of targets) {
        if (progress.erased.includes(targetKey(target))) continue;
        await erasePerson(deps, target, { requestId, by, at: context.job.createdAt });
        progress.erased.push(targetKey(target));
        await context.save(progress);
      }
      if (!context.progress?.reported) {
        await report(deps, by, (locale) => erasureOutcomeCard(locale, { kind: 'person', done: true, meetings: [...new Set(targets.map((x) => x.meetingId))], total: targets.length }));
        await context.save({ ...progress, reported: true });
      }
      deps.log.info('erasure.person.done', { request: requestId, meetings: new Set(targets.map((x) => x.meetingId)).size });
    },
    async (job: JobDoc<ErasePersonPayload, ErasePersonProgress>) => {
      const erased = new Set(job.progress?.erased ?? []);
      const done = [...new Set(job.payload.targets.filter((x) => erased.has(targetKey(x))).map((x) => x.meetingId))];
      deps.log.error('erasure.person.failed', { request: job.payload.requestId, done: done.length, total: job.payload.targets.length });
      await report(deps, job.payload.by, (locale) => erasureOutcomeCard(locale, { kind: 'person', done: false, meetings: done, total: new Set(job.payload.targets.map((x) => x.meetingId)).size }));
    },
  );
}

/** The job that erases a whole meeting. */
export function eraseMeetingJob(deps: Deps): JobKind<EraseMeetingPayload, EraseMeetingProgress> {
  return jobKind(
    ERASE_MEETING_JOB,
    async (context: JobContext<EraseMeetingPayload, EraseMeetingProgress>) => {
      const { meetingId, requestId, by, tenantId } = context.job.payload;
      const progress: EraseMeetingProgress = { ...(context.progress ?? {}) };
      if (!progress.detached) {
        const detached = await detachMeeting(deps, meetingId);
        progress.detached = true;
        if (detached?.expiresAt) progress.expiresAt = detached.expiresAt;
        if (detached?.listed.length) progress.listed = detached.listed;
        await context.save(progress);
      }
      if (!progress.erased) {
        await eraseMeetingDocs(deps, meetingId);
        for (const key of progress.listed ?? []) await forgetMeetingRef(deps, key, meetingId);
        await audit(deps, meetingId, by, 'meeting.erased', { once: { key: requestId, orderedAt: context.job.createdAt }, tenantId, ...(progress.expiresAt ? { expiresAt: progress.expiresAt } : {}) });
        progress.erased = true;
        await context.save(progress);
      }
      if (!progress.reported) {
        await report(deps, by, (locale) => erasureOutcomeCard(locale, { kind: 'meeting', done: true, meetingId }));
        await context.save({ ...progress, reported: true });
      }
      deps.log.info('erasure.meeting.done', { request: requestId, meeting: meetingId });
    },
    async (job: JobDoc<EraseMeetingPayload, EraseMeetingProgress>) => {
      deps.log.error('erasure.meeting.failed', { request: job.payload.requestId, meeting: job.payload.meetingId });
      await report(deps, job.payload.by, (locale) => erasureOutcomeCard(locale, { kind: 'meeting', done: false, meetingId: job.payload.meetingId }));
    },
  );
}

/** Step one for a person in a meeting: the plan marks them erased (no link of theirs opens anything), and their page link goes. */
async function markPerson(deps: Deps, target: ErasureTargetRef): Promise<void> {
  await update(deps.stores.meetings, target.meetingId, target.meetingId, (doc) => (doc.kind === 'plan' ? markedErased(doc, target.participantId, deps.now()) : undefined));
  await deleteDoc(deps.stores.meetings, target.meetingId, linkDocId(target.participantId));
}

/**
 * Step two for a person in a meeting: their entries in the index by person, every other document
 * of the meeting, then the plan; then the meeting's lists, overview line and status card follow,
 * and the trail records it (once, by the request's id).
 */
async function erasePerson(deps: Deps, target: ErasureTargetRef, request: { requestId: string; by: string; at: string }): Promise<void> {
  const rows = await deps.stores.meetings.query(queries.meeting(target.meetingId));
  const plan = rows.find((r) => r.doc.kind === 'plan')?.doc as Meeting | undefined;
  if (!plan) return;
  const reply = rows.find((r) => r.doc.id === replyId(target.participantId))?.doc as ReplyDoc | undefined;
  const who = erasureTarget(plan, target.participantId, userKeyOf(plan), reply?.topic);
  const person = everyone(plan).find((p) => p.id === target.participantId);
  if (who && person) {
    // The index by person, from the plan while it still names them.
    for (const key of keysOf({ ...person, erased: undefined })) await deleteDoc(deps.stores.people, key, personRefId(plan.id, person.id));
    for (const row of rows) {
      if (row.doc.kind === 'plan') continue;
      const next = erasedDoc(row.doc, who);
      if (next === 'delete') await deleteDoc(deps.stores.meetings, plan.id, row.doc.id);
      else if (next) await update(deps.stores.meetings, plan.id, row.doc.id, (doc) => kept(erasedDoc(doc, who)));
    }
    // The plan last: until it is written, the name is known for a step done again.
    await update(deps.stores.meetings, plan.id, plan.id, (doc) => (doc.kind === 'plan' ? erasedPlan(doc, who, deps.now()) : undefined));
  }
  // One entry per person and meeting however often this step runs: its id is the request's (a person found twice in a meeting is two entries).
  await audit(deps, plan, request.by, 'person.erased', { ref: target.participantId, once: { key: `${request.requestId}.${target.participantId}`, orderedAt: request.at } });
  const view = await readView(deps, plan.id);
  if (view) await syncMeetingRefs(deps, view);
  deps.jobs.runSoon(await requestStatusRefresh(deps, plan.id));
  deps.jobs.runSoon(await meetingChanged(deps, plan.id));
  deps.log.info('erasure.person.meeting', { meeting: plan.id, participant: target.participantId });
}

/**
 * A whole meeting, step one: everyone marked erased (their links stop), then what lies outside the
 * meeting's partition: the index by person, the caseworkers' lists, the overview line, the
 * reminders waiting.
 */
async function detachMeeting(deps: Deps, meetingId: string): Promise<{ expiresAt?: string; listed: string[] } | undefined> {
  const rows = await deps.stores.meetings.query(queries.meeting(meetingId));
  const plan = rows.find((r) => r.doc.kind === 'plan')?.doc as (Meeting & { expiresAt?: string }) | undefined;
  if (!plan) return undefined;
  const people = everyone(plan);
  await update(deps.stores.meetings, meetingId, meetingId, (doc) => {
    if (doc.kind !== 'plan') return undefined;
    let next: Meeting = doc;
    for (const p of people) next = markedErased(next, p.id, deps.now()) ?? next;
    return next === doc ? undefined : next;
  });
  for (const p of people) {
    if (isPlaceholder(p)) continue;
    for (const key of keysOf({ ...p, erased: undefined })) await deleteDoc(deps.stores.people, key, personRefId(meetingId, p.id));
  }
  const listed = new Set([plan.organizer.userKey, ...(coOrganizerKey(plan) ? [coOrganizerKey(plan)!] : []), ...(plan.formerCoOrganizers ?? [])]);
  for (const key of listed) await forgetMeetingRef(deps, key, meetingId);
  const tracking = rows.find((r) => r.doc.kind === 'tracking')?.doc as TrackingDoc | undefined;
  if (tracking?.summaryPartition) await deleteDoc(deps.stores.overview, tracking.summaryPartition, `summary.${meetingId}`);
  for (const key of Object.keys(tracking?.nudges ?? {})) await deps.jobs.cancel(NUDGE_JOB, `${meetingId}.${key}`);
  return { ...(plan.expiresAt ? { expiresAt: plan.expiresAt } : {}), listed: [...listed] };
}

/** A whole meeting, step two: every document of its partition but the audit trail, the plan last. */
async function eraseMeetingDocs(deps: Deps, meetingId: string): Promise<void> {
  const rows = await deps.stores.meetings.query(queries.meeting(meetingId));
  for (const row of rows) if (row.doc.kind !== 'audit' && row.doc.kind !== 'plan') await deleteDoc(deps.stores.meetings, meetingId, row.doc.id);
  await deleteDoc(deps.stores.meetings, meetingId, meetingId);
  // Written while the plan was being erased (an answer, a page view in that moment): gone too.
  const left = await deps.stores.meetings.query(queries.meeting(meetingId));
  for (const row of left) if (row.doc.kind !== 'audit') await deleteDoc(deps.stores.meetings, meetingId, row.doc.id);
}

/** A document's erased version to write, or nothing (unchanged, or to be deleted: that is done by id). */
function kept(next: MeetingDoc | 'delete' | undefined): MeetingDoc | undefined {
  return next === 'delete' ? undefined : next;
}

/** Deletes a document whatever its version (read, then deleted by that ETag, again if it changed meanwhile); nothing if it is gone. */
async function deleteDoc<T extends StoredDoc>(store: DocumentStore<T>, partition: string, id: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const found = await store.read(partition, id);
    if (!found) return;
    try {
      await store.delete(partition, id, found.etag);
      return;
    } catch (err) {
      if (!(err instanceof ConcurrencyError) || attempt >= 8) throw err;
    }
  }
}

/** Tells the officer who asked how the erasure went, in their chat (a card: the preview says only "data protection"). */
async function report(deps: Deps, by: string, draw: (locale: Locale) => ReturnType<typeof erasureOutcomeCard>): Promise<void> {
  const officer = await readUser(deps, by);
  if (!officer?.address) {
    deps.log.warn('erasure.notReported', { reason: 'noChat' });
    return;
  }
  await deps.messenger.sendCard(officer.address, draw(officer.locale), t(officer.locale, 'privacy.summary'));
}
