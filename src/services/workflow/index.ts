import { challengeActions } from './challenges.ts';
import { workflowContext, type WorkflowDeps } from './context.ts';
import { emergencyActions } from './emergency.ts';
import { guidanceActions } from './guidance.ts';
import { holdsActions } from './holds.ts';
import { lifecycleActions } from './lifecycle.ts';
import { ndosActions } from './ndos.ts';
import { noticeStatusActions } from './notice-status.ts';
import { respondActions } from './respond.ts';

/**
 * The workflow: every action that moves a request on after intake, one use case per file. Each action
 * authorizes, then changes the request through the one change mechanism (`change.ts`: load, check the
 * version, apply the rule, bump, audit), so the generic edit and every action behave alike.
 */
export function createWorkflowService(deps: WorkflowDeps) {
  const ctx = workflowContext(deps);
  return {
    ...lifecycleActions(ctx),
    ...emergencyActions(ctx),
    ...respondActions(ctx),
    ...holdsActions(ctx),
    ...ndosActions(ctx),
    ...noticeStatusActions(ctx),
    ...guidanceActions(ctx),
    ...challengeActions(ctx),
  };
}
export type WorkflowService = ReturnType<typeof createWorkflowService>;

export { SCHEDULER, type Versioned } from './context.ts';
export type {
  TransitionInput,
  ResponseInput,
  VerificationInput,
  NdoInput,
} from '../../domain/workflow-actions.ts';
