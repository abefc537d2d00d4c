import assert from 'node:assert/strict';
import { ConfigError, parseConfig } from '../../bot/config';

/** Everything a production deployment sets (MultiTenant authentication), with these changes (undefined: not set). */
export const productionEnv = (overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv => ({
  MICROSOFT_APP_ID: 'app-id',
  MICROSOFT_APP_PASSWORD: 'app-password',
  COSMOS_ENDPOINT: 'https://samrad.documents.azure.com:443/',
  PUBLIC_BASE_URL: 'https://samrad.example.org/',
  LINK_SIGNING_SECRET: 's'.repeat(32),
  ...overrides,
});

/**
 * The problems parseConfig names for this environment, each of them in the error's message; fails
 * when it accepts the environment, or throws anything but a ConfigError.
 */
export function configProblems(env: NodeJS.ProcessEnv, generate = () => 'g'.repeat(48)): string[] {
  try {
    parseConfig(env, generate);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    for (const problem of err.problems) assert.ok(err.message.includes(problem), 'the message lists every problem');
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}
