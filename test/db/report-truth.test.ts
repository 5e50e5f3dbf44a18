import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { requestInput, type RequestInput } from '../../src/domain/request-input.ts';
import { computeReport, type ComputeOptions } from '../../src/reports/compute.ts';
import { createServices } from '../../src/services/index.ts';
import { prepareRequest, writeRequests } from '../../src/services/requests.ts';
import { actor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';

/**
 * Issue 11 items 5-6 and issue 19 item 1: every statement a report makes is true of the record, and no
 * national-security figure is exact in any table. One database for the file; each test starts empty.
 */

let t: TestDb;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t?.close());
beforeEach(async () => {
  await sql`delete from request_targets`.execute(t.db);
  await sql`delete from nondisclosure_orders`.execute(t.db);
  await sql`delete from requests`.execute(t.db);
});

const NOW = new Date('2015-09-01T00:00:00Z');
async function load(inputs: RequestInput[]): Promise<void> {
  await t.db.transaction().execute(async (trx) => {
    await writeRequests(
      trx,
      inputs.map((i) => prepareRequest(requestInput.parse(i), NOW)),
    );
  });
}
const opts = (over: Partial<ComputeOptions> = {}): ComputeOptions => ({
  period: '2015-H1',
  provider: { name: 'Example Inc.' },
  nsOption: 'a3',
  publicationDate: '2015-08-31',
  now: NOW,
  // These tests use 2015 dates for DSA orders too; when the DSA applies is tested on its own.
  dsaAppliesFrom: '2015-01-01',
  ...over,
});
const at = (day: string) => `${day}T10:00:00Z`;
const eu = (country: string) => ({
  name: `Police ${country}`,
  kind: 'law_enforcement' as const,
  level: 'national' as const,
  country,
});
const dsaTotal = (r: Awaited<ReturnType<typeof computeReport>>) =>
  r.tables.dsa?.rows.find((x) => x.category === 'TOTAL' && x.scope === 'TOTAL');

describe('national-security process is excluded from every exact table (19.1, 11.5)', () => {
  it('keeps FISA orders from an EU authority out of DSA Part 3, so DSA minus the country table reveals nothing', async () => {
    await load([
      requestFactory({ received_at: at('2015-03-01'), agency: eu('DE'), channel: 'dsa_art_10' }),
      ...[1, 2, 3].map(() =>
        requestFactory({
          received_at: at('2015-03-02'),
          agency: eu('DE'),
          channel: 'dsa_art_10',
          process_type: 'fisa_non_content_order',
          case_class: 'national_security',
          data_sought: ['non_content'],
        }),
      ),
    ]);
    const r = await computeReport(t.db, opts());
    const germany = r.tables.by_country.find((c) => c.country === 'DE')?.requests;
    expect(germany).toBe(1);
    expect(dsaTotal(r)?.orders_to_provide_information).toBe(germany);
  });

  it('counts a grand jury subpoena in a national-security case exactly, in the headline and in DSA alike', async () => {
    await load([
      requestFactory({ received_at: at('2015-03-01'), case_class: 'national_security' }),
      requestFactory({
        received_at: at('2015-03-01'),
        agency: eu('FR'),
        channel: 'dsa_art_10',
        process_type: 'court_order',
        case_class: 'national_security',
      }),
    ]);
    const r = await computeReport(t.db, opts());
    expect(r.tables.summary.requests.count).toBe(2);
    expect(r.tables.process_outcome.map((p) => [p.process_type, p.requests])).toEqual([
      ['court_order', 1],
      ['grand_jury_subpoena', 1],
    ]);
    expect(dsaTotal(r)?.orders_to_provide_information).toBe(1);
    // Not 1874 process, so not in the bands either (the band would hide it anyway; the table says so).
    expect(r.tables.national_security?.entries[0]?.requests).toEqual({ low: 0, high: 249 });
  });
});

