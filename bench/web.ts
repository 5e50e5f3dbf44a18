/**
 * Web page latency at scale: loads 1,000,000 requests into a fresh PostgreSQL database with set-based SQL,
 * starts the real server, signs in, and times pages over HTTP, one request at a time.
 *
 *   BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/web.ts [--rows 1000000] [--samples 300]
 *
 * The database `candor_bench_web` is dropped and recreated on that server.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/connect.ts';
import { buildApp } from '../src/http/app.ts';
import { createServices } from '../src/services/index.ts';
import { encodeCursor } from '../src/services/requests.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    samples: { type: 'string', default: '300' },
    open: { type: 'string', default: '7000' },
  },
});
const ROWS = Number(values.rows);
const SAMPLES = Number(values.samples);
const OPEN_ROWS = Math.min(ROWS, Number(values.open));
const serverUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NAME = 'candor_bench_web';

async function recreate(): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${NAME} with (force)`);
  await admin.query(`create database ${NAME}`);
  await admin.end();
  const u = new URL(serverUrl);
  u.pathname = `/${NAME}`;
  return u.href;
}

const PROCESS = [
  'grand_jury_subpoena',
  'subpoena',
  'court_order_2703d',
  'search_warrant',
  'administrative_subpoena',
  'emergency_request',
  'preservation_request',
  'pen_register_order',
];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'AU', 'CA', 'IN', 'BR', 'JP', 'NL'];

const t0 = performance.now();
const databaseUrl = await recreate();
const config = loadConfig({ ...process.env, DATABASE_URL: databaseUrl });
const conn = await openDatabase(config, { role: 'server', migrate: true, poolSize: 10 });
const db = conn.db;

console.log(`loading ${ROWS.toLocaleString('en-US')} requests...`);
await sql`
  insert into agencies (name, kind, level, country)
  select 'Agency ' || lpad(g::text, 4, '0') || ' ' || (array[${sql.join(COUNTRIES.map((c) => sql.lit(c)))}])[1 + g % 10],
    'law_enforcement', 'national', (array[${sql.join(COUNTRIES.map((c) => sql.lit(c)))}])[1 + g % 10]
  from generate_series(1, 800) g`.execute(db);
// Spread over 2015-01-01 .. 2026-11-01. The newest OPEN_ROWS (about the last month) are open work; the rest
// were answered and closed, notices settled, as in a real history (an outcome exactly when responded or closed).
const settled = ROWS - OPEN_ROWS;
await sql`
  insert into requests (external_ref, received_at, agency_id, process_type, emergency, demand_kind, data_sought,
                        status, outcome, responded_at, notice_status)
  select 'REQ-' || lpad(g::text, 8, '0'),
    timestamptz '2015-01-01' + (g::double precision / ${ROWS}) * interval '4322 days',
    1 + (g::bigint * 7919) % 800,
    p::process_type,
    p = 'emergency_request',
    'disclose',
    '{basic_subscriber}',
    (case when g <= ${settled} then 'closed'
          when g % 2 = 0 then 'received' else 'in_review' end)::request_status,
    (case when g <= ${settled} then (case when g % 2 = 0 then 'non_content_produced' else 'no_data' end) end)::outcome,
    case when g <= ${settled} then timestamptz '2015-01-01' + (g::double precision / ${ROWS}) * interval '4322 days' + interval '9 days' end,
    (case when g <= ${settled} then 'not_applicable' else 'pending' end)::notice_status
  from generate_series(1, ${ROWS}) g,
    lateral (select (array[${sql.join(PROCESS.map((p) => sql.lit(p)))}])[1 + g % ${PROCESS.length}] as p) x`.execute(
  db,
);
await sql`
  insert into request_targets (request_id, identifier, account_ref)
  select id, 'AC' || lpad(id::text, 32, '0'), 'AC' || lpad(id::text, 32, '0') from requests`.execute(db);
// As autovacuum leaves a table in steady state: statistics, and the visibility map that lets the half-year
// counts read the date index alone.
await sql`vacuum analyze`.execute(db);
console.log(`loaded in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

const services = createServices({ db, config, clock: () => new Date() });
const app = await buildApp({ config, services });
await app.listen({ port: 0, host: '127.0.0.1' });
const addr = app.server.address();
const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
const token = (await services.auth.firstRunToken()) as string;
const session = await services.auth.completeSetup(token, 'bench@example.com', 'bench passphrase 123');
const cookie = `candor_session=${session}`;
const handler = { label: 'bench', userId: null, role: 'handler' as const };

async function time(
  label: string,
  urls: () => string,
  samples = SAMPLES,
  before?: () => Promise<void>,
): Promise<{ label: string; p50: number; p99: number; max: number; n: number }> {
  for (let i = 0; i < Math.min(20, samples); i++)
    await fetch(base + urls(), { headers: { cookie } }).then((r) => r.text()); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    await before?.(); // untimed
    const url = urls();
    const start = performance.now();
    const res = await fetch(base + url, { headers: { cookie } });
    await res.text();
    ms.push(performance.now() - start);
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  }
  ms.sort((a, b) => a - b);
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] as number;
  return { label, p50: q(0.5), p99: q(0.99), max: ms[ms.length - 1] as number, n: samples };
}

const rand = (n: number) => 1 + Math.floor(Math.random() * n);
const deep = () => {
  // A keyset position somewhere in the middle of history: the page after it is as cheap as the first.
  const id = rand(ROWS);
  const at = new Date(Date.parse('2015-01-01T00:00:00Z') + (id / ROWS) * 4322 * 86_400_000).toISOString();
  return `/requests?after=${encodeCursor({ v: at, id })}`;
};
/** A change to an open request (two transitions, back where it was), untimed before a view. */
const aChange = async () => {
  const id = ROWS - OPEN_ROWS + 2 * rand(OPEN_ROWS / 2 - 1) + 1; // odd ids are in review
  await services.workflow.transition(handler, id, { to: 'awaiting_information' });
  await services.workflow.transition(handler, id, { to: 'in_review' });
};
const results = [
  await time('requests list, first page', () => '/requests'),
  await time(
    'requests list, filtered (status + process type)',
    () => '/requests?status=in_review&process_type=search_warrant',
  ),
  await time(
    'requests list, filtered by received range',
    () => `/requests?from=2019-0${rand(9)}-01&to=2019-12-31`,
  ),
  await time('requests list, deep keyset page', deep),
  await time(
    'requests list, sorted by reference, deep page',
    () =>
      `/requests?sort=external_ref&dir=asc&after=${encodeCursor({ v: `REQ-${String(rand(ROWS)).padStart(8, '0')}`, id: 0 })}`,
  ),
  await time('requests list, search by reference prefix', () => `/requests?q=REQ-00${rand(9)}`),
  await time(
    'requests list, search by agency name prefix',
    () => `/requests?q=agency ${String(rand(799)).padStart(4, '0')}`,
  ),
  await time('request detail', () => `/requests/${rand(ROWS)}`),
  // The report desk shows the draft of the half-year; it is kept until the audit log moves.
  await time(
    'report desk (draft of the current half-year)',
    () => `/reports/${services.dashboard.currentPeriod()}`,
  ),
  await time(
    'report desk right after a change (every view follows a transition)',
    () => `/reports/${services.dashboard.currentPeriod()}`,
    Math.min(SAMPLES, 20),
    aChange,
  ),
  // The due view keeps what it read until the audit log moves: time it standing still, and right after a
  // change (each view follows a transition of an open request, so it reads the open work again).
  await time(`dashboard (due view over ${OPEN_ROWS} open requests + half-year counts)`, () => '/'),
  await time(
    `dashboard right after a change (every view follows a transition)`,
    () => '/',
    Math.min(SAMPLES, 50),
    aChange,
  ),
];
await app.close();
await conn.close();

console.log(
  `\n${ROWS.toLocaleString('en-US')} requests, ${SAMPLES} sequential requests per page over HTTP\n`,
);
console.log('| Page | samples | p50 (ms) | p99 (ms) | max (ms) |');
console.log('|---|---:|---:|---:|---:|');
for (const r of results)
  console.log(`| ${r.label} | ${r.n} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} |`);
