import { cleanOutput } from '../domain/primitives.ts';
import { execFile } from 'node:child_process';
import { promises as fsp, realpathSync } from 'node:fs';
import path from 'node:path';
import { CandorError } from '../errors.ts';
import { sha256 } from '../reports/files.ts';
import { periodText } from '../reports/render/document.ts';
import type { FrozenVersion } from '../reports/versions.ts';
import {
  changedFigures,
  entryOf,
  groupByPeriod,
  periodDir,
  REPORT_FILES,
  repositoryFiles,
  ROOT_FILES,
  tagName,
  versionDir,
  type FileMap,
} from './layout.ts';
import {
  beginJournal,
  endJournal,
  gitDirOf,
  recover,
  rollback,
  stagingDir,
  type Repaired,
} from './recovery.ts';

/**
 * Publishing to a git repository with the `git` command (execFile, never a shell), so the user's own git
 * configuration applies: identity, commit and tag signing, hooks, remotes and credentials.
 *
 * All or nothing: every file is rendered into memory first; then written into a staging folder in the git
 * folder and flushed; then moved into the working tree; then `git add -A`, commit, annotated tag, the audit
 * event and, when asked, push. A failure before the audit event puts the repository back exactly as it was
 * (HEAD, index, working tree, tags), which is possible because publishing refuses to start unless the
 * working tree is clean. A process killed at any instant is repaired by the next run (./recovery.ts).
 */

export type Step = 'render' | 'write' | 'add' | 'commit' | 'tag' | 'recorded' | 'push';

/** Where a publication can be stopped in tests (crash tests kill the process there): halfway through
 *  writing the staging folder, halfway through moving files in, after the commit, after the tag. */
export type Checkpoint = 'write' | 'move' | 'tag' | 'record';

export type Git = (args: string[], cwd: string, env?: Record<string, string>) => Promise<string>;

/** Runs git; rejects with git's own message. */
export const runGit: Git = (args, cwd, env = {}) =>
  new Promise((resolve, reject) => {
    const opts = { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } };
    execFile('git', args, opts, (error, stdout, stderr) => {
      if (error) {
        const msg = (stderr || stdout || error.message).trim().split('\n').slice(-3).join(' ');
        reject(new Error(`git ${args[0]} failed: ${msg}`));
      } else resolve(stdout);
    });
  });

/** A git runner that commits and tags as `author` (CANDOR_GIT_AUTHOR), or as git's own identity when unset. */
export function gitAs(author: { name: string; email: string } | undefined, git: Git = runGit): Git {
  if (!author) return git;
  const ident = {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
  };
  return (args, cwd, env = {}) => git(args, cwd, { ...ident, ...env });
}

/**
 * Refuses to start a publication git could not commit or tag: no `user.name`/`user.email` (and no
 * CANDOR_GIT_AUTHOR) would otherwise fail halfway, after the files were moved in.
 */
export async function assertGitIdentity(git: Git, repo: string): Promise<void> {
  for (const who of ['GIT_AUTHOR_IDENT', 'GIT_COMMITTER_IDENT']) {
    const ok = await git(['var', who], repo).then(
      () => true,
      () => false,
    );
    if (!ok)
      throw new CandorError(
        'invalid',
        'git has no identity to commit and tag the publication under: set CANDOR_GIT_AUTHOR="Name <email>" ' +
          '(e.g. "Transparency Team <legal@example.com>"), or git config user.name and user.email; nothing was written',
      );
  }
}

export interface PublishInput {
  repo: string;
  /** Every frozen version (all periods). Versions of other periods are included up to the newest one the
   *  repository already holds, so publishing one period never publishes another by accident. */
  versions: readonly FrozenVersion[];
  period: string;
  push?: boolean;
  now: Date;
  /** Records the publication (the audit event), after the tag and before pushing; if it throws, the
   *  publication is undone. */
  onCommitted?: (r: { commit: string; tag: string | null; version: number }) => Promise<void>;
  /** Is this commit recorded already? Asked when finishing a publication a dead process left half-done. */
  recorded?: (commit: string) => Promise<boolean>;
  /** Records a half-done publication that this run finished (its commit is not recorded yet). */
  onRepaired?: (r: Repaired) => Promise<void>;
  /** Who publishes (kept in the journal, for a repair's audit event). */
  by?: string;
  /** Tests only: awaited at each crash point. */
  checkpoint?: (at: Checkpoint) => Promise<void>;
  /** Tests only: fail at this step, to prove the rollback. 'write' fails halfway through the files. */
  failAt?: Step;
  git?: Git;
}

