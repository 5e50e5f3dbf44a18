import type { PolicyConfig } from '../../domain/policy-config.ts';
import { disclosesData } from '../../domain/response.ts';
import type { DataSought } from '../../domain/vocabulary.ts';
import { CandorError } from '../../errors.ts';
import type { RequestBundle } from '../../repositories/requests-repository.ts';
import type { WorkflowRecords } from '../../repositories/workflow-repository.ts';
import { assertGate, gateStored } from '../workflow/guards.ts';

/**
 * Whether the provider may hand these data categories over for this request: the one question every door
 * that records a production asks (web, API, CLI). A production delivers what the recorded response says was
 * produced, so it needs that response first and may not go beyond it; the response itself passed the policy
 * engine (the 2703 tiers, foreign channels, emergency readiness), and the same checks run again here, so a
 * response recorded before a policy change cannot carry a production the policy now refuses.
 */
export function assertMayProduce(
  b: RequestBundle,
  w: WorkflowRecords,
  categories: readonly DataSought[],
  policy: PolicyConfig,
  now: Date,
): void {
  const response = w.responses.filter((r) => r.superseded_at === null).at(-1);
  if (!response || !disclosesData(response.outcome)) {
    throw new CandorError(
      'invalid_state',
      'record a response that produces data before recording a production: a production delivers what the response says was produced',
    );
  }
  if (categories.length === 0)
    throw new CandorError('invalid', 'name the data categories produced', [
      { field: 'data_categories', message: 'required' },
    ]);
  const beyondResponse = categories.filter((c) => !response.produced.includes(c));
  if (beyondResponse.length > 0) {
    throw new CandorError(
      'invalid_state',
      `the recorded response produced ${response.produced.join(', ')}; this production adds ${beyondResponse.join(', ')}`,
      beyondResponse.map((c) => ({ field: 'data_categories', message: `${c} was not in the response` })),
    );
  }
  // The one policy gate, as for the response: a statutory bar or a workflow rule refuses; a policy tier
  // passes only where an approver's override on this response covers it.
  const refusals = gateStored(b, w, now, policy, {
    outcome: response.outcome,
    produced: [...categories],
    respondedAt: response.responded_at,
  });
  assertGate(refusals, ['tier']);
  const beyond = [...new Set(refusals.flatMap((x) => x.beyond ?? []))];
  if (beyond.length > 0) {
    const override = w.overrides.find((o) => o.response_id === response.id);
    if (!override || !beyond.every((c) => override.beyond.includes(c))) {
      throw new CandorError(
        'invalid_state',
        `the policy refuses this disclosure: ${refusals.map((x) => x.message).join(' ')}`,
        beyond.map((c) => ({ field: 'data_categories', message: `${c} is beyond the process` })),
      );
    }
  }
}
