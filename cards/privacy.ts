import { DateTime } from 'luxon';
import type { AuditDoc } from '../bot/domain/audit';
import type { Locale, Meeting, Participant } from '../bot/domain/meeting';
import { t } from '../bot/i18n';
import type { en } from '../bot/i18n/en';
import { escapeMarkdown, formatInstant, notAList, type Fact, type Reader } from './format';
import { shortId } from './overview';
import { base, render, type AdaptiveCard, type CardBase, type Notice } from './render';
import privacyTemplate from './templates/privacy.json';
import confirmTemplate from './templates/privacy-confirm.json';
import auditTemplate from './templates/privacy-audit.json';
import outcomeTemplate from './templates/privacy-outcome.json';

/**
 * The data-protection officer's cards, in their personal chat: finding a person (by their Teams
 * account, the e-mail address their invitation went to, or the name the caseworker wrote and the
 * meeting's day), with the meetings found, their data to download and the erasure; the
 * confirmation before an erasure; a meeting's audit trail; and the outcome of an erasure. A
 * meeting is named by its short id, its day, its caseworker and its state; a person by their name
 * as the meeting has it, their part of the network and how their invitation reached them (the
 * officer needs that much to tell the right person), never an address.
 */

/** One meeting a person was found in, as the officer's card lists it. */
export interface FoundLine {
  plan: Meeting;
  participant: Participant;
  /** The person was taken off the meeting by a change (their answer is still stored). */
  removed: boolean;
}

/** What the search card shows once a search was made. */
export interface SearchResult {
  key: string;
  day?: string;
  found: readonly FoundLine[];
  /** The links to the person's data (absent where links are not served). */
  links?: { jsonUrl: string; documentUrl: string };
}

interface PrivacyData extends CardBase {
  searched: boolean;
  foundText: string;
  results: { meetingId: string; meetingLine: string; personLine: string; removedLine: string }[];
  key: string;
  day: string;
  jsonUrl: string;
  documentUrl: string;
}

/** The day of a meeting in its own zone, in the reader's words. */
function meetingDay(plan: Meeting, locale: Locale): string {
  if (!plan.when) return t(locale, 'format.none');
  return DateTime.fromISO(plan.when.start, { zone: 'utc' }).setZone(plan.when.timeZone).setLocale(locale).toLocaleString(DateTime.DATE_MED);
}

/** A meeting as a line: short id, day, caseworker, state. */
export function meetingLine(plan: Meeting, locale: Locale): string {
  const caseworker = plan.participants.find((p) => p.isOrganizer)?.name ?? plan.organizer.name;
  return notAList(t(locale, 'privacy.meetingLine', { id: shortId(plan.id), date: meetingDay(plan, locale), caseworker: escapeMarkdown(caseworker), status: t(locale, `privacy.status.${plan.status}`) }));
}

/** The search card: the three ways to find a person, the audit trail by meeting id, and the result of the last search. */
export function privacyCard(reader: Reader, result?: SearchResult, notices: Notice[] = []): AdaptiveCard {
  const { locale } = reader;
  return render<PrivacyData>(privacyTemplate, {
    ...base(locale, notices),
    searched: !!result,
    foundText: result ? t(locale, 'privacy.found', { count: result.found.length }) : '',
    results: (result?.found ?? []).map(({ plan, participant, removed }) => ({
      meetingId: plan.id,
      meetingLine: meetingLine(plan, locale),
      personLine: t(locale, 'privacy.personLine', {
        person: escapeMarkdown(participant.relation ? t(locale, 'format.nameWithRelation', { name: participant.name, relation: participant.relation }) : participant.name),
        group: t(locale, `group.${participant.group}`),
        contact: t(locale, `privacy.contact.${participant.contact.kind}`),
      }),
      removedLine: removed ? t(locale, 'privacy.removedLine') : '',
    })),
    key: result?.key ?? '',
    day: result?.day ?? '',
    jsonUrl: result?.links?.jsonUrl ?? '',
    documentUrl: result?.links?.documentUrl ?? '',
  });
}

interface ConfirmData extends CardBase {
  kind: 'person' | 'meeting';
  title: string;
  warning: string;
  lines: { text: string }[];
  key: string;
  day: string;
  meetingId: string;
  request: string;
}

/** Before a person's data is erased from the meetings listed: what goes, what stays, and Erase. */
export function confirmPersonCard(reader: Reader, lookup: { key: string; day?: string }, plans: readonly Meeting[], request: string): AdaptiveCard {
  const { locale } = reader;
  return render<ConfirmData>(confirmTemplate, {
    ...base(locale),
    kind: 'person',
    title: t(locale, 'privacy.confirmPersonTitle'),
    warning: t(locale, 'privacy.confirmPersonText', { count: plans.length }),
    lines: plans.map((plan) => ({ text: meetingLine(plan, locale) })),
    key: lookup.key,
    day: lookup.day ?? '',
    meetingId: '',
    request,
  });
}

