import type { EmergencyEventsInput, VerificationInput } from '../../domain/workflow-actions.ts';
import { CandorError } from '../../errors.ts';
import { setEmergencyDates, upsertVerification } from '../../repositories/workflow-repository.ts';
import { authorize, type Actor } from '../authorize.ts';
import { type WorkflowContext } from './context.ts';

/** Emergency requests: the verification call-back, and the emergency passing or its follow-up process arriving. */
export function emergencyActions(ctx: WorkflowContext) {
  const { db, clock, change, releaseNotice } = ctx;
  return {
    /** Records the attested basis and the call-back that verified an emergency request. */
    async recordVerification(actor: Actor, id: number, input: VerificationInput): Promise<void> {
      authorize(actor, 'emergency.record');
      await change(actor, id, input.expectedVersion, 'emergency.verify', async (trx, b, w, now) => {
        if (!b.request.emergency)
          throw new CandorError('invalid_state', `request ${id} is not an emergency request`);
        if (input.calledBackAt < b.request.received_at || input.calledBackAt > now) {
          throw new CandorError(
            'invalid',
            'the call-back must be after the request arrived and not in the future',
            [{ field: 'called_back_at', message: 'outside the time since the request arrived' }],
          );
        }
        const record = {
          attests_danger: input.attestsDanger,
          verified_by: input.verifiedBy.trim(),
          called_back_at: input.calledBackAt,
          callback_number: input.number.trim(),
          number_source: input.numberSource,
          recorded_by: actor.label,
          recorded_at: now,
        };
        await upsertVerification(trx, id, record);
        const basis = input.basis?.trim();
        return {
          set: basis ? { emergency_basis: basis } : {},
          before: { verification: w.emergency ?? null, emergency_basis: b.request.emergency_basis },
          after: { verification: record, emergency_basis: basis ?? b.request.emergency_basis },
        };
      });
    },
    /** Records that the emergency has passed, or that the follow-up legal process arrived. */
    async recordEmergencyEvents(actor: Actor, id: number, input: EmergencyEventsInput): Promise<void> {
      authorize(actor, 'emergency.record');
      await change(actor, id, input.expectedVersion, 'emergency.update', async (trx, b, w, now) => {
        if (!b.request.emergency)
          throw new CandorError('invalid_state', `request ${id} is not an emergency request`);
        const d = {
          ...(input.passedAt ? { passed_at: input.passedAt } : {}),
          ...(input.followUpReceivedAt ? { follow_up_received_at: input.followUpReceivedAt } : {}),
        };
        if (Object.keys(d).length === 0)
          throw new CandorError('invalid', 'give passed_at or follow_up_received_at');
        await setEmergencyDates(trx, id, d, actor.label, now);
        return {
          before: {
            passed_at: w.emergency?.passed_at ?? null,
            follow_up_received_at: w.emergency?.follow_up_received_at ?? null,
          },
          after: d,
        };
      });
      // The emergency having passed may make the delayed notice due: its own audited event.
      await db.transaction().execute((trx) => releaseNotice(trx, id, clock(), actor.label));
    },
  };
}
