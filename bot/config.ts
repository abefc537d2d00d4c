import * as v from 'valibot';
import { LOCALES, type Locale } from './domain/meeting';
import { isKnownZone } from './domain/time';
import { DEFAULT_NUDGE_SETTINGS, type NudgeSettings } from './domain/nudges';
import { signingSecrets } from './domain/page-link';

/** Everything Samråd reads from its environment, parsed once at start. */
export interface Config {
  /** Local mode: no Bot Framework authentication, loopback only, embedded Cosmos DB by default. */
  local: boolean;
  host: string;
  port: number;
  bot: {
    appId: string;
    appPassword: string;
    appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    tenantId: string;
  };
  /**
   * Samråd's Entra app registration (aad.manifest.json): the app Teams knows as the manifest's
   * `webApplicationInfo`. The live timer tab's single sign-on tokens are for it, resource-specific
   * consent is granted to it, and Samråd calls Microsoft Graph as it. ENTRA_APP_ID; unset, the bot's
   * own app registration is that app (MICROSOFT_APP_ID, as in local mode). An Entra app other than
   * the bot's needs a bot that is a user-assigned managed identity: the app then signs in without
   * a secret, through a federated credential that trusts that identity (README: "Identity").
   */
  entraApp: {
    appId: string;
    /** How it gets its tokens: as the bot itself, or with the managed identity's token as its client assertion. */
    signIn: 'bot' | 'federated';
  };
  /**
   * Installing Samråd through Microsoft Graph for colleagues who have not installed it, with the
   * bot's own credentials in its tenant; absent when neither TEAMS_APP_CATALOG_ID nor TEAMS_APP_ID is set.
   */
  graph?: {
    /** GRAPH_BASE_URL, without a trailing slash (default https://graph.microsoft.com/v1.0). */
    baseUrl: string;
    /** TEAMS_APP_CATALOG_ID: the app's id in the organisation's app catalog; absent: looked up by `teamsAppId`. */
    catalogId?: string;
    /** TEAMS_APP_ID: the manifest id. */
    teamsAppId?: string;
  };
  /**
   * The coordinators, who see the overview of their organisation's meetings. COORDINATORS: Entra
   * object ids, each a coordinator in the bot's tenant (MICROSOFT_APP_TENANT_ID; in any tenant when
   * that is unset), or in the tenant it is written with (`<tenant id>:<object id>`).
   * COORDINATOR_GROUPS: `<tenant id>:<group id>` pairs; the group's members (transitively) are that
   * tenant's coordinators, read through Microsoft Graph at `graphBaseUrl` (GroupMember.Read.All).
   */
  coordinators: {
    /** Object ids in lower case; `tenantId` absent: any tenant. */
    ids: { tenantId?: string; objectId: string }[];
    /** Tenant and group ids in lower case. */
    groups: { tenantId: string; groupId: string }[];
    /** GRAPH_BASE_URL, without a trailing slash. */
    graphBaseUrl: string;
  };
  /**
   * The data-protection officers, who find, export and erase a person's data and read a meeting's
   * audit trail (DATA_PROTECTION_OFFICERS): Entra object ids in lower case, each an officer in the
   * bot's tenant (MICROSOFT_APP_TENANT_ID; in any tenant when that is unset), or in the tenant it is
   * written with (`<tenant id>:<object id>`); `tenantId` absent: any tenant.
   */
  dataProtectionOfficers: { tenantId?: string; objectId: string }[];
  /**
   * The OpenID metadata document listing the keys incoming Bot Framework tokens are signed with,
   * used for channel and emulator tokens alike; absent: the SDK's public-cloud documents.
   */
  openIdMetadataUrl?: string;
  /**
   * The live timer tab's single sign-on (Teams `authentication.getAuthToken`): the Entra ID key
   * set the tokens are checked against, the issuers (with `{tenantid}`), and the audiences
   * accepted; with no audience (no MICROSOFT_APP_ID and no SSO_AUDIENCE) no token is accepted.
   */
  sso: { jwksUrl: string; issuers: string[]; audiences: string[] };
  /** Absent: the embedded Cosmos-compatible server, local mode only. */
  cosmos?: { endpoint: string; key?: string; database: string };
  database: string;
  dataDir: string;
  /** The https address people reach the bot at; in local mode, the address it listens on when unset. */
  publicBaseUrl?: string;
  /**
   * LINK_SIGNING_SECRET as set: one secret, or several separated by commas, the newest first.
   * The newest signs the links (a person's page, letters, calendar files, the live timer); every
   * one still verifies, so the secret can be rotated without breaking links already sent.
   */
  linkSecret: string;
  defaultTimeZone: string;
  defaultLocale: Locale;
  /**
   * Follow-up nudges: NUDGE_SUMMARY_DAYS (default 14, 004: the summary of the agreements goes out
   * that many days before the follow-up meeting), NUDGE_GRACE_DAYS (default 2: working days an
   * overdue action item or late minutes wait before the caseworker, then a coordinator, is told).
   */
  nudges: NudgeSettings;
  /**
   * RETENTION_MONTHS (default 6): how long a meeting's documents are kept after the last meeting
   * of its follow-up chain, or after its cancellation; then Cosmos DB's `ttl` removes them.
   */
  retention: { months: number };
  /**
   * TEAMS_SENDS_PER_SECOND: the most requests to Teams a second, all instances on the store
   * together (default 40, under Teams' 50 per app and tenant; see `teams/pacing.ts`). Above 50
   * only in local mode, against a connector that enforces no limits (the crash tests).
   */
  teamsSendsPerSecond: number;
  /**
   * APPLICATIONINSIGHTS_CONNECTION_STRING: where telemetry goes (bot/telemetry: metrics and spans of
   * requests, jobs, Teams and the store; ids and counts only). Absent: nothing is exported.
   */
  telemetry?: { connectionString: string };
}

