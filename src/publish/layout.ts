import { cleanOutput } from '../domain/primitives.ts';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  TRANSPARENCY_REPORT,
  TRANSPARENCY_REPORT_V1,
  TRANSPARENCY_REPORT_V2,
  TRANSPARENCY_REPORT_V3,
  TRANSPARENCY_REPORT_V4,
  TRANSPARENCY_REPORT_V5,
} from '../../schema/index.ts';
import { CandorError } from '../errors.ts';
import { renderCsv } from '../reports/render/csv.ts';
import { periodText } from '../reports/render/document.ts';
import { dsaIdentification, DSA_PART2, hasDsaPart2 } from '../reports/files.ts';
import { renderDsaPart1, renderDsaPart2, renderDsaPart3 } from '../reports/render/dsa.ts';
import { escapeHtml } from '../html/jsx-runtime.ts';
import { renderHtml } from '../reports/render/html.ts';
import { renderJson } from '../reports/render/json.ts';
import { escapeMarkdown, renderMarkdown } from '../reports/render/markdown.ts';
import { renderPdf } from '../reports/render/pdf.ts';
import { renderText } from '../reports/render/text.ts';
import type { FrozenVersion } from '../reports/versions.ts';
import { describeChange } from '../reports/render/change-words.ts';
import { renderSitePages } from './site.tsx';

/**
 * The public repository's layout (DESIGN.md "Git repository layout"), as a pure function from every frozen
 * version to a map of path -> bytes. Nothing here reads the clock or the disk (but for the committed JSON
 * Schema), so the same versions always give byte-identical files and republishing changes nothing.
 *
 *   reports/<period>/report.{txt,md,csv,json,html,pdf}   the latest version of the period
 *   reports/<period>/dsa/part1.csv, part2.csv, part3.csv  EU DSA Annex I (when the DSA applies)
 *   reports/<period>/CHANGELOG.md                        every version, newest first
 *   reports/<period>/index.html                          the period's page of the site
 *   reports/<period>/v<N>/...                            every version's files, kept public (DSA Annex II)
 *   index.html, feed.xml, README.md, schema/transparency-report.v6.json (and v5 to v1), .gitattributes
 */

export type FileMap = Map<string, Buffer>;

/** The versions of one period, oldest first. */
export interface PeriodVersions {
  period: string;
  versions: FrozenVersion[];
  latest: FrozenVersion;
}

/** Files every version has, relative to `reports/<period>/` and `reports/<period>/v<N>/`. */
export const REPORT_FILES = [
  'report.txt',
  'report.md',
  'report.csv',
  'report.json',
  'report.html',
  'report.pdf',
] as const;
export const DSA_FILES = ['dsa/part1.csv', 'dsa/part2.csv', 'dsa/part3.csv'] as const;

/** Root files the layout owns besides `reports/` and `schema/`. */
export const ROOT_FILES = ['index.html', 'feed.xml', 'README.md', '.gitattributes'] as const;

export const periodDir = (period: string) => `reports/${period}`;
export const versionDir = (period: string, n: number) => `reports/${period}/v${n}`;
/** The tag of a version: `2015-H1-v2`; a day range's `..` (not allowed in a tag name) becomes `--`:
 *  `2015-01-01--2015-03-31-v1`. */
export const tagName = (period: string, n: number) => `${period.replace('..', '--')}-v${n}`;

const SCHEMA = readFileSync(TRANSPARENCY_REPORT);
const SCHEMA_V1 = readFileSync(TRANSPARENCY_REPORT_V1);
const SCHEMA_V2 = readFileSync(TRANSPARENCY_REPORT_V2);
const SCHEMA_V3 = readFileSync(TRANSPARENCY_REPORT_V3);
const SCHEMA_V4 = readFileSync(TRANSPARENCY_REPORT_V4);
const SCHEMA_V5 = readFileSync(TRANSPARENCY_REPORT_V5);

