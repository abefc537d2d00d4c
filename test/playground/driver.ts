/**
 * Playwright driver for the Microsoft 365 Agents Playground (@microsoft/m365agentsplayground 0.2.28).
 *
 * Runs under tsx (CommonJS). Depends only on Node built-ins and playwright-core.
 * See test/playground/README.md for the observed behaviour this driver relies on.
 *
 * Typical use:
 *   const pg = await startPlayground({ botEndpoint: 'http://127.0.0.1:3978/api/messages', timezone: 'Europe/Stockholm' });
 *   const b = await launchBrowser();
 *   await openPlayground(b.page, pg.url);
 *   await sendMessage(b.page, 'plan');
 *   const card = await waitForCardContaining(b.page, 'Plan a meeting');
 *   await fillInput(b.page, card, 'title', 'Nätverksmöte');          // input id (resolved via the card JSON) ...
 *   await fillInput(b.page, card, 'Datum', '2026-12-03');             // ... or the input's label
 *   await pickPerson(b.page, card, 'participants', 'Megan Bowen');
 *   await clickCardAction(b.page, card, 'Save');
 *   await waitForCardContaining(b.page, 'Saved');
 *   await b.close(); await pg.stop();
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { applyLocale, localTimestamp, startActivityProxy, type ActivityProxy, type ActivityProxyOptions } from '../../scripts/locale-proxy';

export { applyLocale, localTimestamp, startActivityProxy, type ActivityProxy, type ActivityProxyOptions };

// ---------------------------------------------------------------------------------------------
// Selectors (all verified against Playground 0.2.28 in headless Chromium 156)
// ---------------------------------------------------------------------------------------------

export const SELECTORS = {
  /** Lexical compose box. */
  messageBox: 'div[role="textbox"][data-lexical-editor="true"]',
  /** Root Adaptive Cards only (nested ShowCard cards also carry .ac-adaptiveCard). */
  rootCard: '.ac-adaptiveCard:not(.ac-adaptiveCard *)',
  anyCard: '.ac-adaptiveCard',
  /** Wrapper rendered around every Input.*: <div><label class="ac-richTextBlock">Label</label><div class="ac-input-container">...</div></div> */
  inputContainer: '.ac-input-container',
  inputLabel: 'label.ac-richTextBlock',
  /** Fluent v8 people picker rendered for Input.ChoiceSet with choices.data Data.Query graph.microsoft.com/users */
  peoplePicker: '.ms-PeoplePicker',
  peoplePickerInput: 'input.ms-BasePicker-input',
  peoplePickerSelected: '.ms-PickerPersona-container',
  /** Suggestions are rendered in a layer outside the card. */
  peoplePickerLayer: '#test-tool-people-picker-layer-host',
  peoplePickerSuggestion: '#test-tool-people-picker-layer-host button.ms-Suggestions-itemButton',
  datePicker: '.fui-DatePicker',
  timePicker: '.fui-TimePicker',
  calendarDialog: '[role="dialog"][aria-label="Calendar"]',
} as const;

const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];

const MESSAGES_PATH = /\/_conversation\/v1\/conversations\/[^/]+\/messages$/;
const INVOKE_PATH = /\/_conversation\/v1\/invoke$/;
const SUBMIT_PATH = /\/_conversation\/v1\/submit$/;

// ---------------------------------------------------------------------------------------------
// Environment helpers
// ---------------------------------------------------------------------------------------------

/** '/usr/bin/chromium' when installed (Debian `apt-get install -y chromium`), else undefined. */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  for (const c of candidates) {
    if (c && fs.existsSync(c)) return c;
  }
  return undefined;
}

