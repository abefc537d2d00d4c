import type { StatusCardRef } from '../domain/meeting';
import type { MeetingView } from '../domain/meeting-docs';
import type { Reader } from '../../cards/format';
import { statusCard } from '../../cards/invitations';
import type { AdaptiveCard, Notice } from '../../cards/render';
import type { Actor, Deps } from './ports';

/**
 * The caseworker's status card for a sent meeting, for the person whose chat it is in: its
 * refresh names them (`viewer`, their channel id), so Teams asks for it afresh whenever they look
 * at any copy of it.
 */
export function statusView(deps: Deps, view: MeetingView, reader: Reader, viewer: string | undefined, notices: Notice[] = []): AdaptiveCard {
  return statusCard(view, reader, (participantId) => deps.links.letterUrls(view.plan.id, participantId), viewer ? [viewer] : [], notices);
}

/** Where a status card shown in answer to this person's press now stands: the card they pressed, in their chat. */
export function statusCardHere(actor: Actor): StatusCardRef | undefined {
  return actor.cardActivityId ? { conversationId: actor.address.conversationId, activityId: actor.cardActivityId, userKey: actor.userKey } : undefined;
}
