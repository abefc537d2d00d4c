import type { DateTime } from 'luxon';
import type { Locale, Meeting, Participant, PostedCard, UnreachableReason } from '../domain/meeting';
import { userKey, zoneOf, type UserRecord } from '../domain/user';
import type { JobDoc, JobRef } from '../jobs/job';
import { jobType } from '../jobs/kind';
import { jobKind, LostClaimError, type JobContext, type JobKind } from '../jobs/runner';
import { AlreadyExistsError, update } from '../store/port';
import type { AdaptiveCard } from '../../cards/render';
import type { Reader } from '../../cards/format';
import type { Logger } from '../log';
import { UnreachableError, type Deps } from './ports';
import { meetingChanged } from './tracking';
import { readUser } from './users';

/**
 * "Send to each participant": one message per person (a card in their 1:1 chat in Teams, or a
 * letter the caseworker hands or posts when Teams cannot reach them), done as a stored job
 * (`bot/jobs`), with a stored intent and outcome per person and each outcome projected to that
 * person's own document in the meeting's partition. Invitations (`delivery.ts`) are one kind of
 * fan-out; the feedback card at the end of a meeting and the minutes are meant to be two more.
 *
 * How a fan-out runs, each time its job is claimed:
 *
 * 1. `load` reads what the sends need (the meeting, the caseworker). Undefined: nothing to do any
 *    more (the meeting is gone, or a newer job carries on); the job ends.
 * 2. `steps` lists one step per person, in the order they should go out; a step's `id` (the
 *    participant id) names it in the job's progress.
 * 3. Up to `concurrency` steps (FANOUT_CONCURRENCY, 8) run at once; every person is a different
 *    conversation. For each person with no outcome recorded yet: the intent is written under the
 *    job's claim, then `send`, then its outcome is written under the claim; then, and for people
 *    whose outcome an earlier attempt recorded, `project` writes the outcome to their document.
 *    Intents and outcomes that fall due together are written together (one write of the job).
 *    When a send throws, no further send starts: the ones in flight finish and are recorded,
 *    and the job is tried again later (from where it stopped).
 * 4. `finish`, once every person has an outcome (the caseworker's notice): its intent and its
 *    end are recorded like a send's, so it is repeated only if an instance dies during it.
 * 5. `after`, every time the run gets this far (idempotent follow-ups: a log line, a status-card
 *    refresh).
 * 6. `onDead`, once, if the job runs out of attempts (e.g. letters for whoever is still waiting).
 *
 * Guarantees (with the runner's: one claim at a time, fenced writes, takeover after the lease):
 * every person's send is done at least once per job; a send is started only after a write under
 * the job's claim succeeded, so two live instances never both send; after an instance dies
 * (SIGKILL), the sends whose intent was written and whose outcome was not are made again: at most
 * `concurrency` of them (8), each to a different person, so nobody gets more than one extra copy
 * per crash. A Teams message has no idempotency key: that bound is the best there is. Pacing to
 * Teams' limits is the messenger's (`bot/teams/pacing.ts`, shared by the live instances): the per-conversation
 * limits are not what bounds a fan-out, since each person is their own conversation.
 *
 * Declaring a kind (the feedback card after a meeting, as a later change could write it):
 *
 * ```ts
 * export const feedbackFanout = (deps: Deps) =>
 *   defineFanout<{ meetingId: string }, { view: MeetingView; organizer?: UserRecord }, PersonStep>(deps, {
 *     kind: 'feedback-cards',
 *     maxAttempts: 8,
 *     load: async ({ meetingId }) => {
 *       const view = await readView(deps, meetingId);
 *       if (view?.session?.state !== 'ended') return undefined;
 *       return { view, organizer: await readUser(deps, view.plan.organizer.userKey) };
 *     },
 *     steps: ({ view }) => view.plan.participants.filter((p) => !p.isOrganizer).map((participant) => ({ id: participant.id, participant })),
 *     send: ({ view, organizer }, { participant }) =>
 *       sendToPersonalChat(deps, { meeting: view.plan, participant, organizer }, (reader) => ({
 *         card: feedbackCard(view, participant, reader),
 *         summary: t(reader.locale, 'feedback.summary'),
 *       })),
 *     project: ({ view }, { participant }, outcome) => saveFeedbackDelivery(deps, view.plan, participant.id, outcome),
 *     finish: ({ view }, outcomes) => tellCaseworkerFeedbackIsOut(deps, view, outcomes),
 *   });
 *
 * // bot/app.ts: jobs.start([..., feedbackFanout(deps).job]);
 * // the service, when the meeting ends: await feedbackFanout(deps).enqueue({ key: meetingId, payload: { meetingId }, dueAt: endedAt });
 * ```
 */

