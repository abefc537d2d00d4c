/**
 * `npm run bench`: Samråd side by side with the bare Bot Framework, in one run.
 *
 * Starts, each in its own process: a bare botbuilder echo bot (echo-bot.ts, the framework's
 * ceiling), a local Bot Framework connector that can hold a bot to Teams' rate limits
 * (connector.ts), and Samråd in local mode, built once with tsconfig.build.json, as `npm run build` builds it (into
 * node_modules/.cache, never dist/) and run with node; when the build fails it runs through
 * tsx and says so. Samråd runs once on its embedded store and once on a store in a separate
 * process (scripts/store.ts); every figure gets a fresh Samråd and a fresh store. The load is
 * generated here, in the bench's own process, and Samråd is driven over HTTP only: activities
 * and Action.Execute invokes posted to /api/messages, results read from the cards it answers
 * with and from what it sends to the connector.
 *
 * Figures: 1 plain message turns, closed loop; 2 invitees' answers (Action.Execute) at a fixed
 * rate; 3 a burst of answers on one meeting; 4 invitations with Teams' rate limits enforced;
 * 5 store requests per meeting; 6 memory after many meetings, and start-up time; 7 invitations
 * through a slow connector (every call answered after 300 ms), to see them sent to several people
 * at once; 8 a burst of feedback at the end of a meeting (every participant in Teams answers the
 * feedback card within one second); 9 one scheduler pass (a poll, and the due jobs claimed and
 * run) over the jobs container of 1,000 and of 100,000 meetings' scheduled nudges, 10 of them due
 * now; 10 three Samråd processes on one store sending 1,000 due nudges to a connector holding
 * them to Teams' limits. A Markdown
 * table goes to stdout (measured value and goal side by side; a missed goal is printed as
 * such and does not fail the run); progress and details go to stderr.
 *
 * Flags:
 *   --quick            shorter runs (4 s instead of 10 s, 100 meetings for figure 6, 10,000
 *                      instead of 100,000 for figure 9)
 *   --duration S       seconds measured in figures 1 and 2 (default 10; warm-up 2)
 *   --long             figure 6 with the 10,000 meetings of its goal (about 20 min per store
 *                      mode at the 8 meetings/s measured on 2 shared cores); the default run
 *                      keeps under 10 minutes
 *   --meetings N       meetings created and answered in figure 6 (default 500, about 1 min per
 *                      store mode; 10,000 with --long)
 *   --parallel N       caseworkers planning at once in figure 6 (default 50)
 *   --figures 1,2,6    only these figures (3 and 4 run together); --figures 7 runs figure 7 alone
 *                      (9 and 10 measure the store in a process of its own only: three instances
 *                      share one store, and a pass reads the same documents either way)
 *   --store MODE       only this store mode: embedded or separate (default: both)
 *   --root DIR         the Samråd checkout to build and measure (default: this one)
 *   --keep             keep the work folder (logs of every process, data) and print where
 *   --cpu-prof         run every Samråd with `node --cpu-prof` (a .cpuprofile per process in the
 *                      work folder's profiles/, kept; open them in Chrome DevTools or VS Code)
 *
 * Every process it starts is stopped on exit, on Ctrl-C and on errors; each also stops by
 * itself when the bench is gone (guard.cjs), even if the bench was killed.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DateTime } from 'luxon';
import { cpuMs, freePort, isStopping, rssMb, startNode, stopAll, stopChildrenOnExit, waitForHttp, type Child } from './children';
import {
  action,
  answer,
  BotEndpoint,
  cardText,
  ConnectorControl,
  invitationFor,
  invokeCard,
  judgeByCatalog,
  judgeByColour,
  noticeOf,
  personalConversation,
  planAndSend,
  type AnswerOutcome,
  type Captured,
  type ConnectorStats,
  type Judge,
  type Person,
} from './conversation';
import { closedLoop, openLoop, percentile, type OpenLoopResult } from './load';
import { personalChat, seedDueNudges, seedScheduledJobs } from './nudges';

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  root: string;
  quick: boolean;
  durationS: number;
  warmupS: number;
  connections: number;
  rate: number;
  burst: number;
  invitees: number;
  meetings: number;
  parallel: number;
  figures: Set<number>;
  keep: boolean;
  cpuProf: boolean;
  stores: Set<StoreMode>;
}

function parseOptions(argv: string[]): Options {
  const flag = (name: string) => argv.includes(name);
  const value = (name: string) => {
    const i = argv.indexOf(name);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value`);
    return v;
  };
  const number = (name: string, fallback: number) => {
    const v = value(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, not "${v}"`);
    return n;
  };
  if (flag('--help') || flag('-h')) {
    const doc = readFileSync(__filename, 'utf8').split('*/')[0];
    process.stdout.write(`${doc.replace(/^\/\*\*?|^ \* ?/gm, '')}\n`);
    process.exit(0);
  }
  const known = new Set(['--quick', '--long', '--duration', '--meetings', '--parallel', '--figures', '--root', '--keep', '--cpu-prof', '--store']);
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) continue;
    if (!known.has(argv[i])) throw new Error(`unknown flag ${argv[i]} (see --help)`);
  }
  const quick = flag('--quick');
  if (value('--store') && !['embedded', 'separate'].includes(value('--store')!)) throw new Error('--store takes embedded or separate');
  const figures = value('--figures')?.split(',').map((f) => Number(f.trim())) ?? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  if (figures.some((f) => !Number.isInteger(f) || f < 1 || f > 11)) throw new Error('--figures takes numbers from 1 to 11, e.g. --figures 1,2');
  return {
    root: resolve(value('--root') ?? join(__dirname, '..', '..')),
    quick,
    durationS: number('--duration', quick ? 4 : 10),
    warmupS: quick ? 1 : 2,
    connections: 50,
    rate: 100,
    burst: 40,
    invitees: 40,
    meetings: Math.floor(number('--meetings', flag('--long') ? 10_000 : quick ? 100 : 500)),
    parallel: Math.floor(number('--parallel', 50)),
    figures: new Set(figures),
    keep: flag('--keep') || flag('--cpu-prof'),
    cpuProf: flag('--cpu-prof'),
    stores: new Set(value('--store') ? [value('--store') as StoreMode] : ['embedded', 'separate']),
  };
}

// ---------------------------------------------------------------------------------------------
// The processes

type StoreMode = 'embedded' | 'separate';
const MODES: StoreMode[] = ['embedded', 'separate'];

interface Context {
  opts: Options;
  /** A temporary folder for logs and data. */
  work: string;
  samrad: { script: string; nodeArgs: string[]; how: string; nodeOptions: string[] };
  connector: ConnectorControl;
  judge: Judge;
  /** Why the separate store cannot run, when it cannot. */
  storeMissing?: string;
  /** Milliseconds from spawn to /healthz answering, for every fresh Samråd started, by store mode. */
  readyMs: Record<StoreMode, number[]>;
  /** Things seen while measuring, for the notes under the table. */
  seen: string[];
  runs: number;
  /** The echo bot's process and its start-up time, for the baseline cells of figure 6. */
  echo?: { child: Child; readyMs: number };
}

/** A store in its own process (scripts/store.ts). */
interface StoreRun {
  child: Child;
  endpoint: string;
  key: string;
  dataDir: string;
}

/** A running Samråd. */
interface SamradRun {
  mode: StoreMode;
  /** Which figure it serves: fig1, fig2, fig34, fig5, fig6, fig7, fig8. */
  name: string;
  child: Child;
  bot: BotEndpoint;
  readyMs: number;
  dataDir: string;
  store?: StoreRun;
  logFile: string;
  logNoted?: boolean;
}

class StoreMissing extends Error {}

/**
 * Builds Samråd's server as `npm run build` does (its tsconfig.build.json) into a private folder;
 * falls back to tsx when the build fails. The tab page is left out: the server bundles it on
 * first request where no build exists, and no figure requests it.
 */
/**
 * The Node options production runs Samråd with on a B1 plan: infra/azure.bicep's NODE_OPTIONS with
 * that plan's heap limit (`nodeHeapMbBySku`). Empty when the template says none.
 */
function productionNodeOptions(root: string): string[] {
  // For experiments: other options than production's (then the run says which it used).
  if (process.env.SAMRAD_BENCH_NODE_OPTIONS !== undefined) return process.env.SAMRAD_BENCH_NODE_OPTIONS.split(/\s+/).filter(Boolean);
  let bicep = '';
  try {
    bicep = readFileSync(join(root, 'infra', 'azure.bicep'), 'utf8');
  } catch {
    return [];
  }
  const heap = /^var nodeHeapMbBySku = \{[\s\S]*?^ {2}B1: (\d+)$/m.exec(bicep)?.[1];
  const options = /^ {4}NODE_OPTIONS: '([^']*)'$/m.exec(bicep)?.[1];
  if (!options) return [];
  return options.replace(/\$\{nodeHeapMbBySku\[appServiceSku\]\}/g, heap ?? '1024').split(/\s+/).filter(Boolean);
}

function buildSamrad(root: string): Context['samrad'] {
  const nodeOptions = productionNodeOptions(root);
  const outDir = join(root, 'node_modules', '.cache', 'samrad-bench', `build-${createHash('sha1').update(realpathSync(root)).digest('hex').slice(0, 8)}`);
  rmSync(outDir, { recursive: true, force: true });
  const started = Date.now();
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: root, encoding: 'utf8' });
  const entry = join(outDir, 'bot', 'index.js');
  if (build.status === 0 && existsSync(entry)) {
    return { script: entry, nodeArgs: [], nodeOptions, how: `built with tsconfig.build.json in ${((Date.now() - started) / 1000).toFixed(1)} s, run with node ${nodeOptions.join(' ') || '(no Node options)'} (infra/azure.bicep's NODE_OPTIONS for a B1 plan)` };
  }
  const errors = `${build.stdout}\n${build.stderr}`.split('\n').filter((l) => /error/i.test(l));
  progress(`npm run build failed (${errors.length} error lines, first: ${errors[0]?.trim() ?? build.error?.message ?? 'none'}); running Samråd through tsx`);
  return {
    script: join(root, 'bot', 'index.ts'),
    nodeArgs: ['--import', 'tsx'],
    nodeOptions,
    how: `run through tsx: \`npm run build\` failed (${errors[0]?.trim().slice(0, 120) ?? 'see its output'})`,
  };
}

