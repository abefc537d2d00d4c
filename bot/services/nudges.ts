import { DateTime } from 'luxon';
import { countryOfZone, type Country } from '../domain/calendar';
import { organizes } from '../domain/change';
import type { Locale, Meeting } from '../domain/meeting';
import type { MeetingView } from '../domain/meeting-docs';
import { nudgeDocId, type NudgeDoc, type TrackingDoc } from '../domain/nudge-log';
import { dueNudges, plannedNudges, type Nudge, type NudgeContext, type Recipient } from '../domain/nudges';
import { overviewPartition, summaryOf } from '../domain/overview';
import { userKey, type UserRecord } from '../domain/user';
import { t } from '../i18n';
import { jobType } from '../jobs/kind';
import { jobKind, type JobContext, type JobKind } from '../jobs/runner';
import { upsert } from '../store/port';
import { nudgeCard, settledNudgeCard, type NudgeOpens } from '../../cards/nudges';
import type { Reader } from '../../cards/format';
import { sendToTeamsUser } from './fanout';
import { followUpId } from './follow-up';
import { markItemDone } from './items';
import { readPlan, readView, refusedCard } from './meetings';
import { UnreachableError, type Actor, type CardReply, type Deps } from './ports';
import { participantOf } from './session';
import { expiryFor, stampExpiry } from './retention';
import { meetingChanged, TRACK_JOB } from './tracking';
import { indexPeople } from './people';
import { readUser } from './users';

/**
 * Follow-up nudges and each meeting's line in the coordinators' overview, kept current after
 * every change of a meeting:
 *
 * - `track` (one coalescing job per meeting, asked for by `meetingChanged` after each change):
 *   works out the nudges still to send (`domain/nudges.ts`), schedules one `nudge` job per nudge
 *   at its time, moves those whose time changed (the same job), cancels those that no longer
 *   apply, and writes the meeting's overview summary;
 * - `nudge` (one job per meeting and nudge key): when it falls due it checks again with the same
 *   rules and sends only a nudge that still applies, to each recipient once, then records it sent.
 *
 * Guarantee: a nudge is sent at least once and, while instances live, exactly once (one claim at a
 * time). Its intent is written before each send, so an instance killed between claim and send
 * makes the next one send that one nudge again: at most one repeat per recipient in flight (Teams
 * has no idempotency key). A recipient who blocked the bot (403) is reported to the caseworker and
 * not tried again.
 */

/** The payload of a nudge job: ids only. */
export interface NudgePayload {
  meetingId: string;
  key: string;
}

export const NUDGE_JOB = jobType<NudgePayload>({ kind: 'nudge', maxAttempts: 8 });

/** What a nudge job has done, written under its claim. */
interface NudgeProgress {
  /** Recipients (user keys) whose card is out. */
  sent: string[];
  /** The recipient whose send may be in flight. */
  sending?: string;
  /** Recipients Teams refused (403/404), reported to the caseworker. */
  refused?: string[];
}

/** The job key of a nudge: the meeting and the nudge's own key, never its time. */
function nudgeJobKey(meetingId: string, key: string): string {
  return `${meetingId}.${key}`;
}

/** The job that schedules a meeting's nudges and writes its overview line. */
export function trackJob(deps: Deps): JobKind<{ meetingId: string }> {
  return jobKind(TRACK_JOB, async (context) => {
    const { meetingId } = context.job.payload;
    const view = await readView(deps, meetingId);
    if (!view) return;
    // Retention: the instant the meeting's documents expire, stamped on each (the store writes it as `ttl`).
    const expiresAt = await expiryFor(deps, view);
    if (expiresAt) await stampExpiry(deps, view.plan, expiresAt);
    // A follow-up's expiry is its chain's: the meeting before it is kept as long.
    if (expiresAt !== view.tracking?.expiresAt && view.plan.followUpOf) await meetingChanged(deps, view.plan.followUpOf);
    // The index by person goes with the meeting: its entries take the new expiry from the plan.
    if (expiresAt !== view.tracking?.expiresAt) await indexPeople(deps, meetingId);
    const planned = plannedNudges(view, await nudgeContext(deps, view, expiresAt));
    const before = view.tracking?.nudges ?? {};
    const now: Record<string, string> = {};
    for (const nudge of planned) {
      now[nudge.key] = nudge.at;
      if (before[nudge.key] !== nudge.at) await deps.jobs.schedule(NUDGE_JOB, nudgeJobKey(meetingId, nudge.key), { meetingId, key: nudge.key }, DateTime.fromISO(nudge.at, { zone: 'utc' }));
    }
    for (const key of Object.keys(before)) if (!(key in now)) await deps.jobs.cancel(NUDGE_JOB, nudgeJobKey(meetingId, key));
    const summaryPartition = await writeSummary(deps, view, expiresAt);
    const changed = JSON.stringify(before) !== JSON.stringify(now) || summaryPartition !== view.tracking?.summaryPartition || expiresAt !== view.tracking?.expiresAt;
    if (!changed) return;
    await upsert(deps.stores.meetings, meetingId, 'tracking', (): TrackingDoc => ({
      kind: 'tracking',
      id: 'tracking',
      meetingId,
      nudges: now,
      ...(summaryPartition ? { summaryPartition } : {}),
      ...(expiresAt ? { expiresAt } : {}),
      updatedAt: deps.now().toUTC().toISO()!,
    }));
  });
}

