import { randomBytes } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import type { Locale } from '../domain/meeting';
import type { Deps } from '../services/ports';
import type { LetterLinks } from '../services/links';
import { showPage, submitPage, type PageForm, type PageResult } from '../services/pages';
import { pageRefused, personalPage } from '../documents/page';
import { readerLocale, send, type HttpAnswer } from './answer';

/**
 * A person's own page: `GET /p/:token` shows it, `POST /p/:token` takes its forms (`what` =
 * `answer`, `feedback` or `item`, `application/x-www-form-urlencoded`) and answers with a 303
 * back to the page (`?done=<what>#msg`, where the page says what was saved), or with the page
 * again and its errors (400). Refused links get a fixed page: 404 for anything not a valid page
 * link, 410 for a genuine one that expired or was replaced (in the person's language).
 *
 * **Forged requests from other sites.** The link is the credential, and there is no cookie or
 * other ambient authority: a page on another site cannot make a browser do anything on a person's
 * page that holding the link would not allow anyway. Even so a form is taken only from the page
 * itself: a POST whose `Origin` is another site's (or `null`), or whose `Sec-Fetch-Site` says
 * `cross-site`, is refused with 403 and stores nothing. The page is served with `Referrer-Policy:
 * same-origin` (so that browsers send the page's own origin with its forms, and the link never
 * leaves in a Referer to another site), `frame-ancestors 'none'` (no other site frames it),
 * `form-action 'self'`, and a Content-Security-Policy that allows no script at all.
 */
export function pageRoutes(server: Server, deps: Deps, links: LetterLinks): void {
  server.get('/p/:token', async (req: Request, res: Response) => {
    const token = String(req.params.token ?? '');
    const locale = readerLocale(req);
    await answer(res, deps, locale, token, () => showPage(deps, token, locale, query(req, 'done')));
  });

  server.post('/p/:token', async (req: Request, res: Response) => {
    const token = String(req.params.token ?? '');
    const locale = readerLocale(req);
    if (!fromOwnPage(req, links)) {
      deps.log.warn('page.crossSite', {});
      return send(res, refusal(403, locale, 'forbidden'));
    }
    if (!String(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      return send(res, refusal(415, locale, 'invalid'));
    }
    await answer(res, deps, locale, token, () => submitPage(deps, token, formOf(req.body), locale));
  });
}

async function answer(res: Response, deps: Deps, locale: Locale, token: string, run: () => Promise<PageResult>): Promise<void> {
  let result: PageResult;
  try {
    result = await run();
  } catch (err) {
    deps.log.error('page.failed', { error: (err as Error).name });
    return send(res, refusal(503, locale, 'unavailable'));
  }
  send(res, render(result, token));
}

/** The HTTP answer for a page result. */
export function render(result: PageResult, token: string): HttpAnswer {
  const action = `/p/${token}`;
  if (result.status === 303) {
    return { status: 303, type: 'text/plain; charset=utf-8', body: 'See other\n', headers: { Location: `${action}?done=${result.done}#msg` } };
  }
  if ('refused' in result) return refusal(result.status, result.locale, result.refused);
  const nonce = randomBytes(16).toString('base64');
  return { status: result.status, type: 'text/html; charset=utf-8', body: personalPage({ ...result.input, action }, nonce), headers: pageHeaders(nonce) };
}

function refusal(status: number, locale: Locale, reason: 'gone' | 'invalid' | 'unavailable' | 'forbidden'): HttpAnswer {
  const nonce = randomBytes(16).toString('base64');
  return { status, type: 'text/html; charset=utf-8', body: pageRefused(locale, reason, nonce), headers: pageHeaders(nonce) };
}

/** No script, the one style element, forms to the page itself, never in a frame; the link never sent to another site. */
function pageHeaders(nonce: string): Record<string, string> {
  return {
    'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    'Referrer-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
  };
}

/**
 * True unless the request says it comes from another site: `Sec-Fetch-Site: cross-site`, or an
 * `Origin` that is neither the public address nor this request's own host (`null` included).
 * A request without either (not a browser's, or a very old one) is taken: the link decides.
 */
export function fromOwnPage(req: Pick<Request, 'headers'>, links: Pick<LetterLinks, 'origin'>): boolean {
  if (String(req.headers['sec-fetch-site'] ?? '') === 'cross-site') return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    const given = new URL(String(origin));
    if (given.origin === new URL(links.origin()).origin) return true;
    return given.host === String(req.headers.host ?? '');
  } catch {
    return false;
  }
}

/** A posted form as text fields: each field's first value; anything else is left out. */
function formOf(body: unknown): PageForm {
  const form: PageForm = {};
  if (typeof body !== 'object' || body === null) return form;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') form[key] = first;
  }
  return form;
}

function query(req: Request, name: string): string | undefined {
  try {
    return new URL(req.url ?? '', 'http://localhost').searchParams.get(name) ?? undefined;
  } catch {
    return undefined;
  }
}

