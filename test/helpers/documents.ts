import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import pdfmake from 'pdfmake';
import { loadConfig, type Config } from '../../src/config.ts';
import type { Keyring } from '../../src/keys/keyring.ts';
import type { KeyringSource } from '../../src/keys/source.ts';

/** A keyring source that always holds exactly `ring` (another server's key, an old key after rotation). */
export const fixedKeys = (ring: Keyring): KeyringSource => ({
  ring: () => ring,
  reload: () => ring,
  open: (sealed, context) => ring.open(sealed, context),
  seal: (plain, context) => ring.seal(plain, context),
});

let configured = false;
/** A PDF made with pdfmake (already a dependency), so no binary fixture is needed. */
export async function makePdf(lines: string[]): Promise<Buffer> {
  if (!configured) {
    const require = createRequire(import.meta.url);
    const dir = path.join(path.dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto');
    const f = (s: string) => path.join(dir, `Roboto-${s}.ttf`);
    const fonts = {
      normal: f('Regular'),
      bold: f('Medium'),
      italics: f('Italic'),
      bolditalics: f('MediumItalic'),
    };
    pdfmake.setFonts({ Roboto: fonts });
    pdfmake.setUrlAccessPolicy(() => false);
    pdfmake.setLocalAccessPolicy((p) => Object.values(fonts).includes(p));
    configured = true;
  }
  return Buffer.from(
    await pdfmake
      .createPdf({ content: lines, info: { creationDate: new Date('2026-11-02T00:00:00Z') } })
      .getBuffer(),
  );
}

/** The served legal process of the tests: a grand jury subpoena naming an account, an address and a phone. */
export const SERVED = [
  'UNITED STATES DISTRICT COURT FOR THE NORTHERN DISTRICT OF CALIFORNIA',
  'Federal Bureau of Investigation',
  'GRAND JURY SUBPOENA',
  'Case No. GJ-2026-417',
  'To: Example Communications, Inc., Custodian of Records',
  'Produce basic subscriber information for account ID: AC7001 and the user jane.doe@example.org,',
  'telephone +1 (415) 555-0100.',
  'Dated: November 2, 2026',
];

/** A config for document tests: its own data directory (key file, documents folder), or S3 when given. */
export function documentsConfig(env: Record<string, string> = {}): Config {
  const dir = mkdtempSync(path.join(tmpdir(), 'candor-docs-'));
  return loadConfig({ CANDOR_DATA_DIR: dir, CANDOR_PUBLISH_REPO: path.join(dir, 'public'), ...env });
}

export const streamOf = (b: Buffer) => Readable.from([b]);

/** `n` pseudo-random bytes in 64 KiB pieces (a file that compresses badly, like real productions often do). */
export function randomFile(n: number): Buffer {
  return randomBytes(n);
}

export async function collect(s: AsyncIterable<Buffer | Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of s) parts.push(Buffer.from(p));
  return Buffer.concat(parts);
}

/** The entries of a zip (yauzl, which checks the central directory and each entry's CRC). */
export async function unzip(zip: Buffer): Promise<Map<string, Buffer>> {
  const yauzl = (await import('yauzl')).default;
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, z) => {
      if (err) return reject(err);
      const out = new Map<string, Buffer>();
      z.on('entry', (e: import('yauzl').Entry) => {
        z.openReadStream(e, (err2, s) => {
          if (err2) return reject(err2);
          collect(s).then((b) => {
            out.set(e.fileName, b);
            z.readEntry();
          }, reject);
        });
      });
      z.on('end', () => resolve(out));
      z.on('error', reject);
      z.readEntry();
    });
  });
}
