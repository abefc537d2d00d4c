import { DateTime } from 'luxon';
import type { Meeting } from '../bot/domain/meeting';
import { speakerOrder } from '../bot/domain/planning';
import { clockOf, currentSpeaker, PHASES, promptsFor, ROUNDS, type Session } from '../bot/domain/session';
import { t } from '../bot/i18n';
import { escapeMarkdown, personLabel, type Fact, type Reader } from './format';
import { base, render, type AdaptiveCard, type CardBase, type Notice } from './render';
import pickTemplate from './templates/meeting-pick.json';
import sessionTemplate from './templates/meeting-mode.json';

interface Choice {
  title: string;
  value: string;
}

/** The data of the meeting-mode card. */
export interface SessionData extends CardBase {
  meetingId: string;
  rev: number;
  ended: boolean;
  title: string;
  timeText: string;
  paceText: string;
  paceColor: 'Good' | 'Warning' | 'Attention' | 'Default';
  prompts: { text: string }[];
  hasRound: boolean;
  roundTitle: string;
  roundHint: string;
  hasSpeaker: boolean;
  speakerText: string;
  heardText: string;
  waitingText: string;
  movers: Choice[];
  firstMover: string;
  rounds: { title: string; kind: string }[];
  phases: { text: string; weight: 'Bolder' | 'Default'; color: 'Accent' | 'Default' }[];
  nextPhase: string;
  nextPhaseTitle: string;
  budgets: { phase: string; label: string; minutes: number }[];
  agenda: { text: string; covered: boolean }[];
  topics: Choice[];
  /** The topics shortened, for picking one to move or drop. */
  topicNames: Choice[];
  firstTopic: string;
  coveredValue: string;
  people: Choice[];
  /** Names only, shortened: the choices of chair and secretary. */
  names: Choice[];
  presentValue: string;
  leftEarly: { text: string }[];
  chairId: string;
  secretaryId: string;
  neutralChair: string;
  roleFacts: Fact[];
  liveUrl: string;
}

/**
 * The meeting-mode card, in the reader's language: the chair's prompts, the speaker order with
 * the current speaker, the phases with their times, the agenda, who is here, chair and
 * secretary. It shows times, never a ticking clock (it changes only when someone presses a
 * button); the live timer is on the tab page (`liveUrl`).
 */
