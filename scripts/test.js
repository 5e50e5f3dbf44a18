#!/usr/bin/env node
// `npm test`: the whole suite on the embedded database (PGlite); then, when CANDOR_TEST_POSTGRES_URL is set
// (CI sets it), the database suites again on PostgreSQL. Fails if either run fails.
import { spawnSync } from 'node:child_process';

const extra = process.argv.slice(2);
function run(engine, args) {
  console.log(`\n== tests on ${engine} ==`);
  const r = spawnSync('npx', ['vitest', 'run', ...args, ...extra], {
    stdio: 'inherit',
    env: { ...process.env, CANDOR_TEST_ENGINE: engine },
  });
  return r.status ?? 1;
}

let failed = run('pglite', []);
if (process.env.CANDOR_TEST_POSTGRES_URL) {
  failed = run('postgres', ['test/db']) || failed;
} else {
  console.log(
    '\n(PostgreSQL suite skipped: set CANDOR_TEST_POSTGRES_URL=postgres://user@host:5432/db to run it)',
  );
}
process.exit(failed);
