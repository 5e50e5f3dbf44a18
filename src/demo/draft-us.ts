import type { Outcome, ProcessType } from '../domain/vocabulary.ts';
import { US_CIVIL_COURTS, US_FEDERAL, US_REGULATORS } from './agencies.ts';
import { DAY, iso } from './calendar.ts';
import { courtFor, type Draft, EMERGENCY_BASES, type Make, ndo2705b, usAgency } from './draft-parts.ts';
import type { Rng } from './rng.ts';

export function draftUs(rng: Rng, at: number, first2015: boolean, d: Make): Draft {
  const later = !first2015 && at >= Date.UTC(2016, 0, 1);
  const years = (at - Date.UTC(2015, 0, 1)) / (365.25 * DAY);
  const process = rng.weighted<ProcessType>({
    subpoena: 27 - years,
    grand_jury_subpoena: 20,
    court_order: later ? 4 : 10,
    court_order_2703d: later ? 6 : 0,
    search_warrant: 14 + years * 0.8,
    civil_investigative_demand: 2,
    administrative_subpoena: later ? 3 : 0,
    civil_subpoena: later ? 2 : 0,
    emergency_request: 9 + years * 0.4,
    preservation_request: 9,
    takedown_request: 1.5,
    pen_register_order: later && at >= Date.UTC(2017, 0, 1) ? 1 : 0,
    wiretap_order: later && at >= Date.UTC(2019, 0, 1) ? 0.3 : 0,
  });
  const agency = usAgency(rng);
  const court = courtFor(rng, agency);
  const produced = (p: number): Outcome =>
    rng.weighted<Outcome>({
      non_content_produced: p,
      rejected: 12,
      withdrawn_after_notice_policy: 6,
      no_data: 8,
    });
  const maybeNdo = (p: number) => (rng.chance(p) ? ndo2705b(rng, at, court) : undefined);

  switch (process) {
    case 'subpoena':
    case 'grand_jury_subpoena':
    case 'administrative_subpoena': {
      const admin: Record<string, string> = {
        'Drug Enforcement Administration': '21 U.S.C. 876',
        'Homeland Security Investigations': '19 U.S.C. 1509',
        'IRS Criminal Investigation': '26 U.S.C. 7602',
      };
      const a = process === 'administrative_subpoena' ? rng.pick(US_FEDERAL.slice(1, 5)) : agency;
      return d({
        agency: a,
        issuer: process === 'grand_jury_subpoena' ? `Grand jury, ${court}` : a.name,
        process,
        legal:
          process === 'administrative_subpoena'
            ? (admin[a.name] ?? '18 U.S.C. 2703(c)(2)')
            : '18 U.S.C. 2703(c)(2)',
        dataSought: ['basic_subscriber'],
        responseDays: rng.int(4, 25),
        outcome: produced(70),
        ndo: maybeNdo(process === 'grand_jury_subpoena' ? 0.3 : 0.12),
      });
    }
    case 'court_order':
    case 'court_order_2703d':
    case 'pen_register_order':
      return d({
        agency,
        issuer: court,
        process,
        legal: process === 'pen_register_order' ? '18 U.S.C. 3123' : '18 U.S.C. 2703(d)',
        dataSought: process === 'pen_register_order' ? ['non_content'] : ['basic_subscriber', 'non_content'],
        responseDays: rng.int(3, 20),
        outcome: rng.weighted<Outcome>({
          non_content_produced: 78,
          rejected: 8,
          no_data: 9,
          withdrawn_after_notice_policy: 3,
        }),
        ndo: maybeNdo(process === 'pen_register_order' ? 0.6 : 0.3),
      });
    case 'search_warrant':
    case 'wiretap_order':
      return d({
        agency,
        issuer: court,
        process,
        legal: process === 'wiretap_order' ? '18 U.S.C. 2518' : '18 U.S.C. 2703(a), (b)(1)(A)',
        // A wiretap intercepts communications and their call-identifying data; it asks for no stored records.
        dataSought:
          process === 'wiretap_order'
            ? ['non_content', 'content']
            : ['basic_subscriber', 'non_content', 'content'],
        responseDays: rng.int(3, 20),
        outcome: rng.weighted<Outcome>({
          content_produced: 72,
          non_content_produced: 8,
          rejected: 8,
          no_data: 12,
        }),
        ndo:
          process === 'wiretap_order'
            ? {
                authority: 'other',
                issuing_court: court,
                issued_at: iso(at - DAY),
                expires_at: iso(at + 120 * DAY),
              }
            : maybeNdo(0.35),
      });
    case 'civil_investigative_demand': {
      const regulator = rng.pick(US_REGULATORS);
      return d({
        agency: regulator,
        issuer: regulator.name,
        process,
        legal: regulator.level === 'federal' ? '15 U.S.C. 57b-1' : 'State consumer-protection statute',
        caseClass: 'regulatory',
        dataSought: ['basic_subscriber'],
        responseDays: rng.int(10, 30),
        outcome: rng.weighted<Outcome>({
          non_content_produced: 70,
          withdrawn_after_notice_policy: 15,
          rejected: 15,
        }),
      });
    }
    case 'civil_subpoena':
      return d({
        agency: rng.pick(US_CIVIL_COURTS),
        issuer: 'Counsel for a party to a civil action',
        requesterClass: 'civil_litigant',
        process,
        legal: 'Fed. R. Civ. P. 45',
        caseClass: 'civil',
        dataSought: rng.chance(0.3) ? ['basic_subscriber', 'content'] : ['basic_subscriber'],
        responseDays: rng.int(10, 30),
        outcome: rng.weighted<Outcome>({
          withdrawn_after_notice_policy: 35,
          rejected: 35,
          non_content_produced: 30,
        }),
      });
    case 'emergency_request':
      return d({
        agency,
        issuer: agency.name,
        process,
        legal: '18 U.S.C. 2702(b)(8), (c)(4)',
        emergencyBasis: rng.pick(EMERGENCY_BASES),
        dataSought: ['basic_subscriber', 'non_content'],
        responseDays: rng.int(1, 12) / 24,
        outcome: rng.weighted<Outcome>({ non_content_produced: 75, no_data: 10, rejected: 15 }),
        notes: rng.chance(0.5)
          ? 'Verified by call-back to the agency number listed in its public directory.'
          : undefined,
      });
    case 'preservation_request':
      return d({
        agency,
        issuer: agency.name,
        process,
        legal: '18 U.S.C. 2703(f)',
        demand: 'preserve',
        dataSought: ['basic_subscriber', 'non_content', 'content'],
        responseDays: rng.int(4, 48) / 24,
        outcome: rng.chance(0.9) ? 'preserved' : 'no_data',
      });
    default: {
      // takedown_request
      const regulator = rng.chance(0.5) ? rng.pick(US_REGULATORS) : agency;
      const account = rng.chance(0.2);
      return d({
        agency: regulator,
        issuer: regulator.name,
        process: 'takedown_request',
        legal: regulator.kind === 'regulator' ? 'Consumer-protection law (unlawful SMS campaign)' : undefined,
        caseClass: regulator.kind === 'regulator' ? 'regulatory' : 'criminal',
        demand: account ? 'restrict_account' : 'restrict_content',
        dataSought: [],
        items: account ? undefined : rng.int(1, 25),
        responseDays: rng.int(1, 10),
        outcome: rng.weighted<Outcome>({ content_restricted: 70, no_action: 20, rejected: 10 }),
        slots: 1,
      });
    }
  }
}
