import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DateTime } from 'luxon';

/** What a letter link names: one participant of one meeting, until it expires. */
export interface LetterClaim {
  meetingId: string;
  participantId: string;
}

/** How long a letter link in the caseworker's status card stays valid. */
const VALID_DAYS = 14;

/**
 * Signs and checks the links to printable letters and calendar files. A link names a
 * meeting and a participant and carries an expiry, signed with the service's secret, so it
 * cannot be guessed or altered; each status card shows fresh ones.
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
    const [payload, signature, extra] = token.split('.');
    if (!payload || !signature || extra !== undefined) return undefined;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const claim = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { m?: unknown; p?: unknown; e?: unknown };
      if (typeof claim.m !== 'string' || typeof claim.p !== 'string' || typeof claim.e !== 'number') return undefined;
      if (claim.e < this.now().toSeconds()) return undefined;
      return { meetingId: claim.m, participantId: claim.p };
    } catch {
      return undefined;
    }
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}
