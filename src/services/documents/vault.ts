import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileTypeFromBuffer } from 'file-type';
import type { Config } from '../../config.ts';
import type { DocumentRow, DocumentTextStatus } from '../../db/schema.ts';
import { decryptChunks, encryptStream } from '../../documents/cipher.ts';
import { extractPdfText, PDF_TEXT_MAX_BYTES } from '../../documents/pdf-text.ts';
import type { BlobStore } from '../../documents/store.ts';
import { CandorError } from '../../errors.ts';
import { keyringOf } from '../../keys/keyring.ts';
import { sealedKeyId, type KeyringSource } from '../../keys/source.ts';

/**
 * The document vault: encrypts files into the blob store and decrypts them out of it. It knows nothing of
 * users, roles or realms — every caller (the legal team's services here; the agency portal's later)
 * authorizes first and writes its own audit events. Names, types and hashes are facts it returns; the
 * caller stores them.
 */

export interface VaultDeps {
  config: Config;
  keys: KeyringSource;
  store: () => BlobStore;
}

export interface Ingested {
  blobKey: string;
  sha256: string;
  size: number;
  mediaType: string;
  wrappedKey: string;
  keyId: string;
  text: { status: DocumentTextStatus; sealed: string | null; note: string | null; plain: string | null };
}

const HEAD_BYTES = 4100;
const mib = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;
/** What a document's data key is sealed for: its blob, so a wrapped key copied to another row does not open. */
export const keyContext = (blobKey: string) => `document:${blobKey}`;
const textContext = (blobKey: string) => `document-text:${blobKey}`;

/** Counts, hashes and samples the plaintext as it passes; refuses past the size limit. */
class Inspector extends Transform {
  size = 0;
  readonly hash = createHash('sha256');
  head: Buffer[] = [];
  headBytes = 0;
  /** The whole file, kept only for a PDF small enough to read its text. */
  pdf: Buffer[] | null = null;
  error: CandorError | null = null;
  constructor(private readonly maxBytes: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
    if (this.size === 0 && this.headBytes === 0 && chunk.subarray(0, 5).toString('latin1') === '%PDF-')
      this.pdf = [];
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      this.error = new CandorError('invalid', `the file is larger than the ${mib(this.maxBytes)} limit`, [
        { field: 'file', message: `larger than ${mib(this.maxBytes)} (CANDOR_DOCUMENT_MAX_BYTES)` },
      ]);
      done(this.error);
      return;
    }
    this.hash.update(chunk);
    if (this.headBytes < HEAD_BYTES) {
      this.head.push(chunk);
      this.headBytes += chunk.length;
    }
    if (this.pdf) {
      if (this.size <= PDF_TEXT_MAX_BYTES) this.pdf.push(chunk);
      else this.pdf = null;
    }
    done(null, chunk);
  }
}

/** The media type, from the content (never from the name or what the client claimed). */
async function mediaTypeOf(head: Buffer): Promise<string> {
  const t = await fileTypeFromBuffer(head);
  if (t) return t.mime;
  if (head.length === 0) return 'application/octet-stream';
  // Text has no magic number: valid UTF-8 without NUL bytes (the sample may cut the last character).
  const sample = head.subarray(0, Math.max(0, head.length - 4));
  if (!sample.includes(0)) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(sample);
      return 'text/plain';
    } catch {
      // binary
    }
  }
  return 'application/octet-stream';
}

