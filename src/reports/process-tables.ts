import { z } from 'zod';
import { INFORMAL_PROCESS_TYPES } from '../domain/request-process.ts';
import {
  CHALLENGE_RESULTS,
  CHALLENGE_STAGES,
  OUTCOMES,
  PROCESS_TYPES,
  type ProcessType,
} from '../domain/vocabulary.ts';
import type {
  AccessModeRow,
  ChallengeGrainRow,
  InformalGrainRow,
} from '../repositories/report-process-repository.ts';

/**
 * The report tables of issue 16.2 (schema version 6, all optional: versions frozen earlier lack them and render
 * as published): informal government requests apart from the headline, the headline's requests by access mode
 * and process type, and court challenges by stage and result (inside the pushback table). Their Zod schemas are
 * spread into `reportDataSchema`; `processTablesOf` builds them from the rows of report-process-repository.ts.
 */

const count = z.number().int().min(0);
const countryCode = z.string().regex(/^[A-Z]{2}$/);

const informalOutcomes = z
  .strictObject({
    ...Object.fromEntries(OUTCOMES.map((o) => [o, count])),
    in_process: count,
  } as Record<(typeof OUTCOMES)[number] | 'in_process', typeof count>)
  .describe(
    'Informal requests by outcome, plus those with no outcome yet (in_process); they sum to requests.',
  );

export const informalRequestsSchema = z
  .strictObject({
    requests: count.describe('Informal government requests received (channel "informal": no legal process).'),
    accounts_specified: count.describe('Distinct accounts they named.'),
    outcomes: informalOutcomes,
    by_country: z
      .array(z.strictObject({ country: countryCode, requests: count }))
      .describe("By the requesting authority's country, alphabetical; countries with any."),
    by_process_type: z
      .array(z.strictObject({ process_type: z.enum(INFORMAL_PROCESS_TYPES), requests: count }))
      .describe(
        'takedown_request (a flagging or referral of content) and other (an informal call for data).',
      ),
  })
  .describe(
    'Informal government requests (a referral, a call, a flagging; no legal process): counted here only, never in the headline or any other table, so headline + civil litigants + informal = every request but national-security process. Absent from versions frozen before schema version 6.',
  );

export const accessModeRowSchema = z.strictObject({
  process_type: z.enum(PROCESS_TYPES),
  requests: count,
  stored: count,
  prospective: count,
  not_recorded: count,
});

export const accessModeSchema = z
  .array(accessModeRowSchema)
  .describe(
    'The headline requests by legal process and access mode: stored records, or prospective (real-time) collection; not_recorded where the request did not say. Wiretap and pen-register orders are prospective by nature. Rows in vocabulary order, process types with requests only; stored + prospective + not_recorded = requests, and the rows sum to the headline requests. Absent from versions frozen before schema version 6.',
  );

export const courtChallengesSchema = z
  .strictObject({
    requests: count.describe(
      'Headline requests we challenged in court (each once, by its latest recorded step).',
    ),
    by_stage_result: z
      .array(
        z.strictObject({
          stage: z.enum(CHALLENGE_STAGES),
          result: z.enum(CHALLENGE_RESULTS),
          requests: count,
        }),
      )
      .describe(
        'Stage reached and result, stages then results in vocabulary order, rows with requests only.',
      ),
  })
  .describe(
    'Requests challenged in court, with the stage the challenge reached and its result (partly_won: the court narrowed the demand). Absent from versions frozen before schema version 6.',
  );

export type InformalRequests = z.infer<typeof informalRequestsSchema>;
export type AccessModeTable = z.infer<typeof accessModeSchema>;
export type CourtChallenges = z.infer<typeof courtChallengesSchema>;

/** The three tables from the rows of report-process-repository.ts. */
export function processTablesOf(
  informal: readonly InformalGrainRow[],
  access: readonly AccessModeRow[],
  challenges: readonly ChallengeGrainRow[],
): { informal_requests: InformalRequests; access_mode: AccessModeTable; court_challenges: CourtChallenges } {
  const total = informal.find((r) => r.country === null && r.process_type === null);
  const outcomes = Object.fromEntries([
    ...OUTCOMES.map((o) => [o, total?.[o] ?? 0]),
    ['in_process', total?.in_process ?? 0],
  ]) as InformalRequests['outcomes'];
  const accessRows = PROCESS_TYPES.flatMap((p: ProcessType) => {
    const of = access.filter((r) => r.process_type === p);
    if (of.length === 0) return [];
    const n = (m: string) => of.find((r) => r.access_mode === m)?.requests ?? 0;
    const row = { stored: n('stored'), prospective: n('prospective'), not_recorded: n('not_recorded') };
    return [{ process_type: p, requests: row.stored + row.prospective + row.not_recorded, ...row }];
  });
  const stageResult = CHALLENGE_STAGES.flatMap((stage) =>
    CHALLENGE_RESULTS.flatMap((result) => {
      const r = challenges.find((c) => c.stage === stage && c.result === result);
      return r ? [{ stage, result, requests: r.requests }] : [];
    }),
  );
  return {
    informal_requests: {
      requests: total?.requests ?? 0,
      accounts_specified: total?.accounts ?? 0,
      outcomes,
      by_country: informal
        .filter((r) => r.country !== null)
        .map((r) => ({ country: r.country as string, requests: r.requests }))
        .sort((a, b) => a.country.localeCompare(b.country)),
      by_process_type: INFORMAL_PROCESS_TYPES.flatMap((p) => {
        const r = informal.find((x) => x.process_type === p);
        return r ? [{ process_type: p, requests: r.requests }] : [];
      }),
    },
    access_mode: accessRows,
    court_challenges: {
      requests: stageResult.reduce((s, r) => s + r.requests, 0),
      by_stage_result: stageResult,
    },
  };
}
