import { describe, expect, it } from 'vitest';
import {
  report2015H1Policy,
  report2015H1WithoutPolicy,
} from '../../../test/fixtures/report-2015-h1-policy.ts';
import { expectGolden } from '../../../test/golden.ts';
import { extractPdfText } from '../../documents/pdf-text.ts';
import { reportDataSchema } from '../report-data.ts';
import { renderCsv } from './csv.ts';
import { renderHtml } from './html.ts';
import { renderJson } from './json.ts';
import { renderMarkdown } from './markdown.ts';
import { renderPdf } from './pdf.ts';
import { renderText } from './text.ts';

describe('"How we handle requests" in every format (golden files)', () => {
  const name = 'report-2015-h1-policy';
  it('prints every section, the provider’s words and the generated ones marked as such', async () => {
    const data = report2015H1Policy();
    expect(reportDataSchema.safeParse(data).success).toBe(true);
    expectGolden(`${name}.txt`, renderText(data));
    expectGolden(`${name}.md`, renderMarkdown(data));
    expectGolden(`${name}.json`, renderJson(data));
    expectGolden(`${name}.html`, await renderHtml(data));
    const text = renderText(data);
    expect(text).toContain('How we handle requests\n----------------------');
    expect(text).toContain('Notice to customers');
    expect(text).toMatch(/We always tell customers first/);
    // Seven of eight sections are generated and say so; the provider's own is not marked.
    expect(text.replace(/\s+/g, ' ').match(/the provider has not written this section/g)).toHaveLength(7);
  });

  it('renders the provider’s Markdown safely: no raw HTML, no control characters, no syntax as markup', async () => {
    const data = report2015H1Policy();
    const html = await renderHtml(data);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('**always**');
    expect(html).toContain('a court (https://example.com/2705b)');
    expect(html).not.toContain('href="https://example.com/2705b"');
    const md = renderMarkdown(data);
    expect(md).not.toContain('<script>');
    expect(md).toContain('- 1\\. A 2705(b) order');
    for (const out of [html, md, renderText(data), renderJson(data)]) expect(out).not.toContain('\u001b');
  });

  it('is a PDF section with its own contents entry', async () => {
    const r = await extractPdfText(await renderPdf(report2015H1Policy()));
    if (!r.ok) throw new Error(r.error);
    const text = r.text.replace(/\s+/g, ' ');
    // Once in the contents, once as the section's heading.
    expect(text.match(/How we handle requests/g)?.length).toBeGreaterThanOrEqual(2);
    expect(text).toContain('We always tell customers first');
  });

  it('leaves CSV and a version frozen without it as they were', () => {
    // CSV carries figures only: the policy is prose, published in the other formats (docs/reports.md).
    const csv = renderCsv(report2015H1Policy());
    expect(csv).not.toContain('We always tell');
    expect(csv).toContain('standards,standard,RDR-P10a,element,P10a.6,status,disclosed\r\n');
    expect(renderCsv(report2015H1WithoutPolicy())).toContain(
      'standards,standard,RDR-P10a,element,P10a.6,status,not_disclosed\r\n',
    );
    expect(renderText(report2015H1WithoutPolicy())).not.toContain('How we handle requests');
  });
});
