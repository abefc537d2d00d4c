import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Meeting } from './meeting';

/**
 * Personal links: the rules of the signed tokens Samråd puts in links, and of the record kept
 * per person of their page link. Pure: the signing itself is `services/links.ts`, the store
 * `services/pages.ts`.
 *
 * **The token** is a JWS (RFC 7515) in compact serialization, signed with HS256 and a key id:
 * `base64url(header).base64url(payload).base64url(HMAC-SHA256)`, the header exactly
 * `{"alg":"HS256","kid":"<key id>"}`. Any JWS library checks it (the tests do with `jose`).
 * Its payload is not JSON but 32 bytes (for a meeting id Samråd issued), so a link stays short:
 * about 130 characters of token instead of 230 for the same claims as a JWT. That matters on the
 * caseworker's status card, which carries a letter and a calendar-file link for up to 40 people
 * within Teams' 80 KB, and for a link typed from a printed letter or sent in a text message.
 *
 * | bytes | claim |
 * |---|---|
 * | 0 | format: 1 = the meeting id is a UUID, in 16 bytes from byte 16; 2 = it is UTF-8 text from byte 16 |
 * | 1 | purpose: 1 `page` (the person's own page), 2 `letter` (their printable letter), 3 `ics` (their calendar file), 4 `export` (the caseworker's journal text and JSON export of the meeting), 5 `minutes` (a participant's printable minutes) |
 * | 2–5 | expiry, seconds since 1970 (UTC), unsigned big-endian: the link works until just before it |
 * | 6–7 | page links: the version of the person's link (from 1); the caseworker's "new link" raises it and every older link stops at once. 0 for other links |
 * | 8–15 | the participant: the first 8 bytes of SHA-256 of their id (`participantKey`), found again among the meeting's participants. An `export` link names no person: these bytes are `participantKey` of the meeting id itself, and a token whose bytes are anything else is refused |
 * | 16– | the meeting id |
 *
 * How long each works: a page link until 90 days after the meeting (at least 30 days,
 * `pageExpiry`), a letter, calendar-file or minutes link 14 days (`LETTER_DAYS`, `MINUTES_DAYS`:
 * they are printed or passed on), an export link 24 hours (`EXPORT_HOURS`: it opens the whole
 * meeting, and the caseworker's card draws fresh ones).
 *
 * A token opens only what its purpose says (a calendar-file link never opens the letter, which
 * has the postal address; a minutes link never opens the caseworker's export), and only until it
 * expires. The header carries nothing but `alg` and
 * `kid`: `alg` must be HS256 (no `none`, no other algorithm), any other parameter (`crit`, `jku`,
 * `jwk`, `typ`, …) is refused, and the key id must be one of the keys configured.
 *
 * **Keys and rotation.** `LINK_SIGNING_SECRET` holds one secret, or several separated by commas,
 * the newest first. Each secret gives a key id (6 characters) and an HS256 key, both derived from
 * it with HKDF-SHA256 (see `services/links.ts`); the newest signs, every one verifies. Rotating:
 * put a new secret in front (`new,old`); links signed with the old one keep working until they
 * expire or the old secret is taken out of the list, which stops all of them at once.
 */

/** What a link may open. */
export const PURPOSES = ['page', 'letter', 'ics', 'export', 'minutes'] as const;
export type LinkPurpose = (typeof PURPOSES)[number];

/** What a token says, in Samråd's words. */
export interface LinkClaims {
  meetingId: string;
  /** The participant, as `participantKey` of their id (for an `export` link, of the meeting id: it names no person). */
  participantKey: string;
  purpose: LinkPurpose;
  /** Page links only: the version of the person's link it was issued as. */
  version?: number;
  /** Seconds since 1970 (UTC) from which it no longer works. */
  expires: number;
}

/** What signing takes: the participant by their id (for an `export` link the meeting id, see `exportSubject`). */
export interface LinkSubject {
  meetingId: string;
  participantId: string;
  purpose: LinkPurpose;
  version?: number;
  expires: number;
}

/** Why a token is refused: `invalid` for anything not signed by Samråd as this purpose, `expired` for a genuine one past its time. */
export type TokenCheck = { ok: true; claims: LinkClaims } | { ok: false; reason: 'invalid' } | { ok: false; reason: 'expired'; claims: LinkClaims };

/** The longest token looked at; anything longer is refused unread. */
export const MAX_TOKEN_LENGTH = 512;

/** The longest meeting id a token may carry as text (Samråd issues UUIDs, 16 bytes). */
const MAX_ID_BYTES = 64;

