import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blobSize, decryptChunks, encryptStream } from './cipher.ts';

const CHUNK = 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function encrypt(plain: Buffer, key: Buffer, pieces = 7): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let i = 0; i < plain.length; i += pieces * 97) parts.push(plain.subarray(i, i + pieces * 97));
  const out: Buffer[] = [];
  for await (const c of Readable.from(parts).pipe(encryptStream(key, CHUNK))) out.push(c as Buffer);
  return Buffer.concat(out);
}
async function decrypt(blob: Buffer, key: Buffer, plain: Buffer): Promise<Buffer> {
  const out: Buffer[] = [];
  const src = Readable.from([blob.subarray(0, 333), blob.subarray(333)].filter((b) => b.length));
  for await (const c of decryptChunks(src, key, { sha256: sha(plain), size: plain.length })) out.push(c);
  return Buffer.concat(out);
}

const sizes = fc.oneof(
  fc.integer({ min: 0, max: 5 * CHUNK + 3 }),
  fc.constantFrom(0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK),
);

describe('the blob cipher (AES-256-GCM in chunks)', () => {
  it('round-trips any size, and the blob has the size blobSize says', async () => {
    await fc.assert(
      fc.asyncProperty(sizes, async (n) => {
        const key = randomBytes(32);
        const plain = randomBytes(n);
        const blob = await encrypt(plain, key);
        expect(blob.length).toBe(blobSize(n, CHUNK));
        expect((await decrypt(blob, key, plain)).equals(plain)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses any flipped bit, any cut, and another key, and never yields the whole file', async () => {
    await fc.assert(
      fc.asyncProperty(sizes, fc.nat(), fc.nat(), async (n, at, cutAt) => {
        const key = randomBytes(32);
        const plain = randomBytes(n);
        const blob = await encrypt(plain, key);
        const flipped = Buffer.from(blob);
        flipped[at % blob.length]! ^= 1 << (at % 8);
        const cut = blob.subarray(0, cutAt % blob.length);
        for (const [bad, k] of [
          [flipped, key],
          [cut, key],
          [blob, randomBytes(32)],
        ] as const) {
          const got: Buffer[] = [];
          let failed = false;
          try {
            for await (const c of decryptChunks(Readable.from([bad]), k, { sha256: sha(plain), size: n }))
              got.push(c);
          } catch (e) {
            failed = true;
            expect((e as Error).message).toMatch(/does not authenticate/);
          }
          expect(failed).toBe(true);
          expect(Buffer.concat(got).length).toBeLessThan(Math.max(n, 1));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('refuses a blob that decrypts but is not the recorded file', async () => {
    const key = randomBytes(32);
    const plain = randomBytes(10);
    const blob = await encrypt(plain, key);
    const e = await (async () => {
      try {
        for await (const c of decryptChunks(Readable.from([blob]), key, {
          sha256: sha(randomBytes(10)),
          size: 10,
        }))
          void c;
      } catch (err) {
        return err as Error;
      }
      return null;
    })();
    expect(e?.message).toMatch(/SHA-256/);
  });
});
