/**
 * Follow-up nudges that are due now, stored as Samråd would have stored them: meetings held weeks
 * ago whose minutes were never sent and whose action items are overdue, each with its caseworker,
 * its secretary and the owners of its items in Teams (and a client and a relative outside Teams).
 * Every document is made by Samråd's own domain functions at the moment it would have been made
 * (the draft, its When? Who? Why?, the Send, meeting mode opened, begun, the items agreed, the
 * outcome, the end), and everyone in Teams has the user record with the 1:1 chat Samråd keeps for
 * them. Then one `nudge` job per nudge is stored as StoredJobQueue.schedule stores it when the
 * `track` job schedules it at the time the rules give (`plannedNudges`): every one of those times
 * has passed, so all of them are due.
 *
 * Used by the crash test `test/crash/nudges.crash.test.ts` (10,000 sends over three processes,
 * one killed) and by the benchmark (figure 10: 1,000 sends by three processes to a connector that
 * enforces Teams' limits). `seedScheduledJobs` writes the jobs container of many meetings whose
 * nudges fall due in the coming weeks, for the benchmark's scheduler pass (figure 9).
 */
import { DateTime } from 'luxon';
import type { Container } from '@azure/cosmos';
import { countryOfZone, isWorkingDay } from '../../bot/domain/calendar';
import { viewOf } from '../../bot/domain/invitation';
import type { Locale, Meeting } from '../../bot/domain/meeting';
import type { MeetingDoc } from '../../bot/domain/meeting-docs';
import { DEFAULT_NUDGE_SETTINGS, plannedNudges, type Nudge, type NudgeSettings } from '../../bot/domain/nudges';
import { newActionItem, type ActionItem } from '../../bot/domain/plan';
import { addParticipant, markSent, newDraft, setRoles, setWhen, setWhy } from '../../bot/domain/planning';
import { applyStep, openSession, type Session } from '../../bot/domain/session';
import type { UserRecord } from '../../bot/domain/user';
import { entryFor, newJob, settledBefore, type JobHead, type JobsDoc } from '../../bot/jobs/job';
import { NUDGE_JOB } from '../../bot/services/nudges';
import { CosmosDocumentStore, cosmosClient, openContainers } from '../../bot/store/cosmos-store';
import { upsert } from '../../bot/store/port';
import { CONTAINERS, type ContainerName } from '../../bot/store/containers';

const ZONE = 'Europe/Stockholm';
const LOCALES: Locale[] = ['sv', 'da', 'fi', 'en'];

/** Where the store is. */
export interface StoreTarget {
  endpoint: string;
  key: string;
  database?: string;
}

/** One send that is due: a nudge of a meeting to one person's 1:1 chat. */
export interface DueSend {
  meetingId: string;
  key: string;
  /** The recipient's Entra object id; their 1:1 chat is `a:personal-<id>`. */
  userId: string;
  /** The language of the recipient's user record: their card and its preview are in it. */
  locale: Locale;
}

/** What `seedDueNudges` stored, and what Samråd is to send for it. */
export interface DueNudges {
  /** COORDINATORS for the Samråd processes: `<tenant id>:<object id>`, comma-separated (empty without coordinators). */
  coordinators: string;
  meetings: number;
  /** The nudge jobs scheduled (one per meeting and nudge). */
  jobs: number;
  /** Every send due, one per meeting, nudge and recipient. */
  sends: DueSend[];
  /** How long writing it all took. */
  seedMs: number;
}

export interface DueNudgeOptions {
  /** How many sends are to be due, exactly. */
  sends: number;
  /** The connector Samråd sends to (the `serviceUrl` of everyone's 1:1 chat). */
  serviceUrl: string;
  /** Meetings per tenant (each tenant with its own coordinators). */
  meetingsPerTenant: number;
  /** Coordinators per tenant (COORDINATORS); 0: none, and the coordinators' nudges are not due. */
  coordinatorsPerTenant: number;
  /** The working days the meetings were held on are spread over this many (default 20). */
  spreadDays?: number;
  /**
   * When the jobs are due: `rules`, at the times the rules give, weeks ago, as the `track` job
   * scheduled them when each meeting ended (the pollers catch up two days of hours a poll); or
   * `together`, all within the last minute, as when a morning's nudges of a whole organisation
   * fall due at once (each job still checks the rules, and their times have passed).
   */
  due?: 'rules' | 'together';
  now?: DateTime;
  settings?: NudgeSettings;
}

