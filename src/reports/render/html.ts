import { cleanOutput } from '../../domain/primitives.ts';
import { escapeHtml } from '../../html/jsx-runtime.ts';
import { renderCharts, type Chart } from '../charts.ts';
import type { ReportData } from '../report-data.ts';
import { reportDocument, type DocTable } from './document.ts';
import { cellText } from './labels.ts';
import type { PolicyDocSection } from './policy-blocks.ts';

/**
 * report.html: one standalone page. Inline CSS, inline SVG charts, no scripts and no external resources,
 * so it can be archived, mirrored and opened offline. Every text value is escaped here, once.
 */

const CSS = `
body{font:15px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1b1f24;max-width:58rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.9rem;margin:0 0 .25rem}h2{font-size:1.3rem;margin:2.5rem 0 .5rem;border-bottom:2px solid #2f5d8a;padding-bottom:.2rem}
.subtitle{color:#4a5560;margin:0 0 1rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;font-size:.9rem}dl.facts dt{font-weight:600}dl.facts dd{margin:0;overflow-wrap:anywhere}
.updated{border:2px solid #b35900;background:#fff4e5;padding:.75rem 1rem;margin:1rem 0}.updated strong{color:#8a4500}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{padding:.25rem .6rem;border-bottom:1px solid #d8dde3;vertical-align:top}thead th{border-bottom:2px solid #1b1f24;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}tr.group th,tr.group td{font-weight:600;background:#f2f5f8}
tr.total th,tr.total td{font-weight:700;border-top:2px solid #1b1f24}th.indent{padding-left:1.6rem}tbody th{font-weight:normal;text-align:left}
.note{font-size:.85rem;color:#4a5560}figure{margin:1.5rem 0}svg{max-width:100%;height:auto}
dl.definitions dt{font-weight:600;margin-top:.5rem}dl.definitions dd{margin:0 0 0 1rem}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}table,figure{break-inside:avoid}}
`.trim();

function table(t: DocTable): string {
  const numeric = t.head.map(
    (_, i) => i > 0 && t.rows.every((r) => typeof r.cells[i] === 'number' || r.cells[i] === ''),
  );
  const head = t.head
    .map((h, i) => `<th scope="col"${numeric[i] ? ' class="n"' : ''}>${escapeHtml(h)}</th>`)
    .join('');
  const body = t.rows
    .map((r) => {
      const cells = r.cells
        .map((c, i) =>
          i === 0
            ? `<th scope="row"${r.indent ? ' class="indent"' : ''}>${escapeHtml(String(c))}</th>`
            : `<td${numeric[i] ? ' class="n"' : ''}>${escapeHtml(cellText(c))}</td>`,
        )
        .join('');
      return `<tr${r.kind === 'normal' ? '' : ` class="${r.kind}"`}>${cells}</tr>`;
    })
    .join('\n');
  const note = t.note ? `\n<p class="note">${escapeHtml(t.note)}</p>` : '';
  return `<table id="table-${escapeHtml(t.id)}">\n<caption>${escapeHtml(t.caption)}</caption>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>${note}`;
}

const figure = (c: Chart): string =>
  `<figure id="chart-${c.id}">\n${c.svg}\n<figcaption class="note">${escapeHtml(c.description)}</figcaption>\n</figure>`;

/** Render the standalone HTML page (async: charts are rendered by Vega). */
export async function renderHtml(data: ReportData): Promise<string> {
  const doc = reportDocument(data);
  const charts = new Map((await renderCharts(data)).map((c) => [c.id as string, c]));
  const out: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(`${doc.title}: ${data.provider.name}, ${data.period.id}`)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${escapeHtml(doc.title)}</h1>`,
    `<p class="subtitle">${escapeHtml(doc.subtitle)}</p>`,
    ...(doc.marks.length
      ? [`<p class="marks"><strong>${escapeHtml(doc.marks.join(' · '))}</strong></p>`]
      : []),
    ...(doc.partial
      ? [
          `<section class="updated" aria-label="Partial period"><p><strong>${escapeHtml(doc.partial)}</strong></p></section>`,
        ]
      : []),
  ];
  if (doc.updated) {
    out.push(
      '<section class="updated" aria-label="Updated version">',
      `<p><strong>${escapeHtml(doc.updated.banner)}</strong></p>`,
      '<ul>',
      ...doc.updated.changelog.map(
        ([when, what]) => `<li><strong>${escapeHtml(when)}</strong>: ${escapeHtml(what)}</li>`,
      ),
      '</ul>',
      '</section>',
    );
  }
  out.push(
    '<dl class="facts">',
    ...doc.facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`),
    '</dl>',
    '</header>',
    '<main>',
  );
  for (const s of doc.sections) {
    out.push(`<section id="${escapeHtml(s.id)}">`, `<h2>${escapeHtml(s.heading)}</h2>`);
    if (s.id === 'counting') {
      out.push('<ul>', ...s.paragraphs.map((p) => `<li>${escapeHtml(p)}</li>`), '</ul>');
    } else {
      out.push(...s.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`));
    }
    for (const sub of s.policy ?? []) out.push(...policyHtml(sub));
    for (const t of s.tables) {
      if (t.id === 'definitions') {
        out.push(
          '<dl class="definitions">',
          ...t.rows.map(
            (r) => `<dt>${escapeHtml(String(r.cells[0]))}</dt><dd>${escapeHtml(String(r.cells[1]))}</dd>`,
          ),
          '</dl>',
        );
      } else {
        out.push(table(t));
      }
    }
    for (const id of s.charts) {
      const c = charts.get(id);
      if (c) out.push(figure(c));
    }
    out.push('</section>');
  }
  out.push('</main>', '</body>', '</html>', '');
  return cleanOutput(out.join('\n'));
}

/**
 * One "How we handle requests" sub-section: the provider's Markdown reduced to plain blocks (policy-blocks.ts)
 * and escaped here like every other text, so nothing of the provider's reaches the page as markup.
 */
function policyHtml(sub: PolicyDocSection): string[] {
  const out = [`<h3>${escapeHtml(sub.title)}</h3>`];
  if (sub.note) out.push(`<p class="generated"><em>${escapeHtml(sub.note)}</em></p>`);
  let open = false;
  for (const b of sub.blocks) {
    if (b.kind === 'item' && !open) out.push('<ul class="policy">');
    if (b.kind !== 'item' && open) out.push('</ul>');
    open = b.kind === 'item';
    if (b.kind === 'heading') out.push(`<h4>${escapeHtml(b.text)}</h4>`);
    else if (b.kind === 'paragraph') out.push(`<p>${escapeHtml(b.text)}</p>`);
    else {
      const marker = b.marker && b.marker !== '-' ? `${b.marker} ` : '';
      const style = b.depth ? ` style="margin-left:${b.depth * 1.5}em"` : '';
      out.push(`<li${style}${b.marker ? '' : ' class="more"'}>${escapeHtml(marker + b.text)}</li>`);
    }
  }
  if (open) out.push('</ul>');
  return out;
}
