import { z } from 'zod';
import {
  ACCESS_MODES,
  AGENCY_KINDS,
  AGENCY_LEVELS,
  CASE_CLASSES,
  CHANNELS,
  DATA_SOUGHT,
  DELIVERY_METHODS,
  DEMAND_KINDS,
  DSA_CATEGORIES,
  ACCOUNT_RESULTS,
  IDENTIFIER_KINDS,
  NDO_AUTHORITIES,
  NOTICE_STATUSES,
  OUTCOMES,
  PROCESS_TYPES,
  REQUESTER_CLASSES,
  NDO_GROUNDS,
  RESTRICTION_BASES,
} from './vocabulary.ts';
import { DSA_KEYWORD_OTHER, dsaKeywordsOf } from './dsa-keywords.ts';
import { TAKEDOWN_DEMANDS } from './report-sections.ts';
import { cleanString, INT4_MAX, instant, versionNumber } from './primitives.ts';
import { alwaysRestricted } from './restricted.ts';
import { courtChallengeInput } from './court-challenge.ts';
import { processRules } from './request-process.ts';

/**
 * The one schema every intake door shares: `candor request add`, `POST /api/v1/requests` and the importer
 * (which first turns a CSV / JSON Lines row into this shape, see `import-row.ts`).
 */

export { instant };

export const countryCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code such as US or DE');

export const subdivisionCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, 'expected an ISO 3166-2 subdivision code such as US-CA');

const text = (max: number) => cleanString().trim().min(1).max(max);

export const agencyInput = z.strictObject({
  name: text(300),
  kind: z.enum(AGENCY_KINDS),
  level: z.enum(AGENCY_LEVELS),
  country: countryCode,
  subdivision: subdivisionCode.nullish(),
});
export type AgencyInput = z.infer<typeof agencyInput>;

export const identifierInput = z.strictObject({
  value: text(500),
  /** The customer account the identifier belongs to; absent when it matched no account. */
  account: text(200).nullish(),
});

/** What happened to one named account, where it differs from what the outcome implies (a partial preservation). */
export const accountResultInput = z.strictObject({
  account: text(200),
  result: z.enum(ACCOUNT_RESULTS),
});

export const ndoInput = z.strictObject({
  authority: z.enum(NDO_AUTHORITIES).default('sca_2705b'),
  issuing_court: text(300).nullish(),
  issued_at: instant.nullish(),
  /** null = indefinite */
  expires_at: instant.nullable(),
  ground: z.enum(NDO_GROUNDS).nullish(),
});
export type NdoInput = z.infer<typeof ndoInput>;

