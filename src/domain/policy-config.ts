import { z } from 'zod';
import {
  DOCUMENT_KINDS,
  OUTCOMES,
  PROCESS_TYPES,
  type DocumentKind,
  type ProcessType,
} from './vocabulary.ts';

/**
 * Every configurable number of the policy engine, with its default. The rules DOMAIN.md marks [verify] live
 * here rather than in code, so a legal team can change them without a release. Durations are whole days or
 * hours, applied to UTC instants by `addDays` / `addHours` below (UTC has no DST, so a day is 24 hours).
 */

const days = (d: number) => z.number().int().min(0).max(36_500).default(d);
const hours = (h: number) => z.number().int().min(0).max(8_760).default(h);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date such as 2022-10-03');

/**
 * Days to respond, by process type; null = no deadline applies. These are internal targets: the statutes set
 * none for stored records, the process itself usually names a return date (which the handler records instead).
 */
const RESPONSE_DAYS: Record<ProcessType, number | null> = {
  civil_investigative_demand: 14,
  court_order: 14,
  court_order_2703d: 14,
  grand_jury_subpoena: 14,
  subpoena: 14,
  administrative_subpoena: 14,
  civil_subpoena: 14,
  // Fed. R. Crim. P. 41(e)(2)(A) gives the agent 14 days to execute; answering in 10 leaves room to return it.
  search_warrant: 10,
  // Prospective orders take effect "forthwith" (18 U.S.C. 2518(4), 3124(a)-(b); 50 U.S.C. 1805(c)(2)(B)).
  wiretap_order: 1,
  pen_register_order: 1,
  fisa_content_order: 1,
  fisa_non_content_order: 14,
  police_force_order: 14,
  foreign_national_security_order: 14,
  // Emergency requests use `emergencyHours`; the type alone sets no deadline.
  emergency_request: null,
  // 2703(f)(1): "shall take all necessary steps to preserve"; one day to put the hold in place.
  preservation_request: 1,
  takedown_request: 7,
  national_security_letter: 14,
  mlat_request: 14,
  other: null,
};

/**
 * Days a document is kept after its request closed, by kind; null = without limit. Productions are copies
 * of customer data, kept long enough to answer questions about them; the process and the correspondence
 * are the record of why data was given.
 */
const RETENTION_DAYS: Record<DocumentKind, number | null> = {
  legal_process: 7 * 365,
  correspondence: 7 * 365,
  production: 2 * 365,
  certificate: 7 * 365,
  other: 7 * 365,
};

/** Outcomes after which the customer is owed notice: something of theirs was disclosed or acted on. */
const NOTIFY_OUTCOMES = ['non_content_produced', 'content_produced', 'content_restricted'] as const;

