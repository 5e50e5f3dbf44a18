import { Worker } from 'node:worker_threads';

/** PDFs larger than this are stored but their text is not extracted (their bytes would sit in memory). */
export const PDF_TEXT_MAX_BYTES = 32 * 1024 * 1024;
/** At most this much text is kept of one PDF. */
export const PDF_TEXT_MAX_CHARS = 1_000_000;
const TIMEOUT_MS = 120_000;
const workerUrl = new URL('./pdf-worker.js', import.meta.url);

export type PdfText = { ok: true; text: string; pages: number } | { ok: false; error: string };

// At most two PDFs are read at once; the others wait their turn (each worker holds its file in memory).
let running = 0;
const waiting: Array<() => void> = [];
async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/**
 * Extracts the text of a PDF with pdfjs-dist in a worker thread: off the event loop, with its own memory
 * limit and a time limit, so a malformed or hostile PDF yields a message, never a stalled or crashed server.
 */
export function extractPdfText(data: Uint8Array): Promise<PdfText> {
  return slot(
    () =>
      new Promise<PdfText>((resolve) => {
        const worker = new Worker(workerUrl, {
          workerData: { data, maxChars: PDF_TEXT_MAX_CHARS },
          resourceLimits: { maxOldGenerationSizeMb: 512 },
          stdout: true,
          stderr: true,
        });
        let settled = false;
        const done = (r: PdfText) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          void worker.terminate();
          resolve(r);
        };
        const timer = setTimeout(
          () => done({ ok: false, error: 'reading the PDF took longer than two minutes' }),
          TIMEOUT_MS,
        );
        worker.once('message', (m: PdfText) => done(m));
        worker.once('error', (e) => done({ ok: false, error: e.message }));
        worker.once('exit', (code) => done({ ok: false, error: `the PDF reader stopped (exit ${code})` }));
      }),
  );
}
