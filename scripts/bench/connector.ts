/**
 * A local Bot Framework connector for the bench, run as its own process: it answers the calls
 * a bot makes to Teams (create a 1:1 conversation, post an activity, update one) and can hold
 * the bot to Teams' rate limits.
 *
 *   POST /v3/conversations                          → 201 { id: "a:personal-<member aad id>" }
 *   POST /v3/conversations/{id}/activities[/{reply}] → 200 { id }
 *   PUT  /v3/conversations/{id}/activities/{id}      → 200 { id }
 *
 * Rate limits (Teams' documented ones): per bot per conversation 7 messages / 1 s, 8 / 2 s,
 * 60 / 30 s and 1,800 / hour; per bot per tenant 50 requests / s. Mode `off` checks nothing
 * and does not even parse bodies (the cheapest connector for throughput runs); `observe` counts
 * what Teams would have refused but answers 200; `enforce` answers 429 with Retry-After. Only
 * accepted requests count towards the windows. In `observe` and `enforce` it also records, per bot
 * and tenant, the most requests that arrived within one second (accepted or not): the rate the
 * bot (all its instances together) asked for. `delayMs` makes every answer to the bot (a 1:1
 * chat created, an activity posted or updated, a 429) leave that long after the request arrived,
 * as over a slow link to Teams; captures keep the arrival time.
 *
 * Control, for the bench: POST /_bench/config { mode, capture, delayMs? } (also resets every counter; delayMs defaults to 0),
 * GET /_bench/stats[?conversation=id], GET /_bench/captures?since=seq&conversation=id&waitMs=n
 * (long poll: answers as soon as something newer than `since` was captured).
 *
 * Prints one JSON line {"event":"connector.listening","url":"http://127.0.0.1:<port>"}.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Mode = 'off' | 'observe' | 'enforce';

/** One activity the bot posted or updated, as much of it as the bench reads. */
export interface Capture {
  seq: number;
  /** Date.now() when the connector received it. */
  at: number;
  method: string;
  conversationId: string;
  activityId: string;
  text?: string;
  /** Every text a reader sees on the attached Adaptive Card. */
  cardText?: string;
  /** The card's Action.Execute verbs with their data. */
  actions?: { verb: string; data: Record<string, unknown> }[];
}

/** Requests by kind; creates, posts and puts count the accepted ones only. */
interface Counts {
  requests: number;
  creates: number;
  posts: number;
  puts: number;
  throttled: number;
  throttledByConversation: number;
  throttledByTenant: number;
  wouldThrottle: number;
  /** Refused (or, observing, would-be refused) requests by the limit they broke. */
  byRule: Record<string, number>;
}

const PER_CONVERSATION = [
  { count: 7, ms: 1_000, rule: '7 / 1 s' },
  { count: 8, ms: 2_000, rule: '8 / 2 s' },
  { count: 60, ms: 30_000, rule: '60 / 30 s' },
  { count: 1_800, ms: 3_600_000, rule: '1,800 / h' },
];
const PER_TENANT = { count: 50, ms: 1_000, rule: 'tenant 50 / s' };
const MAX_CAPTURES = 100_000;

let mode: Mode = 'off';
let capture = false;
/** How long every answer to the bot waits (ms). */
let delayMs = 0;
let seq = 0;
let counter = 0;
let counts = zero();
let perConversationCounts = new Map<string, Counts>();
let conversationWindows = new Map<string, number[]>();
let tenantWindows = new Map<string, number[]>();
/** Every request's arrival in the last second, accepted or refused, per bot and tenant; and the most there ever were. */
let tenantArrivals = new Map<string, number[]>();
let peakPerSecondByTenant: Record<string, number> = {};
let captures: Capture[] = [];
/** The same captures by conversation (the newest few of each), for cheap long polls on one chat. */
let byConversation = new Map<string, Capture[]>();
const PER_CONVERSATION_KEPT = 200;
let waiters: { since: number; conversation?: string; done: (entries: Capture[]) => void }[] = [];

function zero(): Counts {
  return { requests: 0, creates: 0, posts: 0, puts: 0, throttled: 0, throttledByConversation: 0, throttledByTenant: 0, wouldThrottle: 0, byRule: {} };
}

function reset(): void {
  counts = zero();
  perConversationCounts = new Map();
  conversationWindows = new Map();
  tenantWindows = new Map();
  tenantArrivals = new Map();
  peakPerSecondByTenant = {};
  captures = [];
  byConversation = new Map();
  for (const w of waiters) w.done([]);
  waiters = [];
}

function countsFor(conversation: string): Counts {
  let c = perConversationCounts.get(conversation);
  if (!c) perConversationCounts.set(conversation, (c = zero()));
  return c;
}

