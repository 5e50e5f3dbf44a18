/**
 * API latency during a large import on the embedded engine (issue 13.7):
 *
 *   npm run bench:generate -- --rows 200000 --out bench/out/requests-200k.csv
 *   node --import tsx bench/import-latency.ts --file bench/out/requests-200k.csv [--clients 4] [--interval 100]
 *     [--candor bin/candor.js]
 *
 * Starts `candor serve` (the embedded engine, a fresh data directory, background jobs off) in its own process,
 * adds an admin and its API token with `candor user add`, then runs `candor import FILE` in a third process (it
 * goes through the server's socket, as on an installation) while --clients loops here each call
 * `GET /api/v1/requests?limit=50` every --interval ms (100). Prints the latency of the API calls due while the
 * import ran (p50, p99, max, and how many took over 1 s; calls delayed by a slow one are counted with the wait
 * they would have had), the same with no import (idle, 5 s), and the import's rows/s. --candor runs another
 * checkout's CLI (its `bin/candor.js`), to measure before and after.
 * Every request goes to 127.0.0.1; the loops stop when the import ends or after --limit seconds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    file: { type: 'string', default: 'bench/out/requests-200k.csv' },
    clients: { type: 'string', default: '4' },
    candor: { type: 'string', default: 'bin/candor.js' },
    limit: { type: 'string', default: '900' },
    interval: { type: 'string', default: '100' },
  },
});
const file = path.resolve(values.file!);
const candor = path.resolve(values.candor!);
const clients = Number(values.clients);
const limitMs = Number(values.limit) * 1000;
const interval = Number(values.interval);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'candor-latency-'));
const env = { ...process.env, CANDOR_DATA_DIR: dataDir, CANDOR_JOBS_INTERVAL: '0' };

/** Runs a candor command to its end; returns its standard output. */
async function run(args: string[]): Promise<string> {
  const child = spawn(process.execPath, [candor, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let outText = '';
  child.stdout.on('data', (b: Buffer) => (outText += b.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`candor ${args.join(' ')} exited ${code}: ${outText}`);
  return outText;
}

/** Starts `candor serve` on a free port of 127.0.0.1 and waits for the line that names its address. */
async function serve(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [candor, 'serve', '--host', '127.0.0.1', '--port', '0'], {
    env,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let text = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      text += b.toString();
      const m = /Candor is serving (http:\/\/\S+)/.exec(text);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`candor serve exited ${code}: ${text}`)));
  });
  return { child, url };
}

const pct = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;
function describe(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const f = (x: number) => `${x.toFixed(0)} ms`;
  return (
    `${s.length} calls due, p50 ${f(pct(s, 50))}, p99 ${f(pct(s, 99))}, max ${f(s[s.length - 1] ?? NaN)}, ` +
    `${s.filter((x) => x > 1000).length} over 1 s`
  );
}

/**
 * Calls the API from `clients` loops, each due to call every `interval` ms, until `done()` is true. A call that
 * takes longer than the interval delays the calls due meanwhile: they are counted too, each with the wait it
 * would have had (the correction for coordinated omission that HdrHistogram makes), so a server that stops
 * answering for a minute shows a minute of slow calls, not one. Returns the latencies in ms.
 */
async function hammer(url: string, token: string, done: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  const loop = async () => {
    let due = performance.now();
    while (!done()) {
      const t0 = performance.now();
      const res = await fetch(`${url}/api/v1/requests?limit=50`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`GET /api/v1/requests: ${res.status}`);
      const took = performance.now() - t0;
      latencies.push(took);
      for (let missed = took - interval; missed > 0; missed -= interval) latencies.push(missed);
      due = Math.max(due + interval, performance.now());
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  };
  await Promise.all(Array.from({ length: clients }, loop));
  return latencies;
}

async function main() {
  const server = await serve();
  try {
    const added = await run(['user', 'add', 'bench@example.com', '--role', 'admin']);
    const token = /API token \(shown once, store it now\): (\S+)/.exec(added)?.[1];
    if (!token) throw new Error(`no token in: ${added}`);
    const idleUntil = performance.now() + 5000;
    const idle = await hammer(server.url, token, () => performance.now() > idleUntil);
    console.log(`idle (no import, ${clients} clients): ${describe(idle)}`);

    let importing = true;
    const t0 = performance.now();
    const imported = run(['import', file]).finally(() => (importing = false));
    const during = await hammer(server.url, token, () => !importing || performance.now() - t0 > limitMs);
    const line = await imported;
    const secs = (performance.now() - t0) / 1000;
    const rows = Number(/: (\d+) rows/.exec(line)?.[1]);
    console.log(line.trim());
    console.log(
      `import: ${rows} rows in ${secs.toFixed(1)} s (${Math.round(rows / secs)} rows/s, wall clock)`,
    );
    console.log(`during the import (${clients} clients): ${describe(during)}`);
  } finally {
    server.child.kill('SIGTERM');
    await once(server.child, 'exit');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
