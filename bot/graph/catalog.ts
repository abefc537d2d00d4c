import type { Logger } from '../log';
import type { GraphClient } from './graph-client';

/**
 * Samråd's id in the organisation's Teams app catalog, which installing it needs. It is not the
 * manifest id (TEAMS_APP_ID): Teams gives an app uploaded to the catalog an id of its own and
 * keeps the manifest id as `externalId`. Either it is configured (TEAMS_APP_CATALOG_ID, no
 * further permission needed) or it is looked up once by the manifest id, which needs the
 * application permission AppCatalog.Read.All, and kept for the life of the process.
 */

/** The catalog id, or why Samråd cannot have it: the lookup is not permitted, or the app is not in the catalog. */
export type CatalogAnswer = { id: string } | { outcome: 'permissionMissing' | 'refused' };

export class AppCatalog {
  private found?: string;
  private pending?: Promise<CatalogAnswer>;

  constructor(
    private readonly graph: GraphClient,
    private readonly settings: { catalogId?: string; teamsAppId?: string },
    private readonly log: Logger,
  ) {
    this.found = settings.catalogId;
  }

  /** The catalog id (looked up at most once at a time; a failed lookup is not kept, so the next one asks again). */
  appId(): Promise<CatalogAnswer> {
    if (this.found) return Promise.resolve({ id: this.found });
    this.pending ??= this.lookUp().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** GET /appCatalogs/teamsApps?$filter=externalId eq '{manifest id}'. */
  private async lookUp(): Promise<CatalogAnswer> {
    const manifestId = this.settings.teamsAppId;
    if (!manifestId) return { outcome: 'refused' };
    const filter = encodeURIComponent(`externalId eq '${manifestId}'`);
    const answer = await this.graph.send('GET', `/appCatalogs/teamsApps?$filter=${filter}`);
    if (answer.status === 401 || answer.status === 403) {
      this.log.warn('graph.catalog.forbidden', { status: answer.status, code: answer.code, permission: 'AppCatalog.Read.All' });
      return { outcome: 'permissionMissing' };
    }
    if (answer.status !== 200) {
      this.log.warn('graph.catalog.failed', { status: answer.status, code: answer.code });
      return { outcome: 'refused' };
    }
    const id = pick((answer.body as { value?: unknown } | undefined)?.value, manifestId);
    if (!id) {
      this.log.warn('graph.catalog.notFound', { teamsAppId: manifestId, note: 'Samråd is not in the organisation\'s app catalog' });
      return { outcome: 'refused' };
    }
    this.found = id;
    this.log.info('graph.catalog.found', { teamsAppId: manifestId, catalogId: id });
    return { id };
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The catalog id among the listed apps: the one with this manifest id, published by the organisation if there are several. */
function pick(value: unknown, manifestId: string): string | undefined {
  if (!Array.isArray(value)) return undefined;
  const apps = value.filter(
    (app): app is { id: string; externalId?: string; distributionMethod?: string } =>
      typeof app?.id === 'string' && GUID.test(app.id) && String(app.externalId ?? '').toLowerCase() === manifestId.toLowerCase(),
  );
  return (apps.find((app) => app.distributionMethod?.toLowerCase() === 'organization') ?? apps[0])?.id;
}
