import { CandorError } from '../errors.ts';

/**
 * Turns a database refusal (an integrity constraint: SQLSTATE class 23, or a bad enum / value: 22) into an
 * `invalid` error naming the constraint, so a row the schema let through still gets a clear message.
 */
export function fromDatabaseError(err: unknown, what: string): unknown {
  const e = err as { code?: string; constraint?: string; message?: string; detail?: string };
  if (typeof e?.code === 'string' && (e.code.startsWith('23') || e.code.startsWith('22'))) {
    const field = e.constraint ?? '(database)';
    return new CandorError('invalid', `the database refused ${what}: ${e.message ?? e.code}`, [
      { field, message: e.detail ?? e.message ?? 'refused' },
    ]);
  }
  return err;
}

/** A query against a schema that was never migrated (PostgreSQL's undefined_table). */
export function missingSchema(err: unknown): CandorError | null {
  const e = err as { code?: string };
  return e?.code === '42P01'
    ? new CandorError('unavailable', 'the database has no Candor schema yet: run `candor db migrate` first')
    : null;
}
