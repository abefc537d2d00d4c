import { createHash } from 'node:crypto';
import { LIMITS, type Locale } from './meeting';
import { clean } from './planning';
import { refuseIfAny, type Problem } from './problems';

/** Enough to write to a person in their 1:1 chat with the bot, without storing their name. */
export interface ConversationAddress {
  serviceUrl: string;
  conversationId: string;
  channelId: string;
  tenantId: string;
  botId: string;
  /** The user's id in the channel (in Teams `29:…`). */
  userId: string;
  /** A group chat (a meeting's chat is one) rather than a 1:1 chat. */
  group?: boolean;
}

/**
 * How a caseworker is reached about a meeting, as they entered it themselves on the settings
 * card (Samråd never guesses it): printed on every letter so the family can answer.
 */
export interface CaseworkerContact {
  name: string;
  organisation: string;
  phone: string;
  email: string;
}

/** What Samråd keeps about a Teams user: how to reach them, their language, their open draft. */
export interface UserRecord {
  /** The same as `userKey`: one record per user, in the user's own partition. */
  id: string;
  userKey: string;
  tenantId: string;
  locale: Locale;
  timeZone?: string;
  address?: ConversationAddress;
  draftMeetingId?: string;
  /** A caseworker's contact details for letters. */
  contact?: CaseworkerContact;
  updatedAt: string;
}

/**
 * The key of a user's record: their Entra object id when Teams sends it (the people picker
 * names people by it; GUIDs compare case-insensitively, so it is lower-cased), otherwise a
 * digest of their channel id, so two different channel ids never share a record.
 */
export function userKey(aadObjectId: string | undefined, channelUserId: string): string {
  if (aadObjectId) return `aad-${aadObjectId.toLowerCase()}`;
  return `ch-${createHash('sha256').update(channelUserId, 'utf8').digest('hex').slice(0, 40)}`;
}

/** What the caseworker typed on the contact details card. */
export interface ContactInput {
  name: string;
  organisation: string;
  phone: string;
  email: string;
}

/** The caseworker's contact details from the card: a name, and a phone number or an e-mail address the family can use. */
export function contactFrom(input: ContactInput): CaseworkerContact {
  const problems: Problem[] = [];
  const name = clean(input.name);
  const organisation = clean(input.organisation);
  const phone = clean(input.phone);
  const email = clean(input.email).toLowerCase();
  if (name === '') problems.push({ code: 'nameRequired' });
  if (name.length > LIMITS.name) problems.push({ code: 'textTooLong', params: { field: 'name', max: LIMITS.name } });
  if (organisation.length > LIMITS.organisation) problems.push({ code: 'textTooLong', params: { field: 'organisation', max: LIMITS.organisation } });
  if (phone !== '' && !/^\+?[0-9 ()-]{5,40}$/.test(phone)) problems.push({ code: 'phoneInvalid' });
  if (email !== '' && (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > LIMITS.email)) problems.push({ code: 'emailInvalid' });
  if (phone === '' && email === '') problems.push({ code: 'contactRequired' });
  refuseIfAny(problems);
  return { name, organisation, phone, email };
}
