import { DateTime } from 'luxon';
import { MIN_FOR_AVERAGE, SCALES, type Scale } from './feedback';
import type { MeetingView } from './meeting-docs';

/**
 * The coordinators' overview (000, 004: the coordinator sees which meetings lack minutes, which
 * agreed actions are overdue and how the feedback trends): one summary document per meeting,
 * kept current by a job after every change of the meeting, in a container of its own whose
 * partitions are a tenant's months. The overview reads the months it shows and nothing else, and
 * a summary carries ids, dates, the caseworker's name and counts: never the client, the place or
 * anything anyone said or wrote. Pure: the time comes in as an argument.
 */

/** One meeting as the coordinators' overview sees it: ids, dates, the caseworker, counts; never the client, the place or anything said. */
export interface MeetingSummary {
  kind: 'meetingSummary';
  /** `summary.<meeting id>` */
  id: string;
  /** The partition: `<tenant id>:<yyyy-MM>` of the meeting's planned start in UTC (`overviewPartition`). */
  partition: string;
  meetingId: string;
  tenantId: string;
  /** The caseworker who convenes it (a professional's display name). */
  caseworker: string;
  /** Planned start, ISO UTC. */
  start: string;
  state: 'planned' | 'running' | 'ended' | 'cancelled';
  endedAt?: string;
  minutesSentAt?: string;
  /** The follow-up meeting's agreed date, ISO date. */
  followUp?: string;
  /** Number of people invited, and how many answered. */
  invited: number;
  answered: number;
  /** Each action item's due date and whether it is done: no text, no owner. */
  items: { due: string; done: boolean }[];
  /** Feedback per scale, only when at least MIN_FOR_AVERAGE (3, bot/domain/feedback.ts) answered: the sum and the count. */
  feedback?: Record<Scale, { sum: number; count: number }>;
  updatedAt: string;
}

/** The id of a meeting's summary document. */
export function summaryId(meetingId: string): string {
  return `summary.${meetingId}`;
}

/** The partition of a meeting's summary: its tenant and the month (UTC) of its planned start. */
export function overviewPartition(tenantId: string, startIso: string): string {
  return `${tenantId}:${DateTime.fromISO(startIso, { zone: 'utc' }).toFormat('yyyy-MM')}`;
}

/** How many months back (this month included) and ahead an overview reads. */
export const OVERVIEW_MONTHS = { back: 12, ahead: 3 } as const;

/** The months an overview reads: the last 12 and the next 3 (partitions), so its cost follows the months shown, never all meetings ever held. */
export function overviewMonths(now: DateTime): string[] {
  const month = now.toUTC().startOf('month');
  const months: string[] = [];
  for (let i = -(OVERVIEW_MONTHS.back - 1); i <= OVERVIEW_MONTHS.ahead; i++) months.push(month.plus({ months: i }).toFormat('yyyy-MM'));
  return months;
}

/** The partitions of one tenant's overview (`overviewMonths`, each prefixed with the tenant). */
export function overviewPartitions(tenantId: string, now: DateTime): string[] {
  return overviewMonths(now).map((month) => `${tenantId}:${month}`);
}

/** Minutes count as missing once a meeting ended more than this long ago without them (004: minutes reach everyone quickly). */
export const MINUTES_DUE_AFTER = { days: 2 } as const;
/** Follow-up meetings this many days ahead are "coming up". */
export const FOLLOW_UP_HORIZON_DAYS = 60;

/** A meeting named in a list of the overview: its id, planned start and caseworker. */
export interface OverviewMeeting {
  meetingId: string;
  start: string;
  caseworker: string;
}

/** What the coordinators' overview shows, computed from the summaries of the months it reads. */
export interface OverviewFigures {
  /** The months read, first and last (`yyyy-MM`, UTC). */
  period: { from: string; to: string };
  /** Meetings that took place (ended, or running now) in the period. */
  held: number;
  /** Meetings planned from now to the period's end. */
  planned: number;
  /** Ended more than two days ago with no minutes sent; the longest waiting first. */
  withoutMinutes: (OverviewMeeting & { endedAt: string })[];
  /** Meetings with action items not done and due before today; the most overdue first. */
  overdue: (OverviewMeeting & { overdue: number })[];
  /** Follow-up meetings agreed for today up to 60 days ahead; the soonest first. */
  followUps: (OverviewMeeting & { followUp: string })[];
  /** The feedback averages per month (of the meetings' start, in the reader's zone), only months where at least three answered in all; oldest first. */
  feedback: { month: string; count: number; averages: Record<Scale, number> }[];
}

/**
 * The overview's figures from the summaries read, at `now`, with "today" and the months of the
 * feedback in `zone` (the reader's). A meeting read twice (its start moved to another month and
 * the old summary not yet removed) counts once, as its newest summary says.
 */
