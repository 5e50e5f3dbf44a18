import type { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { isUtf8 } from 'node:buffer';
import { PassThrough, pipeline, Transform } from 'node:stream';
import { parse } from 'csv-parse';
import { IMPORT_COLUMNS } from '../domain/import-row.ts';
import { CandorError, type FieldIssue } from '../errors.ts';

// Reading an import file: its format, its bytes (UTF-8, hashed as read), its header and its records with
// their line numbers. What becomes of each record is the importer's business (importer.ts).

export type ImportFormat = 'csv' | 'jsonl';

/** The column that carries history past a policy tier or workflow rule: import only, never intake. */
export const OVERRIDE_COLUMN = 'override_reason';

const REQUIRED = [
  'external_ref',
  'received_at',
  'agency_name',
  'agency_kind',
  'agency_level',
  'country',
  'process_type',
];

export function detectFormat(file: string): ImportFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  throw new CandorError(
    'invalid',
    `${file}: cannot tell the format from the extension; use .csv or .jsonl (or --format)`,
  );
}

export type Raw = { line: number; record: Record<string, unknown> };

/** Streams the records of a file with their line numbers; the hash covers the exact bytes read. */
export async function* records(
  file: string,
  format: ImportFormat,
  hash: ReturnType<typeof createHash> | null,
  onBytes: (n: number) => void,
): AsyncGenerator<Raw> {
  let bytes = 0;
  const utf8 = utf8Lines(path.basename(file));
  // The CSV parser takes seconds over a header of a million names: a header longer than any valid one is
  // refused from its bytes, before it is parsed.
  let headerBytes = format === 'csv' ? 0 : -1;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      hash?.update(chunk);
      onBytes(bytes);
      if (headerBytes >= 0) {
        const nl = chunk.indexOf(10);
        headerBytes = nl < 0 ? headerBytes + chunk.length : -1;
        if (headerBytes > MAX_HEADER_BYTES) return done(headerTooLong());
      }
      const bad = utf8.check(chunk);
      done(bad, bad ? undefined : chunk);
    },
    flush(done) {
      done(utf8.end());
    },
  });
  // pipeline, not pipe: a refusal of the bytes (not UTF-8) must reach the reader and end the import.
  const source = pipeline(createReadStream(file), tap, new PassThrough(), () => {});
  if (format === 'csv') {
    const parser = pipeline(
      source,
      parse({
        columns: (h: string[]) => checkHeader(h.map((c) => c.trim())),
        bom: true,
        info: true,
        trim: false,
      }),
      () => {},
    );
    try {
      for await (const item of parser as AsyncIterable<{
        record: Record<string, string>;
        info: { lines: number };
      }>) {
        yield { line: item.info.lines, record: item.record };
      }
    } catch (err) {
      if (err instanceof CandorError) throw err;
      const e = err as Error & { lines?: number };
      throw new CandorError('invalid', `${file}: not valid CSV`, [
        { field: '(file)', line: e.lines, message: e.message.replace(/^Invalid Record Length: /, '') },
      ]);
    }
    return;
  }
  const lines = createInterface({ input: source, crlfDelay: Infinity });
  let n = 0;
  for await (const text of lines) {
    n++;
    const t = n === 1 ? text.replace(/^\uFEFF/, '') : text;
    if (t.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(t);
    } catch (err) {
      yield { line: n, record: { __invalid_json__: (err as Error).message } };
      continue;
    }
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      yield { line: n, record: { __invalid_json__: 'expected one JSON object per line' } };
      continue;
    }
    yield { line: n, record: record as Record<string, unknown> };
  }
}

/**
 * Checks a file's bytes as they stream: each complete line must be UTF-8 (never decoded with replacement
 * characters), and the first line that is not is named. Linear in the file; holds one line at most.
 */
function utf8Lines(name: string) {
  let line = 1;
  let carry: Buffer[] = [];
  const refuse = (at: number) =>
    new CandorError('invalid', `${name}: line ${at} is not valid UTF-8 text; nothing was imported`, [
      { field: '(file)', line: at, message: 'expected UTF-8 text (save the file as UTF-8)' },
    ]);
  const checkLines = (bytes: Buffer): CandorError | null => {
    if (isUtf8(bytes)) {
      for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) line++;
      return null;
    }
    for (let start = 0; ; line++) {
      const nl = bytes.indexOf(10, start);
      const end = nl < 0 ? bytes.length : nl + 1;
      if (!isUtf8(bytes.subarray(start, end))) return refuse(line);
      start = end;
    }
  };
  return {
    check(chunk: Buffer): CandorError | null {
      const nl = chunk.lastIndexOf(10);
      if (nl < 0) {
        carry.push(chunk);
        return null;
      }
      const whole = Buffer.concat([...carry, chunk.subarray(0, nl + 1)]);
      carry = [chunk.subarray(nl + 1)];
      return checkLines(whole);
    },
    end: (): CandorError | null => checkLines(Buffer.concat(carry)),
  };
}

/** The longest header row read: every column named, quoted and padded, is far shorter. */
const MAX_HEADER_BYTES = 16 * 1024;
const MAX_HEADER_ISSUES = 50;

const headerRefused = (message: string) =>
  new CandorError('invalid', 'the header row is not valid; nothing was imported', [
    { field: '(header)', line: 1, message },
  ]);
const headerTooLong = () =>
  headerRefused(
    `it is longer than ${MAX_HEADER_BYTES} bytes; the format has ${IMPORT_COLUMNS.length + 1} columns (see docs/import-format.md)`,
  );

function checkHeader(header: string[]): string[] {
  const known = new Set<string>([...IMPORT_COLUMNS, OVERRIDE_COLUMN]);
  // More columns than the format has cannot be a valid header: refused before looking at each one.
  if (header.length > known.size)
    throw headerRefused(
      `it has ${header.length} columns; the format has ${known.size} (see docs/import-format.md)`,
    );
  const issues: FieldIssue[] = [];
  for (const h of header) {
    if (!known.has(h))
      issues.push({
        field: h || '(empty)',
        line: 1,
        message: `unknown column; expected one of: ${IMPORT_COLUMNS.join(', ')}`,
      });
  }
  for (const r of REQUIRED) {
    if (!header.includes(r)) issues.push({ field: r, line: 1, message: 'required column is missing' });
  }
  const seen = new Set<string>();
  const dup = header.find((h) => seen.size === seen.add(h).size);
  if (dup !== undefined) issues.push({ field: dup, line: 1, message: 'column appears twice' });
  if (issues.length)
    throw new CandorError(
      'invalid',
      'the header row is not valid; nothing was imported',
      issues.slice(0, MAX_HEADER_ISSUES),
    );
  return header;
}
