import { DateTime } from 'luxon';
import { SCALES, type FeedbackInput } from '../domain/feedback';
import { replyDoc, viewOf } from '../domain/invitation';
import { ANSWERS, LIMITS, type Locale, type Meeting, type Participant } from '../domain/meeting';
import type { MeetingDoc, MeetingView } from '../domain/meeting-docs';
import { minutesContent } from '../domain/minutes';
import {
  firstLink,
  linkAccepts,
  linkDocId,
  namesParticipant,
  pageExpiry,
  reissuedLink,
  revokedLink,
  withUse,
  type LinkClaims,
  type LinkUse,
  type PageLinkDoc,
  type TokenCheck,
  type UseKind,
} from '../domain/page-link';
import { markItem, ownsItem } from '../domain/plan';
import { clean, oneOf } from '../domain/text';
import { Refusal, type Problem } from '../domain/problems';
import { problemText, t } from '../i18n';
import { AlreadyExistsError, ConcurrencyError, createOrRead, update, upsert, type DocumentStore, type Versioned } from '../store/port';
import { queries } from '../store/queries';
import type { PageError, PageField, PageInput, PageStage } from '../documents/page';
import type { Notice } from '../../cards/render';
import { pagesCard, type PageLine } from '../../cards/pages';
import { isIssuedId, type MeetingRef } from './action-data';
import { recordFeedback } from './feedback';
import { readItem } from './items';
import { loadOwnMeeting, readPlan } from './meetings';
import type { Actor, CardReply, Deps } from './ports';
import { requestStatusRefresh } from './refresh';
import { meetingChanged } from './tracking';
import { audit } from './audit';

/**
 * Personal pages for the people outside Teams (the client and the private network seldom have an
 * account): a signed link per person (`pageUrl`) that the caseworker prints on the letter, e-mails
 * or texts. It opens the person's own page (`documents/page.ts`), where they answer the invitation
 * and, after the meeting, give their feedback, read the minutes and mark their action items done.
 *
 * **Revocation.** Each person's link has a record of its own in the meeting's partition
 * (`link.<participant id>`, `domain/page-link.ts`): the version now valid. A page token carries
 * the version it was issued as; the caseworker's "new link" (`revokeAndReissue`) raises it, and
 * every older link is refused from that moment (410), whatever its expiry.
 *
 * **Every use is recorded** in that record, with an ETag-guarded write: each page shown (`view`,
 * or `minutes` when the minutes were on it), each form sent (`answer`, `feedback`, `item`; `ok`
 * or `invalid`), and each refused use of a genuine but expired or replaced link (`refused`). The
 * last 100 are kept, and a count of all. No IP address or browser is recorded: the caseworker
 * needs to know that and how the link was used, and an address would only add where a client
 * was. A page is not shown, and a form not answered as done, unless its use was recorded.
 *
 * What a person does on their page is written as they would on their own card in Teams: their
 * answer (`via: 'page'`), their feedback (`recordFeedback`, once), their own action items
 * (`markItem`), each with `by: page:<participant id>`.
 */

/** Who did something on a person's page, as the store records it: never a name. */
export function pageActor(participantId: string): string {
  return `page:${participantId}`;
}

/** What `deps.links` must also do for page links (the LetterLinks of `services/links.ts` does). */
export interface PageLinkSigner {
  pageUrl(meetingId: string, participantId: string, version: number, expires: DateTime): string;
  check(token: string, purpose: 'page'): TokenCheck;
}

/** The signer of page links among the deps. */
export function pageSigner(deps: Deps): PageLinkSigner {
  return deps.links;
}

/** The meetings container as it holds link records (they share the meeting's partition). */
function linkStore(deps: Deps): DocumentStore<PageLinkDoc> {
  return deps.stores.meetings as DocumentStore<MeetingDoc> as unknown as DocumentStore<PageLinkDoc>;
}

