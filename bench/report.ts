/**
 * Report computation benchmark:
 *   node --import tsx bench/report.ts --rows 1000000 --engine pglite|postgres [--period 2020-H1] [--rounds 3]
 *     [--keep NAME]
 * Fills a fresh database with --rows requests spread over 2015-2026 (bulk SQL from generate_series, about
 * 1.33 targets per request), then times, on the same engine: computing every table of one half-year, one
 * plain GROUP BY scan of that half-year (the yardstick: goal report <= 2x scan), and rendering every format
 * (goal < 1 s). PostgreSQL: CANDOR_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres);
 * a database candor_bench_<random> is created and dropped. --rounds repeats the timings on the same data (the
 * machine may be shared: report the best and the spread). --keep keeps the filled data for the next run (a
 * PGlite data directory, or a PostgreSQL database of that name) and reuses it if it holds --rows requests.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { connectEngine, type Db } from '../src/db/connect.ts';
import { startEngine } from '../src/db/embedded.ts';
import { fill } from './fill.ts';
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
    rounds: { type: 'string', default: '1' },
    keep: { type: 'string' },
  },
});
const rows = Number(values.rows);
const engine = values.engine as 'pglite' | 'postgres';
const keep = values.keep;

async function open(): Promise<{ db: Db; close: () => Promise<void> }> {
  if (engine === 'pglite') {
    const eng = await startEngine(keep ? { pgdata: keep } : {});
    const conn = await connectEngine(eng, { role: 'cli', migrate: true });
    return { db: conn.db, close: () => conn.close() };
  }
  const url = process.env.CANDOR_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = keep ?? `candor_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
  if (exists.rowCount === 0) await admin.query(`create database ${pg.escapeIdentifier(name)}`);
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
      if (!keep) await admin.query(`drop database ${name} with (force)`);
      await admin.end();
    },
  };
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
  const [{ have }] = (await sql<{ have: number }>`select count(*)::int as have from requests`.execute(db))
    .rows as [{ have: number }];
  if (have === 0) await fill(db, rows);
  else if (have !== rows) throw new Error(`--keep ${keep}: holds ${have} requests, not ${rows}`);
  const loadMs = performance.now() - t0;
  const period = parsePeriod(values.period!);
  const span = { from: period.startInstant, to: period.endExclusiveInstant };
  const [{ n }] = (
    await sql<{
      n: number;
    }>`select count(*)::int as n from requests where received_at >= ${span.from} and received_at < ${span.to}`.execute(
      db,
    )
  ).rows as [{ n: number }];
  console.log(
    `engine ${engine}, ${rows.toLocaleString('en')} requests (${have === 0 ? 'load' : 'reused'} ${(loadMs / 1000).toFixed(1)} s); ${period.id}: ${n.toLocaleString('en')} requests`,
  );
  for (let round = 1; round <= Number(values.rounds); round++) {
    const scan = await time(() => plainScan(db, span));
    const report = await time(() =>
      computeReport(db, {
        period: period.id,
        provider: { name: 'Bench Inc.' },
        nsOption: 'a3',
        publicationDate: '2020-08-31',
        now: new Date('2021-01-01T00:00:00Z'),
      }),
    );
    const parts = {
      'request grain': (await time(() => requestGrain(db, span, new Date()))).ms,
      'account grain': (await time(() => accountGrain(db, span))).ms,
      dsa: (await time(() => dsaGrain(db, span))).ms,
      'national security': (await time(() => nationalSecurityCounts(db, { nsl: span, fisa: span }))).ms,
    };
    const render = await time(() => renderFiles(report.value), 3);
    const ratio = report.ms / scan.ms;
    console.log(`round ${round}`);
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
  }
  console.log(
    `machine: ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
} finally {
  await close();
}
