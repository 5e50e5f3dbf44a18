import type { RequestBundle } from '../repositories/requests-repository.ts';

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
    notes: r.notes,
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
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}
export type PresentedRequest = ReturnType<typeof presentRequest>;