/** A person's link record, with its ETag, if a link was ever issued. */
export async function readLink(deps: Deps, meetingId: string, participantId: string): Promise<Versioned<PageLinkDoc> | undefined> {
  if (!isIssuedId(meetingId) || !isIssuedId(participantId)) return undefined;
  const found = await linkStore(deps).read(meetingId, linkDocId(participantId));
  return found?.doc.kind === 'link' ? found : undefined;
}

/** Version 1 of a person's link record, made the first time it is asked for (or the one another request made at the same moment). */
async function issueFirstLink(deps: Deps, meetingId: string, participantId: string): Promise<PageLinkDoc | undefined> {
  const made = await createOrRead(linkStore(deps), firstLink(meetingId, participantId, 'system', deps.now()), meetingId);
  if (made?.created) deps.log.info('link.issued', { meeting: meetingId, participant: participantId, version: 1 });
  return made?.doc.kind === 'link' ? made.doc : undefined;
}

/** The person a page link may be issued for: anyone invited to a sent meeting but the caseworker who convenes. */
function linkPerson(plan: Meeting | undefined, participantId: string): Participant | undefined {
  if (!plan || plan.status === 'draft') return undefined;
  return plan.participants.find((p) => p.id === participantId && !p.isOrganizer && !p.erased);
}

/**
 * The address of a person's own page, for the caseworker's status card (to print, e-mail or
 * text): the current version of their link, valid until 90 days after the meeting (at least 30
 * days). The first call issues version 1. Undefined for a draft, the caseworker, someone not in
 * the meeting, and while the person's link is revoked (`reissueLink` issues a new one).
 */
export async function pageUrl(deps: Deps, meetingId: string, participantId: string): Promise<string | undefined> {
  if (!isIssuedId(meetingId) || !isIssuedId(participantId)) return undefined;
  const plan = (await readPlan(deps, meetingId))?.doc;
  if (!linkPerson(plan, participantId)) return undefined;
  const link = (await readLink(deps, meetingId, participantId))?.doc ?? (await issueFirstLink(deps, meetingId, participantId));
  if (!link || link.revokedAt) return undefined;
  return pageSigner(deps).pageUrl(meetingId, participantId, link.version, pageExpiry(plan!, deps.now()));
}

/** What the status card may show of a person's page link: its address (none while revoked) and its record (version, uses). */
export interface PageLinkState {
  url?: string;
  record: PageLinkDoc;
}

/**
 * The page links of several people of one meeting at once, for the caseworker's status card
 * (which is drawn synchronously: fetch these first). One read of the meeting's partition (or the
 * documents the caller already read of it, `read`); a
 * link record is made (version 1) for each person who has none yet. People who cannot have a
 * link (the caseworker, someone not in the meeting) are left out; so is everything for a draft.
 */
export async function pageLinks(deps: Deps, meetingId: string, participantIds: readonly string[], read?: readonly MeetingDoc[]): Promise<Map<string, PageLinkState>> {
  const out = new Map<string, PageLinkState>();
  if (!isIssuedId(meetingId)) return out;
  const docs = read ?? (await meetingDocs(deps, meetingId));
  const plan = docs.find((d): d is Meeting => d.kind === 'plan');
  const records = new Map(docs.filter((d): d is PageLinkDoc => d.kind === 'link').map((d) => [d.participantId, d]));
  for (const id of participantIds) {
    if (!isIssuedId(id) || !linkPerson(plan, id)) continue;
    const record = records.get(id) ?? (await issueFirstLink(deps, meetingId, id));
    if (!record) continue;
    out.set(id, { ...(record.revokedAt ? {} : { url: pageSigner(deps).pageUrl(meetingId, id, record.version, pageExpiry(plan!, deps.now())) }), record });
  }
  return out;
}

/**
 * Revokes a person's page link: every link issued to them so far stops at once, and none works
 * until `reissueLink` (or `revokeAndReissue`) issues a new one. `by` is the caseworker's user key.
 * Undefined when the meeting or the person is not there.
 */
export async function revokeLink(deps: Deps, meetingId: string, participantId: string, by: string): Promise<PageLinkDoc | undefined> {
  return changeLink(deps, meetingId, participantId, by, (doc) => revokedLink(doc, by, deps.now()), 'link.revoked');
}

