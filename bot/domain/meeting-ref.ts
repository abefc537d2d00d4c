import { coOrganizerKey } from './change';
import { tally } from './invitation';
import type { Answer, MeetingStatus, Place } from './meeting';
import type { MeetingView } from './meeting-docs';

/**
 * A meeting in a caseworker's own list: one small document per caseworker and meeting, in the
 * caseworker's partition, so "my meetings" is one query scoped to them. It repeats what the
 * list shows (when, where, the client's name as they gave it, the answers so far) and is kept
 * up to date whenever the meeting is sent, changed, cancelled or answered.
 */
export interface MeetingRef {
  kind: 'meetingRef';
  /** `meeting.<meeting id>` */
  id: string;
  /** The caseworker whose list it is in (the partition). */
  userKey: string;
  meetingId: string;
  role: 'organizer' | 'coOrganizer';
  status: MeetingStatus;
  /** Meeting mode's state once it was started: running or ended (opened to prepare it, it is still planned). */
  held?: 'running' | 'ended';
  start?: string;
  timeZone?: string;
  durationMinutes?: number;
  place?: Place;
  client: string;
  counts: Record<Answer | 'waiting', number>;
  /** The revisions of the plan and of meeting mode (0 before it was opened) this entry was drawn from. */
  drawnAt: { plan: number; session: number };
  /** When the meeting's documents expire (retention): the entry goes with them. */
  expiresAt?: string;
}

/** The list entries of a meeting: one for the caseworker who convenes it and one for its co-organizer. */
export function meetingRefsOf(view: MeetingView): MeetingRef[] {
  const plan = view.plan;
  const base = {
    kind: 'meetingRef' as const,
    id: `meeting.${plan.id}`,
    meetingId: plan.id,
    status: plan.status,
    ...(view.session && view.session.state !== 'ready' ? { held: view.session.state } : {}),
    ...(plan.when ? { start: plan.when.start, timeZone: plan.when.timeZone, durationMinutes: plan.when.durationMinutes } : {}),
    ...(plan.place ? { place: plan.place } : {}),
    client: plan.participants.find((p) => p.group === 'client')?.name ?? '',
    counts: tally(view),
    drawnAt: { plan: plan.rev, session: view.session?.rev ?? 0 },
    // The entry goes with the meeting (retention).
    ...(plan.expiresAt ? { expiresAt: plan.expiresAt } : {}),
  };
  const refs: MeetingRef[] = [{ ...base, userKey: plan.organizer.userKey, role: 'organizer' }];
  const co = coOrganizerKey(plan);
  if (co && co !== plan.organizer.userKey) refs.push({ ...base, userKey: co, role: 'coOrganizer' });
  return refs;
}

/**
 * The entry to store when `next` was drawn from a view that may be older than what `current`
 * (the stored entry) was drawn from: a job reading the meeting before a press changed it must not
 * put the old state back. The plan's part (status, time, place, client) comes from the newer plan
 * revision, meeting mode's state from the newer session revision, the answers from `next`.
 */
export function mergedRef(current: MeetingRef | undefined, next: MeetingRef): MeetingRef {
  if (!current?.drawnAt) return next;
  const plan = current.drawnAt.plan > next.drawnAt.plan ? current : next;
  const session = current.drawnAt.session > next.drawnAt.session ? current : next;
  const { held: _held, start: _start, timeZone: _zone, durationMinutes: _minutes, place: _place, ...rest } = next;
  return {
    ...rest,
    status: plan.status,
    client: plan.client,
    ...(plan.start ? { start: plan.start } : {}),
    ...(plan.timeZone ? { timeZone: plan.timeZone } : {}),
    ...(plan.durationMinutes !== undefined ? { durationMinutes: plan.durationMinutes } : {}),
    ...(plan.place ? { place: plan.place } : {}),
    ...(session.held ? { held: session.held } : {}),
    drawnAt: { plan: plan.drawnAt.plan, session: session.drawnAt.session },
    ...((next.expiresAt ?? current.expiresAt) ? { expiresAt: next.expiresAt ?? current.expiresAt } : {}),
  };
}

/** How many meetings the list shows: the next ones first, then the latest that have been. */
export const LIST_SIZE = { upcoming: 10, recent: 5 };

/** Where a meeting stands in the caseworker's list: planned, running, ended or cancelled. */
export type ListState = 'draft' | 'planned' | 'running' | 'ended' | 'cancelled';

export function listState(ref: MeetingRef): ListState {
  if (ref.status === 'cancelled') return 'cancelled';
  if (ref.status === 'draft') return 'draft';
  return ref.held ?? 'planned';
}

/**
 * The caseworker's list: upcoming meetings soonest first, then recent ones latest first. A
 * meeting that has been held is recent even when it was held before its planned time.
 */
export function listed(refs: readonly MeetingRef[], nowIso: string): { upcoming: MeetingRef[]; recent: MeetingRef[] } {
  const dated = refs.filter((r) => r.start);
  const isRecent = (r: MeetingRef) => r.start! < nowIso || r.held === 'ended';
  const upcoming = dated.filter((r) => !isRecent(r)).sort((a, b) => a.start!.localeCompare(b.start!)).slice(0, LIST_SIZE.upcoming);
  const recent = dated.filter(isRecent).sort((a, b) => b.start!.localeCompare(a.start!)).slice(0, LIST_SIZE.recent);
  return { upcoming, recent };
}
