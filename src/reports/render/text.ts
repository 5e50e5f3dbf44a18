import { cleanOutput } from '../../domain/primitives.ts';
import type { ReportData } from '../report-data.ts';
import { reportDocument, type DocTable } from './document.ts';
import { cellText as formatCell } from './labels.ts';

/**
 * report.txt: the plain-text report, in the spirit of Twilio's 2015 text file. Fixed width (78 columns),
 * LF line endings, only ASCII punctuation of our own, so it reads the same in a terminal, in `git diff`
 * and on GitHub.
 */

const WIDTH = 78;

/** Greedy word wrap to `width`, each line prefixed with `indent`. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(indent + line);
  return lines;
}

/** A table with aligned columns: text left, numbers right, headings wrapped over several lines. */
export function textTable(table: DocTable, indent = '  '): string[] {
  const cols = table.head.length;
  const cellText = table.rows.map((r) =>
    r.cells.map((c, i) => (i === 0 && r.indent ? `  ${c}` : formatCell(c))),
  );
  const numeric = table.head.map(
    (_, i) => i > 0 && table.rows.every((r) => typeof r.cells[i] === 'number' || r.cells[i] === ''),
  );
  // Headings wrap at spaces, so a column is as wide as its longest cell or its longest heading word.
  const widths = table.head.map((h, i) =>
    Math.max(...h.split(' ').map((w) => w.length), ...cellText.map((r) => (r[i] ?? '').length)),
  );
  const headLines = table.head.map((h, i) => wrap(h, widths[i] ?? 0));
  const headHeight = Math.max(...headLines.map((l) => l.length));
  const pad = (s: string, i: number) => (numeric[i] ? s.padStart(widths[i] ?? 0) : s.padEnd(widths[i] ?? 0));
  const line = (cells: string[]) => (indent + cells.map((c, i) => pad(c, i)).join('  ')).trimEnd();
  const out: string[] = [];
  for (let l = 0; l < headHeight; l++) {
    // Bottom-align wrapped headings so the last line of every heading sits on the rule.
    out.push(line(headLines.map((hl) => hl[l - (headHeight - hl.length)] ?? '')));
  }
  out.push(indent + widths.map((w) => '-'.repeat(w)).join('  '));
  table.rows.forEach((r, ri) => {
    const cells = cellText[ri] ?? [];
    if (r.kind === 'total' && ri > 0) out.push(indent + widths.map((w) => '-'.repeat(w)).join('  '));
    out.push(line(r.kind === 'group' ? cells.map((c, i) => (i === 0 ? c.toUpperCase() : c)) : cells));
  });
  if (cols === 0) return [];
  return out;
}

function heading(text: string, underline: string): string[] {
  return [text, underline.repeat(Math.min(text.length, WIDTH))];
}

/** Render the plain-text report. */
export function renderText(data: ReportData): string {
  const doc = reportDocument(data);
  const out: string[] = [];
  out.push(...heading(`${doc.title.toUpperCase()}: ${data.provider.name}`, '='));
  out.push(...wrap(doc.subtitle, WIDTH), '');
  if (doc.marks.length) out.push(`[${doc.marks.join('] [')}]`, '');
  if (doc.partial) out.push(...wrap(doc.partial, WIDTH), '');
  if (doc.updated) {
    out.push('*'.repeat(WIDTH));
    out.push(...wrap(doc.updated.banner, WIDTH, '* '));
    out.push('*', '* Changelog:');
    for (const [when, what] of doc.updated.changelog) {
      out.push(`*   ${when}`, ...wrap(what, WIDTH, '*     '));
    }
    out.push('*'.repeat(WIDTH), '');
  }
  const factWidth = Math.max(...doc.facts.map(([k]) => k.length));
  for (const [k, v] of doc.facts) out.push(`${`${k}:`.padEnd(factWidth + 1)}  ${v}`);
  for (const section of doc.sections) {
    out.push('', '', ...heading(section.heading, '-'));
    for (const p of section.paragraphs) {
      out.push('');
      out.push(
        ...(section.id === 'counting'
          ? wrap(p, WIDTH, '  ').map((l, i) => (i === 0 ? `- ${l.slice(2)}` : l))
          : wrap(p, WIDTH)),
      );
    }
    for (const sub of section.policy ?? []) {
      out.push('', sub.title);
      if (sub.note) out.push(...wrap(`(${sub.note})`, WIDTH));
      for (const b of sub.blocks) {
        const indent = b.kind === 'item' ? '  '.repeat(b.depth + 1) : '';
        if (b.kind !== 'item' || b.marker) out.push('');
        out.push(
          ...(b.kind === 'item'
            ? wrap(`${b.marker || ' '} ${b.text}`, WIDTH, indent)
            : wrap(b.kind === 'heading' ? b.text.toUpperCase() : b.text, WIDTH)),
        );
      }
    }
    for (const table of section.tables) {
      out.push('');
      if (table.id === 'definitions') {
        for (const r of table.rows) out.push(String(r.cells[0]), ...wrap(String(r.cells[1]), WIDTH, '    '));
        continue;
      }
      out.push(...wrap(table.caption, WIDTH), '');
      out.push(...textTable(table));
      if (table.note) out.push('', ...wrap(table.note, WIDTH, '  '));
    }
  }
  return cleanOutput(`${out.join('\n')}\n`);
}
