import assert from 'node:assert/strict';
import ICAL from 'ical.js';

/** A calendar file as ical.js read it, for further assertions. */
export interface CheckedCalendar {
  /** The VCALENDAR. */
  calendar: ICAL.Component;
  /** Its one VEVENT. */
  vevent: ICAL.Component;
  event: ICAL.Event;
  /** The iTIP method (RFC 5546), or undefined for a plain RFC 5545 object. */
  method?: 'REQUEST' | 'CANCEL' | 'PUBLISH';
  /** The instants DTSTART and DTEND name, read through the file's own VTIMEZONE. */
  start: Date;
  end: Date;
}

/** Properties RFC 5545 (§3.6.1, eventprop) allows at most once in a VEVENT. */
const AT_MOST_ONCE = ['CLASS', 'CREATED', 'DESCRIPTION', 'DTSTART', 'GEO', 'LAST-MODIFIED', 'LOCATION', 'ORGANIZER', 'PRIORITY', 'DTSTAMP', 'SEQUENCE', 'STATUS', 'SUMMARY', 'TRANSP', 'UID', 'URL', 'RECURRENCE-ID', 'DTEND', 'DURATION'];

const MAILTO = /^mailto:[^\s@]+@[^\s@]+$/i;

/**
 * Checks a calendar file with ical.js, a parser independent of Samråd's own reader and writer,
 * and returns what it read.
 *
 * RFC 5545: CRLF line ends, content lines folded at 75 octets (never inside a UTF-8 character),
 * one VCALENDAR with VERSION:2.0 and a PRODID, exactly one VEVENT with UID, DTSTAMP (UTC),
 * DTSTART and DTEND after it, each at most once, and a VTIMEZONE in the file for every TZID
 * used, which is what the times are read through.
 *
 * RFC 5546 §3.2, by METHOD: REQUEST needs an ORGANIZER, at least one ATTENDEE and a SUMMARY
 * (STATUS, if any, TENTATIVE or CONFIRMED); CANCEL needs an ORGANIZER, a SEQUENCE, the
 * attendees (all of them when the whole event is cancelled, so at least one) and
 * STATUS:CANCELLED; PUBLISH needs an ORGANIZER and a SUMMARY and has no ATTENDEE. Without a
 * METHOD the file is a plain import (RFC 5545 §3.7.2): it invites nobody, so it carries no
 * ATTENDEE (and an ORGANIZER only for a group-scheduled event, §3.8.4.3, so not without one).
 */
