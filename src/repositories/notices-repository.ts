import type { Sight } from '../domain/restricted.ts';
import { visibleRequest } from './sight.ts';
import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { OutboxRow, OutboxStatus } from '../db/schema.ts';
import type { NoticeKind } from '../domain/notice-policy.ts';
import type { NoticeStatus } from '../domain/vocabulary.ts';

/** Locks the request row so decisions about its notice are taken one at a time. */
export async function lockRequest(trx: Db, id: number): Promise<boolean> {
  const row = await trx
    .selectFrom('requests')
    .select('id')
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  return row !== undefined;
}

/** Records the request's notice status; bumps its version so an edit made on a stale copy conflicts. */
export async function setNoticeStatus(trx: Db, id: number, status: NoticeStatus, now: Date): Promise<void> {
  await trx
    .updateTable('requests')
    .set({ notice_status: status, version: sql`version + 1`, updated_at: now })
    .where('id', '=', id)
    .where('notice_status', '<>', status)
    .execute();
}

/**
 * Marks an outbox row sent (keeping the first sent/claimed instants) and returns what the worker needs to
 * decide the request's notice status: the row as it was, the request's other unsent rows, and the request
 * (locked).
 */
export async function markOutboxSent(trx: Db, row: OutboxRow, workerId: string, now: Date) {
  const prev = await trx
    .selectFrom('notice_outbox')
    .select(['status', 'claimed_by'])
    .where('id', '=', row.id)
    .forUpdate()
    .executeTakeFirstOrThrow();
  await trx
    .updateTable('notice_outbox')
    .set({
      status: 'sent',
      sent_at: sql`coalesce(sent_at, ${now})`,
      last_error: null,
      claimed_by: workerId,
      claimed_at: sql`coalesce(claimed_at, ${now})`,
    })
    .where('id', '=', row.id)
    .execute();
  const open = await trx
    .selectFrom('notice_outbox')
    .select('id')
    .where('request_id', '=', row.request_id)
    .where('status', 'not in', ['sent', 'cancelled'])
    .execute();
  const request = await trx
    .selectFrom('requests')
    .select(['notice_status', 'outcome'])
    .where('id', '=', row.request_id)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return { prev, open, request };
}

export interface NewOutboxRow {
  request_id: number;
  account_ref: string;
  to_email: string;
  kind: NoticeKind;
  subject: string;
  body: string;
  message_id: string;
}

/**
 * Outbox rows that queueing again puts back in the queue: cancelled (an order arrived before sending) or
 * failed for good (a retry, perhaps to a corrected address). Queued, sending and sent rows stay as they are.
 */
export const REQUEUED_STATUSES = ['cancelled', 'failed'] as const satisfies readonly OutboxStatus[];

/**
 * Queues notices. The idempotency key (request, account, kind) makes a second queueing a no-op, except that
 * a notice cancelled because an order arrived, or failed for good, is queued again (same row, same
 * Message-ID, the attempts counted afresh) once it may go. Returns the rows this call queued.
 */
export async function queueOutbox(trx: Db, rows: NewOutboxRow[], now: Date): Promise<OutboxRow[]> {
  if (rows.length === 0) return [];
  return trx
    .insertInto('notice_outbox')
    .values(rows.map((r) => ({ ...r, next_attempt_at: now, created_at: now })))
    .onConflict((oc) =>
      oc
        .columns(['request_id', 'account_ref', 'kind'])
        .doUpdateSet((eb) => ({
          to_email: eb.ref('excluded.to_email'),
          subject: eb.ref('excluded.subject'),
          body: eb.ref('excluded.body'),
          status: 'queued',
          attempts: 0,
          next_attempt_at: now,
          last_error: null,
          claimed_by: null,
          claimed_at: null,
        }))
        .where('notice_outbox.status', 'in', [...REQUEUED_STATUSES]),
    )
    .returningAll()
    .execute();
}

/**
 * Claims up to `batch` due rows for one worker: queued rows whose time has come, and rows left `sending`
 * by a worker that has not finished within the lease (it crashed). SKIP LOCKED lets several workers claim
 * side by side without ever taking the same row; the attempt is counted here, before anything is sent.
 */
export async function claimDue(
  trx: Db,
  o: { now: Date; workerId: string; batch: number; leaseMs: number },
): Promise<OutboxRow[]> {
  const leaseEnd = new Date(o.now.getTime() - o.leaseMs);
  const result = await sql<OutboxRow>`
    update notice_outbox o
    set status = 'sending', claimed_by = ${o.workerId}, claimed_at = ${o.now}, attempts = o.attempts + 1
    from (
      select id from notice_outbox
      where (status = 'queued' and next_attempt_at <= ${o.now})
         or (status = 'sending' and claimed_at <= ${leaseEnd} and delivery_started_at is null)
      order by next_attempt_at, id
      limit ${o.batch}
      for update skip locked
    ) due
    where o.id = due.id
    returning o.*`.execute(trx);
  return result.rows.sort((a, b) => a.id - b.id);
}

