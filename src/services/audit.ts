import type { Db } from '../db/connect.ts';
import { eventHash, GENESIS_HASH } from '../domain/audit-chain.ts';
import { allEvents, eventsFor, headEvent, toChainEvent } from '../repositories/audit-repository.ts';
import { authorize, type Actor } from './authorize.ts';

export type VerifyResult =
  | { ok: true; count: number; head: string }
  | { ok: false; count: number; firstBrokenSeq: number; reason: string };

export function createAuditService(deps: { db: Db }) {
  const { db } = deps;
  return {
    /** Recomputes the whole chain; names the first event that does not follow from the one before it. */
    async verify(actor: Actor): Promise<VerifyResult> {
      authorize(actor, 'audit.verify');
      let prev = GENESIS_HASH;
      let expectedSeq = 1;
      let count = 0;
      for await (const row of allEvents(db)) {
        count++;
        if (row.seq !== expectedSeq) {
          return { ok: false, count, firstBrokenSeq: expectedSeq, reason: `event ${expectedSeq} is missing` };
        }
        if (row.prev_hash !== prev) {
          return {
            ok: false,
            count,
            firstBrokenSeq: row.seq,
            reason: 'its prev_hash is not the hash of the event before it',
          };
        }
        const h = eventHash(prev, toChainEvent(row));
        if (h !== row.hash) {
          return { ok: false, count, firstBrokenSeq: row.seq, reason: 'its content does not match its hash' };
        }
        prev = row.hash;
        expectedSeq++;
      }
      return { ok: true, count, head: prev };
    },

    async head(actor: Actor) {
      authorize(actor, 'audit.verify');
      return (await headEvent(db)) ?? null;
    },

    async timeline(actor: Actor, entity: string, id: number | string) {
      authorize(actor, 'request.read');
      return (await eventsFor(db, entity, id)).map((e) => ({
        seq: e.seq,
        at: e.at.toISOString(),
        actor: e.actor,
        action: e.action,
        before: e.before,
        after: e.after,
      }));
    },
  };
}
export type AuditService = ReturnType<typeof createAuditService>;
