/**
 * The closed vocabularies of a request. These exact snake_case values are a public interface: they appear
 * in import files, the API, the database's enums and the published reports. Add a value only together with
 * a migration and a docs change (docs/vocabulary.md).
 */

export const PROCESS_TYPES = [
  'civil_investigative_demand',
  'court_order',
  'court_order_2703d',
  'grand_jury_subpoena',
  'subpoena',
  'administrative_subpoena',
  'civil_subpoena',
  'search_warrant',
  'wiretap_order',
  'pen_register_order',
  'police_force_order',
  'emergency_request',
  'preservation_request',
  'takedown_request',
  'national_security_letter',
  'fisa_content_order',
  'fisa_non_content_order',
  /** A foreign state's national-security order (e.g. a UK Investigatory Powers Act 2016 warrant): not FISA. */
  'foreign_national_security_order',
  'mlat_request',
  'other',
] as const;
export type ProcessType = (typeof PROCESS_TYPES)[number];

/**
 * What happened to one named account of a request (accounts not named get the result the outcome implies).
 * `restricted` limits an account (suspended, content withheld); `deleted` removes it: reports count them apart.
 */
export const ACCOUNT_RESULTS = [
  'produced',
  'preserved',
  'restricted',
  'deleted',
  'no_data',
  'not_produced',
] as const;
export type AccountResult = (typeof ACCOUNT_RESULTS)[number];

