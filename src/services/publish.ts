import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { CandorError } from '../errors.ts';
import { publish, type PublishResult, type Step } from '../publish/git.ts';
import { repositoryFiles } from '../publish/layout.ts';
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

/** Publishing frozen report versions to a git repository, and building the static site. */
export function createPublishService(deps: PublishDeps) {
  const { db, clock } = deps;
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
    },

    /** Writes the whole static site (and every report file it links to) from every frozen version. */
    async buildSite(actor: Actor, outDir: string): Promise<{ files: number; periods: number }> {
      authorize(actor, 'report.read');
      const versions = await deps.frozenVersions(actor);
      const files = await repositoryFiles(versions);
      for (const [rel, bytes] of files) {
        const abs = path.join(outDir, rel);
        await mkdir(path.dirname(abs), { recursive: true });
        const tmp = `${abs}.candor-${randomBytes(4).toString('hex')}`;
        await writeFile(tmp, bytes);
        await rename(tmp, abs);
      }
      return { files: files.size, periods: new Set(versions.map((v) => v.period)).size };
    },
  };
}
export type PublishService = ReturnType<typeof createPublishService>;
