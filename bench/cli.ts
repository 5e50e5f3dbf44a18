/**
 * CLI start-up against its floor, measured in the same run (issue 18.1): `node -e 0`, `candor --help`, and
 * `candor request show ID` on the embedded database while a server holds it (the CLI goes through the
 * server's socket), each run alternately so machine load falls on all of them alike. Also `candor serve` to
 * its first HTTP answer. Uses the compiled dist/ when it is fresh (`npm run build`), as an installed Candor does.
 *
 *   npm run build && npx tsx bench/cli.ts [--runs 15] [--before /path/to/other/checkout/bin/candor.js]
 *
 * `--before` times another build's `--help` and `request show` in the same run, against the same server (for
 * a before/after table measured under the same load).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '15' }, before: { type: 'string' } },
});
const RUNS = Number(values.runs);
const bin = path.resolve('bin/candor.js');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'candor-bench-cli-'));
const env = { ...process.env, CANDOR_DATA_DIR: dataDir, CANDOR_LOG_LEVEL: 'silent' };

function timed(args: string[]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return ms;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

async function waitForHttp(url: string, since: number): Promise<number> {
  for (;;) {
    try {
      await fetch(url);
      return performance.now() - since;
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

const port = 39000 + Math.floor(Math.random() * 1000);
const startedAt = performance.now();
const server = spawn(process.execPath, [bin, 'serve', '--port', String(port)], { env, stdio: 'ignore' });
try {
  const firstAnswerMs = await waitForHttp(`http://127.0.0.1:${port}/`, startedAt);
  const add = spawnSync(
    process.execPath,
    [
      bin,
      'request',
      'add',
      ...['--agency-name', 'Bench PD', '--agency-kind', 'law_enforcement', '--agency-level', 'local'],
      ...['--country', 'US', '--process-type', 'subpoena', '--received-at', '2026-01-05'],
      ...['--external-ref', 'BENCH-1'],
    ],
    { env, encoding: 'utf8' },
  );
  const id = /recorded request (\d+)/.exec(add.stdout)?.[1];
  if (!id) throw new Error(`could not record a request: ${add.stdout}${add.stderr}`);

  const cases: Array<[string, string[]]> = [
    ['node -e 0', ['-e', '0']],
    ['candor --help', [bin, '--help']],
    [`candor request show ${id}`, [bin, 'request', 'show', id]],
  ];
  if (values.before) {
    const before = path.resolve(values.before);
    cases.push(
      ['candor --help (before)', [before, '--help']],
      [`candor request show ${id} (before)`, [before, 'request', 'show', id]],
    );
  }
  const times = new Map<string, number[]>(cases.map(([name]) => [name, []]));
  for (let i = 0; i < RUNS; i++) for (const [name, args] of cases) times.get(name)!.push(timed(args));

  const floor = median(times.get('node -e 0')!);
  console.log(`runs: ${RUNS} each, alternating; load average ${(os.loadavg()[0] ?? 0).toFixed(1)}`);
  for (const [name] of cases) {
    const m = median(times.get(name)!);
    console.log(
      `${name.padEnd(38)} median ${m.toFixed(0).padStart(5)} ms  ${(m / floor).toFixed(2)}x node -e 0`,
    );
  }
  console.log(
    `candor serve to first HTTP answer: ${firstAnswerMs.toFixed(0)} ms (embedded, fresh data directory)`,
  );
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
