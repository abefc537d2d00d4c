import { DateTime } from 'luxon';
import type { Locale, Meeting } from '../bot/domain/meeting';
import type { Nudge } from '../bot/domain/nudges';
import type { ActionItem } from '../bot/domain/plan';
import { t } from '../bot/i18n';
import { escapeMarkdown, personLabel, type Reader } from './format';
import { shortId } from './overview';
import { base, render, type AdaptiveCard, type CardBase, type Notice } from './render';
import nudgeTemplate from './templates/nudge.json';

/** What a nudge card's "open" button shows: the minutes, meeting mode (read-only for most), the status card, My meetings, or the coordinators' overview. */
export type NudgeOpens = 'minutes' | 'session' | 'status' | 'meetings' | 'overview';

/** The data of a nudge card. */
export interface NudgeData extends CardBase {
  meetingId: string;
  key: string;
  text: string;
  items: { text: string }[];
  notes: string[];
  /** The buttons that act on the nudge (done, snooze) are shown while it still applies. */
  live: boolean;
  doneTitle: string;
  open: NudgeOpens;
  /** The retention nudge offers to keep the meeting longer, once, with a reason. */
  extend: boolean;
  reasonLabel: string;
}

/** What a nudge card shows besides the nudge: the meeting, its items, and who the reader is to it. */
export interface NudgeView {
  plan: Meeting;
  actions: readonly ActionItem[];
  /** The follow-up meeting's date, for the summary. */
  followUp?: string;
  /** The minutes were sent: everyone can read their copy. */
  minutesSent: boolean;
  /** Who writes the minutes (a participant id). */
  secretaryId?: string;
  /** When the meeting's documents expire, whether it was already kept longer once, and the period (retention). */
  retention?: { expiresAt: string; extended: boolean; months: number };
}

/**
 * A nudge, in the reader's language and time zone, with buttons to act on it. A coordinator (who
 * may not be a participant) reads the meeting's short id, dates and caseworker, never the client,
 * the place or what was agreed; everyone else reads what the nudge is about.
 */
export function nudgeCard(nudge: Nudge, view: NudgeView, reader: Reader, notices: Notice[] = []): AdaptiveCard {
  const { locale } = reader;
  const zone = reader.timeZone ?? view.plan.when?.timeZone ?? 'UTC';
  const day = (date: string) => DateTime.fromISO(date, { zone }).setLocale(locale).toLocaleString(DateTime.DATE_MED);
  const instant = (iso: string | undefined) => (iso ? DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone).setLocale(locale).toLocaleString(DateTime.DATE_MED) : '');
  const item = view.actions.find((i) => i.id === nudge.itemId);
  const owner = item && view.plan.participants.find((p) => p.id === item.ownerId);
  const coordinator = nudge.to.kind === 'coordinator';
  const ids = { id: shortId(view.plan.id), caseworker: view.plan.organizer.name, start: instant(view.plan.when?.start) };
  const meetingDay = instant(view.plan.when?.start);
  let text = '';
  let items: { text: string }[] = [];
  const notes: string[] = [];
  // The minutes once sent (or for whoever writes them); before that, meeting mode with the plan agreed.
  const writes = nudge.to.kind === 'caseworker' || (nudge.to.kind === 'participant' && nudge.to.id === view.secretaryId);
  let open: NudgeOpens = coordinator ? 'overview' : view.minutesSent || writes ? 'minutes' : 'session';
  switch (nudge.rule) {
    case 'itemSoon':
      text = t(locale, 'nudge.itemSoon', { date: day(item?.due ?? '') });
      break;
    case 'itemOverdue':
      if (coordinator) text = t(locale, 'nudge.itemOverdueCoordinator', { ...ids, date: day(item?.due ?? '') });
      else if (nudge.to.kind === 'caseworker' && owner && !owner.isOrganizer) text = t(locale, 'nudge.itemOverdueCaseworker', { owner: personLabel(owner, locale), date: day(item?.due ?? '') });
      else text = t(locale, 'nudge.itemOverdueOwner', { date: day(item?.due ?? '') });
      break;
    case 'minutesLate':
      text = coordinator ? t(locale, 'nudge.minutesLateCoordinator', { ...ids, date: meetingDay }) : t(locale, 'nudge.minutesLate', { date: meetingDay });
      break;
    case 'unanswered':
      text = t(locale, 'nudge.unanswered', { count: nudge.count ?? 0, date: meetingDay });
      open = 'status';
      break;
    case 'followUpDraft':
      text = t(locale, 'nudge.followUpDraft', { date: meetingDay });
      open = 'meetings';
      break;
    case 'expiry':
      text = t(locale, 'retention.nudgeText', { date: meetingDay, expiry: instant(view.retention?.expiresAt) });
      open = 'status';
      break;
    case 'summary': {
      text = t(locale, 'nudge.summaryIntro', { date: day(view.followUp ?? '') });
      items = view.actions.map((i) => ({ text: `${i.done ? '✓' : '○'} ${escapeMarkdown(i.text)} · ${ownerName(view.plan, i.ownerId, locale)} · ${day(i.due)}` }));
      notes.push(t(locale, 'nudge.summaryOpen', { count: view.actions.filter((i) => !i.done).length }));
      if (nudge.to.kind === 'caseworker') notes.push(t(locale, 'nudge.summaryOutside', { count: nudge.count ?? 0 }));
      break;
    }
  }
  // The item itself, for the people of the meeting (never for a coordinator).
  if (item && !coordinator) items = [{ text: escapeMarkdown(item.text) }];
  return render<NudgeData>(nudgeTemplate, {
    ...base(locale, notices),
    meetingId: view.plan.id,
    key: nudge.key,
    text,
    items,
    notes,
    live: true,
    doneTitle: t(locale, nudge.itemId && !coordinator ? 'agreements.markDone' : 'nudge.done'),
    open,
    extend: nudge.rule === 'expiry' && !!view.retention && !view.retention.extended,
    reasonLabel: t(locale, 'retention.reasonLabel', { months: view.retention?.months ?? 0 }),
  });
}

/** A nudge card after it was acted on (or no longer applies): the notice, no buttons but "open". */
export function settledNudgeCard(meetingId: string, locale: Locale, notice: Notice, open: NudgeOpens = 'minutes'): AdaptiveCard {
  return render<NudgeData>(nudgeTemplate, { ...base(locale, [notice]), meetingId, key: '', text: '', items: [], notes: [], live: false, doneTitle: '', open, extend: false, reasonLabel: '' });
}

function ownerName(plan: Meeting, participantId: string, locale: Locale): string {
  const p = plan.participants.find((x) => x.id === participantId);
  return p ? personLabel(p, locale) : '';
}
