import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddedStoreMissing, isEmbeddedStoreMissing, loadEmbeddedStore } from '../../bot/store/embedded-loader';
import { ROOT, sources } from '../support/sources';

/**
 * Where packages may be imported. The Bot Framework SDK (`botbuilder`, `botframework-*`) is
 * archived upstream: every import of it stays in bot/teams, so that moving to the Microsoft 365
 * Agents SDK is a change of that folder alone. And what production runs (bot/, cards/: what
 * `npm run build` compiles) loads only its production dependencies; the development-only
 * packages it may reach are loaded lazily, in the one place that needs them, never on the
 * production path (test/deploy/staged.deploy.test.ts starts the staged package to prove it).
 */

/** The modules a file loads at run time: `import … from`, `import '…'`, `require('…')`, `import('…')`; type-only imports left out. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'";]*?\sfrom\s+'([^']+)'/gm)) if (!m[2]) found.push(m[3]);
  for (const m of text.matchAll(/^\s*import\s+'([^']+)'/gm)) found.push(m[1]);
  for (const m of text.matchAll(/(typeof\s+)?\b(require|import)\(\s*'([^']+)'\s*\)/g)) if (!m[1]) found.push(m[3]);
  return found;
}

/** Any import of the package, type-only or not. */
function anyImports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:\sfrom\s+|\b(?:require|import)\(\s*|^\s*import\s+)'([^']+)'/gm)].map((m) => m[1]);
}

/** The package a specifier names: `@scope/name` or `name`, or undefined for a relative path or a built-in. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const BOT_FRAMEWORK = /^(botbuilder(-[\w-]+)?|botframework-[\w-]+)$/;

describe('where packages are imported', () => {
  it('keeps every import of the Bot Framework SDK (botbuilder, botframework-*) in bot/teams', () => {
    const files = sources('bot', 'cards', 'scripts', 'tab');
    assert.ok(files.length > 50 && files.includes('bot/teams/endpoint.ts'), 'the scan sees the sources');
    const outside = files
      .filter((file) => !file.startsWith('bot/teams/'))
      .flatMap((file) => anyImports(file).filter((s) => BOT_FRAMEWORK.test(packageOf(s) ?? '')).map((s) => `${file}: ${s}`));
    assert.deepEqual(outside, [], 'botbuilder is imported only in bot/teams (README: "How it is built")');
    const inside = files.filter((file) => file.startsWith('bot/teams/') && anyImports(file).some((s) => BOT_FRAMEWORK.test(packageOf(s) ?? '')));
    assert.ok(inside.length > 0, 'the check is live: bot/teams imports botbuilder');
    // The checker sees each form of import.
    assert.deepEqual(anyImports('test/unit/imports.test.ts').filter((s) => s === 'node:module'), ['node:module']);
  });

  it('loads in production code (bot/, cards/) only production dependencies, and development-only packages lazily where local use needs them', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    // Development-only packages production code may load, each in one file, never at the top of the production path.
    const lazy: Record<string, string> = {
      '@vercel/cosmosdb-server': 'bot/store/embedded.ts', // local mode's embedded store, loaded through bot/store/embedded-loader.ts
      esbuild: 'bot/http/live.ts', // bundles the tab when there is no build (tsx, tests); a build serves dist/tab
    };
    const problems: string[] = [];
    for (const file of sources('bot', 'cards')) {
      for (const specifier of runtimeImports(file)) {
        const name = packageOf(specifier);
        if (!name || name in pkg.dependencies) continue;
        if (lazy[name] === file) continue;
        problems.push(`${file} loads ${specifier}, which is not in dependencies`);
      }
    }
    assert.deepEqual(problems, []);
    for (const name of ['@vercel/cosmosdb-server', 'adaptivecards', '@microsoft/teams-js']) {
      assert.ok(!(name in pkg.dependencies) && name in pkg.devDependencies, `${name} is a development dependency`);
    }
    // esbuild only inside the function that bundles; the embedded store only through its loader, with a clear message when missing.
    assert.match(readFileSync(join(ROOT, 'bot/http/live.ts'), 'utf8'), /^ {2}const esbuild = require\('esbuild'\)/m);
    const loaders = sources('bot').filter((file) => runtimeImports(file).some((s) => /(^|\/)store\/embedded$|^\.\/embedded$/.test(s)));
    assert.deepEqual(loaders, ['bot/store/embedded-loader.ts']);
  });
});

describe('the embedded store of local mode, loaded only when local mode starts it (bot/store/embedded-loader.ts)', () => {
  it('loads from a full install', () => {
    assert.equal(typeof loadEmbeddedStore().startEmbeddedCosmos, 'function');
  });

  it('tells a missing @vercel/cosmosdb-server from any other missing module, and names the cause and the fix', () => {
    const missing = (specifier: string) => Object.assign(new Error(`Cannot find module '${specifier}'\nRequire stack:\n- /app/dist/bot/store/embedded.js`), { code: 'MODULE_NOT_FOUND' });
    assert.ok(isEmbeddedStoreMissing(missing('@vercel/cosmosdb-server/lib/account')));
    assert.ok(isEmbeddedStoreMissing(missing('@vercel/cosmosdb-server')));
    assert.ok(!isEmbeddedStoreMissing(missing('@vercel/cosmosdb-server-other')));
    assert.ok(!isEmbeddedStoreMissing(missing('luxon')), 'another missing module is an error of its own');
    assert.ok(!isEmbeddedStoreMissing(new Error("Cannot find module '@vercel/cosmosdb-server'")), 'only a module-not-found error');
    const message = new EmbeddedStoreMissing().message;
    for (const part of ['SAMRAD_LOCAL=true', '@vercel/cosmosdb-server', 'npm install', 'COSMOS_ENDPOINT']) assert.ok(message.includes(part), part);
  });
});
