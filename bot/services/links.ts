import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { DateTime } from 'luxon';
import { LOCALES, type Locale } from '../domain/meeting';
import { PERSON_KEY } from '../domain/people';
import {
  acceptedKid,
  checkClaims,
  encodeClaims,
  EXPORT_HOURS,
  exportSubject,
  LETTER_DAYS,
  MAX_TOKEN_LENGTH,
  MINUTES_DAYS,
  namesParticipant,
  signingSecrets,
  tokenHeader,
  type LinkPurpose,
  type LinkSubject,
  type TokenCheck,
} from '../domain/page-link';

/** What a letter link names: one participant (by `participantKey` of their id, see `namesParticipant`) of one meeting, until it expires. */
export interface LetterClaim {
  meetingId: string;
  participantKey: string;
}

/** What an export link names: one meeting, and no person. */
export interface ExportLinkClaim {
  meetingId: string;
}

/** What a minutes link names: one meeting, and one participant by `participantKey` of their id (`names` finds them among the meeting's). */
export interface MinutesLinkClaim {
  meetingId: string;
  participantKey: string;
  names: (participantId: string) => boolean;
}

/** How long after a meeting's planned end its live timer link stays valid (a meeting that runs over still has its timer). */
const LIVE_HOURS_AFTER_END = 3;

/** The signing kind of live timer links. */
const LIVE_KIND = 'live';

/** The signing kind of links to a person's data (the data-protection officer's export). */
const PERSON_KIND = 'person';

/** How long a link to a person's data works: the officer's card draws fresh ones on every press. */
export const PERSON_EXPORT_MINUTES = 60;

/** What a link to a person's data names (see `PersonExportRequest` in `ports.ts`). */
export interface PersonExportClaim {
  tenantId: string;
  key: string;
  day?: string;
  by: string;
  locale: Locale;
}

/** What a live timer link names: one meeting, read-only. */
export interface LiveClaim {
  meetingId: string;
}

/** One signing key: its id (in the token's header) and its HS256 key. */
export interface LinkKey {
  kid: string;
  key: Buffer;
}

/** HKDF's salt for link keys: fixed, so a secret always gives the same key id and key. */
const HKDF_SALT = 'samrad/link-signing';

/**
 * The key id and HS256 key a secret gives, both derived with HKDF-SHA256 (RFC 5869): the id is
 * 4 bytes (6 base64url characters) with the info `kid`, the key 32 bytes with the info
 * `hs256:<kid>`. Neither reveals the secret; the same secret always gives the same pair.
 */
export function linkKey(secret: string): LinkKey {
  const kid = Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, 'kid', 4)).toString('base64url');
  return { kid, key: Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, `hs256:${kid}`, 32)) };
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Signs and checks the tokens in Samråd's links: a person's own page (`pageUrl`), the printable
 * letter and calendar file on the caseworker's status card (`letterUrls`), the caseworker's
 * journal and JSON export (`exportUrls`) and a participant's printable minutes (`minutesUrl`),
 * each a purpose of its own, so no link opens another's document. A token is a
 * JWS signed with HS256 and a key id (see `domain/page-link.ts` for its claims and rules): the
 * newest secret of LINK_SIGNING_SECRET signs, every secret in it verifies, so the secret can be
 * rotated without breaking the links already sent.
 *
 * Signing and checking are synchronous (`node:crypto`): the status card draws its links while it
 * is rendered, and `jose` has only asynchronous APIs. The format is standard JWS; the unit tests
 * check tokens both ways with `jose` (`test/unit/page-link.test.ts`).
 *
 * The read-only links to a meeting's live timer page (`liveUrl`) keep their own format (an
 * HMAC-SHA256 over the payload with the kind `live`), signed with the newest secret and checked
 * against every one; they work a few hours only.
 */
export class LetterLinks {
  /** The keys, the newest (the one that signs) first. */
  private readonly keys: LinkKey[];
  private readonly byKid: Map<string, Buffer>;
  private readonly secrets: string[];

  constructor(
    secret: string,
    private readonly baseUrl: () => string,
    private readonly now: () => DateTime,
  ) {
    this.secrets = signingSecrets(secret);
    if (this.secrets.length === 0) throw new Error('LetterLinks needs at least one secret');
    this.keys = this.secrets.map(linkKey);
    this.byKid = new Map(this.keys.map((k) => [k.kid, k.key]));
    if (this.byKid.size !== this.keys.length) throw new Error('two link signing secrets give the same key id: replace one of them');
  }

  /** The address links start with (the public https address, or where a local Samråd listens). */
  origin(): string {
    return this.baseUrl();
  }

