import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';

/**
 * A PDF as a person sees it: every page rasterised by poppler's `pdftoppm` (Debian's poppler-utils, installed
 * by .ci/run) and decoded with pngjs, and the text of each page from `pdftotext`.
 */

export interface PageImage {
  width: number;
  height: number;
  /** RGBA, row by row. */
  data: Buffer;
  /** Pixels per point. */
  scale: number;
}

function withPdf<T>(pdf: Buffer, f: (dir: string, file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'candor-pdf-'));
  try {
    const file = join(dir, 'in.pdf');
    writeFileSync(file, pdf);
    return f(dir, file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every page of `pdf` as pixels at `dpi` dots per inch. */
export function pdfPages(pdf: Buffer, dpi = 50): PageImage[] {
  return withPdf(pdf, (dir, file) => {
    execFileSync('pdftoppm', ['-r', String(dpi), '-png', file, join(dir, 'page')]);
    return readdirSync(dir)
      .filter((f) => f.startsWith('page') && f.endsWith('.png'))
      .sort()
      .map((f) => {
        const png = PNG.sync.read(readFileSync(join(dir, f)));
        return { width: png.width, height: png.height, data: png.data, scale: dpi / 72 };
      });
  });
}

/** The text of each page of `pdf`, in reading order. */
export function pdfPageTexts(pdf: Buffer): string[] {
  return withPdf(pdf, (_dir, file) =>
    execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).split('\f').slice(0, -1),
  );
}
