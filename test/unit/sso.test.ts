import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import type { JWTPayload } from 'jose';
import { TabSso, type SsoSettings } from '../../bot/http/sso';
import { hs256Token, newKey, OpenIdStandIn, unsignedToken } from '../support/openid';

const APP_ID = '66666666-7777-8888-9999-aaaaaaaaaaaa';
const RESOURCE = `api://samrad.example.org/${APP_ID}`;
const TENANT = '0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';
const OTHER_TENANT = '1a2b3c4d-5e6f-4071-8293-a4b5c6d7e8f9';
const OID = 'A1B2C3D4-E5F6-4789-8ABC-DEF012345678';

/**
 * The live timer tab's single sign-on check (bot/http/sso.ts) against a local stand-in for
 * Entra ID's published keys: a JWKS served over HTTP with a key made for the test.
 */
describe('the Teams SSO token check (bot/http/sso.ts)', () => {
  const entra = new OpenIdStandIn();
  before(async () => {
    await entra.start();
  });
  after(async () => entra.stop());

  const settings = (changes: Partial<SsoSettings> = {}): SsoSettings => ({
    jwksUrl: `${entra.base}/v1/keys`,
    issuers: ['https://login.microsoftonline.com/{tenantid}/v2.0', 'https://sts.windows.net/{tenantid}/'],
    audiences: [APP_ID, RESOURCE],
    ...changes,
  });
  const checker = (changes: Partial<SsoSettings> = {}) => new TabSso(settings(changes), () => DateTime.utc());
  const now = () => Math.floor(Date.now() / 1000);
  /** The claims of a v2.0 access token Teams would get for Samråd. */
  const claims = (changes: JWTPayload = {}): JWTPayload => ({
    iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
    aud: APP_ID,
    tid: TENANT,
    oid: OID,
    scp: 'access_as_user',
    ver: '2.0',
    iat: now() - 60,
    nbf: now() - 60,
    exp: now() + 3600,
    ...changes,
  });
  const check = async (token: string, changes: Partial<SsoSettings> = {}) => checker(changes).check(`Bearer ${token}`);

  it('accepts a token signed by a key of the published set, for the app, from the token\'s own tenant', async () => {
    const outcome = await check(await entra.token(claims()));
    assert.deepEqual(outcome, { identity: { oid: OID.toLowerCase(), tid: TENANT, userKey: `aad-${OID.toLowerCase()}` } });
  });

  it('accepts a v1.0 token for the webApplicationInfo resource (api://<domain>/<app id>)', async () => {
    const outcome = await check(await entra.token(claims({ iss: `https://sts.windows.net/${TENANT}/`, aud: RESOURCE, ver: '1.0' })));
    assert.ok('identity' in outcome, JSON.stringify(outcome));
  });

  it('accepts the tenant Samråd is bound to, and refuses every other one', async () => {
    assert.ok('identity' in (await check(await entra.token(claims()), { tenantId: TENANT.toUpperCase() })));
    const other = claims({ tid: OTHER_TENANT, iss: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0` });
    assert.ok('identity' in (await check(await entra.token(other))), 'any tenant when none is configured');
    assert.deepEqual(await check(await entra.token(other), { tenantId: TENANT }), { refused: 'tenant' });
  });

  const refusals: [string, () => Promise<string>][] = [
    ['a wrong audience', () => entra.token(claims({ aud: 'api://elsewhere.example.org/botid-x' }))],
    ['the Microsoft Graph audience', () => entra.token(claims({ aud: '00000003-0000-0000-c000-000000000000' }))],
    ['an expired token', () => entra.token(claims({ iat: now() - 7200, nbf: now() - 7200, exp: now() - 3600 }))],
    ['a token not yet valid', () => entra.token(claims({ nbf: now() + 3600 }))],
    ['a token without an expiry', () => entra.token(claims({ exp: undefined }))],
    ['a foreign key under the published key id', async () => entra.token(claims(), { key: await newKey() })],
    ['a foreign key under a key id of its own', async () => entra.token(claims(), { key: await newKey(), kid: 'attacker-key' })],
    ['alg: none', async () => unsignedToken({ kid: entra.keyId }, claims())],
    ['HS256 signed with a shared secret', () => hs256Token('a-shared-secret-of-some-length-000000', entra.keyId, claims())],
    ['an issuer of another tenant than the token\'s tid', () => entra.token(claims({ iss: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0` }))],
    ['an issuer that is not Entra ID', () => entra.token(claims({ iss: `https://login.example.org/${TENANT}/v2.0` }))],
    ['no object id', () => entra.token(claims({ oid: undefined }))],
    ['an object id that is not a GUID', () => entra.token(claims({ oid: '../../etc' }))],
    ['no tenant id', () => entra.token(claims({ tid: undefined }))],
    ['an altered payload', async () => {
      const [header, , signature] = (await entra.token(claims())).split('.');
      return `${header}.${Buffer.from(JSON.stringify(claims({ oid: 'b1b2c3d4-e5f6-4789-8abc-def012345678' }))).toString('base64url')}.${signature}`;
    }],
  ];
  for (const [what, token] of refusals) {
    it(`refuses ${what}`, async () => {
      assert.deepEqual(await check(await token()), { refused: 'invalid' });
    });
  }

  it('refuses a request without a bearer token, and every token when no audience is configured', async () => {
    const sso = checker();
    for (const header of [undefined, '', 'Bearer', 'Basic dXNlcjpwYXNz', `Bearer ${'x'.repeat(20)}`]) assert.deepEqual(await sso.check(header), { refused: 'missing' });
    assert.deepEqual(await check(await entra.token(claims()), { audiences: [] }), { refused: 'unconfigured' });
  });

  it('tells a key set it cannot fetch from a bad token', async () => {
    const token = await entra.token(claims());
    try {
      await entra.setMode('failing');
      assert.deepEqual(await check(token), { refused: 'unavailable' });
      await entra.setMode('refused');
      assert.deepEqual(await check(token), { refused: 'unavailable' });
    } finally {
      await entra.setMode('up');
    }
    assert.ok('identity' in (await check(token)));
  });
});