  /** The key id new tokens are signed with. */
  get currentKid(): string {
    return this.keys[0].kid;
  }

  /** A signed token for these claims, with the newest key. */
  sign(subject: LinkSubject): string {
    const { kid, key } = this.keys[0];
    const signingInput = `${json64(tokenHeader(kid))}.${encodeClaims(subject).toString('base64url')}`;
    return `${signingInput}.${mac(key, signingInput)}`;
  }

  /**
   * Checks a token for one purpose: its form, its header (HS256, a known key id), its signature,
   * then its claims (`domain/page-link.ts`). `invalid` says nothing of why: an altered token, an
   * unknown key, another purpose and nonsense are the same. A genuine token past its time is
   * `expired`, with its claims, so the page can answer in the person's language.
   */
  check(token: string, purpose: LinkPurpose): TokenCheck {
    const invalid = { ok: false, reason: 'invalid' } as const;
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return invalid;
    const parts = token.split('.');
    if (parts.length !== 3 || !parts.every((p) => BASE64URL.test(p))) return invalid;
    const [head, body, signature] = parts;
    const kid = acceptedKid(parse64(head), new Set(this.byKid.keys()));
    if (!kid) return invalid;
    // The signature compared as the canonical base64url text, so no other spelling of the same bytes passes.
    const expected = Buffer.from(mac(this.byKid.get(kid)!, `${head}.${body}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return invalid;
    return checkClaims(Buffer.from(body, 'base64url'), purpose, Math.floor(this.now().toSeconds()));
  }

  /** The signed addresses of a participant's letter and calendar file, each a token of its own purpose, valid for 14 days. */
  letterUrls(meetingId: string, participantId: string): { letterUrl: string; icsUrl: string } {
    const expires = Math.floor(this.now().plus({ days: LETTER_DAYS }).toSeconds());
    const letter = this.sign({ meetingId, participantId, purpose: 'letter', expires });
    const ics = this.sign({ meetingId, participantId, purpose: 'ics', expires });
    return { letterUrl: `${this.baseUrl()}/letters/${letter}`, icsUrl: `${this.baseUrl()}/letters/${ics}/invitation.ics` };
  }

  /** The claim of a valid, unexpired letter token; undefined for anything else. */
  verify(token: string): LetterClaim | undefined {
    return this.verifyLetter(token, 'letter');
  }

  /** The claim of a valid, unexpired letter (or calendar-file) token; undefined for anything else. */
  verifyLetter(token: string, purpose: 'letter' | 'ics'): LetterClaim | undefined {
    const checked = this.check(token, purpose);
    return checked.ok ? { meetingId: checked.claims.meetingId, participantKey: checked.claims.participantKey } : undefined;
  }

  /**
   * The caseworker's journal text and JSON export of a meeting: one token of the purpose `export`
   * for both, naming the meeting only, valid 24 hours.
   */
  exportUrls(meetingId: string): { journalUrl: string; jsonUrl: string } {
    const token = this.sign(exportSubject(meetingId, Math.floor(this.now().plus({ hours: EXPORT_HOURS }).toSeconds())));
    return { journalUrl: `${this.baseUrl()}/export/${token}/journal.txt`, jsonUrl: `${this.baseUrl()}/export/${token}/meeting.json` };
  }

  /** The printable minutes of a meeting for one participant (purpose `minutes`), valid 14 days. */
  minutesUrl(meetingId: string, participantId: string): string {
    const expires = Math.floor(this.now().plus({ days: MINUTES_DAYS }).toSeconds());
    return `${this.baseUrl()}/minutes/${this.sign({ meetingId, participantId, purpose: 'minutes', expires })}`;
  }

  /** The claim of a valid, unexpired export token; undefined for anything else (a minutes, letter or page token too). */
  verifyExport(token: string): ExportLinkClaim | undefined {
    const checked = this.check(token, 'export');
    return checked.ok ? { meetingId: checked.claims.meetingId } : undefined;
  }

  /** The claim of a valid, unexpired minutes token; undefined for anything else (an export, letter or page token too). */
  verifyMinutes(token: string): MinutesLinkClaim | undefined {
    const checked = this.check(token, 'minutes');
    if (!checked.ok) return undefined;
    const { claims } = checked;
    return { meetingId: claims.meetingId, participantKey: claims.participantKey, names: (participantId) => namesParticipant(claims, participantId) };
  }

  /** The address of a person's own page for this version of their link, until `expires`. */
  pageUrl(meetingId: string, participantId: string, version: number, expires: DateTime): string {
    return `${this.baseUrl()}/p/${this.sign({ meetingId, participantId, purpose: 'page', version, expires: Math.floor(expires.toSeconds()) })}`;
  }

  /**
   * The read-only link to a meeting's live timer page, for a big screen in a room without a
   * Teams meeting. It names the meeting only and expires a few hours after the planned end;
   * it is signed as a different kind than any other link, so none opens another.
   */
  liveUrl(meetingId: string, plannedEnd: string): string {
    const end = DateTime.fromISO(plannedEnd, { zone: 'utc' });
    const expires = Math.floor((end.isValid ? end : this.now()).plus({ hours: LIVE_HOURS_AFTER_END }).toSeconds());
    const payload = Buffer.from(JSON.stringify({ k: 'live', m: meetingId, e: expires })).toString('base64url');
    return `${this.baseUrl()}/live/${payload}.${liveSignature(this.secrets[0], payload)}`;
  }

  /**
   * The data-protection officer's links to one person's data, as JSON and as a readable document:
   * one token for both (its own signing kind, so no other link opens it), naming the tenant, the
   * key the person was found by (an object id or a digest, never a name or an address), the day for
   * a name, the officer and their language; valid PERSON_EXPORT_MINUTES.
   */
  personExportUrls(request: PersonExportClaim): { jsonUrl: string; documentUrl: string } {
    const expires = Math.floor(this.now().plus({ minutes: PERSON_EXPORT_MINUTES }).toSeconds());
    const claim = { k: PERSON_KIND, t: request.tenantId, p: request.key, ...(request.day ? { d: request.day } : {}), b: request.by, l: request.locale, e: expires };
    const payload = Buffer.from(JSON.stringify(claim)).toString('base64url');
    const token = `${payload}.${personSignature(this.secrets[0], payload)}`;
    return { jsonUrl: `${this.baseUrl()}/person-export/${token}/person.json`, documentUrl: `${this.baseUrl()}/person-export/${token}/person.html` };
  }

  /** The claim of a valid, unexpired person-export token; undefined for anything else (any other link's token too). */
  verifyPersonExport(token: string): PersonExportClaim | undefined {
    const [payload, signature, extra] = token.split('.');
    if (!payload || !signature || extra !== undefined || !BASE64URL.test(payload) || !BASE64URL.test(signature)) return undefined;
    const given = Buffer.from(signature);
    const signed = this.secrets.some((secret) => {
      const expected = Buffer.from(personSignature(secret, payload));
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
    if (!signed) return undefined;
    const claim = parse64(payload) as { k?: unknown; t?: unknown; p?: unknown; d?: unknown; b?: unknown; l?: unknown; e?: unknown } | undefined;
    if (!claim || claim.k !== PERSON_KIND || typeof claim.t !== 'string' || typeof claim.p !== 'string' || !PERSON_KEY.test(claim.p) || typeof claim.b !== 'string' || typeof claim.e !== 'number') return undefined;
    if (claim.d !== undefined && (typeof claim.d !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(claim.d))) return undefined;
    if (!(LOCALES as readonly unknown[]).includes(claim.l)) return undefined;
    if (claim.e <= this.now().toSeconds()) return undefined;
    return { tenantId: claim.t, key: claim.p, ...(typeof claim.d === 'string' ? { day: claim.d } : {}), by: claim.b, locale: claim.l as Locale };
  }

  /** The claim of a valid, unexpired live timer token; undefined for anything else (a letter or page token too). */
  verifyLive(token: string): LiveClaim | undefined {
    const [payload, signature, extra] = token.split('.');
    if (!payload || !signature || extra !== undefined) return undefined;
    const given = Buffer.from(signature);
    const signed = this.secrets.some((secret) => {
      const expected = Buffer.from(liveSignature(secret, payload));
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
    if (!signed) return undefined;
    try {
      const claim = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { k?: unknown; m?: unknown; e?: unknown };
      if (claim.k !== 'live' || typeof claim.m !== 'string' || typeof claim.e !== 'number') return undefined;
      if (claim.e < this.now().toSeconds()) return undefined;
      return { meetingId: claim.m };
    } catch {
      return undefined;
    }
  }
}

/** A live timer token's signature: `live:payload`, so it never serves as any other kind. */
function liveSignature(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`${LIVE_KIND}:${payload}`).digest('base64url');
}

/** A person-export token's signature: `person:payload`, so it never serves as a live timer link or any other. */
function personSignature(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`${PERSON_KIND}:${payload}`).digest('base64url');
}

function mac(key: Buffer, signingInput: string): string {
  return createHmac('sha256', key).update(signingInput, 'ascii').digest('base64url');
}

function json64(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** A base64url part decoded as JSON; undefined when it is not JSON. */
function parse64(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
