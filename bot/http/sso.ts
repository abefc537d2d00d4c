import type { DateTime } from 'luxon';
import type * as Jose from 'jose';
import { userKey } from '../domain/user';

/**
 * Checks the single sign-on token the live timer tab gets from Teams
 * (`authentication.getAuthToken`): an Entra ID access token for Samråd's own app, signed with
 * one of Entra ID's published keys. Checked with `jose`, never by hand: the RS256 signature
 * against the key set (fetched and cached by `createRemoteJWKSet`), the audience (Samråd's Entra
 * app's id or its `webApplicationInfo` resource), the issuer for the token's own tenant, expiry and
 * not-before; then the tenant, when Samråd is bound to one. What it yields is the user's key,
 * as the rest of Samråd names people; whether they may see a meeting is the caller's question.
 */

/** Where the keys are, whom the tokens must be for, and which issuers count. */
export interface SsoSettings {
  /** The JSON Web Key Set Entra ID signs with (public cloud: https://login.microsoftonline.com/common/discovery/v2.0/keys). */
  jwksUrl: string;
  /** Issuers, each with `{tenantid}` where the token's `tid` goes (v2.0 and v1.0 access tokens). */
  issuers: string[];
  /** Accepted audiences: the Entra app's id and its Application ID URI (`api://<domain>/<app id>`); empty: no token is accepted. */
  audiences: string[];
  /** MICROSOFT_APP_TENANT_ID, when Samråd serves one tenant: a token of any other is refused. */
  tenantId?: string;
}

/** Who a valid token names. */
export interface SsoIdentity {
  /** The Entra object id, lower-cased. */
  oid: string;
  tid: string;
  /** `aad-<oid>`: the key Samråd's records use. */
  userKey: string;
}

/**
 * Why a request was refused: no token, a token that does not hold (signature, audience, issuer,
 * times, claims), a token of another tenant, no token accepted at all (no audience configured),
 * or the key set could not be fetched.
 */
export type SsoRefusal = 'missing' | 'invalid' | 'tenant' | 'unconfigured' | 'unavailable';

export type SsoOutcome = { identity: SsoIdentity } | { refused: SsoRefusal };

/** Seconds of clock difference tolerated on `exp` and `nbf`. */
const CLOCK_TOLERANCE = 60;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT = /^[A-Za-z0-9][A-Za-z0-9.-]{0,99}$/;
const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;

/**
 * `jose` is an ES module. Loaded with a real `import()`, which TypeScript's CommonJS output would
 * otherwise turn into `require` (and its type checking refuse for an ES module).
 */
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<typeof Jose>;
let joseModule: Promise<typeof Jose> | undefined;
function jose(): Promise<typeof Jose> {
  joseModule ??= importModule('jose');
  return joseModule;
}

export class TabSso {
  private keys?: ReturnType<typeof Jose.createRemoteJWKSet>;

  constructor(
    private readonly settings: SsoSettings,
    private readonly now: () => DateTime,
  ) {}

  /** True when some token could be accepted at all. */
  get configured(): boolean {
    return this.settings.audiences.length > 0;
  }

  /** The identity of a request's `Authorization: Bearer` token, or why there is none. */
  async check(authorization: string | undefined): Promise<SsoOutcome> {
    const match = BEARER.exec((authorization ?? '').trim());
    if (!match) return { refused: 'missing' };
    if (!this.configured) return { refused: 'unconfigured' };
    const { createRemoteJWKSet, errors, jwtVerify } = await jose();
    // Keys are cached for ten minutes; a token with an unknown key id fetches them again at most every 30 seconds.
    this.keys ??= createRemoteJWKSet(new URL(this.settings.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000, cacheMaxAge: 600_000 });
    let payload: Jose.JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1], this.keys, {
        algorithms: ['RS256'],
        audience: this.settings.audiences,
        currentDate: this.now().toJSDate(),
        clockTolerance: CLOCK_TOLERANCE,
        requiredClaims: ['iss', 'aud', 'exp', 'tid', 'oid'],
      }));
    } catch (err) {
      return { refused: keysUnavailable(errors, err) ? 'unavailable' : 'invalid' };
    }
    const { tid, oid, iss } = payload as Jose.JWTPayload & { tid?: unknown; oid?: unknown };
    if (typeof tid !== 'string' || !TENANT.test(tid) || typeof oid !== 'string' || !GUID.test(oid)) return { refused: 'invalid' };
    // The issuer is the token's own tenant's: a token issued elsewhere under another tenant's name is not accepted.
    if (!this.settings.issuers.some((template) => template.replace('{tenantid}', tid) === iss)) return { refused: 'invalid' };
    if (this.settings.tenantId && tid.toLowerCase() !== this.settings.tenantId.toLowerCase()) return { refused: 'tenant' };
    const id = oid.toLowerCase();
    return { identity: { oid: id, tid, userKey: userKey(id, id) } };
  }
}

/** The key set could not be had (network, timeout, a bad answer): not the token's fault. */
function keysUnavailable(errors: typeof Jose.errors, err: unknown): boolean {
  if (!(err instanceof errors.JOSEError)) return true;
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) return true;
  return err.code === 'ERR_JOSE_GENERIC' && /JSON Web Key Set HTTP response/.test(err.message);
}