/** Groups versions by period (ordered by period start) after checking each is a consistent frozen version. */
export function groupByPeriod(versions: readonly FrozenVersion[]): PeriodVersions[] {
  const byPeriod = new Map<string, FrozenVersion[]>();
  for (const v of versions) {
    const problem =
      v.data.period.id !== v.period
        ? `its data is for period ${v.data.period.id}`
        : v.data.version.number !== v.number
          ? `its data says version ${v.data.version.number}`
          : v.data.version.status !== 'frozen'
            ? 'its data is not frozen'
            : v.data.audit_head !== v.audit_head
              ? 'its audit head differs from the one in its data'
              : null;
    if (problem) throw new CandorError('invalid_state', `version ${v.number} of ${v.period}: ${problem}`);
    const list = byPeriod.get(v.period) ?? [];
    if (list.some((o) => o.number === v.number))
      throw new CandorError('invalid_state', `version ${v.number} of ${v.period} is given twice`);
    list.push(v);
    byPeriod.set(v.period, list);
  }
  return [...byPeriod.entries()]
    .map(([period, list]) => {
      const sorted = [...list].sort((a, b) => a.number - b.number);
      return { period, versions: sorted, latest: sorted[sorted.length - 1]! };
    })
    .sort(
      (a, b) =>
        a.latest.data.period.start.localeCompare(b.latest.data.period.start) ||
        a.latest.data.period.end.localeCompare(b.latest.data.period.end) ||
        a.period.localeCompare(b.period),
    );
}

/** The publication date of a version: the day it was frozen (UTC). */
export const publicationDate = (v: FrozenVersion) => v.frozen_at.slice(0, 10);

// Rendering a PDF takes about a second; every publish re-renders every version, so keep recent results.
// Renderers are pure, so a cache keyed by the version's full content can never serve stale bytes.
const cache = new Map<string, Promise<Array<[string, Buffer]>>>();
const CACHE_SIZE = 64;

/**
 * Bytes already published, by repository path, each checked against the frozen version's file hash. A
 * version whose report files are all here is not rendered again: the bytes are the ones its hashes fix.
 */
export type Reuse = ReadonlyMap<string, Buffer>;

async function renderVersion(v: FrozenVersion, reuse: Reuse): Promise<Array<[string, Buffer]>> {
  const d = v.data;
  // The bytes it was frozen with, where kept; else the bytes already published (both fixed by its hashes).
  const frozen = Object.keys(v.file_hashes).filter((name) => v.files?.has(name));
  if (v.files && frozen.length === Object.keys(v.file_hashes).length) {
    return frozen.map((name) => [name, v.files!.get(name)!] as [string, Buffer]);
  }
  const kept = REPORT_FILES.map((name) => reuse.get(`${versionDir(v.period, v.number)}/${name}`));
  const files: Array<[string, Buffer]> = kept.every((b) => b !== undefined)
    ? REPORT_FILES.map((name, i) => [name, kept[i]!])
    : [
        ['report.txt', Buffer.from(renderText(d))],
        ['report.md', Buffer.from(renderMarkdown(d))],
        ['report.csv', Buffer.from(renderCsv(d))],
        ['report.json', Buffer.from(renderJson(d))],
        ['report.html', Buffer.from(await renderHtml(d))],
        ['report.pdf', await renderPdf(d)],
      ];
  if (d.tables.dsa) {
    // The same facts the frozen file hashes were computed from, so the published bytes match them.
    files.push(['dsa/part1.csv', Buffer.from(renderDsaPart1(d, dsaIdentification(d)))]);
    // Part 2 only for versions frozen with it, so every published file matches a frozen hash.
    if (hasDsaPart2(d)) files.push([DSA_PART2, Buffer.from(renderDsaPart2(d))]);
    files.push(['dsa/part3.csv', Buffer.from(renderDsaPart3(d))]);
  }
  return files;
}