/** Milliseconds until one more request fits these windows (0: it fits now), and the limits it breaks. */
function waitFor(times: number[], limits: { count: number; ms: number; rule: string }[], now: number): { wait: number; rules: string[] } {
  let wait = 0;
  const rules: string[] = [];
  for (const { count, ms, rule } of limits) {
    if (times.length < count) continue;
    const oldest = times[times.length - count];
    if (now - oldest < ms) {
      wait = Math.max(wait, oldest + ms - now);
      rules.push(rule);
    }
  }
  return { wait, rules };
}

function prune(times: number[], ms: number, now: number): void {
  let drop = 0;
  while (drop < times.length && now - times[drop] >= ms) drop++;
  if (drop > 0) times.splice(0, drop);
}

/** Applies Teams' limits to one request; returns the Retry-After in seconds when it is refused. */
function admit(bot: string, tenant: string, conversation: string | undefined, now: number): number | undefined {
  if (mode === 'off') return undefined;
  const tenantKey = `${bot}|${tenant}`;
  let arrivals = tenantArrivals.get(tenantKey);
  if (!arrivals) tenantArrivals.set(tenantKey, (arrivals = []));
  prune(arrivals, PER_TENANT.ms, now);
  arrivals.push(now);
  peakPerSecondByTenant[tenantKey] = Math.max(peakPerSecondByTenant[tenantKey] ?? 0, arrivals.length);
  let tenantTimes = tenantWindows.get(tenantKey);
  if (!tenantTimes) tenantWindows.set(tenantKey, (tenantTimes = []));
  prune(tenantTimes, PER_TENANT.ms, now);
  const byTenant = waitFor(tenantTimes, [PER_TENANT], now);
  let convTimes: number[] | undefined;
  let conv = { wait: 0, rules: [] as string[] };
  if (conversation) {
    const convKey = `${bot}|${conversation}`;
    convTimes = conversationWindows.get(convKey);
    if (!convTimes) conversationWindows.set(convKey, (convTimes = []));
    prune(convTimes, 3_600_000, now);
    conv = waitFor(convTimes, PER_CONVERSATION, now);
  }
  const wait = Math.max(byTenant.wait, conv.wait);
  if (wait > 0) {
    const perConv = conversation ? countsFor(conversation) : undefined;
    for (const rule of [...conv.rules, ...byTenant.rules]) {
      counts.byRule[rule] = (counts.byRule[rule] ?? 0) + 1;
      if (perConv) perConv.byRule[rule] = (perConv.byRule[rule] ?? 0) + 1;
    }
    if (mode === 'observe') {
      counts.wouldThrottle += 1;
      if (perConv) perConv.wouldThrottle += 1;
    } else {
      counts.throttled += 1;
      if (conv.wait > 0) counts.throttledByConversation += 1;
      if (byTenant.wait > 0) counts.throttledByTenant += 1;
      if (perConv) perConv.throttled += 1;
      return Math.max(1, Math.ceil(wait / 1000));
    }
  }
  tenantTimes.push(now);
  convTimes?.push(now);
  return undefined;
}

function record(entry: Omit<Capture, 'seq' | 'at'>, at: number): void {
  const full: Capture = { ...entry, seq: ++seq, at };
  captures.push(full);
  if (captures.length > MAX_CAPTURES) captures.splice(0, captures.length - MAX_CAPTURES);
  let chat = byConversation.get(full.conversationId);
  if (!chat) byConversation.set(full.conversationId, (chat = []));
  chat.push(full);
  if (chat.length > PER_CONVERSATION_KEPT) chat.splice(0, chat.length - PER_CONVERSATION_KEPT);
  const still: typeof waiters = [];
  for (const w of waiters) {
    if (!w.conversation || w.conversation === full.conversationId) w.done([full]);
    else still.push(w);
  }
  waiters = still;
}

/** Card text and Action.Execute actions, found anywhere in the card. */
function readCard(card: unknown): { cardText: string; actions: { verb: string; data: Record<string, unknown> }[] } {
  const texts: string[] = [];
  const actions: { verb: string; data: Record<string, unknown> }[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const el = node as Record<string, unknown>;
    if (el.type === 'Action.Execute' && typeof el.verb === 'string') actions.push({ verb: el.verb, data: (el.data ?? {}) as Record<string, unknown> });
    for (const key of ['text', 'title', 'label', 'value']) if (typeof el[key] === 'string') texts.push(el[key] as string);
    for (const [key, value] of Object.entries(el)) if (key !== 'data') visit(value);
  };
  visit(card);
  return { cardText: texts.join('\n'), actions };
}

/** The captures after `since` in a list ordered by seq (binary search for the first). */
function newerThan(list: Capture[], since: number): Capture[] {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].seq <= since) lo = mid + 1;
    else hi = mid;
  }
  return list.slice(lo);
}

