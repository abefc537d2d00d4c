import { DateTime } from 'luxon';
import { addWorkingDays, isWorkingDay, nextWorkingMoment, WORKING_HOURS, type Country } from './calendar';
import type { Participant } from './meeting';
import type { MeetingView } from './meeting-docs';
import type { NudgeDoc } from './nudge-log';
import type { ActionItem } from './plan';
import { EXPIRY_NOTICE_DAYS } from './retention';

/**
 * Follow-up nudges (000: everyone does what was agreed; 004: minutes quickly, a summary 14 days
 * before the follow-up meeting): which are to be sent, to whom and when, as a pure function of
 * what is stored about one meeting and of the calendar. No I/O and no clock here: the services
 * schedule one job per nudge at the instant this gives (`services/nudges.ts`), and check again
 * with this same function when the job runs, so a nudge that no longer applies is never sent.
 *
 * Times are working times in the recipient's own zone (`calendar.ts`): a nudge that falls in the
 * evening, on a weekend or on a public holiday of their country waits for the next working morning.
 */

/** The kinds of nudge. */
export const NUDGE_RULES = ['summary', 'itemSoon', 'itemOverdue', 'minutesLate', 'unanswered', 'followUpDraft', 'expiry'] as const;
export type NudgeRule = (typeof NUDGE_RULES)[number];

/** Who a nudge goes to: a participant (by id), the caseworker who convenes, or the tenant's coordinators. */
export type Recipient = { kind: 'participant'; id: string } | { kind: 'caseworker' } | { kind: 'coordinator' };

/** One nudge to send. */
export interface Nudge {
  /** Names the nudge within its meeting, e.g. `item.<id>.overdue.caseworker`; with the meeting id it names its job. */
  key: string;
  rule: NudgeRule;
  to: Recipient;
  /** When it is due: an ISO instant (UTC), already moved out of the recipient's quiet hours. */
  at: string;
  /** The action item it is about. */
  itemId?: string;
  /** The number it reports (people who have not answered, items still open, people outside Teams). */
  count?: number;
}

/** How the nudges are timed (configuration). */
export interface NudgeSettings {
  /** The summary of the agreements goes out this many days before the follow-up meeting (004: 14). */
  summaryDaysBefore: number;
  /** Working days an overdue action item or late minutes wait before the next person is told. */
  graceWorkingDays: number;
}

export const DEFAULT_NUDGE_SETTINGS: NudgeSettings = { summaryDaysBefore: 14, graceWorkingDays: 2 };

/** What the rules need besides the meeting: the settings, each recipient's zone and country, and the follow-up draft. */
export interface NudgeContext {
  settings: NudgeSettings;
  /** The recipient's IANA zone and the country whose holidays they keep. */
  placeOf(to: Recipient): { zone: string; country: Country };
  /** Whether the tenant has coordinators to tell. */
  coordinators: boolean;
  /** Where the follow-up meeting drafted when this one ended stands: `draft` until the caseworker sends it. */
  followUpStatus?: 'draft' | 'invited' | 'cancelled';
  /** The day the follow-up meeting was sent for (its local date), when the caseworker chose another than the one agreed. */
  followUpDay?: string;
  /** Nudges sent, snoozed or marked done so far, by key. */
  log: ReadonlyMap<string, NudgeDoc>;
  /** When the meeting's documents expire (retention), once it was sent. */
  expiresAt?: string;
}

/**
 * Every nudge of the meeting still to be sent, each with its time (past ones included: those are
 * due now). One per chain step; a nudge sent, or marked done, is not in it, and one snoozed is in
 * it again at the time it was snoozed to.
 */
export function plannedNudges(view: MeetingView, context: NudgeContext): Nudge[] {
  const plan = view.plan;
  if (plan.status !== 'invited') return [];
  const candidates: Nudge[] = [
    ...unanswered(view, context),
    ...summary(view, context),
    ...view.actions.flatMap((item) => itemNudges(view, item, context)),
    ...minutesLate(view, context),
    ...followUpDraft(view, context),
    ...expiry(view, context),
  ];
  const out: Nudge[] = [];
  for (const nudge of candidates) {
    if (nudge.to.kind === 'coordinator' && !context.coordinators) continue;
    const logged = context.log.get(nudge.key);
    if (logged?.dismissedAt) continue;
    const snoozed = logged?.snoozedUntil && (!logged.sentAt || logged.snoozedUntil > logged.sentAt) ? logged.snoozedUntil : undefined;
    if (logged?.sentAt && !snoozed) continue;
    const at = snoozed ? workingMoment(DateTime.fromISO(snoozed, { zone: 'utc' }), nudge.to, context) : nudge.at;
    out.push({ ...nudge, at });
  }
  return out.sort((a, b) => a.at.localeCompare(b.at) || a.key.localeCompare(b.key));
}

