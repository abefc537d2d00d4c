import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Request, Response, Server } from 'restify';
import { LOCALES, type Locale } from '../domain/meeting';
import { esc } from '../documents/print';
import { t } from '../i18n';
import type { LetterLinks } from '../services/links';
import { liveEtag, liveStateOf, liveTexts, mayWatch, meetingChoices, meetingLocale, readLive, type LiveView } from '../services/live';
import type { Deps } from '../services/ports';
import { LANGUAGE_NAMES, type LiveTexts } from '../../tab/wire';
import { readerLocale } from './answer';
import type { TabSso } from './sso';

/**
 * The live timer page and its state, two ways in, both read-only:
 *
 * - `/live/:token` and `/live/:token/state`: the signed link on the meeting-mode card, for a big
 *   screen in a room without a Teams meeting. It names one meeting, expires a few hours after the
 *   planned end, and answers 410 once the meeting has ended. It speaks the meeting's language
 *   (the convening caseworker's), never the browser's: a room's screen is nobody's own. `?lang=`
 *   (sv, da, fi, en) asks for another one, on the page and its state alike; the page's switch
 *   sets it (and keeps the choice in that browser) without a reload, having every language's
 *   texts already. An unknown value is ignored.
 * - `/tab/live` and `/tab/config` (the Teams tab and its configuration page) with
 *   `/api/live/:meetingId` and `/api/live`: only with a Teams single sign-on token (`TabSso`), and
 *   only for a participant of the meeting (invited in Teams, or convening it).
 *
 * Both state answers carry an ETag (the session's revision, the plan's, and the language) and
 * answer `304 Not Modified` to a matching If-None-Match, so the page's poll every few seconds
 * costs two point reads and a few bytes. Refusals have fixed, short bodies and no details.
 * The page's script is the bundle `npm run build:tab` writes next to the compiled server
 * (dist/tab); without one (tsx, tests) it is bundled with esbuild on the first request and kept
 * in memory.
 */

/** The bundles of the page, by the name they are served under, and their entry points. */
export const TAB_BUNDLES = { 'live.js': 'tab/live-page.ts', 'teams.js': 'tab/teams-page.ts' } as const;
type BundleName = keyof typeof TAB_BUNDLES;

/** The project root when running from source (bot/http → ..), and where a build puts the bundles (dist/bot/http → dist/tab). */
const SOURCE_ROOT = join(__dirname, '..', '..');
const BUILT_DIR = join(__dirname, '..', '..', 'tab');

/** Hosts that may frame the Teams tab (Teams on the web and desktop, and the cloud.microsoft domains it moves to). */
const TEAMS_ANCESTORS = ['https://teams.microsoft.com', 'https://*.teams.microsoft.com', 'https://*.cloud.microsoft', 'https://*.office.com', 'https://*.microsoft365.com'];

/** The fixed bodies of refusals. */
const REFUSED = {
  401: '{"error":"unauthorized"}',
  404: '{"error":"not found"}',
  410: '{"error":"gone"}',
  503: '{"error":"unavailable"}',
} as const;

