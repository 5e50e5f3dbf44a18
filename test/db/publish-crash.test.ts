import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_FILES } from '../../src/publish/layout.ts';
import { sha256 } from '../../src/reports/files.ts';
import { createPublishService } from '../../src/services/publish.ts';
import { actor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { git, isolateGit, tmpDir } from '../publish/git-env.ts';
import { h1v1, h1v2 } from '../publish/versions.ts';

/**
 * Publishing survives a crash at any instant (issue 13, item 5): a publisher process is killed with SIGKILL
 * (its whole process group, by PID: git and its hook die with it) at each step of publishing 2015-H1 v2,
 * and the next run finishes with exactly one commit and one tag per version, one audit event per
 * publication and a clean tree.
 */

let t: TestDb;
let dbUrl: string;
let template: string;
const signals = tmpDir('crash-signals');
const hashesFile = path.join(signals, 'v1-hashes.json');
const child = path.join(import.meta.dirname, '../helpers/publisher-child.ts');

// v1's file hashes, so that every run reads v1's files back from the repository instead of rendering them.
let v1Hashes: Record<string, string> = {};
const v1 = () => ({ ...h1v1(), file_hashes: v1Hashes });
const service = (versions = [v1(), h1v2()]) =>
  createPublishService({
    db: t.db,
    config: testConfig,
    clock: testClock('2015-10-02T10:00:00Z'),
    frozenVersions: () => Promise.resolve(versions),
  });
const publisher = actor('publisher');
const events = async (repo: string) =>
  (await t.db.selectFrom('audit_events').selectAll().where('action', '=', 'report.publish').execute())
    .map((e) => e.after as { repo: string; commit: string; tag: string | null; repaired?: unknown })
    .filter((a) => a.repo === repo);

beforeAll(async () => {
  isolateGit();
  t = await testDatabase();
  const pg = t.pgConfig as { connectionString?: string; host?: string };
  dbUrl =
    pg.connectionString ?? `postgres://postgres@localhost/postgres?host=${encodeURIComponent(pg.host!)}`;
  // Every scenario starts from a copy of one repository holding 2015-H1 v1.
  template = path.join(tmpDir('crash-template'), 'repo');
  await service([h1v1()]).publish(publisher, { period: '2015-H1', repo: template });
  const dir = path.join(template, 'reports/2015-H1/v1');
  v1Hashes = Object.fromEntries(REPORT_FILES.map((f) => [f, sha256(readFileSync(path.join(dir, f)))]));
  writeFileSync(hashesFile, JSON.stringify(v1Hashes));
}, 120_000);
afterAll(async () => t?.close());

const waitFor = async (what: string, ok: () => boolean, ms = 50_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** Starts the publisher, waits until it reports being at `stop`, and kills its process group. */
async function killAt(repo: string, stop: string): Promise<void> {
  const marker = path.join(signals, `at-${stop}`);
  rmSync(marker, { force: true });
  const p = spawn(process.execPath, ['--import', 'tsx', child, repo, dbUrl, stop, signals, hashesFile], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  p.stderr.on('data', (d: Buffer) => (stderr += String(d)));
  let exited = false;
  const exit = new Promise((r) => p.once('exit', () => r((exited = true))));
  await waitFor(`the publisher to reach "${stop}" (${stderr})`, () => existsSync(marker) || exited);
  expect(exited, stderr).toBe(false);
  process.kill(-p.pid!, 'SIGKILL');
  await exit;
}

const copyTemplate = (name: string) => {
  const repo = path.join(tmpDir(`crash-${name}`), 'repo');
  cpSync(template, repo, { recursive: true });
  return repo;
};
const gitDir = (repo: string) => path.join(repo, '.git');
const trees: string[] = [];

/** One commit and one tag per version, one event per publication, a clean tree, nothing of ours left. */
async function expectFinished(repo: string) {
  expect(git(repo, 'log', '--format=%s').split('\n')).toHaveLength(2);
  expect(git(repo, 'tag', '--list')).toBe('2015-H1-v1\n2015-H1-v2');
  expect(git(repo, 'rev-parse', '2015-H1-v2^{commit}')).toBe(git(repo, 'rev-parse', 'HEAD'));
  expect(git(repo, 'status', '--porcelain', '--untracked-files=all', '--ignored')).toBe('');
  expect(existsSync(path.join(gitDir(repo), 'candor-publish'))).toBe(false);
  expect(existsSync(path.join(gitDir(repo), 'index.lock'))).toBe(false);
  const evs = await events(repo);
  expect(evs.map((e) => e.tag).sort()).toEqual(['2015-H1-v2']);
  expect(evs[0]!.commit).toBe(git(repo, 'rev-parse', 'HEAD'));
  trees.push(git(repo, 'rev-parse', 'HEAD^{tree}'));
  return evs[0]!;
}

// Each test runs the publisher as a process, twice: room for a busy machine.
describe('a publisher killed at any step is finished or undone by the next run', { timeout: 240_000 }, () => {
  it('killed while writing the staging folder: nothing in the working tree; the next run publishes', async () => {
    const repo = copyTemplate('write');
    await killAt(repo, 'write');
    expect(readdirSync(path.join(gitDir(repo), 'candor-publish/staging')).length).toBeGreaterThan(0);
    expect(git(repo, 'status', '--porcelain')).toBe('');
    await service().publish(publisher, { period: '2015-H1', repo });
    await expectFinished(repo);
  });

  it('killed while moving files in: the half-moved tree is undone and published again', async () => {
    const repo = copyTemplate('move');
    await killAt(repo, 'move');
    expect(git(repo, 'status', '--porcelain')).not.toBe('');
    // As a `git add` killed with it would leave: a stale index.lock of Candor's own (the journal says so).
    writeFileSync(path.join(gitDir(repo), 'index.lock'), '');
    await service().publish(publisher, { period: '2015-H1', repo });
    await expectFinished(repo);
  });

  it('killed inside git commit (a hook waiting): the next run undoes the staged files and publishes', async () => {
    const repo = copyTemplate('commit');
    const hook = path.join(gitDir(repo), 'hooks/pre-commit');
    const release = path.join(signals, 'release-commit');
    writeFileSync(
      hook,
      `#!/bin/sh\ntouch '${signals}/at-commit'\nwhile [ ! -e '${release}' ]; do sleep 0.05; done\n`,
    );
    chmodSync(hook, 0o755);
    const head = git(repo, 'rev-parse', 'HEAD');
    await killAt(repo, 'commit');
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(repo, 'diff', '--cached', '--name-only')).not.toBe('');
    writeFileSync(release, '');
    await service().publish(publisher, { period: '2015-H1', repo });
    await expectFinished(repo);
  });

  it('killed between commit and tag: publish --all tags it and records it, without a second commit', async () => {
    const repo = copyTemplate('tag');
    await killAt(repo, 'tag');
    expect(git(repo, 'tag', '--list')).toBe('2015-H1-v1');
    const steps = await service().publishAll(publisher, { repo });
    expect(steps.map((s) => s.status)).toEqual(['skipped']);
    const e = await expectFinished(repo);
    expect(e.repaired).toMatchObject({ interrupted_by: 'child:publisher', tag_made: true });
  });

  it('killed between tag and audit event: the next run records it once', async () => {
    const repo = copyTemplate('record');
    await killAt(repo, 'record');
    expect(git(repo, 'tag', '--list')).toBe('2015-H1-v1\n2015-H1-v2');
    expect(await events(repo)).toEqual([]);
    expect(await service().publish(publisher, { period: '2015-H1', repo })).toMatchObject({
      status: 'unchanged',
    });
    const e = await expectFinished(repo);
    expect(e.repaired).toMatchObject({ tag_made: false });
    // Every run ended with the same files.
    expect(new Set(trees).size).toBe(1);
  });
});

describe('locks and leftovers', () => {
  it('refuses a foreign index.lock before writing anything', async () => {
    const repo = copyTemplate('foreign');
    writeFileSync(path.join(gitDir(repo), 'index.lock'), '');
    const head = git(repo, 'rev-parse', 'HEAD');
    await expect(service().publish(publisher, { period: '2015-H1', repo })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/index\.lock exists and is not Candor's.*nothing was written/),
    });
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);
    expect(existsSync(path.join(gitDir(repo), 'candor-publish'))).toBe(false);
    expect(existsSync(path.join(gitDir(repo), 'index.lock'))).toBe(true);
    expect(await events(repo)).toEqual([]);
  });
});