/** The environment could not be turned into a Config; the message names every key at fault. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Samråd cannot start:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const APP_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Entries of the lists of ids: GUIDs in lower case, `<tenant id>:<id>` where a tenant is named.
const LOWER_GUID = v.pipe(v.string(), v.regex(GUID), v.toLowerCase());
const PARTS = v.pipe(v.string(), v.transform((entry) => entry.split(':').map((part) => part.trim())));
const OBJECT_ID = v.pipe(PARTS, v.union([v.strictTuple([LOWER_GUID]), v.strictTuple([LOWER_GUID, LOWER_GUID])]), v.transform((ids) => (ids.length === 2 ? { tenantId: ids[0], objectId: ids[1] } : { objectId: ids[0] })));
const GROUP = v.pipe(PARTS, v.strictTuple([LOWER_GUID, LOWER_GUID]), v.transform(([tenantId, groupId]) => ({ tenantId, groupId })));

/** Parses the environment; `generatedSecret` is used for links in local mode when none is set. */
export function parseConfig(env: NodeJS.ProcessEnv, generatedSecret: () => string): Config {
  const problems: string[] = [];
  const local = flag(env.SAMRAD_LOCAL);
  const host = env.HOST?.trim() || (local ? '127.0.0.1' : '0.0.0.0');
  const port = Number(env.PORT?.trim() || '3978');
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT must be a port number, not "${env.PORT}"`);
  if (local && !LOOPBACK.has(host)) problems.push(`HOST must be a loopback address in local mode (SAMRAD_LOCAL), not "${host}"`);

  const appId = env.MICROSOFT_APP_ID?.trim() ?? '';
  const appType = (env.MICROSOFT_APP_TYPE?.trim() || 'MultiTenant') as Config['bot']['appType'];
  if (!APP_TYPES.includes(appType)) problems.push(`MICROSOFT_APP_TYPE must be one of ${APP_TYPES.join(', ')}`);
  const appPassword = env.MICROSOFT_APP_PASSWORD ?? '';
  const tenantId = env.MICROSOFT_APP_TENANT_ID?.trim() ?? '';
  if (!local && !appId) problems.push('MICROSOFT_APP_ID is required (or set SAMRAD_LOCAL=true to run locally without authentication)');
  if (appId && appType !== 'UserAssignedMSI' && !appPassword) problems.push('MICROSOFT_APP_PASSWORD is required with MICROSOFT_APP_ID');
  if (appId && appType !== 'MultiTenant' && !tenantId) problems.push(`MICROSOFT_APP_TENANT_ID is required when MICROSOFT_APP_TYPE is ${appType}`);
  const entraAppId = env.ENTRA_APP_ID?.trim() || appId;
  const entraApp: Config['entraApp'] = { appId: entraAppId, signIn: entraAppId.toLowerCase() === appId.toLowerCase() ? 'bot' : 'federated' };
  if (env.ENTRA_APP_ID?.trim() && !GUID.test(entraAppId)) problems.push(`ENTRA_APP_ID must be the Entra app registration's client id (a GUID), not "${entraAppId}"`);
  if (entraApp.signIn === 'federated' && appType !== 'UserAssignedMSI') {
    problems.push('ENTRA_APP_ID differs from MICROSOFT_APP_ID: its federated credential trusts the bot\'s managed identity, so MICROSOFT_APP_TYPE must be UserAssignedMSI (otherwise leave ENTRA_APP_ID empty: the bot\'s app registration is the Entra app)');
  }

  const teamsAppId = env.TEAMS_APP_ID?.trim() || undefined;
  const catalogId = env.TEAMS_APP_CATALOG_ID?.trim() || undefined;
  const graphBaseUrl = env.GRAPH_BASE_URL?.trim().replace(/\/+$/, '') || 'https://graph.microsoft.com/v1.0';
  if (teamsAppId && !GUID.test(teamsAppId)) problems.push(`TEAMS_APP_ID must be the manifest's id (a GUID), not "${teamsAppId}"`);
  if (catalogId && !GUID.test(catalogId)) problems.push(`TEAMS_APP_CATALOG_ID must be the app's id in the app catalog (a GUID), not "${catalogId}"`);
  if (!isUrl(graphBaseUrl, local ? ['https:', 'http:'] : ['https:'])) problems.push(`GRAPH_BASE_URL must be an ${local ? 'http(s)' : 'https'} address`);
  const graph = teamsAppId || catalogId ? { baseUrl: graphBaseUrl, catalogId, teamsAppId } : undefined;
  if (graph && !local && appId && appType === 'MultiTenant' && !tenantId) {
    problems.push('MICROSOFT_APP_TENANT_ID is required to install Samråd through Microsoft Graph (TEAMS_APP_ID or TEAMS_APP_CATALOG_ID is set)');
  }

  const coordinators = parseCoordinators(env, { local, appType, tenantId, graphBaseUrl }, problems);
  const dataProtectionOfficers = objectIds(env.DATA_PROTECTION_OFFICERS, 'DATA_PROTECTION_OFFICERS', tenantId, problems);

  const openIdMetadataUrl = env.BOT_OPENID_METADATA_URL?.trim() || undefined;
  if (openIdMetadataUrl && !isUrl(openIdMetadataUrl, local ? ['https:', 'http:'] : ['https:'])) {
    problems.push(`BOT_OPENID_METADATA_URL must be an ${local ? 'http(s)' : 'https'} address`);
  }

  // The live timer tab's sign-on: by default the Entra app's id and its Application ID URI (the manifest's webApplicationInfo resource) on the public host.
  const ssoJwksUrl = env.SSO_JWKS_URL?.trim() || 'https://login.microsoftonline.com/common/discovery/v2.0/keys';
  if (!isUrl(ssoJwksUrl, local ? ['https:', 'http:'] : ['https:'])) problems.push(`SSO_JWKS_URL must be an ${local ? 'http(s)' : 'https'} address`);
  const ssoIssuers = list(env.SSO_ISSUERS);
  for (const issuer of ssoIssuers) if (!issuer.includes('{tenantid}')) problems.push(`SSO_ISSUERS: "${issuer}" must contain {tenantid}`);
  const publicHost = (() => {
    try {
      return env.PUBLIC_BASE_URL?.trim() ? new URL(env.PUBLIC_BASE_URL.trim()).host : '';
    } catch {
      return '';
    }
  })();
  const ssoAudiences = list(env.SSO_AUDIENCE);
  if (ssoAudiences.length === 0 && entraAppId) ssoAudiences.push(entraAppId, ...(publicHost ? [applicationIdUri(publicHost, entraAppId)] : []));
  const sso = {
    jwksUrl: ssoJwksUrl,
    issuers: ssoIssuers.length > 0 ? ssoIssuers : ['https://login.microsoftonline.com/{tenantid}/v2.0', 'https://sts.windows.net/{tenantid}/'],
    audiences: ssoAudiences,
  };

  const database = env.COSMOS_DATABASE?.trim() || 'samrad';
  const endpoint = env.COSMOS_ENDPOINT?.trim();
  if (!endpoint && !local) problems.push('COSMOS_ENDPOINT is required outside local mode');
  const cosmos = endpoint ? { endpoint, key: env.COSMOS_KEY?.trim() || undefined, database } : undefined;

  const publicBaseUrl = env.PUBLIC_BASE_URL?.trim().replace(/\/+$/, '') || undefined;
  if (!publicBaseUrl && !local) problems.push('PUBLIC_BASE_URL is required outside local mode (the https address of the bot)');
  let linkSecret = env.LINK_SIGNING_SECRET ?? '';
  if (!linkSecret && local) linkSecret = generatedSecret();
  // One secret, or several separated by commas, the newest first (it signs; every one verifies): see bot/domain/page-link.ts.
  const linkSecrets = signingSecrets(linkSecret);
  if (!isKeyVaultReference(linkSecret)) {
    if (linkSecrets.length <= 1 && linkSecret.trim().length < 32) problems.push('LINK_SIGNING_SECRET must be at least 32 characters');
    else if (linkSecrets.some((s) => s.length < 32)) problems.push('LINK_SIGNING_SECRET: each of its comma-separated secrets must be at least 32 characters');
    else if (new Set(linkSecrets).size !== linkSecrets.length) problems.push('LINK_SIGNING_SECRET names the same secret twice');
  }

  const defaultTimeZone = env.DEFAULT_TIME_ZONE?.trim() || 'Europe/Stockholm';
  if (!isKnownZone(defaultTimeZone)) problems.push(`DEFAULT_TIME_ZONE "${defaultTimeZone}" is not an IANA time zone`);
  const nudges = {
    summaryDaysBefore: wholeNumber(env.NUDGE_SUMMARY_DAYS, DEFAULT_NUDGE_SETTINGS.summaryDaysBefore, 1, 60, 'NUDGE_SUMMARY_DAYS', problems),
    graceWorkingDays: wholeNumber(env.NUDGE_GRACE_DAYS, DEFAULT_NUDGE_SETTINGS.graceWorkingDays, 1, 20, 'NUDGE_GRACE_DAYS', problems),
  };
  const teamsSendsPerSecond = wholeNumber(env.TEAMS_SENDS_PER_SECOND, 40, 1, local ? 999 : 50, 'TEAMS_SENDS_PER_SECOND', problems);
  const telemetry = telemetrySettings(env.APPLICATIONINSIGHTS_CONNECTION_STRING, problems);
  const retention = { months: wholeNumber(env.RETENTION_MONTHS, 6, 1, 120, 'RETENTION_MONTHS', problems) };
  const defaultLocale = (env.DEFAULT_LOCALE?.trim() || 'en') as Locale;
  if (!LOCALES.includes(defaultLocale)) problems.push(`DEFAULT_LOCALE must be one of ${LOCALES.join(', ')}`);

  // App Service passes a Key Vault reference it could not resolve on as its own text. As the
  // link secret it would pass the length check, and links would be signed with a guessable key.
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && isKeyVaultReference(value)) {
      problems.push(`${key} is still a Key Vault reference: App Service could not resolve it (check the app's Key Vault reference identity, its Key Vault Secrets User role and that the secret exists)`);
    }
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    local,
    host,
    port,
    bot: { appId, appPassword, appType, tenantId },
    entraApp,
    graph,
    coordinators,
    dataProtectionOfficers,
    openIdMetadataUrl,
    sso,
    cosmos,
    database,
    dataDir: env.SAMRAD_DATA_DIR?.trim() || '.samrad-data',
    publicBaseUrl,
    linkSecret,
    defaultTimeZone,
    defaultLocale,
    nudges,
    retention,
    teamsSendsPerSecond,
    telemetry,
  };
}

