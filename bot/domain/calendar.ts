import Holidays from 'date-holidays';
import { DateTime } from 'luxon';

/**
 * Working days and quiet hours in Sweden, Denmark and Finland: when Samråd may nudge someone.
 * Pure: public holidays come from `date-holidays` (reference data, built once per country), the
 * rest is calendar arithmetic on local dates in the person's own time zone.
 */

export type Country = 'SE' | 'DK' | 'FI';
export const COUNTRIES: readonly Country[] = ['SE', 'DK', 'FI'];

/** The zones whose public holidays Samråd knows; Mariehamn (Åland) keeps Finland's. */
const ZONE_COUNTRY: Readonly<Record<string, Country>> = {
  'europe/stockholm': 'SE',
  'europe/copenhagen': 'DK',
  'europe/helsinki': 'FI',
  'europe/mariehamn': 'FI',
};

/** The country whose public holidays apply to someone in this IANA zone (Europe/Stockholm→SE, Europe/Copenhagen→DK, Europe/Helsinki (and Europe/Mariehamn)→FI); `fallback` for any other zone. */
export function countryOfZone(zone: string, fallback: Country): Country {
  return ZONE_COUNTRY[zone.trim().toLowerCase()] ?? fallback;
}

/** Local working hours: nudges are sent from 08:00 until 17:00 on working days. */
export const WORKING_HOURS: { readonly from: 8; readonly to: 17 } = { from: 8, to: 17 };

/**
 * The days most offices close although the law does not make them public holidays. `date-holidays`
 * files them under other types (Sweden's midsommarafton, julafton and nyårsafton and Finland's
 * jouluaatto and juhannusaatto as 'bank', Denmark's juleaftensdag and grundlovsdag as
 * 'observance') next to days that are ordinary working days (Finland's uudenvuodenaatto is 'bank'
 * too), so they are listed here by date rather than taken by type.
 */
const DAYS_OFF: Readonly<Record<Country, readonly DayRule[]>> = {
  // midsommarafton (the Friday between 19 and 25 June), julafton, nyårsafton
  SE: [{ friday: [6, 19] }, { month: 12, day: 24 }, { month: 12, day: 31 }],
  // grundlovsdag (most offices close at noon or all day: counted as off), juleaftensdag
  DK: [{ month: 6, day: 5 }, { month: 12, day: 24 }],
  // juhannusaatto (the Friday between 19 and 25 June), jouluaatto
  FI: [{ friday: [6, 19] }, { month: 12, day: 24 }],
};

/** A fixed date, or the Friday in the seven days from a given month and day. */
type DayRule = { month: number; day: number } | { friday: readonly [month: number, fromDay: number] };

function matches(rule: DayRule, day: DateTime): boolean {
  if ('friday' in rule) {
    const [month, from] = rule.friday;
    return day.month === month && day.weekday === 5 && day.day >= from && day.day < from + 7;
  }
  return day.month === rule.month && day.day === rule.day;
}

/** Each country's holiday calendar, made on first use: immutable reference data. */
const calendars = new Map<Country, Holidays>();
/** The public holidays of a country in a year, as local ISO dates: derived from the above, never changes. */
const publicHolidays = new Map<string, ReadonlySet<string>>();

function holidaysOf(country: Country, year: number): ReadonlySet<string> {
  const cacheKey = `${country}:${year}`;
  let days = publicHolidays.get(cacheKey);
  if (!days) {
    let calendar = calendars.get(country);
    if (!calendar) {
      calendar = new Holidays(country);
      calendars.set(country, calendar);
    }
    // `date` is the local start of the holiday, 'yyyy-MM-dd HH:mm:ss'.
    days = new Set(calendar.getHolidays(year).filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10)));
    publicHolidays.set(cacheKey, days);
  }
  return days;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A local ISO date as a day at midnight UTC: pure calendar arithmetic, no daylight saving. */
function parseDate(date: string): DateTime {
  const day = ISO_DATE.test(date) ? DateTime.fromISO(date, { zone: 'utc' }) : DateTime.invalid('not yyyy-MM-dd');
  if (!day.isValid) throw new RangeError(`not a date (yyyy-MM-dd): ${JSON.stringify(date)}`);
  return day;
}

function isWorkingDayAt(day: DateTime, country: Country): boolean {
  if (!COUNTRIES.includes(country)) throw new RangeError(`unknown country: ${JSON.stringify(country)}`);
  if (day.weekday > 5) return false;
  if (DAYS_OFF[country].some((rule) => matches(rule, day))) return false;
  return !holidaysOf(country, day.year).has(day.toISODate()!);
}

/** True on a working day in the country: Monday–Friday and not a public holiday; the de-facto days off count as holidays too (Sweden: midsommarafton, julafton, nyårsafton; Denmark: juleaftensdag, grundlovsdag (5 June, most offices close at noon or all day — treat as off), Finland: jouluaatto, juhannusaatto). `date` is a local ISO date 'yyyy-MM-dd'. */
export function isWorkingDay(date: string, country: Country): boolean {
  return isWorkingDayAt(parseDate(date), country);
}

/** The first working day on or after `day`. A year has no run of more than a few days off: the loop is short. */
function onOrAfter(day: DateTime, country: Country): DateTime {
  let d = day;
  while (!isWorkingDayAt(d, country)) d = d.plus({ days: 1 });
  return d;
}

/**
 * The instant itself when it falls within working hours on a working day in `zone`; otherwise 08:00
 * local time of the next working day in that zone, returned in UTC. Quiet hours are evenings, nights,
 * weekends and holidays. Both answers are in UTC. 08:00 is never inside a daylight-saving change,
 * so it always exists exactly once.
 */
export function nextWorkingMoment(instant: DateTime, zone: string, country: Country): DateTime {
  if (!instant.isValid) throw new RangeError(`not a valid instant: ${instant.invalidExplanation ?? instant.invalidReason}`);
  const local = instant.setZone(zone);
  if (!local.isValid) throw new RangeError(`unknown time zone: ${JSON.stringify(zone)}`);
  const today = parseDate(local.toISODate()!);
  const working = isWorkingDayAt(today, country);
  if (working && local.hour >= WORKING_HOURS.from && local.hour < WORKING_HOURS.to) return instant.toUTC();
  const day = working && local.hour < WORKING_HOURS.from ? today : onOrAfter(today.plus({ days: 1 }), country);
  return DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour: WORKING_HOURS.from }, { zone }).toUTC();
}

/** The local date `n` working days after `date` (n < 0: before; n = 0: `date` itself if it is a working day, else the next working day). */
export function addWorkingDays(date: string, n: number, country: Country): string {
  if (!Number.isInteger(n)) throw new RangeError(`not a whole number of days: ${n}`);
  let day = parseDate(date);
  if (n === 0) return onOrAfter(day, country).toISODate()!;
  const step = n > 0 ? 1 : -1;
  for (let left = Math.abs(n); left > 0; ) {
    day = day.plus({ days: step });
    if (isWorkingDayAt(day, country)) left--;
  }
  return day.toISODate()!;
}
