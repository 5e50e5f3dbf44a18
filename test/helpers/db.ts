import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from '../../src/db/pg.ts';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';
import { connectEngine, type Db } from '../../src/db/connect.ts';
import type { Database } from '../../src/db/schema.ts';
import { startEngine } from '../../src/db/embedded.ts';
import type { Actor } from '../../src/services/authorize.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import type { Role } from '../../src/domain/vocabulary.ts';

export interface TestDb {
  db: Db;
  engine: 'pglite' | 'postgres';
  /** Connection parameters for opening more clients on the same database. */
  pgConfig: pg.PoolConfig;
  close(): Promise<void>;
}

/** A fresh, migrated database for one test file: PGlite from the snapshot, or a PostgreSQL copy of the template. */
export async function testDatabase(): Promise<TestDb> {
  const engine = inject('engine');
  if (engine === 'postgres') {
    const name = `${inject('pgTemplate').replace(/_tpl$/, '')}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: inject('pgUrl') });
    await admin.connect();
    await admin.query(`create database ${name} template ${inject('pgTemplate')}`);
    await admin.end();
    const url = new URL(inject('pgUrl'));
    url.pathname = `/${name}`;
    const pgConfig = { connectionString: url.href };
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ ...pgConfig, max: 10 }) }),
    });
    return {
      db,
      engine,
      pgConfig,
      // The database itself is dropped by the global teardown, once every test process has ended: dropping
      // it here (with force) would cut the connections of any pool a test opened on it in passing.
      close: () => db.destroy(),
    };
  }
  const snapshot = new Uint8Array(readFileSync(inject('pgliteSnapshot')));
  const eng = await startEngine({ snapshot });
  const conn = await connectEngine(eng, { role: 'test', migrate: false });
  return {
    db: conn.db,
    engine,
    pgConfig: { host: eng.socketDir, user: 'postgres', database: 'postgres' },
    close: () => conn.close(),
  };
}

// Publishing from the web app goes to the configured repository: a directory of this test process, made only
// if something publishes (a test that publishes through the app gives its own: `{ ...testConfig, publishRepo }`).
// Secrets at rest (TOTP secrets, document keys) are sealed with a fixed test key instead of a key file;
// document blobs go to a directory of this test process.
export const testConfig: Config = Object.freeze({
  ...loadConfig({
    CANDOR_DATA_DIR: '/nonexistent-candor-test',
    CANDOR_SECRET_KEY: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
    CANDOR_PUBLISH_REPO: path.join(tmpdir(), `candor-test-publish-${process.pid}`),
  }),
  storage: { kind: 'folder' as const, root: path.join(tmpdir(), `candor-test-documents-${process.pid}`) },
});

/** A settable clock for time-based rules. */
export function testClock(start = '2026-01-15T12:00:00Z') {
  let now = new Date(start);
  const clock = () => new Date(now);
  clock.set = (iso: string) => {
    now = new Date(iso);
  };
  clock.advanceDays = (days: number) => {
    now = new Date(now.getTime() + days * 86_400_000);
  };
  return clock;
}

export function actor(role: Role, userId: number | null = null): Actor {
  return { label: `test:${role}`, userId, role };
}

export function servicesFor(t: TestDb, clock = testClock()): Services {
  return createServices({ db: t.db, config: testConfig, clock });
}
