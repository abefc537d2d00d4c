import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { countryOfZone } from '../../bot/domain/calendar';
import { cancelMeeting, editable, sendChange, startChange, withEdits } from '../../bot/domain/change';
import { planOnly, replyDoc } from '../../bot/domain/invitation';
import type { Meeting } from '../../bot/domain/meeting';
import type { MeetingView } from '../../bot/domain/meeting-docs';
import type { MinutesDoc } from '../../bot/domain/minutes';
import { nudgeDocId, type NudgeDoc } from '../../bot/domain/nudge-log';
import { DEFAULT_NUDGE_SETTINGS, dueNudges, plannedNudges, type Nudge, type NudgeContext, type NudgeRule, type Recipient } from '../../bot/domain/nudges';
import { markItem, newActionItem, type ActionItem } from '../../bot/domain/plan';
import { addParticipant, markSent, newDraft, setRoles, setWhen, setWhy } from '../../bot/domain/planning';
import { applyStep, openSession, type Session, type SessionStep } from '../../bot/domain/session';

const STOCKHOLM = 'Europe/Stockholm';
const HELSINKI = 'Europe/Helsinki';
const COPENHAGEN = 'Europe/Copenhagen';

/** An instant given in UTC: the only clock in this file. */
const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });
/** An instant as a person in `zone` reads it: "Wednesday 16 June 2027, 08:00". */
const local = (at: string, zone: string) => utc(at).setZone(zone).setLocale('en-GB').toFormat('cccc d LLLL yyyy, HH:mm');

const base = { relation: '', teamsUserId: '', email: '', address: '', language: 'sv' };

/**
 * A sent meeting (Thursday 10 June 2027, 10:00–11:30 Stockholm time unless told otherwise), planned
 * by the caseworker Kim: the youth worker Lars, the school nurse Noor and the teacher Mette in Teams,
 * the grandmother Eva by post and the client Alex by hand. Noor writes the memo.
 */
function meeting(options: { date?: string; time?: string; zone?: string; sent?: string; secretaryId?: string } = {}): Meeting {
  const sent = utc(options.sent ?? '2027-05-17T08:00:00Z');
  const zone = options.zone ?? STOCKHOLM;
  let m = newDraft({ id: 'm', organizer: { userKey: 'aad-kim', name: 'Kim' }, organizerParticipantId: 'kim', organizerUserId: 'kim', organizerLanguage: 'sv', tenantId: 't', now: sent.minus({ days: 1 }) });
  m = setWhen(m, { date: options.date ?? '2027-06-10', time: options.time ?? '10:00', duration: '90', placeKind: 'room', placeDetails: 'Rum 2' }, zone, sent.minus({ days: 1 }));
  m = addParticipant(m, { ...base, name: 'Lars', relation: 'fritidsledare', group: 'professional', contactKind: 'teams', teamsUserId: 'lars' }, 'lars', sent);
  m = addParticipant(m, { ...base, name: 'Noor', relation: 'terveydenhoitaja', group: 'professional', contactKind: 'teams', teamsUserId: 'noor', language: 'fi' }, 'noor', sent);
  m = addParticipant(m, { ...base, name: 'Mette', relation: 'lærer', group: 'professional', contactKind: 'teams', teamsUserId: 'mette', language: 'da' }, 'mette', sent);
  m = addParticipant(m, { ...base, name: 'Eva', relation: 'mormor', group: 'network', contactKind: 'post', address: 'Gatan 1' }, 'eva', sent);
  m = addParticipant(m, { ...base, name: 'Alex', group: 'client', contactKind: 'hand' }, 'alex', sent);
  m = setRoles(m, { consent: true, chairId: 'mette', secretaryId: options.secretaryId ?? 'noor' }, 'aad-kim', sent);
  m = setWhy(m, { purpose: 'En plan för hösten', topics: 'Skolan\nSömn', form: '' }, sent);
  return markSent(m, sent);
}

/** Meeting mode held from the planned start and ended at `endedAt`, with the follow-up agreed for `followUp`. */
function ended(plan: Meeting, endedAt: string, followUp = '2027-09-06', steps: SessionStep[] = []): Session {
  const start = utc(plan.when!.start);
  let s = openSession(plan, [], new Set(), 'aad-kim', start.minus({ minutes: 10 }));
  s = applyStep(plan, s, { step: 'begin' }, 'aad-kim', start);
  for (const step of steps) s = applyStep(plan, s, step, 'aad-kim', start.plus({ minutes: 1 }));
  s = applyStep(plan, s, { step: 'outcome', responsible: 'noor', followUp }, 'aad-kim', utc(endedAt).minus({ minutes: 5 }));
  return applyStep(plan, s, { step: 'end' }, 'aad-kim', utc(endedAt));
}

/** An action item agreed at the meeting (or at `agreed`). */
function item(plan: Meeting, id: string, ownerId: string, due: string, agreed = plan.when!.start): ActionItem {
  return newActionItem(plan, { text: 'Ringa skolan', ownerId, due, withIds: [] }, id, 'aad-kim', utc(agreed));
}

/** The meeting as the rules read it. */
const view = (plan: Meeting, over: Partial<MeetingView> = {}): MeetingView => ({ ...planOnly(plan), ...over });

/** Where everyone is: the caseworker and Lars in Stockholm, Noor in Helsinki, Mette in Copenhagen, the coordinators in Stockholm. */
const ZONES: Readonly<Record<string, string>> = { caseworker: STOCKHOLM, coordinator: STOCKHOLM, lars: STOCKHOLM, noor: HELSINKI, mette: COPENHAGEN };

