import assert from 'node:assert/strict';
import { upsert } from '../../bot/store/port';
import { DateTime } from 'luxon';
import { SCALES, type Scale } from '../../bot/domain/feedback';
import { LOCALES, type Locale } from '../../bot/domain/meeting';
import { overviewPartition, summaryId, type MeetingSummary } from '../../bot/domain/overview';
import { t } from '../../bot/i18n';
import { notAList } from '../../cards/format';
import { shortId } from '../../cards/overview';
import { attachedCard, cardText } from '../support/cards';
import { GraphStandIn, testTokens } from '../support/graph';
import { Harness, type Person } from '../support/harness';
import { CASEWORKER, planUntil } from '../support/scenarios';

/**
 * The coordinators' overview through the HTTP endpoint: a coordinator configured by object id
 * (COORDINATORS) and one who is a member of the tenant's coordinator group (COORDINATOR_GROUPS,
 * read from the Graph stand-in) ask for it by message and by button in sv, da, fi and en, and see
 * the figures of the meeting summaries stored here; anyone else is refused. The summaries carry
 * no client, and neither does the card: a real meeting planned with a client named Alex shows up
 * by its short id, date and caseworker only.
 */

const GROUP_TENANT = '7d3c6a52-1f0e-4b8a-9c2d-5e6f7a8b9c0d';
const GROUP = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const ZONES: Record<Locale, string> = { sv: 'Europe/Stockholm', da: 'Europe/Copenhagen', fi: 'Europe/Helsinki', en: 'Europe/London' };
const TAGS: Record<Locale, string> = { sv: 'sv-SE', da: 'da-DK', fi: 'fi-FI', en: 'en-GB' };
const WORDS: Record<Locale, string> = { sv: 'översikt', da: 'Oversigt', fi: 'yleiskatsaus', en: 'overview' };

/** The coordinator configured by object id, reading in a language. */
const byId = (locale: Locale): Person => ({ aadObjectId: 'a1c0ffee-0000-4000-8000-000000000001', name: 'Cecilia Coordinator', locale: TAGS[locale], timeZone: ZONES[locale] });
/** The coordinator through the Entra group, reading in a language. */
const byGroup = (locale: Locale): Person => ({ aadObjectId: 'b2c0ffee-0000-4000-8000-000000000002', name: 'Göran Group', locale: TAGS[locale], timeZone: ZONES[locale] });
/** Someone in the group's tenant who is not in the group. */
const outsider: Person = { aadObjectId: 'c3c0ffee-0000-4000-8000-000000000003', name: 'Olle Outside', locale: 'sv-SE', timeZone: 'Europe/Stockholm' };

const feedback = (count: number, score: number): Record<Scale, { sum: number; count: number }> =>
  Object.fromEntries(SCALES.map((s, i) => [s, { sum: (score + i) * count, count }])) as Record<Scale, { sum: number; count: number }>;