/**
 * The Application ID URI of Samråd's Entra app, which is the manifest's `webApplicationInfo.resource`
 * and the audience of the tab's single sign-on tokens: `api://<the public host>/<its client id>`
 * (aad.manifest.json `identifierUris`; test/unit/identity.test.ts holds the three together).
 */
export function applicationIdUri(host: string, entraAppId: string): string {
  return `api://${host}/${entraAppId}`;
}

/** A whole number from `min` to `max`, or the default when unset; anything else is a problem named after its variable. */
function wholeNumber(raw: string | undefined, fallback: number, min: number, max: number, name: string, problems: string[]): number {
  const text = raw?.trim();
  if (!text) return fallback;
  const value = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) problems.push(`${name} must be a whole number from ${min} to ${max}`);
  return value >= min && value <= max ? value : fallback;
}

/**
 * COORDINATORS and COORDINATOR_GROUPS. Every entry must be of its shape (GUIDs); a group is read
 * with the bot's own identity, so it must be in a tenant that identity can get a token for: its
 * own, or any tenant that consented to a multi-tenant app registration.
 */
function parseCoordinators(
  env: NodeJS.ProcessEnv,
  bot: { local: boolean; appType: Config['bot']['appType']; tenantId: string; graphBaseUrl: string },
  problems: string[],
): Config['coordinators'] {
  const ids = objectIds(env.COORDINATORS, 'COORDINATORS', bot.tenantId, problems);
  const botTenant = bot.tenantId.toLowerCase() || undefined;
  const groups = entries(env.COORDINATOR_GROUPS, GROUP, (entry) => `COORDINATOR_GROUPS: "${entry}" must be <tenant id>:<group id>, both GUIDs`, problems).filter((group) => {
    const readable = bot.local || bot.appType === 'MultiTenant' || !botTenant || group.tenantId === botTenant;
    if (!readable) problems.push(`COORDINATOR_GROUPS: the group ${group.groupId} is in tenant ${group.tenantId}, but a ${bot.appType} identity reads Microsoft Graph in its own tenant (MICROSOFT_APP_TENANT_ID) only`);
    return readable;
  });
  return { ids, groups, graphBaseUrl: bot.graphBaseUrl };
}

