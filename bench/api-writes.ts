/**
 * API write benchmark (issue 18.4): `POST /api/v1/requests` on PostgreSQL at 50 connections, with the CPU split.
 *
 *   node --import tsx bench/api-writes.ts [--pg postgres://postgres@127.0.0.1:5432/test] [--seconds 20]
 *     [--connections 50] [--warmup 3]
 *
 * Starts the real HTTP app on a fresh database on a random local port, issues an API token, then runs the load
 * generator (autocannon) in a child process on the same machine, so the CPU each side spends can be told apart:
 * the server (this Node process), the load generator (the child), PostgreSQL (every `postgres` process, read from
 * /proc: other users of the same server count too) and the whole machine (/proc/stat). Prints requests/s, latency
 * percentiles, the CPU split and whether the audit chain still verifies after the run.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
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
    warmup: { type: 'string', default: '3' },
    // internal: run as the load generator child
    load: { type: 'string' },
    token: { type: 'string' },
    tag: { type: 'string', default: 'run' },
  },
});

interface LoadResult {
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  ok: number;
  non2xx: number;
  errors: number;
  cpuMs: number;
}

if (values.load) {
  // The load generator: a child process, so its CPU is measured apart from the server's.
  const { default: autocannon } = await import('autocannon');
  let n = 0;
  const tag = `${values.tag}-${process.pid}`;
  const body = () => {
    n++;
    const account = `AC${n.toString(16).padStart(32, '0')}`;
    return JSON.stringify({
      external_ref: `BENCH-${tag}-${n}`,
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
      accounts: [account],
      identifiers: [{ value: `+1555${String(n % 1e7).padStart(7, '0')}`, account }],
    });
  };
  process.send!({ ready: true });
  const cpu0 = process.cpuUsage();
  const r = await autocannon({
    url: values.load,
    connections: Number(values.connections),
    duration: Number(values.seconds),
    requests: [
      {
        method: 'POST',
        headers: { authorization: `Bearer ${values.token}`, 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: body() }),
      },
    ],
  });
  const cpu = process.cpuUsage(cpu0);
  const result: LoadResult = {
    rps: r.requests.average,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
  process.send!(result);
  process.exit(0);
}

/** CPU time (ms) of every process whose command is `postgres`, from /proc. */
function postgresCpuMs(): number {
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      if (comm !== 'postgres') continue;
      const fields = stat.slice(close + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) * tick; // utime, stime
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

/** Busy and total CPU time (ms) of the whole machine, from /proc/stat. */
function machineCpuMs(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const t = line.trim().split(/\s+/).slice(1).map(Number);
  const total = t.reduce((a, b) => a + b, 0) * 10;
  const idle = (t[3]! + t[4]!) * 10;
  return { busy: total - idle, total };
}

function runLoad(
  url: string,
  token: string,
  seconds: number,
  tag: string,
  onStart: () => void = () => {},
): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(
      new URL(import.meta.url).pathname,
      [
        '--load',
        url,
        '--token',
        token,
        '--seconds',
        String(seconds),
        '--connections',
        values.connections!,
        '--tag',
        tag,
      ],
      { execArgv: ['--import', 'tsx'] },
    );
    child.on('message', (m) => {
      if ((m as { ready?: boolean }).ready) onStart();
      else resolve(m as LoadResult);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
    });
  });
}

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
  const target = `http://127.0.0.1:${port}/api/v1/requests`;
  if (Number(values.warmup) > 0) await runLoad(target, token, Number(values.warmup), 'warmup');

  // Sampled when the load generator starts sending (its own start-up is not part of the run).
  let server0 = process.cpuUsage();
  let pg0 = postgresCpuMs();
  let m0 = machineCpuMs();
  let wall0 = performance.now();
  const r = await runLoad(target, token, Number(values.seconds), 'run', () => {
    server0 = process.cpuUsage();
    pg0 = postgresCpuMs();
    m0 = machineCpuMs();
    wall0 = performance.now();
  });
  const wall = performance.now() - wall0;
  const s = process.cpuUsage(server0);
  const serverMs = (s.user + s.system) / 1000;
  const pgMs = postgresCpuMs() - pg0;
  const m1 = machineCpuMs();
  const machineBusy = m1.busy - m0.busy;
  const cores = availableParallelism();
  const share = (ms: number) => `${((ms / wall) * 100).toFixed(0)}% of a core`;
  const other = Math.max(0, machineBusy - serverMs - pgMs - r.cpuMs);

  console.log(
    `POST /api/v1/requests, ${values.connections} connections, ${values.seconds} s: ` +
      `${r.rps.toFixed(0)} req/s; latency p50 ${r.p50} ms, p90 ${r.p90} ms, p99 ${r.p99} ms, max ${r.max} ms ` +
      `(2xx ${r.ok}, non-2xx ${r.non2xx}, errors ${r.errors})`,
  );
  console.log(
    `CPU over ${(wall / 1000).toFixed(1)} s on ${cores} cores: server ${share(serverMs)}, ` +
      `load generator ${share(r.cpuMs)}, PostgreSQL ${share(pgMs)}, everything else on the machine ${share(other)}; ` +
      `machine ${((machineBusy / (m1.total - m0.total)) * 100).toFixed(0)}% busy`,
  );
  console.log(
    `per request: server ${((serverMs / r.ok) * 1000).toFixed(0)} µs, load generator ` +
      `${((r.cpuMs / r.ok) * 1000).toFixed(0)} µs, PostgreSQL ${((pgMs / r.ok) * 1000).toFixed(0)} µs`,
  );
  const v = await services.audit.verify({ label: 'bench', userId: null, role: 'admin' });
  console.log(`audit chain after the run: ${v.ok ? `verifies (${v.count} events)` : JSON.stringify(v)}`);
  await app.close();
} finally {
  await db.destroy();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}
