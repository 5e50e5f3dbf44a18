import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from '../src/db/pg.ts';
import type { TestProject } from 'vitest/node';
import { connectEngine } from '../src/db/connect.ts';
import { startEngine } from '../src/db/embedded.ts';
import { migrateToLatest } from '../src/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    engine: 'pglite' | 'postgres';
    pgliteSnapshot: string;
    pgTemplate: string;
    pgUrl: string;
  }
}

/**
 * Migrates once per run and hands every test file a template to start from: a dump of a migrated PGlite
 * (loading it is much faster than initdb), or a migrated PostgreSQL template database.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const engine = process.env.CANDOR_TEST_ENGINE === 'postgres' ? 'postgres' : 'pglite';
  project.provide('engine', engine);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'candor-test-'));
  const eng = await startEngine({});
  const snapshot = path.join(tmp, 'migrated.tar');
  try {
    await connectEngine(eng, { role: 'test', migrate: true }).then(async (conn) => {
      writeFileSync(snapshot, await eng.dump());
      await conn.close();
    });
  } finally {
    await eng.stop(); // idempotent; on a failed migration it is what lets the test run end
  }
  project.provide('pgliteSnapshot', snapshot);

  let dropAll = async () => {};
  if (engine === 'postgres') {
    const url = process.env.CANDOR_TEST_POSTGRES_URL;
    if (!url) throw new Error('CANDOR_TEST_ENGINE=postgres needs CANDOR_TEST_POSTGRES_URL');
    const prefix = `candor_test_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const template = `${prefix}_tpl`;
    await admin.query(`create database ${template}`);
    const tplUrl = new URL(url);
    tplUrl.pathname = `/${template}`;
    const db = new Kysely({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: tplUrl.href }) }),
    });
    await migrateToLatest(db);
    await db.destroy();
    project.provide('pgTemplate', template);
    project.provide('pgUrl', url);
    dropAll = async () => {
      const { rows } = await admin.query<{ datname: string }>(
        `select datname from pg_database where datname like $1`,
        [`${prefix}%`],
      );
      for (const r of rows) await admin.query(`drop database if exists ${r.datname} with (force)`);
      await admin.end();
    };
  } else {
    project.provide('pgTemplate', '');
    project.provide('pgUrl', '');
  }
  return async () => {
    await dropAll();
    rmSync(tmp, { recursive: true, force: true });
  };
}