function renderVersionCached(v: FrozenVersion, reuse: Reuse) {
  const key = createHash('sha256')
    .update(JSON.stringify([v.period, v.number, v.frozen_at, v.data]))
    .digest('hex');
  let hit = cache.get(key);
  if (!hit) {
    hit = renderVersion(v, reuse);
    hit.catch(() => cache.delete(key));
    cache.set(key, hit);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  return hit;
}

/** Every file of the public repository for these frozen versions (all periods). */
export async function repositoryFiles(
  versions: readonly FrozenVersion[],
  reuse: Reuse = new Map(),
): Promise<FileMap> {
  const periods = groupByPeriod(versions);
  const files: FileMap = new Map();
  const put = (path: string, content: string | Buffer) =>
    files.set(path, typeof content === 'string' ? Buffer.from(content) : content);

  for (const p of periods) {
    for (const v of p.versions) {
      const rendered = await renderVersionCached(v, reuse);
      for (const [name, bytes] of rendered) {
        put(`${versionDir(p.period, v.number)}/${name}`, bytes);
        if (v === p.latest) put(`${periodDir(p.period)}/${name}`, bytes);
      }
    }
    put(`${periodDir(p.period)}/CHANGELOG.md`, cleanOutput(changelog(p)));
  }
  for (const [path, html] of await renderSitePages(periods)) put(path, cleanOutput(html));
  put('feed.xml', cleanOutput(atomFeed(periods)));
  put('schema/transparency-report.v6.json', SCHEMA);
  // Versions 1 to 5 stay for readers of report.json files published before version 6.
  put('schema/transparency-report.v5.json', SCHEMA_V5);
  put('schema/transparency-report.v4.json', SCHEMA_V4);
  put('schema/transparency-report.v3.json', SCHEMA_V3);
  put('schema/transparency-report.v2.json', SCHEMA_V2);
  put('schema/transparency-report.v1.json', SCHEMA_V1);
  put('README.md', cleanOutput(readme(periods)));
  // CSV is CRLF by RFC 4180: keep git from converting it whatever core.autocrlf says.
  put('.gitattributes', '*.csv -text\n*.pdf binary\n');
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The changelog entry a version added (each version's data carries all entries up to itself). */
export function entryOf(v: FrozenVersion) {
  return v.data.version.changelog.find((c) => c.version === v.number) ?? null;
}

/** Words for the figures a version changed, one per line. */
export function changedFigures(v: FrozenVersion): string[] {
  return v.data.tables.changes.map((c) => describeChange(c));
}

function changelog(p: PeriodVersions): string {
  const d = p.latest.data;
  const out = [
    `# Changelog: ${escapeMarkdown(d.provider.name)} transparency report ${p.period}`,
    '',
    `${escapeMarkdown(periodText(d))}. Every version stays published in its own folder (\`v1/\`, \`v2/\`, ...);`,
    'the files next to this changelog are the latest version. Newest first.',
  ];
  for (const v of [...p.versions].reverse()) {
    const e = entryOf(v);
    out.push('', `## Version ${v.number}${v.number > 1 ? ' (correction)' : ''}: ${publicationDate(v)}`, '');
    if (e) {
      out.push(
        `- **What:** ${escapeMarkdown(e.what)}`,
        `- **Why:** ${escapeMarkdown(e.why)}`,
        `- **Method:** ${escapeMarkdown(e.method)}`,
        `- **Date:** ${e.date}`,
      );
    }
    out.push(
      `- **Frozen at:** ${v.frozen_at}`,
      `- **Audit log head at freeze:** \`${v.audit_head ?? 'none'}\``,
      `- **Files:** [v${v.number}/](v${v.number}/report.txt)`,
    );
    const changes = v.data.tables.changes;
    if (changes.length) {
      out.push('', 'Changed figures:', '', ...changes.map((c) => `- ${describeChange(c, escapeMarkdown)}`));
    }
  }
  return `${out.join('\n')}\n`;
}

/** A stable urn:uuid for a feed or an entry, derived from what it names. */
function urn(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Atom feed: one entry per publication and per correction, newest first. Links are relative. */
function atomFeed(periods: PeriodVersions[]): string {
  const all = periods.flatMap((p) => p.versions);
  const provider = periods[0]?.latest.data.provider.name ?? 'Transparency reports';
  const newest = [...all].sort(
    (a, b) =>
      b.frozen_at.localeCompare(a.frozen_at) || b.number - a.number || b.period.localeCompare(a.period),
  );
  const x = escapeHtml;
  const out = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${urn('candor-feed', provider)}</id>`,
    `  <title>${x(`${provider}: transparency reports`)}</title>`,
    `  <updated>${newest[0]?.frozen_at ?? '1970-01-01T00:00:00Z'}</updated>`,
    `  <author><name>${x(provider)}</name></author>`,
    '  <link rel="alternate" type="text/html" href="index.html"/>',
    '  <link rel="self" type="application/atom+xml" href="feed.xml"/>',
  ];
  for (const v of newest) {
    const e = entryOf(v);
    const correction = v.number > 1;
    const title = `${v.period} transparency report, version ${v.number}${correction ? ' (correction)' : ''}`;
    const s = v.data.tables.summary;
    const summary = [
      correction && e ? `Correction: ${e.what} Why: ${e.why} Method: ${e.method}` : (e?.what ?? ''),
      `${s.requests.count} requests concerning ${s.accounts_specified.count} accounts, ${periodText(v.data)}.`,
      ...changedFigures(v).map((c) => `Changed: ${c}.`),
    ]
      .filter(Boolean)
      .join(' ');
    out.push(
      '  <entry>',
      `    <id>${urn('candor-entry', provider, v.period, String(v.number))}</id>`,
      `    <title>${x(title)}</title>`,
      `    <updated>${v.frozen_at}</updated>`,
      `    <published>${v.frozen_at}</published>`,
      `    <link rel="alternate" type="text/html" href="${x(`${versionDir(v.period, v.number)}/report.html`)}"/>`,
      `    <link rel="related" type="application/json" href="${x(`${versionDir(v.period, v.number)}/report.json`)}"/>`,
      `    <category term="${correction ? 'correction' : 'publication'}"/>`,
      `    <summary>${x(summary)}</summary>`,
      '  </entry>',
    );
  }
  out.push('</feed>', '');
  return out.join('\n');
}

function readme(periods: PeriodVersions[]): string {
  const provider = periods[0]?.latest.data.provider.name ?? 'This provider';
  const rows = periods.map((p) => {
    const tags = p.versions.map((v) => `\`${tagName(p.period, v.number)}\``).join(', ');
    return `| [${p.period}](reports/${p.period}/report.txt) | ${p.latest.number} | ${tags} |`;
  });
  return `# ${escapeMarkdown(provider)}: transparency reports

Government requests for customer information received by ${escapeMarkdown(provider)}, published with
Candor. Every published version is a commit and a tag in
this repository, so every correction is visible as a plain diff. Open \`index.html\` in a browser for the
site (it works from a local checkout), or read the files directly.

| Period | Latest version | Tags |
| --- | ---: | --- |
${rows.join('\n')}

## Layout

- \`reports/<period>/report.txt\`, \`.md\`, \`.csv\`, \`.json\`, \`.html\`, \`.pdf\`: the latest version of a
  period's report in six formats with the same figures. \`report.json\` follows
  \`schema/transparency-report.v6.json\` (\`schema_version\` 6; files published earlier say 5, 4, 3, 2 or 1 and match
  \`schema/transparency-report.v5.json\`, \`v4.json\`, \`v3.json\`, \`v2.json\` or \`v1.json\`); \`report.csv\` is the same data in
  long form (one figure a row).
- \`reports/<period>/dsa/part1.csv\`, \`part2.csv\`, \`part3.csv\`: the EU Digital Services Act templates (Implementing
  Regulation (EU) 2024/2835, Annex I), where the DSA applies.
- \`reports/<period>/CHANGELOG.md\`: every version of the period, newest first: what changed, why, how the
  new figures were obtained, and when.
- \`reports/<period>/v<N>/\`: every version's files, unchanged since it was published. Earlier versions
  stay public.
- \`index.html\`, \`reports/<period>/index.html\`: the transparency site. \`feed.xml\`: an Atom feed of
  publications and corrections.

## Reading a correction

A corrected report is a new version: the files at the top of \`reports/<period>/\` are replaced, marked
"UPDATED VERSION" with the changelog at the top, and the earlier version stays in \`v<N>/\`. To see exactly
which figures changed:

    git diff <period>-v1 <period>-v2 -- reports/<period>/report.txt
    git show <period>-v2          # the tag says what was published and why

## Checking that the record was not rewritten

Each \`report.json\` carries \`audit_head\`: the head hash of the provider's hash-chained audit log when
the version was frozen. Anyone holding this repository and the provider's database can run
\`candor audit verify --against <this repository>\`; it fails if any anchored hash is no longer in the log
or the chain does not verify, so rewriting history after publication is detectable.
`;
}
