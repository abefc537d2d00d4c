import { getHeapSpaceStatistics } from 'node:v8';
import restify, { type Request, type Response, type Server } from 'restify';
import { LOCALES, type Locale } from '../domain/meeting';
import type { Deps } from '../services/ports';
import type { LetterLinks } from '../services/links';
import type { MessagesEndpoint } from '../teams/endpoint';
import { letterMissing } from '../documents/letter';
import { sitePage, type SiteSettings } from '../documents/site';
import { exportRoutes } from './exports';
import { readerLocale, send } from './answer';
import { serveLetter } from './letters';
import { liveRoutes } from './live';
import { pageRoutes } from './pages';
import { personExportRoutes } from './person-export';
import type { TabSso } from './sso';
import { VERBS } from '../services/actions';
import { noTelemetry } from '../telemetry/port';
import { activityVerb, httpMethod, routeTemplate } from '../telemetry/vocabulary';

/** The largest request body accepted; Teams activities are far smaller. */
const MAX_BODY = 256 * 1024;

/** The HTTP server: the Bot Framework endpoint, the letter, export and minutes links, the personal pages, the live timer page and a health check. */
export function httpServer(
  messages: MessagesEndpoint,
  deps: Deps,
  links: LetterLinks,
  local?: { storeRequests: () => Record<string, number>; storeRequestsByScope?: () => Record<string, Record<string, number>> },
  sso?: TabSso,
  site?: SiteSettings,
): Server {
  // Signed letter tokens are longer than the router's default limit of 100 characters per parameter.
  const server = restify.createServer({ name: 'samrad', handleUncaughtExceptions: false, maxParamLength: 512 } as restify.ServerOptions);
  // Every answered request, by the template of the route that took it (`/letters/:token`: never the path asked for, which holds
  // a signed token) and, for /api/messages, the card verb or activity kind from a fixed vocabulary.
  const verbs: ReadonlySet<string> = new Set(VERBS);
  // Without telemetry (no connection string) no hook at all: nothing to time per request.
  if (deps.telemetry !== noTelemetry) server.pre((req, res, next) => {
    const started = performance.now();
    res.once('finish', () => {
      const route = routeTemplate(req.getRoute?.()?.path);
      const verb = route === '/api/messages' ? activityVerb(req.body, verbs) : undefined;
      deps.telemetry.request(route, httpMethod(req.method), verb, res.statusCode, performance.now() - started);
    });
    next();
  });
  server.use(restify.plugins.bodyParser({ maxBodySize: MAX_BODY, mapParams: false, rejectUnknown: true }));
  server.use((req, res, next) => {
    res.header('X-Content-Type-Options', 'nosniff');
    res.header('Referrer-Policy', 'no-referrer');
    res.header('Cache-Control', 'no-store');
    next();
  });

  server.post('/api/messages', async (req: Request, res: Response) => {
    try {
      await messages(req, res);
    } catch (err) {
      deps.log.error('messages.failed', { error: (err as Error).name });
      if (!res.headersSent) res.send(400, { error: 'BadRequest' });
    }
  });

  const letter = (kind: 'letter' | 'ics') => async (req: Request, res: Response) => {
    const locale = readerLocale(req);
    try {
      send(res, await serveLetter(deps, links, String(req.params.token ?? ''), kind, locale));
    } catch (err) {
      deps.log.error('letter.failed', { error: (err as Error).name });
      send(res, { status: 503, type: 'text/html; charset=utf-8', body: letterMissing(locale, 'unavailable') });
    }
  };
  server.get('/letters/:token', letter('letter'));
  server.get('/letters/:token/invitation.ics', letter('ics'));
  // After the meeting: the caseworker's journal text and JSON export, and each participant's printable minutes.
  exportRoutes(server, deps, { export: (t) => links.verifyExport(t), minutes: (t) => links.verifyMinutes(t) });
  // Each person's own page (/p/:token): answering the invitation, feedback, the minutes, their action items.
  pageRoutes(server, deps, links);
  // A person's data for the data-protection officer (GDPR art. 15): JSON and a readable document.
  personExportRoutes(server, deps, (t) => links.verifyPersonExport(t));
  // The pages the manifest links to, in the language asked for (`?lang=`, the links between the languages) or the browser's.
  const page = (name: 'about' | 'privacy' | 'terms') => async (req: Request, res: Response) => {
    const asked = new URL(req.url ?? '/', 'http://samrad').searchParams.get('lang') ?? '';
    const locale = (LOCALES as readonly string[]).includes(asked) ? (asked as Locale) : readerLocale(req);
    send(res, { status: 200, type: 'text/html; charset=utf-8', body: sitePage(name, locale, site), headers: { 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'" } });
  };
  server.get('/', page('about'));
  server.get('/privacy', page('privacy'));
  server.get('/terms', page('terms'));
  server.get('/healthz', async (_req: Request, res: Response) => send(res, { status: 200, type: 'text/plain; charset=utf-8', body: 'ok\n' }));
  if (local) {
    // Local mode only (loopback, no authentication anywhere): how many store requests of each kind were made, for the benchmark.
    server.get('/metrics/store', async (_req: Request, res: Response) =>
      send(res, { status: 200, type: 'application/json; charset=utf-8', body: JSON.stringify(local.storeRequests()) }),
    );
    // This process's memory (after a full garbage collection when Node was started with --expose-gc, as the benchmark does).
    server.get('/metrics/memory', async (_req: Request, res: Response) => {
      const collect = (globalThis as { gc?: () => void }).gc;
      collect?.();
      const spaces = Object.fromEntries(getHeapSpaceStatistics().map((space) => [space.space_name, { size: space.space_size, used: space.space_used_size }]));
      send(res, { status: 200, type: 'application/json; charset=utf-8', body: JSON.stringify({ ...process.memoryUsage(), afterGc: !!collect, spaces }) });
    });
    // The same by what each request was made for: `turn` (up to the answer), `job:<kind>`, `poll`, `other` (`store/scope.ts`).
    server.get('/metrics/store/scopes', async (_req: Request, res: Response) =>
      send(res, { status: 200, type: 'application/json; charset=utf-8', body: JSON.stringify(local.storeRequestsByScope?.() ?? {}) }),
    );
  }
  // The live timer page: its signed link for a big screen, and the Teams tab with single sign-on.
  if (sso) liveRoutes(server, deps, links, sso);
  return server;
}