export function overviewFigures(summaries: readonly MeetingSummary[], now: DateTime, zone: string): OverviewFigures {
  const months = overviewMonths(now);
  const from = DateTime.fromFormat(months[0], 'yyyy-MM', { zone: 'utc' });
  const until = DateTime.fromFormat(months[months.length - 1], 'yyyy-MM', { zone: 'utc' }).plus({ months: 1 });
  const nowIso = now.toUTC().toISO()!;
  const local = now.setZone(zone);
  const today = local.toISODate()!;
  const horizon = local.plus({ days: FOLLOW_UP_HORIZON_DAYS }).toISODate()!;
  const minutesDue = now.minus(MINUTES_DUE_AFTER).toUTC().toISO()!;

  const inPeriod = newest(summaries).filter((s) => {
    const start = DateTime.fromISO(s.start, { zone: 'utc' });
    return start.isValid && start >= from && start < until;
  });
  const named = (s: MeetingSummary): OverviewMeeting => ({ meetingId: s.meetingId, start: s.start, caseworker: s.caseworker });
  const figures: OverviewFigures = {
    period: { from: months[0], to: months[months.length - 1] },
    held: 0,
    planned: 0,
    withoutMinutes: [],
    overdue: [],
    followUps: [],
    feedback: [],
  };
  const byMonth = new Map<string, Record<Scale, { sum: number; count: number }>>();
  for (const s of inPeriod) {
    if (s.state === 'ended' || (s.state === 'running' && s.start <= nowIso)) figures.held += 1;
    if (s.state === 'planned' && s.start >= nowIso) figures.planned += 1;
    if (s.state === 'cancelled') continue;
    if (s.state === 'ended' && s.endedAt && s.endedAt < minutesDue && !s.minutesSentAt) figures.withoutMinutes.push({ ...named(s), endedAt: s.endedAt });
    const overdue = s.items.filter((i) => !i.done && i.due < today).length;
    if (overdue > 0) figures.overdue.push({ ...named(s), overdue });
    if (s.followUp && s.followUp >= today && s.followUp <= horizon) figures.followUps.push({ ...named(s), followUp: s.followUp });
    if (s.feedback) {
      const month = DateTime.fromISO(s.start, { zone: 'utc' }).setZone(zone).toFormat('yyyy-MM');
      const totals = byMonth.get(month) ?? (Object.fromEntries(SCALES.map((scale) => [scale, { sum: 0, count: 0 }])) as Record<Scale, { sum: number; count: number }>);
      for (const scale of SCALES) {
        const given = s.feedback[scale];
        if (!given || !(given.count > 0)) continue;
        totals[scale].sum += given.sum;
        totals[scale].count += given.count;
      }
      byMonth.set(month, totals);
    }
  }
  figures.withoutMinutes.sort((a, b) => a.endedAt.localeCompare(b.endedAt) || a.meetingId.localeCompare(b.meetingId));
  figures.overdue.sort((a, b) => b.overdue - a.overdue || a.start.localeCompare(b.start) || a.meetingId.localeCompare(b.meetingId));
  figures.followUps.sort((a, b) => a.followUp.localeCompare(b.followUp) || a.meetingId.localeCompare(b.meetingId));
  // A month's point only where at least three answered that month in all: nobody's answer can be worked out.
  for (const [month, totals] of [...byMonth].sort(([a], [b]) => a.localeCompare(b))) {
    const count = Math.min(...SCALES.map((scale) => totals[scale].count));
    if (count < MIN_FOR_AVERAGE) continue;
    const averages = Object.fromEntries(SCALES.map((scale) => [scale, Math.round((totals[scale].sum / totals[scale].count) * 10) / 10])) as Record<Scale, number>;
    figures.feedback.push({ month, count, averages });
  }
  return figures;
}

/** One summary per meeting: the newest, where a meeting's summary was read from two months. */
function newest(summaries: readonly MeetingSummary[]): MeetingSummary[] {
  const byMeeting = new Map<string, MeetingSummary>();
  for (const s of summaries) {
    const seen = byMeeting.get(s.meetingId);
    if (!seen || s.updatedAt > seen.updatedAt) byMeeting.set(s.meetingId, s);
  }
  return [...byMeeting.values()];
}

/**
 * A meeting's line in the overview, from what is stored about it: undefined for a draft or a
 * meeting without a time (it is not in the overview yet). Feedback counts only once at least
 * MIN_FOR_AVERAGE people answered, so no one's answer can be told from the sums.
 */
export function summaryOf(view: MeetingView, now: DateTime): MeetingSummary | undefined {
  const plan = view.plan;
  if (plan.status === 'draft' || !plan.when) return undefined;
  const session = view.session;
  const state: MeetingSummary['state'] = plan.status === 'cancelled' ? 'cancelled' : session?.state === 'ended' ? 'ended' : session?.state === 'running' ? 'running' : 'planned';
  const answers = [...view.feedback.values()];
  const followUp = session?.outcome?.followUp;
  return {
    kind: 'meetingSummary',
    id: summaryId(plan.id),
    partition: overviewPartition(plan.tenantId, plan.when.start),
    meetingId: plan.id,
    tenantId: plan.tenantId,
    caseworker: plan.organizer.name,
    start: plan.when.start,
    state,
    ...(session?.state === 'ended' && session.endedAt ? { endedAt: session.endedAt } : {}),
    ...(view.minutes?.state === 'sent' && view.minutes.sentAt ? { minutesSentAt: view.minutes.sentAt } : {}),
    ...(followUp && followUp !== 'undecided' ? { followUp } : {}),
    invited: plan.participants.filter((p) => !p.isOrganizer).length,
    answered: plan.participants.filter((p) => !p.isOrganizer && view.replies.has(p.id)).length,
    items: view.actions.map((i) => ({ due: i.due, done: !!i.done })),
    ...(answers.length >= MIN_FOR_AVERAGE
      ? { feedback: Object.fromEntries(SCALES.map((s) => [s, { sum: answers.reduce((sum, a) => sum + a.scores[s], 0), count: answers.length }])) as Record<Scale, { sum: number; count: number }> }
      : {}),
    updatedAt: now.toUTC().toISO()!,
  };
}
