import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TokenSource } from '../../bot/graph/token';
import type { CaptureConnector } from './connector';
import { closeServer, readBody } from './http';

/**
 * A local stand-in for the Microsoft Graph endpoints Samråd calls: to install itself for a
 * colleague, the app catalog lookup and the installation in a user's personal scope; to know its
 * coordinators, the members of an Entra group (transitively), page by page. It answers
 * as Graph does, per user, and after an installation it tells the capture connector that the bot
 * may now open a 1:1 chat with that user. It checks the bearer token, not how it was obtained:
 * Entra ID is not part of these tests.
 */

/**
 * How Graph answers an installation for a user:
 * `grantable`: not installed, installing works (201), and afterwards Teams lets the bot write to them;
 * `installed`: installed already (409);
 * `forbidden`: the permission is not granted (403);
 * `refused`: Graph refuses (404, as for a user it does not know). Users not listed are refused too.
 */
export type GraphUser = 'grantable' | 'installed' | 'forbidden' | 'refused';

/** One request Samråd made to Graph. */
export interface GraphRequest {
  method: string;
  /** Path and query, decoded, below the base address (e.g. `/users/nurse-1/teamwork/installedApps`). */
  path: string;
  authorization?: string;
  body: any;
  /** When it arrived (ms since the epoch). */
  at: number;
}

/** The token the stand-in accepts, and a TokenSource that gives it. */
export const GRAPH_TEST_TOKEN = 'graph-test-token';
export const testTokens: TokenSource = { token: async () => GRAPH_TEST_TOKEN };

/** Samråd in the stand-in's catalog: its manifest id (TEAMS_APP_ID) and the id the catalog gave it. */
export const CATALOG_APP = { externalId: '5a3d2b1e-7c4f-4e8a-9b6d-2f1e0c9a8b71', id: 'c0ffee00-1111-4222-8333-444455556666' };

export class GraphStandIn {
  readonly requests: GraphRequest[] = [];
  readonly users = new Map<string, GraphUser>();
  /** Users Samråd is installed for (by this stand-in, or already). */
  readonly installedFor = new Set<string>();
  /** How the catalog lookup answers: the app is listed, not listed, or the lookup is not permitted. */
  catalog: 'listed' | 'missing' | 'forbidden' = 'listed';
  /** How many of the next installations answer 429 with this Retry-After (seconds). */
  throttleNext = 0;
  retryAfterSeconds = 1;
  /** How many of the next installations answer 503. */
  failNext = 0;
  /** Entra groups by id: their members' object ids, nested groups already flattened (as `transitiveMembers` answers). */
  readonly groups = new Map<string, string[]>();
  /** How group members are listed: 200 with pages of `groupPageSize`, 403 (GroupMember.Read.All not granted), or 503. */
  groupAnswer: 'members' | 'forbidden' | 'unavailable' = 'members';
  groupPageSize = 100;
  /** The base address Samråd is given (GRAPH_BASE_URL), e.g. http://127.0.0.1:1234/v1.0. */
  baseUrl = '';
  private server?: Server;

  constructor(private readonly connector?: CaptureConnector) {}

  /** Sets how Graph answers for these users; `installed` users are installed already. */
  set(behaviour: GraphUser, ...userIds: string[]): this {
    for (const id of userIds) {
      this.users.set(id, behaviour);
      if (behaviour === 'installed') this.installedFor.add(id);
    }
    return this;
  }

