/**
 * API write benchmark: `POST /api/v1/requests` on PostgreSQL with 50 concurrent clients (autocannon).
 *
 *   node --import tsx bench/api.ts [--pg postgres://postgres@127.0.0.1:5432/test] [--seconds 20] [--connections 50]
 *
 * Starts the real HTTP app on a fresh database on a random local port, issues an API token, then posts unique
 * requests for the given time. Prints requests/s and latency percentiles.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Kysely, PostgresDialect } from 'kysely';
import pg from '../src/db/pg.ts';
import { loadConfig } from '../src/config.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import type { Database } from '../src/db/schema.ts';
import { buildApp } from '../src/http/app.ts';
import { createServices } from '../src/services/index.ts';

const { values } = parseArgs({
  options: {
    pg: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '50' },
  },
});

const name = `candor_bench_${randomBytes(3).toString('hex')}`;
const admin = new pg.Client({ connectionString: values.pg });
await admin.connect();
await admin.query(`create database ${name}`);
const url = new URL(values.pg!);
url.pathname = `/${name}`;
const db = new Kysely<Database>({
  dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.href, max: 20 }) }),
});
try {
  await migrateToLatest(db);
  const config = loadConfig({ DATABASE_URL: url.href });
  const services = createServices({ db, config, clock: () => new Date() });
  const { token } = await services.users.add(
    { label: 'bench', userId: null, role: 'admin' },
    'bench@example.com',
    'handler',
  );
  const app = await buildApp({ config, services });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  let n = 0;
  const body = () =>
    JSON.stringify({
      external_ref: `BENCH-${process.pid}-${++n}`,
      received_at: '2026-03-01T10:00:00Z',
      agency: {
        name: `Agency ${n % 200}`,
        kind: 'law_enforcement',
        level: 'state',
        country: 'US',
        subdivision: 'US-CA',
      },
      process_type: 'search_warrant',
      legal_authority: '18 U.S.C. 2703(a)',
      data_sought: ['basic_subscriber', 'content'],
      accounts: [`AC${n.toString(16).padStart(32, '0')}`],
      identifiers: [
        { value: `+1555${String(n).padStart(7, '0')}`, account: `AC${n.toString(16).padStart(32, '0')}` },
      ],
    });
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/api/v1/requests`,
    connections: Number(values.connections),
    duration: Number(values.seconds),
    requests: [
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: body() }),
      },
    ],
  });
  const codes = `2xx ${result['2xx']}, non-2xx ${result.non2xx}, errors ${result.errors}`;
  console.log(
    `POST /api/v1/requests, ${values.connections} connections, ${values.seconds} s: ` +
      `${result.requests.average.toFixed(0)} req/s; latency p50 ${result.latency.p50} ms, ` +
      `p99 ${result.latency.p99} ms, max ${result.latency.max} ms (${codes})`,
  );
  await app.close();
} finally {
  await db.destroy();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}