/** Absolute path of the Playground CLI (node_modules/@microsoft/m365agentsplayground/cli.js). */
export function playgroundCliPath(): string {
  return require.resolve('@microsoft/m365agentsplayground/cli.js');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function httpRequest(
  url: string,
  opts: { method?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<{ status: number; text: string; json: () => any }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const data = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
    const req = http.request(
      {
        hostname: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method: opts.method ?? (data ? 'POST' : 'GET'),
        headers: data ? { 'content-type': 'application/json', 'content-length': data.length } : {},
        timeout: opts.timeoutMs ?? 20000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, text, json: () => (text ? JSON.parse(text) : undefined) });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

// ---------------------------------------------------------------------------------------------
// Playground process
// ---------------------------------------------------------------------------------------------

export interface StartPlaygroundOptions {
  /** Requested port (default 56150). If taken, the Playground silently picks a random one; `url`/`port` report the real one. */
  port?: number;
  /** Bot messaging endpoint, e.g. http://127.0.0.1:3978/api/messages (or an ActivityProxy url). */
  botEndpoint: string;
  /** Working folder. Default: a fresh temp dir (the Playground writes devTools/m365agentsplayground.log there). */
  cwd?: string;
  /** YAML text for the mock tenant/users/chats. Written to a temp file and passed via M365_AGENTS_PLAYGROUND_CONFIG_PATH. */
  configYaml?: string;
  /** Path of an existing .m365agentsplayground.yml (passed via M365_AGENTS_PLAYGROUND_CONFIG_PATH). */
  configFile?: string;
  /** IANA zone for the Playground process (TZ env). Becomes activity.localTimezone, clientInfo.timezone and the localTimestamp offset. Default 'UTC'. */
  timezone?: string;
  /** Personal chat conversation id, only used when no config file is given (--conversation-id). */
  conversationId?: string;
  /** 'msteams' (default). Other channels behave differently and are untested here. */
  channelId?: 'msteams' | 'directline' | 'webchat' | 'emulator' | 'agents';
  deliveryMode?: 'default' | 'expectReplies';
  /** Extra environment for the Playground process. */
  env?: NodeJS.ProcessEnv;
  /** Default 30000. */
  startTimeoutMs?: number;
  /** Receives every stdout/stderr line of the Playground (it echoes all traffic there). */
  onOutput?: (line: string) => void;
}

export interface PlaygroundConfig {
  config: {
    tenantId: string;
    bot: { id: string; name: string };
    currentUser: PlaygroundUser;
    users: PlaygroundUser[];
    personalChat: { id: string; name: string };
    groupChats: { id: string; name: string; members: string[] }[];
    teams: { id: string; name: string; aadGroupId: string; channels: { id: string; name: string; channelType: string }[]; members: string[] }[];
  };
  internalConfig: { locale: string; localTimezone: string; channelId: string; debugConfig?: unknown };
}

export interface PlaygroundUser {
  id: string;
  name: string;
  userPrincipleName: string;
  aadObjectId: string;
  givenName: string;
  surname: string;
  email: string;
}

export interface PlaygroundHandle {
  /** e.g. http://localhost:56150 (open this in the browser) */
  url: string;
  port: number;
  /** serviceUrl the bot sees: http://localhost:<port>/_connector */
  connectorUrl: string;
  cwd: string;
  process: ChildProcess;
  /** All stdout/stderr collected so far. */
  output(): string;
  /** GET /_internal/v1/config. NOTE: the server first waits (up to 15 s) for the bot endpoint to answer. */
  getConfig(): Promise<PlaygroundConfig>;
  stop(): Promise<void>;
}

/** Spawns the local agentsplayground CLI with TEAMSAPPTESTER_BROWSER=none and waits until /_debug/ping answers. */
export async function startPlayground(opts: StartPlaygroundOptions): Promise<PlaygroundHandle> {
  const requestedPort = opts.port ?? 56150;
  const createdCwd = !opts.cwd;
  const cwd = opts.cwd ?? fs.mkdtempSync(path.join(os.tmpdir(), 'agentsplayground-'));
  let configPath = opts.configFile ? path.resolve(opts.configFile) : undefined;
  if (opts.configYaml !== undefined) {
    configPath = path.join(cwd, '.m365agentsplayground.yml');
    fs.writeFileSync(configPath, opts.configYaml);
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEAMSAPPTESTER_BROWSER: 'none',
    TZ: opts.timezone ?? 'UTC',
    M365_AGENTS_PLAYGROUND_LOGFILE: path.join(cwd, 'devTools', 'm365agentsplayground.log'),
    ...opts.env,
  };
  // Without an explicit path the Playground reads <cwd>/.m365agentsplayground.yml (or the built-in default).
  if (configPath) env.M365_AGENTS_PLAYGROUND_CONFIG_PATH = configPath;

  const args = [
    playgroundCliPath(),
    '-p', String(requestedPort),
    '-e', opts.botEndpoint,
    '-c', opts.channelId ?? 'msteams',
    '--disable-telemetry',
  ];
  if (opts.conversationId) args.push('--conversation-id', opts.conversationId);
  if (opts.deliveryMode) args.push('--delivery-mode', opts.deliveryMode);

  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let port: number | undefined;
  let exited: { code: number | null; signal: string | null } | undefined;
  const onData = (buf: Buffer) => {
    const s = buf.toString('utf8');
    output += s;
    for (const line of s.split(/\r?\n/)) {
      if (!line) continue;
      const m = /^Listening on (\d+)/.exec(line);
      if (m && port === undefined) port = Number(m[1]);
      opts.onOutput?.(line);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exitPromise = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });

  // Do not leave an orphaned Playground behind if the test process exits without calling stop().
  const killOnExit = () => { if (!exited) child.kill('SIGKILL'); };
  process.once('exit', killOnExit);

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (!exited) {
      child.kill('SIGTERM');
      const t = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 5000);
      await exitPromise;
      clearTimeout(t);
    }
    if (createdCwd) fs.rmSync(cwd, { recursive: true, force: true });
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 30000);
  try {
    for (;;) {
      if (exited) throw new Error(`agentsplayground exited early (${JSON.stringify(exited)}):\n${output}`);
      if (Date.now() > deadline) throw new Error(`agentsplayground did not start in time:\n${output}`);
      if (port !== undefined) {
        try {
          const r = await httpRequest(`http://localhost:${port}/_debug/ping`, { timeoutMs: 2000 });
          if (r.status === 200 && r.text.trim() === 'pong') break;
        } catch {
          /* not up yet */
        }
      }
      await sleep(100);
    }
  } catch (e) {
    await stop();
    throw e;
  }

  const url = `http://localhost:${port}`;
  return {
    url,
    port: port!,
    connectorUrl: `${url}/_connector`,
    cwd,
    process: child,
    output: () => output,
    getConfig: async () => (await httpRequest(`${url}/_internal/v1/config`, { timeoutMs: 30000 })).json() as PlaygroundConfig,
    stop,
  };
}

// ---------------------------------------------------------------------------------------------
// Browser
// ---------------------------------------------------------------------------------------------

export interface LaunchBrowserOptions {
  /** Default true (set PLAYGROUND_HEADFUL=1 to watch). */
  headless?: boolean;
  /** Default: chromiumPath(). */
  executablePath?: string;
  /** Browser locale. Keep 'en-US' (default): the date/time pickers' texts used by the driver are English. */
  locale?: string;
  /** Browser time zone (affects only client-side rendering). */
  timezoneId?: string;
  viewport?: { width: number; height: number };
  /** Abort requests to non-local hosts (CDN fonts/animations; there is no internet). Default true. */
  blockExternal?: boolean;
  slowMo?: number;
}

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function launchBrowser(opts: LaunchBrowserOptions = {}): Promise<BrowserSession> {
  const executablePath = opts.executablePath ?? chromiumPath();
  if (!executablePath) {
    throw new Error('No Chromium found. Install it with: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH).');
  }
  const browser = await chromium.launch({
    executablePath,
    headless: opts.headless ?? !process.env.PLAYGROUND_HEADFUL,
    slowMo: opts.slowMo,
    // Playwright creates (and deletes) a fresh temporary profile itself; passing --user-data-dir to launch() is rejected.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({
    locale: opts.locale ?? 'en-US',
    timezoneId: opts.timezoneId,
    viewport: opts.viewport ?? { width: 1400, height: 1000 },
  });
  if (opts.blockExternal ?? true) {
    await context.route(/^https?:\/\/(?!localhost[:/]|127\.0\.0\.1[:/])/, (route) => route.abort());
  }
  const page = await context.newPage();
  return {
    browser,
    context,
    page,
    close: async () => {
      await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Page-level tracking: card JSON (for id -> label mapping) and Playground <-> bot traffic log
// ---------------------------------------------------------------------------------------------

interface TrackedCard {
  card: any;
  source: 'ws' | 'invoke';
  at: number;
}

export interface TrafficEntry {
  /** e.g. 'message', 'invoke', 'installationUpdate', 'createConversation', 'conversationUpdate' */
  activityName?: string;
  /** 'Microsoft 365 Agents Playground' (to the bot) or 'User Application' (from the bot) */
  from?: string;
  to?: string;
  conversationId?: string;
  request?: { body?: any };
  response?: { statusCode?: number; body?: any };
  [k: string]: unknown;
}

interface PageState {
  cards: TrackedCard[];
  traffic: TrafficEntry[];
}

const pageStates = new WeakMap<Page, PageState>();

function collectCards(node: any, out: any[]): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const n of node) collectCards(n, out);
    return;
  }
  if (node.contentType === 'application/vnd.microsoft.card.adaptive' && node.content) {
    out.push(node.content);
    return;
  }
  for (const k of Object.keys(node)) collectCards(node[k], out);
}

/** Starts recording card JSON and the Playground log stream for this page. Called by openPlayground(); idempotent. */
export function trackPage(page: Page): void {
  if (pageStates.has(page)) return;
  const state: PageState = { cards: [], traffic: [] };
  pageStates.set(page, state);
  page.on('websocket', (ws) => {
    const isConv = ws.url().includes('/_ws_conversation/');
    const isLog = ws.url().includes('/_ws/log/');
    if (!isConv && !isLog) return;
    ws.on('framereceived', (frame) => {
      let msg: any;
      try {
        msg = JSON.parse(typeof frame.payload === 'string' ? frame.payload : frame.payload.toString('utf8'));
      } catch {
        return;
      }
      if (isConv) {
        const found: any[] = [];
        collectCards(msg, found);
        for (const card of found) state.cards.push({ card, source: 'ws', at: Date.now() });
      } else if (msg?.log && (msg.log.request || msg.log.response)) {
        state.traffic.push(msg.log as TrafficEntry);
      }
    });
  });
  page.on('response', async (resp) => {
    if (!INVOKE_PATH.test(new URL(resp.url()).pathname)) return;
    try {
      const body = await resp.json();
      if (body?.type === 'application/vnd.microsoft.card.adaptive' && body.value) {
        state.cards.push({ card: body.value, source: 'invoke', at: Date.now() });
      }
    } catch {
      /* ignore */
    }
  });
}

/** Adaptive Card JSONs seen so far (bot messages via the conversation websocket, and invoke response cards). */
export function trackedCards(page: Page): any[] {
  return (pageStates.get(page)?.cards ?? []).map((c) => c.card);
}

/**
 * Playground <-> bot traffic as shown in the Playground's log panel (request/response bodies).
 * Useful for proactive messages to other mock users, which never appear in the UI.
 */
export function getTraffic(page: Page): TrafficEntry[] {
  return pageStates.get(page)?.traffic ?? [];
}

// ---------------------------------------------------------------------------------------------
// Navigation & messages
// ---------------------------------------------------------------------------------------------

/** Opens the Playground UI and selects a chat (default 'Personal Chat'). Page load makes the Playground send installationUpdate + conversationUpdate to the bot. */
export async function openPlayground(
  page: Page,
  url: string,
  opts: { chat?: string; timeoutMs?: number; greeting?: string | RegExp } = {},
): Promise<void> {
  trackPage(page);
  const timeout = opts.timeoutMs ?? 30000;
  const installed = page
    .waitForResponse((r) => /\/_debug\/conversation\/[^/]+\/installation$/.test(new URL(r.url()).pathname), { timeout })
    .catch(() => undefined);
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout });
  await page.locator(SELECTORS.messageBox).waitFor({ state: 'visible', timeout });
  await installed;
  // The card the bot greets the page load with (`greeting`): shown before anything the test asks for, never taken for its answer.
  if (opts.greeting) await waitForCardContaining(page, opts.greeting, timeout);
  // 'Personal Chat' is selected on load.
  if (opts.chat && opts.chat !== 'Personal Chat') await selectChat(page, opts.chat);
}

