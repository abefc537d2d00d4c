import { DateTime } from 'luxon';
import type { Meeting, Participant } from '../domain/meeting';
import type { CaseworkerContact } from '../domain/user';
import { t } from '../i18n';
import { formatPlace } from '../../cards/format';

/**
 * A calendar file (RFC 5545) for one invitee, in their language.
 *
 * A calendar program must update the one event it already has rather than add a second: the
 * UID is the meeting's own (`<meeting id>@samrad`) and never changes, SEQUENCE is the plan's
 * `sequence` (0 for the first invitations, raised by every change sent and by a cancellation),
 * STATUS is CONFIRMED, or CANCELLED for a cancelled meeting, which keeps the time it cancels.
 *
 * Which form the file takes (the rule, from RFC 5546 §3.2 and RFC 5545 §3.7.2, §3.8.4.1,
 * §3.8.4.3, §3.8.7.2):
 * - **An iTIP request** (`METHOD:REQUEST`, for a cancelled meeting `METHOD:CANCEL`) only when
 *   all three hold: the caseworker has entered their own e-mail address (the ORGANIZER, which
 *   REQUEST and CANCEL require), the invitee is invited by e-mail (their address is the one
 *   ATTENDEE, which REQUEST requires and CANCEL must list when the whole event is cancelled:
 *   `RSVP=TRUE;PARTSTAT=NEEDS-ACTION`, without a CN, so no name is in the file), and the invitee
 *   is not the client (the client's file never carries the client's address).
 * - **Otherwise a plain RFC 5545 object without METHOD**, with neither ORGANIZER nor ATTENDEE:
 *   a snapshot that calendar programs import, with no scheduling transaction assumed (RFC 5545
 *   §3.7.2), which needs neither (§3.8.4.1, §3.8.4.3). `METHOD:PUBLISH` is not used: RFC 5546
 *   §3.2.1 requires an ORGANIZER in a PUBLISH too (and forbids an ATTENDEE), and the client's
 *   synced calendar should not name the caseworker. An update or the cancellation of such an
 *   entry is the same UID with a higher SEQUENCE, and STATUS:CANCELLED for the cancellation.
 *
 * DTSTAMP is `stamp` (when the file is made) for an iTIP request; in the plain form, where RFC
 * 5545 §3.8.7.2 makes it the time the information was last revised, it is when the plan the
 * file shows was sent (the first invitations, the last change, or the cancellation).
 *
 * The time is written in the meeting's own zone (`DTSTART;TZID=Europe/Stockholm:…`) with a
 * VTIMEZONE for the years the event touches, so the entry stays at the planned local time.
 *
 * A calendar entry is often synced to phones and shared calendars and shown to others, so the
 * file never names the client or gives the client's home address: the title and description
 * are generic, and a meeting at the client's home has the generic `ics.homeLocation` as its
 * LOCATION (the address is in the invitation or letter, which the person must open); in the
 * client's own file it is `ics.homeLocationClient` ("At your home"), which names no one.
 */
export function invitationIcs(meeting: Meeting, invitee: Participant, stamp: DateTime, organizer?: CaseworkerContact): string {
  if (!meeting.when) throw new Error('a meeting without a time has no calendar file');
  const locale = invitee.language;
  const cancelled = meeting.status === 'cancelled';
  const from = calAddress(organizer?.email);
  const to = invitee.group !== 'client' && invitee.contact.kind === 'email' ? calAddress(invitee.contact.email) : undefined;
  const itip = from && to ? { from, to } : undefined;
  const zone = meeting.when.timeZone;
  const start = DateTime.fromISO(meeting.when.start, { zone: 'utc' });
  const end = start.plus({ minutes: meeting.when.durationMinutes });
  const zoned = DateTime.fromMillis(0, { zone }).isValid;
  const times = zoned
    ? [`DTSTART;TZID=${zone}:${local(start.setZone(zone))}`, `DTEND;TZID=${zone}:${local(end.setZone(zone))}`]
    : [`DTSTART:${utc(start)}`, `DTEND:${utc(end)}`];
  const revised = meeting.cancelled?.at ?? meeting.lastChange?.at ?? meeting.sentAt;
  const dtstamp = itip || !revised ? stamp : DateTime.fromISO(revised, { zone: 'utc' });
  const home = t(locale, invitee.group === 'client' ? 'ics.homeLocationClient' : 'ics.homeLocation');
  const location = meeting.place?.kind === 'home' ? home : meeting.place ? formatPlace(meeting.place, locale) : undefined;
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Samrad//Network meeting//EN',
    'CALSCALE:GREGORIAN',
    ...(itip ? [`METHOD:${cancelled ? 'CANCEL' : 'REQUEST'}`] : []),
    ...(zoned ? vtimezone(zone, start.setZone(zone).year, end.setZone(zone).year) : []),
    'BEGIN:VEVENT',
    `UID:${meeting.id}@samrad`,
    `SEQUENCE:${meeting.sequence ?? 0}`,
    `DTSTAMP:${utc(dtstamp)}`,
    ...times,
    `SUMMARY:${escapeText(t(locale, cancelled ? 'ics.cancelledSummary' : 'ics.summary'))}`,
    `DESCRIPTION:${escapeText(t(locale, cancelled ? 'ics.cancelledDescription' : 'ics.description'))}`,
    ...(location ? [`LOCATION:${escapeText(location)}`] : []),
    ...(itip ? [organizerLine(organizer?.name, itip.from), attendeeLine(itip.to, cancelled)] : []),
    `STATUS:${cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(fold).join('\r\n') + '\r\n';
}

/** A well-formed e-mail address as a `mailto:` calendar address, or nothing. */
function calAddress(email: string | undefined): string | undefined {
  const address = email?.trim() ?? '';
  return /^[^\s\p{Cc}"<>\\,;:()[\]@]+@[^\s\p{Cc}"<>\\,;:()[\]@]+$/u.test(address) ? `mailto:${address}` : undefined;
}

/**
 * The caseworker as ORGANIZER, which lets the invitee's calendar send its answer to them. Only
 * the address the caseworker entered on their own settings card is used, with their own name
 * as CN: it names the professional, never the client. Without an entered address there is no
 * ORGANIZER (and so no iTIP request): Samråd has no mailbox of its own, and an invented address
 * would send the invitee's answers nowhere.
 */
function organizerLine(entered: string | undefined, address: string): string {
  // A parameter value is quoted; a quoted value cannot hold a DQUOTE or a control character.
  const name = (entered ?? '').replace(/["\p{Cc}]/gu, ' ').replace(/\s+/g, ' ').trim();
  return `ORGANIZER${name ? `;CN="${name}"` : ''}:${address}`;
}

/** The invitee as the one ATTENDEE, by address only: no CN, so no name is in the file. */
function attendeeLine(address: string, cancelled: boolean): string {
  return cancelled ? `ATTENDEE:${address}` : `ATTENDEE;RSVP=TRUE;PARTSTAT=NEEDS-ACTION:${address}`;
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
