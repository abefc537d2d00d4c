import {
  CallerIdConstants,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type InvokeResponse,
  type Request,
  type Response,
  type TurnContext,
} from 'botbuilder';
import type { Config } from '../config';
import type { Logger } from '../log';
import type { Telemetry } from '../telemetry/port';
import { observedConnectorFactory } from './observed-connector';

/**
 * Authentication of POST /api/messages that never answers 500 and never shows what failed.
 *
 * botframework-connector throws three kinds of errors while checking a token:
 * - `AuthenticationError` with status 401 (no header, unknown issuer or key id, wrong audience,
 *   issuer or serviceUrl, an expired token signed by a known key);
 * - errors of `jsonwebtoken` that it rethrows as they are (`JsonWebTokenError`: no signature,
 *   an algorithm other than RS256/384/512, a signature by another key; `NotBeforeError`), which
 *   CloudAdapter turns into a 500 carrying the library's message;
 * - errors from fetching the OpenID metadata and its key set (`OpenIdMetadata.refreshCache`):
 *   `AuthenticationError` with status 500 when either answers an error status, and node-fetch's
 *   `FetchError` (no connection, DNS, a body that is not JSON), whose message names the URL.
 * The first two mean the request is not authentic (401); the third that the signing keys cannot
 * be had right now (503 with Retry-After). The SDK's fetch has no timeout, so each check is
 * bounded here too.
 */

/** How long one request may wait for its token check, the key fetch included. */
export const AUTH_BOUND_MS = 3_000;
/** What a 503 asks the caller to wait, in seconds. */
export const RETRY_AFTER_S = 30;
/**
 * Token checks still running past their bound (a metadata endpoint that takes the connection
 * and never answers leaves the SDK's fetch hanging). With this many, new requests get their 503
 * at once instead of opening yet another hanging fetch.
 */
const MAX_STRANDED = 16;

/** Why a request was not let in: its token is not good, or the keys to check it could not be had. */
export type Refusal = 'unauthorized' | 'unavailable';

/** A refused authentication, by kind and a short reason for the log; the SDK's message is dropped. */
export class AuthRefused extends Error {
  constructor(
    readonly kind: Refusal,
    readonly reason: string,
  ) {
    super(kind === 'unauthorized' ? 'Unauthorized' : 'Service Unavailable');
    this.name = 'AuthRefused';
  }
}

/** Sorts whatever the SDK's token check threw into "not authentic" and "keys unavailable". */
export function classify(err: unknown): AuthRefused {
  if (err instanceof AuthRefused) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as Record<string, unknown>;
  // OpenIdMetadata: the metadata document or the key set answered with an error status.
  if (typeof e.statusCode === 'number' && e.statusCode >= 500) return new AuthRefused('unavailable', 'status');
  // node-fetch inside OpenIdMetadata: refused, reset, DNS, a body that is not JSON.
  if (e.name === 'FetchError' || e.name === 'AbortError') return new AuthRefused('unavailable', word(e.code) ?? word(e.type) ?? 'fetch');
  // Anything else thrown while fetching or reading the key set (a jwks_uri that is no URL, a broken key).
  if (typeof e.stack === 'string' && /[\\/]openIdMetadata\.[jt]s\b/.test(e.stack)) return new AuthRefused('unavailable', 'metadata');
  // The rest is about the token itself.
  return new AuthRefused('unauthorized', word(e.name) ?? 'error');
}

/**
 * Runs the SDK's token checks within a time bound, turns their failures into AuthRefused, and
 * logs an outage of the signing keys once: when it starts, and when a check succeeds again.
 */
export class AuthGuard {
  private outage?: { refused: number };
  private stranded = 0;

  constructor(
    private readonly log: Logger,
    private readonly boundMs = AUTH_BOUND_MS,
  ) {}

  async run<T>(check: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await this.bounded(check);
    } catch (err) {
      const refused = classify(err);
      if (refused.kind === 'unavailable') this.unavailable(refused.reason);
      throw refused;
    }
    this.recovered();
    return result;
  }

  private bounded<T>(check: () => Promise<T>): Promise<T> {
    if (this.stranded >= MAX_STRANDED) return Promise.reject(new AuthRefused('unavailable', 'timeout'));
    const work = Promise.resolve().then(check);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.stranded += 1;
        const settled = () => {
          this.stranded -= 1;
        };
        work.then(settled, settled);
        reject(new AuthRefused('unavailable', 'timeout'));
      }, this.boundMs);
    });
    return Promise.race([work, late]).finally(() => clearTimeout(timer));
  }

  private unavailable(reason: string): void {
    if (this.outage) {
      this.outage.refused += 1;
      return;
    }
    this.outage = { refused: 1 };
    this.log.error('auth.metadata.unavailable', { reason });
  }

  private recovered(): void {
    if (!this.outage) return;
    this.log.info('auth.metadata.recovered', { refused: this.outage.refused });
    this.outage = undefined;
  }
}

