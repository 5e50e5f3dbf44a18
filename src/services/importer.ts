import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Transform } from 'node:stream';
import { parse } from 'csv-parse';
import type { Db } from '../db/connect.ts';
import { IMPORT_COLUMNS, rowToRequest } from '../domain/import-row.ts';
import { fromDatabaseError } from '../db/errors.ts';
import { CandorError, type FieldIssue } from '../errors.ts';
import { appendEvent } from '../repositories/audit-repository.ts';
import { authorize, type Actor } from './authorize.ts';
import { prepareRequest, writeRequests, type Clock, type PreparedRequest } from './requests.ts';

export type ImportFormat = 'csv' | 'jsonl';

export interface ImportOptions {
  format?: ImportFormat;
  /** How many bad rows to describe before stopping the description (all are counted). */
  maxErrors?: number;
  batchSize?: number;
  onProgress?: (p: { phase: 'write'; bytes: number; totalBytes: number; rows: number }) => void;
}

export interface ImportResult {
  file: string;
  sha256: string;
  rows: number;
  created: number;
  /** Rows whose external_ref was already recorded: left unchanged, so re-importing a file is harmless. */
  unchanged: number;
}

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

type Raw = { line: number; record: Record<string, unknown> };

/** Streams the records of a file with their line numbers; the hash covers the exact bytes read. */
async function* records(
  file: string,
  format: ImportFormat,
  hash: ReturnType<typeof createHash> | null,
  onBytes: (n: number) => void,
): AsyncGenerator<Raw> {
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      hash?.update(chunk);
      onBytes(bytes);
      done(null, chunk);
    },
  });
  const source = createReadStream(file).pipe(tap);
  if (format === 'csv') {
    const parser = source.pipe(
      parse({
        columns: (h: string[]) => checkHeader(h.map((c) => c.trim())),
        bom: true,
        info: true,
        trim: false,
      }),
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

function checkHeader(header: string[]): string[] {
  const known = new Set<string>(IMPORT_COLUMNS);
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
  const dup = header.find((h, i) => header.indexOf(h) !== i);
  if (dup) issues.push({ field: dup, line: 1, message: 'column appears twice' });
  if (issues.length)
    throw new CandorError('invalid', 'the header row is not valid; nothing was imported', issues);
  return header;
}

export function createImportService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  return {
    /**
     * Imports a CSV or JSON Lines file, all or nothing, in one streaming pass and one transaction. Every bad
     * row is reported (up to a limit) and then nothing is kept. Memory does not grow with the file, except for
     * the map of external refs seen (to name both lines of a duplicate).
     */
    async importFile(actor: Actor, file: string, opts: ImportOptions = {}): Promise<ImportResult> {
      authorize(actor, 'request.import');
      const format = opts.format ?? detectFormat(file);
      let totalBytes: number;
      try {
        totalBytes = statSync(file).size;
      } catch {
        throw new CandorError('not_found', `${file}: no such file`);
      }
      const maxErrors = opts.maxErrors ?? 50;
      const batchSize = opts.batchSize ?? 2000;
      const progress = opts.onProgress ?? (() => {});
      const now = clock();

      // One streaming pass inside one transaction: every row is validated; while the file is clean, rows are
      // written batch by batch, the database writing one batch while the next is parsed. The first bad row
      // stops the writing but not the reading, so every bad row is reported; then the transaction rolls back.
      const hash = createHash('sha256');
      const issues: FieldIssue[] = [];
      const note = (i: FieldIssue) => {
        if (issues.length < maxErrors) issues.push(i);
      };
      let badRows = 0;
      let rows = 0;
      let created = 0;
      let bytesSeen = 0;
      const seen = new Map<string, number>();
      const sha256 = await db
        .transaction()
        .execute(async (trx) => {
          const agencies = new Map<string, number>();
          let batch: PreparedRequest[] = [];
          let writing: Promise<void> = Promise.resolve();
          const flush = async () => {
            const current = batch;
            batch = [];
            await writing;
            writing = writeRequests(trx, current, agencies).then((ids) => {
              created += ids.size;
            });
            // Keep the rejection observed until it is awaited, so a database error is reported once, in order.
            writing.catch(() => {});
          };
          for await (const { line, record } of records(file, format, hash, (b) => (bytesSeen = b))) {
            rows++;
            if (rows % 1000 === 0) progress({ phase: 'write', bytes: bytesSeen, totalBytes, rows });
            const res = rowToRequest(record, line);
            if (!res.ok) {
              badRows++;
              for (const e of res.errors) {
                note({ line: e.line, field: e.column, value: e.value, message: `expected ${e.expected}` });
              }
              continue;
            }
            const ref = res.value.external_ref;
            const first = seen.get(ref);
            if (first !== undefined) {
              badRows++;
              note({
                line,
                field: 'external_ref',
                value: ref,
                message: `expected a unique value; line ${first} has it too`,
              });
              continue;
            }
            seen.set(ref, line);
            if (badRows > 0) continue;
            batch.push(prepareRequest(res.value, now));
            if (batch.length >= batchSize) await flush();
          }
          if (badRows > 0) {
            throw new CandorError(
              'invalid',
              `${path.basename(file)}: ${badRows} of ${rows} rows are invalid; nothing was imported`,
              issues,
            );
          }
          if (rows === 0) throw new CandorError('invalid', `${path.basename(file)}: the file has no rows`);
          if (batch.length) await flush();
          await writing;
          const digest = hash.digest('hex');
          await appendEvent(trx, {
            at: now,
            actor: actor.label,
            action: 'request.import',
            entity: 'import',
            entityId: digest.slice(0, 16),
            after: {
              file: path.basename(file),
              sha256: digest,
              format,
              rows,
              created,
              unchanged: rows - created,
            },
          });
          return digest;
        })
        .catch((e: unknown) => {
          throw fromDatabaseError(e, `${path.basename(file)}; nothing was imported`);
        });
      return { file, sha256, rows, created, unchanged: rows - created };
    },
  };
}
export type ImportService = ReturnType<typeof createImportService>;
