/**
 * Writes build/appPackage.zip, the app package to upload to Teams.
 * Usage: tsx scripts/package-app.ts [--strict] [--out <path>]
 *   Reads TEAMS_APP_ID, MICROSOFT_APP_ID (the bot), AAD_APP_CLIENT_ID (Samråd's Entra app, the
 *   manifest's webApplicationInfo), BOT_DOMAIN and PUBLIC_BASE_URL from the environment;
 *   a missing one falls back to a local default unless --strict is given.
 */
import { join, relative } from 'node:path';
import { buildAppPackage, LOCAL_DEFAULTS } from './app-package';

async function main(args: string[]): Promise<void> {
  const strict = args.includes('--strict');
  const outIndex = args.indexOf('--out');
  const outPath = outIndex >= 0 && args[outIndex + 1] ? args[outIndex + 1] : join(__dirname, '..', 'build', 'appPackage.zip');
  const result = await buildAppPackage(outPath, process.env, { allowDefaults: !strict });
  for (const name of result.defaultsUsed) console.warn(`${name} is not set: using the local default ${LOCAL_DEFAULTS[name]}`);
  const shown = relative(process.cwd(), result.outPath);
  console.log(`Wrote ${shown.startsWith('..') ? result.outPath : shown}: ${result.files.join(', ')}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
