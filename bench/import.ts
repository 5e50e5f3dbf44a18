/**
 * Import benchmark: `candor import` of a generated CSV into PGlite and into PostgreSQL, beside the same engine's
 * COPY of the same file into a plain staging table (the ceiling: no validation, no agencies, no targets).
 *
 *   node --import tsx bench/generate-import.ts --rows 1000000 --out bench/out/requests.csv
 *   node --import tsx bench/import.ts --file bench/out/requests.csv --engine pglite|postgres \
 *        [--pg postgres://postgres@127.0.0.1:5432/test]
 *
 * Prints rows/s and the peak RSS of this process (the embedded engine runs in a worker thread of it).
 * Run each engine in its own process so peak RSS is per engine.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from '../src/db/pg.ts';
import { loadConfig } from '../src/config.ts';
import { openEmbedded, type Db } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import type { Database } from '../src/db/schema.ts';
import { IMPORT_COLUMNS } from '../src/domain/import-row.ts';
import { createServices } from '../src/services/index.ts';

const { values } = parseArgs({
  options: {
    file: { type: 'string', default: 'bench/out/requests.csv' },
    engine: { type: 'string', default: 'pglite' },
    pg: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
const file = path.resolve(values.file!);
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
const peakRss = () => process.resourceUsage().maxRSS * 1024;
const staging = `create table staging (${IMPORT_COLUMNS.map((c) => `${c} text`).join(', ')})`;

/** CPU seconds the server processes of this database have used (PostgreSQL on this machine; from /proc). */
async function serverCpu(db: Db): Promise<number> {
  const pids = await sql<{ pid: number }>`
    select pid from pg_stat_activity where datname = current_database()`.execute(db);
  let ticks = 0;
  for (const { pid } of pids.rows) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(f[11]) + Number(f[12]); // utime, stime
    } catch {
      // ended meanwhile
    }
  }
  return ticks / 100;
}

async function candorImport(db: Db, server = false): Promise<{ rows: number; secs: number; cpu: string }> {
  const services = createServices({ db, config: loadConfig({}), clock: () => new Date() });
  const pg0 = server ? await serverCpu(db) : 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await services.imports.importFile({ label: 'bench', userId: null, role: 'admin' }, file);
  const secs = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(cpu0);
  const us = (s: number) => `${((s * 1e6) / r.rows).toFixed(0)} us`;
  // CPU per row does not depend on what else the machine runs; rows/s does.
  const cpu = `CPU per row: this process ${us((c.user + c.system) / 1e6)}${server ? `, PostgreSQL ${us((await serverCpu(db)) - pg0)}` : ''}`;
  return { rows: r.rows, secs, cpu };
}

async function main() {
  const size = statSync(file).size;
  console.log(`file ${file}: ${mb(size)}`);
  if (values.engine === 'pglite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'candor-bench-'));
    try {
      const conn = await openEmbedded(dir, { role: 'cli', migrate: true });
      const r = await candorImport(conn.db);
      await conn.close();
      console.log(
        `pglite  candor import: ${r.rows} rows in ${r.secs.toFixed(1)} s = ${(r.rows / r.secs).toFixed(0)} rows/s; peak RSS ${mb(peakRss())}; ${r.cpu} (engine included)`,
      );
      // The ceiling: PGlite's own COPY of the same bytes (in process, from a blob).
      const lite = await PGlite.create({ dataDir: path.join(dir, 'copy') });
      await lite.exec(staging);
      const blob = new Blob([readFileSync(file)]);
      const t0 = performance.now();
      await lite.query(`copy staging from '/dev/blob' with (format csv, header true)`, [], { blob });
      const secs = (performance.now() - t0) / 1000;
      console.log(
        `pglite  COPY ceiling: ${r.rows} rows in ${secs.toFixed(1)} s = ${(r.rows / secs).toFixed(0)} rows/s`,
      );
      await lite.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
  const name = `candor_bench_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: values.pg });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(values.pg!);
  url.pathname = `/${name}`;
  try {
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.href }) }),
    });
    await migrateToLatest(db);
    const r = await candorImport(db, true);
    console.log(
      `postgres candor import: ${r.rows} rows in ${r.secs.toFixed(1)} s = ${(r.rows / r.secs).toFixed(0)} rows/s; peak RSS ${mb(peakRss())}; ${r.cpu}`,
    );
    await sql.raw(staging).execute(db);
    await db.destroy();
    const t0 = performance.now();
    execFileSync('psql', [
      url.href,
      '-q',
      '-c',
      `\\copy staging from '${file}' with (format csv, header true)`,
    ]);
    const secs = (performance.now() - t0) / 1000;
    console.log(
      `postgres COPY ceiling: ${r.rows} rows in ${secs.toFixed(1)} s = ${(r.rows / secs).toFixed(0)} rows/s`,
    );
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

await main();
