import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { isUtf8 } from 'node:buffer';
import { PassThrough, pipeline, Transform } from 'node:stream';
import { parse } from 'csv-parse';
import type { Db } from '../db/connect.ts';
import { IMPORT_COLUMNS, rowToRequest } from '../domain/import-row.ts';
import type { PolicyConfig } from '../domain/policy-config.ts';
import { intakeFacts, policyGate, whoLifts } from '../domain/policy-gate.ts';
import { fromDatabaseError } from '../db/errors.ts';
import { CandorError, type FieldIssue } from '../errors.ts';
import { appendEvent } from '../repositories/audit-repository.ts';
import { createRefLedger, insertHistoryOverrides, recordRefs } from '../repositories/requests-repository.ts';
import { authorize, can, type Actor } from './authorize.ts';
import { mayChangeRestriction, restrictedFlag } from '../domain/restricted.ts';
import { sightFor } from './sight.ts';
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
  /** Rows of history accepted past the policy gate with their `override_reason` (docs/import-format.md). */
  overrides: number;
}

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

type Raw = { line: number; record: Record<string, unknown> };

/** A row the gate refuses, carried as history with its written reason. */
interface Overridden {
  ref: string;
  line: number;
  rules: string[];
  findings: string[];
  reason: string;
}

/** Streams the records of a file with their line numbers; the hash covers the exact bytes read. */
async function* records(
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

export function createImportService(deps: { db: Db; clock: Clock; policy: PolicyConfig }) {
  const { db, clock, policy } = deps;
  return {
    /**
     * Imports a CSV or JSON Lines file, all or nothing, in one streaming pass and one transaction. Every bad
     * row is reported (up to a limit) and then nothing is kept. Memory does not grow with the file: the refs
     * seen so far (to name both lines of a repeated one) are kept in a temporary table of the transaction.
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
      const mayRestrict = mayChangeRestriction(await sightFor(db, actor));

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
      const overridden: Array<{ line: number | null; rules: string[] }> = [];
      const sha256 = await db
        .transaction()
        .execute(async (trx) => {
          const agencies = new Map<string, number>();
          await createRefLedger(trx);
          let batch: PreparedRequest[] = [];
          let refs: Array<{ ref: string; line: number }> = [];
          let held: Overridden[] = [];
          let writing: Promise<void> = Promise.resolve();
          // The database checks one batch of refs and writes one batch of rows while the next is parsed. A
          // repeated ref found a batch late is still found before the commit, which it then prevents.
          const flush = async () => {
            const rowsNow = batch;
            const refsNow = refs;
            const heldNow = held;
            batch = [];
            refs = [];
            held = [];
            await writing;
            writing = (async () => {
              for (const d of await recordRefs(trx, refsNow)) {
                badRows++;
                note({
                  line: d.line,
                  field: 'external_ref',
                  value: d.ref,
                  message: `expected a unique value; line ${d.firstLine} has it too`,
                });
              }
              if (badRows === 0 && rowsNow.length) {
                const ids = await writeRequests(trx, rowsNow, agencies);
                created += ids.size;
                const kept = heldNow.flatMap((h) => {
                  const id = ids.get(h.ref);
                  return id === undefined
                    ? []
                    : [
                        {
                          request_id: id,
                          rules: h.rules,
                          findings: h.findings,
                          reason: h.reason,
                          source: path.basename(file),
                          line: h.line,
                          created_by: actor.label,
                          created_at: now,
                        },
                      ];
                });
                overridden.push(...kept.map((k) => ({ line: k.line, rules: k.rules })));
                await insertHistoryOverrides(trx, kept);
              }
            })();
            // Keep the rejection observed until it is awaited, so a database error is reported once, in order.
            writing.catch(() => {});
          };
          for await (const { line, record } of records(file, format, hash, (b) => (bytesSeen = b))) {
            rows++;
            if (rows % 1000 === 0) progress({ phase: 'write', bytes: bytesSeen, totalBytes, rows });
            const { [OVERRIDE_COLUMN]: overrideCell, ...fields } = record;
            const res = rowToRequest(fields, line);
            if (!res.ok) {
              badRows++;
              for (const e of res.errors) {
                note({ line: e.line, field: e.column, value: e.value, message: `expected ${e.expected}` });
              }
              continue;
            }
            // Restricted matters are recorded only by those who may see them (docs/workflow.md).
            if (!mayRestrict && restrictedFlag(res.value.process_type, res.value.restricted)) {
              badRows++;
              note({
                line,
                field: res.value.restricted ? 'restricted' : 'process_type',
                message: 'a restricted matter needs an importer with the restricted-matters grant',
              });
              continue;
            }
            // The policy gate, as at every door. History from another system may carry a policy tier or a
            // workflow rule with a written reason in its own column; a statutory bar, never.
            const refusals = policyGate(intakeFacts(res.value, now), policy);
            if (refusals.length > 0) {
              const reason = typeof overrideCell === 'string' ? overrideCell.trim() : '';
              const bars = refusals.filter((r) => r.kind === 'bar');
              const allowed = bars.length === 0 && reason.length >= 10 && can(actor, 'request.approve');
              if (!allowed) {
                badRows++;
                for (const r of bars.length > 0 ? bars : refusals) {
                  note({
                    line,
                    field: r.field.split('.')[0]!,
                    message: `${r.rule}: ${r.message} (${
                      r.kind === 'bar'
                        ? whoLifts(r.kind)
                        : reason.length < 10
                          ? `history only with an ${OVERRIDE_COLUMN} of 10 characters or more`
                          : `an ${OVERRIDE_COLUMN} needs an approver or admin to import it`
                    })`,
                  });
                }
                continue;
              }
              held.push({
                ref: res.value.external_ref,
                line,
                rules: refusals.map((r) => r.rule),
                findings: refusals.map((r) => r.message),
                reason,
              });
            } else if (typeof overrideCell === 'string' && overrideCell.trim() !== '') {
              badRows++;
              note({
                line,
                field: OVERRIDE_COLUMN,
                message: 'nothing to override: the policy gate allows this row; leave the cell empty',
              });
              continue;
            }
            refs.push({ ref: res.value.external_ref, line });
            if (badRows === 0) batch.push(prepareRequest(res.value, now, { history: true }));
            if (refs.length >= batchSize) await flush();
          }
          await flush();
          await writing;
          if (badRows > 0) {
            issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
            throw new CandorError(
              'invalid',
              `${path.basename(file)}: ${badRows} of ${rows} rows are invalid; nothing was imported`,
              issues,
            );
          }
          if (rows === 0) throw new CandorError('invalid', `${path.basename(file)}: the file has no rows`);
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
              overrides: overridden,
            },
          });
          return digest;
        })
        .catch((e: unknown) => {
          throw fromDatabaseError(e, `${path.basename(file)}; nothing was imported`);
        });
      return { file, sha256, rows, created, unchanged: rows - created, overrides: overridden.length };
    },
  };
}
export type ImportService = ReturnType<typeof createImportService>;