/** How many people a fan-out sends to at once, by default. */
export const FANOUT_CONCURRENCY = 8;

/**
 * How one person was reached: `teams` with the card posted in their 1:1 chat, or `letter` (the
 * caseworker hands, posts or mails it; with the reason when the person was meant to be reached
 * in Teams).
 */
export type Outcome = { via: 'teams' | 'letter'; card?: PostedCard; reason?: UnreachableReason };

/** One person's step: `id` (their participant id) names it in the job's progress and must be unique within one run. */
export interface FanoutStep {
  id: string;
}

/** A person's step, for kinds that need no more than the participant. */
export interface PersonStep extends FanoutStep {
  participant: Participant;
}

/**
 * A kind of fan-out. `P` is the job's payload (stored; ids only), `C` what `load` reads for one
 * run, `S` a person's step, `O` a person's outcome (stored in the job's progress: JSON).
 */
export interface FanoutSpec<P, C, S extends FanoutStep, O = Outcome> {
  /** The job kind, e.g. `invitations`. */
  kind: string;
  /** Attempts before the job is a dead letter (with growing pauses: 8 take about 8 minutes). */
  maxAttempts: number;
  /** People sent to at once (default FANOUT_CONCURRENCY); also the most sends repeated after a crash. */
  concurrency?: number;
  /** Reads what the sends need; undefined when there is nothing (more) to do. */
  load(payload: P): Promise<C | undefined>;
  /** One step per person, in the order they go out. */
  steps(context: C): readonly S[];
  /** One person's send. Throws only to have the job try again (someone Teams cannot reach is an outcome, not an error). */
  send(context: C, step: S): Promise<O>;
  /** Writes the person's outcome to their own document; runs again after a takeover, so it must be idempotent. */
  project(context: C, step: S, outcome: O): Promise<void>;
  /** After everyone has an outcome: the one message that follows (the caseworker's notice); recorded like a send. */
  finish?(context: C, outcomes: Readonly<Record<string, O>>): Promise<void>;
  /** At the end of every run that got past `finish`; idempotent work only. */
  after?(context: C, outcomes: Readonly<Record<string, O>>): Promise<void>;
  /** The meeting the fan-out wrote to: its nudges, overview line and retention are brought up to date after each run (`tracking.ts`). */
  meetingOf?(payload: P): string;
  /** The job gave up after its last attempt. */
  onDead?(job: JobDoc<P, FanoutProgress<O>>): Promise<void>;
}

/** What a fan-out has done, kept in its job (written only under the job's claim). */
export interface FanoutProgress<O = Outcome> {
  /** The steps whose send may be in flight: intent written, outcome not. */
  sending: string[];
  /** Each step's outcome, by step id. */
  done: Record<string, O>;
  /** `finish` may be in flight. */
  finishing?: boolean;
  /** `finish` is done. */
  finished?: boolean;
}

/** A declared fan-out: its job kind for the runner, and the way to ask for one. */
export interface Fanout<P, O = Outcome> {
  readonly kind: string;
  /** Registered with the runner (`bot/app.ts`). */
  readonly job: JobKind<P, FanoutProgress<O>>;
  /**
   * Asks for the fan-out. `key` and `dueAt` must come from stored facts (the meeting id and plan
   * revision, the instant it was sent), so asking again is a no-op.
   */
  enqueue(request: { key: string; payload: P; dueAt: DateTime }): Promise<JobRef>;
}

/** Declares a kind of fan-out (see the example at the top of this file). */
export function defineFanout<P, C, S extends FanoutStep, O = Outcome>(deps: Pick<Deps, 'jobs' | 'log' | 'now'>, spec: FanoutSpec<P, C, S, O>): Fanout<P, O> {
  const type = jobType<P>({ kind: spec.kind, maxAttempts: spec.maxAttempts });
  const run = async (context: JobContext<P, FanoutProgress<O>>) => {
    await runFanout(spec, context, deps.log);
    if (spec.meetingOf) await meetingChanged(deps, spec.meetingOf(context.job.payload));
  };
  return {
    kind: spec.kind,
    job: jobKind<P, FanoutProgress<O>>(type, run, spec.onDead ? (job) => spec.onDead!(job) : undefined),
    enqueue: ({ key, payload, dueAt }) => deps.jobs.enqueue(type, key, payload, dueAt),
  };
}

/**
 * The progress as stored, in today's shape. A delivery stored before the fan-out existed kept
 * one step in flight (`sending: '<id>'`, or `'notice'` for the caseworker's notice) and `told`.
 */
