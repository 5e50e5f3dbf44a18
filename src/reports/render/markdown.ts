import { cleanOutput } from '../../domain/primitives.ts';
import type { ReportData } from '../report-data.ts';
import { reportDocument, type Cell, type DocTable } from './document.ts';
import { formatCount } from './labels.ts';

/** report.md: the same content as report.txt, as GitHub-flavoured Markdown tables. */

/** Escape text for a Markdown table cell or paragraph: no HTML, no table or emphasis syntax. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([|*_`[\]#])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

const cell = (c: Cell): string => (typeof c === 'number' ? formatCount(c) : escapeMarkdown(c));

export function markdownTable(table: DocTable): string[] {
  const numeric = table.head.map(
    (_, i) => i > 0 && table.rows.every((r) => typeof r.cells[i] === 'number' || r.cells[i] === ''),
  );
  const out = [
    `| ${table.head.map(escapeMarkdown).join(' | ')} |`,
    `|${numeric.map((n) => (n ? ' ---: ' : ' --- ')).join('|')}|`,
  ];
  for (const r of table.rows) {
    const cells = r.cells.map(cell);
    if (r.indent) cells[0] = `&emsp;${cells[0] ?? ''}`;
    const strong = r.kind === 'group' || r.kind === 'total';
    out.push(`| ${cells.map((c) => (strong && c !== '' ? `**${c}**` : c)).join(' | ')} |`);
  }
  return out;
}

/** Render the Markdown report. */
export function renderMarkdown(data: ReportData): string {
  const doc = reportDocument(data);
  const out: string[] = [`# ${escapeMarkdown(doc.title)}: ${escapeMarkdown(data.provider.name)}`, ''];
  out.push(escapeMarkdown(doc.subtitle), '');
  if (doc.marks.length) out.push(`**${doc.marks.map(escapeMarkdown).join(' · ')}**`, '');
  if (doc.partial) out.push(`> **${escapeMarkdown(doc.partial)}**`, '');
  if (doc.updated) {
    out.push(`> **${escapeMarkdown(doc.updated.banner)}**`, '>', '> Changelog:', '>');
    for (const [when, what] of doc.updated.changelog)
      out.push(`> - **${escapeMarkdown(when)}**: ${escapeMarkdown(what)}`);
    out.push('');
  }
  out.push('| | |', '| --- | --- |');
  for (const [k, v] of doc.facts) out.push(`| ${escapeMarkdown(k)} | ${escapeMarkdown(v)} |`);
  for (const section of doc.sections) {
    out.push('', `## ${escapeMarkdown(section.heading)}`);
    if (section.id === 'counting') {
      out.push('', ...section.paragraphs.map((p) => `- ${escapeMarkdown(p)}`));
    } else {
      for (const p of section.paragraphs) out.push('', escapeMarkdown(p));
    }
    for (const sub of section.policy ?? []) {
      out.push('', `### ${escapeMarkdown(sub.title)}`);
      if (sub.note) out.push('', `_${escapeMarkdown(sub.note)}_`);
      for (const b of sub.blocks) {
        if (b.kind === 'heading') out.push('', `**${escapeMarkdown(b.text)}**`);
        else if (b.kind === 'paragraph') out.push('', escapeMarkdown(b.text));
        else {
          // A list item as a bullet; an ordered item keeps its number as text ("1\."), never as list syntax.
          const indent = '  '.repeat(b.depth);
          const number = b.marker && b.marker !== '-' ? `${b.marker.replace('.', '\\.')} ` : '';
          if (!b.marker) out.push('', `${indent}  ${escapeMarkdown(b.text)}`);
          else {
            if (!out[out.length - 1]?.trimStart().startsWith('- ')) out.push('');
            out.push(`${indent}- ${number}${escapeMarkdown(b.text)}`);
          }
        }
      }
    }
    for (const table of section.tables) {
      if (table.id === 'definitions') {
        out.push('');
        for (const r of table.rows) out.push(`- **${cell(r.cells[0] ?? '')}**: ${cell(r.cells[1] ?? '')}`);
        continue;
      }
      out.push('', `**${escapeMarkdown(table.caption)}**`, '', ...markdownTable(table));
      if (table.note) out.push('', `_${escapeMarkdown(table.note)}_`);
    }
  }
  return cleanOutput(`${out.join('\n')}\n`);
}
