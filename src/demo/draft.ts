import { type Agency, US_FEDERAL } from './agencies.ts';
import { DAY, iso } from './calendar.ts';
import { draftForeign } from './draft-foreign.ts';
import { draftForeignNs } from './draft-foreign-ns.ts';
import { delivery, type Draft, type Make, NOTES, type Special } from './draft-parts.ts';
import { draftUs } from './draft-us.ts';
import type { Rng } from './rng.ts';

/** Decides who asks, by which process and for what; targets and timing are filled in by `finish`. */
export function draft(
  rng: Rng,
  country: string,
  at: number,
  special: Special | undefined,
  first2015: boolean,
): Draft {
  const slots = rng.chance(0.8) ? 1 : rng.int(2, 3);
  // Every draft is built with the same properties in the same order (no object spread): this runs once per
  // generated row, and one object shape keeps it fast.
  const d: Make = (f) => {
    const out: Draft = {
      at,
      country,
      agency: f.agency,
      issuer: f.issuer,
      requesterClass: f.requesterClass ?? 'government',
      channel: f.channel ?? 'domestic',
      process: f.process,
      legal: f.legal,
      caseClass: f.caseClass ?? 'criminal',
      emergencyBasis: f.emergencyBasis,
      demand: f.demand ?? 'disclose',
      dataSought: f.dataSought,
      items: f.items,
      dsaCategory: f.dsaCategory,
      ackHours: f.ackHours,
      effectHours: f.effectHours,
      responseDays: f.responseDays,
      outcome: f.outcome,
      ndo: f.ndo,
      delivered: 'email',
      slots: f.outcome === 'no_data' ? 0 : (f.slots ?? slots),
      accountsAssigned: [],
      notes: f.notes,
    };
    out.delivered = delivery(rng, at, out.channel);
    if (!out.notes && rng.chance(0.06)) out.notes = rng.pick(NOTES);
    return out;
  };

  if (special === 'nsl') {
    return d({
      agency: US_FEDERAL[0] as Agency,
      issuer: 'Federal Bureau of Investigation (field office SAC)',
      process: 'national_security_letter',
      legal: '18 U.S.C. 2709',
      caseClass: 'national_security',
      dataSought: ['basic_subscriber'],
      responseDays: rng.int(5, 20),
      outcome: rng.chance(0.85) ? 'non_content_produced' : 'no_data',
      ndo: {
        authority: 'nsl_2709c',
        issued_at: iso(at - rng.int(1, 3) * DAY),
        expires_at: rng.chance(0.8) ? null : iso(at + 3 * 365 * DAY),
      },
    });
  }
  if (special === 'fisa') {
    const content = !first2015 && rng.chance(0.5);
    return d({
      agency: rng.chance(0.7)
        ? (US_FEDERAL[0] as Agency)
        : { name: 'National Security Agency', kind: 'intelligence', level: 'federal' },
      issuer: 'Foreign Intelligence Surveillance Court',
      process: content ? 'fisa_content_order' : 'fisa_non_content_order',
      legal: content ? '50 U.S.C. 1881a' : '50 U.S.C. 1842',
      caseClass: 'national_security',
      dataSought: content ? ['content'] : ['non_content'],
      responseDays: rng.int(3, 15),
      outcome: content ? 'content_produced' : 'non_content_produced',
      ndo: {
        authority: 'fisa',
        issuing_court: 'Foreign Intelligence Surveillance Court',
        issued_at: iso(at - rng.int(1, 10) * DAY),
        expires_at: rng.chance(0.9) ? null : iso(at + 2 * 365 * DAY),
      },
    });
  }
  if (special === 'foreign_ns') return draftForeignNs(rng, at, d);
  return country === 'US' ? draftUs(rng, at, first2015, d) : draftForeign(rng, country, at, d);
}
