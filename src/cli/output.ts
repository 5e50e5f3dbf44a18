import { cleanOutput } from '../domain/clean-output.ts';
import { CandorError, ConfigError, ERROR_CODES, type FieldIssue } from '../errors.ts';
import { missingSchema } from '../db/errors.ts';

/** Set once the reader of stdout went away (`candor due | head -1`): what is left to print is dropped. */
let stdoutClosed = false;
let watching = false;

/**
 * A closed pipe is not an error of the command: the reader has what it wanted. Without a listener, the
 * EPIPE of the next write would end the process with a stack trace; with it, the command finishes (its
 * transactions commit or roll back as usual) and prints nothing more.
 */
export function watchClosedPipes(): void {
  if (watching) return;
  watching = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') {
        if (stream === process.stdout) stdoutClosed = true;
        return;
      }
      throw e;
    });
  }
}

export const out = (s = '') => {
  if (!stdoutClosed) process.stdout.write(cleanOutput(`${s}\n`));
};
export const err = (s = '') => process.stderr.write(cleanOutput(`${s}\n`));

/** Connection errors: the server closed the connection, was shut down, or could not be reached. */
const LOST = new Set([
  '57P01',
  '57P02',
  '57P03',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ENOENT',
  'ETIMEDOUT',
]);

/** The database went away while the command ran (a server stopped, a connection cut), or null. */
export function connectionLost(e: unknown): CandorError | null {
  const code = (e as { code?: unknown })?.code;
  const msg = e instanceof Error ? e.message : '';
  const lost =
    (typeof code === 'string' && (LOST.has(code) || code.startsWith('08'))) ||
    /Connection terminated|connection (?:was )?(?:closed|lost)|Client has encountered a connection error/i.test(
      msg,
    );
  if (!lost || e instanceof CandorError) return null;
  return new CandorError(
    'unavailable',
    `the database went away during the command (${msg.split('\n')[0]}); its unfinished transaction was rolled back: check what it did, then run it again`,
  );
}

export function describeIssue(i: FieldIssue): string {
  const where = [i.line !== undefined ? `line ${i.line}` : null, i.field].filter(Boolean).join(', ');
  const value = i.value !== undefined ? ` (got ${JSON.stringify(i.value)})` : '';
  return `  ${where}: ${i.message}${value}`;
}

/** Prints a one-line message (and the field issues) for an error and returns the exit code. */
export function reportError(err0: unknown): number {
  const e = missingSchema(err0) ?? connectionLost(err0) ?? err0;
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
