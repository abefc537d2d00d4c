import assert from 'node:assert/strict';
import { CallerIdConstants } from 'botbuilder';
import { AuthenticationConstants, AuthenticationError } from 'botframework-connector';
import { parseConfig } from '../../bot/config';
import { userKey } from '../../bot/domain/user';
import type { LogFields, Logger } from '../../bot/log';
import { AUTH_BOUND_MS, AuthGuard, AuthRefused, authSettings, classify, guardedAdapter, RETRY_AFTER_S } from '../../bot/teams/auth';
import { Harness, type Person } from '../support/harness';
import {
  EMULATOR_ISSUER,
  expired,
  genuineClaims,
  hs256Token,
  newKey,
  OpenIdStandIn,
  seedOutboundToken,
  unsignedToken,
  type TestKey,
} from '../support/openid';
import { CASEWORKER } from '../support/scenarios';

const APP_ID = '11111111-2222-3333-4444-555555555555';
const APP_PASSWORD = 'app-password-used-by-the-tests';

/** Log lines as the Logger received them. */
interface Line {
  level: 'info' | 'warn' | 'error';
  event: string;
  fields: LogFields;
}

function capturingLogger(lines: Line[]): Logger {
  const at = (level: Line['level']) => (event: string, fields: LogFields = {}) => void lines.push({ level, event, fields });
  return { info: at('info'), warn: at('warn'), error: at('error') };
}

/** The raw HTTP answer, headers included. */
interface Reply {
  status: number;
  text: string;
  headers: Headers;
}

/** Samråd with a Microsoft app id, checking tokens against the stand-in's keys. */
class AuthenticatedSamrad {
  readonly h = new Harness();
  readonly idp = new OpenIdStandIn();
  readonly lines: Line[] = [];

  async start(): Promise<void> {
    await this.idp.start();
    await this.h.start(
      { MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: APP_PASSWORD, BOT_OPENID_METADATA_URL: this.idp.metadataUrl },
      capturingLogger(this.lines),
    );
    seedOutboundToken(APP_ID);
  }

  async stop(): Promise<void> {
    await this.h.stop();
    await this.idp.stop();
  }

