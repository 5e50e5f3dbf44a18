import { Kysely, PostgresDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from '../../src/db/pg.ts';
import type { Database } from '../../src/db/schema.ts';
import { requestInput } from '../../src/domain/request-input.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { actor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';

// A report's tables come from several queries; they must all read one snapshot, or a request recorded while
// the report is computed could be counted in one table and not another. The statements are watched on a
// second connection pool that logs what it sends.

let t: TestDb;
let logged: Kysely<Database>;
let s: Services;
const sent: string[] = [];
const clock = testClock('2026-08-01T10:00:00Z');

beforeAll(async () => {
  t = await testDatabase();
  logged = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ ...t.pgConfig, max: 4 }) }),
    log: (e) => {
      sent.push(e.query.sql.replace(/\s+/g, ' ').trim());
    },
  });
  s = createServices({ db: logged, config: testConfig, clock });
  for (let i = 0; i < 3; i++) {
    await s.requests.create(
      actor('admin'),
      requestInput.parse(requestFactory({ received_at: '2026-02-0' + (i + 1) + 'T00:00:00Z' })),
    );
  }
});
afterAll(async () => {
  await logged?.destroy();
  await t?.close();
});

/** The statements sent while `run` ran, from the first `start transaction` on. */
async function statementsOf(run: () => Promise<unknown>): Promise<string[]> {
  sent.length = 0;
  await run();
  return [...sent];
}

describe('a report reads one snapshot', () => {
  it('computes the draft inside one read-only repeatable-read transaction', async () => {
    const q = await statementsOf(() => s.reports.build(actor('viewer'), '2026-H1'));
    const begin = q.findIndex((x) => /^start transaction isolation level repeatable read read only/i.test(x));
    const end = q.lastIndexOf('commit');
    expect(begin).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(begin);
    const reads = q.filter((x) => /\brequests\b/.test(x));
    expect(reads.length).toBeGreaterThan(1);
    // Every query of the report runs between the two.
    expect(q.slice(begin + 1, end)).toEqual(expect.arrayContaining(reads));
    expect(
      q
        .slice(0, begin)
        .concat(q.slice(end + 1))
        .filter((x) => /\brequests\b/.test(x)),
    ).toEqual([]);
  });

  it('freezes from one snapshot, then stores the version and its audit event in a transaction of their own', async () => {
    const q = await statementsOf(() => s.reports.freeze(actor('publisher'), '2026-H1'));
    const snapshot = q.findIndex((x) =>
      /^start transaction isolation level repeatable read read only/i.test(x),
    );
    const firstCommit = q.indexOf('commit', snapshot);
    const reads = q.slice(snapshot + 1, firstCommit);
    expect(reads.some((x) => /\brequests\b/.test(x))).toBe(true);
    expect(reads.some((x) => /pg_advisory_xact_lock/.test(x))).toBe(false);
    const write = q.slice(firstCommit + 1);
    expect(write[0]).toMatch(/^begin$/i);
    expect(write.some((x) => /insert into "report_versions"/.test(x))).toBe(true);
    expect(write.some((x) => /pg_advisory_xact_lock/.test(x))).toBe(true);
  });

  it('keeps the draft until the audit log moves, and shows a change at once', async () => {
    clock.set('2026-08-01T10:00:00Z');
    const first = await s.reports.build(actor('viewer'), '2026-H1');
    // Nothing changed: only the audit head is read.
    const again = await statementsOf(() => s.reports.build(actor('viewer'), '2026-H1'));
    expect(again).toHaveLength(1);
    expect(again[0]).toMatch(/from "audit_events"/);
    await s.requests.create(
      actor('admin'),
      requestInput.parse(requestFactory({ received_at: '2026-03-01T00:00:00Z' })),
    );
    const after = await s.reports.build(actor('viewer'), '2026-H1');
    expect(after.data.tables.summary.requests.count).toBe(first.data.tables.summary.requests.count + 1);
  });
});
