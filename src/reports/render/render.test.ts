import { describe, expect, it } from 'vitest';
import { extractPdfText } from '../../documents/pdf-text.ts';
import { expectGolden } from '../../../test/golden.ts';
import {
  report2015H1,
  report2015H1ForeignNs,
  report2015H1Updated,
} from '../../../test/fixtures/report-2015-h1.ts';
import { renderCsv } from './csv.ts';
import { renderDsaPart1, renderDsaPart2, renderDsaPart3 } from './dsa.ts';
import { renderHtml } from './html.ts';
import { renderJson } from './json.ts';
import { renderMarkdown } from './markdown.ts';
import { renderPdf } from './pdf.ts';
import { renderText } from './text.ts';

describe('renderers (golden files)', () => {
  it('text', () => {
    expectGolden('report-2015-h1.txt', renderText(report2015H1()));
    expectGolden('report-2015-h1-v2.txt', renderText(report2015H1Updated()));
  });
  it('markdown', () => {
    expectGolden('report-2015-h1.md', renderMarkdown(report2015H1()));
    expectGolden('report-2015-h1-v2.md', renderMarkdown(report2015H1Updated()));
  });
  it('csv', () => expectGolden('report-2015-h1.csv', renderCsv(report2015H1())));
  it('json', () => expectGolden('report-2015-h1.json', renderJson(report2015H1())));
  it('html', async () => expectGolden('report-2015-h1.html', await renderHtml(report2015H1Updated())));
  it('dsa', () => {
    expectGolden(
      'dsa-2015-h1-part-1.csv',
      renderDsaPart1(report2015H1(), { publication_date: '2015-08-31', previous_publication_date: null }),
    );
    expectGolden('dsa-2015-h1-part-2.csv', renderDsaPart2(report2015H1()));
    expectGolden('dsa-2015-h1-part-3.csv', renderDsaPart3(report2015H1()));
  });
});

describe('foreign national-security orders (golden files)', () => {
  const name = 'report-2015-h1-foreign-ns';
  it('has a banded section per configured jurisdiction in every format', async () => {
    const data = report2015H1ForeignNs();
    expectGolden(`${name}.txt`, renderText(data));
    expectGolden(`${name}.md`, renderMarkdown(data));
    expectGolden(`${name}.csv`, renderCsv(data));
    expectGolden(`${name}.json`, renderJson(data));
    expectGolden(`${name}.html`, await renderHtml(data));
  });
  it('says nothing about them when no jurisdiction is reported', async () => {
    const data = report2015H1();
    for (const out of [renderText(data), renderMarkdown(data), renderCsv(data), renderJson(data)])
      expect(out).not.toMatch(/foreign.national.security/i);
    expect(await renderHtml(data)).not.toMatch(/foreign.national.security/i);
  });
  it('reports the bands, never a count, and only the banded jurisdictions', () => {
    const text = renderText(report2015H1ForeignNs());
    expect(text).toContain('Foreign national-security orders');
    expect(text).toMatch(/United Kingdom +250 +0 - 249/);
    expect(text).toMatch(/Australia +100 +0 - 99/);
    const csv = renderCsv(report2015H1ForeignNs());
    expect(csv).toContain('foreign_national_security,jurisdiction,GB,,,requests_low,0\r\n');
    expect(csv).toContain('foreign_national_security,jurisdiction,GB,,,requests_high,249\r\n');
    // France is configured `none`: not a row, though two orders came.
    expect(csv).not.toContain('jurisdiction,FR');
  });
  it('is in the PDF, and absent from it when none is reported', async () => {
    const text = async (d: ReturnType<typeof report2015H1>) => {
      const r = await extractPdfText(await renderPdf(d));
      if (!r.ok) throw new Error(r.error);
      return r.text.replace(/\s+/g, ' ');
    };
    const pdf = await text(report2015H1ForeignNs());
    expect(pdf).toContain('Foreign national-security orders by jurisdiction (bands)');
    expect(pdf).toMatch(/United Kingdom 250 0 - 249/);
    expect(await text(report2015H1())).not.toMatch(/foreign national-security/i);
  });
});

