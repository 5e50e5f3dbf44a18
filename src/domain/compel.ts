import { defaultPolicy, type PolicyConfig } from './policy-config.ts';
import type { Channel, DataSought, ProcessType } from './vocabulary.ts';

/**
 * What each kind of process may obtain under the Stored Communications Act tiers (18 U.S.C. 2703), and the
 * extra limits on disclosure to foreign governments (2702, 2523, 3512). The engine only reports what goes
 * beyond a tier; the service refuses unless an approver overrides with a reason.
 */

const BSI: DataSought[] = ['basic_subscriber'];
const RECORDS: DataSought[] = ['basic_subscriber', 'non_content'];
const ALL: DataSought[] = ['basic_subscriber', 'non_content', 'content'];

interface Tier {
  data: DataSought[];
  guidance: string;
}

const TIERS: Record<Exclude<ProcessType, 'civil_subpoena'>, Tier> = {
  grand_jury_subpoena: {
    data: BSI,
    guidance: 'A grand jury subpoena may compel basic subscriber information only (18 U.S.C. 2703(c)(2)).',
  },
  subpoena: {
    data: BSI,
    guidance: 'A subpoena may compel basic subscriber information only (18 U.S.C. 2703(c)(2)).',
  },
  administrative_subpoena: {
    data: BSI,
    guidance:
      'An administrative subpoena authorized by statute may compel basic subscriber information only (18 U.S.C. 2703(c)(2)).',
  },
  civil_investigative_demand: {
    data: BSI,
    guidance:
      'A civil investigative demand counts only as a statutory administrative subpoena: basic subscriber information only (18 U.S.C. 2703(c)(2)).',
  },
  court_order_2703d: {
    data: RECORDS,
    guidance:
      'A 2703(d) order may compel non-content records, including basic subscriber information (18 U.S.C. 2703(c)(1)(B), (d)); not content.',
  },
  // A court order of unstated kind is read at the 2703(d) tier: the highest a non-warrant order reaches.
  court_order: {
    data: RECORDS,
    guidance:
      'A court order that is not a warrant may compel non-content records at most (18 U.S.C. 2703(c)(1)(B), (d)); content needs a warrant.',
  },
  search_warrant: {
    data: ALL,
    guidance:
      'A search warrant may compel content and all records (18 U.S.C. 2703(a), (b)(1)(A), (c)(1)(A); United States v. Warshak, 6th Cir. 2010).',
  },
  // Pen/trap orders yield dialing, routing, addressing and signaling information going forward, nothing stored.
  pen_register_order: {
    data: ['non_content'],
    guidance:
      'A pen register / trap and trace order may compel prospective non-content (dialing, routing, addressing, signaling) only (18 U.S.C. 3121-3127).',
  },
  // Title III is the highest standard of process; it comes with the call-identifying data of the same facility.
  wiretap_order: {
    data: ['non_content', 'content'],
    guidance:
      'A wiretap order may compel real-time interception of content, with its call-identifying data, for the period it names (18 U.S.C. 2518); not stored records.',
  },
  // 2709(a) names "subscriber information and toll billing records information" (plus "electronic communication
  // transactional records"); OLC (2008) read it narrowly, so toll records are the only non-content we allow.
  national_security_letter: {
    data: RECORDS,
    guidance:
      'A national security letter may compel subscriber information and toll billing records only, never content (18 U.S.C. 2709(a)).',
  },
  fisa_content_order: {
    data: ALL,
    guidance:
      'A FISA content order or directive may compel content as it names (50 U.S.C. 1805, 1881a); follow its terms exactly.',
  },
  fisa_non_content_order: {
    data: RECORDS,
    guidance:
      'A FISA pen register or business records order may compel non-content only (50 U.S.C. 1842, 1861).',
  },
  // A foreign state's national-security order (e.g. a UK Investigatory Powers Act warrant) has no force under US
  // law, like a foreign police order; an order under an in-force 2523 agreement reaches content by its channel.
  foreign_national_security_order: {
    data: BSI,
    guidance:
      'A foreign national-security order (e.g. a UK Investigatory Powers Act warrant) compels nothing under US law; basic subscriber information only by policy, content only via MLAT or an executive agreement (18 U.S.C. 2702(b)(9), 2523).',
  },
  emergency_request: {
    data: ALL,
    guidance:
      'An emergency request compels nothing; a US governmental entity may be given content and records voluntarily if there is danger of death or serious physical injury (18 U.S.C. 2702(b)(8), (c)(4)).',
  },
  preservation_request: {
    data: [],
    guidance:
      'A preservation request compels preservation for 90 days, renewable once, and no disclosure (18 U.S.C. 2703(f)).',
  },
  takedown_request: {
    data: [],
    guidance: 'A takedown request asks for content to be restricted; it compels no disclosure.',
  },
  // What arrives through an MLAT is US process issued under 18 U.S.C. 3512 (a warrant, a 2703(d) order or a
  // subpoena obtained by DOJ). Recorded as `mlat_request`, the served process is not known: it reaches what
  // the least of them (a subpoena) may compel; record the served process as the process type (channel `mlat`)
  // to reach what it allows.
  mlat_request: {
    data: BSI,
    guidance:
      'An MLAT request reaches only what the US process served under 18 U.S.C. 3512 allows: record that process (search_warrant, court_order_2703d, subpoena) as the process type on the mlat channel; until then basic subscriber information only (2703(c)(2)).',
  },
  // A foreign police order has no force under US law: treat it like an unlisted process.
  police_force_order: {
    data: BSI,
    guidance:
      'A foreign police order compels nothing under US law; basic subscriber information only by policy, content only via MLAT or an executive agreement.',
  },
  other: {
    data: BSI,
    guidance: 'Unlisted process: basic subscriber information only until legal review says otherwise.',
  },
};

