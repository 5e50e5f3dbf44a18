import { describe, expect, it } from 'vitest';
import { report2015H1 } from '../../test/fixtures/report-2015-h1.ts';
import { HANDLING_POLICY_SECTIONS } from '../domain/vocabulary.ts';
import { renderCsv } from './render/csv.ts';
import { renderText } from './render/text.ts';
import { reportDataSchema, type ReportData } from './report-data.ts';
import { scorecard } from './scorecard.ts';
import { STANDARDS } from './standards.ts';

const elements = (data: ReportData) => scorecard(data).standards.flatMap((s) => s.elements);
const statusOf = (data: ReportData, id: string) => elements(data).find((e) => e.id === id)?.status;

describe('the standards data file', () => {
  it('lists every standard of the issue, each with a source URL, and ids that are unique', () => {
    expect(STANDARDS.map((s) => s.id)).toEqual([
      'RDR-P10a',
      'RDR-P11a',
      'RDR-P11b',
      'RDR-P12',
      'RDR-F5a',
      'RDR-F6',
      'RDR-F8',
      'SCP-S',
      'SCP-N',
      'OTI-TRT',
      'DSA-AI3',
    ]);
    for (const s of STANDARDS) {
      expect(new URL(s.source_url).protocol).toBe('https:');
      expect(s.elements.length).toBeGreaterThan(0);
    }
    const ids = STANDARDS.flatMap((s) => s.elements.map((e) => e.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps RDR’s own numbering: P10(a) 7, P11(a) 10, P11(b) 4, P12 3, F5(a) 7, F6 10, F8 4 elements', () => {
    const n = Object.fromEntries(STANDARDS.map((s) => [s.id, s.elements.length]));
    expect(n).toMatchObject({
      'RDR-P10a': 7,
      'RDR-P11a': 10,
      'RDR-P11b': 4,
      'RDR-P12': 3,
      'RDR-F5a': 7,
      'RDR-F6': 10,
      'RDR-F8': 4,
    });
    for (const s of STANDARDS.filter((s) => s.id.startsWith('RDR-')))
      for (const e of s.elements) expect(e.paraphrase, e.id).toBeUndefined();
  });

  it('names only parts of the report that exist in the report schema', () => {
    const top = Object.keys(reportDataSchema.shape);
    // The keys of an object schema, through optional and nullable wrappers.
    const keysOf = (schema: unknown): string[] => {
      let s = schema as { shape?: object; unwrap?: () => unknown };
      while (!s.shape && s.unwrap) s = s.unwrap() as typeof s;
      return Object.keys(s.shape ?? {});
    };
    const child = (schema: unknown, k: string): unknown => {
      let s = schema as { shape?: Record<string, unknown>; unwrap?: () => unknown };
      while (!s.shape && s.unwrap) s = s.unwrap() as typeof s;
      return s.shape?.[k];
    };
    for (const s of STANDARDS)
      for (const e of s.elements) {
        if (!('where' in e)) continue;
        expect(e.where.length, e.id).toBeGreaterThan(0);
        for (const p of e.where) {
          const [head, ...keys] = p.split('.');
          if (keys.length === 0) expect(top, `${e.id}: ${p}`).toContain(head);
          if (head === 'handling_policy') {
            expect(top).toContain(head);
            expect(HANDLING_POLICY_SECTIONS, `${e.id}: ${p}`).toContain(keys[0]);
            continue;
          }
          let schema: unknown = reportDataSchema.shape.tables;
          for (const k of keys) {
            expect(keysOf(schema), `${e.id}: ${p}`).toContain(k);
            schema = child(schema, k);
          }
        }
      }
  });

  it('gives a reason for every element it declares not collected or not applicable', () => {
    for (const s of STANDARDS)
      for (const e of s.elements) {
        if ('not_collected' in e) expect(e.not_collected.length, e.id).toBeGreaterThan(10);
        if ('not_applicable' in e) expect(e.not_applicable.length, e.id).toBeGreaterThan(10);
      }
  });
});

describe('the scorecard of a report', () => {
  it('accounts for every element of every standard, and none is missing from a full report', () => {
    const card = scorecard(report2015H1());
    const total = STANDARDS.reduce((n, s) => n + s.elements.length, 0);
    expect(elements(report2015H1())).toHaveLength(total);
    expect(Object.values(card.counts).reduce((a, b) => a + b, 0)).toBe(total);
    expect(card.counts.not_disclosed).toBe(0);
    expect(card.counts.disclosed).toBeGreaterThan(0);
    expect(
      elements(report2015H1())
        .filter((e) => e.status === 'disclosed')
        .every((e) => e.where.length),
    ).toBe(true);
  });

  it('drops the elements of a table taken out of the report to "not disclosed", naming the table', () => {
    const data = report2015H1();
    expect(statusOf(data, 'P11a.4')).toBe('disclosed');
    delete (data.tables as Partial<ReportData['tables']>).data_sought;
    expect(statusOf(data, 'P11a.4')).toBe('not_disclosed');
    expect(elements(data).find((e) => e.id === 'P11a.4')?.where).toEqual(['tables.data_sought']);
    expect(scorecard(data).counts.not_disclosed).toBe(1);

    const noNotice = report2015H1();
    delete (noNotice.tables as Partial<ReportData['tables']>).notice;
    const dropped = elements(noNotice)
      .filter((e) => e.status === 'not_disclosed')
      .map((e) => e.id);
    expect(dropped).toEqual(['P12.1', 'P12.3', 'SCP-N.1', 'SCP-N.6', 'OTI.5']);
  });

  it('reads a field within a table: a version 4 report has no takedowns by country or data demands apart', () => {
    const data = report2015H1();
    expect(['F6.1', 'F6.2', 'F8.1', 'P11a.1'].map((id) => statusOf(data, id))).toEqual([
      'disclosed',
      'disclosed',
      'disclosed',
      'disclosed',
    ]);
    const { by_country: _, accounts_specified: __, ...v4 } = data.tables.takedown;
    data.tables.takedown = v4;
    delete data.tables.data_demands;
    expect(statusOf(data, 'F6.1')).toBe('not_disclosed');
    expect(elements(data).find((e) => e.id === 'F6.1')?.where).toEqual(['tables.takedown.by_country']);
    expect(elements(data).find((e) => e.id === 'F6.2')?.where).toEqual([
      'tables.takedown.accounts_specified',
    ]);
    expect(elements(data).find((e) => e.id === 'P11a.1')?.where).toEqual(['tables.data_demands']);
    expect(statusOf(data, 'F8.1')).toBe('disclosed');
  });

  it('drops an element that needs several tables when any one of them is missing', () => {
    const data = report2015H1();
    delete (data.tables as Partial<ReportData['tables']>).preservation;
    expect(statusOf(data, 'OTI.7')).toBe('not_disclosed');
    expect(elements(data).find((e) => e.id === 'OTI.7')?.where).toEqual(['tables.preservation']);
  });

  it('says "not applicable" for the DSA elements when the DSA did not apply, "not disclosed" without national-security bands', () => {
    const data = report2015H1();
    data.tables.dsa = null;
    data.tables.national_security = null;
    const card = scorecard(data);
    const dsa = card.standards.find((s) => s.id === 'DSA-AI3')!;
    expect(dsa.elements.every((e) => e.status === 'not_applicable')).toBe(true);
    expect(statusOf(data, 'F6.4')).toBe('not_applicable');
    expect(statusOf(data, 'OTI.6')).toBe('not_disclosed');
    expect(statusOf(data, 'P11a.5')).toBe('not_disclosed');
  });

  it('keeps the declared statuses whatever the data', () => {
    const data = report2015H1();
    for (const k of Object.keys(data.tables)) delete (data.tables as Record<string, unknown>)[k];
    for (const s of STANDARDS)
      for (const e of s.elements) {
        if ('not_collected' in e) expect(statusOf(data, e.id)).toBe('not_collected');
        if ('not_applicable' in e) expect(statusOf(data, e.id)).toBe('not_applicable');
      }
  });

  it('is valid against its own schema', async () => {
    const { scorecardSchema } = await import('./scorecard.ts');
    expect(scorecardSchema.safeParse(scorecard(report2015H1())).success).toBe(true);
  });
});

describe('the scorecard and the renderers, in step', () => {
  const tablesNamed = [
    ...new Set(
      STANDARDS.flatMap((s) => s.elements.flatMap((e) => ('where' in e ? e.where : [])))
        .filter((p) => p.startsWith('tables.'))
        .map((p) => p.slice('tables.'.length)),
    ),
  ];
  const csvTables = (data: ReportData) =>
    new Set(
      renderCsv(data)
        .split('\r\n')
        .map((l) => l.split(',')[0]),
    );

  it('names only tables the report actually renders (every one has rows in report.csv)', () => {
    const data = report2015H1();
    const rendered = csvTables(data);
    const lines = renderCsv(data)
      .split('\r\n')
      .map((l) => l.split(','));
    for (const t of tablesNamed) {
      // A field within a table (takedown.by_country) has rows of that table naming it as a dimension
      // (country, notice) or a measure (accounts_specified); a field of two dimensions (by_country_basis) has
      // rows naming the first and, as the second, one that ends with the rest (country, restriction_basis).
      const [table, field] = t.split('.') as [string, string | undefined];
      expect(rendered, t).toContain(table);
      const dims = field?.replace(/^by_/, '');
      const named = (r: string[]) =>
        r[1] === dims ||
        r[5] === field ||
        (!!dims && !!r[1] && dims.startsWith(`${r[1]}_`) && !!r[3]?.endsWith(dims.slice(r[1].length + 1)));
      if (field)
        expect(
          lines.some((r) => r[0] === table && named(r)),
          t,
        ).toBe(true);
    }
  });

  it('renders the annex in every reader format, and a table taken out falls to NOT DISCLOSED there too', () => {
    const data = report2015H1();
    expect(renderText(data)).toMatch(/^ {2}P11a\.4 +disclosed +data_sought$/m);
    delete (data.tables as Partial<ReportData['tables']>).data_sought;
    data.standards = scorecard(data);
    expect(csvTables(data)).not.toContain('data_sought');
    expect(renderText(data)).toMatch(/^ {2}P11a\.4 +NOT DISCLOSED +data_sought$/m);
    expect(renderCsv(data)).toContain('standards,standard,RDR-P11a,element,P11a.4,status,not_disclosed\r\n');
  });

  it('leaves the annex out of a version frozen before it existed', () => {
    const old = report2015H1();
    delete old.standards;
    expect(renderText(old)).not.toContain('Annex: which standards');
    expect(csvTables(old)).not.toContain('standards');
  });
});
