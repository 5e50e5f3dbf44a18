import { contactActions } from './contacts.ts';
import { deliveryActions } from './delivery.ts';
import { queueActions } from './queue.ts';
import type { NoticeDeps } from './state.ts';
import { templateActions } from './templates.ts';

/**
 * Customer notice: contacts (`contacts.ts`, CSV in `contacts-csv.ts`), templates (`templates.ts`), where a
 * request's notice stands and queueing it (`queue.ts`, on the decision in `state.ts`), and deliveries that
 * need a person (`delivery.ts`). The worker that sends the outbox is `services/notice-worker.ts`.
 */
export function createNoticeService(deps: NoticeDeps) {
  return {
    ...contactActions(deps),
    ...templateActions(deps),
    ...queueActions(deps),
    ...deliveryActions(deps),
  };
}
export type NoticeService = ReturnType<typeof createNoticeService>;

export { noticeState, messageIdFor, RELEASE_ACTOR, type NoticeDeps, type QueueResult } from './state.ts';
export { parseContactsCsv, type ContactFields, type ContactsCsv } from './contacts-csv.ts';
