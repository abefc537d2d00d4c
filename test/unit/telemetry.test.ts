import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError, parseConfig } from '../../bot/config';
import { VERBS } from '../../bot/services/actions';
import { startTelemetry } from '../../bot/telemetry';
import { noTelemetry } from '../../bot/telemetry/port';
import { activityVerb, httpMethod, routeTemplate, teamsOperation } from '../../bot/telemetry/vocabulary';

const IKEY = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
const VALID = `InstrumentationKey=${IKEY};IngestionEndpoint=https://swedencentral-0.in.applicationinsights.azure.com/;LiveEndpoint=https://swedencentral.livediagnostics.monitor.azure.com/;ApplicationId=3b2a1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d`;

function local(connectionString?: string) {
  return parseConfig({ SAMRAD_LOCAL: 'true', ...(connectionString === undefined ? {} : { APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString }) }, () => 'x'.repeat(40));
}

function problems(connectionString: string): string[] {
  try {
    local(connectionString);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('telemetry: the connection string', () => {
  it('is optional: without it (local mode, the tests) there is no telemetry, and nothing of OpenTelemetry is started', () => {
    assert.equal(local().telemetry, undefined);
    assert.equal(local('  ').telemetry, undefined);
    assert.equal(startTelemetry(local().telemetry), noTelemetry);
  });

  it('without one, Samråd loads nothing of OpenTelemetry or the exporter; with one, it does', function () {
    this.timeout(30_000);
    // A process of its own: what this test process has loaded says nothing.
    const loaded = (settings: string) => {
      const script = `require('./bot/app'); require('./bot/telemetry').startTelemetry(${settings}, { offlineStorage: false }).shutdown();
        process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((f) => /@opentelemetry|monitor-opentelemetry/.test(f)).length));`;
      const run = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { cwd: join(__dirname, '..', '..'), encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      return Number(run.stdout);
    };
    assert.equal(loaded('undefined'), 0);
    assert.ok(loaded(JSON.stringify({ connectionString: `InstrumentationKey=${IKEY};IngestionEndpoint=https://127.0.0.1:9/` })) > 0, 'the check is live');
  });

  it('is taken as Azure shows it, with its regional ingestion endpoint', () => {
    assert.deepEqual(local(VALID).telemetry, { connectionString: VALID });
    assert.deepEqual(local(` InstrumentationKey=${IKEY};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/; `).telemetry?.connectionString.startsWith('InstrumentationKey='), true);
  });

  it('refuses a malformed one with a clear message that does not repeat it', () => {
    const cases: [string, RegExp][] = [
      [IKEY, /must be an Application Insights connection string/], // an instrumentation key alone
      [`InstrumentationKey=${IKEY}`, /must name its regional IngestionEndpoint/], // would go to the global endpoint
      [`InstrumentationKey=${IKEY};IngestionEndpoint=http://127.0.0.1:1/`, /an https address/], // the exporter would turn it into https anyway
      [`InstrumentationKey=not-a-guid;IngestionEndpoint=https://x.in.applicationinsights.azure.com/`, /InstrumentationKey \(a GUID\)/],
      [`InstrumentationKey=${IKEY};IngestionEndpoint=https://x.in.applicationinsights.azure.com/;Authorization=AAD`, /Authorization=AAD is not supported/],
      [`InstrumentationKey=${IKEY};IngestionEndpoint=https://x/?a=b`, /Key=value pairs/],
    ];
    for (const [value, message] of cases) {
      const found = problems(value);
      assert.equal(found.length, 1, `${value}: ${found.join('; ')}`);
      assert.match(found[0], /^APPLICATIONINSIGHTS_CONNECTION_STRING/);
      assert.match(found[0], message);
      assert.ok(!found[0].includes(IKEY), 'the key is not repeated');
    }
  });
});

describe('telemetry: the vocabulary (only fixed words leave the process)', () => {
  const verbs = new Set<string>(VERBS);

  it('names a request by its route template, never by its path', () => {
    assert.equal(routeTemplate('/letters/:token'), '/letters/:token');
    assert.equal(routeTemplate(undefined), 'unmatched');
    assert.equal(routeTemplate(/^\/x/), 'unmatched');
    assert.equal(httpMethod('get'), 'GET');
    assert.equal(httpMethod('PROPFIND'), '_OTHER');
  });

  it('names an activity by its card verb or kind; anything else a client sends becomes a fixed word', () => {
    const execute = (verb: unknown) => ({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb } } });
    assert.equal(activityVerb(execute('invite.answer'), verbs), 'invite.answer');
    assert.equal(activityVerb(execute('Ylva Östberg'), verbs), 'unknownVerb');
    assert.equal(activityVerb(execute(42), verbs), 'unknownVerb');
    assert.equal(activityVerb({ type: 'message', value: { verb: 'plan.send' } }, verbs), 'plan.send');
    assert.equal(activityVerb({ type: 'message', text: 'Ylva Östberg sover dåligt' }, verbs), 'message');
    assert.equal(activityVerb({ type: 'event', name: 'application/vnd.microsoft.meetingStart' }, verbs), 'meetingStart');
    assert.equal(activityVerb({ type: 'invoke', name: 'Ylva' }, verbs), 'invoke');
    assert.equal(activityVerb({ type: 'installationUpdate' }, verbs), 'installationUpdate');
    assert.equal(activityVerb({ type: 'Ylva' }, verbs), 'other');
    assert.equal(activityVerb('Ylva', verbs), 'other');
    assert.equal(activityVerb(undefined, verbs), 'other');
  });

  it('names a connector request by its REST operation, without the ids in its path', () => {
    const base = 'https://smba.trafficmanager.net/emea/v3/conversations';
    assert.equal(teamsOperation('POST', base), 'createConversation');
    assert.equal(teamsOperation('POST', `${base}/a%3Aconv-1/activities`), 'sendToConversation');
    assert.equal(teamsOperation('POST', `${base}/a%3Aconv-1/activities/1234`), 'replyToActivity');
    assert.equal(teamsOperation('PUT', `${base}/a%3Aconv-1/activities/1234`), 'updateActivity');
    assert.equal(teamsOperation('DELETE', `${base}/a%3Aconv-1/activities/1234`), 'deleteActivity');
    assert.equal(teamsOperation('GET', `${base}/19%3Agroup/pagedmembers?pageSize=500`), 'getMembers');
    assert.equal(teamsOperation('GET', `${base}/19%3Agroup/members/29%3Auser`), 'getMembers');
    assert.equal(teamsOperation('GET', 'https://example.org/elsewhere'), 'other');
    assert.equal(teamsOperation('POST', 'not a url'), 'other');
  });
});
