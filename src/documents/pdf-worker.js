// Extracts the text of one PDF in a worker thread, so a large or hostile file never blocks the server's
// event loop. Plain JavaScript (like db/embedded-worker.js): a worker is started without the TypeScript loader.
// Input (workerData): { data: Uint8Array, maxChars: number }. Output (postMessage): { ok, text, pages } or
// { ok: false, error }.
import { parentPort, workerData } from 'node:worker_threads';

async function extract() {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = pdfjs.getDocument({
    data: workerData.data,
    // No fonts, scripts or network: text only.
    disableFontFace: true,
    isEvalSupported: false,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  const doc = await task.promise;
  const pages = [];
  let total = 0;
  try {
    for (let i = 1; i <= doc.numPages && total < workerData.maxChars; i++) {
      const page = await doc.getPage(i);
      const content = await page.getTextContent();
      let line = '';
      const lines = [];
      for (const item of content.items) {
        if (!('str' in item)) continue;
        line += item.str;
        if (item.hasEOL) {
          lines.push(line);
          line = '';
        }
      }
      if (line) lines.push(line);
      const text = lines.join('\n');
      total += text.length;
      pages.push(text);
      page.cleanup();
    }
  } finally {
    await doc.destroy();
  }
  return { text: pages.join('\n\f\n').slice(0, workerData.maxChars), pages: doc.numPages };
}

extract().then(
  (r) => parentPort.postMessage({ ok: true, ...r }),
  (e) => parentPort.postMessage({ ok: false, error: e && e.message ? String(e.message) : String(e) }),
);
