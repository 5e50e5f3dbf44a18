import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CandorError } from '../errors.ts';
import { privateUmask, tightenTree } from './private-files.ts';

export { acquireLock, type LockInfo } from './lock.ts';

export interface EmbeddedEngine {
  /** Directory holding the `.s.PGSQL.5432` socket; pass as `host` to `pg`. */
  socketDir: string;
  /** Returns a tar of the data directory (for test snapshots). */
  dump(): Promise<Uint8Array>;
  /** The engine thread's memory: PGlite's WebAssembly memory and the thread's JavaScript heap (bytes). */
  memory(): Promise<EngineMemory>;
  stop(): Promise<void>;
}

export interface EngineMemory {
  wasmBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
}

const workerUrl = new URL('./embedded-worker.js', import.meta.url);

/** Starts PGlite in a worker thread behind a unix socket in a fresh 0700 directory. */
export async function startEngine(opts: {
  pgdata?: string;
  snapshot?: Uint8Array;
  socketDir?: string;
}): Promise<EmbeddedEngine> {
  // PGlite writes the password hashes, contacts and WAL through this process: private from the first file.
  if (opts.pgdata) privateUmask();
  const socketDir = opts.socketDir ?? privateSocketDir();
  const worker = new Worker(workerUrl, {
    workerData: {
      pgdata: opts.pgdata,
      snapshot: opts.snapshot,
      socketPath: path.join(socketDir, '.s.PGSQL.5432'),
      settings: engineSettings(),
    },
    transferList: opts.snapshot ? [opts.snapshot.buffer as ArrayBuffer] : [],
  });
  await new Promise<void>((resolve, reject) => {
    const onMessage = (m: { type: string; message?: string }) => {
      if (m.type === 'ready') resolve();
      else if (m.type === 'error')
        reject(new CandorError('unavailable', `embedded database failed: ${m.message}`));
      else return;
      worker.off('message', onMessage);
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });
  // PGlite unpacks its initial files with modes of its own (0666): take group and other access away.
  if (opts.pgdata) tightenTree(opts.pgdata);
  const request = <T>(type: string, reply: string) =>
    new Promise<T>((resolve) => {
      const onMessage = (m: { type: string } & T) => {
        if (m.type !== reply) return;
        worker.off('message', onMessage);
        resolve(m);
      };
      worker.on('message', onMessage);
      worker.postMessage({ type });
    });
  let stopped = false;
  return {
    socketDir,
    dump: async () => (await request<{ bytes: Uint8Array }>('dump', 'dump')).bytes,
    memory: async () => {
      const { wasmBytes, heapUsedBytes, heapTotalBytes } = await request<EngineMemory>('memory', 'memory');
      return { wasmBytes, heapUsedBytes, heapTotalBytes };
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await request('stop', 'stopped');
      await worker.terminate();
      if (opts.pgdata) tightenTree(opts.pgdata);
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
}

/**
 * PostgreSQL settings for the embedded engine, as `name=value` (`-c` at start-up). CANDOR_PGLITE_SETTINGS
 * (comma-separated) is for measuring alternatives; see docs/benchmarks.md for why the defaults are what they are.
 */
export function engineSettings(): string[] {
  const extra = (process.env.CANDOR_PGLITE_SETTINGS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return [...EMBEDDED_SETTINGS, ...extra];
}
/**
 * 32 MB of shared buffers instead of initdb's 128 MB: PGlite reads its files through Node's `fs`, so the
 * operating system's page cache already keeps hot pages; at 1,000,000 requests the half-year report took the
 * same time either way while the server's resident memory fell by about 100 MB (docs/benchmarks.md, Memory).
 */
const EMBEDDED_SETTINGS: string[] = ['shared_buffers=32MB'];

/** A fresh directory only this user can enter: pglite's socket has no authentication. */
export function privateSocketDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'candor-'));
  chmodSync(dir, 0o700);
  return dir;
}
