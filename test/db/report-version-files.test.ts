import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestInput } from '../../src/domain/request-input.ts';
import { fileHashes, renderFiles, sha256 } from '../../src/reports/files.ts';
import { insertVersion } from '../../src/repositories/report-versions-repository.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testClock, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { isolateGit, tmpDir } from '../publish/git-env.ts';

/**
 * A frozen version keeps the bytes of its files: what it is served and published as does not depend on the
 * renderers of the day (a later PDF layout or a new section would otherwise break every older version).
 */
let t: TestDb;
let s: Services;
let other: TestDb;
const clock = testClock('2015-08-31T12:00:00Z');
const admin = actor('admin');

beforeAll(async () => {
  isolateGit();
  t = await testDatabase();
  other = await testDatabase();
  s = servicesFor(t, clock);
  await s.requests.create(admin, requestInput.parse(requestFactory({ received_at: '2015-02-01T10:00:00Z' })));
}, 120_000);
afterAll(async () => {
  await t?.close();
  await other?.close();
});

describe('the files a version was frozen with', () => {
  it('are kept at freeze, each hashing to its frozen hash, and cannot be changed', async () => {
    const v = await s.reports.freeze(admin, '2015-H1');
    const rows = await sql<{ name: string; bytes: Buffer }>`
      select f.name, f.bytes from report_version_files f join report_versions v on v.id = f.version_id
      where v.period = '2015-H1' and v.number = 1 order by f.name`.execute(t.db);
    expect(rows.rows.map((r) => r.name)).toEqual(Object.keys(v.file_hashes).sort());
    for (const r of rows.rows) expect(sha256(Buffer.from(r.bytes)), r.name).toBe(v.file_hashes[r.name]);
    await expect(sql`update report_version_files set bytes = '\\x00'`.execute(t.db)).rejects.toThrow(
      /immutable/,
    );
    await expect(sql`delete from report_version_files`.execute(t.db)).rejects.toThrow(/immutable/);
  });

  it('are what a version made by an older renderer is served and published as', async () => {
    // A version as an older Candor froze it: the same data, but its text file as that renderer wrote it.
    const [v] = await s.reports.frozenVersions(admin, '2015-H1');
    const files = await renderFiles(v!.data);
    const older = Buffer.from('TRANSPARENCY REPORT (as an older renderer wrote it)\n');
    files.set('report.txt', older);
    await insertVersion(
      other.db,
      {
        period: v!.period,
        number: 1,
        frozen_at: new Date(v!.frozen_at),
        audit_head: v!.audit_head,
        data: v!.data,
        file_hashes: fileHashes(files),
        change: null,
      },
      files,
    );
    const s2 = servicesFor(other, clock);
    const served = await s2.reports.render(admin, '2015-H1', 'text', { version: 1 });
    expect(served.get('report.txt')?.equals(older)).toBe(true);

    const repo = path.join(tmpDir('version-files'), 'transparency');
    const steps = await s2.publish.publishAll(admin, { repo });
    expect(steps.map((x) => x.status)).toEqual(['published']);
    expect(readFileSync(path.join(repo, 'reports/2015-H1/report.txt')).equals(older)).toBe(true);
    expect(readFileSync(path.join(repo, 'reports/2015-H1/v1/report.txt')).equals(older)).toBe(true);
    // Every other file as frozen too.
    expect(sha256(readFileSync(path.join(repo, 'reports/2015-H1/report.pdf')))).toBe(
      fileHashes(files)['report.pdf'],
    );
  });
});
