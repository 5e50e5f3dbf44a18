import os from 'node:os';
import type { Db } from '../db/connect.ts';
import type { OutboxRow } from '../db/schema.ts';
import { defaultPolicy } from '../domain/policy-config.ts';
import { appendEvent } from '../repositories/audit-repository.ts';
import {
  claimDue,
  finishClaim,
  flagInterrupted,
  markOutboxSent,
  setNoticeStatus,
  startDelivery,
} from '../repositories/notices-repository.ts';
import { createMailer, isPermanent, mayHaveBeenDelivered, type Mailer } from './mailer.ts';
import { createNoticeService, noticeState, type NoticeDeps } from './notices/index.ts';

/**
 * The notice worker: claims due outbox rows with FOR UPDATE SKIP LOCKED, checks again at send time that the
 * law still allows the notice, sends it, and records the result.
 *
 * Delivery is EXACTLY ONCE, OR A PERSON IS ASKED; never early (docs/notices.md, "Delivery guarantee"). The
 * claim (status `sending`, the worker, the time, the attempt) is committed first; then "delivery in
 * progress" (`delivery_started_at`) is committed just before the SMTP session opens, so before DATA. A row
 * claimed but not yet in delivery is safe to claim again after the lease (nothing can have gone). A row in
 * delivery whose worker died, or whose send failed in a way that may have followed the server's acceptance
 * (connection lost during the message), is never sent again by itself: it becomes `possibly_sent`, shown in
 * the due list, on the request page and by the API, for a person to check and mark sent or queue again. A
 * refusal the server stated, or a failure before the session reached the message, is retried as before.
 * What must never happen, a notice while an order binds, is checked on every claim, including a re-claim.
 */

export interface WorkerDeps extends NoticeDeps {
  mailer?: Mailer;
}

export interface WorkerOptions {
  /** Attempts before a notice fails for good (surfaced by `notices.failures`). */
  maxAttempts?: number;
  /** How long a claim lasts before another worker may take the row over; must outlast one SMTP send. */
  leaseMs?: number;
  /** First retry delay; doubles per attempt up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

export interface RunReport {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  cancelled: number;
  /** Sends that failed in a way that may have followed delivery: left for a person (`possibly_sent`). */
  possiblySent: number;
}

export const DEFAULT_LEASE_MS = 5 * 60_000;

const describeError = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 1000);

/** A worker id that tells operators which process holds a claim. */
export const defaultWorkerId = () => `${os.hostname()}:${process.pid}`;

