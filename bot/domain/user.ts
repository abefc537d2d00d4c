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
  id: string;
  tenantId: string;
  locale: Locale;
  timeZone?: string;
  address?: ConversationAddress;
  draftMeetingId?: string;
  updatedAt: string;
}

/**
 * The key of a user's record: their Entra object id when Teams sends it (the people picker
 * names people by it), otherwise their channel id.
 */
export function userKey(aadObjectId: string | undefined, channelUserId: string): string {
  if (aadObjectId) return `aad-${aadObjectId.toLowerCase()}`;
  return `ch-${channelUserId.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}
