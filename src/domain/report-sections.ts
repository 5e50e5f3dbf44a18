import type { DemandKind, ProcessType } from './vocabulary.ts';

/**
 * Which detail table of a transparency report a request is counted in (DOMAIN.md §5: preservation, emergency,
 * takedown and national-security requests are reported in their own tables). Every request falls in exactly
 * one section, tested in this order, so a national-security request can never reach an exact-count table.
 *
 * The headline tables (summary, by country, United States, process x outcome, notice, channel, pushback)
 * count every section but national security, as Twilio's first report did: its 268 requests included
 * emergency, preservation and takedown requests, while NSLs and FISA orders appeared only in statutory
 * bands. An exact total that included them would give away their exact number (total minus the other
 * tables), which 50 U.S.C. 1874 forbids.
 */
export const SECTIONS = [
  'national_security',
  'foreign_national_security',
  'preservation',
  'takedown',
  'emergency',
  'information',
] as const;
export type Section = (typeof SECTIONS)[number];

export const NATIONAL_SECURITY_PROCESS: readonly ProcessType[] = [
  'national_security_letter',
  'fisa_content_order',
  'fisa_non_content_order',
];
/**
 * A foreign state's national-security orders (e.g. UK Investigatory Powers Act warrants). They are not 1874
 * process and never count as NSL or FISA figures; like them, they never enter an exact table (an exact total
 * would give their number away), and are published per jurisdiction in bands only where the provider
 * configured it (CANDOR_FOREIGN_NS, domain/foreign-national-security.ts).
 */
export const FOREIGN_NATIONAL_SECURITY_PROCESS: readonly ProcessType[] = ['foreign_national_security_order'];

/** Every process that is only ever published in bands, if at all: US (1874) and foreign national security. */
export const BANDED_ONLY_PROCESS: readonly ProcessType[] = [
  ...NATIONAL_SECURITY_PROCESS,
  ...FOREIGN_NATIONAL_SECURITY_PROCESS,
];

export const PRESERVATION_DEMANDS: readonly DemandKind[] = ['preserve'];
export const TAKEDOWN_DEMANDS: readonly DemandKind[] = ['restrict_content', 'restrict_account'];

export interface SectionFacts {
  process_type: ProcessType;
  case_class: string | null;
  demand_kind: DemandKind;
  emergency: boolean;
}

/**
 * The section of one request. The report query evaluates the same rule in SQL (report-repository.ts,
 * built from the constants above); this function states it once for people and tests.
 */
export function sectionOf(r: SectionFacts): Section {
  // Only NSLs and FISA orders and directives are 1874 process: a grand jury subpoena in a national-security
  // case is ordinary process and is counted exactly, like any other subpoena.
  if (NATIONAL_SECURITY_PROCESS.includes(r.process_type)) return 'national_security';
  if (FOREIGN_NATIONAL_SECURITY_PROCESS.includes(r.process_type)) return 'foreign_national_security';
  if (r.process_type === 'preservation_request' || PRESERVATION_DEMANDS.includes(r.demand_kind))
    return 'preservation';
  if (r.process_type === 'takedown_request' || TAKEDOWN_DEMANDS.includes(r.demand_kind)) return 'takedown';
  if (r.emergency) return 'emergency';
  return 'information';
}

/**
 * Whether a request of this section is counted in the headline tables: every section but national security,
 * US or foreign.
 */
export function inHeadline(section: Section): boolean {
  return section !== 'national_security' && section !== 'foreign_national_security';
}

/** The US level of government a report groups an agency level under (local includes municipal). */
export function usLevel(level: string): 'federal' | 'state' | 'local' | 'other' | 'not_recorded' {
  if (level === 'federal' || level === 'state' || level === 'not_recorded') return level;
  if (level === 'local' || level === 'municipal') return 'local';
  return 'other';
}
