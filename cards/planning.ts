import { DateTime } from 'luxon';
import type { ChangeKind, Meeting } from '../bot/domain/meeting';
import { coOrganizerCandidates, missingForSending, speakerOrder, warnings } from '../bot/domain/planning';
import { wallClock } from '../bot/domain/time';
import { problemText, t } from '../bot/i18n';
import { choiceId, formatInstant, meetingFacts, zoneLabel, peopleText, personLabel, topicsText, type Fact, type Reader } from './format';
import { base, render, type AdaptiveCard, type CardBase, type Notice } from './render';
import welcomeTemplate from './templates/welcome.json';
import whenTemplate from './templates/plan-when.json';
import whoTemplate from './templates/plan-who.json';
import whyTemplate from './templates/plan-why.json';
import summaryTemplate from './templates/plan-summary.json';

/** The data of the welcome card. */
export interface WelcomeData extends CardBase {
  hasDraft: boolean;
  draftId: string;
}

interface StepData extends CardBase {
  meetingId: string;
  rev: number;
  progress: string;
}

/** The data of the "When?" card. */
export interface WhenData extends StepData {
  date: string;
  time: string;
  timeLabel: string;
  minDate: string;
  duration: number;
  placeKind: string;
  placeDetails: string;
  canSummarize: boolean;
  /** Show the toggle that confirms a time outside the usual day. */
  confirmTime: boolean;
}

/** The data of the "Who?" card. */
export interface WhoData extends StepData {
  groups: { title: string; people: { id: string; label: string; removable: boolean }[] }[];
  defaultGroup: string;
  locale: string;
  consent: string;
  chairId: string;
  secretaryId: string;
  roleChoices: { title: string; value: string }[];
  /** Ids of the role inputs: they change with the people to choose from (see `choiceId`). */
  chairInputId: string;
  secretaryInputId: string;
  coOrganizerId: string;
  coOrganizerChoices: { title: string; value: string }[];
  coOrganizerInputId: string;
  nextTitle: string;
}

/** The data of the "Why?" card. */
export interface WhyData extends StepData {
  purpose: string;
  topics: string;
  form: string;
}

/** The data of the summary card. */
export interface SummaryData extends CardBase {
  title: string;
  /** A change of a sent meeting is being prepared (Send the change, Discard the change). */
  changing: boolean;
  /** What the change changes, in words. */
  changesText: string;
  hasChanges: boolean;
  meetingId: string;
  rev: number;
  facts: Fact[];
  people: string;
  topics: string;
  missing: string[];
  missingText: string;
  advice: string[];
  adviceText: string;
  /** Ask for the caseworker's contact details before sending (letters go out without them otherwise). */
  askContact: boolean;
}

/** The first card: what a network meeting is for, and the buttons to start or continue. */
export function welcomeCard(reader: Reader, draftId: string | undefined, notices: Notice[] = []): AdaptiveCard {
  return render<WelcomeData>(welcomeTemplate, { ...base(reader.locale, notices), hasDraft: !!draftId, draftId: draftId ?? '' });
}

/** Whether the planning cards prepare a change of a sent meeting, and what it changes so far; what a refusal asks to confirm. */
export interface PlanningMode {
  changes?: ChangeKind[];
  /** The "When?" card asks the caseworker to confirm a time outside the usual day. */
  confirmTime?: boolean;
  /** The summary asks for the caseworker's contact details: letters go out and they are missing. */
  askContact?: boolean;
}

/** The card for the step the draft (or the change being prepared) is at. */
export function planningCard(meeting: Meeting, reader: Reader, now: DateTime, notices: Notice[] = [], mode: PlanningMode = {}): AdaptiveCard {
  switch (meeting.step) {
    case 'when':
      return whenCard(meeting, reader, now, notices, !!mode.confirmTime);
    case 'who':
      return whoCard(meeting, reader, notices);
    case 'why':
      return whyCard(meeting, reader, notices);
    case 'summary':
      return summaryCard(meeting, reader, now, notices, mode);
  }
}

function step(meeting: Meeting, reader: Reader, notices: Notice[], number: number): StepData {
  return {
    ...base(reader.locale, notices),
    meetingId: meeting.id,
    rev: meeting.rev,
    progress: t(reader.locale, 'steps.progress', { number }),
  };
}

