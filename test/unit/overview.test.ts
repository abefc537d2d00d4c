import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { SCALES, type Scale } from '../../bot/domain/feedback';
import { LOCALES } from '../../bot/domain/meeting';
import { overviewFigures, overviewMonths, overviewPartition, overviewPartitions, summaryId, type MeetingSummary } from '../../bot/domain/overview';
import { t } from '../../bot/i18n';
import { OVERVIEW_LIST_CAP, overviewCard, shortId } from '../../cards/overview';
import { cardText } from '../support/cards';

// The UMD bundle: `lib/` is ES modules that Node cannot load from CommonJS.
const AC = require('adaptivecards/dist/adaptivecards.js');

/** Thursday 10 December 2026, 10:00 in Stockholm. */
const NOW = DateTime.fromISO('2026-12-10T09:00:00Z', { zone: 'utc' });
const ZONE = 'Europe/Stockholm';
const TENANT = '7d3c6a52-1f0e-4b8a-9c2d-5e6f7a8b9c0d';

const idOf = (n: number) => `${String(n).padStart(8, '0')}-1111-4222-8333-444455556666`;
const at = (shift: Parameters<DateTime['plus']>[0]) => NOW.plus(shift).toUTC().toISO()!;
const day = (days: number) => NOW.setZone(ZONE).plus({ days }).toISODate()!;
const feedback = (count: number, score: number): Record<Scale, { sum: number; count: number }> =>
  Object.fromEntries(SCALES.map((s, i) => [s, { sum: (score + i) * count, count }])) as Record<Scale, { sum: number; count: number }>;

/** A meeting's summary as the job writes it, ended a week ago unless told otherwise. */
function summary(n: number, fields: Partial<MeetingSummary> = {}): MeetingSummary {
  const meetingId = idOf(n);
  const start = fields.start ?? at({ days: -7 });
  return {
    kind: 'meetingSummary',
    id: summaryId(meetingId),
    partition: overviewPartition(TENANT, start),
    meetingId,
    tenantId: TENANT,
    caseworker: 'Kim Lind',
    start,
    state: 'ended',
    endedAt: at({ days: -7, hours: 2 }),
    minutesSentAt: at({ days: -7, hours: 3 }),
    invited: 6,
    answered: 5,
    items: [],
    updatedAt: at({ days: -1 }),
    ...fields,
  };
}

