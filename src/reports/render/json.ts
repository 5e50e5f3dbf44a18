import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { TRANSPARENCY_REPORT } from '../../../schema/index.ts';
import { REPORT_SCHEMA_VERSION, reportDataSchema, type ReportData } from '../report-data.ts';

/**
 * report.json: the machine-readable report. Validated against the published JSON Schema with ajv (not
 * only with Zod) so what we publish is checked by the same artefact consumers use.
 */

let compiled: ValidateFunction | undefined;

/**
 * The schema's validator, compiled on first use: compiling it costs about a second of CPU, which every CLI
 * command paid when this was done on import (docs/benchmarks.md, CLI start-up). ajv is CommonJS, so
 * `require` loads it synchronously here, only when a report is validated.
 */
function validator(): ValidateFunction {
  if (compiled) return compiled;
  const require = createRequire(import.meta.url);
  const Ajv2020 = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const addFormats = require('ajv-formats') as typeof import('ajv-formats');
  const schema = JSON.parse(readFileSync(TRANSPARENCY_REPORT, 'utf8')) as object;
  // The schema uses `type: [number, string, null]` for changed cells; that union is intended.
  const ajv = new Ajv2020.default({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats.default(ajv);
  return (compiled = ajv.compile(schema));
}

const describeError = (e: ErrorObject): string =>
  `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${
    e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : ''
  }`;

/** Throws an Error naming every failing path (JSON Pointer) when `data` does not match the schema. */
export function validateReport(data: unknown): asserts data is ReportData {
  const validate = validator();
  if (!validate(data)) {
    const errors = (validate.errors ?? []).map(describeError);
    throw new Error(
      `report data does not match transparency-report.v${REPORT_SCHEMA_VERSION}: ${errors.join('; ')}`,
    );
  }
}

/** The report as JSON: validated, keys in schema order, two-space indent, trailing newline. */
export function renderJson(data: ReportData): string {
  validateReport(data);
  // Parsing with the Zod schema rebuilds every object in schema order, so the key order does not depend
  // on how compute assembled the object.
  return `${JSON.stringify(reportDataSchema.parse(data), null, 2)}\n`;
}
