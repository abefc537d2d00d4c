import type { Meeting, Participant } from '../bot/domain/meeting';
import { tally } from '../bot/domain/invitation';
import { speakerOrder } from '../bot/domain/planning';
import { t } from '../bot/i18n';
import { clientName, escapeMarkdown, formatInstant, meetingFacts, peopleText, personLabel, topicsText, type Fact, type Reader } from './format';
import { base, render, type AdaptiveCard, type CardBase, type Notice } from './render';
import invitationTemplate from './templates/invitation.json';
import statusTemplate from './templates/status.json';

/** The data of an invitee's invitation card. */
export interface InvitationData extends CardBase {
  meetingId: string;
  planRev: number;
  fromText: string;
  facts: Fact[];
  people: string;
  topics: string;
  answered: boolean;
  answerText: string;
  comment: string;
}

/** One invitee's line on the caseworker's status card. */
export interface StatusRow {
  id: string;
  label: string;
  delivery: string;
  answer: string;
  answerColor: string;
  comment: string;
  needsLetter: boolean;
  currentAnswer: string;
  letterUrl: string;
  icsUrl: string;
}

/** The data of the caseworker's status card. */
export interface StatusData extends CardBase {
  meetingId: string;
  rev: number;
  sentText: string;
  facts: Fact[];
  answersText: string;
  rows: StatusRow[];
  proposedTopics: { text: string }[];
}

/** Signed addresses of one person's printable letter and calendar file. */
export type LetterLinks = (participantId: string) => { letterUrl: string; icsUrl: string };

/**
 * The invitation as one invitee sees it: time, place, duration, everyone invited, purpose and
 * topics, what a network meeting is; the answer buttons, or their answer once given.
 */
export function invitationCard(meeting: Meeting, invitee: Participant, reader: Reader, notices: Notice[] = [], forceForm = false): AdaptiveCard {
  const { locale } = reader;
  const organizer = meeting.participants.find((p) => p.isOrganizer);
  const answered = !!invitee.reply && !forceForm;
  return render<InvitationData>(invitationTemplate, {
    ...base(locale, notices),
    meetingId: meeting.id,
    planRev: meeting.planRev ?? meeting.rev,
    fromText: t(locale, 'invitation.from', { organizer: organizer?.name ?? '', client: clientName(meeting, locale) }),
    facts: meetingFacts(meeting, reader),
    people: peopleText(meeting, locale),
    topics: topicsText(meeting.why?.topics ?? []),
    answered,
    answerText: invitee.reply ? t(locale, 'invitation.yourAnswer', { answer: t(locale, `status.${invitee.reply.answer}`) }) : '',
    comment: invitee.reply?.comment ?? '',
  });
}

/** The caseworker's view of the sent invitations: who answered what, and who needs a letter. */
export function statusCard(meeting: Meeting, reader: Reader, links: LetterLinks, notices: Notice[] = []): AdaptiveCard {
  const { locale } = reader;
  const counts = tally(meeting);
  const rows = speakerOrder(meeting.participants)
    .filter((p) => !p.isOrganizer)
    .map((p): StatusRow => {
      const needsLetter = p.delivery === 'letter';
      const answer = p.reply ? t(locale, `status.${p.reply.answer}`) : t(locale, 'status.waiting');
      const link = needsLetter ? links(p.id) : { letterUrl: '', icsUrl: '' };
      return {
        id: p.id,
        label: `${t(locale, `group.${p.group}`)}: ${personLabel(p, locale)}`,
        delivery: t(locale, p.delivery === 'teams' ? 'status.deliveryTeams' : needsLetter ? 'status.deliveryLetter' : 'status.deliveryPending'),
        answer: p.reply?.via === 'phone' ? `${answer} (${t(locale, 'status.byPhone')})` : answer,
        answerColor: !p.reply ? 'Default' : p.reply.answer === 'accepted' ? 'Good' : p.reply.answer === 'declined' ? 'Attention' : 'Warning',
        comment: p.reply?.comment ? t(locale, 'status.comment', { comment: p.reply.comment }) : '',
        needsLetter,
        currentAnswer: p.reply?.answer ?? '',
        ...link,
      };
    });
  const byId = new Map(meeting.participants.map((p) => [p.id, p]));
  return render<StatusData>(statusTemplate, {
    ...base(locale, notices),
    meetingId: meeting.id,
    rev: meeting.rev,
    sentText: meeting.deliveryPending
      ? t(locale, 'status.sending')
      : t(locale, 'status.sentAt', { date: formatInstant(meeting.sentAt ?? meeting.updatedAt, reader, meeting.when?.timeZone ?? 'UTC') }),
    facts: meetingFacts(meeting, reader),
    answersText: t(locale, 'status.answers', counts),
    rows,
    proposedTopics: meeting.proposedTopics.map((topic) => ({
      text: `${escapeMarkdown(topic.text)} (${escapeMarkdown(byId.get(topic.participantId)?.name ?? '')})`,
    })),
  });
}
