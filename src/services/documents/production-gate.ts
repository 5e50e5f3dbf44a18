import { checkProduction } from '../../domain/compel.ts';
import type { PolicyConfig } from '../../domain/policy-config.ts';
import { disclosesData } from '../../domain/response.ts';
import type { DataSought } from '../../domain/vocabulary.ts';
import { CandorError } from '../../errors.ts';
import type { RequestBundle } from '../../repositories/requests-repository.ts';
import type { WorkflowRecords } from '../../repositories/workflow-repository.ts';
import { assertEmergencyReady } from '../workflow-guards.ts';

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
  const r = b.request;
  const check = checkProduction(
    {
      processType: r.process_type,
      produced: [...categories],
      foreign: b.agency.country !== 'US',
      channel: r.channel,
      emergency: r.emergency,
      country: b.agency.country,
      receivedAt: r.received_at,
    },
    policy,
  );
  if (check.beyond.length > 0) {
    const override = w.overrides.find((o) => o.response_id === response.id);
    if (!override || !check.beyond.every((c) => override.beyond.includes(c))) {
      throw new CandorError(
        'invalid_state',
        `the policy refuses this disclosure: ${check.reasons.join(' ')}`,
        check.beyond.map((c) => ({ field: 'data_categories', message: `${c} is beyond the process` })),
      );
    }
  }
  if (
    check.needsLegalSignOff &&
    !w.approvals.some((a) => a.purpose === 'legal_sign_off' && a.approver_id !== r.assigned_to)
  ) {
    throw new CandorError(
      'invalid_state',
      'a foreign emergency request for content needs legal sign-off first',
    );
  }
  if (r.emergency) assertEmergencyReady(b, w);
}
