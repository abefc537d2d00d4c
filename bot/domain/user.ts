import { createHash } from 'node:crypto';
import type { Locale } from './meeting';

/** Enough to write to a person in their 1:1 chat with the bot, without storing their name. */
export interface ConversationAddress {
  serviceUrl: string;
  conversationId: string;
  channelId: string;
  tenantId: string;
  botId: string;
  /** The user's id in the channel (in Teams `29:…`). */
  userId: string;
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
