// A publisher that a crash test kills (test/db/publish-crash.test.ts): it publishes 2015-H1 v2 into REPO
// with the real publish service (arguments: REPO DATABASE_URL STOP SIGNALS V1-HASHES.json) and, at the checkpoint STOP, writes SIGNALS/at-STOP and waits to be killed.
// (The stop inside `git commit` is a pre-commit hook the test installs.)
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from '../../src/db/pg.ts';
import type { Database } from '../../src/db/schema.ts';
import { createPublishService } from '../../src/services/publish.ts';
import { h1v1, h1v2 } from '../publish/versions.ts';
import { loadConfig } from '../../src/config.ts';

const [repo, dbUrl, stop, signals, hashes] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
// v1's files are read back from the repository (their hashes match), so only v2 is rendered.
const v1 = { ...h1v1(), file_hashes: JSON.parse(readFileSync(hashes, 'utf8')) as Record<string, string> };
const db = new Kysely<Database>({
  dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: dbUrl, max: 1 }) }),
});
const service = createPublishService({
  db,
  config: loadConfig({ CANDOR_DATA_DIR: '/nonexistent-candor-test' }),
  clock: () => new Date('2015-10-02T10:00:00Z'),
  frozenVersions: () => Promise.resolve([v1, h1v2()]),
  checkpoint: async (at) => {
    if (at !== stop) return;
    writeFileSync(path.join(signals, `at-${at}`), String(process.pid));
    await new Promise(() => {}); // until killed
  },
});
await service.publish(
  { label: 'child:publisher', userId: null, role: 'publisher' },
  { period: '2015-H1', repo },
);
writeFileSync(path.join(signals, 'finished'), '');
await db.destroy();
