import type { LiftInput, NdoInput, ReviewInput, VersionInput } from '../../domain/workflow-actions.ts';
import { ndoInForce, nextReviewAt } from '../../domain/ndo.ts';
import { CandorError } from '../../errors.ts';
import { findNdo, insertNdo, updateNdo } from '../../repositories/workflow-repository.ts';
import { cancelUnsent } from '../../repositories/notices-repository.ts';
import { authorize, type Actor } from '../authorize.ts';
import { ndoOf } from '../presenters.ts';
import type { WorkflowContext } from './context.ts';

/** Non-disclosure orders: record, lift, and the reviews the policy schedules. */
export function ndosActions(ctx: WorkflowContext) {
  const { db, clock, policy, change, releaseNotice } = ctx;
  return {
    /** Records a non-disclosure order; while it binds, notice is prohibited. */
    async addNdo(actor: Actor, id: number, input: NdoInput): Promise<number> {
      authorize(actor, 'ndo.manage');
      let ndoId = 0;
      await change(actor, id, input.expectedVersion, 'ndo.create', async (trx, b, _w, now) => {
        if (input.expiresAt && input.issuedAt && input.expiresAt < input.issuedAt) {
          throw new CandorError('invalid', 'the order cannot expire before it was issued', [
            { field: 'expires_at', message: 'before issued_at' },
          ]);
        }
        const n = await insertNdo(trx, id, {
          authority: input.authority,
          issuing_court: input.issuingCourt?.trim() || null,
          issued_at: input.issuedAt ?? null,
          expires_at: input.expiresAt,
          ground: input.ground ?? null,
        });
        ndoId = n.id;
        const binds = ndoInForce(
          { authority: n.authority, issuedAt: n.issued_at, expiresAt: n.expires_at, liftedAt: null },
          now,
        );
        // Queued notices that have not left yet are withdrawn in the same transaction, so the outbox never
        // delivers what the order now forbids (the worker re-checks at send time as well).
        if (binds) await cancelUnsent(trx, id, 'a non-disclosure order was recorded');
        // A notice already sent cannot be unsent; the order is recorded all the same.
        const notice =
          binds && b.request.notice_status !== 'sent' ? 'prohibited_by_order' : b.request.notice_status;
        return {
          set: { notice_status: notice },
          before: { notice_status: b.request.notice_status },
          after: {
            ndo_id: n.id,
            authority: n.authority,
            issuing_court: n.issuing_court,
            issued_at: n.issued_at?.toISOString() ?? null,
            expires_at: n.expires_at?.toISOString() ?? null,
            ground: n.ground,
            notice_status: notice,
          },
        };
      });
      return ndoId;
    },
    /** Records that an order was lifted; the held-back notice becomes due at once. */
    async liftNdo(actor: Actor, id: number, ndoId: number, input: LiftInput = {}): Promise<void> {
      authorize(actor, 'ndo.manage');
      await change(actor, id, input.expectedVersion, 'ndo.lift', async (trx, _b, _w, now) => {
        const n = await findNdo(trx, id, ndoId);
        if (!n) throw new CandorError('not_found', `request ${id} has no non-disclosure order ${ndoId}`);
        if (n.lifted_at)
          throw new CandorError(
            'invalid_state',
            `order ${ndoId} was already lifted at ${n.lifted_at.toISOString()}`,
          );
        const liftedAt = input.liftedAt ?? now;
        if (liftedAt > now)
          throw new CandorError('invalid', 'lifted_at cannot be in the future', [
            { field: 'lifted_at', message: 'in the future' },
          ]);
        await updateNdo(trx, ndoId, { lifted_at: liftedAt });
        return {
          before: { ndo_id: ndoId, lifted_at: null },
          after: { ndo_id: ndoId, lifted_at: liftedAt.toISOString() },
        };
      });
      // In its own transaction, after the lift is committed, so the release is its own audited event.
      await db.transaction().execute((trx) => releaseNotice(trx, id, clock(), actor.label));
    },
    /** Records that the team reviewed an order (or asked for judicial review); the next review counts from it. */
    async reviewNdo(actor: Actor, id: number, ndoId: number, input: ReviewInput = {}): Promise<void> {
      authorize(actor, 'ndo.manage');
      await change(actor, id, input.expectedVersion, 'ndo.review', async (trx, _b, _w, now) => {
        const n = await findNdo(trx, id, ndoId);
        if (!n) throw new CandorError('not_found', `request ${id} has no non-disclosure order ${ndoId}`);
        const at = input.reviewedAt ?? now;
        await updateNdo(trx, ndoId, { review_requested_at: at });
        return {
          before: { ndo_id: ndoId, review_requested_at: n.review_requested_at?.toISOString() ?? null },
          after: { ndo_id: ndoId, review_requested_at: at.toISOString() },
        };
      });
    },
    /**
     * Records that every order of the request whose review the policy schedules was reviewed now (the work
     * queue's "mark reviewed"); refused when no order in force has a review to do.
     */
    async markReviewed(actor: Actor, id: number, input: VersionInput = {}): Promise<void> {
      authorize(actor, 'ndo.manage');
      await change(actor, id, input.expectedVersion, 'ndo.review', async (trx, b, _w, now) => {
        const due = b.ndos.filter((n) => {
          const ndo = ndoOf(n, b.request.received_at);
          return ndoInForce(ndo, now) && nextReviewAt(ndo, policy) !== null;
        });
        if (due.length === 0) {
          throw new CandorError(
            'invalid_state',
            `request ${id} has no non-disclosure order in force with a review to record`,
          );
        }
        for (const n of due) await updateNdo(trx, n.id, { review_requested_at: now });
        return {
          before: due.map((n) => ({
            ndo_id: n.id,
            review_requested_at: n.review_requested_at?.toISOString() ?? null,
          })),
          after: due.map((n) => ({ ndo_id: n.id, review_requested_at: now.toISOString() })),
        };
      });
    },
  };
}
