import { SingleBar, Presets } from 'cli-progress';
import { withContext } from './context.ts';
import { out } from './output.ts';

/** `candor import FILE`: a progress bar on a terminal, quiet when piped. */
export async function runImport(
  file: string,
  o: { format?: 'csv' | 'jsonl'; maxErrors: string },
): Promise<void> {
  const tty = process.stderr.isTTY;
  const bar = tty
    ? new SingleBar(
        {
          format: '{phase} |{bar}| {percentage}% | {rows} rows | {eta_formatted} left',
          stream: process.stderr,
        },
        Presets.shades_classic,
      )
    : null;
  let phase = '';
  const started = Date.now();
  try {
    const r = await withContext(({ services, actor }) =>
      services.imports.importFile(actor, file, {
        format: o.format,
        maxErrors: Number(o.maxErrors) || 50,
        onProgress: (p) => {
          if (!bar) return;
          if (p.phase !== phase) {
            if (phase) bar.stop();
            phase = p.phase;
            bar.start(p.totalBytes, 0, { phase: phase === 'validate' ? 'checking' : 'writing ', rows: 0 });
          }
          bar.update(
            p.phase === 'write' ? Math.min(p.totalBytes, Math.round(p.totalBytes * 0.999)) : p.bytes,
            {
              rows: p.rows,
            },
          );
        },
      }),
    );
    bar?.stop();
    const secs = (Date.now() - started) / 1000;
    out(
      `imported ${r.file}: ${r.rows} rows, ${r.created} new, ${r.unchanged} already recorded (unchanged) ` +
        `in ${secs.toFixed(1)} s; sha256 ${r.sha256}`,
    );
  } finally {
    bar?.stop();
  }
}
