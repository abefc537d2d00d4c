import { DateTime } from 'luxon';
import type { Meeting } from './meeting';

/**
 * How long Samråd keeps a meeting (special-category data, GDPR art. 9): Samråd plans and holds
 * meetings, it is not the case record (the caseworker's journal export moves what must be kept
 * into the case system), so a meeting's documents go a configured number of months after the last
 * meeting of its follow-up chain, or after the chain ended in a cancellation; a draft never sent,
 * that long after its last change. The caseworker may extend a meeting once, giving a reason. Pure.
 */

/** One meeting of a follow-up chain as the rule needs it: its plan, and when meeting mode ended it. */
export interface ChainMeeting {
  plan: Meeting;
  endedAt?: string;
}

/** How long after the chain's last meeting a meeting is kept, and how much longer an extension keeps it. */
export interface RetentionSettings {
  months: number;
}

/** The longest reason the caseworker may give. */
export const REASON_MAX = 300;

/**
 * The instant a meeting's documents expire. `chain` is the meeting itself, then its follow-up, the
 * follow-up's follow-up, and so on (drafts included: a follow-up agreed is part of the chain).
 * The chain's last moment is the latest end of any of them (meeting mode's end, or the planned
 * end), or a cancellation; an extension (on the first meeting) adds the same period once more.
 */
export function expiryOf(chain: readonly ChainMeeting[], settings: RetentionSettings): string {
  const last = chain.reduce((latest, m) => (lastMoment(m) > latest ? lastMoment(m) : latest), lastMoment(chain[0]));
  const extended = chain[0].plan.retention?.extended ? settings.months * 2 : settings.months;
  return DateTime.fromISO(last, { zone: 'utc' }).plus({ months: extended }).toUTC().toISO()!;
}

/** The last moment a meeting of the chain counts from: its end, its planned end, its cancellation, or a draft's last change. */
function lastMoment(m: ChainMeeting): string {
  const plan = m.plan;
  if (plan.status === 'cancelled') return plan.cancelled?.at ?? plan.updatedAt;
  if (m.endedAt) return m.endedAt;
  if (plan.when) return DateTime.fromISO(plan.when.start, { zone: 'utc' }).plus({ minutes: plan.when.durationMinutes }).toUTC().toISO()!;
  return plan.updatedAt;
}

/** The days before expiry the caseworker is told (with the journal export at hand). */
export const EXPIRY_NOTICE_DAYS = 14;
