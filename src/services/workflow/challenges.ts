import { challengeWords, type CourtChallengeInput } from '../../domain/court-challenge.ts';
import { CandorError } from '../../errors.ts';
import { insertChallenges } from '../../repositories/court-challenges-repository.ts';
import { authorize, type Actor } from '../authorize.ts';
import type { Versioned, WorkflowContext } from './context.ts';

/**
 * Court challenges (issue 16.2): the provider moved to quash or modify a request, and each later step (the
 * first-instance decision, an appeal, the highest court) is recorded as a new step with its stage, dates and
 * result. Pushback used to stop at rejected / narrowed / withdrawn; reports now count challenges by the
 * latest step of each request.
 */
export function challengeActions(ctx: WorkflowContext) {
  const { change } = ctx;
  return {
    /** Records one step of a court challenge (the input is parsed by `courtChallengeInput` at the door). */
    async recordChallenge(actor: Actor, id: number, input: Versioned & CourtChallengeInput): Promise<number> {
      authorize(actor, 'challenge.record');
      let challengeId = 0;
      await change(actor, id, input.expectedVersion, 'challenge.record', async (trx, b, _w, now) => {
        // An informal request (a referral, a call, a flagging) carries no legal process to move against.
        if (b.request.channel === 'informal') {
          throw new CandorError(
            'invalid_state',
            'an informal request has no legal process to challenge in court; record the process it was followed by as a request of its own',
          );
        }
        const last = b.challenges[b.challenges.length - 1];
        if (input.filed_at && Date.parse(input.filed_at) > now.getTime()) {
          throw new CandorError('invalid', 'filed_at cannot be in the future', [
            { field: 'filed_at', message: 'must not be in the future' },
          ]);
        }
        if (input.decided_at && Date.parse(input.decided_at) > now.getTime()) {
          throw new CandorError('invalid', 'decided_at cannot be in the future', [
            { field: 'decided_at', message: 'must not be in the future' },
          ]);
        }
        const step = {
          stage: input.stage,
          result: input.result,
          filed_at: input.filed_at ?? null,
          decided_at: input.decided_at ?? null,
          court: input.court ?? null,
        };
        [challengeId] = (await insertChallenges(trx, [
          { ...step, request_id: id, recorded_by: actor.label },
        ])) as [number];
        return {
          before: last ? { challenge: challengeWords(last) } : { challenge: null },
          after: { challenge: challengeWords(step), challenge_id: challengeId, ...step },
        };
      });
      return challengeId;
    },
  };
}
