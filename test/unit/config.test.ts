import assert from 'node:assert/strict';
import { parseConfig, type Config } from '../../bot/config';
import { configProblems, productionEnv } from '../support/config';

const GENERATED = 'g'.repeat(48);
const generate = () => GENERATED;

/** Everything a production deployment sets, with MultiTenant authentication. */
const production = productionEnv;
/** The problems parseConfig names for this environment; fails when it accepts it. */
const problemsFor = (env: NodeJS.ProcessEnv) => configProblems(env, generate);

const names = (problems: string[], key: string) => problems.filter((p) => p.startsWith(key));

describe('parseConfig (bot/config.ts)', () => {
  describe('local mode', () => {
    it('listens on 127.0.0.1:3978 with the embedded store and a generated link secret, without any other setting', () => {
      const config: Config = parseConfig({ SAMRAD_LOCAL: 'true' }, generate);
      assert.equal(config.local, true);
      assert.equal(config.host, '127.0.0.1');
      assert.equal(config.port, 3978);
      assert.equal(config.cosmos, undefined);
      assert.equal(config.linkSecret, GENERATED);
      assert.equal(config.bot.appId, '');
      assert.equal(config.defaultTimeZone, 'Europe/Stockholm');
      assert.equal(config.defaultLocale, 'en');
    });

    for (const value of ['1', 'yes', ' TRUE ']) {
      it(`reads SAMRAD_LOCAL=${JSON.stringify(value)} as local mode`, () => {
        assert.equal(parseConfig({ SAMRAD_LOCAL: value }, generate).local, true);
      });
    }

    it('accepts the loopback addresses ::1 and localhost', () => {
      assert.equal(parseConfig({ SAMRAD_LOCAL: 'true', HOST: '::1' }, generate).host, '::1');
      assert.equal(parseConfig({ SAMRAD_LOCAL: 'true', HOST: 'localhost' }, generate).host, 'localhost');
    });

    it('refuses to listen on a non-loopback address, since it has no authentication', () => {
      for (const host of ['0.0.0.0', '192.168.1.10', '::']) {
        const problems = problemsFor({ SAMRAD_LOCAL: 'true', HOST: host });
        assert.equal(names(problems, 'HOST').length, 1, problems.join('\n'));
        assert.ok(problems[0].includes(host));
      }
    });

    it('keeps a link secret that is set rather than generating one', () => {
      assert.equal(parseConfig({ SAMRAD_LOCAL: 'true', LINK_SIGNING_SECRET: 'L'.repeat(40) }, generate).linkSecret, 'L'.repeat(40));
    });
  });

  describe('outside local mode', () => {
    it('reads a complete production environment, listening on all interfaces, with the base URL without its trailing slash', () => {
      const config = parseConfig(production({ COSMOS_KEY: 'key', COSMOS_DATABASE: 'samrad-prod', PORT: '8080' }), generate);
      assert.equal(config.local, false);
      assert.equal(config.host, '0.0.0.0');
      assert.equal(config.port, 8080);
      assert.deepEqual(config.bot, { appId: 'app-id', appPassword: 'app-password', appType: 'MultiTenant', tenantId: '' });
      assert.deepEqual(config.cosmos, { endpoint: 'https://samrad.documents.azure.com:443/', key: 'key', database: 'samrad-prod' });
      assert.equal(config.publicBaseUrl, 'https://samrad.example.org');
      assert.equal(config.linkSecret, 's'.repeat(32));
    });

    it('names every missing key in one error, and never generates a link secret', () => {
      const problems = problemsFor({});
      for (const key of ['MICROSOFT_APP_ID', 'COSMOS_ENDPOINT', 'PUBLIC_BASE_URL', 'LINK_SIGNING_SECRET']) {
        assert.equal(names(problems, key).length, 1, `${key} in:\n${problems.join('\n')}`);
      }
      assert.equal(problems.length, 4, problems.join('\n'));
    });

    it('needs a link secret of at least 32 characters', () => {
      assert.deepEqual(names(problemsFor(production({ LINK_SIGNING_SECRET: 's'.repeat(31) })), 'LINK_SIGNING_SECRET').length, 1);
      assert.doesNotThrow(() => parseConfig(production({ LINK_SIGNING_SECRET: 's'.repeat(32) }), generate));
    });

    it('takes several link secrets separated by commas, the newest first, each of at least 32 characters and none twice', () => {
      const rotated = parseConfig(production({ LINK_SIGNING_SECRET: `${'n'.repeat(40)}, ${'o'.repeat(32)}` }), generate);
      assert.equal(rotated.linkSecret, `${'n'.repeat(40)}, ${'o'.repeat(32)}`, 'kept as set; the links read the list from it');
      const short = problemsFor(production({ LINK_SIGNING_SECRET: `${'n'.repeat(40)},${'o'.repeat(31)}` }));
      assert.deepEqual(names(short, 'LINK_SIGNING_SECRET'), ['LINK_SIGNING_SECRET: each of its comma-separated secrets must be at least 32 characters']);
      const twice = problemsFor(production({ LINK_SIGNING_SECRET: `${'n'.repeat(40)},${'n'.repeat(40)}` }));
      assert.deepEqual(names(twice, 'LINK_SIGNING_SECRET'), ['LINK_SIGNING_SECRET names the same secret twice']);
    });

    it('needs the app password with an app id, unless the bot uses a managed identity', () => {
      assert.equal(names(problemsFor(production({ MICROSOFT_APP_PASSWORD: undefined })), 'MICROSOFT_APP_PASSWORD').length, 1);
      const msi = parseConfig(production({ MICROSOFT_APP_TYPE: 'UserAssignedMSI', MICROSOFT_APP_PASSWORD: undefined, MICROSOFT_APP_TENANT_ID: 'tenant' }), generate);
      assert.equal(msi.bot.appType, 'UserAssignedMSI');
      assert.equal(msi.bot.appPassword, '');
    });

    it('needs the tenant id for a SingleTenant or managed-identity bot', () => {
      for (const type of ['SingleTenant', 'UserAssignedMSI']) {
        const problems = problemsFor(production({ MICROSOFT_APP_TYPE: type }));
        assert.deepEqual(names(problems, 'MICROSOFT_APP_TENANT_ID').length, 1, problems.join('\n'));
      }
      const single = parseConfig(production({ MICROSOFT_APP_TYPE: 'SingleTenant', MICROSOFT_APP_TENANT_ID: ' tenant-1 ' }), generate);
      assert.equal(single.bot.tenantId, 'tenant-1');
    });

    it('refuses an unknown app type', () => {
      assert.equal(names(problemsFor(production({ MICROSOFT_APP_TYPE: 'SingleTennant' })), 'MICROSOFT_APP_TYPE').length, 1);
    });
  });

  describe('settings checked in every mode', () => {
    for (const port of ['abc', '70000', '-1', '3.5']) {
      it(`names PORT=${port}`, () => {
        const problems = problemsFor({ SAMRAD_LOCAL: 'true', PORT: port });
        assert.deepEqual(problems, [`PORT must be a port number, not "${port}"`]);
      });
    }

    it('names a time zone that is not an IANA zone, and accepts one that is', () => {
      const problems = problemsFor(production({ DEFAULT_TIME_ZONE: 'Europe/Stokholm' }));
      assert.deepEqual(names(problems, 'DEFAULT_TIME_ZONE'), ['DEFAULT_TIME_ZONE "Europe/Stokholm" is not an IANA time zone']);
      assert.equal(parseConfig(production({ DEFAULT_TIME_ZONE: 'Europe/Helsinki' }), generate).defaultTimeZone, 'Europe/Helsinki');
    });

    it('times the nudges as configured (14 days and 2 working days unless set), and names a setting that is not a whole number in range', () => {
      assert.deepEqual(parseConfig(production(), generate).nudges, { summaryDaysBefore: 14, graceWorkingDays: 2 });
      assert.deepEqual(parseConfig(production({ NUDGE_SUMMARY_DAYS: '10', NUDGE_GRACE_DAYS: '3' }), generate).nudges, { summaryDaysBefore: 10, graceWorkingDays: 3 });
      for (const bad of ['0', '61', '7.5', 'two', '-1']) assert.deepEqual(names(problemsFor(production({ NUDGE_SUMMARY_DAYS: bad })), 'NUDGE_SUMMARY_DAYS'), ['NUDGE_SUMMARY_DAYS must be a whole number from 1 to 60'], bad);
      assert.deepEqual(names(problemsFor(production({ NUDGE_GRACE_DAYS: '21' })), 'NUDGE_GRACE_DAYS'), ['NUDGE_GRACE_DAYS must be a whole number from 1 to 20']);
    });

    it('paces sends to Teams at 40 a second unless set; above Teams\' 50 only in local mode (a connector that enforces no limits)', () => {
      assert.equal(parseConfig(production(), generate).teamsSendsPerSecond, 40);
      assert.equal(parseConfig(production({ TEAMS_SENDS_PER_SECOND: '25' }), generate).teamsSendsPerSecond, 25);
      assert.deepEqual(names(problemsFor(production({ TEAMS_SENDS_PER_SECOND: '51' })), 'TEAMS_SENDS_PER_SECOND'), ['TEAMS_SENDS_PER_SECOND must be a whole number from 1 to 50']);
      for (const bad of ['0', 'fast', '2.5']) assert.equal(names(problemsFor(production({ TEAMS_SENDS_PER_SECOND: bad })), 'TEAMS_SENDS_PER_SECOND').length, 1, bad);
      assert.equal(parseConfig({ SAMRAD_LOCAL: 'true', TEAMS_SENDS_PER_SECOND: '400' }, generate).teamsSendsPerSecond, 400);
    });

    it('names a default language Samråd does not speak, and accepts one it does', () => {
      for (const locale of ['de', 'sv-SE']) assert.equal(names(problemsFor(production({ DEFAULT_LOCALE: locale })), 'DEFAULT_LOCALE').length, 1);
      assert.equal(parseConfig(production({ DEFAULT_LOCALE: 'fi' }), generate).defaultLocale, 'fi');
    });

    it('names every bad setting at once', () => {
      const problems = problemsFor({ SAMRAD_LOCAL: 'true', HOST: '10.0.0.1', PORT: 'x', DEFAULT_TIME_ZONE: 'Mars/Olympus', DEFAULT_LOCALE: 'no' });
      assert.deepEqual(
        problems.map((p) => p.split(' ')[0]),
        ['PORT', 'HOST', 'DEFAULT_TIME_ZONE', 'DEFAULT_LOCALE'],
      );
    });
  });
});

