import type { Db } from '../db/connect.ts';
import { sealPending } from '../repositories/audit-repository.ts';

/**
 * The audit chain's single sequencer in this process. Writers on the hot path (`queueEvent`) commit without the
 * chain's lock and then call `flush()`, which resolves once a seal that started after the call has run: their
 * event is then in the chain before they answer (read-your-writes for the history, `audit verify` and the
 * audit-head memo). Calls that arrive while a seal runs share the next one, so under load one short locked
 * transaction chains a whole batch instead of every request holding the lock until its own commit.
 *
 * Across processes (several servers on one PostgreSQL, a CLI command) the chain's advisory lock still orders
 * the seals; a sequencer only saves round trips within its process.
 */
export function createAuditSequencer(db: Db) {
  let running: Promise<void> | null = null;
  let next: Promise<void> | null = null;

  function start(): Promise<void> {
    const p = sealPending(db)
      .then(() => undefined)
      .finally(() => {
        if (running === p) running = null;
      });
    running = p;
    return p;
  }

  return {
    /** Resolves when every event committed before this call is in the chain. */
    flush(): Promise<void> {
      if (!running) return start();
      // The running seal may have read the pending rows before the caller's commit: wait for the next one.
      next ??= running
        .catch(() => undefined)
        .then(() => {
          next = null;
          return running ?? start();
        });
      return next;
    },
  };
}
export type AuditSequencer = ReturnType<typeof createAuditSequencer>;
