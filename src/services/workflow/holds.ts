import type { HoldInput, ReleaseInput, VersionInput } from '../../domain/workflow-actions.ts';
import {
  acceptsHold,
  canExtend,
  holdExpiresAt,
  holdState,
  type HoldRegime,
} from '../../domain/preservation.ts';
import { CandorError } from '../../errors.ts';
import { appendEvent } from '../../repositories/audit-repository.ts';
import { findRequest } from '../../repositories/requests-repository.ts';
import {
  bumpVersion,
  extendHold,
  findHold,
  insertHold,
  lockOpenHolds,
  releaseHold,
} from '../../repositories/workflow-repository.ts';
import { authorize, type Actor } from '../authorize.ts';
import { SCHEDULER, type WorkflowContext } from './context.ts';

/** Preservation holds (18 U.S.C. 2703(f) and foreign regimes): start, extend once, release, expire. */
export function holdsActions(ctx: WorkflowContext) {
  const { db, clock, policy, change } = ctx;
  return {
    /** Starts a preservation hold (90 days under 2703(f) unless the policy says otherwise). */
    async addHold(actor: Actor, id: number, input: HoldInput): Promise<number> {
      authorize(actor, 'hold.manage');
      let holdId = 0;
      await change(actor, id, input.expectedVersion, 'hold.create', async (trx, b, _w, now) => {
        // 2703(f) binds on the request of a governmental entity (2711(4)); a private litigant's letter does not.
        if (b.request.requester_class === 'civil_litigant') {
          throw new CandorError(
            'invalid_state',
            "a civil litigant's preservation letter is not a 2703(f) request (18 U.S.C. 2703(f), 2711(4)): no 2703(f) hold; any litigation hold is the legal team's own decision",
            [{ field: 'requester_class', message: 'civil_litigant: not a governmental entity' }],
          );
        }
        const regime: HoldRegime =
          input.regime ??
          (b.request.channel === 'eu_e_evidence'
            ? 'eu_epoc_pr'
            : b.agency.country === 'US'
              ? 'sca_2703f'
              : 'foreign');
        if (!acceptsHold(regime, policy)) {
          throw new CandorError(
            'invalid_state',
            'the policy declines foreign preservation requests (not 2703(f), 2711(4))',
          );
        }
        const startedAt = input.startedAt ?? now;
        if (startedAt > now)
          throw new CandorError('invalid', 'a hold cannot start in the future', [
            { field: 'started_at', message: 'in the future' },
          ]);
        const h = await insertHold(trx, { requestId: id, regime, startedAt, by: actor.label });
        holdId = h.id;
        return {
          before: null,
          after: {
            hold_id: h.id,
            regime,
            started_at: startedAt.toISOString(),
            expires_at: holdExpiresAt(startedAt, 0, policy, regime).toISOString(),
          },
        };
      });
      return holdId;
    },
    /** Extends a running hold once (2703(f)(2)); a second extension or an expired hold is refused. */
    async extendHold(actor: Actor, id: number, holdId: number, input: VersionInput = {}): Promise<void> {
      authorize(actor, 'hold.manage');
      await change(actor, id, input.expectedVersion, 'hold.extend', async (trx, _b, _w, now) => {
        const h = await findHold(trx, id, holdId);
        if (!h) throw new CandorError('not_found', `request ${id} has no hold ${holdId}`);
        if (h.released_at)
          throw new CandorError(
            'invalid_state',
            `hold ${holdId} was released at ${h.released_at.toISOString()}`,
          );
        const ok = canExtend(
          { regime: h.regime, startedAt: h.started_at, extensions: h.extensions },
          now,
          policy,
        );
        if (!ok.ok) throw new CandorError(ok.code, ok.message);
        if (!(await extendHold(trx, holdId, h.extensions, now))) {
          throw new CandorError('conflict', `hold ${holdId} changed meanwhile`);
        }
        return {
          before: { hold_id: holdId, extensions: h.extensions },
          after: { hold_id: holdId, extensions: h.extensions + 1, expires_at: ok.expiresAt.toISOString() },
        };
      });
    },
    /** Ends a hold by hand (process arrived, request withdrawn). */
    async releaseHold(actor: Actor, id: number, holdId: number, input: ReleaseInput): Promise<void> {
      authorize(actor, 'hold.manage');
      await change(actor, id, input.expectedVersion, 'hold.release', async (trx, _b, _w, now) => {
        const h = await findHold(trx, id, holdId);
        if (!h) throw new CandorError('not_found', `request ${id} has no hold ${holdId}`);
        if (!(await releaseHold(trx, holdId, now, input.reason))) {
          throw new CandorError('invalid_state', `hold ${holdId} is already released`);
        }
        return {
          before: { hold_id: holdId, released_at: null },
          after: { hold_id: holdId, released_at: now.toISOString(), reason: input.reason },
        };
      });
    },
    /**
     * Releases every hold that expired without process, each with its audit event. Run by
     * `candor holds release-expired` and the background job; safe to run often and from two instances.
     */
    async releaseExpiredHolds(now: Date = clock(), actor: Actor = SCHEDULER) {
      authorize(actor, 'hold.release');
      return db.transaction().execute(async (trx) => {
        const released: Array<{ request_id: number; hold_id: number; expired_at: string }> = [];
        for (const h of await lockOpenHolds(trx)) {
          const hold = { regime: h.regime, startedAt: h.started_at, extensions: h.extensions };
          if (holdState(hold, now, policy) !== 'expired') continue;
          const expiredAt = holdExpiresAt(h.started_at, h.extensions, policy, h.regime);
          await releaseHold(trx, h.id, now, 'expired_without_process');
          const req = await findRequest(trx, h.request_id);
          if (!req || !(await bumpVersion(trx, h.request_id, req.request.version, now))) {
            throw new CandorError('conflict', `request ${h.request_id} changed meanwhile`);
          }
          await appendEvent(trx, {
            at: now,
            actor: actor.label,
            action: 'hold.release',
            entity: 'request',
            entityId: h.request_id,
            before: { hold_id: h.id, released_at: null },
            after: {
              hold_id: h.id,
              released_at: now.toISOString(),
              reason: 'expired_without_process',
              expired_at: expiredAt.toISOString(),
            },
          });
          released.push({ request_id: h.request_id, hold_id: h.id, expired_at: expiredAt.toISOString() });
        }
        return released;
      });
    },
  };
}