describe('the coordinators\' overview (bot/domain/overview.ts)', () => {
  describe('where summaries are kept', () => {
    it('keeps a summary in its tenant\'s month of the planned start, in UTC', () => {
      assert.equal(overviewPartition(TENANT, '2026-12-07T09:00:00Z'), `${TENANT}:2026-12`);
      // 00:30 on New Year's Day in Stockholm is still December in UTC.
      assert.equal(overviewPartition(TENANT, '2026-12-31T23:30:00Z'), `${TENANT}:2026-12`);
      assert.equal(overviewPartition(TENANT, '2027-01-01T00:00:00.000Z'), `${TENANT}:2027-01`);
    });

    it('reads fifteen months: this one, the eleven before and the three after, whatever the day', () => {
      const months = overviewMonths(NOW);
      assert.equal(months.length, 15);
      assert.equal(months[0], '2026-01');
      assert.equal(months[11], '2026-12');
      assert.equal(months[14], '2027-03');
      assert.deepEqual(overviewMonths(DateTime.fromISO('2026-12-31T23:59:59Z', { zone: 'utc' })), months);
      assert.deepEqual(overviewMonths(DateTime.fromISO('2026-12-01T00:00:00Z', { zone: 'utc' })), months);
      assert.equal(overviewPartitions(TENANT, NOW)[11], `${TENANT}:2026-12`);
    });
  });

  describe('overviewFigures, at 10:00 on 10 December 2026 in Stockholm', () => {
    it('counts the meetings held in the last twelve months and those planned for the next three', () => {
      const figures = overviewFigures(
        [
          summary(1),
          summary(2, { state: 'running', start: at({ hours: -1 }), endedAt: undefined, minutesSentAt: undefined }),
          summary(3, { state: 'cancelled', start: at({ days: -3 }) }),
          summary(4, { state: 'planned', start: at({ days: 20 }), endedAt: undefined, minutesSentAt: undefined }),
          summary(5, { state: 'planned', start: at({ days: 100 }), endedAt: undefined, minutesSentAt: undefined }),
          // Outside the months read: thirteen months ago, and four months ahead.
          summary(6, { start: '2025-11-20T09:00:00Z' }),
          summary(7, { state: 'planned', start: '2027-04-02T08:00:00Z', endedAt: undefined, minutesSentAt: undefined }),
          // Planned, but its time has passed and it never ran in Samråd: neither held nor planned.
          summary(8, { state: 'planned', start: at({ days: -1 }), endedAt: undefined, minutesSentAt: undefined }),
        ],
        NOW,
        ZONE,
      );
      assert.equal(figures.held, 2);
      assert.equal(figures.planned, 2);
      assert.deepEqual(figures.period, { from: '2026-01', to: '2027-03' });
    });

    it('names the meetings that ended more than two days ago without minutes, the longest waiting first', () => {
      const figures = overviewFigures(
        [
          summary(1, { minutesSentAt: undefined, endedAt: at({ days: -3 }) }),
          summary(2, { minutesSentAt: undefined, endedAt: at({ days: -1, hours: -23 }) }),
          summary(3, { minutesSentAt: undefined, endedAt: at({ days: -20 }), start: at({ days: -20, hours: -2 }) }),
          summary(4, { endedAt: at({ days: -5 }) }),
          summary(5, { state: 'cancelled', minutesSentAt: undefined }),
          summary(6, { state: 'running', endedAt: undefined, minutesSentAt: undefined }),
        ],
        NOW,
        ZONE,
      );
      assert.deepEqual(
        figures.withoutMinutes.map((m) => m.meetingId),
        [idOf(3), idOf(1)],
      );
      assert.equal(figures.withoutMinutes[1].caseworker, 'Kim Lind');
    });

    it('counts per meeting the action items not done and due before today, the most overdue first', () => {
      const figures = overviewFigures(
        [
          summary(1, { items: [{ due: day(-1), done: false }, { due: day(0), done: false }, { due: day(-30), done: true }] }),
          summary(2, { items: [{ due: day(-2), done: false }, { due: day(-9), done: false }, { due: day(5), done: false }] }),
          summary(3, { items: [{ due: day(-2), done: true }] }),
          summary(4, { state: 'cancelled', items: [{ due: day(-2), done: false }] }),
        ],
        NOW,
        ZONE,
      );
      assert.deepEqual(
        figures.overdue.map((m) => [m.meetingId, m.overdue]),
        [
          [idOf(2), 2],
          [idOf(1), 1],
        ],
      );
    });

    it('takes "today" in the reader\'s time zone: at 23:30 UTC it is already tomorrow in Stockholm', () => {
      const late = DateTime.fromISO('2026-12-10T23:30:00Z', { zone: 'utc' });
      const items = [{ due: '2026-12-10', done: false }];
      assert.equal(overviewFigures([summary(1, { items })], late, ZONE).overdue.length, 1);
      assert.equal(overviewFigures([summary(1, { items })], late, 'UTC').overdue.length, 0);
    });

    it('lists the follow-up meetings from today up to sixty days ahead, the soonest first', () => {
      const figures = overviewFigures(
        [
          summary(1, { followUp: day(60) }),
          summary(2, { followUp: day(0) }),
          summary(3, { followUp: day(61) }),
          summary(4, { followUp: day(-1) }),
          summary(5, { followUp: day(14), state: 'cancelled' }),
          summary(6, { followUp: day(30) }),
        ],
        NOW,
        ZONE,
      );
      assert.deepEqual(
        figures.followUps.map((m) => [m.meetingId, m.followUp]),
        [
          [idOf(2), day(0)],
          [idOf(6), day(30)],
          [idOf(1), day(60)],
        ],
      );
    });

    it('averages the feedback per month over every answer of its meetings, only where at least three answered that month', () => {
      const figures = overviewFigures(
        [
          // October: one meeting of three answers.
          summary(1, { start: '2026-10-05T08:00:00Z', feedback: feedback(3, 7) }),
          // November: two meetings of two answers each (a summary never holds fewer than three; the month's rule holds anyway).
          summary(2, { start: '2026-11-03T08:00:00Z', feedback: feedback(2, 6) }),
          summary(3, { start: '2026-11-20T08:00:00Z', feedback: feedback(2, 9) }),
          // September: only two answered.
          summary(4, { start: '2026-09-14T08:00:00Z', feedback: feedback(2, 8) }),
          // December: none given.
          summary(5),
        ],
        NOW,
        ZONE,
      );
      assert.deepEqual(figures.feedback, [
        { month: '2026-10', count: 3, averages: { relation: 7, goals: 8, approach: 9, overall: 10 } },
        { month: '2026-11', count: 4, averages: { relation: 7.5, goals: 8.5, approach: 9.5, overall: 10.5 } },
      ]);
    });

    it('rounds an average to one decimal, and counts the month in the reader\'s zone', () => {
      const odd = Object.fromEntries(SCALES.map((s) => [s, { sum: 22, count: 3 }])) as Record<Scale, { sum: number; count: number }>;
      // 23:30 UTC on 31 October is 00:30 on 1 November in Stockholm.
      const [point] = overviewFigures([summary(1, { start: '2026-10-31T23:30:00Z', feedback: odd })], NOW, ZONE).feedback;
      assert.equal(point.month, '2026-11');
      assert.equal(point.averages.relation, 7.3);
    });

    it('counts a meeting once when its summary was read from two months, as its newest summary says', () => {
      const old = summary(1, { state: 'planned', start: at({ days: 10 }), endedAt: undefined, minutesSentAt: undefined, updatedAt: at({ days: -20 }) });
      const moved = summary(1, { state: 'planned', start: at({ days: 40 }), endedAt: undefined, minutesSentAt: undefined, updatedAt: at({ days: -2 }) });
      const figures = overviewFigures([old, moved, { ...moved, state: 'cancelled', updatedAt: at({ days: -1 }) }], NOW, ZONE);
      assert.equal(figures.planned, 0);
      assert.equal(overviewFigures([old, moved], NOW, ZONE).planned, 1);
    });
  });
});

