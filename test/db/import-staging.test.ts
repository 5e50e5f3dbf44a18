import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.ts';
import { IMPORT_COLUMNS, requestToRow } from '../../src/domain/import-row.ts';
import { requestInput } from '../../src/domain/request-input.ts';
import { CandorError } from '../../src/errors.ts';
import { ABANDONED_AFTER_MS } from '../../src/services/importer.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';

// Issue 13.7: an import is staged in short transactions and published in one, so readers never wait for
// the file and never see part of it. On PGlite the test database is the embedded engine behind its socket
// (one session, one transaction at a time): were a transaction of the import open while it is paused, the
// API call made from the pause would wait for it, and the test would time out.

let t: TestDb;
let s: Services;
let app: FastifyInstance;
let token = '';
const clock = testClock('2026-01-15T12:00:00Z');
const dir = mkdtempSync(path.join(os.tmpdir(), 'candor-import-staging-'));
const handler = actor('handler');

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t, clock);
  app = await buildApp({ config: testConfig, services: s });
  token = (await s.users.add(actor('admin'), 'viewer@example.com', 'viewer')).token;
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
/** A CSV of `n` valid requests whose refs start with `prefix` (line k + 1 holds `${prefix}-k`). */
function csvFile(
  name: string,
  prefix: string,
  n: number,
  edit: (row: Record<string, string>, k: number) => void = () => {},
) {
  const lines = [IMPORT_COLUMNS.join(',')];
  for (let k = 1; k <= n; k++) {
    const row = requestToRow(requestInput.parse(requestFactory({ external_ref: `${prefix}-${k}` })));
    edit(row, k);
    lines.push(IMPORT_COLUMNS.map((c) => quote(row[c] ?? '')).join(','));
  }
  const p = path.join(dir, name);
  writeFileSync(p, lines.join('\r\n') + '\r\n');
  return p;
}

/** The refs with this prefix that the API lists (to a viewer, as any reader). */
async function listed(prefix: string): Promise<number> {
  const res = await app.inject({
    method: 'GET',
    url: `/api/v1/requests?q=${prefix}-&limit=500`,
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { items: unknown[] }).items.length;
}

const count = async (table: 'import_staged_requests' | 'import_batches') =>
  Number(
    (
      await t.db
        .selectFrom(table)
        .select(sql<number>`count(*)`.as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

async function refusal(p: Promise<unknown>): Promise<CandorError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CandorError);
  return e as CandorError;
}

describe('an import staged in short transactions', () => {
  it('lets API calls through between its batches, shows them none of it, then all of it at once', async () => {
    const p = csvFile('large.csv', 'STAGE-A', 120);
    const seen: Array<{ staged: number; listed: number; stagedRows: number }> = [];
    const r = await s.imports.importFile(handler, p, {
      batchSize: 25,
      onStaged: async ({ rows }) => {
        // The import is paused here, its rows staged: an API call completes and lists none of them.
        seen.push({
          staged: rows,
          listed: await listed('STAGE-A'),
          stagedRows: await count('import_staged_requests'),
        });
      },
    });
    expect(r).toMatchObject({ rows: 120, created: 120 });
    expect(seen.map((x) => x.staged)).toEqual([25, 50, 75, 100, 120]);
    expect(seen.map((x) => x.listed)).toEqual([0, 0, 0, 0, 0]);
    expect(seen.map((x) => x.stagedRows)).toEqual([25, 50, 75, 100, 120]);
    expect(await listed('STAGE-A')).toBe(120);
    // Published: the staged rows are deleted, and the import's one audit event counts all of it.
    expect(await count('import_staged_requests')).toBe(0);
    expect(await count('import_batches')).toBe(0);
    const ev = await t.db
      .selectFrom('audit_events')
      .select('after')
      .where('action', '=', 'request.import')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(ev.after).toMatchObject({ sha256: r.sha256, rows: 120, created: 120, unchanged: 0 });
    // Re-importing the same file is harmless.
    expect(await s.imports.importFile(handler, p, { batchSize: 25 })).toMatchObject({
      created: 0,
      unchanged: 120,
    });
  });

  it('finds a ref repeated batches apart with both lines, and a row refused late leaves nothing', async () => {
    const p = csvFile('late.csv', 'STAGE-B', 60, (row, k) => {
      if (k === 55) row.external_ref = 'STAGE-B-3';
      if (k === 58) row.agency_kind = 'police';
    });
    const e = await refusal(s.imports.importFile(handler, p, { batchSize: 10 }));
    expect(e.message).toMatch(/2 of 60 rows are invalid; nothing was imported/);
    expect(e.issues).toEqual([
      expect.objectContaining({
        line: 56,
        field: 'external_ref',
        message: expect.stringMatching(/line 4 has it too/),
      }),
      expect.objectContaining({ line: 59, field: 'agency_kind', value: 'police' }),
    ]);
    expect(await listed('STAGE-B')).toBe(0);
    expect(await count('import_staged_requests')).toBe(0);
    expect(await count('import_batches')).toBe(0);
  });

  it('leaves nothing visible and nothing staged when it fails midway', async () => {
    const p = csvFile('crash.csv', 'STAGE-C', 50);
    const e = await refusal(
      s.imports.importFile(handler, p, {
        batchSize: 10,
        onStaged: ({ rows }) => {
          if (rows === 30) throw new CandorError('unavailable', 'simulated crash after 30 rows');
        },
      }),
    );
    expect(e.message).toBe('simulated crash after 30 rows');
    expect(await listed('STAGE-C')).toBe(0);
    expect(await count('import_staged_requests')).toBe(0);
    expect(await count('import_batches')).toBe(0);
  });

  it('deletes an import whose process stopped midway, and that import can no longer publish', async () => {
    // Import D stops between two batches and stays stopped (as if its process had died) ...
    let stopped!: () => void;
    const stop = new Promise<void>((resolve) => (stopped = resolve));
    let resume!: () => void;
    const paused = new Promise<void>((resolve) => (resume = resolve));
    const d = s.imports.importFile(handler, csvFile('stopped.csv', 'STAGE-D', 40), {
      batchSize: 10,
      onStaged: async ({ rows }) => {
        if (rows !== 20) return;
        stopped();
        await paused;
      },
    });
    await stop;
    expect(await count('import_staged_requests')).toBe(20);
    // ... the next import, while D is young, leaves it alone; once D is abandoned, deletes it.
    expect(await s.imports.importFile(handler, csvFile('next.csv', 'STAGE-E', 5))).toMatchObject({
      created: 5,
    });
    expect(await count('import_staged_requests')).toBe(20);
    clock.set(new Date(clock().getTime() + ABANDONED_AFTER_MS + 1000).toISOString());
    expect(await s.imports.importFile(handler, csvFile('after.csv', 'STAGE-F', 5))).toMatchObject({
      created: 5,
    });
    expect(await count('import_staged_requests')).toBe(0);
    expect(await count('import_batches')).toBe(0);
    // Should D's process come back, its import is refused, and none of it was ever visible.
    resume();
    const e = await refusal(d);
    expect(e.code).toBe('conflict');
    expect(e.message).toMatch(/discarded as abandoned/);
    expect(await listed('STAGE-D')).toBe(0);
    expect(await count('import_staged_requests')).toBe(0);
  });
});