/**
 * Clicks a chat/channel in the left tree. Names = aria-labels of the tree items: 'Personal Chat',
 * '<group chat name>', '<team name> - <channel name>'. The compose box is re-mounted on every switch,
 * so this waits for the old editor to detach. The first selection of a group chat/channel per page
 * load makes the Playground send installationUpdate + conversationUpdate for that conversation.
 */
export async function selectChat(page: Page, name: string): Promise<void> {
  const old = await page.locator(SELECTORS.messageBox).elementHandle({ timeout: 5000 }).catch(() => null);
  await page.getByRole('treeitem', { name, exact: true }).click();
  if (old) {
    const deadline = Date.now() + 1000; // no re-mount when the chat was already selected
    while (Date.now() < deadline && (await old.evaluate((e: any) => e.isConnected).catch(() => false))) await sleep(50);
    await old.dispose().catch(() => undefined);
  }
  await page.locator(SELECTORS.messageBox).waitFor({ state: 'visible' });
}

/**
 * Types text into the compose box and presses Enter; resolves once the Playground accepted it ({messageId, timestamp}).
 * In group chats and channels the bot only receives messages that @mention it: pass `mentionBot: '<bot name>'`
 * (the bot then gets text "<at>Bot Name</at> your text" plus a mention entity).
 */