export function meetingModeCard(meeting: Meeting, session: Session, reader: Reader, now: DateTime, notices: Notice[] = [], liveUrl = ''): AdaptiveCard {
  const { locale } = reader;
  const zone = reader.timeZone ?? meeting.when?.timeZone ?? 'UTC';
  const time = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone).toFormat('HH:mm');
  const byId = new Map(meeting.participants.map((p) => [p.id, p]));
  const label = (id: string) => {
    const p = byId.get(id);
    return p ? escapeMarkdown(personLabel(p, locale)) : '';
  };
  // Where a name repeats in a list of choices it is shortened, so forty people and forty topics fit one card.
  const name = (id: string) => short(byId.get(id)?.name ?? '', 40);
  const clock = clockOf(session, now);
  const ended = session.state === 'ended';
  const round = session.round;
  const speaker = currentSpeaker(session);
  const waiting = round ? round.order.slice(round.current + 1) : [];
  const phaseIndex = PHASES.indexOf(session.phase);
  const nextPhase = PHASES[phaseIndex + 1];
  const ordered = speakerOrder(meeting.participants);
  const people = ordered.map((p) => ({ title: personLabel(p, locale), value: p.id }));
  const chair = session.chairId ? byId.get(session.chairId) : undefined;
  const pace =
    clock.behindMinutes > 0
      ? { text: t(locale, 'session.behind', { minutes: clock.behindMinutes }), color: clock.behindMinutes >= 10 ? ('Attention' as const) : ('Warning' as const) }
      : clock.behindMinutes < 0
        ? { text: t(locale, 'session.ahead', { minutes: -clock.behindMinutes }), color: 'Good' as const }
        : { text: t(locale, 'session.onTime'), color: 'Good' as const };
  return render<SessionData>(sessionTemplate, {
    ...base(locale, notices),
    meetingId: meeting.id,
    rev: session.rev,
    ended,
    title: t(locale, ended ? 'session.endedTitle' : 'session.title'),
    timeText: [t(locale, 'session.time', { start: time(clock.startedAt), end: time(clock.plannedEnd) }), ended && session.endedAt ? t(locale, 'session.endedAt', { time: time(session.endedAt) }) : '']
      .filter(Boolean)
      .join(' · '),
    paceText: ended ? '' : pace.text,
    paceColor: ended ? 'Default' : pace.color,
    prompts: ended ? [] : promptsFor(session, now).map((prompt) => ({ text: t(locale, `session.prompt.${prompt}`) })),
    hasRound: !!round,
    roundTitle: round ? t(locale, `session.round.${round.kind}`) : '',
    roundHint: round ? t(locale, `session.roundHint.${round.kind}`) : '',
    hasSpeaker: !!speaker,
    speakerText: speaker ? t(locale, 'session.speaking', { name: label(speaker) }) : t(locale, 'session.roundOver'),
    heardText: round ? t(locale, 'session.heard', { heard: round.heard.length, total: round.order.length }) : '',
    waitingText: waiting.map((id, i) => `${i + 1}. ${escapeMarkdown(name(id))}`).join('\n'),
    movers: waiting.map((id) => ({ title: name(id), value: id })),
    firstMover: waiting[0] ?? '',
    rounds: ROUNDS.map((kind) => ({ title: t(locale, 'session.startRound', { round: t(locale, `session.round.${kind}`) }), kind })),
    phases: PHASES.map((phase, i) => ({
      text: `${i < phaseIndex ? '✓ ' : i === phaseIndex ? '▶ ' : ''}${t(locale, 'session.phaseLine', { phase: t(locale, `session.phase.${phase}`), minutes: session.budgets[phase] })}${
        i === phaseIndex && !ended ? ` · ${t(locale, 'session.phaseNow', { phase: t(locale, `session.phaseShort.${phase}`), time: time(clock.phaseEnd) })}` : ''
      }`,
      weight: i === phaseIndex ? 'Bolder' : 'Default',
      color: i === phaseIndex ? 'Accent' : 'Default',
    })),
    nextPhase: nextPhase ?? '',
    nextPhaseTitle: nextPhase ? t(locale, 'session.nextPhase', { phase: t(locale, `session.phaseShort.${nextPhase}`) }) : '',
    budgets: PHASES.map((phase) => ({ phase, label: t(locale, 'session.minutes', { phase: t(locale, `session.phaseShort.${phase}`) }), minutes: session.budgets[phase] })),
    agenda: session.agenda.map((topic) => ({ text: `${topic.covered ? '✓' : '○'} ${escapeMarkdown(topic.text)}`, covered: topic.covered })),
    topics: session.agenda.map((topic) => ({ title: topic.text, value: topic.id })),
    topicNames: session.agenda.map((topic) => ({ title: short(topic.text, 50), value: topic.id })),
    firstTopic: session.agenda[0]?.id ?? '',
    coveredValue: session.agenda.filter((topic) => topic.covered).map((topic) => topic.id).join(','),
    people,
    names: ordered.map((p) => ({ title: name(p.id), value: p.id })),
    presentValue: ordered.filter((p) => session.presence[p.id]?.present).map((p) => p.id).join(','),
    leftEarly: ordered
      .filter((p) => !session.presence[p.id]?.present && session.presence[p.id]?.leftAt)
      .map((p) => ({ text: t(locale, 'session.left', { name: escapeMarkdown(personLabel(p, locale)), time: time(session.presence[p.id]!.leftAt!) }) })),
    chairId: session.chairId ?? '',
    secretaryId: session.secretaryId ?? '',
    neutralChair: chair?.isOrganizer ? t(locale, 'session.neutralChair') : '',
    roleFacts: [
      ...(session.chairId ? [{ title: t(locale, 'field.chair'), value: label(session.chairId) }] : []),
      ...(session.secretaryId ? [{ title: t(locale, 'field.secretary'), value: label(session.secretaryId) }] : []),
    ],
    liveUrl,
  });
}

/** The text cut to `max` characters, with an ellipsis when cut. */
function short(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The data of the card that brings meeting mode into a group chat or a meeting's chat. */
export interface PickData extends CardBase {
  text: string;
  /** The card offers to look for the meeting (the first card in a chat). */
  offer: boolean;
  meetings: { title: string; meetingId: string }[];
}

/**
 * The card in a chat: an offer to show meeting mode here, or the caseworker's meetings that
 * everyone in the chat is invited to, by date and time only (nothing of the case).
 */
export function meetingPickCard(reader: Reader, meetings: { meetingId: string; start: string; timeZone: string }[] | undefined, notices: Notice[] = []): AdaptiveCard {
  const { locale } = reader;
  const offer = meetings === undefined;
  return render<PickData>(pickTemplate, {
    ...base(locale, notices),
    text: offer ? t(locale, 'session.offer') : meetings.length > 0 ? t(locale, 'session.pickMeeting') : t(locale, 'session.noMeetingHere'),
    offer,
    meetings: (meetings ?? []).map((m) => {
      const start = DateTime.fromISO(m.start, { zone: 'utc' }).setZone(reader.timeZone ?? m.timeZone).setLocale(locale);
      return { meetingId: m.meetingId, title: `${start.toLocaleString({ weekday: 'short', day: 'numeric', month: 'short' })} ${start.toFormat('HH:mm')}` };
    }),
  });
}
