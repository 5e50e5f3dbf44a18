import type { Db } from '../db/connect.ts';
import { KEPT_UP_AHEAD_MS } from '../demo/index.ts';
import { defaultPolicy, type PolicyConfig } from '../domain/policy-config.ts';
import { intakeFacts, policyGate, type Refusal } from '../domain/policy-gate.ts';
import type { ValidRequest } from '../domain/request-input.ts';
import { CandorError } from '../errors.ts';
import { appendEvent } from '../repositories/audit-repository.ts';
import { recordKeptUpWork } from '../repositories/demo-repository.ts';
import { insertHistoryOverrides } from '../repositories/requests-repository.ts';
import { upsertContact } from '../repositories/contacts-repository.ts';
import { prepareRequest, writeRequests } from './requests.ts';

/** Notice statuses under which a customer may still be told: their accounts get a demo contact. */
const NOTICE_OPEN = new Set(['pending', 'prohibited_by_order', 'delayed_emergency']);

/**
 * The demo obeys the policy gate like every door. Two kinds of fact are history carried with a history
 * override and its reason, as an import would carry them: emergency disclosures verified by call-back and
 * approved before the record began, and the published 2015 MLAT productions, reported as "MLAT" without
 * the US process served under 3512. Anything else the gate refuses is a bug in the generator.
 */
export const DEMO_HISTORY_REASONS: ReadonlyMap<Refusal['rule'], string> = new Map<Refusal['rule'], string>([
  [
    'emergency_not_ready',
    'Demo history: verified by call-back and approved before the record was kept in Candor',
  ],
  [
    'mlat_served_process',
    'Demo history: produced on the US process served under 18 U.S.C. 3512, reported as an MLAT request before the served process was recorded',
  ],
]);

/** The `override_reason` that carries demo history past these refusals (bench/generate-import.ts writes it too). */
export function demoHistoryReason(refusals: readonly Refusal[]): string {
  return [...new Set(refusals.map((x) => DEMO_HISTORY_REASONS.get(x.rule)))].join('; ');
}

/**
 * Writes the demo history in the caller's transaction, as `candor demo` loads it: the requests, a customer
 * contact for the accounts whose notice may still go (except every tenth request's, so the due view also
 * shows what happens with no contact on file), the records of a team that kept up with its work (follow-up
 * process received for answered emergencies, open-ended orders reviewed within the last year), and one
 * audit event. `o.now` must be the instant the history was generated for (`generateDemo`'s `now`): which
 * orders are still in force, and so which notices may be held, depends on it.
 */
export async function loadDemo(
  trx: Db,
  requests: readonly ValidRequest[],
  o: { seed: number; actor: string; now: Date; policy?: PolicyConfig },
): Promise<{ created: number; contacts: number; overrides: number }> {
  const carried = new Map<string, Refusal[]>();
  for (const r of requests) {
    const refusals = policyGate(intakeFacts(r, o.now), o.policy ?? defaultPolicy);
    const wrong = refusals.find((x) => !DEMO_HISTORY_REASONS.has(x.rule));
    if (wrong) {
      throw new CandorError(
        'invalid_state',
        `the demo generator made ${r.external_ref}, which the policy gate refuses: ${wrong.rule}: ${wrong.message}`,
      );
    }
    if (refusals.length > 0) carried.set(r.external_ref, refusals);
  }
  const agencies = new Map<string, number>();
  let created = 0;
  let overrides = 0;
  for (let i = 0; i < requests.length; i += 2000) {
    const ids = await writeRequests(
      trx,
      requests.slice(i, i + 2000).map((r) => prepareRequest(r, o.now)),
      agencies,
    );
    created += ids.size;
    const rows = [...ids].flatMap(([ref, id]) => {
      const refusals = carried.get(ref);
      return refusals
        ? [
            {
              request_id: id,
              rules: [...new Set(refusals.map((x) => x.rule))],
              findings: refusals.map((x) => x.message),
              reason: demoHistoryReason(refusals),
              source: `demo-seed-${o.seed}`,
              line: null,
              created_by: o.actor,
              created_at: o.now,
            },
          ]
        : [];
    });
    overrides += rows.length;
    await insertHistoryOverrides(trx, rows);
  }
  const accounts = new Set<string>();
  requests.forEach((r, i) => {
    if (i % 10 !== 9 && r.notice_status && NOTICE_OPEN.has(r.notice_status)) {
      for (const a of r.accounts) accounts.add(a);
    }
  });
  for (const a of accounts) {
    await upsertContact(
      trx,
      a,
      { email: `${a.toLowerCase().replace(/[^a-z0-9]+/g, '-')}@customers.example`, language: 'en' },
      o.now,
    );
  }
  // Without these, a decade of history would greet the team with hundreds of reviews and follow-ups
  // overdue since 2016. What falls due later stays open, so the due view still has some of each.
  // A workflow record bumps the request's version, as every workflow step does.
  const policy = o.policy ?? defaultPolicy;
  await recordKeptUpWork(trx, o.actor, o.now, {
    ahead: new Date(o.now.getTime() + KEPT_UP_AHEAD_MS),
    followUpDays: policy.emergency.followUpDays,
    reviewDays: policy.ndo.reviewIntervalDays,
    nationalSecurityReviewDays: policy.ndo.nationalSecurityReviewDays,
  });
  await appendEvent(trx, {
    at: o.now,
    actor: o.actor,
    action: 'demo.load',
    entity: 'import',
    entityId: `demo-seed-${o.seed}`,
    after: { seed: o.seed, requests: requests.length, created, contacts: accounts.size, overrides },
  });
  return { created, contacts: accounts.size, overrides };
}