/** The policy schema; every field has a default, so `{}` parses to a working policy. */
export const policyConfig = z.strictObject({
  preservation: z
    .strictObject({
      /** 18 U.S.C. 2703(f)(2): "for a period of 90 days" [verify]. */
      days: days(90),
      /** 2703(f)(2): "extended for an additional 90-day period upon a renewed request" [verify]. */
      extensionDays: days(90),
      /** The statute names one renewal and no second one. */
      maxExtensions: z.number().int().min(0).max(10).default(1),
      /** How long before a hold expires the legal team is reminded. */
      reminderLeadDays: days(14),
      /**
       * A foreign authority is not a "governmental entity" (2711(4)), so its preservation request is not a
       * 2703(f) request: 'honour' preserves voluntarily on the 2703(f) terms above, 'refuse' declines.
       */
      foreign: z.enum(['honour', 'refuse']).default('honour'),
    })
    .prefault({}),
  euPreservation: z
    .strictObject({
      /** Regulation (EU) 2023/1543 Art. 11(1): the duty ends after 60 days unless production is confirmed. */
      days: days(60),
      /** Art. 11(1): the issuing authority may extend once, by 30 days, within that period. */
      extensionDays: days(30),
      maxExtensions: z.number().int().min(0).max(10).default(1),
    })
    .prefault({}),
  emergency: z
    .strictObject({
      /** Customer notice waits "only until the emergency has passed"; this is the longest it waits [verify]. */
      noticeDelayDays: days(90),
      /** Days after an emergency disclosure by which the follow-up legal process should arrive. */
      followUpDays: days(30),
    })
    .prefault({}),
  ndo: z
    .strictObject({
      /** Review an indefinite 2705(b) (or other) order this often, and ask the government to justify it. */
      reviewIntervalDays: days(365),
      /** NSL (18 U.S.C. 2709(c)) and FISA gags: the FBI's termination procedures review at 3 years. */
      nationalSecurityReviewDays: days(1095),
      /** DOJ policy (Rosenstein memo, 19 Oct 2017): prosecutors seek delays of one year or less. */
      dojPolicyMaxDays: days(365),
    })
    .prefault({}),
  response: z
    .strictObject({
      byProcessType: z
        .partialRecord(z.enum(PROCESS_TYPES), z.number().int().min(0).max(36_500).nullable())
        .default({})
        .transform((over) => ({ ...RESPONSE_DAYS, ...over })),
      /** US emergency requests: voluntary (2702(b)(8)) so no legal deadline; an internal target. */
      emergencyHours: hours(8),
      /** EPOC: transmit "at the latest within 10 days" (Regulation (EU) 2023/1543 Art. 10(3)). */
      euEvidenceDays: days(10),
      /** EPOC in an emergency: "at the latest within 8 hours" (Art. 10(4)). */
      euEvidenceEmergencyHours: hours(8),
      /** DSA Art. 9(1) / 10(1): "without undue delay"; internal targets, as the Regulation names no number. */
      dsaArt9Hours: hours(24),
      dsaArt10Hours: hours(72),
    })
    .prefault({}),
  notice: z
    .strictObject({
      notifyOutcomes: z.array(z.enum(OUTCOMES)).default([...NOTIFY_OUTCOMES]),
      /** No notice for these types: a hold is not a disclosure (2703(f)); notice follows the process after it. */
      exemptProcessTypes: z.array(z.enum(PROCESS_TYPES)).default(['preservation_request']),
      /**
       * A before-disclosure notice tells the customer to act (seek advice, move to quash) by the response
       * deadline less this many days ({{act_by}} in the template), so a filing can reach us before we produce.
       */
      actByDaysBeforeProduction: days(3),
    })
    .prefault({}),
  compel: z
    .strictObject({
      /**
       * The most a civil subpoena from a private litigant may obtain. Content never (2702(a) has no exception
       * for it); records may lawfully go to a non-governmental person (2702(c)(6)), which is a policy choice.
       */
      civilSubpoenaMax: z.enum(['none', 'basic_subscriber', 'non_content']).default('basic_subscriber'),
    })
    .prefault({}),
  jurisdiction: z
    .strictObject({
      /**
       * The law the provider answers to. 'us_sca': a provider of an electronic communication or remote
       * computing service to the public, subject to the Stored Communications Act: its 2702 bars bind and no
       * role may override them. 'other': a provider established elsewhere; the same limits then apply as its
       * own policy, which an approver may override in writing (docs/workflow.md).
       */
      subjectTo: z.enum(['us_sca', 'other']).default('us_sca'),
    })
    .prefault({}),
  reminders: z
    .strictObject({
      /** A reminder goes this long before a deadline (and a digest lists what falls due within it). */
      nearHours: hours(48),
      /** A reminder that a deadline passed goes only this soon after it; older items are in the digest. */
      lateWithinHours: hours(168),
      /** Daily digests go from this hour (UTC) on. */
      digestHourUtc: z.number().int().min(0).max(23).default(7),
    })
    .prefault({}),
  signOff: z
    .strictObject({
      /** Process types on which data is produced only after an attorney's sign-off (approval `legal_sign_off`). */
      requiredFor: z.array(z.enum(PROCESS_TYPES)).default([]),
    })
    .prefault({}),
  cloudAct: z
    .strictObject({
      /** 18 U.S.C. 2703(h)(2): a motion to quash or modify is filed "not later than 14 days" after service. */
      motionToQuashDays: days(14),
      /** 18 U.S.C. 2523 executive agreements: country -> date in force (UK per DOJ; AU per joint statement). */
      executiveAgreements: z.record(z.string().regex(/^[A-Z]{2}$/), isoDate).default({
        GB: '2022-10-03',
        AU: '2024-01-31',
      }),
    })
    .prefault({}),
  documents: z
    .strictObject({
      retentionDays: z
        .partialRecord(z.enum(DOCUMENT_KINDS), z.number().int().min(0).max(36_500).nullable())
        .default({})
        .transform((over) => ({ ...RETENTION_DAYS, ...over })),
    })
    .prefault({}),
});

/** The parsed, complete policy: every rule has a value. */
export type PolicyConfig = z.output<typeof policyConfig>;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') Object.values(value).forEach(deepFreeze);
  return Object.freeze(value);
}

/** The policy with every default, as used when nothing is configured; frozen, as it is shared. */
export const defaultPolicy: PolicyConfig = deepFreeze(policyConfig.parse({}));

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** `at` plus whole days (UTC instants: a day is always 24 hours). */
export const addDays = (at: Date, n: number): Date => new Date(at.getTime() + n * DAY_MS);

/** `at` plus whole hours. */
export const addHours = (at: Date, n: number): Date => new Date(at.getTime() + n * HOUR_MS);