/** The fields of a request, without the rules that relate them (see `requestInput`). */
export const requestFields = z.strictObject({
  external_ref: text(200),
  received_at: instant,
  delivered_via: z.enum(DELIVERY_METHODS).nullish(),
  agency: agencyInput,
  issuer: text(300).nullish(),
  requester_class: z.enum(REQUESTER_CLASSES).default('government'),
  channel: z.enum(CHANNELS).default('domestic'),
  process_type: z.enum(PROCESS_TYPES),
  legal_authority: text(500).nullish(),
  case_class: z.enum(CASE_CLASSES).nullish(),
  emergency: z.boolean().default(false),
  emergency_basis: text(4000).nullish(),
  demand_kind: z.enum(DEMAND_KINDS).nullish(),
  data_sought: z.array(z.enum(DATA_SOUGHT)).max(3).default([]),
  /** Account identifiers the request names (each names one account). */
  accounts: z.array(text(200)).max(10_000).default([]),
  /** Further identifiers (phone numbers, e-mail, IP, URL), each optionally resolved to an account. */
  identifiers: z.array(identifierInput).max(10_000).default([]),
  /** The kind of identifier the request specifies (for several kinds, the one it is about); absent = not recorded. */
  identifier_kind: z.enum(IDENTIFIER_KINDS).nullish(),
  /**
   * Per-account results, for accounts whose result is not the one the outcome implies (two accounts
   * preserved of three named). Each names an account of `accounts` or of an identifier, once.
   */
  account_results: z.array(accountResultInput).max(10_000).optional(),
  items_of_information: z.number().int().min(0).max(INT4_MAX).nullish(),
  dsa_category: z.enum(DSA_CATEGORIES).nullish(),
  /** The DSA sub-category (KEYWORD_*) of `dsa_category` the order names; absent = not recorded. */
  dsa_keyword: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^KEYWORD_[A-Z_]+$/, 'expected a DSA sub-category such as KEYWORD_HATE_SPEECH')
    .nullish(),
  /** For KEYWORD_OTHER: what the sub-category "Other" holds (published in the DSA files, as the template asks). */
  dsa_keyword_other: text(200).nullish(),
  /** What a demand to restrict content or an account cites: a local law, the provider's terms, or neither. */
  restriction_basis: z.enum(RESTRICTION_BASES).nullish(),
  /** The law a restriction demand cites, for staff (never published: reports count the basis only). */
  restriction_law: text(500).nullish(),
  acknowledged_at: instant.nullish(),
  effect_given_at: instant.nullish(),
  outcome: z.enum(OUTCOMES).nullish(),
  responded_at: instant.nullish(),
  notice_status: z.enum(NOTICE_STATUSES).nullish(),
  ndo: ndoInput.nullish(),
  /** Stored records or real-time collection (issue 16.2); absent = not recorded (prospective for wiretaps). */
  access_mode: z.enum(ACCESS_MODES).nullish(),
  /** History: the court challenge of the request as it stood (the workflow records later steps). */
  court_challenge: courtChallengeInput.nullish(),
  data_location: countryCode.nullish(),
  /** The targeted customer is a US person or located in the US (18 U.S.C. 2523(b)(4), 2703(h)(2)). */
  target_us_person: z.boolean().nullish(),
  notes: cleanString().max(20_000).nullish(),
  /**
   * A restricted matter (docs/workflow.md): seen only by users with the restricted-matters grant. Absent =
   * restricted for national-security process, not restricted otherwise; national-security process cannot be
   * unrestricted.
   */
  restricted: z.boolean().nullish(),
});

/** A request as every intake door accepts it: the fields and the rules between them. */
export const requestInput = requestFields.superRefine((r, ctx) => {
  processRules(r, ctx);
  // A foreign state's national-security order comes from a foreign authority: a US one's is an NSL or FISA
  // process, and recorded as foreign it would be counted in no table at all (docs/reports.md).
  if (r.process_type === 'foreign_national_security_order' && r.agency.country.toUpperCase() === 'US') {
    ctx.addIssue({
      code: 'custom',
      path: ['process_type'],
      message:
        'a foreign national-security order comes from a foreign authority: for a US agency record the national_security_letter or FISA order it is',
    });
  }
  if (r.responded_at && Date.parse(r.responded_at) < Date.parse(r.received_at)) {
    ctx.addIssue({ code: 'custom', path: ['responded_at'], message: 'must not be before received_at' });
  }
  if (r.responded_at && !r.outcome) {
    ctx.addIssue({ code: 'custom', path: ['outcome'], message: 'required when responded_at is given' });
  }
  if (r.notice_status === 'prohibited_by_order' && !r.ndo) {
    ctx.addIssue({
      code: 'custom',
      path: ['ndo'],
      message: 'a non-disclosure order is required when notice_status is prohibited_by_order',
    });
  }
  if (r.ndo?.expires_at && r.ndo.issued_at && Date.parse(r.ndo.expires_at) < Date.parse(r.ndo.issued_at)) {
    ctx.addIssue({ code: 'custom', path: ['ndo', 'expires_at'], message: 'must not be before issued_at' });
  }
  if (new Set(r.data_sought).size !== r.data_sought.length) {
    ctx.addIssue({ code: 'custom', path: ['data_sought'], message: 'lists a category twice' });
  }
  const named = new Set([...r.accounts, ...r.identifiers.flatMap((i) => (i.account ? [i.account] : []))]);
  const resulted = new Set<string>();
  (r.account_results ?? []).forEach((a, i) => {
    if (!named.has(a.account)) {
      ctx.addIssue({
        code: 'custom',
        path: ['account_results', i],
        message: "names an account the request does not (list it in accounts or as an identifier's account)",
      });
    } else if (resulted.has(a.account)) {
      ctx.addIssue({
        code: 'custom',
        path: ['account_results', i],
        message: 'gives this account a second result',
      });
    }
    resulted.add(a.account);
  });
  if ((r.account_results ?? []).length > 0 && !r.outcome) {
    ctx.addIssue({
      code: 'custom',
      path: ['account_results'],
      message: 'need an outcome (the request is still in process)',
    });
  }
  if (r.restricted === false && alwaysRestricted(r.process_type)) {
    ctx.addIssue({
      code: 'custom',
      path: ['restricted'],
      message: `${r.process_type} is national-security process and is always restricted`,
    });
  }
  contentDemandRules(r, ctx);
  if (r.agency.subdivision && !r.agency.subdivision.startsWith(`${r.agency.country}-`)) {
    ctx.addIssue({
      code: 'custom',
      path: ['agency', 'subdivision'],
      message: `expected a subdivision of ${r.agency.country} (${r.agency.country}-...)`,
    });
  }
});
export type RequestInput = z.input<typeof requestInput>;

