import type { Readable } from 'node:stream';

/**
 * Where encrypted document blobs live: a folder of the data directory, or S3-compatible object storage.
 * A store sees only ciphertext and random names; it never learns a file's name, type or hash.
 */
export interface BlobStore {
  /** Human-readable, for messages and docs: `folder /var/lib/candor/documents` or `s3://bucket/prefix`. */
  readonly description: string;
  /**
   * Writes a blob from a stream. The blob appears under `key` only once the stream ended without error:
   * a failed or abandoned write leaves nothing readable under that name.
   */
  put(key: string, body: Readable): Promise<void>;
  /** Reads a blob; `not_found` if it is not there. */
  get(key: string): Promise<Readable>;
  /** Removes a blob; removing a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** Every blob, with the time it was written (for `candor documents gc`). */
  list(): AsyncIterable<{ key: string; modifiedAt: Date }>;
}

/** Blob names are random (128 bits, hex); anything else is refused before it reaches a path or a URL. */
export const BLOB_KEY = /^[0-9a-f]{32}$/;
