import type { Meeting, Participant, Reply } from '../bot/domain/meeting';
import type { MeetingView } from '../bot/domain/meeting-docs';
import { isChanging } from '../bot/domain/change';
import { deliveryOf, proposedTopics, replyOf, tally } from '../bot/domain/invitation';
import { preparationOf, ticked } from '../bot/domain/preparation';
import { speakerOrder } from '../bot/domain/planning';
import { t } from '../bot/i18n';
import { choiceId, clientName, escapeMarkdown, formatInstant, meetingFacts, peopleText, personLabel, topicsText, type Fact, type Reader } from './format';
import { base, render, type AdaptiveCard, type CardBase, type Notice } from './render';
import commentsTemplate from './templates/status-comments.json';
import endedTemplate from './templates/invitation-ended.json';
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
  /** Why Teams could not reach them, when that is why they need a letter. */
  reason: string;
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
  cancelled: boolean;
  cancelledText: string;
  /** A change is being prepared and not sent yet. */
  changing: boolean;
  /** The meeting may still be changed or cancelled. */
  canChange: boolean;
  /** Meeting mode can be started (or opened) for it. */
  canRun: boolean;
  /** People a change removed who are not in Teams: the caseworker tells them. */
  removed: { text: string }[];
  /** Who sees this card (channel ids): Teams asks for it afresh when they look at it (`refresh`). */
  viewers: string[];
  /** The preparation checklist (before the meeting): its items, those ticked, and how many are done. */
  prepTitle: string;
  prepItems: { title: string; value: string }[];
  prepId: string;
  prepValue: string;
  showPrep: boolean;
  /** People outside Teams have their own pages: the button to the card of their links. */
  hasPages: boolean;
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
    // The client planned the meeting with the caseworker: their own invitation says so, not that it comes "with" them.
    fromText:
      invitee.group === 'client'
        ? t(locale, 'invitation.fromClient', { organizer: organizer?.name ?? '' })
        : t(locale, 'invitation.from', { organizer: organizer?.name ?? '', client: clientName(meeting, locale) }),
    facts: meetingFacts(meeting, reader),
    people: peopleText(meeting, locale),
    topics: topicsText(meeting.why?.topics ?? []),
    answered,
    answerText: reply ? t(locale, 'invitation.yourAnswer', { answer: t(locale, `status.${reply.answer}`) }) : '',
    comment: reply?.comment ?? '',
  });
}

/** The data of an invitation card that no longer invites: the meeting was cancelled, or the person removed. */
export interface EndedData extends CardBase {
  title: string;
  color: 'Attention' | 'Default';
  text: string;
  facts: Fact[];
  reason: string;
}

/** An invitation after the meeting was cancelled: when it would have been, and the reason given. */
export function cancelledInvitationCard(meeting: Meeting, reader: Reader): AdaptiveCard {
  const { locale } = reader;
  const facts = meetingFacts(meeting, reader).filter((f) => f.title === t(locale, 'field.when') || f.title === t(locale, 'field.place'));
  return render<EndedData>(endedTemplate, {
    ...base(locale),
    title: t(locale, 'invitation.cancelledTitle'),
    color: 'Attention',
    text: t(locale, 'invitation.cancelledBody', { organizer: meeting.participants.find((p) => p.isOrganizer)?.name ?? '' }),
    facts,
    reason: meeting.cancelled?.reason ? t(locale, 'invitation.cancelledReason', { reason: meeting.cancelled.reason }) : '',
  });
}

/** The card of someone a change took off the meeting: that they are no longer invited, and nothing of the meeting. */
export function noLongerInvitedCard(reader: Reader): AdaptiveCard {
  return render<EndedData>(endedTemplate, {
    ...base(reader.locale),
    title: t(reader.locale, 'invitation.title'),
    color: 'Default',
    text: t(reader.locale, 'invitation.noLongerInvited'),
    facts: [],
    reason: '',
  });
}

/** The caseworker's view of the sent invitations: who answered what, and who needs a letter. */
export function statusCard(view: MeetingView, reader: Reader, links: LetterLinks, viewers: string[] = [], notices: Notice[] = []): AdaptiveCard {
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
      const reason = view.deliveries.get(p.id)?.reason;
      return {
        id: p.id,
        label: `${t(locale, `group.${p.group}`)}: ${personLabel(p, locale)}`,
        delivery: t(locale, 'status.how', { how: howReached(p, delivery, locale), language: t(locale, `language.${p.language}`) }),
        reason: reason ? t(locale, `status.reason.${reason}`) : '',
        answer: reply?.via === 'phone' ? `${answer} (${t(locale, 'status.byPhone')})` : reply?.via === 'page' ? `${answer} (${t(locale, 'status.byPage')})` : answer,
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
    cancelled: meeting.status === 'cancelled',
    cancelledText:
      meeting.status === 'cancelled'
        ? [t(locale, 'status.cancelledAt', { date: formatInstant(meeting.cancelled!.at, reader, meeting.when?.timeZone ?? 'UTC') }), meeting.cancelled!.reason ?? '']
            .filter(Boolean)
            .join(' ')
        : '',
    changing: isChanging(meeting),
    canChange: meeting.status === 'invited' && !isChanging(meeting),
    canRun: meeting.status === 'invited',
    removed: (meeting.removed ?? [])
      .filter((r) => r.participant.contact.kind !== 'teams')
      .map((r) => ({ text: escapeMarkdown(t(locale, 'status.removedPerson', { name: personLabel(r.participant, locale) })) })),
    viewers,
    ...prepData(meeting, locale),
    hasPages: meeting.status !== 'draft' && meeting.participants.some((p) => !p.isOrganizer && p.contact.kind !== 'teams'),
  });
}

/** The checklist before the meeting, while it is still to come (a reminder, never a condition). */
function prepData(meeting: Meeting, locale: Reader['locale']): Pick<StatusData, 'prepTitle' | 'prepItems' | 'prepId' | 'prepValue' | 'showPrep'> {
  const items = preparationOf(meeting).map((item) => ({ title: t(locale, `prep.${item}`), value: item }));
  const done = ticked(meeting, meeting.prepared ?? []);
  return {
    prepTitle: `${t(locale, 'prep.title')} (${t(locale, 'prep.done', { done: done.length, total: items.length })})`,
    prepItems: items,
    prepId: choiceId('prepared', items),
    prepValue: done.join(','),
    showPrep: meeting.status === 'invited',
  };
}

/** How an invitation reaches a person, in words: "in Teams", "letter by post", "e-mail from you", "in person". */
function howReached(p: Participant, delivery: ReturnType<typeof deliveryOf>, locale: Reader['locale']): string {
  if (p.contact.kind === 'teams') return t(locale, delivery === 'teams' ? 'status.deliveryTeams' : delivery === 'letter' ? 'status.deliveryLetter' : 'status.deliveryPending');
  return t(locale, `status.via.${p.contact.kind}`);
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