const CIVIL: Record<PolicyConfig['compel']['civilSubpoenaMax'], DataSought[]> = {
  none: [],
  basic_subscriber: BSI,
  non_content: RECORDS,
};

/** The data categories a process may obtain (its SCA tier). */
export function mayCompel(processType: ProcessType, policy: PolicyConfig = defaultPolicy): DataSought[] {
  if (processType === 'civil_subpoena') return [...CIVIL[policy.compel.civilSubpoenaMax]];
  return [...TIERS[processType].data];
}

/** One sentence for the handler: what this process may obtain, with the citation. */
export function guidance(processType: ProcessType, policy: PolicyConfig = defaultPolicy): string {
  if (processType !== 'civil_subpoena') return TIERS[processType].guidance;
  const max = policy.compel.civilSubpoenaMax;
  const what =
    max === 'none' ? 'nothing' : max === 'basic_subscriber' ? 'basic subscriber information' : 'records';
  return `A civil subpoena from a private litigant may obtain ${what} by policy and never content (18 U.S.C. 2702(a), (c)(6)); treat it as the customer's matter.`;
}

/** The channels through which a foreign authority may obtain content (18 U.S.C. 2702(b)(9), 3512). */
export const FOREIGN_CONTENT_CHANNELS: readonly Channel[] = [
  'mlat',
  'letter_rogatory',
  'executive_agreement',
];

/** Whether a 2523 executive agreement with `country` was in force at `at`. */
export function executiveAgreementInForce(
  country: string,
  at: Date,
  policy: PolicyConfig = defaultPolicy,
): boolean {
  const since = policy.cloudAct.executiveAgreements[country.toUpperCase()];
  return since !== undefined && at.getTime() >= Date.parse(`${since}T00:00:00Z`);
}

/** Which channels a request from `country` for `dataSought` must come through. */
export function requiredChannel(
  input: { country: string; dataSought: readonly DataSought[]; receivedAt: Date },
  policy: PolicyConfig = defaultPolicy,
): { channels: Channel[]; reason: string } {
  if (input.country.toUpperCase() === 'US') {
    return { channels: ['domestic'], reason: 'A US authority uses domestic process (18 U.S.C. 2703).' };
  }
  if (!input.dataSought.includes('content')) {
    return {
      channels: ['domestic', 'mlat', 'letter_rogatory', 'executive_agreement', 'eu_e_evidence', 'dsa_art_10'],
      reason:
        'Non-content is not barred to a foreign authority (18 U.S.C. 2702(a)(3), (c)(6)); disclosing it directly is a policy choice.',
    };
  }
  const ea = executiveAgreementInForce(input.country, input.receivedAt, policy);
  return {
    channels: ea ? [...FOREIGN_CONTENT_CHANNELS] : ['mlat', 'letter_rogatory'],
    reason: ea
      ? `Content for ${input.country} only via MLAT, letter rogatory (18 U.S.C. 3512) or an order under the 2523 executive agreement (2702(b)(9)).`
      : `Content for ${input.country} only via MLAT or letter rogatory (18 U.S.C. 2702(a), 3512); no 2523 executive agreement was in force for it on that date.`,
  };
}

/** What was (or is about to be) produced, and under which process and channel. */
export interface ProductionCheckInput {
  processType: ProcessType;
  produced: readonly DataSought[];
  /** The agency's country is not US. */
  foreign: boolean;
  channel: Channel;
  emergency: boolean;
  /** Needed to confirm an executive-agreement order; without them such an order is not accepted for content. */
  country?: string;
  receivedAt?: Date;
}

/** What goes beyond the tier or channel, and why. */
export interface ProductionCheck {
  /** Categories produced beyond what the process and channel allow; empty when the production is within. */
  beyond: DataSought[];
  /** One sentence per problem, with the citation. */
  reasons: string[];
  /** Content to a foreign authority in an emergency: 2702(b)(8) does not cover it by its terms [verify]. */
  needsLegalSignOff: boolean;
}

/** Compares what was (or is about to be) produced with the tier and the foreign-channel rules. */
export function checkProduction(
  input: ProductionCheckInput,
  policy: PolicyConfig = defaultPolicy,
): ProductionCheck {
  const allowed = mayCompel(input.processType, policy);
  const beyond = new Set<DataSought>();
  const reasons: string[] = [];
  for (const d of input.produced) {
    if (!allowed.includes(d)) {
      beyond.add(d);
      reasons.push(`${d} is beyond the tier: ${guidance(input.processType, policy)}`);
    }
  }
  let needsLegalSignOff = false;
  if (input.foreign && input.produced.includes('content')) {
    const viaChannel =
      input.channel === 'executive_agreement'
        ? input.country !== undefined &&
          input.receivedAt !== undefined &&
          executiveAgreementInForce(input.country, input.receivedAt, policy)
        : FOREIGN_CONTENT_CHANNELS.includes(input.channel);
    if (!viaChannel) {
      beyond.add('content');
      reasons.push(
        input.channel === 'executive_agreement'
          ? 'content by executive-agreement order needs an agreement in force for that country on that date (18 U.S.C. 2523, 2702(b)(9)).'
          : 'content to a foreign authority only via MLAT, letter rogatory or an executive agreement (18 U.S.C. 2702(a), (b)(9), 3512).',
      );
      if (input.emergency) {
        needsLegalSignOff = true;
        reasons.push(
          'a foreign emergency request for content needs legal sign-off: 2702(b)(8) covers only a US governmental entity (2711(4)).',
        );
      }
    }
  }
  return { beyond: [...beyond], reasons, needsLegalSignOff };
}