/** Empty (null) while the request is in process. */
export const OUTCOMES = [
  'rejected',
  'withdrawn',
  'withdrawn_after_notice_policy',
  'no_data',
  'non_content_produced',
  'content_produced',
  'preserved',
  'content_restricted',
  'no_action',
  // History as a provider published it: answered, but what was done is not known (docs/import-format.md).
  'not_recorded',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const NOTICE_STATUSES = [
  'pending',
  'sent',
  'prohibited_by_order',
  'delayed_emergency',
  'not_possible',
  'not_applicable',
  // History of a closed past period that carries no notice column: never "pending" (docs/import-format.md).
  'not_recorded',
] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

export const DATA_SOUGHT = ['basic_subscriber', 'non_content', 'content'] as const;
export type DataSought = (typeof DATA_SOUGHT)[number];

/**
 * What kind of state actor an agency is. It is also the Santa Clara Principles' "type of state actor" for
 * content demands (a court or judge, or another kind): `executive` is a ministry or government office that is
 * neither police nor regulator, `legislature` a parliament, a member or committee of it.
 */
export const AGENCY_KINDS = [
  'law_enforcement',
  'court',
  'regulator',
  'intelligence',
  'executive',
  'legislature',
  'other',
] as const;
export type AgencyKind = (typeof AGENCY_KINDS)[number];

export const AGENCY_LEVELS = [
  'federal',
  'state',
  'provincial',
  'local',
  'municipal',
  'national',
  'supranational',
  // History whose source did not record the level: reported as such, never as "Other".
  'not_recorded',
] as const;
export type AgencyLevel = (typeof AGENCY_LEVELS)[number];

/** Where the request stands in the legal team's workflow (issue: legal workflow). */
export const REQUEST_STATUSES = [
  'received',
  'in_review',
  'awaiting_information',
  'responded',
  'closed',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** The legal channel a request came through (DOMAIN.md §6, Channel). */
export const CHANNELS = [
  'domestic',
  'mlat',
  'letter_rogatory',
  'executive_agreement',
  'eu_e_evidence',
  'dsa_art_9',
  'dsa_art_10',
  /**
   * A government request made without legal process: a referral, a call, a flagging (issue 16.2). Counted apart
   * from the headline, in its own table (docs/reports.md); which process types it may carry: request-process.ts.
   */
  'informal',
] as const;
export type Channel = (typeof CHANNELS)[number];
/** The channels of legal process: every channel but `informal` (the report's channel tables list these). */
export const LEGAL_CHANNELS = CHANNELS.filter((c) => c !== 'informal') as Array<Exclude<Channel, 'informal'>>;

/**
 * How the data is reached (issue 16.2): records already stored, or collected in real time from now on
 * (prospective: a wiretap, a pen register). Empty (null) = not recorded.
 */
export const ACCESS_MODES = ['stored', 'prospective'] as const;
export type AccessMode = (typeof ACCESS_MODES)[number];

/** How far a court challenge of a request has gone (issue 16.2): a motion filed, then each level of court. */
export const CHALLENGE_STAGES = ['motion_filed', 'first_instance', 'appeal', 'highest_court'] as const;
export type ChallengeStage = (typeof CHALLENGE_STAGES)[number];

/** Where a court challenge stands at its stage; `partly_won` = the court narrowed the demand. */
export const CHALLENGE_RESULTS = ['pending', 'won', 'lost', 'partly_won', 'withdrawn_by_requester'] as const;
export type ChallengeResult = (typeof CHALLENGE_RESULTS)[number];

/**
 * The kind of identifier a request specifies (issue 16.2, 19.6), so a report can count device,
 * financial-identifier and account requests apart as Apple's does. Empty (null) = not recorded.
 */
export const IDENTIFIER_KINDS = [
  'account',
  'email',
  'phone',
  'device',
  'ip_address',
  'financial',
  'push_token',
  'url',
  'other',
] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

export const DELIVERY_METHODS = ['portal', 'email', 'mail', 'fax', 'in_person', 'api'] as const;
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number];

/** Authority of a non-disclosure order (DOMAIN.md §6). */
export const NDO_AUTHORITIES = ['sca_2705b', 'nsl_2709c', 'fisa', 'foreign', 'other'] as const;
export type NdoAuthority = (typeof NDO_AUTHORITIES)[number];

/** DSA illegal-content categories (Implementing Regulation (EU) 2024/2835, Annex I Part 2). */
export const DSA_CATEGORIES = [
  'STATEMENT_CATEGORY_ANIMAL_WELFARE',
  'STATEMENT_CATEGORY_CONSUMER_INFORMATION',
  'STATEMENT_CATEGORY_CYBER_VIOLENCE',
  'STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN',
  'STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS',
  'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
  'STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS',
  'STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS',
  'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
  'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY',
  'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
  'STATEMENT_CATEGORY_SELF_HARM',
  'STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS',
  'STATEMENT_CATEGORY_VIOLENCE',
  'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
  'STATEMENT_CATEGORY_NOT_SPECIFIED_ORDER',
  'STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE',
] as const;
export type DsaCategory = (typeof DSA_CATEGORIES)[number];

/**
 * What a demand to restrict content or an account cites (RDR F6/F8, Santa Clara Principles): a local law, the
 * provider's own terms of service, or neither. Empty (null) = not recorded.
 */
export const RESTRICTION_BASES = ['local_law', 'provider_terms', 'not_stated'] as const;
export type RestrictionBasis = (typeof RESTRICTION_BASES)[number];

export const REQUESTER_CLASSES = ['government', 'civil_litigant'] as const;
export type RequesterClass = (typeof REQUESTER_CLASSES)[number];

export const CASE_CLASSES = ['criminal', 'civil', 'national_security', 'regulatory'] as const;
export type CaseClass = (typeof CASE_CLASSES)[number];

/** What the request asks the provider to do (DOMAIN.md §6, Demand). */
export const DEMAND_KINDS = ['disclose', 'preserve', 'restrict_content', 'restrict_account'] as const;
export type DemandKind = (typeof DEMAND_KINDS)[number];

export const ROLES = ['viewer', 'handler', 'approver', 'publisher', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What a document attached to a request is (issue 14: documents and productions). */
export const DOCUMENT_KINDS = [
  'legal_process',
  'correspondence',
  'production',
  'certificate',
  'other',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** The formats a report is built in (docs/reports.md); `dsa` is the EU DSA template files. */
export const REPORT_FORMATS = ['text', 'md', 'csv', 'json', 'html', 'pdf', 'dsa'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Why an approver approves (docs/workflow.md): an emergency disclosure, or the attorney sign-off a policy asks. */
export const APPROVAL_PURPOSES = ['emergency_disclosure', 'legal_sign_off'] as const;
export type ApprovalPurpose = (typeof APPROVAL_PURPOSES)[number];

/** The ground a non-disclosure order states (18 U.S.C. 2705(b)(1)-(5), or another). */
export const NDO_GROUNDS = [
  'endanger_life',
  'flight',
  'evidence',
  'witnesses',
  'jeopardize',
  'other',
] as const;
export type NdoGround = (typeof NDO_GROUNDS)[number];

/** The legal basis of a hold: US 2703(f), a foreign request honoured by policy, or an EU EPOC-PR. */
export const HOLD_REGIMES = ['sca_2703f', 'foreign', 'eu_epoc_pr'] as const;
export type HoldRegime = (typeof HOLD_REGIMES)[number];

/** Why a hold ended; `expired_without_process` is recorded by Candor itself, the others by a person. */
export const HOLD_RELEASE_REASONS = [
  'expired_without_process',
  'process_received',
  'withdrawn',
  'other',
] as const;
export type HoldReleaseReason = (typeof HOLD_RELEASE_REASONS)[number];
/** The release reasons a person may give. */
export const MANUAL_RELEASE_REASONS = [
  'process_received',
  'withdrawn',
  'other',
] as const satisfies readonly HoldReleaseReason[];

/** Where an emergency call-back number came from. 'request' is the one source that proves nothing. */
export const NUMBER_SOURCES = [
  'agency_directory',
  'official_website',
  'known_contact',
  'request',
  'other',
] as const;
export type NumberSource = (typeof NUMBER_SOURCES)[number];

/** When, relative to the disclosure, a customer notice is (or will be) given. */
export const NOTICE_KINDS = [
  'before_disclosure',
  'after_disclosure',
  'after_order_expired',
  'after_emergency_passed',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** Where a queued customer notice stands in the outbox (docs/notices.md). */
export const OUTBOX_STATUSES = ['queued', 'sending', 'sent', 'failed', 'cancelled', 'possibly_sent'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** Which reminder e-mails a user gets about their due items (docs/workflow.md, "Reminders"). */
export const REMINDER_MODES = ['each', 'digest', 'off'] as const;
export type ReminderMode = (typeof REMINDER_MODES)[number];

/** Where a reminder e-mail stands: sent at most once; one that may have gone is never sent again. */
export const REMINDER_STATUSES = ['queued', 'sending', 'sent', 'failed', 'possibly_sent'] as const;
export type ReminderStatus = (typeof REMINDER_STATUSES)[number];

/** Which way a piece of correspondence with the agency went (docs/workflow.md, "Comments and correspondence"). */
export const CORRESPONDENCE_DIRECTIONS = ['sent', 'received'] as const;
export type CorrespondenceDirection = (typeof CORRESPONDENCE_DIRECTIONS)[number];

/** How correspondence with the agency travelled. */
export const CORRESPONDENCE_CHANNELS = ['email', 'letter', 'portal', 'phone', 'fax', 'in_person'] as const;
export type CorrespondenceChannel = (typeof CORRESPONDENCE_CHANNELS)[number];

/** How far a web session has signed in. */
export const SESSION_STAGES = ['second_factor', 'signed_in'] as const;
export type SessionStage = (typeof SESSION_STAGES)[number];

/**
 * The named sections of the provider's "How we handle requests" policy (issue 16.3; docs/reports.md), in the
 * order the report prints them. RDR P10(a) and F5(a) point at them by these keys.
 */
export const HANDLING_POLICY_SECTIONS = [
  'legal_review',
  'pushback',
  'verification',
  'notice',
  'emergency',
  'foreign_demands',
  'national_security',
  'content_restriction',
] as const;
export type HandlingPolicySection = (typeof HANDLING_POLICY_SECTIONS)[number];

/** The kinds of due item, one per obligation the legal team tracks. */
export const DUE_KINDS = [
  'response_deadline',
  'notice_owed',
  'hold_expiring',
  'gag_review',
  'emergency_follow_up',
  'notice_failed',
  'motion_to_quash',
] as const;
/** One kind of due item. */
export type DueKind = (typeof DUE_KINDS)[number];