export async function sendMessage(
  page: Page,
  text: string,
  opts: { timeoutMs?: number; mentionBot?: string } | number = {},
): Promise<{ messageId: string; timestamp: number }> {
  const o = typeof opts === 'number' ? { timeoutMs: opts } : opts;
  const box = page.locator(SELECTORS.messageBox);
  await box.click();
  if (o.mentionBot) {
    const prefix = '@' + o.mentionBot.slice(0, 2);
    // The item's accessible name also contains the avatar label, so match on visible text.
    const item = page.getByRole('menuitem').filter({ hasText: new RegExp(`^\\s*${escapeRegExp(o.mentionBot)}\\s*$`) }).first();
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.type(prefix, { delay: 30 });
      try {
        await item.waitFor({ state: 'visible', timeout: 3000 });
        break;
      } catch (e) {
        if (attempt >= 3) throw new Error(`Mention menu for "${o.mentionBot}" did not appear: ${String(e)}`);
        for (let i = 0; i < prefix.length; i++) await page.keyboard.press('Backspace');
      }
    }
    await item.click();
    await page.keyboard.insertText(' ' + text);
  } else {
    await page.keyboard.insertText(text);
  }
  const posted = page.waitForResponse(
    (r) => r.request().method() === 'POST' && MESSAGES_PATH.test(new URL(r.url()).pathname),
    { timeout: o.timeoutMs ?? 15000 },
  );
  await page.keyboard.press('Enter');
  const resp = await posted;
  return (await resp.json()) as { messageId: string; timestamp: number };
}

export function cardCount(page: Page): Promise<number> {
  return page.locator(SELECTORS.rootCard).count();
}

/**
 * Waits for a (root) Adaptive Card whose text contains `text` and returns a locator pinned to that card's
 * position in the conversation (stays valid when the card's content is later replaced by an invoke response).
 * `after`: only consider cards with index >= after (use `await cardCount(page)` taken before the action).
 */