function context(over: Partial<NudgeContext> = {}, zones: Record<string, string> = {}): NudgeContext {
  const all = { ...ZONES, ...zones };
  return {
    settings: DEFAULT_NUDGE_SETTINGS,
    placeOf: (to: Recipient) => {
      const zone = all[to.kind === 'participant' ? to.id : to.kind];
      assert.ok(zone, `no zone for ${JSON.stringify(to)}: a nudge to someone outside Teams`);
      return { zone, country: countryOfZone(zone, 'SE') };
    },
    coordinators: true,
    log: new Map(),
    ...over,
  };
}

/** What the caseworker did with a nudge, as Samråd records it. */
function logged(entries: Record<string, Partial<NudgeDoc>>): Map<string, NudgeDoc> {
  return new Map(Object.entries(entries).map(([key, doc]) => [key, { kind: 'nudge', id: nudgeDocId(key), meetingId: 'm', key, updatedAt: '2027-06-01T00:00:00.000Z', ...doc } as NudgeDoc]));
}

function find(nudges: Nudge[], key: string): Nudge {
  const found = nudges.find((n) => n.key === key);
  assert.ok(found, `no nudge ${key} among ${nudges.map((n) => n.key).join(', ') || 'none'}`);
  return found;
}

const keys = (nudges: Nudge[], rule?: NudgeRule) => nudges.filter((n) => !rule || n.rule === rule).map((n) => n.key);

/** The minutes as the secretary left them. */
const minutes = (state: MinutesDoc['state']): MinutesDoc => ({ kind: 'minutes', id: 'minutes', meetingId: 'm', state, ...(state === 'sent' ? { sentAt: '2027-06-11T10:00:00.000Z', sentBy: 'aad-noor' } : {}), updatedAt: '2027-06-11T10:00:00.000Z' });

/** The meeting of 10 June 2027, ended at 11:30 Stockholm time. */
const ENDED = '2027-06-10T09:30:00.000Z';

