/**
 * Document benchmark: upload and download of a large file through the HTTP API, on the folder store and on
 * S3-compatible storage (s3rver from disk, started here), against a raw streamed copy of the same file on the
 * same disk in the same run; and the server's peak RSS for two file sizes, to show it stays flat.
 *
 *   node --import tsx bench/documents.ts [--pg postgres://postgres@127.0.0.1:5432/test] [--mib 100] [--small-mib 10]
 *
 * Upload: a streamed multipart POST of the file read from disk; download: the file streamed back and written to
 * disk. Both go through the real app (multipart parsing, SHA-256, AES-256-GCM, the store, the database row and
 * audit event); the raw copy is createReadStream -> createWriteStream + fsync, as the folder store does.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect } from 'kysely';
import pg from '../src/db/pg.ts';
import { loadConfig } from '../src/config.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import type { Database } from '../src/db/schema.ts';
import { buildApp } from '../src/http/app.ts';
import { createServices } from '../src/services/index.ts';

const { values } = parseArgs({
  options: {
    pg: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    mib: { type: 'string', default: '100' },
    'small-mib': { type: 'string', default: '10' },
  },
});
const MIB = 1024 * 1024;
const work = mkdtempSync(path.join(process.cwd(), '.bench-documents-'));

async function makeFile(file: string, bytes: number) {
  const out = createWriteStream(file);
  for (let left = bytes; left > 0; left -= MIB) {
    if (!out.write(randomBytes(Math.min(MIB, left))))
      await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

/** Samples this process's RSS while `fn` runs; returns its time and the peak above the RSS at the start. */
async function measured<T>(fn: () => Promise<T>): Promise<{ ms: number; peakMiB: number; value: T }> {
  global.gc?.();
  const base = process.memoryUsage.rss();
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const t0 = performance.now();
  try {
    const value = await fn();
    return {
      ms: performance.now() - t0,
      peakMiB: (Math.max(peak, process.memoryUsage.rss()) - base) / MIB,
      value,
    };
  } finally {
    clearInterval(timer);
  }
}

async function fsyncFile(file: string) {
  const h = await open(file, 'r+');
  await h.sync();
  await h.close();
}

async function rawCopy(src: string, dst: string) {
  await pipeline(createReadStream(src, { highWaterMark: 256 * 1024 }), createWriteStream(dst));
  await fsyncFile(dst);
}

async function startS3(): Promise<{ endpoint: string; stop(): void }> {
  const dir = mkdtempSync(path.join(work, 's3-'));
  const bin = path.join(import.meta.dirname, '..', 'node_modules', '.bin', 's3rver');
  const child = spawn(bin, ['-d', dir, '-a', '127.0.0.1', '-p', '0', '--configure-bucket', 'candor-bench'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (b: Buffer) => {
      seen += b.toString();
      const m = /listening on [\d.]+:(\d+)/.exec(seen);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (c) => reject(new Error(`s3rver exited ${c}`)));
  });
  child.stdout.resume();
  process.env.AWS_ACCESS_KEY_ID ??= 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'S3RVER';
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

const name = `candor_bench_${randomBytes(3).toString('hex')}`;
const admin = new pg.Client({ connectionString: values.pg });
await admin.connect();
await admin.query(`create database ${name}`);
const url = new URL(values.pg!);
url.pathname = `/${name}`;
const db = new Kysely<Database>({
  dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.href, max: 10 }) }),
});
const s3 = await startS3();
const rows: string[] = [];
try {
  await migrateToLatest(db);
  const sizes = [Number(values['small-mib']), Number(values.mib)];
  const files = new Map<number, string>();
  for (const mib of sizes) {
    const f = path.join(work, `file-${mib}.bin`);
    await makeFile(f, mib * MIB);
    files.set(mib, f);
  }
  const stores = {
    folder: {},
    s3: { CANDOR_STORAGE_URL: 's3://candor-bench/bench', CANDOR_S3_ENDPOINT: s3.endpoint },
  };
  for (const [store, env] of Object.entries(stores)) {
    const config = loadConfig({
      DATABASE_URL: url.href,
      CANDOR_DATA_DIR: path.join(work, `data-${store}`),
      CANDOR_DOCUMENT_MAX_BYTES: String(Math.max(...sizes) * MIB),
      ...env,
    });
    const services = createServices({ db, config, clock: () => new Date() });
    const actor = { label: 'bench', userId: null, role: 'admin' as const };
    const { token } = await services.users.add(actor, `bench-${store}@example.com`, 'handler');
    const r = await services.requests.create(actor, {
      external_ref: `BENCH-DOC-${store}`,
      received_at: '2026-11-01T10:00:00Z',
      agency: { name: 'Bench Agency', kind: 'law_enforcement', level: 'state', country: 'US' },
      process_type: 'search_warrant',
      data_sought: ['content'],
      accounts: ['AC-BENCH'],
      identifiers: [],
      emergency: false,
      requester_class: 'government',
      channel: 'domestic',
    } as never);
    const app = await buildApp({ config, services });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    for (const mib of sizes) {
      const file = files.get(mib)!;
      const bytes = statSync(file).size;
      const raw = await measured(() => rawCopy(file, path.join(work, `copy-${store}-${mib}.bin`)));
      const boundary = `----bench${randomBytes(6).toString('hex')}`;
      const head = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nproduction\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="export.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      );
      const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
      const up = await measured(async () => {
        const body = new PassThrough();
        void (async () => {
          body.write(head);
          await pipeline(createReadStream(file, { highWaterMark: 256 * 1024 }), body, { end: false });
          body.end(tail);
        })();
        const res = await fetch(`${base}/api/v1/requests/${r.id}/documents`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'content-length': String(head.length + bytes + tail.length),
          },
          body: Readable.toWeb(body) as ReadableStream,
          duplex: 'half',
        } as RequestInit);
        if (res.status !== 201) throw new Error(`upload: ${res.status} ${await res.text()}`);
        return (await res.json()) as { id: number };
      });
      const out = path.join(work, `down-${store}-${mib}.bin`);
      const down = await measured(async () => {
        const res = await fetch(`${base}/api/v1/documents/${up.value.id}/content`, {
          headers: { authorization: `Bearer ${token}` },
        });
        if (res.status !== 200) throw new Error(`download: ${res.status}`);
        await pipeline(Readable.fromWeb(res.body as never), createWriteStream(out));
        await fsyncFile(out);
      });
      if (statSync(out).size !== bytes) throw new Error('downloaded size differs');
      const rate = (ms: number) => bytes / MIB / (ms / 1000);
      rows.push(
        `| ${store} | ${mib} MiB | ${rate(raw.ms).toFixed(0)} | ${rate(up.ms).toFixed(0)} (${(rate(up.ms) / rate(raw.ms)).toFixed(2)}x) | ${rate(down.ms).toFixed(0)} (${(rate(down.ms) / rate(raw.ms)).toFixed(2)}x) | ${up.peakMiB.toFixed(0)} / ${down.peakMiB.toFixed(0)} |`,
      );
      console.log(rows.at(-1));
    }
    await app.close();
  }
  console.log(
    '\n| store | file | raw copy MiB/s | upload MiB/s (vs raw) | download MiB/s (vs raw) | peak RSS growth up / down, MiB |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
} finally {
  s3.stop();
  await db.destroy();
  await admin.query(`drop database ${name} with (force)`);
  await admin.end();
  rmSync(work, { recursive: true, force: true });
}
