import { randomBytes } from 'node:crypto';
import type { Deps } from '../services/ports';
import { isIssuedId } from '../services/action-data';
import { readPlan } from '../services/meetings';
import { pageUrl } from '../services/pages';
import type { LetterLinks } from '../services/links';
import { namesParticipant } from '../domain/page-link';
import type { Locale } from '../domain/meeting';
import { invitationLetter, letterMissing } from '../documents/letter';
import { invitationIcs } from '../documents/ics';
import { BY_LINK } from '../domain/audit';
import { audit } from '../services/audit';
import type { HttpAnswer } from './answer';

/**
 * Serves a printable letter or calendar file for a signed link; anything else is a 404 page in the
 * reader's language. Each has a token of its own purpose (`letter`, `ics`): a calendar-file link
 * passed on never opens the letter, which has the postal address.
 *
 * An invitation letter prints the person's own page link where it says how to answer (the first
 * letter served issues their link, version 1); none while their link is revoked, and none on a
 * cancellation.
 */
export async function serveLetter(deps: Deps, links: LetterLinks, token: string, kind: 'letter' | 'ics', readerLocale: Locale): Promise<HttpAnswer> {
  const claim = links.verifyLetter(token, kind);
  // A signed link names ids Samråd issued; anything else finds nothing.
  const found = claim && isIssuedId(claim.meetingId) ? await readPlan(deps, claim.meetingId) : undefined;
  // Someone whose data was erased has no letter any more.
  const invitee = found?.doc.participants.find((p) => claim && namesParticipant(claim, p.id) && !p.isOrganizer && !p.erased);
  // An invitation, or its cancellation: both are letters (and calendar files) the invitee must get.
  if (!found || !invitee || (found.doc.status !== 'invited' && found.doc.status !== 'cancelled')) {
    return { status: 404, type: 'text/html; charset=utf-8', body: letterMissing(readerLocale, 'expired') };
  }
  // How to answer: the contact details the caseworker who convenes entered themselves, if any.
  const key = found.doc.organizer.userKey;
  const contact = (await deps.stores.users.read(key, key))?.doc.contact;
  deps.log.info('letter.served', { meeting: found.doc.id, participant: invitee.id, kind, status: found.doc.status, contact: !!contact });
  await audit(deps, found.doc, BY_LINK, 'letter.read', { ref: invitee.id });
  if (kind === 'ics') {
    return {
      status: 200,
      type: 'text/calendar; charset=utf-8',
      body: invitationIcs(found.doc, invitee, deps.now(), contact),
      headers: { 'Content-Disposition': 'attachment; filename="network-meeting.ics"' },
    };
  }
  const page = found.doc.status === 'invited' ? await pageUrl(deps, found.doc.id, invitee.id) : undefined;
  const nonce = randomBytes(16).toString('base64');
  return {
    status: 200,
    type: 'text/html; charset=utf-8',
    body: invitationLetter(found.doc, invitee, contact, deps.now(), nonce, page),
    headers: { 'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'` },
  };
}