/** A GUID made of a tag and a number, so every id in a run is distinct and readable in a failure. */
function guid(tag: number, n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `5a0d${tag.toString(16).padStart(4, '0')}-0000-4000-8000-${hex}`;
}

/** The 1:1 chat Samråd keeps for a Teams user (written when they first spoke to it). */
export function personalChat(userId: string): string {
  return `a:personal-${userId}`;
}

function userRecord(userId: string, tenantId: string, locale: Locale, serviceUrl: string, at: string): UserRecord {
  const key = `aad-${userId}`;
  return {
    id: key,
    userKey: key,
    tenantId,
    locale,
    timeZone: ZONE,
    timeZoneSource: 'teams',
    address: { serviceUrl, conversationId: personalChat(userId), channelId: 'msteams', tenantId, botId: '28:samrad-bot', userId: `29:${userId}` },
    updatedAt: at,
  };
}

/** One meeting's documents and the people in Teams it names. */
interface Built {
  docs: MeetingDoc[];
  users: UserRecord[];
  plan: Meeting;
  /** When the meeting ended: the `track` job scheduled its nudges then. */
  endedAt: DateTime;
}

/**
 * A meeting planned and sent by its caseworker a week before it was held on `day` (a working day,
 * 10:00 in Stockholm), held in meeting mode with `items` action items agreed (each owned by a
 * professional in Teams, due two weeks later) and the follow-up left undecided, ended after 90
 * minutes; the minutes were never sent.
 */
function heldMeeting(n: number, tenantId: string, day: string, items: number, serviceUrl: string): Built {
  const locale = LOCALES[n % LOCALES.length];
  const caseworkerId = guid(1, n);
  const caseworkerKey = `aad-${caseworkerId}`;
  const start = DateTime.fromISO(`${day}T10:00`, { zone: ZONE });
  const planned = start.minus({ days: 7 }).set({ hour: 9 });
  const at = (t: DateTime) => t.toUTC();
  let plan = newDraft({
    id: guid(2, n),
    organizer: { userKey: caseworkerKey, name: `Kim Lind ${n}` },
    organizerParticipantId: guid(3, n * 10),
    organizerUserId: caseworkerId,
    organizerLanguage: locale,
    tenantId,
    now: at(planned),
  });
  plan = setWhen(plan, { date: day, time: '10:00', duration: '90', placeKind: 'room', placeDetails: 'Room 2, the family centre' }, ZONE, at(planned.plus({ minutes: 1 })));
  const person = (i: number, name: string, group: string, relation: string, contact: Partial<{ contactKind: string; teamsUserId: string; address: string }>, language: Locale) =>
    (plan = addParticipant(plan, { name, group, relation, contactKind: 'hand', teamsUserId: '', email: '', address: '', language, ...contact }, guid(3, n * 10 + i), at(planned.plus({ minutes: 2 + i }))));
  person(1, 'Sam', 'client', '', { contactKind: 'hand' }, locale);
  person(2, 'Alex', 'network', 'aunt', { contactKind: 'post', address: 'Storgatan 1\n123 45 Staden' }, locale);
  const professionals = [4, 5, 6].map((i, k) => ({ id: guid(3, n * 10 + i), userId: guid(4, n * 10 + k), language: LOCALES[(n + k + 1) % LOCALES.length] }));
  for (const [k, p] of professionals.entries()) person(4 + k, `Professional ${n}.${k + 1}`, 'professional', ['school counsellor', 'psychologist', 'social worker'][k], { contactKind: 'teams', teamsUserId: p.userId }, p.language);
  const secretary = professionals[0];
  plan = setRoles(plan, { consent: true, chairId: plan.participants[0].id, secretaryId: secretary.id }, caseworkerKey, at(planned.plus({ minutes: 10 })));
  plan = setWhy(plan, { purpose: 'A plan for the autumn', topics: 'School\nHousing', form: 'A network meeting' }, at(planned.plus({ minutes: 11 })));
  plan = markSent(plan, at(planned.plus({ minutes: 12 })));

  let session: Session = openSession(plan, [], new Set(), caseworkerKey, at(start.minus({ minutes: 10 })));
  session = applyStep(plan, session, { step: 'begin' }, caseworkerKey, at(start));
  const due = DateTime.fromISO(day, { zone: ZONE }).plus({ days: 14 }).toISODate()!;
  const actions: ActionItem[] = Array.from({ length: items }, (_, k) =>
    newActionItem(plan, { text: `Agreed step ${k + 1}`, ownerId: professionals[k % professionals.length].id, due, withIds: [] }, guid(5, n * 10 + k), caseworkerKey, at(start.plus({ minutes: 60 + k }))),
  );
  session = applyStep(plan, session, { step: 'outcome', responsible: secretary.id, followUp: 'undecided' }, caseworkerKey, at(start.plus({ minutes: 80 })));
  session = applyStep(plan, session, { step: 'end' }, caseworkerKey, at(start.plus({ minutes: 90 })));

  const seen = at(planned).toISO()!;
  const users = [userRecord(caseworkerId, tenantId, locale, serviceUrl, seen), ...professionals.map((p) => userRecord(p.userId, tenantId, p.language, serviceUrl, seen))];
  return { docs: [plan, session, ...actions], users, plan, endedAt: at(start.plus({ minutes: 90 })) };
}