/**
 * The facts of a content demand (issue 19.8, 16.1): a DSA keyword belongs to the order's category; its "Other"
 * description goes with KEYWORD_OTHER only; a legal basis is recorded for a demand to restrict only; the law
 * named goes with a local-law basis.
 */
function contentDemandRules(r: z.output<typeof requestFields>, ctx: z.RefinementCtx): void {
  if (r.dsa_keyword) {
    if (!r.dsa_category) {
      ctx.addIssue({
        code: 'custom',
        path: ['dsa_keyword'],
        message: `${r.dsa_keyword} needs a dsa_category (a keyword is a sub-category of one)`,
      });
    } else if (!dsaKeywordsOf(r.dsa_category).includes(r.dsa_keyword)) {
      const allowed = dsaKeywordsOf(r.dsa_category);
      ctx.addIssue({
        code: 'custom',
        path: ['dsa_keyword'],
        message:
          `${r.dsa_keyword} is not a sub-category of ${r.dsa_category}` +
          (allowed.length ? ` (expected one of ${allowed.join(', ')})` : ' (it has none)'),
      });
    }
  }
  if (r.dsa_keyword_other && r.dsa_keyword !== DSA_KEYWORD_OTHER) {
    ctx.addIssue({
      code: 'custom',
      path: ['dsa_keyword_other'],
      message: `describes the sub-category "Other": only with dsa_keyword ${DSA_KEYWORD_OTHER}`,
    });
  }
  const restriction =
    r.process_type === 'takedown_request' || (!!r.demand_kind && TAKEDOWN_DEMANDS.includes(r.demand_kind));
  if (r.restriction_basis && !restriction) {
    ctx.addIssue({
      code: 'custom',
      path: ['restriction_basis'],
      message:
        'is recorded for a demand to restrict content or an account only (process_type takedown_request or demand_kind restrict_content / restrict_account)',
    });
  }
  if (r.restriction_law && r.restriction_basis !== 'local_law') {
    ctx.addIssue({
      code: 'custom',
      path: ['restriction_law'],
      message: 'names the law a demand cites: only with restriction_basis local_law',
    });
  }
}
export type ValidRequest = z.output<typeof requestInput>;

/** A change to a request: any field but the external reference, plus the version the caller read. */
export const requestPatch = requestFields
  .omit({ external_ref: true, ndo: true, court_challenge: true })
  // Without their intake defaults: a field left out of a patch is left alone, never reset to its default
  // (a patch of the notes alone once emptied data sought and the accounts).
  .extend({
    requester_class: requestFields.shape.requester_class.unwrap(),
    channel: requestFields.shape.channel.unwrap(),
    emergency: requestFields.shape.emergency.unwrap(),
    data_sought: requestFields.shape.data_sought.unwrap(),
    accounts: requestFields.shape.accounts.unwrap(),
    identifiers: requestFields.shape.identifiers.unwrap(),
    account_results: requestFields.shape.account_results.unwrap(),
  })
  .partial()
  .extend({ version: versionNumber });
export type RequestPatch = z.infer<typeof requestPatch>;