export async function waitForCardContaining(
  page: Page,
  text: string | RegExp,
  timeoutMs = 60_000,
  opts: { after?: number } = {},
): Promise<Locator> {
  const after = opts.after ?? 0;
  const deadline = Date.now() + timeoutMs;
  const matcher = typeof text === 'string' ? { s: text } : { re: text.source, flags: text.flags };
  for (;;) {
    const idx = await page
      .locator(SELECTORS.rootCard)
      .evaluateAll(
        // NB: no nested named functions in page callbacks: tsx/esbuild would wrap them in an undefined __name().
        (els: any[], a: { m: { s?: string; re?: string; flags?: string }; after: number }) => {
          const re = a.m.s === undefined ? new RegExp(a.m.re!, a.m.flags) : undefined;
          for (let i = els.length - 1; i >= a.after; i--) {
            const el = els[i];
            const t: string = el.innerText ?? el.textContent ?? '';
            if (el.offsetParent !== null && (re ? re.test(t) : t.includes(a.m.s!))) return i;
          }
          return -1;
        },
        { m: matcher, after },
      );
    if (idx >= 0) return page.locator(SELECTORS.rootCard).nth(idx);
    if (Date.now() > deadline) {
      const texts = await page.locator(SELECTORS.rootCard).allInnerTexts().catch(() => []);
      throw new Error(`No Adaptive Card containing ${String(text)} within ${timeoutMs} ms. Cards: ${JSON.stringify(texts.map((t) => t.slice(0, 120)))}`);
    }
    await sleep(150);
  }
}

/**
 * Sends a message and waits for the card that answers it: the first card containing `text` among
 * those that arrive after the message (an older card with the same text, shown a moment longer on a
 * busy machine, is never taken for the answer).
 */
export async function askForCard(
  page: Page,
  message: string,
  text: string | RegExp,
  opts: { timeoutMs?: number; mentionBot?: string } = {},
): Promise<Locator> {
  const before = await cardCount(page);
  await sendMessage(page, message, { mentionBot: opts.mentionBot });
  return waitForCardContaining(page, text, opts.timeoutMs, { after: before });
}

/** Waits for a bot text message (not a card) containing `text` in the conversation pane. */
export async function waitForBotText(page: Page, text: string | RegExp, timeoutMs = 60_000): Promise<Locator> {
  // Bot text is rendered as markdown (<p>, <li>, ...) inside the message list; the chat tree shows previews, so exclude it.
  const loc = page
    .locator(':is(p, li, h1, h2, h3, td):not([role="tree"] *):not(.ac-adaptiveCard *)')
    .filter({ hasText: text })
    .last();
  await loc.waitFor({ state: 'visible', timeout: timeoutMs });
  return loc;
}

// ---------------------------------------------------------------------------------------------
// Card inputs
// ---------------------------------------------------------------------------------------------

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const INPUT_TYPES = new Set([
  'Input.Text', 'Input.Number', 'Input.Date', 'Input.Time', 'Input.Toggle', 'Input.ChoiceSet', 'Input.Rating',
]);

/** Inputs of a card JSON in render order (body, containers, columns; not ShowCard sub-cards). */
function cardInputs(card: any): any[] {
  const out: any[] = [];
  const walk = (el: any) => {
    if (!el || typeof el !== 'object') return;
    if (Array.isArray(el)) {
      el.forEach(walk);
      return;
    }
    if (typeof el.type === 'string' && INPUT_TYPES.has(el.type)) out.push(el);
    for (const k of ['body', 'items', 'columns', 'rows', 'cells']) if (el[k]) walk(el[k]);
  };
  walk(card?.body ?? []);
  return out;
}

function findInputJson(page: Page, id: string): { input: any; card: any } | undefined {
  const cards = pageStates.get(page)?.cards ?? [];
  for (let i = cards.length - 1; i >= 0; i--) {
    const input = cardInputs(cards[i].card).find((x) => x.id === id);
    if (input) return { input, card: cards[i].card };
  }
  return undefined;
}

async function containerByLabel(card: Locator, label: string): Promise<Locator | undefined> {
  const re = new RegExp(`^\\s*${escapeRegExp(label)}\\s*\\*?\\s*$`);
  const wrapper = card.locator('div').filter({ has: card.page().locator(`:scope > ${SELECTORS.inputLabel}`, { hasText: re }) });
  const n = await wrapper.count();
  if (n >= 1) return wrapper.last().locator(`:scope > ${SELECTORS.inputContainer}`);
  return undefined;
}

/**
 * Resolves an Adaptive Card input inside `card` to its `.ac-input-container`.
 * `ref` may be: the input's label (exact, a trailing required "*" is ignored); the input id
 * (looked up in the card JSON recorded by trackPage(), then found by its label or, if it has none,
 * by its position among the card's inputs); a Toggle title; or a placeholder.
 * Prefix with 'id:' or 'label:' to force one interpretation.
 */
