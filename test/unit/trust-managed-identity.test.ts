import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * scripts/trust-managed-identity.mjs, the provision step that makes Samråd's Entra app trust the
 * bot's managed identity, run against a stand-in `az` on the PATH that answers from a list of
 * federated credentials and records every call: what it writes is what Entra ID checks (issuer,
 * subject, audience), it writes once, and it says clearly what is wrong.
 */

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'trust-managed-identity.mjs');
const APP_OBJECT = '22222222-bbbb-4bbb-8bbb-222222222222';
const TENANT = '33333333-cccc-4ccc-8ccc-333333333333';
const PRINCIPAL = '66666666-ffff-4fff-8fff-666666666666';
const ISSUER = `https://login.microsoftonline.com/${TENANT}/v2.0`;

type Credential = { id: string; name: string; issuer: string; subject: string; audiences: string[] };
type Call = { method: string; uri: string; body?: Credential };

describe('scripts/trust-managed-identity.mjs: the Entra app\'s federated credential', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'samrad-az-'));
    // The stand-in az: `az rest --method M --uri U [--body @file]`, answering from credentials.json.
    writeFileSync(
      join(dir, 'az'),
      `#!${process.execPath}
const fs = require('node:fs');
const args = process.argv.slice(2);
const get = (flag) => args[args.indexOf(flag) + 1];
const state = JSON.parse(fs.readFileSync(${JSON.stringify(join(dir, 'credentials.json'))}, 'utf8'));
const call = { method: get('--method'), uri: get('--uri') };
if (args.includes('--body')) call.body = JSON.parse(fs.readFileSync(get('--body').slice(1), 'utf8'));
fs.appendFileSync(${JSON.stringify(join(dir, 'calls.jsonl'))}, JSON.stringify(call) + '\\n');
if (state.refuse) { process.stderr.write('ERROR: Forbidden(Insufficient privileges to complete the operation.)\\n'); process.exit(1); }
if (call.method === 'GET') process.stdout.write(JSON.stringify({ value: state.credentials }));
`,
    );
    chmodSync(join(dir, 'az'), 0o755);
    writeFileSync(join(dir, 'calls.jsonl'), '');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function run(credentials: Credential[], args = [APP_OBJECT, TENANT, PRINCIPAL], extra: Record<string, unknown> = {}, path = `${dir}:${process.env.PATH}`) {
    writeFileSync(join(dir, 'credentials.json'), JSON.stringify({ credentials, ...extra }));
    const result = spawnSync(process.execPath, [SCRIPT, ...args], { env: { PATH: path }, encoding: 'utf8' });
    const calls = readFileSync(join(dir, 'calls.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Call);
    return { status: result.status, out: result.stdout + result.stderr, calls };
  }

  const url = `https://graph.microsoft.com/v1.0/applications/${APP_OBJECT}/federatedIdentityCredentials`;

  it('adds a credential trusting the identity: Entra ID of the tenant as issuer, the identity\'s principal id as subject, api://AzureADTokenExchange as audience', () => {
    const { status, calls, out } = run([]);
    assert.equal(status, 0, out);
    assert.deepEqual(calls.map((c) => `${c.method} ${c.uri}`), [`GET ${url}`, `POST ${url}`]);
    assert.deepEqual({ ...calls[1].body, description: undefined }, { name: 'samrad-managed-identity', issuer: ISSUER, subject: PRINCIPAL, audiences: ['api://AzureADTokenExchange'], description: undefined });
    assert.match(out, /now trusts the managed identity/);
  });

  it('leaves a credential that already trusts the identity alone (provision runs it every time)', () => {
    const { status, calls, out } = run([{ id: 'c1', name: 'made-by-hand', issuer: ISSUER, subject: PRINCIPAL, audiences: ['api://AzureADTokenExchange'] }]);
    assert.equal(status, 0, out);
    assert.deepEqual(calls.map((c) => c.method), ['GET']);
    assert.match(out, /already trusts/);
  });

  it('moves Samråd\'s credential to a new identity (the resource group made anew), leaving others alone', () => {
    const { status, calls, out } = run([
      { id: 'other', name: 'github-actions', issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:x', audiences: ['api://AzureADTokenExchange'] },
      { id: 'ours', name: 'samrad-managed-identity', issuer: ISSUER, subject: '77777777-0000-4000-8000-777777777777', audiences: ['api://AzureADTokenExchange'] },
    ]);
    assert.equal(status, 0, out);
    assert.deepEqual(calls.map((c) => `${c.method} ${c.uri}`), [`GET ${url}`, `PATCH ${url}/ours`]);
    assert.deepEqual(calls[1].body, { issuer: ISSUER, subject: PRINCIPAL, audiences: ['api://AzureADTokenExchange'] });
  });

  it('refuses arguments that are not GUIDs (an empty value from an unfilled environment), calling nothing', () => {
    const { status, calls, out } = run([], [APP_OBJECT, TENANT, '']);
    assert.equal(status, 1);
    assert.deepEqual(calls, []);
    assert.match(out, /managed identity's principal id \(MANAGED_IDENTITY_PRINCIPAL_ID\) as a GUID/);
  });

  it('says what to do when az refuses (not signed in, not an owner) or is not installed', () => {
    const refused = run([], undefined, { refuse: true });
    assert.equal(refused.status, 1);
    assert.match(refused.out, /Insufficient privileges[\s\S]*az login as an owner of the Entra app/);
    const missing = run([], undefined, {}, join(dir, 'nowhere'));
    assert.equal(missing.status, 1);
    assert.match(missing.out, /The Azure CLI \(az\) is not installed/);
  });
});