/** Writes the meeting's line in the coordinators' overview (removing it from a month it left); returns its partition. */
async function writeSummary(deps: Deps, view: MeetingView, expiresAt: string | undefined): Promise<string | undefined> {
  const line = summaryOf(view, deps.now());
  // The line goes with the meeting.
  const summary = line && expiresAt ? { ...line, expiresAt } : line;
  const old = view.tracking?.summaryPartition;
  if (old && old !== summary?.partition) {
    const found = await deps.stores.overview.read(old, `summary.${view.plan.id}`);
    if (found) await deps.stores.overview.delete(old, found.doc.id, found.etag).catch(() => undefined);
  }
  if (!summary) return undefined;
  await upsert(deps.stores.overview, summary.partition, summary.id, (current) => {
    const same = current && JSON.stringify({ ...current, updatedAt: '' }) === JSON.stringify({ ...summary, updatedAt: '' });
    return same ? undefined : summary;
  });
  return overviewPartition(view.plan.tenantId, view.plan.when!.start);
}

/** The job that sends one nudge when it falls due, if it still applies. */
export function nudgeJob(deps: Deps): JobKind<NudgePayload, NudgeProgress> {
  return jobKind(NUDGE_JOB, async (context: JobContext<NudgePayload, NudgeProgress>) => {
    const { meetingId, key } = context.job.payload;
    const view = await readView(deps, meetingId);
    if (!view) return;
    // The user records the rules read (everyone's zone) are the ones the sends use: none is read twice in a run.
    const users = new Map<string, UserRecord | undefined>();
    const nudgeContextNow = await nudgeContext(deps, view, undefined, users);
    const planned = plannedNudges(view, nudgeContextNow).find((n) => n.key === key);
    if (!planned) return;
    // Moved later since this run was asked for: run again then.
    if (!dueNudges(view, nudgeContextNow, deps.now()).some((n) => n.key === key)) return { next: DateTime.fromISO(planned.at, { zone: 'utc' }) };
    const organizer = users.has(view.plan.organizer.userKey) ? users.get(view.plan.organizer.userKey) : await readUser(deps, view.plan.organizer.userKey);
    const progress: NudgeProgress = { sent: [...(context.progress?.sent ?? [])], ...(context.progress?.refused ? { refused: [...context.progress.refused] } : {}) };
    if (context.progress?.sending) deps.log.warn('nudge.resend', { meeting: meetingId, nudge: key });
    for (const recipient of await recipientsOf(deps, view.plan, planned.to)) {
      if (progress.sent.includes(recipient.key)) continue;
      await context.save({ ...progress, sending: recipient.key });
      const outcome = await sendNudge(deps, view, planned, recipient, organizer, nudgeContextNow, users);
      progress.sent.push(recipient.key);
      if (outcome === 'refused') progress.refused = [...(progress.refused ?? []), recipient.key];
      await context.save(progress);
    }
    await recordNudge(deps, meetingId, key, (doc) => ({ ...doc, sentAt: deps.now().toUTC().toISO()! }), view.plan.expiresAt);
    for (const refused of progress.refused ?? []) await reportRefused(deps, view, refused, organizer);
    deps.log.info('nudge.sent', { meeting: meetingId, nudge: key, rule: planned.rule, recipients: progress.sent.length });
  });
}

