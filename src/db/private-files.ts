import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * The embedded data directory holds password hashes, customer contacts and the audit log: it is private to
 * the user who runs Candor. Directories are 0700 and files 0600, whatever the umask of the shell.
 */
export const PRIVATE_DIR = 0o700;
export const PRIVATE_FILE = 0o600;

/**
 * Makes files created from now on by this process private (umask 077). PGlite's files are written by this
 * process (its worker thread shares the umask), so this must run before the engine starts. It is
 * process-wide: files meant for the public (the static site, the published repository) set their modes
 * explicitly.
 */
export function privateUmask(): void {
  // A worker thread may not change the umask; the main thread sets it for the whole process.
  try {
    process.umask(0o077);
  } catch {
    // in a worker: the main thread has set it
  }
}

/** Creates `dir` (and its parents) if missing and makes it 0700. */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  chmodSync(dir, PRIVATE_DIR);
}

/**
 * Removes group and other access from `dir` and everything under it (symbolic links are not followed);
 * returns how many entries were changed. Entries named in `skip` (relative to `dir`) are left alone.
 */
export function tightenTree(dir: string, skip: readonly string[] = []): number {
  let changed = 0;
  const visit = (p: string, rel: string) => {
    if (skip.includes(rel)) return;
    let st;
    try {
      st = lstatSync(p);
    } catch {
      return; // removed meanwhile
    }
    if (st.isSymbolicLink()) return;
    const want = st.isDirectory() ? PRIVATE_DIR : st.mode & 0o700;
    if ((st.mode & 0o777) !== want) {
      try {
        chmodSync(p, want);
        changed++;
      } catch (e) {
        // not ours to change (another user's file): whoever runs the server fixes it
        if ((e as NodeJS.ErrnoException).code !== 'EPERM') throw e;
      }
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p)) visit(path.join(p, name), rel ? `${rel}/${name}` : name);
    }
  };
  visit(dir, '');
  return changed;
}
