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
export function createAuditHeadMemo<V>(db: Db, maxAgeMs: number) {
  let entry: { key: string; head: number; at: number; value: Promise<V> } | undefined;
  return {
    /**
     * The value for `key` read at `now`: a kept one when the head has not moved, it is for the same key, was
     * read no later than `now` and is younger than `maxAgeMs`; otherwise `read()` runs and its value is kept.
     */
    async get(key: string, now: Date, read: () => Promise<V>): Promise<V> {
      const head = await headSeq(db);
      const t = now.getTime();
      const e = entry;
      if (e && e.key === key && e.head === head && e.at <= t && t - e.at < maxAgeMs) return e.value;
      const value = read();
      const mine = { key, head, at: t, value };
      entry = mine;
      // A failed read is not kept: the next caller tries again.
      value.catch(() => {
        if (entry === mine) entry = undefined;
      });
      return value;
    },
    /** Forgets the kept value. */
    clear(): void {
      entry = undefined;
    },
  };
}
export type AuditHeadMemo<V> = ReturnType<typeof createAuditHeadMemo<V>>;
