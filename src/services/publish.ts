import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { CandorError } from '../errors.ts';
import { publish, versionsInRepository, type PublishResult, type Step } from '../publish/git.ts';
import { groupByPeriod, repositoryFiles } from '../publish/layout.ts';
import type { FrozenVersion } from '../reports/versions.ts';
import { appendEvent } from '../repositories/audit-repository.ts';
import { authorize, type Actor } from './authorize.ts';
import type { Clock } from './requests.ts';

export interface PublishDeps {
  db: Db;
  config: Config;
  clock: Clock;
  /** Every frozen report version (all periods); the reports service provides it. */
  frozenVersions: (actor: Actor) => Promise<FrozenVersion[]>;
}

/** One period in `publishAll`: published, unchanged, or skipped because the repository already holds it. */
export type PublishAllStep = PublishResult | { status: 'skipped'; period: string; version: number };

/** Publishing frozen report versions to a git repository, and building the static site. */
export function createPublishService(deps: PublishDeps) {
  const { db, clock } = deps;
  /** One period's latest version, committed with its audit event (see `publish` below). */
  function publishOne(
    actor: Actor,
    versions: FrozenVersion[],
    input: { period: string; repo: string; push?: boolean; failAt?: Step },
  ): Promise<PublishResult> {
    const now = clock();
    return db.transaction().execute((trx) =>
      publish({
        repo: input.repo,
        versions,
        period: input.period,
        push: input.push ?? false,
        now,
        failAt: input.failAt,
        onCommitted: async (r) => {
          await appendEvent(trx, {
            at: now,
            actor: actor.label,
            action: 'report.publish',
            entity: 'report',
            entityId: input.period,
            after: { version: r.version, commit: r.commit, tag: r.tag, repo: path.resolve(input.repo) },
          });
        },
      }),
    );
  }

  return {
    /**
     * Publishes the latest frozen version of `period` (commit + tag, and push when asked). The audit event
     * is written in a transaction that stays open across the git steps: if recording fails, the commit and
     * tag are undone; if git fails, nothing is recorded.
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
