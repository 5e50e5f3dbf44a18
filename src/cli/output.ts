import { CandorError, ERROR_CODES, type FieldIssue } from '../errors.ts';
import { ConfigError } from '../config.ts';
import { missingSchema } from '../db/errors.ts';

export const out = (s = '') => process.stdout.write(`${s}\n`);
export const err = (s = '') => process.stderr.write(`${s}\n`);

export function describeIssue(i: FieldIssue): string {
  const where = [i.line !== undefined ? `line ${i.line}` : null, i.field].filter(Boolean).join(', ');
  const value = i.value !== undefined ? ` (got ${JSON.stringify(i.value)})` : '';
  return `  ${where}: ${i.message}${value}`;
}

/** Prints a one-line message (and the field issues) for an error and returns the exit code. */
export function reportError(err0: unknown): number {
  const e = missingSchema(err0) ?? err0;
  if (e instanceof CandorError) {
    err(`candor: ${e.message}`);
    for (const i of e.issues) err(describeIssue(i));
    return ERROR_CODES[e.code].exit;
  }
  if (e instanceof ConfigError) {
    err(`candor: ${e.message}`);
    return ERROR_CODES.invalid.exit;
  }
  const msg = e instanceof Error ? e.message : String(e);
  err(`candor: internal error: ${msg}`);
  if (process.env.CANDOR_DEBUG && e instanceof Error) err(e.stack);
  return ERROR_CODES.internal.exit;
}