describe('follow-up nudges (bot/domain/nudges.ts)', () => {
  describe('action items', () => {
    it('reminds the owner two working days before an item is due, at 08:00 in the owner\'s own zone', () => {
      const plan = meeting();
      const nudges = plannedNudges(view(plan, { actions: [item(plan, 'a', 'lars', '2027-06-18'), item(plan, 'b', 'noor', '2027-06-18')] }), context());
      const lars = find(nudges, 'item.a.soon');
      assert.deepEqual(lars.to, { kind: 'participant', id: 'lars' });
      assert.equal(lars.rule, 'itemSoon');
      assert.equal(lars.itemId, 'action.a');
      assert.equal(local(lars.at, STOCKHOLM), 'Wednesday 16 June 2027, 08:00', 'due Friday 18 June: Lars in Stockholm hears on Wednesday 16 June at 08:00 Stockholm time');
      assert.equal(lars.at, '2027-06-16T06:00:00.000Z', '08:00 Stockholm summer time is 06:00 UTC');
      const noor = find(nudges, 'item.b.soon');
      assert.equal(local(noor.at, HELSINKI), 'Wednesday 16 June 2027, 08:00', 'the same item for Noor in Helsinki: Wednesday 16 June at 08:00 Helsinki time');
      assert.equal(local(noor.at, STOCKHOLM), 'Wednesday 16 June 2027, 07:00', 'which is 07:00 Stockholm time, an hour before Lars');
    });

    it('counts the two working days back over Midsommarafton in Sweden and juhannusaatto in Finland, not in Denmark', () => {
      const plan = meeting();
      const soon = plannedNudges(view(plan, { actions: [item(plan, 'se', 'lars', '2027-06-28'), item(plan, 'fi', 'noor', '2027-06-28'), item(plan, 'dk', 'mette', '2027-06-28')] }), context());
      assert.equal(local(find(soon, 'item.se.soon').at, STOCKHOLM), 'Wednesday 23 June 2027, 08:00', 'due Monday 28 June, Midsommarafton (Friday 25 June) off: Lars hears on Wednesday 23 June at 08:00 Stockholm time');
      assert.equal(local(find(soon, 'item.fi.soon').at, HELSINKI), 'Wednesday 23 June 2027, 08:00', 'juhannusaatto (Friday 25 June) off in Finland too: Noor hears on Wednesday 23 June at 08:00 Helsinki time');
      assert.equal(local(find(soon, 'item.dk.soon').at, COPENHAGEN), 'Thursday 24 June 2027, 08:00', 'Friday 25 June is a working day in Denmark: Mette hears on Thursday 24 June at 08:00 Copenhagen time');

      const late = plannedNudges(view(plan, { actions: [item(plan, 'se', 'lars', '2027-06-24'), item(plan, 'dk', 'mette', '2027-06-24')] }), context());
      assert.equal(local(find(late, 'item.se.overdue.owner').at, STOCKHOLM), 'Monday 28 June 2027, 08:00', 'due Thursday 24 June and still open: Lars is told on Monday 28 June at 08:00 Stockholm time, not on Midsommarafton');
      assert.equal(local(find(late, 'item.dk.overdue.owner').at, COPENHAGEN), 'Friday 25 June 2027, 08:00', 'Mette in Copenhagen is told on Friday 25 June at 08:00 Copenhagen time');
    });

    it('has no "due soon" nudge for an item agreed less than two working days before it is due', () => {
      const plan = meeting();
      // Agreed at the meeting, Thursday 10 June at 10:00 Stockholm time.
      const nudges = plannedNudges(view(plan, { actions: [item(plan, 'fri', 'lars', '2027-06-11'), item(plan, 'mon', 'lars', '2027-06-14'), item(plan, 'tue', 'lars', '2027-06-15')] }), context());
      assert.deepEqual(keys(nudges, 'itemSoon'), ['item.tue.soon'], 'due Friday 11 June or Monday 14 June: Lars has just heard of it; due Tuesday 15 June: reminded');
      assert.equal(local(find(nudges, 'item.tue.soon').at, STOCKHOLM), 'Friday 11 June 2027, 08:00', 'due Tuesday 15 June: reminded on Friday 11 June at 08:00 Stockholm time');
      assert.equal(local(find(nudges, 'item.fri.overdue.owner').at, STOCKHOLM), 'Monday 14 June 2027, 08:00', 'due Friday 11 June and still open: told on Monday 14 June at 08:00 Stockholm time');
    });

    it('escalates an overdue item: the owner the next working morning, the caseworker after the grace period, then the coordinators, each in their own zone', () => {
      const plan = meeting();
      const actions = [item(plan, 'a', 'noor', '2027-06-18')];
      const nudges = plannedNudges(view(plan, { actions }), context());
      assert.deepEqual(keys(nudges).filter((k) => k.startsWith('item.')), ['item.a.soon', 'item.a.overdue.owner', 'item.a.overdue.caseworker', 'item.a.overdue.coordinator'], 'in this order');
      const owner = find(nudges, 'item.a.overdue.owner');
      assert.deepEqual([owner.rule, owner.to], ['itemOverdue', { kind: 'participant', id: 'noor' }]);
      assert.equal(local(owner.at, HELSINKI), 'Monday 21 June 2027, 08:00', 'due Friday 18 June: Noor is told on Monday 21 June at 08:00 Helsinki time');
      const caseworker = find(nudges, 'item.a.overdue.caseworker');
      assert.deepEqual(caseworker.to, { kind: 'caseworker' });
      assert.equal(local(caseworker.at, STOCKHOLM), 'Wednesday 23 June 2027, 08:00', 'two working days later: Kim on Wednesday 23 June at 08:00 Stockholm time');
      const coordinator = find(nudges, 'item.a.overdue.coordinator');
      assert.deepEqual(coordinator.to, { kind: 'coordinator' });
      assert.equal(local(coordinator.at, STOCKHOLM), 'Monday 28 June 2027, 08:00', 'two working days after that, over Midsommarafton: the coordinators on Monday 28 June at 08:00 Stockholm time');

      const quick = plannedNudges(view(plan, { actions }), context({ settings: { ...DEFAULT_NUDGE_SETTINGS, graceWorkingDays: 1 } }));
      assert.equal(local(find(quick, 'item.a.overdue.caseworker').at, STOCKHOLM), 'Tuesday 22 June 2027, 08:00', 'a grace of one working day: Kim on Tuesday 22 June at 08:00 Stockholm time');
      assert.equal(local(find(quick, 'item.a.overdue.coordinator').at, STOCKHOLM), 'Wednesday 23 June 2027, 08:00', 'and the coordinators on Wednesday 23 June at 08:00 Stockholm time');
    });

    it('tells the caseworker, not the owner, about an item of someone outside Teams; the caseworker\'s own item comes to them as owner first', () => {
      const plan = meeting();
      const nudges = plannedNudges(view(plan, { actions: [item(plan, 'eva', 'eva', '2027-06-18'), item(plan, 'kim', 'kim', '2027-06-18')] }), context());
      assert.deepEqual(keys(nudges).filter((k) => k.startsWith('item.eva.')), ['item.eva.overdue.caseworker', 'item.eva.overdue.coordinator'], 'Eva sees her item on her page: no nudge in Teams for her');
      assert.equal(local(find(nudges, 'item.eva.overdue.caseworker').at, STOCKHOLM), 'Wednesday 23 June 2027, 08:00', 'due Friday 18 June: Kim on Wednesday 23 June at 08:00 Stockholm time');
      assert.deepEqual(find(nudges, 'item.kim.soon').to, { kind: 'caseworker' });
      assert.equal(local(find(nudges, 'item.kim.soon').at, STOCKHOLM), 'Wednesday 16 June 2027, 08:00', 'Kim\'s own item: Wednesday 16 June at 08:00 Stockholm time');
      assert.deepEqual(find(nudges, 'item.kim.overdue.owner').to, { kind: 'caseworker' });
      assert.deepEqual(keys(nudges).filter((k) => k.startsWith('item.kim.overdue.')), ['item.kim.overdue.owner', 'item.kim.overdue.coordinator'], 'told once as its owner, not again as the caseworker');
    });

    it('keeps Danish Grundlovsdag for a caseworker in Copenhagen', () => {
      // Wednesday 27 May 2026, planned in Copenhagen; Grundlovsdag is Friday 5 June 2026.
      const plan = meeting({ date: '2026-05-27', zone: COPENHAGEN, sent: '2026-05-04T08:00:00Z' });
      const actions = [item(plan, 'a', 'lars', '2026-06-03'), item(plan, 'b', 'lars', '2026-06-08'), item(plan, 'c', 'mette', '2026-06-08')];
      const inCopenhagen = plannedNudges(view(plan, { actions }), context({}, { caseworker: COPENHAGEN }));
      assert.equal(local(find(inCopenhagen, 'item.a.overdue.owner').at, STOCKHOLM), 'Thursday 4 June 2026, 08:00', 'due Wednesday 3 June: Lars on Thursday 4 June at 08:00 Stockholm time');
      assert.equal(local(find(inCopenhagen, 'item.a.overdue.caseworker').at, COPENHAGEN), 'Tuesday 9 June 2026, 08:00', 'three Danish working days after it, Grundlovsdag skipped: Kim in Copenhagen on Tuesday 9 June at 08:00 Copenhagen time');
      const inStockholm = plannedNudges(view(plan, { actions }), context());
      assert.equal(local(find(inStockholm, 'item.a.overdue.caseworker').at, STOCKHOLM), 'Monday 8 June 2026, 08:00', 'the same caseworker in Stockholm works on 5 June: Monday 8 June at 08:00 Stockholm time');
      assert.equal(local(find(inCopenhagen, 'item.c.soon').at, COPENHAGEN), 'Wednesday 3 June 2026, 08:00', 'due Monday 8 June: Mette hears two Danish working days before, Wednesday 3 June at 08:00 Copenhagen time');
      assert.equal(local(find(inCopenhagen, 'item.b.soon').at, STOCKHOLM), 'Thursday 4 June 2026, 08:00', 'and Lars two Swedish ones before, Thursday 4 June at 08:00 Stockholm time');
    });

    it('keeps 08:00 local time across the daylight-saving changes (the last Sunday of March and of October)', () => {
      // Tuesday 16 March 2027; summer time begins on Sunday 28 March, Easter Sunday.
      const plan = meeting({ date: '2027-03-16', sent: '2027-03-01T08:00:00Z' });
      const nudges = plannedNudges(view(plan, { actions: [item(plan, 'spring', 'lars', '2027-03-31'), item(plan, 'autumn', 'noor', '2027-10-29')] }), context());
      const soon = find(nudges, 'item.spring.soon');
      assert.equal(local(soon.at, STOCKHOLM), 'Thursday 25 March 2027, 08:00', 'due Wednesday 31 March, Easter Monday and Good Friday off: Thursday 25 March at 08:00 Stockholm winter time');
      assert.equal(soon.at, '2027-03-25T07:00:00.000Z', '08:00 winter time is 07:00 UTC');
      const overdue = find(nudges, 'item.spring.overdue.owner');
      assert.equal(local(overdue.at, STOCKHOLM), 'Thursday 1 April 2027, 08:00', 'overdue: Thursday 1 April at 08:00 Stockholm summer time');
      assert.equal(overdue.at, '2027-04-01T06:00:00.000Z', '08:00 summer time is 06:00 UTC');
      assert.equal(local(find(nudges, 'item.spring.overdue.caseworker').at, STOCKHOLM), 'Monday 5 April 2027, 08:00', 'Kim: Monday 5 April at 08:00 Stockholm time');
      const autumn = find(nudges, 'item.autumn.soon');
      assert.equal(local(autumn.at, HELSINKI), 'Wednesday 27 October 2027, 08:00', 'due Friday 29 October: Noor on Wednesday 27 October at 08:00 Helsinki summer time');
      assert.equal(autumn.at, '2027-10-27T05:00:00.000Z', '08:00 Helsinki summer time is 05:00 UTC');
      const late = find(nudges, 'item.autumn.overdue.owner');
      assert.equal(local(late.at, HELSINKI), 'Monday 1 November 2027, 08:00', 'after the change on Sunday 31 October: Monday 1 November at 08:00 Helsinki winter time');
      assert.equal(late.at, '2027-11-01T06:00:00.000Z', '08:00 Helsinki winter time is 06:00 UTC');
    });

    it('has none for an item marked done', () => {
      const plan = meeting();
      const done = markItem(item(plan, 'a', 'noor', '2027-06-18'), true, 'aad-noor', 'teams', utc('2027-06-15T10:00:00Z'));
      assert.deepEqual(keys(plannedNudges(view(plan, { actions: [done] }), context())).filter((k) => k.startsWith('item.')), [], 'done on Tuesday 15 June: nothing on Wednesday 16 June or after');
    });
  });

  describe('the summary before the follow-up meeting', () => {
    it('gives everyone in Teams the summary 14 days before, at 08:00 their time; the caseworker\'s counts the people outside Teams', () => {
      const plan = meeting();
      const actions = [item(plan, 'a', 'noor', '2027-06-18'), markItem(item(plan, 'b', 'lars', '2027-06-18'), true, 'aad-lars', 'teams', utc('2027-06-15T10:00:00Z'))];
      // The follow-up is on Monday 6 September 2027.
      const summaries = plannedNudges(view(plan, { session: ended(plan, ENDED), actions }), context()).filter((n) => n.rule === 'summary');
      assert.deepEqual(summaries.map((n) => n.key).sort(), ['summary.kim', 'summary.lars', 'summary.mette', 'summary.noor'], 'Eva (by post) and Alex (by hand) read it on their page');
      assert.deepEqual(find(summaries, 'summary.kim').to, { kind: 'caseworker' });
      assert.equal(find(summaries, 'summary.kim').count, 2, 'Kim is told that two people see it on their page');
      assert.equal(find(summaries, 'summary.noor').count, 1, 'one item still open');
      assert.equal(local(find(summaries, 'summary.kim').at, STOCKHOLM), 'Monday 23 August 2027, 08:00', 'Kim: Monday 23 August at 08:00 Stockholm time');
      assert.equal(local(find(summaries, 'summary.lars').at, STOCKHOLM), 'Monday 23 August 2027, 08:00', 'Lars: Monday 23 August at 08:00 Stockholm time');
      assert.equal(local(find(summaries, 'summary.noor').at, HELSINKI), 'Monday 23 August 2027, 08:00', 'Noor: Monday 23 August at 08:00 Helsinki time');
      assert.equal(local(find(summaries, 'summary.mette').at, COPENHAGEN), 'Monday 23 August 2027, 08:00', 'Mette: Monday 23 August at 08:00 Copenhagen time');

      const week = plannedNudges(view(plan, { session: ended(plan, ENDED), actions }), context({ settings: { ...DEFAULT_NUDGE_SETTINGS, summaryDaysBefore: 7 } }));
      assert.equal(local(find(week, 'summary.lars').at, STOCKHOLM), 'Monday 30 August 2027, 08:00', 'seven days configured: Monday 30 August at 08:00 Stockholm time');
    });

    it('moves a summary whose day is a weekend or a holiday to the working morning before it', () => {
      const plan = meeting();
      // The follow-up is on Monday 20 December 2027; 14 days before is Finland's Independence Day.
      const session = ended(plan, ENDED, '2027-12-20');
      const nudges = plannedNudges(view(plan, { session }), context());
      assert.equal(local(find(nudges, 'summary.noor').at, HELSINKI), 'Friday 3 December 2027, 08:00', 'Monday 6 December is itsenäisyyspäivä: Noor on Friday 3 December at 08:00 Helsinki time');
      assert.equal(local(find(nudges, 'summary.lars').at, STOCKHOLM), 'Monday 6 December 2027, 08:00', 'a working day in Sweden: Lars on Monday 6 December at 08:00 Stockholm time');
      assert.equal(local(find(nudges, 'summary.mette').at, COPENHAGEN), 'Monday 6 December 2027, 08:00', 'and in Denmark: Mette on Monday 6 December at 08:00 Copenhagen time');
      const sunday = plannedNudges(view(plan, { session }), context({ settings: { ...DEFAULT_NUDGE_SETTINGS, summaryDaysBefore: 15 } }));
      assert.equal(local(find(sunday, 'summary.kim').at, STOCKHOLM), 'Friday 3 December 2027, 08:00', '15 days before is Sunday 5 December: Kim on Friday 3 December at 08:00 Stockholm time');
      assert.equal(local(find(sunday, 'summary.mette').at, COPENHAGEN), 'Friday 3 December 2027, 08:00', 'Mette on Friday 3 December at 08:00 Copenhagen time');
    });

    it('sends the summary an hour after the meeting when the follow-up is less than 14 days away, within working hours, and not on the follow-up day itself', () => {
      const plan = meeting();
      // The follow-up a week later, Thursday 17 June; the meeting ended at 11:30 Stockholm time.
      const soon = plannedNudges(view(plan, { session: ended(plan, ENDED, '2027-06-17') }), context());
      assert.equal(local(find(soon, 'summary.lars').at, STOCKHOLM), 'Thursday 10 June 2027, 12:30', 'Lars: Thursday 10 June at 12:30 Stockholm time, an hour after the end');
      assert.equal(local(find(soon, 'summary.noor').at, HELSINKI), 'Thursday 10 June 2027, 13:30', 'Noor: the same instant, 13:30 Helsinki time');

      // Ended at 16:30 Stockholm time: an hour later is evening.
      const late = plannedNudges(view(plan, { session: ended(plan, '2027-06-10T14:30:00Z', '2027-06-17') }), context());
      assert.equal(local(find(late, 'summary.lars').at, STOCKHOLM), 'Friday 11 June 2027, 08:00', 'Lars: Friday 11 June at 08:00 Stockholm time');
      assert.equal(local(find(late, 'summary.noor').at, HELSINKI), 'Friday 11 June 2027, 08:00', 'Noor: Friday 11 June at 08:00 Helsinki time');

      // The follow-up the next day: by the next working morning it has come.
      const tomorrow = plannedNudges(view(plan, { session: ended(plan, '2027-06-10T14:30:00Z', '2027-06-11') }), context());
      assert.deepEqual(keys(tomorrow, 'summary'), [], 'follow-up on Friday 11 June, the meeting ended at 16:30 Thursday: no summary');
    });

    it('counts from the day the follow-up meeting was sent for, when the caseworker chose another than the one agreed', () => {
      const plan = meeting();
      // Agreed for Monday 6 September; sent for Monday 13 September.
      const nudges = plannedNudges(view(plan, { session: ended(plan, ENDED) }), context({ followUpStatus: 'invited', followUpDay: '2027-09-13' }));
      assert.equal(local(find(nudges, 'summary.lars').at, STOCKHOLM), 'Monday 30 August 2027, 08:00', 'Lars: Monday 30 August at 08:00 Stockholm time, 14 days before the 13th');
    });

    it('has no summary while the follow-up is undecided or cancelled, or before the meeting has ended', () => {
      const plan = meeting();
      assert.deepEqual(keys(plannedNudges(view(plan, { session: ended(plan, ENDED, 'undecided') }), context()), 'summary'), [], 'no date agreed');
      assert.deepEqual(keys(plannedNudges(view(plan, { session: ended(plan, ENDED) }), context({ followUpStatus: 'cancelled' })), 'summary'), [], 'the follow-up meeting was cancelled');
      const running = applyStep(plan, openSession(plan, [], new Set(), 'aad-kim', utc(plan.when!.start)), { step: 'begin' }, 'aad-kim', utc(plan.when!.start));
      assert.deepEqual(keys(plannedNudges(view(plan, { session: running }), context())), [], 'still running: nothing yet');
    });
  });

  describe('the minutes', () => {
    it('tells the secretary two working days after the meeting, then the coordinators after the grace period, until the minutes are sent', () => {
      const plan = meeting();
      const nudges = plannedNudges(view(plan, { session: ended(plan, ENDED) }), context());
      const writer = find(nudges, 'minutes.writer');
      assert.deepEqual([writer.rule, writer.to], ['minutesLate', { kind: 'participant', id: 'noor' }]);
      assert.equal(local(writer.at, HELSINKI), 'Monday 14 June 2027, 08:00', 'ended Thursday 10 June: Noor on Monday 14 June at 08:00 Helsinki time');
      const coordinator = find(nudges, 'minutes.coordinator');
      assert.deepEqual(coordinator.to, { kind: 'coordinator' });
      assert.equal(local(coordinator.at, STOCKHOLM), 'Wednesday 16 June 2027, 08:00', 'the coordinators on Wednesday 16 June at 08:00 Stockholm time');
      assert.deepEqual(keys(plannedNudges(view(plan, { session: ended(plan, ENDED), minutes: minutes('draft') }), context()), 'minutesLate'), ['minutes.writer', 'minutes.coordinator'], 'begun but not sent');
      assert.deepEqual(keys(plannedNudges(view(plan, { session: ended(plan, ENDED), minutes: minutes('sent') }), context()), 'minutesLate'), [], 'sent: none');
    });

    it('tells the secretary chosen at the meeting; the caseworker when the secretary is the caseworker or is not in Teams', () => {
      const plan = meeting();
      const mette = plannedNudges(view(plan, { session: ended(plan, ENDED, '2027-09-06', [{ step: 'roles', chairId: 'lars', secretaryId: 'mette' }]) }), context());
      assert.deepEqual(find(mette, 'minutes.writer').to, { kind: 'participant', id: 'mette' });
      assert.equal(local(find(mette, 'minutes.writer').at, COPENHAGEN), 'Monday 14 June 2027, 08:00', 'Mette: Monday 14 June at 08:00 Copenhagen time');
      for (const secretaryId of ['kim', 'eva']) {
        const other = meeting({ secretaryId });
        const nudges = plannedNudges(view(other, { session: ended(other, ENDED) }), context());
        assert.deepEqual(find(nudges, 'minutes.writer').to, { kind: 'caseworker' }, `secretary ${secretaryId}: the caseworker`);
        assert.equal(local(find(nudges, 'minutes.writer').at, STOCKHOLM), 'Monday 14 June 2027, 08:00', 'Kim: Monday 14 June at 08:00 Stockholm time');
      }
    });
  });

  describe('invitees who have not answered', () => {
    it('tells the caseworker three working days before the meeting how many have not answered', () => {
      const plan = meeting();
      const replies = new Map(['noor', 'eva'].map((id) => [id, replyDoc(plan, id, { answer: 'accepted', comment: '', topic: '' }, id === 'eva' ? 'phone' : 'teams', 'aad-' + id, utc('2027-05-20T10:00:00Z'))]));
      const nudges = plannedNudges(view(plan, { replies }), context());
      const unanswered = find(nudges, 'unanswered.2027-06-10');
      assert.deepEqual([unanswered.rule, unanswered.to, unanswered.count], ['unanswered', { kind: 'caseworker' }, 3], 'Lars, Mette and Alex have not answered');
      assert.equal(local(unanswered.at, STOCKHOLM), 'Monday 7 June 2027, 08:00', 'the meeting is Thursday 10 June: Kim on Monday 7 June at 08:00 Stockholm time');
      const all = new Map(['lars', 'noor', 'mette', 'eva', 'alex'].map((id) => [id, replyDoc(plan, id, { answer: 'maybe', comment: '', topic: '' }, 'teams', 'aad-' + id, utc('2027-05-20T10:00:00Z'))]));
      assert.deepEqual(keys(plannedNudges(view(plan, { replies: all }), context())), [], 'everyone answered');

      const midsummer = plannedNudges(view(meeting({ date: '2027-06-29' })), context());
      assert.equal(local(find(midsummer, 'unanswered.2027-06-29').at, STOCKHOLM), 'Wednesday 23 June 2027, 08:00', 'a meeting on Tuesday 29 June, Midsommarafton off: Kim on Wednesday 23 June at 08:00 Stockholm time');
      const copenhagen = plannedNudges(view(meeting({ date: '2027-06-29', zone: COPENHAGEN })), context({}, { caseworker: COPENHAGEN }));
      assert.equal(local(find(copenhagen, 'unanswered.2027-06-29').at, COPENHAGEN), 'Thursday 24 June 2027, 08:00', 'Kim in Copenhagen: Thursday 24 June at 08:00 Copenhagen time');
    });

    it('does not tell the caseworker when the invitations went out after that morning, or once meeting mode is open', () => {
      const late = meeting({ sent: '2027-06-08T07:00:00Z' });
      assert.deepEqual(keys(plannedNudges(view(late), context())), [], 'invited on Tuesday 8 June for Thursday 10 June: nobody could have answered by Monday');
      const justBefore = meeting({ sent: '2027-06-07T05:59:00Z' });
      assert.equal(local(find(plannedNudges(view(justBefore), context()), 'unanswered.2027-06-10').at, STOCKHOLM), 'Monday 7 June 2027, 08:00', 'invited at 07:59 on Monday 7 June: told at 08:00 Stockholm time');
      const plan = meeting();
      const open = openSession(plan, [], new Set(), 'aad-kim', utc('2027-06-10T07:50:00Z'));
      assert.deepEqual(keys(plannedNudges(view(plan, { session: open }), context()), 'unanswered'), [], 'meeting mode is open: the caseworker sees who came');
    });

    it('counts from a change of time that asked everyone to answer again', () => {
      // Sent for Thursday 17 June; on Tuesday 8 June moved to Thursday 10 June.
      let plan = startChange(meeting({ date: '2027-06-17' }), 'aad-kim', utc('2027-06-08T07:00:00Z'));
      plan = withEdits(plan, setWhen(editable(plan), { date: '2027-06-10', time: '10:00', duration: '90', placeKind: 'room', placeDetails: 'Rum 2' }, STOCKHOLM, utc('2027-06-08T07:00:00Z')));
      plan = sendChange(plan, 'aad-kim', utc('2027-06-08T07:00:00Z'));
      assert.deepEqual(keys(plannedNudges(view(plan), context())), [], 'asked again on Tuesday 8 June at 09:00 for Thursday 10 June: no nudge on Monday 7 June, which has passed');
      // Moved on Tuesday 1 June to Friday 11 June: the nudge comes on Tuesday 8 June at 08:00.
      let earlier = startChange(meeting({ date: '2027-06-17' }), 'aad-kim', utc('2027-06-01T07:00:00Z'));
      earlier = withEdits(earlier, setWhen(editable(earlier), { date: '2027-06-11', time: '10:00', duration: '90', placeKind: 'room', placeDetails: 'Rum 2' }, STOCKHOLM, utc('2027-06-01T07:00:00Z')));
      earlier = sendChange(earlier, 'aad-kim', utc('2027-06-01T07:00:00Z'));
      assert.equal(local(find(plannedNudges(view(earlier), context()), 'unanswered.2027-06-11').at, STOCKHOLM), 'Tuesday 8 June 2027, 08:00', 'moved a week before to Friday 11 June: Kim on Tuesday 8 June at 08:00 Stockholm time');
    });
  });

  describe('the follow-up draft', () => {
    it('tells the caseworker when the follow-up drafted at the end is still not sent a week later', () => {
      const plan = meeting();
      const session = ended(plan, ENDED);
      const draft = find(plannedNudges(view(plan, { session }), context({ followUpStatus: 'draft' })), 'followUp.draft');
      assert.deepEqual([draft.rule, draft.to], ['followUpDraft', { kind: 'caseworker' }]);
      assert.equal(local(draft.at, STOCKHOLM), 'Thursday 17 June 2027, 11:30', 'ended Thursday 10 June at 11:30: Kim on Thursday 17 June at 11:30 Stockholm time');
      assert.deepEqual(keys(plannedNudges(view(plan, { session }), context({ followUpStatus: 'invited' })), 'followUpDraft'), [], 'sent: none');
      assert.deepEqual(keys(plannedNudges(view(plan, { session }), context()), 'followUpDraft'), [], 'no draft: none');
      const evening = find(plannedNudges(view(plan, { session: ended(plan, '2027-06-11T15:30:00Z') }), context({ followUpStatus: 'draft' })), 'followUp.draft');
      assert.equal(local(evening.at, STOCKHOLM), 'Monday 21 June 2027, 08:00', 'ended Friday 11 June at 17:30: a week later is Friday evening, so Kim on Monday 21 June at 08:00 Stockholm time');
    });

    it('counts the week in the caseworker\'s own time across the change to summer time', () => {
      // Thursday 25 March 2027, 15:00–16:30 Stockholm winter time; summer time begins on Sunday 28 March.
      const plan = meeting({ date: '2027-03-25', time: '15:00', sent: '2027-03-01T08:00:00Z' });
      const draft = find(plannedNudges(view(plan, { session: ended(plan, '2027-03-25T15:30:00Z', '2027-04-22') }), context({ followUpStatus: 'draft' })), 'followUp.draft');
      assert.equal(local(draft.at, STOCKHOLM), 'Thursday 1 April 2027, 16:30', 'ended Thursday 25 March at 16:30: Kim on Thursday 1 April at 16:30 Stockholm summer time');
    });
  });

  describe('retention', () => {
    it('tells the caseworker 14 days before the meeting is deleted, on the working morning on or before that day', () => {
      const plan = meeting();
      // Deleted Friday 10 December 2027: 14 days before is Friday 26 November.
      const nudges = plannedNudges(view(plan, { session: ended(plan, ENDED) }), context({ expiresAt: '2027-12-10T09:30:00.000Z' }));
      const notice = find(nudges, 'retention.2027-12-10');
      assert.deepEqual(notice.to, { kind: 'caseworker' });
      assert.equal(local(notice.at, STOCKHOLM), 'Friday 26 November 2027, 08:00', 'Kim: Friday 26 November at 08:00 Stockholm time');
      // Kept longer: a new expiry, a new notice before it.
      const later = plannedNudges(view(plan, { session: ended(plan, ENDED) }), context({ expiresAt: '2028-06-09T09:30:00.000Z' }));
      assert.deepEqual(keys(later, 'expiry'), ['retention.2028-06-09']);
      assert.deepEqual(keys(plannedNudges(view(plan), context()), 'expiry'), [], 'none while the expiry is not known');
    });
  });

  describe('what was done with a nudge', () => {
    const plan = meeting();
    const actions = [item(plan, 'a', 'noor', '2027-06-18')];
    const at = (log: Map<string, NudgeDoc>, key: string) => plannedNudges(view(plan, { actions }), context({ log })).find((n) => n.key === key)?.at;

    it('does not plan a nudge again once it was sent, and never one marked done', () => {
      assert.equal(at(logged({ 'item.a.soon': { sentAt: '2027-06-16T05:00:01.000Z' } }), 'item.a.soon'), undefined, 'sent to Noor on Wednesday 16 June at 08:00 Helsinki time: not again');
      assert.equal(at(logged({ 'minutes.writer': { dismissedAt: '2027-06-11T08:00:00.000Z' } }), 'minutes.writer'), undefined);
      assert.equal(at(logged({ 'item.a.soon': { sentAt: '2027-06-16T05:00:01.000Z', snoozedUntil: '2027-06-17T05:00:00.000Z', dismissedAt: '2027-06-16T06:00:00.000Z' } }), 'item.a.soon'), undefined, 'snoozed, then marked done: never');
    });

    it('brings a snoozed nudge back at the time it was snoozed to, moved out of quiet hours', () => {
      const sent = '2027-06-16T05:00:01.000Z';
      assert.equal(local(at(logged({ 'item.a.soon': { sentAt: sent, snoozedUntil: '2027-06-17T07:30:00.000Z' } }), 'item.a.soon')!, HELSINKI), 'Thursday 17 June 2027, 10:30', 'snoozed for a day: Thursday 17 June at 10:30 Helsinki time');
      assert.equal(local(at(logged({ 'item.a.soon': { sentAt: sent, snoozedUntil: '2027-06-19T07:30:00.000Z' } }), 'item.a.soon')!, HELSINKI), 'Monday 21 June 2027, 08:00', 'snoozed to Saturday 19 June: Monday 21 June at 08:00 Helsinki time');
      assert.equal(local(at(logged({ 'item.a.soon': { sentAt: sent, snoozedUntil: '2027-06-24T15:00:00.000Z' } }), 'item.a.soon')!, HELSINKI), 'Monday 28 June 2027, 08:00', 'snoozed to Thursday 24 June 18:00 Helsinki time, then juhannusaatto and the weekend: Monday 28 June at 08:00 Helsinki time');
      assert.equal(at(logged({ 'item.a.soon': { sentAt: '2027-06-17T07:30:05.000Z', snoozedUntil: '2027-06-17T07:30:00.000Z' } }), 'item.a.soon'), undefined, 'sent again after the snooze: not again');
    });

    it('tells no coordinator when the organisation has none', () => {
      const nudges = plannedNudges(view(plan, { session: ended(plan, ENDED), actions }), context({ coordinators: false }));
      assert.deepEqual(nudges.filter((n) => n.to.kind === 'coordinator'), []);
      assert.ok(nudges.some((n) => n.key === 'item.a.overdue.caseworker'), 'the caseworker still is');
    });

    it('has none for a meeting that is cancelled or still a draft', () => {
      const cancelled = cancelMeeting(plan, 'Familjen har flyttat', 'aad-kim', utc('2027-06-01T08:00:00Z'));
      assert.deepEqual(plannedNudges(view(cancelled, { actions }), context()), []);
      const draft = { ...plan, status: 'draft' as const };
      assert.deepEqual(plannedNudges(view(draft, { actions }), context()), []);
      const cancelledAfter = cancelMeeting(plan, 'Uppföljningen flyttas', 'aad-kim', utc('2027-06-11T08:00:00Z'));
      assert.deepEqual(plannedNudges(view(cancelledAfter, { session: ended(plan, ENDED), actions }), context({ followUpStatus: 'draft' })), [], 'cancelled after it was held: none either');
    });
  });

  describe('all of a meeting\'s nudges', () => {
    const plan = meeting();
    const actions = [item(plan, 'a', 'noor', '2027-06-18'), item(plan, 'b', 'kim', '2027-06-18'), item(plan, 'c', 'eva', '2027-06-21'), item(plan, 'd', 'mette', '2027-06-14')];
    const after = view(plan, { session: ended(plan, ENDED), actions });
    const full = context({ followUpStatus: 'draft' });

    it('gives the nudges due at an instant: exactly those planned for then or earlier, not those sent', () => {
      const due = (at: string, log = new Map<string, NudgeDoc>()) => keys(dueNudges(after, { ...full, log }, utc(at)));
      assert.deepEqual(due('2027-06-10T09:30:00Z'), [], 'as the meeting ends, Thursday 10 June at 11:30 Stockholm time: nothing');
      assert.deepEqual(due('2027-06-14T04:59:59.999Z'), [], 'Monday 14 June, 07:59:59 Helsinki time: nothing yet');
      assert.deepEqual(due('2027-06-14T05:00:00Z'), ['minutes.writer'], 'Monday 14 June, 08:00 Helsinki time: Noor, the minutes');
      assert.deepEqual(due('2027-06-15T06:00:00Z'), ['minutes.writer', 'item.d.overdue.owner'], 'Tuesday 15 June, 08:00 Copenhagen time: also Mette, her item due Monday (agreed too late for a "due soon")');
      assert.deepEqual(due('2027-06-16T05:59:59.999Z'), ['minutes.writer', 'item.d.overdue.owner', 'item.a.soon'], 'Wednesday 16 June, 08:59 Helsinki time: also Noor, her item due Friday');
      assert.deepEqual(due('2027-06-16T06:00:00Z'), ['minutes.writer', 'item.d.overdue.owner', 'item.a.soon', 'item.b.soon', 'minutes.coordinator'], 'Wednesday 16 June, 08:00 Stockholm time: also Kim\'s own item due Friday, and the coordinators about the minutes');
      const sent = logged({ 'minutes.writer': { sentAt: '2027-06-14T05:00:02.000Z' }, 'item.d.overdue.owner': { sentAt: '2027-06-15T06:00:02.000Z' } });
      assert.deepEqual(due('2027-06-16T06:00:00Z', sent), ['item.a.soon', 'item.b.soon', 'minutes.coordinator'], 'those sent on Monday and Tuesday are not due again');
      for (const at of ['2027-06-14T05:00:00Z', '2027-06-16T06:00:00Z', '2027-06-28T06:00:00Z']) {
        const planned = plannedNudges(after, full).filter((n) => n.at <= utc(at).toISO()!);
        assert.deepEqual(dueNudges(after, full, utc(at)), planned, `at ${at}: the planned ones up to then`);
      }
    });

    it('names every nudge by a key of its own within the meeting, in time order', () => {
      const before = view(plan, { actions });
      for (const [what, v] of [['before the meeting', before], ['after it', after]] as const) {
        const nudges = plannedNudges(v, full);
        const all = keys(nudges);
        assert.equal(new Set(all).size, all.length, `${what}: ${all.join(', ')}`);
        assert.deepEqual([...nudges].sort((x, y) => x.at.localeCompare(y.at)).map((n) => n.at), nudges.map((n) => n.at), `${what}: earliest first`);
      }
      assert.deepEqual(new Set(plannedNudges(after, full).map((n) => n.rule)), new Set(['summary', 'itemSoon', 'itemOverdue', 'minutesLate', 'followUpDraft']), 'every rule after the meeting');
      assert.ok(keys(plannedNudges(before, full)).includes('unanswered.2027-06-10'), 'and the one before it');
    });
  });
});