export async function resolveInput(page: Page, card: Locator, ref: string): Promise<{ container: Locator; json?: any }> {
  let mode: 'auto' | 'id' | 'label' = 'auto';
  if (ref.startsWith('id:')) { mode = 'id'; ref = ref.slice(3); }
  else if (ref.startsWith('label:')) { mode = 'label'; ref = ref.slice(6); }

  const found = mode !== 'label' ? findInputJson(page, ref) : undefined;
  if (found) {
    const { input, card: cardJson } = found;
    if (input.label) {
      const c = await containerByLabel(card, String(input.label));
      if (c) return { container: c, json: input };
    }
    const idx = cardInputs(cardJson).indexOf(input);
    const c = card.locator(SELECTORS.inputContainer).nth(idx);
    if (await c.count()) return { container: c, json: input };
  }
  if (mode === 'id') throw new Error(`Input id "${ref}" not found in any tracked card JSON (was openPlayground()/trackPage() used before the card arrived?)`);

  const byLabel = await containerByLabel(card, ref);
  if (byLabel) return { container: byLabel, json: findInputByLabel(page, ref) };

  // Toggle title / placeholder / any accessible name.
  for (const loc of [card.getByLabel(ref, { exact: true }), card.getByPlaceholder(ref, { exact: true })]) {
    if (await loc.count()) {
      return { container: loc.first().locator(`xpath=ancestor::div[contains(concat(" ", normalize-space(@class), " "), " ac-input-container ")][1]`) };
    }
  }
  throw new Error(`No card input with label/id/title/placeholder "${ref}"`);
}

function findInputByLabel(page: Page, label: string): any {
  const cards = pageStates.get(page)?.cards ?? [];
  for (let i = cards.length - 1; i >= 0; i--) {
    const input = cardInputs(cards[i].card).find((x) => x.label === label);
    if (input) return input;
  }
  return undefined;
}

type InputKind = 'people' | 'date' | 'time' | 'number' | 'toggle' | 'combobox' | 'radio' | 'checkboxes' | 'textarea' | 'text';

async function inputKind(container: Locator): Promise<InputKind> {
  return container.evaluate((el: any): InputKind => {
    if (el.querySelector('.ms-PeoplePicker')) return 'people';
    if (el.querySelector('.fui-DatePicker, input[aria-haspopup="dialog"]')) return 'date';
    if (el.querySelector('.fui-TimePicker')) return 'time';
    if (el.querySelector('[role="spinbutton"]')) return 'number';
    if (el.querySelector('[role="combobox"], select')) return 'combobox';
    if (el.querySelector('input[type="radio"]')) return 'radio';
    const boxes = el.querySelectorAll('input[type="checkbox"]').length;
    if (boxes > 0) return el.querySelector('[role="group"]') || boxes > 1 ? 'checkboxes' : 'toggle';
    if (el.querySelector('textarea')) return 'textarea';
    return 'text';
  });
}

function toIsoDate(v: string | Date): { y: number; m: number; d: number } {
  if (v instanceof Date) return { y: v.getFullYear(), m: v.getMonth() + 1, d: v.getDate() };
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) throw new Error(`Date must be YYYY-MM-DD, got "${v}"`);
  return { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
}

async function pickDate(page: Page, container: Locator, value: string | Date): Promise<void> {
  const { y, m, d } = toIsoDate(value);
  await container.locator('input').first().click();
  const dlg = page.locator(SELECTORS.calendarDialog).last();
  await dlg.waitFor({ state: 'visible' });
  const target = y * 12 + (m - 1);
  for (let i = 0; i < 240; i++) {
    // The day grid is labelled "November 2026, , ".
    const label = (await dlg.getByRole('grid').first().getAttribute('aria-label')) ?? '';
    const [monthName, year] = label.split(',')[0].trim().split(/\s+/);
    const current = Number(year) * 12 + MONTHS.indexOf(monthName);
    if (Number.isNaN(current) || MONTHS.indexOf(monthName) < 0) throw new Error(`Cannot parse calendar header "${label}"`);
    if (current === target) break;
    await dlg.locator(current < target ? 'button[title^="Next month"]' : 'button[title^="Previous month"]').click();
  }
  await dlg.locator(`button[aria-label="${d}, ${MONTHS[m - 1]}, ${y}"]`).first().click();
  await dlg.waitFor({ state: 'hidden' }).catch(() => undefined);
}

/**
 * Fills one Adaptive Card input. `ref`: label, input id, toggle title or placeholder (see resolveInput).
 * Values: Text/Number: string|number; Date: 'YYYY-MM-DD' or Date; Time: 'HH:MM' (24h);
 * Toggle: boolean (or 'true'/'false'); ChoiceSet: choice title or value, or an array for multi-select;
 * people picker: display name(s) (delegates to pickPerson).
 */
