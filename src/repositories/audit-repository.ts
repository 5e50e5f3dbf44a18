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

/** Appends one event to the hash chain. Call inside the transaction that makes the change. */
export async function appendEvent(trx: Executor, e: NewEvent): Promise<{ seq: number; hash: string }> {
  await sql`select pg_advisory_xact_lock(${AUDIT_LOCK})`.execute(trx);
  const head = await trx
    .selectFrom('audit_events')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const event: AuditEvent = {
    seq: Number(head?.seq ?? 0) + 1,
    at: e.at,
    actor: e.actor,
    action: e.action,
    entity: e.entity,
    entityId: String(e.entityId),
    before: normal(e.before),
    after: normal(e.after),
  };
  const prev = head?.hash ?? GENESIS_HASH;
  const hash = eventHash(prev, event);
  await trx
    .insertInto('audit_events')
    .values({
      seq: event.seq,
      at: event.at,
      actor: event.actor,
      action: event.action,
      entity: event.entity,
      entity_id: event.entityId,
      before: event.before === null ? null : JSON.stringify(event.before),
      after: event.after === null ? null : JSON.stringify(event.after),
      prev_hash: prev,
      hash,
    })
    .execute();
  return { seq: event.seq, hash };
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
