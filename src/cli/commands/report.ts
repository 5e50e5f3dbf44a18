import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { CandorError } from '../../errors.ts';
import { REPORT_FORMATS as FORMATS, type ReportFormat as Format } from '../../domain/vocabulary.ts';
import type { Scorecard, ScorecardStatus } from '../../reports/scorecard.ts';
import type { FrozenVersion } from '../../reports/versions.ts';
import { withContext } from '../context.ts';
import { err, out } from '../output.ts';

/** `candor report build|standards|freeze|correct|diff|versions` (docs/reports.md). */

const versionNumber = (s: string): number => {
  const n = Number(s.replace(/^v/i, ''));
  if (!Number.isInteger(n) || n < 1)
    throw new CandorError('invalid', `"${s}": expected a version like v1 or 2`);
  return n;
};

const date = (s: string | undefined): string | undefined => {
  if (s !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(s))
    throw new CandorError('invalid', `--publication-date: expected YYYY-MM-DD, got "${s}"`);
  return s;
};

/** The report's wording, imported by the commands that print it: `candor --help` does not load the report code. */
async function words() {
  const [diff, document, scorecard] = await Promise.all([
    import('../../reports/diff.ts'),
    import('../../reports/render/document.ts'),
    import('../../reports/scorecard.ts'),
  ]);
  return {
    describeChange: diff.describeChange,
    uncoveredText: document.uncoveredText,
    statusWords: scorecard.STATUS_WORDS,
  };
}

function writeFiles(dir: string, files: Map<string, Buffer>): void {
  for (const [p, bytes] of files) {
    const file = path.join(dir, p);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, bytes);
    out(`wrote ${file}`);
  }
}

/** The scorecard as text: one block per standard, one line per element, the counts last. */
function scorecardText(
  card: Scorecard & { period: string; version: number | null },
  statusWords: Readonly<Record<ScorecardStatus, string>>,
): string[] {
  const lines = [
    `Standards scorecard, ${card.period} ${card.version === null ? '(draft)' : `v${card.version}`}`,
  ];
  const width = Math.max(...card.standards.flatMap((s) => s.elements.map((e) => e.id.length)));
  for (const s of card.standards) {
    lines.push('', s.name, `  ${s.source_url}`);
    for (const e of s.elements) {
      const where = e.status === 'disclosed' || e.status === 'not_disclosed' ? e.where.join(', ') : e.note;
      lines.push(`  ${e.id.padEnd(width)}  ${statusWords[e.status].padEnd(14)}  ${where ?? ''}`.trimEnd());
    }
  }
  const c = card.counts;
  lines.push(
    '',
    `${c.disclosed} disclosed, ${c.not_collected} not collected, ${c.not_applicable} not applicable, ${c.not_disclosed} not disclosed`,
  );
  return lines;
}