export async function fillInput(
  page: Page,
  card: Locator,
  ref: string,
  value: string | number | boolean | Date | string[],
): Promise<void> {
  const { container, json } = await resolveInput(page, card, ref);
  const kind = await inputKind(container);
  const titleFor = (v: string): string => {
    const choice = (json?.choices ?? []).find((c: any) => c.value === v || c.title === v);
    return choice ? String(choice.title) : v;
  };
  switch (kind) {
    case 'people':
      await pickPeopleIn(page, container, Array.isArray(value) ? value : [String(value)]);
      return;
    case 'date':
      await pickDate(page, container, value as string | Date);
      return;
    case 'time': {
      const input = container.locator('input').first();
      await input.click();
      await input.fill(String(value));
      await input.press('Enter');
      if ((await input.getAttribute('aria-expanded')) === 'true') await input.press('Escape');
      if (!(await input.inputValue())) throw new Error(`Time picker "${ref}" rejected "${String(value)}" (use HH:MM)`);
      return;
    }
    case 'number': {
      const input = container.locator('input').first();
      await input.fill(String(value));
      await input.press('Enter');
      return;
    }
    case 'toggle': {
      const on = value === true || value === 'true' || (typeof value === 'string' && json?.valueOn === value);
      await container.locator('input[type="checkbox"]').first().setChecked(on);
      return;
    }
    case 'combobox': {
      const input = container.getByRole('combobox').first();
      const values = Array.isArray(value) ? value : [String(value)];
      for (const v of values) {
        await input.click();
        await page.getByRole('option', { name: titleFor(v), exact: true }).click();
      }
      if ((await input.getAttribute('aria-expanded')) === 'true') await input.press('Escape');
      return;
    }
    case 'radio':
      await container.getByRole('radio', { name: titleFor(String(value)), exact: true }).check();
      return;
    case 'checkboxes': {
      const wanted = new Set((Array.isArray(value) ? value : String(value).split(',')).map(titleFor));
      const boxes = container.getByRole('checkbox');
      for (let i = 0; i < (await boxes.count()); i++) {
        const box = boxes.nth(i);
        const name = (await box.getAttribute('aria-label')) ?? (await box.locator('xpath=following-sibling::label[1]').textContent().catch(() => '')) ?? '';
        await box.setChecked(wanted.has(name.trim()));
      }
      return;
    }
    case 'textarea':
      await container.locator('textarea').first().fill(String(value));
      return;
    default:
      await container.locator('input').first().fill(String(value));
  }
}

async function pickPeopleIn(page: Page, container: Locator, names: string[]): Promise<void> {
  const input = container.locator(SELECTORS.peoplePickerInput).first();
  for (const name of names) {
    // The Playground matches the typed text as a prefix of ONE word of the display name,
    // so type a single word (the first one) and then click the exact suggestion.
    const query = name.trim().split(/\s+/)[0];
    await input.click();
    // Do not clear the input with fill(''): an empty-input delete removes the last selected person.
    await input.pressSequentially(query, { delay: 20 });
    const suggestion = page
      .locator(SELECTORS.peoplePickerSuggestion)
      .filter({ has: page.locator('.ms-Persona-primaryText', { hasText: new RegExp(`^\\s*${escapeRegExp(name)}\\s*$`) }) })
      .first();
    await suggestion.waitFor({ state: 'visible', timeout: 10000 });
    await suggestion.click();
    await container
      .locator(SELECTORS.peoplePickerSelected)
      .filter({ hasText: name })
      .first()
      .waitFor({ state: 'visible', timeout: 5000 });
  }
}

/**
 * Selects mock user(s) in a Teams people picker (Input.ChoiceSet with choices.data
 * {type:'Data.Query', dataset:'graph.microsoft.com/users'}). `ref` = input id or label.
 * The value the bot receives is the mock user's `id` from the Playground config (e.g. "user-id-1"),
 * comma-separated for multi-select.
 */
export async function pickPerson(page: Page, card: Locator, ref: string, displayName: string | string[]): Promise<void> {
  const { container } = await resolveInput(page, card, ref);
  if ((await container.locator(SELECTORS.peoplePicker).count()) === 0) throw new Error(`Input "${ref}" is not a people picker`);
  await pickPeopleIn(page, container, Array.isArray(displayName) ? displayName : [displayName]);
}

// ---------------------------------------------------------------------------------------------
// Card actions
// ---------------------------------------------------------------------------------------------

export interface CardActionResult {
  kind: 'invoke' | 'submit' | 'none';
  /** What the browser posted to the Playground (/_conversation/v1/invoke or /submit). */
  request?: any;
  status?: number;
  /** For invoke: the bot's invoke response body as relayed by the Playground ({type, value} or error). */
  response?: any;
}

/**
 * Clicks a card button by its title (the `nth` of that title, default the first: Action.Execute / Action.Submit / others) and waits for the
 * Playground to relay it. `expect`: 'auto' (default; waits for invoke or submit), or 'none'
 * for actions that do not talk to the bot (ShowCard, OpenUrl, ToggleVisibility).
 * After an Action.Execute returning a card, the card is replaced in place: use waitForCardContaining() for the new content.
 */