function whenCard(meeting: Meeting, reader: Reader, now: DateTime, notices: Notice[], confirmTime: boolean): AdaptiveCard {
  const zone = meeting.when?.timeZone ?? reader.timeZone ?? 'UTC';
  const current = meeting.when ? wallClock(meeting.when.start, zone) : { date: '', time: '' };
  return render<WhenData>(whenTemplate, {
    ...step(meeting, reader, notices, 1),
    date: current.date,
    time: current.time,
    timeLabel: t(reader.locale, 'when.time', { zone: zoneLabel(zone, reader.locale, now) }),
    confirmTime,
    minDate: now.setZone(zone).toFormat('yyyy-MM-dd'),
    duration: meeting.when?.durationMinutes ?? 90,
    placeKind: meeting.place?.kind ?? 'room',
    placeDetails: meeting.place?.details ?? '',
    canSummarize: !!meeting.when && !!meeting.why,
  });
}

function whoCard(meeting: Meeting, reader: Reader, notices: Notice[]): AdaptiveCard {
  const { locale } = reader;
  const ordered = speakerOrder(meeting.participants);
  const groups = (['client', 'network', 'professional'] as const)
    .map((group) => ({
      title: t(locale, `groupPlural.${group}`),
      people: ordered.filter((p) => p.group === group).map((p) => ({ id: p.id, label: personLabel(p, locale), removable: !p.isOrganizer })),
    }))
    .filter((g) => g.people.length > 0);
  const hasClient = meeting.participants.some((p) => p.group === 'client');
  const roleChoices = ordered.map((p) => ({ title: personLabel(p, locale), value: p.id }));
  const coOrganizerChoices = coOrganizerCandidates(meeting).map((p) => ({ title: personLabel(p, locale), value: p.id }));
  return render<WhoData>(whoTemplate, {
    ...step(meeting, reader, notices, 2),
    groups,
    defaultGroup: hasClient ? 'network' : 'client',
    locale,
    consent: meeting.consent ? 'true' : 'false',
    chairId: meeting.chairId ?? '',
    secretaryId: meeting.secretaryId ?? '',
    roleChoices,
    chairInputId: choiceId('chairId', roleChoices),
    secretaryInputId: choiceId('secretaryId', roleChoices),
    coOrganizerId: meeting.coOrganizerId ?? '',
    coOrganizerChoices,
    coOrganizerInputId: choiceId('coOrganizerId', coOrganizerChoices),
    nextTitle: meeting.why ? t(locale, 'steps.summary') : t(locale, 'steps.why'),
  });
}

function whyCard(meeting: Meeting, reader: Reader, notices: Notice[]): AdaptiveCard {
  return render<WhyData>(whyTemplate, {
    ...step(meeting, reader, notices, 3),
    purpose: meeting.why?.purpose ?? '',
    topics: (meeting.why?.topics ?? []).join('\n'),
    form: meeting.why?.form ?? '',
  });
}

function summaryCard(meeting: Meeting, reader: Reader, now: DateTime, notices: Notice[], mode: PlanningMode): AdaptiveCard {
  const { locale } = reader;
  const missing = missingForSending(meeting, now).map((p) => problemText(locale, p));
  const advice = warnings(meeting).map((w) => t(locale, `warning.${w}`));
  const consent = meeting.consent
    ? t(locale, 'summary.consentGiven', { date: formatInstant(meeting.consent.at, reader, meeting.when?.timeZone ?? 'UTC') })
    : t(locale, 'summary.consentMissing');
  const changing = mode.changes !== undefined;
  return render<SummaryData>(summaryTemplate, {
    ...base(locale, notices),
    title: t(locale, changing ? 'change.title' : 'summary.title'),
    changing,
    changesText: mode.changes?.length
      ? t(locale, 'change.what', { what: mode.changes.map((kind) => t(locale, `change.kind.${kind}`)).join(', ') })
      : t(locale, 'change.nothing'),
    hasChanges: !!mode.changes?.length,
    meetingId: meeting.id,
    rev: meeting.rev,
    facts: [...meetingFacts(meeting, reader), { title: t(locale, 'field.consent'), value: consent }],
    people: peopleText(meeting, locale),
    topics: topicsText(meeting.why?.topics ?? []),
    missing,
    missingText: missing.map((m) => `- ${m}`).join('\n'),
    advice,
    adviceText: advice.map((a) => `- ${a}`).join('\n'),
    askContact: !!mode.askContact,
  });
}
