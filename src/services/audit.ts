import type { Db } from '../db/connect.ts';
import { GENESIS_HASH, verifyChain } from '../domain/audit-chain.ts';
import {
  eventPages,
  eventsFor,
  existingHashes,
  headEvent,
  toChainEvent,
} from '../repositories/audit-repository.ts';
import { hideContactFields } from '../domain/contact-fields.ts';
import { authorize, can, type Actor } from './authorize.ts';
import { assertSeesRequest } from './sight.ts';
import type { AuditSequencer } from './audit-sequencer.ts';

export type VerifyResult =
  | { ok: true; count: number; head: string }
  | { ok: false; count: number; firstBrokenSeq: number; reason: string };

const REASONS = {
  sequence_gap: 'an event is missing or out of order here',
  prev_mismatch: 'its prev_hash is not the hash of the event before it',
  hash_mismatch: 'its content does not match its hash (it was edited)',
} as const;

export type VerifyAgainstResult = VerifyResult & {
  /** How many distinct anchored heads were checked. */
  anchors: number;
  /** Anchored heads that are not in the log: the log was rewritten after they were published. */
  missing: string[];
};

export function createAuditService(deps: { db: Db; sequencer: AuditSequencer }) {
  const { db, sequencer } = deps;
  const service = {
    /**
     * Recomputes the whole chain, page by page; names the first event that does not verify. Events still
     * waiting for the sequencer (a writer that died between its commit and its seal) are chained first.
     */
    async verify(actor: Actor): Promise<VerifyResult> {
      authorize(actor, 'audit.verify');
      await sequencer.flush();
      let from = { seq: 0, hash: GENESIS_HASH };
      let count = 0;
      for await (const page of eventPages(db)) {
        const r = verifyChain(page.map(toChainEvent), from);
        if (!r.ok) {
          return {
            ok: false,
            count: count + page.length,
            firstBrokenSeq: r.firstBrokenSeq,
            reason: REASONS[r.reason],
          };
        }
        count += r.count;
        from = { seq: from.seq + r.count, hash: r.head };
      }
      return { ok: true, count, head: from.hash };
    },

    /**
     * Verifies the chain and that every anchored head (from a published repository's report.json files) is
     * the hash of an event in it. Together: the log up to each anchor is what it was at publication.
     */
    async verifyAgainst(actor: Actor, anchors: readonly string[]): Promise<VerifyAgainstResult> {
      authorize(actor, 'audit.verify');
      const chain = await service.verify(actor);
      const unique = [...new Set(anchors)];
      const found = await existingHashes(db, unique);
      return { ...chain, anchors: unique.length, missing: unique.filter((h) => !found.has(h)) };
    },

    /** Chains the events waiting for the sequencer (start-up; no actor: it only completes what was recorded). */
    sealPending(): Promise<void> {
      return sequencer.flush();
    },

    async head(actor: Actor) {
      authorize(actor, 'audit.verify');
      await sequencer.flush();
      return (await headEvent(db)) ?? null;
    },

    /**
     * The events of one record, oldest first. A role that may not see customer contacts (`notice.read`)
     * gets every contact field hidden (an e-mail a notice went to, a contact's name), and no contact's
     * history at all: least privilege holds in the history as on the pages.
     */
    async timeline(actor: Actor, entity: string, id: number | string) {
      authorize(actor, entity === 'contact' ? 'notice.read' : 'request.read');
      // A restricted request's history is as hidden as the request.
      if (entity === 'request') await assertSeesRequest(db, actor, Number(id));
      const show = can(actor, 'notice.read') ? (v: unknown) => v : hideContactFields;
      return (await eventsFor(db, entity, id)).map((e) => ({
        seq: e.seq,
        at: e.at.toISOString(),
        actor: e.actor,
        action: e.action,
        before: show(e.before),
        after: show(e.after),
      }));
    },
  };
  return service;
}
export type AuditService = ReturnType<typeof createAuditService>;
