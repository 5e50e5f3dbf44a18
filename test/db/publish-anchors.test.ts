import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requestInput } from '../../src/domain/request-input.ts';
import { collectAnchors } from '../../src/publish/anchors.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { tmpDir } from '../publish/git-env.ts';

let t: TestDb;
let s: Services;
const admin = actor('admin');

beforeEach(async () => {
  t = await testDatabase();
  s = servicesFor(t);
  for (let i = 0; i < 3; i++) await s.requests.create(admin, requestInput.parse(requestFactory()));
});
afterEach(async () => t?.close());

/** A published repository whose reports anchor these heads (v1 and the latest copy of each period). */
function repoWith(heads: Record<string, string>): string {
  const dir = tmpDir('anchors');
  for (const [period, head] of Object.entries(heads)) {
    for (const sub of ['', 'v1']) {
      mkdirSync(path.join(dir, 'reports', period, sub), { recursive: true });
      writeFileSync(
        path.join(dir, 'reports', period, sub, 'report.json'),
        JSON.stringify({ audit_head: head }),
      );
    }
  }
  return dir;
}

describe('audit verify --against a published repository', () => {
  it('collects every anchored head from reports/*/report.json and reports/*/v*/report.json', () => {
    const dir = repoWith({ '2015-H1': 'a'.repeat(64), '2015-H2': 'b'.repeat(64) });
    expect(collectAnchors(dir)).toEqual([
      { file: 'reports/2015-H1/report.json', audit_head: 'a'.repeat(64) },
      { file: 'reports/2015-H1/v1/report.json', audit_head: 'a'.repeat(64) },
      { file: 'reports/2015-H2/report.json', audit_head: 'b'.repeat(64) },
      { file: 'reports/2015-H2/v1/report.json', audit_head: 'b'.repeat(64) },
    ]);
  });

  it('passes when every anchored head is in an intact log', async () => {
    const head = (await s.audit.head(admin))!.hash;
    const first = (
      await t.db.selectFrom('audit_events').select('hash').where('seq', '=', 1).executeTakeFirstOrThrow()
    ).hash;
    const dir = repoWith({ '2015-H1': first, '2015-H2': head });
    await s.requests.create(admin, requestInput.parse(requestFactory())); // the log goes on after publication
    const r = await s.audit.verifyAgainst(
      admin,
      collectAnchors(dir).map((a) => a.audit_head),
    );
    expect(r).toMatchObject({ ok: true, anchors: 2, missing: [] });
  });

  it('detects a log rewritten after publication: the anchored head is gone', async () => {
    const head = (await s.audit.head(admin))!.hash;
    const dir = repoWith({ '2015-H1': head });
    // An attacker with database access rewrites the last event and re-chains it.
    await t.db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`delete from audit_events where hash = ${head}`.execute(trx);
    });
    const r = await s.audit.verifyAgainst(
      admin,
      collectAnchors(dir).map((a) => a.audit_head),
    );
    expect(r.ok).toBe(true); // the shortened chain still verifies on its own...
    expect(r.missing).toEqual([head]); // ...but the public anchor proves the rewrite
  });

  it('reports a broken chain together with the anchors', async () => {
    const head = (await s.audit.head(admin))!.hash;
    await t.db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`update audit_events set actor = 'forged' where seq = 1`.execute(trx);
    });
    const r = await s.audit.verifyAgainst(admin, [head]);
    expect(r).toMatchObject({ ok: false, firstBrokenSeq: 1, missing: [] });
  });
});
