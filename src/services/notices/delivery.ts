import { CandorError } from '../../errors.ts';
import { appendEvent } from '../../repositories/audit-repository.ts';
import {
  listFailed,
  listPossiblySent,
  lockOutboxRow,
  lockRequest,
  requestOutcome,
  settlePossiblySent,
  outboxFor,
  setNoticeStatus,
} from '../../repositories/notices-repository.ts';
import { seesRequest } from '../../repositories/sight.ts';
import { sightFor } from '../sight.ts';
import { authorize, type Actor } from '../authorize.ts';
import type { NoticeDeps } from './state.ts';

/** Notices whose delivery needs a person: possibly sent, and failed for good. */
export function deliveryActions(deps: NoticeDeps) {
  const { db, clock } = deps;
  return {
    /** Notices whose delivery was interrupted and may have gone: for a person to check (docs/notices.md). */
    async possiblySent(actor: Actor) {
      authorize(actor, 'notice.read');
      return (await listPossiblySent(db, await sightFor(db, actor))).map((r) => ({
        ...r,
        delivery_started_at: r.delivery_started_at?.toISOString() ?? null,
      }));
    },

    /**
     * A person's answer for a notice that may have been delivered: `sent` (it was: recorded as sent, the
     * request's notice is sent once all its notices are) or `requeue` (it was not: the worker sends it again,
     * with the same Message-ID). Audited; refused unless the notice is `possibly_sent`.
     */
    async settlePossiblySent(actor: Actor, outboxId: number, answer: 'sent' | 'requeue') {
      authorize(actor, 'notice.send');
      const now = clock();
      const sight = await sightFor(db, actor);
      return db.transaction().execute(async (trx) => {
        const row = await lockOutboxRow(trx, outboxId);
        if (!row || !(await seesRequest(trx, sight, row.request_id)))
          throw new CandorError('not_found', `notice ${outboxId} not found`);
        if (row.status !== 'possibly_sent')
          throw new CandorError(
            'invalid_state',
            `notice ${outboxId} is ${row.status}, not possibly_sent: only a notice that may have been delivered is settled by hand`,
            [{ field: 'id', message: `the notice is ${row.status}` }],
          );
        await lockRequest(trx, row.request_id);
        await settlePossiblySent(trx, row.id, now, answer === 'sent' ? 'sent' : 'queued');
        const rows = await outboxFor(trx, row.request_id);
        const request = await requestOutcome(trx, row.request_id);
        const allSent =
          answer === 'sent' &&
          request.outcome !== null &&
          rows.every((r) => r.status === 'sent' || r.status === 'cancelled');
        if (allSent) await setNoticeStatus(trx, row.request_id, 'sent', now);
        await appendEvent(trx, {
          at: now,
          actor: actor.label,
          action: 'notice.settle',
          entity: 'request',
          entityId: row.request_id,
          before: { outbox: row.id, outbox_status: row.status },
          after: {
            outbox: row.id,
            outbox_status: answer === 'sent' ? 'sent' : 'queued',
            message_id: row.message_id,
            answer,
            ...(allSent ? { notice_status: 'sent' } : {}),
          },
        });
        return { id: row.id, request_id: row.request_id, status: answer === 'sent' ? 'sent' : 'queued' };
      });
    },

    /** Notices that failed for good: for the due view. */
    async failures(actor: Actor) {
      authorize(actor, 'notice.read');
      return (await listFailed(db, await sightFor(db, actor))).map((f) => ({
        ...f,
        next_attempt_at: f.next_attempt_at.toISOString(),
      }));
    },
  };
}
