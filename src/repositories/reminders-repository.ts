import { sql, type Selectable } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { ReminderOutboxTable } from '../db/schema.ts';
import type { ReminderUser } from '../domain/reminders.ts';
import type { ReminderMode } from '../domain/vocabulary.ts';

export type ReminderRow = Selectable<ReminderOutboxTable>;

/** A reminder to queue. */
export interface NewReminder {
  key: string;
  userId: number;
  requestId: number | null;
  subject: string;
  body: string;
  messageId: string;
}

/** Active users who want reminders of some kind. */
export async function reminderUsers(db: Db): Promise<ReminderUser[]> {
  const rows = await db
    .selectFrom('users as u')
    .leftJoin('restricted_grants as g', 'g.user_id', 'u.id')
    .select(['u.id', 'u.email', 'u.role', 'u.reminders', 'g.user_id as granted'])
    .where('u.disabled_at', 'is', null)
    .where('u.reminders', '<>', 'off')
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    email: r.email,
    role: r.role,
    mode: r.reminders,
    seesRestricted: r.granted !== null,
  }));
}

/** Keys among `keys` already in the outbox (queued at some time, whatever became of them). */
export async function knownReminderKeys(db: Db, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db.selectFrom('reminder_outbox').select('key').where('key', 'in', keys).execute();
  return new Set(rows.map((r) => r.key));
}

/** Queues reminders; a key already queued (by this job earlier, or another server now) is left alone. */
export async function queueReminders(db: Db, rows: readonly NewReminder[], now: Date): Promise<number> {
  if (rows.length === 0) return 0;
  const res = await db
    .insertInto('reminder_outbox')
    .values(
      rows.map((r) => ({
        key: r.key,
        user_id: r.userId,
        request_id: r.requestId,
        subject: r.subject,
        body: r.body,
        message_id: r.messageId,
        created_at: now,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .execute();
  return res.length;
}

/**
 * Rows whose sender stopped while it held them (the claim ran out while `sending`): the message may have
 * gone, so they become `possibly_sent` and are never sent again by themselves.
 */
export async function flagInterruptedReminders(db: Db, now: Date): Promise<number> {
  const res = await db
    .updateTable('reminder_outbox')
    .set({
      status: 'possibly_sent',
      claimed_until: null,
      last_error: 'the sender stopped during delivery: the message may have gone, so it is not sent again',
    })
    .where('status', '=', 'sending')
    .where('claimed_until', '<=', now)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** Claims up to `batch` queued reminders for one send each, until `until`; with FOR UPDATE SKIP LOCKED. */
export async function claimReminders(db: Db, until: Date, batch: number): Promise<ReminderRow[]> {
  const result = await sql<ReminderRow>`
    update reminder_outbox o
    set status = 'sending', claimed_until = ${until}, attempts = o.attempts + 1
    from (
      select id from reminder_outbox where status = 'queued' order by id limit ${batch} for update skip locked
    ) due
    where o.id = due.id
    returning o.*`.execute(db);
  return result.rows.sort((a, b) => a.id - b.id);
}

/** Records what became of a claimed reminder. */
export async function finishReminder(
  db: Db,
  id: number,
  now: Date,
  o: { status: 'sent' | 'queued' | 'failed' | 'possibly_sent'; error?: string },
): Promise<void> {
  await db
    .updateTable('reminder_outbox')
    .set({
      status: o.status,
      claimed_until: null,
      sent_at: o.status === 'sent' ? now : null,
      last_error: o.error ?? null,
    })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .execute();
}

/**
 * The address a reminder goes to; whether its user may still get one (not disabled); and whether they may still
 * see its request (`hidden`: the request is restricted now and the user holds no grant now), read at the send.
 */
export async function reminderRecipient(
  db: Db,
  userId: number,
  requestId: number | null,
): Promise<{ email: string; disabled_at: Date | null; hidden: boolean } | undefined> {
  const row = await db
    .selectFrom('users as u')
    .leftJoin('restricted_grants as g', 'g.user_id', 'u.id')
    .select(['u.email', 'u.disabled_at', 'g.user_id as granted'])
    .where('u.id', '=', userId)
    .executeTakeFirst();
  if (!row) return undefined;
  const restricted =
    requestId !== null &&
    !!(await db
      .selectFrom('requests')
      .select('id')
      .where('id', '=', requestId)
      .where('restricted', '=', true)
      .executeTakeFirst());
  return { email: row.email, disabled_at: row.disabled_at, hidden: restricted && row.granted === null };
}

/** A user's reminder setting. */
export async function reminderModeOf(db: Db, userId: number): Promise<ReminderMode | undefined> {
  const row = await db.selectFrom('users').select('reminders').where('id', '=', userId).executeTakeFirst();
  return row?.reminders;
}

export async function setReminderMode(db: Db, userId: number, mode: ReminderMode): Promise<boolean> {
  const res = await db
    .updateTable('users')
    .set({ reminders: mode })
    .where('id', '=', userId)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** The latest reminders of a user, newest first. */
export function recentReminders(db: Db, userId: number, limit: number): Promise<ReminderRow[]> {
  return db
    .selectFrom('reminder_outbox')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
