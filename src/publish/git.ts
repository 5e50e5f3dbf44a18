import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fsp, realpathSync } from 'node:fs';
import path from 'node:path';
import { CandorError } from '../errors.ts';
import { periodText } from '../reports/render/document.ts';
import type { FrozenVersion } from '../reports/versions.ts';
import {
  changedFigures,
  entryOf,
  groupByPeriod,
  repositoryFiles,
  ROOT_FILES,
  tagName,
  type FileMap,
} from './layout.ts';

/**
 * Publishing to a git repository with the `git` command (execFile, never a shell), so the user's own git
 * configuration applies: identity, commit and tag signing, hooks, remotes and credentials.
 *
 * All or nothing: every file is rendered into memory first; then written (temp file + rename per file);
 * then `git add -A`, commit, annotated tag and, when asked, push. If any step fails the repository is put
 * back exactly as it was (HEAD, index, working tree, tags), which is possible because publishing refuses to
 * start unless the working tree is clean.
 */

export type Step = 'render' | 'write' | 'add' | 'commit' | 'tag' | 'recorded' | 'push';

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

export interface PublishInput {
  repo: string;
  /** Every frozen version (all periods). Versions of other periods are included up to the newest one the
   *  repository already holds, so publishing one period never publishes another by accident. */
  versions: readonly FrozenVersion[];
  period: string;
  push?: boolean;
  now: Date;
  /** Called after the tag exists and before pushing; if it throws, the publication is undone. */
  onCommitted?: (r: { commit: string; tag: string | null; version: number }) => Promise<void>;
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

/** The commit message: what was published, why, and which figures changed. */
export function commitMessage(v: FrozenVersion): string {
  const e = entryOf(v);
  const d = v.data;
  const correction = v.number > 1;
  const subject = correction
    ? `Publish ${v.period} v${v.number} (correction): ${e?.why ?? 'corrected figures'}`
    : `Publish ${v.period} v${v.number}: ${d.provider.name} transparency report, ${periodText(d)}`;
  const s = d.tables.summary;
  const body = [
    correction && e ? `What: ${e.what}\nWhy: ${e.why}\nMethod: ${e.method}\nDate: ${e.date}` : null,
    `${s.requests.count} requests concerning ${s.accounts_specified.count} accounts; data produced for ${s.accounts_with_data_produced.count} accounts; ${s.in_process.count} in process.`,
    correction
      ? `Changed figures:\n${
          changedFigures(v)
            .map((c) => `- ${c}`)
            .join('\n') || '- (none listed)'
        }`
      : null,
    `Frozen at: ${v.frozen_at}\nAudit log head at freeze: ${v.audit_head ?? 'none'}`,
  ].filter(Boolean);
  return `${subject.length > 100 ? `${subject.slice(0, 97)}...` : subject}\n\n${body.join('\n\n')}\n`;
}

/** Writes one file atomically: a temp file beside it, then rename. Returns the temp path it used. */
async function writeAtomic(file: string, bytes: Buffer, temps: string[]): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.candor-${randomBytes(4).toString('hex')}`,
  );
  temps.push(tmp);
  await fsp.writeFile(tmp, bytes);
  await fsp.rename(tmp, file);
}

/** Publish the latest frozen version of `period` into the repository at `repo`. */
export async function publish(input: PublishInput): Promise<PublishResult> {
  const git = input.git ?? runGit;
  const { period, failAt } = input;
  const repo = path.resolve(input.repo);
  const versions = input.versions.filter((v) => v.period === period);
  if (!versions.length) throw new CandorError('not_found', `no frozen version of ${period} to publish`);
  const latest = versions.reduce((a, b) => (b.number > a.number ? b : a));

  // 1. The repository: create it if missing; refuse foreign changes before touching anything.
  await fsp.mkdir(repo, { recursive: true });
  const top = await git(['rev-parse', '--show-toplevel'], repo).then(
    (s) => s.trim(),
    () => null,
  );
  if (top === null || realpathSync(top) !== realpathSync(repo)) await git(['init', '-q'], repo);
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
  const files: FileMap = await repositoryFiles(included);

  const temps: string[] = [];
  const touched = new Set<string>();
  const tag = tagName(period, latest.number);
  let tagged = false;
  try {
    // 3. Write what differs, remove managed files that should no longer exist.
    const stale = tracked.filter((p) => isManaged(p) && !files.has(p));
    let i = 0;
    for (const [rel, bytes] of files) {
      if (failAt === 'write' && i++ === Math.floor(files.size / 2)) throw injected('write');
      const abs = path.join(repo, rel);
      const current = await fsp.readFile(abs).catch(() => null);
      if (current && current.equals(bytes)) continue;
      touched.add(rel);
      await writeAtomic(abs, bytes, temps);
    }
    for (const rel of stale) {
      touched.add(rel);
      await fsp.rm(path.join(repo, rel), { force: true });
    }

    const changes = (await git(['status', '--porcelain', '--untracked-files=all'], repo)).trim();
    if (!changes) return { status: 'unchanged', period, version: latest.number, commit: before };

    // 4. Commit, tag (unless this version is already tagged), record, push.
    if (failAt === 'add') throw injected('add');
    await git(['add', '-A', '--', ...topLevel([...touched])], repo);
    const tagExists = await git(['rev-parse', '--verify', '-q', `refs/tags/${tag}`], repo).then(
      () => true,
      () => false,
    );
    const message = tagExists
      ? `Regenerate published files (${period} v${latest.number} is unchanged)\n\n${changes.split('\n').length} paths changed: the site, the feed or other periods' files.\n`
      : commitMessage(latest);
    if (failAt === 'commit') throw injected('commit');
    // git reads dates from the environment; the clock is injected, so commits are reproducible in tests.
    const date = input.now.toISOString();
    await git(['commit', '-q', '--no-edit', '-m', message], repo, {
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    });
    const commit = (await git(['rev-parse', 'HEAD'], repo)).trim();
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
    if (failAt === 'recorded') throw injected('recorded');
    await input.onCommitted?.({ commit, tag: result.tag, version: latest.number });
    if (input.push) {
      if (failAt === 'push') throw injected('push');
      const upstream = await git(['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{u}'], repo).then(
        () => true,
        () => false,
      );
      await git(
        upstream ? ['push', '--follow-tags'] : ['push', '--follow-tags', '--set-upstream', 'origin', 'HEAD'],
        repo,
      );
      result.pushed = true;
    }
    return result;
  } catch (e) {
    const ours = topLevel([...touched, ...temps.map((t) => path.relative(repo, t))]);
    await rollback(git, repo, before, tagged ? tag : null, ours);
    throw e;
  } finally {
    await Promise.all(temps.map((t) => fsp.rm(t, { force: true })));
  }
}

/** Puts the repository back to `before`: HEAD, index, the files we touched, and the tag we made. */
async function rollback(git: Git, repo: string, before: string | null, tag: string | null, paths: string[]) {
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
  if (paths.length) await git(['clean', '-f', '-d', '-q', '--', ...paths], repo);
}

/** The top-level names (`reports`, `index.html`, ...) of repository paths. */
const topLevel = (paths: string[]) => [...new Set(paths.map((p) => p.split('/')[0]!))].sort();
