import type { Meeting, Participant } from '../bot/domain/meeting';
import { speakerOrder } from '../bot/domain/planning';
import { t } from '../bot/i18n';
import { personLabel, type Reader } from './format';
import { base, render, type AdaptiveCard, type CardBase, type Notice } from './render';
import pagesTemplate from './templates/pages.json';

/** One person outside Teams on the caseworker's card of personal pages. */
export interface PageLine {
  participant: Participant;
  /** The link to their page, or undefined while they have none (revoked). */
  url?: string;
  /** How many times their page was used. */
  uses: number;
  /** Their printable minutes, once the minutes were sent. */
  minutesUrl?: string;
}

/** The data of the card of personal pages. */
export interface PagesData extends CardBase {
  meetingId: string;
  people: { id: string; label: string; usesText: string; url: string; minutesUrl: string }[];
}

/**
 * The caseworker's card of personal pages: for each person outside Teams, the link to their own
 * page (to print on the letter, e-mail or text), how often it was used, their printable minutes
 * once sent, and a new link that stops the old one at once.
 */
export function pagesCard(meeting: Meeting, lines: readonly PageLine[], reader: Reader, notices: Notice[] = []): AdaptiveCard {
  const { locale } = reader;
  const byId = new Map(lines.map((l) => [l.participant.id, l]));
  return render<PagesData>(pagesTemplate, {
    ...base(locale, notices),
    meetingId: meeting.id,
    people: speakerOrder(lines.map((l) => l.participant)).map((p) => {
      const line = byId.get(p.id)!;
      return {
        id: p.id,
        label: `${t(locale, `group.${p.group}`)}: ${personLabel(p, locale)}`,
        usesText: !line.url ? t(locale, 'pages.revoked') : line.uses > 0 ? t(locale, 'pages.uses', { count: line.uses }) : t(locale, 'pages.unused'),
        url: line.url ?? '',
        minutesUrl: line.minutesUrl ?? '',
      };
    }),
  });
}
