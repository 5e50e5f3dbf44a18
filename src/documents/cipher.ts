import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { CandorError } from '../errors.ts';

/**
 * Streamed encryption of one document blob: AES-256-GCM over fixed-size chunks, each sealed on its own, so
 * memory stays flat whatever the file's size (the STREAM construction of Hoang, Reyhanitabar, Rogaway and
 * Vizár, as in Tink's streaming AEAD and age).
 *
 * Layout: a 16-byte header, then chunks of `chunkSize` plaintext bytes + a 16-byte tag; the last chunk may be
 * shorter (or empty, for an empty file).
 *   header = "CDB" 0x01 | chunk size (u32 BE) | nonce prefix (7 random bytes) | 0x00
 *   nonce of chunk i = prefix (7) | i (u32 BE) | 0x01 for the last chunk, else 0x00
 *   additional data of every chunk = the header
 * A reordered, dropped, duplicated or changed chunk fails its tag; a blob cut at a chunk boundary fails too,
 * because the chunk that now comes last was sealed as "not last". Every key is a fresh random data key per
 * file, so nonces never repeat under one key.
 */

export const CHUNK_SIZE = 64 * 1024;
const TAG = 16;
const HEADER = 16;
const MAGIC = Buffer.from([0x43, 0x44, 0x42, 0x01]);

function nonce(prefix: Buffer, i: number, last: boolean): Buffer {
  const n = Buffer.alloc(12);
  prefix.copy(n, 0);
  n.writeUInt32BE(i, 7);
  n[11] = last ? 1 : 0;
  return n;
}

/** Seals one chunk; returns its ciphertext and tag as two buffers (no copy to join them). */
function sealChunk(key: Buffer, header: Buffer, i: number, last: boolean, plain: Buffer): [Buffer, Buffer] {
  const c = createCipheriv('aes-256-gcm', key, nonce(header.subarray(8, 15), i, last));
  c.setAAD(header);
  const body = c.update(plain);
  c.final();
  return [body, c.getAuthTag()];
}

/**
 * A Transform that encrypts plaintext into the blob format under `key` (32 bytes). The current chunk is
 * gathered in one reused buffer and sealed only once a byte of the next one arrives: the last chunk must be
 * known to be last.
 */
export function encryptStream(key: Buffer, chunkSize = CHUNK_SIZE): Transform {
  const header = Buffer.alloc(HEADER);
  MAGIC.copy(header, 0);
  header.writeUInt32BE(chunkSize, 4);
  randomBytes(7).copy(header, 8);
  const current = Buffer.allocUnsafe(chunkSize);
  let filled = 0;
  let i = 0;
  let started = false;
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      if (!started) {
        this.push(header);
        started = true;
      }
      let at = 0;
      while (at < chunk.length) {
        if (filled === chunkSize) {
          const [body, tag] = sealChunk(key, header, i++, false, current);
          this.push(body);
          this.push(tag);
          filled = 0;
        }
        const n = Math.min(chunkSize - filled, chunk.length - at);
        chunk.copy(current, filled, at, at + n);
        filled += n;
        at += n;
      }
      done();
    },
    flush(done: TransformCallback) {
      if (!started) this.push(header);
      const [body, tag] = sealChunk(key, header, i, true, current.subarray(0, filled));
      this.push(body);
      this.push(tag);
      done();
    },
  });
}

/** What a blob must turn out to be: a decrypted blob is released only if it matches both. */
export interface Expected {
  sha256: string;
  size: number;
}

const damaged = (why: string) =>
  new CandorError('unavailable', `the stored document does not authenticate (${why}); it is not served`);

/**
 * Decrypts a blob as it streams. Each chunk is released only after its tag verified, and the last chunk only
 * after the whole file's SHA-256 and size match what was recorded at upload: a reader that received every
 * byte received exactly the file that was uploaded. Any failure is an error (never garbage), raised before
 * the last bytes go out, so a download that fails midway is visibly incomplete.
 */
export async function* decryptChunks(
  source: AsyncIterable<Buffer | Uint8Array>,
  key: Buffer,
  expected: Expected,
): AsyncGenerator<Buffer> {
  let header: Buffer | null = null;
  let chunkSize = 0;
  let i = 0;
  let size = 0;
  const hash = createHash('sha256');
  const open = (cipher: Buffer, last: boolean): Buffer => {
    if (cipher.length < TAG) throw damaged('it was cut short');
    const d = createDecipheriv('aes-256-gcm', key, nonce(header!.subarray(8, 15), i, last));
    d.setAAD(header!);
    d.setAuthTag(cipher.subarray(cipher.length - TAG));
    const plain = d.update(cipher.subarray(0, cipher.length - TAG));
    try {
      d.final();
    } catch {
      throw damaged(`chunk ${i} was changed, cut or does not belong to this key`);
    }
    i++;
    size += plain.length;
    hash.update(plain);
    return plain;
  };
  // Incoming bytes gather in one reused buffer (a chunk and its tag, and the header before that).
  let pending = Buffer.allocUnsafe(CHUNK_SIZE + TAG);
  let have = 0;
  for await (const part0 of source) {
    const part = Buffer.isBuffer(part0) ? part0 : Buffer.from(part0);
    let at = 0;
    while (at < part.length) {
      if (!header) {
        const n = Math.min(HEADER - have, part.length - at);
        part.copy(pending, have, at, at + n);
        have += n;
        at += n;
        if (have < HEADER) continue;
        header = Buffer.from(pending.subarray(0, HEADER));
        if (!header.subarray(0, 4).equals(MAGIC)) throw damaged('not a Candor blob');
        chunkSize = header.readUInt32BE(4);
        if (chunkSize < 1024 || chunkSize > 16 * 1024 * 1024) throw damaged('bad chunk size');
        if (pending.length < chunkSize + TAG) pending = Buffer.allocUnsafe(chunkSize + TAG);
        have = 0;
        continue;
      }
      // A full chunk followed by more bytes is not the last one.
      if (have === chunkSize + TAG) {
        const plain = open(pending.subarray(0, chunkSize + TAG), false);
        have = 0;
        if (size > expected.size) throw damaged('it is longer than recorded');
        yield plain;
      }
      const n = Math.min(chunkSize + TAG - have, part.length - at);
      part.copy(pending, have, at, at + n);
      have += n;
      at += n;
    }
  }
  if (!header) throw damaged('it is empty or cut short');
  const last = open(pending.subarray(0, have), true);
  if (size !== expected.size) throw damaged(`${size} bytes where ${expected.size} were recorded`);
  if (hash.digest('hex') !== expected.sha256) throw damaged('its SHA-256 is not the one recorded');
  if (last.length) yield last;
}

/** The size of the blob that holds `size` plaintext bytes (for stores that want a length up front). */
export function blobSize(size: number, chunkSize = CHUNK_SIZE): number {
  const chunks = Math.max(1, Math.ceil(size / chunkSize));
  return HEADER + size + chunks * TAG;
}