describe('DSA Part 3 counts orders from Member State authorities whatever the channel (11.6)', () => {
  it('counts a takedown and a disclosure order that came directly, not a civil litigant nor a preservation', async () => {
    await load([
      requestFactory({
        received_at: at('2015-04-01'),
        agency: eu('FR'),
        process_type: 'takedown_request',
        items_of_information: 4,
      }),
      requestFactory({ received_at: at('2015-04-01'), agency: eu('IT'), process_type: 'court_order' }),
      requestFactory({
        received_at: at('2015-04-01'),
        agency: eu('IT'),
        process_type: 'civil_subpoena',
        requester_class: 'civil_litigant',
      }),
      requestFactory({
        received_at: at('2015-04-01'),
        agency: eu('IT'),
        process_type: 'preservation_request',
      }),
      requestFactory({
        received_at: at('2015-04-01'),
        agency: eu('IT'),
        channel: 'mlat',
        process_type: 'mlat_request',
      }),
    ]);
    const d = (await computeReport(t.db, opts())).tables.dsa!;
    expect(d.member_states).toEqual(['FR', 'IT']);
    expect(dsaTotal({ tables: { dsa: d } } as never)).toMatchObject({
      orders_to_act: 1,
      items: 4,
      orders_to_provide_information: 2,
    });
  });
});

describe('DSA files as the regulator reads them (19.8)', () => {
  it('leaves the DSA figures blank, not 0, for a period that ended before the DSA applied', async () => {
    await load([requestFactory({ received_at: at('2015-03-01'), agency: eu('DE'), channel: 'dsa_art_10' })]);
    const before = await computeReport(t.db, opts({ dsaAppliesFrom: undefined }));
    expect(before.tables.dsa).toBeNull();
    const { renderDsaPart3 } = await import('../../src/reports/render/dsa.ts');
    const figures = (csv: string) =>
      csv
        .trim()
        .split('\r\n')
        .slice(1)
        .map((l) => l.split(',').slice(6, 13).join(','));
    expect(new Set(figures(renderDsaPart3(before)))).toEqual(new Set([',,,,,,']));
    // The same record when the DSA applies: 0 where nothing came, the order counted.
    const after = await computeReport(t.db, opts());
    expect(figures(renderDsaPart3(after))[0]).toBe('0,0,,,1,,');
  });
});

describe('50 U.S.C. 1874 options, exactly (11.5)', () => {
  const admin = actor('admin');
  const reports = (nsOption: 'a1' | 'a2' | 'a3' | 'a4') =>
    createServices({
      db: t.db,
      config: { ...testConfig, nsOption },
      clock: testClock('2016-03-01T12:00:00Z'),
    }).reports;

  it('refuses option (a)(4), an annual report, for a half-year, in build, render and freeze', async () => {
    const a4 = reports('a4');
    const refused = { code: 'invalid', message: expect.stringMatching(/annual report.*calendar year/) };
    await expect(a4.build(admin, '2015-H1')).rejects.toMatchObject(refused);
    await expect(a4.render(admin, '2015-H2', 'text')).rejects.toMatchObject(refused);
    await expect(a4.freeze(admin, '2015-H1')).rejects.toMatchObject(refused);
    expect((await a4.build(admin, '2015')).data.tables.national_security?.option).toBe('a4');
    // Freezing history in bulk under (a)(4) freezes whole years, never a half-year.
    await load([requestFactory({ received_at: at('2014-05-01') })]);
    const { frozen } = await a4.freezeAllComplete(admin);
    expect(frozen.map((v) => v.period)).toEqual(['2014', '2015']);
  });

  it('refuses options (a)(1) and (a)(2) until the 540-day hold-back of a first FISA order is modelled', async () => {
    for (const option of ['a1', 'a2'] as const) {
      await expect(reports(option).build(admin, '2015-H1')).rejects.toMatchObject({
        code: 'invalid',
        message: expect.stringMatching(/540 days/),
      });
    }
  });

  it('shows the publication date that fixes the windows in every reader format', async () => {
    const files = await reports('a3').render(admin, '2015-H1', 'text', { publicationDate: '2015-08-31' });
    const text = files.get('report.txt')!.toString('utf8');
    expect(text).toMatch(/Publication date:\s+2015-08-31 \(fixes the national-security windows\)/);
  });
});