  /** A message from the person, with this Authorization header (or none). */
  async send(person: Person, authorization?: string): Promise<Reply> {
    const res = await fetch(`${this.h.app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
      body: JSON.stringify(this.h.activity(person, { type: 'message', text: 'hej' })),
    });
    return { status: res.status, text: await res.text(), headers: res.headers };
  }

  /** A token as the channel sends it to this bot for this Samråd's serviceUrl. */
  genuine(): Promise<string> {
    return this.idp.token(genuineClaims(APP_ID, this.h.serviceUrl));
  }

  /** The person's user record, or undefined; the record's partition is its own key. */
  async userRecord(person: Person): Promise<unknown> {
    const key = userKey(person.aadObjectId, `29:${person.aadObjectId}`);
    const users = this.h.app.deps.stores.users as unknown as { read(...keys: string[]): Promise<unknown> };
    return users.read(key, key);
  }

  events(name: string): Line[] {
    return this.lines.filter((l) => l.event === name);
  }

  /** No response body shows where the keys come from or what the library said. */
  assertNothingLeaks(reply: Reply): void {
    const idpHost = new URL(this.idp.base).host;
    for (const telltale of [idpHost, String(new URL(this.idp.base).port), 'openid', 'botframework', 'JsonWebToken', 'FetchError', 'ECONNREFUSED', 'jwt', 'signature', 'at ']) {
      assert.ok(!reply.text.toLowerCase().includes(telltale.toLowerCase()), `the body ${JSON.stringify(reply.text)} shows "${telltale}"`);
    }
  }
}

/** A person who has never written to the bot, so that any user record for them would be new. */
function stranger(n: number): Person {
  return { aadObjectId: `aa0000${n.toString().padStart(2, '0')}-0000-4000-8000-000000000000`, name: `Stranger ${n}`, locale: 'sv-SE' };
}

function assertRefused(reply: Reply): void {
  assert.equal(reply.status, 401, reply.text);
  assert.deepEqual(JSON.parse(reply.text), { error: 'Unauthorized' });
  assert.equal(reply.headers.get('www-authenticate'), 'Bearer');
}

function assertUnavailable(reply: Reply): void {
  assert.equal(reply.status, 503, reply.text);
  assert.deepEqual(JSON.parse(reply.text), { error: 'ServiceUnavailable' });
  assert.equal(reply.headers.get('retry-after'), String(RETRY_AFTER_S));
}

describe('authentication (with a Microsoft app id, tokens checked against a local OpenID stand-in)', () => {
  let s: AuthenticatedSamrad;
  beforeEach(async () => {
    s = new AuthenticatedSamrad();
    await s.start();
  });
  afterEach(async () => s.stop());

  it('a genuine channel token is accepted: 200, the reply reaches the connector, the user is remembered', async () => {
    const reply = await s.send(CASEWORKER, `Bearer ${await s.genuine()}`);
    assert.equal(reply.status, 200, reply.text);
    assert.ok(s.h.connector.posted().length >= 1, 'the bot answered in the chat');
    assert.ok(await s.userRecord(CASEWORKER), 'the user record was written');
    assert.ok(s.idp.requests >= 2, 'the keys came from the stand-in');
    assert.deepEqual(s.events('auth.metadata.unavailable'), []);
  });

  describe('forged or wrong tokens: 401 with a fixed body, nothing sent, nothing stored', () => {
    let foreign: TestKey;
    before(async () => {
      foreign = await newKey();
    });

    const forgeries: [string, (s: AuthenticatedSamrad) => Promise<string | undefined>][] = [
      ['no Authorization header', async () => undefined],
      ['a bearer value that is no token', async () => 'Bearer not.a.token'],
      ['another scheme', async (s) => `Basic ${await s.genuine()}`],
      ['unsigned (alg none) naming the known key id', async (s) => `Bearer ${unsignedToken({ kid: s.idp.keyId }, genuineClaims(APP_ID, s.h.serviceUrl))}`],
      ['signed by a foreign key under the known key id', async (s) => `Bearer ${await s.idp.token(genuineClaims(APP_ID, s.h.serviceUrl), { key: foreign })}`],
      ['signed by a foreign key under an unknown key id', async (s) => `Bearer ${await s.idp.token(genuineClaims(APP_ID, s.h.serviceUrl), { key: foreign, kid: 'unknown-key' })}`],
      ['signed HS256 with the app password under the known key id', async (s) => `Bearer ${await hs256Token(APP_PASSWORD, s.idp.keyId, genuineClaims(APP_ID, s.h.serviceUrl))}`],
      ['expired and signed by a foreign key', async (s) => `Bearer ${await s.idp.token(expired(genuineClaims(APP_ID, s.h.serviceUrl)), { key: foreign })}`],
      ['expired, signed by the channel key', async (s) => `Bearer ${await s.idp.token(expired(genuineClaims(APP_ID, s.h.serviceUrl)))}`],
      ['for another app', async (s) => `Bearer ${await s.idp.token(genuineClaims('99999999-2222-3333-4444-555555555555', s.h.serviceUrl))}`],
      ['for another serviceUrl', async (s) => `Bearer ${await s.idp.token(genuineClaims(APP_ID, 'https://smba.example.org/'))}`],
      ['from an unknown issuer', async (s) => `Bearer ${await s.idp.token({ ...genuineClaims(APP_ID, s.h.serviceUrl), iss: 'https://issuer.example.org' })}`],
      [
        'an emulator token (Microsoft tenant issuer) signed by a foreign key',
        async (s) => `Bearer ${await s.idp.token({ ...genuineClaims(APP_ID, s.h.serviceUrl), iss: EMULATOR_ISSUER, ver: '1.0', appid: APP_ID }, { key: foreign })}`,
      ],
    ];

    forgeries.forEach(([kind, authorization], n) => {
      it(kind, async () => {
        const person = stranger(n);
        const reply = await s.send(person, await authorization(s));
        assertRefused(reply);
        s.assertNothingLeaks(reply);
        assert.equal(s.h.connector.requests.length, 0, 'nothing reached the connector');
        assert.equal(await s.userRecord(person), undefined, 'no user record was written');
        assert.deepEqual(s.events('auth.metadata.unavailable'), [], 'a forged token is no outage');
      });
    });
  });

  describe('the OpenID metadata is out of reach: 503 with Retry-After, logged once per outage', () => {
    for (const mode of ['refused', 'failing'] as const) {
      it(`${mode}: every request gets a 503, one log line; when it is back, requests pass and the recovery is logged`, async () => {
        await s.idp.setMode(mode);
        const token = `Bearer ${await s.genuine()}`;
        for (let i = 0; i < 3; i++) {
          const reply = await s.send(CASEWORKER, token);
          assertUnavailable(reply);
          s.assertNothingLeaks(reply);
        }
        assert.equal(s.h.connector.requests.length, 0);
        assert.equal(await s.userRecord(CASEWORKER), undefined);
        const down = s.events('auth.metadata.unavailable');
        assert.equal(down.length, 1, JSON.stringify(s.lines));
        assert.equal(down[0].level, 'error');
        assert.deepEqual(Object.keys(down[0].fields), ['reason']);
        assert.match(String(down[0].fields.reason), /^[A-Za-z][\w.-]*$/);

        await s.idp.setMode('up');
        const reply = await s.send(CASEWORKER, token);
        assert.equal(reply.status, 200, reply.text);
        assert.deepEqual(s.events('auth.metadata.recovered').map((l) => l.fields), [{ refused: 3 }]);
        assert.equal(s.events('auth.metadata.unavailable').length, 1);
        const logged = JSON.stringify(s.lines);
        assert.ok(!logged.includes(new URL(s.idp.base).host) && !logged.includes(token.slice(7, 40)), 'no address or token in the log');
      });
    }

    it('hanging: the request is answered 503 within the bound, not held', async () => {
      await s.idp.setMode('hanging');
      const started = Date.now();
      const reply = await s.send(CASEWORKER, `Bearer ${await s.genuine()}`);
      const took = Date.now() - started;
      assertUnavailable(reply);
      assert.ok(took < AUTH_BOUND_MS + 1500, `answered after ${took} ms`);
      assert.deepEqual(s.events('auth.metadata.unavailable').map((l) => l.fields), [{ reason: 'timeout' }]);
      assert.equal(s.h.connector.requests.length, 0);
    });

    it('a token no key could make good is still a 401 during the outage', async () => {
      await s.idp.setMode('refused');
      assertRefused(await s.send(stranger(90), 'Bearer not.a.token'));
      assertRefused(await s.send(stranger(91), `Bearer ${await s.idp.token({ ...genuineClaims(APP_ID, s.h.serviceUrl), iss: 'https://issuer.example.org' })}`));
      assert.deepEqual(s.events('auth.metadata.unavailable'), []);
    });
  });
});

describe('authentication in local mode (no app id)', () => {
  it('any request is accepted, as before', async () => {
    const h = new Harness();
    await h.start();
    try {
      const answer = await h.postRaw(h.activity(CASEWORKER, { type: 'message', text: 'hej' }), { 'content-type': 'application/json', authorization: 'Bearer not.a.token' });
      assert.equal(answer.status, 200);
    } finally {
      await h.stop();
    }
  });
});

describe('AuthGuard and the SDK settings (bot/teams/auth.ts)', () => {
  const jwtError = (name: string) => Object.assign(new Error('invalid signature'), { name });

  it('sorts the SDK errors: token faults are "unauthorized", key fetch faults "unavailable"', () => {
    assert.equal(classify(new AuthenticationError('Unauthorized. Invalid AppId passed on token: x', 401)).kind, 'unauthorized');
    assert.equal(classify(jwtError('JsonWebTokenError')).kind, 'unauthorized');
    assert.equal(classify(jwtError('NotBeforeError')).kind, 'unauthorized');
    assert.equal(classify(new TypeError('Cannot read properties of undefined')).kind, 'unauthorized');
    assert.equal(classify(undefined).kind, 'unauthorized');
    const status = classify(new AuthenticationError('Failed to load openID config: 500', 500));
    assert.deepEqual([status.kind, status.reason], ['unavailable', 'status']);
    const refused = classify(Object.assign(new Error('request to https://login.botframework.com failed'), { name: 'FetchError', type: 'system', code: 'ECONNREFUSED' }));
    assert.deepEqual([refused.kind, refused.reason], ['unavailable', 'ECONNREFUSED']);
    const odd = classify(Object.assign(new Error('x'), { name: 'FetchError', code: 'https://login.botframework.com/?secret' }));
    assert.equal(odd.reason, 'fetch', 'only word-like codes reach the log');
    const broken = Object.assign(new TypeError('Only absolute URLs are supported'), {
      stack: 'TypeError: Only absolute URLs are supported\n    at fetch (/app/node_modules/node-fetch/lib/index.js:1447:9)\n    at OpenIdMetadata.<anonymous> (/app/node_modules/botframework-connector/lib/auth/openIdMetadata.js:77:47)',
    });
    assert.deepEqual([classify(broken).kind, classify(broken).reason], ['unavailable', 'metadata'], 'a key set the SDK cannot read');
    assert.equal(classify(new AuthRefused('unavailable', 'timeout')).reason, 'timeout');
  });

  it('logs an outage once, its recovery once, and the next outage again', async () => {
    const lines: Line[] = [];
    const guard = new AuthGuard(capturingLogger(lines), 1000);
    const down = () => guard.run(() => Promise.reject(new AuthenticationError('Failed to load Keys: 503', 500)));
    const forged = () => guard.run(() => Promise.reject(jwtError('JsonWebTokenError')));
    const ok = () => guard.run(async () => 'claims');
    for (let i = 0; i < 4; i++) await assert.rejects(down(), (err: AuthRefused) => err.kind === 'unavailable' && err.message === 'Service Unavailable');
    await assert.rejects(forged(), (err: AuthRefused) => err.kind === 'unauthorized' && err.message === 'Unauthorized');
    assert.equal(await ok(), 'claims');
    assert.equal(await ok(), 'claims');
    await assert.rejects(down());
    await assert.rejects(down());
    assert.deepEqual(
      lines.map((l) => [l.level, l.event, l.fields]),
      [
        ['error', 'auth.metadata.unavailable', { reason: 'status' }],
        ['info', 'auth.metadata.recovered', { refused: 4 }],
        ['error', 'auth.metadata.unavailable', { reason: 'status' }],
      ],
    );
  });

  it('bounds a check that never ends, and stops starting new ones while many hang', async () => {
    const lines: Line[] = [];
    const guard = new AuthGuard(capturingLogger(lines), 30);
    let started = 0;
    const never = () => guard.run(() => {
      started += 1;
      return new Promise<never>(() => {});
    });
    for (let i = 0; i < 20; i++) await assert.rejects(never(), (err: AuthRefused) => err.kind === 'unavailable' && err.reason === 'timeout');
    assert.equal(started, 16, 'no more than 16 checks left hanging');
    assert.equal(lines.length, 1);
  });

  it('answers a failure inside the adapter with a fixed 500 and logs only the error name', async () => {
    const lines: Line[] = [];
    const adapter = guardedAdapter(parseConfig({ SAMRAD_LOCAL: 'true' }, () => 'x'.repeat(40)), capturingLogger(lines));
    adapter.onTurnError = async (_context, error) => {
      throw error;
    };
    const written: { status?: number; body?: unknown; headers: Record<string, unknown>; ended: boolean } = { headers: {}, ended: false };
    const res = {
      socket: undefined,
      status: (code: number) => void (written.status = code),
      send: (body: unknown) => void (written.body = body),
      header: (name: string, value: unknown) => void (written.headers[name] = value),
      end: () => void (written.ended = true),
    };
    const activity = { type: 'message', channelId: 'msteams', serviceUrl: 'http://127.0.0.1:9/', conversation: { id: 'c' }, from: { id: 'u' }, text: 'hej' };
    await adapter.process({ method: 'POST', headers: {}, body: activity }, res, async () => {
      throw new Error('request to https://internal.example/keys?sig=secret failed');
    });
    assert.equal(written.status, 500);
    assert.deepEqual(written.body, { error: 'InternalServerError' });
    assert.ok(written.ended);
    assert.deepEqual(lines.map((l) => [l.event, l.fields]), [['adapter.failed', { error: 'Error' }]]);
  });

  it('points both metadata documents at BOT_OPENID_METADATA_URL and keeps the SDK public-cloud values with it', () => {
    const base = { SAMRAD_LOCAL: 'true', MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: APP_PASSWORD };
    const plain = authSettings(parseConfig(base, () => 'x'.repeat(40)));
    assert.deepEqual(plain, { MicrosoftAppId: APP_ID, MicrosoftAppPassword: APP_PASSWORD, MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: '' });
    const url = 'https://login.sovereign.example/v1/.well-known/openidconfiguration';
    const settings = authSettings(parseConfig({ ...base, BOT_OPENID_METADATA_URL: url }, () => 'x'.repeat(40)));
    assert.equal(settings.ToBotFromChannelOpenIdMetadataUrl, url);
    assert.equal(settings.ToBotFromEmulatorOpenIdMetadataUrl, url);
    assert.equal(settings.ToBotFromChannelTokenIssuer, AuthenticationConstants.ToBotFromChannelTokenIssuer);
    assert.equal(settings.ToChannelFromBotLoginUrl, AuthenticationConstants.ToChannelFromBotLoginUrl);
    assert.equal(settings.ToChannelFromBotOAuthScope, AuthenticationConstants.ToChannelFromBotOAuthScope);
    assert.equal(settings.OAuthUrl, AuthenticationConstants.OAuthUrl);
    assert.equal(settings.CallerId, CallerIdConstants.PublicAzureChannel);
    assert.equal(settings.ValidateAuthority, true);
  });
});
