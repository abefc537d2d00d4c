import type { DateTime } from 'luxon';
import { LIMITS, type Meeting } from './meeting';
import { clean } from './text';
import { Refusal, refuseIfAny, type Problem } from './problems';

/**
 * The participants' feedback before they leave (001, the Furesø guide's four scales, after the
 * FIT method): relation, goals and topics, approach or method, overall, each from 1 to 10, with
 * an optional comment. One per person and meeting, a document of its own, so forty people
 * answering in the same minute never write the same document. Shown to the caseworker as each
 * person gave it; averages only where at least three answered. Pure.
 */

/** The four scales, in the guide's order. */
export const SCALES = ['relation', 'goals', 'approach', 'overall'] as const;
export type Scale = (typeof SCALES)[number];

/** Averages are shown only where at least this many answered, so nobody's answer can be worked out. */
export const MIN_FOR_AVERAGE = 3;

/** How a feedback was given: on the person's own card in Teams, on the caseworker's screen, or on the person's page. */
export type FeedbackVia = 'teams' | 'screen' | 'page';

/** One person's feedback on one meeting. */
export interface Feedback {
  kind: 'feedback';
  /** `feedback.<participant id>`: one per person and meeting. */
  id: string;
  meetingId: string;
  participantId: string;
  scores: Record<Scale, number>;
  comment?: string;
  via: FeedbackVia;
  at: string;
  /** A user key or a page link's subject, never a name. */
  by: string;
}

/** The id of a person's feedback document. */
export function feedbackId(participantId: string): string {
  return `feedback.${participantId}`;
}

/** What a card or page sends: each scale as typed, and the comment. */
export type FeedbackInput = Record<Scale, string> & { comment: string };

/**
 * A person's feedback, checked: a participant of the meeting (the caseworker too: they took
 * part), each scale a whole number from 1 to 10, a comment of at most 500 characters.
 */
export function feedbackOf(meeting: Meeting, participantId: string, input: FeedbackInput, via: FeedbackVia, by: string, now: DateTime): Feedback {
  if (!meeting.participants.some((p) => p.id === participantId)) throw new Refusal({ code: 'participantUnknown' });
  const problems: Problem[] = [];
  const scores = {} as Record<Scale, number>;
  for (const scale of SCALES) {
    const value = (input[scale] ?? '').trim();
    const n = /^\d{1,2}$/.test(value) ? Number(value) : NaN;
    if (!(n >= 1 && n <= 10)) problems.push({ code: 'scoreInvalid', params: { min: 1, max: 10 } });
    scores[scale] = n;
  }
  const comment = clean(input.comment ?? '', true);
  if (comment.length > LIMITS.comment) problems.push({ code: 'textTooLong', params: { field: 'comment', max: LIMITS.comment } });
  refuseIfAny(dedupe(problems));
  return {
    kind: 'feedback',
    id: feedbackId(participantId),
    meetingId: meeting.id,
    participantId,
    scores,
    ...(comment ? { comment } : {}),
    via,
    at: now.toUTC().toISO()!,
    by,
  };
}

/** The average of each scale over these answers, to one decimal; undefined when fewer than three answered. */
export function averages(answers: readonly Feedback[]): Record<Scale, number> | undefined {
  if (answers.length < MIN_FOR_AVERAGE) return undefined;
  return Object.fromEntries(SCALES.map((s) => [s, Math.round((answers.reduce((sum, a) => sum + a.scores[s], 0) / answers.length) * 10) / 10])) as Record<Scale, number>;
}

function dedupe(problems: Problem[]): Problem[] {
  return problems.filter((p, i) => problems.findIndex((q) => JSON.stringify(q) === JSON.stringify(p)) === i);
}
