import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';

/**
 * VS Code's F5 (.vscode/launch.json, .vscode/tasks.json) against what it starts and what the other
 * files say of it: every task a launch configuration or another task names exists, the dev tunnel
 * writes the settings m365agents.local.yml and env/.env.local read, the npm scripts it runs exist,
 * and every task or configuration named in m365agents.local.yml, env/.env.local and the README
 * exists.
 */

const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** JSON with comments (VS Code's own files): `//` and `/* *\/` comments outside strings dropped. */
function parseJsonc(text: string): unknown {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2) + 1;
      assert.ok(i > 0, 'a block comment closes');
    } else out += c;
  }
  return JSON.parse(out);
}

interface Task {
  label: string;
  type?: string;
  command?: string;
  args?: { env?: string; ports?: { portNumber: number; writeToEnvironmentFile?: Record<string, string> }[] };
  dependsOn?: string[] | string;
  isBackground?: boolean;
  problemMatcher?: unknown;
}
interface Configuration {
  name: string;
  type: string;
  request: string;
  url?: string;
  preLaunchTask?: string;
  runtimeExecutable?: string;
  runtimeArgs?: string[];
  cascadeTerminateToConfigurations?: string[];
}
interface Compound {
  name: string;
  configurations: string[];
  preLaunchTask?: string;
}

const TASKS = (parseJsonc(read('.vscode/tasks.json')) as { tasks: Task[] }).tasks;
const LAUNCH = parseJsonc(read('.vscode/launch.json')) as { configurations: Configuration[]; compounds: Compound[] };
const LABELS = new Set(TASKS.map((t) => t.label));
const CONFIGURATIONS = new Set(LAUNCH.configurations.map((c) => c.name));
const COMPOUNDS = new Set(LAUNCH.compounds.map((c) => c.name));

/** KEY=VALUE names of an env file. */
const envNames = (path: string) => [...read(path).matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);

/** The tasks a task runs before itself, and theirs, in order. */
function dependencies(label: string): Task[] {
  const task = TASKS.find((t) => t.label === label);
  assert.ok(task, `task "${label}"`);
  const direct = task.dependsOn === undefined ? [] : Array.isArray(task.dependsOn) ? task.dependsOn : [task.dependsOn];
  return [task, ...direct.flatMap(dependencies)];
}