describe('parseConfig: BOT_OPENID_METADATA_URL (bot/config.ts)', () => {
  const URL_OF_TESTS = 'http://127.0.0.1:4000/v1/.well-known/openidconfiguration';

  it('is absent unless set, so the SDK keeps its public-cloud metadata', () => {
    assert.equal(parseConfig(production(), generate).openIdMetadataUrl, undefined);
    assert.equal(parseConfig(production({ BOT_OPENID_METADATA_URL: '  ' }), generate).openIdMetadataUrl, undefined);
  });

  it('takes an https address outside local mode, trimmed', () => {
    const url = 'https://login.sovereign.example/v1/.well-known/openidconfiguration';
    assert.equal(parseConfig(production({ BOT_OPENID_METADATA_URL: ` ${url} ` }), generate).openIdMetadataUrl, url);
  });

  it('refuses a plain http address outside local mode, and takes one in local mode (a local stand-in)', () => {
    assert.deepEqual(names(problemsFor(production({ BOT_OPENID_METADATA_URL: URL_OF_TESTS })), 'BOT_OPENID_METADATA_URL'), [
      'BOT_OPENID_METADATA_URL must be an https address',
    ]);
    assert.equal(parseConfig({ SAMRAD_LOCAL: 'true', BOT_OPENID_METADATA_URL: URL_OF_TESTS }, generate).openIdMetadataUrl, URL_OF_TESTS);
  });

  it('refuses a value that is no address', () => {
    for (const value of ['login.botframework.com/v1', 'ftp://example.org/metadata', 'not a url']) {
      assert.equal(names(problemsFor(production({ BOT_OPENID_METADATA_URL: value })), 'BOT_OPENID_METADATA_URL').length, 1, value);
      assert.equal(names(problemsFor({ SAMRAD_LOCAL: 'true', BOT_OPENID_METADATA_URL: value }), 'BOT_OPENID_METADATA_URL').length, 1, value);
    }
  });
});