/** Issues a new page link for a person (after a revocation, or replacing the one in use, which stops) and returns its address. */
export async function reissueLink(deps: Deps, meetingId: string, participantId: string, by: string): Promise<string | undefined> {
  const link = await changeLink(deps, meetingId, participantId, by, (doc) => reissuedLink(doc, by, deps.now()), 'link.reissued');
  return link ? pageUrl(deps, meetingId, participantId) : undefined;
}

/**
 * The caseworker's "new link" for one person, from the status card: the person's link in use
 * stops at once and a new one is issued; the status card comes back with a notice. Only the
 * caseworker who convenes (or the co-organizer) may. Meant for the verb `status.pageLink`
 * (data `{ meetingId, participantId }`, the `parsePhoneAnswer`-like ids Samråd issued).
 */
export async function revokeAndReissue(deps: Deps, actor: Actor, data: MeetingRef & { participantId: string }): Promise<CardReply> {
  const { locale } = actor.reader;
  const loaded = await loadOwnMeeting(deps, actor, data.meetingId);
  if ('reply' in loaded) return loaded.reply;
  const plan = loaded.meeting;
  const person = linkPerson(plan, data.participantId);
  let notices: Notice[];
  if (!person) {
    notices = [{ text: problemText(locale, { code: 'participantUnknown' }), color: 'Attention' }];
  } else {
    try {
      await changeLink(deps, plan.id, person.id, actor.userKey, (doc) => reissuedLink(doc, actor.userKey, deps.now()), 'link.reissued');
      await audit(deps, plan, actor.userKey, 'link.reissued', { ref: person.id });
      notices = [{ text: t(locale, 'page.reissued', { name: person.name }), color: 'Good' }];
    } catch (err) {
      if (!(err instanceof ConcurrencyError)) throw err;
      notices = [{ text: problemText(locale, { code: 'busy' }), color: 'Attention' }];
    }
  }
  return showPageLinks(deps, actor, { meetingId: plan.id }, notices);
}

/**
 * The caseworker's card of personal pages: each person outside Teams with the link to their own
 * page (issued the first time it is shown), how often it was used, and, once the minutes were
 * sent, their printable minutes.
 */
export async function showPageLinks(deps: Deps, actor: Actor, data: MeetingRef, notices: Notice[] = []): Promise<CardReply> {
  const loaded = await loadOwnMeeting(deps, actor, data.meetingId);
  if ('reply' in loaded) return loaded.reply;
  const plan = loaded.meeting;
  const outside = plan.participants.filter((p) => linkPerson(plan, p.id));
  const docs = await meetingDocs(deps, plan.id);
  const links = await pageLinks(deps, plan.id, outside.map((p) => p.id), docs);
  const sent = docs.some((d) => d.kind === 'minutes' && d.state === 'sent');
  await audit(deps, plan, actor.userKey, 'pages.read');
  const lines: PageLine[] = outside.map((participant) => {
    const link = links.get(participant.id);
    return {
      participant,
      ...(link?.url ? { url: link.url } : {}),
      uses: link?.record.useCount ?? 0,
      ...(sent && deps.links.minutesUrl ? { minutesUrl: deps.links.minutesUrl(plan.id, participant.id) } : {}),
    };
  });
  return { card: pagesCard(plan, lines, actor.reader, notices) };
}

/** Every document of a meeting (one query in its partition). */
async function meetingDocs(deps: Deps, meetingId: string): Promise<MeetingDoc[]> {
  return (await deps.stores.meetings.query(queries.meeting(meetingId))).map((d) => d.doc);
}

/** Changes a person's link record (made first if none was issued yet), from a fresh read each time. */
async function changeLink(deps: Deps, meetingId: string, participantId: string, by: string, change: (doc: PageLinkDoc) => PageLinkDoc, event: string): Promise<PageLinkDoc | undefined> {
  if (!isIssuedId(meetingId) || !isIssuedId(participantId)) return undefined;
  const plan = (await readPlan(deps, meetingId))?.doc;
  if (!linkPerson(plan, participantId)) return undefined;
  const saved = await upsert(linkStore(deps), meetingId, linkDocId(participantId), (doc) => change(doc ?? firstLink(meetingId, participantId, by, deps.now())));
  deps.log.info(event, { meeting: meetingId, participant: participantId, version: saved?.doc.version });
  return saved?.doc;
}

