import type { Config } from '../../config.ts';
import type { Db } from '../../db/connect.ts';
import { retentionVerdict } from '../../domain/retention.ts';
import { CandorError } from '../../errors.ts';
import { appendEvent } from '../../repositories/audit-repository.ts';
import {
  liveBlobKeys,
  livePages,
  lockDocument,
  removeDocument,
  retentionPages,
} from '../../repositories/documents-repository.ts';
import { authorize, type Actor } from '../authorize.ts';
import type { Clock } from '../requests.ts';
import type { BlobStore } from '../../documents/store.ts';
import { fileFacts } from './documents.ts';
import type { Vault } from './vault.ts';

export interface PurgeItem {
  document_id: number;
  request_id: number | null;
  kind: string;
  name: string;
  sha256: string;
  reason: string;
}

/**
 * Retention and housekeeping of the blob store: purge (the retention policy, crypto-shredding), gc (blobs
 * no live row names), verify (decrypt everything and compare with the recorded SHA-256).
 */
export function createRetentionService(deps: {
  db: Db;
  clock: Clock;
  config: Config;
  vault: Vault;
  store: () => BlobStore;
}) {
  const { db, clock, config, vault } = deps;
  return {
    /**
     * Purges what the retention policy says may go: destroys each data key (crypto-shredding: the blob can
     * never be read again, from the store or its backups) with an audit event, then removes the blob.
     * `dryRun` lists them and changes nothing. Reports are computed from requests, never from documents.
     */
    async purge(actor: Actor, opts: { dryRun: boolean }): Promise<{ items: PurgeItem[]; purged: number }> {
      authorize(actor, 'document.purge');
      const now = clock();
      const items: PurgeItem[] = [];
      for await (const page of retentionPages(db)) {
        for (const r of page) {
          const v = retentionVerdict(
            {
              kind: r.kind,
              legalHold: r.legal_hold,
              uploadedAt: r.uploaded_at,
              request:
                r.request_id === null || r.request_status === null
                  ? null
                  : { status: r.request_status, changedAt: r.request_changed_at! },
            },
            config.policy,
            now,
          );
          if (v.purge)
            items.push({
              document_id: r.id,
              request_id: r.request_id,
              kind: r.kind,
              name: r.name,
              sha256: r.sha256,
              reason: v.reason,
            });
        }
      }
      if (opts.dryRun) return { items, purged: 0 };
      let purged = 0;
      for (const item of items) {
        const blob = await db.transaction().execute(async (trx) => {
          const d = await lockDocument(trx, item.document_id);
          // Re-checked under the lock: a hold set meanwhile wins.
          if (!d || d.removed_at || d.legal_hold) return null;
          await removeDocument(trx, d.id, { at: now, by: actor.label, reason: `retention: ${item.reason}` });
          await appendEvent(trx, {
            at: now,
            actor: actor.label,
            action: 'document.purge',
            entity: d.request_id === null ? 'document' : 'request',
            entityId: d.request_id ?? d.id,
            after: { ...fileFacts(d), reason: item.reason },
          });
          return d.blob_key;
        });
        if (blob) {
          purged++;
          await vault.discard(blob);
        }
      }
      return { items, purged };
    },

    /**
     * Removes blobs that no live document names: uploads that died midway, blobs of removed documents whose
     * deletion failed. Only blobs older than `olderThanMs` (default one hour), so an upload still in progress
     * is never collected.
     */
    async gc(actor: Actor, opts: { olderThanMs?: number; dryRun?: boolean } = {}) {
      authorize(actor, 'document.purge');
      const cutoff = clock().getTime() - (opts.olderThanMs ?? 3_600_000);
      const store = deps.store();
      let scanned = 0;
      const garbage: string[] = [];
      let batch: string[] = [];
      const flush = async () => {
        const live = await liveBlobKeys(
          db,
          batch.filter((k) => /^[0-9a-f]{32}$/.test(k)),
        );
        garbage.push(...batch.filter((k) => !live.has(k)));
        batch = [];
      };
      for await (const b of store.list()) {
        scanned++;
        if (b.modifiedAt.getTime() > cutoff) continue;
        batch.push(b.key);
        if (batch.length >= 500) await flush();
      }
      await flush();
      if (!opts.dryRun) for (const k of garbage) await store.delete(k);
      return { scanned, collected: garbage.length, keys: garbage, dryRun: opts.dryRun ?? false };
    },

    /** Decrypts every live document and checks its size and SHA-256; lists the ones that fail. */
    async verify(actor: Actor) {
      authorize(actor, 'document.purge');
      let checked = 0;
      const failed: Array<{ document_id: number; name: string; problem: string }> = [];
      for await (const page of livePages(db)) {
        for (const d of page) {
          checked++;
          try {
            const s = await vault.open(d);
            for await (const chunk of s) void chunk;
          } catch (e) {
            failed.push({
              document_id: d.id,
              name: d.name,
              problem: e instanceof CandorError ? e.message : String(e),
            });
          }
        }
      }
      return { checked, failed };
    },
  };
}
export type RetentionService = ReturnType<typeof createRetentionService>;
