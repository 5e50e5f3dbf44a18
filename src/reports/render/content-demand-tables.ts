import { country } from '../../domain/countries.ts';
import type { OutcomeCounts, ReportData } from '../report-data.ts';
import type { DocTable } from './document.ts';
import { OUTCOME_LABELS, RESTRICTION_BASIS_LABELS, STATE_ACTOR_LABELS } from './labels.ts';

/**
 * The takedown section's tables of schema version 6 (issue 16.1; RDR F6, Santa Clara Principles): takedown
 * requests by country x legal basis x action taken, and by the type of state actor. Absent from the data of
 * earlier versions, so those render as they did.
 */

type Takedown = ReportData['tables']['takedown'];
type OutcomeKey = keyof OutcomeCounts;

/** The actions any row of the table has, in outcome order: a column each. */
function usedOutcomes(rows: readonly OutcomeCounts[]): OutcomeKey[] {
  const keys = Object.keys(rows[0] ?? {}) as OutcomeKey[];
  return keys.filter((k) => rows.some((r) => (r[k] ?? 0) > 0));
}

const NOTE =
  'Legal basis: what the demand cited, local law or our own terms of service. Items: as each request counted ' +
  'them, or else the identifiers it named. An account named in several requests is counted in every row that ' +
  'names it.';

export function contentDemandTables(td: Takedown): DocTable[] {
  const tables: DocTable[] = [];
  const basis = td.by_country_basis;
  if (basis) {
    const used = usedOutcomes(basis.map((r) => r.outcomes));
    tables.push({
      id: 'takedown_by_basis',
      caption: 'Takedown requests by country, legal basis and action taken',
      head: [
        'Country',
        'Legal basis',
        'Requests',
        'Items',
        'Accounts',
        ...used.map((k) => OUTCOME_LABELS[k]),
      ],
      rows: basis.map((r) => ({
        kind: 'normal' as const,
        cells: [
          country(r.country).name,
          RESTRICTION_BASIS_LABELS[r.restriction_basis],
          r.requests,
          r.items,
          r.accounts_specified,
          ...used.map((k) => r.outcomes[k] ?? 0),
        ],
      })),
      note: NOTE,
    });
  }
  const actors = td.by_state_actor;
  if (actors) {
    const used = usedOutcomes(actors.map((r) => r.outcomes));
    tables.push({
      id: 'takedown_by_state_actor',
      caption: 'Takedown requests by type of state actor',
      head: ['State actor', 'Requests', 'Items', 'Accounts', ...used.map((k) => OUTCOME_LABELS[k])],
      rows: actors.map((r) => ({
        kind: 'normal' as const,
        cells: [
          STATE_ACTOR_LABELS[r.state_actor],
          r.requests,
          r.items,
          r.accounts_specified,
          ...used.map((k) => r.outcomes[k] ?? 0),
        ],
      })),
      note: 'The kind of authority that made the demand: a court or judge, or another kind of state actor.',
    });
  }
  return tables;
}