  /** The installation requests, newest last. */
  installs(): GraphRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/teamwork/installedApps'));
  }

  /** The reads of a group's members (each page is one). */
  groupReads(): GraphRequest[] {
    return this.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/groups/'));
  }

  /** The catalog lookups. */
  lookups(): GraphRequest[] {
    return this.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/appCatalogs/teamsApps'));
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const url = new URL(req.url ?? '/', 'http://graph.local');
        const path = decodeURIComponent(url.pathname.replace(/^\/v1\.0/, '')) + decodeURIComponent(url.search);
        this.requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization, body, at: Date.now() });
        const json = (status: number, value?: unknown, headers: Record<string, string> = {}) => {
          res.writeHead(status, { ...(value === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
          res.end(value === undefined ? undefined : JSON.stringify(value));
        };
        const error = (status: number, code: string, message: string) => json(status, { error: { code, message } });
        if (!url.pathname.startsWith('/v1.0/')) return error(404, 'NotFound', 'unknown version');
        if (req.headers.authorization !== `Bearer ${GRAPH_TEST_TOKEN}`) return error(401, 'InvalidAuthenticationToken', 'Access token is empty or invalid.');

        if (req.method === 'GET' && url.pathname === '/v1.0/appCatalogs/teamsApps') {
          if (this.catalog === 'forbidden') return error(403, 'Forbidden', 'Missing role permissions on the request.');
          const filter = url.searchParams.get('$filter') ?? '';
          const wanted = /^externalId eq '([^']*)'$/.exec(filter)?.[1];
          if (!wanted) return error(400, 'BadRequest', 'unsupported filter');
          const listed = this.catalog === 'listed' ? [{ ...CATALOG_APP, displayName: 'Samråd', distributionMethod: 'organization' }] : [];
          return json(200, { value: listed.filter((app) => app.externalId === wanted) });
        }

        const install = /^\/v1\.0\/users\/([^/]+)\/teamwork\/installedApps$/.exec(url.pathname);
        if (req.method === 'POST' && install) {
          const userId = decodeURIComponent(install[1]);
          if (body?.['teamsApp@odata.bind'] !== `${this.baseUrl}/appCatalogs/teamsApps/${CATALOG_APP.id}`) {
            return error(400, 'BadRequest', 'teamsApp@odata.bind names no app in the catalog');
          }
          if (this.throttleNext > 0) {
            this.throttleNext -= 1;
            return json(429, { error: { code: 'TooManyRequests', message: 'throttled' } }, { 'retry-after': String(this.retryAfterSeconds) });
          }
          if (this.failNext > 0) {
            this.failNext -= 1;
            return error(503, 'ServiceUnavailable', 'try again');
          }
          const behaviour = this.users.get(userId) ?? 'refused';
          if (behaviour === 'forbidden') return error(403, 'Forbidden', 'Missing role permissions on the request.');
          if (behaviour === 'refused') return error(404, 'NotFound', 'User not found.');
          if (this.installedFor.has(userId)) return error(409, 'Conflict', 'App is already installed.');
          this.installedFor.add(userId);
          // Installed: the bot is now in the user's personal scope, so Teams lets it open the 1:1 chat.
          this.connector?.unreachable.delete(userId);
          return json(201);
        }
        const members = /^\/v1\.0\/groups\/([^/]+)\/transitiveMembers\/microsoft\.graph\.user$/.exec(url.pathname);
        if (req.method === 'GET' && members) {
          if (this.groupAnswer === 'forbidden') return error(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
          if (this.groupAnswer === 'unavailable') return error(503, 'ServiceUnavailable', 'try again');
          const groupId = decodeURIComponent(members[1]);
          const all = this.groups.get(groupId);
          if (!all) return error(404, 'Request_ResourceNotFound', `Resource '${groupId}' does not exist.`);
          // Pages of users with only their id, each pointing at the next through @odata.nextLink, as Graph does.
          const from = Number(url.searchParams.get('$skiptoken') ?? '0');
          const page = all.slice(from, from + this.groupPageSize).map((id) => (url.searchParams.get('$select') === 'id' ? { id } : { id, displayName: 'Someone', mail: 'someone@example.org' }));
          const next = from + this.groupPageSize < all.length ? `${this.baseUrl}/groups/${members[1]}/transitiveMembers/microsoft.graph.user?$select=id&$skiptoken=${from + this.groupPageSize}` : undefined;
          return json(200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users(id)', value: page, ...(next ? { '@odata.nextLink': next } : {}) });
        }
        return error(404, 'NotFound', 'no such endpoint in the stand-in');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.baseUrl = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/v1.0`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }
}
