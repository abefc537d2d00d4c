import type { Request, Response, Server } from 'restify';
import { viewOf } from '../domain/invitation';
import type { MeetingDoc } from '../domain/meeting-docs';
import type { PageLinkDoc } from '../domain/page-link';
import { keyKind } from '../domain/people';
import { personDocument, personExport, type PersonInMeeting } from '../documents/person-export';
import { audit } from '../services/audit';
import type { PersonExportClaim } from '../services/links';
import { findPerson } from '../services/people';
import type { Deps } from '../services/ports';
import { queries } from '../store/queries';
import { NOT_FOUND, UNAVAILABLE } from './exports';
import { send, type HttpAnswer } from './answer';

/**
 * A person's data for the data-protection officer (GDPR art. 15), over the short-lived signed
 * links on the officer's card (`LetterLinks.personExportUrls`):
 *
 * - `/person-export/:token/person.json`: PersonExportV1 (schema/person-export.v1.schema.json);
 * - `/person-export/:token/person.html`: the same as a readable document in the officer's language.
 *
 * The link names the person by the key they were found by, never by name or address; the person
 * is looked up again when it is opened, and the officer it was drawn for must still be one.
 * Each download is recorded in the audit trail of every meeting it holds (`person.export.read`,
 * by the officer). Anything wrong is the same 404 with a fixed body; every answer is `no-store`.
 */

const HEADERS = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex' } as const;

const notFound = (): HttpAnswer => ({ status: 404, type: 'text/plain; charset=utf-8', body: NOT_FOUND, headers: { ...HEADERS } });

/** Checks a token: the claim of a valid, unexpired one; undefined for anything else. */
export type PersonExportVerifier = (token: string) => PersonExportClaim | undefined;

/** The person's data for a link, in one of its two forms. */
export async function servePersonExport(deps: Deps, verify: PersonExportVerifier, token: string, form: 'json' | 'html'): Promise<HttpAnswer> {
  const claim = verify(token);
  if (!claim || !claim.by.startsWith('aad-')) return notFound();
  // The link was drawn for an officer: it opens only while they still are one.
  if (!(await deps.dataProtection.isDataProtectionOfficer(claim.tenantId, claim.by.slice('aad-'.length)))) return notFound();
  const found = await findPerson(deps, claim.tenantId, claim.key, claim.day);
  const items: PersonInMeeting[] = [];
  for (const f of found) {
    const docs = (await deps.stores.meetings.query(queries.meeting(f.plan.id))).map((r) => r.doc as MeetingDoc);
    const view = viewOf(docs);
    if (!view) continue;
    const link = docs.find((d): d is PageLinkDoc & MeetingDoc => d.kind === 'link' && d.participantId === f.participant.id);
    items.push({ view, participant: f.participant, ...(link ? { link } : {}) });
  }
  const data = personExport(items, { by: keyKind(claim.key), ...(claim.day ? { day: claim.day } : {}) }, deps.now());
  for (const item of items) await audit(deps, item.view.plan, claim.by, 'person.export.read', { ref: item.participant.id });
  deps.log.info('privacy.exportServed', { tenant: claim.tenantId, form, meetings: items.length });
  const day = deps.now().toUTC().toFormat('yyyy-MM-dd');
  if (form === 'json') {
    return {
      status: 200,
      type: 'application/json',
      body: `${JSON.stringify(data, null, 2)}\n`,
      headers: { ...HEADERS, 'Content-Disposition': `attachment; filename="person-data-${day}.json"` },
    };
  }
  return {
    status: 200,
    type: 'text/html; charset=utf-8',
    body: personDocument(data, claim.locale),
    headers: { ...HEADERS, 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'" },
  };
}

/** Registers the two routes; `verify` checks the tokens (`LetterLinks.verifyPersonExport`). */
export function personExportRoutes(server: Pick<Server, 'get'>, deps: Deps, verify: PersonExportVerifier): void {
  const route = (form: 'json' | 'html') => async (req: Request, res: Response) => {
    let answer: HttpAnswer;
    try {
      answer = await servePersonExport(deps, verify, String(req.params?.token ?? ''), form);
    } catch (err) {
      deps.log.error('privacy.exportFailed', { error: (err as Error).name });
      answer = { status: 503, type: 'text/plain; charset=utf-8', body: UNAVAILABLE, headers: { ...HEADERS } };
    }
    send(res, answer);
  };
  server.get('/person-export/:token/person.json', route('json'));
  server.get('/person-export/:token/person.html', route('html'));
}
