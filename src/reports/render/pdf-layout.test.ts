import { describe, expect, it } from 'vitest';
import { report2015H1, report2015H1Updated } from '../../../test/fixtures/report-2015-h1.ts';
import { reportWide } from '../../../test/fixtures/report-wide.ts';
import { pdfPages, pdfPageTexts, type PageImage } from '../../../test/helpers/pdf-pages.ts';
import type { ReportData } from '../report-data.ts';
import { PDF_PAGE, renderPdf } from './pdf.ts';

/**
 * The PDF as printed: every page rendered to pixels with poppler's pdftoppm, then
 * - nothing is drawn outside the page margins PDF_PAGE declares, except the running header and footer in
 *   their bands (a table or a watermark wider than the content box shows here);
 * - no page but the last is nearly blank. The measure: the rows of the content box holding ink (a pixel
 *   darker than 160 in every channel: text, rules and bars, not the pale watermark or cell shading), from the
 *   first to the last, span at least a fifth of the content box's height. (A cover that spilt only its
 *   table of facts onto page 2 spans 17%; a page cut short by an unbreakable table of 20 rows keeps over half.)
 */

const DRAWN = 250;
const INK = 160;
const MIN_SPAN = 0.2;

type Box = [x0: number, y0: number, x1: number, y1: number];

function allowedBoxes(): Box[] {
  const { width: w, height: h, margins: m, headerTop, footerGap, bandFontSize } = PDF_PAGE;
  const band = bandFontSize * 1.6;
  const footerTop = h - m[3] + footerGap;
  return [
    [m[0], m[1], w - m[2], h - m[3]],
    [m[0], headerTop - 1, w - m[2], headerTop + band],
    [m[0], footerTop - 1, w - m[2], footerTop + band],
  ];
}

const darkest = (p: PageImage, x: number, y: number): number => {
  const i = (y * p.width + x) * 4;
  return Math.min(p.data[i]!, p.data[i + 1]!, p.data[i + 2]!);
};

/** The bounding box, in points, of what is drawn outside the allowed boxes; null when nothing is. */
function strayBox(p: PageImage): Box | null {
  // One pixel of slack either way: anti-aliasing spreads a glyph's edge into its neighbour.
  const boxes = allowedBoxes().map(
    ([x0, y0, x1, y1]) => [x0 * p.scale - 1, y0 * p.scale - 1, x1 * p.scale + 1, y1 * p.scale + 1] as Box,
  );
  let out: Box | null = null;
  for (let y = 0; y < p.height; y++)
    for (let x = 0; x < p.width; x++) {
      if (darkest(p, x, y) >= DRAWN) continue;
      if (boxes.some(([x0, y0, x1, y1]) => x >= x0 && x <= x1 && y >= y0 && y <= y1)) continue;
      const [px, py] = [Math.round(x / p.scale), Math.round(y / p.scale)];
      out = out
        ? [Math.min(out[0], px), Math.min(out[1], py), Math.max(out[2], px), Math.max(out[3], py)]
        : [px, py, px, py];
    }
  return out;
}

/** The share of the content box's height between its first and last inked row. */
function inkSpan(p: PageImage): number {
  const [l, t, r, b] = allowedBoxes()[0]!.map((v) => Math.round(v * p.scale));
  let first = -1;
  let last = -1;
  for (let y = t!; y < b!; y++)
    for (let x = l!; x < r!; x++)
      if (darkest(p, x, y) < INK) {
        if (first < 0) first = y;
        last = y;
        break;
      }
  return first < 0 ? 0 : (last - first + 1) / (b! - t!);
}

/** Each fixture rendered once for all the tests here (a long report takes seconds). */
const rendered = new Map<() => ReportData, Promise<Buffer>>();
function pdfOf(make: () => ReportData): Promise<Buffer> {
  if (!rendered.has(make)) rendered.set(make, renderPdf(make()));
  return rendered.get(make)!;
}

async function layoutProblems(pdf: Buffer): Promise<{ pages: number; problems: string[] }> {
  const pages = pdfPages(pdf);
  const problems: string[] = [];
  pages.forEach((p, i) => {
    const stray = strayBox(p);
    if (stray)
      problems.push(
        `page ${i + 1}: drawn outside the margins at x ${stray[0]}..${stray[2]}, y ${stray[1]}..${stray[3]} pt`,
      );
    const span = inkSpan(p);
    if (i < pages.length - 1 && span < MIN_SPAN)
      problems.push(`page ${i + 1}: nearly blank (ink spans ${Math.round(span * 100)}% of the content box)`);
  });
  return { pages: pages.length, problems };
}

describe('pdf layout, as rendered', () => {
  it.each([
    ['the 2015-H1 report', report2015H1],
    ['its corrected second version', report2015H1Updated],
    ['a draft with forty countries, every outcome and the DSA tables for every Member State', reportWide],
  ])('%s: nothing outside the margins, no nearly blank page', async (_name, make) => {
    const { pages, problems } = await layoutProblems(await pdfOf(make));
    expect(pages).toBeGreaterThan(3);
    expect(problems).toEqual([]);
  });

  it('keeps a long changelog off the cover, so page 2 is not a spill of the cover', async () => {
    const r = reportWide();
    r.version.status = 'frozen';
    r.version.changelog = Array.from({ length: 6 }, (_, i) => ({
      ...r.version.changelog[0]!,
      version: i + 1,
    }));
    expect((await layoutProblems(await renderPdf(r))).problems).toEqual([]);
  });

  it('lays out a partial period of a long report the same way', async () => {
    const r = reportWide();
    r.version.status = 'frozen';
    r.period.partial = {
      through: '2015-05-31',
      reason: "Frozen early for a regulator's deadline, with a longer reason than most to push the cover.",
    };
    expect((await layoutProblems(await renderPdf(r))).problems).toEqual([]);
  });

  it('has a table of contents after the cover, naming each section with its page', async () => {
    const texts = pdfPageTexts(await pdfOf(report2015H1));
    expect(texts[1]).toContain('Contents');
    for (const heading of ['What government requests did we receive?', 'Definitions'])
      expect(texts[1]).toMatch(new RegExp(`${heading.replace(/\?/g, '\\?')}[ .]+\\d+`));
    const defs = Number(/Definitions[ .]+(\d+)/.exec(texts[1]!)![1]);
    expect(texts[defs - 1]).toMatch(/^\s*Definitions\s*$/m);
  });

  it('says DRAFT on every page of a draft, in the header and the footer', async () => {
    const texts = pdfPageTexts(await pdfOf(reportWide));
    for (const [i, t] of texts.entries()) {
      const lines = t.split('\n').filter((l) => l.trim() !== '');
      expect(lines[0], `page ${i + 1} header`).toMatch(/DRAFT/);
      expect(lines.at(-1), `page ${i + 1} footer`).toMatch(/Version 5 - DRAFT/);
    }
  });
});