function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function readBody(req: IncomingMessage, parse: boolean, then: (body: any) => void): void {
  if (!parse) {
    req.resume();
    req.on('end', () => then(undefined));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    try {
      then(chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined);
    } catch {
      then(undefined);
    }
  });
}

function tenantOf(body: any): string {
  return String(body?.conversation?.tenantId ?? body?.channelData?.tenant?.id ?? body?.tenantId ?? 'unknown');
}

function serveBench(req: IncomingMessage, res: ServerResponse, url: URL): void {
  if (req.method === 'POST' && url.pathname === '/_bench/config') {
    readBody(req, true, (body) => {
      if (body?.mode === 'off' || body?.mode === 'observe' || body?.mode === 'enforce') mode = body.mode;
      if (typeof body?.capture === 'boolean') capture = body.capture;
      delayMs = typeof body?.delayMs === 'number' && body.delayMs >= 0 ? body.delayMs : 0;
      reset();
      json(res, 200, { mode, capture, delayMs });
    });
    return;
  }
  req.resume();
  if (req.method === 'GET' && url.pathname === '/_bench/stats') {
    const conversation = url.searchParams.get('conversation');
    return json(res, 200, conversation ? (perConversationCounts.get(conversation) ?? zero()) : { ...counts, peakPerSecondByTenant, mode, capture, lastSeq: seq });
  }
  if (req.method === 'GET' && url.pathname === '/_bench/captures') {
    const since = Number(url.searchParams.get('since') ?? 0);
    const conversation = url.searchParams.get('conversation') ?? undefined;
    const waitMs = Math.min(60_000, Number(url.searchParams.get('waitMs') ?? 0));
    const found = newerThan(conversation ? (byConversation.get(conversation) ?? []) : captures, since).slice(0, 5_000);
    if (found.length > 0 || waitMs <= 0) return json(res, 200, { entries: found, lastSeq: seq });
    let answered = false;
    const done = (entries: Capture[]) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      json(res, 200, { entries, lastSeq: seq });
    };
    const timer = setTimeout(() => {
      waiters = waiters.filter((w) => w.done !== done);
      done([]);
    }, waitMs);
    waiters.push({ since, conversation, done });
    return;
  }
  json(res, 404, { error: 'unknown bench route' });
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://connector');
  if (url.pathname.startsWith('/_bench/')) return serveBench(req, res, url);
  const path = decodeURIComponent(url.pathname);
  const parse = mode !== 'off' || capture || /^\/v3\/conversations\/?$/.test(path);
  readBody(req, parse, (body) => {
    const now = Date.now();
    counts.requests += 1;
    // Every answer to the bot, after the configured delay (a slow link to Teams).
    const reply = (r: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) =>
      delayMs > 0 ? void setTimeout(() => json(r, status, value, headers), delayMs) : json(r, status, value, headers);
    if (req.method === 'POST' && /^\/v3\/conversations\/?$/.test(path)) {
      const retryAfter = admit(String(body?.bot?.id ?? 'bot'), tenantOf(body), undefined, now);
      if (retryAfter !== undefined) return reply(res, 429, { error: { code: 'Throttled' } }, { 'retry-after': String(retryAfter) });
      counts.creates += 1;
      // A user's 1:1 chat has one id, whether the user or the bot opened it.
      const member = String(body?.members?.[0]?.id ?? `member-${++counter}`).replace(/^29:/, '');
      return reply(res, 201, { id: `a:personal-${member}`, activityId: '' });
    }
    const activity = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/.exec(path);
    if (activity && (req.method === 'POST' || req.method === 'PUT')) {
      const conversationId = activity[1];
      const retryAfter = admit(String(body?.from?.id ?? 'bot'), tenantOf(body), conversationId, now);
      if (retryAfter !== undefined) return reply(res, 429, { error: { code: 'Throttled' } }, { 'retry-after': String(retryAfter) });
      const perConv = countsFor(conversationId);
      const field = req.method === 'POST' ? 'posts' : 'puts';
      counts[field] += 1;
      perConv[field] += 1;
      const activityId = req.method === 'PUT' ? (activity[2] ?? '') : `activity-${++counter}`;
      if (capture) {
        const card = body?.attachments?.find((a: any) => a?.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
        record(
          {
            method: req.method,
            conversationId,
            activityId,
            ...(typeof body?.text === 'string' ? { text: body.text } : {}),
            ...(card ? readCard(card) : {}),
          },
          now,
        );
      }
      return reply(res, 200, { id: activityId });
    }
    return reply(res, 404, { error: { code: 'NotFound' } });
  });
});
server.keepAliveTimeout = 60_000;

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ event: 'connector.listening', url: `http://127.0.0.1:${port}` })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