export type PublishResult =
  | { status: 'unchanged'; period: string; version: number; commit: string | null }
  | {
      status: 'published';
      period: string;
      version: number;
      commit: string;
      /** null when the version was already tagged and only other files (site, other periods) changed. */
      tag: string | null;
      message: string;
      changedFiles: number;
      pushed: boolean;
    };

const injected = (step: Step) => new Error(`injected failure at ${step}`);

const isManaged = (p: string) =>
  p.startsWith('reports/') || p.startsWith('schema/') || (ROOT_FILES as readonly string[]).includes(p);

/** Newest version of each period the repository holds (committed files under `reports/<period>/v<N>/`). */
function publishedVersions(tracked: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of tracked) {
    const m = /^reports\/([^/]+)\/v(\d+)\//.exec(p);
    if (m) out.set(m[1]!, Math.max(out.get(m[1]!) ?? 0, Number(m[2])));
  }
  return out;
}

/** Is `repoPath` the top of a git repository? */
export async function isRepository(repoPath: string, git: Git = runGit): Promise<boolean> {
  const repo = path.resolve(repoPath);
  const top = await git(['rev-parse', '--show-toplevel'], repo).then(
    (s) => s.trim(),
    () => null,
  );
  return top !== null && realpathSync(top) === realpathSync(repo);
}

/**
 * The newest version of each period a repository holds (empty when the folder is missing or is not the top
 * of a git repository). Read from the committed files, as `publish` does.
 */
export async function versionsInRepository(
  repoPath: string,
  git: Git = runGit,
): Promise<Map<string, number>> {
  const repo = path.resolve(repoPath);
  if (!(await isRepository(repo, git))) return new Map();
  const committed = await git(['ls-tree', '-r', '-z', '--name-only', 'HEAD'], repo).catch(() => '');
  return publishedVersions(committed.split('\0').filter(Boolean));
}

/** Cuts `text` at a word boundary so it fits `max` characters, with an ellipsis when cut. */
function fit(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 3);
  return `${cut.slice(0, cut.lastIndexOf(' ') > max / 2 ? cut.lastIndexOf(' ') : cut.length)}...`;
}

/**
 * The commit (and tag) message, written for someone reading `git log` who knows nothing of Candor: the
 * subject says which report and version, a correction's subject says why; the body gives the headline
 * figures in a sentence, the changelog entry and every changed figure, and where the files are.
 */
export function commitMessage(v: FrozenVersion): string {
  const e = entryOf(v);
  const d = v.data;
  const correction = v.number > 1;
  const subject = correction
    ? fit(`Correct the ${v.period} transparency report (v${v.number}): ${e?.why ?? 'corrected figures'}`, 100)
    : `Publish the ${v.period} transparency report (v${v.number}): ${periodText(d)}`;
  const s = d.tables.summary;
  const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  const body = [
    correction && e
      ? `This is version ${v.number} of the report; it replaces version ${v.number - 1}.\n\nWhat: ${e.what}\nWhy: ${e.why}\nMethod: ${e.method}\nDate: ${e.date}`
      : null,
    `From ${periodText(d)} ${d.provider.name} received ${plural(s.requests.count, 'government request')} for customer information, concerning ${plural(s.accounts_specified.count, 'account')}. It produced data for ${plural(s.accounts_with_data_produced.count, 'account')}; ${plural(s.in_process.count, 'request')} ${s.in_process.count === 1 ? 'was' : 'were'} still in process at the end of the period.`,
    correction
      ? `Changed figures (${v.number - 1} -> ${v.number}):\n${
          changedFigures(v)
            .map((c) => `- ${c}`)
            .join('\n') || '- (none listed)'
        }`
      : null,
    `Files: ${periodDir(v.period)}/report.{txt,md,csv,json,html,pdf}; this version stays readable in ${versionDir(v.period, v.number)}/.${
      correction
        ? `\nSee the correction: git diff ${tagName(v.period, v.number - 1)} ${tagName(v.period, v.number)} -- ${periodDir(v.period)}/report.txt`
        : ''
    }`,
    `Frozen at: ${v.frozen_at}\nAudit log head at freeze: ${v.audit_head ?? 'none'}`,
  ].filter(Boolean);
  return cleanOutput(`${subject}\n\n${body.join('\n\n')}\n`);
}

