/**
 * Writes a large, valid import file for load tests of the importer:
 *   node --import tsx bench/generate-import.ts --rows 1000000 --out bench/out/requests.csv [--seed 2015]
 * Rows stream from `demoStream` through `requestToRow` into an RFC 4180 CSV (UTF-8, CRLF, header of
 * IMPORT_COLUMNS and override_reason), written in batches that wait for the file stream to drain, so memory
 * stays flat whatever --rows is. Every row passes the policy gate as of now: the demo history the gate refuses
 * today (emergency disclosures approved before the record began, 2015 MLAT productions) carries the demo's
 * `override_reason`, as history from another system would, so the file imports whole for an approver or admin.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { demoStream } from '../src/demo/index.ts';
import { IMPORT_COLUMNS, requestToRow } from '../src/domain/import-row.ts';
import { defaultPolicy } from '../src/domain/policy-config.ts';
import { intakeFacts, policyGate } from '../src/domain/policy-gate.ts';
import { DEMO_HISTORY_REASONS, demoHistoryReason } from '../src/services/demo.ts';

const BATCH_ROWS = 500;

/** RFC 4180: quote a field holding a comma, quote, CR or LF, doubling the quotes inside. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '100000' },
      out: { type: 'string', default: 'bench/out/requests.csv' },
      seed: { type: 'string', default: '2015' },
    },
  });
  const rows = Number(values.rows);
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(rows) || rows < 0)
    throw new RangeError(`--rows must be a whole number: ${values.rows}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`--seed must be a whole number: ${values.seed}`);

  await mkdir(dirname(values.out), { recursive: true });
  const out = createWriteStream(values.out, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const started = performance.now();

  let batch = csvLine([...IMPORT_COLUMNS, 'override_reason']);
  let inBatch = 0;
  let carried = 0;
  const now = new Date();
  let skipped = 0;
  let written = 0;
  // The stream is the demo as of the end of its last half-year; the importer's gate judges as of now. A row
  // whose non-disclosure order is still in force today but not at the stream's end (its notice pending) is
  // left out, and the stream runs on until the file has --rows rows.
  for (const request of demoStream({ seed, rows: rows * 2 })) {
    if (written === rows) break;
    const row = requestToRow(request);
    const refusals = policyGate(intakeFacts(request, now), defaultPolicy);
    if (refusals.some((r) => !DEMO_HISTORY_REASONS.has(r.rule))) {
      skipped++;
      continue;
    }
    written++;
    if (refusals.length > 0) carried++;
    batch += csvLine([
      ...IMPORT_COLUMNS.map((c) => row[c]),
      refusals.length ? demoHistoryReason(refusals) : '',
    ]);
    if (++inBatch === BATCH_ROWS) {
      // Backpressure: never run ahead of the disk by more than the stream's buffer.
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
      inBatch = 0;
    }
  }
  out.end(batch);
  await once(out, 'finish');

  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${rows} rows -> ${values.out} in ${seconds.toFixed(2)} s (${Math.round(rows / seconds)} rows/s, ` +
      `${(out.bytesWritten / 2 ** 20).toFixed(1)} MiB; ${carried} rows of history with an override_reason, ${skipped} left out)`,
  );
}

await main();