export async function clickCardAction(
  page: Page,
  card: Locator,
  title: string,
  opts: { expect?: 'auto' | 'none'; timeoutMs?: number; nth?: number } = {},
): Promise<CardActionResult> {
  const button = card.getByRole('button', { name: title, exact: true }).nth(opts.nth ?? 0);
  if (opts.expect === 'none') {
    await button.click();
    return { kind: 'none' };
  }
  const respPromise = page.waitForResponse(
    (r) => {
      if (r.request().method() !== 'POST') return false;
      const p = new URL(r.url()).pathname;
      return INVOKE_PATH.test(p) || SUBMIT_PATH.test(p);
    },
    { timeout: opts.timeoutMs ?? 20000 },
  );
  let settled: { resp?: Awaited<typeof respPromise>; err?: unknown } | undefined;
  respPromise.then((resp) => { settled = { resp }; }, (err) => { settled = { err }; });
  await button.click();
  // Action.Execute and Action.Submit both validate inputs client-side (isRequired, regex, min/max);
  // on failure nothing is sent and the errorMessage is rendered right after the input container.
  const clickedAt = Date.now();
  while (!settled) {
    if (Date.now() - clickedAt > 300) {
      const errors = card.locator(`${SELECTORS.inputContainer} + .ac-textBlock:visible`);
      if (await errors.count()) {
        throw new Error(`Card input validation failed, nothing was sent: ${JSON.stringify(await errors.allInnerTexts())}`);
      }
    }
    await sleep(100);
  }
  if (!settled.resp) {
    throw new Error(`No invoke/submit request after clicking "${title}" (validation error without errorMessage?): ${String(settled.err)}`);
  }
  const resp = settled.resp;
  const kind = INVOKE_PATH.test(new URL(resp.url()).pathname) ? 'invoke' : 'submit';
  let request: any;
  let response: any;
  try { request = resp.request().postDataJSON(); } catch { request = resp.request().postData(); }
  try {
    const text = await resp.text();
    response = text ? JSON.parse(text) : undefined;
  } catch {
    response = undefined;
  }
  return { kind, request, status: resp.status(), response };
}

/**
 * Text of the notice bar the Playground shows directly under a card after an Action.Execute whose
 * invoke response is a message (type application/vnd.microsoft.activity.message: info bar) or an
 * error (application/vnd.microsoft.error: red bar). Waits up to timeoutMs; undefined if none.
 */
export async function cardNotice(card: Locator, timeoutMs = 5000): Promise<string | undefined> {
  // DOM: <div class="ac-preview-panel"><div class="ac-adaptiveCard">…</div></div><div><svg/><span class="fui-Text">text</span><button/></div>
  const notice = card
    .locator('xpath=ancestor::div[contains(concat(" ", normalize-space(@class), " "), " ac-preview-panel ")][1]/following-sibling::div[1]')
    .locator('span.fui-Text')
    .first();
  try {
    await notice.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    return undefined;
  }
  return (await notice.innerText()).trim();
}

// ---------------------------------------------------------------------------------------------
// Browser-less helpers (same HTTP API the web client uses)
// ---------------------------------------------------------------------------------------------

/** Sends a user message as the current user without the UI. The bot's replies still show up in the UI. */
export async function apiSendMessage(url: string, conversationId: string, fromUserId: string, text: string): Promise<{ messageId: string; timestamp: number }> {
  const r = await httpRequest(`${url}/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`, {
    body: { type: 'text', text, textFormat: 'plain', from: { id: fromUserId } },
  });
  if (r.status >= 300) throw new Error(`apiSendMessage ${r.status}: ${r.text}`);
  return r.json();
}

/**
 * Sends an Action.Execute exactly like the web client; returns the relayed invoke response.
 * replyToId is required by the Playground and must be the id of an existing message in that conversation
 * (the card's message id; any message works, e.g. the messageId returned by apiSendMessage).
 */
export async function apiInvoke(
  url: string,
  conversationId: string,
  fromUserId: string,
  action: { verb: string; data?: Record<string, unknown>; title?: string },
  replyToId: string,
): Promise<{ status: number; body: any }> {
  const r = await httpRequest(`${url}/_conversation/v1/invoke`, {
    body: {
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', title: action.title ?? action.verb, verb: action.verb, data: action.data ?? {} } },
      from: { id: fromUserId },
      conversation: { id: conversationId },
      replyToId,
    },
  });
  return { status: r.status, body: r.text ? JSON.parse(r.text) : undefined };
}

/** Posts a raw activity to the bot through the Playground ("Mock an Activity"); sent as-is (fill in serviceUrl, conversation, from, recipient, locale yourself). */
export async function apiCustomActivity(url: string, activity: Record<string, unknown>): Promise<void> {
  const r = await httpRequest(`${url}/_internal/v1/customActivities`, { body: activity });
  if (r.status >= 300) throw new Error(`apiCustomActivity ${r.status}: ${r.text}`);
}