/** Registers the live timer's routes on the server. */
export function liveRoutes(server: Server, deps: Deps, links: LetterLinks, sso: TabSso): void {
  const bundles = new Bundles(deps);
  if (!sso.configured) deps.log.warn('live.sso.off', { note: 'no MICROSOFT_APP_ID or SSO_AUDIENCE: the Teams tab accepts no sign-on token' });

  const guarded = (name: string, handler: (req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response) => {
    try {
      await handler(req, res);
    } catch (err) {
      deps.log.error(`${name}.failed`, { error: (err as Error).name });
      if (!res.headersSent) json(res, 503, REFUSED[503]);
    }
  };

  // The signed link: the page, then its state.
  server.get(
    '/live/:token',
    guarded('live.page', async (req, res) => {
      const token = String(req.params.token ?? '');
      const found = await signed(deps, links, token);
      // A link that names no meeting (any more) has only the browser's language to go by.
      if (!found) {
        const locale = askedLocale(req) ?? readerLocale(req);
        return html(res, 404, messagePage(locale, t(locale, 'live.gone')), linkCsp(nonceOf()));
      }
      const locale = askedLocale(req) ?? meetingLocale(found.view.plan);
      if (found.ended) return html(res, 410, messagePage(locale, t(locale, 'live.ended')), linkCsp(nonceOf()));
      deps.log.info('live.page', { meeting: found.view.plan.id });
      const nonce = nonceOf();
      const texts = Object.fromEntries(LOCALES.map((l) => [l, liveTexts(l)]));
      html(res, 200, page({ locale, texts, script: 'live.js', nonce, data: { mode: 'link', locale, state: `/live/${token}/state` }, languages: 'shown' }), linkCsp(nonce), {
        'X-Frame-Options': 'DENY',
      });
    }),
  );
  server.get(
    '/live/:token/state',
    guarded('live.state', async (req, res) => {
      const found = await signed(deps, links, String(req.params.token ?? ''));
      if (!found) return json(res, 404, REFUSED[404]);
      if (found.ended) return json(res, 410, REFUSED[410]);
      // The language is in the URL (or is the meeting's): the answer does not vary with any header.
      answerState(req, res, deps, found.view, askedLocale(req) ?? meetingLocale(found.view.plan));
    }),
  );

  // The Teams tab: its pages, the meetings to choose from, and the state, each with the sign-on token.
  server.get(
    '/api/live',
    guarded('live.choices', async (req, res) => {
      const identity = await signedOn(req, res, deps, sso);
      if (!identity) return;
      const meetings = await meetingChoices(deps, identity.userKey, readerLocale(req));
      json(res, 200, JSON.stringify({ meetings }), { 'Cache-Control': 'private, no-cache', Vary: 'Accept-Language, Authorization' });
    }),
  );
  server.get(
    '/api/live/:meetingId',
    guarded('live.api', async (req, res) => {
      const identity = await signedOn(req, res, deps, sso);
      if (!identity) return;
      const view = await readLive(deps, String(req.params.meetingId ?? ''));
      // Not found and not theirs answer alike: nobody learns that a meeting exists.
      if (!view || view.plan.tenantId.toLowerCase() !== identity.tid.toLowerCase() || !mayWatch(view.plan, identity.userKey)) {
        if (view) deps.log.warn('live.notParticipant', { meeting: view.plan.id });
        return json(res, 404, REFUSED[404]);
      }
      answerState(req, res, deps, view, readerLocale(req), 'Accept-Language, Authorization');
    }),
  );
  const teamsPage = (mode: 'teams-live' | 'teams-config') =>
    guarded('live.tab', async (req, res) => {
      const locale = readerLocale(req);
      const nonce = nonceOf();
      const texts = Object.fromEntries(LOCALES.map((l) => [l, liveTexts(l)]));
      // The timer tab has the same switch, shown once Teams has said whose the tab is; the configuration page has none.
      const languages = mode === 'teams-live' ? 'hidden' : 'none';
      html(res, 200, page({ locale, texts, script: 'teams.js', nonce, data: { mode }, languages }), teamsCsp(nonce));
    });
  server.get('/tab/live', teamsPage('teams-live'));
  server.get('/tab/config', teamsPage('teams-config'));

  // The page's scripts.
  for (const name of Object.keys(TAB_BUNDLES) as BundleName[]) {
    server.get(
      `/tab/${name}`,
      guarded('live.bundle', async (req, res) => {
        const bundle = await bundles.get(name);
        if (!bundle) return text(res, 503, 'text/plain; charset=utf-8', 'unavailable\n');
        const headers = { ETag: bundle.etag, 'Cache-Control': 'no-cache' };
        if (matches(req, bundle.etag)) return notModified(res, headers);
        text(res, 200, 'text/javascript; charset=utf-8', bundle.body, headers);
      }),
    );
  }
}

/** The meeting a signed link names, if the link holds and meeting mode runs, and whether it has ended. */
async function signed(deps: Deps, links: LetterLinks, token: string): Promise<{ view: LiveView; ended: boolean } | undefined> {
  const claim = links.verifyLive(token);
  const view = claim ? await readLive(deps, claim.meetingId) : undefined;
  if (!view?.session) return undefined;
  return { view, ended: view.session.state === 'ended' };
}

/** The signed-on user, or undefined when the answer (401, or 503 when Entra ID's keys cannot be had) has been sent. */
async function signedOn(req: Request, res: Response, deps: Deps, sso: TabSso) {
  const outcome = await sso.check(req.headers.authorization);
  if ('identity' in outcome) return outcome.identity;
  deps.log.warn('live.sso.refused', { reason: outcome.refused });
  if (outcome.refused === 'unavailable') json(res, 503, REFUSED[503]);
  else json(res, 401, REFUSED[401], { 'WWW-Authenticate': 'Bearer' });
  return undefined;
}

/** The state as JSON, or 304 when the reader has it already. */
function answerState(req: Request, res: Response, deps: Deps, view: LiveView, locale: Locale, vary?: string): void {
  const etag = liveEtag(view, locale);
  const headers = { ETag: etag, 'Cache-Control': 'private, no-cache', ...(vary ? { Vary: vary } : {}) };
  if (matches(req, etag)) return notModified(res, headers);
  json(res, 200, JSON.stringify(liveStateOf(view, locale, deps.now())), headers);
}

/** Does the request's If-None-Match name this ETag (weak or strong, or `*`)? */
function matches(req: Request, etag: string): boolean {
  const header = String(req.headers['if-none-match'] ?? '');
  if (!header) return false;
  return header.split(',').some((tag) => {
    const value = tag.trim().replace(/^W\//, '');
    return value === '*' || value === etag;
  });
}

/** The page's scripts: built files when there are, else bundled once with esbuild and kept. */
class Bundles {
  private loading?: Promise<Map<string, { body: string; etag: string }> | undefined>;

  constructor(private readonly deps: Deps) {}

  async get(name: BundleName): Promise<{ body: string; etag: string } | undefined> {
    this.loading ??= this.load();
    const loaded = await this.loading;
    // A failed bundling is tried again on a later request.
    if (!loaded) this.loading = undefined;
    return loaded?.get(name);
  }

  private async load(): Promise<Map<string, { body: string; etag: string }> | undefined> {
    const withTag = (files: Map<string, string>) =>
      new Map([...files].map(([name, body]) => [name, { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` }]));
    try {
      const built = await Promise.all(Object.keys(TAB_BUNDLES).map(async (name) => [name, await readFile(join(BUILT_DIR, name), 'utf8')] as const));
      return withTag(new Map(built));
    } catch {
      // Not built (running from source): bundle now.
    }
    const started = Date.now();
    try {
      const files = await bundleTab();
      this.deps.log.info('live.bundled', { ms: Date.now() - started });
      return withTag(files);
    } catch (err) {
      this.deps.log.error('live.bundleFailed', { error: (err as Error).name });
      return undefined;
    }
  }
}

/**
 * Bundles the page's scripts with esbuild (one file each, minified, for browsers), from the
 * sources under `root`. Used by `npm run build:tab` and, when no build is there, by the server.
 */
export async function bundleTab(root = SOURCE_ROOT): Promise<Map<string, string>> {
  // esbuild is a build tool: loaded only when the page is bundled, never in a built deployment.
  const esbuild = require('esbuild') as typeof import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(TAB_BUNDLES).map(([name, source]) => [name.replace(/\.js$/, ''), source])),
    outdir: join(root, 'dist', 'tab'),
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    minify: true,
    charset: 'utf8',
    tsconfig: join(root, 'tsconfig.tab.json'),
    logLevel: 'silent',
  });
  return new Map(result.outputFiles.map((file) => [basename(file.path), file.text]));
}

function nonceOf(): string {
  return randomBytes(16).toString('base64');
}

/** The signed link's page: scripts from this server only, styles by nonce, calls to this server only, never framed. */
function linkCsp(nonce: string): string {
  return `default-src 'none'; script-src 'self'; style-src 'nonce-${nonce}'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

/** The Teams tab's pages: framed by Teams only; the Teams library may fetch its list of Teams hosts from Microsoft's CDN. */
function teamsCsp(nonce: string): string {
  return `default-src 'none'; script-src 'self'; style-src 'nonce-${nonce}'; connect-src 'self' https://res.cdn.office.net; base-uri 'none'; form-action 'none'; frame-ancestors ${TEAMS_ANCESTORS.join(' ')}`;
}

/**
 * The page: the language switch, an empty `main` the script fills, the texts as a JSON data block
 * (never executed), the script from this server.
 */
function page(options: {
  locale: Locale;
  texts: Record<string, LiveTexts>;
  script: BundleName;
  nonce: string;
  data: Record<string, string>;
  /** The language switch: shown, served hidden for the script to show, or none. */
  languages: 'shown' | 'hidden' | 'none';
}): string {
  const { locale, texts, script, nonce, data, languages } = options;
  const own = texts[locale] ?? Object.values(texts)[0];
  const attributes = Object.entries(data)
    .map(([key, value]) => ` data-${key}="${esc(value)}"`)
    .join('');
  return `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${esc(own.title)}</title>
<style nonce="${nonce}">${STYLE}</style></head>
<body${attributes}>
${languages === 'none' ? '' : languageSwitch(locale, own.language, languages === 'hidden')}<main id="app"><p class="message">${esc(own.loading)}</p></main>
<script type="application/json" id="samrad-texts">${JSON.stringify(texts).replace(/</g, '\\u003c')}</script>
<script src="/tab/${script}"></script>
</body>
</html>
`;
}

/**
 * The switch between the page's languages: a labelled group of toggle buttons, each language
 * named in its own language (and marked so, for screen readers), the current one pressed. The
 * page's script makes them work.
 */
function languageSwitch(locale: Locale, label: string, hidden: boolean): string {
  const buttons = LOCALES.map(
    (l) => `<button type="button" lang="${l}" data-lang="${l}" aria-pressed="${l === locale}">${esc(LANGUAGE_NAMES[l])}</button>`,
  ).join('');
  return `<header${hidden ? ' hidden' : ''}><div id="languages" class="langs" role="group" aria-label="${esc(label)}">${buttons}</div></header>\n`;
}

/** A page with one message and no script (an expired link, an ended meeting). */
function messagePage(locale: Locale, message: string): string {
  return `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${esc(t(locale, 'live.title'))}</title></head>
<body><p>${esc(message)}</p></body>
</html>
`;
}

const STYLE = [
  ':root{color-scheme:light;--bg:#fff;--fg:#1b1b1b;--muted:#5b5b5b;--card:#eef4f7;--accent:#1f6f8b;--warn:#a04a00;--over:#b3261e}',
  '[data-theme=dark]{color-scheme:dark;--bg:#1f1f1f;--fg:#f3f3f3;--muted:#c7c7c7;--card:#2c2c2c;--accent:#7cc7e3;--warn:#f5a35c;--over:#ff8f86}',
  '[data-theme=contrast]{color-scheme:dark;--bg:#000;--fg:#fff;--muted:#fff;--card:#000;--accent:#ff0;--warn:#ff0;--over:#0ff}',
  '*{box-sizing:border-box}[hidden]{display:none!important}',
  'body{margin:0;background:var(--bg);color:var(--fg);font-family:"Segoe UI",system-ui,-apple-system,sans-serif;line-height:1.3}',
  'main{max-width:90rem;margin:0 auto;padding:clamp(.75rem,3vw,3rem)}',
  '.step,.label,.sub,.times,.hint{color:var(--muted);font-size:clamp(.85rem,1.6vw,1.4rem)}',
  '.phase{font-size:clamp(1.2rem,3.2vw,2.8rem);margin:.2em 0 .6em;font-weight:600}',
  '.clocks{display:flex;flex-wrap:wrap;gap:clamp(.75rem,3vw,3rem)}',
  '.clock{flex:1 1 14rem;background:var(--card);border-radius:.75rem;padding:clamp(.75rem,2vw,2rem)}',
  '.big{font-size:clamp(2.8rem,11vw,10rem);font-weight:700;font-variant-numeric:tabular-nums;line-height:1.05}',
  '.over{color:var(--over)}.behind{color:var(--warn)}',
  '.speakers{margin-top:clamp(1rem,3vw,3rem)}',
  '.round{color:var(--accent);font-weight:600;font-size:clamp(.95rem,1.8vw,1.6rem);margin-bottom:.5em}',
  '.speaker{font-size:clamp(1.6rem,5vw,4.5rem);font-weight:700}',
  '.next-box{margin-top:.6em}.next{font-size:clamp(1.1rem,2.6vw,2.2rem)}',
  '.times{margin-top:clamp(1rem,3vw,2.5rem)}',
  '.message{font-size:clamp(1.1rem,3vw,2.2rem);margin:1.5em 0}',
  '.notice{margin-top:1em;padding:.5em .8em;border-radius:.5rem;background:var(--card);color:var(--warn)}',
  '.break-box{margin:0 0 clamp(.75rem,3vw,3rem);padding:clamp(.75rem,2vw,2rem);border-radius:.75rem;background:var(--card);border-left:.5rem solid var(--warn)}',
  '.break-title{font-size:clamp(2.4rem,8vw,7rem);font-weight:700;line-height:1.05;color:var(--warn)}',
  '.paused .big{opacity:.6}',
  '.agenda{margin-top:clamp(1rem,3vw,3rem)}',
  '.agenda h2{margin:0 0 .4em;font-size:clamp(.95rem,1.8vw,1.6rem);font-weight:600;color:var(--muted)}',
  '.agenda ol{list-style:none;margin:0;padding:0}',
  '.topic{display:flex;align-items:baseline;gap:.6em;padding:.3em .5em;border-radius:.5rem;font-size:clamp(1rem,2.4vw,2rem)}',
  '.topic .mark{flex:none;width:1.2em;text-align:center}',
  '.topic.covered{color:var(--muted)}',
  '.topic.now{background:var(--card);box-shadow:inset .35rem 0 0 var(--accent);font-weight:700}',
  '.topic .badge{margin-left:auto;color:var(--accent);font-size:.7em;font-weight:600}',
  '.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}',
  '.pick .choice{display:block;padding:.6em .2em;font-size:1.05rem}',
  '.langs{display:flex;flex-wrap:wrap;justify-content:flex-end;gap:.35rem;max-width:90rem;margin:0 auto;padding:clamp(.5rem,1.5vw,1rem) clamp(.75rem,3vw,3rem) 0}',
  '.langs button{font:inherit;font-size:clamp(.85rem,1.2vw,1.1rem);min-height:2.25rem;min-width:2.75rem;padding:.3em .8em;border:1px solid var(--muted);border-radius:.4rem;background:var(--bg);color:var(--fg);cursor:pointer}',
  '.langs button[aria-pressed=true]{background:var(--accent);border-color:var(--accent);color:var(--bg);font-weight:600}',
  '.langs button:focus-visible{outline:3px solid var(--fg);outline-offset:2px}',
].join('\n');

function json(res: Response, status: number, body: string, headers: Record<string, string> = {}): void {
  text(res, status, 'application/json; charset=utf-8', body, headers);
}

function html(res: Response, status: number, body: string, csp: string, headers: Record<string, string> = {}): void {
  text(res, status, 'text/html; charset=utf-8', body, { 'Content-Security-Policy': csp, ...headers });
}

function text(res: Response, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': type, 'X-Robots-Tag': 'noindex', ...headers });
  res.end(body);
}

function notModified(res: Response, headers: Record<string, string>): void {
  res.writeHead(304, headers);
  res.end();
}

/** The language asked for with `?lang=` (sv, da, fi or en), if any: anything else is no choice. */
function askedLocale(req: Request): Locale | undefined {
  const asked = new URL(req.url ?? '/', 'http://localhost').searchParams.get('lang')?.toLowerCase();
  return (LOCALES as readonly string[]).includes(asked ?? '') ? (asked as Locale) : undefined;
}
