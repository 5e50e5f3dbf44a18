import type { Deps, Services } from './index.ts';
import { startNoticeWorker, type WorkerLoop } from './notice-worker.ts';

export interface BackgroundJobs {
  /** Resolves once both loops (jobs and notice delivery) have each run `n` more rounds: for tests and tools. */
  ticked(n: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The work nobody should have to remember, run by `candor serve` on a timer: release preservation holds that
 * expired without process, move notices whose order or emergency delay ended from held to owed, queue them,
 * deliver the outbox, e-mail officers whose portal submission changed status, and e-mail reminders of deadlines. Every step claims its rows with `FOR UPDATE SKIP LOCKED`, so several server
 * instances on one PostgreSQL can all run it.
 */
export function startBackgroundJobs(
  deps: Deps,
  services: Services,
  intervalMs: number,
  log: (line: string) => void,
): BackgroundJobs {
  const describe = (e: unknown) => (e instanceof Error ? e.message : String(e));
  // Completed rounds of each loop, and who waits for them (`ticked`).
  const rounds = { jobs: 0, worker: 0 };
  let waiters: { jobs: number; worker: number; resolve: () => void }[] = [];
  const counted = (loop: keyof typeof rounds) => {
    rounds[loop] += 1;
    waiters = waiters.filter((w) => {
      if (rounds.jobs < w.jobs || rounds.worker < w.worker) return true;
      w.resolve();
      return false;
    });
  };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = async () => {
    const now = deps.clock();
    try {
      const holds = await services.workflow.releaseExpiredHolds(now);
      const notices = await services.workflow.releaseExpiredNotices(now);
      if (holds.length || notices.length) {
        log(`released ${holds.length} expired holds and ${notices.length} held notices`);
      }
    } catch (e) {
      log(`background jobs: ${describe(e)}`);
    }
    // Officers hear of a status change (a response recorded at any door, an expired hold...) without a person.
    try {
      const told = await services.portal.intake.notifyStatusChanges();
      if (told.sent) log(`e-mailed ${told.sent} portal status changes`);
      for (const e of told.errors) log(`portal status e-mail failed (tried again next round): ${e}`);
    } catch (e) {
      log(`portal status e-mails: ${describe(e)}`);
    }
    // Reminders of deadlines near and passed, to assignees (and approvers for emergencies), once each.
    try {
      const r = await services.reminders.run(now);
      if (r.queued || r.sent) log(`queued ${r.queued} and sent ${r.sent} reminders`);
      for (const e of r.errors) log(`reminder e-mail: ${e}`);
    } catch (e) {
      log(`reminders: ${describe(e)}`);
    }
    counted('jobs');
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().then(schedule);
    }, intervalMs);
    timer.unref();
  };
  running = tick().then(schedule);
  const worker: WorkerLoop = startNoticeWorker({
    ...deps,
    intervalMs,
    onError: (e) => log(`notice worker: ${describe(e)}`),
    onTick: () => counted('worker'),
  });
  return {
    ticked(n) {
      return new Promise((resolve) =>
        waiters.push({ jobs: rounds.jobs + n, worker: rounds.worker + n, resolve }),
      );
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await worker.stop();
    },
  };
}