describe('parseConfig: installing Samråd through Microsoft Graph (bot/config.ts)', () => {
  const MANIFEST_ID = '5a3d2b1e-7c4f-4e8a-9b6d-2f1e0c9a8b71';
  const CATALOG_ID = 'c0ffee00-1111-4222-8333-444455556666';
  const single = (overrides: Record<string, string | undefined> = {}) => production({ MICROSOFT_APP_TYPE: 'SingleTenant', MICROSOFT_APP_TENANT_ID: 'tenant-1', ...overrides });

  it('is off unless TEAMS_APP_ID or TEAMS_APP_CATALOG_ID is set', () => {
    assert.equal(parseConfig(single(), generate).graph, undefined);
    assert.equal(parseConfig(single({ TEAMS_APP_ID: ' ', TEAMS_APP_CATALOG_ID: '' }), generate).graph, undefined);
    assert.equal(parseConfig({ SAMRAD_LOCAL: 'true' }, generate).graph, undefined);
  });

  it('reads the manifest id, the catalog id and the public Graph by default', () => {
    assert.deepEqual(parseConfig(single({ TEAMS_APP_ID: ` ${MANIFEST_ID} ` }), generate).graph, { baseUrl: 'https://graph.microsoft.com/v1.0', catalogId: undefined, teamsAppId: MANIFEST_ID });
    assert.deepEqual(parseConfig(single({ TEAMS_APP_CATALOG_ID: CATALOG_ID }), generate).graph, { baseUrl: 'https://graph.microsoft.com/v1.0', catalogId: CATALOG_ID, teamsAppId: undefined });
  });

  it('takes GRAPH_BASE_URL without its trailing slash: https outside local mode, http(s) in local mode', () => {
    const sovereign = parseConfig(single({ TEAMS_APP_ID: MANIFEST_ID, GRAPH_BASE_URL: 'https://graph.microsoft.us/v1.0/' }), generate);
    assert.equal(sovereign.graph?.baseUrl, 'https://graph.microsoft.us/v1.0');
    assert.deepEqual(names(problemsFor(single({ TEAMS_APP_ID: MANIFEST_ID, GRAPH_BASE_URL: 'http://127.0.0.1:4000/v1.0' })), 'GRAPH_BASE_URL'), ['GRAPH_BASE_URL must be an https address']);
    assert.equal(parseConfig({ SAMRAD_LOCAL: 'true', TEAMS_APP_ID: MANIFEST_ID, GRAPH_BASE_URL: 'http://127.0.0.1:4000/v1.0' }, generate).graph?.baseUrl, 'http://127.0.0.1:4000/v1.0');
    assert.equal(names(problemsFor({ SAMRAD_LOCAL: 'true', GRAPH_BASE_URL: 'graph.microsoft.com' }), 'GRAPH_BASE_URL').length, 1);
  });

  it('names an id that is not a GUID', () => {
    assert.equal(names(problemsFor(single({ TEAMS_APP_ID: 'samrad' })), 'TEAMS_APP_ID').length, 1);
    assert.equal(names(problemsFor(single({ TEAMS_APP_CATALOG_ID: "x' or 1 eq 1" })), 'TEAMS_APP_CATALOG_ID').length, 1);
  });

  it('needs the bot\'s tenant for a multi-tenant bot outside local mode (the token is for the bot\'s own tenant)', () => {
    const problems = problemsFor(production({ TEAMS_APP_ID: MANIFEST_ID }));
    assert.deepEqual(names(problems, 'MICROSOFT_APP_TENANT_ID'), ['MICROSOFT_APP_TENANT_ID is required to install Samråd through Microsoft Graph (TEAMS_APP_ID or TEAMS_APP_CATALOG_ID is set)']);
    assert.equal(parseConfig(production({ TEAMS_APP_ID: MANIFEST_ID, MICROSOFT_APP_TENANT_ID: 'tenant-1' }), generate).graph?.teamsAppId, MANIFEST_ID);
    // A managed identity needs its tenant anyway: the problem is named once.
    const msi = problemsFor(production({ TEAMS_APP_ID: MANIFEST_ID, MICROSOFT_APP_TYPE: 'UserAssignedMSI', MICROSOFT_APP_PASSWORD: undefined }));
    assert.equal(names(msi, 'MICROSOFT_APP_TENANT_ID').length, 1, msi.join('\n'));
  });
});

