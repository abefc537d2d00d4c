import { randomBytes } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import type { Locale, Meeting } from '../domain/meeting';
import type { MeetingView } from '../domain/meeting-docs';
import { minutesContent } from '../domain/minutes';
import { meetingDate } from '../domain/plan';
import { isIssuedId } from '../services/action-data';
import { readView } from '../services/meetings';
import type { Deps } from '../services/ports';
import { t } from '../i18n';
import { journalText, meetingExport } from '../documents/export';
import { noticePage } from '../documents/print';
import { minutesHtml } from '../documents/minutes';
import { readerLocale, send, type HttpAnswer } from './answer';
import { BY_LINK } from '../domain/audit';
import { audit } from '../services/audit';

/**
 * After the meeting, over signed links:
 *
 * - `/export/:token/journal.txt` and `/export/:token/meeting.json`, for the caseworker: the
 *   journal text to paste into the case system and the whole meeting as JSON (MeetingExportV1),
 *   both downloads, in the convening caseworker's language (or that of the participant the
 *   claim names, when it names the caseworker or co-organizer);
 * - `/minutes/:token`: the printable minutes for one participant, in that participant's
 *   language, once the meeting has ended (marked as a draft until the minutes are sent).
 *
 * A token is checked by the verifier the routes are given, so the link scheme can change
 * without this file. `http/server.ts` gives `LetterLinks`' `verifyExport` and `verifyMinutes`
 * (`services/links.ts`): the same signed tokens as every personal link (a JWS with a key id,
 * `domain/page-link.ts`), of the purposes `export` and `minutes`, so a letter, page or
 * live-timer token never opens an export, and a minutes token never opens the caseworker's
 * export. Anything wrong (a bad, expired or altered token, an id Samråd did not
 * issue, a meeting that is gone, a draft, minutes of a meeting not ended, a participant not in
 * the meeting) is the same 404 with a fixed body: no detail says which. Every answer is
 * `Cache-Control: no-store`.
 */

/** What a link names: one meeting, and for the minutes one participant. */
export interface ExportClaim {
  meetingId: string;
  /**
   * The participant the link is for, as a test of a participant id (a token names a person by a
   * hash of their id only, so they are found among the meeting's participants); absent when the
   * link names no one, as the caseworker's export link.
   */
  names?: (participantId: string) => boolean;
}

/** Checks a token: the claim of a valid, unexpired one; undefined for anything else. */
export type ExportVerifier = (token: string) => ExportClaim | undefined;

/** The verifiers of the two kinds of link. */
export interface ExportVerifiers {
  /** The caseworker's journal and JSON links. */
  export: ExportVerifier;
  /** A participant's printable minutes. */
  minutes: ExportVerifier;
}

/** The fixed bodies of refusals: the same for every reason. */
export const NOT_FOUND = 'Not found\n';
export const UNAVAILABLE = 'Unavailable\n';

const BASE_HEADERS = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex' } as const;

const notFound = (): HttpAnswer => ({ status: 404, type: 'text/plain; charset=utf-8', body: NOT_FOUND, headers: { ...BASE_HEADERS } });

/** The journal text of a meeting for a caseworker's export link. */
export function serveJournal(deps: Deps, verify: ExportVerifier, token: string): Promise<HttpAnswer> {
  return serveExport(deps, verify, token, 'journal', (found) => ({ type: 'text/plain; charset=utf-8', body: journalText(found.view, found.locale), file: ['journal', 'txt'] }));
}

/** The whole meeting as JSON (MeetingExportV1) for a caseworker's export link. */
export function serveMeetingJson(deps: Deps, verify: ExportVerifier, token: string): Promise<HttpAnswer> {
  return serveExport(deps, verify, token, 'json', (found) => ({ type: 'application/json', body: `${JSON.stringify(meetingExport(found.view, deps.now()), null, 2)}\n`, file: ['meeting', 'json'] }));
}

/** A caseworker's export for their link: logged, recorded in the audit trail, and downloaded under a name of the meeting's day. */
async function serveExport(
  deps: Deps,
  verify: ExportVerifier,
  token: string,
  kind: 'journal' | 'json',
  draw: (found: { view: MeetingView; locale: Locale }) => { type: string; body: string; file: [what: 'journal' | 'meeting', ext: 'txt' | 'json'] },
): Promise<HttpAnswer> {
  const found = await caseworkerView(deps, verify, token);
  if (!found) return notFound();
  deps.log.info('export.served', { meeting: found.view.plan.id, kind });
  await audit(deps, found.view.plan, BY_LINK, 'export.read');
  const { type, body, file } = draw(found);
  return { status: 200, type, body, headers: { ...BASE_HEADERS, 'Content-Disposition': `attachment; filename="${fileName(found.view.plan, ...file)}"` } };
}