/** Loads a module of the Samråd under test (from its build, else its source through tsx). */
function samradModule(ctx: Pick<Context, 'samrad' | 'opts'>, relative: string): any {
  const fromBuild = ctx.samrad.nodeArgs.length === 0 ? join(ctx.samrad.script, '..', '..', relative) : join(ctx.opts.root, relative);
  return require(fromBuild);
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(COSMOS_|MICROSOFT_APP_|SAMRAD_|PUBLIC_BASE_URL|LINK_SIGNING_SECRET|PORT$|HOST$|DEFAULT_)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

async function startStore(ctx: Context, name: string): Promise<StoreRun> {
  if (ctx.storeMissing) throw new StoreMissing(ctx.storeMissing);
  const dataDir = join(ctx.work, `${name}-store-data`);
  const { child, line } = await startNode({
    name: 'store',
    script: join(ctx.opts.root, 'scripts', 'store.ts'),
    nodeArgs: ['--import', 'tsx'],
    args: ['--port', '0', '--data', dataDir],
    env: cleanEnv({}),
    cwd: ctx.opts.root,
    logFile: join(ctx.work, `${name}-store.log`),
    untilLine: (json) => json?.event === 'store.listening' && typeof json.endpoint === 'string',
    timeoutMs: 60_000,
  });
  return { child, endpoint: line.endpoint, key: String(line.key ?? ''), dataDir };
}

/** Starts a fresh Samråd (and, for `separate`, a fresh store), or one on existing data when `reuse` is given. */
async function startSamrad(ctx: Context, mode: StoreMode, name: string, reuse?: { dataDir: string; store?: StoreRun }, nodeArgs: string[] = []): Promise<SamradRun> {
  const run = ++ctx.runs;
  const dataDir = reuse?.dataDir ?? join(ctx.work, `${name}-${mode}-data`);
  const store = mode === 'separate' ? (reuse?.store ?? (await startStore(ctx, `${name}-${run}`))) : undefined;
  const port = await freePort();
  const logFile = join(ctx.work, `${name}-${mode}-samrad-${run}.log`);
  try {
    const { child } = await startNode({
      name: `Samråd (${mode})`,
      script: ctx.samrad.script,
      nodeArgs: [...ctx.samrad.nodeArgs, ...ctx.samrad.nodeOptions, ...nodeArgs, ...(ctx.opts.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', join(ctx.work, 'profiles', `${name}-${mode}-${run}`)] : [])],
      env: cleanEnv({
        SAMRAD_LOCAL: 'true',
        HOST: '127.0.0.1',
        PORT: String(port),
        SAMRAD_DATA_DIR: dataDir,
        ...(store ? { COSMOS_ENDPOINT: store.endpoint, COSMOS_KEY: store.key } : {}),
      }),
      cwd: ctx.opts.root,
      logFile,
    });
    const base = `http://127.0.0.1:${port}`;
    const readyAt = await waitForHttp(`${base}/healthz`, child);
    const readyMs = readyAt - child.spawnedAt;
    if (!reuse) ctx.readyMs[mode].push(readyMs);
    return { mode, name, child, bot: new BotEndpoint(base, ctx.connector.url, '28:samrad-bot'), readyMs, dataDir, store, logFile };
  } catch (err) {
    if (store && !reuse?.store) await store.child.stop();
    throw err;
  }
}

async function stopSamrad(ctx: Context, run: SamradRun, keepStore = false): Promise<void> {
  await run.child.stop(120_000);
  noteLog(ctx, run);
  if (run.store && !keepStore) await run.store.child.stop();
}

/** Notes errors and connector retries Samråd logged (its log lines carry event names and counts only). */
function noteLog(ctx: Context, run: SamradRun): void {
  if (run.logNoted) return;
  run.logNoted = true;
  let text = '';
  try {
    text = readFileSync(run.logFile, 'utf8');
  } catch {
    return;
  }
  const events = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { level?: string; event?: string; status?: number; error?: string; where?: string };
      if (entry.level === 'error' || entry.event === 'connector.retry') {
        const key = `${entry.event}${entry.status ? ` ${entry.status}` : ''}${entry.error ? ` ${entry.error}` : ''}${entry.where ? ` at ${entry.where}` : ''}`;
        events.set(key, (events.get(key) ?? 0) + 1);
      }
    } catch {
      /* not a log line */
    }
  }
  if (events.size > 0) {
    const list = [...events].map(([k, n]) => `${n}× ${k}`).join('; ');
    const figure = run.name.replace(/^fig(\d)(\d)?$/, (_, a: string, b?: string) => (b ? `figures ${a} and ${b}` : `figure ${a}`));
    ctx.seen.push(`Samråd (${run.mode} store, ${figure}) logged: ${list}.`);
  }
}

// ---------------------------------------------------------------------------------------------
// The table

type Column = 'echo' | StoreMode;

interface Row {
  figure: string;
  cells: Partial<Record<Column, string>>;
  goal: string;
  /** Whether Samråd met the goal, per store mode; absent when there is no goal or no value. */
  met: Partial<Record<StoreMode, boolean>>;
}

function rowFor(figure: string, goal: string): Row {
  return { figure, cells: {}, goal, met: {} };
}

function metText(row: Row): string {
  if (row.goal === '—' || row.goal === '') return '—';
  const parts = MODES.filter((m) => row.met[m] !== undefined).map((m) => `${m === 'embedded' ? 'embedded' : 'separate'}: ${row.met[m] ? 'yes' : '**no**'}`);
  return parts.length ? parts.join(', ') : 'n/a';
}

function table(rows: Row[]): string {
  const header = ['figure', 'echo bot', 'Samråd embedded', 'Samråd separate store', 'goal', 'met?'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const cells = [r.figure, r.cells.echo ?? '—', r.cells.embedded ?? '—', r.cells.separate ?? '—', r.goal, metText(r)];
    lines.push(`| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`);
  }
  return lines.join('\n');
}

const ms = (v: number) => (Number.isFinite(v) ? `${v < 10 ? v.toFixed(1) : Math.round(v)} ms` : 'n/a');
const int = (v: number) => Math.round(v).toLocaleString('en-US');
const progress = (text: string) => process.stderr.write(`[bench] ${text}\n`);

/** " (3× 8 / 2 s, 1× 7 / 1 s)": which of Teams' limits refused requests; empty when none did. */
function rules(byRule: Record<string, number>): string {
  const list = Object.entries(byRule).filter(([, n]) => n > 0);
  return list.length ? ` (${list.map(([rule, n]) => `${n}× ${rule}`).join(', ')})` : '';
}

function subtract(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v - (b[k] ?? 0)]));
}

/** "12× text; 3× other", most frequent first. */
function describe(counts: Map<string, number>): string {
  return [...counts].sort((a, b) => b[1] - a[1]).map(([text, n]) => `${n}× ${text.slice(0, 140)}`).join('; ');
}

