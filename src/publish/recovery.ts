import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CandorError } from '../errors.ts';
import type { Git } from './git.ts';
import { versionDir } from './layout.ts';

/**
 * Crash safety for publishing (docs/publishing.md, "Safety"). While a publication is under way, a journal
 * in the repository's git folder (`.git/candor-publish/journal.json`) says who is publishing what and from
 * which commit; the files are written into a staging folder beside it and moved into the working tree only
 * once all of them are on disk. A publication is finished when it is committed, tagged and recorded in the
 * audit log, and only then is the journal removed. A process killed at any instant leaves the journal, so
 * the next run knows what was its own and can finish or undo it:
 *
 * - no commit yet: the stale `index.lock` of the dead process, the staging folder and the files it moved
 *   in are removed, and the repository is as it was before (the run then publishes again);
 * - committed: the tag is made if missing and the audit event is written if missing.
 *
 * An `index.lock` without a journal belongs to someone else (a git command running now, or one that
 * crashed): publishing refuses before writing anything.
 */

export interface Journal {
  pid: number;
  host: string;
  started_at: string;
  period: string;
  version: number;
  /** The tag this publication makes; null when the version was already tagged (a regeneration commit). */
  tag: string | null;
  /** HEAD when the publication started (null in a repository with no commit yet). */
  before: string | null;
  message: string;
  /** The commit and tag date (the injected clock), so a repair makes the same tag as the run would have. */
  date: string;
  /** Who published (the audit actor), for the repair's audit event. */
  by: string;
  /** The top-level names the publication writes into, for the undo. */
  paths: string[];
}

/** A publication that was committed but not finished; the repair tagged it and now reports it. */
export interface Repaired {
  journal: Journal;
  commit: string;
  tagMade: boolean;
}

export interface RecoverOptions {
  git: Git;
  /** Is the commit already recorded in the audit log? */
  recorded?: (commit: string) => Promise<boolean>;
  /** Record a repaired publication (its audit event). */
  onRepaired?: (r: Repaired) => Promise<void>;
}

export const gitDirOf = async (git: Git, repo: string) =>
  path.resolve(repo, (await git(['rev-parse', '--git-dir'], repo)).trim());
const workDir = (gitDir: string) => path.join(gitDir, 'candor-publish');
export const stagingDir = (gitDir: string) => path.join(workDir(gitDir), 'staging');
const journalFile = (gitDir: string) => path.join(workDir(gitDir), 'journal.json');

const exists = (p: string) =>
  fsp.lstat(p).then(
    () => true,
    () => false,
  );

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readJournal(gitDir: string): Promise<Journal | null> {
  const text = await fsp.readFile(journalFile(gitDir), 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    return JSON.parse(text) as Journal;
  } catch {
    // Written with link(), so never half-written; unreadable means someone edited it.
    throw new CandorError(
      'conflict',
      `${journalFile(gitDir)} is not a Candor journal; inspect and remove it`,
    );
  }
}

/** Writes and fsyncs a file under a temp name, then makes it appear whole at `file` (link fails if taken). */
async function writeDurable(file: string, text: string, exclusive: boolean): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  const fh = await fsp.open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    if (exclusive) await fsp.link(tmp, file);
    else await fsp.rename(tmp, file);
  } finally {
    await fsp.rm(tmp, { force: true });
  }
}

/**
 * Claims the repository for one publication: the journal appears atomically or not at all, and a second
 * publisher finds it and stops.
 */
export async function beginJournal(gitDir: string, j: Omit<Journal, 'pid' | 'host' | 'started_at'>) {
  await fsp.mkdir(workDir(gitDir), { recursive: true, mode: 0o700 });
  const journal: Journal = {
    pid: process.pid,
    host: os.hostname(),
    started_at: new Date().toISOString(),
    ...j,
  };
  try {
    await writeDurable(journalFile(gitDir), JSON.stringify(journal, null, 2), true);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const other = await readJournal(gitDir);
    throw new CandorError(
      'conflict',
      `another publication is under way in this repository (${other?.period ?? '?'} v${other?.version ?? '?'}, process ${other?.pid ?? '?'})`,
    );
  }
}

/** The publication is finished (or undone): remove the staging folder and then the journal. */
export async function endJournal(gitDir: string): Promise<void> {
  await fsp.rm(stagingDir(gitDir), { recursive: true, force: true });
  await fsp.rm(journalFile(gitDir), { force: true });
  await fsp.rm(workDir(gitDir), { recursive: true, force: true });
}

