import type { Meeting } from '../domain/meeting';
import { lookupOf, type PersonQuery } from '../domain/people';
import { Refusal } from '../domain/problems';
import { problemText, t } from '../i18n';
import type { Notice } from '../../cards/render';
import { auditCard, confirmMeetingCard, confirmPersonCard, privacyCard, type FoundLine } from '../../cards/privacy';
import type { MeetingRef, PrivacyInvalid } from './action-data';
import { audit, readAudit } from './audit';
import { ERASE_MEETING_JOB, ERASE_PERSON_JOB } from './erasure';
import { readPlan, refusedCard } from './meetings';
import { findPerson, type Found } from './people';
import type { Actor, CardReply, Deps } from './ports';

/**
 * The data-protection officer's work, from a card in their personal chat (`dataskydd`,
 * `databeskyttelse`, `tietosuoja`, `data protection`): find every meeting of their organisation in
 * which a person appears, hand the person their data, erase it (or a whole meeting), and read a
 * meeting's audit trail. Who is an officer is checked on every press, before anything the card
 * carries is looked at; anyone else gets a short refusal in their language and nothing more.
 * What the officer finds, downloads and erases is recorded in the audit trail of each meeting it
 * concerns, by their user key.
 */

/** How many entries of a trail the card shows (the latest). */
export const AUDIT_SHOWN = 100;

/** The refusal for anyone who is not an officer of their tenant (now); undefined for an officer. */
async function notOfficer(deps: Deps, actor: Actor): Promise<CardReply | undefined> {
  if (await deps.dataProtection.isDataProtectionOfficer(actor.tenantId, actor.userId)) return undefined;
  deps.log.info('privacy.refused', { tenant: actor.tenantId });
  return refusedCard(actor, 'notDataProtectionOfficer');
}

function invalidCard(actor: Actor, data: PrivacyInvalid): CardReply {
  const text = data.invalid === 'idInvalid' ? t(actor.reader.locale, 'privacy.idInvalid') : problemText(actor.reader.locale, { code: 'unknownAction' });
  return { card: privacyCard(actor.reader, undefined, [{ text, color: 'Attention' }]) };
}

/** The officer's card, to search with. */
export async function showPrivacy(deps: Deps, actor: Actor): Promise<CardReply> {
  return (await notOfficer(deps, actor)) ?? { card: privacyCard(actor.reader) };
}

/** Finds a person by what the officer typed, and shows where they appear, with their data to download and the erasure. */
export async function findPersonCard(deps: Deps, actor: Actor, data: { query: PersonQuery } | PrivacyInvalid): Promise<CardReply> {
  const refused = await notOfficer(deps, actor);
  if (refused) return refused;
  if ('invalid' in data) return invalidCard(actor, data);
  let lookup: { key: string; day?: string };
  try {
    lookup = lookupOf(data.query);
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    return { card: privacyCard(actor.reader, undefined, err.problems.map((p): Notice => ({ text: problemText(actor.reader.locale, p), color: 'Attention' }))) };
  }
  return { card: await resultCard(deps, actor, lookup) };
}

/** The search card with what a lookup finds now (each meeting shown is recorded in its trail). */
async function resultCard(deps: Deps, actor: Actor, lookup: { key: string; day?: string }, notices: Notice[] = []): Promise<CardReply['card']> {
  const found = await findPerson(deps, actor.tenantId, lookup.key, lookup.day);
  for (const f of found) await audit(deps, f.plan, actor.userKey, 'person.found', { ref: f.participant.id });
  deps.log.info('privacy.found', { tenant: actor.tenantId, by: lookup.key.split('-')[0], meetings: found.length });
  const links = found.length > 0 ? deps.links.personExportUrls?.({ tenantId: actor.tenantId, key: lookup.key, ...(lookup.day ? { day: lookup.day } : {}), by: actor.userKey, locale: actor.reader.locale }) : undefined;
  return privacyCard(actor.reader, { ...lookup, found: found.map(line), ...(links ? { links } : {}) }, notices);
}

function line(found: Found): FoundLine {
  return { ...found, removed: !found.plan.participants.some((p) => p.id === found.participant.id) };
}

/** A meeting's audit trail, by its id: the meeting of the officer's own organisation, or the trail an erased one left. */
export async function showAuditTrail(deps: Deps, actor: Actor, data: MeetingRef | PrivacyInvalid): Promise<CardReply> {
  const refused = await notOfficer(deps, actor);
  if (refused) return refused;
  if ('invalid' in data) return invalidCard(actor, data);
  const plan = (await readPlan(deps, data.meetingId))?.doc;
  const { entries, more } = await readAudit(deps, data.meetingId, AUDIT_SHOWN);
  // Another organisation's meeting is not there for this officer; an erased one is, by the tenant its erasure recorded.
  const ours = plan ? plan.tenantId === actor.tenantId : entries.some((e) => e.action === 'meeting.erased' && e.tenantId === actor.tenantId);
  if (!ours || (plan && plan.status === 'draft')) {
    deps.log.info('privacy.auditNotFound', { tenant: actor.tenantId });
    return { card: privacyCard(actor.reader, undefined, [{ text: t(actor.reader.locale, 'privacy.meetingNotFound'), color: 'Attention' }]) };
  }
  // Recorded in the trail read, expiring with the meeting (or with the trail an erased one left).
  const expiresAt = (entries.find((e) => e.action === 'meeting.erased') as { expiresAt?: string } | undefined)?.expiresAt;
  await audit(deps, plan ?? { id: data.meetingId, ...(expiresAt ? { expiresAt } : {}) }, actor.userKey, 'audit.read');
  deps.log.info('privacy.auditRead', { meeting: data.meetingId, entries: entries.length });
  return { card: auditCard(actor.reader, data.meetingId, plan, entries, more, actor.userKey) };
}