export function register(p: Command): void {
  const report = p.command('report').description('transparency reports: build, freeze, correct, diff');

  report
    .command('build')
    .description(
      'compute a report from the record; text to stdout unless --out; shows drift from the latest frozen version',
    )
    .requiredOption('--period <period>', '2015-H1, 2015 or 2015-01-01..2015-03-31')
    .addOption(
      new Option('--format <format>', 'output format (default: text, or every format with --out)').choices(
        FORMATS,
      ),
    )
    .option('--out <dir>', 'write the files into this directory')
    .option('--version <n>', 'render a frozen version instead of the draft')
    .option('--publication-date <date>', 'planned publication date, YYYY-MM-DD (default: today)')
    .action(
      async (o: {
        period: string;
        format?: Format;
        out?: string;
        version?: string;
        publicationDate?: string;
      }) => {
        const publicationDate = date(o.publicationDate);
        const version = o.version === undefined ? undefined : versionNumber(o.version);
        await withContext(async ({ services, actor }) => {
          const formats: readonly Format[] = o.format ? [o.format] : o.out ? FORMATS : ['text'];
          if (!o.out && (formats[0] === 'pdf' || formats[0] === 'dsa'))
            throw new CandorError('invalid', `--format ${formats[0]} writes files: give --out DIR`);
          const files = new Map<string, Buffer>();
          for (const f of formats) {
            for (const [k, v] of await services.reports.render(actor, o.period, f, {
              version,
              publicationDate,
            }))
              files.set(k, v);
          }
          if (o.out) writeFiles(o.out, files);
          else process.stdout.write([...files.values()][0]!);
          if (version === undefined) {
            const { latest, drift } = await services.reports.build(actor, o.period, { publicationDate });
            if (latest === null) err(`(draft: ${o.period} has no frozen version yet)`);
            else if (drift.length === 0) err(`(no drift from frozen version ${latest})`);
            else {
              err(`drift from frozen version ${latest}: ${drift.length} cell(s) changed`);
              const { describeChange } = await words();
              for (const c of drift) err(`  ${describeChange(c)}`);
            }
          }
        });
      },
    );

  report
    .command('standards')
    .description(
      'the standards scorecard: each element of each standard disclosed, not collected, not applicable or not disclosed, and where',
    )
    .requiredOption('--period <period>', '2015-H1, 2015 or 2015-01-01..2015-03-31')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--version <n>', 'score a frozen version instead of the draft')
    .option('--publication-date <date>', 'planned publication date, YYYY-MM-DD (default: today)')
    .action(
      async (o: { period: string; format: 'text' | 'json'; version?: string; publicationDate?: string }) => {
        const publicationDate = date(o.publicationDate);
        const version = o.version === undefined ? undefined : versionNumber(o.version);
        const card = await withContext(({ services, actor }) =>
          services.reports.standards(actor, o.period, { version, publicationDate }),
        );
        if (o.format === 'json') return out(JSON.stringify(card, null, 2));
        for (const line of scorecardText(card, (await words()).statusWords)) out(line);
      },
    );

  report
    .command('freeze')
    .description(
      'store version 1 of a period’s report (data, file hashes, audit head; immutable), or of every complete half-year',
    )
    .option('--period <period>', '2015-H1, 2015 or 2015-01-01..2015-03-31')
    .option(
      '--all-complete',
      'every half-year that has ended and has no frozen version yet, oldest first; each is dated its last day plus CANDOR_NS_PUBLICATION_LAG_DAYS',
    )
    .option(
      '--publication-date <date>',
      'publication date, YYYY-MM-DD: fixes the national-security windows (default: today; with --period only)',
    )
    .option(
      '--allow-partial <reason>',
      'freeze a period that has not ended; the report says "partial period"',
    )
    .action(
      async (o: {
        period?: string;
        allComplete?: boolean;
        publicationDate?: string;
        allowPartial?: string;
      }) => {
        if (!o.period === !o.allComplete)
          throw new CandorError('invalid', 'give either --period P or --all-complete');
        if (o.allComplete && o.publicationDate !== undefined)
          throw new CandorError(
            'invalid',
            '--publication-date goes with --period; --all-complete dates each period itself',
          );
        const publicationDate = date(o.publicationDate);
        const line = (v: FrozenVersion) =>
          `froze ${v.period} v${v.number}: ${v.data.tables.summary.requests.count} requests, published ${v.data.tables.national_security?.publication_date ?? '-'} (audit head ${v.audit_head?.slice(0, 12) ?? 'none'})`;
        if (o.allComplete) {
          const r = await withContext(({ services, actor }) =>
            services.reports.freezeAllComplete(actor, { onFrozen: (v) => out(line(v)) }),
          );
          out(
            `${r.frozen.length} period${r.frozen.length === 1 ? '' : 's'} frozen${r.alreadyFrozen.length ? `; already frozen: ${r.alreadyFrozen.join(', ')}` : ''}`,
          );
          return;
        }
        const period = o.period!;
        const v = await withContext(({ services, actor }) =>
          services.reports.freeze(actor, period, { allowPartial: o.allowPartial, publicationDate }),
        );
        out(`froze ${v.period} v${v.number} at ${v.frozen_at} (audit head ${v.audit_head ?? 'none'})`);
        const ns = v.data.tables.national_security;
        if (ns) {
          out(`national-security windows as published on ${ns.publication_date}:`);
          for (const e of ns.entries)
            out(`  ${e.period ? `${e.period} ` : ''}${e.kind}: ${e.window.start} to ${e.window.end}`);
          for (const line of (await words()).uncoveredText(ns.uncovered ?? [])) out(`  ${line}`);
        }
        for (const [f, h] of Object.entries(v.file_hashes)) out(`  ${h}  ${f}`);
      },
    );

  report
    .command('correct')
    .description('store version N+1 with a changelog entry (what, why, method, date)')
    .requiredOption('--period <period>', 'the period to correct')
    .requiredOption('--reason <why>', 'why the report is corrected')
    .requiredOption('--method <how>', 'how the new figures were obtained')
    .option('--what <what>', 'what changed (default: the list of changed cells)')
    .option(
      '--allow-partial <reason>',
      'correct a period that has not ended; the report says "partial period"',
    )
    .option(
      '--approve-ns-disclosure <reason>',
      "counsel's reason to publish a correction that reveals requests moving into or out of national-security process (admin)",
    )
    .action(
      async (o: {
        period: string;
        reason: string;
        method: string;
        what?: string;
        allowPartial?: string;
        approveNsDisclosure?: string;
      }) => {
        const v = await withContext(({ services, actor }) =>
          services.reports.correct(actor, o.period, {
            why: o.reason,
            method: o.method,
            what: o.what,
            allowPartial: o.allowPartial,
            approveNsDisclosure: o.approveNsDisclosure,
          }),
        );
        out(`stored ${v.period} v${v.number}: ${v.data.tables.changes.length} cell(s) changed`);
        const { describeChange } = await words();
        for (const c of v.data.tables.changes) out(`  ${describeChange(c)}`);
      },
    );

  report
    .command('diff <period> <from> <to>')
    .description('every cell that changed between two frozen versions, e.g. candor report diff 2015-H1 v1 v2')
    .option('--json', 'print it as JSON')
    .action(async (period: string, from: string, to: string, o: { json?: boolean }) => {
      const changes = await withContext(({ services, actor }) =>
        services.reports.diff(actor, period, versionNumber(from), versionNumber(to)),
      );
      if (o.json) return out(JSON.stringify(changes, null, 2));
      if (changes.length === 0) out('no cell changed');
      const { describeChange } = await words();
      for (const c of changes) out(describeChange(c));
    });

  report
    .command('versions [period]')
    .description('list frozen versions')
    .option('--json', 'print it as JSON')
    .action(async (period: string | undefined, o: { json?: boolean }) => {
      const versions = await withContext(({ services, actor }) =>
        services.reports.frozenVersions(actor, period),
      );
      if (o.json) {
        const list = versions.map((v) => ({
          period: v.period,
          version: v.number,
          frozen_at: v.frozen_at,
          requests: v.data.tables.summary.requests.count,
          changelog: v.data.version.changelog,
        }));
        return out(JSON.stringify(list, null, 2));
      }
      if (versions.length === 0) out('no frozen versions');
      for (const v of versions) {
        const last = v.data.version.changelog[v.data.version.changelog.length - 1];
        out(
          `${v.period} v${v.number}  frozen ${v.frozen_at}  ${v.data.tables.summary.requests.count} requests  ${last?.why ?? ''}`,
        );
      }
    });
}
