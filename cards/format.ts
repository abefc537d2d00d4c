import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Locale, Meeting, Participant, Place, When } from '../bot/domain/meeting';
import { speakerOrder } from '../bot/domain/planning';
import { t } from '../bot/i18n';

/** Who is reading: their language and, when known, their time zone. */
export interface Reader {
  locale: Locale;
  timeZone?: string;
}

/** A title and a value, as a FactSet shows them. */
export interface Fact {
  title: string;
  value: string;
}

/** "Monday 7 December 2026, 10:00–11:30" in the meeting's time zone, in the reader's language. */
export function formatWhen(when: When, reader: Reader): string {
  const start = DateTime.fromISO(when.start, { zone: 'utc' }).setZone(when.timeZone).setLocale(reader.locale);
  const end = start.plus({ minutes: when.durationMinutes });
  const date = start.toLocaleString({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  const range = t(reader.locale, 'format.timeRange', { date, start: start.toFormat('HH:mm'), end: end.toFormat('HH:mm') });
  return reader.timeZone && reader.timeZone !== when.timeZone ? `${range} (${zoneLabel(when.timeZone, reader.locale, start)})` : range;
}

/** A date and time of an event such as a consent, in the reader's zone. */
export function formatInstant(iso: string, reader: Reader, fallbackZone: string): string {
  const dt = DateTime.fromISO(iso, { zone: 'utc' }).setZone(reader.timeZone ?? fallbackZone).setLocale(reader.locale);
  return t(reader.locale, 'format.dateTime', { date: dt.toLocaleString(DateTime.DATE_MED), time: dt.toFormat('HH:mm') });
}

/** The place in words. */
export function formatPlace(place: Place, locale: Locale): string {
  if (place.kind === 'home') return place.details ? t(locale, 'place.homeWithDetails', { details: place.details }) : t(locale, 'place.home');
  return t(locale, `place.${place.kind}`, { details: place.details });
}

/** "Anna (mother)", or only the name when no relation was given. */
export function personLabel(p: Participant, locale: Locale): string {
  const relation = p.isOrganizer ? t(locale, 'who.convener') : p.relation;
  return relation ? t(locale, 'format.nameWithRelation', { name: p.name, relation }) : p.name;
}

/** Everyone invited, grouped in the fixed speaker order, as markdown lines. */
export function peopleText(meeting: Meeting, locale: Locale): string {
  return speakerOrder(meeting.participants)
    .map((p) => `- **${t(locale, `group.${p.group}`)}:** ${escapeMarkdown(personLabel(p, locale))}`)
    .join('\n');
}

/** The topics as a markdown list. */
export function topicsText(topics: readonly string[]): string {
  return topics.map((topic) => `- ${escapeMarkdown(topic)}`).join('\n');
}

/** The facts every view of a meeting shares: when, how long, where, and the agenda's purpose and form. */
export function meetingFacts(meeting: Meeting, reader: Reader): Fact[] {
  const { locale } = reader;
  const facts: Fact[] = [];
  if (meeting.when) {
    facts.push({ title: t(locale, 'field.when'), value: formatWhen(meeting.when, reader) });
    facts.push({ title: t(locale, 'field.duration'), value: t(locale, 'format.minutes', { minutes: meeting.when.durationMinutes }) });
  }
  if (meeting.place) facts.push({ title: t(locale, 'field.place'), value: formatPlace(meeting.place, locale) });
  if (meeting.why) {
    facts.push({ title: t(locale, 'field.purpose'), value: meeting.why.purpose });
    if (meeting.why.form) facts.push({ title: t(locale, 'field.form'), value: meeting.why.form });
  }
  const chair = meeting.participants.find((p) => p.id === meeting.chairId);
  const secretary = meeting.participants.find((p) => p.id === meeting.secretaryId);
  if (chair) facts.push({ title: t(locale, 'field.chair'), value: chair.name });
  if (secretary) facts.push({ title: t(locale, 'field.secretary'), value: secretary.name });
  return facts;
}

/** The client's display name (first name or initials), or a dash. */
export function clientName(meeting: Meeting, locale: Locale): string {
  return meeting.participants.find((p) => p.group === 'client')?.name ?? t(locale, 'format.none');
}

/** Keeps names and topics from being read as markdown (emphasis, links, lists) by the card renderer. */
export function escapeMarkdown(text: string): string {
  return notAList(text.replace(/([\\*_[\]`])/g, '\\$1'));
}

/**
 * Keeps a line that begins like a list item ("- ", "16. ", as a Danish date does: "16. jan. 2027")
 * from being drawn as a list: the marker's punctuation is escaped (`16\. jan.`), so it shows as written.
 */
export function notAList(text: string): string {
  return text.replace(/^(\s*)([-+])\s/gm, '$1\\$2 ').replace(/^(\s*)(\d+)\.\s/gm, '$1$2\\. ');
}

/**
 * The id of an input whose choices change (people, topics): the name and a short digest of the
 * choices, so a client that keeps input values by id when a card is replaced (the Playground
 * does) never carries an old value into a card with other choices. The parsers read the value
 * by the name (`inputField` in bot/services/action-data.ts).
 */
export function choiceId(name: string, choices: readonly { title: string; value: string }[]): string {
  const digest = createHash('sha256').update(JSON.stringify(choices.map((c) => [c.value, c.title]))).digest('hex').slice(0, 8);
  return `${name}_${digest}`;
}

/** The Nordic time zones by the name people use for them ("svensk tid"), keyed as the catalogs name them. */
const NAMED_ZONES: Record<string, 'se' | 'dk' | 'fi' | 'no'> = {
  'Europe/Stockholm': 'se',
  'Europe/Copenhagen': 'dk',
  'Europe/Helsinki': 'fi',
  'Europe/Oslo': 'no',
};

/**
 * A time zone as a person says it, in their language: "svensk tid", "dansk tid", "Suomen aikaa"
 * for the Nordic zones, otherwise the zone's generic name from the language's own data (such as
 * "centraleuropeisk tid"), never an IANA name.
 */
export function zoneLabel(zone: string, locale: Locale, at: DateTime = DateTime.utc()): string {
  const named = NAMED_ZONES[zone];
  if (named) return t(locale, `zone.${named}`);
  try {
    const parts = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'longGeneric' }).formatToParts(at.toJSDate());
    return parts.find((p) => p.type === 'timeZoneName')?.value ?? zone;
  } catch {
    return zone;
  }
}