/** The nudges of a stored meeting, as the rules plan them with everyone in Stockholm (as their user records say). */
function nudgesOf(docs: MeetingDoc[], coordinators: boolean, settings: NudgeSettings): Nudge[] {
  const view = viewOf(docs)!;
  return plannedNudges(view, { settings, placeOf: () => ({ zone: ZONE, country: countryOfZone(ZONE, 'SE') }), coordinators, log: new Map() });
}

/** The Entra object ids a nudge goes to. */
function recipients(plan: Meeting, nudge: Nudge, coordinators: string[]): string[] {
  if (nudge.to.kind === 'coordinator') return coordinators;
  if (nudge.to.kind === 'caseworker') return [plan.organizer.userKey.slice('aad-'.length)];
  const id = nudge.to.id;
  const p = plan.participants.find((x) => x.id === id);
  return p?.contact.kind === 'teams' ? [p.contact.userId] : [];
}

/** Counts of meetings with 3, 2 and 1 action items whose sends add up to `total` exactly. */
function mix(total: number, sizes: number[]): number[] {
  const [big, ...small] = sizes;
  for (let bigCount = Math.floor(total / big); bigCount >= 0; bigCount--) {
    const rest = total - bigCount * big;
    for (let a = 0; a * small[0] <= rest; a++) {
      const left = rest - a * small[0];
      if (left % small[1] === 0) return [bigCount, a, left / small[1]];
    }
  }
  throw new Error(`no mix of meetings makes exactly ${total} sends (sizes ${sizes.join(', ')})`);
}

/**
 * Writes documents with the SDK's bulk requests (100 operations each, several at once): `bulk`,
 * which sends each batch at once (`executeBulkOperations` gathers them on a timer and took about
 * eight times as long against the embedded store).
 */