/** What the Adaptive Cards SDK reports when it parses and validates the card as schema 1.5. */
function validationErrors(json: object): string[] {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  card.parse(json, context);
  const events: { phase: number; event: number; message: string }[] = [];
  for (let i = 0; i < context.eventCount; i++) events.push(context.getEventAt(i));
  events.push(...card.validateProperties().validationEvents);
  return events.map((e) => `${AC.ValidationPhase[e.phase]}/${AC.ValidationEvent[e.event]}: ${e.message}`);
}

/** Every string value in the card. */
function strings(node: unknown, out: string[] = []): string[] {
  if (typeof node === 'string') out.push(node);
  else if (Array.isArray(node)) node.forEach((n) => strings(n, out));
  else if (typeof node === 'object' && node !== null) Object.values(node).forEach((n) => strings(n, out));
  return out;
}

/** 500 meetings over the fifteen months, every list far longer than the card shows, with the longest names. */
function manyMeetings(): MeetingSummary[] {
  const out: MeetingSummary[] = [];
  for (let n = 0; n < 500; n++) {
    const start = NOW.minus({ days: 330 }).plus({ hours: n * 20 }).toUTC().toISO()!;
    const ended = start < NOW.toUTC().toISO()!;
    out.push(
      summary(n, {
        start,
        caseworker: `Handläggare ${n} [*${'Åsa-Märta '.repeat(6)}*]`.slice(0, 80),
        state: ended ? 'ended' : 'planned',
        endedAt: ended ? DateTime.fromISO(start).plus({ hours: 2 }).toUTC().toISO()! : undefined,
        minutesSentAt: ended && n % 3 === 0 ? start : undefined,
        followUp: NOW.setZone(ZONE).plus({ days: n % 59 }).toISODate()!,
        invited: 40,
        answered: 39,
        items: Array.from({ length: 12 }, (_, i) => ({ due: NOW.setZone(ZONE).minus({ days: i - 3 }).toISODate()!, done: i % 4 === 0 })),
        feedback: ended ? feedback(40, 5) : undefined,
      }),
    );
  }
  return out;
}