/**
 * The SDK's public-cloud values (AuthenticationConstants). Once any endpoint is set, the SDK
 * takes none of its defaults, so they are given along with the metadata address.
 */
const PUBLIC_CLOUD = {
  ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
  ToChannelFromBotOAuthScope: 'https://api.botframework.com',
  ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
  OAuthUrl: 'https://api.botframework.com',
  CallerId: CallerIdConstants.PublicAzureChannel,
  ValidateAuthority: true,
};

/** The SDK's settings for Samråd's bot registration. */
export function authSettings(config: Config): ConfigurationBotFrameworkAuthenticationOptions {
  const registration = {
    MicrosoftAppId: config.bot.appId,
    MicrosoftAppPassword: config.bot.appPassword,
    MicrosoftAppType: config.bot.appType,
    MicrosoftAppTenantId: config.bot.tenantId,
  };
  if (!config.openIdMetadataUrl) return registration;
  return {
    ...registration,
    ...PUBLIC_CLOUD,
    ToBotFromChannelOpenIdMetadataUrl: config.openIdMetadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: config.openIdMetadataUrl,
  };
}

/** The SDK's authentication with every check guarded: it throws AuthRefused and nothing else. */
export class GuardedAuthentication extends ConfigurationBotFrameworkAuthentication {
  constructor(
    settings: ConfigurationBotFrameworkAuthenticationOptions,
    private readonly guard: AuthGuard,
    /** Hears every answer of the connector, each attempt (see `observed-connector.ts`). */
    private readonly teamsTelemetry?: Telemetry['teams'],
  ) {
    super(settings);
  }

  /** The connector clients made so far, by service URL and audience (see `reused`). */
  private readonly clients = new Map<string, Promise<ConnectorClient>>();

  override async authenticateRequest(activity: Activity, authHeader: string) {
    const result = await this.guard.run(() => super.authenticateRequest(activity, authHeader));
    // The connector of replies within a turn (and of Teams' member lists) comes from here.
    return result.connectorFactory ? { ...result, connectorFactory: this.reused(result.connectorFactory) } : result;
  }

  /** The connector of proactive messages (continueConversation, createConversation). */
  override createConnectorFactory(claimsIdentity: Parameters<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>[0]) {
    return this.reused(super.createConnectorFactory(claimsIdentity));
  }

  /**
   * The SDK makes a connector client for every turn and every proactive send, each with an HTTP
   * pipeline of its own (a tenth of a plain turn's CPU, and its garbage). A client holds no turn's
   * state, only its service URL and the bot's credentials (which cache and renew their token), so
   * one per service URL, audience and app id serves every turn: Teams has a few service URLs, and
   * the map is bounded all the same. Its telemetry policy, when telemetry is on, is added once.
   */
  private reused(factory: ConnectorFactory): ConnectorFactory {
    const inner = this.teamsTelemetry ? observedConnectorFactory(factory, this.teamsTelemetry) : factory;
    const appId = (factory as { appId?: unknown }).appId;
    return {
      create: (serviceUrl: string, audience?: string) => {
        const key = `${typeof appId === 'string' ? appId : ''}\n${audience ?? ''}\n${serviceUrl}`;
        let client = this.clients.get(key);
        if (!client) {
          if (this.clients.size >= MAX_CONNECTOR_CLIENTS) this.clients.delete(this.clients.keys().next().value!);
          client = inner.create(serviceUrl, audience);
          // A failed creation (no credentials yet) is tried again on the next turn.
          client.catch(() => this.clients.delete(key));
          this.clients.set(key, client);
        }
        return client;
      },
    } as ConnectorFactory;
  }

  /**
   * The user-token client (OAuth sign-in cards), which the SDK makes for every turn: Samråd never
   * uses one, so it is made only if something asks it for a token.
   */
  override async createUserTokenClient(claimsIdentity: Parameters<ConfigurationBotFrameworkAuthentication['createUserTokenClient']>[0]): Promise<UserTokenClient> {
    let made: Promise<UserTokenClient> | undefined;
    const real = () => (made ??= super.createUserTokenClient(claimsIdentity));
    return {
      getUserToken: async (...args) => (await real()).getUserToken(...args),
      getSignInResource: async (...args) => (await real()).getSignInResource(...args),
      signOutUser: async (...args) => (await real()).signOutUser(...args),
      getTokenStatus: async (...args) => (await real()).getTokenStatus(...args),
      getAadTokens: async (...args) => (await real()).getAadTokens(...args),
      exchangeToken: async (...args) => (await real()).exchangeToken(...args),
    } as UserTokenClient;
  }

  override authenticateStreamingRequest(authHeader: string, channelIdHeader: string) {
    return this.guard.run(() => super.authenticateStreamingRequest(authHeader, channelIdHeader));
  }

  override authenticateChannelRequest(authHeader: string) {
    return this.guard.run(() => super.authenticateChannelRequest(authHeader));
  }
}