export function createVault(deps: VaultDeps) {
  const { config, keys } = deps;

  const vault = {
    /**
     * Streams a file into the store, encrypted under a fresh data key, and returns what the caller records.
     * Nothing is readable under the blob's name unless the whole file arrived: a failed or oversized upload
     * leaves at most garbage for `candor documents gc`, and throws.
     */
    async ingest(source: Readable, opts: { readText: boolean }): Promise<Ingested> {
      const blobKey = randomBytes(16).toString('hex');
      const dataKey = randomBytes(32);
      const inspector = new Inspector(config.documentMaxBytes);
      const body = new PassThrough({ highWaterMark: 256 * 1024 });
      const store = deps.store();
      const [piped, stored] = await Promise.allSettled([
        pipeline(source, inspector, encryptStream(dataKey), body),
        store.put(blobKey, body),
      ]);
      if (piped.status === 'rejected' || stored.status === 'rejected') {
        source.destroy();
        await store.delete(blobKey).catch(() => undefined);
        const e =
          inspector.error ??
          (piped.status === 'rejected' ? piped.reason : (stored as PromiseRejectedResult).reason);
        if (e instanceof CandorError) throw e;
        throw new CandorError(
          'unavailable',
          `the upload did not complete: ${(e as Error).message ?? String(e)}`,
        );
      }
      const mediaType = await mediaTypeOf(Buffer.concat(inspector.head).subarray(0, HEAD_BYTES));
      let text: Ingested['text'] = { status: 'none', sealed: null, note: null, plain: null };
      if (opts.readText && mediaType === 'application/pdf') {
        if (!inspector.pdf) {
          text = {
            status: 'skipped',
            sealed: null,
            note: `larger than ${mib(PDF_TEXT_MAX_BYTES)}: text not read`,
            plain: null,
          };
        } else {
          const r = await extractPdfText(new Uint8Array(Buffer.concat(inspector.pdf)));
          inspector.pdf = null;
          text = r.ok
            ? {
                status: 'extracted',
                sealed: keyringOf(dataKey).seal(r.text, textContext(blobKey)),
                note: r.text.trim() ? null : 'the PDF has no text layer (a scan?)',
                plain: r.text,
              }
            : {
                status: 'failed',
                sealed: null,
                note: `this PDF could not be read: ${r.error.slice(0, 300)}`,
                plain: null,
              };
        }
      }
      const wrappedKey = keys.seal(dataKey, keyContext(blobKey));
      return {
        blobKey,
        sha256: inspector.hash.digest('hex'),
        size: inspector.size,
        mediaType,
        wrappedKey,
        keyId: sealedKeyId(wrappedKey),
        text,
      };
    },

    /** The document's data key; `unavailable` when the master key that wrapped it is not held. */
    dataKey(doc: Pick<DocumentRow, 'wrapped_key' | 'blob_key' | 'name'>): Buffer {
      if (!doc.wrapped_key)
        throw new CandorError('invalid_state', `${doc.name} was removed; its key was destroyed`);
      return keys.open(doc.wrapped_key, keyContext(doc.blob_key));
    },

    /** The extracted text, decrypted (null when there is none). */
    text(doc: DocumentRow): string | null {
      if (!doc.text_sealed) return null;
      return keyringOf(vault.dataKey(doc)).open(doc.text_sealed, textContext(doc.blob_key)).toString('utf8');
    },

    /**
     * Opens a document for reading. The first chunk is decrypted before this returns, so a wrong key, a
     * missing blob or a damaged start is an error the caller can still answer properly; damage further in
     * makes the stream fail before its last bytes (see `decryptChunks`).
     */
    async open(doc: DocumentRow): Promise<Readable> {
      const key = vault.dataKey(doc);
      const source = await deps.store().get(doc.blob_key);
      const chunks = decryptChunks(source, key, { sha256: doc.sha256, size: doc.size_bytes });
      let first: IteratorResult<Buffer>;
      try {
        first = await chunks.next();
      } catch (e) {
        source.destroy();
        throw e;
      }
      async function* all() {
        if (!first.done) yield first.value;
        yield* chunks;
      }
      return Readable.from(all(), { objectMode: false, highWaterMark: 256 * 1024 });
    },

    /** Removes a blob (after its key was destroyed); a failure is left for `candor documents gc`. */
    async discard(blobKey: string): Promise<boolean> {
      try {
        await deps.store().delete(blobKey);
        return true;
      } catch {
        return false;
      }
    },
  };
  return vault;
}
export type Vault = ReturnType<typeof createVault>;
