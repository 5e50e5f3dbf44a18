import { mkdtempSync, readFileSync, rmSync, writeFileSync, unlinkSync, mkdirSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CandorError } from '../errors.ts';

/** What the lock file on an embedded data directory says about its holder. */
export interface LockInfo {
  pid: number;
  role: 'server' | 'cli' | 'test';
  socketDir: string;
  startedAt: string;
}

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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock on a data directory, or reports who holds it. PGlite does not lock its data directory
 * itself, and two engines on one directory would corrupt it.
 */
export function acquireLock(
  dataDir: string,
  role: LockInfo['role'],
  socketDir: string,
): { acquired: true; release: () => void } | { acquired: false; holder: LockInfo } {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'candor.lock');
  const info: LockInfo = { pid: process.pid, role, socketDir, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(info), { flag: 'wx', mode: 0o600 });
      return {
        acquired: true,
        release: () => {
          try {
            const current = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
            if (current.pid === process.pid) unlinkSync(file);
          } catch {
            // already gone
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder: LockInfo | null;
    try {
      holder = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
    } catch {
      holder = null; // half-written or unreadable: treat as stale
    }
    if (holder && alive(holder.pid)) return { acquired: false, holder };
    rmSync(file, { force: true }); // stale lock of a process that died
  }
  throw new CandorError('unavailable', `cannot take the lock on ${dataDir}`);
}