type ConnectorFactory = ReturnType<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>;
type ConnectorClient = Awaited<ReturnType<ConnectorFactory['create']>>;
type UserTokenClient = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['createUserTokenClient']>>;
/** Connector clients kept at most (one per service URL and audience; Teams has a few). */
const MAX_CONNECTOR_CLIENTS = 32;

type Logic = (context: TurnContext) => Promise<void>;

/** The fixed answers; no library message, URL or host ever goes into a body. */
const ANSWERS = {
  badRequest: { status: 400, error: 'BadRequest', headers: {} },
  unauthorized: { status: 401, error: 'Unauthorized', headers: { 'WWW-Authenticate': 'Bearer' } },
  notAllowed: { status: 405, error: 'MethodNotAllowed', headers: {} },
  failed: { status: 500, error: 'InternalServerError', headers: {} },
  unavailable: { status: 503, error: 'ServiceUnavailable', headers: { 'Retry-After': String(RETRY_AFTER_S) } },
} satisfies Record<string, { status: number; error: string; headers: Record<string, string> }>;

export type FixedAnswer = keyof typeof ANSWERS;

/** Writes one of the fixed answers: a status and `{"error": "<word>"}`. */
export function answer(res: Response, kind: FixedAnswer): void {
  const { status, error, headers } = ANSWERS[kind];
  for (const [name, value] of Object.entries(headers)) res.header(name, value);
  res.status(status);
  res.send({ error });
  res.end();
}

/** Why an activity's body cannot be served (told only to an authenticated caller), or undefined. */
export type Validate = (body: unknown) => string | undefined;

/**
 * CloudAdapter whose HTTP `process` authenticates before anything else and answers a refused
 * or failed request with a fixed body (401, 503 with Retry-After, 500). Only an authenticated
 * activity is checked further (`validate`, a 400 with the reason) and reaches the turn logic.
 */
export class GuardedAdapter extends CloudAdapter {
  constructor(
    private readonly authentication: GuardedAuthentication,
    private readonly log: Logger,
    private readonly validate: Validate = () => undefined,
  ) {
    super(authentication);
  }

  override process(req: Request, res: Response, logic: Logic): Promise<void>;
  /** A web-socket upgrade (Bot Framework streaming): the SDK's own handling, its checks guarded too. */
  override process(req: Request, socket: unknown, head: unknown, logic: Logic): Promise<void>;
  override async process(req: Request, resOrSocket: unknown, logicOrHead: unknown, maybeLogic?: Logic): Promise<void> {
    if (maybeLogic) return super.process(req, resOrSocket as never, logicOrHead as never, maybeLogic);
    const res = resOrSocket as Response;
    const logic = logicOrHead as Logic;
    if (req.method !== undefined && req.method !== 'POST') return answer(res, 'notAllowed');
    const activity = activityOf(req.body);
    if (!activity) return answer(res, 'badRequest');

    let authenticated: Awaited<ReturnType<GuardedAuthentication['authenticateRequest']>>;
    try {
      authenticated = await this.authentication.authenticateRequest(activity, authorization(req));
    } catch (err) {
      return answer(res, classify(err).kind);
    }
    const reason = this.validate(req.body);
    if (reason) {
      res.status(400);
      res.send({ error: 'BadRequest', message: reason });
      res.end();
      return;
    }

    let reply: InvokeResponse | undefined;
    try {
      reply = await this.processActivity(authenticated, activity, logic);
    } catch (err) {
      this.log.error('adapter.failed', { error: word((err as Error)?.name) ?? 'error' });
      return answer(res, 'failed');
    }
    res.status(reply?.status ?? 200);
    if (reply?.body) res.send(reply.body);
    res.end();
  }
}

/** The adapter for Samråd's bot registration; without an app id it accepts any request (local mode). */
export function guardedAdapter(config: Config, log: Logger, validate?: Validate, teamsTelemetry?: Telemetry['teams']): GuardedAdapter {
  return new GuardedAdapter(new GuardedAuthentication(authSettings(config), new AuthGuard(log), teamsTelemetry), log, validate);
}

/** The body as an activity, with its dates read as CloudAdapter does; undefined when it is none. */
function activityOf(body: unknown): Activity | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const fields = body as Record<string, unknown>;
  if (typeof fields.type !== 'string' || fields.type === '') return undefined;
  for (const [key, raw] of [['timestamp', 'rawTimestamp'], ['expiration', 'rawExpiration'], ['localTimestamp', 'rawLocalTimestamp']]) {
    if (typeof fields[key] === 'string') {
      fields[raw] = fields[key];
      fields[key] = new Date(fields[key] as string);
    }
  }
  return fields as unknown as Activity;
}

function authorization(req: Request): string {
  const value = req.headers.authorization ?? req.headers.Authorization;
  return typeof value === 'string' ? value : '';
}

/** A short identifier-like value (an error name or code) fit for a log field, or undefined. */
function word(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z][\w.-]{0,39}$/.test(value) ? value : undefined;
}