// ---------------------------------------------------------------------------------------------
// Serving the page

/** What the HTTP layer answers: the page (200, or 400 with the form's errors), a redirect after a form, or a fixed refusal. */
export type PageResult =
  | { status: 200 | 400; input: Omit<PageInput, 'action'> }
  | { status: 303; done: 'answer' | 'feedback' | 'item' }
  | { status: 404 | 410 | 503; refused: 'invalid' | 'gone' | 'unavailable'; locale: Locale };

/** A form as posted: each field's first value. */
export type PageForm = Record<string, string>;

/** A page opened with a valid link: the meeting, the person, their link record. */
interface Opened {
  claims: LinkClaims;
  view: MeetingView;
  person: Participant;
  link: PageLinkDoc;
}

/** The link was replaced or revoked between reading it and recording its use. */
class LinkGone extends Error {}

/** A person's page for a GET: recorded as a use (`view`, or `minutes` when the minutes are on it), then shown. `done` names the form just sent. */
export async function showPage(deps: Deps, token: string, readerLocale: Locale, done?: string): Promise<PageResult> {
  const opened = await openPage(deps, token, readerLocale);
  if ('status' in opened) return opened;
  const input = await pageInput(deps, opened);
  const what: UseKind = input.minutes ? 'minutes' : 'view';
  const recorded = await recordUse(deps, opened, { what, result: 'ok' });
  if (recorded) return recorded;
  await audit(deps, opened.view.plan, pageActor(opened.person.id), 'page.read', { ref: opened.person.id });
  const locale = opened.person.language;
  const organizer = input.contact?.name?.trim() || (opened.view.plan.participants.find((p) => p.isOrganizer)?.name ?? opened.view.plan.organizer.name);
  const notice = done === 'answer' ? t(locale, 'invitation.thanks', { organizer }) : done === 'feedback' ? t(locale, 'feedback.thanks') : done === 'item' ? t(locale, 'agreements.itemSaved') : undefined;
  return { status: 200, input: { ...input, ...(notice ? { notice } : {}) } };
}

/** A form sent from a person's page (`what`: answer, feedback or item): stored and answered with a redirect, or the page again with what was wrong. */
export async function submitPage(deps: Deps, token: string, form: PageForm, readerLocale: Locale): Promise<PageResult> {
  const opened = await openPage(deps, token, readerLocale);
  if ('status' in opened) return opened;
  const what = form.what;
  const outcome =
    what === 'answer' ? await submitAnswer(deps, opened, form) : what === 'feedback' ? await submitFeedback(deps, opened, form) : what === 'item' ? await submitItem(deps, opened, form) : undefined;
  const kind: UseKind = what === 'answer' || what === 'feedback' || what === 'item' ? what : 'view';
  const errors = outcome?.errors ?? [{ text: problemText(opened.person.language, { code: 'unknownAction' }) }];
  const recorded = await recordUse(deps, opened, { what: kind, result: errors.length ? 'invalid' : 'ok' });
  if (recorded) return recorded;
  if (!errors.length) return { status: 303, done: kind as 'answer' | 'feedback' | 'item' };
  // The page as it was read (nothing was stored), with the errors and what was typed.
  return { status: 400, input: { ...(await pageInput(deps, opened)), errors, values: outcome?.keep === false ? {} : form } };
}

/**
 * Checks the token and reads the meeting's partition once: the plan, every answer and item, the
 * person's link record. A link that is not Samråd's, names another purpose, or names a meeting or
 * person that is not there is a 404; a genuine one that expired or was replaced is a 410 (in the
 * person's language), and that refused use is recorded.
 */
