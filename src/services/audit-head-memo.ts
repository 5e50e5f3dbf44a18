import type { Db } from '../db/connect.ts';
import { headSeq } from '../repositories/audit-repository.ts';

/**
 * A value read from the database, kept until the audit log moves on.
 *
 * Every change to legal data appends an audit event in the transaction that makes it, and the chain's lock
 * hands out sequence numbers in commit order; so while the log's head is where it was, no change has been
 * committed since the value was read. The head is read before the value: a change that commits in between
 * is either in the value or moves the head, and so costs one extra read at worst, never a stale answer.
 * `maxAgeMs` bounds what a change made outside Candor (an edit by hand in psql, which the log never sees)
 * can hide. Concurrent callers share one read.
 */
export function createAuditHeadMemo<V>(db: Db, maxAgeMs: number, keys = 1) {
  type Entry = { head: number; at: number; value: Promise<V> };
  // Insertion order is recency: a hit moves its key to the end, the oldest key goes first.
  const entries = new Map<string, Entry>();
  return {
    /**
     * The value for `key` read at `now`: a kept one when the head has not moved, it was read no later than
     * `now` and is younger than `maxAgeMs`; otherwise `read()` runs and its value is kept (the `keys` most
     * recently used keys are kept).
     */
    async get(key: string, now: Date, read: () => Promise<V>): Promise<V> {
      const head = await headSeq(db);
      const t = now.getTime();
      const e = entries.get(key);
      entries.delete(key);
      if (e && e.head === head && e.at <= t && t - e.at < maxAgeMs) {
        entries.set(key, e);
        return e.value;
      }
      const value = read();
      const mine = { head, at: t, value };
      entries.set(key, mine);
      while (entries.size > keys) entries.delete(entries.keys().next().value as string);
      // A failed read is not kept: the next caller tries again.
      value.catch(() => {
        if (entries.get(key) === mine) entries.delete(key);
      });
      return value;
    },
    /** Forgets every kept value. */
    clear(): void {
      entries.clear();
    },
  };
}
export type AuditHeadMemo<V> = ReturnType<typeof createAuditHeadMemo<V>>;
