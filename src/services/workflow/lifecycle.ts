import type { ApproveInput, AssignInput, TransitionInput } from '../../domain/workflow-actions.ts';
import { checkTransition } from '../../domain/lifecycle.ts';
import { CandorError } from '../../errors.ts';
import { findUserByEmail, listUsers } from '../../repositories/users-repository.ts';
import {
  findUserById,
  insertApproval,
  setTargetResults,
  supersedeResponse,
  withdrawApprovals,
} from '../../repositories/workflow-repository.ts';
import { authorize, type Actor } from '../authorize.ts';
import { HANDLER_ROLES, secondPerson, type WorkflowContext } from './context.ts';

/** Moving a request along its lifecycle, assigning its handler, and approvals by a second person. */
export function lifecycleActions(ctx: WorkflowContext) {
  const { db, policy, change } = ctx;
  return {
    /**
     * The CLI operator acting as a named user (for approvals, which need a person other than the handler).
     * Only an admin may do so; the audit label keeps both names.
     */
    async actAs(operator: Actor, email: string): Promise<Actor> {
      authorize(operator, 'user.manage');
      const u = await findUserByEmail(db, email);
      if (!u || u.disabled_at) throw new CandorError('not_found', `no active user with e-mail ${email}`);
      return { label: `${operator.label} as user:${u.id} (${u.email})`, userId: u.id, role: u.role };
    },
    /** Moves a request along the lifecycle (received -> in_review -> ... -> closed; reopen with a reason). */
    async transition(actor: Actor, id: number, input: TransitionInput): Promise<void> {
      authorize(actor, 'request.transition');
      await change(actor, id, input.expectedVersion, 'request.transition', async (trx, b, _w, now) => {
        const from = b.request.status;
        if (input.to === 'responded') {
          throw new CandorError(
            'invalid_state',
            'a request becomes responded by recording its response (respond)',
          );
        }
        const check = checkTransition(from, input.to, { reason: input.reason });
        if (!check.ok) throw new CandorError(check.code, check.message);
        const reason = input.reason?.trim() || null;
        if (from === 'responded' || from === 'closed') {
          if (input.to === 'in_review') {
            if (b.request.notice_status === 'sent') {
              throw new CandorError(
                'invalid_state',
                'notice was already sent for this response; record a new request for the follow-up instead',
              );
            }
            // Reopening takes the answer back: the response stays in the history, superseded.
            await supersedeResponse(trx, id, now);
            await withdrawApprovals(trx, id, now);
            await setTargetResults(
              trx,
              b.targets.map((t) => ({ id: t.id, result: null })),
            );
            return {
              set: { status: 'in_review', outcome: null, responded_at: null },
              before: { status: from, outcome: b.request.outcome, responded_at: b.request.responded_at },
              after: { status: 'in_review', reason },
            };
          }
        }
        return { set: { status: input.to }, before: { status: from }, after: { status: input.to, reason } };
      });
    },
    /** The active users a request may be assigned to (roles that may handle requests), for pickers. */
    async assignees(actor: Actor): Promise<Array<{ id: number; email: string; role: string }>> {
      authorize(actor, 'request.assign');
      return (await listUsers(db))
        .filter((u) => !u.disabled_at && HANDLER_ROLES.includes(u.role))
        .map((u) => ({ id: u.id, email: u.email, role: u.role }));
    },
    /** Makes a user the request's handler; the user must hold a role that may handle requests. */
    async assign(actor: Actor, id: number, input: AssignInput): Promise<void> {
      authorize(actor, 'request.assign');
      await change(actor, id, input.expectedVersion, 'request.assign', async (trx, b) => {
        const u = await findUserById(trx, input.userId);
        if (!u || u.disabled_at) {
          throw new CandorError('invalid', `user ${input.userId} does not exist or is disabled`, [
            { field: 'user_id', message: 'no such active user' },
          ]);
        }
        if (!HANDLER_ROLES.includes(u.role)) {
          throw new CandorError('invalid', `${u.email} is a ${u.role} and cannot handle requests`, [
            {
              field: 'user_id',
              message: `expected a user with one of the roles ${HANDLER_ROLES.join(', ')}`,
            },
          ]);
        }
        return {
          set: { assigned_to: u.id },
          before: { assigned_to: b.request.assigned_to },
          after: { assigned_to: u.id, email: u.email },
        };
      });
    },
    /** Records an approver's approval: of an emergency disclosure, or the legal sign-off a foreign one needs. */
    async approve(actor: Actor, id: number, input: ApproveInput): Promise<void> {
      authorize(actor, 'request.approve');
      await change(actor, id, input.expectedVersion, 'request.approve', async (trx, b, w, now) => {
        const approverId = secondPerson(actor, b, 'approve');
        if (!['received', 'in_review', 'awaiting_information'].includes(b.request.status)) {
          throw new CandorError(
            'invalid_state',
            `a ${b.request.status} request is past approval; reopen it first`,
          );
        }
        // An emergency asks for approval; the policy may ask an attorney's sign-off for a process type.
        const signOffAsked =
          input.purpose === 'legal_sign_off' && policy.signOff.requiredFor.includes(b.request.process_type);
        if (!b.request.emergency && !signOffAsked) {
          throw new CandorError(
            'invalid_state',
            `request ${id} is not an emergency request and the policy asks no sign-off for a ${b.request.process_type}; nothing asks for ${input.purpose}`,
          );
        }
        if (w.approvals.some((a) => a.approver_id === approverId && a.purpose === input.purpose)) {
          throw new CandorError('invalid_state', `you already gave this approval (${input.purpose})`);
        }
        const approvalId = await insertApproval(trx, {
          requestId: id,
          approverId,
          purpose: input.purpose,
          note: input.note?.trim() || null,
          at: now,
        });
        return {
          before: null,
          after: {
            approval_id: approvalId,
            purpose: input.purpose,
            approver_id: approverId,
            note: input.note ?? null,
          },
        };
      });
    },
  };
}
