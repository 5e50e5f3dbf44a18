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
  stop(): Promise<void>;
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

/** A fresh directory only this user can enter: pglite's socket has no authentication. */
export function privateSocketDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'candor-'));
  chmodSync(dir, 0o700);
  return dir;
}