/**
 * APPLICATIONINSIGHTS_CONNECTION_STRING as Azure shows it: `InstrumentationKey=<GUID>;IngestionEndpoint=https://…`
 * (other fields allowed). The regional ingestion endpoint is required, so telemetry never goes to
 * the global one by default; the exporter sends over https only. The value is never repeated in a message.
 */
function telemetrySettings(raw: string | undefined, problems: string[]): Config['telemetry'] {
  const text = raw?.trim();
  if (!text || isKeyVaultReference(text)) return undefined;
  const name = 'APPLICATIONINSIGHTS_CONNECTION_STRING';
  const fields = new Map<string, string>();
  for (const part of text.split(';').map((p) => p.trim()).filter(Boolean)) {
    const pair = part.split('=');
    if (pair.length !== 2 || !pair[0].trim()) {
      problems.push(`${name} must be an Application Insights connection string (Key=value pairs separated by ";", as the resource's overview shows it), not an instrumentation key or anything else`);
      return undefined;
    }
    fields.set(pair[0].trim().toLowerCase(), pair[1].trim());
  }
  const before = problems.length;
  if (!GUID.test(fields.get('instrumentationkey') ?? '')) problems.push(`${name} must name its InstrumentationKey (a GUID)`);
  const endpoint = fields.get('ingestionendpoint') ?? '';
  if (!isUrl(endpoint, ['https:'])) problems.push(`${name} must name its regional IngestionEndpoint, an https address (as the resource's overview shows it)`);
  if ((fields.get('authorization') ?? 'ikey').toLowerCase() !== 'ikey') problems.push(`${name}: Authorization=${fields.get('authorization')} is not supported; Samråd sends with the connection string alone`);
  return problems.length === before ? { connectionString: text } : undefined;
}

