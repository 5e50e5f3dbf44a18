import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { AuditEventRow } from '../db/schema.ts';
import { eventHash, GENESIS_HASH, type AuditEvent, type ChainedEvent } from '../domain/audit-chain.ts';

/** Any Kysely handle: the database or a transaction. */
export type Executor = Db;

// One advisory lock key serialises appends, so the chain has no forks and seq has no gaps.
const AUDIT_LOCK = 7_310_415;

export interface NewEvent {
  at: Date;
  actor: string;
  action: string;
  entity: string;
  entityId: string | number;
  before?: unknown;
  after?: unknown;
}

/** JSON-normalises a value so what we hash is exactly what jsonb gives back. */
function normal(v: unknown): unknown {
  return v === undefined ? null : (JSON.parse(JSON.stringify(v)) as unknown);
}

/** The row an event becomes in the chain, after `prev` (the head, or undefined for an empty log). */
function chained(prev: { seq: number; hash: string } | undefined, e: NewEvent) {
  const event: AuditEvent = {
    seq: Number(prev?.seq ?? 0) + 1,
    at: e.at,
    actor: e.actor,
    action: e.action,
    entity: e.entity,
    entityId: String(e.entityId),
    before: normal(e.before),
    after: normal(e.after),
  };
  const prevHash = prev?.hash ?? GENESIS_HASH;
  const hash = eventHash(prevHash, event);
  return {
    seq: event.seq,
    at: event.at,
    actor: event.actor,
    action: event.action,
    entity: event.entity,
    entity_id: event.entityId,
    before: event.before === null ? null : JSON.stringify(event.before),
    after: event.after === null ? null : JSON.stringify(event.after),
    prev_hash: prevHash,
    hash,
  };
}

const lockChain = (trx: Executor) => sql`select pg_advisory_xact_lock(${AUDIT_LOCK})`.execute(trx);

/**
 * Appends one event to the hash chain at once. Call inside the transaction that makes the change: the chain's
 * lock is then held until that transaction commits, so changes that append this way are serialised. The hot
 * intake path uses `queueEvent` instead.
 */
export async function appendEvent(trx: Executor, e: NewEvent): Promise<{ seq: number; hash: string }> {
  await lockChain(trx);
  const head = await headEvent(trx);
  const row = chained(head, e);
  await trx.insertInto('audit_events').values(row).execute();
  return { seq: row.seq, hash: row.hash };
}

/**
 * Writes one event for the sequencer (`sealPending`), inside the transaction that makes the change, without
 * the chain's lock: concurrent writers do not wait for each other. The event enters the chain when a seal
 * that starts after this transaction commits has run; the caller runs one before it answers.
 */
export async function queueEvent(trx: Executor, e: NewEvent): Promise<void> {
  const before = normal(e.before);
  const after = normal(e.after);
  await trx
    .insertInto('audit_pending')
    .values({
      at: e.at,
      actor: e.actor,
      action: e.action,
      entity: e.entity,
      entity_id: String(e.entityId),
      before: before === null ? null : JSON.stringify(before),
      after: after === null ? null : JSON.stringify(after),
    })
    .execute();
}

/**
 * The sequencer's step: moves committed pending events into the chain, oldest id first, `batch` at a time,
 * under the chain's lock (so it interleaves safely with `appendEvent` and with sequencers of other processes).
 * Each batch is one short transaction: lock, read the pending rows and the head, insert the chained rows and
 * delete the pending ones in one statement, commit. Returns how many events it chained.
 */
export async function sealPending(db: Executor, batch = 500): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await db.transaction().execute(async (trx) => {
      await lockChain(trx);
      // Read after the lock is held: every pending row committed before the lock was granted is seen.
      const pending = await trx.selectFrom('audit_pending').selectAll().orderBy('id').limit(batch).execute();
      if (!pending.length) return 0;
      let head = await headEvent(trx);
      const rows = pending.map((p) => {
        const row = chained(head, {
          at: p.at,
          actor: p.actor,
          action: p.action,
          entity: p.entity,
          entityId: p.entity_id ?? '',
          before: p.before ?? null,
          after: p.after ?? null,
        });
        head = { seq: row.seq, hash: row.hash };
        return row;
      });
      const ids = pending.map((p) => p.id);
      await trx
        .with('sealed', (w) => w.deleteFrom('audit_pending').where('id', 'in', ids))
        .insertInto('audit_events')
        .values(rows)
        .execute();
      return pending.length;
    });
    total += n;
    if (n < batch) return total;
  }
}

/** How many events wait for the sequencer. */
export async function pendingCount(db: Executor): Promise<number> {
  const r = await db
    .selectFrom('audit_pending')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The events about one entity, oldest first. */
export function eventsFor(db: Executor, entity: string, entityId: string | number): Promise<AuditEventRow[]> {
  return db
    .selectFrom('audit_events')
    .selectAll()
    .where('entity', '=', entity)
    .where('entity_id', '=', String(entityId))
    .orderBy('seq')
    .execute();
}

/** The whole log in seq order, a page at a time, so memory stays flat. */
export async function* eventPages(db: Executor, pageSize = 5000): AsyncGenerator<AuditEventRow[]> {
  let after = 0;
  for (;;) {
    const page = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    if (page.length) yield page;
    if (page.length < pageSize) return;
    after = page[page.length - 1]!.seq;
  }
}

export async function headEvent(db: Executor): Promise<{ seq: number; hash: string } | undefined> {
  return db
    .selectFrom('audit_events')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The head's sequence number (0 for an empty log): an index look-up. */
export async function headSeq(db: Executor): Promise<number> {
  return Number((await headEvent(db))?.seq ?? 0);
}

/** What the events after `afterSeq`, up to `uptoSeq`, are about: at most `limit` of them, oldest first. */
export function changedSince(
  db: Executor,
  afterSeq: number,
  uptoSeq: number,
  limit: number,
): Promise<Array<{ entity: string; entity_id: string | null }>> {
  return db
    .selectFrom('audit_events')
    .select(['entity', 'entity_id'])
    .where('seq', '>', afterSeq)
    .where('seq', '<=', uptoSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
}

/** Which of these hashes are hashes of events in the log. */
export async function existingHashes(db: Executor, hashes: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const unique = [...new Set(hashes)];
  for (let i = 0; i < unique.length; i += 1000) {
    const rows = await db
      .selectFrom('audit_events')
      .select('hash')
      .where('hash', 'in', unique.slice(i, i + 1000))
      .execute();
    for (const r of rows) found.add(r.hash);
  }
  return found;
}

/** A stored row as the chain sees it. */
export function toChainEvent(row: AuditEventRow): ChainedEvent {
  return {
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    action: row.action,
    entity: row.entity,
    entityId: row.entity_id ?? '',
    before: row.before ?? null,
    after: row.after ?? null,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** Is a publication (a `report.publish` event naming this commit in this repository) in the audit log? */
export async function publishEventExists(db: Executor, commit: string, repo: string): Promise<boolean> {
  const row = await db
    .selectFrom('audit_events')
    .select('seq')
    .where('action', '=', 'report.publish')
    .where(sql<string>`after->>'commit'`, '=', commit)
    .where(sql<string>`after->>'repo'`, '=', repo)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