/**
 * Records "delivery in progress" for a claimed row, just before its SMTP session opens; false when this
 * worker lost the claim meanwhile (then it must not send).
 */
export async function startDelivery(db: Db, id: number, workerId: string, now: Date): Promise<boolean> {
  const res = await db
    .updateTable('notice_outbox')
    .set({ delivery_started_at: now })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .where('claimed_by', '=', workerId)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * Rows a worker left "delivery in progress" longer than the lease (it died, or lost its database, between
 * opening the SMTP session and recording the result): they become `possibly_sent`, never sent again by
 * themselves. Returns them, for the audit log.
 */
export async function flagInterrupted(trx: Db, now: Date, leaseMs: number): Promise<OutboxRow[]> {
  const leaseEnd = new Date(now.getTime() - leaseMs);
  const result = await sql<OutboxRow>`
    update notice_outbox
    set status = 'possibly_sent', next_attempt_at = ${now},
        last_error = 'delivery was interrupted after the SMTP session opened (worker ' || claimed_by ||
          '): the message may have been delivered; check, then mark it sent or queue it again'
    where status = 'sending' and delivery_started_at is not null and claimed_at <= ${leaseEnd}
    returning *`.execute(trx);
  return result.rows.sort((a, b) => a.id - b.id);
}

/** Notices that may have gone, waiting for a person: for the due view, the API and the CLI. */
export function listPossiblySent(db: Db, sight: Sight) {
  return db
    .selectFrom('notice_outbox as o')
    .innerJoin('requests as r', 'r.id', 'o.request_id')
    .select([
      'o.id',
      'o.request_id',
      'r.external_ref',
      'o.account_ref',
      'o.to_email',
      'o.kind',
      'o.message_id',
      'o.delivery_started_at',
      'o.claimed_by',
      'o.last_error',
    ])
    .where('o.status', '=', 'possibly_sent')
    .where(visibleRequest(sight, 'r'))
    .orderBy('o.id')
    .execute();
}

/** Locks one outbox row, for a person's decision about it. */
export function lockOutboxRow(trx: Db, id: number): Promise<OutboxRow | undefined> {
  return trx.selectFrom('notice_outbox').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** A request's notice status and outcome (whether its notice may be recorded sent). */
export function requestOutcome(trx: Db, id: number) {
  return trx
    .selectFrom('requests')
    .select(['notice_status', 'outcome'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

/** A person's answer for a `possibly_sent` row: it was delivered (sent), or it was not (queued again now). */
export async function settlePossiblySent(trx: Db, id: number, now: Date, to: 'sent' | 'queued') {
  await trx
    .updateTable('notice_outbox')
    .set(
      to === 'sent'
        ? { status: 'sent', sent_at: now, last_error: null, claimed_at: sql`coalesce(claimed_at, ${now})` }
        : {
            status: 'queued',
            next_attempt_at: now,
            claimed_by: null,
            claimed_at: null,
            delivery_started_at: null,
          },
    )
    .where('id', '=', id)
    .where('status', '=', 'possibly_sent')
    .execute();
}

type Finish =
  | { status: 'sent' }
  | { status: 'queued'; nextAttemptAt: Date; error: string }
  | { status: 'failed'; error: string }
  | { status: 'cancelled'; error: string }
  | { status: 'possibly_sent'; error: string };

/**
 * Records how a claimed row ended, only if this worker still holds the claim (a row re-claimed after the
 * lease belongs to the other worker now). Returns whether it did.
 */
export async function finishClaim(
  trx: Db,
  id: number,
  workerId: string,
  now: Date,
  f: Finish,
): Promise<boolean> {
  const res = await trx
    .updateTable('notice_outbox')
    .set({
      status: f.status,
      sent_at: f.status === 'sent' ? now : null,
      last_error: f.status === 'sent' ? null : f.error,
      next_attempt_at: f.status === 'queued' ? f.nextAttemptAt : now,
      claimed_by: f.status === 'sent' ? workerId : null,
      claimed_at: f.status === 'sent' ? sql`claimed_at` : null,
      // A refusal the server stated (or a failure before the session) means nothing went: retrying is safe.
      delivery_started_at:
        f.status === 'sent' || f.status === 'possibly_sent' ? sql`delivery_started_at` : null,
    })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .where('claimed_by', '=', workerId)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** The request's outbox rows, oldest first. */
export function outboxFor(db: Db, requestId: number): Promise<OutboxRow[]> {
  return db
    .selectFrom('notice_outbox')
    .selectAll()
    .where('request_id', '=', requestId)
    .orderBy('id')
    .execute();
}

/**
 * Cancels the request's notices that have not gone yet (queued, or claimed and not yet sent: the worker
 * will find its claim gone). For the path that records a new non-disclosure order, inside its transaction.
 */
export async function cancelUnsent(trx: Db, requestId: number, reason: string): Promise<OutboxRow[]> {
  return trx
    .updateTable('notice_outbox')
    .set({ status: 'cancelled', last_error: reason, claimed_by: null, claimed_at: null })
    .where('request_id', '=', requestId)
    .where('status', 'in', ['queued', 'sending'])
    .returningAll()
    .execute();
}

export interface FailedNotice {
  id: number;
  request_id: number;
  external_ref: string;
  account_ref: string;
  to_email: string;
  kind: NoticeKind;
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date;
}

/** Notices that failed for good, for the due view. */
export function listFailed(db: Db, sight: Sight): Promise<FailedNotice[]> {
  return db
    .selectFrom('notice_outbox as o')
    .innerJoin('requests as r', 'r.id', 'o.request_id')
    .select([
      'o.id',
      'o.request_id',
      'r.external_ref',
      'o.account_ref',
      'o.to_email',
      'o.kind',
      'o.attempts',
      'o.last_error',
      'o.next_attempt_at',
    ])
    .where('o.status', '=', 'failed')
    .where(visibleRequest(sight, 'r'))
    .orderBy('o.id')
    .execute();
}

/**
 * Requests whose held notice may have become due at `now`: an order on them ended, or their emergency delay
 * ran out; answered; notice still owed; and nothing queued or sent for them yet. The notice decision then
 * says, for each, whether notice may really go (another order may still bind).
 */
export async function releaseCandidates(
  db: Db,
  now: Date,
  p: { emergencyDelayDays: number; notifyOutcomes: readonly string[]; exemptProcessTypes: readonly string[] },
): Promise<number[]> {
  const rows = await sql<{ id: number }>`
    select r.id from requests r
    where r.notice_status in ('prohibited_by_order', 'delayed_emergency', 'pending')
      and r.outcome::text = any(${[...p.notifyOutcomes]}::text[])
      and not (r.process_type::text = any(${[...p.exemptProcessTypes]}::text[]))
      and (
        exists (select 1 from nondisclosure_orders n
                where n.request_id = r.id and least(n.expires_at, n.lifted_at) <= ${now})
        or (r.emergency and r.responded_at + make_interval(days => ${p.emergencyDelayDays}) <= ${now})
      )
      and not exists (select 1 from notice_outbox o where o.request_id = r.id and o.status <> 'cancelled')
    order by r.id`.execute(db);
  return rows.rows.map((r) => Number(r.id));
}

/** When the request's emergency was recorded as passed (ends the emergency delay on notice early). */
export async function emergencyPassedAt(db: Db, requestId: number): Promise<Date | null> {
  const row = await db
    .selectFrom('emergency_records')
    .select('passed_at')
    .where('request_id', '=', requestId)
    .executeTakeFirst();
  return row?.passed_at ?? null;
}

/** The latest permanent delivery failure per request, and which requests have a reachable contact. */
/** The requests naming any of these accounts (whose notice a change of contact may change). */
export async function requestsOfAccounts(db: Db, accounts: readonly string[]): Promise<number[]> {
  const rows = await sql<{ request_id: number }>`
    select distinct request_id from request_targets where account_ref = any(${[...accounts]}::text[])`.execute(
    db,
  );
  return rows.rows.map((r) => Number(r.request_id));
}

export async function noticeReach(
  db: Db,
  requestIds: readonly number[],
): Promise<{ failedAt: Map<number, Date>; reachable: Set<number> }> {
  if (requestIds.length === 0) return { failedAt: new Map(), reachable: new Set() };
  const ids = [...requestIds];
  const [failed, reachable] = await Promise.all([
    sql<{ request_id: number; at: Date }>`
      select request_id, max(coalesce(claimed_at, created_at)) as at from notice_outbox
      where status = 'failed' and request_id = any(${ids}::bigint[]) group by request_id`.execute(db),
    sql<{ request_id: number }>`
      select distinct t.request_id from request_targets t
      join customer_contacts c on c.account_ref = t.account_ref
      where t.request_id = any(${ids}::bigint[])`.execute(db),
  ]);
  return {
    failedAt: new Map(failed.rows.map((r) => [Number(r.request_id), r.at])),
    reachable: new Set(reachable.rows.map((r) => Number(r.request_id))),
  };
}
