import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { CandorError } from '../errors.ts';
import {
  assertGitIdentity,
  gitAs,
  isRepository,
  publish,
  runGit,
  versionsInRepository,
  type Checkpoint,
  type PublishResult,
  type Step,
} from '../publish/git.ts';
import { recover, type Repaired } from '../publish/recovery.ts';
import { groupByPeriod, repositoryFiles } from '../publish/layout.ts';
import type { FrozenVersion } from '../reports/versions.ts';
import { appendEvent, publishEventExists } from '../repositories/audit-repository.ts';
import { authorize, type Actor } from './authorize.ts';
import type { Clock } from './requests.ts';

export interface PublishDeps {
  db: Db;
  config: Config;
  clock: Clock;
  /** Every frozen report version (all periods); the reports service provides it. */
  frozenVersions: (actor: Actor) => Promise<FrozenVersion[]>;
  /** Tests only: awaited at each crash point of a publication (test/db/publish-crash.test.ts). */
  checkpoint?: (at: Checkpoint) => Promise<void>;
}

/** One period in `publishAll`: published, unchanged, or skipped because the repository already holds it. */
export type PublishAllStep = PublishResult | { status: 'skipped'; period: string; version: number };

/** Publishing frozen report versions to a git repository, and building the static site. */
export function createPublishService(deps: PublishDeps) {
  const { db, clock } = deps;
  /** git, committing and tagging as CANDOR_GIT_AUTHOR when it is set. */
  const git = gitAs(deps.config.gitAuthor, runGit);
  /** The audit event of a publication: written in its own short transaction once commit and tag exist. */
  const record = (actor: string, period: string, repo: string, after: Record<string, unknown>) =>
    db.transaction().execute(async (trx) => {
      await appendEvent(trx, {
        at: clock(),
        actor,
        action: 'report.publish',
        entity: 'report',
        entityId: period,
        after: { ...after, repo: path.resolve(repo) },
      });
    });
  /** Finishing a publication a killed process left half-done (committed, maybe not tagged, not recorded). */
  const repairOptions = (actor: Actor, repo: string) => ({
    // Commits are reproducible (same files, parent and dates give the same hash), so the repository counts too.
    recorded: (commit: string) => publishEventExists(db, commit, path.resolve(repo)),
    onRepaired: ({ journal: j, commit, tagMade }: Repaired) =>
      record(actor.label, j.period, repo, {
        version: j.version,
        commit,
        tag: j.tag,
        repaired: { interrupted_by: j.by, started_at: j.started_at, tag_made: tagMade },
      }),
  });

  /** One period's latest version: committed, tagged, then recorded in the audit log (see `publish` below). */
  function publishOne(
    actor: Actor,
    versions: FrozenVersion[],
    input: { period: string; repo: string; push?: boolean; failAt?: Step },
  ): Promise<PublishResult> {
    return publish({
      repo: input.repo,
      versions,
      period: input.period,
      push: input.push ?? false,
      now: clock(),
      failAt: input.failAt,
      by: actor.label,
      checkpoint: deps.checkpoint,
      git,
      ...repairOptions(actor, input.repo),
      onCommitted: (r) => record(actor.label, input.period, input.repo, r),
    });
  }

  return {
    /**
     * Publishes the latest frozen version of `period` (commit + tag + audit event, then push when asked).
     * If recording fails, the commit and tag are undone; if git fails, nothing is recorded. A publication
     * that a killed process left half-done is finished (or undone) first (docs/publishing.md, "Safety").
     */
    async publish(
      actor: Actor,
      input: { period: string; repo: string; push?: boolean; failAt?: Step },
    ): Promise<PublishResult> {
      authorize(actor, 'report.publish');
      const versions = await deps.frozenVersions(actor);
      if (!versions.some((v) => v.period === input.period))
        throw new CandorError('not_found', `${input.period} has no frozen version; freeze the report first`);
      return publishOne(actor, versions, input);
    },

    /**
     * Publishes every period's latest frozen version that the repository does not hold yet, oldest period
     * first, one commit and tag each (each as `publish` does, with its own audit event). A failure stops the
     * run with the repository as the last successful publication left it; running again carries on.
     */
    async publishAll(
      actor: Actor,
      input: { repo: string; push?: boolean; onEach?: (r: PublishAllStep) => void },
    ): Promise<PublishAllStep[]> {
      authorize(actor, 'report.publish');
      const versions = await deps.frozenVersions(actor);
      if (!versions.length) throw new CandorError('not_found', 'no report is frozen yet; freeze one first');
      if (await isRepository(input.repo)) {
        await assertGitIdentity(git, path.resolve(input.repo));
        await recover(path.resolve(input.repo), { git, ...repairOptions(actor, input.repo) });
      }
      const held = await versionsInRepository(input.repo);
      const steps: PublishAllStep[] = [];
      for (const { period, latest } of groupByPeriod(versions)) {
        const step: PublishAllStep =
          (held.get(period) ?? 0) >= latest.number
            ? { status: 'skipped', period, version: latest.number }
            : await publishOne(actor, versions, { period, repo: input.repo, push: input.push });
        steps.push(step);
        input.onEach?.(step);
      }
      return steps;
    },

    /** Writes the whole static site (and every report file it links to) from every frozen version. */
    async buildSite(actor: Actor, outDir: string): Promise<{ files: number; periods: number }> {
      authorize(actor, 'report.read');
      const versions = await deps.frozenVersions(actor);
      const files = await repositoryFiles(versions);
      // The site is for the public: readable by a web server's user whatever the process umask (077 on the
      // embedded engine, docs/database.md).
      const root = path.resolve(outDir);
      const dirs = new Set<string>();
      for (const [rel, bytes] of files) {
        const abs = path.join(root, rel);
        await mkdir(path.dirname(abs), { recursive: true });
        for (let d = path.dirname(abs); d.startsWith(root) && !dirs.has(d); d = path.dirname(d)) dirs.add(d);
        const tmp = `${abs}.candor-${randomBytes(4).toString('hex')}`;
        await writeFile(tmp, bytes);
        await chmod(tmp, 0o644);
        await rename(tmp, abs);
      }
      for (const d of dirs) await chmod(d, 0o755);
      return { files: files.size, periods: new Set(versions.map((v) => v.period)).size };
    },
  };
}
export type PublishService = ReturnType<typeof createPublishService>;
