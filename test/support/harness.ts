import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { startSamrad, type Samrad, type StartOptions } from '../../bot/app';
import { parseConfig } from '../../bot/config';
import { jsonLogger, silentLogger, type Logger } from '../../bot/log';
import type { Delivery, Meeting, Participant, Reply } from '../../bot/domain/meeting';
import type { MeetingView } from '../../bot/domain/meeting-docs';
import type { UserRecord } from '../../bot/domain/user';
import { deliveryOf, replyOf } from '../../bot/domain/invitation';
import { readPlan, readView } from '../../bot/services/meetings';
import { assertFilled, attachedCard } from './cards';
import { openJobList } from './jobs';
import { CaptureConnector } from './connector';
import { post } from './http';
import { IngestionStandIn } from './ingestion';

/** A person in Teams talking to the bot in their 1:1 chat. */
export interface Person {
  aadObjectId: string;
  name: string;
  locale: string;
  timeZone?: string;
  /** The person's organisation, when not the Harness's own (`tenantId`): e.g. the Agents Playground's mock tenant. */
  tenantId?: string;
}

/** The HTTP answer to one posted activity. */
export interface Answer {
  status: number;
  body: any;
}

/** Samråd on its real HTTP endpoint and embedded Cosmos DB, with a capture server as the connector. */
export class Harness {
  readonly connector = new CaptureConnector();
  app!: Samrad;
  serviceUrl = '';
  private dataDir = '';
  readonly tenantId = 'tenant-e2e';

  /** Talks to a Samråd at this address (another process) instead of starting one. */
  target?: string;

  /** How long a request may take before it is given up (a process killed under it); no limit when unset. */
  requestTimeoutMs?: number;

  /** Where Samråd's telemetry goes, when `exportTelemetry` asked for it: `stop` searches its payloads for personal data too. */
  ingestion?: IngestionStandIn;

  /**
   * Makes the Samråd started next export its telemetry (APPLICATIONINSIGHTS_CONNECTION_STRING) to a
   * local ingestion stand-in, started here and stopped by `stop`. Call before `start`.
   */
  async exportTelemetry(): Promise<IngestionStandIn> {
    this.ingestion ??= new IngestionStandIn();
    await this.ingestion.start();
    return this.ingestion;
  }

  /** Only the capture connector, for a Samråd running elsewhere (`target`). */
  async startConnector(): Promise<void> {
    this.serviceUrl = await this.connector.start();
  }

  async start(env: Record<string, string> = {}, log?: Logger, options: StartOptions = {}): Promise<void> {
    this.serviceUrl = await this.connector.start();
    this.dataDir = await mkdtemp(join(tmpdir(), 'samrad-e2e-'));
    this.env = env;
    this.log = log;
    this.options = options;
    await this.startApp();
  }

  /** Stops Samråd and starts it again on the same data folder, as after a redeploy (with another logger or start options, if given). */
  async restart(log?: Logger, options?: StartOptions): Promise<void> {
    await this.app.close();
    if (log) this.log = log;
    if (options) this.options = options;
    await this.startApp();
  }

  private env: Record<string, string> = {};
  private log?: Logger;
  private options: StartOptions = {};

  /**
   * Whether `settled` may move Samråd's clock on to a job spaced a moment ahead (a status card is
   * redrawn at most every 2 s after the last), instead of sitting the spacing out in real time. Only
   * where the test gives Samråd no clock of its own; off, Samråd keeps the real clock (a browser beside it).
   */
  skipSpacing = true;
  /** How far `settled` has moved Samråd's clock ahead of the real one. */
  private aheadMs = 0;

  /** Samråd's clock: the test's own, or the real one as far ahead as `settled` moved it. */
  now(): DateTime {
    return this.options.now?.() ?? DateTime.utc().plus({ milliseconds: this.aheadMs });
  }

  /**
   * Every line Samråd logged through this Harness, across its restarts, as `jsonLogger` writes it
   * (the logger a test gives still gets every line too): `stop` looks for personal data in them.
   */
  readonly logLines: string[] = [];

