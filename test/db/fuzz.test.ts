import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_COLUMNS } from '../../src/domain/import-row.ts';
import { CandorError } from '../../src/errors.ts';
import { buildApp } from '../../src/http/app.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';

/**
 * Issue 13, item 8: no input gives a 500. fast-check throws random requests at every API route (method and
 * path from the app's own OpenAPI document) and random files at the importer, within a bounded time, and
 * fails on any 5xx or crash. The seed is printed by fast-check on failure, to replay it.
 */

const BUDGET_MS = 12_000;

let t: TestDb;
let s: Services;
let app: FastifyInstance;
let token = '';
const dir = mkdtempSync(path.join(os.tmpdir(), 'candor-fuzz-'));

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t, testClock());
  app = await buildApp({ config: testConfig, services: s });
  await app.ready();
  token = (await s.users.add(actor('admin'), 'fuzz-admin@example.com', 'admin')).token;
  await s.requests.create(actor('admin'), requestFactory() as never).catch(() => undefined);
});
afterAll(async () => {
  await app?.close();
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Strings an attacker tries: NUL, lone surrogates, control characters, huge numbers, bad dates. */
const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfffy',
    '\u001b[31m',
    '99999999999999999999',
    '-1',
    '0',
    '1e308',
    'NaN',
    '2015-02-30',
    '2015-03-01T10:60:00Z',
    '2015-03-01T10:00:00+99:99',
    '9999-12-31',
    '9999-H2',
    '2015-H1',
    '../../etc/passwd',
    '%00',
    '%ZZ',
    '{}',
    '',
  ),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    nasty,
    fc.integer(),
    fc.double(),
    fc.constantFrom(2 ** 31, 2 ** 53, -(2 ** 63), 1e21),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(nasty, fc.constantFrom('period', 'id', 'version', 'received_at')), tie('v'), {
      maxKeys: 4,
    }),
  ),
})).v;

/** A path segment, percent-encoded; a lone surrogate becomes its (invalid) UTF-8 bytes, as an attacker sends. */
const segment = (v: string) =>
  [...v].map((ch) => (/[\uD800-\uDFFF]/.test(ch) ? '%ED%A0%80' : encodeURIComponent(ch))).join('');

interface Route {
  method: string;
  url: string;
}

function routeTable(): Route[] {
  const doc = (app as unknown as { swagger(): { paths: Record<string, Record<string, unknown>> } }).swagger();
  const routes: Route[] = [];
  for (const [p, ops] of Object.entries(doc.paths))
    for (const m of Object.keys(ops))
      if (['get', 'post', 'put', 'patch', 'delete'].includes(m))
        routes.push({ method: m.toUpperCase(), url: p });
  return routes;
}

describe('fuzzing', () => {
  it('no API route answers a random request with a 5xx', async () => {
    const routes = routeTable();
    expect(routes.length).toBeGreaterThan(20);
    const request = fc.record({
      route: fc.constantFrom(...routes),
      params: fc.array(fc.oneof(nasty, fc.integer().map(String), fc.constant('1')), {
        minLength: 4,
        maxLength: 4,
      }),
      query: fc.dictionary(
        fc.oneof(nasty, fc.constantFrom('cursor', 'limit', 'q', 'period', 'sort')),
        nasty,
        {
          maxKeys: 3,
        },
      ),
      body: fc.option(value),
      raw: fc.option(fc.uint8Array({ maxLength: 64 })),
      contentType: fc.constantFrom(
        'application/json',
        'application/x-www-form-urlencoded',
        'text/plain',
        'multipart/form-data; boundary=x',
      ),
      header: fc.option(nasty),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        let i = 0;
        const url = r.route.url.replace(/\{[^}]+\}|:[A-Za-z_]+/g, () => segment(r.params[i++ % 4]!));
        const qs = Object.entries(r.query)
          .map(([k, v]) => `${segment(k)}=${segment(v)}`)
          .join('&');
        const payload =
          r.route.method === 'GET' || r.route.method === 'DELETE'
            ? undefined
            : r.raw
              ? Buffer.from(r.raw)
              : r.body === null
                ? undefined
                : JSON.stringify(r.body);
        const headers: Record<string, string> = {
          authorization: `Bearer ${token}`,
          ...(payload !== undefined ? { 'content-type': r.contentType } : {}),
        };
        if (r.header !== null) headers['x-request-id'] = r.header.replace(/[^\t\x20-\x7e]/g, '?');
        const res = await app.inject({
          method: r.route.method as 'GET',
          url: `/api/v1${url.replace(/^\/api\/v1/, '')}${qs ? `?${qs}` : ''}`,
          payload,
          headers,
        });
        if (res.statusCode >= 500)
          throw new Error(
            `${r.route.method} ${url}?${qs} answered ${res.statusCode}: ${res.body.slice(0, 300)}`,
          );
      }),
      { interruptAfterTimeLimit: BUDGET_MS, numRuns: 100_000 },
    );
  });

  it('the importer refuses random files with a clear error, never a crash', async () => {
    const header = IMPORT_COLUMNS.join(',');
    const csv = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      fc
        .array(fc.array(nasty, { maxLength: IMPORT_COLUMNS.length + 2 }), { maxLength: 4 })
        .map((rows) =>
          Buffer.from(
            [header, ...rows.map((r) => r.map((v) => `"${v.replaceAll('"', '""')}"`).join(','))].join('\n'),
          ),
        ),
    );
    const jsonl = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      fc
        .array(value, { maxLength: 4 })
        .map((rows) => Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n'))),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          csv.map((b) => ['csv', b] as const),
          jsonl.map((b) => ['jsonl', b] as const),
        ),
        async ([ext, bytes]) => {
          const p = path.join(dir, `f${n++}.${ext}`);
          writeFileSync(p, bytes);
          await s.imports.importFile(actor('handler'), p).catch((e: unknown) => {
            if (!(e instanceof CandorError) || e.code === 'internal') throw e;
          });
        },
      ),
      { interruptAfterTimeLimit: BUDGET_MS / 2, numRuns: 100_000 },
    );
  });
});
