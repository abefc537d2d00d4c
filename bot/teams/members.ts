import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { ChatMember } from '../services/ports';

/** The most members a chat may have for Samråd to look at them all (a network meeting has at most 42 people). */
const MAX_MEMBERS = 200;

/**
 * The people in the chat the activity came from, through the Teams API (paged): each one's
 * Entra object id (lower-case) and channel id. Someone without an object id is named by their
 * channel id, which matches no participant, so a chat with them in it never shows a case.
 */
export async function chatMembers(context: TurnContext): Promise<ChatMember[]> {
  const members: ChatMember[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await TeamsInfo.getPagedMembers(context, 100, continuationToken);
    for (const member of page.members) members.push({ objectId: (member.aadObjectId || member.id).toLowerCase(), channelUserId: member.id });
    continuationToken = page.continuationToken || undefined;
  } while (continuationToken && members.length < MAX_MEMBERS);
  return members;
}
