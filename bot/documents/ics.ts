import { DateTime } from 'luxon';
import type { Locale, Meeting } from '../domain/meeting';
import { t } from '../i18n';
import { formatPlace } from '../../cards/format';

/**
 * A calendar file (RFC 5545) for one invitee. Its title and description are generic: a
 * calendar entry is often synced and shown to others, so it never names the client.
 */
export function invitationIcs(meeting: Meeting, locale: Locale, stamp: DateTime): string {
  if (!meeting.when) throw new Error('a meeting without a time has no calendar file');
  const start = DateTime.fromISO(meeting.when.start, { zone: 'utc' });
  const end = start.plus({ minutes: meeting.when.durationMinutes });
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Samrad//Network meeting//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${meeting.id}@samrad`,
    `DTSTAMP:${utc(stamp)}`,
    `DTSTART:${utc(start)}`,
    `DTEND:${utc(end)}`,
    `SUMMARY:${escapeText(t(locale, 'ics.summary'))}`,
    `DESCRIPTION:${escapeText(t(locale, 'ics.description'))}`,
    ...(meeting.place ? [`LOCATION:${escapeText(formatPlace(meeting.place, locale))}`] : []),
    `SEQUENCE:${meeting.planRev ?? 0}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(fold).join('\r\n') + '\r\n';
}

function utc(dt: DateTime): string {
  return dt.toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'");
}

/** Escapes a TEXT value: backslash, semicolon, comma and line breaks. */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Folds a content line at 75 octets, never inside a UTF-8 character. */
export function fold(line: string): string {
  const parts: string[] = [];
  let current = '';
  let size = 0;
  for (const char of line) {
    const bytes = Buffer.byteLength(char);
    const limit = parts.length === 0 ? 75 : 74;
    if (size + bytes > limit) {
      parts.push(current);
      current = '';
      size = 0;
    }
    current += char;
    size += bytes;
  }
  parts.push(current);
  return parts.join('\r\n ');
}
