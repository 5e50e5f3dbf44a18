import type { Readable } from 'node:stream';
import { CandorError } from '../errors.ts';
import { BLOB_KEY, type BlobStore } from './store.ts';

// The SDK warns on every start that its releases after January 2027 will need Node 22; Candor pins its
// version, so the warning says nothing to an operator. Set before the SDK loads.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface S3Settings {
  bucket: string;
  /** Key prefix, without leading or trailing slash ('' for the bucket root). */
  prefix: string;
  endpoint: string | undefined;
  region: string;
  forcePathStyle: boolean;
}

/** Parses `s3://bucket/prefix`. */
export function parseStorageUrl(url: string): { bucket: string; prefix: string } | null {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(\/.*)?$/.exec(url);
  if (!m) return null;
  return { bucket: m[1]!, prefix: (m[2] ?? '').replace(/^\/+|\/+$/g, '') };
}

/**
 * Blobs in S3-compatible object storage (`@aws-sdk/client-s3`), so several app instances share them.
 * Credentials come from the SDK's usual chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, an
 * instance role). Uploads stream as multipart uploads of 8 MiB parts, two in flight: memory stays flat in
 * the file's size, and an upload that fails is aborted (its parts deleted) by the SDK.
 * The SDK loads on first use: commands that never touch documents do not pay for it.
 */
export function s3Store(s: S3Settings): BlobStore {
  const objectKey = (key: string) => {
    if (!BLOB_KEY.test(key)) throw new CandorError('invalid', `not a blob name: ${key}`);
    return s.prefix ? `${s.prefix}/${key}` : key;
  };
  let sdk: Promise<{
    client: import('@aws-sdk/client-s3').S3Client;
    s3: typeof import('@aws-sdk/client-s3');
    Upload: typeof import('@aws-sdk/lib-storage').Upload;
  }> | null = null;
  const load = () =>
    (sdk ??= (async () => {
      const s3 = await import('@aws-sdk/client-s3');
      const { Upload } = await import('@aws-sdk/lib-storage');
      const client = new s3.S3Client({
        region: s.region,
        ...(s.endpoint ? { endpoint: s.endpoint } : {}),
        forcePathStyle: s.forcePathStyle,
        // Checksums only where S3 requires them: S3-compatible servers do not all speak the newer
        // aws-chunked trailers. Integrity is end to end anyway (AES-GCM per chunk, SHA-256 of the file).
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
      return { client, s3, Upload };
    })());
  const where = `s3://${s.bucket}${s.prefix ? `/${s.prefix}` : ''}`;
  const unavailable = (e: unknown, what: string) =>
    new CandorError('unavailable', `${where}: ${what} failed: ${(e as Error).message ?? String(e)}`);
  return {
    description: where,
    async put(key, body: Readable) {
      const { client, Upload } = await load();
      const upload = new Upload({
        client,
        params: {
          Bucket: s.bucket,
          Key: objectKey(key),
          Body: body,
          ContentType: 'application/octet-stream',
        },
        partSize: 8 * 1024 * 1024,
        queueSize: 2,
        leavePartsOnError: false,
      });
      try {
        await upload.done();
      } catch (e) {
        body.destroy();
        if (e instanceof CandorError) throw e;
        throw unavailable(e, 'the upload');
      }
    },
    async get(key) {
      const { client, s3 } = await load();
      try {
        const r = await client.send(new s3.GetObjectCommand({ Bucket: s.bucket, Key: objectKey(key) }));
        return r.Body as Readable;
      } catch (e) {
        if ((e as { name?: string }).name === 'NoSuchKey')
          throw new CandorError('not_found', `the blob of this document is missing from ${where}`);
        throw unavailable(e, 'reading a blob');
      }
    },
    async delete(key) {
      const { client, s3 } = await load();
      try {
        await client.send(new s3.DeleteObjectCommand({ Bucket: s.bucket, Key: objectKey(key) }));
      } catch (e) {
        throw unavailable(e, 'deleting a blob');
      }
    },
    async *list() {
      const { client, s3 } = await load();
      let token: string | undefined;
      const prefix = s.prefix ? `${s.prefix}/` : '';
      do {
        const r = await client.send(
          new s3.ListObjectsV2Command({ Bucket: s.bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const o of r.Contents ?? []) {
          const key = (o.Key ?? '').slice(prefix.length);
          if (BLOB_KEY.test(key)) yield { key, modifiedAt: o.LastModified ?? new Date(0) };
        }
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
    },
  };
}