/** Asks the officer to confirm erasing the person a search found, from every meeting it found them in. */
export async function askErasePerson(deps: Deps, actor: Actor, data: { key: string; day?: string } | PrivacyInvalid): Promise<CardReply> {
  const refused = await notOfficer(deps, actor);
  if (refused) return refused;
  if ('invalid' in data) return invalidCard(actor, data);
  const found = await findPerson(deps, actor.tenantId, data.key, data.day);
  if (found.length === 0) return { card: await resultCard(deps, actor, data, [{ text: t(actor.reader.locale, 'privacy.nothingToErase'), color: 'Warning' }]) };
  return { card: confirmPersonCard(actor.reader, data, unique(found.map((f) => f.plan)), deps.newId()) };
}

/**
 * Erases the person from every meeting they are found in now, as a job (see `erasure.ts`) keyed by
 * the request id the confirmation card carries, so pressing Erase twice is one erasure. The
 * officer gets a card in their chat when it is done.
 */
export async function erasePersonNow(deps: Deps, actor: Actor, data: { key: string; day?: string; request: string } | PrivacyInvalid): Promise<CardReply> {
  const refused = await notOfficer(deps, actor);
  if (refused) return refused;
  if ('invalid' in data) return invalidCard(actor, data);
  const found = await findPerson(deps, actor.tenantId, data.key, data.day);
  if (found.length === 0) return { card: privacyCard(actor.reader, undefined, [{ text: t(actor.reader.locale, 'privacy.nothingToErase'), color: 'Warning' }]) };
  const targets = found.map((f) => ({ meetingId: f.plan.id, participantId: f.participant.id }));
  const job = await deps.jobs.enqueue(ERASE_PERSON_JOB, data.request, { requestId: data.request, tenantId: actor.tenantId, by: actor.userKey, targets }, deps.now());
  deps.log.info('privacy.erasePerson', { request: data.request, meetings: new Set(targets.map((x) => x.meetingId)).size });
  return { card: privacyCard(actor.reader, undefined, [{ text: t(actor.reader.locale, 'privacy.started'), color: 'Good' }]), jobs: [job] };
}

/** Asks the officer to confirm erasing a whole meeting of their organisation. */
export async function askEraseMeeting(deps: Deps, actor: Actor, data: MeetingRef | PrivacyInvalid): Promise<CardReply> {
  const refused = await notOfficer(deps, actor);
  if (refused) return refused;
  if ('invalid' in data) return invalidCard(actor, data);
  const plan = await ownPlan(deps, actor, data.meetingId);
  if (!plan) return { card: privacyCard(actor.reader, undefined, [{ text: t(actor.reader.locale, 'privacy.meetingNotFound'), color: 'Attention' }]) };
  return { card: confirmMeetingCard(actor.reader, plan, deps.newId()) };
}

/** Erases a whole meeting, as a job keyed by the request id its confirmation card carries. */
export async function eraseMeetingNow(deps: Deps, actor: Actor, data: (MeetingRef & { request: string }) | PrivacyInvalid): Promise<CardReply> {
  const refused = await notOfficer(deps, actor);
  if (refused) return refused;
  if ('invalid' in data) return invalidCard(actor, data);
  const plan = await ownPlan(deps, actor, data.meetingId);
  if (!plan) return { card: privacyCard(actor.reader, undefined, [{ text: t(actor.reader.locale, 'privacy.meetingNotFound'), color: 'Attention' }]) };
  const job = await deps.jobs.enqueue(ERASE_MEETING_JOB, data.request, { requestId: data.request, tenantId: actor.tenantId, by: actor.userKey, meetingId: plan.id }, deps.now());
  deps.log.info('privacy.eraseMeeting', { request: data.request, meeting: plan.id });
  return { card: privacyCard(actor.reader, undefined, [{ text: t(actor.reader.locale, 'privacy.started'), color: 'Good' }]), jobs: [job] };
}

/** A sent (or cancelled) meeting of the officer's own organisation. */
async function ownPlan(deps: Deps, actor: Actor, meetingId: string): Promise<Meeting | undefined> {
  const plan = (await readPlan(deps, meetingId))?.doc;
  return plan && plan.tenantId === actor.tenantId && plan.status !== 'draft' ? plan : undefined;
}

function unique(plans: readonly Meeting[]): Meeting[] {
  return plans.filter((p, i) => plans.findIndex((q) => q.id === p.id) === i);
}