/** Runs one Samråd measurement per store mode, putting a failure in the cells instead of stopping the bench. */
async function perMode(ctx: Context, rows: Row[], body: (mode: StoreMode) => Promise<void>): Promise<void> {
  for (const mode of MODES) {
    if (!ctx.opts.stores.has(mode)) continue;
    try {
      await body(mode);
    } catch (err) {
      const message = err instanceof StoreMissing ? err.message : `error: ${(err as Error).message.slice(0, 140)}`;
      if (!(err instanceof StoreMissing)) progress(`${mode}: ${(err as Error).stack ?? err}`);
      for (const row of rows) if (row.cells[mode] === undefined) row.cells[mode] = message;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// People

function people(prefix: string, count: number, locales = ['sv-SE', 'da-DK', 'fi-FI', 'en-US']): Person[] {
  return Array.from({ length: count }, (_, i) => ({
    aadObjectId: `${prefix}-${i + 1}`,
    name: `${prefix.split('-')[0].replace(/^\w/, (c) => c.toUpperCase())} ${i + 1}`,
    locale: locales[i % locales.length],
    timeZone: 'Europe/Stockholm',
  }));
}

function caseworker(id: string): Person {
  return { aadObjectId: id, name: 'Kim Lind', locale: 'sv-SE', timeZone: 'Europe/Stockholm' };
}

/** Invitation cards of one meeting among captured activities, by invitee conversation. */
function invitationsIn(all: Captured[], meetingId: string): Map<string, Captured> {
  const found = new Map<string, Captured>();
  for (const c of all) if (invitationFor(c, meetingId) && !found.has(c.conversationId)) found.set(c.conversationId, c);
  return found;
}

/**
 * Sends a planned meeting's invitations and waits until every invitee's card reached the
 * connector, then a little longer for the text that tells the caseworker they are out.
 */
async function sendAndDeliver(
  ctx: Context,
  run: SamradRun,
  organizer: Person,
  invitees: Person[],
  beforeSend: () => Promise<void>,
  timeoutMs: number,
) {
  const sent = await planAndSend(run.bot, ctx.judge, organizer, invitees, beforeSend);
  const organizerChat = personalConversation(organizer.aadObjectId);
  const told = (c: Captured) => c.conversationId === organizerChat && c.method === 'POST' && !!c.text;
  const delivered = await ctx.connector.collect((all) => invitationsIn(all, sent.meetingId).size >= sent.invitees.length, { timeoutMs });
  const all = delivered.all;
  const complete = delivered.complete;
  if (complete && !all.some(told)) {
    const since = all.reduce((max, c) => Math.max(max, c.seq), 0);
    all.push(...(await ctx.connector.collect((more) => more.some(told), { since, timeoutMs: 10_000 })).all);
  }
  const cards = invitationsIn(all, sent.meetingId);
  const lastCardAt = Math.max(...[...cards.values()].map((c) => c.at));
  const toldAt = all.find(told)?.at;
  const invitations = new Map<string, { data: Record<string, unknown>; activityId: string }>();
  for (const invitee of sent.invitees) {
    const card = cards.get(personalConversation(invitee.aadObjectId));
    if (card) invitations.set(invitee.aadObjectId, invitationFor(card, sent.meetingId)!);
  }
  return { ...sent, complete, delivered: cards.size, lastCardAt, toldAt, invitations };
}

/**
 * Waits until the caseworker's status card stops changing in their chat (nothing for 4 s, or
 * `maxMs`), then compares the last card posted or updated there with what status.show answers.
 */
async function settleStatusCard(ctx: Context, samrad: SamradRun, organizer: Person, statusCard: any, before: ConnectorStats, maxMs: number) {
  const chatId = personalConversation(organizer.aadObjectId);
  const started = Date.now();
  let seen = -1;
  let stableSince = Date.now();
  let chat = await ctx.connector.stats(chatId);
  while (Date.now() - stableSince < 4000 && Date.now() - started < maxMs) {
    await new Promise((res) => setTimeout(res, 500));
    chat = await ctx.connector.stats(chatId);
    const total = chat.puts + chat.posts + chat.throttled;
    if (total !== seen) {
      seen = total;
      stableSince = Date.now();
    }
  }
  const settled = Date.now() - stableSince >= 4000;
  const cards = (await ctx.connector.captures(0, chatId)).entries.filter((c) => c.cardText !== undefined);
  const last = cards[cards.length - 1];
  const current = cardText(await samrad.bot.press(organizer, 'status.show', action(statusCard, 'status.show').data));
  let differs: string | undefined;
  if (last && last.cardText !== current) {
    const a = last.cardText!.split('\n');
    const b = current.split('\n');
    const i = a.findIndex((line, k) => line !== b[k]);
    differs = `${settled ? 'once the updates had stopped' : `after ${Math.round(maxMs / 1000)} s of updates`}, the status card in the caseworker's chat read "${a[i]}" while status.show read "${b[i]}".`;
  }
  return {
    updates: chat.puts + chat.posts - before.puts - before.posts,
    seconds: Math.max(0, (stableSince - started) / 1000),
    settled,
    current: last ? last.cardText === current : undefined,
    differs,
  };
}

// ---------------------------------------------------------------------------------------------
// Figure 1: plain message turns, closed loop

/** Figure 1's goal, Samråd's rate over the echo bot's, by store mode. */
const FIGURE1_GOAL: Record<StoreMode, number> = { embedded: 0.6, separate: 0.7 };

async function figure1(ctx: Context, echo: BotEndpoint): Promise<Row[]> {
  const { opts } = ctx;
  const row = rowFor(`1. message turn ("hello", personal chat), ${opts.connections} connections closed loop, ${opts.durationS} s: req/s (× echo)`, 'Samråd ≥ 0.6 × echo embedded, ≥ 0.7 × echo with the store in its own process');
  const users = people('user', 200, ['en-US', 'sv-SE', 'da-DK', 'fi-FI']);
  /** CPU ms the bot's processes (the bot, and its store process when it has one) used per request: steadier than req/s on a shared machine. */
  const cpuPer: Record<string, number> = {};
  const measure = async (bot: BotEndpoint, label: string, pids: number[] = []) => {
    const bodies = users.map((u) => JSON.stringify(bot.message(u, 'hello')));
    let next = 0;
    const body = () => bodies[next++ % bodies.length];
    progress(`figure 1, ${label}: warm-up ${opts.warmupS} s`);
    await closedLoop({ url: bot.messagesUrl, connections: opts.connections, durationS: opts.warmupS, body });
    await ctx.connector.configure('off', false);
    progress(`figure 1, ${label}: ${opts.durationS} s`);
    const cpu = () => pids.reduce((sum, pid) => sum + (cpuMs(pid) ?? NaN), 0);
    const cpuBefore = cpu();
    const result = await closedLoop({ url: bot.messagesUrl, connections: opts.connections, durationS: opts.durationS, body });
    const perRequest = (cpu() - cpuBefore) / result.total;
    if (pids.length && Number.isFinite(perRequest)) cpuPer[label] = perRequest;
    const stats = await ctx.connector.stats();
    let note = '';
    if (result.non2xx || result.errors) note += `, ${int(result.non2xx)} non-2xx, ${int(result.errors)} errors`;
    if (stats.posts < result.total * 0.99) note += `, only ${int(stats.posts)} of ${int(result.total)} replies reached the connector`;
    progress(`figure 1, ${label}: ${int(result.rps)} req/s, p50 ${ms(result.p50)}, p99 ${ms(result.p99)}, CPU ${perRequest.toFixed(2)} ms per request${note}`);
    return { ...result, note };
  };
  let echoRps = NaN;
  try {
    const r = await measure(echo, 'echo bot', ctx.echo ? [ctx.echo.child.pid] : []);
    echoRps = r.rps;
    row.cells.echo = `${int(r.rps)} req/s${r.note}`;
  } catch (err) {
    row.cells.echo = `error: ${(err as Error).message.slice(0, 140)}`;
  }
  await perMode(ctx, [row], async (mode) => {
    const run = await startSamrad(ctx, mode, 'fig1');
    try {
      // A first turn end to end: Samråd answers "hello" with a card posted to the connector.
      await ctx.connector.configure('off', true);
      const probe = users[0];
      const posted = await run.bot.post(run.bot.message(probe, 'hello'));
      if (posted.status !== 200) throw new Error(`a message was answered ${posted.status}`);
      await ctx.connector.waitFor((c) => !!c.cardText, { conversation: personalConversation(probe.aadObjectId), timeoutMs: 10_000 });
      const r = await measure(run.bot, `Samråd ${mode}`, [run.child.pid, ...(run.store ? [run.store.child.pid] : [])]);
      const ratio = r.rps / echoRps;
      row.cells[mode] = `${int(r.rps)} req/s (${Number.isFinite(ratio) ? ratio.toFixed(2) : '?'}×)${r.note}`;
      if (Number.isFinite(ratio)) row.met[mode] = ratio >= FIGURE1_GOAL[mode] && !r.note;
    } finally {
      await stopSamrad(ctx, run);
    }
  });
  const cpuNote = Object.entries(cpuPer).map(([label, v]) => `${label} ${v.toFixed(2)} ms`).join(', ');
  if (cpuNote) ctx.seen.push(`Figure 1: CPU time per message turn (user + system, the store process included for the separate store): ${cpuNote}.`);
  return [row];
}

// ---------------------------------------------------------------------------------------------
// Figure 2: Action.Execute at a fixed rate

async function figure2(ctx: Context, echo: BotEndpoint): Promise<Row[]> {
  const { opts } = ctx;
  const p50 = rowFor(`2a. Action.Execute \`invite.answer\` at ${opts.rate}/s for ${opts.durationS} s (echo: plain messages): p50`, '—');
  const p99 = rowFor(`2b. same: p99 (from each request's scheduled time)`, 'Samråd ≤ 2 × echo p99');
  const unconfirmed = rowFor('2c. same: answers not confirmed (refused or failed)', '0');
  const run = async (label: string, send: (i: number) => Promise<boolean>): Promise<OpenLoopResult> => {
    progress(`figure 2, ${label}: warm-up ${opts.warmupS} s at ${opts.rate}/s`);
    await openLoop(opts.rate, opts.warmupS * 1000, send);
    progress(`figure 2, ${label}: ${opts.durationS} s at ${opts.rate}/s`);
    const r = await openLoop(opts.rate, opts.durationS * 1000, send);
    progress(`figure 2, ${label}: ${r.sent} sent at ${r.rate.toFixed(1)}/s, p50 ${ms(percentile(r.latencies, 50))}, p99 ${ms(percentile(r.latencies, 99))}, ${r.wrong} wrong, ${r.errors} errors`);
    return r;
  };
  let echoP99 = NaN;
  try {
    const users = people('user', 100, ['en-US']);
    await ctx.connector.configure('off', false);
    const r = await run('echo bot', async (i) => (await echo.post(echo.message(users[i % users.length], 'hello'))).status === 200);
    echoP99 = percentile(r.latencies, 99);
    p50.cells.echo = ms(percentile(r.latencies, 50));
    p99.cells.echo = ms(echoP99);
    unconfirmed.cells.echo = `${r.wrong + r.errors} of ${r.sent} (non-200)`;
  } catch (err) {
    p50.cells.echo = p99.cells.echo = `error: ${(err as Error).message.slice(0, 140)}`;
  }
  if (Number.isFinite(echoP99)) p99.goal = `≤ 2 × echo p99 = ${ms(2 * echoP99)}`;
  await perMode(ctx, [p50, p99, unconfirmed], async (mode) => {
    const samrad = await startSamrad(ctx, mode, 'fig2');
    try {
      const organizer = caseworker(`cw-answers-${mode}`);
      await ctx.connector.configure('observe', true);
      const sent = await sendAndDeliver(ctx, samrad, organizer, people(`answering-${mode}`, opts.invitees), async () => {}, 120_000);
      if (!sent.complete) throw new Error(`only ${sent.delivered} of ${sent.invitees.length} invitations arrived`);
      const invitees = sent.invitees;
      progress(`figure 2, Samråd ${mode}: meeting with ${invitees.length} Teams invitees sent and delivered`);
      await ctx.connector.configure('observe', true);
      const replies = ['accepted', 'maybe', 'declined'] as const;
      const reasons = new Map<string, number>();
      let measuring = false;
      let confirmed = 0;
      const tally = (o: AnswerOutcome) => {
        if (o.confirmed) confirmed += 1;
        else if (measuring) reasons.set(o.reason!, (reasons.get(o.reason!) ?? 0) + 1);
        return o.confirmed;
      };
      const send = (i: number) => {
        const invitee = invitees[i % invitees.length];
        return answer(samrad.bot, ctx.judge, invitee, organizer.name, sent.invitations.get(invitee.aadObjectId)!, replies[Math.floor(i / invitees.length) % 3]).then(tally);
      };
      progress(`figure 2, Samråd ${mode}: warm-up ${opts.warmupS} s at ${opts.rate}/s`);
      await openLoop(opts.rate, opts.warmupS * 1000, send);
      const before = await ctx.connector.stats(personalConversation(organizer.aadObjectId));
      progress(`figure 2, Samråd ${mode}: ${opts.durationS} s at ${opts.rate}/s`);
      measuring = true;
      const r = await openLoop(opts.rate, opts.durationS * 1000, send);
      measuring = false;
      if (reasons.size) ctx.seen.push(`Figure 2 (${mode}): answers not confirmed, by what the card said: ${describe(reasons)}.`);
      const after = await ctx.connector.stats(personalConversation(organizer.aadObjectId));
      const p = percentile(r.latencies, 99);
      progress(
        `figure 2, Samråd ${mode}: ${r.sent} answers at ${r.rate.toFixed(1)}/s, p50 ${ms(percentile(r.latencies, 50))}, p99 ${ms(p)}, ${r.wrong} not confirmed, ${r.errors} errors; ` +
          `status card updates reaching the caseworker's chat during the run: ${after.puts - before.puts}`,
      );
      p50.cells[mode] = ms(percentile(r.latencies, 50));
      p99.cells[mode] = ms(p);
      if (Number.isFinite(echoP99)) p99.met[mode] = p <= 2 * echoP99;
      unconfirmed.cells[mode] = `${r.wrong + r.errors} of ${r.sent}`;
      unconfirmed.met[mode] = r.wrong + r.errors === 0;
      const answers = r.sent + Math.round(opts.rate * opts.warmupS);
      const st = await settleStatusCard(ctx, samrad, organizer, sent.statusCard, after, 30_000);
      ctx.seen.push(
        `Figure 2 (${mode}): ${confirmed} of ${answers} answers on one meeting (${invitees.length} invitees, warm-up included) were saved. While they came in, ` +
          `${after.puts + after.posts} status card updates reached the caseworker's chat (${after.wouldThrottle} of them Teams would have refused${rules(after.byRule)}: limits observed, not enforced here); ` +
          `afterwards ${st.updates} more in ${st.seconds.toFixed(0)} s${st.settled ? '' : ', still going when the bench stopped waiting'}, and the card was ` +
          `${st.current === undefined ? 'never updated' : st.current ? 'current' : 'not current'}${st.differs ? ` (${st.differs})` : ''}.`,
      );
    } finally {
      await stopSamrad(ctx, samrad);
    }
  });
  return [p50, p99, unconfirmed];
}

// ---------------------------------------------------------------------------------------------
// Figures 4 and 3: invitations with Teams' limits enforced, then a burst of answers on that meeting

async function figures3and4(ctx: Context): Promise<Row[]> {
  const { opts } = ctx;
  const throttled = rowFor(`4a. invitations to ${opts.invitees} Teams invitees, Teams' limits enforced: 429s received`, '0');
  const seconds = rowFor('4b. same: seconds from `plan.send` to the last invitation card at the connector', '—');
  const refused = rowFor(`3a. ${opts.burst} answers within 1 s on one meeting (${opts.burst} invitees): refused`, '0');
  const burstP99 = rowFor('3b. same: p99 latency', '—');
  const after = rowFor('3c. same: 429s on the status card updates that follow; card in the caseworker\'s chat current afterwards?', '—');
  await perMode(ctx, [throttled, seconds, refused, burstP99, after], async (mode) => {
    const samrad = await startSamrad(ctx, mode, 'fig34');
    try {
      const organizer = caseworker(`cw-burst-${mode}`);
      const organizerChat = personalConversation(organizer.aadObjectId);
      const asked = Math.max(opts.invitees, opts.burst);
      progress(`figure 4, Samråd ${mode}: planning a meeting with ${asked} Teams invitees, then sending with Teams' limits enforced`);
      const sent = await sendAndDeliver(ctx, samrad, organizer, people(`invitee-${mode}`, asked), () => ctx.connector.configure('enforce', true), opts.quick ? 90_000 : 180_000);
      const stats = await ctx.connector.stats();
      const used = sent.invitees.length;
      const usedNote = used < opts.invitees ? ` (${used} invitees: Samråd accepted no more)` : '';
      throttled.cells[mode] = `${stats.throttled}${rules(stats.byRule)}${usedNote}`;
      throttled.met[mode] = stats.throttled === 0;
      seconds.cells[mode] = sent.complete
        ? `${((sent.lastCardAt - sent.sendAt) / 1000).toFixed(1)} s for ${used} cards${sent.toldAt ? `; caseworker told after ${((sent.toldAt - sent.sendAt) / 1000).toFixed(1)} s` : ''}`
        : `only ${sent.delivered} of ${used} cards arrived`;
      progress(`figure 4, Samråd ${mode}: ${sent.delivered}/${used} invitation cards, last after ${((sent.lastCardAt - sent.sendAt) / 1000).toFixed(1)} s; ${stats.throttled} 429s (${stats.throttledByConversation} per-conversation, ${stats.throttledByTenant} per-tenant)`);

      // Figure 3: the burst, on the same meeting, with the limits still enforced.
      const answering = sent.invitees.slice(0, opts.burst).filter((p) => sent.invitations.has(p.aadObjectId));
      const before = await ctx.connector.stats();
      const beforeChat = await ctx.connector.stats(organizerChat);
      progress(`figure 3, Samråd ${mode}: ${answering.length} answers within 1 s`);
      const reasons = new Map<string, number>();
      const r = await openLoop(answering.length, 1000, async (i) => {
        const o = await answer(samrad.bot, ctx.judge, answering[i], organizer.name, sent.invitations.get(answering[i].aadObjectId)!, 'accepted');
        if (!o.confirmed) reasons.set(o.reason!, (reasons.get(o.reason!) ?? 0) + 1);
        return o.confirmed;
      });
      if (reasons.size) ctx.seen.push(`Figure 3 (${mode}): answers refused, by what the card said: ${describe(reasons)}.`);
      const wrong = r.wrong + r.errors;
      const countNote = answering.length < opts.burst ? ` (of ${answering.length})` : '';
      refused.cells[mode] = `${wrong}${countNote}`;
      refused.met[mode] = wrong === 0;
      burstP99.cells[mode] = ms(percentile(r.latencies, 99));
      progress(`figure 3, Samråd ${mode}: ${wrong} of ${answering.length} not confirmed; p50 ${ms(percentile(r.latencies, 50))}, p99 ${ms(percentile(r.latencies, 99))}`);

      // What follows the burst: the caseworker's status card is brought up to date, within Teams' limits.
      const st = await settleStatusCard(ctx, samrad, organizer, sent.statusCard, beforeChat, 90_000);
      const settled = await ctx.connector.stats();
      if (st.differs) ctx.seen.push(`Figure 3 (${mode}): ${st.differs}`);
      after.cells[mode] = `${settled.throttled - before.throttled} 429s${rules(subtract(settled.byRule, before.byRule))}; ${st.updates} updates in ${st.seconds.toFixed(0)} s${st.settled ? '' : ' (still updating)'}; card current: ${st.current === undefined ? 'no update seen' : st.current ? 'yes' : '**no**'}`;
      progress(`figure 3, Samråd ${mode}: after the burst ${settled.throttled - before.throttled} 429s, ${st.updates} status card updates in ${st.seconds.toFixed(1)} s; card current: ${st.current}`);
    } finally {
      await stopSamrad(ctx, samrad);
    }
  });
  return [refused, burstP99, after, throttled, seconds];
}

// ---------------------------------------------------------------------------------------------
// Figure 5: store requests per meeting

/**
 * The number of requests Samråd has made to its store so far, read where Samråd counts them
 * (its store port). Samråd does not expose that count yet: until it does this answers
 * undefined and figure 5 prints "pending". Figure 5 reads it before and after a full planning
 * conversation, its invitations and 30 answers, and prints the difference.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars
/** Every store request Samråd made so far, counted at its store port (local mode serves the counts at /metrics/store). */
async function readStoreRequestCount(run: SamradRun): Promise<number | undefined> {
  const res = await fetch(`${run.bot.baseUrl}/metrics/store`).catch(() => undefined);
  if (!res?.ok) return undefined;
  const counts = (await res.json()) as Record<string, number>;
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

async function figure5(ctx: Context): Promise<Row[]> {
  const answers = 30;
  const row = rowFor(`5. store requests per full planning + invitations + ${answers} answers`, '—');
  await perMode(ctx, [row], async (mode) => {
    const samrad = await startSamrad(ctx, mode, 'fig5');
    try {
      const before = await readStoreRequestCount(samrad);
      if (before === undefined) {
        row.cells[mode] = 'pending';
        return;
      }
      await ctx.connector.configure('off', true);
      const organizer = caseworker(`cw-count-${mode}`);
      const sent = await sendAndDeliver(ctx, samrad, organizer, people(`counted-${mode}`, answers), async () => {}, 120_000);
      const replies = ['accepted', 'maybe', 'declined'] as const;
      for (let i = 0; i < answers; i++) {
        const invitee = sent.invitees[i % sent.invitees.length];
        await answer(samrad.bot, ctx.judge, invitee, organizer.name, sent.invitations.get(invitee.aadObjectId)!, replies[i % 3]);
      }
      await new Promise((res) => setTimeout(res, 2000));
      const after = await readStoreRequestCount(samrad);
      row.cells[mode] = after === undefined ? 'pending' : `${int(after - before)}${sent.invitees.length < answers ? ` (${sent.invitees.length} invitees)` : ''}`;
    } finally {
      await stopSamrad(ctx, samrad);
    }
  });
  return [row];
}

// ---------------------------------------------------------------------------------------------
// Figure 6: memory after many meetings; start-up time

/** Figure 6 also exposes the garbage collector, so that the live heap can be read after a full collection (local mode's /metrics/memory). */
const EXPOSE_GC = ['--expose-gc'];

/** Samråd's live JavaScript heap in MB, after a full garbage collection (local mode's /metrics/memory), or undefined. */
async function liveHeap(run: SamradRun): Promise<number | undefined> {
  try {
    const res = await fetch(`${run.bot.baseUrl}/metrics/memory`);
    if (!res.ok) return undefined;
    const memory = (await res.json()) as { heapUsed: number; heapTotal: number; external: number; arrayBuffers: number; rss: number; afterGc: boolean };
    if (process.env.SAMRAD_BENCH_MEMORY) progress(`memory of ${run.name} (${run.mode}): ${JSON.stringify(memory, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v / 2 ** 20) : v))}`);
    return memory.afterGc ? memory.heapUsed / 2 ** 20 : undefined;
  } catch {
    return undefined;
  }
}

async function figure6(ctx: Context): Promise<Row[]> {
  const { opts } = ctx;
  const n = opts.meetings;
  const rss = rowFor(`6a. RSS of the Samråd process after ${int(n)} meetings created and answered${n < 10_000 ? ' (the goal is for 10,000: --long)' : ''}, Node run as on a B1 plan`, '≤ 200 MB');
  const took = rowFor(`6b. time to create, send and answer those ${int(n)} meetings (${Math.min(opts.parallel, n)} caseworkers in parallel)`, '—');
  const ready = rowFor('6c. start → ready (spawn → /healthz answers), empty store: median of every start in this run', '< 2 s');
  const readyFull = rowFor(`6d. start → ready with the ${int(n)} meetings stored (restart on the same data)${n < 10_000 ? ' (the goal is for 10,000: --long)' : ''}`, '< 2 s');
  await perMode(ctx, [rss, took, readyFull], async (mode) => {
    let samrad = await startSamrad(ctx, mode, 'fig6', undefined, EXPOSE_GC);
    try {
      await ctx.connector.configure('off', true);
      const startRss = rssMb(samrad.child.pid) ?? NaN;
      const parallel = Math.min(opts.parallel, n);
      let done = 0;
      let unconfirmed = 0;
      let failed = 0;
      let peak = startRss;
      let lastMeeting: { organizer: Person; statusCard: any } | undefined;
      const reasons = new Map<string, number>();
      const failures = new Map<string, number>();
      const started = Date.now();
      const sampler = setInterval(() => {
        const now = rssMb(samrad.child.pid);
        if (now !== undefined) peak = Math.max(peak, now);
      }, 1000);
      const live: number[] = [];
      const reporter = setInterval(() => {
        const s = (Date.now() - started) / 1000;
        void liveHeap(samrad).then((mb) => {
          if (mb !== undefined) live.push(mb);
          progress(`figure 6, Samråd ${mode}: ${done}/${n} meetings in ${s.toFixed(0)} s (${(done / s).toFixed(1)}/s), RSS ${int(rssMb(samrad.child.pid) ?? NaN)} MB, live heap ${mb === undefined ? '?' : int(mb)} MB`);
        });
      }, 10_000);
      let nextIndex = 0;
      let aborted = false;
      const worker = async (c: number) => {
        const organizer = caseworker(`cw-many-${mode}-${c}`);
        const [invitee] = people(`guest-${mode}-${c}`, 1, [['sv-SE', 'da-DK', 'fi-FI', 'en-US'][c % 4]]);
        const inviteeChat = personalConversation(invitee.aadObjectId);
        let since = 0;
        while (nextIndex < n && !aborted) {
          nextIndex += 1;
          try {
            const sent = await planAndSend(samrad.bot, ctx.judge, organizer, [invitee]);
            const card = await ctx.connector.waitFor((cap) => !!invitationFor(cap, sent.meetingId), { conversation: inviteeChat, since, timeoutMs: 120_000 });
            since = card.seq;
            const outcome = await answer(samrad.bot, ctx.judge, invitee, organizer.name, invitationFor(card, sent.meetingId)!, 'accepted');
            if (!outcome.confirmed) {
              unconfirmed += 1;
              reasons.set(outcome.reason!, (reasons.get(outcome.reason!) ?? 0) + 1);
            }
            lastMeeting = { organizer, statusCard: sent.statusCard };
          } catch (err) {
            failed += 1;
            const why = (err as Error).message.slice(0, 140);
            failures.set(why, (failures.get(why) ?? 0) + 1);
            if (failed <= 3) progress(`figure 6, Samråd ${mode}: a meeting failed: ${(err as Error).message.slice(0, 200)}`);
            if (failed > Math.max(20, n / 20)) {
              aborted = true;
              throw new Error(`${failed} meetings failed; last: ${(err as Error).message.slice(0, 120)}`);
            }
          }
          done += 1;
        }
      };
      try {
        await Promise.all(Array.from({ length: parallel }, (_, c) => worker(c)));
      } finally {
        clearInterval(sampler);
        clearInterval(reporter);
      }
      const elapsed = (Date.now() - started) / 1000;
      if (reasons.size) ctx.seen.push(`Figure 6 (${mode}): answers not confirmed, by what the card said: ${describe(reasons)}.`);
      if (failures.size) ctx.seen.push(`Figure 6 (${mode}): meetings that failed: ${describe(failures)}.`);
      await new Promise((res) => setTimeout(res, 2000));
      if (process.env.SAMRAD_BENCH_IDLE_TRACE) for (let i = 0; i < 12; i++) { await new Promise((res) => setTimeout(res, 2500)); progress(`idle +${(i + 1) * 2.5} s: RSS ${int(rssMb(samrad.child.pid) ?? NaN)} MB`); }
      const endRss = rssMb(samrad.child.pid) ?? NaN;
      peak = Math.max(peak, endRss);
      const storeRss = samrad.store ? rssMb(samrad.store.child.pid) : undefined;
      const endLive = await liveHeap(samrad);
      const liveNote = endLive === undefined ? '' : `; live heap after a full GC ${int(endLive)} MB${live.length ? ` (${int(Math.min(...live))}–${int(Math.max(...live))} while running)` : ''}`;
      rss.cells[mode] = `${int(endRss)} MB (at start ${int(startRss)}, peak ${int(peak)}${liveNote})${storeRss !== undefined ? `; store process ${int(storeRss)} MB` : ''}`;
      rss.met[mode] = endRss <= 200;
      const problems = [unconfirmed ? `${unconfirmed} answer${unconfirmed > 1 ? 's' : ''} not confirmed` : '', failed ? `${failed} meeting${failed > 1 ? 's' : ''} failed` : '']
        .filter(Boolean)
        .join(', ');
      took.cells[mode] = `${elapsed.toFixed(0)} s (${(n / elapsed).toFixed(1)} meetings/s)${problems ? `; ${problems}` : ''}`;
      progress(`figure 6, Samråd ${mode}: ${n} meetings in ${elapsed.toFixed(1)} s; RSS ${int(endRss)} MB (start ${int(startRss)}, peak ${int(peak)})`);

      // Restart on the same data: how long until ready, and is a meeting still there?
      progress(`figure 6, Samråd ${mode}: restarting on the same data`);
      const stopAt = Date.now();
      await samrad.child.stop(180_000);
      const stopS = (Date.now() - stopAt) / 1000;
      noteLog(ctx, samrad);
      samrad = await startSamrad(ctx, mode, 'fig6', { dataDir: samrad.dataDir, store: samrad.store }, EXPOSE_GC).catch(async (err) => {
        if (samrad.store) await samrad.store.child.stop();
        throw err;
      });
      let kept = 'not checked';
      if (lastMeeting) {
        const card = await samrad.bot.press(lastMeeting.organizer, 'status.show', action(lastMeeting.statusCard, 'status.show').data);
        try {
          action(card, 'status.show');
          kept = 'yes';
        } catch {
          kept = '**no** (status.show no longer finds the meeting)';
        }
      }
      readyFull.cells[mode] = `${ms(samrad.readyMs)} (stopping took ${stopS.toFixed(1)} s; meetings kept: ${kept}${samrad.store ? '; the store process kept running' : ''})`;
      readyFull.met[mode] = samrad.readyMs < 2000 && kept === 'yes';
    } finally {
      await stopSamrad(ctx, samrad);
    }
  });
  if (ctx.echo) {
    const echoRss = rssMb(ctx.echo.child.pid);
    if (echoRss !== undefined) rss.cells.echo = `${int(echoRss)} MB (${opts.figures.has(1) || opts.figures.has(2) ? 'after figures 1–2' : 'idle'})`;
    ready.cells.echo = `${ms(ctx.echo.readyMs)} (through tsx)`;
  }
  for (const mode of MODES) {
    const all = ctx.readyMs[mode];
    if (all.length) {
      ready.cells[mode] = `${ms(percentile(all, 50))} (${all.length} starts, ${ms(Math.min(...all))}–${ms(Math.max(...all))})`;
      ready.met[mode] = percentile(all, 50) < 2000;
    }
    else if (ctx.storeMissing && mode === 'separate') ready.cells[mode] = ctx.storeMissing;
  }
  return [rss, took, ready, readyFull];
}

// ---------------------------------------------------------------------------------------------
// Figure 7: invitations through a slow connector

/** How long the connector of figure 7 takes to answer each call. */
const SLOW_MS = 300;

/**
 * Invitations to 40 Teams invitees (none has written to Samråd before, so each needs a 1:1 chat
 * opened and a card posted) through a connector that answers every call after 300 ms, Teams'
 * limits enforced: the seconds from `plan.send` to the last invitation card at the connector.
 */
async function figure7(ctx: Context): Promise<Row[]> {
  const { opts } = ctx;
  const row = rowFor(
    `7. invitations to ${opts.invitees} Teams invitees through a connector answering each call in ${SLOW_MS} ms, Teams' limits enforced: seconds from \`plan.send\` to the last invitation card at the connector`,
    '< 5 s, 0 429s',
  );
  await perMode(ctx, [row], async (mode) => {
    const samrad = await startSamrad(ctx, mode, 'fig7');
    try {
      const organizer = caseworker(`cw-slow-${mode}`);
      progress(`figure 7, Samråd ${mode}: planning a meeting with ${opts.invitees} Teams invitees, then sending through a connector answering in ${SLOW_MS} ms`);
      const sent = await sendAndDeliver(ctx, samrad, organizer, people(`slow-${mode}`, opts.invitees), () => ctx.connector.configure('enforce', true, SLOW_MS), 120_000);
      const stats = await ctx.connector.stats();
      const used = sent.invitees.length;
      const seconds = (sent.lastCardAt - sent.sendAt) / 1000;
      row.cells[mode] = sent.complete
        ? `${seconds.toFixed(1)} s for ${used} cards; ${stats.throttled} 429s${rules(stats.byRule)}${sent.toldAt ? `; caseworker told after ${((sent.toldAt - sent.sendAt) / 1000).toFixed(1)} s` : ''}`
        : `only ${sent.delivered} of ${used} cards arrived`;
      row.met[mode] = sent.complete && used === opts.invitees && seconds < 5 && stats.throttled === 0;
      progress(`figure 7, Samråd ${mode}: ${sent.delivered}/${used} invitation cards, last after ${seconds.toFixed(2)} s; ${stats.throttled} 429s`);
    } finally {
      await ctx.connector.configure('off', false);
      await stopSamrad(ctx, samrad);
    }
  });
  return [row];
}

// ---------------------------------------------------------------------------------------------
// Figure 8: feedback at the end of a meeting

/**
 * A meeting with 40 Teams invitees is opened in meeting mode, its outcome agreed and ended; every
 * invitee gets the feedback card, and all of them answer it within one second (Teams' limits
 * enforced): how many were refused, and the p99 latency of the answers.
 */
async function figure8(ctx: Context): Promise<Row[]> {
  const { opts } = ctx;
  const refused = rowFor(`8a. ${opts.burst} feedback answers within 1 s at the end of one meeting (${opts.burst} participants in Teams): refused`, '0');
  const p99 = rowFor('8b. same: p99 latency', '—');
  await perMode(ctx, [refused, p99], async (mode) => {
    const samrad = await startSamrad(ctx, mode, 'fig8');
    try {
      const organizer = caseworker(`cw-feedback-${mode}`);
      progress(`figure 8, Samråd ${mode}: a meeting with ${opts.burst} Teams invitees, sent, opened in meeting mode and ended`);
      const sent = await sendAndDeliver(ctx, samrad, organizer, people(`feedback-${mode}`, opts.burst), () => ctx.connector.configure('enforce', true), opts.quick ? 90_000 : 180_000);
      const press = (card: unknown, verb: string, where: Record<string, string> = {}, inputs: Record<string, unknown> = {}) =>
        samrad.bot.press(organizer, verb, action(card, verb, where).data, inputs);
      let card = await press(await press(sent.statusCard, 'status.show'), 'session.start');
      card = await press(card, 'session.begin');
      // The meeting is days ahead: Samråd asks whether to start it today all the same.
      if (findAction(card, 'session.begin', { confirm: 'yes' })) card = await press(card, 'session.begin', { confirm: 'yes' });
      // The outcome (responsible worker, follow-up date) is asked in the summary phase; agreed here as "not decided", on the card drawn.
      card = await samrad.bot.press(organizer, 'session.outcome', drawnFrom(card), { responsible: 'undecided', followUpUndecided: 'true' });
      const since = (await ctx.connector.stats()).lastSeq ?? 0;
      card = await press(card, 'session.end');
      const forms = new Map<string, { data: Record<string, unknown>; activityId: string }>();
      const formIn = (c: Captured) => {
        if (c.method !== 'POST') return undefined;
        const give = c.actions?.find((a) => a.verb === 'feedback.give' && a.data.meetingId === sent.meetingId);
        return give ? { data: give.data, activityId: c.activityId } : undefined;
      };
      const arrived = await ctx.connector.collect(
        (all) => {
          for (const c of all) {
            const form = formIn(c);
            if (form && !forms.has(c.conversationId)) forms.set(c.conversationId, form);
          }
          return sent.invitees.every((p) => forms.has(personalConversation(p.aadObjectId)));
        },
        { since, timeoutMs: opts.quick ? 90_000 : 180_000 },
      );
      const answering = sent.invitees.filter((p) => forms.has(personalConversation(p.aadObjectId)));
      if (!arrived.complete) ctx.seen.push(`Figure 8 (${mode}): only ${answering.length} of ${sent.invitees.length} feedback cards arrived.`);
      progress(`figure 8, Samråd ${mode}: ${answering.length} feedback cards arrived; ${answering.length} answers within 1 s`);
      const reasons = new Map<string, number>();
      const r = await openLoop(answering.length, 1000, async (i) => {
        const person = answering[i];
        const form = forms.get(personalConversation(person.aadObjectId))!;
        const scores = { relation: String(1 + (i % 10)), goals: '8', approach: '7', overall: '9', comment: '' };
        const result = await samrad.bot.post(samrad.bot.invoke(person, 'feedback.give', form.data, scores, form.activityId));
        const answered = invokeCard(result);
        if (!answered) {
          reasons.set(`HTTP ${result.status}`, (reasons.get(`HTTP ${result.status}`) ?? 0) + 1);
          return false;
        }
        if (ctx.judge.thanked(answered, person)) return true;
        const notice = noticeOf(answered);
        const reason = notice ? ctx.judge.explain(notice) : 'a card without the thanks and without a notice';
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
        return false;
      });
      if (reasons.size) ctx.seen.push(`Figure 8 (${mode}): feedback not confirmed, by what the card said: ${describe(reasons)}.`);
      const wrong = r.wrong + r.errors + (sent.invitees.length - answering.length);
      refused.cells[mode] = `${wrong}${answering.length < opts.burst ? ` (${answering.length} cards arrived)` : ''}`;
      refused.met[mode] = wrong === 0 && answering.length === opts.burst;
      p99.cells[mode] = ms(percentile(r.latencies, 99));
      progress(`figure 8, Samråd ${mode}: ${wrong} of ${sent.invitees.length} not confirmed; p50 ${ms(percentile(r.latencies, 50))}, p99 ${ms(percentile(r.latencies, 99))}`);
    } finally {
      await ctx.connector.configure('off', false);
      await stopSamrad(ctx, samrad);
    }
  });
  return [refused, p99];
}

// ---------------------------------------------------------------------------------------------
// Figure 9: one scheduler pass over many meetings' scheduled nudges

/** Nudge jobs due now in figure 9. */
const DUE_NOW = 10;

/**
 * The jobs container of 1,000 meetings' scheduled nudges, then of 100,000 (10,000 with --quick),
 * each time with 10 nudges due now, in a store process: a pass of a job runner (Samråd's, built
 * as the figures' Samråd is) over it, counting its store requests at its store port and timing it
 * from the poll until the due jobs have run (their work a no-op); five passes, the median time.
 * The goal: the same cost.
 */
async function figure9(ctx: Context): Promise<Row[]> {
  const { opts } = ctx;
  const sizes = [1_000, opts.quick ? 10_000 : 100_000];
  const rows = [
    rowFor(`9a. one scheduler pass over ${int(sizes[0])} stored meetings' scheduled nudges, ${DUE_NOW} due now (a poll; the due jobs claimed and run): store requests, time`, '—'),
    rowFor(`9b. the same over ${int(sizes[1])} stored meetings, ${DUE_NOW} due now`, 'the same store requests as 9a'),
  ];
  await perMode(ctx, rows, async (mode) => {
    if (mode === 'embedded') {
      for (const row of rows) row.cells.embedded = '— (the separate store only)';
      return;
    }
    const store = await startStore(ctx, 'fig9');
    try {
      const cosmos = samradModule(ctx, join('bot', 'store', 'cosmos-store'));
      const { JobRunner, jobKind } = samradModule(ctx, join('bot', 'jobs', 'runner'));
      const containers = await cosmos.openContainers(cosmos.cosmosClient({ endpoint: store.endpoint, key: store.key, database: 'samrad' }), 'samrad');
      const quiet = { info: () => {}, warn: () => {}, error: () => {} };
      /** One pass of a fresh runner: from its first poll until what it claimed has run. */
      const pass = async (name: string) => {
        const counts: Record<string, number> = {};
        const observe = (_container: string, operation: string) => void (counts[operation] = (counts[operation] ?? 0) + 1);
        const runner = new JobRunner(new cosmos.CosmosDocumentStore(containers.jobs, 'jobs', observe), `bench-fig9-${name}`, () => DateTime.utc(), quiet, { pollMs: 3_600_000 });
        let ran = 0;
        const started = performance.now();
        runner.start([jobKind({ kind: 'nudge', maxAttempts: 8 }, async () => void (ran += 1))]);
        await runner.idle();
        const took = performance.now() - started;
        await runner.stop();
        return { counts, total: Object.values(counts).reduce((sum, n) => sum + n, 0), took, ran };
      };
      let numbered = 0;
      const requests: number[] = [];
      for (const [i, size] of sizes.entries()) {
        const more = size - (i === 0 ? 0 : sizes[i - 1]);
        progress(`figure 9: storing the scheduled nudges of ${int(more)} more meetings (${int(size)} in all)`);
        const seeded = await seedScheduledJobs(containers.jobs, { meetings: more, dueNow: 0, from: numbered });
        numbered += more;
        // A first pass with nothing due, unmeasured: the runner's code and the connection warm.
        await pass(`warm-${i}`);
        // Five passes, each over 10 more nudges due now: the requests of each, the median time.
        const passes = [];
        for (let k = 0; k < 5; k++) {
          await seedScheduledJobs(containers.jobs, { meetings: 0, dueNow: DUE_NOW, from: numbered });
          numbered += DUE_NOW;
          passes.push(await pass(`${i}-${k}`));
        }
        const { counts, total } = passes[0];
        const times = passes.map((p) => p.took);
        const ran = passes.map((p) => p.ran);
        requests.push(...passes.map((p) => p.total));
        const breakdown = Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([op, n]) => `${n} ${op}`).join(', ');
        const same = passes.every((p) => p.total === total) ? '' : ` (the passes: ${passes.map((p) => p.total).join(', ')})`;
        rows[i].cells.separate = `${total} store requests${same} (${breakdown}), ${ms(percentile(times, 50))} (median of 5 passes, ${ms(Math.min(...times))}–${ms(Math.max(...times))}); the ${int(seeded.documents)} documents of ${int(more)} meetings stored in ${(seeded.ms / 1000).toFixed(0)} s`;
        progress(`figure 9, ${int(size)} meetings: ${passes.map((p) => p.total).join(', ')} store requests (${breakdown}) in ${times.map(ms).join(', ')}, ${ran.join(', ')} jobs run; seeding took ${(seeded.ms / 1000).toFixed(1)} s`);
        if (ran.some((n) => n !== DUE_NOW)) ctx.seen.push(`Figure 9 (${int(size)} meetings): the passes ran ${ran.join(', ')} of the ${DUE_NOW} due jobs each.`);
      }
      rows[1].met.separate = requests.every((n) => n === requests[0]);
    } finally {
      await store.child.stop();
    }
  });
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Figure 10: three instances sending due nudges, Teams' limits enforced

/** Nudge cards due in figure 10. */
const NUDGES = 1_000;

/** How many live instances a Samråd process last counted, from its log (it logs each change of the count). */
function countedInstances(run: SamradRun): number {
  let count = 1;
  for (const line of readFileSync(run.logFile, 'utf8').split('\n')) {
    if (!line.includes('"instances.live"')) continue;
    try {
      count = Number(JSON.parse(line).count);
    } catch {
      /* a line still being written */
    }
  }
  return count;
}

/**
 * Three Samråd processes on one store process, counting each other; then 1,000 nudges fall due in
 * the same minute (stored as Samråd stores them: scripts/bench/nudges.ts) and the three send them
 * to the connector enforcing Teams' limits: the 429s it answered, and the time to the last card.
 */
async function figure10(ctx: Context): Promise<Row[]> {
  const row = rowFor(`10. ${int(NUDGES)} due nudges sent by three Samråd processes on one store, Teams' limits enforced: 429s received`, '0');
  await perMode(ctx, [row], async (mode) => {
    if (mode === 'embedded') {
      row.cells.embedded = '— (three instances share a store process)';
      return;
    }
    const store = await startStore(ctx, 'fig10');
    const runs: SamradRun[] = [];
    try {
      for (let i = 0; i < 3; i++) runs.push(await startSamrad(ctx, mode, 'fig10', { dataDir: join(ctx.work, `fig10-${i}-data`), store }));
      const started = Date.now();
      while (!runs.every((run) => countedInstances(run) === runs.length)) {
        if (Date.now() - started > 30_000) throw new Error(`the instances counted ${runs.map(countedInstances).join(', ')}, not ${runs.length} each`);
        await new Promise((res) => setTimeout(res, 200));
      }
      await ctx.connector.configure('enforce', true);
      progress(`figure 10: storing meetings with ${int(NUDGES)} nudges due, for three Samråd processes on one store`);
      const due = await seedDueNudges({ endpoint: store.endpoint, key: store.key }, { sends: NUDGES, serviceUrl: ctx.connector.url, meetingsPerTenant: NUDGES, coordinatorsPerTenant: 0, due: 'together' });
      const dueAt = Date.now();
      const expected = new Set(due.sends.map((send) => `${send.meetingId}|${send.key}|${personalChat(send.userId)}`));
      const arrived = new Map<string, number>();
      const sendOf = (c: Captured) => {
        const done = c.actions?.find((a) => a.verb === 'nudge.done');
        return done ? `${done.data.meetingId}|${done.data.key}|${c.conversationId}` : undefined;
      };
      const result = await ctx.connector.collect(
        (all) => {
          for (const c of all) {
            const send = c.method === 'POST' ? sendOf(c) : undefined;
            if (send && expected.has(send) && !arrived.has(send)) arrived.set(send, c.at);
          }
          return arrived.size >= expected.size;
        },
        { timeoutMs: 240_000 },
      );
      const stats = await ctx.connector.stats();
      const peak = Math.max(0, ...Object.values(stats.peakPerSecondByTenant ?? {}));
      const seconds = (Math.max(...arrived.values()) - dueAt) / 1000;
      const copies = result.all.filter((c) => c.method === 'POST' && sendOf(c)).length;
      row.cells.separate = `${stats.throttled}${rules(stats.byRule)}; ${int(arrived.size)} of ${int(NUDGES)} cards in ${seconds.toFixed(1)} s (${due.jobs} jobs; ${copies - arrived.size} sent twice); busiest second ${peak} requests`;
      row.met.separate = stats.throttled === 0 && arrived.size === expected.size;
      const done = runs.map((run) => readFileSync(run.logFile, 'utf8').split('\n').filter((l) => l.includes('"job.done"') && l.includes('"kind":"nudge"')).length);
      progress(`figure 10: ${arrived.size}/${NUDGES} nudge cards in ${seconds.toFixed(1)} s; ${stats.throttled} 429s; busiest second ${peak}; nudge jobs per instance ${done.join(', ')}`);
      ctx.seen.push(`Figure 10: nudge jobs done by each of the three instances: ${done.join(', ')}.`);
    } finally {
      await ctx.connector.configure('off', false);
      for (const run of runs) await stopSamrad(ctx, run, true);
      await store.child.stop();
    }
  });
  return [row];
}

/** The meeting and revision a card was drawn at, from the first of its actions that carries both. */
function drawnFrom(card: unknown): { meetingId: unknown; rev: unknown } {
  let found: { meetingId: unknown; rev: unknown } | undefined;
  const visit = (node: unknown): void => {
    if (found || typeof node !== 'object' || node === null) return;
    const data = (node as { type?: string; data?: Record<string, unknown> }).data;
    if ((node as { type?: string }).type === 'Action.Execute' && data?.meetingId && data.rev !== undefined) found = { meetingId: data.meetingId, rev: data.rev };
    Object.values(node).forEach(visit);
  };
  visit(card);
  if (!found) throw new Error(`no action with a revision on the card: ${cardText(card).slice(0, 200)}`);
  return found;
}

/** The action, if the card has it (see `action`, which throws). */
function findAction(card: unknown, verb: string, where: Record<string, string> = {}): boolean {
  try {
    action(card, verb, where);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Figure 11: store requests per verb

/** Store requests so far by what they were made for (`turn`, `job:<kind>`, `poll`, `other`), as local mode counts them at its store port. */
async function scopedCounts(run: SamradRun): Promise<Record<string, Record<string, number>>> {
  const res = await fetch(`${run.bot.baseUrl}/metrics/store/scopes`);
  if (!res.ok) throw new Error(`/metrics/store/scopes answered ${res.status}`);
  return (await res.json()) as Record<string, Record<string, number>>;
}

/** What one verb cost: the requests of its turn (up to the reply) and of the jobs that ran after it, by kind. */
interface VerbCost {
  turn: Record<string, number>;
  jobs: Record<string, Record<string, number>>;
}

function costBetween(before: Record<string, Record<string, number>>, after: Record<string, Record<string, number>>): VerbCost {
  const diff = (scope: string) => {
    const out: Record<string, number> = {};
    for (const [key, n] of Object.entries(after[scope] ?? {})) {
      const d = n - (before[scope]?.[key] ?? 0);
      if (d > 0) out[key] = d;
    }
    return out;
  };
  const jobs: Record<string, Record<string, number>> = {};
  for (const scope of Object.keys(after)) if (scope.startsWith('job:') && Object.keys(diff(scope)).length) jobs[scope.slice(4)] = diff(scope);
  return { turn: diff('turn'), jobs };
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((s, n) => s + n, 0);

/** "12 before the reply (5 read, 4 create, 3 replace); 31 in all, with status-card 8, track 11". */
function describeCost(cost: VerbCost, turnLabel = 'before the reply'): string {
  const byOperation = (counts: Record<string, number>) => {
    const ops: Record<string, number> = {};
    for (const [key, n] of Object.entries(counts)) {
      const op = key.split('.')[1];
      ops[op] = (ops[op] ?? 0) + n;
    }
    return Object.entries(ops).sort((a, b) => b[1] - a[1]).map(([op, n]) => `${n} ${op}`).join(', ');
  };
  const jobs = Object.entries(cost.jobs).sort((a, b) => total(b[1]) - total(a[1]));
  const all = total(cost.turn) + jobs.reduce((s, [, c]) => s + total(c), 0);
  const turn = total(cost.turn) ? `${total(cost.turn)} ${turnLabel} (${byOperation(cost.turn)}); ` : '';
  return `${turn}${all} in all${jobs.length ? `, with the work after it: ${jobs.map(([kind, c]) => `${kind} ${total(c)}`).join(', ')}` : ''}`;
}

/**
 * Waits until no job has made a store request for `quietMs` (polls and heartbeats do not count),
 * and returns the counts then: the work a verb left behind is done.
 */
async function settledCounts(run: SamradRun, quietMs = 3_000, maxMs = 60_000): Promise<Record<string, Record<string, number>>> {
  const started = Date.now();
  const jobTotal = (c: Record<string, Record<string, number>>) => Object.entries(c).filter(([s]) => s.startsWith('job:')).reduce((sum, [, v]) => sum + total(v), 0);
  let last = await scopedCounts(run);
  let since = Date.now();
  while (Date.now() - since < quietMs && Date.now() - started < maxMs) {
    await new Promise((res) => setTimeout(res, 250));
    const now = await scopedCounts(run);
    if (jobTotal(now) !== jobTotal(last)) since = Date.now();
    last = now;
  }
  return last;
}

/**
 * The store requests of one verb, counted where Samråd counts them (its store port), by what they
 * were made for: its turn up to the reply, and the jobs it left (found and run after the reply),
 * until no job makes a request for 3 s. Each verb runs alone on a meeting planned and sent before
 * (two invitees in Teams), in meeting mode for Next, ended for the feedback; the nudge is one due
 * nudge stored as Samråd stores it (`nudges.ts`), sent by the job that finds it.
 */
async function figure11(ctx: Context): Promise<Row[]> {
  const rows = {
    answer: rowFor('11a. store requests per verb: an invitee\'s answer (`invite.answer`), counted at Samråd\'s store port: before the reply; in all, once the work after it (status card, tracking) is done', '—'),
    next: rowFor('11b. same: Next in meeting mode (`session.next`)', '—'),
    feedback: rowFor('11c. same: one person\'s feedback (`feedback.give`), the meeting ended', '—'),
    nudge: rowFor('11d. same: one due nudge (a meeting\'s nudges, four cards), from its claim to its cards in Teams and its finish (the poll that finds it not counted): per nudge job', '—'),
  };
  await perMode(ctx, Object.values(rows), async (mode) => {
    const samrad = await startSamrad(ctx, mode, 'fig11');
    try {
      await ctx.connector.configure('off', true);
      const organizer = caseworker(`cw-verbs-${mode}`);
      const sent = await sendAndDeliver(ctx, samrad, organizer, people(`verbs-${mode}`, 2, ['en-US']), async () => {}, 60_000);
      if (!sent.complete) throw new Error(`only ${sent.delivered} of ${sent.invitees.length} invitations arrived`);
      const measure = async (label: string, act: () => Promise<void>) => {
        const before = await settledCounts(samrad);
        await act();
        const cost = costBetween(before, await settledCounts(samrad));
        progress(`figure 11, Samråd ${mode}: ${label}: ${describeCost(cost)}; ${JSON.stringify(cost)}`);
        return cost;
      };
      // An answer (the invitee's first: their record learns their time zone from Teams then; a second answer writes it no more).
      const [invitee, other] = sent.invitees;
      await answer(samrad.bot, ctx.judge, other, organizer.name, sent.invitations.get(other.aadObjectId)!, 'accepted');
      await answer(samrad.bot, ctx.judge, invitee, organizer.name, sent.invitations.get(invitee.aadObjectId)!, 'maybe');
      let outcome: AnswerOutcome | undefined;
      const answered = await measure('invite.answer', async () => {
        outcome = await answer(samrad.bot, ctx.judge, invitee, organizer.name, sent.invitations.get(invitee.aadObjectId)!, 'accepted');
      });
      if (!outcome?.confirmed) throw new Error(`the answer was not confirmed: ${outcome?.reason}`);
      rows.answer.cells[mode] = describeCost(answered);

      // Next, in a meeting started in meeting mode.
      const press = (card: unknown, verb: string, where: Record<string, string> = {}, inputs: Record<string, unknown> = {}) =>
        samrad.bot.press(organizer, verb, action(card, verb, where).data, inputs);
      let card = await press(await press(sent.statusCard, 'status.show'), 'session.start');
      card = await press(card, 'session.begin');
      if (findAction(card, 'session.begin', { confirm: 'yes' })) card = await press(card, 'session.begin', { confirm: 'yes' });
      const nexted = await measure('session.next', async () => {
        card = await press(card, 'session.next');
      });
      rows.next.cells[mode] = describeCost(nexted);

      // Feedback, the meeting ended.
      card = await samrad.bot.press(organizer, 'session.outcome', drawnFrom(card), { responsible: 'undecided', followUpUndecided: 'true' });
      const since = (await ctx.connector.stats()).lastSeq ?? 0;
      await press(card, 'session.end');
      const form = await ctx.connector.waitFor(
        (c) => c.method === 'POST' && !!c.actions?.some((a) => a.verb === 'feedback.give' && a.data.meetingId === sent.meetingId),
        { conversation: personalConversation(invitee.aadObjectId), since, timeoutMs: 60_000 },
      );
      const give = form.actions!.find((a) => a.verb === 'feedback.give')!;
      const fed = await measure('feedback.give', async () => {
        const result = await samrad.bot.post(samrad.bot.invoke(invitee, 'feedback.give', give.data, { relation: '8', goals: '8', approach: '7', overall: '9', comment: '' }, form.activityId));
        const answeredCard = invokeCard(result);
        if (!answeredCard || !ctx.judge.thanked(answeredCard, invitee)) throw new Error(`the feedback was not confirmed (HTTP ${result.status})`);
      });
      rows.feedback.cells[mode] = describeCost(fed);

      // One due nudge (the store process is reachable only in the separate-store column).
      if (!samrad.store) {
        rows.nudge.cells[mode] = '— (stored through the separate store only; the count does not depend on where the store runs)';
        return;
      }
      // The smallest meeting the seeding makes has four sends, in a few nudge jobs: the cost is given per job.
      let jobs = 0;
      const nudged = await measure('nudges', async () => {
        const due = await seedDueNudges({ endpoint: samrad.store!.endpoint, key: samrad.store!.key }, { sends: 4, serviceUrl: ctx.connector.url, meetingsPerTenant: 1, coordinatorsPerTenant: 0, due: 'together' });
        jobs = due.jobs;
        const expected = new Set(due.sends.map((send) => `${send.key}|${personalChat(send.userId)}`));
        await ctx.connector.collect(
          (all) => {
            for (const c of all) {
              const done = c.method === 'POST' ? c.actions?.find((a) => a.verb === 'nudge.done' && a.data.meetingId === due.sends[0].meetingId) : undefined;
              if (done) expected.delete(`${done.data.key}|${c.conversationId}`);
            }
            return expected.size === 0;
          },
          { timeoutMs: 60_000 },
        );
      });
      const nudgeJobs = nudged.jobs.nudge ?? {};
      const others = Object.entries(nudged.jobs).filter(([kind]) => kind !== 'nudge');
      rows.nudge.cells[mode] = `${(total(nudgeJobs) / jobs).toFixed(1)} per nudge job (${jobs} jobs, 4 cards: ${total(nudgeJobs)} requests${others.length ? `; after them ${others.map(([kind, c]) => `${kind} ${total(c)}`).join(', ')}` : ''})`;
    } finally {
      await ctx.connector.configure('off', false);
      await stopSamrad(ctx, samrad);
    }
  });
  return Object.values(rows);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  stopChildrenOnExit();
  const startedAt = Date.now();
  const work = await mkdtemp(join(os.tmpdir(), 'samrad-bench-'));
  progress(`work folder ${work}`);
  progress(`building Samråd in ${opts.root}`);
  const samradCmd = buildSamrad(opts.root);
  const base = { opts, samrad: samradCmd };
  let judge: Judge = judgeByColour;
  try {
    const i18n = samradModule(base, join('bot', 'i18n'));
    if (typeof i18n.t !== 'function') throw new Error('bot/i18n exports no t()');
    judge = judgeByCatalog(i18n.t, i18n.CATALOGS);
  } catch (err) {
    progress(`Samråd's catalogs could not be loaded (${(err as Error).message.slice(0, 120)}); cards are judged by their notice colours`);
  }

  const { line } = await startNode({
    name: 'connector',
    script: join(__dirname, 'connector.ts'),
    nodeArgs: ['--import', 'tsx'],
    env: cleanEnv({}),
    cwd: join(__dirname, '..', '..'),
    logFile: join(work, 'connector.log'),
    untilLine: (json) => json?.event === 'connector.listening',
  });
  const echoPort = await freePort();
  const loadBefore = os.loadavg()[0];
  const { child: echoChild } = await startNode({
    name: 'echo bot',
    script: join(__dirname, 'echo-bot.ts'),
    nodeArgs: ['--import', 'tsx'],
    env: cleanEnv({ PORT: String(echoPort) }),
    cwd: join(__dirname, '..', '..'),
    logFile: join(work, 'echo-bot.log'),
  });
  const echoReadyMs = (await waitForHttp(`http://127.0.0.1:${echoPort}/healthz`, echoChild)) - echoChild.spawnedAt;
  const echo = new BotEndpoint(`http://127.0.0.1:${echoPort}`, line.url, '28:echo-bot');

  const storeScript = join(opts.root, 'scripts', 'store.ts');
  const ctx: Context = {
    opts,
    work,
    samrad: samradCmd,
    connector: new ConnectorControl(line.url),
    judge,
    storeMissing: existsSync(storeScript) ? undefined : 'n/a (store process missing)',
    readyMs: { embedded: [], separate: [] },
    seen: [],
    runs: 0,
    echo: { child: echoChild, readyMs: echoReadyMs },
  };
  if (ctx.storeMissing) progress(`${storeScript} does not exist: the separate-store column will read "n/a"`);

  const rows: Row[] = [];
  const want = (f: number) => opts.figures.has(f);
  if (want(1)) rows.push(...(await figure1(ctx, echo)));
  if (want(2)) rows.push(...(await figure2(ctx, echo)));
  if (want(3) || want(4)) rows.push(...(await figures3and4(ctx)));
  if (want(5)) rows.push(...(await figure5(ctx)));
  if (want(6)) rows.push(...(await figure6(ctx)));
  if (want(7)) rows.push(...(await figure7(ctx)));
  if (want(8)) rows.push(...(await figure8(ctx)));
  if (want(9)) rows.push(...(await figure9(ctx)));
  if (want(10)) rows.push(...(await figure10(ctx)));
  if (want(11)) rows.push(...(await figure11(ctx)));

  const loadAfter = os.loadavg()[0];
  await stopAll();
  const took = (Date.now() - startedAt) / 1000;
  const cpus = os.cpus();
  const out = [
    `## Samråd bench, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Machine: ${cpus.length} cores (os.cpus().length; ${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GB RAM, Node ${process.version}, ${os.platform()} ${os.release()}.`,
    `Samråd ${samradCmd.how}; checkout ${opts.root}. Run took ${Math.floor(took / 60)} min ${Math.round(took % 60)} s${opts.quick ? ' (--quick)' : ''}.`,
    `Load average (1 min) ${loadBefore.toFixed(1)} at the start, ${loadAfter.toFixed(1)} at the end${loadBefore > cpus.length / 2 ? ': **other work was running on this machine, and every figure is skewed by it**' : ''}.`,
    '',
    table(rows),
    '',
    'How to read it:',
    `- Every server runs in its own process (echo bot, Samråd, the store in the "separate store" column, the connector); the load comes from the bench's process. On ${cpus.length} cores they compete for CPU: figure 1 is a comparison on the same machine, not an absolute capacity.`,
    '- Figure 1 is a closed loop (each connection sends its next request when the last is answered), after a warm-up, with 200 distinct users; × is Samråd\'s rate over the echo bot\'s. Both answer "hello" with one activity posted to the connector before the HTTP answer.',
    `- Figures 2 and 3 are open loops: requests leave at their scheduled times whether or not earlier ones were answered, and latency counts from the scheduled time, so a stalled server shows as latency, not as a lower rate. An answer counts as confirmed only when its card shows Samråd's thanks (invitation.thanks) in the invitee's language.`,
    '- Figure 4 holds Samråd to Teams\' documented limits (per conversation 7/1 s, 8/2 s, 60/30 s, 1,800/h; per tenant 50/s), answering 429 with Retry-After; figure 3 runs right after it on the same meeting with the limits still enforced.',
    `- Figure 7 is figure 4 over a slow link: the connector answers every call (opening a 1:1 chat, posting a card) ${SLOW_MS} ms after it arrives, Teams' limits enforced. One invitee after another that is ${SLOW_MS * 2} ms each (${((opts.invitees * SLOW_MS * 2) / 1000).toFixed(0)} s for ${opts.invitees}); Samråd sends to several at once. A card counts when it reaches the connector (its answer leaves ${SLOW_MS} ms later).`,
    '- Figure 8 opens a meeting with 40 Teams invitees in meeting mode, agrees its outcome and ends it; every invitee gets the feedback card, and all answer it within one second (an open loop, Teams\' limits enforced). An answer counts only when the card thanks the person (feedback.thanks) in their language; each feedback is its own document, so the answers do not wait on one another.',
    '- Figure 6 plans each meeting through the cards with minimal inputs (when, the client, one Teams invitee, consent, purpose), sends it, waits for the invitation card at the connector and answers it, with many caseworkers at once. "separate store" RSS is Samråd\'s alone; the store\'s is given beside it.',
    `- Figure 9 writes the jobs container as the nudges of ${int(opts.quick ? 10_000 : 100_000)} meetings leave it (each meeting's next nudge due in working hours of the next 30 working days, each job in a partition of its own with its due entry in the partition of the hour it falls due), with 10 nudges due now, into a store process, and has a fresh job runner (Samråd's, in the bench's process) make one pass: a poll, and the 10 due jobs claimed and run (their work a no-op: the pass is what is measured), polling again when half its slots are free, as it does whenever more is due than it has room for. Five such passes, each over 10 more nudges due now, after one with nothing due; the time is their median. The store requests are counted as Samråd counts them (its store port's observer); 9a is the same after seeding 1,000 meetings.`,
    '- Figure 10 starts three Samråd processes on one store process and waits until each counts three; then it stores 100 meetings held weeks ago whose minutes were never sent and whose action items are overdue, with their 1,000 nudge cards (to caseworkers, secretaries and owners in Teams, one organisation) falling due in the same minute, as a morning\'s nudges do; the three send them to the connector holding them to Teams\' limits. The seconds count from the moment the nudges were stored; at Teams\' 40 a second 1,000 cards take 25 s.',
    '- A goal marked **no** is a miss; the bench never fails on one.',
  ];
  if (ctx.seen.length) {
    out.push('', 'Seen while measuring:');
    for (const s of ctx.seen) out.push(`- ${s}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  if (opts.keep) progress(`logs and data kept in ${work}`);
  else await rm(work, { recursive: true, force: true });
  progress(`done in ${took.toFixed(0)} s`);
}

void main().catch(async (err: Error) => {
  if (isStopping()) return;
  process.stderr.write(`[bench] ${err.stack ?? err.message}\n`);
  await stopAll(1500);
  process.exit(1);
});

