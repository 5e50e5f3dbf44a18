import { type Agency } from './agencies.ts';
import { DAY, iso, UK_AGREEMENT } from './calendar.ts';
import type { Draft, Make } from './draft-parts.ts';
import type { Rng } from './rng.ts';

/** The UK agencies that obtain Investigatory Powers Act warrants and authorisations. */
const UK_NATIONAL_SECURITY: readonly Agency[] = [
  { name: 'Security Service (MI5)', kind: 'intelligence', level: 'national' },
  { name: 'Government Communications Headquarters (GCHQ)', kind: 'intelligence', level: 'national' },
  { name: 'National Crime Agency', kind: 'law_enforcement', level: 'national' },
];

/**
 * A UK Investigatory Powers Act 2016 order: a foreign national-security order, not FISA (docs/reports.md).
 * Before the US-UK agreement (2022-10-03) a communications data authorisation, of which basic subscriber
 * information is all a provider gives a foreign authority by policy; after it, mostly a targeted interception
 * warrant served under the agreement, which may reach content. Its secrecy has no end date.
 */
export function draftForeignNs(rng: Rng, at: number, d: Make): Draft {
  const agency = rng.pick(UK_NATIONAL_SECURITY);
  const agreement = at >= UK_AGREEMENT && rng.chance(0.7);
  return d({
    agency,
    issuer: agreement
      ? 'Secretary of State, approved by a Judicial Commissioner'
      : 'Investigatory Powers Commissioner',
    channel: agreement ? 'executive_agreement' : 'domestic',
    process: 'foreign_national_security_order',
    legal: agreement
      ? 'Investigatory Powers Act 2016, Part 2 (targeted interception warrant); US-UK Data Access Agreement'
      : 'Investigatory Powers Act 2016, Part 3 (communications data)',
    caseClass: 'national_security',
    dataSought: agreement ? ['content'] : ['basic_subscriber'],
    responseDays: rng.int(2, 12),
    outcome: agreement
      ? rng.chance(0.8)
        ? 'content_produced'
        : 'no_data'
      : rng.chance(0.8)
        ? 'non_content_produced'
        : 'no_data',
    ndo: {
      authority: 'foreign',
      issued_at: iso(at - rng.int(1, 5) * DAY),
      expires_at: null,
      ground: 'other',
    },
  });
}
