/**
 * Report computation benchmark:
 *   node --import tsx bench/report.ts --rows 1000000 --engine pglite|postgres [--period 2020-H1]
 * Fills a fresh database with --rows requests spread over 2015-2026 (bulk SQL from generate_series, about
 * 1.33 targets per request), then times, on the same engine: computing every table of one half-year, one
 * plain GROUP BY scan of that half-year (the yardstick: goal report <= 2x scan), and rendering every format
 * (goal < 1 s). PostgreSQL: CANDOR_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres);
 * a database candor_bench_<random> is created and dropped.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { connectEngine, type Db } from '../src/db/connect.ts';
import { startEngine } from '../src/db/embedded.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { parsePeriod } from '../src/domain/periods.ts';
import { computeReport } from '../src/reports/compute.ts';
import { renderFiles } from '../src/reports/files.ts';
import {
  accountGrain,
  dsaGrain,
  nationalSecurityCounts,
  plainScan,
  requestGrain,
} from '../src/repositories/report-repository.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    engine: { type: 'string', default: 'pglite' },
    period: { type: 'string', default: '2020-H1' },
  },
});
const rows = Number(values.rows);
const engine = values.engine as 'pglite' | 'postgres';

async function open(): Promise<{ db: Db; close: () => Promise<void> }> {
  if (engine === 'pglite') {
    const eng = await startEngine({});
    const conn = await connectEngine(eng, { role: 'cli', migrate: true });
    return { db: conn.db, close: () => conn.close() };
  }
  const url = process.env.CANDOR_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `candor_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  const db: Db = new Kysely({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: u.href }) }),
  });
  await migrateToLatest(db);
  return {
    db,
    close: async () => {
      await db.destroy();
      await admin.query(`drop database ${name} with (force)`);
      await admin.end();
    },
  };
}

async function fill(db: Db): Promise<void> {
  const countries = [
    'US',
    'US',
    'US',
    'US',
    'US',
    'US',
    'CA',
    'GB',
    'DE',
    'FR',
    'IT',
    'BE',
    'GR',
    'AU',
    'JP',
    'BR',
    'IN',
  ];
  const states = ['US-CA', 'US-NY', 'US-TX', 'US-FL', 'US-WA'];
  await sql`
    insert into agencies (name, kind, level, country, subdivision)
    select 'Agency ' || g, 'law_enforcement',
      (case when c = 'US' then (array['federal','state','local','municipal'])[1 + g % 4] else 'national' end)::agency_level,
      c, case when c = 'US' and g % 4 > 0 then (${sql.val(states)}::text[])[1 + g % 5] end
    from generate_series(0, 339) g, lateral (select (${sql.val(countries)}::text[])[1 + g % ${countries.length}] as c) x`.execute(
    db,
  );
  const processes = [
    'subpoena',
    'grand_jury_subpoena',
    'search_warrant',
    'court_order_2703d',
    'court_order',
    'emergency_request',
    'preservation_request',
    'takedown_request',
    'police_force_order',
    'mlat_request',
    'national_security_letter',
  ];
  const outcomes = [
    'rejected',
    'withdrawn',
    'no_data',
    'non_content_produced',
    'content_produced',
    'withdrawn_after_notice_policy',
  ];
  const span = 12 * 365.25 * 86_400; // 2015-01-01 .. 2026-12-31, seconds
  const batch = 250_000;
  for (let lo = 1; lo <= rows; lo += batch) {
    const hi = Math.min(rows, lo + batch - 1);
    await sql`
      insert into requests (external_ref, received_at, agency_id, channel, process_type, emergency, demand_kind,
        status, outcome, responded_at, notice_status, dsa_category, items_of_information, acknowledged_at, effect_given_at)
      select 'B-' || g, t, 1 + (g * 7919) % 340, ch::channel, p::process_type, p = 'emergency_request',
        (case p when 'preservation_request' then 'preserve' when 'takedown_request' then 'restrict_content' else 'disclose' end)::demand_kind,
        (case when o is null then 'in_review' else 'closed' end)::request_status, o::outcome,
        case when o is not null then t + interval '3 days' end,
        (case when o is null then 'pending' when g % 5 = 0 then 'sent' else 'not_applicable' end)::notice_status,
        case when ch like 'dsa%' then 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD' end,
        case when ch = 'dsa_art_9' then 1 + g % 4 end,
        case when ch like 'dsa%' then t + (g % 48) * interval '1 hour' end,
        case when ch like 'dsa%' then t + (g % 96) * interval '1 hour' end
      from generate_series(${lo}::bigint, ${hi}::bigint) g,
      lateral (select timestamptz '2015-01-01' + ((g * 104729) % ${Math.floor(span)}) * interval '1 second' as t,
                      (${sql.val(processes)}::text[])[1 + (g * 31) % ${processes.length}] as p,
                      case when g % 17 = 0 then null
                           else (${sql.val(outcomes)}::text[])[1 + (g * 13) % ${outcomes.length}] end as o,
                      case when g % 97 = 0 then 'dsa_art_9' when g % 89 = 0 then 'dsa_art_10'
                           when g % 23 = 0 then 'mlat' else 'domestic' end as ch) x`.execute(db);
    // Targets: one per request, a second for every third; accounts drawn from a pool of rows/3.
    await sql`
      insert into request_targets (request_id, identifier, account_ref, result)
      select r.id, 'id-' || r.id || '-' || k, 'acct-' || ((r.id * 7 + k) % ${Math.max(1, Math.floor(rows / 3))}),
        (case when r.outcome in ('non_content_produced', 'content_produced') then 'produced'
              when r.outcome is null then null else 'not_produced' end)::account_result
      from requests r, generate_series(1, 2) k
      where r.id between ${lo} and ${hi} and (k = 1 or r.id % 3 = 0)`.execute(db);
    process.stderr.write(`  ${hi} rows\n`);
  }
  await sql`analyze`.execute(db);
}

async function time<T>(fn: () => Promise<T>, runs = 5): Promise<{ ms: number; value: T }> {
  let value = await fn(); // warm-up: caches and query plans
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    value = await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { ms: ms[Math.floor(ms.length / 2)]!, value };
}

const { db, close } = await open();
try {
  const t0 = performance.now();
  await fill(db);
  const loadMs = performance.now() - t0;
  const period = parsePeriod(values.period!);
  const [{ n }] = (
    await sql<{
      n: number;
    }>`select count(*)::int as n from requests where received_at >= ${period.startInstant} and received_at < ${period.endExclusiveInstant}`.execute(
      db,
    )
  ).rows as [{ n: number }];
  const scan = await time(() => plainScan(db, { from: period.startInstant, to: period.endExclusiveInstant }));
  const report = await time(() =>
    computeReport(db, {
      period: period.id,
      provider: { name: 'Bench Inc.' },
      nsOption: 'a3',
      publicationDate: '2020-08-31',
      now: new Date('2021-01-01T00:00:00Z'),
    }),
  );
  const span = { from: period.startInstant, to: period.endExclusiveInstant };
  const parts = {
    'request grain': (await time(() => requestGrain(db, span))).ms,
    'account grain': (await time(() => accountGrain(db, span))).ms,
    dsa: (await time(() => dsaGrain(db, span))).ms,
    'national security': (await time(() => nationalSecurityCounts(db, { nsl: span, fisa: span }))).ms,
  };
  const render = await time(() => renderFiles(report.value), 3);
  const ratio = report.ms / scan.ms;
  console.log(
    `engine ${engine}, ${rows.toLocaleString('en')} requests (load ${(loadMs / 1000).toFixed(1)} s); ${period.id}: ${n.toLocaleString('en')} requests`,
  );
  console.log(`plain GROUP BY scan of ${period.id}: ${scan.ms.toFixed(1)} ms`);
  console.log(
    `every report table:            ${report.ms.toFixed(1)} ms (${ratio.toFixed(2)}x the scan; goal <= 2x)`,
  );
  console.log(
    `  of which: ${Object.entries(parts)
      .map(([k, v]) => `${k} ${v.toFixed(1)} ms`)
      .join(', ')}`,
  );
  console.log(`render all formats:            ${render.ms.toFixed(1)} ms (goal < 1000 ms)`);
  console.log(
    `machine: ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
} finally {
  await close();
}
