import type { NoticeStatus } from '../../domain/vocabulary.ts';
import type { NoticeInput } from '../../domain/workflow-actions.ts';
import { CandorError } from '../../errors.ts';
import { lockHeldNotices } from '../../repositories/workflow-repository.ts';
import { authorize, type Actor } from '../authorize.ts';
import { snapshotsFrom } from '../due.ts';
import { assertGateChange, assertNoticeChange } from './guards.ts';
import { SCHEDULER, type WorkflowContext } from './context.ts';

/** The customer-notice status: releasing held-back notices, and a decision recorded by a person. */
export function noticeStatusActions(ctx: WorkflowContext) {
  const { db, clock, policy, change, releaseNotice } = ctx;
  return {
    /**
     * Moves held-back notices on once their order has ended or the emergency delay has run out: from
     * prohibited_by_order / delayed_emergency to what the notice policy now decides (usually pending), with an
     * audit event each. Idempotent; run by `candor ndos release-expired` and the background job.
     */
    async releaseExpiredNotices(now: Date = clock(), actor: Actor = SCHEDULER) {
      authorize(actor, 'hold.release');
      return db.transaction().execute(async (trx) => {
        const parts = await lockHeldNotices(trx);
        const changed: Array<{ request_id: number; notice_status: NoticeStatus }> = [];
        for (const s of snapshotsFrom(parts)) {
          const status = await releaseNotice(trx, Number(s.id), now, actor.label);
          if (status) changed.push({ request_id: Number(s.id), notice_status: status });
        }
        return changed;
      });
    },
    /** Records a notice status decided by a person, with the reason; refused while notice is held back. */
    async recordNotice(actor: Actor, id: number, input: NoticeInput): Promise<void> {
      authorize(actor, 'notice.record');
      await change(actor, id, input.expectedVersion, 'notice.record', async (trx, b, w, now) => {
        const reason = input.reason.trim();
        if (reason.length < 3)
          throw new CandorError('invalid', 'give the reason for the notice decision', [
            { field: 'reason', message: 'required' },
          ]);
        await assertNoticeChange(trx, id, input.status, now, policy);
        assertGateChange(b, w, now, policy, { noticeStatus: input.status });
        if (input.status === 'sent' && !b.request.outcome) {
          throw new CandorError('invalid_state', 'record the response before recording notice as sent');
        }
        return {
          set: { notice_status: input.status },
          before: { notice_status: b.request.notice_status },
          after: { notice_status: input.status, reason },
        };
      });
    },
  };
}
