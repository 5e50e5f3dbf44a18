import type { Deps, Services } from './index.ts';
import { startNoticeWorker, type WorkerLoop } from './notice-worker.ts';

/**
 * The work nobody should have to remember, run by `candor serve` on a timer: release preservation holds that
 * expired without process, move notices whose order or emergency delay ended from held to owed, queue them,
 * and deliver the outbox. Every step claims its rows with `FOR UPDATE SKIP LOCKED`, so several server
 * instances on one PostgreSQL can all run it.
 */
export function startBackgroundJobs(
  deps: Deps,
  services: Services,
  intervalMs: number,
  log: (line: string) => void,
): { stop(): Promise<void> } {
  const describe = (e: unknown) => (e instanceof Error ? e.message : String(e));
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
  });
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await worker.stop();
    },
  };
}