export function checkCalendar(text: string): CheckedCalendar {
  checkLines(text);
  let parsed: unknown;
  assert.doesNotThrow(() => (parsed = ICAL.parse(text)), 'ical.js parses the file');
  assert.ok(Array.isArray(parsed) && typeof parsed[0] === 'string', 'the file holds one iCalendar object');
  const calendar = new ICAL.Component(parsed as unknown[]);
  assert.equal(calendar.name, 'vcalendar');

  const single = (c: ICAL.Component, name: string) => {
    const all = c.getAllProperties(name.toLowerCase());
    assert.equal(all.length, 1, `${c.name.toUpperCase()} has one ${name}`);
    return all[0];
  };
  assert.equal(single(calendar, 'VERSION').getFirstValue(), '2.0');
  assert.match(String(single(calendar, 'PRODID').getFirstValue()), /\S/, 'PRODID names the producer');
  const calscale = calendar.getAllProperties('calscale');
  assert.ok(calscale.length <= 1 && calscale.every((p) => p.getFirstValue() === 'GREGORIAN'), 'CALSCALE is GREGORIAN if given');

  const components = calendar.getAllSubcomponents();
  assert.ok(components.every((c) => c.name === 'vevent' || c.name === 'vtimezone'), `only VEVENT and VTIMEZONE: ${components.map((c) => c.name).join(', ')}`);
  const events = calendar.getAllSubcomponents('vevent');
  assert.equal(events.length, 1, 'one VEVENT');
  const vevent = events[0];
  for (const name of AT_MOST_ONCE) assert.ok(vevent.getAllProperties(name.toLowerCase()).length <= 1, `at most one ${name}`);
  assert.match(String(single(vevent, 'UID').getFirstValue()), /\S/, 'a UID');
  assert.match(String(single(vevent, 'DTSTAMP').toJSON()[3]), /Z$/, 'DTSTAMP is in UTC');
  single(vevent, 'DTSTART');
  single(vevent, 'DTEND');
  assert.equal(vevent.getAllProperties('duration').length, 0, 'DTEND, so no DURATION');

  // Every TZID used is defined in the file, once, with at least one observance.
  const zones = calendar.getAllSubcomponents('vtimezone');
  const defined = zones.map((z) => String(single(z, 'TZID').getFirstValue()));
  assert.equal(new Set(defined).size, defined.length, 'each VTIMEZONE once');
  for (const z of zones) {
    const observances = z.getAllSubcomponents();
    assert.ok(observances.length > 0 && observances.every((o) => o.name === 'standard' || o.name === 'daylight'), 'a VTIMEZONE holds STANDARD and DAYLIGHT observances');
    for (const o of observances) for (const name of ['DTSTART', 'TZOFFSETFROM', 'TZOFFSETTO']) single(o, name);
  }
  for (const tzid of usedTzids(calendar)) assert.ok(defined.includes(tzid), `a VTIMEZONE for TZID ${tzid}`);

  const event = new ICAL.Event(vevent);
  const startTime = event.startDate;
  const endTime = event.endDate;
  for (const [name, time] of [['DTSTART', startTime], ['DTEND', endTime]] as const) {
    const tzid = vevent.getFirstProperty(name.toLowerCase())!.getFirstParameter('tzid');
    const zone = time.zone as ICAL.Timezone | undefined;
    if (tzid) assert.ok(zone?.tzid === tzid && zone.component, `${name} is read through the file's own VTIMEZONE for ${tzid}`);
    else assert.equal(time.zone, ICAL.Timezone.utcTimezone, `${name} without a TZID is in UTC, never floating`);
  }
  const start = startTime.toJSDate();
  const end = endTime.toJSDate();
  assert.ok(end.getTime() > start.getTime(), `DTEND (${end.toISOString()}) is after DTSTART (${start.toISOString()})`);

  const sequence: unknown = vevent.getFirstPropertyValue('sequence');
  assert.ok(sequence === null || (Number.isInteger(sequence) && (sequence as number) >= 0), 'SEQUENCE is a non-negative integer');
  const status = vevent.getFirstPropertyValue('status');
  assert.ok(status === null || ['TENTATIVE', 'CONFIRMED', 'CANCELLED'].includes(String(status)), `a VEVENT's STATUS: ${status}`);
  const organizers = vevent.getAllProperties('organizer');
  const attendees = vevent.getAllProperties('attendee');
  for (const p of [...organizers, ...attendees]) assert.match(String(p.getFirstValue()), MAILTO, `${p.name.toUpperCase()} is a mailto: address`);
  assert.equal(vevent.getAllProperties('request-status').length, 0, 'no REQUEST-STATUS outside a REPLY');

  const methods = calendar.getAllProperties('method');
  assert.ok(methods.length <= 1, 'at most one METHOD');
  const method = methods[0]?.getFirstValue() as string | undefined;
  switch (method) {
    case 'REQUEST':
      assert.equal(organizers.length, 1, 'a REQUEST has an ORGANIZER (RFC 5546 §3.2.2)');
      assert.ok(attendees.length >= 1, 'a REQUEST has an ATTENDEE');
      single(vevent, 'SUMMARY');
      assert.ok(status === null || status === 'TENTATIVE' || status === 'CONFIRMED', `a REQUEST's STATUS: ${status}`);
      break;
    case 'CANCEL':
      assert.equal(organizers.length, 1, 'a CANCEL has an ORGANIZER (RFC 5546 §3.2.5)');
      assert.ok(attendees.length >= 1, 'a CANCEL of the whole event names its attendees');
      single(vevent, 'SEQUENCE');
      assert.equal(status, 'CANCELLED', 'a CANCEL of the whole event has STATUS:CANCELLED');
      break;
    case 'PUBLISH':
      assert.equal(organizers.length, 1, 'a PUBLISH has an ORGANIZER (RFC 5546 §3.2.1)');
      assert.equal(attendees.length, 0, 'a PUBLISH has no ATTENDEE');
      single(vevent, 'SUMMARY');
      break;
    case undefined:
      assert.equal(attendees.length, 0, 'a plain import (no METHOD) invites nobody: no ATTENDEE');
      assert.equal(organizers.length, 0, 'no ORGANIZER without a group-scheduled event');
      break;
    default:
      assert.fail(`a METHOD Samråd never sends: ${method}`);
  }
  return { calendar, vevent, event, method, start, end };
}

/** RFC 5545 §3.1: CRLF line ends, no bare CR or LF, lines of at most 75 octets (in UTF-8) that split no character. */
function checkLines(text: string): void {
  assert.ok(text.endsWith('\r\n'), 'the last line ends with CRLF');
  const lines = text.slice(0, -2).split('\r\n');
  lines.forEach((line, i) => {
    assert.ok(!/[\r\n]/.test(line), `line ${i + 1} has a bare CR or LF`);
    const bytes = Buffer.from(line, 'utf8');
    assert.ok(bytes.length <= 75, `line ${i + 1} is ${bytes.length} octets: ${line}`);
    assert.ok(line.length > 0, `line ${i + 1} is empty`);
    // A fold inside a character leaves half of it on each line: a lone surrogate here.
    assert.ok(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(line), `line ${i + 1} splits a character`);
  });
  assert.ok(!/^[ \t]/.test(lines[0]), 'the first line is not a continuation');
}

/** Every TZID parameter on any property of the calendar's components. */
function usedTzids(component: ICAL.Component): string[] {
  const own = component.getAllProperties().map((p) => p.getFirstParameter('tzid')).filter((v): v is string => !!v);
  return [...own, ...component.getAllSubcomponents().flatMap(usedTzids)];
}