export function progressOf<O>(stored: unknown): FanoutProgress<O> {
  const p = (stored ?? {}) as Partial<FanoutProgress<O>> & { sending?: string | string[]; told?: boolean };
  const sending = typeof p.sending === 'string' ? [p.sending] : Array.isArray(p.sending) ? p.sending : [];
  const legacyNotice = typeof p.sending === 'string' && p.sending === 'notice';
  return {
    sending: legacyNotice ? [] : sending,
    done: p.done ?? {},
    ...(p.finishing || legacyNotice ? { finishing: true } : {}),
    ...(p.finished || p.told ? { finished: true } : {}),
  };
}

/** Runs one attempt of a fan-out under the job's claim (exported for the tests; kinds use `defineFanout`). */
export async function runFanout<P, C, S extends FanoutStep, O>(spec: FanoutSpec<P, C, S, O>, job: JobContext<P, FanoutProgress<O>>, log: Logger): Promise<void> {
  const context = await spec.load(job.job.payload);
  if (context === undefined) return;
  const progress = new ProgressRecorder<O>(progressOf<O>(job.progress), (p) => job.save(p));
  const steps = spec.steps(context);
  if (new Set(steps.map((s) => s.id)).size !== steps.length) throw new Error(`fan-out ${spec.kind}: two steps share an id`);
  const resumed = new Set(progress.state.sending);
  const fields = { kind: spec.kind, job: job.job.id };

  let failed = false;
  let failure: unknown;
  const runStep = async (step: S): Promise<void> => {
    let outcome = progress.state.done[step.id];
    if (outcome === undefined) {
      if (resumed.has(step.id)) log.warn('fanout.resend', { ...fields, step: step.id });
      await progress.record((p) => ({ ...p, sending: [...p.sending.filter((id) => id !== step.id), step.id] }));
      // Another send failed while this intent was being written: this one is not sent (the next attempt sends it).
      if (failed) {
        await progress.record((p) => ({ ...p, sending: p.sending.filter((id) => id !== step.id) })).catch(() => undefined);
        return;
      }
      const sent = await spec.send(context, step);
      await progress.record((p) => ({ ...p, sending: p.sending.filter((id) => id !== step.id), done: { ...p.done, [step.id]: sent } }));
      outcome = sent;
    }
    await spec.project(context, step, outcome);
  };

  // A pool of workers taking the steps in order; after a failure no new step starts (a lost claim is reported as such).
  let next = 0;
  const worker = async (): Promise<void> => {
    while (!failed && next < steps.length) {
      const step = steps[next++];
      try {
        await runStep(step);
      } catch (err) {
        if (!failed || err instanceof LostClaimError) failure = err;
        failed = true;
      }
    }
  };
  const width = Math.max(1, Math.min(spec.concurrency ?? FANOUT_CONCURRENCY, steps.length));
  await Promise.all(Array.from({ length: width }, worker));
  if (failed) throw failure;

  const outcomes = progress.state.done;
  if (spec.finish && !progress.state.finished) {
    if (progress.state.finishing) log.warn('fanout.resend', { ...fields, step: 'finish' });
    await progress.record((p) => ({ ...p, finishing: true }));
    await spec.finish(context, outcomes);
    await progress.record((p) => ({ ...p, finishing: undefined, finished: true }));
  }
  await spec.after?.(context, outcomes);
}

/**
 * Keeps a fan-out's progress and writes it under the job's claim. Changes are applied at once;
 * `record` resolves when a write holding the change is stored. While one write is under way the
 * changes made meanwhile wait and go out together in the next one (group commit), so eight
 * sends at once make a few writes of the job, not sixteen in a row.
 */
class ProgressRecorder<O> {
  private waiting: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  private writing = false;

  constructor(
    public state: FanoutProgress<O>,
    private readonly save: (progress: FanoutProgress<O>) => Promise<void>,
  ) {}

  record(change: (p: FanoutProgress<O>) => FanoutProgress<O>): Promise<void> {
    this.state = change(this.state);
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0);
      try {
        await this.save(this.state);
        for (const w of batch) w.resolve();
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.writing = false;
  }
}

// ---------------------------------------------------------------------------------------------
// A card in a participant's 1:1 chat in Teams

/** Who a card goes to, and the caseworker whose chat gives the service and tenant to write through. */
export interface CardRecipient {
  meeting: Meeting;
  participant: Participant;
  organizer: UserRecord | undefined;
}