function isUrl(value: string, protocols: string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** A value that is still an App Service Key Vault reference, `@Microsoft.KeyVault(...)`, in any spelling. */
function isKeyVaultReference(value: string): boolean {
  return /^\s*@Microsoft\.KeyVault\s*\(/i.test(value);
}

/**
 * A list of Entra object ids (COORDINATORS, DATA_PROTECTION_OFFICERS): each a plain id, which counts
 * in the bot's own tenant (in any tenant when that is unset), or `<tenant id>:<object id>`. Anything
 * else is a problem named after the variable.
 */
function objectIds(raw: string | undefined, name: string, botTenantId: string, problems: string[]): { tenantId?: string; objectId: string }[] {
  const refusal = (entry: string) => `${name}: "${entry}" must be an Entra object id (a GUID), or <tenant id>:<object id>`;
  return entries(raw, OBJECT_ID, refusal, problems).map(({ tenantId = botTenantId.toLowerCase(), objectId }) => ({ ...(tenantId ? { tenantId } : {}), objectId }));
}

/** A comma-separated setting, each entry read by `schema`; an entry it refuses is a problem (`refusal` names it). */
function entries<T>(raw: string | undefined, schema: v.GenericSchema<string, T>, refusal: (entry: string) => string, problems: string[]): T[] {
  return list(raw).flatMap((entry) => {
    const read = v.safeParse(schema, entry);
    if (!read.success) problems.push(refusal(entry));
    return read.success ? [read.output] : [];
  });
}

/** A comma-separated setting as its trimmed, non-empty parts. */
function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((part) => part.trim()).filter(Boolean);
}

function flag(value: string | undefined): boolean {
  return ['1', 'true', 'yes'].includes((value ?? '').trim().toLowerCase());
}
