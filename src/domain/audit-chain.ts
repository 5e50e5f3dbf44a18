import { createHash } from 'node:crypto';

/**
 * A tamper-evident audit trail: each event's hash covers the previous event's hash and the event's canonical
 * JSON, so editing, deleting or reordering an event breaks the chain from that event on. A rewrite of the whole
 * tail (every hash recomputed) is only caught by comparing the head with one stored elsewhere; `verifyChain`
 * returns the head for that.
 */

/** The previous hash of the first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** One audit event as hashed: only these fields enter the hash. */
export interface AuditEvent {
  seq: number;
  at: Date;
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

/** An audit event as stored, with its link to the previous one. */
export interface ChainedEvent extends AuditEvent {
  prevHash: string;
  hash: string;
}

/** The outcome of verifying a chain: its head, or the first seq that does not verify. */
export type ChainResult =
  | { ok: true; head: string; count: number }
  | { ok: false; firstBrokenSeq: number; reason: 'hash_mismatch' | 'prev_mismatch' | 'sequence_gap' };

/**
 * JSON with object keys sorted recursively (by UTF-16 code unit, as RFC 8785), no whitespace, dates as ISO
 * strings. Throws on undefined, non-finite numbers, functions, symbols, bigints and non-plain objects, which
 * JSON.stringify would drop or mangle silently.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot hash the number ${value}`);
    return JSON.stringify(value);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('cannot hash an invalid date');
    return JSON.stringify(value.toISOString());
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new TypeError('cannot hash a non-plain object');
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`cannot hash a value of type ${typeof value}`);
}

/** The SHA-256 (hex) of an event chained to the previous hash (null for the first event). */
export function eventHash(prevHash: string | null, event: AuditEvent): string {
  const { seq, at, actor, action, entity, entityId, before, after } = event;
  const body = canonicalJson({
    prev: prevHash ?? GENESIS_HASH,
    seq,
    at,
    actor,
    action,
    entity,
    entityId,
    before,
    after,
  });
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

/** Appends an event after `prev` (null at the start), numbering and hashing it. */
export function chainEvent(prev: ChainedEvent | null, event: Omit<AuditEvent, 'seq'>): ChainedEvent {
  const seq = prev ? prev.seq + 1 : 1;
  const prevHash = prev?.hash ?? GENESIS_HASH;
  return { ...event, seq, prevHash, hash: eventHash(prevHash, { ...event, seq }) };
}

/**
 * Verifies events in stored order, from seq 1 (or after `from`, to check a later stretch). On failure it
 * names the first seq that does not verify: every event before it is intact.
 */
export function verifyChain(
  events: readonly ChainedEvent[],
  from: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH },
): ChainResult {
  let { seq, hash } = from;
  for (const e of events) {
    const expected = seq + 1;
    if (e.seq !== expected) return { ok: false, firstBrokenSeq: expected, reason: 'sequence_gap' };
    if (e.prevHash !== hash) return { ok: false, firstBrokenSeq: expected, reason: 'prev_mismatch' };
    if (eventHash(e.prevHash, e) !== e.hash)
      return { ok: false, firstBrokenSeq: expected, reason: 'hash_mismatch' };
    seq = e.seq;
    hash = e.hash;
  }
  return { ok: true, head: hash, count: events.length };
}
