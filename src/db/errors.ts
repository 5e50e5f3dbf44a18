import { CandorError } from '../errors.ts';

/**
 * What a database refusal means in our words, by SQLSTATE. The database's own message and detail never
 * reach a client: they can quote stored values (`Key (external_ref)=(...) already exists`) and name its
 * internals; they go to the server log only.
 */
const REFUSALS: Record<string, string> = {
  '22001': 'a value is longer than the database allows',
  '22003': 'a number is out of range',
  '22007': 'a date or time is not valid',
  '22008': 'a date or time is out of range',
  '22009': 'a time zone is out of range',
  '22021': 'a text holds a character that cannot be stored (such as NUL)',
  '22P02': 'a value is not in the expected form',
  '22P05': 'a text holds a character that cannot be stored',
  '23502': 'a required value is missing',
  '23503': 'it refers to a record that does not exist',
  '23505': 'it would duplicate a record that exists',
  '23514': 'it breaks a rule of the database',
};

interface PgError {
  code?: string;
  constraint?: string;
  column?: string;
}

/** A PostgreSQL data exception (class 22) or integrity refusal (class 23). */
function isRefusal(err: unknown): err is PgError {
  const code = (err as PgError)?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}

function refusal(e: PgError, what: string): CandorError {
  const reason = REFUSALS[e.code ?? ''] ?? 'a value was refused';
  // Constraint and column names are ours (the schema's), never data: they say which field to look at.
  const rule = e.constraint ? ` (${e.constraint})` : '';
  return new CandorError('invalid', `the database refused ${what}: ${reason}${rule}; nothing was changed`, [
    { field: e.constraint ?? e.column ?? '(database)', message: reason },
  ]);
}

/**
 * Turns a database refusal (an integrity constraint: SQLSTATE class 23, or a bad value: 22) into an
 * `invalid` error naming the constraint, so a row the schema let through still gets a clear message.
 */
export function fromDatabaseError(err: unknown, what: string): unknown {
  return isRefusal(err) ? refusal(err, what) : err;
}

/** A query against a schema that was never migrated (PostgreSQL's undefined_table). */
export function missingSchema(err: unknown): CandorError | null {
  const e = err as { code?: string };
  return e?.code === '42P01'
    ? new CandorError('unavailable', 'the database has no Candor schema yet: run `candor db migrate` first')
    : null;
}

/**
 * The last net of every door (API, web, CLI): a database error no service translated becomes a clear
 * Candor error (a refusal: `invalid`; no schema: `unavailable`), or null when it is not one of those.
 */
export function databaseFault(err: unknown): CandorError | null {
  if (err instanceof CandorError) return null;
  return missingSchema(err) ?? (isRefusal(err) ? refusal(err, 'the request') : null);
}
