import type { AuditDoc } from './audit';
import type { Feedback } from './feedback';
import type { DeliveryDoc, Meeting, ReplyDoc, SentDoc } from './meeting';
import type { MinutesDoc } from './minutes';
import type { NudgeDoc, TrackingDoc } from './nudge-log';
import type { PageLinkDoc } from './page-link';
import type { ActionItem } from './plan';
import type { Session } from './session';

/**
 * A meeting's partition as a whole: the union of every document stored in it, and the meeting as
 * the views need it, assembled from them. This file imports the document types; none of them
 * imports it.
 */

/**
 * Every kind of document in a meeting's partition: the plan, each person's answer and delivery
 * (`meeting.ts`), the meeting being held (`session.ts`), each action item (`plan.ts`), each
 * person's feedback (`feedback.ts`), the minutes (`minutes.ts`), how the cards after the meeting
 * reached each person, each person's page link (`page-link.ts`), the nudges and what was
 * scheduled (`nudge-log.ts`), and the audit trail, one document per entry (`audit.ts`). Each
 * carries the instant it expires (retention, see `retention.ts`) once the meeting is sent.
 */
export type MeetingDoc = (Meeting | ReplyDoc | DeliveryDoc | Session | ActionItem | Feedback | MinutesDoc | SentDoc | PageLinkDoc | NudgeDoc | TrackingDoc | AuditDoc) & { expiresAt?: string };

/** A meeting as the people's views need it: the plan with each person's answer and delivery. */
export interface MeetingView {
  plan: Meeting;
  replies: ReadonlyMap<string, ReplyDoc>;
  deliveries: ReadonlyMap<string, DeliveryDoc>;
  /** Meeting mode, once it was opened. */
  session?: Session;
  /** The action items agreed, in the order they were agreed. */
  actions: readonly ActionItem[];
  /** Each person's feedback, by participant id. */
  feedback: ReadonlyMap<string, Feedback>;
  /** The minutes, once the secretary began them. */
  minutes?: MinutesDoc;
  /** The nudges sent, snoozed or marked done, by key. */
  nudges: ReadonlyMap<string, NudgeDoc>;
  /** What was last scheduled for it (nudges, the overview line). */
  tracking?: TrackingDoc;
}
