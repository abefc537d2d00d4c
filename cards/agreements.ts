import { DateTime } from 'luxon';
import { averages, SCALES, type Feedback } from '../bot/domain/feedback';
import type { Meeting, Participant } from '../bot/domain/meeting';
import type { MinutesContent, MinutesDoc } from '../bot/domain/minutes';
import type { ActionItem } from '../bot/domain/plan';
import { speakerOrder } from '../bot/domain/planning';
import { t } from '../bot/i18n';
import { choiceId, escapeMarkdown, formatInstant, formatWhen, personLabel, type Fact, type Reader } from './format';
import { base, render, type AdaptiveCard, type CardBase, type Notice } from './render';
import feedbackTemplate from './templates/feedback.json';
import overviewTemplate from './templates/feedback-overview.json';
import screenTemplate from './templates/feedback-screen.json';
import minutesTemplate from './templates/minutes.json';

/**
 * What the meeting leaves behind, as cards: the feedback form (on a person's own card, or on the
 * caseworker's screen for the client and the family one after another), the caseworker's
 * overview of everyone's feedback, and the minutes (the secretary's review, and each
 * participant's copy with their own action items to mark done).
 */

interface Choice {
  title: string;
  value: string;
}

/** The data of the feedback form. */
export interface FeedbackData extends CardBase {
  meetingId: string;
  participantId: string;
  via: 'teams' | 'screen';
  title: string;
  whenText: string;
  given: boolean;
  scoreError: string;
  scales: { title: string; label: string; inputId: string; choices: Choice[] }[];
  commentId: string;
  answers: Fact[];
}

/**
 * The feedback form in the Furesø guide's words (001): four scales from 1 to 10, each with its
 * two end labels, and a comment; or, once given, the person's own answers and the thanks. On the
 * caseworker's screen it names the person it is for, and its inputs are that person's alone.
 */
export function feedbackCard(meeting: Meeting, participant: Participant, reader: Reader, given: Feedback | undefined, via: 'teams' | 'screen', notices: Notice[] = []): AdaptiveCard {
  const { locale } = reader;
  // Ids carry the person, so on a shared screen no client carries one person's answers into the next one's form.
  const key = [{ title: participant.id, value: participant.id }];
  return render<FeedbackData>(feedbackTemplate, {
    ...base(locale, notices),
    meetingId: meeting.id,
    participantId: participant.id,
    via,
    title: via === 'screen' ? t(locale, 'feedback.screenFor', { name: personLabel(participant, locale) }) : t(locale, 'feedback.title'),
    whenText: meeting.when ? formatWhen(meeting.when, reader) : '',
    given: !!given,
    scoreError: t(locale, 'problem.scoreInvalid', { min: 1, max: 10 }),
    scales: SCALES.map((scale) => ({
      title: t(locale, `feedback.scale.${scale}`),
      label: `${t(locale, `feedback.low.${scale}`)} (1) – ${t(locale, `feedback.high.${scale}`)} (10)`,
      inputId: choiceId(scale, key),
      choices: Array.from({ length: 10 }, (_, i) => ({
        title: i === 0 ? `1 – ${t(locale, `feedback.low.${scale}`)}` : i === 9 ? `10 – ${t(locale, `feedback.high.${scale}`)}` : String(i + 1),
        value: String(i + 1),
      })),
    })),
    commentId: choiceId('comment', key),
    answers: given ? [...SCALES.map((scale) => ({ title: t(locale, `feedback.scale.${scale}`), value: String(given.scores[scale]) })), ...(given.comment ? [{ title: t(locale, 'field.comment'), value: given.comment }] : [])] : [],
  });
}

/** The data of the card that hands the caseworker's screen from one person to the next. */
export interface ScreenData extends CardBase {
  meetingId: string;
  people: Choice[];
  personId: string;
  firstPerson: string;
}

/** On the caseworker's screen: the client and the family who have not given their feedback yet, to choose the next one. */
export function feedbackScreenCard(meeting: Meeting, waiting: readonly Participant[], reader: Reader, notices: Notice[] = []): AdaptiveCard {
  const people = speakerOrder(waiting).map((p) => ({ title: personLabel(p, reader.locale), value: p.id }));
  return render<ScreenData>(screenTemplate, { ...base(reader.locale, notices), meetingId: meeting.id, people, personId: choiceId('participantId', people), firstPerson: people[0]?.value ?? '' });
}

/** The data of the caseworker's overview of the feedback. */
export interface OverviewData extends CardBase {
  meetingId: string;
  rows: ({ label: string } & Record<(typeof SCALES)[number], string>)[];
  series: { legend: string; values: { x: string; y: number }[] }[];
  averageText: string;
  comments: { text: string }[];
}

/**
 * Everyone's feedback for the caseworker, each person's scores side by side (a line per person
 * over the four scales where Teams draws charts, a table elsewhere), to talk about before
 * everyone leaves (FIT); averages only where at least three answered.
 */
export function feedbackOverviewCard(meeting: Meeting, given: readonly Feedback[], reader: Reader): AdaptiveCard {
  const { locale } = reader;
  const byId = new Map(meeting.participants.map((p) => [p.id, p]));
  const ordered = speakerOrder(given.map((f) => byId.get(f.participantId)).filter((p): p is Participant => !!p));
  const answers = ordered.map((p) => ({ p, f: given.find((f) => f.participantId === p.id)! }));
  const avg = averages(given);
  return render<OverviewData>(overviewTemplate, {
    ...base(locale),
    meetingId: meeting.id,
    rows: answers.map(({ p, f }) => ({ label: personLabel(p, locale), ...(Object.fromEntries(SCALES.map((s) => [s, String(f.scores[s])])) as Record<(typeof SCALES)[number], string>) })),
    series: answers.map(({ p, f }) => ({ legend: p.name, values: SCALES.map((s) => ({ x: t(locale, `feedback.scale.${s}`), y: f.scores[s] })) })),
    averageText: avg
      ? `${t(locale, 'feedback.average', { count: given.length })}: ${SCALES.map((s) => `${t(locale, `feedback.scale.${s}`)} ${avg[s].toLocaleString(locale)}`).join(' · ')}`
      : given.length > 0
        ? t(locale, 'feedback.averageHidden')
        : '',
    comments: answers.filter(({ f }) => f.comment).map(({ p, f }) => ({ text: `**${escapeMarkdown(personLabel(p, locale))}:** ${escapeMarkdown(f.comment!)}` })),
  });
}