/**
 * The printable minutes for the participant a minutes link names, in their language: only for
 * a sent meeting whose session has ended. `readerLocale` is for the 404 page alone.
 */
export async function serveMinutes(deps: Deps, verify: ExportVerifier, token: string, readerLocale: Locale): Promise<HttpAnswer> {
  const claim = verify(token);
  const names = claim?.names;
  const view = claim && names && isIssuedId(claim.meetingId) ? await readView(deps, claim.meetingId) : undefined;
  const reader = names && view?.plan.participants.find((p) => names(p.id) && !p.erased);
  const session = view?.session;
  if (!view || !reader || view.plan.status !== 'invited' || !session || session.state !== 'ended') {
    return { status: 404, type: 'text/html; charset=utf-8', body: minutesMissing(readerLocale, 'missing'), headers: { ...BASE_HEADERS } };
  }
  const nonce = randomBytes(16).toString('base64');
  const content = minutesContent(view.plan, session, view.actions, view.minutes);
  deps.log.info('minutes.served', { meeting: view.plan.id, participant: reader.id, sent: view.minutes?.state === 'sent' });
  await audit(deps, view.plan, BY_LINK, 'minutes.read', { ref: reader.id });
  return {
    status: 200,
    type: 'text/html; charset=utf-8',
    body: minutesHtml(view.plan, content, reader.language, nonce, deps.now(), { draft: view.minutes?.state !== 'sent' }),
    headers: { ...BASE_HEADERS, 'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'` },
  };
}

/** The page instead of the minutes, in the browser's language: the same for every reason a link does not open. */
export function minutesMissing(locale: Locale, reason: 'missing' | 'unavailable'): string {
  return noticePage(locale, t(locale, `minutesDoc.${reason}`));
}

/**
 * Registers the routes on the server. `verify` checks the tokens: `LetterLinks`' `verifyExport`
 * and `verifyMinutes`, or another scheme's.
 */
export function exportRoutes(server: Pick<Server, 'get'>, deps: Deps, verify: ExportVerifiers): void {
  const guarded = (name: string, failed: (req: Request) => HttpAnswer, handler: (req: Request) => Promise<HttpAnswer>) => async (req: Request, res: Response) => {
    let answer: HttpAnswer;
    try {
      answer = await handler(req);
    } catch (err) {
      deps.log.error(`${name}.failed`, { error: (err as Error).name });
      answer = failed(req);
    }
    send(res, answer);
  };
  const token = (req: Request) => String(req.params?.token ?? '');
  const unavailable = (): HttpAnswer => ({ status: 503, type: 'text/plain; charset=utf-8', body: UNAVAILABLE, headers: { ...BASE_HEADERS } });
  server.get('/export/:token/journal.txt', guarded('export.journal', unavailable, (req) => serveJournal(deps, verify.export, token(req))));
  server.get('/export/:token/meeting.json', guarded('export.json', unavailable, (req) => serveMeetingJson(deps, verify.export, token(req))));
  server.get(
    '/minutes/:token',
    guarded(
      'minutes.page',
      (req) => ({ status: 503, type: 'text/html; charset=utf-8', body: minutesMissing(readerLocale(req), 'unavailable'), headers: { ...BASE_HEADERS } }),
      (req) => serveMinutes(deps, verify.minutes, token(req), readerLocale(req)),
    ),
  );
}

/** The meeting an export link names, for the caseworker (or co-organizer), with their language. */
async function caseworkerView(deps: Deps, verify: ExportVerifier, token: string): Promise<{ view: MeetingView; locale: Locale } | undefined> {
  const claim = verify(token);
  if (!claim || !isIssuedId(claim.meetingId)) return undefined;
  const view = await readView(deps, claim.meetingId);
  // Only what was sent (or cancelled after sending) is exported; a draft is the caseworker's own work in progress.
  if (!view || (view.plan.status !== 'invited' && view.plan.status !== 'cancelled')) return undefined;
  const plan = view.plan;
  const organizer = plan.participants.find((p) => p.isOrganizer);
  // A link naming a participant names the caseworker who convenes, or the co-organizer: nobody else's link opens the export.
  const names = claim.names;
  const named = names === undefined ? organizer : plan.participants.find((p) => names(p.id) && (p.isOrganizer || p.id === plan.coOrganizerId));
  if (names !== undefined && !named) return undefined;
  return { view, locale: named?.language ?? 'en' };
}

/** A download's file name: the meeting's day, never a name. */
function fileName(plan: Meeting, what: 'journal' | 'meeting', ext: 'txt' | 'json'): string {
  const day = meetingDate(plan);
  return `network-meeting${day ? `-${day}` : ''}-${what}.${ext}`;
}