export async function bulkCreate(container: Container, name: ContainerName, docs: object[], parallel = 8): Promise<void> {
  const field = CONTAINERS[name].partitionKey;
  let next = 0;
  const worker = async () => {
    while (next < docs.length) {
      const chunk = docs.slice(next, next + 100);
      next += 100;
      const results = await container.items.bulk(chunk.map((doc) => ({ operationType: 'Create' as const, partitionKey: (doc as Record<string, string>)[field], resourceBody: doc as never })));
      const failed = results.filter((r) => r.statusCode >= 300);
      if (failed.length > 0) throw new Error(`${failed.length} of ${chunk.length} ${name} documents were not written (status ${failed[0].statusCode})`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/**
 * Stores meetings whose nudges are due now, exactly `options.sends` sends in all, and schedules
 * their nudge jobs; returns every send due. The meetings were held on working days some five to
 * nine weeks ago, so every nudge's time has passed.
 */
export async function seedDueNudges(target: StoreTarget, options: DueNudgeOptions): Promise<DueNudges> {
  const started = Date.now();
  const now = options.now ?? DateTime.utc();
  const settings = options.settings ?? DEFAULT_NUDGE_SETTINGS;
  const withCoordinators = options.coordinatorsPerTenant > 0;
  // The days the meetings were held: working days in Sweden, from five weeks back.
  const days: string[] = [];
  for (let d = now.setZone(ZONE).minus({ days: 35 }); days.length < (options.spreadDays ?? 20); d = d.minus({ days: 1 })) {
    if (isWorkingDay(d.toISODate()!, 'SE')) days.push(d.toISODate()!);
  }
  // How many sends a meeting of each shape makes, by the rules themselves.
  const coordinatorIds = (tenant: number) => Array.from({ length: options.coordinatorsPerTenant }, (_, k) => guid(6, tenant * 100 + k));
  const sizeOf = (items: number) => {
    const probe = heldMeeting(0, guid(7, 0), days[0], items, options.serviceUrl);
    return nudgesOf(probe.docs, withCoordinators, settings).reduce((sum, nudge) => sum + recipients(probe.plan, nudge, coordinatorIds(0)).length, 0);
  };
  const shapes = [3, 2, 1];
  const counts = mix(options.sends, shapes.map(sizeOf));
  const itemsOf = shapes.flatMap((items, i) => Array<number>(counts[i]).fill(items));

  const meetingDocs: MeetingDoc[] = [];
  const users: UserRecord[] = [];
  const jobs: ScheduledNudge[] = [];
  const sends: DueSend[] = [];
  const coordinatorsEnv: string[] = [];
  const localeOf = new Map<string, Locale>();
  const addUser = (user: UserRecord) => {
    users.push(user);
    localeOf.set(user.userKey, user.locale);
  };
  const nowIso = now.toUTC().toISO()!;
  for (const [n, items] of itemsOf.entries()) {
    const tenant = Math.floor(n / options.meetingsPerTenant);
    const tenantId = guid(7, tenant);
    const coordinators = coordinatorIds(tenant);
    if (n % options.meetingsPerTenant === 0) {
      for (const [k, id] of coordinators.entries()) {
        coordinatorsEnv.push(`${tenantId}:${id}`);
        addUser(userRecord(id, tenantId, LOCALES[(tenant + k) % LOCALES.length], options.serviceUrl, nowIso));
      }
    }
    const built = heldMeeting(n + 1, tenantId, days[n % days.length], items, options.serviceUrl);
    meetingDocs.push(...built.docs);
    built.users.forEach(addUser);
    for (const nudge of nudgesOf(built.docs, withCoordinators, settings)) {
      if (nudge.at > nowIso) throw new Error(`nudge ${nudge.key} of a seeded meeting is not due until ${nudge.at}`);
      const dueAt = options.due === 'together' ? now.minus({ seconds: 1 + (jobs.length % 60) }) : DateTime.fromISO(nudge.at, { zone: 'utc' });
      jobs.push({ key: `${built.plan.id}.${nudge.key}`, payload: { meetingId: built.plan.id, key: nudge.key }, dueAt, scheduledAt: built.endedAt.plus({ seconds: 1 }) });
      for (const userId of recipients(built.plan, nudge, coordinators)) sends.push({ meetingId: built.plan.id, key: nudge.key, userId, locale: localeOf.get(`aad-${userId}`)! });
    }
  }
  if (sends.length !== options.sends) throw new Error(`the seeded meetings make ${sends.length} sends, not ${options.sends}`);

  const containers = await openContainers(cosmosClient({ endpoint: target.endpoint, key: target.key, database: target.database ?? 'samrad' }), target.database ?? 'samrad');
  await bulkCreate(containers.meetings, 'meetings', meetingDocs);
  await bulkCreate(containers.users, 'users', users);
  await writeScheduled(containers.jobs, scheduled(jobs, now), now);
  return { coordinators: coordinatorsEnv.join(','), meetings: itemsOf.length, jobs: jobs.length, sends, seedMs: Date.now() - started };
}

/** A nudge job as the `track` job scheduled it: its key and payload, when it is due, and when it was scheduled. */
interface ScheduledNudge {
  key: string;
  payload: { meetingId: string; key: string };
  dueAt: DateTime;
  scheduledAt: DateTime;
}

/**
 * The documents StoredJobQueue.schedule leaves for these nudge jobs, as of when each was
 * scheduled: the job (`newJob`) and its due entry in the hour it falls due (`entryFor`); and the
 * oldest of those hours.
 */
function scheduled(jobs: ScheduledNudge[], now: DateTime): { docs: JobsDoc[]; oldest: string } {
  const docs: JobsDoc[] = [];
  let oldest = settledBefore(now);
  for (const { key, payload, dueAt, scheduledAt } of jobs) {
    const job = newJob({ kind: NUDGE_JOB.kind, key, payload, dueAt, maxAttempts: NUDGE_JOB.maxAttempts }, scheduledAt);
    const entry = entryFor(job, scheduledAt);
    if (entry.bucket < oldest) oldest = entry.bucket;
    docs.push(entry, job);
  }
  return { docs, oldest };
}

/**
 * Writes the jobs in bulk, then brings the pollers' head back to the oldest hour among them, as
 * scheduling a job in an hour the pollers have passed does (scheduling them one by one through
 * StoredJobQueue would lower the head once per job). Running pollers find them from then on.
 */
async function writeScheduled(jobs: Container, scheduledJobs: { docs: JobsDoc[]; oldest: string }, now: DateTime): Promise<void> {
  await bulkCreate(jobs, 'jobs', scheduledJobs.docs);
  const store = new CosmosDocumentStore<JobsDoc>(jobs, 'jobs');
  await upsert(store, 'head', 'head', (doc): JobHead | undefined => {
    const head = doc as JobHead | undefined;
    if (head && head.oldest <= scheduledJobs.oldest) return undefined;
    return { type: 'head', id: 'head', bucket: 'head', oldest: scheduledJobs.oldest, updatedAt: now.toUTC().toISO()! };
  });
}

/**
 * The jobs container as `meetings` meetings' scheduled nudges leave it (one nudge each, due in
 * working hours of the next 30 working days, each job in its own partition with its due entry in
 * the hour it falls due) plus `dueNow` nudges due now, and the head where running pollers keep it
 * (an hour back). Jobs and entries are made by the job rules (`newJob`, `entryFor`), as
 * StoredJobQueue writes them, and written in bulk. `from` numbers the meetings, so a second call
 * adds to a first.
 */
export async function seedScheduledJobs(jobs: Container, options: { meetings: number; dueNow: number; from?: number; now?: DateTime }): Promise<{ documents: number; ms: number }> {
  const started = Date.now();
  const now = options.now ?? DateTime.utc();
  const from = options.from ?? 0;
  const nudges: ScheduledNudge[] = [];
  const add = (meeting: number, key: string, dueAt: DateTime) => nudges.push({ key: `${guid(8, meeting)}.${key}`, payload: { meetingId: guid(8, meeting), key }, dueAt, scheduledAt: now.minus({ days: 1 }) });
  const mornings: DateTime[] = [];
  for (let d = now.setZone(ZONE).plus({ days: 1 }).startOf('day'); mornings.length < 30 * 9; d = d.plus({ days: 1 })) {
    if (isWorkingDay(d.toISODate()!, 'SE')) for (let hour = 8; hour < 17; hour++) mornings.push(d.set({ hour }));
  }
  for (let m = from; m < from + options.meetings; m++) add(m, `item.${guid(9, m)}.overdue.owner`, mornings[m % mornings.length].plus({ minutes: m % 60 }));
  for (let m = 0; m < options.dueNow; m++) add(from + options.meetings + m, 'minutes.writer', now.minus({ seconds: 10 + m }));
  const written = scheduled(nudges, now);
  await writeScheduled(jobs, written, now);
  return { documents: written.docs.length, ms: Date.now() - started };
}
