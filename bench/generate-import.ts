/**
 * Writes a large, valid import file for load tests of the importer:
 *   node --import tsx bench/generate-import.ts --rows 1000000 --out bench/out/requests.csv [--seed 2015]
 * Rows stream from `demoStream` through `requestToRow` into an RFC 4180 CSV (UTF-8, CRLF, header of
 * IMPORT_COLUMNS), written in batches that wait for the file stream to drain, so memory stays flat
 * whatever --rows is.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { demoStream } from '../src/demo/index.ts';
import { IMPORT_COLUMNS, requestToRow } from '../src/domain/import-row.ts';

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

  let batch = csvLine(IMPORT_COLUMNS);
  let inBatch = 0;
  for (const request of demoStream({ seed, rows })) {
    const row = requestToRow(request);
    batch += csvLine(IMPORT_COLUMNS.map((c) => row[c]));
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
      `${(out.bytesWritten / 2 ** 20).toFixed(1)} MiB)`,
  );
}

await main();
