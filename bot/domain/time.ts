import { DateTime, IANAZone } from 'luxon';
import type { Problem } from './problems';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^(\d{1,2}):(\d{2})(?::\d{2})?$/;

/**
 * Turns a wall-clock date and time in a zone into an instant, refusing impossible ones:
 * a malformed value, a day that does not exist, or a time skipped by a daylight-saving change.
 */
export function localToInstant(date: string, time: string, timeZone: string): { instant?: DateTime; problems: Problem[] } {
  const problems: Problem[] = [];
  const d = date.trim();
  const t = time.trim();
  if (d === '') problems.push({ code: 'dateRequired' });
  else if (!DATE.test(d) || !DateTime.fromISO(d).isValid) problems.push({ code: 'dateInvalid' });
  const match = TIME.exec(t);
  const hours = match ? Number(match[1]) : NaN;
  const minutes = match ? Number(match[2]) : NaN;
  if (t === '') problems.push({ code: 'timeRequired' });
  else if (!(hours <= 23 && minutes <= 59)) problems.push({ code: 'timeInvalid' });
  if (problems.length > 0) return { problems };
  const hhmm = `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
  const instant = DateTime.fromISO(`${d}T${hhmm}`, { zone: timeZone });
  if (!instant.isValid) return { problems: [{ code: 'dateInvalid' }] };
  if (instant.toFormat('yyyy-MM-dd') !== d || instant.toFormat('HH:mm') !== hhmm) {
    return { problems: [{ code: 'timeNotOnDate', params: { time: hhmm, date: d } }] };
  }
  return { instant, problems };
}

/** Zones already checked: the answer for a name never changes, and checking costs an Intl formatter. */
const knownZones = new Map<string, boolean>();

/** True when the zone is one luxon knows (Teams sends IANA names such as Europe/Helsinki). */
export function isKnownZone(zone: string | undefined): zone is string {
  if (!zone || zone.length > 64) return false;
  let known = knownZones.get(zone);
  if (known === undefined) {
    known = IANAZone.isValidZone(zone);
    if (knownZones.size < 1000) knownZones.set(zone, known);
  }
  return known;
}

/** The wall-clock parts of an instant in a zone, for showing and for pre-filling a form. */
export function wallClock(isoInstant: string, timeZone: string): { date: string; time: string } {
  const dt = DateTime.fromISO(isoInstant, { zone: 'utc' }).setZone(timeZone);
  return { date: dt.toFormat('yyyy-MM-dd'), time: dt.toFormat('HH:mm') };
}

/** The end of a meeting as an ISO instant. */
export function endOf(startIso: string, durationMinutes: number): string {
  return DateTime.fromISO(startIso, { zone: 'utc' }).plus({ minutes: durationMinutes }).toISO()!;
}
