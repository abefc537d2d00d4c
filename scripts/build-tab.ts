/**
 * `npm run build:tab`: bundles the live timer page's scripts with esbuild (tab/live-page.ts for
 * the signed link on a big screen, tab/teams-page.ts for the Teams tab, each one minified file)
 * into dist/tab, where the compiled server serves them from. `--out <dir>` writes elsewhere.
 * Without a build (tsx, tests) the server bundles them itself on the first request.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleTab } from '../bot/http/live';

async function main(): Promise<void> {
  const root = join(__dirname, '..');
  const at = process.argv.indexOf('--out');
  const out = at > 0 && process.argv[at + 1] ? resolve(process.argv[at + 1]) : join(root, 'dist', 'tab');
  const files = await bundleTab(root);
  mkdirSync(out, { recursive: true });
  for (const [name, body] of files) {
    writeFileSync(join(out, name), body);
    console.log(`${join(out, name)}  ${(Buffer.byteLength(body) / 1024).toFixed(1)} KB`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
