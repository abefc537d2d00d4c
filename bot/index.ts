import { randomBytes } from 'node:crypto';
import { ConfigError, parseConfig } from './config';
import { startSamrad } from './app';
import { EmbeddedStoreMissing } from './store/embedded-loader';
import { jsonLogger } from './log';

/** Starts Samråd from the environment; stops cleanly on SIGINT and SIGTERM. */
async function main(): Promise<void> {
  const log = jsonLogger();
  let config;
  try {
    config = parseConfig(process.env, () => randomBytes(32).toString('base64url'));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example and the README.\n`);
      process.exit(2);
    }
    throw err;
  }
  if (config.local) {
    log.warn('samrad.localMode', { note: 'no Bot Framework authentication; listening on loopback only; for local use' });
  }
  const app = await startSamrad(config, log);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

void main().catch((err: Error) => {
  if (err instanceof EmbeddedStoreMissing) {
    process.stderr.write(`${err.message}\nSee the README ("Quickstart", "Running it for real").\n`);
    process.exit(2);
  }
  process.stderr.write(`Samråd stopped: ${err.message}\n`);
  process.exit(1);
});
