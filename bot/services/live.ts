import { DateTime } from 'luxon';
import { organizes } from '../domain/change';
import { LOCALES, type Locale, type Meeting } from '../domain/meeting';
import { clockOf, currentSpeaker, PHASES, type Session } from '../domain/session';
import { userKey } from '../domain/user';
import { t, template } from '../i18n';
import { queries } from '../store/queries';
import { personLabel } from '../../cards/format';
import { LIVE_TEXT_KEYS, SESSION_TEXT_KEYS, type LiveState, type LiveTexts, type MeetingChoice } from '../../tab/wire';
import { isIssuedId } from './action-data';
import { readPlan } from './meetings';
import type { Deps } from './ports';
import { readSession } from './session';

/**
 * What the live timer page shows of a meeting: the phase with its times, the meeting's start and
 * planned end, how far ahead or behind it is, a break running, who speaks now and next, the
 * round, whether it has ended. No more than the meeting-mode card shows, and less: never the
 * purpose, comments or anything else of the case, and the topics only when the chair has turned
 * the agenda on for the big screen (others in the room can see it). Read with two point reads
 * (the plan and the session), so a page polling every few seconds costs little.
 */

/** The plan and, once meeting mode has started, the session. */
export interface LiveView {
  plan: Meeting;
  session?: Session;
}

/** A sent meeting's plan and session, read in parallel; undefined for an id Samråd did not issue, a draft, a cancelled meeting or none. */
export async function readLive(deps: Deps, meetingId: string): Promise<LiveView | undefined> {
  if (!isIssuedId(meetingId)) return undefined;
  const id = meetingId.toLowerCase();
  const [plan, session] = await Promise.all([readPlan(deps, id), readSession(deps, id)]);
  if (!plan || plan.doc.status !== 'invited' || !plan.doc.when) return undefined;
  return { plan: plan.doc, session: session?.doc };
}

/** May this user (a signed-in Teams user's key) watch the meeting: the caseworker who convenes, the co-organizer, or anyone invited in Teams. */
export function mayWatch(plan: Meeting, key: string): boolean {
  if (organizes(plan, key)) return true;
  return plan.participants.some((p) => p.contact.kind === 'teams' && userKey(p.contact.userId, p.contact.userId) === key);
}

/**
 * The meeting's language: that of the caseworker who convenes it. The big-screen page opens in
 * it whatever the browser's language, since the screen belongs to the room, not to a reader.
 */
export function meetingLocale(plan: Meeting): Locale {
  const language = plan.participants.find((p) => p.isOrganizer)?.language;
  return language && (LOCALES as readonly string[]).includes(language) ? language : 'en';
}

/**
 * The state's entity tag: the session's revision, the plan's, and the language the labels are in.
 * Every step raises the session's revision, a break's start and end and the screen's agenda
 * turned on or off too. Between steps only the clock moves, and the page computes it: a state
 * answered earlier (its `serverTime` with it) reads the same as one answered now.
 */
export function liveEtag(view: LiveView, locale: Locale): string {
  return `"live-${view.session?.rev ?? 0}-${view.plan.rev}-${locale}"`;
}