describe('VS Code: F5 locally and in Teams (.vscode/)', () => {
  it('names only tasks and configurations that exist, each once', () => {
    assert.equal(LABELS.size, TASKS.length, 'task labels are unique');
    assert.equal(CONFIGURATIONS.size + COMPOUNDS.size, LAUNCH.configurations.length + LAUNCH.compounds.length, 'launch names are unique');
    for (const task of TASKS) for (const dep of dependencies(task.label).slice(1)) assert.ok(LABELS.has(dep.label));
    for (const launch of [...LAUNCH.configurations, ...LAUNCH.compounds]) {
      if (launch.preLaunchTask) assert.ok(LABELS.has(launch.preLaunchTask), `${launch.name}: task "${launch.preLaunchTask}" exists`);
    }
    for (const config of LAUNCH.configurations) {
      for (const name of config.cascadeTerminateToConfigurations ?? []) assert.ok(CONFIGURATIONS.has(name), `${config.name}: configuration "${name}" exists`);
    }
    for (const compound of LAUNCH.compounds) {
      for (const name of compound.configurations) assert.ok(CONFIGURATIONS.has(name), `${compound.name}: configuration "${name}" exists`);
    }
  });

  it('debugs in Teams as m365agents.local.yml runs it: tunnel, provision and deploy of the local environment, then npm run dev:teams', () => {
    const lifecycle = load(read('m365agents.local.yml')) as { deploy: { uses: string; with?: { envs?: Record<string, string> } }[] };
    const localConfigs = lifecycle.deploy.find((s) => s.uses === 'file/createOrUpdateEnvironmentFile')?.with?.envs;
    assert.ok(localConfigs, 'm365agents.local.yml writes .localConfigs');
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    assert.match(scripts['dev:teams'], /--env-file=\.localConfigs /);
    for (const browser of ['Edge', 'Chrome']) {
      const compound = LAUNCH.compounds.find((c) => c.name === `Debug in Teams (${browser})`);
      assert.ok(compound, `Debug in Teams (${browser})`);
      const before = dependencies(compound.preLaunchTask!).filter((t) => t.type === 'teamsfx').map((t) => t.command);
      assert.deepEqual(before.filter((c) => c !== 'debug-check-prerequisites'), ['debug-start-local-tunnel', 'provision', 'deploy']);
      for (const task of dependencies(compound.preLaunchTask!).filter((t) => t.args?.env)) assert.equal(task.args!.env, 'local', `${task.label} is for the local environment`);
      const configs = compound.configurations.map((name) => LAUNCH.configurations.find((c) => c.name === name)!);
      const app = configs.find((c) => c.type === 'node');
      assert.deepEqual([app?.runtimeExecutable, ...(app?.runtimeArgs ?? [])], ['npm', 'run', 'dev:teams']);
      const teams = configs.find((c) => c.type === (browser === 'Edge' ? 'msedge' : 'chrome'));
      assert.equal(teams?.url, 'https://teams.microsoft.com/l/app/${{local:TEAMS_APP_ID}}?installAppPackage=true&webjoin=true&${account-hint}');
    }
    // The tunnel goes to the port Samråd listens on locally.
    const tunnel = TASKS.find((t) => t.command === 'debug-start-local-tunnel')!;
    assert.deepEqual(tunnel.args!.ports!.map((p) => p.portNumber), [Number(localConfigs.PORT)]);
    assert.equal(tunnel.isBackground, true);
    assert.equal(tunnel.problemMatcher, '$teamsfx-local-tunnel-watch');
  });

  it('has the tunnel write PUBLIC_BASE_URL and BOT_DOMAIN, the names env/.env.local holds and m365agents.local.yml reads', () => {
    const tunnel = TASKS.find((t) => t.command === 'debug-start-local-tunnel');
    assert.ok(tunnel);
    const written = tunnel.args!.ports![0].writeToEnvironmentFile;
    assert.deepEqual(written, { endpoint: 'PUBLIC_BASE_URL', domain: 'BOT_DOMAIN' });
    const local = envNames('env/.env.local');
    const lifecycle = read('m365agents.local.yml');
    for (const name of Object.values(written!)) {
      assert.ok(local.includes(name), `env/.env.local has ${name}=`);
    }
    assert.ok(lifecycle.includes('${{PUBLIC_BASE_URL}}/api/messages'), 'the bot registration reads PUBLIC_BASE_URL');
    assert.match(read('manifest/manifest.json'), /\$\{\{BOT_DOMAIN\}\}/, 'the manifest reads BOT_DOMAIN');
  });

  it('runs the Agents Playground with npm run dev, an npm script that exists', () => {
    const playground = LAUNCH.configurations.find((c) => c.name === 'Debug in Microsoft 365 Agents Playground');
    assert.deepEqual([playground?.runtimeExecutable, ...(playground?.runtimeArgs ?? [])], ['npm', 'run', 'dev']);
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    for (const config of LAUNCH.configurations.filter((c) => c.runtimeExecutable === 'npm')) {
      assert.ok(scripts[config.runtimeArgs![1]], `npm run ${config.runtimeArgs![1]} exists`);
    }
  });

  it('recommends the Agents Toolkit extension, which runs the teamsfx tasks', () => {
    const extensions = parseJsonc(read('.vscode/extensions.json')) as { recommendations: string[] };
    assert.ok(extensions.recommendations.includes('TeamsDevApp.ms-teams-vscode-extension'));
    assert.doesNotMatch(read('.gitignore'), /^\/?\.vscode\/?$/m, '.vscode is kept in git');
  });

  it('names, in m365agents.local.yml, env/.env.local and the README, only VS Code tasks and configurations that exist', () => {
    const flat = (text: string) => text.replace(/\s+/g, ' ');
    const named = (path: string): string[] => {
      const text = flat(read(path));
      return [
        ...[...text.matchAll(/"([^"]+)" task/g)].map((m) => m[1]),
        ...[...text.matchAll(/\btask \*([^*]+)\*/g)].map((m) => m[1]),
        // The README's italic names of launch configurations and tasks, in its VS Code paragraph.
        ...(path === 'README.md' ? [...(/In VS Code with the Agents Toolkit[^\n]*?(?= \*\*)/.exec(text)?.[0] ?? '').matchAll(/\*([^*]+)\*/g)].map((m) => m[1]) : []),
      ];
    };
    for (const path of ['m365agents.local.yml', 'env/.env.local', 'README.md']) {
      const names = named(path);
      assert.ok(names.length > 0, `${path} names a VS Code task`);
      for (const name of names) assert.ok(LABELS.has(name) || CONFIGURATIONS.has(name) || COMPOUNDS.has(name), `${path}: "${name}" is a task or a launch configuration in .vscode/`);
    }
    assert.ok(named('README.md').includes('Start Teams App Locally'));
    assert.ok(named('README.md').includes('Debug in Microsoft 365 Agents Playground'));
  });
});