  private async startApp(): Promise<void> {
    const telemetry = this.ingestion ? { APPLICATIONINSIGHTS_CONNECTION_STRING: this.ingestion.connectionString } : {};
    const config = parseConfig({ SAMRAD_LOCAL: 'true', PORT: '0', SAMRAD_DATA_DIR: this.dataDir, ...telemetry, ...this.env }, () => 'x'.repeat(40));
    const given = this.log ?? (process.env.SAMRAD_TEST_LOG ? jsonLogger() : silentLogger);
    const captured = jsonLogger((line) => this.logLines.push(line));
    const both = (level: keyof Logger): Logger[keyof Logger] => (event, fields) => {
      captured[level](event, fields);
      given[level](event, fields);
    };
    const clocked: StartOptions = { ...this.options, now: () => this.now() };
    const options: StartOptions = this.ingestion ? { ...clocked, telemetry: { ca: this.ingestion.ca, offlineStorage: false, ...this.options.telemetry } } : clocked;
    this.app = await startSamrad(config, { info: both('info'), warn: both('warn'), error: both('error') }, options);
  }

  /**
   * Stops Samråd and checks what it left behind: no personal data where it does not belong (see
   * `assertNoPersonalData`), and every text and card posted with its placeholders filled.
   */
  async stop(): Promise<void> {
    // What the store holds is read while Samråd still runs on it.
    const stored = this.app ? await storedForScan(this.app.deps).catch((err: Error) => new Error(`the store could not be read for the personal-data check: ${err.message}`)) : undefined;
    // Closing sends the telemetry still recorded: the stand-in has everything Samråd exported before it is searched.
    await this.app?.close();
    await this.connector.stop();
    await this.ingestion?.stop();
    if (this.dataDir) await rm(this.dataDir, { recursive: true, force: true });
    if (stored instanceof Error) throw stored;
    if (stored) assertNoPersonalData(stored, this.logLines, this.connector.posted(), this.ingestion?.payloads);
    // Every text and card Samråd posted into a chat had its placeholders filled.
    for (const r of this.connector.posted()) {
      if (typeof r.body?.text === 'string') assertFilled({ text: r.body.text }, `a message posted to ${r.path}`);
      for (const a of r.body?.attachments ?? []) assertFilled(a.content, `a card posted to ${r.path}`);
    }
    for (const r of this.connector.requests.filter((q) => q.method === 'PUT')) for (const a of r.body?.attachments ?? []) assertFilled(a.content, `a card updated at ${r.path}`);
  }

  /** Posts a raw body to /api/messages. */
  async postRaw(body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<Answer> {
    const res = await post(`${this.target ?? this.app.url}/api/messages`, typeof body === 'string' ? body : JSON.stringify(body), headers, this.requestTimeoutMs);
    const text = res.text;
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* keep the text */
    }
    return { status: res.status, body: parsed };
  }

  /** An activity from a person in their personal chat. */
  activity(person: Person, fields: Record<string, unknown>): Record<string, unknown> {
    return {
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: this.serviceUrl,
      timestamp: new Date().toISOString(),
      from: { id: `29:${person.aadObjectId}`, name: person.name, aadObjectId: person.aadObjectId },
      recipient: { id: '28:samrad-bot', name: 'Samråd' },
      conversation: { id: `a:personal-${person.aadObjectId}`, conversationType: 'personal', tenantId: person.tenantId ?? this.tenantId },
      channelData: { tenant: { id: person.tenantId ?? this.tenantId } },
      locale: person.locale,
      localTimezone: person.timeZone ?? 'Europe/Stockholm',
      ...fields,
    };
  }

  /** The person sends a text; returns the card the bot posted in answer. */
  async say(person: Person, text: string): Promise<any> {
    const before = this.connector.posted().length;
    const activity = this.activity(person, { type: 'message', text });
    const answer = await this.postRaw(activity);
    if (answer.status !== 200) throw new Error(`message answered ${answer.status}`);
    // The answers to this message (replies to it), not a card a job posted meanwhile (a feedback card, a nudge).
    const replies = this.connector
      .posted()
      .slice(before)
      .filter((r) => r.path.endsWith(`/activities/${encodeURIComponent(String(activity.id))}`) || r.path.endsWith(`/activities/${String(activity.id)}`))
      .map((r) => attachedCard(r.body))
      .filter(Boolean);
    for (const reply of replies) assertFilled(reply, `the answer to "${text}"`);
    return replies[replies.length - 1];
  }

