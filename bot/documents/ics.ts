import { DateTime } from 'luxon';
import type { Locale, Meeting } from '../domain/meeting';
import type { CaseworkerContact } from '../domain/user';
import { t } from '../i18n';
import { formatPlace } from '../../cards/format';

/**
 * A calendar file (RFC 5545, with the iTIP methods of RFC 5546) for one invitee.
 *
 * A calendar program must update the one event it already has rather than add a second: the
 * UID is the meeting's own (`<meeting id>@samrad`) and never changes, SEQUENCE is the plan's
 * `sequence` (0 for the first invitations, raised by every change sent and by a cancellation),
 * METHOD is REQUEST for an invitation or a change and CANCEL (with STATUS:CANCELLED) for a
 * cancelled meeting.
 *
 * The time is written in the meeting's own zone (`DTSTART;TZID=Europe/Stockholm:…`) with a
 * VTIMEZONE for the years the event touches, so the entry stays at the planned local time.
 *
 * The title and description are generic: a calendar entry is often synced and shown to others,
 * so it never names the client. ORGANIZER is the caseworker, only when they have entered their
 * own e-mail address (see `organizerLine`); there is no ATTENDEE, which would name the invitee.
 */
export function invitationIcs(meeting: Meeting, locale: Locale, stamp: DateTime, organizer?: CaseworkerContact): string {
  if (!meeting.when) throw new Error('a meeting without a time has no calendar file');
  const cancelled = meeting.status === 'cancelled';
  const zone = meeting.when.timeZone;
  const start = DateTime.fromISO(meeting.when.start, { zone: 'utc' });
  const end = start.plus({ minutes: meeting.when.durationMinutes });
  const zoned = DateTime.fromMillis(0, { zone }).isValid;
  const times = zoned
    ? [`DTSTART;TZID=${zone}:${local(start.setZone(zone))}`, `DTEND;TZID=${zone}:${local(end.setZone(zone))}`]
    : [`DTSTART:${utc(start)}`, `DTEND:${utc(end)}`];
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Samrad//Network meeting//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${cancelled ? 'CANCEL' : 'REQUEST'}`,
    ...(zoned ? vtimezone(zone, start.setZone(zone).year, end.setZone(zone).year) : []),
    'BEGIN:VEVENT',
    `UID:${meeting.id}@samrad`,
    `SEQUENCE:${meeting.sequence ?? 0}`,
    `DTSTAMP:${utc(stamp)}`,
    ...times,
    `SUMMARY:${escapeText(t(locale, cancelled ? 'ics.cancelledSummary' : 'ics.summary'))}`,
    `DESCRIPTION:${escapeText(t(locale, cancelled ? 'ics.cancelledDescription' : 'ics.description'))}`,
    ...(meeting.place ? [`LOCATION:${escapeText(formatPlace(meeting.place, locale))}`] : []),
    ...organizerLine(organizer),
    `STATUS:${cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(fold).join('\r\n') + '\r\n';
}

/**
 * The caseworker as ORGANIZER, which RFC 5546 asks of a REQUEST and a CANCEL, and which lets
 * the invitee's calendar send its answer to them. Only the address the caseworker entered on
 * their own settings card is used, with their own name as CN: it names the professional, never
 * the client. Without an entered address there is no ORGANIZER: Samråd has no mailbox of its
 * own, and an invented address would send the invitee's answers nowhere.
 */
function organizerLine(contact: CaseworkerContact | undefined): string[] {
  const email = contact?.email.trim() ?? '';
  if (!/^[^\s"<>\\,;:()[\]@]+@[^\s"<>\\,;:()[\]@]+$/.test(email)) return [];
  // A parameter value is quoted; a quoted value cannot hold a DQUOTE or a control character.
  const name = (contact?.name ?? '').replace(/["\p{Cc}]/gu, ' ').replace(/\s+/g, ' ').trim();
  return [`ORGANIZER${name ? `;CN="${name}"` : ''}:mailto:${email}`];
}

/**
 * The VTIMEZONE of an IANA zone for the years `from`..`to` (local years): one STANDARD or
 * DAYLIGHT observance for every change of offset in those years, with the transition as its
 * DTSTART (local time before the change, as RFC 5545 wants), plus the observance in force when
 * the first year begins. A zone without changes (UTC, Asia/Tokyo) gets one STANDARD observance.
 */
export function vtimezone(zone: string, from: number, to: number): string[] {
  const first = DateTime.fromObject({ year: from, month: 1, day: 1 }, { zone }).toMillis();
  const last = DateTime.fromObject({ year: to + 1, month: 1, day: 1 }, { zone }).toMillis();
  const earlier = transitions(zone, first - LOOK_BACK_DAYS * DAY, first, 7 * DAY).at(-1);
  const observances = [...(earlier ? [earlier] : []), ...transitions(zone, first, last, DAY)];
  const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
  if (observances.length === 0) {
    // The offset has not changed for years: one observance since the customary 1970 onset.
    const offset = offsetAt(zone, first);
    lines.push('BEGIN:STANDARD', 'DTSTART:19700101T000000', `TZOFFSETFROM:${offsetText(offset)}`, `TZOFFSETTO:${offsetText(offset)}`, 'END:STANDARD');
  }
  for (const o of observances) {
    const kind = o.daylight ? 'DAYLIGHT' : 'STANDARD';
    const onset = DateTime.fromMillis(o.at + o.from * MINUTE, { zone: 'utc' }).toFormat("yyyyMMdd'T'HHmmss");
    lines.push(`BEGIN:${kind}`, `DTSTART:${onset}`, `TZOFFSETFROM:${offsetText(o.from)}`, `TZOFFSETTO:${offsetText(o.to)}`, `END:${kind}`);
  }
  lines.push('END:VTIMEZONE');
  return lines;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** How far back the observance in force at the start of the first year is looked for. */
const LOOK_BACK_DAYS = 3 * 366;

interface Transition {
  /** The first instant (UTC milliseconds) with the new offset. */
  at: number;
  /** Offsets in minutes east of UTC, before and after. */
  from: number;
  to: number;
  daylight: boolean;
}

/** Every change of the zone's offset in [start, end), found by stepping and then halving. */
function transitions(zone: string, start: number, end: number, step: number): Transition[] {
  const found: Transition[] = [];
  let before = offsetAt(zone, start);
  for (let lo = start; lo < end; lo += step) {
    const hi = Math.min(lo + step, end);
    const after = offsetAt(zone, hi);
    if (after === before) continue;
    let a = lo;
    let b = hi;
    while (b - a > MINUTE) {
      const mid = a + Math.floor((b - a) / 2);
      if (offsetAt(zone, mid) === before) a = mid;
      else b = mid;
    }
    // Offsets change on a whole minute: the last whole minute at or before b is the change.
    const at = Math.floor(b / MINUTE) * MINUTE;
    if (at < end && at >= start) found.push({ at, from: before, to: after, daylight: DateTime.fromMillis(at, { zone }).isInDST });
    before = after;
  }
  return found;
}

function offsetAt(zone: string, ms: number): number {
  return DateTime.fromMillis(ms, { zone }).offset;
}

/** Minutes east of UTC as RFC 5545 writes an offset: +0200, -0330. */
function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

/** A local date-time, written without a zone (the TZID says which). */
function local(dt: DateTime): string {
  return dt.toFormat("yyyyMMdd'T'HHmmss");
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
