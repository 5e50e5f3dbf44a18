import type { ValidRequest } from '../domain/request-input.ts';
import type { DataSought, DsaCategory, Outcome, ProcessType } from '../domain/vocabulary.ts';
import { type Agency, EU, EU_REGULATORS, type Foreign, FOREIGN, RARE_DSA_CATEGORIES } from './agencies.ts';
import { AU_AGREEMENT, DAY, DSA_APPLIES, E_EVIDENCE_APPLIES, iso, UK_AGREEMENT } from './calendar.ts';
import { type Draft, EMERGENCY_BASES, type Make, NDO_GROUNDS } from './draft-parts.ts';
import type { Rng } from './rng.ts';

export function draftForeign(rng: Rng, country: string, at: number, d: Make): Draft {
  const info = FOREIGN[country] as Foreign;
  const agency = rng.pick(info.agencies);
  const inEu = EU.includes(country);
  const agreement =
    (country === 'GB' && at >= UK_AGREEMENT) || (country === 'AU' && at >= AU_AGREEMENT)
      ? rng.chance(0.45)
      : false;

  if (inEu && at >= E_EVIDENCE_APPLIES && country !== 'DK' && rng.chance(0.3)) {
    const preserve = rng.chance(0.25);
    return d({
      agency,
      issuer: `${agency.name} (issuing authority)`,
      channel: 'eu_e_evidence',
      process: preserve ? 'preservation_request' : 'other',
      legal: preserve
        ? 'Regulation (EU) 2023/1543, Art. 6 (European Preservation Order)'
        : 'Regulation (EU) 2023/1543, Art. 5 (European Production Order)',
      demand: preserve ? 'preserve' : 'disclose',
      dataSought: preserve
        ? ['basic_subscriber', 'non_content', 'content']
        : // An EPOC reaches subscriber data here until e-Evidence tiers are modelled (policy tier of `other`).
          rng.pick([['basic_subscriber'], ['basic_subscriber']] as DataSought[][]),
      ackHours: rng.int(0, 20),
      effectHours: preserve ? rng.int(1, 24) : rng.int(24, 230),
      responseDays: 0,
      outcome: preserve
        ? 'preserved'
        : rng.weighted<Outcome>({ non_content_produced: 70, no_data: 15, rejected: 15 }),
      ndo: rng.chance(0.15) ? foreignNdo(rng, at) : undefined,
    });
  }
  if (inEu && at >= DSA_APPLIES && rng.chance(0.45)) {
    const art9 = rng.chance(0.55);
    const authority = EU_REGULATORS[country] && rng.chance(0.4) ? (EU_REGULATORS[country] as Agency) : agency;
    const category = rng.chance(0.08)
      ? rng.pick(RARE_DSA_CATEGORIES)
      : rng.weighted<DsaCategory>({
          STATEMENT_CATEGORY_SCAMS_AND_FRAUD: 35,
          STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH: 14,
          STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS: 9,
          STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY: 9,
          STATEMENT_CATEGORY_PROTECTION_OF_MINORS: 8,
          STATEMENT_CATEGORY_CYBER_VIOLENCE: 7,
          STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS: 5,
          STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS: 4,
          STATEMENT_CATEGORY_NOT_SPECIFIED_ORDER: 6,
        });
    return d({
      agency: authority,
      issuer: authority.name,
      channel: art9 ? 'dsa_art_9' : 'dsa_art_10',
      process: art9 ? 'takedown_request' : authority.kind === 'regulator' ? 'other' : 'police_force_order',
      legal: `Regulation (EU) 2022/2065, Art. ${art9 ? 9 : 10}`,
      caseClass: authority.kind === 'regulator' ? 'regulatory' : 'criminal',
      demand: art9 ? 'restrict_content' : 'disclose',
      dataSought: art9 ? [] : ['basic_subscriber'],
      items: art9 ? rng.int(1, 12) : undefined,
      dsaCategory: category,
      // Most orders are acknowledged automatically within the hour (reported as 0 hours).
      ackHours: rng.chance(0.6) ? rng.next() * 0.9 : rng.int(1, 12),
      effectHours: rng.int(2, 96),
      responseDays: 0,
      outcome: art9
        ? rng.weighted<Outcome>({ content_restricted: 80, no_action: 12, rejected: 8 })
        : rng.weighted<Outcome>({ non_content_produced: 75, no_data: 15, rejected: 10 }),
      ...(art9 ? { slots: 1 } : {}),
    });
  }
  if (agreement) {
    const gb = country === 'GB';
    return d({
      agency,
      issuer: gb ? 'Crown Court at Southwark' : 'Issuing authority under Schedule 1 (AU)',
      channel: 'executive_agreement',
      process: 'court_order',
      legal: gb
        ? 'Crime (Overseas Production Orders) Act 2019; US-UK Data Access Agreement'
        : 'Telecommunications (Interception and Access) Act 1979, Sch. 1; AU-US CLOUD Act Agreement',
      dataSought: ['basic_subscriber', 'non_content', 'content'],
      responseDays: rng.int(5, 25),
      outcome: rng.weighted<Outcome>({
        content_produced: 60,
        non_content_produced: 20,
        no_data: 10,
        rejected: 10,
      }),
      ndo: rng.chance(0.3) ? foreignNdo(rng, at) : undefined,
    });
  }
  const process = rng.weighted<ProcessType>({
    police_force_order: 62,
    mlat_request: 13,
    preservation_request: 12,
    emergency_request: 10,
    takedown_request: 3,
  });
  switch (process) {
    case 'mlat_request': {
      // Recorded as the US process DOJ served under 18 U.S.C. 3512, so its own tier applies: a warrant for
      // content, a 2703(d) order for records. (The draws keep their order, so other rows stay as they were.)
      const responseDays = rng.int(20, 90);
      const outcome = rng.weighted<Outcome>({
        content_produced: 70,
        non_content_produced: 15,
        no_data: 10,
        rejected: 5,
      });
      const warrant = outcome !== 'non_content_produced';
      // 2015-H1 as Twilio published it: "MLAT" rows, the served process not recorded (a history override).
      const asPublished = at < Date.UTC(2015, 6, 1);
      return d({
        agency,
        issuer: 'U.S. District Court for the District of Columbia (18 U.S.C. 3512)',
        channel: 'mlat',
        process: asPublished ? 'mlat_request' : warrant ? 'search_warrant' : 'court_order_2703d',
        legal: `18 U.S.C. 3512; mutual legal assistance request from ${country}`,
        dataSought: warrant
          ? ['basic_subscriber', 'non_content', 'content']
          : ['basic_subscriber', 'non_content'],
        responseDays,
        outcome,
        ndo: rng.chance(0.2) ? foreignNdo(rng, at) : undefined,
      });
    }
    case 'preservation_request':
      return d({
        agency,
        issuer: agency.name,
        process,
        legal: 'Budapest Convention, Art. 29 (expedited preservation)',
        demand: 'preserve',
        dataSought: ['basic_subscriber', 'non_content', 'content'],
        responseDays: rng.int(4, 72) / 24,
        outcome: rng.chance(0.9) ? 'preserved' : 'no_data',
      });
    case 'emergency_request':
      return d({
        agency,
        issuer: agency.name,
        process,
        emergencyBasis: rng.pick(EMERGENCY_BASES),
        dataSought: ['basic_subscriber', 'non_content'],
        responseDays: rng.int(1, 18) / 24,
        // Non-content may go abroad (18 U.S.C. 2702(c)(6)); content may not.
        outcome: rng.weighted<Outcome>({ non_content_produced: 70, no_data: 12, rejected: 18 }),
      });
    case 'takedown_request':
      return d({
        agency,
        issuer: agency.name,
        process,
        legal: info.law,
        demand: 'restrict_content',
        dataSought: [],
        items: rng.int(1, 10),
        responseDays: rng.int(1, 10),
        outcome: rng.weighted<Outcome>({ content_restricted: 55, no_action: 30, rejected: 15 }),
        slots: 1,
      });
    default:
      return d({
        agency,
        issuer: agency.name,
        process: 'police_force_order',
        legal: info.law,
        // A direct foreign order may ask for more; it gets basic subscriber information at most (the policy tier).
        dataSought: rng.chance(0.6) ? ['basic_subscriber'] : ['basic_subscriber', 'content'],
        responseDays: rng.int(5, 30),
        // Content only through MLAT or an executive agreement: a direct foreign order gets non-content at most.
        outcome: rng.weighted<Outcome>({
          non_content_produced: 45,
          rejected: 35,
          no_data: 10,
          withdrawn_after_notice_policy: 10,
        }),
        ndo: rng.chance(0.08) ? foreignNdo(rng, at) : undefined,
      });
  }
}

export function foreignNdo(rng: Rng, at: number): NonNullable<ValidRequest['ndo']> {
  const issued = at - rng.int(1, 7) * DAY;
  return {
    authority: 'foreign',
    issued_at: iso(issued),
    expires_at: rng.chance(0.3) ? null : iso(issued + rng.pick([180, 365, 730]) * DAY),
    ground: rng.weighted(NDO_GROUNDS),
  };
}