describe('the coordinators\' overview (by id and through an Entra group read from the Graph stand-in)', function () {
  this.timeout(120_000);
  const h = new Harness();
  const graph = new GraphStandIn();
  const now = DateTime.utc();
  /** The 12th of a month some months back, 08:00 UTC: in that month in every reader's zone. */
  const midMonth = (monthsBack: number) => now.startOf('month').minus({ months: monthsBack }).plus({ days: 11, hours: 8 });
  const iso = (dt: DateTime) => dt.toUTC().toISO()!;
  const date = (days: number) => now.setZone('Europe/Stockholm').plus({ days }).toISODate()!;
  const ids = { s1: '51000000-0000-4000-8000-000000000001', s2: '52000000-0000-4000-8000-000000000002', s3: '53000000-0000-4000-8000-000000000003', s4: '54000000-0000-4000-8000-000000000004', s5: '55000000-0000-4000-8000-000000000005', s6: '56000000-0000-4000-8000-000000000006', s7: '57000000-0000-4000-8000-000000000007', s8: '58000000-0000-4000-8000-000000000008' };
  let realMeetingId = '';

  /** Stores a summary through the store, as the job that keeps them would. */
  async function store(tenantId: string, meetingId: string, fields: Partial<MeetingSummary> & { start: string }): Promise<MeetingSummary> {
    const doc: MeetingSummary = {
      kind: 'meetingSummary',
      id: summaryId(meetingId),
      partition: overviewPartition(tenantId, fields.start),
      meetingId,
      tenantId,
      caseworker: 'Kim Lind',
      state: 'ended',
      invited: 5,
      answered: 5,
      items: [],
      updatedAt: iso(now),
      ...fields,
    };
    // The real meeting's line is written by Samråd itself already: replaced here with the figures the test wants.
    return (await upsert(h.app.deps.stores.overview, doc.partition, doc.id, () => doc))!.doc;
  }

  before(async () => {
    graph.groups.set(GROUP, ['11111111-2222-4333-8444-555555555555', byGroup('sv').aadObjectId.toUpperCase()]);
    await graph.start();
    await h.start(
      { COORDINATORS: byId('sv').aadObjectId, COORDINATOR_GROUPS: `${GROUP_TENANT}:${GROUP}`, GRAPH_BASE_URL: graph.baseUrl },
      undefined,
      // Local mode has no bot credentials to get a Graph token with: the test gives the stand-in's.
      { graphTokens: testTokens },
    );
    // A real meeting, with a client named Alex, a room and a purpose: none of it is in a summary.
    realMeetingId = (await planUntil(h, 'sent')).meetingId;
    await h.settled();
    const real = (await h.meeting(realMeetingId))!;
    const e2e = h.tenantId;
    await store(e2e, realMeetingId, { start: real.when!.start, state: 'planned', caseworker: real.organizer.name, invited: real.participants.length - 1, answered: 0 });
    // Held ten days ago: minutes sent, two action items overdue and one done, the follow-up in twenty days.
    await store(e2e, ids.s1, {
      start: iso(now.minus({ days: 10 })),
      endedAt: iso(now.minus({ days: 10 }).plus({ hours: 2 })),
      minutesSentAt: iso(now.minus({ days: 9 })),
      followUp: date(20),
      items: [
        { due: date(-5), done: false },
        { due: date(-3), done: false },
        { due: date(-4), done: true },
        { due: date(7), done: false },
      ],
      caseworker: 'Åsa Ek',
    });
    // Last month: three answered. Two months ago: four answered, and no minutes yet. Three months ago: only two answered.
    await store(e2e, ids.s2, { start: iso(midMonth(1)), endedAt: iso(midMonth(1).plus({ hours: 2 })), minutesSentAt: iso(midMonth(1).plus({ days: 1 })), feedback: feedback(3, 7) });
    await store(e2e, ids.s3, { start: iso(midMonth(2)), endedAt: iso(midMonth(2).plus({ hours: 2 })), feedback: feedback(4, 8), caseworker: 'Bo Berg' });
    await store(e2e, ids.s4, { start: iso(midMonth(3)), endedAt: iso(midMonth(3).plus({ hours: 2 })), minutesSentAt: iso(midMonth(3).plus({ days: 1 })), feedback: feedback(2, 3) });
    // Planned in two weeks; planned five months ahead (not read); cancelled with items overdue (not counted).
    await store(e2e, ids.s5, { start: iso(now.plus({ days: 14 })), state: 'planned', answered: 2 });
    await store(e2e, ids.s6, { start: iso(now.plus({ months: 5 })), state: 'planned' });
    await store(e2e, ids.s7, { start: iso(now.minus({ days: 5 })), state: 'cancelled', items: [{ due: date(-2), done: false }] });
    // Another organisation's meeting: only its own coordinators see it.
    await store(GROUP_TENANT, ids.s8, { start: iso(now.minus({ days: 6 })), endedAt: iso(now.minus({ days: 6 }).plus({ hours: 2 })), caseworker: 'Liisa Virtanen', followUp: date(3) });
  });

  after(async () => {
    await h.stop();
    await graph.stop();
  });

  /** An activity of this person in their personal chat in the group's tenant. */
  const inGroupTenant = (person: Person, fields: Record<string, unknown>) => {
    const activity = h.activity(person, fields);
    return { ...activity, conversation: { ...(activity.conversation as object), tenantId: GROUP_TENANT }, channelData: { tenant: { id: GROUP_TENANT } } };
  };
  /** The card the bot posts in answer to a message in the group's tenant. */
  async function sayInGroupTenant(person: Person, text: string): Promise<any> {
    const before = h.connector.posted().length;
    const answer = await h.postRaw(inGroupTenant(person, { type: 'message', text }));
    assert.equal(answer.status, 200);
    return h.connector
      .posted()
      .slice(before)
      .map((r) => attachedCard(r.body))
      .filter(Boolean)
      .pop();
  }
  /** The card answering a press of "Refresh" on the overview in the group's tenant. */
  async function pressInGroupTenant(person: Person): Promise<any> {
    const answer = await h.postRaw(
      inGroupTenant(person, { type: 'invoke', name: 'adaptiveCard/action', replyToId: 'overview-card', value: { action: { type: 'Action.Execute', verb: 'overview.show', data: { verb: 'overview.show' } }, trigger: 'manual' } }),
    );
    assert.equal(answer.status, 200);
    assert.equal(answer.body?.type, 'application/vnd.microsoft.card.adaptive');
    return answer.body.value;
  }

  const facts = (card: any): Record<string, string> => Object.fromEntries(((card.body as any[]).find((e) => e.type === 'FactSet')?.facts ?? []).map((f: any) => [f.title, f.value]));
  const day = (isoInstant: string, locale: Locale) => DateTime.fromISO(isoInstant, { zone: 'utc' }).setZone(ZONES[locale]).setLocale(locale).toLocaleString(DateTime.DATE_MED);
  const month = (dt: DateTime, locale: Locale) => DateTime.fromFormat(dt.toFormat('yyyy-MM'), 'yyyy-MM', { zone: 'utc' }).setLocale(locale).toLocaleString({ month: 'short', year: 'numeric' });
  /** Nothing of the real meeting but its short id, date and caseworker; no other organisation's meetings. */
  function assertNoCase(card: any, where: string): void {
    const json = JSON.stringify(card);
    for (const detail of ['Alex', 'Room 2', 'A plan for school', 'Mornings', 'Noor Nurse', 'Eva', realMeetingId]) assert.ok(!json.includes(detail), `${where} shows "${detail}"`);
  }

  /** The overview of the e2e tenant's summaries, as the coordinator by id must see it in this language. */
  function assertTenantOverview(card: any, locale: Locale, where: string): void {
    const text = cardText(card);
    assert.ok(text.includes(t(locale, 'overview.title')), `${where}: ${text.slice(0, 200)}`);
    const shown = facts(card);
    assert.equal(shown[t(locale, 'overview.held')], '4', where);
    assert.equal(shown[t(locale, 'overview.planned')], '2', where);
    assert.equal(shown[t(locale, 'overview.withoutMinutes')], '1', where);
    assert.equal(shown[t(locale, 'overview.overdue')], t(locale, 'overview.overdueValue', { items: 2, meetings: 1 }), where);
    assert.equal(shown[t(locale, 'overview.followUps')], '1', where);
    const s3 = midMonth(2);
    assert.ok(text.includes(t(locale, 'overview.withoutMinutesLine', { id: shortId(ids.s3), date: day(iso(s3), locale), caseworker: 'Bo Berg', ended: day(iso(s3.plus({ hours: 2 })), locale) })), `${where}: without minutes`);
    assert.ok(text.includes(t(locale, 'overview.overdueLine', { id: shortId(ids.s1), date: day(iso(now.minus({ days: 10 })), locale), caseworker: 'Åsa Ek', count: 2 })), `${where}: overdue`);
    // A line that begins with a Danish date ("16. jan.") is kept from being drawn as a numbered list.
    assert.ok(text.includes(notAList(t(locale, 'overview.followUpLine', { date: DateTime.fromISO(date(20), { zone: ZONES[locale] }).setLocale(locale).toLocaleString(DateTime.DATE_MED), id: shortId(ids.s1), start: day(iso(now.minus({ days: 10 })), locale), caseworker: 'Åsa Ek' }))), `${where}: follow-up`);
    assert.ok(!text.includes(shortId(ids.s6)) && !text.includes(shortId(ids.s7)), `${where}: neither the meeting five months ahead nor the cancelled one`);
    assert.ok(!text.includes('Liisa Virtanen'), `${where}: another organisation's meeting`);
    // The feedback over time: a line per scale, the months with at least three answers, and the same figures as a table.
    const chart = (card.body as any[]).find((e) => e.type === 'Chart.Line');
    assert.ok(chart, `${where}: the chart`);
    assert.deepEqual(
      chart.data.map((s: any) => s.legend),
      SCALES.map((s) => t(locale, `feedback.scale.${s}`)),
      where,
    );
    const months = [month(midMonth(2), locale), month(midMonth(1), locale)];
    assert.deepEqual(
      chart.data.map((s: any) => s.values),
      SCALES.map((_s, i) => [
        { x: months[0], y: 8 + i },
        { x: months[1], y: 7 + i },
      ]),
      where,
    );
    const rows = chart.fallback.rows.slice(1).map((r: any) => r.cells.map((c: any) => c.items[0].text));
    const decimal = (n: number) => n.toLocaleString(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    assert.deepEqual(
      rows,
      [
        [months[0], decimal(8), decimal(9), decimal(10), decimal(11), '4'],
        [months[1], decimal(7), decimal(8), decimal(9), decimal(10), '3'],
      ],
      where,
    );
    assert.ok(!JSON.stringify(chart).includes(month(midMonth(3), locale)), `${where}: the month with only two answers is not shown`);
    assertNoCase(card, where);
  }

  for (const locale of LOCALES) {
    it(`the coordinator by object id asks by message ("${WORDS[locale]}") and by button, in ${locale}`, async () => {
      const person = byId(locale);
      assertTenantOverview(await h.say(person, WORDS[locale]), locale, `the message in ${locale}`);
      assertTenantOverview(await h.press(person, 'overview.show', { verb: 'overview.show' }), locale, `the button in ${locale}`);
    });

    it(`the coordinator through the Entra group asks by message and by button, in ${locale}, and sees only their organisation's meetings`, async () => {
      const person = byGroup(locale);
      for (const card of [await sayInGroupTenant(person, WORDS[locale]), await pressInGroupTenant(person)]) {
        const text = cardText(card);
        assert.ok(text.includes(t(locale, 'overview.title')), text.slice(0, 200));
        assert.equal(facts(card)[t(locale, 'overview.held')], '1');
        assert.equal(facts(card)[t(locale, 'overview.withoutMinutes')], '1');
        assert.ok(text.includes(notAList(t(locale, 'overview.followUpLine', { date: DateTime.fromISO(date(3), { zone: ZONES[locale] }).setLocale(locale).toLocaleString(DateTime.DATE_MED), id: shortId(ids.s8), start: day(iso(now.minus({ days: 6 })), locale), caseworker: 'Liisa Virtanen' }))));
        assert.ok(text.includes(t(locale, 'overview.feedbackNone')));
        assert.ok(!text.includes('Kim Lind') && !text.includes('Åsa Ek'), 'nothing of another organisation');
        assertNoCase(card, `the group's coordinator in ${locale}`);
      }
    });
  }

  it('reads the group from Graph once for many presses (kept a few minutes), asking for ids only', () => {
    const reads = graph.groupReads();
    assert.equal(reads.length, 1);
    assert.equal(reads[0].path, `/groups/${GROUP}/transitiveMembers/microsoft.graph.user?$select=id`);
  });

  it('refuses anyone who is not a coordinator, in their language, and shows nothing of the overview', async () => {
    const refused = (card: any, locale: Locale, where: string) => {
      const text = cardText(card);
      assert.ok(text.includes(t(locale, 'problem.notCoordinator')), `${where}: ${text.slice(0, 200)}`);
      assert.ok(!text.includes(t(locale, 'overview.title')), where);
      for (const name of ['Kim Lind', 'Åsa Ek', 'Bo Berg', 'Liisa Virtanen', shortId(ids.s1), shortId(ids.s8)]) assert.ok(!JSON.stringify(card).includes(name), `${where} shows ${name}`);
    };
    // The caseworker who convenes the real meeting is no coordinator.
    refused(await h.say(CASEWORKER, 'översikt'), 'sv', 'the caseworker\'s message');
    refused(await h.press(CASEWORKER, 'overview.show', { verb: 'overview.show' }), 'sv', 'the caseworker\'s press');
    // Someone in the group's tenant outside the group.
    refused(await sayInGroupTenant(outsider, 'översikt'), 'sv', 'the outsider\'s message');
    refused(await pressInGroupTenant(outsider), 'sv', 'the outsider\'s press');
    // The group's member in another tenant: the group makes coordinators of its own tenant only.
    refused(await h.say(byGroup('fi'), 'yleiskatsaus'), 'fi', 'the group\'s member elsewhere');
    refused(await h.press(byGroup('da'), 'overview.show', { verb: 'overview.show' }), 'da', 'the group\'s member elsewhere, pressing');
  });

  it('shows the overview in the personal chat only: in a group chat the coordinator is pointed there', async () => {
    const activity = h.activity(byId('en'), {
      type: 'invoke',
      name: 'adaptiveCard/action',
      replyToId: 'x',
      value: { action: { type: 'Action.Execute', verb: 'overview.show', data: { verb: 'overview.show' } }, trigger: 'manual' },
      conversation: { id: 'a:group-chat', conversationType: 'groupChat', tenantId: h.tenantId },
    });
    const answer = await h.postRaw(activity);
    assert.equal(answer.status, 200);
    const text = cardText(answer.body.value);
    assert.ok(text.includes(t('en', 'help.notPersonal')), text.slice(0, 200));
    assert.ok(!text.includes(t('en', 'overview.title')));
  });
});