describe('text report', () => {
  it('marks an updated version at the top, with its changelog', () => {
    const text = renderText(report2015H1Updated());
    expect(text.indexOf('UPDATED VERSION')).toBeLessThan(text.indexOf('What government requests'));
    expect(text).toContain('Version 2, 2015-10-02');
    expect(renderText(report2015H1())).not.toContain('UPDATED VERSION');
  });
  it('shows the 268 headline with requests for customer information and takedowns beside it, in every row', () => {
    const text = renderText(report2015H1());
    expect(text).toMatch(/Requests received +268 +100\.0%/);
    expect(text).toMatch(/ of which for customer information +263 +98\.1%/);
    expect(text).toMatch(/ of which to take down content or restrict an account +5 +1\.9%/);
    expect(text).toMatch(/United States +222 +219 +3 +93/);
    expect(text).toMatch(/Total +268 +263 +5 +118/);
    expect(text).toMatch(/EU DSA Art\. 9 order to act +1 +0 +1/);
    expect(text).toMatch(/Notice given +41 +39 +2/);
    expect(text).toMatch(/Takedown requests by country[\s\S]+Germany +1 +3 +1/);
    expect(renderMarkdown(report2015H1())).toContain(
      '| Country | Requests | For customer information | Takedown |',
    );
  });
  it('renders a version frozen before schema version 5 as it was: no split, no takedown breakdown', () => {
    const old = report2015H1();
    old.schema_version = 4;
    delete old.tables.summary.data_demands;
    delete old.tables.data_demands;
    const { requests, items, outcomes } = old.tables.takedown;
    old.tables.takedown = { requests, items, outcomes };
    const text = renderText(old);
    expect(text).toContain('What government requests for customer information did we receive?');
    expect(text).toContain('we received 268 requests for customer');
    expect(text).not.toContain('For customer');
    expect(text).not.toContain('Takedown requests by country');
    expect(renderCsv(old)).not.toMatch(/^(data_demands|takedown,country)/m);
  });
  it('lists the published 2015-H1 figures by region and country', () => {
    const text = renderText(report2015H1());
    expect(text).toMatch(/United States +222/);
    expect(text).toMatch(/AMERICAS +22/);
    expect(text).toMatch(/ {4}Switzerland +4/);
    expect(text).toMatch(/Total +268 +118/);
  });
});

describe('csv', () => {
  it('is RFC 4180 with CRLF and the long-form header, bands as low/high rows', () => {
    const csv = renderCsv(report2015H1());
    expect(csv.startsWith('table,dimension_1,value_1,dimension_2,value_2,measure,value\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/\n/);
    expect(csv).toContain('national_security,kind,combined,window,2015-03-04/2015-08-30,requests_low,0\r\n');
    expect(csv).toContain(
      'national_security,kind,combined,window,2015-03-04/2015-08-30,requests_high,249\r\n',
    );
    expect(csv).toContain('summary,measure,accounts_specified,base,accounts_specified,count,118\r\n');
  });
  it('quotes fields with commas and quotes', () => {
    const r = report2015H1();
    r.provider.name = 'Acme, "the" Company';
    expect(renderCsv(r)).toContain('report,,,,,provider,"Acme, ""the"" Company"\r\n');
  });
});

describe('html', () => {
  it('references no external resource and has no script', async () => {
    const html = await renderHtml(report2015H1());
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).toContain('<th scope="col"');
    expect(html).toContain('<caption>Requests by country</caption>');
    expect(html).toMatch(/<svg[^>]* role="img" aria-labelledby="chart-by_country-title"/);
  });
  it('escapes every text value', async () => {
    const r = report2015H1();
    r.provider.name = '<script>alert("x")</script>';
    const html = await renderHtml(r);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });
});

describe('pdf', () => {
  it('is a PDF of a plausible length, byte-identical across renders', async () => {
    const a = await renderPdf(report2015H1Updated());
    const b = await renderPdf(report2015H1Updated());
    expect(a.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(Buffer.compare(a, b)).toBe(0);
    const pages = (a.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
    expect(pages).toBeGreaterThanOrEqual(6);
    // The standards annex (schema version 4) adds about four pages; the table of contents, and version 5's
    // history and takedown tables, about three more; version 6's "How we handle requests", informal requests,
    // access modes and takedowns by basis and state actor, about three more.
    expect(pages).toBeLessThanOrEqual(30);
  });
  it('leaves the report data it is given unchanged, and renders it again to the same bytes', async () => {
    const data = report2015H1Updated();
    const before = structuredClone(data);
    const first = await renderPdf(data);
    expect(data).toEqual(before);
    expect(Buffer.compare(await renderPdf(data), first)).toBe(0);
  });
  it('does not fetch or read anything a document names', async () => {
    const r = report2015H1();
    r.provider.name = 'https://example.invalid/x.png';
    const pdf = await renderPdf(r);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });
});
