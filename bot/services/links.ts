import { createHmac, timingSafeEqual } from 'node:crypto';
import { DateTime } from 'luxon';

/** What a letter link names: one participant of one meeting, until it expires. */
export interface LetterClaim {
  meetingId: string;
  participantId: string;
}

/** How long a letter link in the caseworker's status card stays valid. */
const VALID_DAYS = 14;

/** How long after a meeting's planned end its live timer link stays valid (a meeting that runs over still has its timer). */
const LIVE_HOURS_AFTER_END = 3;

/** The signing kind of live timer links. */
const LIVE_KIND = 'live';

/** What a live timer link names: one meeting, read-only. */
export interface LiveClaim {
  meetingId: string;
}

/**
 * Signs and checks the links to printable letters and calendar files. A link names a
 * meeting and a participant and carries an expiry, signed with the service's secret, so it
 * cannot be guessed or altered; each status card shows fresh ones. The same secret signs the
 * read-only links to a meeting's live timer page (`liveUrl`), as a kind of its own.
 */
export class LetterLinks {
  constructor(
    private readonly secret: string,
    private readonly baseUrl: () => string,
    private readonly now: () => DateTime,
  ) {}

  /** The signed addresses of a participant's letter and calendar file. */
  letterUrls(meetingId: string, participantId: string): { letterUrl: string; icsUrl: string } {
    const expires = Math.floor(this.now().plus({ days: VALID_DAYS }).toSeconds());
    const payload = Buffer.from(JSON.stringify({ m: meetingId, p: participantId, e: expires })).toString('base64url');
    const token = `${payload}.${this.sign(payload)}`;
    return { letterUrl: `${this.baseUrl()}/letters/${token}`, icsUrl: `${this.baseUrl()}/letters/${token}/invitation.ics` };
  }

  /** The claim of a valid, unexpired token; undefined for anything else. */
  verify(token: string): LetterClaim | undefined {
    const payload = this.signedPayload(token, '');
    if (!payload) return undefined;
    try {
      const claim = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { m?: unknown; p?: unknown; e?: unknown };
      if (typeof claim.m !== 'string' || typeof claim.p !== 'string' || typeof claim.e !== 'number') return undefined;
      if (claim.e < this.now().toSeconds()) return undefined;
      return { meetingId: claim.m, participantId: claim.p };
    } catch {
      return undefined;
    }
  }

  /**
   * The read-only link to a meeting's live timer page, for a big screen in a room without a
   * Teams meeting. It names the meeting only and expires a few hours after the planned end;
   * it is signed as a different kind than the letter links, so neither opens the other.
   */
  liveUrl(meetingId: string, plannedEnd: string): string {
    const end = DateTime.fromISO(plannedEnd, { zone: 'utc' });
    const expires = Math.floor((end.isValid ? end : this.now()).plus({ hours: LIVE_HOURS_AFTER_END }).toSeconds());
    const payload = Buffer.from(JSON.stringify({ k: 'live', m: meetingId, e: expires })).toString('base64url');
    return `${this.baseUrl()}/live/${payload}.${this.sign(payload, LIVE_KIND)}`;
  }

  /** The claim of a valid, unexpired live timer token; undefined for anything else (a letter token too). */
  verifyLive(token: string): LiveClaim | undefined {
    const payload = this.signedPayload(token, LIVE_KIND);
    if (!payload) return undefined;
    try {
      const claim = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { k?: unknown; m?: unknown; e?: unknown };
      if (claim.k !== 'live' || typeof claim.m !== 'string' || typeof claim.e !== 'number') return undefined;
      if (claim.e < this.now().toSeconds()) return undefined;
      return { meetingId: claim.m };
    } catch {
      return undefined;
    }
  }

  /** The payload of `payload.signature` when the signature is this kind's; undefined otherwise. */
  private signedPayload(token: string, kind: string): string | undefined {
    const [payload, signature, extra] = token.split('.');
    if (!payload || !signature || extra !== undefined) return undefined;
    const expected = Buffer.from(this.sign(payload, kind));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    return payload;
  }

  /** Letter links sign the payload alone (as they always have); other kinds sign `kind:payload`, so a signature never serves two kinds. */
  private sign(payload: string, kind = ''): string {
    return createHmac('sha256', this.secret).update(kind ? `${kind}:${payload}` : payload).digest('base64url');
  }
}
