import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestInput } from '../../src/domain/request-input.ts';
import { listRequests, type ListFilter, type SortKey } from '../../src/repositories/requests-repository.ts';
import { servicesFor, testDatabase, actor, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';

// A search looks through a window of the sort order first and reads every match when the window holds no
// full page. At the real window (10,000 rows) a small database never leaves the planner's path, so these tests
// shrink the window and check every path returns exactly the pages a plain sort of all matches gives.

let t: TestDb;
interface Row {
  id: number;
  ref: string;
  at: Date;
  agency: string;
  status: string;
}
const rows: Row[] = [];

const AGENCIES = ['Alpha Police', 'Beta Sheriff', 'Bravo Bureau'];

beforeAll(async () => {
  t = await testDatabase();
  const s = servicesFor(t);
  const handler = actor('handler');
  // Old references all lie far back, new ones at the front, the rest spread; some share a received time.
  const specs: Array<[string, string]> = [];
  for (let i = 0; i < 14; i++) specs.push([`OLD-${i}`, `2018-0${1 + (i % 9)}-1${i % 10}T08:00:00Z`]);
  for (let i = 0; i < 14; i++) specs.push([`NEW-${i}`, `2026-0${1 + (i % 9)}-0${1 + (i % 3)}T08:00:00Z`]);
  for (let i = 0; i < 14; i++) specs.push([`MID-${i}`, `20${19 + (i % 7)}-05-05T08:00:00Z`]);
  let n = 0;
  for (const [ref, at] of specs) {
    const agency = AGENCIES[n++ % AGENCIES.length] as string;
    const r = await s.requests.create(
      handler,
      requestInput.parse(
        requestFactory({
          external_ref: ref,
          received_at: at,
          agency: { name: agency, kind: 'law_enforcement', level: 'state', country: 'US' },
        }),
      ),
    );
    rows.push({ id: r.id, ref, at: new Date(at), agency, status: r.status });
  }
});
afterAll(async () => t?.close());

/** Every page of a search, walked with the cursors it hands out. */
async function walk(f: ListFilter, sort: SortKey, dir: 'asc' | 'desc', limit: number, window?: number) {
  const seen: string[] = [];
  let after: { v: string; id: number } | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = await listRequests(t.db, 'all', f, {
      limit,
      sort,
      dir,
      after,
      ...(window ? { window } : {}),
    });
    seen.push(...page.map((r) => r.external_ref));
    if (page.length < limit) return seen;
    const last = page[page.length - 1]!;
    after = { v: sort === 'received_at' ? last.received_at.toISOString() : last.external_ref, id: last.id };
  }
  throw new Error('no end of pages');
}

/** The same search done by hand over every row. */
function expected(q: string, sort: SortKey, dir: 'asc' | 'desc'): string[] {
  const key = (r: Row) => (sort === 'received_at' ? r.at.getTime() : r.ref);
  const sign = dir === 'asc' ? 1 : -1;
  return rows
    .filter((r) => r.ref.startsWith(q) || r.agency.toLowerCase().startsWith(q.toLowerCase()))
    .sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      return sign * (ka < kb ? -1 : ka > kb ? 1 : a.id - b.id);
    })
    .map((r) => r.ref);
}

describe('searching requests', () => {
  it('gives the pages of a plain sort of every match, whichever way the window sends it', async () => {
    for (const q of ['OLD-', 'NEW-1', 'MID-', 'bravo', 'alpha police', 'O', 'nothing']) {
      for (const sort of ['received_at', 'external_ref'] as const) {
        for (const dir of ['desc', 'asc'] as const) {
          const want = expected(q, sort, dir);
          for (const limit of [1, 4, 50]) {
            for (const window of [1, 3, 10, undefined]) {
              const got = await walk({ q }, sort, dir, limit, window);
              expect(got, `q=${q} sort=${sort} ${dir} limit=${limit} window=${window}`).toEqual(want);
            }
          }
        }
      }
    }
  });

  it('keeps the other filters when it reads every match', async () => {
    const got = await walk(
      { q: 'OLD-', receivedFrom: '2018-03-01T00:00:00Z', receivedTo: '2018-07-01T00:00:00Z' },
      'received_at',
      'desc',
      2,
      1,
    );
    const want = expected('OLD-', 'received_at', 'desc').filter((ref) => {
      const at = rows.find((r) => r.ref === ref)!.at.toISOString();
      return at >= '2018-03-01' && at < '2018-07-01';
    });
    expect(want.length).toBeGreaterThan(2);
    expect(got).toEqual(want);
  });
});
