import { z } from 'zod';
import { cleanString, instant, versionNumber } from './primitives.ts';
import {
  CHALLENGE_RESULTS,
  CHALLENGE_STAGES,
  type ChallengeResult,
  type ChallengeStage,
} from './vocabulary.ts';

/**
 * A court challenge of a request (issue 16.2): the provider moved to quash or modify it, and how far that went.
 * Pushback used to stop at rejected / narrowed / withdrawn; RDR P11(a) and the OTI toolkit ask how many demands
 * were challenged in court and with what result. Each recording is one step of the challenge (the stage reached,
 * its dates and its result), appended to the request's record as its own workflow action (`challenge.record`)
 * or brought in with imported history; a report counts a request once, by its latest step.
 *
 * This schema is the one every door parses: `POST /requests/:id/challenges`, `candor request challenge`, the
 * request page's form, and the `court_challenge` field of an intake or import row.
 */
export const courtChallengeFields = z.strictObject({
  stage: z.enum(CHALLENGE_STAGES),
  result: z.enum(CHALLENGE_RESULTS),
  /** When the motion (or the appeal) at this stage was filed. */
  filed_at: instant.nullish(),
  /** When the court decided at this stage (or the requester withdrew); none while pending. */
  decided_at: instant.nullish(),
  /** The court, e.g. "N.D. Cal." (kept internal: never published). */
  court: cleanString().trim().min(1).max(300).nullish(),
});

/** The rules between the fields. */
function challengeRules(c: z.output<typeof courtChallengeFields>, ctx: z.RefinementCtx): void {
  if (c.result === 'pending' && c.decided_at) {
    ctx.addIssue({
      code: 'custom',
      path: ['decided_at'],
      message: 'a pending challenge has no decision date: give the result it was decided with',
    });
  }
  if (c.filed_at && c.decided_at && Date.parse(c.decided_at) < Date.parse(c.filed_at)) {
    ctx.addIssue({ code: 'custom', path: ['decided_at'], message: 'must not be before filed_at' });
  }
}

export const courtChallengeInput = courtChallengeFields.superRefine(challengeRules);
/** `POST /requests/:id/challenges`: a step with the version of the request the caller read. */
export const courtChallengeBody = courtChallengeFields
  .extend({ version: versionNumber })
  .superRefine(challengeRules);
export type CourtChallengeInput = z.output<typeof courtChallengeInput>;

/** Words for the history and the web page. */
export const STAGE_WORDS: Record<ChallengeStage, string> = {
  motion_filed: 'motion filed',
  first_instance: 'first instance',
  appeal: 'appeal',
  highest_court: 'highest court',
};
export const RESULT_WORDS: Record<ChallengeResult, string> = {
  pending: 'pending',
  won: 'won',
  lost: 'lost',
  partly_won: 'partly won (narrowed)',
  withdrawn_by_requester: 'withdrawn by the requester',
};

/** "Court challenge at appeal: won" (the audit history's sentence). */
export function challengeWords(c: { stage: ChallengeStage; result: ChallengeResult }): string {
  return `Court challenge at ${STAGE_WORDS[c.stage]}: ${RESULT_WORDS[c.result]}`;
}