/** The data of the minutes card. */
export interface MinutesData extends CardBase {
  meetingId: string;
  title: string;
  review: boolean;
  sent: boolean;
  sentText: string;
  facts: Fact[];
  mine: ItemLine[];
  items: ItemLine[];
  topics: string;
  note: string;
  noteValue: string;
  printUrl: string;
  /** Whose copy this is (their channel id): Teams asks for it afresh whenever they look at it. */
  viewers: string[];
}

interface ItemLine {
  itemId: string;
  text: string;
  detail: string;
  done: boolean;
  doneTitle: string;
  doneValue: string;
}

/**
 * The minutes as a card, in the reader's language: when and where, who was present, who did
 * not come and who left early, chair and secretary, the responsible worker and the follow-up,
 * every action item, the topics and the secretary's note. For the secretary (or caseworker)
 * before sending: with the note to edit and the Send button. For a participant: their own
 * action items on top, to mark done.
 */
export function minutesCard(
  meeting: Meeting,
  content: MinutesContent,
  doc: MinutesDoc | undefined,
  reader: Reader,
  options: { review: boolean; me?: string; printUrl?: string; viewer?: string },
  notices: Notice[] = [],
): AdaptiveCard {
  const { locale } = reader;
  const byId = new Map(meeting.participants.map((p) => [p.id, p]));
  const label = (id: string) => (byId.get(id) ? personLabel(byId.get(id)!, locale) : '');
  const names = (ids: readonly string[]) => speakerOrder(ids.map((id) => byId.get(id)).filter((p): p is Participant => !!p)).map((p) => personLabel(p, locale)).join(', ');
  const zone = reader.timeZone ?? content.timeZone ?? 'UTC';
  const time = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone).toFormat('HH:mm');
  const date = (day: string) => DateTime.fromISO(day).setLocale(locale).toLocaleString(DateTime.DATE_MED);
  const undecided = t(locale, 'agreements.undecided');
  const line = (item: ActionItem): ItemLine => ({
    itemId: item.id.slice('action.'.length),
    text: `${item.done ? '✓' : '○'} ${escapeMarkdown(item.text)}`,
    detail: [label(item.ownerId), t(locale, 'agreements.by', { date: date(item.due) }), ...(item.withIds.length ? [t(locale, 'agreements.with', { names: names(item.withIds) })] : [])].join(' · '),
    done: !!item.done,
    doneTitle: t(locale, item.done ? 'agreements.undo' : 'agreements.markDone'),
    doneValue: item.done ? 'no' : 'yes',
  });
  const facts: Fact[] = [
    ...(meeting.when ? [{ title: t(locale, 'field.when'), value: formatWhen(meeting.when, reader) }] : []),
    { title: t(locale, 'minutes.present'), value: names(content.present) || t(locale, 'format.none') },
    ...(content.didNotCome.length ? [{ title: t(locale, 'minutes.didNotCome'), value: names(content.didNotCome) }] : []),
    ...(content.leftEarly.length ? [{ title: t(locale, 'minutes.leftEarly'), value: content.leftEarly.map((l) => `${label(l.participantId)} ${time(l.at)}`).join(', ') }] : []),
    ...(content.chairId ? [{ title: t(locale, 'field.chair'), value: label(content.chairId) }] : []),
    ...(content.secretaryId ? [{ title: t(locale, 'field.secretary'), value: label(content.secretaryId) }] : []),
    { title: t(locale, 'field.purpose'), value: content.purpose },
    { title: t(locale, 'agreements.responsible'), value: content.outcome.responsible && content.outcome.responsible !== 'undecided' ? label(content.outcome.responsible) : undecided },
    { title: t(locale, 'agreements.followUp'), value: content.outcome.followUp && content.outcome.followUp !== 'undecided' ? date(content.outcome.followUp) : undecided },
    ...(content.memoWays.length ? [{ title: t(locale, 'minutes.memo'), value: content.memoWays.map((way) => t(locale, `session.memoWay.${way}`)).join(', ') }] : []),
  ];
  const sent = doc?.state === 'sent';
  return render<MinutesData>(minutesTemplate, {
    ...base(locale, notices),
    meetingId: meeting.id,
    title: t(locale, options.review && !sent ? 'minutes.reviewTitle' : 'minutes.title'),
    review: options.review,
    sent,
    sentText: sent && doc?.sentAt ? t(locale, 'minutes.sentAt', { date: formatInstant(doc.sentAt, reader, zone) }) : '',
    facts,
    mine: options.me ? content.items.filter((i) => i.ownerId === options.me).map(line) : [],
    items: content.items.map(line),
    topics: content.topics.map((topic) => `- ${topic.covered ? '✓ ' : ''}${escapeMarkdown(topic.text)}`).join('\n'),
    note: content.note ? escapeMarkdown(content.note) : '',
    noteValue: doc?.note ?? '',
    printUrl: options.printUrl ?? '',
    viewers: options.viewer ? [options.viewer] : [],
  });
}