/**
 * The report files the repository already holds for these versions, where their bytes hash to what was
 * frozen: publishing one period then renders only that period, not every earlier one again.
 */
async function publishedBytes(repo: string, versions: readonly FrozenVersion[], tracked: string[]) {
  const have = new Set(tracked);
  const reuse = new Map<string, Buffer>();
  for (const v of versions) {
    for (const name of REPORT_FILES) {
      const rel = `${versionDir(v.period, v.number)}/${name}`;
      if (!have.has(rel) || !v.file_hashes[name]) continue;
      const bytes = await fsp.readFile(path.join(repo, rel)).catch(() => null);
      if (bytes && sha256(bytes) === v.file_hashes[name]) reuse.set(rel, bytes);
    }
  }
  return reuse;
}

/** Writes one file into the staging folder and flushes it to disk, so the rename that moves it in is the
 *  only step left. */
async function stage(file: string, bytes: Buffer): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const fh = await fsp.open(file, 'w');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Publish the latest frozen version of `period` into the repository at `repo`. */
export async function publish(input: PublishInput): Promise<PublishResult> {
  const git = input.git ?? runGit;
  const { period, failAt } = input;
  const checkpoint = input.checkpoint ?? (() => Promise.resolve());
  const repo = path.resolve(input.repo);
  const versions = input.versions.filter((v) => v.period === period);
  if (!versions.length) throw new CandorError('not_found', `no frozen version of ${period} to publish`);
  const latest = versions.reduce((a, b) => (b.number > a.number ? b : a));

  // 1. The repository: create it if missing; finish or undo a publication a dead process left behind;
  //    refuse a foreign lock and foreign changes before touching anything.
  await fsp.mkdir(repo, { recursive: true });
  if (!(await isRepository(repo, git))) await git(['init', '-q'], repo);
  await assertGitIdentity(git, repo);
  await recover(repo, { git, recorded: input.recorded, onRepaired: input.onRepaired });
  const gitDir = await gitDirOf(git, repo);
  const dirty = (await git(['status', '--porcelain', '--untracked-files=all'], repo)).trim();
  if (dirty) {
    const lines = dirty.split('\n');
    throw new CandorError(
      'conflict',
      `${repo} has uncommitted changes; commit, stash or remove them before publishing (${lines.length} path${lines.length === 1 ? '' : 's'}: ${lines
        .slice(0, 5)
        .map((l) => l.slice(3))
        .join(', ')}${lines.length > 5 ? ', ...' : ''})`,
    );
  }
  const before = await git(['rev-parse', '--verify', '-q', 'HEAD'], repo).then(
    (s) => s.trim(),
    () => null,
  );

  // 2. Render everything into memory. Nothing has been written yet, so a failure here needs no rollback.
  const tracked = (await git(['ls-files', '-z'], repo)).split('\0').filter(Boolean);
  const already = publishedVersions(tracked);
  const included = input.versions.filter((v) =>
    v.period === period ? true : v.number <= (already.get(v.period) ?? 0),
  );
  groupByPeriod(included); // validates before the slow rendering
  if (failAt === 'render') throw injected('render');
  const files: FileMap = await repositoryFiles(included, await publishedBytes(repo, included, tracked));

  // What differs from the working tree, and what the layout no longer has.
  const changed = new Map<string, Buffer>();
  for (const [rel, bytes] of files) {
    const current = await fsp.readFile(path.join(repo, rel)).catch(() => null);
    if (!current || !current.equals(bytes)) changed.set(rel, bytes);
  }
  const stale = tracked.filter((p) => isManaged(p) && !files.has(p));
  if (!changed.size && !stale.length) return pushIfAsked(unchanged(), input.push, git, repo);

  const tag = tagName(period, latest.number);
  const tagExists = await git(['rev-parse', '--verify', '-q', `refs/tags/${tag}`], repo).then(
    () => true,
    () => false,
  );
  const pathCount = changed.size + stale.length;
  const message = tagExists
    ? `Regenerate published files (${period} v${latest.number} is unchanged)\n\n${pathCount} paths changed: the site, the feed or other periods' files.\n`
    : commitMessage(latest);
  // git reads dates from the environment; the clock is injected, so commits are reproducible in tests.
  const date = input.now.toISOString();
  const touched = topLevel([...changed.keys(), ...stale]);
  await beginJournal(gitDir, {
    period,
    version: latest.number,
    tag: tagExists ? null : tag,
    before,
    message,
    date,
    by: input.by ?? 'candor',
    paths: touched,
  });
  let tagged = false;
  let recorded = false;
  try {
    // 3. Write every changed file into the staging folder (flushed to disk), then move them in: the working
    //    tree changes only in this short stretch of renames.
    const staging = stagingDir(gitDir);
    let i = 0;
    for (const [rel, bytes] of changed) {
      if (failAt === 'write' && i === Math.floor(changed.size / 2)) throw injected('write');
      if (i++ === Math.floor(changed.size / 2)) await checkpoint('write');
      await stage(path.join(staging, rel), bytes);
    }
    i = 0;
    for (const rel of changed.keys()) {
      if (i++ === Math.floor(changed.size / 2)) await checkpoint('move');
      const abs = path.join(repo, rel);
      await fsp.mkdir(path.dirname(abs), { recursive: true });
      await fsp.rename(path.join(staging, rel), abs);
    }
    for (const rel of stale) await fsp.rm(path.join(repo, rel), { force: true });

    const changes = (await git(['status', '--porcelain', '--untracked-files=all'], repo)).trim();
    if (!changes) {
      await endJournal(gitDir);
      return await pushIfAsked(unchanged(), input.push, git, repo);
    }

    // 4. Commit, tag (unless this version is already tagged), record, push.
    if (failAt === 'add') throw injected('add');
    await git(['add', '-A', '--', ...touched], repo);
    if (failAt === 'commit') throw injected('commit');
    await git(['commit', '-q', '--no-edit', '-m', message], repo, {
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    });
    const commit = (await git(['rev-parse', 'HEAD'], repo)).trim();
    await checkpoint('tag');
    if (!tagExists) {
      if (failAt === 'tag') throw injected('tag');
      await git(['tag', '-a', tag, '-m', message], repo, { GIT_COMMITTER_DATE: date });
      tagged = true;
    }
    const result = {
      status: 'published' as const,
      period,
      version: latest.number,
      commit,
      tag: tagExists ? null : tag,
      message,
      changedFiles: changes.split('\n').length,
      pushed: false,
    };
    await checkpoint('record');
    if (failAt === 'recorded') throw injected('recorded');
    await input.onCommitted?.({ commit, tag: result.tag, version: latest.number });
    recorded = true;
    // Committed, tagged and recorded: published.
    await endJournal(gitDir);
    return await pushIfAsked(result, input.push, git, repo, failAt);
  } catch (e) {
    if (!recorded) {
      await rollback(git, repo, before, tagged ? tag : null, touched);
      await endJournal(gitDir);
    }
    throw e;
  }

  function unchanged() {
    return { status: 'unchanged' as const, period, version: latest.number, commit: before };
  }
}

