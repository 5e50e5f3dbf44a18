import { randomBytes } from 'node:crypto';
import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { CandorError } from '../errors.ts';

/** What the lock file on an embedded data directory says about its holder. */
export interface LockInfo {
  pid: number;
  role: 'server' | 'cli' | 'test';
  socketDir: string;
  startedAt: string;
  /** Names this one taking of the lock; a takeover removes exactly the lock it judged stale. */
  nonce?: string;
}

export const LOCK_FILE = 'candor.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const code = (e: unknown) => (e as NodeJS.ErrnoException).code;

/** The lock's content, or null when there is no lock; an unreadable lock is named by its bytes. */
function readLock(file: string): { info: LockInfo | null; nonce: string } | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (code(e) === 'ENOENT') return null;
    throw e;
  }
  try {
    const info = JSON.parse(text) as LockInfo;
    if (typeof info.pid === 'number') return { info, nonce: info.nonce ?? `legacy-${hashOf(text)}` };
  } catch {
    // a lock written by an older Candor that died halfway: stale, named by its bytes
  }
  return { info: null, nonce: `legacy-${hashOf(text)}` };
}

function hashOf(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h.toString(16);
}

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** A takeover guard older than this was left by a process that died inside the few microseconds it lasts. */
const GUARD_STALE_MS = 10_000;

/**
 * Takes the lock on a data directory, or reports who holds it. PGlite does not lock its data directory
 * itself, and two engines on one directory would corrupt it.
 *
 * Every step is atomic on a POSIX file system, so two processes never both hold the lock:
 * - the lock is created by `link`ing a complete private file to `candor.lock` (fails if it exists), so it
 *   is never seen half-written;
 * - a stale lock (its process is gone) is removed only by the one process that creates the takeover guard
 *   `candor.lock.takeover-<nonce of that lock>` (again a `link`, so exactly one wins), and only after
 *   reading that the lock is still the one it judged stale. A fresh lock has another nonce, so a late
 *   process can never remove it. The winner then competes for the lock like everyone else.
 */
export function acquireLock(
  dataDir: string,
  role: LockInfo['role'],
  socketDir: string,
): { acquired: true; release: () => void } | { acquired: false; holder: LockInfo } {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, LOCK_FILE);
  const nonce = randomBytes(12).toString('hex');
  const info: LockInfo = { pid: process.pid, role, socketDir, startedAt: new Date().toISOString(), nonce };
  const candidate = `${file}.${nonce}.tmp`;
  const fd = openSync(candidate, 'wx', 0o600);
  try {
    writeSync(fd, JSON.stringify(info));
  } finally {
    closeSync(fd);
  }
  try {
    for (let attempt = 0; attempt < 200; attempt++) {
      try {
        linkSync(candidate, file);
        return { acquired: true, release: () => releaseLock(file, nonce) };
      } catch (e) {
        if (code(e) !== 'EEXIST') throw e;
      }
      const held = readLock(file);
      if (!held) continue; // released meanwhile: try again
      if (held.info && alive(held.info.pid)) return { acquired: false, holder: held.info };
      takeOver(file, candidate, held.nonce);
    }
  } finally {
    unlinkSync(candidate);
  }
  throw new CandorError('unavailable', `cannot take the lock on ${dataDir}`);
}

/** Removes the stale lock named `staleNonce`, if this process wins its takeover guard and it is still there. */
function takeOver(file: string, candidate: string, staleNonce: string): void {
  const guard = `${file}.takeover-${staleNonce}`;
  try {
    linkSync(candidate, guard);
  } catch (e) {
    if (code(e) !== 'EEXIST') throw e;
    // Another process is taking this lock over right now; a guard left by one that died is removed.
    try {
      if (Date.now() - statSync(guard).ctimeMs > GUARD_STALE_MS) unlinkSync(guard);
    } catch {
      // gone already
    }
    pause(2);
    return;
  }
  try {
    // Only the guard's holder may remove a lock with this nonce, and a stale lock is never released by its
    // (dead) holder, so the lock read here is still the lock removed below.
    if (readLock(file)?.nonce === staleNonce) unlinkSync(file);
  } finally {
    unlinkSync(guard);
  }
}

function releaseLock(file: string, nonce: string): void {
  try {
    if (readLock(file)?.nonce === nonce) unlinkSync(file);
  } catch {
    // already gone
  }
}
