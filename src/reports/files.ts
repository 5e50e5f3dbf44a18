import { createHash } from 'node:crypto';
import { renderCsv } from './render/csv.ts';
import { renderDsaPart1, renderDsaPart2, renderDsaPart3, type DsaIdentification } from './render/dsa.ts';
import { renderHtml } from './render/html.ts';
import { renderJson } from './render/json.ts';
import { renderMarkdown } from './render/markdown.ts';
import { renderPdf } from './render/pdf.ts';
import { renderText } from './render/text.ts';
import type { ReportData } from './report-data.ts';
import { REPORT_FORMATS, type ReportFormat } from '../domain/vocabulary.ts';

/**
 * Every published file of a report, keyed by its path in the published layout (DESIGN.md: reports/<period>/).
 * Pure: the same data gives the same bytes, so a frozen version's file hashes can be checked at any time.
 */

export const FORMATS = REPORT_FORMATS;
export type Format = ReportFormat;

/** The published paths each format produces. */
export const FORMAT_FILES: Readonly<Record<Format, readonly string[]>> = {
  text: ['report.txt'],
  md: ['report.md'],
  csv: ['report.csv'],
  json: ['report.json'],
  html: ['report.html'],
  pdf: ['report.pdf'],
  dsa: ['dsa/part1.csv', 'dsa/part2.csv', 'dsa/part3.csv'],
};

/** DSA Annex I Part 2, produced since schema version 5 (December 2026). */
export const DSA_PART2 = 'dsa/part2.csv';

/**
 * Whether a version has a DSA Part 2 file: versions frozen before it was produced (schema version 4 and
 * earlier) were frozen without one, and are rendered and published with the files they were frozen with.
 */
export const hasDsaPart2 = (data: ReportData): boolean => data.schema_version >= 5;

/**
 * DSA Part 1 facts, taken from the data so a stored version renders identically later, wherever it is
 * rendered (the frozen file hashes, the API, the published repository): the dates stored in the DSA table
 * when the version was frozen; for versions frozen before they were stored, the publication date the
 * national-security windows were computed from (else the day it was generated) and the date of the
 * previous version of this report, if any.
 */
export function dsaIdentification(data: ReportData): DsaIdentification {
  const dsa = data.tables.dsa;
  // Fixed at freeze time (since December 2026), so the frozen files and the published repository agree.
  if (dsa?.publication_date !== undefined) {
    return {
      publication_date: dsa.publication_date,
      previous_publication_date: dsa.previous_publication_date ?? null,
    };
  }
  // Versions frozen earlier: what their stored hashes were computed from.
  const log = data.version.changelog.filter((c) => c.version < data.version.number);
  return {
    publication_date: data.tables.national_security?.publication_date ?? data.generated_at.slice(0, 10),
    previous_publication_date: log.length ? (log[log.length - 1]?.date ?? null) : null,
  };
}

/** Renders the files of the given formats (all by default). */
export async function renderFiles(
  data: ReportData,
  formats: readonly Format[] = FORMATS,
): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const text = (s: string) => Buffer.from(s, 'utf8');
  for (const f of formats) {
    if (f === 'text') files.set('report.txt', text(renderText(data)));
    if (f === 'md') files.set('report.md', text(renderMarkdown(data)));
    if (f === 'csv') files.set('report.csv', text(renderCsv(data)));
    if (f === 'json') files.set('report.json', text(renderJson(data)));
    if (f === 'html') files.set('report.html', text(await renderHtml(data)));
    if (f === 'pdf') files.set('report.pdf', await renderPdf(data));
    if (f === 'dsa') {
      files.set('dsa/part1.csv', text(renderDsaPart1(data, dsaIdentification(data))));
      if (hasDsaPart2(data)) files.set(DSA_PART2, text(renderDsaPart2(data)));
      files.set('dsa/part3.csv', text(renderDsaPart3(data)));
    }
  }
  return files;
}

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** `{ path: sha256 }` of every file, in path order. */
export function fileHashes(files: Map<string, Buffer>): Record<string, string> {
  return Object.fromEntries(
    [...files.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([p, b]) => [p, sha256(b)]),
  );
}