async function openPage(deps: Deps, token: string, readerLocale: Locale): Promise<Opened | PageResult> {
  const checked = pageSigner(deps).check(token, 'page');
  if (!checked.ok && checked.reason === 'invalid') return { status: 404, refused: 'invalid', locale: readerLocale };
  const claims = checked.ok ? checked.claims : checked.claims;
  if (!isIssuedId(claims.meetingId)) return { status: 404, refused: 'invalid', locale: readerLocale };
  let docs: Versioned<MeetingDoc>[];
  try {
    docs = await deps.stores.meetings.query(queries.meeting(claims.meetingId));
  } catch (err) {
    deps.log.error('page.unavailable', { error: (err as Error).name });
    return { status: 503, refused: 'unavailable', locale: readerLocale };
  }
  const view = viewOf(docs.map((d) => d.doc));
  if (!view || view.plan.status === 'draft') return { status: 404, refused: 'invalid', locale: readerLocale };
  // The token names the person by a digest of their id (`domain/page-link.ts`): found again among the meeting's people.
  const link = docs.map((d) => d.doc).find((d): d is PageLinkDoc => d.kind === 'link' && namesParticipant(claims, d.participantId));
  // Someone whose data was erased is not there any more: their link finds nothing.
  const person = view.plan.participants.find((p) => namesParticipant(claims, p.id) && !p.isOrganizer && !p.erased);
  const removed = view.plan.removed?.find((r) => namesParticipant(claims, r.participant.id) && !r.participant.erased)?.participant;
  if (!person && !removed && !link) return { status: 404, refused: 'invalid', locale: readerLocale };
  const locale = person?.language ?? removed?.language ?? readerLocale;
  if (!checked.ok || !person || !link || !linkAccepts(link, claims.version)) {
    deps.log.warn('page.refused', { meeting: view.plan.id, reason: !checked.ok ? 'expired' : !person ? 'notInMeeting' : 'revoked' });
    if (link) {
      try {
        await update(linkStore(deps), view.plan.id, link.id, (doc) => withUse(doc, { what: 'view', result: 'refused', v: claims.version ?? 0 }, deps.now()));
      } catch (err) {
        deps.log.error('page.useNotRecorded', { error: (err as Error).name });
      }
    }
    return { status: 410, refused: 'gone', locale };
  }
  return { claims, view, person, link };
}

/** Records one use in the person's link record, only while the link still holds; a refusal to answer with when not. */
async function recordUse(deps: Deps, opened: Opened, use: Pick<LinkUse, 'what' | 'result'>): Promise<PageResult | undefined> {
  const { view, person, claims } = opened;
  try {
    const saved = await update(linkStore(deps), view.plan.id, linkDocId(person.id), (doc) => {
      if (!linkAccepts(doc, claims.version)) throw new LinkGone();
      return withUse(doc, { ...use, v: claims.version! }, deps.now());
    });
    if (!saved) return { status: 410, refused: 'gone', locale: person.language };
    return undefined;
  } catch (err) {
    if (err instanceof LinkGone) return { status: 410, refused: 'gone', locale: person.language };
    deps.log.error('page.useNotRecorded', { error: (err as Error).name });
    return { status: 503, refused: 'unavailable', locale: person.language };
  }
}

/** Where the meeting stands for the page. */
export function stageOf(view: MeetingView): PageStage {
  if (view.plan.status === 'cancelled') return 'cancelled';
  const session = view.session;
  if (!session || session.state === 'ready') return 'ahead';
  return session.state === 'ended' ? 'ended' : 'running';
}

/** Feedback is open from the meeting's summary phase on, as `recordFeedback` has it. */
function feedbackOpen(view: MeetingView): boolean {
  const s = view.session;
  return !!s && (s.state === 'ended' || (s.state === 'running' && s.phase === 'summary'));
}

