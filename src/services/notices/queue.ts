import type { Db } from '../../db/connect.ts';
import { fromDatabaseError } from '../../db/errors.ts';
import type { NoticeKind } from '../../domain/notice-policy.ts';
import { defaultPolicy } from '../../domain/policy-config.ts';
import { CandorError } from '../../errors.ts';
import { appendEvent } from '../../repositories/audit-repository.ts';
import {
  lockRequest,
  outboxFor,
  queueOutbox,
  releaseCandidates,
  setNoticeStatus,
  type NewOutboxRow,
} from '../../repositories/notices-repository.ts';
import { assertSeesRequest } from '../sight.ts';
import { authorize, type Actor } from '../authorize.ts';
import {
  leftToQueue,
  noticeState,
  presentOutbox,
  render,
  RELEASE_ACTOR,
  type NoticeDeps,
  type NoticeState,
  type QueueResult,
} from './state.ts';

/** Where a notice stands, its preview, queueing it, and the automatic release of held notices. */
export function queueActions(deps: NoticeDeps) {
  const { db, config, clock } = deps;
  const policy = deps.policy ?? defaultPolicy;
  /**
   * Decides and queues inside the caller's transaction, with the request row locked: refuses while the law
   * forbids notice, records `not_possible` when no account has a contact, otherwise writes the outbox rows
   * and the audit event together.
   */
  async function queueIn(trx: Db, label: string, requestId: number, now: Date, wanted?: NoticeKind) {
    if (!(await lockRequest(trx, requestId))) {
      throw new CandorError('not_found', `request ${requestId} does not exist`);
    }
    const s = await noticeState(trx, requestId, now, policy);
    const { decision } = s;
    const missing = s.accounts.filter((a) => !s.contacts.has(a));
    const before = s.bundle.request.notice_status;
    if (decision.status === 'not_possible') {
      const reason =
        s.accounts.length === 0
          ? 'the request names no account to notify'
          : `no contact for the request's accounts (${missing.join(', ')})`;
      if (before !== 'not_possible') {
        await setNoticeStatus(trx, requestId, 'not_possible', now);
        await appendEvent(trx, {
          at: now,
          actor: label,
          action: 'notice.not_possible',
          entity: 'request',
          entityId: requestId,
          before: { notice_status: before },
          after: { notice_status: 'not_possible', reason },
        });
      }
      return {
        request_id: requestId,
        notice_status: 'not_possible',
        reason,
        kind: null,
        queued: [],
        already_queued: 0,
        missing_contacts: missing,
      } satisfies QueueResult;
    }
    if (decision.status !== 'pending' || !decision.kind) {
      throw new CandorError(
        'invalid_state',
        `request ${requestId}: no notice may be sent: ${decision.reason}`,
      );
    }
    if (wanted && wanted !== decision.kind) {
      throw new CandorError(
        'invalid_state',
        `request ${requestId}: the record calls for a ${decision.kind} notice, not ${wanted}`,
      );
    }
    const rendered = await render(trx, s, decision.kind, config.providerName, policy);
    const rows: NewOutboxRow[] = rendered.map((m) => ({
      request_id: requestId,
      account_ref: m.account,
      to_email: m.to,
      kind: m.kind,
      subject: m.subject,
      body: m.body,
      message_id: m.message_id,
    }));
    const queued = await queueOutbox(trx, rows, now);
    if (queued.length > 0) {
      await setNoticeStatus(trx, requestId, 'pending', now);
      await appendEvent(trx, {
        at: now,
        actor: label,
        action: 'notice.queue',
        entity: 'request',
        entityId: requestId,
        before: { notice_status: before },
        after: {
          notice_status: 'pending',
          kind: decision.kind,
          reason: decision.reason,
          outbox: queued.map((q) => ({
            id: q.id,
            account: q.account_ref,
            to: q.to_email,
            message_id: q.message_id,
          })),
          missing_contacts: missing,
        },
      });
    }
    return {
      request_id: requestId,
      notice_status: 'pending',
      reason: decision.reason,
      kind: decision.kind,
      queued: queued.map((q) => ({
        id: q.id,
        account: q.account_ref,
        to: q.to_email,
        message_id: q.message_id,
      })),
      already_queued: rows.length - queued.length,
      missing_contacts: missing,
    } satisfies QueueResult;
  }

  return {
    /**
     * Where the request's notice stands: what the law says now, every outbox row (who, what kind, status,
     * when queued and sent), and the accounts that queueing now would add (`to_queue`; empty when every
     * notice the record calls for is queued, sending or sent, or when no notice may go). Changes nothing.
     */
    async status(actor: Actor, requestId: number) {
      authorize(actor, 'notice.read');
      await assertSeesRequest(db, actor, requestId);
      const s = await noticeState(db, requestId, clock(), policy);
      const outbox = await outboxFor(db, requestId);
      return {
        request_id: requestId,
        notice_status: s.bundle.request.notice_status,
        decision: presentDecision(s),
        may_send_now: s.decision.status === 'pending',
        to_queue: leftToQueue(s, outbox),
        missing_contacts: s.accounts.filter((a) => !s.contacts.has(a)),
        outbox: outbox.map(presentOutbox),
      };
    },

    /** Exactly what would be sent, to whom, and whether the law lets it go now. Changes nothing. */
    async preview(actor: Actor, requestId: number, kind?: NoticeKind) {
      authorize(actor, 'notice.read');
      await assertSeesRequest(db, actor, requestId);
      const s = await noticeState(db, requestId, clock(), policy);
      const outbox = await outboxFor(db, requestId);
      const k = kind ?? s.decision.kind;
      return {
        request_id: requestId,
        notice_status: s.bundle.request.notice_status,
        decision: presentDecision(s),
        may_send_now: s.decision.status === 'pending' && (!kind || kind === s.decision.kind),
        messages: k ? await render(db, s, k, config.providerName, policy) : [],
        to_queue: !kind || kind === s.decision.kind ? leftToQueue(s, outbox) : [],
        missing_contacts: s.accounts.filter((a) => !s.contacts.has(a)),
        outbox: outbox.map(presentOutbox),
      };
    },

    /**
     * Decides the notice at `clock()` and, if it may go, writes it to the outbox in the same transaction as
     * the decision. Refuses (`invalid_state`, nothing changes) while an order binds or an emergency delay runs.
     */
    async queue(actor: Actor, requestId: number, kind?: NoticeKind): Promise<QueueResult> {
      authorize(actor, 'notice.send');
      await assertSeesRequest(db, actor, requestId);
      const now = clock();
      return db
        .transaction()
        .execute((trx) => queueIn(trx, actor.label, requestId, now, kind))
        .catch((e: unknown) => {
          throw fromDatabaseError(e, 'the notice');
        });
    },

    /**
     * Queues every held notice that has become due at `now` (an order expired or was lifted, an emergency
     * delay ended), so nobody has to remember. Idempotent: a notice already in the outbox is not queued again.
     */
    async releaseDue(now: Date = clock()) {
      const ids = await releaseCandidates(db, now, {
        emergencyDelayDays: policy.emergency.noticeDelayDays,
        notifyOutcomes: policy.notice.notifyOutcomes,
        exemptProcessTypes: policy.notice.exemptProcessTypes,
      });
      const queued: QueueResult[] = [];
      const notPossible: number[] = [];
      for (const id of ids) {
        try {
          const r = await db.transaction().execute((trx) => queueIn(trx, RELEASE_ACTOR, id, now));
          if (r.notice_status === 'not_possible') notPossible.push(id);
          else if (r.queued.length > 0) queued.push(r);
        } catch (e) {
          // Still held (another order binds) or nothing owed: the workflow keeps that status; try next time.
          if (e instanceof CandorError && e.code === 'invalid_state') continue;
          throw e;
        }
      }
      return { queued, not_possible: notPossible };
    },
  };
}

/** What the law says of the notice now, as status and preview show it. */
function presentDecision(s: NoticeState) {
  return {
    status: s.decision.status,
    reason: s.decision.reason,
    kind: s.decision.kind ?? null,
    due_at: s.decision.dueAt?.toISOString() ?? null,
  };
}
