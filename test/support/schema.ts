import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { DateTime } from 'luxon';

/** Samråd's versioned JSON Schemas (`schema/<name>.schema.json`). */
export type SchemaName = 'meeting-export.v1' | 'person-export.v1';

/** One of the schemas, as JSON. */
export function readSchema(name: SchemaName): Record<string, unknown> {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'schema', `${name}.schema.json`), 'utf8')) as Record<string, unknown>;
}

/**
 * A validator for one of Samråd's JSON Schemas: draft 2020-12, checked strictly, with the two
 * formats the schemas use (ISO 8601 with an offset; a calendar day). It names every error found.
 */
export function schemaValidator(name: SchemaName): (data: unknown) => { ok: boolean; errors: string[] } {
  const schema = readSchema(name);
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  ajv.addFormat('date-time', { type: 'string', validate: (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) && DateTime.fromISO(s, { setZone: true }).isValid });
  ajv.addFormat('date', { type: 'string', validate: (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && DateTime.fromISO(s).isValid });
  const validate = ajv.compile(schema);
  return (data) => {
    const ok = validate(data) as boolean;
    return { ok, errors: (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`) };
  };
}