describe('parseConfig: unresolved Key Vault references (bot/config.ts)', () => {
  // What App Service passes on when it cannot resolve a reference: the reference's own text.
  const REFERENCE = '@Microsoft.KeyVault(VaultName=kv-samrad;SecretName=link-signing-secret)';

  it('refuses a link secret that is still a Key Vault reference, naming it once, though it is longer than 32 characters', () => {
    assert.ok(REFERENCE.length >= 32);
    const problems = problemsFor(production({ LINK_SIGNING_SECRET: REFERENCE }));
    assert.equal(names(problems, 'LINK_SIGNING_SECRET').length, 1, problems.join('\n'));
    assert.match(names(problems, 'LINK_SIGNING_SECRET')[0], /^LINK_SIGNING_SECRET is still a Key Vault reference/);
    assert.ok(!problems.join('\n').includes('VaultName'), 'the reference itself is not repeated');
  });

  it('refuses a reference under any key, in any mode and any spelling, naming each key', () => {
    const env = {
      ...production({ MICROSOFT_APP_PASSWORD: ' @microsoft.keyvault(SecretUri=https://kv-samrad.vault.azure.net/secrets/app-password/)' }),
      COSMOS_KEY: '@Microsoft.KeyVault (VaultName=kv-samrad;SecretName=cosmos-key)',
      SOMETHING_ELSE: '@MICROSOFT.KEYVAULT(VaultName=x;SecretName=y)',
    };
    const problems = problemsFor(env);
    for (const key of ['MICROSOFT_APP_PASSWORD', 'COSMOS_KEY', 'SOMETHING_ELSE']) {
      assert.equal(names(problems, `${key} is still a Key Vault reference`).length, 1, `${key} in:\n${problems.join('\n')}`);
    }
    assert.equal(problems.length, 3, problems.join('\n'));
    const local = problemsFor({ SAMRAD_LOCAL: 'true', LINK_SIGNING_SECRET: REFERENCE });
    assert.deepEqual(local.map((p) => p.split(' ')[0]), ['LINK_SIGNING_SECRET']);
  });

  it('accepts values that only mention Key Vault, and resolved secrets', () => {
    const config = parseConfig(
      production({ LINK_SIGNING_SECRET: 'x'.repeat(8) + '@Microsoft.KeyVault(' + 'y'.repeat(24), DEFAULT_TIME_ZONE: 'Europe/Oslo' }),
      generate,
    );
    assert.equal(config.linkSecret.length, 52);
    assert.doesNotThrow(() => parseConfig(production({ NOTE: 'see Microsoft.KeyVault docs' }), generate));
  });
});
