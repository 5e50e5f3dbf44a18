import type { Readable } from 'node:stream';
import yazl from 'yazl';
import type { DocumentRow } from '../../db/schema.ts';
import { CandorError } from '../../errors.ts';
import type { ProductionView } from '../../repositories/productions-repository.ts';
import type { Vault } from './vault.ts';
import type { Manifest } from '../../domain/production-manifest.ts';

/**
 * A production as a zip: `manifest.json` (its exact recorded bytes), `certification.txt` when one was made,
 * and the produced files under `files/`, each decrypted and verified as it is written. Entries carry the
 * production's time, so the same production always gives the same zip. Realm-neutral: the caller has
 * authorized and audits the download. A file that fails verification aborts the zip (the stream errors before
 * the central directory, so no unzip tool accepts what was sent).
 */
export function productionZip(
  vault: Vault,
  p: ProductionView,
  docs: ReadonlyMap<number, DocumentRow>,
): Readable {
  const manifest = JSON.parse(p.manifest) as Manifest;
  const missing = p.document_ids.map((id) => docs.get(id)).filter((d) => !d || d.removed_at);
  if (missing.length > 0) {
    const names = missing.map((d) =>
      d ? `${d.name} (removed ${d.removed_at!.toISOString().slice(0, 10)})` : 'a file',
    );
    throw new CandorError(
      'invalid_state',
      `production ${p.number} cannot be built again: ${names.join(', ')}; its manifest is still on record`,
    );
  }
  const zip = new yazl.ZipFile();
  const mtime = p.produced_at;
  const out = zip.outputStream as unknown as Readable;
  zip.on('error', (e: Error) => out.destroy(e));
  zip.addBuffer(Buffer.from(p.manifest, 'utf8'), 'manifest.json', { mtime, mode: 0o100644 });
  if (p.certification)
    zip.addBuffer(Buffer.from(p.certification, 'utf8'), 'certification.txt', { mtime, mode: 0o100644 });
  p.document_ids.forEach((id, i) => {
    const d = docs.get(id)!;
    const entry = manifest.files[i]!;
    zip.addReadStreamLazy(entry.path, { mtime, mode: 0o100644, size: d.size_bytes, compress: true }, (cb) => {
      vault.open(d).then(
        (s) => {
          s.on('error', (e) => out.destroy(e));
          cb(null, s);
        },
        (e: unknown) => out.destroy(e as Error),
      );
    });
  });
  zip.end();
  return out;
}