/** The nudges due at `now`: planned for then or earlier. */
export function dueNudges(view: MeetingView, context: NudgeContext, now: DateTime): Nudge[] {
  const at = now.toUTC().toISO()!;
  return plannedNudges(view, context).filter((n) => n.at <= at);
}

/** The caseworker, three working days before the meeting, when invitees have not answered. */
function unanswered(view: MeetingView, context: NudgeContext): Nudge[] {
  const plan = view.plan;
  if (!plan.when || !plan.sentAt || view.session) return [];
  const waiting = plan.participants.filter((p) => !p.isOrganizer && !view.replies.has(p.id)).length;
  if (waiting === 0) return [];
  const to: Recipient = { kind: 'caseworker' };
  const { zone, country } = context.placeOf(to);
  const day = DateTime.fromISO(plan.when.start, { zone: 'utc' }).setZone(zone).toISODate()!;
  const at = morningOf(addWorkingDays(day, -3, country), to, context);
  // A change of time asks everyone to answer again: counted from the last change sent since then.
  const asked = plan.answersFromRev !== undefined && plan.lastChange ? plan.lastChange.at : plan.sentAt;
  // Sent less than three working days before: the caseworker knows nobody has answered yet.
  if (at <= asked || at >= plan.when.start) return [];
  return [{ key: `unanswered.${day}`, rule: 'unanswered', to, at, count: waiting }];
}

/** Everyone, before the follow-up meeting: the summary of what was agreed and what is still open. */
function summary(view: MeetingView, context: NudgeContext): Nudge[] {
  const session = view.session;
  const agreed = session?.outcome?.followUp;
  if (session?.state !== 'ended' || !session.endedAt || !agreed || agreed === 'undecided') return [];
  if (context.followUpStatus === 'cancelled') return [];
  // The day the follow-up meeting was sent for, once sent; until then the day agreed.
  const followUp = context.followUpDay ?? agreed;
  const open = view.actions.filter((i) => !i.done).length;
  const outside = view.plan.participants.filter((p) => p.contact.kind !== 'teams' && !p.isOrganizer).length;
  return view.plan.participants
    .filter((p) => p.contact.kind === 'teams')
    .flatMap((p): Nudge[] => {
      const to: Recipient = p.isOrganizer ? { kind: 'caseworker' } : { kind: 'participant', id: p.id };
      const { zone, country } = context.placeOf(to);
      // The working morning on or before that day (a weekend or holiday moves it earlier, never later).
      const day = DateTime.fromISO(followUp, { zone }).minus({ days: context.settings.summaryDaysBefore }).toISODate()!;
      const before = DateTime.fromISO(isWorkingDay(day, country) ? day : addWorkingDays(day, -1, country), { zone }).set({ hour: WORKING_HOURS.from });
      const ended = DateTime.fromISO(session.endedAt!, { zone: 'utc' });
      const at = workingMoment(before > ended ? before : ended.plus({ hours: 1 }), to, context);
      // Not once the follow-up day has come.
      if (at >= DateTime.fromISO(followUp, { zone }).toUTC().toISO()!) return [];
      return [{ key: `summary.${p.id}`, rule: 'summary', to, at, count: p.isOrganizer ? outside : open }];
    });
}

/**
 * An action item due in two working days, then overdue: first its owner (in Teams; a person
 * outside Teams sees it on their page), then after the grace period the caseworker, then the
 * coordinators. Done, none of them is sent.
 */
function itemNudges(view: MeetingView, item: ActionItem, context: NudgeContext): Nudge[] {
  if (item.done) return [];
  const owner = view.plan.participants.find((p) => p.id === item.ownerId);
  const base = `item.${item.id.slice('action.'.length)}`;
  const grace = context.settings.graceWorkingDays;
  const out: Nudge[] = [];
  const ownerTo = ownerRecipient(owner);
  if (ownerTo) {
    const { country } = context.placeOf(ownerTo);
    const soon = morningOf(addWorkingDays(item.due, -2, country), ownerTo, context);
    // Agreed less than two working days before it is due: the owner has just heard of it.
    if (soon > item.createdAt) out.push({ key: `${base}.soon`, rule: 'itemSoon', to: ownerTo, at: soon, itemId: item.id });
    out.push({ key: `${base}.overdue.owner`, rule: 'itemOverdue', to: ownerTo, at: morningOf(addWorkingDays(item.due, 1, country), ownerTo, context), itemId: item.id });
  }
  const caseworker: Recipient = { kind: 'caseworker' };
  const coordinator: Recipient = { kind: 'coordinator' };
  // The caseworker's own item: they were told as its owner.
  if (ownerTo?.kind !== 'caseworker') out.push({ key: `${base}.overdue.caseworker`, rule: 'itemOverdue', to: caseworker, at: morningOf(addWorkingDays(item.due, 1 + grace, context.placeOf(caseworker).country), caseworker, context), itemId: item.id });
  out.push({ key: `${base}.overdue.coordinator`, rule: 'itemOverdue', to: coordinator, at: morningOf(addWorkingDays(item.due, 1 + 2 * grace, context.placeOf(coordinator).country), coordinator, context), itemId: item.id });
  return out;
}