describe('true statements about the period (11.6)', () => {
  it('counts "in process at the end of the period" from responded_at, not from the outcome known today', async () => {
    await load([
      // Answered within the period, after it, and not at all.
      requestFactory({ received_at: at('2015-06-01'), outcome: 'no_data', responded_at: at('2015-06-20') }),
      requestFactory({ received_at: at('2015-06-25'), outcome: 'no_data', responded_at: at('2015-07-03') }),
      requestFactory({ received_at: at('2015-06-26') }),
    ]);
    const r = await computeReport(t.db, opts());
    expect(r.tables.summary.in_process.count).toBe(2);
    // The outcome tables show what is known when computed: two answered, one still open.
    expect(r.tables.process_outcome[0]?.outcomes).toMatchObject({ no_data: 2, in_process: 1 });
  });

  it('reports civil litigants in their own table, never in the government headline or tables', async () => {
    const civil = { requester_class: 'civil_litigant' as const, process_type: 'civil_subpoena' as const };
    await load([
      requestFactory({ received_at: at('2015-02-01') }),
      requestFactory({ received_at: at('2015-02-02'), process_type: 'takedown_request' }),
      requestFactory({
        ...civil,
        received_at: at('2015-03-01'),
        outcome: 'non_content_produced',
        responded_at: at('2015-03-10'),
        accounts: ['C1', 'C2'],
      }),
      requestFactory({ ...civil, received_at: at('2015-03-02'), process_type: 'takedown_request' }),
    ]);
    const r = await computeReport(t.db, opts());
    const tb = r.tables;
    expect(tb.summary.requests.count).toBe(2);
    expect(tb.by_country.reduce((n, c) => n + c.requests, 0)).toBe(2);
    expect(tb.process_outcome.map((p) => p.process_type)).not.toContain('civil_subpoena');
    expect(tb.takedown.requests).toBe(1);
    expect(Object.values(tb.international_channel).reduce((a, b) => a + b, 0)).toBe(2);
    expect(tb.civil_litigants).toMatchObject({
      requests: 2,
      accounts_specified: 3,
      in_process: 1,
      outcomes: { non_content_produced: 1, in_process: 1 },
    });
    const { renderText } = await import('../../src/reports/render/text.ts');
    expect(renderText(r)).toMatch(/received 2 requests from private \(civil\) litigants/);
  });

  it('states how many requests carry an audited history override, national-security process aside', async () => {
    await load([
      requestFactory({ received_at: at('2015-02-01') }),
      requestFactory({ received_at: at('2015-02-02'), requester_class: 'civil_litigant' }),
      requestFactory({ received_at: at('2015-02-03') }),
      requestFactory({
        received_at: at('2015-02-04'),
        process_type: 'national_security_letter',
        data_sought: ['non_content'],
      }),
    ]);
    await sql`insert into history_overrides (request_id, rules, findings, reason, source, created_by, created_at)
      select id, '{notice_held}', '{}', 'Imported from the old tracker as recorded', 'test', 'test', now()
      from requests where received_at <> ${at('2015-02-03')}`.execute(t.db);
    const r = await computeReport(t.db, opts());
    expect(r.tables.history_overrides).toEqual({ requests: 2 });
    const { renderMarkdown } = await import('../../src/reports/render/markdown.ts');
    expect(renderMarkdown(r)).toContain('2 requests in this report (government or civil litigant)');
  });

  it('counts preservation extensions as the renewals recorded on holds, not as repeated requests', async () => {
    await load([
      requestFactory({
        received_at: at('2015-02-01'),
        process_type: 'preservation_request',
        accounts: ['P1'],
      }),
      requestFactory({
        received_at: at('2015-03-01'),
        process_type: 'preservation_request',
        accounts: ['P1'],
      }),
      requestFactory({
        received_at: at('2015-03-02'),
        process_type: 'preservation_request',
        accounts: ['P2'],
      }),
    ]);
    const { rows } = await sql<{ id: number }>`
      select id from requests where process_type = 'preservation_request' order by received_at`.execute(t.db);
    const hold = (id: number, extensions: number) =>
      sql`insert into preservation_holds (request_id, regime, started_at, extensions, last_extended_at, created_by)
        values (${id}, 'sca_2703f', '2015-03-05T00:00:00Z', ${extensions},
          ${extensions ? '2015-05-01T00:00:00Z' : null}, 'test')`.execute(t.db);
    await hold(rows[0]!.id, 0);
    await hold(rows[2]!.id, 1);
    expect((await computeReport(t.db, opts())).tables.preservation.extensions).toBe(1);
    await sql`delete from preservation_holds`.execute(t.db);
  });
});

