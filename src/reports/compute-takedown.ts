import { AGENCY_KINDS, RESTRICTION_BASES } from '../domain/vocabulary.ts';
import type { AccountGrainRow, RequestGrainRow } from '../repositories/report-repository.ts';
import type { OutcomeCounts, ReportTables } from './report-data.ts';

/**
 * The takedown table's breakdowns of content demands (issue 16.1, RDR F6, Santa Clara Principles): by country x
 * legal basis x outcome, and by the type of state actor, each row with its items and distinct accounts. Built
 * from the two passes' rows (compute.ts reads the database; this only arranges).
 */

type Takedown = NonNullable<ReportTables['takedown']>;
type Req = (set: RequestGrainRow['set'], match?: Partial<RequestGrainRow>) => RequestGrainRow[];
type Acc = (set: AccountGrainRow['set'], match?: Partial<AccountGrainRow>) => AccountGrainRow | undefined;

/** Legal bases in vocabulary order, then the demands that recorded none. */
export const BASIS_ROWS = [...RESTRICTION_BASES, 'not_recorded'] as const;

export function takedownBreakdowns(
  req: Req,
  acc: Acc,
  countryOrder: readonly string[],
  outcomesOf: (r: RequestGrainRow | undefined) => OutcomeCounts,
): Pick<Takedown, 'by_country_basis' | 'by_state_actor'> {
  return {
    // Countries in the order of by_country, bases in vocabulary order; rows with requests only.
    by_country_basis: countryOrder.flatMap((country) =>
      BASIS_ROWS.flatMap((basis) => {
        const r = req('demand_country_basis', { data_demand: false, country, restriction_basis: basis })[0];
        if (!r) return [];
        const a = acc('takedown_country_basis', { section: 'takedown', country, detail: basis });
        return [
          {
            country,
            restriction_basis: basis,
            requests: r.requests,
            items: r.items,
            accounts_specified: a?.accounts ?? 0,
            outcomes: outcomesOf(r),
          },
        ];
      }),
    ),
    by_state_actor: AGENCY_KINDS.flatMap((kind) => {
      const r = req('demand_agency_kind', { data_demand: false, agency_kind: kind })[0];
      if (!r) return [];
      const a = acc('takedown_agency_kind', { section: 'takedown', detail: kind });
      return [
        {
          state_actor: kind,
          requests: r.requests,
          items: r.items,
          accounts_specified: a?.accounts ?? 0,
          outcomes: outcomesOf(r),
        },
      ];
    }),
  };
}