/** Before a whole meeting is erased: what goes, what stays, and Erase. */
export function confirmMeetingCard(reader: Reader, plan: Meeting, request: string): AdaptiveCard {
  const { locale } = reader;
  return render<ConfirmData>(confirmTemplate, {
    ...base(locale),
    kind: 'meeting',
    title: t(locale, 'privacy.confirmMeetingTitle'),
    warning: t(locale, 'privacy.confirmMeetingText', { id: shortId(plan.id), date: meetingDay(plan, locale) }),
    lines: [{ text: meetingLine(plan, locale) }],
    key: '',
    day: '',
    meetingId: plan.id,
    request,
  });
}

interface AuditData extends CardBase {
  title: string;
  facts: Fact[];
  erased: boolean;
  entries: { text: string }[];
  more: string;
}

/**
 * A meeting's audit trail, newest first: when, who, what. Who is named from the meeting as it is
 * now (a participant's name and how they acted), else by what the entry holds (Samråd, a signed
 * link, a user's object id); the officer who reads it is "you".
 */
export function auditCard(reader: Reader & { timeZone: string }, meetingId: string, plan: Meeting | undefined, entries: readonly AuditDoc[], more: boolean, viewerKey: string, notices: Notice[] = []): AdaptiveCard {
  const { locale } = reader;
  const facts: Fact[] = plan ? [{ title: t(locale, 'field.when'), value: meetingLine(plan, locale) }] : [];
  return render<AuditData>(auditTemplate, {
    ...base(locale, notices),
    title: t(locale, 'privacy.auditTitle', { id: shortId(meetingId) }),
    facts,
    erased: !plan,
    entries: entries.map((entry) => ({
      text: notAList(
        t(locale, 'privacy.auditLine', {
          at: formatInstant(entry.at, reader, reader.timeZone),
          who: escapeMarkdown(actorName(entry.by, plan, viewerKey, locale)),
          what: t(locale, `privacy.action.${actionKey(entry.action)}`),
        }),
      ),
    })),
    more: more ? t(locale, 'privacy.auditMore', { count: entries.length }) : '',
  });
}

/** The catalog key of an audit action (`plan.sent` → `plan_sent`: a dot would be a path in the catalogs). */
export function actionKey(action: AuditDoc['action']): keyof typeof en.privacy.action {
  return action.replace(/\./g, '_') as keyof typeof en.privacy.action;
}

/** Who an entry's `by` is, in words: a participant by name, the officer reading as "you", else what the key says. */
function actorName(by: string, plan: Meeting | undefined, viewerKey: string, locale: Locale): string {
  if (by === viewerKey) return t(locale, 'privacy.who.you');
  if (by === 'system') return t(locale, 'privacy.who.system');
  if (by === 'link') return t(locale, 'privacy.who.link');
  if (by === 'erased') return t(locale, 'privacy.who.erased');
  const people = plan ? [...plan.participants, ...(plan.removed ?? []).map((r) => r.participant)] : [];
  if (by.startsWith('page:')) {
    const p = people.find((x) => x.id === by.slice('page:'.length));
    return t(locale, 'privacy.who.page', { name: p?.name ?? t(locale, 'format.none') });
  }
  const inTeams = people.find((x) => x.contact.kind === 'teams' && `aad-${x.contact.userId.toLowerCase()}` === by);
  if (inTeams) return t(locale, 'privacy.who.person', { name: inTeams.name });
  if (plan && by === plan.organizer.userKey) return t(locale, 'privacy.who.person', { name: plan.participants.find((p) => p.isOrganizer)?.name ?? plan.organizer.name });
  return t(locale, 'privacy.who.user', { id: by.startsWith('aad-') ? by.slice(4) : by });
}

interface OutcomeData extends CardBase {
  text: string;
  color: Notice['color'];
  lines: { text: string }[];
}

/** The outcome of an erasure, sent to the officer who asked: done (and where), or how far it got. */
export function erasureOutcomeCard(locale: Locale, outcome: { kind: 'person'; done: boolean; meetings: readonly string[]; total: number } | { kind: 'meeting'; done: boolean; meetingId: string }): AdaptiveCard {
  let text: string;
  let lines: { text: string }[] = [];
  if (!outcome.done) {
    const done = outcome.kind === 'person' ? outcome.meetings.length : 0;
    text = t(locale, 'privacy.failed', { done, total: outcome.kind === 'person' ? outcome.total : 1 });
  } else if (outcome.kind === 'person') {
    text = t(locale, 'privacy.donePerson', { count: outcome.meetings.length });
    lines = outcome.meetings.map((id) => ({ text: notAList(`${shortId(id)}`) }));
  } else {
    text = t(locale, 'privacy.doneMeeting', { id: shortId(outcome.meetingId) });
  }
  return render<OutcomeData>(outcomeTemplate, { ...base(locale), text, color: outcome.done ? 'Good' : 'Attention', lines });
}