export function createNoticeWorker(deps: WorkerDeps, opts: WorkerOptions = {}) {
  const { db, clock } = deps;
  const policy = deps.policy ?? defaultPolicy;
  const maxAttempts = opts.maxAttempts ?? 5;
  const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  const backoffMs = opts.backoffMs ?? 60_000;
  const maxBackoffMs = opts.maxBackoffMs ?? 6 * 3_600_000;
  let mailer = deps.mailer;
  const mail = () => (mailer ??= createMailer(deps.config));

  /**
   * Checks the law again for a claimed row. If the notice may no longer go (an order was added after it was
   * queued, or an emergency delay runs), cancels the row and puts the request's status back. Returns
   * whether the row may be sent.
   */
  async function recheck(row: OutboxRow, workerId: string, now: Date): Promise<boolean> {
    return db.transaction().execute(async (trx) => {
      const s = await noticeState(trx, row.request_id, now, policy);
      // not_possible only says no contact is on file now; the row already holds the address it was queued to.
      if (s.decision.status === 'pending' || s.decision.status === 'not_possible') return true;
      if (!(await finishClaim(trx, row.id, workerId, now, { status: 'cancelled', error: s.decision.reason })))
        return false;
      const status = s.decision.status;
      await setNoticeStatus(trx, row.request_id, status, now);
      await appendEvent(trx, {
        at: now,
        actor: `worker:${workerId}`,
        action: 'notice.cancel',
        entity: 'request',
        entityId: row.request_id,
        before: { notice_status: s.bundle.request.notice_status, outbox: row.id },
        after: {
          notice_status: status,
          outbox: row.id,
          message_id: row.message_id,
          reason: s.decision.reason,
        },
      });
      return false;
    });
  }

  /** Records a delivered message; the request's notice is `sent` once every notice of it has gone. */
  async function recordSent(row: OutboxRow, workerId: string, now: Date): Promise<void> {
    await db.transaction().execute(async (trx) => {
      // Record the truth even if our claim was lost meanwhile: the message did go.
      const { prev, open, request } = await markOutboxSent(trx, row, workerId, now);
      // The schema allows `sent` only once the request has an outcome; a notice before disclosure leaves
      // the request's status `pending` (the outbox row and the audit event record that it went).
      const allSent = open.length === 0 && request.outcome !== null;
      if (allSent) await setNoticeStatus(trx, row.request_id, 'sent', now);
      await appendEvent(trx, {
        at: now,
        actor: `worker:${workerId}`,
        action: 'notice.sent',
        entity: 'request',
        entityId: row.request_id,
        before: { notice_status: request.notice_status, outbox_status: prev.status },
        after: {
          notice_status: allSent ? 'sent' : request.notice_status,
          outbox: row.id,
          kind: row.kind,
          to: row.to_email,
          message_id: row.message_id,
          attempt: row.attempts,
          ...(prev.claimed_by !== workerId ? { claim_lost_to: prev.claimed_by ?? prev.status } : {}),
        },
      });
    });
  }

  async function recordFailure(
    row: OutboxRow,
    workerId: string,
    now: Date,
    err: unknown,
  ): Promise<'retried' | 'failed'> {
    const error = describeError(err);
    const final = isPermanent(err) || row.attempts >= maxAttempts;
    const nextAttemptAt = new Date(
      now.getTime() + Math.min(maxBackoffMs, backoffMs * 2 ** (row.attempts - 1)),
    );
    await db.transaction().execute(async (trx) => {
      const ok = await finishClaim(
        trx,
        row.id,
        workerId,
        now,
        final ? { status: 'failed', error } : { status: 'queued', nextAttemptAt, error },
      );
      if (!ok) return;
      await appendEvent(trx, {
        at: now,
        actor: `worker:${workerId}`,
        action: final ? 'notice.failed' : 'notice.retry',
        entity: 'request',
        entityId: row.request_id,
        after: {
          outbox: row.id,
          to: row.to_email,
          message_id: row.message_id,
          attempt: row.attempts,
          error,
          ...(final ? {} : { next_attempt_at: nextAttemptAt.toISOString() }),
        },
      });
    });
    return final ? 'failed' : 'retried';
  }

  /** A send that may have been delivered: recorded `possibly_sent` for a person, never retried by itself. */
  async function recordPossiblySent(row: OutboxRow, workerId: string, now: Date, err: unknown) {
    const error = `the send failed after the SMTP session opened (${describeError(err)}): the message may have been delivered; check, then mark it sent or queue it again`;
    await db.transaction().execute(async (trx) => {
      if (!(await finishClaim(trx, row.id, workerId, now, { status: 'possibly_sent', error }))) return;
      await appendEvent(trx, {
        at: now,
        actor: `worker:${workerId}`,
        action: 'notice.possibly_sent',
        entity: 'request',
        entityId: row.request_id,
        after: { outbox: row.id, to: row.to_email, message_id: row.message_id, attempt: row.attempts, error },
      });
    });
  }

  /**
   * Recovery, at the start of every round (so when a worker starts): rows another worker left "delivery in
   * progress" past the lease become `possibly_sent`, each with an audit event.
   */
  async function recoverInterrupted(now: Date): Promise<number> {
    return db.transaction().execute(async (trx) => {
      const rows = await flagInterrupted(trx, now, leaseMs);
      for (const row of rows)
        await appendEvent(trx, {
          at: now,
          actor: 'worker:recovery',
          action: 'notice.possibly_sent',
          entity: 'request',
          entityId: row.request_id,
          after: {
            outbox: row.id,
            to: row.to_email,
            message_id: row.message_id,
            interrupted_worker: row.claimed_by,
            delivery_started_at: row.delivery_started_at?.toISOString() ?? null,
          },
        });
      return rows.length;
    });
  }

  return {
    recoverInterrupted,
    /**
     * Claims up to `batch` due notices and delivers them, one by one. Safe to run in several processes
     * against one database: SKIP LOCKED hands each row to one worker.
     */
    async runOnce(o: { workerId?: string; now?: Date; batch?: number } = {}): Promise<RunReport> {
      const workerId = o.workerId ?? defaultWorkerId();
      const now = o.now ?? clock();
      await recoverInterrupted(now);
      const claimed = await db
        .transaction()
        .execute((trx: Db) => claimDue(trx, { now, workerId, batch: o.batch ?? 20, leaseMs }));
      const report: RunReport = {
        claimed: claimed.length,
        sent: 0,
        retried: 0,
        failed: 0,
        cancelled: 0,
        possiblySent: 0,
      };
      for (const row of claimed) {
        if (row.attempts > maxAttempts) {
          // Claimed again and again without finishing (a worker crashing on it): stop and surface it.
          report[
            await recordFailure(row, workerId, now, new Error(`gave up after ${row.attempts - 1} attempts`))
          ]++;
          continue;
        }
        if (!(await recheck(row, workerId, now))) {
          report.cancelled++;
          continue;
        }
        if (!(await startDelivery(db, row.id, workerId, now))) continue; // the claim was lost meanwhile
        try {
          await mail().send({
            to: row.to_email,
            subject: row.subject,
            text: row.body,
            messageId: row.message_id,
            date: now,
          });
        } catch (e) {
          if (mayHaveBeenDelivered(e)) {
            await recordPossiblySent(row, workerId, now, e);
            report.possiblySent++;
          } else report[await recordFailure(row, workerId, now, e)]++;
          continue;
        }
        await recordSent(row, workerId, now);
        report.sent++;
      }
      return report;
    },
    /** Where messages go (SMTP server or .eml folder). */
    describe: () => mail().describe,
    close: () => mailer?.close(),
  };
}
export type NoticeWorker = ReturnType<typeof createNoticeWorker>;

export interface WorkerLoop {
  stop(): Promise<void>;
}

/**
 * Runs the release of held notices and the worker every `intervalMs` until stopped: for `candor serve`
 * (and `candor notice run-worker`). A failing tick is reported and the loop goes on.
 */
export function startNoticeWorker(
  deps: WorkerDeps & {
    intervalMs: number;
    workerId?: string;
    options?: WorkerOptions;
    onError?: (e: unknown) => void;
    onTick?: (r: RunReport & { released: number }) => void;
  },
): WorkerLoop {
  const worker = createNoticeWorker(deps, deps.options);
  const notices = createNoticeService(deps);
  const workerId = deps.workerId ?? defaultWorkerId();
  const onError = deps.onError ?? ((e) => process.stderr.write(`notice worker: ${describeError(e)}\n`));
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = async () => {
    try {
      const now = deps.clock();
      const released = await notices.releaseDue(now);
      const r = await worker.runOnce({ workerId, now });
      deps.onTick?.({ ...r, released: released.queued.length });
    } catch (e) {
      onError(e);
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().then(schedule);
    }, deps.intervalMs);
  };
  running = tick().then(schedule);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      worker.close();
    },
  };
}