describe('the overview card (cards/overview.ts)', () => {
  const sample = [
    summary(1, { minutesSentAt: undefined, endedAt: at({ days: -5 }), items: [{ due: day(-3), done: false }], followUp: day(20), caseworker: 'Kim *Lind*', feedback: feedback(3, 6) }),
    summary(2, { start: '2026-11-05T08:00:00Z', feedback: feedback(4, 8) }),
    summary(3, { state: 'planned', start: at({ days: 9 }), endedAt: undefined, minutesSentAt: undefined }),
  ];

  for (const locale of LOCALES) {
    describe(`in ${locale}`, () => {
      const reader = { locale, timeZone: ZONE };
      const card = overviewCard(overviewFigures(sample, NOW, ZONE), reader, NOW);

      it('parses as an Adaptive Card 1.5; only the chart is unknown to the SDK, and its fallback table is used there', () => {
        assert.equal(card.version, '1.5');
        assert.deepEqual(
          validationErrors(card).filter((e) => !/Chart\.Line/.test(e)),
          [],
        );
        assert.deepEqual(
          strings(card).filter((s) => s.includes('${')),
          [],
        );
      });

      it('shows the figures, each meeting by its short id, date and caseworker only, in the reader\'s language', () => {
        const text = cardText(card);
        assert.ok(text.includes(t(locale, 'overview.title')));
        assert.ok(text.includes(t(locale, 'overview.withoutMinutesLine', { id: shortId(idOf(1)), date: DateTime.fromISO(sample[0].start).setZone(ZONE).setLocale(locale).toLocaleString(DateTime.DATE_MED), caseworker: 'Kim \\*Lind\\*', ended: DateTime.fromISO(sample[0].endedAt!).setZone(ZONE).setLocale(locale).toLocaleString(DateTime.DATE_MED) })), text);
        assert.ok(text.includes(t(locale, 'overview.overdueLine', { id: shortId(idOf(1)), date: DateTime.fromISO(sample[0].start).setZone(ZONE).setLocale(locale).toLocaleString(DateTime.DATE_MED), caseworker: 'Kim \\*Lind\\*', count: 1 })));
        assert.ok(!text.includes(idOf(1)), 'the short id only');
        const facts = Object.fromEntries(((card.body as any[]).find((e) => e.type === 'FactSet').facts as { title: string; value: string }[]).map((f) => [f.title, f.value]));
        assert.equal(facts[t(locale, 'overview.held')], '2');
        assert.equal(facts[t(locale, 'overview.planned')], '1');
        assert.equal(facts[t(locale, 'overview.withoutMinutes')], '1');
        assert.equal(facts[t(locale, 'overview.overdue')], t(locale, 'overview.overdueValue', { items: 1, meetings: 1 }));
        assert.equal(facts[t(locale, 'overview.followUps')], '1');
      });

      it('draws the feedback over time as a line per scale, with a table of the same figures as its fallback', () => {
        const chart = (card.body as any[]).find((e) => e.type === 'Chart.Line');
        assert.deepEqual(
          chart.data.map((s: any) => s.legend),
          SCALES.map((s) => t(locale, `feedback.scale.${s}`)),
        );
        const months = ['2026-11', '2026-12'].map((m) => DateTime.fromFormat(m, 'yyyy-MM').setLocale(locale).toLocaleString({ month: 'short', year: 'numeric' }));
        assert.deepEqual(chart.data[0].values, [
          { x: months[0], y: 8 },
          { x: months[1], y: 6 },
        ]);
        const rows = chart.fallback.rows.slice(1).map((r: any) => r.cells.map((c: any) => c.items[0].text));
        const decimal = (n: number) => n.toLocaleString(locale, { minimumFractionDigits: 1 });
        assert.deepEqual(rows, [
          [months[0], decimal(8), decimal(9), decimal(10), decimal(11), '4'],
          [months[1], decimal(6), decimal(7), decimal(8), decimal(9), '3'],
        ]);
      });

      it('fits 500 meetings in under 80 KB: each list capped, the rest counted', () => {
        const big = overviewCard(overviewFigures(manyMeetings(), NOW, ZONE), reader, NOW);
        const bytes = Buffer.byteLength(JSON.stringify(big));
        assert.ok(bytes < 80 * 1024, `${bytes} bytes`);
        assert.deepEqual(
          validationErrors(big).filter((e) => !/Chart\.Line/.test(e)),
          [],
        );
        const figures = overviewFigures(manyMeetings(), NOW, ZONE);
        assert.ok(figures.withoutMinutes.length > OVERVIEW_LIST_CAP && figures.overdue.length > OVERVIEW_LIST_CAP && figures.followUps.length > OVERVIEW_LIST_CAP);
        const text = cardText(big);
        for (const rest of [figures.withoutMinutes.length, figures.overdue.length, figures.followUps.length].map((n) => n - OVERVIEW_LIST_CAP)) {
          assert.ok(text.includes(t(locale, 'overview.more', { count: rest })), `and ${rest} more`);
        }
        assert.equal(figures.feedback.length, 12, "January to December");
      });
    });
  }

  it('says so when no month has feedback from at least three people', () => {
    const card = overviewCard(overviewFigures([summary(1)], NOW, ZONE), { locale: 'sv', timeZone: ZONE }, NOW);
    assert.ok(cardText(card).includes(t('sv', 'overview.feedbackNone')));
    assert.equal((card.body as any[]).find((e) => e.type === 'Chart.Line'), undefined);
  });
});
