import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Font } from 'fontkit';
import type { Content, TableCell } from 'pdfmake/interfaces.js';
import type { DocTable } from './document.ts';
import { cellText } from './labels.ts';

/**
 * Tables that fit the page, whatever their shape. pdfmake sizes 'auto' and '*' columns but lets a table run
 * past the right margin when its words do not fit; here every column is measured with the font pdfmake will
 * draw it in (fontkit, which pdfmake uses underneath), and a table gets fixed column widths that fit the
 * content box: at the largest font size from FONT_SIZES at which its longest words fit, or, when they do not
 * fit even at the smallest, split into parts that each repeat the first column.
 */

/** The Roboto files bundled with pdfmake, as pdfmake's font descriptors name them. */
export function robotoFiles(): { normal: string; bold: string; italics: string; bolditalics: string } {
  const require = createRequire(import.meta.url);
  const fontDir = join(dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto');
  const font = (style: string) => join(fontDir, `Roboto-${style}.ttf`);
  return {
    normal: font('Regular'),
    bold: font('Medium'),
    italics: font('Italic'),
    bolditalics: font('MediumItalic'),
  };
}

let fonts: { normal: Font; bold: Font } | null = null;
const widths = new Map<string, number>();

/** Open the regular and bold Roboto for measuring (once; fontkit is loaded only by a command that builds a PDF). */
export async function loadMetrics(): Promise<void> {
  if (fonts) return;
  const { openSync } = await import('fontkit');
  const f = robotoFiles();
  fonts = { normal: openSync(f.normal) as Font, bold: openSync(f.bold) as Font };
}

/** Width of `text` at font size 1, in points (cached: a report repeats the same labels and numbers). */
export function textWidth(text: string, bold: boolean): number {
  const key = `${bold ? 'b' : 'n'}${text}`;
  const hit = widths.get(key);
  if (hit !== undefined) return hit;
  if (!fonts) throw new Error('textWidth before loadMetrics()');
  const font = bold ? fonts.bold : fonts.normal;
  const w = font.layout(text).advanceWidth / font.unitsPerEm;
  widths.set(key, w);
  return w;
}

/** Body font sizes tried in turn; headings are set one point smaller, at most 8. */
const FONT_SIZES = [9, 8, 7.5, 7, 6.5];
/** pdfmake's default cell padding, left plus right. */
const PAD = 8;
/** The first column's indent for rows under a group row. */
const INDENT = 10;
/** Room for what fontkit and pdfmake may measure differently (kerning, rounding). */
const SLACK = 1.03;

interface Measure {
  /** The longest word of each column, with padding: narrower and a word would cross the column's edge. */
  min: number[];
  /** Each column's widest cell on one line, with padding. */
  max: number[];
}

function measure(t: DocTable, size: number): Measure {
  const head = Math.min(8, size - 1);
  const min = t.head.map(() => 0);
  const max = t.head.map(() => 0);
  const see = (i: number, text: string, fontSize: number, bold: boolean, extra: number) => {
    const words = text.split(/\s+/).filter((w) => w !== '');
    const longest = Math.max(0, ...words.map((w) => textWidth(w, bold)));
    min[i] = Math.max(min[i]!, longest * fontSize * SLACK + extra + PAD);
    max[i] = Math.max(max[i]!, textWidth(text, bold) * fontSize * SLACK + extra + PAD);
  };
  t.head.forEach((h, i) => see(i, h, head, true, 0));
  for (const r of t.rows)
    r.cells.forEach((c, i) =>
      see(i, cellText(c), size, r.kind !== 'normal', i === 0 && r.indent ? INDENT : 0),
    );
  return { min, max };
}

/**
 * Column widths (without padding, as pdfmake takes them) summing to `room`: every column as wide as its widest
 * cell when that fits, the first (row labels) taking what is left; otherwise each column's longest word plus
 * a share of the rest in proportion to how much more it would use.
 */
function columnWidths(m: Measure, room: number): number[] {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  let w: number[];
  if (sum(m.max) <= room) {
    w = [...m.max];
    w[0]! += room - sum(m.max);
  } else {
    const spare = room - sum(m.min);
    const want = m.max.map((x, i) => x - m.min[i]!);
    const total = sum(want);
    w = m.min.map((x, i) => x + (total === 0 ? spare / m.min.length : (spare * want[i]!) / total));
  }
  return w.map((x) => Math.floor((x - PAD) * 100) / 100);
}

export interface FittedTable {
  table: DocTable;
  fontSize: number;
  /** pdfmake column widths, in points. */
  widths: number[];
}

/** `t` laid out to fit `room` points: one table, or parts of it side by side split into several. */
export function fitTable(t: DocTable, room: number): FittedTable[] {
  for (const size of FONT_SIZES) {
    const m = measure(t, size);
    if (m.min.reduce((a, b) => a + b, 0) <= room)
      return [{ table: t, fontSize: size, widths: columnWidths(m, room) }];
  }
  // Too many columns for any size: split them into parts that fit at the smallest size, each with the row labels.
  const size = FONT_SIZES.at(-1)!;
  const m = measure(t, size);
  const parts: number[][] = [];
  let cur: number[] = [];
  let used = m.min[0]!;
  for (let i = 1; i < t.head.length; i++) {
    if (cur.length > 0 && used + m.min[i]! > room) {
      parts.push(cur);
      cur = [];
      used = m.min[0]!;
    }
    cur.push(i);
    used += m.min[i]!;
  }
  parts.push(cur);
  return parts.map((cols, k) => {
    const keep = [0, ...cols];
    const part: DocTable = {
      ...t,
      id: `${t.id}_part${k + 1}`,
      caption: `${t.caption} (part ${k + 1} of ${parts.length})`,
      head: keep.map((i) => t.head[i]!),
      rows: t.rows.map((r) => ({ ...r, cells: keep.map((i) => r.cells[i] ?? '') })),
      ...(k === parts.length - 1 ? {} : { note: undefined }),
    };
    return { table: part, fontSize: size, widths: columnWidths(measure(part, size), room) };
  });
}

/** A fitted table as pdfmake content: the caption as the first header row, so it repeats on every page. */
export function pdfTable(f: FittedTable, style: { headColor: string; groupFill: string }): Content {
  const t = f.table;
  const n = t.head.length;
  const numeric = t.head.map(
    (_, i) => i > 0 && t.rows.every((r) => typeof r.cells[i] === 'number' || r.cells[i] === ''),
  );
  const caption: TableCell[] = [
    { text: t.caption, style: 'caption', colSpan: n, id: `table-${t.id}` } as TableCell,
    ...Array.from({ length: n - 1 }, () => ({}) as TableCell),
  ];
  const head: TableCell[] = t.head.map((h, i) => ({
    text: h,
    style: 'th',
    fontSize: Math.min(8, f.fontSize - 1),
    alignment: numeric[i] ? 'right' : 'left',
  }));
  const body: TableCell[][] = t.rows.map((r) =>
    r.cells.map((c, i) => ({
      text: cellText(c),
      alignment: numeric[i] ? 'right' : 'left',
      bold: r.kind !== 'normal',
      fillColor: r.kind === 'group' ? style.groupFill : undefined,
      margin: i === 0 && r.indent ? [INDENT, 0, 0, 0] : undefined,
    })),
  );
  return {
    stack: [
      {
        table: {
          headerRows: 2,
          keepWithHeaderRows: 1,
          dontBreakRows: true,
          widths: f.widths,
          body: [caption, head, ...body],
        },
        layout: {
          // No rule above the caption; a rule above the headings, a heavier one below them, hairlines between rows.
          hLineWidth: (i: number, node: { table: { body: unknown[] } }) =>
            i === 0 ? 0 : i === 2 ? 1 : i === 1 || i === node.table.body.length ? 0.8 : 0.3,
          vLineWidth: () => 0,
          hLineColor: (i: number) => (i <= 2 ? style.headColor : '#c8ced6'),
          paddingTop: () => 2.5,
          paddingBottom: () => 2.5,
        },
        fontSize: f.fontSize,
      },
      ...(t.note ? [{ text: t.note, style: 'note' } as Content] : []),
    ],
    margin: [0, 4, 0, 10],
    // Short tables stay on one page; long ones break between rows and repeat their caption and headings.
    unbreakable: t.rows.length <= 20,
  };
}

/**
 * The largest font size at which `text`, turned by `angle` degrees, fits a `w` x `h` box (pdfmake's own
 * 'auto' fits the whole page, margins included).
 */
export function fitRotated(text: string, angle: number, w: number, h: number): number {
  const a = (Math.abs(angle) * Math.PI) / 180;
  const [cos, sin] = [Math.cos(a), Math.sin(a)];
  // Per point of font size: the text's advance, and its line box (pdfmake's line height for Roboto is ~1.17).
  const tw = textWidth(text, true) * SLACK;
  const th = 1.2;
  return Math.floor(Math.min(w / (tw * cos + th * sin), h / (tw * sin + th * cos)));
}
