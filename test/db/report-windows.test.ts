import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { requestInput } from '../../src/domain/request-input.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { actor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';

/**
 * Issue 19.4: each period's national-security windows are those of its own publication date. A bulk freeze
 * of history dates each period its last day plus the configured lag (not today), a single freeze takes the
 * date it is given, and the report says which days no window covers and where they appear.
 */

let t: TestDb;
let s: Services;
const clock = testClock('2016-09-15T09:00:00Z');
const publisher = actor('publisher');
const handler = actor('handler');

beforeAll(async () => {
  t = await testDatabase();
  s = createServices({ db: t.db, config: { ...testConfig, nsOption: 'a3', publicationLagDays: 1 }, clock });
  for (const [ref, at, process_type] of [
    ['S-1', '2015-02-10T10:00:00Z', 'subpoena'],
    ['N-1', '2015-03-10T10:00:00Z', 'national_security_letter'],
    ['S-2', '2015-09-10T10:00:00Z', 'subpoena'],
    ['S-3', '2016-02-10T10:00:00Z', 'subpoena'],
  ] as const) {
    await s.requests.create(
      handler,
      requestInput.parse(requestFactory({ external_ref: ref, received_at: at, process_type })),
    );
  }
}, 60_000);
afterAll(async () => t?.close());

describe('national-security windows people can use', () => {
  it('a bulk freeze dates each period by its own end, so its windows cover that period', async () => {
    const { frozen } = await s.reports.freezeAllComplete(publisher);
    expect(frozen.map((v) => v.period)).toEqual(['2015-H1', '2015-H2', '2016-H1']);
    const ns = Object.fromEntries(frozen.map((v) => [v.period, v.data.tables.national_security!]));
    expect(ns['2015-H1']!.publication_date).toBe('2015-07-01');
    expect(ns['2015-H1']!.entries[0]!.window).toEqual({ start: '2015-01-02', end: '2015-06-30' });
    expect(ns['2015-H2']!.entries[0]!.window).toEqual({ start: '2015-07-05', end: '2015-12-31' });
    // The days the two 180-day windows leave out are named, in the data and in the text.
    expect(ns['2015-H2']!.uncovered).toEqual([
      { kind: 'combined', start: '2015-07-01', end: '2015-07-04', appears_in: null },
    ]);
    const text = (await s.reports.render(publisher, '2015-H2', 'text', { version: 1 }))
      .get('report.txt')!
      .toString('utf8')
      .replace(/\s+/g, ' ');
    expect(text).toContain(
      'The days 2015-07-01 to 2015-07-04 of this period (national-security process) are not covered',
    );
    expect(text).toContain('published on 2016-01-01');
  });

  it('freezes a period with the publication date it is given, and refuses one that is no date', async () => {
    await expect(s.reports.freeze(publisher, '2016-H2', { publicationDate: '2017-02-30' })).rejects.toThrow(
      /publication date/,
    );
    clock.set('2017-03-01T09:00:00Z');
    const v = await s.reports.freeze(publisher, '2016-H2', { publicationDate: '2017-01-15' });
    const ns = v.data.tables.national_security!;
    expect(ns.publication_date).toBe('2017-01-15');
    expect(ns.entries[0]!.window).toEqual({ start: '2016-07-19', end: '2017-01-14' });
    expect(ns.uncovered).toEqual([
      { kind: 'combined', start: '2016-07-01', end: '2016-07-18', appears_in: null },
    ]);
    // A correction keeps the date its windows were computed for.
    await s.requests.create(
      handler,
      requestInput.parse(requestFactory({ external_ref: 'S-4', received_at: '2016-10-01T10:00:00Z' })),
    );
    const v2 = await s.reports.correct(publisher, '2016-H2', { why: 'late entry', method: 'recomputed' });
    expect(v2.data.tables.national_security!.publication_date).toBe('2017-01-15');
  });

  it('an annual report under a half-year option shows the bands of each half-year', async () => {
    const { data } = await s.reports.build(publisher, '2015', { publicationDate: '2016-01-01' });
    const ns = data.tables.national_security!;
    expect(ns.entries.map((e) => [e.period, e.kind, e.window.start, e.window.end])).toEqual([
      ['2015-H1', 'combined', '2015-01-02', '2015-06-30'],
      ['2015-H2', 'combined', '2015-07-05', '2015-12-31'],
    ]);
    expect(ns.uncovered?.map((g) => `${g.start}..${g.end}`)).toEqual([
      '2015-01-01..2015-01-01',
      '2015-07-01..2015-07-04',
    ]);
  });

  it('the CLI refuses a publication date with --all-complete, which dates each period itself', async () => {
    expect(await main(['report', 'freeze', '--all-complete', '--publication-date', '2016-01-01'])).not.toBe(
      0,
    );
  });
});
