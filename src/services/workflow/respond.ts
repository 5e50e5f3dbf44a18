import type { ResponseInput } from '../../domain/workflow-actions.ts';
import type { AccountResult } from '../../db/schema.ts';
import { accountResult } from '../../domain/intake-defaults.ts';
import { checkTransition } from '../../domain/lifecycle.ts';
import { checkResponse } from '../../domain/response.ts';
import { CandorError } from '../../errors.ts';
import { insertOverride, insertResponse, setTargetResults } from '../../repositories/workflow-repository.ts';
import { authorize, type Actor } from '../authorize.ts';
import { assertGate, decideNotice, gateStored } from './guards.ts';
import { secondPerson, type WorkflowContext } from './context.ts';

/** Recording the response: outcome, produced categories and per-account results, through the policy gate. */
export function respondActions(ctx: WorkflowContext) {
  const { policy, change } = ctx;
  return {
    /**
     * Records the response: outcome, produced categories and per-account results. Refused when the production
     * goes beyond what the process may compel (unless an approver overrides in writing), when a foreign
     * emergency request for content lacks legal sign-off, or when an emergency request is not ready.
     */
    async respond(actor: Actor, id: number, input: ResponseInput): Promise<void> {
      authorize(actor, 'request.respond');
      await change(actor, id, input.expectedVersion, 'request.respond', async (trx, b, w, now) => {
        const r = b.request;
        const check = checkTransition(r.status, 'responded');
        if (!check.ok) throw new CandorError(check.code, check.message);
        const mismatch = checkResponse(input.outcome, input.produced);
        if (mismatch) throw new CandorError('invalid', mismatch, [{ field: 'produced', message: mismatch }]);
        const respondedAt = input.respondedAt ?? now;
        if (respondedAt < r.received_at || respondedAt > now) {
          throw new CandorError('invalid', 'responded_at must lie between receipt and now', [
            { field: 'responded_at', message: 'outside the time since the request arrived' },
          ]);
        }
        // Per-account results, matched by account or identifier.
        const results = new Map<number, AccountResult | null>(
          b.targets.map((t) => [t.id, accountResult(input.outcome)]),
        );
        const issues = input.accounts.flatMap((a, i) => {
          const hits = b.targets.filter((t) => t.account_ref === a.account || t.identifier === a.account);
          for (const t of hits) results.set(t.id, a.result);
          return hits.length
            ? []
            : [{ field: `accounts.${i}.account`, message: `${a.account} is not named on the request` }];
        });
        if (issues.length)
          throw new CandorError('invalid', 'the response names accounts the request does not', issues);

        // The policy gate: statutory bars and workflow rules refuse outright; a policy tier may be
        // overridden by an approver other than the handler, in writing.
        const refusals = gateStored(b, w, now, policy, {
          outcome: input.outcome,
          produced: input.produced,
          respondedAt,
        });
        assertGate(refusals, ['tier']);
        const tiers = refusals.filter((x) => x.kind === 'tier');
        const prod = {
          beyond: [...new Set(tiers.flatMap((x) => x.beyond ?? []))],
          reasons: tiers.map((x) => x.message),
        };
        const reason = input.overrideReason?.trim() || null;
        let approverId: number | null = null;
        if (tiers.length > 0) {
          if (!reason) {
            throw new CandorError(
              'invalid_state',
              `the production goes beyond what the process may compel: ${prod.reasons.join(' ')} An approver may override with a written reason.`,
              tiers.map((x) => ({ field: 'produced', message: `${x.rule}: ${x.message}` })),
            );
          }
          approverId = secondPerson(actor, b, 'override the compelled-data tier');
          if (reason.length < 10) {
            throw new CandorError(
              'invalid',
              'the override reason must explain the decision (10 characters or more)',
              [{ field: 'override_reason', message: 'too short' }],
            );
          }
        } else if (reason) {
          throw new CandorError(
            'invalid',
            'nothing to override: the production is within what the process may compel',
            [{ field: 'override_reason', message: 'not needed' }],
          );
        }

        const responseId = await insertResponse(trx, {
          requestId: id,
          outcome: input.outcome,
          produced: input.produced,
          respondedAt,
          by: actor.label,
          at: now,
        });
        const override =
          approverId !== null && reason
            ? {
                id: await insertOverride(trx, {
                  requestId: id,
                  responseId,
                  approverId,
                  beyond: prod.beyond,
                  findings: prod.reasons,
                  reason,
                  at: now,
                }),
                beyond: prod.beyond,
                findings: prod.reasons,
                reason,
              }
            : null;
        await setTargetResults(
          trx,
          [...results].map(([tid, result]) => ({ id: tid, result })),
        );
        const notice =
          r.notice_status === 'sent' || r.notice_status === 'not_possible'
            ? r.notice_status
            : (await decideNotice(trx, id, now, policy, { outcome: input.outcome, respondedAt })).status;
        return {
          set: {
            status: 'responded',
            outcome: input.outcome,
            responded_at: respondedAt,
            notice_status: notice,
          },
          before: {
            status: r.status,
            outcome: r.outcome,
            notice_status: r.notice_status,
            targets: b.targets.map((t) => ({ identifier: t.identifier, result: t.result })),
          },
          after: {
            status: 'responded',
            outcome: input.outcome,
            produced: input.produced,
            responded_at: respondedAt.toISOString(),
            notice_status: notice,
            targets: b.targets.map((t) => ({ identifier: t.identifier, result: results.get(t.id) ?? null })),
            response_id: responseId,
            override,
          },
        };
      });
    },
  };
}