/** What the page shows this person: their own answer, feedback and items, the minutes once sent; never anyone else's answers or feedback. */
async function pageInput(deps: Deps, opened: Opened): Promise<Omit<PageInput, 'action'>> {
  const { view, person } = opened;
  const plan = view.plan;
  const key = plan.organizer.userKey;
  const contact = (await deps.stores.users.read(key, key))?.doc.contact;
  const minutes = view.minutes?.state === 'sent' && view.session ? minutesContent(plan, view.session, view.actions, view.minutes) : undefined;
  const reply = view.replies.get(person.id);
  const feedback = view.feedback.get(person.id);
  // From the days before the follow-up meeting that everyone in Teams gets the summary, the page shows it too.
  const followUp = view.session?.state === 'ended' ? view.session.outcome?.followUp : undefined;
  const zone = plan.when?.timeZone ?? deps.defaultTimeZone;
  const today = deps.now().setZone(zone).toISODate()!;
  const summaryFrom = followUp && followUp !== 'undecided' ? DateTime.fromISO(followUp, { zone }).minus({ days: deps.nudgeSettings.summaryDaysBefore }).toISODate()! : undefined;
  const summary = summaryFrom && followUp && today >= summaryFrom && today <= followUp ? { followUp, open: view.actions.filter((i) => !i.done).length } : undefined;
  return {
    meeting: plan,
    person,
    stage: stageOf(view),
    feedbackOpen: feedbackOpen(view),
    ...(reply ? { reply } : {}),
    ...(feedback ? { feedback } : {}),
    items: view.actions.filter((item) => ownsItem(item, person.id)),
    ...(minutes ? { minutes } : {}),
    ...(contact ? { contact } : {}),
    ...(summary ? { summary } : {}),
  };
}

/** What a form did: no errors (stored), or what was wrong; `keep: false` drops what was typed (it is stored already, or no longer applies). */
interface FormOutcome {
  errors: PageError[];
  keep?: boolean;
}

/** The person answers the invitation: coming, maybe or not coming, with a comment and a topic; while the meeting is ahead, for the invitation as it is now. */
async function submitAnswer(deps: Deps, opened: Opened, form: PageForm): Promise<FormOutcome> {
  const { view, person } = opened;
  const plan = view.plan;
  const locale = person.language;
  const stage = stageOf(view);
  if (stage === 'cancelled') return { errors: [{ text: problemText(locale, { code: 'meetingCancelled' }) }], keep: false };
  if (stage !== 'ahead') return { errors: [{ text: t(locale, 'page.answerClosed') }], keep: false };
  // The form carries the plan revision it was drawn from: an answer to what the invitation said before a change is not taken.
  if ((form.rev ?? '') !== String(plan.planRev ?? plan.rev)) return { errors: [{ text: t(locale, 'page.changed') }] };
  const errors: PageError[] = [];
  const answer = oneOf(ANSWERS, form.answer ?? '');
  if (!answer) errors.push({ field: 'answer', text: problemText(locale, { code: 'answerInvalid' }) });
  const tooLong = (field: 'comment' | 'topic', max: number) => ({ field, text: problemText(locale, { code: 'textTooLong', params: { field, max } }) });
  if (clean(form.comment ?? '', true).length > LIMITS.comment) errors.push(tooLong('comment', LIMITS.comment));
  if (clean(form.topic ?? '').length > LIMITS.topic) errors.push(tooLong('topic', LIMITS.topic));
  if (errors.length || !answer) return { errors };
  try {
    // Given on the person's own page.
    const next = replyDoc(plan, person.id, { answer, comment: form.comment ?? '', topic: form.topic ?? '' }, 'page', pageActor(person.id), deps.now());
    await upsert<MeetingDoc>(deps.stores.meetings, plan.id, next.id, () => next);
  } catch (err) {
    const refusal = err instanceof ConcurrencyError || err instanceof AlreadyExistsError ? new Refusal({ code: 'busy' }) : err;
    if (!(refusal instanceof Refusal)) throw err;
    return { errors: refusal.problems.map((p) => problemError(locale, p)) };
  }
  deps.log.info('page.answered', { meeting: plan.id, participant: person.id, answer });
  await audit(deps, plan, pageActor(person.id), 'answer.given', { ref: person.id });
  // The answer is stored; bringing the caseworker's status card up to date is work after it.
  deps.jobs.runSoon(await requestStatusRefresh(deps, plan.id));
  deps.jobs.runSoon(await meetingChanged(deps, plan.id));
  return { errors: [] };
}

