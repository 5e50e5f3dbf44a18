import type { Readable } from 'node:stream';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/connect.ts';
import { CandorError } from '../../errors.ts';
import { appendEvent } from '../../repositories/audit-repository.ts';
import { documentsOf } from '../../repositories/documents-repository.ts';
import { findPortalUser } from '../../repositories/portal-accounts-repository.ts';
import {
  claimDownload,
  findOwnSubmission,
  findRelease,
  findSubmission,
  insertRelease,
  revokeRelease,
} from '../../repositories/portal-submissions-repository.ts';
import { findProduction } from '../../repositories/productions-repository.ts';
import { findRequest } from '../../repositories/requests-repository.ts';
import { findWorkflowRecords } from '../../repositories/workflow-repository.ts';
import { authorize, type Actor } from '../authorize.ts';
import { seesRequest } from '../../repositories/sight.ts';
import { sightFor } from '../sight.ts';
import { assertMayProduce } from '../documents/production-gate.ts';
import { productionZip } from '../documents/production-zip.ts';
import type { Vault } from '../documents/vault.ts';
import type { Clock } from '../requests.ts';
import type { Officer, PortalMail } from './common.ts';

/**
 * Productions handed to the submitting officer: an expiring, download-limited, revocable release. Released
 * only when the policy gate allows the disclosure now; every download is an audit event.
 */
export function createPortalReleases(deps: {
  db: Db;
  clock: Clock;
  config: Config;
  vault: Vault;
  mail: PortalMail;
  base: string;
}) {
  const { db, clock, config, vault, mail, base } = deps;

  return {
    async release(
      actor: Actor,
      submissionId: number,
      productionId: number,
      opts: { days?: number; maxDownloads?: number } = {},
    ): Promise<number> {
      authorize(actor, 'portal.release');
      const days = opts.days ?? config.portal.releaseDays;
      const max = opts.maxDownloads ?? config.portal.downloadLimit;
      if (!Number.isInteger(days) || days < 1 || days > 90)
        throw new CandorError('invalid', 'days: expected a whole number of days from 1 to 90', [
          { field: 'days', message: 'from 1 to 90' },
        ]);
      if (!Number.isInteger(max) || max < 1 || max > 100)
        throw new CandorError('invalid', 'max_downloads: expected 1 to 100', [
          { field: 'max_downloads', message: 'from 1 to 100' },
        ]);
      const now = clock();
      const sight = await sightFor(db, actor);
      const id = await db.transaction().execute(async (trx) => {
        const s = await findSubmission(trx, submissionId);
        if (!s || (s.request_id !== null && !(await seesRequest(trx, sight, Number(s.request_id)))))
          throw new CandorError('not_found', `portal submission ${submissionId} does not exist`);
        if (s.state !== 'accepted' || s.request_id === null)
          throw new CandorError(
            'invalid_state',
            `portal submission ${submissionId} is ${s.state}: only an accepted submission receives productions`,
          );
        const p = await findProduction(trx, productionId);
        if (!p || Number(p.request_id) !== Number(s.request_id))
          throw new CandorError(
            'invalid',
            `production ${productionId} is not a production of request ${s.request_id}`,
            [{ field: 'production_id', message: 'not a production of this request' }],
          );
        const b = (await findRequest(trx, p.request_id))!;
        // The one policy question every door asks before data leaves: asked again now, not when it was recorded.
        assertMayProduce(
          b,
          await findWorkflowRecords(trx, p.request_id),
          p.data_categories,
          config.policy,
          now,
        );
        const rid = await insertRelease(trx, {
          submission_id: Number(s.id),
          production_id: productionId,
          released_by: actor.label,
          released_at: now,
          expires_at: new Date(now.getTime() + days * 86_400_000),
          max_downloads: max,
        });
        await appendEvent(trx, {
          at: now,
          actor: actor.label,
          action: 'portal.release',
          entity: 'request',
          entityId: p.request_id,
          after: {
            release_id: rid,
            submission_id: Number(s.id),
            production_id: productionId,
            manifest_sha256: p.manifest_sha256,
            days,
            max_downloads: max,
          },
        });
        return { rid, userId: s.user_id, ref: s.reference, sid: Number(s.id) };
      });
      const u = await findPortalUser(db, id.userId);
      if (u)
        await mail(u.email, `Records ready for ${id.ref}`, [
          `Records for your submission ${id.ref} are ready. Sign in to download them (available for ${days} days, ${max} downloads):`,
          `${base}/submissions/${id.sid}`,
        ]);
      return id.rid;
    },

    async revoke(actor: Actor, releaseId: number): Promise<void> {
      authorize(actor, 'portal.release');
      await db.transaction().execute(async (trx) => {
        const r = await findRelease(trx, releaseId);
        const sight = await sightFor(trx, actor);
        if (!r || !(await seesRequest(trx, sight, (await findProduction(trx, r.production_id))!.request_id)))
          throw new CandorError('not_found', `release ${releaseId} does not exist`);
        if (!(await revokeRelease(trx, releaseId, actor.label, clock())))
          throw new CandorError('invalid_state', `release ${releaseId} is already revoked`);
        const p = (await findProduction(trx, r.production_id))!;
        await appendEvent(trx, {
          at: clock(),
          actor: actor.label,
          action: 'portal.release_revoke',
          entity: 'request',
          entityId: p.request_id,
          after: { release_id: releaseId },
        });
      });
    },

    /** The officer's download: counted and audited; refused when not theirs, revoked, expired or used up. */
    async download(officer: Officer, releaseId: number): Promise<{ fileName: string; stream: Readable }> {
      const r = Number.isSafeInteger(releaseId) ? await findRelease(db, releaseId) : undefined;
      const mine = r ? await findOwnSubmission(db, r.submission_id, officer.id) : undefined;
      if (!r || !mine) throw new CandorError('not_found', 'there is no such download in your account');
      const now = clock();
      const claimed = await claimDownload(db, releaseId, officer.id, now);
      if (!claimed)
        throw new CandorError(
          'invalid_state',
          r.revoked_at
            ? 'this download was withdrawn by the legal team'
            : r.expires_at <= now
              ? 'this download has expired; ask the legal team to release it again'
              : 'this download was used as often as allowed; ask the legal team to release it again',
        );
      const p = (await findProduction(db, r.production_id))!;
      const docs = new Map((await documentsOf(db, p.request_id)).map((d) => [d.id, d]));
      const stream = productionZip(vault, p, docs);
      await db.transaction().execute((trx) =>
        appendEvent(trx, {
          at: now,
          actor: officer.label,
          action: 'portal.download',
          entity: 'request',
          entityId: p.request_id,
          after: {
            release_id: releaseId,
            production_id: p.id,
            manifest_sha256: p.manifest_sha256,
            download: claimed.downloads,
          },
        }),
      );
      return {
        fileName: `${mine.reference.replace(/[^A-Za-z0-9._-]+/g, '_')}-production-${p.number}.zip`,
        stream,
      };
    },
  };
}
export type PortalReleases = ReturnType<typeof createPortalReleases>;
