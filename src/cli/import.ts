import { Presets, SingleBar } from 'cli-progress';
import { withContext } from './context.ts';
import { out } from './output.ts';

/** `candor import FILE`: a progress bar on a terminal, quiet when piped. */
export async function runImport(
  file: string,
  o: { format?: 'csv' | 'jsonl'; maxErrors: string },
): Promise<void> {
  const bar = process.stderr.isTTY
    ? new SingleBar(
        {
          format: 'importing |{bar}| {percentage}% | {rows} rows | {eta_formatted} left',
          stream: process.stderr,
        },
        Presets.shades_classic,
      )
    : null;
  let barStarted = false;
  const t0 = Date.now();
  try {
    const r = await withContext(({ services, actor }) =>
      services.imports.importFile(actor, file, {
        format: o.format,
        maxErrors: Number(o.maxErrors) || 50,
        onProgress: (p) => {
          if (!bar) return;
          if (!barStarted) {
            barStarted = true;
            bar.start(p.totalBytes, 0, { rows: 0 });
          }
          bar.update(p.bytes, { rows: p.rows });
        },
      }),
    );
    bar?.stop();
    const secs = (Date.now() - t0) / 1000;
    out(
      `imported ${r.file}: ${r.rows} rows, ${r.created} new, ${r.unchanged} already recorded (unchanged), ` +
        `${r.overrides} carried past the policy gate with an override_reason ` +
        `in ${secs.toFixed(1)} s; sha256 ${r.sha256}`,
    );
  } finally {
    bar?.stop();
  }
}