/** Minutes not sent two working days after the meeting: the secretary (or the caseworker), then the coordinators. */
function minutesLate(view: MeetingView, context: NudgeContext): Nudge[] {
  const session = view.session;
  if (session?.state !== 'ended' || !session.endedAt || view.minutes?.state === 'sent') return [];
  const secretary = view.plan.participants.find((p) => p.id === (session.secretaryId ?? view.plan.secretaryId));
  const first: Recipient = secretary && secretary.contact.kind === 'teams' && !secretary.isOrganizer ? { kind: 'participant', id: secretary.id } : { kind: 'caseworker' };
  const endedIn = (to: Recipient) => DateTime.fromISO(session.endedAt!, { zone: 'utc' }).setZone(context.placeOf(to).zone).toISODate()!;
  const coordinator: Recipient = { kind: 'coordinator' };
  const grace = context.settings.graceWorkingDays;
  return [
    { key: 'minutes.writer', rule: 'minutesLate', to: first, at: morningOf(addWorkingDays(endedIn(first), 2, context.placeOf(first).country), first, context) },
    { key: 'minutes.coordinator', rule: 'minutesLate', to: coordinator, at: morningOf(addWorkingDays(endedIn(coordinator), 2 + grace, context.placeOf(coordinator).country), coordinator, context) },
  ];
}

/** The follow-up meeting drafted when this one ended, still not sent a week later: the caseworker. */
function followUpDraft(view: MeetingView, context: NudgeContext): Nudge[] {
  const session = view.session;
  if (session?.state !== 'ended' || !session.endedAt || context.followUpStatus !== 'draft') return [];
  const to: Recipient = { kind: 'caseworker' };
  // A week in the caseworker's own time: the same local time across a daylight-saving change.
  const weekLater = DateTime.fromISO(session.endedAt, { zone: 'utc' }).setZone(context.placeOf(to).zone).plus({ days: 7 });
  return [{ key: 'followUp.draft', rule: 'followUpDraft', to, at: workingMoment(weekLater, to, context) }];
}

/** The caseworker, EXPIRY_NOTICE_DAYS before the meeting's documents expire: export what must be kept, or keep it longer once. */
function expiry(view: MeetingView, context: NudgeContext): Nudge[] {
  if (!context.expiresAt || view.plan.status === 'draft') return [];
  const to: Recipient = { kind: 'caseworker' };
  const { zone, country } = context.placeOf(to);
  const day = DateTime.fromISO(context.expiresAt, { zone: 'utc' }).setZone(zone).minus({ days: EXPIRY_NOTICE_DAYS }).toISODate()!;
  return [{ key: `retention.${context.expiresAt.slice(0, 10)}`, rule: 'expiry', to, at: morningOf(isWorkingDay(day, country) ? day : addWorkingDays(day, -1, country), to, context) }];
}

/** The owner of an action item as a recipient of nudges in Teams (the caseworker as themself). */
function ownerRecipient(owner: Participant | undefined): Recipient | undefined {
  if (!owner || owner.contact.kind !== 'teams') return undefined;
  return owner.isOrganizer ? { kind: 'caseworker' } : { kind: 'participant', id: owner.id };
}

/** The start of the working day `date` (a local date) in the recipient's zone, or the next working moment after it. */
function morningOf(date: string, to: Recipient, context: NudgeContext): string {
  const { zone } = context.placeOf(to);
  return workingMoment(DateTime.fromISO(date, { zone }).set({ hour: WORKING_HOURS.from }), to, context);
}

/** The instant, or the next working moment in the recipient's zone when it falls in their quiet hours. */
function workingMoment(instant: DateTime, to: Recipient, context: NudgeContext): string {
  const { zone, country } = context.placeOf(to);
  return nextWorkingMoment(instant, zone, country).toUTC().toISO()!;
}

/** A recipient as a stable word, for keys and logs (never a name). */
export function recipientKey(to: Recipient): string {
  return to.kind === 'participant' ? `participant.${to.id}` : to.kind;
}
