import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { blobSize } from '../../src/documents/cipher.ts';
import { requestInput } from '../../src/domain/request-input.ts';
import { keyringOf, newKey } from '../../src/keys/keyring.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { actor, testDatabase, type TestDb } from '../helpers/db.ts';
import { collect, documentsConfig, fixedKeys, randomFile, streamOf } from '../helpers/documents.ts';
import { requestFactory } from '../helpers/factories.ts';
import { haveS3, startS3, type TestS3 } from '../helpers/s3.ts';
import { refusal } from '../helpers/workflow.ts';

// The S3 store against a real S3-compatible server (s3rver, from disk), not a mocked client. Two service
// instances share the database and the bucket, as two app servers on one PostgreSQL would.
let t: TestDb;
let s3: TestS3;
let config: Config;
let a: Services;
let b: Services;
let client: import('@aws-sdk/client-s3').S3Client;
let sdk: typeof import('@aws-sdk/client-s3');
const prefix = `run-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
const admin = actor('admin');
const sha = (x: Buffer) => createHash('sha256').update(x).digest('hex');

beforeAll(async () => {
  if (!haveS3) return;
  s3 = await startS3();
  t = await testDatabase();
  config = documentsConfig({
    CANDOR_STORAGE_URL: `s3://${s3.bucket}/${prefix}`,
    CANDOR_S3_ENDPOINT: s3.endpoint,
  });
  // One master key for both instances (CANDOR_SECRET_KEY), as several servers must share it.
  const ring = keyringOf(newKey());
  const keys = fixedKeys(ring);
  a = createServices({ db: t.db, config, clock: () => new Date(), keys });
  b = createServices({ db: t.db, config, clock: () => new Date(), keys });
  sdk = await import('@aws-sdk/client-s3');
  client = new sdk.S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
}, 120_000);
afterAll(async () => {
  await t?.close();
  await s3?.close();
});

async function objects(): Promise<Map<string, number>> {
  const r = await client.send(new sdk.ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `${prefix}/` }));
  return new Map((r.Contents ?? []).map((o) => [o.Key!.slice(prefix.length + 1), o.Size ?? 0]));
}
async function getObject(key: string): Promise<Buffer> {
  const r = await client.send(new sdk.GetObjectCommand({ Bucket: s3.bucket, Key: `${prefix}/${key}` }));
  return collect(r.Body as AsyncIterable<Buffer>);
}
const putObject = (key: string, body: Buffer) =>
  client.send(new sdk.PutObjectCommand({ Bucket: s3.bucket, Key: `${prefix}/${key}`, Body: body }));
const blobKeyOf = async (id: number) =>
  (await t.db.selectFrom('documents').select('blob_key').where('id', '=', id).executeTakeFirstOrThrow())
    .blob_key;

describe.skipIf(!haveS3)('documents on S3-compatible storage', () => {
  it('streams a multipart upload through one instance and serves it, verified, from another', async () => {
    const r = await a.requests.create(admin, requestInput.parse(requestFactory()));
    const body = randomFile(20 * 1024 * 1024 + 123);
    const d = await a.documents.upload(admin, r.id, {
      kind: 'production',
      name: 'export.bin',
      file: streamOf(body),
    });
    const key = await blobKeyOf(d.id);
    const stored = await objects();
    expect(stored.get(key)).toBe(blobSize(body.length));
    expect((await getObject(key)).includes(body.subarray(0, 256))).toBe(false);
    expect(sha(await collect((await b.documents.download(admin, d.id)).stream))).toBe(sha(body));
  });

  it('refuses a changed object, and a deletion removes the object', async () => {
    const r = await a.requests.create(admin, requestInput.parse(requestFactory()));
    const d = await a.documents.upload(admin, r.id, {
      kind: 'other',
      name: 'x.txt',
      file: streamOf(Buffer.from('on s3')),
    });
    const key = await blobKeyOf(d.id);
    const blob = await getObject(key);
    const flipped = Buffer.from(blob);
    flipped[flipped.length - 1]! ^= 1;
    await putObject(key, flipped);
    expect((await refusal(b.documents.download(admin, d.id))).message).toMatch(/does not authenticate/);
    await putObject(key, blob);
    expect((await collect((await b.documents.download(admin, d.id)).stream)).toString()).toBe('on s3');
    await a.documents.remove(admin, d.id, 'walked through on S3');
    expect((await objects()).has(key)).toBe(false);
  });

  it('an upload refused midway leaves no object and no row; gc collects a stray object', async () => {
    const r = await a.requests.create(admin, requestInput.parse(requestFactory()));
    const small = createServices({
      db: t.db,
      config: { ...config, documentMaxBytes: 9 * 1024 * 1024 },
      clock: () => new Date(),
    });
    const before = await objects();
    const e = await refusal(
      small.documents.upload(admin, r.id, {
        kind: 'other',
        name: 'big',
        file: streamOf(randomFile(10 * 1024 * 1024)),
      }),
    );
    expect(e.issues[0]?.field).toBe('file');
    expect([...(await objects()).keys()].sort()).toEqual([...before.keys()].sort());
    expect(await a.documents.list(admin, r.id)).toEqual([]);
    const stray = 'ef'.repeat(16);
    await putObject(stray, Buffer.from('left by a crash'));
    const later = createServices({ db: t.db, config, clock: () => new Date(Date.now() + 2 * 3_600_000) });
    const gc = await later.retention.gc(admin);
    expect(gc.keys).toEqual([stray]);
    expect((await objects()).has(stray)).toBe(false);
  });
});
