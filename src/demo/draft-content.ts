import { dsaKeywordsOf, DSA_KEYWORD_OTHER } from '../domain/dsa-keywords.ts';
import { requestInput, type ValidRequest } from '../domain/request-input.ts';
import type { AgencyKind, AgencyLevel, RestrictionBasis } from '../domain/vocabulary.ts';
import type { Rng } from './rng.ts';

/**
 * The demo's content-demand facts (issues 16.1, 19.8), drawn from a stream of their own (as draft-process.ts
 * and draft-foreign-ns.ts), so every other request and figure of the demo is the same as before they were
 * generated: what each demand to restrict cites (mostly a local law, sometimes only the provider's terms),
 * the DSA sub-category of every DSA order whose category has them, and the odd takedown from a ministry or a
 * parliament rather than the police or a regulator.
 */

/** What a restriction demand from this country typically cites, when it cites a local law. */
const LOCAL_LAWS: Readonly<Record<string, readonly string[]>> = {
  DE: ['Netzwerkdurchsetzungsgesetz § 3', 'Strafgesetzbuch § 130', 'Strafgesetzbuch § 186'],
  FR: ['Loi n° 2004-575 (LCEN), art. 6-1', 'Code pénal, art. 421-2-5'],
  GB: ['Online Safety Act 2023', 'Terrorism Act 2006, s. 3'],
  IN: ['Information Technology Act 2000, s. 69A'],
  BR: ['Marco Civil da Internet (Lei 12.965/2014), art. 19'],
  US: ['18 U.S.C. 1343 (wire fraud)', '47 U.S.C. 227 (TCPA)'],
  AT: ['Kommunikationsplattformen-Gesetz'],
  IT: ['Decreto legislativo 70/2003, art. 16'],
};

/** Real executive and legislative bodies that ask platforms to remove content (issue 16.1's state actors). */
const STATE_ACTORS: Readonly<
  Record<string, ReadonlyArray<{ name: string; kind: AgencyKind; level: AgencyLevel; subdivision?: string }>>
> = {
  IN: [{ name: 'Ministry of Electronics and Information Technology', kind: 'executive', level: 'national' }],
  BR: [
    { name: 'Senado Federal (Comissão Parlamentar de Inquérito)', kind: 'legislature', level: 'national' },
  ],
  GB: [
    { name: 'Department for Science, Innovation and Technology', kind: 'executive', level: 'national' },
    {
      name: 'House of Commons Digital, Culture, Media and Sport Committee',
      kind: 'legislature',
      level: 'national',
    },
  ],
  DE: [{ name: 'Bundesministerium des Innern und für Heimat', kind: 'executive', level: 'national' }],
  US: [
    { name: 'Office of the Governor of California', kind: 'executive', level: 'state', subdivision: 'US-CA' },
    {
      name: 'U.S. House of Representatives, Committee on Homeland Security',
      kind: 'legislature',
      level: 'federal',
    },
  ],
};

/** What a DSA order's sub-category "Other" held, as a handler would describe it. */
const OTHER_DESCRIPTIONS = [
  'Insult of a public official',
  'Unlicensed gambling offer',
  'Sale of counterfeit medicines',
  'Unauthorised use of a national emblem',
];

/** One request with its content-demand facts drawn; every other fact is left as it was. */
export function contentFacts(rng: Rng, r: ValidRequest): ValidRequest {
  const restriction =
    r.process_type === 'takedown_request' ||
    r.demand_kind === 'restrict_content' ||
    r.demand_kind === 'restrict_account';
  const keywords = r.dsa_category ? dsaKeywordsOf(r.dsa_category) : [];
  if (!restriction && keywords.length === 0) return r;
  const out: Record<string, unknown> = { ...r };
  if (restriction) {
    // DSA Art. 9 orders cite the national law the content breaks; other demands now and then only the terms.
    const dsa = r.channel === 'dsa_art_9';
    const basis = rng.weighted<RestrictionBasis>(
      dsa ? { local_law: 92, not_stated: 8 } : { local_law: 55, provider_terms: 30, not_stated: 15 },
    );
    out.restriction_basis = basis;
    const laws = LOCAL_LAWS[r.agency.country];
    if (basis === 'local_law' && laws && rng.chance(0.8)) out.restriction_law = rng.pick(laws);
    const actors = STATE_ACTORS[r.agency.country];
    // A ministry or parliament: informal demands outside the DSA orders only (those come from courts and
    // regulators).
    if (!dsa && r.process_type === 'takedown_request' && actors && rng.chance(0.12)) {
      const actor = rng.pick(actors);
      out.agency = { ...actor, country: r.agency.country };
      out.issuer = actor.name;
      out.case_class = 'regulatory';
    }
  }
  if (keywords.length > 0) {
    // Sub-categories by their rough share in the DSA database: the named ones mostly, "Other" now and then.
    const named = keywords.filter((k) => k !== DSA_KEYWORD_OTHER);
    const other = named.length === 0 || rng.chance(0.12);
    out.dsa_keyword = other ? DSA_KEYWORD_OTHER : rng.pick(named);
    if (other) out.dsa_keyword_other = rng.pick(OTHER_DESCRIPTIONS);
  }
  // Checked by the shared schema, but returned as drawn: the request keeps its keys in their order.
  requestInput.parse(out);
  return out as ValidRequest;
}