/**
 * Posts a card drawn in the participant's own language into their 1:1 chat with the bot. A
 * colleague who has not installed Samråd gets it installed through Microsoft Graph first, where
 * the tenant allows it; whoever Teams still cannot reach, and everyone outside Teams, is a
 * `letter` (with the reason, for a Teams participant). Other failures are thrown (the job tries
 * again).
 */
export async function sendToPersonalChat(
  deps: Deps,
  to: CardRecipient,
  draw: (reader: Reader, viewer: string) => { card: AdaptiveCard; summary: string },
): Promise<Outcome> {
  const { meeting, participant, organizer } = to;
  if (participant.contact.kind !== 'teams') return { via: 'letter' };
  const outcome = await sendToTeamsUser(deps, { tenantId: meeting.tenantId, userId: participant.contact.userId, language: participant.language, via: organizer }, draw);
  if (outcome.via === 'letter') deps.log.info('participant.unreachable', { meeting: meeting.id, participant: participant.id, status: outcome.status, reason: outcome.reason });
  return outcome.via === 'teams' ? { via: 'teams', card: outcome.card } : { via: 'letter', reason: outcome.reason };
}

/** A Teams user to write to in their 1:1 chat, and the chat whose service and tenant Samråd writes through. */
export interface TeamsUserTarget {
  tenantId: string;
  /** Their Entra object id. */
  userId: string;
  /** Their language until their first turn with Samråd brings Teams' own. */
  language: Locale;
  /** A user whose chat with the bot gives the service address (the caseworker who convenes). */
  via: UserRecord | undefined;
  /** Their record as the caller has just read it (or found none), so it is not read again. */
  known?: { record: UserRecord | undefined };
}

/**
 * Posts a card drawn in the user's own language and time zone into their 1:1 chat with the bot,
 * opening the chat (and installing Samråd through Graph, where the tenant allows it) the first
 * time. Someone Teams cannot reach (not installed, blocked the bot: 403, gone: 404) is an outcome
 * with the reason and the status, not an error; other failures are thrown (the job tries again).
 */
export async function sendToTeamsUser(
  deps: Deps,
  target: TeamsUserTarget,
  draw: (reader: Reader, viewer: string) => { card: AdaptiveCard; summary: string },
): Promise<{ via: 'teams'; card: PostedCard } | { via: 'letter'; reason: UnreachableReason; status: number }> {
  const { tenantId, userId, via } = target;
  const key = userKey(userId, userId);
  // Proactive messages go through the service and tenant the caseworker's own chat uses.
  let recipient = target.known ? target.known.record : await readUser(deps, key);
  if (!recipient?.address) {
    if (!via?.address) return { via: 'letter', reason: 'unreachable', status: 0 };
    let address: UserRecord['address'];
    try {
      address = await deps.messenger.openPersonalChat(via.address, userId);
    } catch (err) {
      if (!(err instanceof UnreachableError)) throw err;
      const installed = await deps.installer.installFor(tenantId, userId);
      if (installed === 'permissionMissing') return { via: 'letter', reason: 'permissionMissing', status: err.status };
      if (installed === 'refused') return { via: 'letter', reason: 'installRefused', status: err.status };
      try {
        address = await deps.messenger.openPersonalChat(via.address, userId);
      } catch (again) {
        if (!(again instanceof UnreachableError)) throw again;
        return { via: 'letter', reason: 'unreachable', status: again.status };
      }
    }
    recipient = await rememberAddress(deps, key, tenantId, target.language, address);
  }
  const { card, summary } = draw({ locale: recipient.locale, timeZone: recipient.timeZone }, recipient.address!.userId);
  try {
    return { via: 'teams', card: await deps.messenger.sendCard(recipient.address!, card, summary) };
  } catch (err) {
    if (!(err instanceof UnreachableError)) throw err;
    return { via: 'letter', reason: 'unreachable', status: err.status };
  }
}

/** Keeps the 1:1 chat opened with a colleague, so the next card needs no new one. */
async function rememberAddress(deps: Deps, key: string, tenantId: string, language: Locale, address: UserRecord['address']): Promise<UserRecord> {
  // Teams has sent nothing of theirs yet: the organisation's zone, saying so, until their first turn brings Teams' own.
  const zone = zoneOf(undefined, undefined, deps.defaultTimeZone);
  const record: UserRecord = { id: key, userKey: key, tenantId, locale: language, ...zone, address, updatedAt: deps.now().toUTC().toISO()! };
  try {
    return (await deps.stores.users.create(record)).doc;
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err;
    return (await update(deps.stores.users, key, key, (doc) => ({ ...doc, ...(doc.timeZone ? {} : zone), address })))?.doc ?? record;
  }
}