/** The state the page shows, in the reader's language, at `now`. */
export function liveStateOf(view: LiveView, locale: Locale, now: DateTime): LiveState {
  const { plan, session } = view;
  const when = plan.when!;
  const start = DateTime.fromISO(when.start, { zone: 'utc' });
  const base = {
    timeZone: when.timeZone,
    serverTime: now.toMillis(),
    rev: { session: session?.rev ?? 0, plan: plan.rev },
  };
  // Not started: no session yet, or meeting mode opened and not yet started (no start time).
  if (!session?.startedAt) {
    return {
      ...base,
      started: false,
      ended: false,
      meeting: { plannedStart: iso(start), plannedEnd: iso(start.plus({ minutes: when.durationMinutes })) },
      behindMinutes: 0,
    };
  }
  // The card's clock, breaks and all; the page goes on from these values (tab/clock.ts).
  const clock = clockOf(session, now);
  const index = PHASES.indexOf(session.phase);
  const budget = session.budgets[session.phase];
  const total = PHASES.reduce((sum, p) => sum + session.budgets[p], 0);
  const before = PHASES.slice(0, index).reduce((sum, p) => sum + session.budgets[p], 0);
  // The breaks, as clockOf moved the ends by them: in the whole meeting, and since the phase started (a running one until now).
  const startedAt = millis(session.startedAt);
  const pausedInMeeting = millis(clock.plannedEnd) - startedAt - total * MINUTE;
  const pausedInPhase = millis(clock.phaseEnd) - millis(clock.phaseStartedAt) - budget * MINUTE;
  // When the phase should have started: the phases before it to budget, moved on by the breaks before it.
  const plannedPhaseStart = DateTime.fromMillis(startedAt + before * MINUTE + (pausedInMeeting - pausedInPhase), { zone: 'utc' });
  const running = session.state === 'running';
  const byId = new Map(plan.participants.map((p) => [p.id, p]));
  const round = session.round;
  const speaker = currentSpeaker(session);
  const nextId = round && round.current + 1 < round.order.length ? round.order[round.current + 1] : undefined;
  const speakerOf = speaker ? byId.get(speaker) : undefined;
  return {
    ...base,
    started: true,
    ended: session.state === 'ended',
    meeting: {
      plannedEnd: clock.plannedEnd,
      startedAt: session.startedAt,
      ...(session.endedAt ? { endedAt: session.endedAt } : {}),
    },
    phase: {
      key: session.phase,
      label: t(locale, `session.phase.${session.phase}`),
      number: index + 1,
      count: PHASES.length,
      startedAt: session.phaseStartedAt,
      plannedStart: iso(plannedPhaseStart),
      plannedEnd: clock.phaseEnd,
      minutes: budget,
      pausedMinutes: pausedInPhase / MINUTE,
    },
    behindMinutes: clock.behindMinutes,
    ...(running && clock.breakSince ? { break: { since: clock.breakSince } } : {}),
    // The topics only when the chair turned them on for the screen, and only while the meeting runs.
    ...(running && session.screenAgenda ? { agenda: session.agenda.map((topic) => ({ text: topic.text, covered: topic.covered })) } : {}),
    ...(round ? { round: { kind: round.kind, label: t(locale, `session.round.${round.kind}`), heard: round.heard.length, total: round.order.length } } : {}),
    // Who speaks now as the card names them (with their relation); who is next by name, as the card's waiting list does.
    ...(speakerOf ? { speaker: personLabel(speakerOf, locale) } : {}),
    ...(nextId && byId.get(nextId) ? { next: byId.get(nextId)!.name } : {}),
  };
}

/** Every text the page shows, in one language, with its {placeholders} for the page to fill. */
export function liveTexts(locale: Locale): LiveTexts {
  const texts = {} as LiveTexts;
  for (const key of LIVE_TEXT_KEYS) texts[key] = template(locale, `live.${key}`);
  for (const key of SESSION_TEXT_KEYS) texts[key] = template(locale, `session.${key}`);
  return texts;
}

/** How many of a caseworker's meetings the tab's configuration page offers. */
const CHOICES = 20;

/**
 * The meetings a caseworker may put on a tab: theirs (as the one who convenes or co-organizes),
 * sent, from half a day ago on, soonest first, named by date and time only. One query, in the
 * caseworker's own partition, as "my meetings".
 */
export async function meetingChoices(deps: Deps, key: string, locale: Locale): Promise<MeetingChoice[]> {
  const rows = await deps.stores.meetingIndex.query(queries.meetingsOf(key, 50));
  const from = iso(deps.now().minus({ hours: 12 }));
  return rows
    .map((r) => r.doc)
    .filter((ref) => ref.status === 'invited' && ref.start && ref.start >= from)
    .sort((a, b) => a.start!.localeCompare(b.start!))
    .slice(0, CHOICES)
    .map((ref) => {
      const start = DateTime.fromISO(ref.start!, { zone: 'utc' }).setZone(ref.timeZone ?? 'UTC').setLocale(locale);
      return { meetingId: ref.meetingId, title: `${start.toLocaleString({ weekday: 'short', day: 'numeric', month: 'short' })} ${start.toFormat('HH:mm')}` };
    });
}

const MINUTE = 60_000;

function iso(at: DateTime): string {
  return at.toUTC().toISO()!;
}

function millis(at: string): number {
  return DateTime.fromISO(at, { zone: 'utc' }).toMillis();
}
