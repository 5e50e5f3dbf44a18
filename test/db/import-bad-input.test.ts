import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_COLUMNS, requestToRow } from '../../src/domain/import-row.ts';
import { requestInput } from '../../src/domain/request-input.ts';
import { CandorError } from '../../src/errors.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';

// Issue 13 item 8 at the importer: a file the importer cannot read is refused naming the line, never a crash.

let t: TestDb;
let s: Services;
const dir = mkdtempSync(path.join(os.tmpdir(), 'candor-import-bad-'));

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t);
});
afterAll(async () => t?.close());

/** The import columns and the override column a row may carry. */
const COLUMNS = IMPORT_COLUMNS.length + 1;
const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const csvLine = (r: Record<string, string>) => IMPORT_COLUMNS.map((c) => quote(r[c] ?? '')).join(',');
const row = (over: Parameters<typeof requestFactory>[0] = {}) =>
  requestToRow(requestInput.parse(requestFactory(over)));
function file(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}
async function importError(p: string): Promise<CandorError> {
  const e = await s.imports.importFile(actor('handler'), p).then(
    () => new Error('expected the import to fail'),
    (x: unknown) => x,
  );
  if (e instanceof CandorError) return e;
  throw e;
}
const requests = async () =>
  (await s.requests.list(actor('admin'), { filter: {}, limit: 5, sort: 'received_at', dir: 'desc' })).items
    .length;

describe('the importer refuses what it cannot read, naming the line', () => {
  it('refuses bytes that are not UTF-8 instead of replacing them (CSV)', async () => {
    const bytes = Buffer.concat([
      Buffer.from(`${IMPORT_COLUMNS.join(',')}\r\n${csvLine(row())}\r\n`),
      Buffer.from(
        csvLine({ ...row(), notes: 'caf' })
          .replace(/caf/, 'caf\u0000')
          .split('\u0000')[0]!,
      ),
      Buffer.from([0xe9, 0x0d, 0x0a]),
    ]);
    const e = await importError(file('latin1.csv', bytes));
    expect(e.message).toMatch(/line 3 is not valid UTF-8 text; nothing was imported/);
    expect(e.issues[0]).toMatchObject({ line: 3 });
    expect(await requests()).toBe(0);
  });

  it('refuses bytes that are not UTF-8 in JSON Lines, on the last line without a newline too', async () => {
    const good = JSON.stringify(requestFactory());
    const e = await importError(
      file(
        'bad.jsonl',
        Buffer.concat([
          Buffer.from(`${good}\n${good}\n{"external_ref":"`),
          Buffer.from([0xc3, 0x28, 0x22, 0x7d]),
        ]),
      ),
    );
    expect(e.message).toMatch(/line 3 is not valid UTF-8/);
  });

  it('names the line and column of a NUL or a lone surrogate', async () => {
    const nul = await importError(
      file(
        'nul.csv',
        `${IMPORT_COLUMNS.join(',')}\n${csvLine(row())}\n${csvLine({ ...row(), notes: 'a\u0000b' })}\n`,
      ),
    );
    expect(nul.issues).toContainEqual(
      expect.objectContaining({ line: 3, field: 'notes', message: expect.stringMatching(/NUL/) }),
    );
    const lone = await importError(
      file(
        'lone.jsonl',
        JSON.stringify({ ...row(), issuer: 'x' }).replace('"issuer":"x"', '"issuer":"\\udc00"') + '\n',
      ),
    );
    expect(lone.issues).toContainEqual(
      expect.objectContaining({
        line: 1,
        field: 'issuer',
        message: expect.stringMatching(/unpaired surrogate/),
      }),
    );
    expect(await requests()).toBe(0);
  });

  it('refuses a header of 1,000,000 columns quickly, saying how many the format has', async () => {
    const names = Array.from({ length: 1_000_000 }, (_, i) => `c${i}`);
    const p = file('wide.csv', `${names.join(',')}\n${names.map(() => '').join(',')}\n`);
    const started = performance.now();
    const e = await importError(p);
    const ms = performance.now() - started;
    expect(e.issues).toEqual([
      expect.objectContaining({
        line: 1,
        field: '(header)',
        message: expect.stringContaining(`longer than 16384 bytes; the format has ${COLUMNS} columns`),
      }),
    ]);
    expect(ms).toBeLessThan(10_000);
  });

  it('refuses a short header with more columns than the format has', async () => {
    const e = await importError(
      file('many.csv', `${Array.from({ length: 5000 }, (_, i) => i % 10).join(',')}\n`),
    );
    expect(e.issues).toEqual([
      expect.objectContaining({
        field: '(header)',
        message: expect.stringContaining(`it has 5000 columns; the format has ${COLUMNS} `),
      }),
    ]);
  });

  it('names each problem of a header at most 50 times', async () => {
    const names = [...IMPORT_COLUMNS.slice(0, 7), ...Array.from({ length: 27 }, (_, i) => `x${i}`)];
    const e = await importError(file('unknown.csv', `${names.join(',')}\n`));
    expect(e.issues.length).toBeGreaterThan(20);
    expect(e.issues.length).toBeLessThanOrEqual(50);
  });
});
