import { CandorError } from '../errors.ts';
import { authorize, type Actor } from './authorize.ts';
import type { WorkflowService } from './workflow/index.ts';

/** What the work queue does to many requests at once. */
export type BulkAction = 'assign' | 'mark_reviewed';

export interface BulkResult {
  done: number[];
  refused: Array<{ request_id: number; code: string; message: string }>;
}

/**
 * The work queue's bulk actions. Each request is one ordinary workflow change (its own transaction,
 * authorization and audit event), so a refusal of one leaves the others done, and is reported by request.
 */
export function createBulkService(deps: { workflow: WorkflowService }) {
  const { workflow } = deps;
  return {
    async apply(
      actor: Actor,
      input: { action: BulkAction; requestIds: readonly number[]; userId?: number },
    ): Promise<BulkResult> {
      // The role is checked once for the whole batch; each request is then checked again by its change.
      authorize(actor, input.action === 'assign' ? 'request.assign' : 'ndo.manage');
      const ids = [...new Set(input.requestIds)];
      if (ids.length === 0) {
        throw new CandorError('invalid', 'choose at least one item', [
          { field: 'request_id', message: 'nothing chosen' },
        ]);
      }
      if (ids.length > 500) {
        throw new CandorError('invalid', 'at most 500 requests at once', [
          { field: 'request_id', message: 'too many' },
        ]);
      }
      const userId = input.userId;
      if (input.action === 'assign' && userId === undefined) {
        throw new CandorError('invalid', 'choose whom to assign the requests to', [
          { field: 'user_id', message: 'required' },
        ]);
      }
      const result: BulkResult = { done: [], refused: [] };
      for (const id of ids) {
        try {
          if (input.action === 'assign') await workflow.assign(actor, id, { userId: userId! });
          else await workflow.markReviewed(actor, id);
          result.done.push(id);
        } catch (e) {
          if (!(e instanceof CandorError)) throw e;
          result.refused.push({ request_id: id, code: e.code, message: e.message });
        }
      }
      return result;
    },
  };
}
export type BulkService = ReturnType<typeof createBulkService>;
