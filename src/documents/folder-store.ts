import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CandorError } from '../errors.ts';
import { BLOB_KEY, type BlobStore } from './store.ts';

const PART_OR_KEY = /^[0-9a-f]{32}(\.[0-9a-f]{12}\.part)?$/;

/**
 * Blobs in a folder (by default `<data dir>/documents`): directories 0700, files 0600, two levels of fan-out
 * (`ab/<key>`). A blob is written to a temporary name in the same directory and renamed into place once
 * complete, so a reader never sees half a blob.
 */
export function folderStore(root: string): BlobStore {
  // A blob, or (for delete) the temporary `.part` file of a write that died.
  const where = (key: string, pattern = BLOB_KEY) => {
    if (!pattern.test(key)) throw new CandorError('invalid', `not a blob name: ${key}`);
    return path.join(root, key.slice(0, 2), key);
  };
  return {
    description: `folder ${root}`,
    async put(key, body: Readable) {
      const file = where(key);
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      const tmp = `${file}.${randomBytes(6).toString('hex')}.part`;
      try {
        await pipeline(body, createWriteStream(tmp, { mode: 0o600, flags: 'wx' }));
        // On disk before the row that names it is committed: a crash never leaves a row without its blob.
        const h = await open(tmp, 'r+');
        await h.sync();
        await h.close();
        await rename(tmp, file);
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
    },
    async get(key) {
      const file = where(key);
      try {
        await stat(file);
      } catch {
        throw new CandorError(
          'not_found',
          `the blob of this document is missing from the ${this.description}`,
        );
      }
      return createReadStream(file, { highWaterMark: 256 * 1024 });
    },
    async delete(key) {
      await rm(where(key, PART_OR_KEY), { force: true });
    },
    async *list() {
      let dirs: string[];
      try {
        dirs = await readdir(root);
      } catch {
        return;
      }
      for (const d of dirs.filter((x) => /^[0-9a-f]{2}$/.test(x)).sort()) {
        for (const name of (await readdir(path.join(root, d))).sort()) {
          // A `.part` file is a write in progress or one that died: listed as it is, so gc can remove it.
          if (!PART_OR_KEY.test(name)) continue;
          const s = await stat(path.join(root, d, name)).catch(() => null);
          if (s) yield { key: name, modifiedAt: s.mtime };
        }
      }
    },
  };
}