/** A recipient resolved to a Teams user. */
interface NudgeRecipient {
  /** Their user key. */
  key: string;
  /** Their Entra object id. */
  userId: string;
  language: Locale;
}

/** The Teams users a nudge goes to: the participant, the caseworker, or each of the tenant's coordinators. */
async function recipientsOf(deps: Deps, plan: Meeting, to: Recipient): Promise<NudgeRecipient[]> {
  if (to.kind === 'participant') {
    const p = plan.participants.find((x) => x.id === to.id);
    return p && p.contact.kind === 'teams' ? [{ key: userKey(p.contact.userId, p.contact.userId), userId: p.contact.userId, language: p.language }] : [];
  }
  if (to.kind === 'caseworker') {
    const me = plan.participants.find((p) => p.isOrganizer);
    const oid = plan.organizer.userKey.startsWith('aad-') ? plan.organizer.userKey.slice('aad-'.length) : me?.contact.kind === 'teams' ? me.contact.userId : '';
    return [{ key: plan.organizer.userKey, userId: oid, language: me?.language ?? 'en' }];
  }
  const ids = await deps.coordinators.coordinatorsOf(plan.tenantId);
  return ids.map((oid) => ({ key: userKey(oid, oid), userId: oid, language: 'en' as Locale }));
}

/** Sends one recipient their nudge card; `refused` when Teams would not take it (blocked, gone). */
async function sendNudge(
  deps: Deps,
  view: MeetingView,
  nudge: Nudge,
  recipient: NudgeRecipient,
  organizer: UserRecord | undefined,
  context: NudgeContext,
  users: ReadonlyMap<string, UserRecord | undefined> = new Map(),
): Promise<'sent' | 'refused'> {
  const retention = context.expiresAt ? { expiresAt: context.expiresAt, extended: !!view.plan.retention?.extended, months: deps.retention.months } : undefined;
  const draw = (reader: Reader) => ({ card: nudgeCard(nudge, nudgeView(view, context.followUpDay, retention), reader), summary: t(reader.locale, 'nudge.summary') });
  if (!recipient.userId) {
    // A caseworker Teams gave no Entra id: only the chat they opened with Samråd reaches them.
    const known = users.has(recipient.key) ? users.get(recipient.key) : await readUser(deps, recipient.key);
    if (!known?.address) return 'refused';
    const { card, summary } = draw({ locale: known.locale, timeZone: known.timeZone });
    try {
      await deps.messenger.sendCard(known.address, card, summary);
      return 'sent';
    } catch (err) {
      if (err instanceof UnreachableError) return 'refused';
      throw err;
    }
  }
  const known = users.has(recipient.key) ? { record: users.get(recipient.key) } : undefined;
  const outcome = await sendToTeamsUser(deps, { tenantId: view.plan.tenantId, userId: recipient.userId, language: recipient.language, via: organizer, ...(known ? { known } : {}) }, draw);
  return outcome.via === 'teams' ? 'sent' : 'refused';
}

/** Tells the caseworker that a reminder could not reach someone (never naming the client in the preview). */
async function reportRefused(deps: Deps, view: MeetingView, recipientKey: string, organizer: UserRecord | undefined): Promise<void> {
  deps.log.info('nudge.refused', { meeting: view.plan.id });
  const p = view.plan.participants.find((x) => !x.isOrganizer && x.contact.kind === 'teams' && userKey(x.contact.userId, x.contact.userId) === recipientKey);
  // A participant of theirs; a coordinator Teams refused is in the log only.
  if (!organizer?.address || !p) return;
  // A card, so the notification preview says only that a reminder could not be delivered.
  const card = settledNudgeCard(view.plan.id, organizer.locale, { text: t(organizer.locale, 'nudge.blocked', { name: p.name }), color: 'Warning' }, 'status');
  await deps.messenger.sendCard(organizer.address, card, t(organizer.locale, 'nudge.blockedSummary'));
}

/** What a nudge card needs of the meeting: the follow-up's date is the day it was sent for, once sent (the rules time the summary by it), else the day agreed. */
function nudgeView(view: MeetingView, followUpDay?: string, retention?: { expiresAt: string; extended: boolean; months: number }) {
  const followUp = followUpDay ?? view.session?.outcome?.followUp;
  const secretaryId = view.session?.secretaryId ?? view.plan.secretaryId;
  return { plan: view.plan, actions: view.actions, minutesSent: view.minutes?.state === 'sent', ...(secretaryId ? { secretaryId } : {}), ...(followUp && followUp !== 'undecided' ? { followUp } : {}), ...(retention ? { retention } : {}) };
}

