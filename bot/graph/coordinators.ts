import type { Config } from '../config';
import type { Logger } from '../log';
import type { Coordinators } from '../services/ports';
import { GraphClient, GraphUnavailableError } from './graph-client';
import { entraCredential, credentialTokens, graphScope, type TokenSource } from './token';

/**
 * Who the coordinators are: the object ids configured (COORDINATORS), and the members of the
 * Entra groups configured per tenant (COORDINATOR_GROUPS), read through Microsoft Graph
 * (`GET /groups/{id}/transitiveMembers/microsoft.graph.user?$select=id`, page by page), which
 * needs the application permission GroupMember.Read.All. A group's members are kept for a few
 * minutes; when Graph cannot say, only the configured ids count (and that is remembered for half
 * a minute, so a press does not wait on Graph again and again). The log names ids, never names.
 */

/** How long a group's members, as read, are kept. */
export const MEMBERS_TTL_MS = 5 * 60_000;
/** How long "Graph could not say" is kept before Graph is asked again. */
export const FAILURE_TTL_MS = 30_000;
/** One Graph request for the members may take this long: a coordinator is waiting for a card. */
export const MEMBERS_TIMEOUT_MS = 4_000;
/** A group of more pages than this (100 members each) is not read: it is not a group of coordinators. */
export const MAX_PAGES = 100;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Group = Config['coordinators']['groups'][number];

/** Why a group's members could not be read: Graph's status and error code, or the kind of outage. */
interface Unread {
  reason: string;
  status?: number;
  code?: string;
}

/** The members of one group (lower-case object ids), or why they could not be read. */
export async function readGroupMembers(graph: GraphClient, groupId: string): Promise<Set<string> | Unread> {
  const members = new Set<string>();
  let path = `/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user?$select=id`;
  for (let page = 0; page < MAX_PAGES; page++) {
    let answer;
    try {
      answer = await graph.send('GET', path);
    } catch (err) {
      if (err instanceof GraphUnavailableError) return { reason: err.reason, status: err.status || undefined };
      throw err;
    }
    if (answer.status !== 200) return { reason: 'refused', status: answer.status, code: answer.code };
    const body = answer.body as { value?: unknown; '@odata.nextLink'?: unknown } | undefined;
    if (!Array.isArray(body?.value)) return { reason: 'malformed', status: answer.status };
    for (const member of body.value as { id?: unknown }[]) {
      if (typeof member?.id === 'string' && GUID.test(member.id)) members.add(member.id.toLowerCase());
    }
    const next = body['@odata.nextLink'];
    if (next === undefined || next === null) return members;
    // The next page is on the same Graph; the token is never sent anywhere else.
    if (typeof next !== 'string' || !next.startsWith(`${graph.baseUrl}/`)) return { reason: 'nextLink' };
    path = next.slice(graph.baseUrl.length);
  }
  return { reason: 'tooLarge' };
}

export class GraphCoordinators implements Coordinators {
  private readonly cache = new Map<string, { until: number; members: Promise<Set<string>> }>();

  constructor(
    private readonly configured: Pick<Config['coordinators'], 'ids' | 'groups'>,
    /** The Graph client for a tenant's groups; undefined when Samråd cannot read that tenant's Graph. */
    private readonly graphFor: (tenantId: string) => GraphClient | undefined,
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  async isCoordinator(tenantId: string, objectId: string): Promise<boolean> {
    const tenant = tenantId.toLowerCase();
    const id = objectId.toLowerCase();
    if (this.idsIn(tenant).includes(id)) return true;
    const groups = await Promise.all(this.groupsIn(tenant).map((group) => this.members(group)));
    return groups.some((members) => members.has(id));
  }

  async coordinatorsOf(tenantId: string): Promise<string[]> {
    const tenant = tenantId.toLowerCase();
    const groups = await Promise.all(this.groupsIn(tenant).map((group) => this.members(group)));
    return [...new Set([...this.idsIn(tenant), ...groups.flatMap((members) => [...members])])].sort();
  }

  private idsIn(tenant: string): string[] {
    return this.configured.ids.filter((c) => c.tenantId === undefined || c.tenantId === tenant).map((c) => c.objectId);
  }

  private groupsIn(tenant: string): Group[] {
    return this.configured.groups.filter((g) => g.tenantId === tenant);
  }

  /** A group's members: from the cache while fresh (one read at a time per group), an empty set when Graph cannot say. */
  private members(group: Group): Promise<Set<string>> {
    const key = `${group.tenantId}:${group.groupId}`;
    const cached = this.cache.get(key);
    if (cached && cached.until > this.clock()) return cached.members;
    const entry = { until: Number.POSITIVE_INFINITY, members: Promise.resolve(new Set<string>()) };
    entry.members = this.read(group).then(
      (members) => {
        entry.until = this.clock() + (members ? MEMBERS_TTL_MS : FAILURE_TTL_MS);
        return members ?? new Set<string>();
      },
      (err: unknown) => {
        entry.until = this.clock() + FAILURE_TTL_MS;
        this.log.error('coordinators.group.failed', { tenant: group.tenantId, group: group.groupId, error: err instanceof Error ? err.name : 'unknown' });
        return new Set<string>();
      },
    );
    this.cache.set(key, entry);
    return entry.members;
  }

  private async read(group: Group): Promise<Set<string> | undefined> {
    const graph = this.graphFor(group.tenantId);
    if (!graph) {
      this.log.warn('coordinators.group.unread', { tenant: group.tenantId, group: group.groupId, reason: 'noGraph' });
      return undefined;
    }
    const result = await readGroupMembers(graph, group.groupId);
    if (result instanceof Set) {
      this.log.info('coordinators.group.read', { tenant: group.tenantId, group: group.groupId, members: result.size });
      return result;
    }
    const permission = result.status === 401 || result.status === 403 ? 'GroupMember.Read.All' : undefined;
    // Only the configured ids count until Graph answers again.
    this.log.warn('coordinators.group.unread', { tenant: group.tenantId, group: group.groupId, reason: result.reason, status: result.status, code: result.code, permission });
    return undefined;
  }
}

/**
 * The coordinators Samråd runs with. Groups are read with `tokens` when given (tests: a token for
 * a local Graph stand-in), otherwise as Samråd's Entra app in the group's tenant (graph/token.ts
 * `entraCredential`); without either (local mode) only the
 * configured ids count.
 */
export function appCoordinators(config: Config, log: Logger, tokens?: TokenSource): Coordinators {
  const { ids, groups, graphBaseUrl } = config.coordinators;
  const clients = new Map<string, GraphClient | undefined>();
  const graphFor = (tenantId: string): GraphClient | undefined => {
    if (!clients.has(tenantId)) {
      const credential = tokens ? undefined : entraCredential(config, tenantId);
      const source = tokens ?? (credential && credentialTokens(credential, graphScope(graphBaseUrl)));
      clients.set(tenantId, source && new GraphClient({ baseUrl: graphBaseUrl, tokens: source, timeoutMs: MEMBERS_TIMEOUT_MS, maxRetryAfterMs: 2_000 }));
    }
    return clients.get(tenantId);
  };
  const tenants = new Set(groups.map((g) => g.tenantId));
  log.info('coordinators.on', { ids: ids.length, groups: groups.length, tenants: tenants.size, graph: groups.length === 0 ? 'unused' : tokens ? 'given' : config.bot.appId ? 'botIdentity' : 'none' });
  if (groups.length > 0 && !tokens && !config.bot.appId) log.warn('coordinators.groups.off', { reason: 'no bot credentials', groups: groups.length });
  return new GraphCoordinators({ ids, groups }, graphFor, log);
}
