import type { Db } from '../../db/connect.ts';
import { fromDatabaseError } from '../../db/errors.ts';
import type { RequestUpdate } from '../../db/schema.ts';
import { CandorError } from '../../errors.ts';
import { appendEvent } from '../../repositories/audit-repository.ts';
import { findRequest, type RequestBundle } from '../../repositories/requests-repository.ts';
import {
  bumpVersion,
  findWorkflowRecords,
  type WorkflowRecords,
} from '../../repositories/workflow-repository.ts';
import type { Actor } from '../authorize.ts';
import { assertSeesRequest } from '../sight.ts';

/** What one change did: the columns to set with the version bump, and the audit event's two sides. */
export interface RequestChange {
  set?: RequestUpdate;
  before: unknown;
  after: unknown;
}

export interface ChangeOptions {
  /** Who changes it: the audit label, and for a staff user the sight of the request, checked first. */
  actor: Actor | { label: string };
  id: number;
  /** The version the caller read; omitted only by the CLI, which reads it just before. */
  expectedVersion: number | undefined;
  /** The audit action, e.g. `request.transition`. */
  action: string;
  now: Date;
  /**
   * Set by a caller that established the right to change this request itself (the agency portal: an
   * officer's own submission, a submission in the intake queue); the staff sight check is skipped.
   */
  sightChecked?: true;
}

/**
 * The one way a request changes, for the workflow's actions and the generic edit alike: in a transaction it
 * loads the request and its workflow records, checks the version the caller read, lets `apply` check the rule
 * and write, then bumps the version (with `set`) and appends the audit event. `apply` returns null when there
 * is nothing to change: no bump, no event. A refused change throws before anything is written, and the
 * transaction rolls back whatever was. Given an open transaction (`db` is one), it runs inside it, so a use
 * case that writes more than the request (the portal's submission) commits or rolls back as one.
 *
 * @example
 * await changeRequest(db, { actor, id, expectedVersion: 3, action: 'request.assign', now }, async (trx, b) => ({
 *   set: { assigned_to: 7 },
 *   before: { assigned_to: b.request.assigned_to },
 *   after: { assigned_to: 7 },
 * }));
 */
export async function changeRequest(
  db: Db,
  o: ChangeOptions,
  apply: (trx: Db, b: RequestBundle, w: WorkflowRecords, now: Date) => Promise<RequestChange | null>,
): Promise<void> {
  const { actor, id, expectedVersion, action, now } = o;
  if (!o.sightChecked) {
    if (!('role' in actor)) throw new Error('changeRequest: the sight of a non-staff actor must be checked');
    await assertSeesRequest(db, actor, id);
  }
  const inTransaction = (fn: (trx: Db) => Promise<void>) =>
    db.isTransaction ? fn(db) : db.transaction().execute(fn);
  await inTransaction(async (trx) => {
    const b = await findRequest(trx, id);
    if (!b) throw new CandorError('not_found', `request ${id} does not exist`);
    if (expectedVersion !== undefined && b.request.version !== expectedVersion) {
      throw new CandorError(
        'conflict',
        `request ${id} was changed by someone else (version ${b.request.version}, you sent ${expectedVersion}); reload and retry`,
      );
    }
    const w = await findWorkflowRecords(trx, id);
    const c = await apply(trx, b, w, now);
    if (!c) return;
    if (!(await bumpVersion(trx, id, b.request.version, now, c.set))) {
      throw new CandorError('conflict', `request ${id} changed meanwhile; reload and retry`);
    }
    await appendEvent(trx, {
      at: now,
      actor: actor.label,
      action,
      entity: 'request',
      entityId: id,
      before: c.before,
      after: c.after,
    });
  }).catch((e: unknown) => {
    throw fromDatabaseError(e, 'the change');
  });
}
