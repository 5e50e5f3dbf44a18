import type { Config } from '../../config.ts';
import type { Db } from '../../db/connect.ts';
import { noticeDecision } from '../../domain/notice-policy.ts';
import type { PolicyConfig } from '../../domain/policy-config.ts';
import type { NoticeStatus } from '../../domain/vocabulary.ts';
import { CandorError } from '../../errors.ts';
import { appendEvent } from '../../repositories/audit-repository.ts';
import type { RequestBundle } from '../../repositories/requests-repository.ts';
import { bumpVersion, snapshotParts, type WorkflowRecords } from '../../repositories/workflow-repository.ts';
import { ACTIONS, can, type Actor } from '../authorize.ts';
import { snapshotsFrom } from '../due.ts';
import type { Clock } from '../requests.ts';
import { changeRequest, type RequestChange } from './change.ts';

/** The actor of scheduled work (hold and notice release) when no person starts it. */
export const SCHEDULER: Actor = { label: 'system:scheduler', userId: null, role: 'admin' };

/** Every write names the version the caller read; omitted only by the CLI, which reads it just before. */
export interface Versioned {
  expectedVersion?: number;
}

export interface WorkflowDeps {
  db: Db;
  clock: Clock;
  config: Config;
}

/** What every workflow use case shares: its dependencies, the change mechanism and the two-person rule. */
export interface WorkflowContext extends WorkflowDeps {
  policy: PolicyConfig;
  /** Runs one change of one request now (see `changeRequest`). */
  change(
    actor: Actor,
    id: number,
    expectedVersion: number | undefined,
    action: string,
    apply: (trx: Db, b: RequestBundle, w: WorkflowRecords, now: Date) => Promise<RequestChange>,
  ): Promise<void>;
  /** Sets the notice status the policy now decides, for a request whose notice is held back. */
  releaseNotice(trx: Db, requestId: number, now: Date, actorLabel: string): Promise<NoticeStatus | null>;
}

/** The roles that may handle requests (and so be assigned one). */
export const HANDLER_ROLES: readonly string[] = ACTIONS['request.update'];
const HELD: readonly NoticeStatus[] = ['prohibited_by_order', 'delayed_emergency'];

export function workflowContext(deps: WorkflowDeps): WorkflowContext {
  const { db, clock, config } = deps;
  const policy = config.policy;
  return {
    ...deps,
    policy,
    change: (actor, id, expectedVersion, action, apply) =>
      changeRequest(db, { actor, id, expectedVersion, action, now: clock() }, apply),

    async releaseNotice(trx, requestId, now, actorLabel) {
      const parts = await snapshotParts(trx, requestId);
      const [s] = snapshotsFrom(parts);
      const row = parts.requests[0];
      if (!s || !row || !HELD.includes(row.notice_status)) return null;
      const d = noticeDecision({ ...s, now, policy });
      if (d.status === row.notice_status) return null;
      if (!(await bumpVersion(trx, requestId, row.version, now, { notice_status: d.status }))) {
        throw new CandorError('conflict', `request ${requestId} changed meanwhile`);
      }
      await appendEvent(trx, {
        at: now,
        actor: actorLabel,
        action: 'notice.release',
        entity: 'request',
        entityId: requestId,
        before: { notice_status: row.notice_status },
        after: { notice_status: d.status, reason: d.reason, due_at: d.dueAt?.toISOString() ?? null },
      });
      return d.status;
    },
  };
}

/** The approver acting, who must be a named user other than the request's handler (two people). */
export function secondPerson(actor: Actor, b: RequestBundle, what: string): number {
  if (!can(actor, 'request.approve')) {
    throw new CandorError('forbidden', `only an approver may ${what}`);
  }
  if (actor.userId === null) {
    throw new CandorError('invalid_state', `${what} needs a named user (from the CLI: --as <email>)`);
  }
  if (b.request.assigned_to === null) {
    throw new CandorError('invalid_state', `assign a handler before asking for a second person to ${what}`);
  }
  if (b.request.assigned_to === actor.userId) {
    throw new CandorError(
      'invalid_state',
      `the handler of a request cannot also ${what}: a second person must`,
    );
  }
  return actor.userId;
}