/** The text of each page of a PDF. */
async function pdfPages(pdf: Buffer): Promise<string[]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf), disableFontFace: true, verbosity: 0 })
    .promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(
      content.items
        .map((x) => ('str' in x ? x.str : ''))
        .join(' ')
        .replace(/\s+/g, ' '),
    );
  }
  return pages;
}

describe('a half-year that has not ended (11.6) and a draft say so on every page (19.9)', () => {
  const admin = actor('admin');
  const clock = testClock('2015-05-01T12:00:00Z');
  const reports = () => createServices({ db: t.db, config: testConfig, clock }).reports;

  it('previews a running half-year but refuses to freeze or correct it without a reason', async () => {
    await load([requestFactory({ received_at: at('2015-02-01') })]);
    expect((await reports().build(admin, '2015-H1')).data.tables.summary.requests.count).toBe(1);
    const refused = {
      code: 'invalid_state',
      message: expect.stringMatching(/has not ended.*--allow-partial/),
    };
    await expect(reports().freeze(admin, '2015-H1')).rejects.toMatchObject(refused);
    await expect(reports().freeze(admin, '2015-H1', { allowPartial: '  ' })).rejects.toMatchObject(refused);
  });

  it('freezes it with --allow-partial and a reason, and every page of the PDF says "partial period"', async () => {
    const v = await reports().freeze(admin, '2015-H1', { allowPartial: 'Board meeting' });
    expect(v.data.period.partial).toEqual({ through: '2015-05-01', reason: 'Board meeting' });
    const text = (await reports().render(admin, '2015-H1', 'text', { version: 1 })).get('report.txt')!;
    expect(text.toString('utf8')).toMatch(/PARTIAL PERIOD: the period ends on 30 June 2015/);
    const pdf = (await reports().render(admin, '2015-H1', 'pdf', { version: 1 })).get('report.pdf')!;
    const pages = await pdfPages(pdf);
    expect(pages.length).toBeGreaterThan(2);
    for (const [i, p] of pages.entries()) {
      expect(p, `page ${i + 1}`).toContain('PARTIAL PERIOD');
      expect(p, `page ${i + 1}`).not.toContain('DRAFT');
    }
    await sql`delete from report_versions`.execute(t.db).catch(() => undefined);
  });

  it('marks every page and footer of a draft PDF "DRAFT"', async () => {
    clock.set('2015-09-01T12:00:00Z');
    const pdf = (await reports().render(admin, '2015-H2', 'pdf')).get('report.pdf')!;
    const pages = await pdfPages(pdf);
    expect(pages.length).toBeGreaterThan(2);
    for (const [i, p] of pages.entries()) {
      // The header, the watermark and the footer ("Version 1 - DRAFT").
      expect(p.match(/DRAFT/g)?.length ?? 0, `page ${i + 1}`).toBeGreaterThanOrEqual(3);
      expect(p, `page ${i + 1}`).toContain('Version 1 - DRAFT');
    }
  });
});
