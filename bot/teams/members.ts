import { TeamsInfo, type TurnContext } from 'botbuilder';

/** The most members a chat may have for Samråd to look at them all (a network meeting has at most 42 people). */
const MAX_MEMBERS = 200;

/**
 * The Entra object ids (lower-case) of the people in the chat the activity came from, through
 * the Teams API (paged). Someone without one is named by their channel id, which matches no
 * participant, so a chat with them in it never shows a case.
 */
export async function chatMembers(context: TurnContext): Promise<string[]> {
  const ids: string[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await TeamsInfo.getPagedMembers(context, 100, continuationToken);
    for (const member of page.members) ids.push((member.aadObjectId || member.id).toLowerCase());
    continuationToken = page.continuationToken || undefined;
  } while (continuationToken && ids.length < MAX_MEMBERS);
  return ids;
}
