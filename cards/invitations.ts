import type { Meeting, MeetingView, Participant, Reply } from '../bot/domain/meeting';
import { deliveryOf, proposedTopics, replyOf, tally } from '../bot/domain/invitation';
import { speakerOrder } from '../bot/domain/planning';
import { t } from '../bot/i18n';
import { clientName, escapeMarkdown, formatInstant, meetingFacts, peopleText, personLabel, topicsText, type Fact, type Reader } from './format';
import { base, render, type AdaptiveCard, type CardBase, type Notice } from './render';
import commentsTemplate from './templates/status-comments.json';
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
  /** Comments are read on their own card, so the status card stays small with 40 invitees. */
  hasComment: boolean;
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
  commentsTitle: string;
  commentCount: number;
}

/** The data of the card with every invitee's comment. */
export interface CommentsData extends CardBase {
  meetingId: string;
  comments: { label: string; text: string }[];
}

/** Signed addresses of one person's printable letter and calendar file. */
export type LetterLinks = (participantId: string) => { letterUrl: string; icsUrl: string };

/**
 * The invitation as one invitee sees it: time, place, duration, everyone invited, purpose and
 * topics, what a network meeting is; the answer buttons, or their answer once given.
 */
export function invitationCard(
  meeting: Meeting,
  invitee: Participant,
  reply: Reply | undefined,
  reader: Reader,
  notices: Notice[] = [],
  forceForm = false,
): AdaptiveCard {
  const { locale } = reader;
  const organizer = meeting.participants.find((p) => p.isOrganizer);
  const answered = !!reply && !forceForm;
  return render<InvitationData>(invitationTemplate, {
    ...base(locale, notices),
    meetingId: meeting.id,
    planRev: meeting.planRev ?? meeting.rev,
    fromText: t(locale, 'invitation.from', { organizer: organizer?.name ?? '', client: clientName(meeting, locale) }),
    facts: meetingFacts(meeting, reader),
    people: peopleText(meeting, locale),
    topics: topicsText(meeting.why?.topics ?? []),
    answered,
    answerText: reply ? t(locale, 'invitation.yourAnswer', { answer: t(locale, `status.${reply.answer}`) }) : '',
    comment: reply?.comment ?? '',
  });
}

/** The caseworker's view of the sent invitations: who answered what, and who needs a letter. */
export function statusCard(view: MeetingView, reader: Reader, links: LetterLinks, notices: Notice[] = []): AdaptiveCard {
  const { locale } = reader;
  const meeting = view.plan;
  const counts = tally(view);
  const rows = speakerOrder(meeting.participants)
    .filter((p) => !p.isOrganizer)
    .map((p): StatusRow => {
      const delivery = deliveryOf(view, p);
      const reply = replyOf(view, p);
      const needsLetter = delivery === 'letter';
      const answer = reply ? t(locale, `status.${reply.answer}`) : t(locale, 'status.waiting');
      const link = needsLetter ? links(p.id) : { letterUrl: '', icsUrl: '' };
      return {
        id: p.id,
        label: `${t(locale, `group.${p.group}`)}: ${personLabel(p, locale)}`,
        delivery: t(locale, delivery === 'teams' ? 'status.deliveryTeams' : needsLetter ? 'status.deliveryLetter' : 'status.deliveryPending'),
        answer: reply?.via === 'phone' ? `${answer} (${t(locale, 'status.byPhone')})` : answer,
        answerColor: !reply ? 'Default' : reply.answer === 'accepted' ? 'Good' : reply.answer === 'declined' ? 'Attention' : 'Warning',
        hasComment: !!reply?.comment,
        needsLetter,
        currentAnswer: reply?.answer ?? '',
        ...link,
      };
    });
  const byId = new Map(meeting.participants.map((p) => [p.id, p]));
  const commentCount = rows.filter((r) => r.hasComment).length;
  const pending = meeting.participants.some((p) => deliveryOf(view, p) === 'pending');
  return render<StatusData>(statusTemplate, {
    ...base(locale, notices),
    meetingId: meeting.id,
    rev: meeting.rev,
    sentText: pending
      ? t(locale, 'status.sending')
      : t(locale, 'status.sentAt', { date: formatInstant(meeting.sentAt ?? meeting.updatedAt, reader, meeting.when?.timeZone ?? 'UTC') }),
    facts: meetingFacts(meeting, reader),
    answersText: t(locale, 'status.answers', counts),
    rows,
    proposedTopics: proposedTopics(view).map((topic) => ({
      text: `${escapeMarkdown(topic.text)} (${escapeMarkdown(byId.get(topic.participantId)?.name ?? '')})`,
    })),
    commentsTitle: t(locale, 'status.showComments', { count: commentCount }),
    commentCount,
  });
}

/** Every invitee's comment, on a card of its own (a comment may be 500 characters; 40 of them would crowd the status card). */
export function commentsCard(view: MeetingView, reader: Reader): AdaptiveCard {
  const { locale } = reader;
  const comments = speakerOrder(view.plan.participants)
    .map((p) => ({ p, reply: replyOf(view, p) }))
    .filter(({ p, reply }) => !p.isOrganizer && reply?.comment)
    .map(({ p, reply }) => ({ label: `${t(locale, `group.${p.group}`)}: ${personLabel(p, locale)}`, text: escapeMarkdown(reply!.comment!) }));
  return render<CommentsData>(commentsTemplate, { ...base(locale), meetingId: view.plan.id, comments });
}