  /** The person presses an Action.Execute button with these inputs; returns the card that replaces it. */
  async press(person: Person, verb: string, data: Record<string, unknown>, inputs: Record<string, unknown> = {}, replyToId = 'card-activity'): Promise<any> {
    const answer = await this.execute(person, verb, data, inputs, replyToId);
    if (answer.status !== 200 || answer.body?.type !== 'application/vnd.microsoft.card.adaptive') {
      throw new Error(`${verb} answered ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    assertFilled(answer.body.value, `the answer to ${verb}`);
    return answer.body.value;
  }

  /** Sends the adaptiveCard/action invoke and returns the raw HTTP answer. */
  execute(person: Person, verb: string, data: Record<string, unknown>, inputs: Record<string, unknown> = {}, replyToId = 'card-activity'): Promise<Answer> {
    return this.postRaw(
      this.activity(person, {
        type: 'invoke',
        name: 'adaptiveCard/action',
        replyToId,
        value: { action: { type: 'Action.Execute', verb, data: { ...data, ...inputs } }, trigger: 'manual' },
      }),
    );
  }

  /** The stored plan of a meeting, as the store has it. */
  async meeting(id: string): Promise<Meeting | undefined> {
    return (await readPlan(this.app.deps, id))?.doc;
  }

  /** Every stored document of a meeting, as one view (the plan, each answer and delivery). */
  async view(id: string): Promise<MeetingView | undefined> {
    return readView(this.app.deps, id);
  }

  /** The participant with this name, with their stored answer and delivery. */
  async person(meetingId: string, name: string): Promise<{ participant: Participant; reply?: Reply; delivery: Delivery }> {
    const view = await this.view(meetingId);
    const participant = view?.plan.participants.find((p) => p.name === name);
    if (!view || !participant) throw new Error(`no participant named ${name}`);
    return { participant, reply: replyOf(view, participant), delivery: deliveryOf(view, participant) };
  }

  /** Waits until this instance's jobs have nothing due left to run (deliveries, status-card updates). */
  async settled(timeoutMs = 15_000): Promise<void> {
    const started = Date.now();
    // On a clock the test holds still, a rerun spaced a second or two ahead would never fall due: count only what is due.
    const before = this.app.deps.now().toMillis();
    await new Promise((r) => setTimeout(r, 5));
    const ahead = this.app.deps.now().toMillis() === before ? 0 : 5;
    const movable = this.skipSpacing && !this.options.now;
    for (;;) {
      this.app.jobs.poll();
      await this.app.jobs.idle();
      const open = await openJobList(this.app.deps, ahead);
      if (open.length === 0) return;
      if (Date.now() - started > timeoutMs) throw new Error(`${open.length} jobs never finished`);
      // Nothing runs and nothing is due yet: the clock moves on to the first job spaced ahead, which the next poll runs.
      const wait = Math.min(...open.map((job) => Date.parse(job.dueAt))) - this.now().toMillis();
      if (movable && wait > 0 && open.every((job) => job.state === 'ready')) this.aheadMs += wait;
      else await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** A date some days ahead, as Input.Date sends it. */
export function daysAhead(days: number, zone = 'Europe/Stockholm'): string {
  return DateTime.now().setZone(zone).plus({ days }).toFormat('yyyy-MM-dd');
}

/** Gives every test of the enclosing `describe` a fresh Samråd (`once`: one for all of them), stopped afterwards. */
export function useHarness(assign: (h: Harness) => void, once = false): void {
  let current: Harness | undefined;
  (once ? before : beforeEach)(async () => {
    current = new Harness();
    assign(current);
    await current.start();
  });
  (once ? after : afterEach)(async () => current?.stop());
}

/** What the personal-data check reads from the store: the personal data every plan and user record holds, and every job document. */
interface StoredForScan {
  /** Each value (a name, an e-mail or postal address, a phone number, a home address) with what it is. */
  personal: Map<string, string>;
  jobs: { id: string; json: string }[];
}

/**
 * Reads every plan (the meetings container, all partitions) and every user record for the names,
 * e-mail addresses, postal addresses, home addresses and phone numbers they hold, and every
 * document of the jobs container (tests only: these queries read whole containers).
 */
async function storedForScan(deps: Samrad['deps']): Promise<StoredForScan> {
  const personal = new Map<string, string>();
  const add = (value: string | undefined, what: string) => {
    const text = value?.trim() ?? '';
    // Two characters at least: initials ("AB") are a client's name too.
    if (text.length >= 2 && !personal.has(text)) personal.set(text, what);
    // An address written over several lines: each line of it, too.
    for (const line of text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length >= 5 && l !== text)) if (!personal.has(line)) personal.set(line, what);
  };
  const plans = await deps.stores.meetings.query({ name: 'test.personalData.plans', sql: "SELECT * FROM c WHERE c.kind = 'plan'", parameters: {} });
  for (const { doc } of plans) {
    const plan = doc as Meeting;
    const meeting = `meeting ${plan.id.slice(0, 8)}`;
    add(plan.organizer?.name, `the name of the caseworker of ${meeting}`);
    const people = [...plan.participants, ...(plan.editing?.participants ?? []), ...(plan.removed ?? []).map((r) => r.participant)];
    for (const p of people) {
      add(p.name, `the name of a participant (${p.group}) of ${meeting}`);
      if (p.contact.kind === 'email') add(p.contact.email, `the e-mail address of a participant (${p.group}) of ${meeting}`);
      if (p.contact.kind === 'post') add(p.contact.address, `the postal address of a participant (${p.group}) of ${meeting}`);
    }
    for (const place of [plan.place, plan.editing?.place]) if (place?.kind === 'home') add(place.details, `the home address of ${meeting}`);
  }
  const users = await deps.stores.users.query({ name: 'test.personalData.users', sql: 'SELECT * FROM c', parameters: {} });
  for (const { doc } of users) {
    const contact = (doc as UserRecord).contact;
    add(contact?.name, 'a caseworker\'s name for letters');
    add(contact?.phone, 'a caseworker\'s phone number');
    add(contact?.email, 'a caseworker\'s e-mail address');
  }
  const jobs = await deps.stores.jobs.query({ name: 'test.personalData.jobs', sql: 'SELECT * FROM c', parameters: {} });
  return { personal, jobs: jobs.map(({ doc }) => ({ id: doc.id, json: JSON.stringify(doc) })) };
}

/**
 * No personal data where it does not belong: every log line is ids and counts only, never a
 * name, an address or a phone number; a notification preview (a posted activity's `summary`, or
 * the text of a plain text message, which is its own preview) names nobody; a job document (its
 * id, its payload's keys and values, its progress) holds ids only; what telemetry exported (each
 * payload the ingestion stand-in received) names nobody. Fails naming each place found.
 */
export function assertNoPersonalData(stored: StoredForScan, logLines: readonly string[], posted: readonly { path: string; body: any }[], exported: readonly string[] = []): void {
  const patterns = [...stored.personal].map(([value, what]) => ({ value, what, pattern: new RegExp(`(?<![\\p{L}\\p{N}])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'u') }));
  const found: string[] = [];
  const scan = (text: string, where: string) => {
    for (const p of patterns) if (p.pattern.test(text)) found.push(`${where} holds ${p.what} ("${p.value}"): ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`);
  };
  logLines.forEach((line, i) => scan(line, `log line ${i + 1}`));
  for (const r of posted) {
    if (typeof r.body?.summary === 'string') scan(r.body.summary, `the notification preview (summary) of an activity posted to ${r.path}`);
    if (typeof r.body?.text === 'string' && !(r.body.attachments ?? []).length) scan(r.body.text, `a text message (its own notification preview) posted to ${r.path}`);
  }
  for (const job of stored.jobs) scan(job.json, `the job document ${job.id}`);
  exported.forEach((payload, i) => scan(payload, `telemetry payload ${i + 1} sent to Application Insights`));
  if (found.length) throw new Error(`personal data where it does not belong (${found.length}):\n  - ${found.join('\n  - ')}`);
}
