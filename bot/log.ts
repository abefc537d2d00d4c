/**
 * Samråd's log: the port every part writes to, and its two implementations. It imports nothing
 * of Samråd, so every layer may use it.
 */

/** A log line's fields: ids and counts only, never names or case details. */
export type LogFields = Record<string, string | number | boolean | undefined>;

/** The log every part of Samråd writes to. */
export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

/** A logger writing one JSON line per event to stdout/stderr. */
export function jsonLogger(write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Logger {
  const emit = (level: string) => (event: string, fields: LogFields = {}) =>
    write(JSON.stringify({ at: new Date().toISOString(), level, event, ...fields }));
  return { info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** A logger that keeps quiet, for tests that do not look at logs. */
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
