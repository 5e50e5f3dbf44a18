import type { Child } from '../../html/jsx-runtime.ts';
import { fieldLabel, label } from '../labels.ts';

/**
 * The content-demand facts (basis, DSA category and sub-category), shown when any is recorded or the demand
 * is a restriction, so a takedown shows "Not recorded" rather than hiding that it was never asked.
 */
export function contentFacts(r: {
  demand_kind: string | null;
  restriction_basis: string | null;
  restriction_law: string | null;
  dsa_category: string | null;
  dsa_keyword: string | null;
  dsa_keyword_other: string | null;
}): Array<[string, Child]> {
  const restriction = r.demand_kind?.startsWith('restrict_') ?? false;
  const rows: Array<[string, Child]> = [];
  if (restriction || r.restriction_basis) {
    rows.push([
      fieldLabel('restriction_basis'),
      r.restriction_basis ? label(r.restriction_basis) : 'Not recorded',
    ]);
    if (r.restriction_law) rows.push([fieldLabel('restriction_law'), r.restriction_law]);
  }
  if (r.dsa_category) rows.push([fieldLabel('dsa_category'), label(r.dsa_category)]);
  if (r.dsa_keyword) rows.push([fieldLabel('dsa_keyword'), label(r.dsa_keyword)]);
  if (r.dsa_keyword_other) rows.push([fieldLabel('dsa_keyword_other'), r.dsa_keyword_other]);
  return rows;
}