/** The person's feedback: the four scales from 1 to 10 and a comment, once. */
async function submitFeedback(deps: Deps, opened: Opened, form: PageForm): Promise<FormOutcome> {
  const { view, person } = opened;
  const locale = person.language;
  if (view.feedback.has(person.id)) return { errors: [{ text: problemText(locale, { code: 'feedbackGiven' }) }], keep: false };
  if (!feedbackOpen(view)) return { errors: [{ text: problemText(locale, { code: 'notEnded' }) }], keep: false };
  const errors: PageError[] = [];
  for (const scale of SCALES) {
    const value = (form[scale] ?? '').trim();
    const n = /^\d{1,2}$/.test(value) ? Number(value) : NaN;
    if (!(n >= 1 && n <= 10)) errors.push({ field: scale, text: t(locale, 'page.scoreMissing', { min: 1, max: 10, scale: t(locale, `feedback.scale.${scale}`) }) });
  }
  if (clean(form.comment ?? '', true).length > LIMITS.comment) errors.push({ field: 'feedbackComment', text: problemText(locale, { code: 'textTooLong', params: { field: 'comment', max: LIMITS.comment } }) });
  if (errors.length) return { errors };
  const input = { ...Object.fromEntries(SCALES.map((s) => [s, form[s] ?? ''])), comment: form.comment ?? '' } as FeedbackInput;
  try {
    await recordFeedback(deps, view.plan, view.session, person.id, input, 'page', pageActor(person.id));
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    const given = err.problems.some((p) => p.code === 'feedbackGiven');
    return { errors: err.problems.map((p) => (p.code === 'textTooLong' ? { field: 'feedbackComment' as const, text: problemText(locale, p) } : problemError(locale, p))), keep: !given };
  }
  return { errors: [] };
}

/** The person marks one of their own action items done, or not done again, once the meeting has ended. */
async function submitItem(deps: Deps, opened: Opened, form: PageForm): Promise<FormOutcome> {
  const { view, person } = opened;
  const locale = person.language;
  const refuse = (code: 'itemUnknown' | 'notOwner' | 'notEnded' | 'busy'): FormOutcome => ({ errors: [{ text: problemText(locale, { code }) }], keep: false });
  if (stageOf(view) !== 'ended') return refuse('notEnded');
  const itemId = (form.item ?? '').toLowerCase();
  const done = form.done === 'yes' ? true : form.done === 'no' ? false : undefined;
  if (!isIssuedId(itemId) || done === undefined) return refuse('itemUnknown');
  const found = await readItem(deps, view.plan.id, itemId);
  if (!found) return refuse('itemUnknown');
  if (!ownsItem(found.doc, person.id)) {
    deps.log.warn('page.notOwner', { meeting: view.plan.id });
    return refuse('notOwner');
  }
  const next = markItem(found.doc, done, pageActor(person.id), 'page', deps.now());
  try {
    if (next !== found.doc) await deps.stores.meetings.replace(next, found.etag);
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
    return refuse('busy');
  }
  deps.log.info('page.itemMarked', { meeting: view.plan.id, done });
  if (next !== found.doc) await audit(deps, view.plan, pageActor(person.id), done ? 'item.done' : 'item.undone', { ref: found.doc.id });
  deps.jobs.runSoon(await meetingChanged(deps, view.plan.id));
  return { errors: [] };
}

/** A refusal's problem as an error on the page, next to its field where it has one. */
function problemError(locale: Locale, problem: Problem): PageError {
  const field = typeof problem.params?.field === 'string' && (problem.params.field === 'comment' || problem.params.field === 'topic') ? (problem.params.field as PageField) : undefined;
  if (problem.code === 'answerInvalid') return { field: 'answer', text: problemText(locale, problem) };
  return { ...(field ? { field } : {}), text: problemText(locale, problem) };
}
