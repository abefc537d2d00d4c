import type { Config } from '../config';
import type { Logger } from '../log';
import type { AppInstaller } from '../services/ports';
import { AppCatalog } from './catalog';
import { GraphClient, GraphUnavailableError } from './graph-client';
import { entraCredential, credentialTokens, graphScope, type TokenSource } from './token';

/**
 * Samråd installs itself for a colleague it cannot reach in Teams, through Microsoft Graph
 * (POST /users/{id}/teamwork/installedApps), where the tenant's administrator granted the
 * application permission TeamsAppInstallation.ReadWriteSelfForUser.All. Afterwards the bot is
 * in the colleague's personal scope and can open the 1:1 chat with them.
 */

/** What installing came to for one person. */
export type InstallOutcome = Awaited<ReturnType<AppInstaller['installFor']>>;

/** Without Microsoft Graph settings Samråd cannot install itself for anyone: the permission is, in effect, missing. */
export const noInstaller: AppInstaller = {
  installFor: async () => 'permissionMissing',
};

/**
 * What Graph's answer to an installation means: 201 (installed now) and 409 (installed already)
 * → `installed`; 401 and 403 (a token without the granted permission) → `permissionMissing`;
 * any other refusal (404: no such user, 400: a request Graph will not take, …) → `refused`;
 * undefined for 408, 429 and 5xx: Graph could not answer now, try again later.
 */
export function installOutcome(status: number): InstallOutcome | undefined {
  if (status === 409 || (status >= 200 && status < 300)) return 'installed';
  if (status === 401 || status === 403) return 'permissionMissing';
  if (status === 408 || status === 429 || status >= 500) return undefined;
  return 'refused';
}

export class GraphInstaller implements AppInstaller {
  constructor(
    private readonly graph: GraphClient,
    private readonly catalog: AppCatalog,
    /** The tenant Samråd's token is for, the bot's own: it can install itself there only. */
    private readonly tenantId: string,
    private readonly log: Logger,
  ) {}

  async installFor(tenantId: string, userId: string): Promise<InstallOutcome> {
    if (tenantId.toLowerCase() !== this.tenantId.toLowerCase()) {
      // A colleague in another organisation: Samråd holds no permission there.
      this.log.info('graph.install.otherTenant', { tenant: tenantId, outcome: 'permissionMissing' });
      return 'permissionMissing';
    }
    const app = await this.catalog.appId();
    if ('outcome' in app) {
      this.log.info('graph.install', { user: userId, outcome: app.outcome, step: 'catalog' });
      return app.outcome;
    }
    const answer = await this.graph.send('POST', `/users/${encodeURIComponent(userId)}/teamwork/installedApps`, {
      'teamsApp@odata.bind': `${this.graph.baseUrl}/appCatalogs/teamsApps/${app.id}`,
    });
    const outcome = installOutcome(answer.status);
    if (!outcome) throw new GraphUnavailableError('status', answer.status);
    const fields = { user: userId, status: answer.status, code: answer.code, outcome };
    if (outcome === 'permissionMissing') this.log.warn('graph.install', { ...fields, permission: 'TeamsAppInstallation.ReadWriteSelfForUser.All' });
    else this.log.info('graph.install', fields);
    return outcome;
  }
}

/**
 * The installer Samråd runs with: through Graph when it is configured (TEAMS_APP_CATALOG_ID or
 * TEAMS_APP_ID) and there is a token to be had (`tokens`, or Samråd's Entra app's credential in
 * the bot's tenant); otherwise `noInstaller`, and the people concerned need a letter.
 */
export function appInstaller(config: Config, log: Logger, tokens?: TokenSource): AppInstaller {
  const graph = config.graph;
  if (!graph) return noInstaller;
  const credential = tokens ? undefined : entraCredential(config);
  const source = tokens ?? (credential && credentialTokens(credential, graphScope(graph.baseUrl)));
  if (!source || !config.bot.tenantId) {
    log.warn('graph.install.off', { reason: config.bot.tenantId ? 'no bot credentials' : 'no MICROSOFT_APP_TENANT_ID' });
    return noInstaller;
  }
  const client = new GraphClient({ baseUrl: graph.baseUrl, tokens: source });
  log.info('graph.install.on', { tenant: config.bot.tenantId, catalogId: graph.catalogId ? 'configured' : 'lookup', identity: tokens ? 'given' : config.entraApp.signIn === 'federated' ? 'federatedCredential' : config.bot.appType === 'UserAssignedMSI' ? 'managedIdentity' : 'clientSecret' });
  return new GraphInstaller(client, new AppCatalog(client, graph, log), config.bot.tenantId, log);
}