/** Puts the repository back to `before`: HEAD, index, the files we touched, and the tag we made. */
export async function rollback(
  git: Git,
  repo: string,
  before: string | null,
  tag: string | null,
  paths: string[],
) {
  if (tag) await git(['tag', '-d', tag], repo).catch(() => {});
  if (before) {
    await git(['reset', '-q', '--hard', before], repo);
  } else {
    // A repository with no commit yet: forget the commit (if any) and the index.
    await git(['update-ref', '-d', 'HEAD'], repo).catch(() => {});
    await git(['rm', '-r', '-q', '--cached', '--ignore-unmatch', '--', '.'], repo).catch(() => {});
  }
  // What we created is untracked now (files and the folders made for them); remove it. Only ours: the
  // tree was clean when we started, and ignored files are left alone (no -x).
  const present = [];
  for (const p of paths) if (await exists(path.join(repo, p))) present.push(p);
  if (present.length) await git(['clean', '-f', '-d', '-q', '--', ...present], repo);
}

const headOf = (git: Git, repo: string, rev = 'HEAD') =>
  git(['rev-parse', '--verify', '-q', `${rev}^{commit}`], repo).then(
    (s) => s.trim(),
    () => null,
  );

/** Temp files the publisher of earlier Candor versions wrote beside each file (`.name.candor-1a2b3c4d`). */
const OLD_TEMP = /(^|\/)\.[^/]+\.candor-[0-9a-f]{8}$/;

/**
 * Runs before a publication writes anything: refuses a foreign lock, finishes or undoes a publication that
 * a dead process left half-done, and removes Candor's own leftovers. Returns what it finished, if anything.
 */
export async function recover(repo: string, opts: RecoverOptions): Promise<Repaired | null> {
  const { git } = opts;
  const gitDir = await gitDirOf(git, repo);
  const lock = path.join(gitDir, 'index.lock');
  const journal = await readJournal(gitDir);
  if (!journal) {
    if (await exists(lock))
      throw new CandorError(
        'conflict',
        `${lock} exists and is not Candor's: another git command is using the repository, or one crashed. If no git command is running there, remove the file and publish again; nothing was written`,
      );
    await fsp.rm(stagingDir(gitDir), { recursive: true, force: true });
    await removeOldTemps(git, repo);
    return null;
  }
  if (journal.host !== os.hostname() || (journal.pid !== process.pid && alive(journal.pid)))
    throw new CandorError(
      'conflict',
      `another publication is under way in this repository (${journal.period} v${journal.version}, process ${journal.pid} on ${journal.host}); if that process is gone, publish again from ${journal.host}`,
    );
  // The journal's process is gone: everything below is ours to clean up.
  await fsp.rm(lock, { force: true });
  await fsp.rm(stagingDir(gitDir), { recursive: true, force: true });
  await removeOldTemps(git, repo);
  const head = await headOf(git, repo);
  if (head === journal.before) {
    // Killed before the commit: undo the files it moved in and anything it staged in the index.
    await rollback(git, repo, journal.before, null, journal.paths);
    await endJournal(gitDir);
    return null;
  }
  const parent = head ? await headOf(git, repo, `${head}^`) : null;
  const holds =
    journal.tag === null ||
    (await git(['cat-file', '-e', `${head}:${versionDir(journal.period, journal.version)}`], repo).then(
      () => true,
      () => false,
    ));
  if (!head || parent !== journal.before || !holds)
    throw new CandorError(
      'conflict',
      `a publication of ${journal.period} v${journal.version} was interrupted (process ${journal.pid}, ${journal.started_at}) and the repository has moved since (HEAD is ${head ?? 'gone'}); inspect it and remove ${journalFile(gitDir)}`,
    );
  // Committed: finish it. Tag, then the audit event; the journal goes last.
  let tagMade = false;
  if (journal.tag) {
    const tagged = await git(['rev-parse', '--verify', '-q', `refs/tags/${journal.tag}^{commit}`], repo).then(
      (s) => s.trim(),
      () => null,
    );
    if (tagged === null) {
      await git(['tag', '-a', journal.tag, '-m', journal.message, head], repo, {
        GIT_COMMITTER_DATE: journal.date,
      });
      tagMade = true;
    } else if (tagged !== head)
      throw new CandorError(
        'conflict',
        `the tag ${journal.tag} names ${tagged}, not the interrupted publication's commit ${head}; inspect the repository and remove ${journalFile(gitDir)}`,
      );
  }
  const repaired = { journal, commit: head, tagMade };
  if (opts.onRepaired && !(await opts.recorded?.(head))) await opts.onRepaired(repaired);
  await endJournal(gitDir);
  return repaired;
}

async function removeOldTemps(git: Git, repo: string): Promise<void> {
  const status = await git(['status', '--porcelain', '-z', '--untracked-files=all'], repo);
  for (const entry of status.split('\0')) {
    if (entry.startsWith('?? ') && OLD_TEMP.test(entry.slice(3)))
      await fsp.rm(path.join(repo, entry.slice(3)), { force: true });
  }
}
