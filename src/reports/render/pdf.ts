import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { renderCharts } from '../charts.ts';
import type { ReportData } from '../report-data.ts';
import { reportDocument, type DocTable } from './document.ts';
import { formatCount, formatDate } from './labels.ts';
import { fitRotated, fitTable, loadMetrics, pdfTable, robotoFiles } from './pdf-table.ts';

/**
 * report.pdf with pdfmake 0.3 (server side). pdfmake fetches URLs and reads local files named in a
 * document unless told not to, and stamps the current time into the file: here fonts are loaded once into
 * its virtual file system, both access policies refuse everything, and the creation date comes from the
 * report (`generated_at`), so the same data always gives the same bytes.
 */

let configured = false;

/**
 * Point pdfmake at the Roboto fonts bundled with it, and lock down file and URL access: the local policy
 * admits exactly those four font files and nothing else, the URL policy admits nothing. (Absolute paths,
 * because the SVG renderer inside pdfmake opens font files by name itself.)
 */
async function configurePdfmake() {
  // Loaded on first use: commands that never build a PDF never pay for pdfmake.
  const { default: pdfmake } = await import('pdfmake');
  if (configured) return pdfmake;
  const fonts = robotoFiles();
  const allowed = new Set(Object.values(fonts));
  pdfmake.setFonts({ Roboto: fonts });
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy((path) => allowed.has(path));
  configured = true;
  return pdfmake;
}

/**
 * The page geometry, in points: US Letter, the content box inside `margins` [left, top, right, bottom], and
 * the bands above and below it where the running header and footer are drawn. Nothing else is drawn outside
 * the content box (src/reports/render/pdf-layout.test.ts renders every page and checks).
 */
export const PDF_PAGE = {
  width: 612,
  height: 792,
  margins: [54, 60, 54, 60] as [number, number, number, number],
  /** Top of the running header's one line, from the top of the page. */
  headerTop: 30,
  /** Top of the running footer's one line, from the bottom of the content box. */
  footerGap: 20,
  /** Font size of the header and footer line. */
  bandFontSize: 8,
} as const;

const ACCENT = '#2f5d8a';
const MUTED = '#5a6570';

/**
 * The watermark's size and angle: along the page's diagonal, as large as fits the content box (pdfmake's 'auto'
 * size fills the whole page, margins included).
 */
function watermarkFit(text: string): { fontSize: number; angle: number } {
  const angle = (Math.atan2(PDF_PAGE.height, PDF_PAGE.width) * -180) / Math.PI;
  const [l, t, r, b] = PDF_PAGE.margins;
  return { angle, fontSize: fitRotated(text, angle, PDF_PAGE.width - l - r, PDF_PAGE.height - t - b) };
}

/** A table longer than this many rows is moved to the annex of long tables at the end, leaving a pointer. */
const LONG_TABLE_ROWS = 40;

/** The width of the content box, which every table fits. */
const ROOM = PDF_PAGE.width - PDF_PAGE.margins[0] - PDF_PAGE.margins[2];

const tableContent = (t: DocTable): Content[] =>
  fitTable(t, ROOM).map((f) => pdfTable(f, { headColor: '#1b1f24', groupFill: '#eef2f6' }));