/**
 * What the rules need to know besides the meeting: each recipient's zone (their user record's,
 * or the organisation's), the follow-up draft's state, and whether there are coordinators.
 */
export async function nudgeContext(deps: Deps, view: MeetingView, expiresAt = view.tracking?.expiresAt, seen?: Map<string, UserRecord | undefined>): Promise<NudgeContext> {
  const fallback: Country = countryOfZone(deps.defaultTimeZone, 'SE');
  const zones = new Map<string, string>();
  // Every record read is told to `seen` (found or not), for the caller to use instead of reading it again.
  const read = async (key: string) => {
    const record = await readUser(deps, key);
    seen?.set(key, record);
    return record;
  };
  const organizer = await read(view.plan.organizer.userKey);
  for (const p of view.plan.participants) {
    if (p.contact.kind !== 'teams' || p.isOrganizer) continue;
    const record = await read(userKey(p.contact.userId, p.contact.userId));
    if (record?.timeZone) zones.set(p.id, record.timeZone);
  }
  const followUp = view.session?.outcome?.followUp && view.session.outcome.followUp !== 'undecided' ? await readPlan(deps, followUpId(view.plan.id)) : undefined;
  const coordinators = (await deps.coordinators.coordinatorsOf(view.plan.tenantId)).length > 0;
  const zoneOf = (to: Recipient): string => {
    if (to.kind === 'participant') return zones.get(to.id) ?? deps.defaultTimeZone;
    if (to.kind === 'caseworker') return organizer?.timeZone ?? deps.defaultTimeZone;
    return deps.defaultTimeZone;
  };
  return {
    settings: deps.nudgeSettings,
    placeOf: (to) => {
      const zone = zoneOf(to);
      return { zone, country: countryOfZone(zone, fallback) };
    },
    coordinators,
    ...(followUp ? { followUpStatus: followUp.doc.status } : {}),
    ...(followUp?.doc.status === 'invited' && followUp.doc.when ? { followUpDay: DateTime.fromISO(followUp.doc.when.start, { zone: 'utc' }).setZone(followUp.doc.when.timeZone).toISODate()! } : {}),
    log: view.nudges,
    ...(expiresAt ? { expiresAt } : {}),
  };
}

/** Changes a nudge's record in the meeting's partition (created the first time). */
async function recordNudge(deps: Deps, meetingId: string, key: string, change: (doc: NudgeDoc) => NudgeDoc, expiresAt: string | undefined): Promise<void> {
  const at = deps.now().toUTC().toISO()!;
  // It goes with the meeting (retention).
  await upsert(deps.stores.meetings, meetingId, nudgeDocId(key), (current) => change({ ...((current as NudgeDoc | undefined) ?? { kind: 'nudge', id: nudgeDocId(key), meetingId, key }), ...(expiresAt ? { expiresAt } : {}), updatedAt: at }));
}

/** A nudge named by a card: the meeting, the nudge key, and (for a snooze) the days. */
export interface NudgeRef {
  meetingId: string;
  key: string;
  days?: 1 | 7;
}

/**
 * Who may act on a nudge (checked on every press): a coordinator's nudge, the tenant's coordinators;
 * any other, the people of the meeting (its participants, the caseworker and co-organizer).
 */
async function mayActOn(deps: Deps, actor: Actor, plan: Meeting, key: string): Promise<boolean> {
  if (key.endsWith('.coordinator')) return deps.coordinators.isCoordinator(plan.tenantId, actor.userId);
  return organizes(plan, actor.userKey) || !!participantOf(plan, actor.userKey);
}

/** What the "open" button of a nudge with this key shows. */
function opens(key: string): NudgeOpens {
  if (key.endsWith('.coordinator')) return 'overview';
  if (key.startsWith('unanswered.')) return 'status';
  if (key.startsWith('followUp.')) return 'meetings';
  return 'minutes';
}

/**
 * The meeting and the nudge a press names, for someone who may act on it; a nudge that was never
 * sent (no card of it exists) is answered as no longer applying, and nothing is stored.
 */