/**
 * Pushes the branch and its tags when asked. A publication is finished before it is pushed, so a failed
 * push leaves it published here; pushing again (`--push`, even when nothing changed) sends it.
 */
async function pushIfAsked<R extends PublishResult>(
  result: R,
  push: boolean | undefined,
  git: Git,
  repo: string,
  failAt?: Step,
): Promise<R> {
  if (!push || result.commit === null) return result;
  try {
    if (failAt === 'push') throw injected('push');
    const upstream = await git(['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{u}'], repo).then(
      () => true,
      () => false,
    );
    await git(
      upstream ? ['push', '--follow-tags'] : ['push', '--follow-tags', '--set-upstream', 'origin', 'HEAD'],
      repo,
    );
  } catch (e) {
    const what =
      result.status === 'published' ? `${result.period} v${result.version} is published here, but` : '';
    throw new CandorError(
      'unavailable',
      `${what} pushing failed: ${(e as Error).message}. Publish again with --push, or run git push --follow-tags in ${repo}`.trim(),
    );
  }
  return result.status === 'published' ? { ...result, pushed: true } : result;
}

/** The top-level names (`reports`, `index.html`, ...) of repository paths. */
const topLevel = (paths: string[]) => [...new Set(paths.map((p) => p.split('/')[0]!))].sort();
