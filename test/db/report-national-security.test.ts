import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestInput } from '../../src/domain/request-input.ts';
import { computeReport } from '../../src/reports/compute.ts';
import { diffReports } from '../../src/reports/diff.ts';
import { renderFiles } from '../../src/reports/files.ts';
import type { ReportData } from '../../src/reports/report-data.ts';
import { prepareRequest, writeRequests } from '../../src/services/requests.ts';
import { testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';

let t: TestDb;
const NOW = new Date('2015-09-01T00:00:00Z');
beforeAll(async () => {
  t = await testDatabase();
  // Ordinary requests, so the report has figures beside the national-security ones.
  await load(
    Array.from({ length: 7 }, (_, i) => requestFactory({ received_at: `2015-0${1 + (i % 6)}-10T10:00:00Z` })),
  );
});
afterAll(async () => t?.close());

async function load(inputs: ReturnType<typeof requestFactory>[]) {
  await t.db.transaction().execute(async (trx) => {
    await writeRequests(
      trx,
      inputs.map((i) => prepareRequest(requestInput.parse(i), NOW)),
    );
  });
}

/** Exactly `n` NSLs (each naming one selector) inside the (a)(3) window of a 2015-08-31 publication. */
async function setNationalSecurityLetters(n: number) {
  await sql`delete from requests where process_type = 'national_security_letter'`.execute(t.db);
  await load(
    Array.from({ length: n }, (_, i) =>
      requestFactory({
        external_ref: `NSL-${n}-${i}`,
        received_at: '2015-05-02T10:00:00Z',
        agency: { name: 'FBI', kind: 'intelligence', level: 'federal', country: 'US' },
        process_type: 'national_security_letter',
        case_class: 'national_security',
        accounts: [`NS-ACCOUNT-${i}`],
      }),
    ),
  );
}

async function report(): Promise<ReportData> {
  return computeReport(t.db, {
    period: '2015-H1',
    provider: { name: 'Example Inc.' },
    nsOption: 'a3',
    publicationDate: '2015-08-31',
    now: NOW,
  });
}

async function filesFor(n: number) {
  await setNationalSecurityLetters(n);
  const data = await report();
  return { data, files: await renderFiles(data) };
}

describe('national-security figures reach no output except as bands', () => {
  it('renders every file byte-identical for 0, 1 and 249 NSLs (one band of 250)', async () => {
    const zero = await filesFor(0);
    for (const n of [1, 249]) {
      const other = await filesFor(n);
      for (const [path, bytes] of zero.files) {
        expect(other.files.get(path)?.equals(bytes), `${path} with ${n} NSLs`).toBe(true);
      }
    }
  });

  it('changes only the band bounds for 250 and 1,001 NSLs, never showing the count', async () => {
    const zero = (await filesFor(0)).data;
    for (const [n, low] of [
      [250, 250],
      [1001, 1000],
    ] as const) {
      const { data, files } = await filesFor(n);
      const changes = diffReports(zero, data);
      // Selectors are banded too; each NSL named one, so they share the requests' band.
      expect(changes.map((c) => [c.table, c.key, c.after])).toEqual([
        ['national_security', 'combined.requests.low', low],
        ['national_security', 'combined.requests.high', low + 249],
        ['national_security', 'combined.selectors.low', low],
        ['national_security', 'combined.selectors.high', low + 249],
      ]);
      for (const [path, bytes] of files) {
        if (path.endsWith('.pdf')) continue; // compressed streams: covered by the identical-bytes test
        const text = bytes.toString('utf8');
        if (n === 1001) expect(text, path).not.toMatch(/1,?001/);
        expect(text, path).not.toMatch(/NSL-|NS-ACCOUNT/);
      }
    }
  });

  it('bands NSLs and FISA separately under (a)(1), each in its own window', async () => {
    await setNationalSecurityLetters(3);
    const data = await computeReport(t.db, {
      period: '2015-H1',
      provider: { name: 'Example Inc.' },
      nsOption: 'a1',
      publicationDate: '2015-08-31',
      now: NOW,
    });
    const ns = data.tables.national_security!;
    expect(
      ns.entries.map((e) => [e.kind, e.window.start, e.window.end, e.requests.low, e.requests.high]),
    ).toEqual([
      ['nsl', '2015-03-04', '2015-08-30', 0, 999],
      ['fisa_content', '2014-09-05', '2015-03-03', 0, 999],
      ['fisa_non_content', '2014-09-05', '2015-03-03', 0, 999],
    ]);
  });
});