/** Render report.pdf: cover page, sections with tables and charts, definitions. */
export async function renderPdf(data: ReportData): Promise<Buffer> {
  const pdfmake = await configurePdfmake();
  await loadMetrics();
  // pdfmake writes layout state into the document it lays out, and the document model shares arrays with
  // the report (counting rules, paragraphs): build it from a private copy so the caller's data stays as it was.
  const doc = reportDocument(structuredClone(data));
  const charts = new Map((await renderCharts(data)).map((c) => [c.id as string, c]));
  const when = new Date(data.generated_at);
  const title = `${doc.title}: ${data.provider.name}, ${data.period.id}`;
  const marks = doc.marks.join(' - ');

  const cover: Content[] = [
    { text: data.provider.name, style: 'coverProvider', margin: [0, 150, 0, 8] },
    { text: doc.title, style: 'coverTitle' },
    { text: 'Government requests for customer information', style: 'coverSub', margin: [0, 4, 0, 24] },
    {
      canvas: [{ type: 'rect', x: 0, y: 0, w: 80, h: 4, color: ACCENT }],
      margin: [0, 0, 0, 24],
    },
    { text: `${formatDate(data.period.start)} to ${formatDate(data.period.end)}`, style: 'coverPeriod' },
    ...(doc.partial
      ? [{ text: doc.partial, bold: true, color: '#8a4500', margin: [0, 6, 0, 0] } as Content]
      : []),
    {
      text: `Version ${data.version.number}${data.version.status === 'draft' ? ' (draft)' : ''}, ${formatDate(data.generated_at)}`,
      style: 'coverMeta',
      margin: [0, 6, 0, 0],
    },
  ];
  // The cover holds a fixed amount, so it never spills onto a second page: an updated version's changelog,
  // which grows with every version, is on the contents page instead.
  if (doc.updated) {
    cover.push({
      table: {
        widths: ['*'],
        body: [
          [
            {
              text: [
                { text: doc.updated.banner, bold: true, color: '#8a4500' },
                { text: ' What changed, and why, is listed after the contents.', color: '#8a4500' },
              ],
              fillColor: '#fff4e5',
              margin: [6, 6, 6, 6],
            },
          ],
        ],
      },
      layout: { hLineColor: () => '#b35900', vLineColor: () => '#b35900' },
      margin: [0, 30, 0, 0],
    });
  }
  cover.push({
    table: {
      widths: ['auto', '*'],
      body: doc.facts.map(([k, v]) => [
        { text: k, bold: true, color: MUTED },
        { text: v, color: MUTED },
      ]),
    },
    layout: 'noBorders',
    fontSize: 8,
    margin: [0, 40, 0, 0],
    pageBreak: 'after',
  });

  // Page 2: the contents, then (an updated version) its changelog; the sections follow on the same page.
  const body: Content[] = [
    {
      toc: { title: { text: 'Contents', style: 'h2' }, textMargin: [0, 1, 0, 1] },
      margin: [0, 0, 0, 10],
    } as Content,
  ];
  if (doc.updated) {
    body.push({ text: 'Versions of this report', style: 'h2', tocItem: true } as Content, {
      ul: doc.updated.changelog.map(([w, what]) => ({ text: [{ text: `${w}: `, bold: true }, what] })),
      fontSize: 9,
      margin: [0, 0, 0, 8],
    });
  }
  // Tables longer than about a page go to an annex at the end, so a section reads through to the next.
  const annexed: DocTable[] = [];
  for (const s of doc.sections) {
    body.push({ text: s.heading, style: 'h2', headlineLevel: 2, tocItem: true } as Content);
    if (s.id === 'counting') {
      body.push({ ul: s.paragraphs, margin: [0, 0, 0, 8] });
    } else {
      for (const p of s.paragraphs) body.push({ text: p, margin: [0, 0, 0, 6] });
    }
    for (const sub of s.policy ?? []) {
      body.push({ text: sub.title, bold: true, fontSize: 11, margin: [0, 6, 0, 4] });
      if (sub.note) body.push({ text: sub.note, italics: true, fontSize: 9, margin: [0, 0, 0, 4] });
      for (const b of sub.blocks) {
        const item = b.kind === 'item' ? `${b.marker || ' '} ` : '';
        body.push({
          text: item + b.text,
          bold: b.kind === 'heading',
          margin: [b.kind === 'item' ? 12 * (b.depth + 1) : 0, 0, 0, b.kind === 'item' ? 2 : 6],
        });
      }
    }
    for (const t of s.tables) {
      if (t.id === 'definitions') {
        for (const r of t.rows) {
          body.push({
            text: [{ text: `${String(r.cells[0])}. `, bold: true }, String(r.cells[1])],
            margin: [0, 0, 0, 4],
          });
        }
      } else if (t.rows.length > LONG_TABLE_ROWS) {
        annexed.push(t);
        body.push({
          text: [
            { text: t.caption, bold: true },
            ` (${formatCount(t.rows.length)} rows) is in the annex of long tables, page `,
            { text: '', pageReference: `table-${fitTable(t, ROOM)[0]!.table.id}` },
            '.',
          ],
          margin: [0, 2, 0, 8],
        } as Content);
      } else {
        body.push(...tableContent(t));
      }
    }
    for (const id of s.charts) {
      const c = charts.get(id);
      if (c) body.push({ svg: c.svg, width: 400, margin: [0, 6, 0, 12], unbreakable: true } as Content);
    }
  }
  if (annexed.length > 0) {
    body.push(
      {
        text: 'Annex: long tables',
        style: 'h2',
        headlineLevel: 2,
        tocItem: true,
        pageBreak: 'before',
      } as Content,
      ...annexed.flatMap(tableContent),
    );
  }

  const definition: TDocumentDefinitions = {
    pageSize: { width: PDF_PAGE.width, height: PDF_PAGE.height },
    pageMargins: PDF_PAGE.margins,
    info: {
      title,
      author: data.provider.name,
      subject: 'Transparency report on government requests for customer information',
      creator: 'Candor',
      producer: 'Candor',
      creationDate: when,
      modDate: when,
    },
    // A draft or a partial period says so on every page, the cover included: in the header, the footer and
    // (a draft) a watermark, so no page printed or cut out of it can pass for the published report.
    ...(doc.marks.includes('DRAFT')
      ? {
          watermark: { text: 'DRAFT', color: '#b35900', opacity: 0.12, bold: true, ...watermarkFit('DRAFT') },
        }
      : {}),
    header: (page: number) =>
      page === 1 && !marks
        ? ''
        : {
            text: [
              ...(marks ? [{ text: `${marks}   `, bold: true, color: '#8a4500' }] : []),
              ...(page === 1 ? [] : [title]),
            ],
            alignment: 'right',
            fontSize: PDF_PAGE.bandFontSize,
            color: MUTED,
            margin: [PDF_PAGE.margins[0], PDF_PAGE.headerTop, PDF_PAGE.margins[2], 0],
          },
    footer: (page: number, pages: number) =>
      page === 1 && !marks
        ? ''
        : {
            columns: [
              {
                text: `Version ${data.version.number}${marks ? ` - ${marks}` : ''}`,
                fontSize: 8,
                color: marks ? '#8a4500' : MUTED,
                bold: Boolean(marks),
              },
              { text: `Page ${page} of ${pages}`, alignment: 'right', fontSize: 8, color: MUTED },
            ],
            margin: [PDF_PAGE.margins[0], PDF_PAGE.footerGap, PDF_PAGE.margins[2], 0],
          },
    content: [...cover, ...body],
    pageBreakBefore: (node) => {
      // Keep a heading with what follows it.
      const n = node as unknown as { headlineLevel?: number; startPosition: { verticalRatio: number } };
      return n.headlineLevel === 2 && n.startPosition.verticalRatio > 0.85;
    },
    defaultStyle: { font: 'Roboto', fontSize: 10, lineHeight: 1.2, color: '#1b1f24' },
    styles: {
      coverProvider: { fontSize: 16, color: ACCENT, bold: true },
      coverTitle: { fontSize: 34, bold: true },
      coverSub: { fontSize: 14, color: MUTED },
      coverPeriod: { fontSize: 14, bold: true },
      coverMeta: { fontSize: 11, color: MUTED },
      h2: { fontSize: 14, bold: true, color: ACCENT, margin: [0, 14, 0, 6] },
      caption: { fontSize: 9.5, bold: true, margin: [0, 2, 0, 3] },
      th: { bold: true, fontSize: 8 },
      note: { fontSize: 8, italics: true, color: MUTED, margin: [0, 3, 0, 0] },
    },
  };
  const out = pdfmake.createPdf(definition);
  return Buffer.from(await out.getBuffer());
}