const PURPOSE_CODES: Record<LinkPurpose, number> = { page: 1, letter: 2, ics: 3, export: 4, minutes: 5 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The secrets in LINK_SIGNING_SECRET, the newest first: one, or several separated by commas. */
export function signingSecrets(setting: string): string[] {
  return setting
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The JWS header a token is signed with. */
export function tokenHeader(kid: string): { alg: 'HS256'; kid: string } {
  return { alg: 'HS256', kid };
}

/** How a token names a participant: the first 8 bytes of SHA-256 of their id, as base64url. */
export function participantKey(participantId: string): string {
  return createHash('sha256').update(participantId, 'utf8').digest().subarray(0, 8).toString('base64url');
}

/** What an export link is signed for: the meeting alone, its id standing where a participant's would (see the table above). */
export function exportSubject(meetingId: string, expires: number): LinkSubject {
  return { meetingId, participantId: meetingId, purpose: 'export', expires };
}

/** True when the claims name this participant. */
export function namesParticipant(claims: Pick<LinkClaims, 'participantKey'>, participantId: string): boolean {
  return claims.participantKey === participantKey(participantId);
}

/** The payload of a token for these claims (see the table above). */
export function encodeClaims(subject: LinkSubject): Buffer {
  const version = subject.purpose === 'page' ? (subject.version ?? 0) : 0;
  if (subject.purpose === 'page' && !(version >= 1 && version <= 0xffff)) throw new Error('a page link needs a version from 1 to 65535');
  if (subject.purpose === 'export' && subject.participantId !== subject.meetingId) throw new Error('an export link names the meeting only (exportSubject)');
  if (!(Number.isSafeInteger(subject.expires) && subject.expires >= 0 && subject.expires <= 0xffffffff)) throw new Error('a link expiry must fit in 32 bits');
  const uuid = UUID.test(subject.meetingId);
  const id = uuid ? Buffer.from(subject.meetingId.replace(/-/g, ''), 'hex') : Buffer.from(subject.meetingId, 'utf8');
  if (id.length === 0 || id.length > MAX_ID_BYTES) throw new Error('a link names a meeting id of 1 to 64 bytes');
  const head = Buffer.alloc(16);
  head.writeUInt8(uuid ? 1 : 2, 0);
  head.writeUInt8(PURPOSE_CODES[subject.purpose], 1);
  head.writeUInt32BE(subject.expires, 2);
  head.writeUInt16BE(version, 6);
  Buffer.from(participantKey(subject.participantId), 'base64url').copy(head, 8);
  return Buffer.concat([head, id]);
}

/**
 * The key id of a decoded JWS header that Samråd accepts: exactly HS256 and a known key id;
 * undefined for any other header (`alg: none`, another algorithm, `crit`, `typ`, an unknown key
 * id, extra parameters such as `jku` or `jwk`).
 */
export function acceptedKid(header: unknown, knownKids: ReadonlySet<string>): string | undefined {
  if (!isRecord(header)) return undefined;
  for (const key of Object.keys(header)) if (key !== 'alg' && key !== 'kid') return undefined;
  if (header.alg !== 'HS256') return undefined;
  if (typeof header.kid !== 'string' || !knownKids.has(header.kid)) return undefined;
  return header.kid;
}

/**
 * The claims of a token whose signature has been checked, for the purpose asked: refused when
 * the payload is not Samråd's shape or names another purpose; `expired` (with the claims, so the
 * person is known) from the second of its expiry on (as RFC 7519's `exp`: "on or after").
 */
export function checkClaims(payload: Buffer, purpose: LinkPurpose, nowSeconds: number): TokenCheck {
  const invalid = { ok: false, reason: 'invalid' } as const;
  if (payload.length < 17) return invalid;
  const format = payload.readUInt8(0);
  const id = payload.subarray(16);
  if (format === 1 ? id.length !== 16 : format !== 2 || id.length > MAX_ID_BYTES) return invalid;
  if (payload.readUInt8(1) !== PURPOSE_CODES[purpose]) return invalid;
  const expires = payload.readUInt32BE(2);
  const version = payload.readUInt16BE(6);
  if (purpose === 'page' ? version < 1 : version !== 0) return invalid;
  let meetingId: string;
  if (format === 1) {
    const hex = id.toString('hex');
    meetingId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  } else {
    meetingId = id.toString('utf8');
    // Text that a UUID would have been encoded as bytes, or that is not UTF-8, is not Samråd's.
    if (UUID.test(meetingId) || !Buffer.from(meetingId, 'utf8').equals(id)) return invalid;
  }
  const claims: LinkClaims = { meetingId, participantKey: payload.subarray(8, 16).toString('base64url'), purpose, ...(purpose === 'page' ? { version } : {}), expires };
  // An export link names no person: only the meeting's own key stands where a participant's would.
  if (purpose === 'export' && claims.participantKey !== participantKey(meetingId)) return invalid;
  if (nowSeconds >= expires) return { ok: false, reason: 'expired', claims };
  return { ok: true, claims };
}

// ---------------------------------------------------------------------------------------------
// The record of a person's page link

/** What a use of the page did. */
export const USES = ['view', 'minutes', 'answer', 'feedback', 'item'] as const;
export type UseKind = (typeof USES)[number];

/**
 * One use of a page link: when, what (`view`, or `minutes` when the page showed the minutes;
 * `answer`, `feedback`, `item` for a form sent), how it ended (`ok`; `invalid`: the form was
 * refused and nothing stored; `refused`: the link was expired or replaced), and the link version
 * used. Never an IP address or a browser: what was done matters to the caseworker, not from where.
 */
export interface LinkUse {
  at: string;
  what: UseKind;
  result: 'ok' | 'invalid' | 'refused';
  v: number;
}

/**
 * A person's page link, as a document of its own in the meeting's partition (`link.<participant
 * id>`): the version now valid, when it was issued, whether it is revoked, and its last uses.
 * Only this document says whether a page token still works: a token of another version, or any
 * token while the link is revoked, is refused.
 */
export interface PageLinkDoc {
  kind: 'link';
  /** `link.<participant id>` */
  id: string;
  meetingId: string;
  participantId: string;
  /** The version the valid link carries; raised when the caseworker replaces the link. */
  version: number;
  issuedAt: string;
  /** A user key, never a name. */
  issuedBy: string;
  /** Set while the link is revoked and no new one issued: no page link of this person works. */
  revokedAt?: string;
  revokedBy?: string;
  /** The last uses, oldest first (at most USES_KEPT). */
  uses: LinkUse[];
  /** Every use ever recorded, the ones no longer kept included. */
  useCount: number;
  updatedAt: string;
}

/** How many uses a link's record keeps (the oldest go first); `useCount` counts them all. */
export const USES_KEPT = 100;

/** How long after the meeting's planned end a page link works: the minutes, feedback and action items come after it. */
export const PAGE_DAYS_AFTER_MEETING = 90;

/** The least time a page link issued now works, whenever the meeting is. */
export const PAGE_MIN_DAYS = 30;

/** How long a letter or calendar-file link on the caseworker's status card works. */
export const LETTER_DAYS = 14;

/** How long a participant's printable minutes link works: as long as a letter link, since it may be printed or passed on later. */
export const MINUTES_DAYS = 14;

/** How long the caseworker's export link (journal text, JSON) works: it opens the whole meeting, and each card shows fresh ones. */
export const EXPORT_HOURS = 24;

/** The id of a person's link record in the meeting's partition. */
export function linkDocId(participantId: string): string {
  return `link.${participantId}`;
}

/** The first link of a person: version 1. */
export function firstLink(meetingId: string, participantId: string, by: string, now: DateTime): PageLinkDoc {
  const at = now.toUTC().toISO()!;
  return { kind: 'link', id: linkDocId(participantId), meetingId, participantId, version: 1, issuedAt: at, issuedBy: by, uses: [], useCount: 0, updatedAt: at };
}

/** The link revoked: its version raised, so every link issued so far stops at once, and none valid until a new one is issued. */
export function revokedLink(doc: PageLinkDoc, by: string, now: DateTime): PageLinkDoc {
  const at = now.toUTC().toISO()!;
  if (doc.revokedAt) return doc;
  return { ...doc, version: doc.version + 1, revokedAt: at, revokedBy: by, updatedAt: at };
}

/** A new link issued: after a revocation, the version it raised; otherwise the version is raised now, so the old link stops. */
export function reissuedLink(doc: PageLinkDoc, by: string, now: DateTime): PageLinkDoc {
  const at = now.toUTC().toISO()!;
  const { revokedAt, revokedBy: _by, ...rest } = doc;
  return { ...rest, version: revokedAt ? doc.version : doc.version + 1, issuedAt: at, issuedBy: by, updatedAt: at };
}

/** True when a page token of this version opens the page now: the record exists, is not revoked, and names this version. */
export function linkAccepts(doc: PageLinkDoc | undefined, version: number | undefined): boolean {
  return !!doc && !doc.revokedAt && version !== undefined && doc.version === version;
}

/** The record with one more use; the oldest uses beyond USES_KEPT are dropped, the count keeps them. */
export function withUse(doc: PageLinkDoc, use: Omit<LinkUse, 'at'>, now: DateTime): PageLinkDoc {
  const at = now.toUTC().toISO()!;
  const uses = [...doc.uses, { at, ...use }];
  return { ...doc, uses: uses.slice(Math.max(0, uses.length - USES_KEPT)), useCount: doc.useCount + 1, updatedAt: at };
}

/**
 * When a page link issued now stops working: 90 days after the meeting's planned end (the
 * feedback, the minutes and the action items come after it), and at least 30 days from now.
 */
export function pageExpiry(meeting: Meeting, now: DateTime): DateTime {
  const start = meeting.when ? DateTime.fromISO(meeting.when.start, { zone: 'utc' }) : undefined;
  const end = start?.isValid ? start.plus({ minutes: meeting.when!.durationMinutes }).plus({ days: PAGE_DAYS_AFTER_MEETING }) : undefined;
  const least = now.plus({ days: PAGE_MIN_DAYS });
  return end && end > least ? end : least;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
