import { inHeadline, sectionOf } from '../domain/report-sections.ts';
import type { ValidRequest } from '../domain/request-input.ts';

/** A half-year of the demo as its report counts it: national-security requests only in their own column. */
export interface DemoPeriodSummary {
  period: string;
  /** Every request but national-security process (the report's headline). */
  requests: number;
  /** Distinct account identifiers named (accounts and identifiers resolved to an account). */
  accounts: number;
  us: number;
  international: number;
  emergency: number;
  preservation: number;
  takedown: number;
  national_security: number;
  eu_orders: number;
  /** Still in process (no outcome yet). */
  open: number;
}

/** Counts per half-year, in period order (what `candor demo` prints). */
export function demoSummary(requests: readonly ValidRequest[]): DemoPeriodSummary[] {
  const byPeriod = new Map<string, { row: DemoPeriodSummary; accounts: Set<string> }>();
  for (const r of requests) {
    const period = periodOf(r.received_at);
    let entry = byPeriod.get(period);
    if (!entry) {
      entry = {
        row: {
          period,
          requests: 0,
          accounts: 0,
          us: 0,
          international: 0,
          emergency: 0,
          preservation: 0,
          takedown: 0,
          national_security: 0,
          eu_orders: 0,
          open: 0,
        },
        accounts: new Set(),
      };
      byPeriod.set(period, entry);
    }
    const { row, accounts } = entry;
    const section = sectionOf({
      process_type: r.process_type,
      case_class: r.case_class ?? null,
      demand_kind: r.demand_kind ?? 'disclose',
      emergency: r.emergency,
    });
    if (!inHeadline(section)) {
      row.national_security++;
      continue;
    }
    row.requests++;
    for (const a of accountsOf(r)) accounts.add(a);
    if (r.agency.country === 'US') row.us++;
    else row.international++;
    if (r.emergency) row.emergency++;
    if (r.demand_kind === 'preserve') row.preservation++;
    if (r.demand_kind === 'restrict_content' || r.demand_kind === 'restrict_account') row.takedown++;
    if (r.channel === 'dsa_art_9' || r.channel === 'dsa_art_10' || r.channel === 'eu_e_evidence')
      row.eu_orders++;
    if (!r.outcome) row.open++;
  }
  return [...byPeriod.values()]
    .map(({ row, accounts }) => ({ ...row, accounts: accounts.size }))
    .sort((a, b) => a.period.localeCompare(b.period));
}

/** The distinct account identifiers a request names, directly or through a resolved identifier. */
export function accountsOf(r: ValidRequest): string[] {
  const set = new Set(r.accounts);
  for (const i of r.identifiers) if (i.account) set.add(i.account);
  return [...set];
}

/** The half-year (`2015-H1`) an ISO instant falls in, in UTC. */
export function periodOf(instant: string): string {
  const d = new Date(instant);
  return `${d.getUTCFullYear()}-H${d.getUTCMonth() < 6 ? 1 : 2}`;
}
