import { DateTime } from 'luxon';
import { SCALES, type Scale } from '../bot/domain/feedback';
import type { Locale } from '../bot/domain/meeting';
import type { OverviewFigures } from '../bot/domain/overview';
import { t } from '../bot/i18n';
import { escapeMarkdown, notAList, type Fact, type Reader } from './format';
import { base, render, type AdaptiveCard, type CardBase, type Notice } from './render';
import overviewTemplate from './templates/overview.json';

/** At most this many meetings in each list of the overview; the rest are counted ("and 12 more meetings"). */
export const OVERVIEW_LIST_CAP = 20;

/** A line of one of the overview's lists. */
interface Line {
  text: string;
}

/** The data of the coordinators' overview card. */
export interface OverviewData extends CardBase {
  period: string;
  facts: Fact[];
  withoutMinutes: Line[];
  withoutMinutesMore: string;
  overdue: Line[];
  overdueMore: string;
  followUps: Line[];
  followUpsMore: string;
  /** One line per scale over the months, for the chart. */
  series: { legend: string; values: { x: string; y: number }[] }[];
  /** The same figures as a table, where the client draws no chart. */
  rows: ({ month: string; answered: string } & Record<Scale, string>)[];
}

/** The short form of a meeting id the overview shows: its first eight characters. */
export function shortId(meetingId: string): string {
  return meetingId.slice(0, 8);
}

/**
 * The coordinators' overview: how many meetings were held and are planned, which lack minutes,
 * which have overdue action items, which follow-up meetings are coming up, and the feedback per
 * month (a line per scale where Teams draws charts, a table elsewhere). Each meeting is named by
 * its short id, its dates, its caseworker and counts only: nothing of the client, the place or
 * anything said. Dates and numbers in the reader's language and time zone.
 */
export function overviewCard(figures: OverviewFigures, reader: Reader & { timeZone: string }, now: DateTime, notices: Notice[] = []): AdaptiveCard {
  const { locale, timeZone } = reader;
  const number = (n: number) => n.toLocaleString(locale, { useGrouping: false });
  const instant = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' }).setZone(timeZone).setLocale(locale).toLocaleString(DateTime.DATE_MED);
  const day = (isoDate: string) => DateTime.fromISO(isoDate, { zone: timeZone }).setLocale(locale).toLocaleString(DateTime.DATE_MED);
  const month = (yyyyMM: string) => DateTime.fromFormat(yyyyMM, 'yyyy-MM', { zone: 'utc' }).setLocale(locale).toLocaleString({ month: 'short', year: 'numeric' });
  const average = (n: number) => n.toLocaleString(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const caseworker = (name: string) => escapeMarkdown(name);

  const overdueItems = figures.overdue.reduce((sum, m) => sum + m.overdue, 0);
  const facts: Fact[] = [
    { title: t(locale, 'overview.held'), value: number(figures.held) },
    { title: t(locale, 'overview.planned'), value: number(figures.planned) },
    { title: t(locale, 'overview.withoutMinutes'), value: number(figures.withoutMinutes.length) },
    { title: t(locale, 'overview.overdue'), value: overdueItems === 0 ? number(0) : t(locale, 'overview.overdueValue', { items: overdueItems, meetings: figures.overdue.length }) },
    { title: t(locale, 'overview.followUps'), value: number(figures.followUps.length) },
  ];
  const [withoutMinutes, withoutMinutesMore] = capped(figures.withoutMinutes, locale, (m) =>
    notAList(t(locale, 'overview.withoutMinutesLine', { id: shortId(m.meetingId), date: instant(m.start), caseworker: caseworker(m.caseworker), ended: instant(m.endedAt) })),
  );
  const [overdue, overdueMore] = capped(figures.overdue, locale, (m) =>
    notAList(t(locale, 'overview.overdueLine', { id: shortId(m.meetingId), date: instant(m.start), caseworker: caseworker(m.caseworker), count: m.overdue })),
  );
  const [followUps, followUpsMore] = capped(figures.followUps, locale, (m) =>
    notAList(t(locale, 'overview.followUpLine', { date: day(m.followUp), id: shortId(m.meetingId), start: instant(m.start), caseworker: caseworker(m.caseworker) })),
  );
  const local = now.setZone(timeZone).setLocale(locale);
  return render<OverviewData>(overviewTemplate, {
    ...base(locale, notices),
    period: t(locale, 'overview.period', { from: month(figures.period.from), to: month(figures.period.to), now: t(locale, 'format.dateTime', { date: local.toLocaleString(DateTime.DATE_MED), time: local.toFormat('HH:mm') }) }),
    facts,
    withoutMinutes,
    withoutMinutesMore,
    overdue,
    overdueMore,
    followUps,
    followUpsMore,
    series: SCALES.map((scale) => ({ legend: t(locale, `feedback.scale.${scale}`), values: figures.feedback.map((f) => ({ x: month(f.month), y: f.averages[scale] })) })),
    rows: figures.feedback.map((f) => ({
      month: month(f.month),
      answered: number(f.count),
      ...(Object.fromEntries(SCALES.map((scale) => [scale, average(f.averages[scale])])) as Record<Scale, string>),
    })),
  });
}

/** The first OVERVIEW_LIST_CAP entries as lines, and "and N more meetings" for the rest (empty when none). */
function capped<T>(entries: readonly T[], locale: Locale, line: (entry: T) => string): [Line[], string] {
  const shown = entries.slice(0, OVERVIEW_LIST_CAP).map((entry) => ({ text: line(entry) }));
  const rest = entries.length - shown.length;
  return [shown, rest > 0 ? t(locale, 'overview.more', { count: rest }) : ''];
}
