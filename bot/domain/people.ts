import { createHash } from 'node:crypto';
import type { DateTime } from 'luxon';
import { LIMITS, type Meeting, type Participant } from './meeting';
import { meetingDate } from './plan';
import { clean } from './text';
import { Refusal } from './problems';

/**
 * The index by person: where each person appears, so the data-protection officer finds every
 * meeting of someone who asks for their data (GDPR art. 15) or its erasure (art. 17) without a
 * query that reads every meeting. A person is known by up to three keys, each a partition of the
 * `people` container:
 *
 * - `aad-<Entra object id>`: someone invited in Teams (or the caseworker);
 * - `email-<SHA-256 of the lower-cased address>`: someone invited by e-mail;
 * - `name-<SHA-256 of the name, normalised>`: everyone, by the name the caseworker wrote. Names
 *   are not unique (the client is often a first name or initials), so a lookup by name also
 *   takes the meeting's day, and only the entries of that day count.
 *
 * No key holds a name or an address in clear. Each entry names a meeting and a participant by id
 * and carries the meeting's day; it is a projection of the plan, written when the meeting is sent
 * and changed, and the plan is the truth: a lookup checks every entry against the plan it names
 * (and an entry the plan no longer bears out is dropped). Pure, but for the hash.
 */

/** How a person is looked up. */
export type PersonKeyKind = 'aad' | 'email' | 'name';

/** One place a person appears: a participant of a meeting, under one of the person's keys. */
export interface PersonRef {
  kind: 'personRef';
  /** `<meeting id>.<participant id>` */
  id: string;
  /** The partition: one of the person's keys. */
  personKey: string;
  tenantId: string;
  meetingId: string;
  participantId: string;
  /** The meeting's day in its own time zone (yyyy-MM-dd), for the lookup by name and day. */
  day?: string;
  /** When the entry goes with the meeting (retention: the plan's own expiry, when it has one). */
  expiresAt?: string;
  updatedAt: string;
}

/** A key as the officer's card carries it: the kind and a hex digest, or an object id. */
export const PERSON_KEY = /^(aad-[a-z0-9-]{1,64}|email-[0-9a-f]{64}|name-[0-9a-f]{64})$/;

/** An Entra object id as the people picker gives it (letters, digits and dashes: what Samråd accepts as an id from Teams). */
const OBJECT_ID = /^[A-Za-z0-9-]{1,64}$/;

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A name as it is compared: Unicode NFKC, lower case, inner whitespace collapsed, trimmed. */
export function normalName(name: string): string {
  return clean(name.normalize('NFKC')).toLowerCase();
}

/** The key of someone in Teams: their Entra object id. */
export function aadKey(objectId: string): string {
  return `aad-${objectId.trim().toLowerCase()}`;
}

/** The key of an e-mail address: a digest of it, lower-cased. */
export function emailKey(email: string): string {
  return `email-${sha256(email.trim().toLowerCase())}`;
}

/** The key of a name: a digest of it, normalised (`normalName`). */
export function nameKey(name: string): string {
  return `name-${sha256(normalName(name))}`;
}

/** The kind of a key. */
export function keyKind(key: string): PersonKeyKind {
  return key.startsWith('aad-') ? 'aad' : key.startsWith('email-') ? 'email' : 'name';
}

/** The keys a participant is found by: their name, and their Teams id or e-mail address. None for an erased one. */
export function keysOf(p: Participant): string[] {
  if (p.erased) return [];
  const keys: string[] = [];
  if (normalName(p.name)) keys.push(nameKey(p.name));
  if (p.contact.kind === 'teams' && OBJECT_ID.test(p.contact.userId)) keys.push(aadKey(p.contact.userId));
  if (p.contact.kind === 'email' && p.contact.email) keys.push(emailKey(p.contact.email));
  return keys;
}

/**
 * Everyone a plan holds: those invited, those a change being prepared would add, and those a
 * change removed (their answer and delivery are still stored). Each once, by id.
 */
export function everyone(plan: Meeting): Participant[] {
  const seen = new Map<string, Participant>();
  for (const p of [...plan.participants, ...(plan.editing?.participants ?? []), ...(plan.removed ?? []).map((r) => r.participant)]) if (!seen.has(p.id)) seen.set(p.id, p);
  return [...seen.values()];
}

/** The id of a person's entry for a participant of a meeting. */
export function personRefId(meetingId: string, participantId: string): string {
  return `${meetingId}.${participantId}`;
}

/** The entries a plan gives: one per key of each person it holds (a draft gives none: it is the caseworker's work in progress). */
export function personRefsOf(plan: Meeting, now: DateTime): PersonRef[] {
  if (plan.status === 'draft') return [];
  const day = meetingDate(plan);
  const expiresAt = (plan as { expiresAt?: string }).expiresAt;
  const at = now.toUTC().toISO()!;
  return everyone(plan).flatMap((p) =>
    keysOf(p).map((personKey) => ({
      kind: 'personRef' as const,
      id: personRefId(plan.id, p.id),
      personKey,
      tenantId: plan.tenantId,
      meetingId: plan.id,
      participantId: p.id,
      ...(day ? { day } : {}),
      ...(expiresAt ? { expiresAt } : {}),
      updatedAt: at,
    })),
  );
}

/** True when the stored entry says what `next` says (when it was written aside). */
export function sameRef(a: PersonRef, b: PersonRef): boolean {
  return a.tenantId === b.tenantId && a.meetingId === b.meetingId && a.participantId === b.participantId && a.day === b.day && a.expiresAt === b.expiresAt;
}

/** The participant an entry names, when the plan still bears it out: there, not erased, found by that key. */
export function confirmedBy(plan: Meeting | undefined, ref: Pick<PersonRef, 'meetingId' | 'participantId' | 'personKey' | 'tenantId'>): Participant | undefined {
  if (!plan || plan.id !== ref.meetingId || plan.tenantId !== ref.tenantId || plan.status === 'draft') return undefined;
  const p = everyone(plan).find((x) => x.id === ref.participantId);
  return p && keysOf(p).includes(ref.personKey) ? p : undefined;
}

/** What the officer typed to find someone. */
export type PersonQuery = { by: 'aad'; objectId: string } | { by: 'email'; email: string } | { by: 'name'; name: string; day: string };

/** The key (and, for a name, the day) to look a person up by; a refusal when what was typed cannot name anyone. */
export function lookupOf(query: PersonQuery): { key: string; day?: string } {
  switch (query.by) {
    case 'aad': {
      const id = query.objectId.trim();
      if (!OBJECT_ID.test(id)) throw new Refusal({ code: 'teamsUserRequired' });
      return { key: aadKey(id) };
    }
    case 'email': {
      const email = clean(query.email).toLowerCase();
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > LIMITS.email) throw new Refusal({ code: 'emailInvalid' });
      return { key: emailKey(email) };
    }
    case 'name': {
      const name = clean(query.name);
      if (!name) throw new Refusal({ code: 'nameRequired' });
      if (name.length > LIMITS.name) throw new Refusal({ code: 'textTooLong', params: { field: 'name', max: LIMITS.name } });
      if (!/^\d{4}-\d{2}-\d{2}$/.test(query.day)) throw new Refusal({ code: 'dateRequired' });
      return { key: nameKey(name), day: query.day };
    }
  }
}