async function loadNudge(deps: Deps, actor: Actor, ref: NudgeRef): Promise<{ plan: Meeting } | { reply: CardReply }> {
  const plan = (await readPlan(deps, ref.meetingId))?.doc;
  if (!plan) return { reply: refusedCard(actor, 'meetingNotFound') };
  if (!(await mayActOn(deps, actor, plan, ref.key))) {
    deps.log.warn('nudge.notAllowed', { meeting: plan.id });
    return { reply: refusedCard(actor, 'notInvited') };
  }
  const logged = (await deps.stores.meetings.read(plan.id, nudgeDocId(ref.key)))?.doc as NudgeDoc | undefined;
  if (!logged?.sentAt) return { reply: { card: settledNudgeCard(plan.id, actor.reader.locale, { text: t(actor.reader.locale, 'nudge.noLonger'), color: 'Warning' }, opens(ref.key)) } };
  return { plan };
}

/** "Remind me tomorrow / in a week": the nudge comes again then (its job moved, the same job). */
export async function snoozeNudge(deps: Deps, actor: Actor, ref: NudgeRef & { days: 1 | 7 }): Promise<CardReply> {
  const loaded = await loadNudge(deps, actor, ref);
  if ('reply' in loaded) return loaded.reply;
  const { plan } = loaded;
  const until = deps.now().plus({ days: ref.days });
  const snoozedUntil = until.toUTC().toISO()!;
  // The day it really comes: "tomorrow" on a Friday, or before a holiday, waits for the recipient's next working morning.
  // A nudge that no longer applies (its item done since, the follow-up sent) is not snoozed: it would not come again.
  const view = await readView(deps, plan.id);
  const context = view && (await nudgeContext(deps, view));
  const logged = view?.nudges.get(ref.key);
  const again =
    view && context && logged && plannedNudges(view, { ...context, log: new Map([...context.log, [ref.key, { ...logged, snoozedUntil }]]) }).find((n) => n.key === ref.key);
  if (!again) return { card: settledNudgeCard(plan.id, actor.reader.locale, { text: t(actor.reader.locale, 'nudge.noLonger'), color: 'Warning' }, opens(ref.key)) };
  await recordNudge(deps, plan.id, ref.key, (doc) => ({ ...doc, snoozedUntil, by: actor.userKey }), plan.expiresAt);
  const job = await meetingChanged(deps, plan.id);
  const date = DateTime.fromISO(again.at, { zone: 'utc' }).setZone(actor.reader.timeZone).setLocale(actor.reader.locale).toLocaleString(DateTime.DATE_MED_WITH_WEEKDAY);
  deps.log.info('nudge.snoozed', { meeting: plan.id, nudge: ref.key, days: ref.days });
  return { card: settledNudgeCard(plan.id, actor.reader.locale, { text: t(actor.reader.locale, 'nudge.snoozed', { date }), color: 'Good' }, opens(ref.key)), jobs: [job] };
}

/** "Done": an action item is marked done (by its owner or the caseworker); any other nudge does not come again. */
export async function completeNudge(deps: Deps, actor: Actor, ref: NudgeRef): Promise<CardReply> {
  const loaded = await loadNudge(deps, actor, ref);
  if ('reply' in loaded) return loaded.reply;
  const { plan } = loaded;
  const item = /^item\.([0-9a-f-]{36})\.(soon|overdue\.(owner|caseworker))$/.exec(ref.key);
  if (item) {
    // The item's own rule decides who may mark it (its owner, or the caseworker): the answer is their copy of the minutes.
    const reply = await markItemDone(deps, actor, { meetingId: plan.id, itemId: item[1], done: true, from: 'minutes' });
    return { ...reply, jobs: [...(reply.jobs ?? []), await meetingChanged(deps, plan.id)] };
  }
  await recordNudge(deps, plan.id, ref.key, (doc) => ({ ...doc, dismissedAt: deps.now().toUTC().toISO()!, by: actor.userKey }), plan.expiresAt);
  const job = await meetingChanged(deps, plan.id);
  deps.log.info('nudge.dismissed', { meeting: plan.id, nudge: ref.key });
  return { card: settledNudgeCard(plan.id, actor.reader.locale, { text: t(actor.reader.locale, 'nudge.dismissed'), color: 'Good' }, opens(ref.key)), jobs: [job] };
}
