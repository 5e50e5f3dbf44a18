/**
 * The flat columns of an import row (docs/import-format.md), declared apart from the schema that reads them
 * (import-row.ts, with zod) so that `candor request add`'s flags, named after them, cost nothing to list:
 * `candor --help` does not import zod (docs/benchmarks.md, CLI start-up). `requestToRow` writes exactly these
 * columns, checked by src/domain/import-row.test.ts.
 */

/** The import columns, in the order an export writes them. */
export const IMPORT_COLUMNS = [
  'external_ref',
  'received_at',
  'delivered_via',
  'agency_name',
  'agency_kind',
  'agency_level',
  'country',
  'subdivision',
  'issuer',
  'requester_class',
  'channel',
  'process_type',
  'legal_authority',
  'case_class',
  'emergency',
  'emergency_basis',
  'demand_kind',
  'data_sought',
  'accounts',
  'identifiers',
  'identifier_kind',
  'account_results',
  'items_of_information',
  'dsa_category',
  'dsa_keyword',
  'dsa_keyword_other',
  'restriction_basis',
  'restriction_law',
  'acknowledged_at',
  'effect_given_at',
  'outcome',
  'responded_at',
  'notice_status',
  'ndo_authority',
  'ndo_issuing_court',
  'ndo_issued_at',
  'ndo_expires_at',
  'ndo_ground',
  'access_mode',
  'challenge_stage',
  'challenge_result',
  'challenge_filed_at',
  'challenge_decided_at',
  'data_location',
  'target_us_person',
  'restricted',
  'notes',
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
