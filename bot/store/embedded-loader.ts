/**
 * Loads the embedded store of local mode (./embedded) only when local mode starts it. The
 * embedded store is built on @vercel/cosmosdb-server, a development dependency: a production
 * package (`npm run stage`: production dependencies only) has no copy of it, and the production
 * path never loads this module's target.
 */

/** Local mode was asked to start the embedded store, and it is not installed. */
export class EmbeddedStoreMissing extends Error {
  constructor() {
    super(
      'Local mode (SAMRAD_LOCAL=true) needs the embedded store, @vercel/cosmosdb-server, and it is not installed here: ' +
        'this is a package with production dependencies only (npm run stage, or npm ci --omit=dev), which has no embedded store.\n' +
        'To run in local mode, start Samråd from a full install of the project (npm install). ' +
        'To run this package, set COSMOS_ENDPOINT to a Cosmos DB (and leave SAMRAD_LOCAL unset in production).',
    );
    this.name = 'EmbeddedStoreMissing';
  }
}

/** True when `err` says that @vercel/cosmosdb-server (or a file of it) cannot be resolved. */
export function isEmbeddedStoreMissing(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  return e?.code === 'MODULE_NOT_FOUND' && typeof e.message === 'string' && /Cannot find module '@vercel\/cosmosdb-server[/']/.test(e.message);
}

/** The embedded store's module; `EmbeddedStoreMissing` when @vercel/cosmosdb-server is not installed. */
export function loadEmbeddedStore(): typeof import('./embedded') {
  try {
    return require('./embedded') as typeof import('./embedded');
  } catch (err) {
    if (isEmbeddedStoreMissing(err)) throw new EmbeddedStoreMissing();
    throw err;
  }
}
