/**
 * Memory of the embedded server:
 *   node --expose-gc --import tsx bench/memory.ts --rows 30000 [--keep DIR] [--period 2020-H1]
 * Opens (or fills, with bench/fill.ts) an embedded data directory holding --rows requests, starts the app the
 * way `candor serve` does, and prints the process's resident memory with a breakdown at each step: after the
 * engine starts, after the app is built, and after the pages people use (request list, due view, the
 * half-year's report preview, the dashboard's counts) have each been asked 3 times. Breakdown: Node's heap
 * (main thread), buffers outside it, PGlite's WebAssembly memory and the engine thread's heap (from the
 * engine), and what is left (code, libraries, allocator). --keep reuses a filled data directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { testConfig } from '../test/helpers/db.ts';
import { openEmbedded } from '../src/db/connect.ts';
import { buildApp } from '../src/http/app.ts';
import { createServices } from '../src/services/index.ts';
import { fill } from './fill.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '30000' },
    keep: { type: 'string' },
    period: { type: 'string', default: '2020-H1' },
  },
});
const rows = Number(values.rows);
const dataDir = values.keep ?? mkdtempSync(path.join(os.tmpdir(), 'candor-mem-'));
const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;
const gc = (globalThis as { gc?: () => void }).gc;

const conn = await openEmbedded(dataDir, { role: 'server', migrate: true, say: () => {} });
const engine = conn.engine!;
const [{ have }] = (await sql<{ have: number }>`select count(*)::int as have from requests`.execute(conn.db))
  .rows as [{ have: number }];
if (have === 0) {
  process.stderr.write(`filling ${rows} requests...\n`);
  await fill(conn.db, rows);
} else if (have !== rows) {
  throw new Error(`${dataDir} holds ${have} requests, not ${rows}`);
}
const settings = (
  await sql<{
    name: string;
    value: string;
  }>`select name, current_setting(name) as value from pg_settings where name in ('shared_buffers', 'work_mem', 'maintenance_work_mem', 'temp_buffers', 'wal_buffers') order by name`.execute(
    conn.db,
  )
).rows;

const table: string[] = [];
async function sample(step: string) {
  gc?.();
  const m = process.memoryUsage();
  const e = await engine.memory();
  const other = m.rss - m.heapTotal - m.external - e.wasmBytes - e.heapTotalBytes;
  table.push(
    `| ${step} | ${mb(m.rss)} | ${mb(m.heapUsed)} / ${mb(m.heapTotal)} | ${mb(m.external)} | ${mb(e.wasmBytes)} | ${mb(e.heapUsedBytes)} / ${mb(e.heapTotalBytes)} | ${mb(other)} |`,
  );
}

await sample('engine started, schema migrated');
const config = { ...testConfig, dataDir };
const services = createServices({ db: conn.db, config, clock: () => new Date() });
const app = await buildApp({ config, services });
await app.ready();
await sample('app built');
const { token } = await services.users.add(
  { label: 'bench', userId: null, role: 'admin' },
  `bench-${Date.now()}@example.com`,
  'admin',
);
const auth = { authorization: `Bearer ${token}` };
for (const url of [
  '/api/v1/requests?limit=100',
  '/api/v1/due',
  `/api/v1/reports/${values.period}`,
  '/api/v1/requests?limit=100&sort=received_at&dir=asc',
]) {
  for (let i = 0; i < 3; i++) {
    const res = await app.inject({ method: 'GET', url, headers: auth });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  }
  await sample(`after GET ${url.replace(/\?.*/, '')} x3`);
}

console.log(`Embedded server memory, ${rows.toLocaleString('en-US')} requests (${dataDir})`);
console.log(
  `PGlite settings: ${settings.map((s) => `${s.name}=${s.value}`).join(', ')}${gc ? '' : ' (run with --expose-gc for steadier numbers)'}`,
);
console.log(
  '| Step | RSS | Node heap used / total | Buffers outside the heap | PGlite WebAssembly memory | Engine thread heap used / total | Rest (code, libraries, allocator) |',
);
console.log('|---|---|---|---|---|---|---|');
for (const line of table) console.log(line);
await app.close();
await conn.close();
if (!values.keep) rmSync(dataDir, { recursive: true, force: true });
