import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A real S3-compatible server for the S3 tests: s3rver (npm, a devDependency) serving the S3 API from a
 * directory on disk, on 127.0.0.1. `.ci/run` starts one and sets CANDOR_TEST_S3_ENDPOINT; without it the
 * tests start their own. Outside CI, a checkout without s3rver installed skips the S3 tests with a message;
 * in CI that is a failure.
 */
export interface TestS3 {
  endpoint: string;
  bucket: string;
  close(): Promise<void>;
}

const BIN = path.resolve(import.meta.dirname, '../../node_modules/.bin/s3rver');
export const BUCKET = 'candor-test';

export function s3Credentials(): void {
  // s3rver's fixed credentials (it checks signatures: a request signed with other keys is refused).
  process.env.AWS_ACCESS_KEY_ID ??= 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'S3RVER';
}

export const haveS3 = !!process.env.CANDOR_TEST_S3_ENDPOINT || existsSync(BIN);
if (!haveS3) {
  if (process.env.CI) throw new Error('the S3 tests need s3rver (npm ci) or CANDOR_TEST_S3_ENDPOINT in CI');
  console.warn('S3 tests skipped: s3rver is not installed (npm ci) and CANDOR_TEST_S3_ENDPOINT is not set');
}

export async function startS3(): Promise<TestS3> {
  s3Credentials();
  const given = process.env.CANDOR_TEST_S3_ENDPOINT;
  if (given) return { endpoint: given, bucket: BUCKET, close: async () => undefined };
  const dir = mkdtempSync(path.join(tmpdir(), 'candor-s3-'));
  const child: ChildProcess = spawn(
    BIN,
    ['-d', dir, '-a', '127.0.0.1', '-p', '0', '--configure-bucket', BUCKET],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`s3rver did not start: ${seen}`)), 60_000);
    child.stdout!.on('data', (b: Buffer) => {
      seen += b.toString();
      const m = /listening on [\d.]+:(\d+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code}): ${seen}`)));
  });
  child.stdout!.resume();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket: BUCKET,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}
