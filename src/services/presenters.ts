import type { NdoRow } from '../db/schema.ts';
import { motionToQuashDueAt, responseDueAt } from '../domain/deadlines.ts';
import { exceedsDojPolicy, ndoInForce, nextReviewAt, type Ndo } from '../domain/ndo.ts';
import type { PolicyConfig } from '../domain/policy-config.ts';
import { holdExpiresAt, holdState } from '../domain/preservation.ts';
import type { RequestBundle } from '../repositories/requests-repository.ts';
import type { WorkflowRecords } from '../repositories/workflow-repository.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * The request as the API shows it to signed-in users. Fields are listed one by one so that a new column
 * never appears in an output by accident.
 */
export function presentRequest(b: RequestBundle) {
  const r = b.request;
  const accounts = new Set(b.targets.map((t) => t.account_ref).filter((a): a is string => a !== null));
  return {
    id: r.id,
    version: r.version,
    external_ref: r.external_ref,
    received_at: r.received_at.toISOString(),
    delivered_via: r.delivered_via,
    agency: {
      id: b.agency.id,
      name: b.agency.name,
      kind: b.agency.kind,
      level: b.agency.level,
      country: b.agency.country,
      subdivision: b.agency.subdivision,
    },
    issuer: r.issuer,
    requester_class: r.requester_class,
    channel: r.channel,
    process_type: r.process_type,
    legal_authority: r.legal_authority,
    case_class: r.case_class,
    emergency: r.emergency,
    emergency_basis: r.emergency_basis,
    demand_kind: r.demand_kind,
    data_sought: r.data_sought,
    items_of_information: r.items_of_information,
    dsa_category: r.dsa_category,
    acknowledged_at: iso(r.acknowledged_at),
    effect_given_at: iso(r.effect_given_at),
    status: r.status,
    outcome: r.outcome,
    responded_at: iso(r.responded_at),
    notice_status: r.notice_status,
    data_location: r.data_location,
    target_us_person: r.target_us_person,
    identifier_kind: r.identifier_kind,
    access_mode: r.access_mode,
    dsa_keyword: r.dsa_keyword,
    dsa_keyword_other: r.dsa_keyword_other,
    restriction_basis: r.restriction_basis,
    restriction_law: r.restriction_law,
    notes: r.notes,
    restricted: r.restricted,
    assigned_to: r.assigned_to,
    identifiers_specified: b.targets.length,
    accounts_specified: accounts.size,
    targets: b.targets.map((t) => ({ identifier: t.identifier, account: t.account_ref, result: t.result })),
    nondisclosure_orders: b.ndos.map((n) => ({
      id: n.id,
      authority: n.authority,
      issuing_court: n.issuing_court,
      issued_at: iso(n.issued_at),
      expires_at: iso(n.expires_at),
      indefinite: n.indefinite,
      ground: n.ground,
      lifted_at: iso(n.lifted_at),
    })),
    court_challenges: b.challenges.map((c) => ({
      id: c.id,
      stage: c.stage,
      result: c.result,
      filed_at: iso(c.filed_at),
      decided_at: iso(c.decided_at),
      court: c.court,
      recorded_by: c.recorded_by,
      recorded_at: c.recorded_at.toISOString(),
    })),
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}
export type PresentedRequest = ReturnType<typeof presentRequest>;

/**
 * A stored non-disclosure order as the rules read it (`domain/ndo.ts`). An order recorded without its issue
 * date counts its reviews from the request's receipt, the earliest it can have been issued.
 */
export function ndoOf(n: NdoRow, receivedAt: Date): Ndo {
  return {
    authority: n.authority,
    issuedAt: n.issued_at ?? receivedAt,
    expiresAt: n.expires_at,
    liftedAt: n.lifted_at,
    lastReviewedAt: n.review_requested_at,
  };
}

/** Where an order stands at `now`: whether it binds, its next review, and whether it exceeds DOJ policy. */
export function presentNdoStanding(n: NdoRow, receivedAt: Date, now: Date, policy: PolicyConfig) {
  const ndo = ndoOf(n, receivedAt);
  return {
    id: n.id,
    in_force: ndoInForce(ndo, now),
    next_review_at: nextReviewAt(ndo, policy)?.toISOString() ?? null,
    exceeds_doj_policy: exceedsDojPolicy(ndo, policy),
  };
}

/**
 * What the legal workflow recorded on a request: the deadline, the response and every override of the
 * compelled-data tiers (kept and shown for as long as the request exists), approvals, the emergency
 * verification and the preservation holds.
 */
export function presentWorkflow(b: RequestBundle, w: WorkflowRecords, policy: PolicyConfig, now: Date) {
  const r = b.request;
  const due = responseDueAt(
    { processType: r.process_type, channel: r.channel, emergency: r.emergency, receivedAt: r.received_at },
    policy,
  );
  const quash = motionToQuashDueAt(
    {
      processType: r.process_type,
      channel: r.channel,
      emergency: r.emergency,
      dataSought: r.data_sought,
      targetUsPerson: r.target_us_person,
      receivedAt: r.received_at,
    },
    policy,
  );
  const e = w.emergency;
  return {
    /** The instant these facts were worked out at (the time left until a deadline counts from it). */
    as_of: now.toISOString(),
    response_due_at: iso(due),
    /** The 2703(h)(2) motion-to-quash deadline, where the motion is open to the provider; else null. */
    motion_to_quash_due_at: iso(quash),
    responses: w.responses.map((x) => ({
      id: x.id,
      outcome: x.outcome,
      produced: x.produced,
      responded_at: x.responded_at.toISOString(),
      recorded_by: x.recorded_by,
      recorded_at: x.recorded_at.toISOString(),
      current: x.superseded_at === null,
    })),
    production_overrides: w.overrides.map((o) => ({
      id: o.id,
      response_id: o.response_id,
      approver: o.approver_email,
      beyond: o.beyond,
      findings: o.findings,
      reason: o.reason,
      at: o.created_at.toISOString(),
    })),
    approvals: w.approvals.map((a) => ({
      id: a.id,
      purpose: a.purpose,
      approver: a.approver_email,
      approver_role: a.approver_role,
      note: a.note,
      at: a.approved_at.toISOString(),
    })),
    emergency: e
      ? {
          attests_danger: e.attests_danger,
          verified_by: e.verified_by,
          called_back_at: iso(e.called_back_at),
          callback_number: e.callback_number,
          number_source: e.number_source,
          passed_at: iso(e.passed_at),
          follow_up_received_at: iso(e.follow_up_received_at),
        }
      : null,
    holds: w.holds.map((h) => {
      const hold = { regime: h.regime, startedAt: h.started_at, extensions: h.extensions };
      return {
        id: h.id,
        regime: h.regime,
        started_at: h.started_at.toISOString(),
        extensions: h.extensions,
        expires_at: holdExpiresAt(h.started_at, h.extensions, policy, h.regime).toISOString(),
        state: h.released_at ? 'released' : holdState(hold, now, policy),
        released_at: iso(h.released_at),
        release_reason: h.release_reason,
      };
    }),
  };
}
export type PresentedWorkflow = ReturnType<typeof presentWorkflow>;
