import { describe, expect, it } from 'vitest';
import { report2015H1 } from '../../../test/fixtures/report-2015-h1.ts';
import { renderCharts } from '../charts.ts';
import type { ReportData } from '../report-data.ts';
import { renderCsv } from './csv.ts';
import { renderHtml } from './html.ts';
import { renderJson } from './json.ts';
import { renderMarkdown } from './markdown.ts';
import { renderText } from './text.ts';

/** Issue 19 item 9: numbers people read. */

function big(): ReportData {
  const d = report2015H1();
  d.tables.summary.requests.count = 58903;
  d.tables.preservation.requests = 1234;
  return d;
}

describe('numbers people read', () => {
  it('separates thousands in text, Markdown and HTML, in tables and in prose', async () => {
    const d = big();
    for (const out of [renderText(d), renderMarkdown(d), await renderHtml(d)]) {
      expect(out).toContain('58,903 government requests');
      expect(out).toContain('1,234');
      expect(out).not.toMatch(/\b58903\b|\b1234\b/);
    }
  });

  it('keeps bare integers in CSV and JSON', () => {
    const d = big();
    expect(renderCsv(d)).toContain(',count,58903');
    expect(renderJson(d)).toContain('"count": 58903');
    expect(renderCsv(d)).not.toContain('58,903');
  });

  it('never cuts a chart label short mid-word', async () => {
    const d = report2015H1();
    const long = 'A country with a very long name that used to be cut short by the chart';
    d.tables.by_country[0]!.country_name = long;
    const svg = (await renderCharts(d)).find((c) => c.id === 'by_country')!.svg;
    expect(svg).toContain(`>${long}<`);
    expect(svg).not.toContain('…');
  });
});
